//! Every benchmark workload at the small size against every server this machine can run:
//! asserts only that no edit was lost and no server reported an error (no time assertions).

use e2e::bench::servers::Programs;
use e2e::bench::workloads::{self, Config, Size, Workload};
use std::path::PathBuf;

#[test]
fn every_workload_at_small_size_loses_no_edit_on_any_server() {
    // The samod peer is a binary of this crate; cargo builds it for integration tests.
    let mut programs = Programs::discover(None);
    programs.samod = Some(PathBuf::from(env!("CARGO_BIN_EXE_samod-server")));
    let work = tempfile::tempdir().expect("temp dir");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let (servers, skipped) = workloads::usable_servers(&programs, work.path()).await;
        if let Some(why) = skipped {
            eprintln!("ours skipped: {why}");
        }
        assert!(!servers.is_empty(), "no server to benchmark");
        let cfg = Config::new(
            Size::Small,
            programs.clone(),
            1,
            servers,
            work.path().to_owned(),
        );
        for w in Workload::ALL {
            let started = std::time::Instant::now();
            let tables = workloads::run(w, &cfg).await;
            eprintln!("{} took {:.1} s", w.name(), started.elapsed().as_secs_f64());
            for table in tables {
                let text = table.markdown();
                eprintln!("{text}");
                assert!(
                    table.clean(),
                    "{} lost edits or failed:\n{text}",
                    table.title
                );
            }
        }
    });
}
