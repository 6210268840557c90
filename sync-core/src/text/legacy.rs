//! Detection of Vietnamese text in a legacy 8-bit encoding (TCVN3 / ABC for the .VnTime fonts,
//! VNI Windows) that ended up in a Unicode file: an old Excel roster opened as Windows-1252, or
//! text typed with a legacy font and saved as Unicode (domain.md §6.3). Such text shows each
//! legacy byte as the Latin-1 character of the same value: "Đảng viên" in TCVN3 reads
//! "§¶ng viªn", in VNI "Ñaûng vieân".
//!
//! Detection is deliberately conservative, because importers reject a row on a hit: real
//! Vietnamese Unicode must never be flagged. Two facts make that possible:
//!
//! 1. Vietnamese Unicode text nearly always holds letters above U+00FF (ă, đ, ơ, ư and the
//!    U+1EA0–U+1EF9 block); a legacy-encoded string holds none, since every byte maps into
//!    Latin-1. Any such letter (or a combining mark) means Unicode, and nothing is reported.
//! 2. Both encodings leave marks that no Vietnamese word contains: VNI writes a base vowel
//!    followed by a separate tone or shape byte ("aø" for à, "eâ" for ê, "Ñ" for Đ at the start
//!    of a word); TCVN3 puts symbols such as ¸ µ ¶ ¹ ª « ¬ ® § inside words ("Hµ Néi").
//!
//! A string is flagged when it has at least two such hits, or one hit in a short value of at most
//! three words (a name cell such as "Leâ Hoa").

/// A legacy Vietnamese encoding recognised in text that should have been Unicode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LegacyEncoding {
    /// TCVN 5712:1993 VN3, the "ABC" encoding of the .VnTime / .VnArial fonts.
    Tcvn3,
    /// VNI Windows, the encoding of the "VNI-Times" fonts.
    Vni,
}

impl LegacyEncoding {
    /// A human-readable name for error messages, e.g. "TCVN3 (.VnTime)".
    pub fn label(self) -> &'static str {
        match self {
            LegacyEncoding::Tcvn3 => "TCVN3 (.VnTime)",
            LegacyEncoding::Vni => "VNI (VNI-Times)",
        }
    }
}

impl std::fmt::Display for LegacyEncoding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

/// Returns the legacy encoding `s` appears to be written in, or `None` for Unicode (or plain
/// ASCII) text. Conservative: see the module documentation for the rules.
///
/// Call it on the raw imported value, before `crate::text::normalize`: normalising folds Ð
/// (TCVN3's é) into Đ, which then reads as Unicode Vietnamese.
pub fn detect_legacy_encoding(s: &str) -> Option<LegacyEncoding> {
    if s.chars().any(is_unicode_vietnamese) {
        return None;
    }
    let chars: Vec<char> = s.chars().collect();
    let vni = vni_hits(&chars);
    let tcvn3 = tcvn3_hits(&chars);
    let needed = if s.split_whitespace().count() <= 3 {
        1
    } else {
        2
    };
    let best = vni.max(tcvn3);
    if best < needed {
        None
    } else if vni >= tcvn3 {
        Some(LegacyEncoding::Vni)
    } else {
        Some(LegacyEncoding::Tcvn3)
    }
}

/// Letters and marks only Unicode Vietnamese text contains (legacy bytes all map to ≤ U+00FF).
fn is_unicode_vietnamese(c: char) -> bool {
    matches!(c,
        '\u{0102}' | '\u{0103}' // Ă ă
        | '\u{0110}' | '\u{0111}' // Đ đ
        | '\u{0128}' | '\u{0129}' // Ĩ ĩ
        | '\u{0168}' | '\u{0169}' // Ũ ũ
        | '\u{01A0}' | '\u{01A1}' // Ơ ơ
        | '\u{01AF}' | '\u{01B0}' // Ư ư
        | '\u{0300}'..='\u{0323}' // combining tone and vowel marks (NFD input)
        | '\u{1EA0}'..='\u{1EF9}') // Latin Extended Additional, Vietnamese block
}

fn is_ascii_vowel(c: char) -> bool {
    matches!(c.to_ascii_lowercase(), 'a' | 'e' | 'i' | 'o' | 'u' | 'y')
}

/// Counts VNI sequences: a base letter followed by a separate diacritic byte, or Ñ/ñ (Đ/đ)
/// opening a word.
fn vni_hits(chars: &[char]) -> usize {
    let mut hits = 0;
    for (i, &c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).and_then(|p| chars.get(p)).copied();
        let next = chars.get(i + 1).copied();
        let hit = match prev {
            // Tone bytes (sắc ù, huyền ø, hỏi û, ngã õ, nặng ï) after a vowel or after ô/ö (ơ/ư).
            Some(p) if is_ascii_vowel(p) || matches!(p, 'ô' | 'ö' | 'Ô' | 'Ö') => {
                matches!(c, 'ù' | 'ø' | 'û' | 'õ' | 'ï' | 'Ù' | 'Ø' | 'Û' | 'Õ' | 'Ï')
                    // â/ê/ô with a tone: e.g. "eä" (ệ), "oå" (ổ).
                    || (matches!(p.to_ascii_lowercase(), 'a' | 'e' | 'o')
                        && matches!(c, 'â' | 'å' | 'ä' | 'Â' | 'Å' | 'Ä'))
                    // ă and its tones: "aê" (ă), "aé" (ắ), "aè" (ằ), "aü" (ẵ), "aë" (ặ).
                    || (p.eq_ignore_ascii_case(&'a')
                        && matches!(c, 'ê' | 'é' | 'è' | 'ü' | 'ë' | 'Ê' | 'É' | 'È' | 'Ü' | 'Ë'))
                    // â/ê with a tone where the pair is no Vietnamese spelling: "aá" (ấ), "eá" (ế).
                    || (matches!(p.to_ascii_lowercase(), 'a' | 'e')
                        && matches!(c, 'á' | 'à' | 'ã' | 'Á' | 'À' | 'Ã'))
            }
            // ư followed by ơ: "öô" in "Tröôøng" (Trường).
            Some('ö' | 'Ö') => matches!(c, 'ô' | 'Ô'),
            // Đ/đ: always word-initial in Vietnamese, followed by a letter.
            _ => {
                matches!(c, 'Ñ' | 'ñ')
                    && prev.is_none_or(|p| !p.is_alphabetic())
                    && next.is_some_and(char::is_alphabetic)
            }
        };
        if hit {
            hits += 1;
        }
    }
    hits
}

/// TCVN3 letters that are symbols in Latin-1 and never VNI bytes.
fn is_tcvn3_symbol(c: char) -> bool {
    matches!(
        c,
        '¡' | '¢'
            | '£'
            | '¤'
            | '¥'
            | '¦'
            | '§'
            | '¨'
            | '©'
            | 'ª'
            | '«'
            | '¬'
            | '\u{00AD}'
            | '®'
            | 'µ'
            | '¶'
            | '·'
            | '¸'
            | '¹'
            | '»'
            | '¼'
            | '½'
            | '¾'
            | 'Ç'
            | 'Î'
            | 'Ð'
            | 'Ñ'
            | 'Þ'
            | 'ß'
            | 'ç'
            | '×'
            | '÷'
            | 'þ'
    )
}

/// Symbols that real text also uses next to words (quotes, ©, ®, §, ·, fractions): they count
/// only with letters on both sides.
fn is_common_symbol(c: char) -> bool {
    matches!(
        c,
        '«' | '»' | '©' | '®' | '§' | '·' | '½' | '¼' | '¾' | '×' | '÷' | '\u{00AD}'
    )
}

/// Counts TCVN3 symbols used as letters, i.e. touching a letter.
fn tcvn3_hits(chars: &[char]) -> usize {
    let is_letter = |c: Option<&char>| c.is_some_and(|c| c.is_alphabetic() || is_tcvn3_symbol(*c));
    chars
        .iter()
        .enumerate()
        .filter(|&(i, &c)| {
            if !is_tcvn3_symbol(c) {
                return false;
            }
            let before = is_letter(i.checked_sub(1).and_then(|p| chars.get(p)));
            let after = is_letter(chars.get(i + 1));
            if is_common_symbol(c) {
                before && after
            } else {
                before || after
            }
        })
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vni_sequences_are_recognised() {
        assert_eq!(
            detect_legacy_encoding("Ñaûng vieân"),
            Some(LegacyEncoding::Vni)
        );
        assert_eq!(detect_legacy_encoding("Leâ Hoa"), Some(LegacyEncoding::Vni));
    }

    #[test]
    fn tcvn3_symbols_inside_words_are_recognised() {
        assert_eq!(
            detect_legacy_encoding("§¶ng viªn"),
            Some(LegacyEncoding::Tcvn3)
        );
        assert_eq!(
            detect_legacy_encoding("Hµ Néi"),
            Some(LegacyEncoding::Tcvn3)
        );
    }

    #[test]
    fn symbols_with_spaces_around_them_are_not_letters() {
        assert_eq!(
            detect_legacy_encoding("© 2024 · Chi bo « Khu pho 3 »"),
            None
        );
    }
}
