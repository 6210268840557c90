//! [`Outbox`]: the hub's end of a connection's bounded outbound queue.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::{mpsc, watch};

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

/// The hub's handle on one connection's writer.
#[derive(Debug)]
pub(super) struct Outbox {
    /// Unbounded in frames: the byte budget is the only limit, so a peer that reads is never
    /// dropped for a burst of many small replies (a plain reconnect of 6,000 documents queues
    /// 6,000 frames faster than one core's writer sends them).
    tx: mpsc::UnboundedSender<Outbound>,
    /// Bytes queued and not yet written; the writer subtracts what it wrote.
    queued: Arc<AtomicUsize>,
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
    pub(super) queued: Arc<AtomicUsize>,
    /// Becomes `Some` when the hub stops the connection at once.
    pub(super) kill: watch::Receiver<Option<Stop>>,
}

/// A connected pair with a budget of `budget` queued bytes.
pub(super) fn outbox(budget: usize) -> (Outbox, Inbox) {
    let (tx, rx) = mpsc::unbounded_channel();
    let queued = Arc::new(AtomicUsize::new(0));
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
        let before = self.queued.fetch_add(cost, Ordering::AcqRel);
        // One frame always fits an empty queue, so a large reply is never refused by itself.
        if before > 0 && before + cost > self.budget {
            self.queued.fetch_sub(cost, Ordering::AcqRel);
            return Err(QueueFull);
        }
        // Fails only once the writer is gone.
        self.tx.send(Outbound::Frame(bytes)).map_err(|_| {
            self.queued.fetch_sub(cost, Ordering::AcqRel);
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

    /// Stops the connection without flushing what is queued, with a close frame giving `reason`.
    pub(super) fn cut(self, reason: &'static str) {
        let _ = self.kill.send(Some(Stop::Close(reason)));
    }
}

impl Inbox {
    /// The writer wrote a frame of `len` bytes.
    pub(super) fn written(&self, len: usize) {
        self.queued
            .fetch_sub(len + FRAME_OVERHEAD, Ordering::AcqRel);
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
}
