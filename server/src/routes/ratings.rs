//! `/api/v1/...` JSON views and exports of the ratings projection (documented in the README).
//! Every handler runs its queries on the blocking pool and reads rows only.

use actix_web::http::header::{ContentDisposition, ContentType, DispositionParam, DispositionType};
use actix_web::{HttpResponse, web};
use chrono::{Duration, NaiveDate, Utc};
use serde::Deserialize;

use crate::auth::AuthenticatedDevice;
use crate::db::{DbConnection, run_blocking};
use crate::error::ApiError;
use crate::ratings::expected::TreeCells;
use crate::ratings::queries::{self, Scope, TaskScope};
use crate::ratings::{RatingsConfig, RatingsError, export};
use crate::store::Store;
use crate::ws::HubHandle;

use super::ratings_access::{ReadScope, authorize};

/// Registers the ratings routes and their configuration (from the environment).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.app_data(web::Data::new(RatingsConfig::from_env()))
        .route("/api/v1/ratings/grid", web::get().to(grid))
        .route(
            "/api/v1/ratings/cells/{cell}/year/{year}",
            web::get().to(cell_year),
        )
        .route("/api/v1/ratings/queue", web::get().to(queue))
        .route("/api/v1/ratings/rollup", web::get().to(rollup))
        .route("/api/v1/ratings/stats", web::get().to(stats))
        .route("/api/v1/meetings/{doc_id}/score", web::get().to(score))
        .route("/api/v1/members/absences", web::get().to(absences))
        .route("/api/v1/followups", web::get().to(followups))
        .route("/api/v1/followups/overdue", web::get().to(overdue))
        .route("/api/v1/exports/{name}", web::get().to(exports));
}

/// Query parameters shared by the views.
#[derive(Debug, Deserialize)]
struct Params {
    committee: Option<String>,
    cell: Option<String>,
    year: Option<i64>,
    /// `YYYY-MM-DD`; default today in Vietnam (UTC+7).
    as_of: Option<String>,
    /// `month`, `quarter` or `year` (stats).
    by: Option<String>,
}

impl Params {
    fn as_of(&self) -> Result<NaiveDate, ApiError> {
        parse_as_of(self.as_of.as_deref())
    }

    fn year(&self) -> Result<i64, ApiError> {
        let year = self
            .year
            .ok_or_else(|| ApiError::BadRequest("`year` is required".into()))?;
        check_year(year)
    }

    fn required(value: &Option<String>, name: &str) -> Result<String, ApiError> {
        value
            .clone()
            .filter(|v| !v.is_empty())
            .map(|v| sync_core::text::normalize(&v))
            .ok_or_else(|| ApiError::BadRequest(format!("`{name}` is required")))
    }

    fn committee(&self) -> Option<String> {
        self.committee
            .as_deref()
            .filter(|c| !c.is_empty())
            .map(sync_core::text::normalize)
    }
}

fn check_year(year: i64) -> Result<i64, ApiError> {
    if (1930..=9999).contains(&year) {
        Ok(year)
    } else {
        Err(ApiError::BadRequest(format!("`year` out of range: {year}")))
    }
}

/// An `as_of` query parameter (`YYYY-MM-DD`); today in Vietnam (UTC+7) when absent.
pub(super) fn parse_as_of(value: Option<&str>) -> Result<NaiveDate, ApiError> {
    match value {
        None => Ok((Utc::now() + Duration::hours(7)).date_naive()),
        Some(d) => NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map_err(|_| ApiError::BadRequest(format!("`as_of` must be YYYY-MM-DD, got `{d}`"))),
    }
}

async fn db<T, F>(store: &Store, f: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut DbConnection) -> Result<T, RatingsError> + Send + 'static,
    T: Send + 'static,
{
    run_blocking(store.pool(), f).await.map_err(ApiError::from)
}

async fn grid(
    device: AuthenticatedDevice,
    hub: web::Data<HubHandle>,
    store: web::Data<Store>,
    q: web::Query<Params>,
) -> Result<HttpResponse, ApiError> {
    let committee = Params::required(&q.committee, "committee")?;
    authorize(&device, &store, &hub, ReadScope::Unit(committee.clone())).await?;
    let (year, as_of) = (q.year()?, q.as_of()?);
    let grid = db(&store, move |c| {
        queries::grid(c, &TreeCells, &committee, year, as_of)
    })
    .await?;
    Ok(HttpResponse::Ok().json(grid))
}

async fn cell_year(
    device: AuthenticatedDevice,
    hub: web::Data<HubHandle>,
    store: web::Data<Store>,
    config: web::Data<RatingsConfig>,
    path: web::Path<(String, i64)>,
    q: web::Query<Params>,
) -> Result<HttpResponse, ApiError> {
    let (cell, year) = path.into_inner();
    let (cell, year, as_of) = (
        sync_core::text::normalize(&cell),
        check_year(year)?,
        q.as_of()?,
    );
    authorize(&device, &store, &hub, ReadScope::Unit(cell.clone())).await?;
    let config = config.get_ref().clone();
    let view = db(&store, move |c| {
        queries::cell_year(c, &TreeCells, &cell, year, as_of, &config)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

async fn queue(
    device: AuthenticatedDevice,
    hub: web::Data<HubHandle>,
    store: web::Data<Store>,
    q: web::Query<Params>,
) -> Result<HttpResponse, ApiError> {
    let committee = q.committee();
    authorize(
        &device,
        &store,
        &hub,
        unit_or_everything(committee.as_deref()),
    )
    .await?;
    let items = db(&store, move |c| queries::queue(c, committee.as_deref())).await?;
    Ok(HttpResponse::Ok().json(items))
}

async fn rollup(
    device: AuthenticatedDevice,
    hub: web::Data<HubHandle>,
    store: web::Data<Store>,
    config: web::Data<RatingsConfig>,
    q: web::Query<Params>,
) -> Result<HttpResponse, ApiError> {
    let (committee, year, as_of) = (q.committee(), q.year()?, q.as_of()?);
    let config = config.get_ref().clone();
    authorize(
        &device,
        &store,
        &hub,
        unit_or_everything(committee.as_deref()),
    )
    .await?;
    let view = db(&store, move |c| {
        queries::rollup(c, &TreeCells, committee.as_deref(), year, as_of, &config)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

async fn stats(
    device: AuthenticatedDevice,
    hub: web::Data<HubHandle>,
    store: web::Data<Store>,
    q: web::Query<Params>,
) -> Result<HttpResponse, ApiError> {
    let year = q.year()?;
    let scope = match (&q.cell, q.committee()) {
        (Some(cell), _) if !cell.is_empty() => Scope::Cell(sync_core::text::normalize(cell)),
        (_, Some(committee)) => Scope::Committee(committee),
        _ => Scope::All,
    };
    let read = match &scope {
        Scope::Cell(code) | Scope::Committee(code) => ReadScope::Unit(code.clone()),
        Scope::All => ReadScope::Everything,
    };
    authorize(&device, &store, &hub, read).await?;
    let bucket = match q.by.as_deref().unwrap_or("month") {
        "month" => queries::Bucket::Month,
        "quarter" => queries::Bucket::Quarter,
        "year" => queries::Bucket::Year,
        other => {
            return Err(ApiError::BadRequest(format!(
                "`by` must be month, quarter or year, got `{other}`"
            )));
        }
    };
    let rows = db(&store, move |c| queries::stats(c, &scope, year, bucket)).await?;
    Ok(HttpResponse::Ok().json(rows))
}

async fn score(
    device: AuthenticatedDevice,
    hub: web::Data<HubHandle>,
    store: web::Data<Store>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let doc_id = path.into_inner();
    authorize(&device, &store, &hub, ReadScope::Meeting(doc_id.clone())).await?;
    match db(&store, move |c| queries::score_explanation(c, &doc_id)).await? {
        Some(view) => Ok(HttpResponse::Ok().json(view)),
        None => Err(ApiError::NotFound),
    }
}

async fn absences(
    device: AuthenticatedDevice,
    hub: web::Data<HubHandle>,
    store: web::Data<Store>,
    q: web::Query<Params>,
) -> Result<HttpResponse, ApiError> {
    let (cell, year) = (Params::required(&q.cell, "cell")?, q.year()?);
    authorize(&device, &store, &hub, ReadScope::Unit(cell.clone())).await?;
    let rows = db(&store, move |c| queries::member_absences(c, &cell, year)).await?;
    Ok(HttpResponse::Ok().json(rows))
}

fn unit_or_everything(unit: Option<&str>) -> ReadScope {
    unit.map_or(ReadScope::Everything, |u| ReadScope::Unit(u.to_owned()))
}

fn task_read(scope: &TaskScope) -> ReadScope {
    match scope {
        TaskScope::Cell(code) | TaskScope::Committee(code) => ReadScope::Unit(code.clone()),
        TaskScope::All => ReadScope::Everything,
    }
}

fn task_scope(q: &Params) -> TaskScope {
    match (&q.cell, q.committee()) {
        (Some(cell), _) if !cell.is_empty() => TaskScope::Cell(sync_core::text::normalize(cell)),
        (_, Some(committee)) => TaskScope::Committee(committee),
        _ => TaskScope::All,
    }
}

async fn followups(
    device: AuthenticatedDevice,
    hub: web::Data<HubHandle>,
    store: web::Data<Store>,
    q: web::Query<Params>,
) -> Result<HttpResponse, ApiError> {
    let (scope, year) = (task_scope(&q), q.year()?);
    authorize(&device, &store, &hub, task_read(&scope)).await?;
    let rows = db(&store, move |c| queries::task_follow_ups(c, &scope, year)).await?;
    Ok(HttpResponse::Ok().json(rows))
}

async fn overdue(
    device: AuthenticatedDevice,
    hub: web::Data<HubHandle>,
    store: web::Data<Store>,
    q: web::Query<Params>,
) -> Result<HttpResponse, ApiError> {
    let (scope, as_of) = (task_scope(&q), q.as_of()?);
    authorize(&device, &store, &hub, task_read(&scope)).await?;
    let rows = db(&store, move |c| queries::overdue_tasks(c, &scope, as_of)).await?;
    Ok(HttpResponse::Ok().json(rows))
}

/// `ratings.csv`, `ratings.xlsx`, `attendance.csv`, `attendance.xlsx`.
async fn exports(
    device: AuthenticatedDevice,
    hub: web::Data<HubHandle>,
    store: web::Data<Store>,
    path: web::Path<String>,
    q: web::Query<Params>,
) -> Result<HttpResponse, ApiError> {
    let name = path.into_inner();
    let (committee, year) = (q.committee(), q.year()?);
    authorize(
        &device,
        &store,
        &hub,
        unit_or_everything(committee.as_deref()),
    )
    .await?;
    let (kind, format) = name.rsplit_once('.').ok_or(ApiError::NotFound)?;
    let attendance = match kind {
        "ratings" => false,
        "attendance" => true,
        _ => return Err(ApiError::NotFound),
    };
    let xlsx = match format {
        "csv" => false,
        "xlsx" => true,
        _ => return Err(ApiError::NotFound),
    };
    let bytes = db(&store, move |c| {
        let table = if attendance {
            export::attendance_table(c, committee.as_deref(), year)?
        } else {
            export::ratings_table(c, committee.as_deref(), year)?
        };
        if xlsx {
            export::to_xlsx(
                &table,
                if attendance {
                    "Điểm danh"
                } else {
                    "Xếp loại"
                },
            )
        } else {
            Ok(export::to_csv(&table))
        }
    })
    .await?;
    let content_type = if xlsx {
        ContentType(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                .parse()
                .map_err(|_| ApiError::NotFound)?,
        )
    } else {
        ContentType(
            "text/csv; charset=utf-8"
                .parse()
                .map_err(|_| ApiError::NotFound)?,
        )
    };
    let disposition = ContentDisposition {
        disposition: DispositionType::Attachment,
        parameters: vec![DispositionParam::Filename(format!(
            "{kind}-{year}.{format}"
        ))],
    };
    Ok(HttpResponse::Ok()
        .insert_header(content_type)
        .insert_header(disposition)
        .body(bytes))
}
