//! [`authors`]: who wrote a document, per Automerge actor: the user and the device that first
//! delivered the actor's changes. The field app shows these names beside conflicting values
//! instead of bare actor ids.

use std::collections::{BTreeMap, HashMap};

use diesel::prelude::*;
use serde::Serialize;

use super::AuditError;
use crate::db::schema::{actors, change_runs, device_credentials, users};
use crate::db::{DbConnection, with_conn};

/// The author behind one actor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Author {
    /// The user's display name (`None` for a device without a user).
    pub display_name: Option<String>,
    /// The user's login.
    pub username: Option<String>,
    /// The name the device was enrolled or registered under.
    pub device_name: Option<String>,
}

/// Every actor with a change stored for `doc_id` (hex actor id → its author), in actor order.
/// An actor whose registration is missing maps to an author with every field `None`.
pub fn authors(
    conn: &mut DbConnection,
    doc_id: &str,
) -> Result<BTreeMap<String, Author>, AuditError> {
    let actor_ids: Vec<String> = with_conn!(&mut *conn, |c| {
        change_runs::table
            .filter(change_runs::doc_id.eq(doc_id))
            .select(change_runs::actor_id)
            .distinct()
            .load(c)?
    });
    let registered: Vec<(String, String, Option<String>)> = with_conn!(&mut *conn, |c| {
        actors::table
            .filter(actors::actor_id.eq_any(&actor_ids))
            .select((actors::actor_id, actors::device_id, actors::user_id))
            .load(c)?
    });
    let user_ids: Vec<&String> = registered.iter().filter_map(|r| r.2.as_ref()).collect();
    let device_ids: Vec<&String> = registered.iter().map(|r| &r.1).collect();
    let people: HashMap<String, (String, String)> = with_conn!(&mut *conn, |c| {
        users::table
            .filter(users::id.eq_any(&user_ids))
            .select((users::id, users::username, users::display_name))
            .load::<(String, String, String)>(c)?
    })
    .into_iter()
    .map(|(id, username, name)| (id, (username, name)))
    .collect();
    let device_names: HashMap<String, String> = with_conn!(&mut *conn, |c| {
        device_credentials::table
            .filter(device_credentials::id.eq_any(&device_ids))
            .select((device_credentials::id, device_credentials::name))
            .load::<(String, String)>(c)?
    })
    .into_iter()
    .collect();
    let registered: HashMap<&String, (&String, Option<&String>)> = registered
        .iter()
        .map(|(actor, device, user)| (actor, (device, user.as_ref())))
        .collect();
    Ok(actor_ids
        .iter()
        .map(|actor| {
            let (device, user) = registered.get(actor).copied().unzip();
            let person = user.flatten().and_then(|u| people.get(u));
            let author = Author {
                display_name: person.map(|p| p.1.clone()),
                username: person.map(|p| p.0.clone()),
                device_name: device.and_then(|d| device_names.get(d).cloned()),
            };
            (actor.clone(), author)
        })
        .collect())
}
