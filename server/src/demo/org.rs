//! The demo province's organisation tree and accounts: a committee member for the province and
//! for each committee under it, a secretary for every cell, and a device for each of them (the
//! device that writes their part of the minutes). Demo-only passwords are printed at start.
//!
//! Meeting documents name their cell by the org unit's stable code (`cellId`), so the tree seeded
//! here and the minutes seeded by [`super::generator`] line up.

use anyhow::Context;
use chrono::NaiveDate;
use diesel::prelude::*;

use super::DEMO_DEVICE_ID;
use super::generator::{DemoCell, DemoScale, demo_cells_at};
use super::province::{COMMITTEES, PROVINCE};
use crate::accounts::{roles, users};
use crate::auth::DeviceToken;
use crate::db::schema::{device_credentials as d, users as u};
use crate::db::{DbConnection, with_conn};
use crate::org::UnitKind;
use crate::org::access::Role;
use crate::org::people::{self, PartyStatus};
use crate::org::units::{NewUnit, create_unit, unit_by_code};
use sync_core::record::MemberCategory;
use sync_core::text::PersonName;

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

/// The demo logins: the committee members (province and every committee) and two secretaries.
/// The other cells' secretaries exist (their devices wrote the minutes) but cannot log in.
pub const DEMO_USERS: [DemoUser; 10] = [
    DemoUser {
        username: "uyvien.hoalu",
        password: "demo-uyvien-hoalu",
        role: "committee member, Đảng ủy phường Hoa Lư",
    },
    DemoUser {
        username: "bithu.hoalu1",
        password: "demo-bithu-hoalu1",
        role: "secretary, Chi bộ Khu phố 1 (Hoa Lư)",
    },
    DemoUser {
        username: "bithu.giavien1",
        password: "demo-bithu-giavien1",
        role: "secretary, Chi bộ Thôn 1 (Gia Viễn)",
    },
    DemoUser {
        username: "uyvien.tinh",
        password: "demo-uyvien-tinh",
        role: "committee member, Đảng bộ tỉnh Ninh Bình (the whole province)",
    },
    DemoUser {
        username: "uyvien.giavien",
        password: "demo-uyvien-giavien",
        role: "committee member, Đảng ủy xã Gia Viễn",
    },
    DemoUser {
        username: "uyvien.tamdiep",
        password: "demo-uyvien-tamdiep",
        role: "committee member, Đảng ủy phường Tam Điệp",
    },
    DemoUser {
        username: "uyvien.kimson",
        password: "demo-uyvien-kimson",
        role: "committee member, Đảng ủy xã Kim Sơn",
    },
    DemoUser {
        username: "uyvien.nhoquan",
        password: "demo-uyvien-nhoquan",
        role: "committee member, Đảng ủy xã Nho Quan",
    },
    DemoUser {
        username: "uyvien.coquan",
        password: "demo-uyvien-coquan",
        role: "committee member, Đảng ủy các cơ quan Đảng tỉnh",
    },
    DemoUser {
        username: "bithu.tamdiep1",
        password: "demo-bithu-tamdiep1",
        role: "secretary, Chi bộ Tổ dân phố 1 (Tam Điệp)",
    },
];

/// The units exist from the 2025 restructuring (1 July 2025) on; cells founded during 2026 from
/// the first of their month.
fn in_force_from(month: u32) -> NaiveDate {
    let date = if month <= 1 {
        NaiveDate::from_ymd_opt(2025, 7, 1)
    } else {
        NaiveDate::from_ymd_opt(2026, month, 1)
    };
    date.unwrap_or_default()
}

/// The committee member's username of `committee` (`uyvien.hoalu`).
pub(crate) fn member_of(short: &str) -> String {
    format!("uyvien.{short}")
}

/// The device that writes `username`'s part of the minutes.
pub(crate) fn device_of(username: &str) -> String {
    if username == "bithu.hoalu1" {
        DEMO_DEVICE_ID.to_owned()
    } else {
        format!("demo-{username}")
    }
}

/// Creates the tree, the users, their roles and devices if they are missing (idempotent).
pub fn seed_org(conn: &mut DbConnection, scale: DemoScale) -> anyhow::Result<()> {
    let cells = demo_cells_at(scale);
    seed_units(conn, &cells)?;
    seed_members(conn, &cells)?;
    // (username, display name, role, unit)
    let mut accounts: Vec<(String, String, Role, String)> = vec![(
        "uyvien.tinh".into(),
        "Ủy viên Ban Thường vụ Tỉnh ủy".into(),
        Role::CommitteeMember,
        PROVINCE.0.into(),
    )];
    for committee in &COMMITTEES {
        accounts.push((
            member_of(committee.short),
            format!("Ủy viên {}", committee.name),
            Role::CommitteeMember,
            committee.code.into(),
        ));
    }
    for cell in &cells {
        accounts.push((
            cell.secretary.clone(),
            format!("Bí thư {}", cell.name),
            Role::CellSecretary,
            cell.id.clone(),
        ));
    }
    create_users(conn, &accounts)?;
    for (username, _, role, unit) in &accounts {
        roles::grant_role(conn, username, *role, unit)
            .with_context(|| format!("demo role of `{username}`"))?;
        register_device(conn, username)?;
    }
    Ok(())
}

/// The cells' types and members on record (people and their cell from the cell's founding),
/// keyed by the same member codes as the minutes' rosters; skips members already there.
fn seed_members(conn: &mut DbConnection, cells: &[DemoCell]) -> anyhow::Result<()> {
    for cell in cells {
        let (unit_id, _) =
            unit_by_code(conn, &cell.id)?.with_context(|| format!("demo cell `{}`", cell.id))?;
        crate::org::cell_types::set_cell_type(conn, &cell.id, Some(cell.cell_type))?;
        for (code, name, category) in &cell.members {
            if people::person_by_code(conn, code)?.is_some() {
                continue;
            }
            let status = match category {
                MemberCategory::DuBi => PartyStatus::DuBi,
                _ => PartyStatus::ChinhThuc,
            };
            let person = people::create_person(conn, code, &PersonName::parse(name), status)?;
            people::assign_cell(conn, &person.id, &unit_id, in_force_from(cell.founded))?;
        }
    }
    Ok(())
}

fn seed_units(conn: &mut DbConnection, cells: &[DemoCell]) -> anyhow::Result<()> {
    let mut units = vec![(
        NewUnit {
            code: PROVINCE.0.to_owned(),
            kind: UnitKind::DangBoTinh,
            name: PROVINCE.1.to_owned(),
            parent_code: None,
        },
        1,
    )];
    units.extend(COMMITTEES.iter().map(|c| {
        let unit = NewUnit {
            code: c.code.to_owned(),
            kind: UnitKind::DangUy,
            name: c.name.to_owned(),
            parent_code: Some(PROVINCE.0.to_owned()),
        };
        (unit, 1)
    }));
    units.extend(cells.iter().map(|cell| {
        let unit = NewUnit {
            code: cell.id.clone(),
            kind: UnitKind::ChiBo,
            name: cell.name.clone(),
            parent_code: Some(cell.committee.0.clone()),
        };
        (unit, cell.founded)
    }));
    for (unit, founded) in &units {
        if unit_by_code(conn, &unit.code)?.is_none() {
            create_unit(conn, unit, in_force_from(*founded))
                .with_context(|| format!("demo unit `{}`", unit.code))?;
        }
    }
    Ok(())
}

/// Creates the missing users: those in [`DEMO_USERS`] with their demo password, the others
/// with a password hash nothing matches (they cannot log in), in one statement.
fn create_users(
    conn: &mut DbConnection,
    accounts: &[(String, String, Role, String)],
) -> anyhow::Result<()> {
    let names: Vec<&str> = accounts.iter().map(|a| a.0.as_str()).collect();
    let existing: Vec<String> = with_conn!(&mut *conn, |c| {
        u::table
            .filter(u::username.eq_any(&names))
            .select(u::username)
            .load(c)?
    });
    let now = chrono::Utc::now().naive_utc();
    let mut rows = Vec::new();
    for (username, display, _, _) in accounts {
        if existing.contains(username) {
            continue;
        }
        match DEMO_USERS.iter().find(|d| d.username == username) {
            Some(login) => {
                users::create_user(conn, username, display, login.password)
                    .with_context(|| format!("demo user `{username}`"))?;
            }
            None => rows.push((
                u::id.eq(uuid::Uuid::new_v4().to_string()),
                u::username.eq(username.clone()),
                u::display_name.eq(crate::org::clean_name(display)),
                // Not a PHC string: no password verifies against it.
                u::password_hash.eq("!demo-no-login"),
                u::created_at.eq(now),
            )),
        }
    }
    for slice in rows.chunks(500) {
        with_conn!(&mut *conn, |c| {
            diesel::insert_into(u::table)
                .values(slice.to_vec())
                .execute(c)?
        });
    }
    Ok(())
}

/// Registers `username`'s device under a fixed id if it is missing. Its token is random and
/// never shown (the demo device's is rotated and printed at each start).
fn register_device(conn: &mut DbConnection, username: &str) -> anyhow::Result<()> {
    let user = users::user_by_username(conn, username)?
        .with_context(|| format!("demo user `{username}` missing"))?;
    let id = device_of(username);
    let now = chrono::Utc::now().naive_utc();
    let token = DeviceToken::generate();
    with_conn!(&mut *conn, |c| {
        diesel::insert_into(d::table)
            .values((
                d::id.eq(&id),
                d::name.eq(format!("Demo: {username}")),
                d::token_hash.eq(token.hash()),
                d::created_at.eq(now),
                d::user_id.eq(&user.id),
            ))
            .on_conflict_do_nothing()
            .execute(c)?;
        diesel::update(d::table.find(&id))
            .set(d::user_id.eq(&user.id))
            .execute(c)?
    });
    Ok(())
}
