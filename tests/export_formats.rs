//! The interchange exports through the real binary: every file written, each readable by
//! toulmin's own readers where it has one (brat and AIF as gold), and `--jsonl` writing them per
//! record. The consumer tools themselves (Argdown, networkx, arguebuf, a solver) are exercised
//! by tests/formats/run.sh.

use std::path::Path;
use std::process::{Command, Output};

const REFERENCE: &str = "corpus/ipcs-us-north-korea-2018.txt";
const STEM: &str = "ipcs-us-north-korea-2018";

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

fn path(p: &Path) -> &str {
    p.to_str().expect("temporary paths are UTF-8")
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Every F1 `eval --json` reports, by name.
fn scores(report: &str) -> Vec<(String, f64)> {
    let v: serde_json::Value = serde_json::from_str(report).expect("eval --json is JSON");
    let m = &v["toulmin"]["metrics"];
    let mut out = vec![(
        "seg_exact".to_string(),
        m["seg_exact"]["f1"].as_f64().unwrap_or(-1.0),
    )];
    for k in ["cc", "ro", "fu", "at"] {
        out.push((k.to_string(), m[k]["macro_f1"].as_f64().unwrap_or(-1.0)));
    }
    out
}

#[test]
fn all_five_formats_are_written_and_read_back_as_gold() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let out = run(&[
        "map",
        REFERENCE,
        "-o",
        path(d),
        "--format",
        "json,aif,argdown,brat,graphml,iccma",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let summary = text(&out.stdout);
    assert!(
        summary.contains("\n  acceptability: thesis in: it survives every attack (grounded: "),
        "{summary}"
    );
    let map: serde_json::Value =
        serde_json::from_str(&read(&d.join(format!("{STEM}.json")))).expect("map JSON");
    let units = map["units"].as_array().expect("units");
    let relations = map["relations"].as_array().expect("relations");
    let attacks = relations.iter().filter(|r| r["kind"] == "attack").count();
    assert!(units
        .iter()
        .all(|u| ["in", "out", "undec"].contains(&u["status"].as_str().unwrap_or(""))));
    // An out source never carries; an in source always does.
    for r in relations {
        let from = units.iter().find(|u| u["id"] == r["from"]).expect("source");
        assert_eq!(r["carries"].as_bool(), Some(from["status"] != "out"), "{r}");
    }

    let af = read(&d.join(format!("{STEM}.af")));
    assert!(af.starts_with(&format!("p af {}\n", units.len())));
    let attack_lines = af.lines().filter(|l| !l.starts_with(['#', 'p'])).count();
    assert_eq!(attack_lines, attacks);
    let apx = read(&d.join(format!("{STEM}.apx")));
    assert_eq!(apx.matches("arg(").count(), units.len());
    assert_eq!(apx.matches("att(").count(), attacks);
    let graphml = read(&d.join(format!("{STEM}.graphml")));
    assert_eq!(graphml.matches("<node id=").count(), units.len());
    assert_eq!(graphml.matches("<edge id=").count(), relations.len());
    let argdown = read(&d.join(format!("{STEM}.argdown")));
    assert_eq!(argdown.matches("]: ").count(), units.len());
    assert!(d.join("brat/annotation.conf").is_file());
    assert_eq!(
        read(&d.join(format!("brat/{STEM}.txt"))),
        read(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join(REFERENCE)
                .as_path()
        )
    );

    // brat as written, and AIF beside its text, read back as gold with the map's own units.
    let aif_dir = d.join("aif");
    std::fs::create_dir(&aif_dir).expect("mkdir");
    std::fs::copy(
        d.join(format!("{STEM}.aif.json")),
        aif_dir.join(format!("{STEM}.aif.json")),
    )
    .expect("copy aif");
    std::fs::copy(
        d.join(format!("brat/{STEM}.txt")),
        aif_dir.join(format!("{STEM}.txt")),
    )
    .expect("copy text");
    for gold in [d.join("brat"), aif_dir] {
        let out = run(&["eval", "--gold", path(&gold), "--gold-units", "--json"]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        for (metric, score) in scores(&text(&out.stdout)) {
            assert_eq!(score, 1.0, "{} round trip: {metric}", gold.display());
        }
    }
}

#[test]
fn jsonl_with_formats_writes_files_per_record() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("in.jsonl");
    std::fs::write(
        &input,
        "{\"id\":\"a/1\",\"text\":\"Cities should price congestion. Critics say it hurts the poor. But revenue can fund buses.\"}\n\
         {\"id\":7,\"text\":\"We should act. Because delay costs lives.\"}\n",
    )
    .expect("write");
    let out_dir = dir.path().join("out");
    let out = run(&[
        "map",
        "--jsonl",
        path(&input),
        "-o",
        path(&out_dir),
        "--format",
        "iccma,brat,json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    for f in [
        "a_1.af",
        "a_1.apx",
        "a_1.json",
        "7.af",
        "brat/a_1.ann",
        "brat/7.txt",
    ] {
        assert!(out_dir.join(f).is_file(), "{f} missing");
    }
    // The counterclaim is answered, so nothing defeats the thesis.
    let map: serde_json::Value =
        serde_json::from_str(&read(&out_dir.join("a_1.json"))).expect("JSON");
    assert_eq!(map["units"][0]["status"], "in");

    let out = run(&["map", "--jsonl", path(&input), "--format", "aif"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("name their directory with -o DIR"));
}

#[test]
fn brat_copy_never_overwrites_the_input() {
    let dir = tempfile::tempdir().expect("tempdir");
    let brat = dir.path().join("brat");
    std::fs::create_dir(&brat).expect("mkdir");
    let input = brat.join("note.txt");
    std::fs::write(&input, "We should act. Because delay costs lives.").expect("write");
    let out = run(&[
        "map",
        path(&input),
        "-o",
        path(dir.path()),
        "--format",
        "brat",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("it is one of the inputs"),
        "{}",
        text(&out.stderr)
    );
    assert!(!brat.join("note.ann").exists(), "nothing written");
}
