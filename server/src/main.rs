//! `server` binary: parse the command line and run it.

use std::process::ExitCode;

use clap::Parser;

/// jemalloc: documents are loaded and evicted all day, and glibc's malloc let the process keep
/// far more than the live heap (see the note in `Cargo.toml`).
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> ExitCode {
    match server::cli::run(server::cli::Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // `{:#}` prints the context chain on one line, without a backtrace.
            eprintln!("error: {e:#}");
            // Bad input files exit with 2, everything else with 1.
            if e.downcast_ref::<server::cli::BadInput>().is_some() {
                ExitCode::from(2)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}
