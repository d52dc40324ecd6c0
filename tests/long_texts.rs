//! A text longer than a megabyte is mapped in parts (`pipeline::parts`), run through the real
//! binary: one JSON map that holds together, the same map written as a file or as a JSONL
//! line, for any number of workers.

use std::process::{Command, Output};

use serde_json::Value;

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_toulmin"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("the toulmin binary runs")
}

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("a temporary directory")
}

/// The corpus's plain-text articles one after another, over and over, past a megabyte.
fn long_text() -> String {
    let mut articles: Vec<String> = std::fs::read_dir("corpus")
        .expect("corpus")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .map(|p| std::fs::read_to_string(p).expect("reads"))
        .collect();
    articles.sort();
    let mut text = String::new();
    while text.len() <= 1_100_000 {
        for a in &articles {
            text.push_str(a.trim());
            text.push_str("\n\n");
        }
    }
    text
}

fn text_of(text: &str, start: u64, end: u64) -> String {
    text.chars()
        .skip(start as usize)
        .take((end - start) as usize)
        .collect()
}

/// What makes a map a map: numbered units where the text says they are, one thesis, and every
/// relation between units that exist.
fn assert_well_formed(map: &Value, text: &str) {
    let units = map["units"].as_array().expect("units");
    assert!(units.len() > 1_000, "{} units", units.len());
    let thesis = map["thesis"].as_str().expect("a thesis");
    let mut ids = std::collections::HashSet::new();
    // Checking every unit's text would walk the text once per unit: a sample will do.
    for (i, u) in units.iter().enumerate() {
        assert_eq!(u["id"], format!("u{}", i + 1));
        ids.insert(u["id"].as_str().expect("id"));
        if i % 97 == 0 {
            let (start, end) = (u["start"].as_u64(), u["end"].as_u64());
            let (Some(start), Some(end)) = (start, end) else {
                panic!("unit {i} has no offsets")
            };
            assert_eq!(text_of(text, start, end), u["text"].as_str().expect("text"));
        }
        let is_thesis = u["role"] == "thesis";
        assert_eq!(is_thesis, u["id"] == thesis, "{}", u["id"]);
    }
    for r in map["relations"].as_array().expect("relations") {
        for end in ["from", "to"] {
            assert!(ids.contains(r[end].as_str().expect(end)), "{r}");
        }
    }
}

#[test]
fn a_long_text_is_mapped_in_parts_into_one_map() {
    let dir = tempdir();
    let input = dir.path().join("long.txt");
    let text = long_text();
    std::fs::write(&input, &text).expect("write");
    let out = dir.path().join("out");
    let (input, out) = (
        input.to_str().expect("UTF-8 path"),
        out.to_str().expect("UTF-8 path"),
    );
    let mapped = run(&["map", input, "--format", "json", "-o", out]);
    assert!(mapped.status.success(), "{mapped:?}");
    let stdout = String::from_utf8_lossy(&mapped.stdout);
    let first = stdout.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("long.txt (mapped in ") && first.ends_with(" parts)"),
        "{stdout}"
    );
    let json = std::fs::read_to_string(format!("{out}/long.json")).expect("the map");
    let map: Value = serde_json::from_str(&json).expect("JSON");
    assert_well_formed(&map, &text);
    let joining = map["relations"]
        .as_array()
        .expect("relations")
        .iter()
        .filter(|r| r["rule"] == "part:thesis")
        .count();
    assert!(joining > 10, "{joining} parts joined to the thesis");
    // The summary counts what the file holds.
    let units = map["units"].as_array().map_or(0, Vec::len);
    assert!(stdout.contains(&format!("  units: {units} (")), "{stdout}");
}

#[test]
fn a_long_jsonl_record_is_the_same_map_as_the_file_and_the_same_bytes_for_any_workers() {
    let dir = tempdir();
    let text = long_text();
    let short = std::fs::read_to_string("corpus/four-day-week.txt").expect("reads");
    let records = [("before", &short), ("long.txt", &text), ("after", &short)]
        .iter()
        .map(|(id, text)| serde_json::json!({"id": id, "text": text}).to_string() + "\n")
        .collect::<String>();
    let input = dir.path().join("in.jsonl");
    std::fs::write(&input, records).expect("write");
    let input = input.to_str().expect("UTF-8 path");
    let one = run(&["map", "--jsonl", input, "-j", "1"]);
    let two = run(&["map", "--jsonl", input, "-j", "2"]);
    assert!(one.status.success(), "{one:?}");
    assert_eq!(one.stdout, two.stdout);
    let stdout = String::from_utf8(one.stdout).expect("UTF-8");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3);
    let line: Value = serde_json::from_str(lines[1]).expect("JSON");
    assert_eq!(line["source"]["name"], "long.txt");

    let file = dir.path().join("long.txt");
    std::fs::write(&file, &text).expect("write");
    let out = dir.path().join("out");
    let mapped = run(&[
        "map",
        file.to_str().expect("UTF-8 path"),
        "--format",
        "json",
        "-o",
        out.to_str().expect("UTF-8 path"),
    ]);
    assert!(mapped.status.success(), "{mapped:?}");
    let json = std::fs::read_to_string(out.join("long.json")).expect("the map");
    let mut from_file: Value = serde_json::from_str(&json).expect("JSON");
    // The file's map is named by its path.
    from_file["source"]["name"] = "long.txt".into();
    assert!(
        line == from_file,
        "the JSONL line and the file hold different maps"
    );
}

#[test]
fn drawing_a_long_text_says_it_would_be_mapped_in_parts_as_json_alone() {
    let dir = tempdir();
    let input = dir.path().join("long.txt");
    std::fs::write(&input, long_text()).expect("write");
    let out = dir.path().join("out");
    let mapped = run(&[
        "map",
        input.to_str().expect("UTF-8 path"),
        "--format",
        "json",
        "--format",
        "dot",
        "-o",
        out.to_str().expect("UTF-8 path"),
    ]);
    assert!(mapped.status.success(), "{mapped:?}");
    let stderr = String::from_utf8_lossy(&mapped.stderr);
    assert!(
        stderr.contains("with --format json alone it would be mapped in parts"),
        "{stderr}"
    );
    assert!(!String::from_utf8_lossy(&mapped.stdout).contains(" parts)"));
}
