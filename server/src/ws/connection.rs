//! One sync socket: a reader (frames to the hub, heartbeats, idle timeout) and a writer (the
//! connection's outbound queue to the socket), run together; when either ends, both do.

use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_ws::{
    AggregatedMessage, AggregatedMessageStream, CloseCode, CloseReason, ProtocolError, Session,
};
use sync_core::sync::{ConnId, Message};

use super::config::HubConfig;
use super::hub::{Command, HubHandle};
use super::outbox::{Backlog, Inbox, Outbound, Stop, outbox};
use crate::metrics::{Direction, Metrics};

/// Why a connection ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    /// The peer closed or the socket failed.
    PeerGone,
    /// A frame exceeded `max_message_bytes`.
    TooLarge,
    /// No frame (pong included) within the idle timeout.
    Idle,
    /// The hub asked for a close and the close frame was sent.
    ClosedByServer,
    /// The hub dropped the connection at once (its peer stopped reading) or has stopped.
    Dropped,
}

/// Tells the hub and the metrics that the connection is gone, however its task ends
/// (including being dropped at server shutdown).
struct Registration {
    hub: HubHandle,
    conn: ConnId,
    metrics: Metrics,
}

impl Drop for Registration {
    fn drop(&mut self) {
        self.hub.send(Command::Disconnect { conn: self.conn });
        self.metrics.connection_closed();
    }
}

/// Runs a sync socket of `device_id` until it ends.
pub(super) async fn run(
    hub: HubHandle,
    metrics: Metrics,
    device_id: String,
    session: Session,
    stream: actix_ws::MessageStream,
) {
    let config = Arc::new(hub.config().clone());
    let conn = hub.next_conn();
    let (outbox, inbox) = outbox(config.outbound_budget_bytes);
    if !hub.send(Command::Connect {
        conn,
        device_id,
        outbox,
    }) {
        let _ = session.close(Some(CloseCode::Restart.into())).await;
        return;
    }
    metrics.connection_opened();
    let _registration = Registration {
        hub: hub.clone(),
        conn,
        metrics: metrics.clone(),
    };
    tracing::info!(conn = conn.0, "sync connection opened");

    let mut stream = stream
        .max_frame_size(config.max_message_bytes)
        .aggregate_continuations()
        .max_continuation_size(config.max_message_bytes);
    let backlog = inbox.backlog();
    let end = tokio::select! {
        end = read(&hub, conn, &config, &metrics, &backlog, &mut stream, session.clone()) => end,
        end = write(inbox, &metrics, session.clone()) => end,
    };
    match end {
        End::TooLarge => {
            metrics.rejected("message_too_large");
            let error = sync_core::sync::encode(&Message::Error {
                sender_id: Some(config.peer_id.clone()),
                target_id: None,
                message: "message too large".to_owned(),
            });
            let mut session = session;
            if session.binary(error).await.is_ok() {
                let _ = session
                    .close(Some(reason(CloseCode::Size, "message too large")))
                    .await;
            }
        }
        End::Idle => {
            let _ = session
                .close(Some(reason(CloseCode::Away, "idle timeout")))
                .await;
        }
        End::PeerGone | End::ClosedByServer | End::Dropped => {}
    }
    tracing::info!(conn = conn.0, end = ?end, "sync connection closed");
}

fn reason(code: CloseCode, description: &str) -> CloseReason {
    CloseReason {
        code,
        description: Some(description.to_owned()),
    }
}

/// Forwards frames to the hub, answers pings, sends heartbeats and enforces the idle timeout.
/// A frame waits while half the outbound budget is queued or too many of the connection's
/// messages are unanswered (see [`Backlog`]); when nothing moves for the idle timeout, the
/// connection is closed as idle.
async fn read(
    hub: &HubHandle,
    conn: ConnId,
    config: &HubConfig,
    metrics: &Metrics,
    backlog: &Backlog,
    stream: &mut AggregatedMessageStream,
    mut session: Session,
) -> End {
    let mut last_seen = Instant::now();
    let mut heartbeat = tokio::time::interval(config.heartbeat_interval);
    heartbeat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    heartbeat.tick().await;
    loop {
        tokio::select! {
            message = stream.recv() => {
                last_seen = Instant::now();
                let bytes = match classify(conn, message) {
                    Incoming::Frame(bytes) => bytes,
                    Incoming::Ping(payload) => {
                        if session.pong(&payload).await.is_err() {
                            return End::PeerGone;
                        }
                        continue;
                    }
                    Incoming::Nothing => continue,
                    Incoming::End(end) => return end,
                };
                if !backlog.has_room() {
                    metrics.reads_paused();
                    if backlog.room(config.idle_timeout).await.is_err() {
                        tracing::info!(conn = conn.0, "peer read none of its replies; closing");
                        return End::Idle;
                    }
                    // It was reading all along.
                    last_seen = Instant::now();
                }
                if let Err(end) = forward(hub, conn, config, metrics, backlog, bytes).await {
                    return end;
                }
            }
            _ = heartbeat.tick() => {
                if last_seen.elapsed() >= config.idle_timeout {
                    return End::Idle;
                }
                if session.ping(b"").await.is_err() {
                    return End::PeerGone;
                }
            }
        }
    }
}

/// What the reader makes of one item of the message stream.
enum Incoming {
    /// Bytes for the engine.
    Frame(Vec<u8>),
    /// A ping to answer.
    Ping(actix_web::web::Bytes),
    /// A pong (it only refreshes the idle timer).
    Nothing,
    /// The connection is over.
    End(End),
}

fn classify(conn: ConnId, message: Option<Result<AggregatedMessage, ProtocolError>>) -> Incoming {
    match message {
        None | Some(Ok(AggregatedMessage::Close(_))) => Incoming::End(End::PeerGone),
        Some(Ok(AggregatedMessage::Binary(bytes))) => Incoming::Frame(bytes.to_vec()),
        // Not our framing, but the engine answers it with a protocol `error`.
        Some(Ok(AggregatedMessage::Text(text))) => Incoming::Frame(text.as_bytes().to_vec()),
        Some(Ok(AggregatedMessage::Ping(payload))) => Incoming::Ping(payload),
        Some(Ok(AggregatedMessage::Pong(_))) => Incoming::Nothing,
        Some(Err(ProtocolError::Overflow)) => Incoming::End(End::TooLarge),
        // actix-ws reports oversize continuations as this I/O error.
        Some(Err(ProtocolError::Io(e))) if e.to_string().contains("continuation size") => {
            Incoming::End(End::TooLarge)
        }
        Some(Err(e)) => {
            tracing::debug!(conn = conn.0, error = %e, "websocket protocol error");
            Incoming::End(End::PeerGone)
        }
    }
}

/// Hands a frame to the hub once the inbound budget has room for it: while the hub is
/// behind, sockets are not read and TCP pushes back on the peers.
async fn forward(
    hub: &HubHandle,
    conn: ConnId,
    config: &HubConfig,
    metrics: &Metrics,
    backlog: &Backlog,
    bytes: Vec<u8>,
) -> Result<(), End> {
    let received = Instant::now();
    metrics.message(Direction::In, bytes.len());
    let weight = bytes.len().min(config.inbound_budget_bytes);
    let weight = u32::try_from(weight).unwrap_or(u32::MAX);
    let permit = hub
        .inbound()
        .clone()
        .acquire_many_owned(weight)
        .await
        .map_err(|_| End::Dropped)?;
    let frame = Command::Frame {
        conn,
        bytes,
        received,
        permit,
        in_hub: Some(backlog.hand_over()),
    };
    if hub.send(frame) {
        Ok(())
    } else {
        Err(End::Dropped)
    }
}

/// Writes queued frames; ends after a close, or at once when the hub stops the connection
/// (with a close frame when it asks for one, never with what was still queued).
async fn write(mut inbox: Inbox, metrics: &Metrics, mut session: Session) -> End {
    let mut kill = inbox.kill.clone();
    // The hub dropping its end without stopping means "no more frames", not "stop now".
    let stopped = async move {
        match kill.wait_for(Option::is_some).await {
            Ok(stop) => (*stop).unwrap_or(Stop::Drop),
            Err(_) => std::future::pending().await,
        }
    };
    tokio::pin!(stopped);
    loop {
        let next = tokio::select! {
            biased;
            stop = &mut stopped => return stop_now(stop, session).await,
            next = inbox.rx.recv() => next,
        };
        match next {
            Some(Outbound::Frame(bytes)) => {
                let len = bytes.len();
                let sent = tokio::select! {
                    stop = &mut stopped => return stop_now(stop, session).await,
                    sent = session.binary(bytes) => sent,
                };
                inbox.written(len);
                if sent.is_err() {
                    return End::PeerGone;
                }
                metrics.message(Direction::Out, len);
            }
            Some(Outbound::Close(why)) => {
                let _ = session.close(Some(reason(CloseCode::Policy, why))).await;
                return End::ClosedByServer;
            }
            None => return End::Dropped,
        }
    }
}

/// How long a close frame may wait for room in a socket whose peer is not reading.
const CLOSE_FRAME_WAIT: Duration = Duration::from_secs(1);

async fn stop_now(stop: Stop, session: Session) -> End {
    match stop {
        Stop::Drop => End::Dropped,
        Stop::Close(why) => {
            let close = session.close(Some(reason(CloseCode::Policy, why)));
            match tokio::time::timeout(CLOSE_FRAME_WAIT, close).await {
                Ok(_) => End::ClosedByServer,
                // The peer stopped reading as well: drop the socket without the frame.
                Err(_) => End::Dropped,
            }
        }
    }
}
