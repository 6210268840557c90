//! The no-lost-edit check: a fresh client fetches every document from the server and its
//! heads must equal the heads the fleet expects.

use super::link::Link;
use automerge::ChangeHash;
use std::time::{Duration, Instant};
use sync_core::doc_id::DocumentId;
use sync_core::sync::ClientEngine;

/// Documents fetched per connection, to keep one session's memory bounded.
const CHUNK: usize = 1_000;

/// Heads sorted, for comparison.
pub fn sorted(mut heads: Vec<ChangeHash>) -> Vec<ChangeHash> {
    heads.sort();
    heads
}

/// Fetches every document of `expected` from `url` with a fresh ephemeral client and returns
/// the ids whose heads differ (missing counts as different).
pub async fn mismatches(
    url: &str,
    expected: &[(DocumentId, Vec<ChangeHash>)],
    timeout: Duration,
) -> anyhow::Result<Vec<DocumentId>> {
    let mut wrong = Vec::new();
    for (n, chunk) in expected.chunks(CHUNK).enumerate() {
        let mut engine = ClientEngine::new(format!("verifier-{n}-{}", std::process::id()), None);
        for (id, _) in chunk {
            engine.want(*id);
        }
        let mut link = Link::open(url, &mut engine).await?;
        link.drive_until(
            &mut engine,
            Instant::now() + timeout,
            ClientEngine::all_in_sync,
        )
        .await?;
        link.close(&mut engine).await;
        for (id, heads) in chunk {
            let got = engine.doc(id).map(|d| sorted(d.get_heads()));
            if got.as_ref() != Some(&sorted(heads.clone())) {
                wrong.push(*id);
            }
        }
    }
    Ok(wrong)
}

/// The documents of one fleet owner: the URL with its credential, and each document's
/// expected heads.
pub type OwnerDocs = (String, Vec<(DocumentId, Vec<ChangeHash>)>);

/// [`mismatches`] over several fleet owners, each group fetched through its owner's URL (an
/// owner's documents are readable with its own credential only). Returns how many differ.
pub async fn lost_per_owner(groups: &[OwnerDocs], timeout: Duration) -> anyhow::Result<usize> {
    let mut lost = 0;
    for (url, expected) in groups {
        lost += mismatches(url, expected, timeout).await?.len();
    }
    Ok(lost)
}
