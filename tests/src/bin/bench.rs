//! `bench <w1|w2|w3|w4|w6|w7|all> [--size small|full|spec] [--reps N] [--pg [URL]] [--servers a,b]`
//!
//! Runs benchmark workloads against the project's server, samod 0.16 and automerge-repo 2.5.6
//! and prints one Markdown table per workload. Exits non-zero when any server lost an edit or
//! reported an error. Server names for `--servers`: ours, batched, pg, samod, js.

use e2e::bench::servers::{Programs, ServerKind, pin_self_to_core_1};
use e2e::bench::workloads::{self, Config, Size, Workload};

const USAGE: &str = "usage: bench <w1|w2|w3|w4|w6|w7|all> [--size small|full|spec] [--reps N] [--pg [URL]] [--servers ours,batched,pg,samod,js]";
const DEFAULT_PG: &str = "postgres://postgres@127.0.0.1:5432/test";

fn main() -> anyhow::Result<()> {
    // Before any thread starts, so every runtime thread inherits core 1.
    pin_self_to_core_1();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut workloads = Vec::new();
    let (mut size, mut reps, mut pg, mut only) = (Size::Small, 1, None, None::<Vec<String>>);
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        match a {
            "--size" => {
                i += 1;
                size = match args.get(i).map(String::as_str) {
                    Some("small") => Size::Small,
                    Some("full") => Size::Full,
                    Some("spec") => Size::Spec,
                    _ => anyhow::bail!("{USAGE}"),
                };
            }
            "--reps" => {
                i += 1;
                reps = args
                    .get(i)
                    .and_then(|r| r.parse().ok())
                    .ok_or_else(|| anyhow::anyhow!("{USAGE}"))?;
            }
            "--pg" => match args.get(i + 1).filter(|u| u.starts_with("postgres")) {
                Some(url) => {
                    pg = Some(url.clone());
                    i += 1;
                }
                None => pg = Some(DEFAULT_PG.to_owned()),
            },
            "--servers" => {
                i += 1;
                only = args
                    .get(i)
                    .map(|s| s.split(',').map(str::to_owned).collect());
            }
            "all" => workloads.extend(Workload::ALL),
            w => workloads.push(Workload::parse(w).ok_or_else(|| anyhow::anyhow!("{USAGE}"))?),
        }
        i += 1;
    }
    if workloads.is_empty() {
        anyhow::bail!("{USAGE}");
    }
    let programs = Programs::discover(pg);
    let work = tempfile::tempdir()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?;
    let clean = runtime.block_on(async {
        let (mut servers, skipped) = workloads::usable_servers(&programs, work.path()).await;
        if let Some(why) = skipped {
            println!("> ours skipped: {why}\n");
        }
        if let Some(only) = only {
            servers.retain(|k| {
                let name = match k {
                    ServerKind::OursSqlite => "ours",
                    ServerKind::OursSqliteBatched => "batched",
                    ServerKind::OursPostgres => "pg",
                    ServerKind::Samod => "samod",
                    ServerKind::Js => "js",
                };
                only.iter().any(|o| o == name)
            });
        }
        println!(
            "> servers: {}; size {:?}; server on core 0, load generator on core 1: {}\n",
            servers
                .iter()
                .map(|k| k.label())
                .collect::<Vec<_>>()
                .join(", "),
            size,
            e2e::bench::servers::can_pin()
        );
        let cfg = Config::new(
            size,
            programs.clone(),
            reps,
            servers.clone(),
            work.path().to_owned(),
        );
        let mut clean = true;
        for w in workloads {
            let started = std::time::Instant::now();
            for table in workloads::run(w, &cfg).await {
                println!("{}", table.markdown());
                clean &= table.clean();
            }
            println!(
                "_{} took {:.1} s in total (incl. seeding and checks)._\n",
                w.name(),
                started.elapsed().as_secs_f64()
            );
        }
        clean
    });
    if !clean {
        // The servers' logs say why (a dropped connection, say): kept for whoever reads this.
        let kept = work.keep();
        eprintln!(
            "FAILED: a server lost an edit or reported an error (see the tables); the servers' \
             data and logs are kept in {}",
            kept.display()
        );
        std::process::exit(1);
    }
    Ok(())
}
