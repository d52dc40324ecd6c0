//! Reproduces the published trivial-baseline scores on arg-microtexts part 2, which pins down the
//! metric definitions (text order, implicit units counted, ordered pairs for `at`).

use std::path::PathBuf;

use toulmin::eval::{baseline_map, evaluate, read_jsonl};

/// The data lives outside the repository (its licence forbids copying it in); the override lets
/// CI or another checkout point elsewhere.
fn data_path() -> PathBuf {
    std::env::var_os("TOULMIN_MICROTEXTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/eval/microtexts_part2.jsonl")
        })
}

fn assert_3dp(name: &str, got: f64, expected: f64) {
    assert!(
        (got - expected).abs() < 0.0005,
        "{name}: got {got:.4}, expected {expected:.3}"
    );
}

#[test]
fn baseline_reproduces_published_scores() {
    let path = data_path();
    if !path.exists() {
        println!(
            "skipped: {} not found (set TOULMIN_MICROTEXTS to run)",
            path.display()
        );
        return;
    }
    let gold = read_jsonl(&path).expect("gold file reads");
    assert_eq!(gold.len(), 171);
    let maps: Vec<_> = gold.iter().map(baseline_map).collect();
    let report = evaluate(&gold, &maps, &[]);
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    assert_eq!(report.gold_units, 932);
    assert_eq!(report.implicit_units, 34);

    let m = &report.metrics;
    assert_3dp("cc", m.cc.macro_f1, 0.756);
    assert_3dp("ro", m.ro.macro_f1, 0.463);
    assert_3dp("fu", m.fu.macro_f1, 0.453);
    assert_3dp("at", m.at.macro_f1, 0.631);
    // The baseline copies gold segmentation, so both segmentation scores are perfect.
    assert_eq!(m.seg_exact.f1, 1.0);
    assert_eq!(m.seg_overlap.f1, 1.0);
}
