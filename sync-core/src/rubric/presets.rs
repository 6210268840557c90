//! Presets embedded from `sync-core/rubrics/*.toml` (domain.md §3.2, §8(b)). Each file's comments
//! say which numbers are sourced and which are the proposed split. `build.rs` converts them to
//! JSON at build time, so no TOML parser runs (or ships in the browser's wasm) to read them.

use super::Rubric;
use std::sync::LazyLock;

/// The embedded rubric files (as JSON), in listing order.
const FILES: [&str; 3] = [
    include_str!(concat!(env!("OUT_DIR"), "/phu-tho-2019.json")),
    include_str!(concat!(env!("OUT_DIR"), "/binh-thuan.json")),
    include_str!(concat!(env!("OUT_DIR"), "/nghe-an-08-2021.json")),
];

static PRESETS: LazyLock<Vec<Rubric>> = LazyLock::new(|| {
    FILES
        .iter()
        .map(|text| Rubric::from_json(text))
        .collect::<Result<Vec<_>, _>>()
        // unwrap: the files are compiled in and parsed by the test
        // `every_preset_parses_and_is_listed`; a broken preset must fail loudly, not vanish.
        .expect("embedded rubric presets are valid")
});

/// The embedded presets: `phu-tho-2019`, `binh-thuan`, `nghe-an-08-2021`.
pub fn presets() -> &'static [Rubric] {
    &PRESETS
}

/// The embedded preset with this id.
pub fn preset(id: &str) -> Option<Rubric> {
    presets().iter().find(|r| r.id() == id).cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_json_presets_equal_their_toml_sources() {
        let sources = [
            include_str!("../../rubrics/phu-tho-2019.toml"),
            include_str!("../../rubrics/binh-thuan.toml"),
            include_str!("../../rubrics/nghe-an-08-2021.toml"),
        ];
        for (source, preset) in sources.iter().zip(presets()) {
            let from_toml = Rubric::from_toml(source).expect("the TOML source parses");
            assert_eq!(&from_toml, preset, "{}", preset.id());
        }
    }
}
