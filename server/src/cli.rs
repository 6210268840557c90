//! Command line: `serve`, `migrate`, `admin device|org|roster|user ...`, `rubric ...`, `score`,
//! `default-config`.
//!
//! Every command reads the same layered [`Settings`]; `--config` is accepted everywhere.

mod admin;
mod org;
mod ratings;
mod rubric;
mod user;

pub use rubric::BadInput;

use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};

use crate::settings::{EXAMPLE_TOML, Settings};
use crate::startup::Application;

/// Sync server for party-cell meeting minutes.
#[derive(Debug, Parser)]
#[command(name = "server", version, about)]
pub struct Cli {
    /// TOML configuration file (settings from the environment override it).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve HTTP(S): sync, health, readiness and metrics.
    Serve(ServeArgs),
    /// Apply pending database migrations and exit.
    Migrate,
    /// Administration: devices, organisation tree, rosters, users.
    #[command(subcommand)]
    Admin(ratings::AdminCommands),
    /// Print an example configuration file with every default.
    DefaultConfig,
    /// Rubrics: list the embedded presets or show one.
    #[command(subcommand)]
    Rubric(rubric::RubricCommand),
    /// Score a meeting record (JSON in the documented schema) against a rubric.
    Score(rubric::ScoreArgs),
}

/// Flags of `serve`; each overrides the file and environment.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on, e.g. `127.0.0.1:8080`.
    #[arg(long, value_name = "ADDR")]
    pub bind: Option<String>,
    /// PEM certificate chain (serve HTTPS/WSS).
    #[arg(long, value_name = "PEM", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key.
    #[arg(long, value_name = "PEM", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Allow plain HTTP on a non-loopback address (behind a TLS-terminating proxy only).
    #[arg(long)]
    pub allow_insecure_public: bool,
    /// Seed the demo province (idempotent) and print a token of the demo device.
    #[arg(long)]
    pub demo: bool,
}

impl ServeArgs {
    /// Applies the flags on top of `settings`.
    pub fn apply(self, settings: &mut Settings) {
        if let Some(bind) = self.bind {
            settings.server.bind = bind;
        }
        if self.tls_cert.is_some() {
            settings.server.tls_cert = self.tls_cert;
            settings.server.tls_key = self.tls_key;
        }
        if self.allow_insecure_public {
            settings.server.allow_insecure_public = true;
        }
    }
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::DefaultConfig => {
            print!("{EXAMPLE_TOML}");
            Ok(())
        }
        Command::Serve(args) => {
            let mut settings = load(cli.config.as_deref())?;
            let demo = args.demo;
            args.apply(&mut settings);
            crate::telemetry::init_subscriber(
                &settings.telemetry.filter,
                settings.telemetry.format,
                std::io::stdout,
            )?;
            if demo {
                seed_demo(&settings)?;
            }
            actix_web::rt::System::new().block_on(async move {
                Application::build(settings)
                    .await?
                    .run_until_stopped()
                    .await?;
                Ok(())
            })
        }
        Command::Migrate => {
            let settings = load(cli.config.as_deref())?;
            init_stderr_logging(&settings)?;
            admin::open(&settings)?;
            println!("migrations are up to date");
            Ok(())
        }
        Command::Rubric(command) => rubric::run_rubric(command),
        Command::Score(args) => rubric::run_score(args),
        Command::Admin(command) => {
            let settings = load(cli.config.as_deref())?;
            init_stderr_logging(&settings)?;
            ratings::run_admin(&settings, command)
        }
    }
}

fn seed_demo(settings: &Settings) -> anyhow::Result<()> {
    let pool = admin::open(settings)?;
    let mut conn = pool.get().context("could not get a database connection")?;
    let summary = crate::demo::seed(&mut conn)?;
    let bind = &settings.server.bind;
    println!(
        "demo: {} meeting documents ({} written now); demo device `{}` token: {}",
        summary.documents_total,
        summary.documents_written,
        crate::demo::DEMO_DEVICE_ID,
        summary.token.expose()
    );
    println!(
        "demo: sync at ws://{bind}/sync?token={}",
        summary.token.expose()
    );
    for user in crate::demo::DEMO_USERS {
        println!(
            "demo: login {} / {} ({})",
            user.username, user.password, user.role
        );
    }
    Ok(())
}

fn load(file: Option<&std::path::Path>) -> anyhow::Result<Settings> {
    Settings::load(file).context("could not load the configuration")
}

/// One-shot commands print results on stdout, so their logs go to stderr.
fn init_stderr_logging(settings: &Settings) -> anyhow::Result<()> {
    crate::telemetry::init_subscriber("warn", settings.telemetry.format, std::io::stderr)?;
    Ok(())
}
