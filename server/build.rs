//! Rebuilds the server when the field app's built assets change: `rust-embed` tracks the files it
//! embedded, but not files added to or removed from `app/dist/` (and the same for `dashboard/`).

fn main() {
    println!("cargo:rerun-if-changed=app/dist");
    println!("cargo:rerun-if-changed=dashboard");
}
