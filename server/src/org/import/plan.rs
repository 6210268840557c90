//! The result of planning an import: per-row actions, counts, and the errors that refuse a
//! file.

use std::fmt;

use chrono::NaiveDate;
use serde::Serialize;

use crate::org::OrgError;
use crate::org::table::TableError;
use crate::org::tree::UnitKind;

/// What importing one row does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// A new unit.
    Create,
    /// Same unit, new name.
    Rename {
        /// Name before.
        from: String,
    },
    /// Same unit, new parent.
    Move {
        /// Parent code before (`None` = root).
        from: Option<String>,
    },
    /// New name and new parent.
    RenameAndMove {
        /// Name before.
        from_name: String,
        /// Parent code before.
        from_parent: Option<String>,
    },
    /// Nothing to do.
    Unchanged,
}

/// One planned change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// Row number.
    pub row: usize,
    /// Unit code.
    pub code: String,
    /// Name after import.
    pub name: String,
    /// Parent code after import.
    pub parent_code: Option<String>,
    /// What happens.
    #[serde(flatten)]
    pub action: Action,
    /// The unit's kind (for creation).
    #[serde(skip)]
    pub(crate) kind: Option<UnitKind>,
    /// Depth in the resulting tree (parents are applied first).
    #[serde(skip)]
    pub(crate) depth: usize,
}

/// A validated import: what would change on `date`.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    /// Effective date of every change.
    pub date: NaiveDate,
    /// One entry per row, in file order.
    pub changes: Vec<Change>,
}

/// Counts of a plan's actions.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// New units.
    pub created: usize,
    /// Renamed (including renamed and moved).
    pub renamed: usize,
    /// Moved (including renamed and moved).
    pub moved: usize,
    /// Unchanged.
    pub unchanged: usize,
}

/// A problem with one row of an import file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowProblem {
    /// Row number (1 = header).
    pub row: usize,
    /// What is wrong.
    pub message: String,
}

/// Why an import file is refused.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file is unreadable as a table (with the row for encoding problems).
    #[error(transparent)]
    Table(#[from] TableError),
    /// A required column is missing.
    #[error("the header row has no `{0}` column")]
    MissingColumn(&'static str),
    /// Rows are wrong; nothing was changed.
    #[error("{} problem(s) in the file, nothing was imported:\n{}", .0.len(), list(.0))]
    Rows(Vec<RowProblem>),
    /// The database refused.
    #[error(transparent)]
    Org(#[from] OrgError),
}

impl From<diesel::result::Error> for ImportError {
    fn from(e: diesel::result::Error) -> Self {
        Self::Org(OrgError::Query(e))
    }
}

fn list(problems: &[RowProblem]) -> String {
    problems
        .iter()
        .map(|p| format!("  row {}: {}", p.row, p.message))
        .collect::<Vec<_>>()
        .join("\n")
}

impl Plan {
    /// Counts per action.
    pub fn summary(&self) -> Summary {
        let mut s = Summary::default();
        for c in &self.changes {
            match c.action {
                Action::Create => s.created += 1,
                Action::Rename { .. } => s.renamed += 1,
                Action::Move { .. } => s.moved += 1,
                Action::RenameAndMove { .. } => {
                    s.renamed += 1;
                    s.moved += 1;
                }
                Action::Unchanged => s.unchanged += 1,
            }
        }
        s
    }

    /// Whether applying would change anything.
    pub fn is_noop(&self) -> bool {
        self.changes.iter().all(|c| c.action == Action::Unchanged)
    }
}

impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in &self.changes {
            let parent = c.parent_code.as_deref().unwrap_or("-");
            match &c.action {
                Action::Create => writeln!(f, "created    {} `{}` under {parent}", c.code, c.name)?,
                Action::Rename { from } => {
                    writeln!(f, "renamed    {} `{from}` → `{}`", c.code, c.name)?
                }
                Action::Move { from } => writeln!(
                    f,
                    "moved      {} from {} to {parent}",
                    c.code,
                    from.as_deref().unwrap_or("-")
                )?,
                Action::RenameAndMove {
                    from_name,
                    from_parent,
                } => writeln!(
                    f,
                    "renamed    {} `{from_name}` → `{}`, moved from {} to {parent}",
                    c.code,
                    c.name,
                    from_parent.as_deref().unwrap_or("-")
                )?,
                Action::Unchanged => writeln!(f, "unchanged  {} `{}`", c.code, c.name)?,
            }
        }
        let s = self.summary();
        write!(
            f,
            "as of {}: {} created, {} renamed, {} moved, {} unchanged",
            self.date, s.created, s.renamed, s.moved, s.unchanged
        )
    }
}
