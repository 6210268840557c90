//! `server admin rebuild-projections`, next to the other admin commands.

use anyhow::Context;
use chrono::Utc;
use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

use super::admin::{self, AdminCommand};
use crate::ratings::rebuild::rebuild;
use crate::ratings::{OrgAuthorship, ProjectContext, RatingsConfig};
use crate::settings::Settings;

/// Administration commands: the core ones and the ratings ones.
#[derive(Debug, Subcommand)]
pub enum AdminCommands {
    /// Devices and other core administration.
    #[command(flatten)]
    Core(AdminCommand),
    /// Recompute every ratings projection from the stored documents (progress and ETA on
    /// stderr, a summary on stdout).
    RebuildProjections(RebuildArgs),
}

/// Flags of `rebuild-projections`.
#[derive(Debug, Args)]
pub struct RebuildArgs {
    /// Days after a period's end a confirmed meeting locks by itself (default: the setting).
    #[arg(long)]
    pub auto_lock_days: Option<u32>,
}

/// Runs an admin command.
pub fn run_admin(settings: &Settings, command: AdminCommands) -> anyhow::Result<()> {
    match command {
        AdminCommands::Core(command) => admin::run(settings, command),
        AdminCommands::RebuildProjections(args) => rebuild_projections(settings, &args),
    }
}

fn rebuild_projections(settings: &Settings, args: &RebuildArgs) -> anyhow::Result<()> {
    let pool = admin::open(settings)?;
    let mut conn = pool.get().context("could not get a database connection")?;
    let mut config = RatingsConfig::from_env();
    if let Some(days) = args.auto_lock_days {
        config.auto_lock_days = days;
    }
    let ctx = ProjectContext {
        config: &config,
        // The same authorship rule as the live projection, so a rebuild gives the same rows.
        check: &OrgAuthorship,
        today: Utc::now().date_naive(),
    };
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template(
            "{msg} [{bar:40}] {pos}/{len} documents, {per_sec}, ETA {eta}",
        )
        .context("progress template")?
        .progress_chars("=> "),
    );
    bar.set_message("projecting");
    let report = rebuild(&mut conn, ctx, |done, total| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    })
    .context("rebuild failed")?;
    bar.finish_and_clear();
    println!(
        "rebuilt {} documents in {:.1?}: {} valid, {} with problems, {} not meetings, {} stale removed",
        report.documents,
        report.elapsed,
        report.valid,
        report.invalid,
        report.skipped,
        report.removed
    );
    Ok(())
}
