//! Converts the rubric presets (`rubrics/*.toml`, the files people edit) into JSON in `OUT_DIR`,
//! so the crate embeds JSON and parses it with serde_json at run time. The browser's wasm build
//! then carries no TOML parser (about 165 KB of code; see sync-core-wasm's README section).

use std::path::Path;

const PRESETS: [&str; 3] = ["phu-tho-2019", "binh-thuan", "nghe-an-08-2021"];

fn main() {
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    for name in PRESETS {
        let source = format!("rubrics/{name}.toml");
        println!("cargo::rerun-if-changed={source}");
        let text = std::fs::read_to_string(&source).expect("the preset file reads");
        // A syntax error fails the build here; the shape is checked by `Rubric::from_json`
        // (and by the test `every_preset_parses_and_is_listed`).
        let value: toml::Value = toml::from_str(&text).expect("the preset is valid TOML");
        let json = serde_json::to_string(&value).expect("TOML values serialise as JSON");
        std::fs::write(Path::new(&out).join(format!("{name}.json")), json)
            .expect("OUT_DIR is writable");
    }
}
