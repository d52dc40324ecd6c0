use std::path::PathBuf;

use clap::Args;
use toulmin::eval::{self, run::predict, run::rule_infos};
use toulmin::export::write_atomic;

use super::{Failure, RuleArgs};

#[derive(Args)]
pub struct EvalArgs {
    /// Gold annotations: a JSONL file (microtext shape), a directory of brat .txt/.ann pairs, or a
    /// directory of AIF .json files each beside its .txt.
    #[arg(long, value_name = "PATH")]
    gold: PathBuf,
    #[command(flatten)]
    rules: RuleArgs,
    /// Use the gold segmentation as units (split rules skipped): scores classification and
    /// linking alone, the setting published results use.
    #[arg(long)]
    gold_units: bool,
    /// Also score the trivial baseline (first unit central claim, all others support it).
    #[arg(long)]
    baseline: bool,
    /// Print everything as JSON instead of the table.
    #[arg(long)]
    json: bool,
    /// Write the report here (atomically) instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

pub fn run(args: EvalArgs) -> Result<i32, Failure> {
    let grammar = args.rules.load()?;
    let gold = if args.gold.is_dir() && eval::aif::is_aif_dir(&args.gold) {
        let (docs, warnings) = eval::aif::read_aif_dir(&args.gold)?;
        warnings.iter().for_each(|w| eprintln!("warning: {w}"));
        docs
    } else if args.gold.is_dir() {
        eval::read_brat_dir(&args.gold)?
    } else {
        eval::read_jsonl(&args.gold)?
    };
    if gold.is_empty() {
        return Err(super::fail(format!(
            "{}: no gold documents found",
            args.gold.display()
        )));
    }
    let maps = predict(&gold, &grammar, args.gold_units)?;
    let infos = rule_infos(&grammar);
    let report = eval::evaluate(&gold, &maps, &infos);
    let baseline = args.baseline.then(|| {
        let maps: Vec<_> = gold.iter().map(eval::baseline_map).collect();
        eval::evaluate(&gold, &maps, &[])
    });
    let text = if args.json {
        let value = serde_json::json!({
            "gold": args.gold.display().to_string(),
            "gold_units": args.gold_units,
            "toulmin": report,
            "baseline": baseline,
        });
        let mut s = serde_json::to_string_pretty(&value)?;
        s.push('\n');
        s
    } else {
        eval::render_table(&report, baseline.as_ref())
    };
    match &args.output {
        Some(path) => write_atomic(path, text.as_bytes())
            .map_err(|e| super::fail(format!("cannot write {}: {e}", path.display())))?,
        None => print!("{text}"),
    }
    Ok(0)
}
