//! Vietnamese person names: họ (family name), tên đệm / chữ lót (middle name) and tên (given
//! name). Names are written family first ("Nguyễn Thị Minh Khai": họ Nguyễn, tên đệm Thị Minh,
//! tên Khai) and member lists sort by the given name (domain.md §6.4).

use serde::{Deserialize, Serialize};

/// A full name split into its three parts. Every part is normalised (`crate::text::normalize`)
/// and single-spaced; empty parts are empty strings.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PersonName {
    /// Family name (họ): the first word, e.g. "Nguyễn". Empty for a one-word name.
    pub ho: String,
    /// Middle name (tên đệm): every word between the first and the last, e.g. "Thị Minh".
    pub ten_dem: String,
    /// Given name (tên): the last word, e.g. "Khai". The only part of a one-word name.
    pub ten: String,
}

impl PersonName {
    /// Splits a full name written family name first. Normalises it (NFC, Đ homoglyphs) and
    /// collapses any run of whitespace; the first word is the family name, the last the given
    /// name and the rest the middle name. A one-word name is a given name only.
    pub fn parse(full: &str) -> PersonName {
        let normalized = super::normalize(full);
        let words: Vec<&str> = normalized.split_whitespace().collect();
        match words.as_slice() {
            [] => PersonName::default(),
            [ten] => PersonName {
                ten: (*ten).to_owned(),
                ..PersonName::default()
            },
            [ho, middle @ .., ten] => PersonName {
                ho: (*ho).to_owned(),
                ten_dem: middle.join(" "),
                ten: (*ten).to_owned(),
            },
        }
    }

    /// The name written in full, family name first, single-spaced.
    pub fn full(&self) -> String {
        [self.ho.as_str(), self.ten_dem.as_str(), self.ten.as_str()]
            .into_iter()
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

impl std::fmt::Display for PersonName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.full())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_four_word_name_has_a_two_word_middle_name() {
        let name = PersonName::parse("Nguyễn Thị Minh Khai");
        assert_eq!(name.ho, "Nguyễn");
        assert_eq!(name.ten_dem, "Thị Minh");
        assert_eq!(name.ten, "Khai");
        assert_eq!(name.full(), "Nguyễn Thị Minh Khai");
    }

    #[test]
    fn a_two_word_name_has_no_middle_name() {
        let name = PersonName::parse("Lê Lợi");
        assert_eq!(
            (name.ho.as_str(), name.ten_dem.as_str(), name.ten.as_str()),
            ("Lê", "", "Lợi")
        );
    }

    #[test]
    fn a_one_word_name_is_a_given_name_only() {
        let name = PersonName::parse("  Gióng ");
        assert_eq!(
            name,
            PersonName {
                ten: "Gióng".into(),
                ..PersonName::default()
            }
        );
        assert_eq!(name.to_string(), "Gióng");
    }

    #[test]
    fn whitespace_is_collapsed_and_text_normalised() {
        // NFD "Đặng" written with an Eth, tabs and double spaces.
        let name = PersonName::parse("\u{00D0}a\u{0323}\u{0306}ng \t Văn\u{00A0} Hùng  ");
        assert_eq!(name.ho, "Đặng");
        assert_eq!(name.ten_dem, "Văn");
        assert_eq!(name.ten, "Hùng");
    }

    #[test]
    fn an_empty_name_has_no_parts() {
        assert_eq!(PersonName::parse(" \n "), PersonName::default());
        assert_eq!(PersonName::default().full(), "");
    }
}
