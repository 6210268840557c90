//! A minimal samod 0.16 sync server, the Rust benchmark peer of the project's server.
//!
//! Usage: `samod-server <port> <data-dir>`. Accepts WebSockets on `127.0.0.1:<port>` (any path)
//! with tokio-tungstenite, bridges each into a samod [`Transport`], stores documents with
//! samod's own filesystem storage and never announces documents (a peer gets only what it asks
//! for by id), like the automerge-repo reference sync server. Prints `listening <port>` once
//! it accepts sockets.

use futures::{SinkExt, StreamExt};
use samod::storage::TokioFilesystemStorage;
use samod::{Repo, ShareConfig, Transport, Url};
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::Message;

/// Why a WebSocket frame could not be handed to samod.
#[derive(Debug)]
struct FrameError(String);

impl std::fmt::Display for FrameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FrameError {}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let (Some(port), Some(dir)) = (args.next(), args.next()) else {
        anyhow::bail!("usage: samod-server <port> <data-dir>");
    };
    let port: u16 = port.parse()?;
    let repo = Repo::build_tokio()
        .with_storage(TokioFilesystemStorage::new(&dir))
        .with_peer_id(samod::PeerId::from("samod-sync-server"))
        .with_share_policy(ShareConfig::read_write().with_announce(false))
        .load()
        .await;
    let acceptor = repo.make_acceptor(Url::parse(&format!("ws://127.0.0.1:{port}/"))?)?;
    let listener = TcpListener::bind(("127.0.0.1", port)).await?;
    println!("listening {}", listener.local_addr()?.port());
    // SIGTERM stops the repo, which finishes its storage writes, then the process exits.
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    loop {
        let (tcp, _) = tokio::select! {
            accepted = listener.accept() => accepted?,
            _ = term.recv() => {
                repo.stop().await;
                return Ok(());
            }
        };
        // Nagle + delayed ACK would add ~40 ms to every round trip (sync-protocol.md §7.11).
        tcp.set_nodelay(true)?;
        let acceptor = acceptor.clone();
        tokio::spawn(async move {
            let Ok(ws) = tokio_tungstenite::accept_async(tcp).await else {
                return;
            };
            let (sink, stream) = ws.split();
            let stream = stream.filter_map(|frame| async move {
                match frame {
                    Ok(Message::Binary(bytes)) => Some(Ok(bytes.to_vec())),
                    Ok(Message::Close(_)) => Some(Err(FrameError("closed".into()))),
                    Ok(_) => None,
                    Err(e) => Some(Err(FrameError(e.to_string()))),
                }
            });
            let sink = sink
                .sink_map_err(|e| FrameError(e.to_string()))
                .with(|bytes: Vec<u8>| async move { Ok::<_, FrameError>(Message::binary(bytes)) });
            // A stopped repo only happens at process exit.
            let _ = acceptor.accept(Transport::new(Box::pin(stream), Box::pin(sink)));
        });
    }
}
