//! [`Outbox`]: the hub's end of a connection's bounded outbound queue; [`Inbox`]: the writer's;
//! [`Backlog`]: the reader's, which stops handing the hub frames to answer while half the
//! budget waits to be written or too many of the connection's messages are unanswered.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::{Notify, mpsc, watch};

/// What one queued frame costs beyond its bytes (its `Vec` and its slot in the channel),
/// counted in the budget so that many small frames are bounded as well as a few large ones.
pub(super) const FRAME_OVERHEAD: usize = 64;

/// What the writer of a connection is asked to do.
#[derive(Debug)]
pub(super) enum Outbound {
    /// Write one binary frame.
    Frame(Vec<u8>),
    /// Write the frames queued before, then a close frame with this reason, then stop.
    Close(&'static str),
}

/// The queue is over its budget: the peer is not reading.
#[derive(Debug)]
pub(super) struct QueueFull;

/// Most of a connection's messages that may be with the hub at once, unanswered: frames handed
/// to it and not yet carried out, and messages waiting there for storage. Each is answered
/// with at most one reply per document, so the queue holds at most this many replies beyond
/// half its budget. Enough to keep the loader threads' rounds full for a peer syncing
/// thousands of documents one message each.
pub(super) const MAX_UNANSWERED: usize = 64;

/// A paused reader goes on once no more than this many are unanswered (and less than half the
/// budget is queued): it is woken once per this many answers, not after each.
const RESUME_AT: usize = MAX_UNANSWERED / 2;

/// What the hub, the writer and the reader share about the queue.
#[derive(Debug)]
struct Queued {
    /// Half the budget: the reader hands the hub no frame while this much is queued.
    resume_below: usize,
    /// Bytes queued and not yet written (each frame with [`FRAME_OVERHEAD`]).
    bytes: AtomicUsize,
    /// Counts every decrease of `bytes`, `in_hub` and `awaiting`: the peer is reading, or the
    /// hub answering it, while this moves.
    moves: AtomicU64,
    /// Frames the reader handed to the hub that the hub has not finished with.
    in_hub: AtomicUsize,
    /// The connection's messages waiting in the engine for storage (the hub sets it).
    awaiting: AtomicUsize,
    /// The reader waits in [`Backlog::room`].
    paused: AtomicBool,
    /// Wakes the paused reader once it may go on.
    resumable: Notify,
}

impl Queued {
    fn new(budget: usize) -> Self {
        Self {
            resume_below: budget / 2,
            bytes: AtomicUsize::new(0),
            moves: AtomicU64::new(0),
            in_hub: AtomicUsize::new(0),
            awaiting: AtomicUsize::new(0),
            paused: AtomicBool::new(false),
            resumable: Notify::new(),
        }
    }

    fn unanswered(&self) -> usize {
        self.in_hub.load(Ordering::SeqCst) + self.awaiting.load(Ordering::SeqCst)
    }

    fn has_room_for(&self, unanswered: usize) -> bool {
        self.bytes.load(Ordering::SeqCst) < self.resume_below && self.unanswered() < unanswered
    }

    /// One of the counts went down.
    fn moved(&self) {
        self.moves.fetch_add(1, Ordering::SeqCst);
        if self.paused.load(Ordering::SeqCst) && self.has_room_for(RESUME_AT + 1) {
            self.resumable.notify_waiters();
        }
    }
}

/// The hub's handle on one connection's writer.
#[derive(Debug)]
pub(super) struct Outbox {
    /// Unbounded in frames: the byte budget is the only limit, so a peer that reads is never
    /// dropped for a burst of many small replies (a plain reconnect of 6,000 documents queues
    /// 6,000 frames faster than one core's writer sends them).
    tx: mpsc::UnboundedSender<Outbound>,
    /// What is queued and not yet written; the writer subtracts what it wrote.
    queued: Arc<Queued>,
    budget: usize,
    /// Set to stop the connection at once, without flushing.
    kill: watch::Sender<Option<Stop>>,
}

/// How the hub stops a connection at once, discarding what is still queued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Stop {
    /// Drop the socket without a word (the peer stopped reading, so nothing more is written).
    Drop,
    /// Write a close frame with this reason, then stop (access revoked): the peer learns at once
    /// that it was cut instead of waiting for the socket to be torn down.
    Close(&'static str),
}

/// The connection's end: what its writer reads.
pub(super) struct Inbox {
    /// Frames and closes, in order.
    pub(super) rx: mpsc::UnboundedReceiver<Outbound>,
    /// Shared byte count (see [`Outbox`]).
    queued: Arc<Queued>,
    /// Becomes `Some` when the hub stops the connection at once.
    pub(super) kill: watch::Receiver<Option<Stop>>,
}

/// The reader's view of the queue. Replies are made only for the frames the reader hands the
/// hub, so a peer that asks for more than it reads (a new phone fetching a district's
/// documents over a slow link) is kept under the budget by not reading its next frame while
/// half the budget is queued or [`MAX_UNANSWERED`] of its messages are with the hub: it is
/// answered as fast as it reads instead of being dropped for a full queue. Only what the hub
/// sends unasked (other devices' changes and presence) can still fill the queue of a peer
/// that stopped reading.
#[derive(Debug, Clone)]
pub(super) struct Backlog {
    queued: Arc<Queued>,
}

/// Nothing moved for the whole wait: the peer stopped reading.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Stalled;

/// A connected pair with a budget of `budget` queued bytes.
pub(super) fn outbox(budget: usize) -> (Outbox, Inbox) {
    let (tx, rx) = mpsc::unbounded_channel();
    let queued = Arc::new(Queued::new(budget));
    let (kill, kill_rx) = watch::channel(None);
    (
        Outbox {
            tx,
            queued: queued.clone(),
            budget,
            kill,
        },
        Inbox {
            rx,
            queued,
            kill: kill_rx,
        },
    )
}

impl Outbox {
    /// Queues a frame, or fails if that would pass the budget (the caller then kills it).
    pub(super) fn push(&self, bytes: Vec<u8>) -> Result<(), QueueFull> {
        let cost = bytes.len() + FRAME_OVERHEAD;
        let queued = &self.queued.bytes;
        let before = queued.fetch_add(cost, Ordering::SeqCst);
        // One frame always fits an empty queue, so a large reply is never refused by itself.
        if before > 0 && before + cost > self.budget {
            queued.fetch_sub(cost, Ordering::SeqCst);
            return Err(QueueFull);
        }
        // Fails only once the writer is gone.
        self.tx.send(Outbound::Frame(bytes)).map_err(|_| {
            queued.fetch_sub(cost, Ordering::SeqCst);
            QueueFull
        })
    }

    /// Asks the writer to flush and close; the outbox is consumed.
    pub(super) fn close(self, reason: &'static str) {
        if self.tx.send(Outbound::Close(reason)).is_err() {
            self.kill();
        }
    }

    /// Stops the connection without flushing or a close frame.
    pub(super) fn kill(self) {
        let _ = self.kill.send(Some(Stop::Drop));
    }

    /// The connection has `messages` waiting in the engine for storage (see [`Backlog`]).
    pub(super) fn set_awaiting(&self, messages: usize) {
        let before = self.queued.awaiting.swap(messages, Ordering::SeqCst);
        if messages < before {
            self.queued.moved();
        }
    }

    /// Stops the connection without flushing what is queued, with a close frame giving `reason`.
    pub(super) fn cut(self, reason: &'static str) {
        let _ = self.kill.send(Some(Stop::Close(reason)));
    }
}

impl Inbox {
    /// The writer wrote a frame of `len` bytes.
    pub(super) fn written(&self, len: usize) {
        let queued = &self.queued;
        queued
            .bytes
            .fetch_sub(len + FRAME_OVERHEAD, Ordering::SeqCst);
        queued.moved();
    }

    /// The reader's view of this queue.
    pub(super) fn backlog(&self) -> Backlog {
        Backlog {
            queued: self.queued.clone(),
        }
    }
}

/// One frame with the hub; dropping it (when the hub is done with the frame) says so.
#[derive(Debug)]
pub(in crate::ws) struct InHub(Arc<Queued>);

impl Drop for InHub {
    fn drop(&mut self) {
        self.0.in_hub.fetch_sub(1, Ordering::SeqCst);
        self.0.moved();
    }
}

impl Backlog {
    /// Whether another frame may be handed to the hub now: less than half the budget is queued
    /// and fewer than [`MAX_UNANSWERED`] of the connection's messages are with the hub.
    pub(super) fn has_room(&self) -> bool {
        self.queued.has_room_for(MAX_UNANSWERED)
    }

    /// Counts a frame as with the hub until the returned guard is dropped.
    pub(super) fn hand_over(&self) -> InHub {
        self.queued.in_hub.fetch_add(1, Ordering::SeqCst);
        InHub(self.queued.clone())
    }

    /// Waits until less than half the budget is queued and no more than half of
    /// [`MAX_UNANSWERED`] are unanswered. Fails with [`Stalled`] once it finds that nothing
    /// moved (no frame written, none of the connection's messages answered) over a whole
    /// `stall`: between one and two `stall`s after the last move, however long the wait lasted.
    pub(super) async fn room(&self, stall: Duration) -> Result<(), Stalled> {
        let queued = &self.queued;
        let mut moves = queued.moves.load(Ordering::SeqCst);
        let mut moved = Instant::now();
        let outcome = loop {
            // Registered before `paused` is set and the counts read, so whatever lowers them
            // afterwards sees `paused` and wakes it.
            let woken = queued.resumable.notified();
            tokio::pin!(woken);
            woken.as_mut().enable();
            queued.paused.store(true, Ordering::SeqCst);
            if queued.has_room_for(RESUME_AT + 1) {
                break Ok(());
            }
            let now = queued.moves.load(Ordering::SeqCst);
            if now != moves {
                (moves, moved) = (now, Instant::now());
            }
            let left = stall.saturating_sub(moved.elapsed());
            if left.is_zero() {
                break Err(Stalled);
            }
            let _ = tokio::time::timeout(left, woken).await;
        };
        queued.paused.store(false, Ordering::SeqCst);
        outcome
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_queue_over_budget_refuses_frames_but_one_large_frame_fits_an_empty_queue() {
        let (out, inbox) = outbox(200);
        assert!(out.push(vec![0; 500]).is_ok());
        assert!(out.push(vec![0; 1]).is_err());
        inbox.written(500);
        assert!(out.push(vec![0; 36]).is_ok());
        assert!(out.push(vec![0; 36]).is_ok());
        assert!(out.push(vec![0; 1]).is_err(), "200 bytes are 2 × (36 + 64)");
    }

    #[test]
    fn a_reading_peer_is_never_refused_for_the_number_of_frames_queued() {
        let (out, _inbox) = outbox(1 << 20);
        for i in 0..6_000 {
            assert!(out.push(vec![0; 100]).is_ok(), "frame {i}");
        }
    }

    #[test]
    fn empty_frames_still_fill_the_budget() {
        let (out, _inbox) = outbox(64 * 100);
        let queued = (0..1_000)
            .take_while(|_| out.push(Vec::new()).is_ok())
            .count();
        assert_eq!(queued, 100);
    }

    #[tokio::test]
    async fn a_reader_waits_while_half_the_budget_is_queued_and_goes_on_once_the_peer_reads() {
        let (out, inbox) = outbox(1_000);
        let backlog = inbox.backlog();
        out.push(vec![0; 400]).unwrap();
        assert!(backlog.has_room(), "464 of 1,000 bytes queued");
        out.push(vec![0; 100]).unwrap();
        assert!(!backlog.has_room(), "628 bytes queued");
        let waiting = tokio::spawn(async move { backlog.room(Duration::from_secs(10)).await });
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(!waiting.is_finished(), "nothing was read yet");
        inbox.written(400);
        let waited = tokio::time::timeout(Duration::from_secs(5), waiting).await;
        assert_eq!(waited.expect("woken by the write").unwrap(), Ok(()));
    }

    #[tokio::test]
    async fn a_reader_gives_up_only_when_nothing_was_written_for_the_whole_stall_time() {
        let (out, inbox) = outbox(1_000);
        for _ in 0..8 {
            out.push(vec![0; 60]).unwrap();
        }
        let backlog = inbox.backlog();
        let stall = Duration::from_millis(150);
        let started = Instant::now();
        let waiting = tokio::spawn(async move { backlog.room(stall).await });
        // A slow peer: one frame read every 50 ms keeps the wait alive past the stall time,
        // still over half the budget.
        for _ in 0..5 {
            tokio::time::sleep(Duration::from_millis(50)).await;
            inbox.written(0);
            out.push(Vec::new()).unwrap();
        }
        assert!(!waiting.is_finished(), "the peer was reading");
        let waited = tokio::time::timeout(Duration::from_secs(5), waiting).await;
        assert_eq!(waited.expect("gives up").unwrap(), Err(Stalled));
        assert!(started.elapsed() >= Duration::from_millis(250 + 150));
    }

    #[tokio::test]
    async fn a_reader_waits_while_too_many_of_its_messages_are_unanswered() {
        let (out, inbox) = outbox(1 << 20);
        let backlog = inbox.backlog();
        let mut with_hub: Vec<InHub> = (1..MAX_UNANSWERED).map(|_| backlog.hand_over()).collect();
        assert!(
            backlog.has_room(),
            "{} frames with the hub",
            MAX_UNANSWERED - 1
        );
        out.set_awaiting(1);
        assert!(!backlog.has_room(), "and one message waiting for storage");
        let waiting = {
            let backlog = backlog.clone();
            tokio::spawn(async move { backlog.room(Duration::from_secs(10)).await })
        };
        // The hub finishes with frames one by one: the reader goes on once only half are left.
        while with_hub.len() + 1 > RESUME_AT {
            tokio::time::sleep(Duration::from_millis(5)).await;
            assert!(!waiting.is_finished(), "{} unanswered", with_hub.len() + 1);
            with_hub.pop();
        }
        let waited = tokio::time::timeout(Duration::from_secs(5), waiting).await;
        assert_eq!(waited.expect("woken by the hub").unwrap(), Ok(()));
        out.set_awaiting(MAX_UNANSWERED);
        assert!(!backlog.has_room());
        out.set_awaiting(0);
        assert!(backlog.has_room());
    }
}
