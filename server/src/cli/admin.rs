//! `server admin device create|list|revoke`.

use anyhow::Context;
use clap::Subcommand;
use secrecy::ExposeSecret;

use crate::auth::register_device;
use crate::db::{DatabaseUrl, DbPool, PoolOptions};
use crate::settings::Settings;
use crate::startup::open_database_blocking;
use crate::store::devices::{list_devices, revoke_device};

/// Administration commands.
#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Manage devices.
    #[command(subcommand)]
    Device(DeviceCommand),
    /// The organisation tree: import and export.
    #[command(subcommand)]
    Org(super::org::OrgCommand),
    /// Rosters: import and export members of cells.
    #[command(subcommand)]
    Roster(super::org::RosterCommand),
    /// Users and their roles.
    #[command(subcommand)]
    User(super::user::UserCommand),
}

/// Device administration.
#[derive(Debug, Subcommand)]
pub enum DeviceCommand {
    /// Register a device; prints its id and token (the token is shown only this once).
    Create {
        /// Human-readable name, e.g. the cell.
        #[arg(long)]
        name: String,
        /// Print `{"device_id", "name", "token"}` as JSON.
        #[arg(long)]
        json: bool,
    },
    /// List devices.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Revoke a device: its token stops working at once.
    Revoke {
        /// Device id.
        id: String,
    },
}

/// Opens (and migrates) the configured database from blocking code.
pub fn open(settings: &Settings) -> anyhow::Result<DbPool> {
    let url = DatabaseUrl::parse(settings.database.url.expose_secret())?;
    let options = PoolOptions {
        max_size: 1,
        connection_timeout: settings.database.connection_timeout(),
    };
    open_database_blocking(&url, options)
}

/// Runs an admin command against the configured database.
pub fn run(settings: &Settings, command: AdminCommand) -> anyhow::Result<()> {
    let pool = open(settings)?;
    let mut conn = pool.get().context("could not get a database connection")?;
    let command = match command {
        AdminCommand::Device(command) => command,
        AdminCommand::Org(command) => return super::org::run_org(&mut conn, command),
        AdminCommand::Roster(command) => return super::org::run_roster(&mut conn, command),
        AdminCommand::User(command) => return super::user::run_user(&mut conn, command),
    };
    match command {
        DeviceCommand::Create { name, json } => {
            anyhow::ensure!(!name.trim().is_empty(), "the device name must not be empty");
            let (device, token) = register_device(&mut conn, &name)?;
            if json {
                let out = serde_json::json!({
                    "device_id": device.id,
                    "name": device.name,
                    "token": token.expose(),
                });
                println!("{out}");
            } else {
                println!("device id: {}", device.id);
                println!("name:      {}", device.name);
                println!("token:     {}", token.expose());
                println!("The token is shown only now; the server keeps only its hash.");
            }
        }
        DeviceCommand::List { json } => {
            let devices = list_devices(&mut conn)?;
            if json {
                println!("{}", serde_json::to_string(&devices)?);
            } else {
                for d in devices {
                    let state = if d.is_active() { "active" } else { "revoked" };
                    println!("{}  {:<8} {}  {}", d.id, state, d.created_at, d.name);
                }
            }
        }
        DeviceCommand::Revoke { id } => {
            anyhow::ensure!(revoke_device(&mut conn, &id)?, "no device with id `{id}`");
            println!("revoked {id}");
        }
    }
    Ok(())
}
