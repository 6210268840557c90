//! The server engine's work for a device that reconnects holding D documents, all in sync
//! (W2's batched row): decode its `heads-batch`, compare it with the heads index rows, register
//! every document for relay, answer, and forget the connection when it closes. Storage is not
//! in it: the rows are handed over as the server's loader would.

use automerge::ChangeHash;
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use sync_core::doc_id::DocumentId;
use sync_core::sync::{
    BatchHeads, ConnId, CreatorOnly, DocHeads, DocMeta, Message, PROTOCOL_V1, PeerIdentity,
    PeerMetadata, ServerConfig, ServerEngine, StoredHeads, encode, heads_digest,
};

const DOCS: u64 = 6_000;

/// A device's frames (`join`, then its `heads-batch`) and the heads index rows of its documents.
fn reconnect(docs: u64) -> (Vec<u8>, Vec<u8>, Vec<StoredHeads>) {
    let identity = PeerIdentity("phone".to_owned());
    let join = encode(&Message::Join {
        sender_id: "phone".to_owned(),
        supported_protocol_versions: vec![PROTOCOL_V1.to_owned()],
        peer_metadata: Some(PeerMetadata {
            storage_id: Some("phone-storage".to_owned()),
            is_ephemeral: false,
            batch_sync: true,
            heads_digest: true,
        }),
    });
    let mut rows = Vec::new();
    let mut listed = Vec::new();
    for n in 0..docs {
        let mut id = [0u8; 16];
        id[..8].copy_from_slice(&n.to_be_bytes());
        let doc_id = DocumentId::from_bytes(id);
        let mut hash = [7u8; 32];
        hash[..8].copy_from_slice(&n.to_le_bytes());
        let heads = vec![ChangeHash(hash)];
        listed.push(DocHeads {
            document_id: doc_id,
            heads: BatchHeads::Digest(heads_digest(&heads)),
        });
        rows.push(StoredHeads {
            doc_id,
            heads,
            meta: DocMeta {
                created_by: Some(identity.clone()),
                cell: None,
            },
        });
    }
    let batch = encode(&Message::HeadsBatch {
        sender_id: String::new(),
        target_id: String::new(),
        docs: listed,
    });
    (join, batch, rows)
}

fn bench(c: &mut Criterion) {
    let (join, batch, rows) = reconnect(DOCS);
    let mut engine = ServerEngine::new(ServerConfig::default(), Box::new(CreatorOnly));
    let mut next = 0;
    c.bench_function("heads_batch/reconnect_6000_in_sync", |b| {
        b.iter_batched(
            || rows.clone(),
            |rows| {
                next += 1;
                let conn = ConnId(next);
                engine.connect(conn, PeerIdentity("phone".to_owned()));
                engine.receive(conn, &join);
                engine.receive(conn, &batch);
                black_box(engine.poll_outputs());
                engine.heads_loaded(conn, rows);
                black_box(engine.poll_outputs());
                engine.disconnect(conn);
                black_box(engine.poll_outputs());
            },
            BatchSize::LargeInput,
        );
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = bench
}
criterion_main!(benches);
