//! `toulmin tune` end to end: the weights file it writes, `eval` reproducing its training
//! score, `explain` showing tuned weights, and the diagnostics of `weight` items.

use std::path::Path;
use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_toulmin"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .expect("the toulmin binary runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Twelve microtext-shaped records: a demand, then an opponent's point or a supporter's.
fn write_gold(path: &Path) {
    let mut lines = Vec::new();
    for i in 0..12 {
        let first = "The council should close the old coal plant.";
        let (second, opp) = if i % 2 == 0 {
            (
                "Critics argue that the plant still provides many local jobs.",
                true,
            )
        } else {
            ("The plant pollutes the river that feeds the town.", false)
        };
        let third = "Clean energy is now cheaper than coal in this region.";
        let text = format!("{first} {second} {third}");
        let s2 = first.len() + 1;
        let s3 = s2 + second.len() + 1;
        let record = serde_json::json!({
            "id": format!("t{i}"),
            "text": text,
            "units": [
                {"id": "a", "start": 0, "end": first.len(), "role": "pro", "is_central_claim": true},
                {"id": "b", "start": s2, "end": s2 + second.len(), "role": if opp {"opp"} else {"pro"}, "is_central_claim": false},
                {"id": "c", "start": s3, "end": s3 + third.len(), "role": "pro", "is_central_claim": false},
            ],
            "relations": [
                {"src": "b", "trg": "a", "type": if opp {"rebut"} else {"support"}},
                {"src": "c", "trg": "a", "type": "support"},
            ],
        });
        lines.push(record.to_string());
    }
    std::fs::write(path, lines.join("\n") + "\n").expect("write gold");
}

/// The `train` column of the table `tune` prints, per metric.
fn train_column(stdout: &str) -> Vec<(String, String)> {
    stdout
        .lines()
        .filter_map(|l| {
            let cols: Vec<&str> = l.split_whitespace().collect();
            (cols.len() == 4 && ["cc", "ro", "fu", "at"].contains(&cols[0]))
                .then(|| (cols[0].to_string(), cols[3].to_string()))
        })
        .collect()
}

/// `toulmin tune --gold GOLD --folds 3 --gold-units -o WEIGHTS`.
fn tune_on_gold_units(gold: &Path, weights: &Path) -> Output {
    run(&[
        "tune",
        "--gold",
        gold.to_str().expect("utf-8 path"),
        "--folds",
        "3",
        "--gold-units",
        "-o",
        weights.to_str().expect("utf-8 path"),
    ])
}

/// `toulmin eval --gold GOLD --gold-units --rules WEIGHTS`.
fn eval_with_weights(gold: &Path, weights: &Path) -> Output {
    run(&[
        "eval",
        "--gold",
        gold.to_str().expect("utf-8 path"),
        "--gold-units",
        "--rules",
        weights.to_str().expect("utf-8 path"),
    ])
}

/// `eval` with the weights file prints every metric of tune's training column as it stands.
fn assert_eval_reproduces(gold: &Path, weights: &Path, train: &[(String, String)]) {
    let eval = eval_with_weights(gold, weights);
    assert_eq!(eval.status.code(), Some(0), "{}", text(&eval.stderr));
    let report = text(&eval.stdout);
    for (metric, score) in train {
        let line = format!("{metric} macro F1     {score}");
        assert!(report.contains(&line), "missing `{line}` in\n{report}");
    }
}

#[test]
fn eval_with_the_weights_file_reproduces_the_training_score() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let gold = dir.path().join("gold.jsonl");
    write_gold(&gold);
    let weights = dir.path().join("w.rules");
    let out = tune_on_gold_units(&gold, &weights);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("tuned (3-CV)"), "{stdout}");
    let train = train_column(&stdout);
    assert_eq!(train.len(), 4, "{stdout}");
    let file = std::fs::read_to_string(&weights).expect("weights written");
    assert!(
        file.starts_with("# Weights fitted by `toulmin tune`"),
        "{file}"
    );
    assert!(
        file.contains("# objective: all (mean of cc, ro, fu, at)"),
        "{file}"
    );

    assert_eval_reproduces(&gold, &weights, &train);
}

/// AIF gold (`eval`'s reader, the same for `tune`): the maps of three corpus articles exported
/// as AIF, each beside its text, tuned on and then scored by `eval` with the weights.
#[test]
fn tune_reads_aif_gold_as_eval_does() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let maps = dir.path().join("maps");
    let gold = dir.path().join("aif");
    std::fs::create_dir(&gold).expect("mkdir");
    let stems = [
        "heat-pump-grants",
        "four-day-week",
        "urban-congestion-pricing",
    ];
    for stem in stems {
        let article = format!("corpus/{stem}.txt");
        let out = run(&[
            "map",
            &article,
            "-o",
            maps.to_str().expect("utf-8 path"),
            "--format",
            "aif",
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let aif = format!("{stem}.aif.json");
        std::fs::copy(maps.join(&aif), gold.join(&aif)).expect("copy aif");
        std::fs::copy(
            Path::new(env!("CARGO_MANIFEST_DIR")).join(&article),
            gold.join(format!("{stem}.txt")),
        )
        .expect("copy text");
    }
    let weights = dir.path().join("w.rules");
    let out = tune_on_gold_units(&gold, &weights);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.starts_with("3 documents, "), "{stdout}");
    // The gold is the grammar's own answer, so the untuned grammar already scores 1.
    let train = train_column(&stdout);
    assert_eq!(train.len(), 4, "{stdout}");
    for (metric, score) in &train {
        assert_eq!(score, "1.000", "{metric} in\n{stdout}");
    }
    assert!(
        !text(&out.stderr).contains("internal"),
        "{}",
        text(&out.stderr)
    );
    assert_eval_reproduces(&gold, &weights, &train);
}

#[test]
fn tune_refuses_to_write_over_its_gold() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let gold = dir.path().join("gold.jsonl");
    write_gold(&gold);
    let gold_s = gold.to_str().expect("utf-8 path");
    let out = run(&["tune", "--gold", gold_s, "-o", gold_s]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("would overwrite an input"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn gold_with_no_units_is_an_error() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let gold = dir.path().join("empty.jsonl");
    std::fs::write(
        &gold,
        "{\"id\": \"x\", \"text\": \"Some text here.\", \"units\": [], \"relations\": []}\n",
    )
    .expect("write");
    let out = run(&[
        "tune",
        "--gold",
        gold.to_str().expect("utf-8 path"),
        "-o",
        dir.path().join("w.rules").to_str().expect("utf-8 path"),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("the gold has no usable units"),
        "{}",
        text(&out.stderr)
    );
    assert!(!dir.path().join("w.rules").exists());
}

#[test]
fn explain_shows_a_tuned_weight_beside_the_written_one() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let weights = dir.path().join("w.rules");
    std::fs::write(&weights, "weight stated_position = 1.25\n").expect("write");
    let input = dir.path().join("t.txt");
    std::fs::write(
        &input,
        "In my opinion, the city should scrap the stadium plan.\n",
    )
    .expect("write");
    let out = run(&[
        "explain",
        input.to_str().expect("utf-8 path"),
        "--rules",
        weights.to_str().expect("utf-8 path"),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let line = stdout
        .lines()
        .find(|l| l.contains("stated_position"))
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(line.contains("+1.25"), "{line}");
    assert!(line.contains("[tuned 1.25 by "), "{line}");
    assert!(line.contains("w.rules:1; written 0.15]"), "{line}");
}

#[test]
fn a_weight_for_an_unknown_rule_suggests_the_nearest_name() {
    let out = run(&["rules", "test", "tests/data/rules/unknown_weight.rules"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        "error: unknown rule `stated_positon`
 --> tests/data/rules/unknown_weight.rules:2:8
  |
2 | weight stated_positon = 0.8
  |        ^^^^^^^^^^^^^^ did you mean `stated_position`?
  = note: `weight` applies to role, kind and link rules defined in the grammar
"
    );
}

#[test]
fn a_split_rule_has_no_weight() {
    let out = run(&["rules", "test", "tests/data/rules/split_weight.rules"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        "error: `because_clause` is a split rule, which has no weight
 --> tests/data/rules/split_weight.rules:1:8
  |
1 | weight because_clause = 0.8
  |        ^^^^^^^^^^^^^^
  = note: `weight` applies to role, kind and link rules
"
    );
}

/// A bare HTTP/1.1 request to the server; returns (status, body).
fn http(addr: std::net::SocketAddr, method: &str, path: &str, body: &str) -> (u16, String) {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).expect("connects");
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).expect("writes");
    let mut out = String::new();
    s.read_to_string(&mut out).expect("reads");
    let status = out
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = out.split_once("\r\n\r\n").map_or("", |x| x.1).to_string();
    (status, body)
}

#[test]
fn serve_tunes_on_the_gold_it_was_given() {
    use toulmin::render::Renderer;
    use toulmin::serve::{serve, ServeConfig};
    let dir = tempfile::tempdir().expect("a temporary directory");
    let gold = dir.path().join("gold.jsonl");
    write_gold(&gold);
    let without = serve(ServeConfig {
        renderer: Renderer::Builtin,
        ..ServeConfig::default()
    })
    .expect("starts");
    let (status, body) = http(without.addr(), "POST", "/api/tune", "{}");
    assert_eq!(status, 404, "{body}");
    assert!(body.contains("without --gold"), "{body}");
    let (_, state) = http(without.addr(), "GET", "/api/state", "");
    assert!(state.contains("\"gold\":null"), "{state}");
    drop(without);

    let with = serve(ServeConfig {
        renderer: Renderer::Builtin,
        gold: Some(gold),
        ..ServeConfig::default()
    })
    .expect("starts");
    let (status, body) = http(
        with.addr(),
        "POST",
        "/api/tune",
        r#"{"objective": "bogus"}"#,
    );
    assert_eq!(status, 400, "{body}");
    let (status, body) = http(
        with.addr(),
        "POST",
        "/api/tune",
        r#"{"objective": "role", "folds": 3}"#,
    );
    assert_eq!(status, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).expect("json");
    let table = v["table"].as_str().expect("a table");
    assert!(
        table.contains("objective `role` (mean of cc, ro), 3-fold"),
        "{table}"
    );
    assert!(table.contains("tuned (3-CV)"), "{table}");
    assert!(v["weights"]
        .as_str()
        .expect("weights")
        .starts_with("# Weights fitted"));
}
