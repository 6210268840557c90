//! Revocation events for the sync layer: a `tokio::sync::broadcast` channel of
//! [`RevocationEvent`]s. In-process revocations (logout) publish directly; a watcher polls the
//! database so revocations made by another process (`server admin device revoke`,
//! `server admin user revoke-role`) arrive within the poll interval (500 ms by default).
//!
//! A subscriber that receives an event re-asks
//! [`device_status`](super::credentials::device_status) for the affected devices and cuts or
//! narrows their connections. A lagged subscriber (`RecvError::Lagged`) must re-check all its
//! connections.

use std::collections::HashSet;
use std::sync::Weak;
use std::time::Duration;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use tokio::sync::broadcast;

use crate::db::schema::{device_credentials as d, user_roles as r, users as u};
use crate::db::{DbConnection, DbPool, with_conn};

/// Something that may end or narrow live connections.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RevocationEvent {
    /// This device's credential was revoked (or logged out): close its connections.
    Device {
        /// Device id.
        device_id: String,
    },
    /// This user's roles changed (a role revoked, the user disabled): re-check the access of
    /// every connection of the user's devices.
    User {
        /// User id.
        user_id: String,
    },
}

/// Channel capacity: events are small and subscribers fast.
const CAPACITY: usize = 1024;

/// The broadcast channel of revocation events.
#[derive(Debug, Clone)]
pub struct RevocationHub {
    tx: broadcast::Sender<RevocationEvent>,
}

impl Default for RevocationHub {
    fn default() -> Self {
        Self::new()
    }
}

impl RevocationHub {
    /// A hub with no subscribers.
    pub fn new() -> Self {
        let (tx, _) = broadcast::channel(CAPACITY);
        Self { tx }
    }

    /// A receiver of every event published from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<RevocationEvent> {
        self.tx.subscribe()
    }

    /// Publishes `event` (dropped if nobody listens).
    pub fn publish(&self, event: RevocationEvent) {
        let _ = self.tx.send(event);
    }
}

/// Where the watcher has read up to, and what it already reported at exactly that time.
#[derive(Debug)]
pub struct WatchCursor {
    since: NaiveDateTime,
    reported: HashSet<RevocationEvent>,
}

impl WatchCursor {
    /// Starts at `since` (revocations before it are not reported).
    pub fn new(since: NaiveDateTime) -> Self {
        Self {
            since,
            reported: HashSet::new(),
        }
    }
}

/// One poll: the revocations recorded at or after the cursor and not reported yet, advancing
/// the cursor.
pub fn poll_revocations(
    conn: &mut DbConnection,
    cursor: &mut WatchCursor,
) -> Result<Vec<RevocationEvent>, diesel::result::Error> {
    let since = cursor.since;
    type Stamped = Vec<(String, Option<NaiveDateTime>)>;
    let (devices, roles, users): (Stamped, Stamped, Stamped) = with_conn!(conn, |c| {
        let devices = d::table
            .filter(d::revoked_at.ge(since))
            .select((d::id, d::revoked_at))
            .load(c)?;
        let roles = r::table
            .filter(r::revoked_at.ge(since))
            .select((r::user_id, r::revoked_at))
            .load(c)?;
        let users = u::table
            .filter(u::disabled_at.ge(since))
            .select((u::id, u::disabled_at))
            .load(c)?;
        (devices, roles, users)
    });
    let found = devices
        .into_iter()
        .map(|(device_id, at)| (RevocationEvent::Device { device_id }, at))
        .chain(
            roles
                .into_iter()
                .chain(users)
                .map(|(user_id, at)| (RevocationEvent::User { user_id }, at)),
        );
    let mut events = Vec::new();
    let mut latest = since;
    let mut at_latest = HashSet::new();
    for (event, at) in found {
        let at = at.unwrap_or(since);
        if (!cursor.reported.contains(&event) || at > since) && !events.contains(&event) {
            events.push(event.clone());
        }
        if at > latest {
            latest = at;
            at_latest.clear();
        }
        if at == latest {
            at_latest.insert(event);
        }
    }
    if latest > since {
        cursor.since = latest;
        cursor.reported = at_latest;
    } else {
        cursor.reported.extend(at_latest);
    }
    Ok(events)
}

/// Polls the database every `interval` and publishes what it finds, until `owner` is dropped
/// (the application stopped). Poll errors are logged and retried.
pub fn spawn_watcher<T: Send + Sync + 'static>(
    pool: DbPool,
    hub: RevocationHub,
    interval: Duration,
    owner: Weak<T>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut cursor = Some(WatchCursor::new(chrono::Utc::now().naive_utc()));
        let mut ticker = tokio::time::interval(interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            if owner.strong_count() == 0 {
                break;
            }
            let Some(mut c) = cursor.take() else { break };
            let result = crate::db::run_blocking(&pool, move |conn| {
                let events = poll_revocations(conn, &mut c).map_err(crate::db::DbError::from);
                Ok::<_, crate::db::DbError>((c, events))
            })
            .await;
            match result {
                Ok((c, Ok(events))) => {
                    cursor = Some(c);
                    for event in events {
                        tracing::info!(?event, "revocation observed");
                        hub.publish(event);
                    }
                }
                Ok((c, Err(e))) => {
                    cursor = Some(c);
                    tracing::warn!(error = %e, "revocation poll failed");
                }
                Err(e) => {
                    tracing::warn!(error = %e, "revocation poll failed");
                    cursor = Some(WatchCursor::new(
                        chrono::Utc::now().naive_utc() - chrono::Duration::seconds(5),
                    ));
                }
            }
        }
    })
}
