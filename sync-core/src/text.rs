//! Vietnamese text hygiene: NFC normalisation, Đ homoglyph folding, person names, collation,
//! search folding, legacy-encoding detection and date formats.

mod collation;
mod dates;
mod legacy;
mod names;
mod normalize;

pub use collation::{compare_names, compare_vi, fold_for_search, sort_by_given_name, sort_vi_by};
pub use dates::{format_date_vi, parse_date, parse_local_datetime};
pub use legacy::{LegacyEncoding, detect_legacy_encoding};
pub use names::PersonName;
pub use normalize::{is_normalized, normalize};
