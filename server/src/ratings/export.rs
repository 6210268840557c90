//! Exports of ratings and attendance: CSV (UTF-8 with a BOM, so spreadsheet programs read the
//! Vietnamese right) and XLSX (`rust_xlsxwriter`). Rows are sorted under Vietnamese collation
//! (committee, cell), then period, and people by given name (`sync_core::text`).

mod sheet;

pub use sheet::{Table, attendance_table, ratings_table};

use rust_xlsxwriter::{Format, Workbook};

use super::RatingsError;

/// The UTF-8 byte order mark.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A table as CSV: BOM, header line, CRLF line ends, fields quoted when needed (RFC 4180).
pub fn to_csv(table: &Table) -> Vec<u8> {
    let mut out = BOM.to_vec();
    let mut line = |cells: &mut dyn Iterator<Item = String>| {
        let fields: Vec<String> = cells.map(|c| quote(&c)).collect();
        out.extend_from_slice(fields.join(",").as_bytes());
        out.extend_from_slice(b"\r\n");
    };
    line(&mut table.header.iter().map(|h| (*h).to_owned()));
    for row in &table.rows {
        line(&mut row.iter().map(|c| c.text()));
    }
    out
}

fn quote(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_owned()
    }
}

/// A table as an XLSX workbook with one sheet named `sheet_name`, bold header, numbers as
/// numbers.
pub fn to_xlsx(table: &Table, sheet_name: &str) -> Result<Vec<u8>, RatingsError> {
    let export = |e: rust_xlsxwriter::XlsxError| RatingsError::Export(Box::new(e));
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let sheet = workbook.add_worksheet();
    sheet.set_name(sheet_name).map_err(export)?;
    for (col, title) in table.header.iter().enumerate() {
        sheet
            .write_string_with_format(0, column(col), *title, &bold)
            .map_err(export)?;
    }
    for (r, row) in table.rows.iter().enumerate() {
        let r = u32::try_from(r + 1).map_err(|_| RatingsError::Invalid("too many rows".into()))?;
        for (col, cell) in row.iter().enumerate() {
            match cell {
                sheet::Cell::Text(t) => sheet.write_string(r, column(col), t).map_err(export)?,
                sheet::Cell::Number(n) => sheet.write_number(r, column(col), *n).map_err(export)?,
                sheet::Cell::Empty => sheet,
            };
        }
    }
    sheet.autofit();
    workbook.save_to_buffer().map_err(export)
}

fn column(index: usize) -> u16 {
    u16::try_from(index).unwrap_or(u16::MAX)
}
