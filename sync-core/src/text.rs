//! Vietnamese text hygiene: NFC normalisation, Đ homoglyph folding, person names, collation and
//! date formats.

mod dates;
mod normalize;

pub use dates::{format_date_vi, parse_date, parse_local_datetime};
pub use normalize::{is_normalized, normalize};
