//! `server rubric list|show` and `server score`: the rubric engine of sync-core on the command
//! line, so a committee can check a rubric or a record without a running server.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand, ValueEnum};
use serde::Serialize;
use sync_core::record::MeetingRecord;
use sync_core::rubric::{self, Rubric, Score};
use sync_core::validate::{self, Problem};

/// A file the user gave us is unusable; `main` exits with status 2 for it.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct BadInput(pub String);

/// `server rubric ...`
#[derive(Debug, Subcommand)]
pub enum RubricCommand {
    /// List the embedded rubric presets.
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Show one rubric: groups, criteria, weights, thresholds, gates and caps.
    Show {
        /// Preset id (e.g. `phu-tho-2019`), or a path to a rubric TOML/JSON file.
        id: String,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
}

/// Which score sheet of the record to score.
#[derive(Debug, Clone, Copy, ValueEnum, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Sheet {
    /// The cell's own score (chi bộ tự chấm).
    #[value(name = "self")]
    SelfScore,
    /// The superior committee's score.
    Superior,
}

/// `server score --rubric ID FILE`
#[derive(Debug, Args)]
pub struct ScoreArgs {
    /// Preset id or rubric file; by default the preset that applies to the record's meeting type
    /// and date.
    #[arg(long, value_name = "ID")]
    pub rubric: Option<String>,
    /// Score sheet to use.
    #[arg(long, value_enum, default_value = "self")]
    pub sheet: Sheet,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// Meeting record as JSON (the schema of `sync-core/SCHEMA.md`).
    pub file: PathBuf,
}

/// Runs `server rubric ...`.
pub fn run_rubric(command: RubricCommand) -> anyhow::Result<()> {
    match command {
        RubricCommand::List { json } => {
            let rows: Vec<RubricRow> = rubric::presets().iter().map(RubricRow::from).collect();
            if json {
                println!("{}", serde_json::to_string_pretty(&rows)?);
            } else {
                for r in rows {
                    let to = r.effective_to.as_deref().unwrap_or("…");
                    println!(
                        "{:<18} v{}  {} → {}  {}",
                        r.id, r.version, r.effective_from, to, r.title
                    );
                }
            }
        }
        RubricCommand::Show { id, json } => {
            let rubric = find_rubric(&id)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&rubric)?);
            } else {
                print!("{}", toml::to_string_pretty(&rubric)?);
            }
        }
    }
    Ok(())
}

/// Runs `server score ...`.
pub fn run_score(args: ScoreArgs) -> anyhow::Result<()> {
    let mut record = read_record(&args.file)?;
    record.normalize_text();
    let rubric = match &args.rubric {
        Some(id) => find_rubric(id)?,
        None => select_for(&record)?,
    };
    let sheet = match args.sheet {
        Sheet::SelfScore => &record.self_score,
        Sheet::Superior => &record.superior_score,
    };
    let report = ScoreReport {
        sheet: args.sheet,
        validation: validate::validate(&record),
        score: rubric::score(&rubric, &record, sheet),
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_report(&report);
    }
    Ok(())
}

/// What `score --json` prints.
#[derive(Debug, Serialize)]
struct ScoreReport {
    sheet: Sheet,
    score: Score,
    validation: Vec<Problem>,
}

/// One line of `rubric list`.
#[derive(Debug, Serialize)]
struct RubricRow {
    id: String,
    version: u32,
    key: String,
    title: String,
    effective_from: String,
    effective_to: Option<String>,
    max: f64,
}

impl From<&Rubric> for RubricRow {
    fn from(r: &Rubric) -> Self {
        let spec = r.spec();
        RubricRow {
            id: r.id().to_owned(),
            version: r.version(),
            key: r.key(),
            title: spec.title.clone(),
            effective_from: spec.effective_from.clone(),
            effective_to: spec.effective_to.clone(),
            max: r.max(),
        }
    }
}

/// A preset id, or else a rubric file (TOML, or JSON by extension).
fn find_rubric(id: &str) -> anyhow::Result<Rubric> {
    if let Some(preset) = rubric::preset(id) {
        return Ok(preset);
    }
    let path = Path::new(id);
    if !path.exists() {
        let known: Vec<&str> = rubric::presets().iter().map(Rubric::id).collect();
        return Err(BadInput(format!(
            "no rubric `{id}`: not a preset ({}) and not a file",
            known.join(", ")
        ))
        .into());
    }
    let text = std::fs::read_to_string(path)
        .map_err(|e| BadInput(format!("cannot read `{}`: {e}", path.display())))?;
    let parsed = if path.extension().is_some_and(|e| e == "json") {
        Rubric::from_json(&text)
    } else {
        Rubric::from_toml(&text)
    };
    parsed.map_err(|e| BadInput(format!("`{}` is not a valid rubric: {e}", path.display())).into())
}

fn select_for(record: &MeetingRecord) -> anyhow::Result<Rubric> {
    let date = record
        .held_on()
        .map(str::to_owned)
        .or_else(|| (!record.scheduled_date.is_empty()).then(|| record.scheduled_date.clone()))
        .unwrap_or_else(|| format!("{}-03", record.period));
    rubric::select(rubric::presets(), record.meeting_type, &date)
        .cloned()
        .ok_or_else(|| {
            BadInput(format!(
                "no preset applies to a `{}` meeting on {date}; pass --rubric",
                record.meeting_type.code()
            ))
            .into()
        })
}

/// Reads a record, naming the offending field on a type error.
fn read_record(path: &Path) -> anyhow::Result<MeetingRecord> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| BadInput(format!("cannot read `{}`: {e}", path.display())))?;
    let de = &mut serde_json::Deserializer::from_str(&text);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let field = e.path().to_string();
        BadInput(format!(
            "`{}` is not a meeting record: field `{field}`: {}",
            path.display(),
            e.inner()
        ))
        .into()
    })
}

fn print_report(report: &ScoreReport) {
    let s = &report.score;
    println!(
        "{}: {} / {} ({:.1}%) → {}",
        s.rubric,
        s.total,
        s.applicable_max,
        s.percent,
        s.level.label()
    );
    for c in &s.criteria {
        println!(
            "  {:<28} {:>5} / {:<5} {}",
            c.id,
            c.points,
            c.max,
            c.reasons.join("; ")
        );
    }
    for g in &s.gates_failed {
        println!("  gate: {g:?}");
    }
    for c in &s.caps_applied {
        println!("  cap: {c:?}");
    }
    for p in &s.problems {
        println!("  problem: {p:?}");
    }
    for p in &report.validation {
        println!("  validation: {}: {}", p.path, p.message);
    }
}
