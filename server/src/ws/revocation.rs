//! Revocations reach live connections: the task that listens to the accounts layer's
//! [`RevocationEvent`]s, narrows the [`LiveAccess`] snapshot at once, and tells the hub which
//! devices to cut. A revoked device is closed as soon as the event arrives (the watcher polls
//! every 500 ms, so within a second of the revocation); a user whose role was revoked has all
//! their devices closed and re-read from the database, so a reconnect gets the narrowed rights.
//! A lagged channel and a periodic timer reload the whole snapshot and cut every device whose
//! account changed.

use std::time::Duration;

use tokio::sync::{broadcast, mpsc};
use tokio::task::JoinHandle;

use crate::accounts::revocation::RevocationEvent;
use crate::db::{DbPool, run_blocking};
use crate::org::access::LiveAccess;

/// What the listener needs.
#[derive(Debug)]
pub struct Revocations {
    /// The accounts layer's channel.
    pub events: broadcast::Receiver<RevocationEvent>,
    /// The rule to narrow and reload.
    pub access: LiveAccess,
    /// The database, for reloads.
    pub pool: DbPool,
    /// Interval of full reloads.
    pub reload_every: Duration,
}

/// Starts the listener; it sends device ids to close on `to_close` and ends with the channel.
pub fn spawn(mut r: Revocations, to_close: mpsc::UnboundedSender<Vec<String>>) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(r.reload_every.max(Duration::from_secs(1)));
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        ticker.tick().await;
        loop {
            let closed = tokio::select! {
                event = r.events.recv() => match event {
                    Ok(RevocationEvent::Device { device_id }) => {
                        r.access.forget_device(&device_id);
                        vec![device_id]
                    }
                    Ok(RevocationEvent::User { user_id }) => {
                        let devices = r.access.forget_user(&user_id);
                        refresh_devices(&r.pool, &r.access, devices.clone());
                        devices
                    }
                    Err(broadcast::error::RecvError::Lagged(missed)) => {
                        tracing::warn!(missed, "revocation events lagged; reloading access");
                        reload(&r.pool, &r.access).await
                    }
                    Err(broadcast::error::RecvError::Closed) => break,
                },
                _ = ticker.tick() => reload(&r.pool, &r.access).await,
            };
            if !closed.is_empty() && to_close.send(closed).is_err() {
                break;
            }
        }
    })
}

/// Re-reads `devices` in the background (their connections are closed meanwhile).
fn refresh_devices(pool: &DbPool, access: &LiveAccess, devices: Vec<String>) {
    let (pool, access) = (pool.clone(), access.clone());
    tokio::spawn(async move {
        let result = run_blocking(&pool, move |conn| {
            for device in &devices {
                access.refresh_device(conn, device)?;
            }
            Ok::<_, crate::accounts::AccountsError>(())
        })
        .await;
        if let Err(e) = result {
            tracing::warn!(error = %e, "could not refresh revoked devices");
        }
    });
}

/// Reloads the whole snapshot; returns the devices whose access changed.
async fn reload(pool: &DbPool, access: &LiveAccess) -> Vec<String> {
    let access = access.clone();
    match run_blocking(pool, move |conn| access.reload(conn)).await {
        Ok(changed) => changed,
        Err(e) => {
            tracing::warn!(error = %e, "could not reload the access snapshot");
            Vec::new()
        }
    }
}
