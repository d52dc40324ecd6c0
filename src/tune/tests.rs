use std::io::Write as _;

use super::replay::{decide, link_order, Params};
use super::*;
use crate::annotate::Segmentation;
use crate::eval::typed::{Scheme, TypedDoc, TypedUnit};
use crate::eval::{GoldRelKind, GoldRelation, GoldUnit};
use crate::grammar::{load, GrammarSpec};
use crate::graph::model::{RelationKind, Stance};
use crate::pipeline::map_text;

fn grammar_from(text: &str) -> Grammar {
    let mut file = tempfile::NamedTempFile::new().expect("a temporary file");
    file.write_all(text.as_bytes()).expect("write rules");
    load(&GrammarSpec {
        without_default: true,
        files: vec![file.path().to_path_buf()],
    })
    .unwrap_or_else(|d| panic!("{d}"))
}

/// A grammar where `critics_say` marks the other side (right) and `indeed` fires on either side
/// alike (noise); both start at the same weight.
const TWO_RULES: &str = r#"
settings { threshold = 0.5 }
lexicon opponent = ["critics say"]
lexicon noise = ["indeed"]
rule first_unit : thesis 1.0 { when first_in document }
rule right_cue : counterclaim 0.6 { when contains opponent }
rule noise_cue : counterclaim 0.6 { when contains noise }
link counter_thesis : attack -> thesis 1.0 { when role = counterclaim }
"#;

fn unit(id: &str, text: &str, piece: &str, role: Stance, central: bool) -> GoldUnit {
    let byte = text.find(piece).expect("piece in text");
    let start = text[..byte].chars().count();
    GoldUnit {
        id: id.into(),
        start,
        end: start + piece.chars().count(),
        role,
        central,
        implicit: false,
    }
}

/// Twenty short texts: a position, then an opponent's point ("Critics say ...") or a
/// supporter's ("Indeed ..."), then another supporting point that says "indeed" half the time.
fn synthetic_gold() -> Vec<GoldDoc> {
    (0..20)
        .map(|i| {
            let first = "The city should build the new park.";
            let second = if i % 2 == 0 {
                "Critics say the park costs far too much money."
            } else {
                "Indeed the park brings joy to many families."
            };
            let third = if i % 4 < 2 {
                "Indeed the park will pay for itself within years."
            } else {
                "The park will pay for itself within a few years."
            };
            let text = format!("{first} {second} {third}");
            let opp = i % 2 == 0;
            GoldDoc {
                id: format!("d{i}"),
                units: vec![
                    unit("a", &text, first, Stance::Pro, true),
                    unit(
                        "b",
                        &text,
                        second,
                        if opp { Stance::Opp } else { Stance::Pro },
                        false,
                    ),
                    unit("c", &text, third, Stance::Pro, false),
                ],
                relations: vec![
                    GoldRelation {
                        src: "b".into(),
                        trg: "a".into(),
                        kind: if opp {
                            GoldRelKind::Rebut
                        } else {
                            GoldRelKind::Support
                        },
                    },
                    GoldRelation {
                        src: "c".into(),
                        trg: "a".into(),
                        kind: GoldRelKind::Support,
                    },
                ],
                text,
            }
        })
        .collect()
}

fn options(objective: Objective) -> TuneOptions {
    TuneOptions {
        objective,
        folds: 4,
        gold_units: true,
        ..TuneOptions::default()
    }
}

fn weight(grammar: &Grammar, params: &Params, name: &str) -> f64 {
    let r = grammar
        .roles
        .iter()
        .position(|r| r.name == name)
        .expect("rule exists");
    params.role_weights[r]
}

#[test]
fn the_right_rule_outweighs_the_noisy_one() {
    let grammar = grammar_from(TWO_RULES);
    let gold = GoldSet::Structure(synthetic_gold());
    let report = tune(&gold, &grammar, &options(Objective::Role)).expect("tunes");
    let right = weight(&grammar, &report.params, "right_cue");
    let noise = weight(&grammar, &report.params, "noise_cue");
    assert!(right > noise, "right {right} must outweigh noise {noise}");
    // The noise alone no longer makes a counterclaim; the right cue still does.
    assert!(noise + report.params.bias[Role::Counterclaim as usize] < report.params.threshold);
    assert!(right + report.params.bias[Role::Counterclaim as usize] >= report.params.threshold);
    // Untuned, every "Indeed" unit is an opponent: ro suffers, and tuning repairs it.
    let ro = &report.rows[1];
    assert_eq!(ro.metric, "ro");
    assert!(ro.untuned < 0.8, "{ro:?}");
    assert!((ro.train - 1.0).abs() < 1e-9, "{ro:?}");
    assert!(ro.cv > ro.untuned, "{ro:?}");
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
}

/// Where the weights of a test came from, as the weights file records it.
fn synthetic_provenance(command: &str) -> Provenance<'_> {
    Provenance {
        gold: "synthetic",
        rules: &[],
        date: "2026-12-01",
        command,
    }
}

#[test]
fn the_weights_file_reproduces_the_training_scores() {
    let grammar = grammar_from(TWO_RULES);
    let gold = GoldSet::Structure(synthetic_gold());
    let report = tune(&gold, &grammar, &options(Objective::All)).expect("tunes");
    let text = weights_file(&report, &synthetic_provenance("toulmin tune"));
    assert!(text.contains("weight noise_cue = "), "{text}");
    let dir = tempfile::tempdir().expect("a temporary directory");
    let base = dir.path().join("base.rules");
    let weights = dir.path().join("w.rules");
    std::fs::write(&base, TWO_RULES).expect("write");
    std::fs::write(&weights, &text).expect("write");
    let tuned = load(&GrammarSpec {
        without_default: true,
        files: vec![base, weights],
    })
    .unwrap_or_else(|d| panic!("{d}"));
    assert_eq!(Params::of(&tuned), report.params);
    let GoldSet::Structure(docs) = &gold else {
        unreachable!()
    };
    let maps = crate::eval::run::predict(docs, &tuned, true).expect("maps");
    let scores = gold.scores(&maps);
    let train: Vec<f64> = report.rows.iter().map(|r| r.train).collect();
    assert_eq!(scores, train);
    let noise = tuned
        .tuned
        .get("noise_cue")
        .expect("a tuned weight is recorded");
    assert_eq!(noise.written, 0.6);
}

#[test]
fn tuning_is_deterministic() {
    let grammar = grammar_from(TWO_RULES);
    let gold = GoldSet::Structure(synthetic_gold());
    let a = tune(&gold, &grammar, &options(Objective::All)).expect("tunes");
    let b = tune(&gold, &grammar, &options(Objective::All)).expect("tunes");
    assert_eq!(a.params, b.params);
    assert_eq!(a.rows, b.rows);
    let p = Provenance {
        gold: "g",
        rules: &[],
        date: "d",
        command: "c",
    };
    assert_eq!(weights_file(&a, &p), weights_file(&b, &p));
    // Another seed deals other folds (the fit on all documents does not depend on it).
    let mut other = options(Objective::All);
    other.seed = 7;
    assert_ne!(fit::folds(20, 4, 1), fit::folds(20, 4, 7));
    let c = tune(&gold, &grammar, &other).expect("tunes");
    assert_eq!(a.params, c.params);
}

#[test]
fn gold_without_units_is_a_clear_error() {
    let grammar = grammar_from(TWO_RULES);
    let mut docs = synthetic_gold();
    for d in &mut docs {
        d.units.clear();
        d.relations.clear();
    }
    let err = tune(
        &GoldSet::Structure(docs),
        &grammar,
        &options(Objective::Role),
    )
    .expect_err("nothing to fit to");
    assert!(matches!(err, TuneError::NoUsableUnits { documents: 20 }));
    assert!(err.to_string().contains("no usable units"), "{err}");
    let err = tune(
        &GoldSet::Structure(vec![]),
        &grammar,
        &options(Objective::Role),
    )
    .expect_err("nothing to fit to");
    assert!(matches!(err, TuneError::NoUsableUnits { documents: 0 }));
}

#[test]
fn folds_and_objectives_are_checked() {
    let grammar = grammar_from(TWO_RULES);
    let gold = GoldSet::Structure(synthetic_gold());
    let mut opts = options(Objective::Role);
    opts.folds = 1;
    assert!(matches!(
        tune(&gold, &grammar, &opts),
        Err(TuneError::Folds { folds: 1, .. })
    ));
    opts.folds = 21;
    assert!(matches!(
        tune(&gold, &grammar, &opts),
        Err(TuneError::Folds { folds: 21, .. })
    ));
    assert!(matches!(
        tune(&gold, &grammar, &options(Objective::Kind)),
        Err(TuneError::NothingToTune { what: "kind", .. })
    ));
}

/// Weight variations of the written values: every role, kind and link weight scaled, the
/// threshold and a bias moved, and the written values themselves last.
fn variants(written: &Params, count: usize) -> Vec<Params> {
    (0..count)
        .map(|v| {
            let mut p = written.clone();
            for (i, w) in p.role_weights.iter_mut().enumerate() {
                *w *= 0.5 + ((i * 7 + v * 3) % 5) as f64 * 0.25;
            }
            for (i, w) in p.kind_weights.iter_mut().enumerate() {
                *w *= 0.4 + ((i * 3 + v * 5) % 6) as f64 * 0.25;
            }
            for (i, w) in p.link_weights.iter_mut().enumerate() {
                *w *= 0.6 + ((i * 5 + v) % 4) as f64 * 0.2;
            }
            p.threshold = 0.3 + v as f64 * 0.1;
            p.bias[Role::Claim as usize] = v as f64 * 0.05 - 0.1;
            p
        })
        .chain([written.clone()])
        .collect()
}

/// Replayed decisions against the pipeline's map of the same text with the same weights.
fn assert_replays(grammar: &Grammar, id: &str, text: &str, seg: &Segmentation, params: &[Params]) {
    let (rec, _) = record::record(id, text, None, seg, grammar).expect("records");
    for (v, p) in params.iter().enumerate() {
        let d = decide(grammar, &rec, p, &link_order(&p.link_weights));
        let map = map_text(id, text, &p.apply(grammar), seg)
            .expect("maps")
            .map;
        let at = format!("{id}, variant {v}");
        let roles: Vec<Role> = map.units.iter().map(|u| u.role).collect();
        assert_eq!(d.roles, roles, "roles of {at}");
        let kinds: Vec<_> = map.units.iter().map(|u| u.kind).collect();
        assert_eq!(d.kinds, kinds, "kinds of {at}");
        let thesis = map
            .thesis
            .as_ref()
            .and_then(|t| map.units.iter().position(|u| u.id == t));
        assert_eq!(d.thesis, thesis, "thesis of {at}");
        let pos = map.positions();
        let mut relations: Vec<Option<(usize, RelationKind)>> = vec![None; map.units.len()];
        for r in &map.relations {
            relations[pos[r.from.as_str()]] = Some((pos[r.to.as_str()], r.kind));
        }
        assert_eq!(d.out, relations, "links of {at}");
    }
}

/// Replay must make the pipeline's decisions for any weights, not only the written ones:
/// kinds and `kind =` conditions, restatements, and every link target.
#[test]
fn replay_matches_the_pipeline() {
    let grammar = Grammar::default_grammar().unwrap_or_else(|d| panic!("{d}"));
    let params = variants(&Params::of(&grammar), 6);
    let texts = [
        (
            "ipcs.txt",
            include_str!("../../corpus/ipcs-us-north-korea-2018.txt"),
        ),
        (
            "antibiotics.md",
            include_str!("../../corpus/antibiotic-stewardship.md"),
        ),
        (
            "retreat.txt",
            include_str!("../../corpus/coastal-managed-retreat.txt"),
        ),
        (
            "t.txt",
            "The city should scrap the stadium plan. Critics argue that it will revive downtown. \
             But the promised jobs never came. Moreover, the costs have doubled since 2019, so the \
             budget cannot carry it. For example, Oslo cut traffic by a fifth. Although the stadium \
             brings visitors, they spend little. This leaves nothing for schools.\n\nFirst, \
             congestion wastes time. Drivers lose days a year because the roads are full. \
             Therefore, the plan should go.",
        ),
    ];
    for (id, text) in texts {
        assert_replays(&grammar, id, text, &Segmentation::Rules, &params);
    }
}

/// Where the dev gold sets are: `TOULMIN_EVAL_DIR`, else `../shared/eval` beside the crate.
fn eval_dir() -> Option<std::path::PathBuf> {
    let dir = std::env::var_os("TOULMIN_EVAL_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/eval"));
    dir.is_dir().then_some(dir)
}

/// The same on every document of the three dev gold sets, with their own and with the gold
/// segmentation. Skipped, with a notice, when the data is not there.
#[test]
fn replay_matches_the_pipeline_on_the_dev_sets() {
    use rayon::prelude::*;
    let Some(dir) = eval_dir() else {
        println!("skipped: ../shared/eval not found (set TOULMIN_EVAL_DIR)");
        return;
    };
    let grammar = Grammar::default_grammar().unwrap_or_else(|d| panic!("{d}"));
    let params = variants(&Params::of(&grammar), 2);
    for file in [
        "microtexts_part2.jsonl",
        "webdiscourse_dev.jsonl",
        "cdcp_train.jsonl",
    ] {
        let path = dir.join(file);
        let (gold, _) = GoldSet::read(&path).unwrap_or_else(|e| panic!("{e}"));
        let docs: Vec<(String, String, Vec<std::ops::Range<usize>>)> = match &gold {
            GoldSet::Structure(d) => d
                .iter()
                .map(|d| {
                    let units = d.units.iter().map(|u| u.start..u.end).collect();
                    (d.id.clone(), d.text.clone(), units)
                })
                .collect(),
            GoldSet::Typed(d) => d
                .iter()
                .map(|d| (d.id.clone(), d.text.clone(), d.scored_ranges()))
                .collect(),
        };
        assert!(!docs.is_empty(), "{file}");
        docs.par_iter().for_each(|(id, text, units)| {
            assert_replays(&grammar, id, text, &Segmentation::Rules, &params);
            let given = Segmentation::Given(units.clone());
            assert_replays(&grammar, id, text, &given, &params[params.len() - 1..]);
        });
    }
}

/// CDCP-shaped gold where what officials said counts as fact (a genre convention), while the
/// writer's own experience stays testimony, judgements value and demands policy: with the real kind rules
/// of `grammars/kinds.rules`, `attributed_report` (testimony) outvotes `plain_statement`
/// (fact) on the officials' reports until the kind objective refits them.
fn reports_as_facts() -> Vec<TypedDoc> {
    let subjects = [
        "plant", "museum", "school", "bridge", "clinic", "depot", "harbour", "market", "station",
        "library", "factory", "airport",
    ];
    subjects
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let pieces = [
                (format!("Officials said the {s} was closed."), "fact"),
                (format!("The fee for the {s} is far too high."), "value"),
                (
                    format!("I received three calls a day about the {s}."),
                    "testimony",
                ),
                (format!("The city should reopen the {s}."), "policy"),
            ];
            let mut text = String::new();
            let mut units = Vec::new();
            for (k, (piece, label)) in pieces.iter().enumerate() {
                if !text.is_empty() {
                    text.push(' ');
                }
                let start = text.chars().count();
                text.push_str(piece);
                units.push(TypedUnit {
                    id: format!("p{k}"),
                    start,
                    end: start + piece.chars().count(),
                    label: label.to_string(),
                    scored: true,
                });
            }
            TypedDoc {
                id: format!("c{i}"),
                scheme: Scheme::Cdcp,
                title: None,
                text,
                units,
                relations: Vec::new(),
            }
        })
        .collect()
}

#[test]
fn the_kind_objective_refits_the_real_kind_rules() {
    let grammar = Grammar::default_grammar().unwrap_or_else(|d| panic!("{d}"));
    let gold = GoldSet::Typed(reports_as_facts());
    let report = tune(&gold, &grammar, &options(Objective::Kind)).expect("tunes");
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    let kind = &report.rows[0];
    assert_eq!(kind.metric, "kind");
    assert!(kind.untuned < 0.8, "{kind:?}");
    assert!((kind.train - 1.0).abs() < 1e-9, "{kind:?}");
    assert!(kind.cv > kind.untuned, "{kind:?}");
    let weight = |name: &str| {
        let r = grammar
            .kinds
            .iter()
            .position(|r| r.name == name)
            .expect("kind rule exists");
        report.params.kind_weights[r]
    };
    // Fact now outvotes the report (a tie goes to fact, which `Kind` lists before testimony);
    // the writer's experience stays testimony.
    assert!(
        weight("attributed_report") <= weight("plain_statement"),
        "{:?}",
        report.changes
    );
    assert!(weight("lived_experience") + weight("first_person_account") >= 0.5);
    // Only kind weights move: roles and links are not what this objective judges.
    assert!(!report.changes.is_empty());
    for c in &report.changes {
        assert_eq!(c.what, "weight", "{c:?}");
        assert!(grammar.kinds.iter().any(|r| r.name == c.name), "{c:?}");
    }
    assert_eq!(
        report.params.role_weights,
        Params::of(&grammar).role_weights
    );

    // The weights file, loaded over the default grammar, gives the training score.
    let text = weights_file(
        &report,
        &synthetic_provenance("toulmin tune --objective kind"),
    );
    let mut file = tempfile::NamedTempFile::new().expect("a temporary file");
    file.write_all(text.as_bytes()).expect("write weights");
    let tuned = load(&GrammarSpec {
        without_default: false,
        files: vec![file.path().to_path_buf()],
    })
    .unwrap_or_else(|d| panic!("{d}"));
    assert_eq!(Params::of(&tuned), report.params);
    let GoldSet::Typed(docs) = &gold else {
        unreachable!()
    };
    let maps = crate::eval::run::predict_typed(docs, &tuned, true).expect("maps");
    assert_eq!(gold.scores(&maps)[0], kind.train);
}

/// The committed weights file still fits the grammar: every rule it names exists (a renamed
/// rule is a load error, the cue to refit) and each of its items takes effect.
#[test]
fn the_committed_tuned_weights_load_over_the_default_grammar() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("grammars/tuned.rules");
    let tuned = load(&GrammarSpec {
        without_default: false,
        files: vec![path],
    })
    .unwrap_or_else(|d| panic!("{d}"));
    assert!(!tuned.tuned.is_empty());
    for (name, w) in &tuned.tuned {
        assert_ne!(w.weight, w.written, "{name} is tuned to its written weight");
    }
}

#[test]
fn folds_are_balanced() {
    let f = fit::folds(11, 5, 3);
    let mut sizes = [0; 5];
    for k in f {
        sizes[k] += 1;
    }
    assert_eq!(sizes.iter().sum::<usize>(), 11);
    assert!(sizes.iter().all(|&s| s == 2 || s == 3), "{sizes:?}");
}
