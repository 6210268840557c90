//! Copies of the documents the sync engine holds in memory, for the projector: a document just
//! uploaded is in the engine already, and loading its stored bytes again is most of the CPU a
//! projection costs (automerge rebuilds every change to check its hash). The hub answers a
//! [`CopyRequest`] between two inputs with copies of the documents it holds (a memory copy
//! each, within [`COPY_BUDGET`]); the projector rates a copy when its heads are the stored
//! heads and loads the stored bytes otherwise. Copies live only while their chunk is rated.

use std::time::Duration;

use automerge::Automerge;
use tokio::sync::{mpsc, oneshot};

/// Bytes of copies one request may take, by the engine's estimate of their memory.
pub const COPY_BUDGET: usize = 16 << 20;

/// How long the projector waits for the hub's answer before loading from storage.
const WAIT: Duration = Duration::from_secs(1);

/// The documents wanted, and where the copies go (in the same order, `None` for one the
/// engine does not hold).
#[derive(Debug)]
pub struct CopyRequest {
    /// Document ids as stored.
    pub doc_ids: Vec<String>,
    /// The answer.
    pub reply: oneshot::Sender<Vec<Option<Automerge>>>,
}

/// The projector's end: asks for copies.
#[derive(Debug, Clone)]
pub struct ResidentDocs {
    requests: mpsc::UnboundedSender<CopyRequest>,
}

impl ResidentDocs {
    /// The projector's end and the hub's end of a new channel.
    pub fn channel() -> (ResidentDocs, mpsc::UnboundedReceiver<CopyRequest>) {
        let (requests, hub) = mpsc::unbounded_channel();
        (ResidentDocs { requests }, hub)
    }

    /// Copies of `doc_ids` the hub holds; all `None` if it does not answer in time (stopped,
    /// or busy): the projector then loads from storage as it would without copies.
    pub async fn copies(&self, doc_ids: &[String]) -> Vec<Option<Automerge>> {
        let none = || doc_ids.iter().map(|_| None).collect();
        let (reply, answer) = oneshot::channel();
        let request = CopyRequest {
            doc_ids: doc_ids.to_vec(),
            reply,
        };
        if self.requests.send(request).is_err() {
            return none();
        }
        match tokio::time::timeout(WAIT, answer).await {
            Ok(Ok(copies)) if copies.len() == doc_ids.len() => copies,
            _ => none(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn copies_come_back_in_the_order_asked() {
        let (docs, mut hub) = ResidentDocs::channel();
        tokio::spawn(async move {
            while let Some(req) = hub.recv().await {
                let copies = req
                    .doc_ids
                    .iter()
                    .map(|id| (id == "held").then(Automerge::new))
                    .collect();
                let _ = req.reply.send(copies);
            }
        });
        let got = docs.copies(&["gone".into(), "held".into()]).await;
        assert_eq!(
            got.iter().map(Option::is_some).collect::<Vec<_>>(),
            [false, true]
        );
    }

    #[tokio::test]
    async fn a_stopped_hub_gives_no_copies() {
        let (docs, hub) = ResidentDocs::channel();
        drop(hub);
        let got = docs.copies(&["a".into(), "b".into()]).await;
        assert!(got.iter().all(Option::is_none));
    }

    #[tokio::test]
    async fn a_hub_that_does_not_answer_in_time_gives_no_copies() {
        let (docs, _hub) = ResidentDocs::channel();
        let got = docs.copies(&["a".into()]).await;
        assert!(got.iter().all(Option::is_none));
    }
}
