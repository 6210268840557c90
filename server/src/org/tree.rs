//! The organisation tree as of one date: a pure value, loaded by
//! [`tree_as_of`](super::units::tree_as_of) and queried without the database.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use serde::Serialize;

/// The level of a unit. Levels are data (domain.md §4.4): any kind may sit under any other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    /// Đảng bộ tỉnh / thành phố.
    DangBoTinh,
    /// A party committee above the grassroots (đảng ủy khối, đảng ủy xã …).
    DangUy,
    /// Đảng bộ cơ sở (grassroots committee with cells).
    DangBoCoSo,
    /// Đảng bộ bộ phận.
    DangBoBoPhan,
    /// Chi bộ cơ sở (grassroots cell without sub-cells).
    ChiBoCoSo,
    /// Chi bộ trực thuộc (a cell under a committee).
    ChiBo,
}

impl UnitKind {
    /// Every kind, in top-down order.
    pub const ALL: [UnitKind; 6] = [
        Self::DangBoTinh,
        Self::DangUy,
        Self::DangBoCoSo,
        Self::DangBoBoPhan,
        Self::ChiBoCoSo,
        Self::ChiBo,
    ];

    /// The stored and exported code, e.g. `chi_bo`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::DangBoTinh => "dang_bo_tinh",
            Self::DangUy => "dang_uy",
            Self::DangBoCoSo => "dang_bo_co_so",
            Self::DangBoBoPhan => "dang_bo_bo_phan",
            Self::ChiBoCoSo => "chi_bo_co_so",
            Self::ChiBo => "chi_bo",
        }
    }

    /// Parses [`as_str`](Self::as_str) (ASCII case and surrounding spaces ignored).
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        Self::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(s))
    }

    /// Whether meetings are held in units of this kind (a cell).
    pub fn is_cell(self) -> bool {
        matches!(self, Self::ChiBo | Self::ChiBoCoSo)
    }
}

impl std::fmt::Display for UnitKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A unit as it is on the tree's date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TreeUnit {
    /// Stable unit id.
    pub id: String,
    /// Stable code.
    pub code: String,
    /// Level.
    pub kind: UnitKind,
    /// Name on that date (normalised).
    pub name: String,
    /// Parent id on that date (`None` for a root).
    pub parent_id: Option<String>,
}

/// One step of an ancestor path: what a meeting snapshots about its cell's place in the tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PathEntry {
    /// Unit id.
    pub id: String,
    /// Unit code.
    pub code: String,
    /// Level.
    pub kind: UnitKind,
    /// Name on the tree's date.
    pub name: String,
}

/// The tree on one date.
#[derive(Debug, Clone, Default)]
pub struct OrgTree {
    date: Option<NaiveDate>,
    units: HashMap<String, TreeUnit>,
    children: HashMap<String, Vec<String>>,
    roots: Vec<String>,
}

impl OrgTree {
    /// Builds the tree of `units` (those in force on `date`). A parent not among `units` makes
    /// the unit a root; children are kept in code order so walks are deterministic.
    pub fn new(date: NaiveDate, units: Vec<TreeUnit>) -> Self {
        let units: HashMap<String, TreeUnit> =
            units.into_iter().map(|u| (u.id.clone(), u)).collect();
        let mut children: HashMap<String, Vec<String>> = HashMap::new();
        let mut roots = Vec::new();
        for unit in units.values() {
            match &unit.parent_id {
                Some(p) if units.contains_key(p) => {
                    children.entry(p.clone()).or_default().push(unit.id.clone())
                }
                _ => roots.push(unit.id.clone()),
            }
        }
        let code_of = |id: &String| units.get(id).map(|u| u.code.clone()).unwrap_or_default();
        for list in children.values_mut() {
            list.sort_by_key(|id| code_of(id));
        }
        roots.sort_by_key(|id| code_of(id));
        Self {
            date: Some(date),
            units,
            children,
            roots,
        }
    }

    /// The date this tree describes.
    pub fn date(&self) -> Option<NaiveDate> {
        self.date
    }

    /// Number of units in force.
    pub fn len(&self) -> usize {
        self.units.len()
    }

    /// Whether no unit is in force.
    pub fn is_empty(&self) -> bool {
        self.units.is_empty()
    }

    /// The unit with this id.
    pub fn get(&self, id: &str) -> Option<&TreeUnit> {
        self.units.get(id)
    }

    /// The unit with this code.
    pub fn by_code(&self, code: &str) -> Option<&TreeUnit> {
        self.units.values().find(|u| u.code == code)
    }

    /// Root units, by code.
    pub fn roots(&self) -> impl Iterator<Item = &TreeUnit> {
        self.roots.iter().filter_map(|id| self.units.get(id))
    }

    /// Direct children of `id`, by code.
    pub fn children(&self, id: &str) -> impl Iterator<Item = &TreeUnit> {
        self.children
            .get(id)
            .into_iter()
            .flatten()
            .filter_map(|c| self.units.get(c))
    }

    /// The path from the root down to `id` (inclusive), with names as of the tree's date; empty
    /// if `id` is not in force. Stops at a repeated unit, so corrupt data cannot loop.
    pub fn ancestor_path(&self, id: &str) -> Vec<PathEntry> {
        let mut path = Vec::new();
        let mut seen = HashSet::new();
        let mut current = self.units.get(id);
        while let Some(unit) = current {
            if !seen.insert(unit.id.as_str()) {
                break;
            }
            path.push(PathEntry {
                id: unit.id.clone(),
                code: unit.code.clone(),
                kind: unit.kind,
                name: unit.name.clone(),
            });
            current = unit.parent_id.as_deref().and_then(|p| self.units.get(p));
        }
        path.reverse();
        path
    }

    /// `id` and every unit below it, depth first (parents before children).
    pub fn subtree(&self, id: &str) -> Vec<&TreeUnit> {
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        let mut stack: Vec<&str> = vec![id];
        while let Some(next) = stack.pop() {
            let Some(unit) = self.units.get(next) else {
                continue;
            };
            if !seen.insert(next) {
                continue;
            }
            out.push(unit);
            if let Some(kids) = self.children.get(next) {
                stack.extend(kids.iter().rev().map(String::as_str));
            }
        }
        out
    }

    /// Whether `id` is `ancestor` or lies below it on the tree's date.
    pub fn is_within(&self, id: &str, ancestor: &str) -> bool {
        let mut seen = HashSet::new();
        let mut current = self.units.get(id);
        while let Some(unit) = current {
            if unit.id == ancestor {
                return true;
            }
            if !seen.insert(unit.id.as_str()) {
                return false;
            }
            current = unit.parent_id.as_deref().and_then(|p| self.units.get(p));
        }
        false
    }

    /// Every unit, depth first from the roots (each level by code).
    pub fn walk(&self) -> Vec<&TreeUnit> {
        self.roots.iter().flat_map(|r| self.subtree(r)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(id: &str, parent: Option<&str>) -> TreeUnit {
        TreeUnit {
            id: id.into(),
            code: id.to_uppercase(),
            kind: UnitKind::ChiBo,
            name: format!("Chi bộ {id}"),
            parent_id: parent.map(Into::into),
        }
    }

    #[test]
    fn paths_and_subtrees_follow_the_parent_links() {
        let date = NaiveDate::from_ymd_opt(2025, 7, 1).unwrap();
        let tree = OrgTree::new(
            date,
            vec![
                unit("a", None),
                unit("b", Some("a")),
                unit("c", Some("b")),
                unit("d", Some("a")),
            ],
        );
        let path: Vec<_> = tree.ancestor_path("c").into_iter().map(|p| p.id).collect();
        assert_eq!(path, ["a", "b", "c"]);
        let sub: Vec<_> = tree
            .subtree("a")
            .into_iter()
            .map(|u| u.id.as_str())
            .collect();
        assert_eq!(sub, ["a", "b", "c", "d"]);
        assert!(tree.is_within("c", "a"));
        assert!(!tree.is_within("a", "c"));
        assert!(!tree.is_within("d", "b"));
    }

    #[test]
    fn a_cycle_in_the_data_does_not_loop() {
        let date = NaiveDate::from_ymd_opt(2025, 7, 1).unwrap();
        let tree = OrgTree::new(date, vec![unit("a", Some("b")), unit("b", Some("a"))]);
        assert_eq!(tree.ancestor_path("a").len(), 2);
        assert!(!tree.is_within("a", "x"));
    }
}
