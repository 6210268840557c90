//! The stock JS client (`interop/client.mjs`, `@automerge/automerge-repo` 2.5.6 with the
//! WebSocket adapter and NodeFS storage) as a child process printing one JSON event per line.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::Duration;

use serde_json::Value;
use tokio::sync::mpsc;

/// The directory of `client.mjs` and its `node_modules`.
pub fn interop_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("interop")
}

/// Panics with instructions if the npm packages are not installed.
pub fn require_node_modules() {
    let modules = interop_dir().join("node_modules/@automerge/automerge-repo");
    assert!(
        modules.is_dir(),
        "{} is missing: run npm install in tests/interop",
        modules.display()
    );
}

/// A running `node client.mjs <args>`.
pub struct NodeClient {
    child: Option<Child>,
    stdin: Option<ChildStdin>,
    events: mpsc::UnboundedReceiver<Value>,
}

impl NodeClient {
    /// Starts `node client.mjs` with `args` (see the header of `client.mjs`).
    pub fn spawn(args: &[&str]) -> Self {
        require_node_modules();
        let dir = interop_dir();
        let mut child = Command::new("node")
            .arg(dir.join("client.mjs"))
            .args(args)
            .current_dir(&dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("node starts (is Node installed as `node`?)");
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, events) = mpsc::unbounded_channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                match serde_json::from_str::<Value>(&line) {
                    Ok(event) => {
                        if tx.send(event).is_err() {
                            break;
                        }
                    }
                    Err(_) => eprintln!("node: {line}"),
                }
            }
        });
        let stdin = child.stdin.take();
        Self {
            child: Some(child),
            stdin,
            events,
        }
    }

    /// The next event; panics on timeout, on an `error`/`timeout` event or if node exits.
    pub async fn event(&mut self, timeout: Duration) -> Value {
        let event = tokio::time::timeout(timeout, self.events.recv())
            .await
            .unwrap_or_else(|_| panic!("node printed nothing within {timeout:?}"))
            .expect("node exited without printing an event");
        let kind = event["event"].as_str().unwrap_or_default();
        assert!(
            kind != "error" && kind != "timeout",
            "node client failed: {event}"
        );
        event
    }

    /// Closes stdin (the client flushes and exits) and waits for a successful exit.
    pub async fn finish(mut self) {
        drop(self.stdin.take());
        let mut child = self.child.take().expect("a child until finished");
        let status = tokio::task::spawn_blocking(move || child.wait())
            .await
            .expect("wait task")
            .expect("node exit status");
        assert!(status.success(), "node client exited with {status}");
    }
}

impl Drop for NodeClient {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
