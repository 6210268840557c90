//! The agenda a new regular meeting starts from, by the type of cell.
//!
//! Every cell follows the three parts of 09-HD/BTCTW (mở đầu, nội dung, kết thúc; still the
//! template in practice). The body's items are those the guides list for every cell (news and
//! directives, the members' ideological situation, last month's tasks, Chỉ thị 05, next month's
//! tasks assigned to named members, discussion), plus one item for what the cell's type adds
//! (HD 42-HD/BTCTW, 2025: content differs by type). The residential item is the content HD 42
//! lists for village and residential cells; the other types' items are this project's wording of
//! their usual core tasks. The secretary edits the agenda like any other part of the minutes.

use serde::{Deserialize, Serialize};

use super::{AgendaItem, AgendaPart};

/// The type of a cell, for its agenda template.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CellType {
    /// Chi bộ thôn, tổ dân phố, khu phố (residential).
    ThonToDanPho,
    /// Chi bộ cơ quan hành chính, đơn vị sự nghiệp.
    CoQuan,
    /// Chi bộ doanh nghiệp.
    DoanhNghiep,
    /// Chi bộ quân đội, công an.
    LucLuongVuTrang,
    /// Not recorded, or none of the above: the common agenda.
    #[default]
    Khac,
}

impl CellType {
    /// Every type.
    pub const ALL: [CellType; 5] = [
        CellType::ThonToDanPho,
        CellType::CoQuan,
        CellType::DoanhNghiep,
        CellType::LucLuongVuTrang,
        CellType::Khac,
    ];

    /// The stored code (`thon_to_dan_pho`, …).
    pub fn code(self) -> &'static str {
        match self {
            CellType::ThonToDanPho => "thon_to_dan_pho",
            CellType::CoQuan => "co_quan",
            CellType::DoanhNghiep => "doanh_nghiep",
            CellType::LucLuongVuTrang => "luc_luong_vu_trang",
            CellType::Khac => "khac",
        }
    }

    /// Parses a code, or the same words in Vietnamese with any accents, case and spacing
    /// ("Thôn, tổ dân phố" is not a code; "thôn tổ dân phố" is).
    pub fn parse(s: &str) -> Option<CellType> {
        let folded = crate::text::fold_for_search(s).replace([' ', '-'], "_");
        let folded = folded.trim_matches('_');
        CellType::ALL.into_iter().find(|t| t.code() == folded)
    }
}

/// The item a type of cell adds to the body of its meetings.
fn type_item(cell_type: CellType) -> Option<&'static str> {
    match cell_type {
        CellType::ThonToDanPho => Some(
            "Công tác dân vận; phát triển kinh tế - xã hội, xây dựng nông thôn mới, đô thị văn minh; \
             thực hiện Luật Thực hiện dân chủ ở cơ sở",
        ),
        CellType::CoQuan => Some(
            "Thực hiện nhiệm vụ chuyên môn, cải cách hành chính; kỷ luật, kỷ cương; \
             phòng, chống tham nhũng, lãng phí",
        ),
        CellType::DoanhNghiep => Some(
            "Tình hình sản xuất, kinh doanh; việc làm, đời sống người lao động; \
             lãnh đạo công đoàn, đoàn thanh niên",
        ),
        CellType::LucLuongVuTrang => Some(
            "Sẵn sàng chiến đấu, bảo đảm an ninh trật tự; chấp hành điều lệnh, kỷ luật; \
             giáo dục chính trị, tư tưởng",
        ),
        CellType::Khac => None,
    }
}

/// The agenda of a new regular meeting of a cell of `cell_type`: items `a1`, `a2`, … in order,
/// none done.
pub fn agenda_template(cell_type: CellType) -> Vec<AgendaItem> {
    use AgendaPart::{KetThuc, MoDau, NoiDung};
    let mut items: Vec<(AgendaPart, &str)> = vec![
        (
            MoDau,
            "Tuyên bố lý do, giới thiệu đại biểu; thu đảng phí; thông báo đảng viên có mặt, vắng \
             mặt; thông qua chương trình, cử thư ký",
        ),
        (
            NoiDung,
            "Thông tin thời sự; phổ biến chủ trương, nghị quyết, chỉ thị của cấp trên",
        ),
        (NoiDung, "Tình hình tư tưởng của đảng viên và quần chúng"),
        (NoiDung, "Đánh giá kết quả thực hiện nhiệm vụ tháng trước"),
    ];
    if let Some(item) = type_item(cell_type) {
        items.push((NoiDung, item));
    }
    items.extend([
        (
            NoiDung,
            "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
        ),
        (
            NoiDung,
            "Phương hướng, nhiệm vụ tháng tới; phân công đảng viên thực hiện",
        ),
        (NoiDung, "Thảo luận, phát biểu ý kiến"),
        (
            KetThuc,
            "Kết luận, biểu quyết nghị quyết; thông qua biên bản, bế mạc",
        ),
    ]);
    items
        .into_iter()
        .enumerate()
        .map(|(i, (part, title))| AgendaItem {
            id: format!("a{}", i + 1),
            title: title.to_owned(),
            part,
            done: false,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_type_opens_and_closes_the_same_way_and_adds_its_own_body_item() {
        let common = agenda_template(CellType::Khac);
        assert_eq!(common.len(), 8);
        for t in CellType::ALL {
            let items = agenda_template(t);
            assert_eq!(items.first().map(|i| i.part), Some(AgendaPart::MoDau));
            assert_eq!(items.last().map(|i| i.part), Some(AgendaPart::KetThuc));
            let ids: Vec<String> = (1..=items.len()).map(|i| format!("a{i}")).collect();
            assert_eq!(items.iter().map(|i| i.id.clone()).collect::<Vec<_>>(), ids);
            assert!(items.iter().all(|i| !i.done));
            let extra: Vec<&str> = items
                .iter()
                .map(|i| i.title.as_str())
                .filter(|title| !common.iter().any(|c| c.title == *title))
                .collect();
            assert_eq!(extra.len(), usize::from(t != CellType::Khac), "{t:?}");
        }
        assert!(
            agenda_template(CellType::ThonToDanPho)
                .iter()
                .any(|i| i.title.contains("dân chủ ở cơ sở"))
        );
    }

    #[test]
    fn types_parse_from_codes_and_vietnamese_words() {
        for t in CellType::ALL {
            assert_eq!(CellType::parse(t.code()), Some(t));
        }
        assert_eq!(
            CellType::parse("Thôn tổ dân phố"),
            Some(CellType::ThonToDanPho)
        );
        assert_eq!(CellType::parse(" cơ quan "), Some(CellType::CoQuan));
        assert_eq!(CellType::parse("trường học"), None);
    }
}
