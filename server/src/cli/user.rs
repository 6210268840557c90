//! `server admin user create|grant|revoke-role|list`.

use std::io::BufRead;

use clap::Subcommand;

use crate::accounts::credentials::revoke_devices_of_user;
use crate::accounts::roles::{grant_role, revoke_role, roles_of_user};
use crate::accounts::users::{create_user, list_users, user_by_username};
use crate::db::DbConnection;
use crate::org::access::Role;

/// `server admin user ...`
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user. Without `--password-stdin` a random password is generated and printed once.
    Create {
        /// Login name.
        #[arg(long)]
        username: String,
        /// Name shown.
        #[arg(long)]
        display_name: String,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Grant a role on a unit.
    Grant {
        /// Login name.
        #[arg(long)]
        username: String,
        /// cell_secretary, cell_deputy, committee_member or administrator.
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// Unit code.
        #[arg(long)]
        unit: String,
    },
    /// Revoke a role on a unit; live connections of the user are re-checked within a second.
    RevokeRole {
        /// Login name.
        #[arg(long)]
        username: String,
        /// The role.
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// Unit code.
        #[arg(long)]
        unit: String,
    },
    /// Revoke every device enrolled by the user (e.g. a lost phone, a departure).
    RevokeDevices {
        /// Login name.
        #[arg(long)]
        username: String,
    },
    /// List users with their roles.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

fn parse_role(s: &str) -> Result<Role, String> {
    Role::parse(s).ok_or_else(|| {
        format!(
            "unknown role `{s}` (use {})",
            Role::ALL.map(Role::as_str).join(", ")
        )
    })
}

/// Runs `server admin user ...`.
pub fn run_user(conn: &mut DbConnection, command: UserCommand) -> anyhow::Result<()> {
    match command {
        UserCommand::Create {
            username,
            display_name,
            password_stdin,
        } => {
            let (password, generated) = if password_stdin {
                let mut line = String::new();
                std::io::stdin().lock().read_line(&mut line)?;
                (line.trim_end_matches(['\r', '\n']).to_owned(), false)
            } else {
                (
                    crate::auth::DeviceToken::generate().expose()[..20].to_owned(),
                    true,
                )
            };
            let user = create_user(conn, &username, &display_name, &password)?;
            println!("created user {} ({})", user.username, user.id);
            if generated {
                println!("password: {password}");
                println!("The password is shown only now.");
            }
        }
        UserCommand::Grant {
            username,
            role,
            unit,
        } => {
            let added = grant_role(conn, &username, role, &unit)?;
            let note = if added { "granted" } else { "already held" };
            println!("{note}: {username} {role} on {unit}");
        }
        UserCommand::RevokeRole {
            username,
            role,
            unit,
        } => {
            let (_, revoked) = revoke_role(conn, &username, role, &unit)?;
            anyhow::ensure!(revoked, "{username} does not hold {role} on {unit}");
            println!("revoked: {username} {role} on {unit}");
        }
        UserCommand::RevokeDevices { username } => {
            let user = user_by_username(conn, &username)?
                .ok_or_else(|| anyhow::anyhow!("no user `{username}`"))?;
            let ids = revoke_devices_of_user(conn, &user.id)?;
            println!("revoked {} device(s) of {username}", ids.len());
        }
        UserCommand::List { json } => {
            let users = list_users(conn)?;
            let mut rows = Vec::new();
            for user in users {
                let roles = roles_of_user(conn, &user.id)?;
                rows.push((user, roles));
            }
            if json {
                let out: Vec<_> = rows
                    .iter()
                    .map(|(u, r)| serde_json::json!({"user": u, "roles": r}))
                    .collect();
                println!("{}", serde_json::to_string(&out)?);
            } else {
                for (user, roles) in rows {
                    let roles: Vec<String> = roles
                        .iter()
                        .map(|r| format!("{}@{}", r.role, r.unit_code))
                        .collect();
                    println!(
                        "{:<20} {:<30} {}",
                        user.username,
                        user.display_name,
                        roles.join(" ")
                    );
                }
            }
        }
    }
    Ok(())
}
