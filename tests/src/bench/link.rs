//! One WebSocket connection driving a [`ClientEngine`]: the single client every server sees.

use anyhow::{Context, bail};
use futures::{SinkExt, StreamExt};
use std::collections::{HashMap, HashSet, VecDeque};
use std::time::{Duration, Instant};
use sync_core::doc_id::DocumentId;
use sync_core::sync::{ClientEngine, ClientEvent, Message};
use tokio::net::TcpStream;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message as Frame;

/// What one connection cost, counted at the client socket.
#[derive(Debug, Clone, Default)]
pub struct LinkStats {
    /// Payload bytes client → server.
    pub bytes_up: u64,
    /// Payload bytes server → client.
    pub bytes_down: u64,
    /// Sync messages (`request`/`sync`) the client sent per document; a `heads-batch` counts
    /// one for every document it names. For a document this is its round trips.
    pub sent_per_doc: HashMap<DocumentId, u32>,
    /// When each document was first reported in sync, from the start of the connection.
    pub in_sync_at: HashMap<DocumentId, Duration>,
    /// Documents the server said it does not have.
    pub unavailable: u32,
}

impl LinkStats {
    /// The most sync messages any one document needed (its round trips).
    pub fn max_round_trips(&self) -> u32 {
        self.sent_per_doc.values().copied().max().unwrap_or(0)
    }
}

/// How many documents a seeding session has in flight at once (see [`Link::open_windowed`]).
pub const SEED_WINDOW: usize = 16;

/// A live connection.
pub struct Link {
    ws: WebSocketStream<TcpStream>,
    started: Instant,
    /// This connection's peer id (see [`Link::open`]).
    peer_id: String,
    /// Counters since the connection opened.
    pub stats: LinkStats,
    /// At most this many documents with frames sent and not yet reported in sync or
    /// unavailable; `None`: no limit. See [`Link::open_windowed`].
    window: Option<usize>,
    /// Documents with frames sent and no answer that settles them yet.
    open_docs: HashSet<DocumentId>,
    /// Frames the window holds back, in the engine's order, with their document.
    held: VecDeque<(Option<DocumentId>, Vec<u8>)>,
}

impl Link {
    /// Dials `url` (`ws://127.0.0.1:PORT/...`) with `TCP_NODELAY` and starts `engine`'s session.
    ///
    /// Every connection announces a new peer id (the engine's plus a connection number), as a
    /// restarted automerge-repo app does; the storage id, and so the persisted sync state,
    /// stays. Reusing a peer id with a warm automerge-repo 2.5.6 server gets no answer for
    /// in-sync documents: it keeps the previous connection's in-memory sync state for that
    /// peer id, whose last sent heads already equal its heads.
    pub async fn open(url: &str, engine: &mut ClientEngine) -> anyhow::Result<Self> {
        Self::open_windowed(url, engine, None).await
    }

    /// [`Link::open`] with at most `window` documents in flight at once, as a client with a
    /// bounded send queue: a frame for a new document waits until fewer than `window`
    /// documents are unsettled (not yet reported in sync or unavailable); frames for documents
    /// already in flight, and frames naming no single document, go at once. Seeding hundreds
    /// of documents in one session otherwise queues them all at the server's socket, and a
    /// single-threaded server (automerge-repo 2.5.6) that reads the client's pong only behind
    /// them drops the connection.
    pub async fn open_windowed(
        url: &str,
        engine: &mut ClientEngine,
        window: Option<usize>,
    ) -> anyhow::Result<Self> {
        let started = Instant::now();
        let authority = url
            .strip_prefix("ws://")
            .and_then(|r| r.split('/').next())
            .context("not a ws:// URL")?;
        let tcp = TcpStream::connect(authority).await?;
        tcp.set_nodelay(true)?;
        let (ws, _) = tokio_tungstenite::client_async(url, tcp)
            .await
            .with_context(|| {
                format!(
                    "WebSocket upgrade at {}",
                    url.split('?').next().unwrap_or(url)
                )
            })?;
        engine.connect();
        static CONNECTIONS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = CONNECTIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let peer_id = format!("{}-c{n}", engine.peer_id());
        let mut link = Self {
            ws,
            started,
            peer_id,
            stats: LinkStats::default(),
            window,
            open_docs: HashSet::new(),
            held: VecDeque::new(),
        };
        link.flush(engine).await?;
        Ok(link)
    }

    /// Sends every frame the engine has queued that the window lets through.
    pub async fn flush(&mut self, engine: &mut ClientEngine) -> anyhow::Result<()> {
        for frame in engine.poll_frames() {
            let frame = self.count_and_rename(&frame);
            self.held.push_back(frame);
        }
        let mut kept = VecDeque::new();
        while let Some((doc, frame)) = self.held.pop_front() {
            let admitted = match (doc, self.window) {
                (None, _) | (_, None) => true,
                (Some(doc), Some(limit)) => {
                    self.open_docs.contains(&doc)
                        || (self.open_docs.len() < limit && self.open_docs.insert(doc))
                }
            };
            if !admitted {
                kept.push_back((doc, frame));
                continue;
            }
            self.stats.bytes_up += frame.len() as u64;
            self.ws.feed(Frame::binary(frame)).await?;
        }
        self.held = kept;
        self.ws.flush().await?;
        Ok(())
    }

    /// Counts a frame's sync messages and puts this connection's peer id in it; returns the
    /// frame with the one document it is about, if any.
    fn count_and_rename(&mut self, frame: &[u8]) -> (Option<DocumentId>, Vec<u8>) {
        let Ok(mut message) = sync_core::sync::decode(frame, usize::MAX) else {
            return (None, frame.to_vec());
        };
        let peer = self.peer_id.clone();
        let mut doc = None;
        match &mut message {
            Message::Request(m) | Message::Sync(m) => {
                *self.stats.sent_per_doc.entry(m.document_id).or_default() += 1;
                m.sender_id = peer;
                doc = Some(m.document_id);
            }
            Message::HeadsBatch { docs, .. } => {
                // Sent as the engine wrote it: our server, the only one that reads the batch,
                // knows the sender from `join`, and re-encoding 6,000 entries is not free.
                for d in docs {
                    *self.stats.sent_per_doc.entry(d.document_id).or_default() += 1;
                }
                return (None, frame.to_vec());
            }
            Message::Join { sender_id, .. }
            | Message::Leave { sender_id }
            | Message::Ephemeral { sender_id, .. }
            | Message::RemoteSubscriptionChange { sender_id, .. }
            | Message::RemoteHeadsChanged { sender_id, .. }
            | Message::DocUnavailable { sender_id, .. } => *sender_id = peer,
            _ => {}
        }
        (doc, sync_core::sync::encode(&message))
    }

    /// Exchanges frames until `done(engine)` holds, or fails at `deadline`, on a server
    /// error, or when the server closes.
    pub async fn drive_until(
        &mut self,
        engine: &mut ClientEngine,
        deadline: Instant,
        mut done: impl FnMut(&ClientEngine) -> bool,
    ) -> anyhow::Result<()> {
        loop {
            self.take_events(engine)?;
            self.flush(engine).await?;
            if done(engine) && self.held.is_empty() {
                return Ok(());
            }
            let wait = deadline.saturating_duration_since(Instant::now());
            let frame = match tokio::time::timeout(wait, self.ws.next()).await {
                Err(_) => bail!("timed out waiting for the server"),
                Ok(None) => bail!("server closed the connection"),
                Ok(Some(frame)) => frame?,
            };
            self.on_frame(engine, frame)?;
        }
    }

    /// Processes frames that arrive within `quiet` of each other (relayed changes), then
    /// returns.
    pub async fn absorb(
        &mut self,
        engine: &mut ClientEngine,
        quiet: Duration,
    ) -> anyhow::Result<()> {
        while let Ok(next) = tokio::time::timeout(quiet, self.ws.next()).await {
            let Some(frame) = next else {
                bail!("server closed the connection")
            };
            self.on_frame(engine, frame?)?;
            self.take_events(engine)?;
            self.flush(engine).await?;
        }
        self.take_events(engine)
    }

    fn on_frame(&mut self, engine: &mut ClientEngine, frame: Frame) -> anyhow::Result<()> {
        if let Frame::Binary(bytes) = frame {
            self.stats.bytes_down += bytes.len() as u64;
            engine.receive(&bytes)?;
        } else if let Frame::Close(reason) = frame {
            bail!("server closed the connection: {reason:?}");
        }
        Ok(())
    }

    fn take_events(&mut self, engine: &mut ClientEngine) -> anyhow::Result<()> {
        for event in engine.poll_events() {
            match event {
                ClientEvent::InSync(doc) => {
                    self.open_docs.remove(&doc);
                    self.stats
                        .in_sync_at
                        .entry(doc)
                        .or_insert_with(|| self.started.elapsed());
                }
                ClientEvent::Unavailable(doc) => {
                    self.open_docs.remove(&doc);
                    self.stats.unavailable += 1;
                }
                ClientEvent::ServerError(message) => bail!("server error: {message}"),
                ClientEvent::Connected { .. } => {}
            }
        }
        Ok(())
    }

    /// Closes the socket and lets the engine keep its shared heads for the next session.
    pub async fn close(mut self, engine: &mut ClientEngine) -> LinkStats {
        engine.disconnect();
        let _ = self.ws.close(None).await;
        self.stats
    }
}

/// One complete session: connect, sync every held document, disconnect. Returns the time to
/// synced and the counters.
pub async fn sync_session(
    url: &str,
    engine: &mut ClientEngine,
    timeout: Duration,
) -> anyhow::Result<(Duration, LinkStats)> {
    windowed_session(url, engine, timeout, None).await
}

/// [`sync_session`] with at most `window` documents in flight (see [`Link::open_windowed`]).
pub async fn windowed_session(
    url: &str,
    engine: &mut ClientEngine,
    timeout: Duration,
    window: Option<usize>,
) -> anyhow::Result<(Duration, LinkStats)> {
    let start = Instant::now();
    let mut link = Link::open_windowed(url, engine, window).await?;
    link.drive_until(engine, start + timeout, ClientEngine::all_in_sync)
        .await?;
    let took = start.elapsed();
    Ok((took, link.close(engine).await))
}
