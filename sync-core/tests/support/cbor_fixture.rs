//! CBOR frames written by hand for the codec tests (included with `#[path]`).
#![allow(dead_code)]

use ciborium::Value;

/// A CBOR map with text keys, in the given order (cbor-x keeps insertion order too).
pub fn cbor(fields: Vec<(&str, Value)>) -> Vec<u8> {
    let map = Value::Map(
        fields
            .into_iter()
            .map(|(k, v)| (Value::Text(k.into()), v))
            .collect(),
    );
    let mut out = Vec::new();
    ciborium::into_writer(&map, &mut out).unwrap();
    out
}

/// A CBOR text string.
pub fn t(s: &str) -> Value {
    Value::Text(s.into())
}
