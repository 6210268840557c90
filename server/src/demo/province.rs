//! The demo province's layout: the commune and agency committees of Ninh Bình, how many cells
//! each has, and the quality profile of every cell (exemplary, typical, weak, struggling).

use rand::{Rng, rngs::StdRng};

/// The province committee: (code, name).
pub(crate) const PROVINCE: (&str, &str) = ("dbt-ninh-binh", "Đảng bộ tỉnh Ninh Bình");

/// A committee under the province.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Committee {
    /// Org-unit code; its cells are `<code>-cbNN`.
    pub code: &'static str,
    /// Full name.
    pub name: &'static str,
    /// What its residential cells are called (`Khu phố`, `Thôn`, …); `None` for agencies.
    pub place: Option<&'static str>,
    /// Cells in the full province.
    pub cells: usize,
    /// Short form used in demo usernames (`uyvien.hoalu`, `bithu.hoalu1`).
    pub short: &'static str,
}

/// The committees, in a fixed order: wards (phường), communes (xã) and the agencies' committee.
pub(crate) const COMMITTEES: [Committee; 6] = [
    Committee {
        code: "du-hoa-lu",
        name: "Đảng ủy phường Hoa Lư",
        place: Some("Khu phố"),
        cells: 48,
        short: "hoalu",
    },
    Committee {
        code: "du-gia-vien",
        name: "Đảng ủy xã Gia Viễn",
        place: Some("Thôn"),
        cells: 44,
        short: "giavien",
    },
    Committee {
        code: "du-tam-diep",
        name: "Đảng ủy phường Tam Điệp",
        place: Some("Tổ dân phố"),
        cells: 40,
        short: "tamdiep",
    },
    Committee {
        code: "du-kim-son",
        name: "Đảng ủy xã Kim Sơn",
        place: Some("Xóm"),
        cells: 42,
        short: "kimson",
    },
    Committee {
        code: "du-nho-quan",
        name: "Đảng ủy xã Nho Quan",
        place: Some("Thôn"),
        cells: 38,
        short: "nhoquan",
    },
    Committee {
        code: "du-co-quan-tinh",
        name: "Đảng ủy các cơ quan Đảng tỉnh Ninh Bình",
        place: None,
        cells: AGENCIES.len(),
        short: "coquan",
    },
];

/// The agencies whose party cells sit under the agencies' committee.
pub(crate) const AGENCIES: [&str; 16] = [
    "Văn phòng Tỉnh ủy",
    "Ban Tổ chức Tỉnh ủy",
    "Ban Tuyên giáo và Dân vận Tỉnh ủy",
    "Ủy ban Kiểm tra Tỉnh ủy",
    "Ban Nội chính Tỉnh ủy",
    "Ban Chính sách, chiến lược Tỉnh ủy",
    "Báo và Phát thanh, Truyền hình Ninh Bình",
    "Trường Chính trị tỉnh",
    "Ủy ban Mặt trận Tổ quốc tỉnh",
    "Hội Nông dân tỉnh",
    "Hội Liên hiệp Phụ nữ tỉnh",
    "Tỉnh đoàn",
    "Liên đoàn Lao động tỉnh",
    "Hội Cựu chiến binh tỉnh",
    "Ban Bảo vệ, chăm sóc sức khỏe cán bộ tỉnh",
    "Nhà khách Tỉnh ủy",
];

/// How a cell runs its meetings and rates itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// Well prepared, long meetings, a thematic meeting every quarter, honest self-score.
    Exemplary,
    /// Ordinary meetings; rates itself a little above what the committee finds.
    Typical,
    /// Short meetings, thin minutes, the self-score always at the maximum (inflation).
    Weak,
    /// Misses months, low attendance, returned minutes, inflated self-score.
    Struggling,
}

/// The quality (0..1) and profile of the `n`th cell (1-based) of a committee. The first six of
/// every committee keep a fixed spread (cb01 exemplary … cb06 struggling, missing July only),
/// which the tests rely on; later ones are drawn: ~15 % exemplary, ~55 % typical, ~20 % weak,
/// ~10 % struggling.
pub(crate) fn profile_of(n: usize, rng: &mut StdRng) -> (f64, Profile) {
    const FIRST_SIX: [(f64, Profile); 6] = [
        (0.95, Profile::Exemplary),
        (0.8, Profile::Typical),
        (0.7, Profile::Typical),
        (0.6, Profile::Typical),
        (0.45, Profile::Weak),
        (0.3, Profile::Struggling),
    ];
    if let Some(fixed) = FIRST_SIX.get(n.wrapping_sub(1)) {
        return *fixed;
    }
    let roll: f64 = rng.random();
    let jitter = rng.random_range(-0.05..0.05);
    match roll {
        r if r < 0.15 => (0.92 + jitter / 2.0, Profile::Exemplary),
        r if r < 0.70 => (0.7 + jitter * 2.0, Profile::Typical),
        r if r < 0.90 => (0.45 + jitter, Profile::Weak),
        _ => (0.28 + jitter, Profile::Struggling),
    }
}
