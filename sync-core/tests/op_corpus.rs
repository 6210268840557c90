//! The shared corpus of operation sequences (`tests/fixtures/op-corpus/*.json`), applied here by
//! sync-core's typed ops. The field app applies the same files with its JS edit functions in
//! headless Chromium (`tests/tests/browser.rs`), and that test requires the same records.
#![cfg(feature = "automerge")]

use std::path::PathBuf;

use serde_json::Value;
use sync_core::doc::{MeetingDoc, MeetingOp};

fn corpus() -> Vec<(String, Value)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/op-corpus");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("the corpus directory exists")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("a readable corpus file");
            let name = p
                .file_name()
                .expect("a file name")
                .to_string_lossy()
                .into_owned();
            (
                name,
                serde_json::from_str(&text).expect("corpus files are JSON"),
            )
        })
        .collect()
}

#[test]
fn every_corpus_sequence_applies_in_rust_and_gives_the_expected_fields() {
    let files = corpus();
    assert!(files.len() >= 2, "the corpus has files");
    for (name, file) in files {
        let cell = file["cell"].as_str().expect("cell");
        let period = file["period"].as_str().expect("period");
        let (_, genesis) = MeetingDoc::regular_genesis(cell, period).expect("genesis");
        let mut doc = MeetingDoc::load(&genesis).expect("genesis loads");
        let ops: Vec<MeetingOp> =
            serde_json::from_value(file["ops"].clone()).expect("ops parse as MeetingOp");
        for (i, op) in ops.iter().enumerate() {
            doc.apply(op)
                .unwrap_or_else(|e| panic!("{name}: op {i} {op:?} refused: {e}"));
        }
        let record = serde_json::to_value(doc.record().expect("the record reads"))
            .expect("records serialise");
        for (key, want) in file["expect"].as_object().expect("expect is an object") {
            assert_eq!(&record[key], want, "{name}: field `{key}`");
        }
    }
}
