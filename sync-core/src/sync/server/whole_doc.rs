//! What the engine persists for a peer's new changes: the bytes of a new document as the peer
//! sent them when it arrived whole, else each new change re-extracted from the document.
//!
//! A new 500-edit meeting arrives as one compressed document chunk (~13 KB, automerge's v2 push
//! to a peer that holds nothing). Re-extracting its ~440 changes (`get_changes`) cost about as
//! much CPU as applying it and stored ~6× the bytes; storing the chunk costs nothing, and the
//! audit rows (hash and actor of every change) come from the change metadata.

use automerge::sync::ChunkList;
use automerge::{Automerge, ChangeHash};

use super::io::ChangeMeta;

/// The magic bytes opening every automerge storage chunk.
const MAGIC: [u8; 4] = [0x85, 0x6f, 0x4a, 0x83];
/// The chunk type byte of a document chunk (`save()` output).
const DOCUMENT_CHUNK: u8 = 0;

/// The message's changes if they are exactly one automerge document chunk and nothing else.
///
/// Only then does loading them strictly (as the engine loads stored documents) read exactly
/// what receiving them read leniently: receiving ignores a trailing part that fails to parse,
/// and a document chunk's own errors fail both alike.
pub(super) fn single_document_chunk(changes: &ChunkList) -> Option<Vec<u8>> {
    let mut chunks = changes.iter();
    let (Some(chunk), None) = (chunks.next(), chunks.next()) else {
        return None;
    };
    is_one_document_chunk(chunk).then(|| chunk.to_vec())
}

/// True when `bytes` are a document chunk header (magic, checksum, type, ULEB128 length)
/// followed by exactly that many bytes.
fn is_one_document_chunk(bytes: &[u8]) -> bool {
    let Some(rest) = bytes.strip_prefix(&MAGIC) else {
        return false;
    };
    let Some((&kind, mut body)) = rest.get(4..).and_then(<[u8]>::split_first) else {
        return false;
    };
    if kind != DOCUMENT_CHUNK {
        return false;
    }
    match leb128::read::unsigned(&mut body) {
        Ok(len) => usize::try_from(len).is_ok_and(|len| len == body.len()),
        Err(_) => false,
    }
}

/// The bytes to persist for the changes applied since `before`, and hash, actor and seq of
/// every one of those changes, in causal order.
///
/// `whole` is the received document chunk when `before` was empty (see
/// [`single_document_chunk`]): it is exactly the new document, so it is stored as it is.
pub(super) fn new_changes(
    doc: &Automerge,
    before: &[ChangeHash],
    whole: Option<Vec<u8>>,
) -> (Vec<Vec<u8>>, Vec<ChangeMeta>) {
    if let Some(chunk) = whole.filter(|_| before.is_empty()) {
        let meta = doc
            .get_changes_meta(before)
            .into_iter()
            .map(|m| ChangeMeta {
                hash: m.hash,
                actor: m.actor.to_hex_string(),
                seq: m.seq,
            })
            .collect();
        return (vec![chunk], meta);
    }
    let changes = doc.get_changes(before);
    let mut raw = Vec::with_capacity(changes.len());
    let mut meta = Vec::with_capacity(changes.len());
    for mut change in changes {
        meta.push(ChangeMeta::of(&change));
        raw.push(change.bytes().into_owned());
    }
    (raw, meta)
}

#[cfg(test)]
mod tests {
    use super::*;
    use automerge::transaction::Transactable;

    fn doc_with_edits(n: usize) -> Automerge {
        let mut doc = automerge::AutoCommit::new();
        for i in 0..n {
            doc.put(automerge::ROOT, format!("k{i}"), i as i64).unwrap();
            doc.commit();
        }
        doc.document().clone()
    }

    #[test]
    fn a_saved_document_is_one_document_chunk() {
        let doc = doc_with_edits(5);
        let saved = doc.save();
        assert_eq!(
            single_document_chunk(&ChunkList::from(saved.clone())),
            Some(saved)
        );
    }

    #[test]
    fn a_document_chunk_with_anything_after_it_is_not() {
        let doc = doc_with_edits(5);
        let mut saved = doc.save();
        let extra = doc_with_edits(1).save_after(&[]);
        assert_eq!(
            single_document_chunk(&ChunkList::from(vec![saved.clone(), extra.clone()])),
            None
        );
        saved.extend_from_slice(&extra);
        assert_eq!(single_document_chunk(&ChunkList::from(saved.clone())), None);
        saved.truncate(saved.len() - extra.len() - 1);
        assert_eq!(single_document_chunk(&ChunkList::from(saved)), None);
    }

    #[test]
    fn change_chunks_are_not_a_document_chunk() {
        let doc = doc_with_edits(1);
        assert_eq!(
            single_document_chunk(&ChunkList::from(doc.save_after(&[]))),
            None
        );
    }

    #[test]
    fn a_whole_document_is_stored_as_sent_with_every_change_in_the_audit_rows() {
        let doc = doc_with_edits(40);
        let saved = doc.save();
        let (raw, meta) = new_changes(&doc, &[], Some(saved.clone()));
        assert_eq!(raw, vec![saved]);
        let expected: Vec<_> = doc
            .get_changes(&[])
            .into_iter()
            .map(|c| ChangeMeta::of(&c))
            .collect();
        assert_eq!(meta, expected);
        assert_eq!(meta.last().map(|m| m.seq), Some(40));
        let reloaded = Automerge::load(&raw.concat()).unwrap();
        assert_eq!(reloaded.get_heads(), doc.get_heads());
    }

    #[test]
    fn changes_to_a_known_document_are_extracted_one_by_one() {
        let mut doc = automerge::AutoCommit::new();
        doc.put(automerge::ROOT, "a", 1).unwrap();
        doc.commit();
        let mut earlier = doc.document().clone();
        let before = doc.get_heads();
        for i in 0..5 {
            doc.put(automerge::ROOT, "b", i).unwrap();
            doc.commit();
        }
        let whole = Some(doc.save());
        // Not a new document: the chunk offered is ignored, the 5 changes are extracted.
        let (raw, meta) = new_changes(doc.document(), &before, whole);
        assert_eq!((raw.len(), meta.len()), (5, 5));
        let seqs: Vec<u64> = meta.iter().map(|m| m.seq).collect();
        assert_eq!(seqs, vec![2, 3, 4, 5, 6]);
        earlier.load_incremental(&raw.concat()).unwrap();
        assert_eq!(earlier.get_heads(), doc.get_heads());
    }
}
