use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use clap::Args;
use toulmin::export::write_atomic;
use toulmin::tune::{self, GoldSet, Objective, Provenance, TuneOptions};

use super::{fail, Failure, RuleArgs};

#[derive(Args)]
pub struct TuneArgs {
    /// Gold annotations in any format `eval` reads: microtext or Web Discourse / CDCP JSON
    /// lines, a directory of brat .txt/.ann pairs, or a directory of AIF .json files each
    /// beside its .txt. Repeatable: one set of weights is fitted
    /// to the mean of every gold set's objective.
    #[arg(long, value_name = "PATH", required = true)]
    gold: Vec<PathBuf>,
    #[command(flatten)]
    rules: RuleArgs,
    /// What to fit: role rules + threshold + role biases (scored on cc, ro), link rules (fu,
    /// at), kind rules, or all of them (mean of every subtask).
    #[arg(long, value_name = "role|kind|link|all", default_value = "all")]
    objective: String,
    /// Folds of the cross-validation (by document).
    #[arg(long, value_name = "K", default_value_t = 5)]
    folds: usize,
    /// Seed of the fold shuffle.
    #[arg(long, value_name = "N", default_value_t = 1)]
    seed: u64,
    /// Fit and score on the gold segmentation (as `eval --gold-units`).
    #[arg(long)]
    gold_units: bool,
    /// Strength of the pull toward the hand-written weights (objective points per squared
    /// weight unit).
    #[arg(long, value_name = "X", default_value_t = 0.01)]
    pull: f64,
    /// Warn when the training objective exceeds the cross-validated one by more than this.
    #[arg(long, value_name = "X", default_value_t = 0.03)]
    margin: f64,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
    /// The weights file to write (a rule file of `weight` items).
    #[arg(short, long, value_name = "WEIGHTS")]
    output: PathBuf,
}

pub fn run(args: TuneArgs) -> Result<i32, Failure> {
    let objective = Objective::parse(&args.objective).ok_or_else(|| {
        fail(format!(
            "unknown objective `{}`; objectives are role, kind, link, all",
            args.objective
        ))
    })?;
    if !args.pull.is_finite() || args.pull < 0.0 {
        return Err(fail("--pull must be a number ≥ 0"));
    }
    let output_names_an_input = args
        .gold
        .iter()
        .chain(&args.rules.rules)
        .any(|p| super::same_file(p, &args.output));
    if output_names_an_input {
        return Err(fail(format!(
            "{}: the weights file would overwrite an input; choose another -o",
            args.output.display()
        )));
    }
    let grammar = args.rules.load()?;
    let mut golds = Vec::new();
    for path in &args.gold {
        // The reader's errors already name the file.
        let (set, warnings) = GoldSet::read(path)?;
        warnings.iter().for_each(|w| say!("warning: {w}"));
        let label = if args.gold.len() == 1 {
            String::new()
        } else {
            path.file_stem()
                .map_or("gold".into(), |s| s.to_string_lossy().into_owned())
        };
        golds.push((label, set));
    }
    let gold_names = args
        .gold
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(" + ");
    let opts = TuneOptions {
        objective,
        folds: args.folds,
        seed: args.seed,
        gold_units: args.gold_units,
        pull: args.pull,
        overfit_margin: args.margin,
        ..TuneOptions::default()
    };
    let report =
        tune::tune_sets(&golds, &grammar, &opts).map_err(|e| fail(format!("{gold_names}: {e}")))?;

    let rules: Vec<String> = args
        .rules
        .no_default_rules
        .then(|| "(no default rules)".to_string())
        .into_iter()
        .chain(args.rules.rules.iter().map(|p| p.display().to_string()))
        .collect();
    let command = std::env::args()
        .skip(1)
        .map(|a| {
            if a.contains(char::is_whitespace) {
                format!("{a:?}")
            } else {
                a
            }
        })
        .collect::<Vec<_>>()
        .join(" ");
    let text = tune::weights_file(
        &report,
        &Provenance {
            gold: &gold_names,
            rules: &rules,
            date: &today(),
            command: &format!("toulmin {command}"),
        },
    );
    write_atomic(&args.output, text.as_bytes())
        .map_err(|e| fail(format!("cannot write {}: {e}", args.output.display())))?;

    if args.json {
        let mut s = serde_json::to_string_pretty(&report)?;
        s.push('\n');
        super::print_out(&s)?;
    } else {
        let mut out = tune::render_table(&report);
        out.push_str(&format!(
            "\n{} of the written values changed; weights written to {}\n",
            report.changes.len(),
            args.output.display()
        ));
        for gold in &args.gold {
            let mut eval_cmd = format!("toulmin eval --gold {}", gold.display());
            if args.gold_units {
                eval_cmd.push_str(" --gold-units");
            }
            if args.rules.no_default_rules {
                eval_cmd.push_str(" --no-default-rules");
            }
            for r in &args.rules.rules {
                eval_cmd.push_str(&format!(" --rules {}", r.display()));
            }
            out.push_str(&format!(
                "check: {eval_cmd} --rules {} (reproduces the train column)\n",
                args.output.display()
            ));
        }
        super::print_out(&out)?;
    }
    for w in &report.warnings {
        say!("warning: {w}");
    }
    if let Some(w) = &report.overfitting {
        say!("warning: overfitting: {w}");
    }
    Ok(0)
}

/// Today's date (UTC), or the one `SOURCE_DATE_EPOCH` names, so a weights file can be
/// reproduced byte for byte.
fn today() -> String {
    let secs = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64)
        });
    civil_date(secs.div_euclid(86_400))
}

/// Days since 1970-01-01 → `YYYY-MM-DD` (Howard Hinnant's civil-from-days).
fn civil_date(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::civil_date;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(11_016), "2000-02-29");
        assert_eq!(civil_date(20_788), "2026-12-01");
    }
}
