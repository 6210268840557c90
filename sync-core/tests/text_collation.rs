//! Vietnamese collation (CLDR `vi` through ICU4X compiled data), name ordering and search folding.

use std::cmp::Ordering;
use sync_core::text::{PersonName, compare_names, compare_vi, fold_for_search, sort_by_given_name};

fn assert_strictly_ascending(words: &[&str]) {
    for pair in words.windows(2) {
        assert_eq!(
            compare_vi(pair[0], pair[1]),
            Ordering::Less,
            "{} < {}",
            pair[0],
            pair[1]
        );
        assert_eq!(
            compare_vi(pair[1], pair[0]),
            Ordering::Greater,
            "{} > {}",
            pair[1],
            pair[0]
        );
    }
}

#[test]
fn hai_duong_sorts_before_hung_yen_unlike_code_point_order() {
    assert!(
        "Hưng Yên" < "Hải Dương",
        "code points put ư after every ASCII letter"
    );
    assert_eq!(compare_vi("Hải Dương", "Hưng Yên"), Ordering::Less);
}

#[test]
fn the_vi_tailoring_is_present_in_the_compiled_data() {
    // Root (DUCET) collation treats ă as a + breve, a secondary difference, so it puts "ăb"
    // before "ac". Only the CLDR `vi` tailoring makes ă a letter of its own after a.
    assert_eq!(compare_vi("ăb", "ac"), Ordering::Greater);
    assert_eq!(compare_vi("âb", "ac"), Ordering::Greater);
    assert_eq!(compare_vi("đa", "dz"), Ordering::Greater);
    assert_eq!(compare_vi("ôa", "oz"), Ordering::Greater);
    assert_eq!(compare_vi("ưa", "uz"), Ordering::Greater);
}

#[test]
fn the_29_letters_follow_the_vietnamese_alphabet() {
    assert_strictly_ascending(&[
        "a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "g", "h", "i", "k", "l", "m", "n", "o", "ô",
        "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "x", "y",
    ]);
}

#[test]
fn modified_vowels_are_primary_letters_not_accents() {
    // A later letter wins over any tone difference earlier in the word.
    assert_eq!(compare_vi("ạz", "ăa"), Ordering::Less);
    assert_eq!(compare_vi("ẹz", "êa"), Ordering::Less);
    assert_eq!(compare_vi("ọz", "ơa"), Ordering::Less);
    assert_eq!(compare_vi("dz", "đa"), Ordering::Less);
}

#[test]
fn tones_order_none_huyen_hoi_nga_sac_nang() {
    assert_strictly_ascending(&["a", "à", "ả", "ã", "á", "ạ"]);
    assert_strictly_ascending(&["ma", "mà", "mả", "mã", "má", "mạ"]);
    assert_strictly_ascending(&["ê", "ề", "ể", "ễ", "ế", "ệ"]);
    assert_strictly_ascending(&["ư", "ừ", "ử", "ữ", "ứ", "ự"]);
}

#[test]
fn tones_are_secondary_so_a_later_letter_decides_first() {
    // "mạc" vs "mai": c < i decides before the tone on a does.
    assert_eq!(compare_vi("mạc", "mai"), Ordering::Less);
    assert_eq!(compare_vi("má", "mà"), Ordering::Greater);
}

#[test]
fn nfd_and_eth_input_compare_equal_to_clean_text() {
    assert_eq!(compare_vi("be\u{0323}\u{0302}nh", "bệnh"), Ordering::Equal);
    assert_eq!(compare_vi("\u{00D0}ảng", "Đảng"), Ordering::Equal);
}

#[test]
fn names_compare_by_given_then_middle_then_family_name() {
    let an = PersonName::parse("Trần Văn An");
    let binh = PersonName::parse("Lê Thị Bình");
    assert_eq!(
        compare_names(&an, &binh),
        Ordering::Less,
        "An before Bình though Lê < Trần"
    );
    let hung_a = PersonName::parse("Phạm Đức Hùng");
    let hung_b = PersonName::parse("Nguyễn Văn Hùng");
    assert_eq!(
        compare_names(&hung_a, &hung_b),
        Ordering::Less,
        "Đức before Văn"
    );
    let lan_a = PersonName::parse("Đỗ Thị Lan");
    let lan_b = PersonName::parse("Vũ Thị Lan");
    assert_eq!(
        compare_names(&lan_a, &lan_b),
        Ordering::Less,
        "Đỗ before Vũ"
    );
}

#[test]
fn names_equal_under_collation_still_have_a_total_order() {
    let a = PersonName::parse("Nguyễn Văn An");
    let b = PersonName::parse("NGUYỄN VĂN AN");
    assert_ne!(compare_names(&a, &b), Ordering::Equal);
    assert_eq!(compare_names(&a, &b), compare_names(&b, &a).reverse());
    assert_eq!(compare_names(&a, &a.clone()), Ordering::Equal);
}

#[test]
fn a_real_looking_roster_sorts_by_given_name() {
    struct Member {
        id: u32,
        full_name: String,
    }
    let names = [
        "Nguyễn Văn Hùng",
        "Trần Thị Ánh",
        "Lê Văn An",
        "Phạm Thị Ân",
        "Hoàng Minh Đức",
        "Vũ Đình Dũng",
        "Đặng Thị Hà",
        "Bùi Quang Hải",
        "Đỗ Thị Ngọc Lan",
        "Ngô Văn Ơn",
        "Dương Văn Ông",
        "Nguyễn Thị Ư",
        "Trịnh Văn Út",
        "Lý Thị Yến",
        "Nguyễn Hữu Hùng",
        "Nguyễn Đức Hùng",
        "Mai Anh",
    ];
    let mut roster: Vec<Member> = names
        .iter()
        .zip(1..)
        .map(|(n, id)| Member {
            id,
            full_name: (*n).to_owned(),
        })
        .collect();
    sort_by_given_name(&mut roster, |m| &m.full_name);
    let sorted: Vec<&str> = roster.iter().map(|m| m.full_name.as_str()).collect();
    assert_eq!(
        sorted,
        [
            "Lê Văn An",
            "Mai Anh",
            "Trần Thị Ánh",
            "Phạm Thị Ân",
            "Vũ Đình Dũng",
            "Hoàng Minh Đức",
            "Đặng Thị Hà",
            "Bùi Quang Hải",
            "Nguyễn Đức Hùng",
            "Nguyễn Hữu Hùng",
            "Nguyễn Văn Hùng",
            "Đỗ Thị Ngọc Lan",
            "Dương Văn Ông",
            "Ngô Văn Ơn",
            "Trịnh Văn Út",
            "Nguyễn Thị Ư",
            "Lý Thị Yến",
        ]
    );
    // The items moved with their names.
    assert!(
        roster
            .iter()
            .all(|m| names[m.id as usize - 1] == m.full_name)
    );
}

#[test]
fn search_folding_ignores_case_tones_and_vowel_marks() {
    assert_eq!(fold_for_search("Đảng ủy Khối"), "dang uy khoi");
    assert_eq!(fold_for_search("NGUYỄN Thị Hường"), "nguyen thi huong");
    // NFD with the dot below before the circumflex, and an Eth.
    assert_eq!(
        fold_for_search("be\u{0323}\u{0302}nh \u{00D0}ường"),
        "benh duong"
    );
    assert_eq!(fold_for_search("ắ ấ ố ớ ứ ặ ộ"), "a a o o u a o");
    assert_eq!(fold_for_search("Chi bộ 3"), fold_for_search("chi bo 3"));
}

#[test]
fn sorting_by_a_key_matches_compare_vi_on_unclean_input_and_is_stable() {
    // NFD "Hải" and an eth-for-Đ "Ðông": sorted as their clean forms; the two "An" keep order.
    let nfd_hai: String = "Chi bộ Ha\u{0309}i Dương".to_owned();
    let mut rows = vec![
        ("Chi bộ Ðông Sơn", 1),
        (nfd_hai.as_str(), 2),
        ("Chi bộ An", 3),
        ("Chi bộ Hưng", 4),
        ("Chi bộ An", 5),
        ("Chi bộ Dương", 6),
    ];
    let mut expected = rows.clone();
    expected.sort_by(|a, b| compare_vi(a.0, b.0));
    sync_core::text::sort_vi_by(&mut rows, |r| r.0);
    assert_eq!(rows, expected);
    let order: Vec<i32> = rows.iter().map(|r| r.1).collect();
    assert_eq!(order, [3, 5, 6, 1, 2, 4]);
}
