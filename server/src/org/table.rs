//! Tabular files: CSV and XLSX in, CSV (UTF-8 with BOM) and XLSX out.
//!
//! Every cell is checked RAW, before normalisation: invalid UTF-8 and text in a legacy
//! Vietnamese encoding (TCVN3, VNI) are refused with the row number, because normalising would
//! hide them (Ð, TCVN3's "é", would fold into Đ) and a wrong encoding silently makes new units
//! and people out of garbage.

use std::path::Path;

use sync_core::text::{LegacyEncoding, detect_legacy_encoding};

/// A table read from a file: the header row and the data rows with their 1-based row numbers
/// as a spreadsheet shows them (the header is row 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// Column names, trimmed and lowercased.
    pub headers: Vec<String>,
    /// (row number, cells) of each non-empty data row.
    pub rows: Vec<(usize, Vec<String>)>,
}

/// File formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Comma-separated values, UTF-8.
    Csv,
    /// Office Open XML workbook (first sheet).
    Xlsx,
}

impl Format {
    /// The format a file name implies (`.xlsx` or anything else as CSV).
    pub fn from_path(path: &Path) -> Self {
        match path.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("xlsx") => Self::Xlsx,
            _ => Self::Csv,
        }
    }
}

/// Why a file cannot be read as a table.
#[derive(Debug, thiserror::Error)]
pub enum TableError {
    /// The file could not be read.
    #[error("could not read the file")]
    Io(#[from] std::io::Error),
    /// A row is not valid UTF-8.
    #[error("row {row}: the text is not UTF-8; save the file as UTF-8 (CSV UTF-8 in Excel)")]
    InvalidUtf8 {
        /// 1-based row number.
        row: usize,
    },
    /// A cell holds text in a legacy Vietnamese encoding.
    #[error(
        "row {row}, column `{column}`: `{value}` looks like {encoding} text; convert the file to \
         Unicode (UTF-8) first, e.g. with UniKey's converter"
    )]
    LegacyEncoding {
        /// 1-based row number.
        row: usize,
        /// Column name.
        column: String,
        /// The raw value.
        value: String,
        /// The encoding recognised.
        encoding: LegacyEncoding,
    },
    /// The CSV structure is broken.
    #[error("row {row}: malformed CSV: {message}")]
    Csv {
        /// 1-based row number.
        row: usize,
        /// The parser's message.
        message: String,
    },
    /// The workbook cannot be opened.
    #[error("not a readable XLSX workbook: {0}")]
    Xlsx(String),
    /// No header row.
    #[error("the file is empty (a header row is required)")]
    Empty,
    /// Writing failed.
    #[error("could not write the table: {0}")]
    Write(String),
}

/// Reads `path` as CSV or XLSX (by extension).
pub fn read_table(path: &Path) -> Result<Table, TableError> {
    let bytes = std::fs::read(path)?;
    match Format::from_path(path) {
        Format::Csv => read_csv(&bytes),
        Format::Xlsx => read_xlsx(&bytes),
    }
}

/// Reads CSV bytes (an optional UTF-8 BOM is skipped).
pub fn read_csv(bytes: &[u8]) -> Result<Table, TableError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut raw_rows = Vec::new();
    for (index, record) in reader.byte_records().enumerate() {
        let row = index + 1;
        let record = record.map_err(|e| TableError::Csv {
            row,
            message: e.to_string(),
        })?;
        let mut cells = Vec::with_capacity(record.len());
        for field in &record {
            match std::str::from_utf8(field) {
                Ok(s) => cells.push(s.to_owned()),
                Err(_) => {
                    // Legacy files are single-byte: read the bytes as Latin-1 to name the
                    // encoding when it is recognisable.
                    let latin1: String = field.iter().map(|&b| char::from(b)).collect();
                    return Err(match detect_legacy_encoding(&latin1) {
                        Some(encoding) => TableError::LegacyEncoding {
                            row,
                            column: format!("{}", cells.len() + 1),
                            value: latin1,
                            encoding,
                        },
                        None => TableError::InvalidUtf8 { row },
                    });
                }
            }
        }
        raw_rows.push((row, cells));
    }
    into_table(raw_rows)
}

/// Reads the first sheet of an XLSX workbook.
pub fn read_xlsx(bytes: &[u8]) -> Result<Table, TableError> {
    use calamine::Reader;
    let mut workbook = calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec()))
        .map_err(|e| TableError::Xlsx(e.to_string()))?;
    let range = workbook
        .worksheet_range_at(0)
        .ok_or(TableError::Empty)?
        .map_err(|e| TableError::Xlsx(e.to_string()))?;
    let first_row = range.start().map_or(0, |(r, _)| r as usize);
    let rows = range
        .rows()
        .enumerate()
        .map(|(i, cells)| {
            let texts = cells.iter().map(cell_text).collect();
            (first_row + i + 1, texts)
        })
        .collect();
    into_table(rows)
}

fn cell_text(cell: &calamine::Data) -> String {
    use calamine::Data;
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::DateTime(d) => {
            // Excel serial days: 1899-12-30 is day 0 (1900 date system).
            let base = chrono::NaiveDate::from_ymd_opt(1899, 12, 30);
            let days = d.as_f64().floor();
            base.and_then(|b| b.checked_add_signed(chrono::Duration::days(days as i64)))
                .map_or_else(|| d.to_string(), |date| date.to_string())
        }
        other => other.to_string(),
    }
}

/// Checks every raw cell for legacy encodings, then splits off the header.
fn into_table(rows: Vec<(usize, Vec<String>)>) -> Result<Table, TableError> {
    let mut rows = rows
        .into_iter()
        .filter(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty()));
    let (header_row, headers) = rows.next().ok_or(TableError::Empty)?;
    let headers: Vec<String> = headers.iter().map(|h| h.trim().to_lowercase()).collect();
    let data: Vec<(usize, Vec<String>)> = rows.collect();
    for (row, cells) in std::iter::once(&(header_row, headers.clone())).chain(data.iter()) {
        for (i, cell) in cells.iter().enumerate() {
            if let Some(encoding) = detect_legacy_encoding(cell) {
                return Err(TableError::LegacyEncoding {
                    row: *row,
                    column: headers
                        .get(i)
                        .cloned()
                        .unwrap_or_else(|| format!("{}", i + 1)),
                    value: cell.clone(),
                    encoding,
                });
            }
        }
    }
    Ok(Table {
        headers,
        rows: data,
    })
}

impl Table {
    /// The index of the first header among `names`.
    pub fn column(&self, names: &[&str]) -> Option<usize> {
        self.headers
            .iter()
            .position(|h| names.iter().any(|n| h == n))
    }
}

/// Writes `headers` and `rows` as CSV: UTF-8 with a BOM (so Excel opens it as UTF-8), CRLF.
pub fn write_csv(headers: &[&str], rows: &[Vec<String>]) -> Result<Vec<u8>, TableError> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut out);
        let werr = |e: csv::Error| TableError::Write(e.to_string());
        writer.write_record(headers).map_err(werr)?;
        for row in rows {
            writer.write_record(row).map_err(werr)?;
        }
        writer.flush()?;
    }
    Ok(out)
}

/// Writes `headers` and `rows` as a one-sheet XLSX workbook (every cell as text).
pub fn write_xlsx(headers: &[&str], rows: &[Vec<String>]) -> Result<Vec<u8>, TableError> {
    let werr = |e: rust_xlsxwriter::XlsxError| TableError::Write(e.to_string());
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string(0, col(c)?, *h).map_err(werr)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let r = u32::try_from(r + 1).map_err(|_| TableError::Write("too many rows".into()))?;
        for (c, value) in row.iter().enumerate() {
            sheet.write_string(r, col(c)?, value).map_err(werr)?;
        }
    }
    workbook.save_to_buffer().map_err(werr)
}

fn col(c: usize) -> Result<u16, TableError> {
    u16::try_from(c).map_err(|_| TableError::Write("too many columns".into()))
}

/// Writes in `format`.
pub fn write_table(
    format: Format,
    headers: &[&str],
    rows: &[Vec<String>],
) -> Result<Vec<u8>, TableError> {
    match format {
        Format::Csv => write_csv(headers, rows),
        Format::Xlsx => write_xlsx(headers, rows),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tcvn3_cell_is_refused_naming_its_row() {
        let csv = "code,name\nA,Đảng ủy Khối\nB,§¶ng ñy Khèi\n";
        let err = read_csv(csv.as_bytes()).unwrap_err();
        assert!(
            matches!(err, TableError::LegacyEncoding { row: 3, .. }),
            "{err}"
        );
        assert!(err.to_string().contains("row 3"), "{err}");
    }

    #[test]
    fn invalid_utf8_is_refused_naming_its_row() {
        let mut bytes = b"code,name\nA,ok\nB,".to_vec();
        bytes.extend([0xC3, 0x28]);
        bytes.push(b'\n');
        let err = read_csv(&bytes).unwrap_err();
        assert!(matches!(err, TableError::InvalidUtf8 { row: 3 }), "{err}");
    }

    #[test]
    fn csv_out_has_a_bom_and_reads_back() {
        let bytes = write_csv(&["code", "name"], &[vec!["A".into(), "Chi bộ 1".into()]]).unwrap();
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
        let table = read_csv(&bytes).unwrap();
        assert_eq!(table.headers, ["code", "name"]);
        assert_eq!(
            table.rows,
            [(2, vec!["A".to_owned(), "Chi bộ 1".to_owned()])]
        );
    }

    #[test]
    fn xlsx_out_reads_back() {
        let bytes = write_xlsx(&["code", "name"], &[vec!["A".into(), "Đảng ủy".into()]]).unwrap();
        let table = read_xlsx(&bytes).unwrap();
        assert_eq!(
            table.rows,
            [(2, vec!["A".to_owned(), "Đảng ủy".to_owned()])]
        );
    }
}
