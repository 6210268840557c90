//! `server admin org import|export` and `server admin roster import|export`.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::NaiveDate;
use clap::Subcommand;

use crate::db::DbConnection;
use crate::org::import::{export_tree, import_tree};
use crate::org::roster::{export_roster, import_roster};
use crate::org::table::{Format, read_table};

/// `server admin org ...`
#[derive(Debug, Subcommand)]
pub enum OrgCommand {
    /// Import the tree from CSV or XLSX (`code,name,kind,parent_code`); changes take effect
    /// from `--as-of` (default today). Validates the whole file first.
    Import {
        /// The file (`.csv` or `.xlsx`).
        file: PathBuf,
        /// Print what would change (created/renamed/moved/unchanged) and change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Effective date, `YYYY-MM-DD` or `dd/MM/yyyy`.
        #[arg(long, value_name = "DATE", value_parser = parse_date_arg)]
        as_of: Option<NaiveDate>,
    },
    /// Export the tree in force on `--as-of` (default today).
    Export {
        /// Output format.
        #[arg(long, value_enum, default_value = "csv")]
        format: Format,
        /// Date of the tree.
        #[arg(long, value_name = "DATE", value_parser = parse_date_arg)]
        as_of: Option<NaiveDate>,
        /// Write here instead of stdout.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

/// `server admin roster ...`
#[derive(Debug, Subcommand)]
pub enum RosterCommand {
    /// Import members (`member_code`, `full_name` or `ho,ten_dem,ten`, `status`, `unit_code`).
    Import {
        /// The file (`.csv` or `.xlsx`).
        file: PathBuf,
        /// Print what would change and change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Membership start for new members and transfers.
        #[arg(long, value_name = "DATE", value_parser = parse_date_arg)]
        as_of: Option<NaiveDate>,
    },
    /// Export the members of a cell, sorted by given name.
    Export {
        /// Unit code.
        #[arg(long)]
        unit: String,
        /// Output format.
        #[arg(long, value_enum, default_value = "csv")]
        format: Format,
        /// Date of the roster.
        #[arg(long, value_name = "DATE", value_parser = parse_date_arg)]
        as_of: Option<NaiveDate>,
        /// Write here instead of stdout.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

/// Parses `YYYY-MM-DD` or `dd/MM/yyyy`.
pub fn parse_date_arg(s: &str) -> Result<NaiveDate, String> {
    let s = s.trim();
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s, "%d/%m/%Y"))
        .map_err(|_| format!("`{s}` is not a date (use YYYY-MM-DD or dd/MM/yyyy)"))
}

fn today() -> NaiveDate {
    chrono::Utc::now().date_naive()
}

fn write_out(out: Option<&Path>, bytes: &[u8]) -> anyhow::Result<()> {
    match out {
        Some(path) => std::fs::write(path, bytes)
            .with_context(|| format!("could not write `{}`", path.display())),
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(bytes)?;
            Ok(stdout.flush()?)
        }
    }
}

/// Runs `server admin org ...`.
pub fn run_org(conn: &mut DbConnection, command: OrgCommand) -> anyhow::Result<()> {
    match command {
        OrgCommand::Import {
            file,
            dry_run,
            as_of,
        } => {
            let table = read_table(&file)
                .with_context(|| format!("could not import `{}`", file.display()))?;
            let plan = import_tree(conn, &table, as_of.unwrap_or_else(today), dry_run)?;
            println!("{plan}");
            if dry_run {
                println!("dry run: nothing was changed");
            }
        }
        OrgCommand::Export { format, as_of, out } => {
            let bytes = export_tree(conn, as_of.unwrap_or_else(today), format)?;
            write_out(out.as_deref(), &bytes)?;
        }
    }
    Ok(())
}

/// Runs `server admin roster ...`.
pub fn run_roster(conn: &mut DbConnection, command: RosterCommand) -> anyhow::Result<()> {
    match command {
        RosterCommand::Import {
            file,
            dry_run,
            as_of,
        } => {
            let table = read_table(&file)
                .with_context(|| format!("could not import `{}`", file.display()))?;
            let plan = import_roster(conn, &table, as_of.unwrap_or_else(today), dry_run)?;
            println!("{plan}");
            if dry_run {
                println!("dry run: nothing was changed");
            }
        }
        RosterCommand::Export {
            unit,
            format,
            as_of,
            out,
        } => {
            let bytes = export_roster(conn, &unit, as_of.unwrap_or_else(today), format)?;
            write_out(out.as_deref(), &bytes)?;
        }
    }
    Ok(())
}
