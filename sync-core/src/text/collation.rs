//! Vietnamese collation (CLDR `vi`, through ICU4X's compiled data) and accent-insensitive search
//! folding.
//!
//! Code-point order is wrong for Vietnamese: it puts "Hưng Yên" before "Hải Dương" because ư
//! (U+01B0) sorts after every ASCII letter. CLDR `vi` makes ă, â primary letters after a, đ after
//! d, ê after e, ô, ơ after o and ư after u, and orders the tones as a secondary difference:
//! none, huyền, hỏi, ngã, sắc, nặng (domain.md §6.4).

use super::PersonName;
use icu_collator::options::CollatorOptions;
use icu_collator::{Collator, CollatorBorrowed, CollatorPreferences};
use icu_locale_core::locale;
use std::cmp::Ordering;
use std::sync::OnceLock;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// The `vi` collator, built once. `None` only if the compiled data could not build it, which
/// the tests rule out; callers then fall back to comparing normalised code points.
fn collator() -> Option<&'static CollatorBorrowed<'static>> {
    static COLLATOR: OnceLock<Option<CollatorBorrowed<'static>>> = OnceLock::new();
    COLLATOR
        .get_or_init(|| {
            let prefs = CollatorPreferences::from(&locale!("vi"));
            Collator::try_new(prefs, CollatorOptions::default()).ok()
        })
        .as_ref()
}

/// Compares two strings under Vietnamese (CLDR `vi`) collation. Both are normalised first, so
/// NFD input and Đ homoglyphs compare as their clean forms.
pub fn compare_vi(a: &str, b: &str) -> Ordering {
    compare_normalized(&super::normalize(a), &super::normalize(b))
}

/// [`compare_vi`] of strings already normalised.
fn compare_normalized(a: &str, b: &str) -> Ordering {
    match collator() {
        Some(collator) => collator.compare(a, b),
        None => a.cmp(b),
    }
}

/// Sorts items by the string `key_of` returns, under `vi` collation, normalising each key once
/// rather than on every comparison (a 300-row sort makes thousands). Stable: items whose keys
/// collate equal keep their order.
pub fn sort_vi_by<T>(items: &mut [T], key_of: impl Fn(&T) -> &str) {
    let keys: Vec<String> = items
        .iter()
        .map(|item| super::normalize(key_of(item)))
        .collect();
    sort_by_keys(items, &keys, |a, b| compare_normalized(a, b));
}

/// Orders names the Vietnamese way: by given name (tên), then middle name (tên đệm), then family
/// name (họ), each under `vi` collation; names equal under collation are ordered by their full
/// string (code points) so the order is total and stable across devices. The names are those
/// [`PersonName::parse`] makes, whose parts are normalised: they are not normalised again.
pub fn compare_names(a: &PersonName, b: &PersonName) -> Ordering {
    compare_normalized(&a.ten, &b.ten)
        .then_with(|| compare_normalized(&a.ten_dem, &b.ten_dem))
        .then_with(|| compare_normalized(&a.ho, &b.ho))
        .then_with(|| a.full().cmp(&b.full()))
}

/// Sorts items by the person name `name_of` returns (a full name, family name first), in member
/// list order: given name, then middle name, then family name. Each name is parsed once.
pub fn sort_by_given_name<T>(items: &mut [T], name_of: impl Fn(&T) -> &str) {
    let names: Vec<PersonName> = items
        .iter()
        .map(|item| PersonName::parse(name_of(item)))
        .collect();
    sort_by_keys(items, &names, compare_names);
}

/// Sorts `items` by `keys` (one per item, same order) under `compare`, stably: decorate, sort
/// the permutation, then apply it, so each key is made once rather than per comparison.
fn sort_by_keys<T, K>(items: &mut [T], keys: &[K], compare: impl Fn(&K, &K) -> Ordering) {
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by(|&i, &j| compare(&keys[i], &keys[j]));
    apply_permutation(items, order);
}

/// Rearranges `items` so that position `k` holds the item that was at `order[k]`.
fn apply_permutation<T>(items: &mut [T], mut order: Vec<usize>) {
    for start in 0..items.len() {
        // Follow each cycle of the permutation once, swapping items into place.
        let mut current = start;
        while order[current] != start {
            let next = order[current];
            items.swap(current, next);
            order[current] = current;
            current = next;
        }
        order[current] = current;
    }
}

/// Folds text for case- and accent-insensitive search: normalises it, lowercases it, strips
/// tone and vowel marks and maps đ to d, so "Đảng ủy" and "dang uy" fold alike. Strips the marks
/// after full decomposition, so no tone survives whichever order the marks were typed in.
pub fn fold_for_search(s: &str) -> String {
    super::normalize(s)
        .to_lowercase()
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| if c == '\u{0111}' { 'd' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_permutation_is_applied_in_place() {
        let mut items = vec!['a', 'b', 'c', 'd', 'e'];
        apply_permutation(&mut items, vec![3, 0, 4, 1, 2]);
        assert_eq!(items, vec!['d', 'a', 'e', 'b', 'c']);
    }

    #[test]
    fn the_vi_collator_builds_from_compiled_data() {
        assert!(collator().is_some());
    }
}
