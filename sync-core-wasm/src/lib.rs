//! # sync-core-wasm
//!
//! The parts of `sync-core` that decide correctness in the field app, compiled to
//! `wasm32-unknown-unknown` with `wasm-bindgen` and **without Automerge** (the page already ships
//! Automerge's own wasm): text hygiene, validation, rubric scores and derived meeting ids. The
//! score a secretary sees offline is computed by the same code as the server's `server score`.
//!
//! Every function takes and returns JSON strings (records in the camelCase layout of
//! `sync-core/SCHEMA.md`), so JS needs no generated types. Bad input never panics: it comes back
//! as `{"error": "..."}`.
//!
//! Build (what `scripts/build-app.sh` runs):
//! `cargo build -p sync-core-wasm --target wasm32-unknown-unknown --profile wasm-release` then
//! `wasm-bindgen --target web`.

mod api;

pub use api::{ScoreReport, normalize_record, score_report, score_report_with, validate_record};

use wasm_bindgen::prelude::wasm_bindgen;

/// NFC with Đ homoglyph folding (`sync_core::text::normalize`).
#[wasm_bindgen]
pub fn normalize(text: &str) -> String {
    sync_core::text::normalize(text)
}

/// The problems of a record (JSON) as a JSON array of `sync_core::validate::Problem`, after
/// normalising its text; `{"error"}` when the JSON is not a record.
#[wasm_bindgen]
pub fn validate(record_json: &str) -> String {
    to_json(validate_record(record_json))
}

/// The score of a record (JSON) as `{sheet, score, validation}` exactly like
/// `server score --json`. `rubric_id` empty selects the preset that applies to the meeting type
/// and date (as the CLI does); `sheet` is `self` or `superior`.
#[wasm_bindgen]
pub fn score(rubric_id: &str, record_json: &str, sheet: &str) -> String {
    to_json(score_report(rubric_id, record_json, sheet))
}

/// The embedded rubric presets as a JSON array of rubric specs.
#[wasm_bindgen]
pub fn presets() -> String {
    let specs: Vec<_> = sync_core::rubric::presets()
        .iter()
        .map(sync_core::rubric::Rubric::spec)
        .collect();
    serde_json::to_string(&specs).unwrap_or_else(|e| error_json(&e.to_string()))
}

/// The automerge-repo document id (base58check) of the regular meeting of `cell` (org unit code)
/// in `period` (`YYYY-MM`): `DocumentId::derive("chibo/meeting/v1", "<cell>/<period>/thuong_ky")`
/// over the normalised inputs, as `MeetingDoc::regular_genesis` derives it.
#[wasm_bindgen(js_name = regularMeetingId)]
pub fn regular_meeting_id(cell: &str, period: &str) -> String {
    api::regular_meeting_id(cell, period)
}

/// The automerge-repo document id of `cell`'s roster (the members the server keeps there).
#[wasm_bindgen(js_name = rosterId)]
pub fn roster_id(cell: &str) -> String {
    api::roster_id(cell)
}

/// The agenda items (JSON array of `{id, title, part, done}`) a new regular meeting of a cell of
/// `cell_type` starts from (`thon_to_dan_pho`, `co_quan`, …; unknown or empty: the common one).
#[wasm_bindgen(js_name = agendaTemplate)]
pub fn agenda_template(cell_type: &str) -> String {
    let cell_type = sync_core::record::CellType::parse(cell_type).unwrap_or_default();
    to_json(Ok(sync_core::record::agenda_template(cell_type)))
}

fn to_json<T: serde::Serialize>(value: Result<T, String>) -> String {
    match value.and_then(|v| serde_json::to_string(&v).map_err(|e| e.to_string())) {
        Ok(text) => text,
        Err(message) => error_json(&message),
    }
}

fn error_json(message: &str) -> String {
    serde_json::json!({ "error": message }).to_string()
}
