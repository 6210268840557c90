//! The demo province's organisation tree and accounts: a committee member for each commune
//! committee and a secretary for the first cell of each, with demo-only passwords printed at start.
//!
//! Meeting documents name their cell by the org unit's stable code (`cellId`), so the tree seeded
//! here and the minutes seeded by [`super::generator`] line up.

use anyhow::Context;
use chrono::NaiveDate;

use super::generator::{COMMITTEES, PROVINCE, demo_cells};
use crate::accounts::{roles, users};
use crate::db::DbConnection;
use crate::org::UnitKind;
use crate::org::access::Role;
use crate::org::units::{NewUnit, create_unit, unit_by_code};

/// A demo login.
#[derive(Debug, Clone)]
pub struct DemoUser {
    /// Username.
    pub username: &'static str,
    /// Demo-only password (printed at `--demo` start; never use these outside the demo).
    pub password: &'static str,
    /// What the user may do.
    pub role: &'static str,
}

/// The demo logins.
pub const DEMO_USERS: [DemoUser; 3] = [
    DemoUser {
        username: "uyvien.hoalu",
        password: "demo-uyvien-hoalu",
        role: "committee member, Đảng ủy phường Hoa Lư",
    },
    DemoUser {
        username: "bithu.hoalu1",
        password: "demo-bithu-hoalu1",
        role: "secretary, Chi bộ Khu phố 1",
    },
    DemoUser {
        username: "bithu.giavien1",
        password: "demo-bithu-giavien1",
        role: "secretary, Chi bộ Thôn 1",
    },
];

/// The units exist from the 2025 restructuring (1 July 2025) on.
fn in_force_from() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 7, 1).unwrap_or_default()
}

/// Creates the tree and the demo users if they are missing (idempotent).
pub fn seed_org(conn: &mut DbConnection) -> anyhow::Result<()> {
    let from = in_force_from();
    let mut units = vec![NewUnit {
        code: PROVINCE.0.to_owned(),
        kind: UnitKind::DangBoTinh,
        name: PROVINCE.1.to_owned(),
        parent_code: None,
    }];
    units.extend(COMMITTEES.iter().map(|(code, name, _)| NewUnit {
        code: (*code).to_owned(),
        kind: UnitKind::DangUy,
        name: (*name).to_owned(),
        parent_code: Some(PROVINCE.0.to_owned()),
    }));
    units.extend(demo_cells().into_iter().map(|cell| NewUnit {
        code: cell.id,
        kind: UnitKind::ChiBo,
        name: cell.name,
        parent_code: Some(cell.committee.0),
    }));
    for unit in &units {
        if unit_by_code(conn, &unit.code)?.is_none() {
            create_unit(conn, unit, from).with_context(|| format!("demo unit `{}`", unit.code))?;
        }
    }
    let grants = [
        (
            "uyvien.hoalu",
            "Ủy viên Đảng ủy phường Hoa Lư",
            Role::CommitteeMember,
            "du-hoa-lu",
        ),
        (
            "bithu.hoalu1",
            "Bí thư Chi bộ Khu phố 1",
            Role::CellSecretary,
            "du-hoa-lu-cb01",
        ),
        (
            "bithu.giavien1",
            "Bí thư Chi bộ Thôn 1",
            Role::CellSecretary,
            "du-gia-vien-cb01",
        ),
    ];
    for ((username, display, role, unit), demo) in grants.into_iter().zip(DEMO_USERS.iter()) {
        if users::user_by_username(conn, username)?.is_none() {
            users::create_user(conn, username, display, demo.password)?;
        }
        roles::grant_role(conn, username, role, unit)?;
    }
    Ok(())
}
