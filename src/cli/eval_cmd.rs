use std::path::PathBuf;

use clap::Args;
use toulmin::eval::{self, run::predict, run::predict_typed, run::rule_infos};
use toulmin::export::write_atomic;

use super::{Failure, RuleArgs};

#[derive(Args)]
pub struct EvalArgs {
    /// Gold annotations: a JSONL file (microtext shape, or the Web Discourse / CDCP layout whose
    /// records name their `corpus`), a directory of brat .txt/.ann pairs, or a directory of AIF
    /// .json files each beside its .txt.
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

fn run_typed(
    args: &EvalArgs,
    grammar: &toulmin::grammar::Grammar,
    gold: Vec<eval::TypedDoc>,
) -> Result<i32, Failure> {
    if gold.is_empty() {
        return Err(super::fail(format!(
            "{}: no gold documents found",
            args.gold.display()
        )));
    }
    let maps = predict_typed(&gold, grammar, args.gold_units)?;
    let report = eval::evaluate_typed(&gold, &maps, &rule_infos(grammar));
    let baseline = args.baseline.then(|| eval::majority_baseline(&gold));
    let text = if args.json {
        let value = serde_json::json!({
            "gold": args.gold.display().to_string(),
            "gold_units": args.gold_units,
            "toulmin": report,
            "baseline": baseline.as_ref().map(|(class, f1)| serde_json::json!({
                "majority_class": class,
                "macro_f1": f1,
            })),
        });
        let mut s = serde_json::to_string_pretty(&value)?;
        s.push('\n');
        s
    } else {
        eval::render_typed_table(&report, baseline.as_ref())
    };
    emit(args, &text)
}

fn emit(args: &EvalArgs, text: &str) -> Result<i32, Failure> {
    match &args.output {
        Some(path) => write_atomic(path, text.as_bytes())
            .map_err(|e| super::fail(format!("cannot write {}: {e}", path.display())))?,
        None => super::print_out(text)?,
    }
    Ok(0)
}

/// The report must not replace what it was computed from: the gold file, a file of a gold
/// directory, or a rule file.
fn check_output(args: &EvalArgs) -> Result<(), Failure> {
    let Some(out) = &args.output else {
        return Ok(());
    };
    // A new file in a gold directory is read as gold by the next run: refused too.
    let out_dir = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => std::path::Path::new("."),
    };
    let inside_gold_dir = args.gold.is_dir()
        && match (out_dir.canonicalize(), args.gold.canonicalize()) {
            (Ok(o), Ok(g)) => o.starts_with(g),
            _ => false,
        };
    let names_an_input = std::iter::once(&args.gold)
        .chain(&args.rules.rules)
        .any(|p| super::same_file(p, out));
    if names_an_input || inside_gold_dir {
        return Err(super::fail(format!(
            "{}: the report would overwrite an input (the gold or a rule file); choose another -o",
            out.display()
        )));
    }
    Ok(())
}

pub fn run(args: EvalArgs) -> Result<i32, Failure> {
    check_output(&args)?;
    let grammar = args.rules.load()?;
    let (gold, warnings) = eval::read_gold(&args.gold)?;
    warnings.iter().for_each(|w| say!("warning: {w}"));
    let gold = match gold {
        eval::Gold::Typed(docs) => return run_typed(&args, &grammar, docs),
        eval::Gold::Structure(docs) => docs,
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
    emit(&args, &text)
}
