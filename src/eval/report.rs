//! The evaluation result as data (JSON via serde) and as a fixed-width text table.
//!
//! Everything in [`EvalReport`] is a struct or a `Vec` in a defined order — no hash maps — so
//! the JSON of two runs on the same input is byte-identical and can be diffed.

use serde::Serialize;

use super::diagnostics::Diagnostics;
use super::metrics::{Metrics, SegScore, TaskScore};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvalReport {
    pub documents: usize,
    pub gold_units: usize,
    /// Gold units that are implicit central claims written into the text (see the data README).
    pub implicit_units: usize,
    pub predicted_units: usize,
    pub metrics: Metrics,
    pub diagnostics: Diagnostics,
    /// Signs that gold and prediction may not belong together (count, ids, text length).
    pub warnings: Vec<String>,
}

/// Warnings beyond this are summarised in the table (all of them stay in the JSON).
const WARNINGS_SHOWN: usize = 10;

fn num(x: f64) -> String {
    format!("{x:.3}")
}

fn opt(x: Option<f64>) -> String {
    x.map_or_else(|| "-".to_string(), num)
}

/// Lays out rows with the first `left` columns left-aligned and the rest right-aligned.
fn grid(rows: &[Vec<String>], left: usize) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in rows {
        let mut line = String::from("  ");
        for (c, cell) in row.iter().enumerate() {
            if c > 0 {
                line.push_str("  ");
            }
            let pad = " ".repeat(widths[c] - cell.chars().count());
            if c < left {
                line.push_str(cell);
                line.push_str(&pad);
            } else {
                line.push_str(&pad);
                line.push_str(cell);
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn strings<const N: usize>(cells: [&str; N]) -> Vec<String> {
    cells.iter().map(|s| s.to_string()).collect()
}

fn summary_rows(report: &EvalReport) -> [(&'static str, f64); 6] {
    let m = &report.metrics;
    [
        ("seg exact F1", m.seg_exact.f1),
        ("seg overlap F1", m.seg_overlap.f1),
        ("cc macro F1", m.cc.macro_f1),
        ("ro macro F1", m.ro.macro_f1),
        ("fu macro F1", m.fu.macro_f1),
        ("at macro F1", m.at.macro_f1),
    ]
}

fn seg_row(name: &str, s: &SegScore) -> Vec<String> {
    vec![
        name.to_string(),
        s.gold.to_string(),
        s.predicted.to_string(),
        s.matched.to_string(),
        num(s.precision),
        num(s.recall),
        num(s.f1),
    ]
}

fn task_block(out: &mut String, title: &str, task: &TaskScore) {
    out.push_str(title);
    out.push('\n');
    let mut rows = vec![strings([
        "class", "gold", "pred", "correct", "P", "R", "F1",
    ])];
    for c in &task.classes {
        rows.push(vec![
            c.label.clone(),
            c.gold.to_string(),
            c.predicted.to_string(),
            c.correct.to_string(),
            num(c.precision),
            num(c.recall),
            num(c.f1),
        ]);
    }
    rows.push(vec![
        "macro F1".to_string(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        num(task.macro_f1),
    ]);
    out.push_str(&grid(&rows, 1));
    out.push('\n');
}

/// The human-readable report. With `baseline`, the summary gains the baseline's scores and the
/// difference, which is the number a rule change is judged by.
pub fn render_table(report: &EvalReport, baseline: Option<&EvalReport>) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "toulmin evaluation: {} documents, {} gold units ({} implicit), {} predicted units\n\n",
        report.documents, report.gold_units, report.implicit_units, report.predicted_units
    ));

    out.push_str("Summary\n");
    let mut rows = vec![match baseline {
        Some(_) => strings(["metric", "score", "baseline", "diff"]),
        None => strings(["metric", "score"]),
    }];
    let base = baseline.map(summary_rows);
    for (i, (name, score)) in summary_rows(report).into_iter().enumerate() {
        let mut row = vec![name.to_string(), num(score)];
        if let Some(base) = &base {
            row.push(num(base[i].1));
            row.push(format!("{:+.3}", score - base[i].1));
        }
        rows.push(row);
    }
    out.push_str(&grid(&rows, 1));
    out.push('\n');

    let m = &report.metrics;
    out.push_str("Segmentation (spans trimmed of whitespace; one-to-one)\n");
    out.push_str(&grid(
        &[
            strings(["match", "gold", "pred", "matched", "P", "R", "F1"]),
            seg_row("exact", &m.seg_exact),
            seg_row("overlap >= 50% of longer", &m.seg_overlap),
        ],
        1,
    ));
    out.push('\n');

    task_block(&mut out, "cc: central claim", &m.cc);
    task_block(&mut out, "ro: role (proponent / opponent)", &m.ro);
    task_block(&mut out, "fu: function", &m.fu);
    task_block(
        &mut out,
        "at: attachment (ordered pairs of gold units)",
        &m.at,
    );

    let c = &m.role_confusion;
    out.push_str("Role confusion (rows: gold; columns: role of the aligned predicted unit)\n");
    let mut rows = vec![std::iter::once("gold".to_string())
        .chain(c.columns.iter().cloned())
        .collect::<Vec<_>>()];
    for (name, counts) in c.rows.iter().zip(&c.counts) {
        rows.push(
            std::iter::once(name.clone())
                .chain(counts.iter().map(usize::to_string))
                .collect(),
        );
    }
    out.push_str(&grid(&rows, 1));
    out.push('\n');

    let d = &report.diagnostics;
    out.push_str("Rules (by times fired; precision over the firings judged)\n");
    if d.rules.is_empty() {
        out.push_str("  (no rules given)\n");
    } else {
        let mut rows = vec![strings([
            "rule",
            "decides",
            "location",
            "fired",
            "judged",
            "correct",
            "precision",
        ])];
        for r in &d.rules {
            rows.push(vec![
                r.name.clone(),
                r.decides.clone(),
                r.location.clone(),
                r.fired.to_string(),
                r.judged.to_string(),
                r.correct.to_string(),
                opt(r.precision),
            ]);
        }
        out.push_str(&grid(&rows, 3));
    }
    out.push('\n');
    let list = |names: &[String]| {
        if names.is_empty() {
            "none".to_string()
        } else {
            names.join(", ")
        }
    };
    out.push_str(&format!("Never fired: {}\n", list(&d.never_fired)));
    out.push_str(&format!(
        "Fired but not in the rule list: {}\n\n",
        list(&d.unlisted_rules)
    ));

    out.push_str("Worst documents (score = mean of the document's cc/ro/fu/at macro F1)\n");
    let mut rows = vec![strings([
        "document", "units", "cc", "ro", "fu", "at", "score",
    ])];
    for w in &d.worst_documents {
        rows.push(vec![
            w.id.clone(),
            w.units.to_string(),
            opt(w.cc),
            opt(w.ro),
            opt(w.fu),
            opt(w.at),
            num(w.score),
        ]);
    }
    out.push_str(&grid(&rows, 1));

    if !report.warnings.is_empty() {
        out.push_str("\nWarnings\n");
        for w in report.warnings.iter().take(WARNINGS_SHOWN) {
            out.push_str(&format!("  {w}\n"));
        }
        if report.warnings.len() > WARNINGS_SHOWN {
            out.push_str(&format!(
                "  ... and {} more (see the JSON report)\n",
                report.warnings.len() - WARNINGS_SHOWN
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::diagnostics::{RuleDecision, RuleInfo};
    use crate::eval::metrics::tests::{worked_gold, worked_prediction};
    use crate::eval::{baseline_map, evaluate};
    use crate::graph::model::Role;

    fn reports() -> (EvalReport, EvalReport) {
        let gold = vec![worked_gold()];
        let rules = vec![
            RuleInfo {
                name: "thesis-first".into(),
                decides: RuleDecision::Role(Role::Thesis),
                location: "rules/thesis.rule:3".into(),
            },
            RuleInfo {
                name: "never".into(),
                decides: RuleDecision::Segment,
                location: "rules/seg.rule:9".into(),
            },
        ];
        let system = evaluate(&gold, &[worked_prediction()], &rules);
        let base = evaluate(&gold, &[baseline_map(&gold[0])], &[]);
        (system, base)
    }

    #[test]
    fn table_has_every_section() {
        let (system, base) = reports();
        let table = render_table(&system, Some(&base));
        for needle in [
            "1 documents, 4 gold units (0 implicit), 4 predicted units",
            "metric          score  baseline    diff",
            "Role confusion",
            "rules/thesis.rule:3",
            "Never fired: never",
            "Fired but not in the rule list: bg-thanks, counter-some-say",
            "Worst documents",
        ] {
            assert!(table.contains(needle), "missing {needle:?} in\n{table}");
        }
        // cc 11/15 = .733 against the baseline's perfect 1.000 on this document.
        assert!(
            table.contains("cc macro F1     0.733     1.000  -0.267"),
            "{table}"
        );
        // Without a baseline there is no baseline column.
        assert!(!render_table(&system, None).contains("baseline"));
    }

    #[test]
    fn json_is_deterministic_and_in_field_order() {
        let (system, _) = reports();
        let a = serde_json::to_string(&system).unwrap();
        let b = serde_json::to_string(&reports().0).unwrap();
        assert_eq!(a, b);
        assert!(a.starts_with(r#"{"documents":1,"gold_units":4,"implicit_units":0,"predicted_units":4,"metrics":{"seg_exact":"#));
    }
}
