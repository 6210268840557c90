//! The rows of the ratings and attendance exports, read from the projection.

use diesel::prelude::*;
use sync_core::text::{PersonName, compare_names, compare_vi};

use super::super::RatingsError;
use crate::db::schema::{meeting_attendance as a, meeting_facts as f, meeting_scores as s};
use crate::db::{DbConnection, with_conn};

/// One cell of a table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Text.
    Text(String),
    /// A number (percent, minutes, rate).
    Number(f64),
    /// Nothing.
    Empty,
}

impl Cell {
    /// The CSV text of the cell.
    pub fn text(&self) -> String {
        match self {
            Cell::Text(t) => t.clone(),
            Cell::Number(n) => format!("{}", (n * 100.0).round() / 100.0),
            Cell::Empty => String::new(),
        }
    }
}

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

fn opt_text(s: Option<String>) -> Cell {
    s.map_or(Cell::Empty, Cell::Text)
}

fn opt_num(n: Option<f64>) -> Cell {
    n.map_or(Cell::Empty, Cell::Number)
}

/// A header and rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Column titles (Vietnamese).
    pub header: Vec<&'static str>,
    /// Rows, sorted.
    pub rows: Vec<Vec<Cell>>,
}

type RatingRow = (
    (String, String, String, String, String),
    (String, Option<String>, Option<i64>, f64, String, bool),
    (
        Option<String>,
        Option<f64>,
        Option<String>,
        Option<f64>,
        Option<String>,
        bool,
    ),
);

/// Ratings of `year`, one row per meeting, of one committee or all.
pub fn ratings_table(
    conn: &mut DbConnection,
    committee_id: Option<&str>,
    year: i64,
) -> Result<Table, RatingsError> {
    let mut rows: Vec<RatingRow> = with_conn!(conn, |c| {
        let mut q = f::table
            .inner_join(s::table.on(s::doc_id.eq(f::doc_id)))
            .filter(f::year.eq(year))
            .select((
                (
                    f::committee_name,
                    f::cell_name,
                    f::cell_id,
                    f::period,
                    f::meeting_type,
                ),
                (
                    f::status,
                    f::held_on,
                    f::duration_min,
                    f::attendance_rate,
                    f::doc_id,
                    f::valid,
                ),
                (
                    s::self_level,
                    s::self_percent,
                    s::superior_level,
                    s::superior_percent,
                    s::official_level,
                    s::amended_after_lock,
                ),
            ))
            .into_boxed();
        if let Some(id) = committee_id {
            q = q.filter(f::committee_id.eq(id.to_owned()));
        }
        q.load(c)?
    });
    rows.sort_by(|x, y| {
        compare_vi(&x.0.0, &y.0.0)
            .then_with(|| compare_vi(&x.0.1, &y.0.1))
            .then_with(|| x.0.2.cmp(&y.0.2))
            .then_with(|| x.0.3.cmp(&y.0.3))
            .then_with(|| x.1.4.cmp(&y.1.4))
    });
    let header = vec![
        "Đảng ủy",
        "Chi bộ",
        "Mã chi bộ",
        "Kỳ",
        "Loại",
        "Trạng thái",
        "Ngày họp",
        "Thời lượng (phút)",
        "Tỷ lệ dự họp (%)",
        "Tự chấm",
        "Điểm tự chấm (%)",
        "Cấp trên",
        "Điểm cấp trên (%)",
        "Xếp loại chính thức",
        "Sửa sau khi khóa",
        "Hợp lệ",
        "Mã biên bản",
    ];
    let rows = rows
        .into_iter()
        .map(|((committee, cell, cell_id, period, kind), r, sc)| {
            let (status, held_on, duration, rate, doc_id, valid) = r;
            let (self_level, self_percent, sup_level, sup_percent, official, amended) = sc;
            vec![
                text(committee),
                text(cell),
                text(cell_id),
                text(period),
                text(kind),
                text(status),
                opt_text(held_on),
                opt_num(duration.map(|d| d as f64)),
                Cell::Number(rate * 100.0),
                opt_text(self_level),
                opt_num(self_percent),
                opt_text(sup_level),
                opt_num(sup_percent),
                opt_text(official),
                text(if amended { "có" } else { "" }),
                text(if valid { "có" } else { "không" }),
                text(doc_id),
            ]
        })
        .collect();
    Ok(Table { header, rows })
}

/// Attendance of `year`, one row per member per meeting: cells in collation order, then period,
/// then members by given name.
pub fn attendance_table(
    conn: &mut DbConnection,
    committee_id: Option<&str>,
    year: i64,
) -> Result<Table, RatingsError> {
    type Row = (
        String,
        String,
        String,
        String,
        String,
        String,
        String,
        String,
    );
    let rows: Vec<Row> = with_conn!(conn, |c| {
        let mut q = a::table
            .inner_join(f::table.on(f::doc_id.eq(a::doc_id)))
            .filter(f::year.eq(year))
            .select((
                f::committee_name,
                f::cell_name,
                f::cell_id,
                f::period,
                a::full_name,
                a::member_id,
                a::status,
                a::reason,
            ))
            .into_boxed();
        if let Some(id) = committee_id {
            q = q.filter(f::committee_id.eq(id.to_owned()));
        }
        q.load(c)?
    });
    let mut rows: Vec<(PersonName, Row)> = rows
        .into_iter()
        .map(|r| (PersonName::parse(&r.4), r))
        .collect();
    rows.sort_by(|(nx, x), (ny, y)| {
        compare_vi(&x.0, &y.0)
            .then_with(|| compare_vi(&x.1, &y.1))
            .then_with(|| x.2.cmp(&y.2))
            .then_with(|| x.3.cmp(&y.3))
            .then_with(|| compare_names(nx, ny))
            .then_with(|| x.5.cmp(&y.5))
    });
    let header = vec![
        "Đảng ủy",
        "Chi bộ",
        "Mã chi bộ",
        "Kỳ",
        "Họ và tên",
        "Mã đảng viên",
        "Điểm danh",
        "Lý do",
    ];
    let rows = rows
        .into_iter()
        .map(
            |(_, (committee, cell, cell_id, period, name, member, status, reason))| {
                vec![
                    text(committee),
                    text(cell),
                    text(cell_id),
                    text(period),
                    text(name),
                    text(member),
                    text(status),
                    text(reason),
                ]
            },
        )
        .collect();
    Ok(Table { header, rows })
}
