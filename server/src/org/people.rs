//! Party members and their cell over time.

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Serialize;
use sync_core::text::PersonName;

use super::OrgError;
use crate::db::schema::{memberships as m, org_units as u, people as p};
use crate::db::{DbConnection, with_conn};

/// Party status (đảng viên chính thức / dự bị).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PartyStatus {
    /// Full member.
    ChinhThuc,
    /// Probationary member.
    DuBi,
}

impl PartyStatus {
    /// The stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ChinhThuc => "chinh_thuc",
            Self::DuBi => "du_bi",
        }
    }

    /// Parses the stored code, or the Vietnamese words ("chính thức", "dự bị") in any
    /// normalisation.
    pub fn parse(s: &str) -> Option<Self> {
        let folded = sync_core::text::fold_for_search(s).replace([' ', '-'], "_");
        match folded.trim_matches('_') {
            "chinh_thuc" => Some(Self::ChinhThuc),
            "du_bi" => Some(Self::DuBi),
            _ => None,
        }
    }
}

/// A member as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Person {
    /// Person id.
    pub id: String,
    /// The stable key rosters are matched on (e.g. the party card number).
    pub member_code: String,
    /// Name in three parts.
    pub name: PersonName,
    /// Party status.
    pub status: PartyStatus,
}

/// A member of a cell on some date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Member {
    /// The person.
    pub person: Person,
    /// Code of the cell.
    pub unit_code: String,
    /// Start of this membership.
    pub since: NaiveDate,
}

type PersonRow = (String, String, String, String, String, String);

fn person((id, member_code, ho, ten_dem, ten, status): PersonRow) -> Result<Person, OrgError> {
    Ok(Person {
        id,
        member_code,
        name: PersonName { ho, ten_dem, ten },
        status: PartyStatus::parse(&status).ok_or(OrgError::Corrupt(status))?,
    })
}

/// The person with `member_code`.
pub fn person_by_code(conn: &mut DbConnection, code: &str) -> Result<Option<Person>, OrgError> {
    let row: Option<PersonRow> = with_conn!(conn, |c| {
        p::table
            .filter(p::member_code.eq(code))
            .select((
                p::id,
                p::member_code,
                p::ho,
                p::ten_dem,
                p::ten,
                p::party_status,
            ))
            .first(c)
            .optional()?
    });
    row.map(person).transpose()
}

/// Creates a person (names normalised).
pub fn create_person(
    conn: &mut DbConnection,
    member_code: &str,
    name: &PersonName,
    status: PartyStatus,
) -> Result<Person, OrgError> {
    let now = chrono::Utc::now().naive_utc();
    let name = PersonName::parse(&name.full());
    let id = uuid::Uuid::new_v4().to_string();
    with_conn!(conn, |c| {
        diesel::insert_into(p::table)
            .values((
                p::id.eq(&id),
                p::member_code.eq(member_code),
                p::ho.eq(&name.ho),
                p::ten_dem.eq(&name.ten_dem),
                p::ten.eq(&name.ten),
                p::party_status.eq(status.as_str()),
                p::created_at.eq(now),
                p::updated_at.eq(now),
            ))
            .execute(c)?
    });
    Ok(Person {
        id,
        member_code: member_code.to_owned(),
        name,
        status,
    })
}

/// Updates a person's name and status.
pub fn update_person(
    conn: &mut DbConnection,
    id: &str,
    name: &PersonName,
    status: PartyStatus,
) -> Result<(), OrgError> {
    let now = chrono::Utc::now().naive_utc();
    with_conn!(conn, |c| {
        diesel::update(p::table.find(id))
            .set((
                p::ho.eq(&name.ho),
                p::ten_dem.eq(&name.ten_dem),
                p::ten.eq(&name.ten),
                p::party_status.eq(status.as_str()),
                p::updated_at.eq(now),
            ))
            .execute(c)?
    });
    Ok(())
}

/// The cell (unit id) `person_id` belongs to on `date`, with the membership's row and start.
pub fn membership_on(
    conn: &mut DbConnection,
    person_id: &str,
    date: NaiveDate,
) -> Result<Option<(i64, String, NaiveDate)>, OrgError> {
    Ok(with_conn!(conn, |c| {
        m::table
            .filter(m::person_id.eq(person_id))
            .filter(m::valid_from.le(date))
            .filter(m::valid_to.is_null().or(m::valid_to.gt(date)))
            .select((m::id, m::unit_id, m::valid_from))
            .first(c)
            .optional()?
    }))
}

/// Puts `person_id` in `unit_id` from `from` on, ending any membership in force then (a
/// transfer). Returns `false` when the person is already there.
pub fn assign_cell(
    conn: &mut DbConnection,
    person_id: &str,
    unit_id: &str,
    from: NaiveDate,
) -> Result<bool, OrgError> {
    let current = membership_on(conn, person_id, from)?;
    match current {
        Some((_, unit, _)) if unit == unit_id => return Ok(false),
        Some((row, _, since)) if since == from => {
            with_conn!(conn, |c| diesel::delete(m::table.find(row)).execute(c)?);
        }
        Some((row, _, _)) => {
            with_conn!(conn, |c| {
                diesel::update(m::table.find(row))
                    .set(m::valid_to.eq(Some(from)))
                    .execute(c)?
            });
        }
        None => {}
    }
    with_conn!(conn, |c| {
        diesel::insert_into(m::table)
            .values((
                m::person_id.eq(person_id),
                m::unit_id.eq(unit_id),
                m::valid_from.eq(from),
            ))
            .execute(c)?
    });
    Ok(true)
}

/// Members of the unit with `unit_code` on `date`, in member-list order (given name, middle
/// name, family name under Vietnamese collation).
pub fn members_of(
    conn: &mut DbConnection,
    unit_code: &str,
    date: NaiveDate,
) -> Result<Vec<Member>, OrgError> {
    members_on(conn, date, Some(unit_code))
}

/// Every membership in force on `date`, all units at once (one query), in member-list order.
pub fn all_members(conn: &mut DbConnection, date: NaiveDate) -> Result<Vec<Member>, OrgError> {
    members_on(conn, date, None)
}

fn members_on(
    conn: &mut DbConnection,
    date: NaiveDate,
    unit_code: Option<&str>,
) -> Result<Vec<Member>, OrgError> {
    type Row = (PersonRow, String, NaiveDate);
    let rows: Vec<Row> = with_conn!(conn, |c| {
        let mut query = m::table
            .inner_join(p::table.on(p::id.eq(m::person_id)))
            .inner_join(u::table.on(u::id.eq(m::unit_id)))
            .filter(m::valid_from.le(date))
            .filter(m::valid_to.is_null().or(m::valid_to.gt(date)))
            .select((
                (
                    p::id,
                    p::member_code,
                    p::ho,
                    p::ten_dem,
                    p::ten,
                    p::party_status,
                ),
                u::code,
                m::valid_from,
            ))
            .into_boxed();
        if let Some(code) = unit_code {
            query = query.filter(u::code.eq(code.to_owned()));
        }
        query.load(c)?
    });
    let mut members = rows
        .into_iter()
        .map(|(row, unit_code, since)| {
            Ok(Member {
                person: person(row)?,
                unit_code,
                since,
            })
        })
        .collect::<Result<Vec<_>, OrgError>>()?;
    members.sort_by(|a, b| sync_core::text::compare_names(&a.person.name, &b.person.name));
    Ok(members)
}
