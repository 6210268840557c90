//! Merging and splitting units: compositions of create, move and close, all dated, so the
//! tree before the date still reads as it was.

use chrono::NaiveDate;

use super::{NewUnit, close_unit, create_unit, move_unit, tree_as_of, unit_by_code};
use crate::db::DbConnection;
use crate::org::OrgError;

/// Merges `sources` into `target` on `on`: the sources' children move under the target and the
/// sources close. `target` may be new (created then) or an existing unit.
pub fn merge_units(
    conn: &mut DbConnection,
    sources: &[&str],
    target: &MergeTarget,
    on: NaiveDate,
) -> Result<(), OrgError> {
    let target_code = match target {
        MergeTarget::Existing(code) => code.clone(),
        MergeTarget::New(unit) => create_unit(conn, unit, on)?.code,
    };
    for source in sources {
        let (id, _) = unit_by_code(conn, source)?
            .ok_or_else(|| OrgError::UnknownCode((*source).to_owned()))?;
        let tree = tree_as_of(conn, on)?;
        let kids: Vec<String> = tree.children(&id).map(|k| k.code.clone()).collect();
        for kid in kids {
            move_unit(conn, &kid, Some(&target_code), on)?;
        }
        close_unit(conn, source, on)?;
    }
    Ok(())
}

/// Where [`merge_units`] puts the merged units.
#[derive(Debug, Clone)]
pub enum MergeTarget {
    /// An existing unit (by code).
    Existing(String),
    /// A unit created on the merge date.
    New(NewUnit),
}

/// Splits `source` on `on` into `parts` (created on that date); `assign` moves each child of the
/// source (by code) under the part with the given code. The source then closes.
pub fn split_unit(
    conn: &mut DbConnection,
    source: &str,
    parts: &[NewUnit],
    assign: &[(&str, &str)],
    on: NaiveDate,
) -> Result<(), OrgError> {
    for part in parts {
        create_unit(conn, part, on)?;
    }
    for (child, part) in assign {
        move_unit(conn, child, Some(part), on)?;
    }
    close_unit(conn, source, on)
}
