//! `server` binary: parse the command line and run it.

use clap::Parser;

fn main() -> anyhow::Result<()> {
    server::cli::run(server::cli::Cli::parse())
}
