//! Rust peers over real WebSockets: [`RawPeer`] sends whatever bytes a test wants (bad input
//! included); [`Device`] is a device built on `sync_core::sync::ClientEngine`.

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use sync_core::sync::{ClientEngine, ClientEvent, Message, PROTOCOL_V1, PeerMetadata};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::{self, Message as Frame};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// The server's peer id (the `senderId` of everything it sends).
pub const SERVER_PEER_ID: &str = "sync-server";

/// What a [`RawPeer`] read.
#[derive(Debug)]
pub enum Received {
    /// A binary frame that decoded as a protocol message.
    Message(Message),
    /// A binary frame that did not decode.
    Undecodable(Vec<u8>),
    /// A close frame, the end of the stream or a socket error.
    Closed,
}

/// A WebSocket to `/sync` that sends and reads raw frames.
pub struct RawPeer {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

impl RawPeer {
    /// Opens a socket; the HTTP error (e.g. 401) is returned as is.
    pub async fn connect(url: &str) -> Result<Self, tungstenite::Error> {
        let (ws, _response) = tokio_tungstenite::connect_async_with_config(url, None, true).await?;
        Ok(Self { ws })
    }

    /// Opens a plain (`ws://`) socket whose kernel receive buffer is `bytes` (autotuning off),
    /// so what the peer does not read backs up on the server soon, not after megabytes.
    pub async fn connect_with_receive_buffer(
        url: &str,
        bytes: u32,
    ) -> Result<Self, tungstenite::Error> {
        let authority = url
            .strip_prefix("ws://")
            .and_then(|rest| rest.split('/').next())
            .ok_or(tungstenite::Error::Url(
                tungstenite::error::UrlError::UnsupportedUrlScheme,
            ))?;
        let address =
            tokio::net::lookup_host(authority)
                .await?
                .next()
                .ok_or(tungstenite::Error::Url(
                    tungstenite::error::UrlError::NoHostName,
                ))?;
        let socket = match address {
            std::net::SocketAddr::V4(_) => tokio::net::TcpSocket::new_v4()?,
            std::net::SocketAddr::V6(_) => tokio::net::TcpSocket::new_v6()?,
        };
        socket.set_recv_buffer_size(bytes)?;
        let stream = socket.connect(address).await?;
        let (ws, _response) =
            tokio_tungstenite::client_async_with_config(url, MaybeTlsStream::Plain(stream), None)
                .await?;
        Ok(Self { ws })
    }

    /// Sends a binary frame.
    pub async fn send(&mut self, bytes: Vec<u8>) {
        self.ws
            .send(Frame::binary(bytes))
            .await
            .expect("frame sent");
    }

    /// Sends a protocol message.
    pub async fn send_message(&mut self, message: &Message) {
        self.send(sync_core::sync::encode(message)).await;
    }

    /// Sends a text frame.
    pub async fn send_text(&mut self, text: &str) {
        self.ws
            .send(Frame::text(text.to_owned()))
            .await
            .expect("frame sent");
    }

    /// Sends `join` as `peer_id` and waits for `peer`.
    pub async fn join(&mut self, peer_id: &str) {
        self.send_message(&join(peer_id)).await;
        match self.recv(Duration::from_secs(10)).await {
            Received::Message(Message::Peer { .. }) => {}
            other => panic!("expected `peer`, got {other:?}"),
        }
    }

    /// The next frame (pings are answered by tungstenite and skipped); panics on timeout.
    pub async fn recv(&mut self, timeout: Duration) -> Received {
        loop {
            let next = tokio::time::timeout(timeout, self.ws.next())
                .await
                .unwrap_or_else(|_| panic!("nothing received within {timeout:?}"));
            return match next {
                Some(Ok(Frame::Binary(bytes))) => match sync_core::sync::decode(&bytes, 64 << 20) {
                    Ok(message) => Received::Message(message),
                    Err(_) => Received::Undecodable(bytes.to_vec()),
                },
                Some(Ok(Frame::Ping(_) | Frame::Pong(_) | Frame::Frame(_) | Frame::Text(_))) => {
                    continue;
                }
                Some(Ok(Frame::Close(_))) | Some(Err(_)) | None => Received::Closed,
            };
        }
    }

    /// Reads until the server closes: returns the text of the `error` it sent before.
    pub async fn expect_error_and_close(&mut self) -> String {
        let mut error = None;
        loop {
            match self.recv(Duration::from_secs(10)).await {
                Received::Message(Message::Error { message, .. }) => error = Some(message),
                Received::Message(other) => panic!("expected `error`, got {other:?}"),
                Received::Undecodable(bytes) => panic!("undecodable frame {bytes:?}"),
                Received::Closed => break,
            }
        }
        error.expect("an `error` message before the close")
    }

    /// Stops the underlying socket without a close handshake.
    pub fn into_inner(self) -> WebSocketStream<MaybeTlsStream<TcpStream>> {
        self.ws
    }
}

/// A `join` as stock clients send it (ephemeral, no storage id).
pub fn join(peer_id: &str) -> Message {
    Message::Join {
        sender_id: peer_id.to_owned(),
        supported_protocol_versions: vec![PROTOCOL_V1.to_owned()],
        peer_metadata: Some(PeerMetadata::default()),
    }
}

/// A device on the sync engine's client side, connected over a real WebSocket when online.
pub struct Device {
    /// The engine (documents and saved sync states).
    pub engine: ClientEngine,
    url: String,
    peer: Option<RawPeer>,
}

impl Device {
    /// A device that dials `url`; `storage_id` makes it keep sync states per server.
    pub fn new(peer_id: &str, storage_id: Option<String>, url: &str) -> Self {
        Self {
            engine: ClientEngine::new(peer_id, storage_id),
            url: url.to_owned(),
            peer: None,
        }
    }

    /// Connects (if offline) and exchanges frames until every document is in sync or
    /// unavailable; returns the events seen. Panics after `timeout`.
    pub async fn sync(&mut self, timeout: Duration) -> Vec<ClientEvent> {
        if self.peer.is_none() {
            self.peer = Some(RawPeer::connect(&self.url).await.expect("device connects"));
            self.engine.connect();
        }
        self.exchange_until(timeout, ClientEngine::all_in_sync)
            .await
    }

    /// Stays online and starts nothing: reads what the server pushes (answering it as the
    /// engine does) until `done` holds; returns the events seen. Panics after `timeout` or
    /// when offline.
    pub async fn listen_until(
        &mut self,
        timeout: Duration,
        done: impl Fn(&ClientEngine) -> bool,
    ) -> Vec<ClientEvent> {
        assert!(self.peer.is_some(), "listening needs a live connection");
        self.exchange_until(timeout, done).await
    }

    async fn exchange_until(
        &mut self,
        timeout: Duration,
        done: impl Fn(&ClientEngine) -> bool,
    ) -> Vec<ClientEvent> {
        let deadline = tokio::time::Instant::now() + timeout;
        let mut events = Vec::new();
        loop {
            let peer = self.peer.as_mut().expect("online");
            for frame in self.engine.poll_frames() {
                peer.send(frame).await;
            }
            events.extend(self.engine.poll_events());
            if done(&self.engine) {
                return events;
            }
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            assert!(
                !left.is_zero(),
                "device did not converge within {timeout:?}"
            );
            let frame = tokio::time::timeout(left, peer.ws.next())
                .await
                .unwrap_or_else(|_| panic!("device did not converge within {timeout:?}"));
            match frame {
                Some(Ok(Frame::Binary(bytes))) => self
                    .engine
                    .receive(&bytes)
                    .expect("the server's frames are valid"),
                Some(Ok(Frame::Close(_))) | Some(Err(_)) | None => {
                    panic!("the server closed the device's connection: {events:?}")
                }
                Some(Ok(_)) => {}
            }
        }
    }

    /// Goes online over an already open socket (e.g. one with a small receive buffer).
    pub fn go_online_over(&mut self, peer: RawPeer) {
        self.peer = Some(peer);
        self.engine.connect();
    }

    /// Sends what the engine has queued, then reads frames (the engine answers each) until one
    /// for which `last` holds; the answer to that one stays queued. Panics after `timeout`.
    pub async fn answer_until(&mut self, timeout: Duration, last: impl Fn(&Message) -> bool) {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            self.send_queued().await;
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            let peer = self.peer.as_mut().expect("online");
            let Received::Message(message) = peer.recv(left).await else {
                panic!("the server closed the device's connection or sent an undecodable frame");
            };
            let bytes = sync_core::sync::encode(&message);
            self.engine
                .receive(&bytes)
                .expect("the server's frames are valid");
            if last(&message) {
                return;
            }
        }
    }

    /// Sends what the engine has queued, reading nothing.
    pub async fn send_queued(&mut self) {
        let peer = self.peer.as_mut().expect("online");
        for frame in self.engine.poll_frames() {
            peer.send(frame).await;
        }
    }

    /// Sends a raw frame on the live connection (e.g. an `ephemeral` message).
    pub async fn send_frame(&mut self, bytes: Vec<u8>) {
        self.peer.as_mut().expect("online").send(bytes).await;
    }

    /// Takes the live socket away from the engine (e.g. to stop reading it).
    pub fn take_socket(&mut self) -> Option<RawPeer> {
        self.peer.take()
    }

    /// Drops the connection (the engine keeps its documents and shared heads).
    pub async fn go_offline(&mut self) {
        if let Some(peer) = self.peer.take() {
            let mut ws = peer.into_inner();
            let _ = ws.close(None).await;
        }
        self.engine.disconnect();
    }
}
