//! The committee's review of one meeting: `GET /api/v1/meetings/{id}/minutes` (the normalised
//! minutes from the `meeting_records` projection row, for the printable page) and
//! `POST /api/v1/meetings/{id}/review` (confirm, return, lock, reopen).
//!
//! A review is an edit of the meeting document by the committee member, like any other edit:
//! typed [`MeetingOp`]s applied with a fresh actor and pushed through the sync hub on a
//! connection whose identity is the member's session device ([`edit_as`]). The engine's access
//! rule and guard, the actor registration (so the authorship check counts the superior score),
//! the durable commit, the re-rating and the push to connected phones are those of a synced
//! change. Who may review is decided first: committee rights over the meeting's cell, else 403.

use std::collections::BTreeMap;
use std::time::Duration;

use actix_web::{HttpResponse, web};
use chrono::Utc;
use serde::Deserialize;
use sync_core::doc::{MeetingDoc, MeetingOp, Sheet};
use sync_core::doc_id::DocumentId;
use sync_core::record::ReviewStatus;

use super::ratings_access::{ReadScope, authorize};
use crate::auth::AuthenticatedDevice;
use crate::db::run_blocking;
use crate::error::ApiError;
use crate::ratings::queries;
use crate::store::Store;
use crate::ws::HubHandle;
use crate::ws::local_peer::{LocalEditError, edit_as};

/// How long a review may wait for the hub (fetch, commit, acknowledgement).
const REVIEW_TIMEOUT: Duration = Duration::from_secs(20);

/// Registers the two routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/v1/meetings/{doc_id}/minutes", web::get().to(minutes))
        .route("/api/v1/meetings/{doc_id}/review", web::post().to(review));
}

#[tracing::instrument(name = "meeting minutes", skip_all, fields(doc_id = %path))]
async fn minutes(
    device: AuthenticatedDevice,
    hub: web::Data<HubHandle>,
    store: web::Data<Store>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let doc_id = path.into_inner();
    authorize(&device, &store, &hub, ReadScope::Meeting(doc_id.clone())).await?;
    let view = run_blocking(store.pool(), move |c| queries::minutes(c, &doc_id))
        .await
        .map_err(ApiError::from)?
        .ok_or(ApiError::NotFound)?;
    let review_criteria = awarded_criteria(view.record.as_ref());
    Ok(HttpResponse::Ok().json(MinutesView {
        minutes: view,
        review_criteria,
    }))
}

/// The minutes and the criteria the committee awards by hand (the review form's inputs).
#[derive(Debug, serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct MinutesView {
    #[serde(flatten)]
    minutes: queries::Minutes,
    review_criteria: Vec<ReviewCriterion>,
}

/// One hand-awarded criterion of the meeting's rubric.
#[derive(Debug, serde::Serialize)]
struct ReviewCriterion {
    id: String,
    title: String,
    max: f64,
    /// The cell's own points, as a starting value.
    self_points: Option<f64>,
    /// The committee's points so far.
    superior_points: Option<f64>,
}

/// The awarded criteria of the rubric named by the record's superior (else self) sheet.
fn awarded_criteria(record: Option<&serde_json::Value>) -> Vec<ReviewCriterion> {
    let Some(record) = record else {
        return Vec::new();
    };
    let sheet_key = |sheet: &str| record[sheet]["rubricId"].as_str().unwrap_or("").to_owned();
    let key = match sheet_key("superiorScore") {
        k if k.is_empty() => sheet_key("selfScore"),
        k => k,
    };
    let Some(rubric) = sync_core::rubric::presets().iter().find(|r| r.key() == key) else {
        return Vec::new();
    };
    rubric
        .spec()
        .groups
        .iter()
        .flat_map(|g| g.criteria.iter())
        .filter(|c| matches!(c.rule, sync_core::rubric::Rule::Awarded))
        .map(|c| ReviewCriterion {
            id: c.id.clone(),
            title: c.title.clone(),
            max: c.max,
            self_points: record["selfScore"]["awarded"][&c.id].as_f64(),
            superior_points: record["superiorScore"]["awarded"][&c.id].as_f64(),
        })
        .collect()
}

/// What the committee does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    /// Submitted (or returned) → confirmed, with the superior score.
    Confirm,
    /// Submitted or confirmed → returned, with a reason.
    Return,
    /// Confirmed → locked.
    Lock,
    /// Confirmed or locked → returned (out of review again), optionally with a reason.
    Reopen,
}

impl Action {
    fn parse(s: &str) -> Result<Self, ApiError> {
        match s {
            "confirm" => Ok(Self::Confirm),
            "return" => Ok(Self::Return),
            "lock" => Ok(Self::Lock),
            "reopen" => Ok(Self::Reopen),
            other => Err(ApiError::BadRequest(format!(
                "`action` must be confirm, return, lock or reopen, got `{other}`"
            ))),
        }
    }

    /// The statuses the action starts from.
    fn starts_from(self) -> &'static [ReviewStatus] {
        use ReviewStatus::*;
        match self {
            Self::Confirm => &[DaGui, TraLai],
            Self::Return => &[DaGui, DaXacNhan],
            Self::Lock => &[DaXacNhan],
            Self::Reopen => &[DaXacNhan, Khoa],
        }
    }
}

/// The request body.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ReviewRequest {
    action: String,
    #[serde(default)]
    superior_scores: BTreeMap<String, f64>,
    #[serde(default)]
    reason: Option<String>,
}

/// Why the edit was not made.
#[derive(Debug, thiserror::Error)]
enum Refusal {
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    WrongState(String),
}

#[tracing::instrument(name = "meeting review", skip_all, fields(doc_id = %path, device.id = %device.id()))]
async fn review(
    device: AuthenticatedDevice,
    hub: web::Data<HubHandle>,
    store: web::Data<Store>,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let doc_id = path.into_inner();
    let request: ReviewRequest = serde_json::from_slice(&body)
        .map_err(|e| ApiError::BadRequest(format!("invalid review request: {e}")))?;
    let action = Action::parse(&request.action)?;
    let reason = request
        .reason
        .as_deref()
        .map(sync_core::text::normalize)
        .map(|r| r.trim().to_owned())
        .filter(|r| !r.is_empty());
    if action == Action::Return && reason.is_none() {
        return Err(ApiError::BadRequest("returning needs a `reason`".into()));
    }
    if action != Action::Confirm && !request.superior_scores.is_empty() {
        return Err(ApiError::BadRequest(
            "`superiorScores` are given only with `confirm`".into(),
        ));
    }
    let id = DocumentId::parse(&doc_id).map_err(|_| ApiError::NotFound)?;
    authorize(&device, &store, &hub, ReadScope::Meeting(doc_id.clone())).await?;
    may_review(&device, &store, &hub, &doc_id).await?;

    let scorer = device.user_id.clone().unwrap_or_default();
    let scores = request.superior_scores;
    let edit = move |doc: &mut MeetingDoc| apply(doc, action, &scores, reason, &scorer);
    match edit_as(&hub, device.id(), id, None, REVIEW_TIMEOUT, edit).await {
        Ok(()) => {}
        Err(LocalEditError::Refused(Refusal::Invalid(m))) => return Err(ApiError::BadRequest(m)),
        Err(LocalEditError::Refused(Refusal::WrongState(m))) => return Err(ApiError::Conflict(m)),
        Err(LocalEditError::Unavailable) => return Err(ApiError::NotFound),
        Err(e) => return Err(ApiError::Unexpected(anyhow::anyhow!(e.to_string()))),
    }
    Ok(HttpResponse::Ok().json(serde_json::json!({ "docId": doc_id, "action": request.action })))
}

/// 403 unless the device's user holds committee rights over the meeting's cell.
async fn may_review(
    device: &AuthenticatedDevice,
    store: &web::Data<Store>,
    hub: &web::Data<HubHandle>,
    doc_id: &str,
) -> Result<(), ApiError> {
    let (device_id, doc_id) = (device.id().to_owned(), doc_id.to_owned());
    let hub = hub.get_ref().clone();
    let allowed = run_blocking(store.pool(), move |conn| {
        let access = hub.access();
        access.refresh_device(conn, &device_id)?;
        let cell = crate::org::access::documents::cell_of(conn, &doc_id)?;
        Ok::<bool, anyhow::Error>(cell.is_some_and(|cell| {
            access
                .snapshot()
                .decision(&device_id, &cell)
                .can_write_committee_fields
        }))
    })
    .await
    .map_err(ApiError::Unexpected)?;
    if allowed {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            "only the superior committee reviews a cell's minutes".into(),
        ))
    }
}

/// The operations of one review, checked against the current minutes.
fn apply(
    doc: &mut MeetingDoc,
    action: Action,
    scores: &BTreeMap<String, f64>,
    reason: Option<String>,
    scorer: &str,
) -> Result<(), Refusal> {
    let record = doc
        .record()
        .map_err(|e| Refusal::WrongState(format!("the minutes do not load: {e}")))?;
    if !action.starts_from().contains(&record.status) {
        return Err(Refusal::WrongState(format!(
            "cannot {action:?} minutes in status {:?}",
            record.status
        )));
    }
    let mut ops = Vec::new();
    let status = match action {
        Action::Confirm => {
            let rubric_key = if record.superior_score.rubric_id.is_empty() {
                record.self_score.rubric_id.clone()
            } else {
                record.superior_score.rubric_id.clone()
            };
            let rubric = sync_core::rubric::presets()
                .iter()
                .find(|r| r.key() == rubric_key)
                .ok_or_else(|| Refusal::WrongState(format!("unknown rubric `{rubric_key}`")))?;
            for (criterion, points) in scores {
                let (_, c) = rubric.criterion(criterion).ok_or_else(|| {
                    Refusal::Invalid(format!("`{criterion}` is not a criterion of {rubric_key}"))
                })?;
                if !matches!(c.rule, sync_core::rubric::Rule::Awarded) {
                    return Err(Refusal::Invalid(format!(
                        "`{criterion}` is computed from the minutes, not awarded"
                    )));
                }
                if !points.is_finite() || *points < 0.0 || *points > c.max {
                    return Err(Refusal::Invalid(format!(
                        "`{criterion}` takes 0 to {} points, got {points}",
                        c.max
                    )));
                }
                ops.push(MeetingOp::AwardPoints {
                    sheet: Sheet::Superior,
                    criterion: criterion.clone(),
                    points: *points,
                });
            }
            let now = (Utc::now() + chrono::Duration::hours(7)).format("%Y-%m-%dT%H:%M");
            for (field, value) in [
                ("rubricId", rubric_key),
                ("scoredBy", scorer.to_owned()),
                ("confirmedAt", now.to_string()),
            ] {
                ops.push(MeetingOp::SetSheetField {
                    sheet: Sheet::Superior,
                    field: field.to_owned(),
                    value: value.into(),
                });
            }
            "da_xac_nhan"
        }
        Action::Return | Action::Reopen => {
            if let Some(reason) = reason {
                ops.push(MeetingOp::ReplaceText {
                    field: "returnReason".to_owned(),
                    value: reason,
                });
            }
            "tra_lai"
        }
        Action::Lock => "khoa",
    };
    ops.push(MeetingOp::SetScalar {
        field: "status".to_owned(),
        value: status.into(),
    });
    for op in &ops {
        doc.apply(op)
            .map_err(|e| Refusal::Invalid(format!("the edit was refused: {e}")))?;
    }
    Ok(())
}
