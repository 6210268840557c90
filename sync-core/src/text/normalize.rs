//! NFC normalisation and Đ homoglyph folding (domain.md §6.1, §6.2).
//!
//! Decomposed input is common (the Windows Vietnamese keyboard, macOS, "Unicode tổ hợp" output of
//! UniKey-style tools), and Đ has look-alikes that no Unicode normal form unifies: Latin capital
//! Eth Ð (U+00D0) and African D Ɖ (U+0189). Old Vietnamese web pages used Eth for Đ. Two spellings
//! of "Đảng ủy" must never become two names, so every text value entering the system passes here.

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// Maps a Đ look-alike to the Vietnamese letter it stands for.
fn fold_homoglyph(c: char) -> char {
    match c {
        '\u{00D0}' | '\u{0189}' => '\u{0110}', // Ð, Ɖ → Đ
        '\u{00F0}' => '\u{0111}',              // ð → đ
        other => other,
    }
}

fn has_homoglyph(s: &str) -> bool {
    s.chars()
        .any(|c| matches!(c, '\u{00D0}' | '\u{0189}' | '\u{00F0}'))
}

/// Returns `s` in NFC with Đ homoglyphs folded to Đ/đ.
pub fn normalize(s: &str) -> String {
    if is_normalized(s) {
        return s.to_owned();
    }
    s.chars().map(fold_homoglyph).nfc().collect()
}

/// True when `normalize(s) == s`; cheap for the common already-clean case.
pub fn is_normalized(s: &str) -> bool {
    !has_homoglyph(s)
        && match is_nfc_quick(s.chars()) {
            IsNormalized::Yes => true,
            IsNormalized::No => false,
            IsNormalized::Maybe => s.nfc().eq(s.chars()),
        }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decomposed_vietnamese_becomes_precomposed() {
        // "yếu" typed as y + e + U+0302 + U+0301 + u, and "bệnh" with the dot below first.
        assert_eq!(normalize("ye\u{0302}\u{0301}u"), "yếu");
        assert_eq!(normalize("be\u{0323}\u{0302}nh"), "bệnh");
        assert!(is_normalized("bệnh"));
        assert!(!is_normalized("be\u{0323}\u{0302}nh"));
    }

    #[test]
    fn eth_and_african_d_become_vietnamese_d_with_stroke() {
        assert_eq!(normalize("\u{00D0}ảng ủy Khối"), "Đảng ủy Khối");
        assert_eq!(normalize("\u{0189}ảng"), "Đảng");
        assert_eq!(normalize("\u{00F0}ồng chí"), "đồng chí");
        assert!(!is_normalized("\u{00D0}ảng"));
    }

    #[test]
    fn clean_text_is_returned_unchanged() {
        let s = "Chi bộ Khu phố 3, phường Hòa Bình";
        assert_eq!(normalize(s), s);
    }
}
