//! Device tokens: 32 random bytes as 64 lowercase hex characters.

use rand::TryRngCore;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

use super::AuthError;

const TOKEN_BYTES: usize = 32;

/// A device's bearer token. `Debug` never shows it.
#[derive(Debug, Clone)]
pub struct DeviceToken(SecretString);

impl DeviceToken {
    /// A new token from the operating system's random source.
    pub fn generate() -> Self {
        let mut bytes = [0_u8; TOKEN_BYTES];
        // OsRng only fails if the OS has no entropy source at all; fall back to the thread
        // RNG (itself seeded from the OS) rather than issuing a weak token.
        if rand::rngs::OsRng.try_fill_bytes(&mut bytes).is_err() {
            rand::fill(&mut bytes);
        }
        Self(SecretString::from(hex::encode(bytes)))
    }

    /// Accepts exactly 64 hex characters (either case); anything else is
    /// [`AuthError::Malformed`], refused before any database lookup.
    pub fn parse(raw: &str) -> Result<Self, AuthError> {
        let raw = raw.trim();
        if raw.len() != TOKEN_BYTES * 2 || !raw.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(AuthError::Malformed);
        }
        Ok(Self(SecretString::from(raw.to_ascii_lowercase())))
    }

    /// The token text, to show once to the operator.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    /// SHA-256 of the token, lowercase hex: what the database stores. A plain hash suffices
    /// (no password KDF) because the token has 256 bits of entropy.
    pub fn hash(&self) -> String {
        hex::encode(Sha256::digest(self.0.expose_secret().as_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_tokens_parse_and_differ() {
        let a = DeviceToken::generate();
        let b = DeviceToken::generate();
        assert_ne!(a.expose(), b.expose());
        let parsed = DeviceToken::parse(a.expose()).unwrap();
        assert_eq!(parsed.hash(), a.hash());
        assert_eq!(a.hash().len(), 64);
    }

    #[test]
    fn malformed_tokens_are_refused() {
        for raw in ["", "abc", &"g".repeat(64), &"a".repeat(63), &"a".repeat(65)] {
            assert!(
                matches!(DeviceToken::parse(raw), Err(AuthError::Malformed)),
                "{raw}"
            );
        }
    }

    #[test]
    fn debug_output_does_not_reveal_the_token() {
        let token = DeviceToken::generate();
        assert!(!format!("{token:?}").contains(token.expose()));
    }
}
