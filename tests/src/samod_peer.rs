//! A samod 0.16 peer (the Rust automerge-repo) that dials our server over a plain WebSocket.
//!
//! samod's own `tungstenite` feature pulls in native-tls and OpenSSL; loopback tests need neither,
//! so this module bridges a `tokio-tungstenite` stream (no TLS features) into a samod
//! [`Transport`], the way a device built on samod would.

use futures::{SinkExt, StreamExt, future::BoxFuture};
use samod::{BackoffConfig, DialError, Dialer, Repo, Transport, Url};
use std::sync::Arc;
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;

/// Dials `url` (e.g. `ws://127.0.0.1:PORT/sync?token=...`) each time samod needs a connection.
pub struct WsDialer {
    url: Url,
}

/// Why a WebSocket frame could not be turned into bytes for samod.
#[derive(Debug)]
pub struct FrameError(String);

impl std::fmt::Display for FrameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FrameError {}

impl Dialer for WsDialer {
    type Error = std::convert::Infallible;

    fn url(&self) -> Url {
        self.url.clone()
    }

    fn connect(&self) -> BoxFuture<'static, Result<Transport, DialError<Self::Error>>> {
        let url = self.url.to_string();
        Box::pin(async move {
            let (ws, _response) = tokio_tungstenite::connect_async(url)
                .await
                .map_err(DialError::transient)?;
            let (sink, stream) = ws.split();
            let stream = stream.filter_map(|frame| async move {
                match frame {
                    Ok(Message::Binary(bytes)) => Some(Ok(bytes.to_vec())),
                    Ok(Message::Close(_)) => Some(Err(FrameError("closed".into()))),
                    Ok(_) => None, // pings are answered by tungstenite; text frames are not ours
                    Err(e) => Some(Err(FrameError(e.to_string()))),
                }
            });
            let sink = sink
                .sink_map_err(|e| FrameError(e.to_string()))
                .with(|bytes: Vec<u8>| async move { Ok::<_, FrameError>(Message::binary(bytes)) });
            Ok(Transport::new(Box::pin(stream), Box::pin(sink)))
        })
    }
}

/// Starts an in-memory samod repo on the current tokio runtime and dials `ws_url`; resolves once
/// the handshake with the server completed.
pub async fn connect(ws_url: &str) -> anyhow::Result<Repo> {
    let repo = Repo::build_tokio().load().await;
    let dialer = Arc::new(WsDialer {
        url: Url::parse(ws_url)?,
    });
    let backoff = BackoffConfig {
        initial_delay: Duration::from_millis(50),
        max_delay: Duration::from_secs(1),
        max_retries: Some(20),
    };
    let handle = repo.dial(backoff, dialer)?;
    handle
        .established()
        .await
        .map_err(|e| anyhow::anyhow!("samod could not connect: {e:?}"))?;
    Ok(repo)
}
