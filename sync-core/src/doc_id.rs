//! Automerge-repo document ids: 16 bytes, written as base58check (bs58 with a 4-byte double
//! SHA-256 checksum), as `@automerge/automerge-repo` and samod do. Legacy UUID strings are accepted
//! on input, as the JS `interpretAsDocumentId` does.

use sha2::{Digest, Sha256};
use std::fmt;

/// Namespace of derived meeting document ids.
pub const MEETING_NAMESPACE: &str = "chibo/meeting/v1";
/// Namespace of derived roster document ids.
pub const ROSTER_NAMESPACE: &str = "chibo/roster/v1";

/// An automerge-repo document id.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DocumentId([u8; 16]);

/// A string that is not a document id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid document id `{0}`")]
pub struct InvalidDocumentId(pub String);

impl DocumentId {
    /// Wraps 16 raw bytes.
    pub fn from_bytes(bytes: [u8; 16]) -> Self {
        Self(bytes)
    }

    /// The raw bytes.
    pub fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }

    /// A name-based id: the first 16 bytes of SHA-256 over `namespace` and `name`, laid out as a
    /// UUID version 8 (custom) so tools that inspect ids see a well-formed UUID. Every device that
    /// derives the id of the same (namespace, name) gets the same id.
    pub fn derive(namespace: &str, name: &str) -> Self {
        let mut hasher = Sha256::new();
        hasher.update(namespace.as_bytes());
        hasher.update([0u8]);
        hasher.update(name.as_bytes());
        let digest = hasher.finalize();
        let mut bytes = [0u8; 16];
        bytes.copy_from_slice(&digest[..16]);
        bytes[6] = (bytes[6] & 0x0f) | 0x80; // version 8
        bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 4122 variant
        Self(bytes)
    }

    /// Parses base58check, or a hyphenated UUID string (legacy automerge-repo ids).
    pub fn parse(s: &str) -> Result<Self, InvalidDocumentId> {
        let invalid = || InvalidDocumentId(s.chars().take(64).collect());
        if let Ok(bytes) = bs58::decode(s).with_check(None).into_vec() {
            return <[u8; 16]>::try_from(bytes.as_slice())
                .map(Self)
                .map_err(|_| invalid());
        }
        parse_uuid(s).map(Self).ok_or_else(invalid)
    }

    /// The `automerge:<id>` URL.
    pub fn url(&self) -> String {
        format!("automerge:{self}")
    }
}

fn parse_uuid(s: &str) -> Option<[u8; 16]> {
    let hex: String = s.chars().filter(|c| *c != '-').collect();
    if s.len() != 36 || hex.len() != 32 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let mut out = [0u8; 16];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

impl fmt::Display for DocumentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&bs58::encode(self.0).with_check().into_string())
    }
}

impl fmt::Debug for DocumentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DocumentId({self})")
    }
}

impl std::str::FromStr for DocumentId {
    type Err = InvalidDocumentId;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_base58check() {
        let id = DocumentId::derive("test", "x");
        assert_eq!(DocumentId::parse(&id.to_string()), Ok(id));
        assert!(id.url().starts_with("automerge:"));
    }

    #[test]
    fn a_known_automerge_repo_id_parses() {
        // Produced by automerge-repo's generateAutomergeUrl (a random UUIDv4, base58check).
        let id = DocumentId::from_bytes([
            0x6b, 0x1d, 0x4c, 0x3e, 0x22, 0x5a, 0x4e, 0x8f, 0x9a, 0x10, 0x01, 0x02, 0x03, 0x04,
            0x05, 0x06,
        ]);
        let text = id.to_string();
        assert_eq!(
            DocumentId::parse(&text).map(|d| *d.as_bytes()),
            Ok(*id.as_bytes())
        );
    }

    #[test]
    fn a_corrupted_checksum_or_garbage_is_rejected() {
        let mut text = DocumentId::derive("a", "b").to_string();
        let last = text
            .pop()
            .map(|c| if c == '2' { '3' } else { '2' })
            .unwrap_or('2');
        text.push(last);
        assert!(DocumentId::parse(&text).is_err());
        assert!(DocumentId::parse("").is_err());
        assert!(DocumentId::parse("not an id!").is_err());
    }

    #[test]
    fn legacy_uuid_strings_are_accepted() {
        let id = DocumentId::parse("6b1d4c3e-225a-4e8f-9a10-010203040506").map(|d| *d.as_bytes());
        assert_eq!(id.map(|b| b[0]), Ok(0x6b));
    }

    #[test]
    fn derived_ids_are_stable_uuid_v8() {
        let a = DocumentId::derive("chibo/meeting/v1", "cell-1/2025-11");
        assert_eq!(a, DocumentId::derive("chibo/meeting/v1", "cell-1/2025-11"));
        assert_ne!(a, DocumentId::derive("chibo/meeting/v1", "cell-1/2025-12"));
        assert_eq!(a.as_bytes()[6] >> 4, 8);
    }
}
