//! Heads are stored as a JSON array of hex change hashes (portable, readable in `psql`).

use automerge::ChangeHash;

/// Encodes heads as a JSON array of lowercase hex hashes, sorted so equal sets compare equal.
pub fn encode_heads(heads: &[ChangeHash]) -> String {
    let mut hex: Vec<String> = heads.iter().map(ToString::to_string).collect();
    hex.sort_unstable();
    hex.dedup();
    serde_json::to_string(&hex).unwrap_or_else(|_| "[]".to_owned())
}

/// Decodes [`encode_heads`] output; `None` if the text is not such an array.
pub fn decode_heads(text: &str) -> Option<Vec<ChangeHash>> {
    let hex: Vec<String> = serde_json::from_str(text).ok()?;
    hex.iter().map(|h| h.parse().ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heads_survive_encoding_and_sort_canonically() {
        let a = ChangeHash([1; 32]);
        let b = ChangeHash([2; 32]);
        let text = encode_heads(&[b, a]);
        assert_eq!(text, encode_heads(&[a, b]));
        assert_eq!(decode_heads(&text), Some(vec![a, b]));
    }

    #[test]
    fn garbage_heads_do_not_decode() {
        assert_eq!(decode_heads("not json"), None);
        assert_eq!(decode_heads("[\"zz\"]"), None);
        assert_eq!(decode_heads("[]"), Some(vec![]));
    }
}
