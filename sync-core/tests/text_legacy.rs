//! Legacy-encoding detection: TCVN3 and VNI text is flagged, real Vietnamese Unicode never is.

use sync_core::text::{LegacyEncoding, detect_legacy_encoding, normalize};

/// Real Unicode Vietnamese: minutes prose, names, place names, NFD input, edge words such as
/// "hoà", "hoá", "loã xoã", "quân", "thuý", "goòng" whose vowel pairs look like VNI.
const UNICODE: &[&str] = &[
    "Biên bản sinh hoạt chi bộ định kỳ tháng 11 năm 2025",
    "Đảng ủy Khối Các cơ quan tỉnh Nam Định",
    "Nguyễn Văn An",
    "Lê Hoa",
    "Trần Thị Ánh Tuyết",
    "Hoà bình, hoá học, khoẻ mạnh, loã xoã, goòng, thuý, tuỳ",
    "Quân đội nhân dân Việt Nam; mùa xuân; quê hương",
    "Đồng chí Bí thư chủ trì, đồng chí Phó Bí thư làm thư ký.",
    "Tỷ lệ dự họp 92,5%; 1 đảng viên vắng có lý do (ốm).",
    "Chi bộ \u{00AB}Khu phố 3\u{00BB} © 2025 · Sổ tay đảng viên",
    "ye\u{0302}\u{0301}u be\u{0323}\u{0302}nh Đa\u{0309}ng", // NFD
    "\u{00D0}ảng ủy",                                        // Eth homoglyph
    "Ghi chú: xem mục 3 § 2, tr. 5",
    "Hà Nội",
    "Huế",
    "Cà Mau",
    "Ea Súp",
    "Ia Grai",
    "",
    "Chi bo khu pho 3",
    "1.234.567 đồng",
    "Tháng 11/2025",
];

#[test]
fn real_vietnamese_unicode_is_never_flagged() {
    for text in UNICODE {
        assert_eq!(detect_legacy_encoding(text), None, "{text:?}");
        assert_eq!(
            detect_legacy_encoding(&normalize(text)),
            None,
            "{text:?} normalised"
        );
    }
}

#[test]
fn plain_ascii_and_western_text_are_not_flagged() {
    for text in [
        "Meeting minutes",
        "Café au lait",
        "José Martí",
        "Zoë Saldaña",
        "Søren",
    ] {
        assert_eq!(detect_legacy_encoding(text), None, "{text:?}");
    }
}

#[test]
fn vni_text_typed_into_a_unicode_file_is_flagged() {
    for text in [
        "Bieân baûn sinh hoaït chi boä ñònh kyø thaùng 11 naêm 2025",
        "Ñaûng uûy Khoái Caùc cô quan tænh Nam Ñònh",
        "Nguyeãn Vaên An",
        "Traàn Thò Lan",
        "Tröôøng Sa",
        "Xin chaøo caùc baïn",
        "Leâ Hoa",
    ] {
        assert_eq!(
            detect_legacy_encoding(text),
            Some(LegacyEncoding::Vni),
            "{text:?}"
        );
    }
}

#[test]
fn tcvn3_text_typed_into_a_unicode_file_is_flagged() {
    for text in [
        "Biªn b¶n sinh ho¹t chi bé ®Þnh kú th¸ng 11 n¨m 2025",
        "§¶ng ñy Khèi C¸c c¬ quan tØnh Nam §Þnh",
        "NguyÔn V¨n An",
        "Hµ Néi",
        "B¸t X¸t",
        "M\u{00AD}êng Kh\u{00AD}¬ng",
    ] {
        assert_eq!(
            detect_legacy_encoding(text),
            Some(LegacyEncoding::Tcvn3),
            "{text:?}"
        );
    }
}

#[test]
fn detection_runs_on_the_raw_value_before_normalising() {
    // TCVN3 "Chi bộ được đánh giá tốt, được phép": flagged raw; normalising folds its Ð (é) into
    // Đ, after which the value reads as Unicode and is no longer recognised.
    let raw = "Chi bé \u{00AE}\u{00AD}îc \u{00AE}\u{00B8}nh gi\u{00B8} tèt, \u{00AE}\u{00AD}îc ph\u{00D0}p";
    assert_eq!(detect_legacy_encoding(raw), Some(LegacyEncoding::Tcvn3));
    assert_eq!(detect_legacy_encoding(&normalize(raw)), None);
}

#[test]
fn legacy_text_that_is_also_valid_unicode_is_left_alone() {
    // "Chi bộ" in TCVN3 reads "Chi bé", which is also the Unicode words "chi bé": conservative
    // detection lets it through rather than risk flagging real text.
    assert_eq!(detect_legacy_encoding("Chi bé"), None);
}

#[test]
fn the_encoding_names_itself_for_error_messages() {
    assert_eq!(LegacyEncoding::Tcvn3.to_string(), "TCVN3 (.VnTime)");
    assert_eq!(LegacyEncoding::Vni.label(), "VNI (VNI-Times)");
}
