//! The benchmark's scratch database: a fresh PostgreSQL database or a temporary SQLite file,
//! removed afterwards.

use anyhow::Context;
use diesel::prelude::*;
use diesel::{Connection, PgConnection};

/// What to remove when the benchmark ends.
pub(crate) enum Cleanup {
    File(std::path::PathBuf),
    PgDatabase { base: String, name: String },
}

impl Cleanup {
    pub(crate) fn run(self) {
        match self {
            Cleanup::File(path) => {
                let _ = std::fs::remove_file(&path);
                let _ = std::fs::remove_file(path.with_extension("db-wal"));
                let _ = std::fs::remove_file(path.with_extension("db-shm"));
            }
            Cleanup::PgDatabase { base, name } => {
                if let Ok(mut admin) = PgConnection::establish(&base) {
                    let _ =
                        diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                            .execute(&mut admin);
                }
            }
        }
    }
}

pub(crate) fn fresh_pg(base: &str) -> anyhow::Result<(String, Cleanup)> {
    let name = format!("ratings_bench_{}", std::process::id());
    let mut admin = PgConnection::establish(base).context("connect to PostgreSQL")?;
    diesel::sql_query(format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .context("create the bench database")?;
    let (prefix, _) = base
        .rsplit_once('/')
        .context("a database name in the URL")?;
    Ok((
        format!("{prefix}/{name}"),
        Cleanup::PgDatabase {
            base: base.to_owned(),
            name,
        },
    ))
}
