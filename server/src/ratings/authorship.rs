//! The organisation's authorship rule as the projection's [`ViolationCheck`]: a value written by
//! someone without the right to write it (a secretary's device typing the superior score, a
//! committee device editing attendance) is kept in the document but never counted.

use sync_core::doc::MeetingRead;

use super::violations::{Violation, ViolationCheck};
use crate::audit::{self, ViolationReason};
use crate::db::DbConnection;

/// [`audit::violations`] as a [`ViolationCheck`].
#[derive(Debug, Clone, Copy, Default)]
pub struct OrgAuthorship;

fn code(reason: ViolationReason) -> &'static str {
    match reason {
        ViolationReason::NotCommittee => "committee_field_not_by_committee",
        ViolationReason::NotCell => "cell_field_not_by_cell",
        ViolationReason::UnknownActor => "unknown_actor",
    }
}

impl ViolationCheck for OrgAuthorship {
    fn violations(
        &self,
        conn: &mut DbConnection,
        doc_id: &str,
        doc: &dyn MeetingRead,
    ) -> Vec<Violation> {
        match audit::violations(conn, doc_id, doc) {
            Ok(found) => found
                .into_iter()
                .map(|v| Violation {
                    code: code(v.reason).to_owned(),
                    message: format!(
                        "`{}` = {} was written by device {} without the right to write it; it is \
                         kept in the minutes but not counted",
                        v.path,
                        v.value,
                        v.device_id.as_deref().unwrap_or("(unknown)")
                    ),
                    path: v.path,
                    is_error: true,
                })
                .collect(),
            // When authorship cannot be checked, nothing is counted as rated until it can be.
            Err(e) => vec![Violation {
                code: "authorship_unchecked".to_owned(),
                path: String::new(),
                message: format!("authorship could not be checked: {e}"),
                is_error: true,
            }],
        }
    }
}
