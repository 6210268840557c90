//! Vietnamese names for demo rosters, drawn deterministically.

use rand::Rng;

const FAMILY: &[&str] = &[
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý",
];
const MIDDLE_MALE: &[&str] = &["Văn", "Đức", "Minh", "Quang", "Hữu", "Công", "Thanh"];
const MIDDLE_FEMALE: &[&str] = &["Thị", "Thu", "Ngọc", "Thanh", "Kim", "Phương"];
const GIVEN_MALE: &[&str] = &[
    "An", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hùng", "Khánh", "Long", "Nam", "Phúc", "Quân",
    "Sơn", "Thắng", "Trung", "Tuấn", "Việt",
];
const GIVEN_FEMALE: &[&str] = &[
    "Anh", "Châu", "Dung", "Giang", "Hà", "Hoa", "Hương", "Lan", "Linh", "Mai", "Ngân", "Oanh",
    "Phương", "Thảo", "Trang", "Yến",
];

fn pick<'a>(rng: &mut impl Rng, list: &[&'a str]) -> &'a str {
    list[rng.random_range(0..list.len())]
}

/// A full name such as "Nguyễn Thị Hương".
pub fn full_name(rng: &mut impl Rng) -> String {
    let family = pick(rng, FAMILY);
    if rng.random_bool(0.5) {
        format!(
            "{family} {} {}",
            pick(rng, MIDDLE_MALE),
            pick(rng, GIVEN_MALE)
        )
    } else {
        format!(
            "{family} {} {}",
            pick(rng, MIDDLE_FEMALE),
            pick(rng, GIVEN_FEMALE)
        )
    }
}
