//! [`HeadsCache`]: the heads index of whole groups of documents (a cell's, or those one device
//! created), kept in memory for the `heads-batch` answer.
//!
//! A device that reconnects lists every document it holds; the server answers from the heads
//! index rows of the documents the device may read: the cells its user reads, or for a device
//! without a user the documents it created. Reading those rows was 18–23 ms of a
//! 6,000-document reconnect's ~31 ms of server CPU (W2): SQLite, a `String` per column, the
//! JSON heads' hex, the ids' base58 checksums. The cache holds, per group read once, every
//! document's heads, creator and cell.
//!
//! Coherence: [`Store::commit_batch_and`](super::Store::commit_batch_and) tells the cache of
//! every commit right after it commits, in commit order (one committer), and every other
//! writer of `documents` runs before the server serves. A commit updates a cached document's
//! heads (and its cell, set once), and adds a new document to the cached groups it belongs
//! to. A write to a document no cached group holds that is not a creation may have given an
//! older document the writer's cell or device (its row is not known here): those groups are
//! dropped and read again when next asked for. A read from storage is kept only if no commit
//! was told between its start and its end ([`HeadsCache::generation`]), so rows read before
//! a commit never replace what it wrote.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use automerge::ChangeHash;
use sync_core::doc_id::DocumentId;
use sync_core::sync::{DocMeta, PeerIdentity, StoredHeads};

use super::DocWrite;

/// Rows held at most (over all groups); past it the cache starts over (~150 bytes a row).
pub const MAX_ROWS: usize = 500_000;

/// A set of documents read and kept whole.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Group {
    /// Every stored document of the cell (unit code).
    Cell(String),
    /// Every stored document the device created.
    CreatedBy(String),
}

/// See the module docs.
#[derive(Debug, Default)]
pub struct HeadsCache {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    groups: HashMap<Group, HashMap<DocumentId, Row>>,
    /// The cached groups holding each document.
    groups_of: HashMap<DocumentId, Vec<Group>>,
    rows: usize,
    /// Commits told so far.
    generation: u64,
}

#[derive(Debug, Clone)]
struct Row {
    heads: Vec<ChangeHash>,
    owner: String,
    cell: Option<String>,
}

impl Row {
    fn of(stored: &StoredHeads) -> Option<Self> {
        let PeerIdentity(owner) = stored.meta.created_by.as_ref()?;
        Some(Self {
            heads: stored.heads.clone(),
            owner: owner.clone(),
            cell: stored.meta.cell.clone(),
        })
    }

    fn stored(&self, doc_id: DocumentId) -> StoredHeads {
        StoredHeads {
            doc_id,
            heads: self.heads.clone(),
            meta: DocMeta {
                created_by: Some(PeerIdentity(self.owner.clone())),
                cell: self.cell.clone(),
            },
        }
    }
}

impl Inner {
    fn clear(&mut self) {
        self.groups.clear();
        self.groups_of.clear();
        self.rows = 0;
    }

    fn add(&mut self, group: &Group, doc_id: DocumentId, row: Row) {
        let Some(docs) = self.groups.get_mut(group) else {
            return;
        };
        if docs.insert(doc_id, row).is_none() {
            self.rows += 1;
            self.groups_of
                .entry(doc_id)
                .or_default()
                .push(group.clone());
        }
    }

    fn drop_group(&mut self, group: &Group) {
        let Some(docs) = self.groups.remove(group) else {
            return;
        };
        self.rows -= docs.len();
        for doc_id in docs.keys() {
            if let Some(groups) = self.groups_of.get_mut(doc_id) {
                groups.retain(|g| g != group);
                if groups.is_empty() {
                    self.groups_of.remove(doc_id);
                }
            }
        }
    }

    fn committed(&mut self, write: &DocWrite) {
        let Ok(doc_id) = DocumentId::parse(&write.doc_id) else {
            return;
        };
        if let Some(groups) = self.groups_of.get(&doc_id).cloned() {
            let mut row = None;
            for group in &groups {
                if let Some(held) = self.groups.get_mut(group).and_then(|d| d.get_mut(&doc_id)) {
                    held.heads.clone_from(&write.new_heads);
                    if held.cell.is_none() {
                        held.cell.clone_from(&write.cell_if_new);
                    }
                    row = Some(held.clone());
                }
            }
            // A cell given now: the document joins that cell's group too.
            if let (Some(row), Some(cell)) = (row, &write.cell_if_new) {
                let group = Group::Cell(cell.clone());
                if row.cell.as_ref() == Some(cell) && !groups.contains(&group) {
                    self.add(&group, doc_id, row);
                }
            }
            return;
        }
        let cell = write.cell_if_new.clone().map(Group::Cell);
        match &write.owner_if_new {
            Some(owner) => {
                let row = Row {
                    heads: write.new_heads.clone(),
                    owner: owner.clone(),
                    cell: write.cell_if_new.clone(),
                };
                for group in [Some(Group::CreatedBy(owner.clone())), cell]
                    .into_iter()
                    .flatten()
                {
                    self.add(&group, doc_id, row.clone());
                }
            }
            None => {
                // Not a creation, yet no cached group holds it: a row not known here may have
                // been created for this device or given this cell.
                for group in [Some(Group::CreatedBy(write.device_id.clone())), cell]
                    .into_iter()
                    .flatten()
                {
                    self.drop_group(&group);
                }
            }
        }
    }
}

impl HeadsCache {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves maps that may disagree: start over.
        self.inner.lock().unwrap_or_else(|e| {
            let mut inner = e.into_inner();
            inner.clear();
            inner.generation += 1;
            inner
        })
    }

    /// Commits told so far: take it before reading groups from storage, and hand it to
    /// [`HeadsCache::fill`].
    pub fn generation(&self) -> u64 {
        self.lock().generation
    }

    /// The rows of the cached ones among `groups`, and the groups not cached.
    pub fn rows_of(&self, groups: &[Group]) -> (Vec<StoredHeads>, Vec<Group>) {
        let inner = self.lock();
        let (mut rows, mut missing) = (Vec::new(), Vec::new());
        for group in groups {
            match inner.groups.get(group) {
                Some(docs) => rows.extend(docs.iter().map(|(id, row)| row.stored(*id))),
                None => missing.push(group.clone()),
            }
        }
        (rows, missing)
    }

    /// Keeps `rows`, every stored document of `groups` as read from storage after
    /// [`HeadsCache::generation`] returned `generation`, unless a commit was told since.
    pub fn fill(&self, generation: u64, groups: &[Group], rows: &[StoredHeads]) {
        let mut inner = self.lock();
        if inner.generation != generation {
            return;
        }
        if inner.rows + rows.len() > MAX_ROWS {
            inner.clear();
            if rows.len() > MAX_ROWS {
                return;
            }
        }
        // The groups new here; each row then goes to its cell's and its creator's, in one
        // pass (a committee member's reconnect reads hundreds of cells).
        let new: HashSet<&Group> = groups
            .iter()
            .filter(|g| !inner.groups.contains_key(*g))
            .collect();
        for group in &new {
            inner.groups.insert((*group).clone(), HashMap::new());
        }
        for stored in rows {
            let Some(row) = Row::of(stored) else {
                continue;
            };
            let candidates = [
                row.cell.clone().map(Group::Cell),
                Some(Group::CreatedBy(row.owner.clone())),
            ];
            for group in candidates.into_iter().flatten() {
                if new.contains(&group) {
                    inner.add(&group, stored.doc_id, row.clone());
                }
            }
        }
    }

    /// A commit of `writes` is durable (call in commit order).
    pub fn committed(&self, writes: &[DocWrite]) {
        let mut inner = self.lock();
        inner.generation += 1;
        for write in writes {
            inner.committed(write);
        }
        if inner.rows > MAX_ROWS {
            inner.clear();
        }
    }
}

#[cfg(test)]
mod tests;
