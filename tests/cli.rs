//! Runs the real binary and compares what a user sees: files written, summaries, and the exact
//! text of every diagnostic.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_toulmin"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("the toulmin binary runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("a temporary directory")
}

const REFERENCE: &str = "corpus/ipcs-us-north-korea-2018.txt";

fn rule_error(file: &str) -> String {
    let dir = tempdir();
    let out = run(&[
        "map",
        REFERENCE,
        "-o",
        dir.path().to_str().unwrap_or("."),
        "--rules",
        &format!("tests/data/rules/{file}"),
    ]);
    assert_eq!(out.status.code(), Some(1), "{file} must fail");
    assert!(
        stdout(&out).is_empty(),
        "nothing is mapped with a broken grammar"
    );
    stderr(&out)
}

#[test]
fn unknown_lexicon_points_at_the_name_and_suggests() {
    assert_eq!(
        rule_error("unknown_lexicon.rules"),
        "error: unknown lexicon `contrat`
 --> tests/data/rules/unknown_lexicon.rules:3:20
  |
3 |   when starts_with contrat
  |                    ^^^^^^^ did you mean `contrast`?
"
    );
}

#[test]
fn unknown_kind_gets_a_suggestion_in_a_kind_rule_and_in_a_condition() {
    assert_eq!(
        rule_error("unknown_kind.rules"),
        "error: unknown kind `fcat`
 --> tests/data/rules/unknown_kind.rules:2:10
  |
2 | kind k : fcat 1 { when contains l }
  |          ^^^^ did you mean `fact`?
  = note: kinds are policy, value, fact, statistic, testimony, reference
"
    );
    assert_eq!(
        rule_error("unknown_kind_condition.rules"),
        "error: unknown kind `testimonny`
 --> tests/data/rules/unknown_kind_condition.rules:3:30
  |
3 |   when contains l and kind = testimonny
  |                              ^^^^^^^^^^ did you mean `testimony`?
  = note: kinds are policy, value, fact, statistic, testimony, reference
"
    );
}

#[test]
fn the_reference_article_tells_evidence_from_opinion() {
    let dir = tempdir();
    let out = run(&[
        "map",
        REFERENCE,
        "-o",
        dir.path().to_str().unwrap_or("."),
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let map: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("ipcs-us-north-korea-2018.json")).expect("json"),
    )
    .expect("valid json");
    let unit = |start: &str| {
        map["units"]
            .as_array()
            .and_then(|us| {
                us.iter()
                    .find(|u| u["text"].as_str().is_some_and(|t| t.starts_with(start)))
            })
            .cloned()
            .unwrap_or_else(|| panic!("no unit starts with {start:?}"))
    };
    for start in [
        "However, satellite images indicated",
        "Moreover, US intelligence agencies reported",
        "Soon after, the International Atomic Energy Agency",
    ] {
        let u = unit(start);
        assert_eq!(u["role"], "evidence", "{start}");
        assert!(
            u["kind"] == "testimony" || u["kind"] == "fact",
            "{start}: {}",
            u["kind"]
        );
    }
    assert_eq!(unit("It is thus imperative")["kind"], "policy");
    let summit = unit("The third inter-Korean summit took place");
    assert_eq!(summit["kind"], "fact");
    // A dated report takes no side: it backs the paragraph's point or sets the scene, and is
    // not itself a point that the paragraph's opinions back.
    assert!(
        summit["role"] == "evidence" || summit["role"] == "background",
        "the dated summit report is a {}",
        summit["role"]
    );
    assert_eq!(unit("Topping the agenda was")["kind"], "fact");
}

#[test]
fn explain_shows_the_kind_decision() {
    let out = run(&["explain", REFERENCE, "--unit", "u14"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(text.contains("u14 evidence, kind testimony"), "{text}");
    assert!(text.contains("kind rules that fired:"), "{text}");
    assert!(
        text.contains("attributed_report        grammars/kinds.rules:"),
        "{text}"
    );
    assert!(text.contains("kind: testimony won with"), "{text}");
}

#[test]
fn explain_says_why_a_quotation_that_scored_as_the_thesis_is_not_it() {
    let dir = tempdir();
    let input = dir.path().join("quoted.txt");
    std::fs::write(
        &input,
        "Single-sex classrooms\n\nThe story explains the trial. “In the single-sex classrooms, \
         the approach is best for boys.” Schools should drop the trial.\n",
    )
    .expect("write input");
    let out = run(&["explain", input.to_str().expect("utf-8 path")]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("— thesis u4"), "{text}");
    assert!(
        text.contains(
            "role changed to evidence when the thesis was chosen (inside a quotation: someone \
             else's words are the thesis only when nothing else can be)"
        ),
        "{text}"
    );
}

#[test]
fn invalid_regex_is_mapped_to_its_position_in_the_rule_file() {
    assert_eq!(
        rule_error("invalid_regex.rules"),
        "error: invalid regex: unclosed group
 --> tests/data/rules/invalid_regex.rules:1:14
  |
1 | pattern p = /(\\d+/
  |              ^
"
    );
}

#[test]
fn syntax_error_says_what_was_expected() {
    assert_eq!(
        rule_error("unclosed_list.rules"),
        "error: expected `]`, found `rule`
 --> tests/data/rules/unclosed_list.rules:2:1
  |
2 | rule r : claim 1 { when contains a }
  | ^^^^
"
    );
}

#[test]
fn unknown_role_and_field_get_suggestions() {
    assert_eq!(
        rule_error("unknown_role.rules"),
        "error: unknown role `claimm`
 --> tests/data/rules/unknown_role.rules:1:10
  |
1 | rule r : claimm 1 { }
  |          ^^^^^^ did you mean `claim`?
  = note: roles are thesis, claim, premise, evidence, counterclaim, rebuttal, background
"
    );
    assert_eq!(
        rule_error("unknown_field.rules"),
        "error: unknown rule field `wen`
 --> tests/data/rules/unknown_field.rules:3:3
  |
3 |   wen contains a
  |   ^^^ did you mean `when`?
"
    );
}

/// Regression: `echoes quotation` (or `body`, `introduction`, `conclusion`) parsed as a region
/// and silently never fired; only the title and the standfirst can be echoed.
#[test]
fn echoing_a_region_that_cannot_be_echoed_is_an_error() {
    assert_eq!(
        rule_error("echoed_region.rules"),
        "error: unknown region to echo `quotation`
 --> tests/data/rules/echoed_region.rules:2:15
  |
2 |   when echoes quotation
  |               ^^^^^^^^^
  = note: a unit can echo the title or the standfirst; `in` tests the other regions
"
    );
}

/// A field that the kind of rule it is written in ignores was once accepted and silently did
/// nothing (`clause_goes_on` on a rule that cuts before its cue).
#[test]
fn a_field_the_rule_ignores_is_an_error() {
    assert_eq!(
        rule_error("misplaced_field.rules"),
        "error: `clause_goes_on` does nothing in a `before` split rule; it belongs in `after_lead` split rules
 --> tests/data/rules/misplaced_field.rules:2:3
  |
2 |   clause_goes_on sign_off
  |   ^^^^^^^^^^^^^^
"
    );
}

/// `unless_prev` looks at the words before a cue in the middle of a sentence; an `after_lead`
/// cue opens the sentence, so there is nothing before it to look at.
/// `only_next` asks for words after a cue in the middle of a sentence, like `unless_prev`
/// before it; an `after_lead` rule cuts at the end of the opening clause instead.
#[test]
fn only_next_in_an_after_lead_rule_is_an_error() {
    assert_eq!(
        rule_error("misplaced_only_next.rules"),
        "error: `only_next` does nothing in an `after_lead` split rule; it belongs in `before` split rules
 --> tests/data/rules/misplaced_only_next.rules:4:3
  |
4 |   only_next subject
  |   ^^^^^^^^^
"
    );
}

#[test]
fn unless_prev_in_an_after_lead_rule_is_an_error() {
    assert_eq!(
        rule_error("misplaced_unless_prev.rules"),
        "error: `unless_prev` does nothing in an `after_lead` split rule; it belongs in `before` split rules
 --> tests/data/rules/misplaced_unless_prev.rules:3:3
  |
3 |   unless_prev opening
  |   ^^^^^^^^^^^
"
    );
}

#[test]
fn unterminated_string_and_unknown_tsv_column() {
    assert_eq!(
        rule_error("unterminated_string.rules"),
        "error: unterminated string: a string ends with `\"` on the same line
 --> tests/data/rules/unterminated_string.rules:1:34
  |
1 | rule r : claim 1 { when contains \"x }
  |                                  ^^^^
"
    );
    let err = rule_error("unknown_column.rules");
    assert!(
        err.starts_with(
            "error: unknown column `functon`\n --> tests/data/rules/unknown_column.rules:1:68\n"
        ),
        "{err}"
    );
    assert!(err.contains("did you mean `function`?"), "{err}");
    assert!(err.contains("= note: the columns of ../../../grammars/lexicons/connectives.tsv are: phrase, function, source"), "{err}");
}

#[test]
fn missing_rule_file() {
    let out = run(&["map", REFERENCE, "--rules", "tests/data/rules/nope.rules"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: cannot read `tests/data/rules/nope.rules`: No such file or directory (os error 2)\n"
    );
}

fn map_error(name: &str, contents: &[u8], expected: &str) {
    let dir = tempdir();
    let input = dir.path().join(name);
    std::fs::write(&input, contents).expect("write input");
    let out = bin()
        .current_dir(dir.path())
        .args(["map", name, "-o", "out"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1), "{name}");
    assert_eq!(stderr(&out), expected);
    assert!(!dir.path().join("out").join("x.json").exists());
}

#[test]
fn bad_inputs_get_clear_errors() {
    map_error(
        "empty.txt",
        b"",
        "error: empty.txt: the input is empty: there is no text to map\n",
    );
    map_error(
        "blank.txt",
        b" \n\n\t",
        "error: blank.txt: the input holds only whitespace: there is no text to map\n",
    );
    map_error(
        "latin1.txt",
        b"Caf\xe9 society\nis \xe9lite",
        "error: latin1.txt: the input is not valid UTF-8: invalid byte 0xe9 at byte 3 (line 1, column 4)\n",
    );
    map_error(
        "image.png",
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
        // Binary detection comes first: a NUL byte says more than the first non-UTF-8 byte.
        "error: image.png: the input looks binary: it has a NUL byte at byte 8 (line 3, column 1)\n",
    );
    map_error(
        "nul.txt",
        b"text\0more",
        "error: nul.txt: the input looks binary: it has a NUL byte at byte 4 (line 1, column 5)\n",
    );
}

#[test]
fn huge_input_is_refused_without_reading_it() {
    let dir = tempdir();
    let f = std::fs::File::create(dir.path().join("huge.txt")).expect("create");
    f.set_len(50 * 1024 * 1024).expect("sparse 50 MB file");
    let out = bin()
        .current_dir(dir.path())
        .args(["map", "huge.txt", "-o", "out"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: huge.txt: the input is 52428800 bytes; toulmin reads at most 8388608 bytes (8 MiB) per article\n"
    );
}

#[test]
fn missing_input_and_unwritable_output() {
    let dir = tempdir();
    let out = bin()
        .current_dir(dir.path())
        .args(["map", "missing.txt", "-o", "out"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: cannot read missing.txt: No such file or directory (os error 2)\n"
    );

    std::fs::write(dir.path().join("a.txt"), "We should act now.").expect("write");
    std::fs::write(dir.path().join("blocker"), "").expect("write");
    let out = bin()
        .current_dir(dir.path())
        .args(["map", "a.txt", "-o", "blocker/sub"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: cannot create output directory blocker/sub: Not a directory (os error 20)\n"
    );
}

#[test]
fn output_never_overwrites_an_input() {
    let dir = tempdir();
    let text = "We should act now. Because delay costs lives.";
    std::fs::write(dir.path().join("note.dot"), text).expect("write");
    let out = bin()
        .current_dir(dir.path())
        .args(["map", "note.dot", "-o", ".", "--format", "dot"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: refusing to write ./note.dot: it is one of the inputs\n"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("note.dot"))
            .ok()
            .as_deref(),
        Some(text)
    );
}

#[test]
fn renderer_dot_without_graphviz_is_an_error_and_auto_falls_back() {
    let dir = tempdir();
    let d = dir.path().to_str().unwrap_or(".");
    let out = bin()
        .env("TOULMIN_DOT", "/nonexistent/dot")
        .args([
            "map",
            REFERENCE,
            "-o",
            d,
            "--renderer",
            "dot",
            "--format",
            "svg",
        ])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: Graphviz `dot` was not found (/nonexistent/dot: No such file or directory (os error 2)); install graphviz (e.g. `apt-get install graphviz`) or use --renderer builtin\n"
    );
    let out = bin()
        .env("TOULMIN_DOT", "/nonexistent/dot")
        .args(["map", REFERENCE, "-o", d, "--format", "svg"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        "note: Graphviz `dot` not found: drew the SVG with the built-in renderer, which lays out the same picture (install graphviz for PNG output and Graphviz's own layout)\n"
    );
    let svg = std::fs::read_to_string(dir.path().join("ipcs-us-north-korea-2018.svg"))
        .expect("svg written");
    assert!(svg.contains("<svg") && svg.contains("id=\"node-u1\""));
}

fn map_reference(dir: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "map",
        REFERENCE,
        "-o",
        dir.to_str().unwrap_or("."),
        "--format",
        "json,dot",
    ];
    args.extend_from_slice(extra);
    run(&args)
}

#[test]
fn reference_article_summary_and_determinism() {
    let (a, b) = (tempdir(), tempdir());
    let out = map_reference(a.path(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let summary = stdout(&out);
    assert!(
        summary.starts_with("ipcs-us-north-korea-2018.txt\n  thesis (u"),
        "{summary}"
    );
    assert!(
        summary.contains("smooth inter-Korean relations and cooperative US diplomacy"),
        "{summary}"
    );
    assert!(
        summary.contains("relations: ") && summary.contains(" attack\n"),
        "{summary}"
    );
    map_reference(b.path(), &[]);
    for ext in ["json", "dot"] {
        let name = format!("ipcs-us-north-korea-2018.{ext}");
        let x = std::fs::read(a.path().join(&name)).expect("first run output");
        let y = std::fs::read(b.path().join(&name)).expect("second run output");
        assert!(x == y, "{name} differs between two runs");
    }
}

/// The committed maps in output/ must be what the current code and grammar produce.
#[test]
fn committed_reference_outputs_are_current() {
    let dir = tempdir();
    let out = map_reference(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    for ext in ["json", "dot"] {
        let name = format!("ipcs-us-north-korea-2018.{ext}");
        let fresh = std::fs::read_to_string(dir.path().join(&name)).expect("fresh output");
        let committed =
            std::fs::read_to_string(PathBuf::from("output").join(&name)).unwrap_or_default();
        assert!(
            fresh == committed,
            "output/{name} is stale: run `cargo run --release -- map {REFERENCE} --format json,dot,png` and commit it"
        );
    }
}

#[test]
fn jsonl_batch_reports_bad_records_by_line_and_runs_the_rest() {
    let dir = tempdir();
    let input = dir.path().join("in.jsonl");
    std::fs::write(
        &input,
        "{\"id\":\"a\",\"text\":\"We should act. Because delay costs lives.\"}\nnot json\n{\"id\":2,\"text\":\"\"}\n{\"id\":\"c\",\"text\":\"Fine words are cheap.\"}\n",
    )
    .expect("write");
    let out = run(&["map", "--jsonl", input.to_str().unwrap_or("")]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    let shown = input.display().to_string();
    assert_eq!(
        err,
        format!(
            "error: {shown}:2: not a {{\"id\",\"text\"}} record: expected ident at line 1 column 2\nerror: {shown}:3: the input is empty: there is no text to map\n"
        )
    );
    let lines: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each output line is JSON"))
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["source"]["name"], "a");
    assert_eq!(lines[1]["source"]["name"], "c");
}

#[test]
fn directory_and_stdin_inputs() {
    let dir = tempdir();
    let d = dir.path().to_str().unwrap_or(".");
    let out = run(&["map", "corpus", "-o", d, "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let corpus: Vec<_> = std::fs::read_dir("corpus")
        .expect("corpus")
        .flatten()
        .collect();
    let written = std::fs::read_dir(dir.path())
        .expect("out")
        .flatten()
        .count();
    assert_eq!(written, corpus.len(), "one map per article");

    use std::io::Write;
    let mut child = bin()
        .args(["map", "-", "-o", d, "--format", "json"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"Cities should price congestion. Critics say it hurts the poor. But revenue can fund buses.")
        .expect("write stdin");
    let out = child.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(0));
    let map: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("stdin.json")).expect("stdin.json"),
    )
    .expect("json");
    assert_eq!(map["units"][0]["role"], "thesis");
}

#[test]
fn default_grammar_examples_all_pass() {
    let out = run(&["rules", "test"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).ends_with(" passed, 0 failed\n"));
}

#[test]
fn rules_test_reports_a_failing_example_with_its_location_and_reason() {
    let out = run(&["rules", "test", "tests/data/rules/failing_example.rules"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stdout(&out),
        "FAIL praise_is_claim (tests/data/rules/failing_example.rules:6:7): yes \"The plan is fine.\"
     did not fire on \"The plan is fine.\": `contains praise` did not hold
1 passed, 1 failed
"
    );
}

#[test]
fn explain_names_rules_roles_and_link_candidates() {
    let out = run(&["explain", REFERENCE, "--unit", "u1"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(text.contains("u1 background"), "{text}");
    assert!(text.contains("title_line"), "{text}");
    let out = run(&["explain", REFERENCE, "--unit", "u999"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out)
        .starts_with("error: ipcs-us-north-korea-2018.txt: no unit `u999`; units are u1 to u"));
}

#[test]
fn jsonl_output_never_overwrites_its_input() {
    let dir = tempdir();
    let input = dir.path().join("in.jsonl");
    let record = "{\"id\":\"a\",\"text\":\"We should act.\"}\n";
    std::fs::write(&input, record).expect("write");
    let p = input.to_str().unwrap_or("");
    let out = run(&["map", "--jsonl", p, "-o", p]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        format!("error: refusing to write {p}: it is the input\n")
    );
    assert_eq!(
        std::fs::read_to_string(&input).ok().as_deref(),
        Some(record)
    );
}

/// A map too large to lay out in reasonable time gets a stand-in diagram and a warning, not a
/// hang: the JSON and DOT still hold everything.
#[test]
fn huge_map_diagram_is_omitted_with_a_warning() {
    let dir = tempdir();
    let text: String = (0..2600)
        .map(|i| format!("Point number {i} should be weighed carefully. "))
        .collect();
    std::fs::write(dir.path().join("long.txt"), text).expect("write");
    let out = bin()
        .current_dir(dir.path())
        .args([
            "map",
            "long.txt",
            "-o",
            "out",
            "--renderer",
            "builtin",
            "--format",
            "json,svg",
        ])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        "warning: long.txt: the map has 2600 units; diagrams are drawn for at most 2500 (the layout would take minutes), so the SVG only says so: the JSON and DOT hold the whole map\n"
    );
    let svg = std::fs::read_to_string(dir.path().join("out/long.svg")).expect("svg");
    assert!(svg.contains("Diagram omitted: 2600 units"));
    let json = std::fs::read_to_string(dir.path().join("out/long.json")).expect("json");
    assert_eq!(json.matches("\"id\": \"u").count(), 2600);
}

/// Regression: `explain … | head` panicked ("failed printing to stdout: Broken pipe") with a
/// backtrace and exit code 101. The reader here goes away before the first byte is written,
/// so the write meets a closed pipe whatever the size of the explanation.
#[test]
fn explain_piped_into_head_stops_quietly() {
    let mut child = bin()
        .args(["explain", "corpus/four-day-week.txt"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("runs");
    drop(child.stdout.take());
    let output = child.wait_with_output().expect("exits");
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(output.status.code(), Some(0), "{err}");
}

/// The same for a batch whose maps stream to standard output (`map --jsonl … | head -1`): it
/// said "cannot write to standard output: Broken pipe" and exited 1.
#[test]
fn a_batch_piped_into_head_stops_quietly() {
    let mut child = bin()
        .args(["map", "--jsonl", "tests/data/corpus_gold.jsonl"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("runs");
    drop(child.stdout.take());
    let output = child.wait_with_output().expect("exits");
    let err = String::from_utf8_lossy(&output.stderr);
    assert_eq!(err, "");
    assert_eq!(output.status.code(), Some(0));
}

/// Regression: with standard error closed (`2>&1 >/dev/null | head -1`), a batch with a bad
/// input panicked (exit 101) or hung when it came to report the failure.
#[test]
fn a_closed_standard_error_does_not_stop_a_batch() {
    let dir = tempdir();
    std::fs::write(
        dir.path().join("good.txt"),
        "Tariffs must go. They raise prices.\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("bad.txt"), [0u8, 1, 2, 3]).unwrap();
    let mut child = bin()
        .args(["map", "-q", "--format", "json", "-o"])
        .arg(dir.path().join("out"))
        .arg(dir.path().join("good.txt"))
        .arg(dir.path().join("bad.txt"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("runs");
    drop(child.stderr.take());
    let status = child.wait().expect("exits");
    assert_eq!(status.code(), Some(1), "one input failed; no panic");
    assert!(dir.path().join("out/good.json").is_file());
}

/// Regression: `eval -o` wrote its report over the gold file (or a rule file) it had just read.
#[test]
fn eval_refuses_to_write_its_report_over_an_input() {
    let dir = tempdir();
    let gold = dir.path().join("gold.jsonl");
    std::fs::copy("tests/data/corpus_gold.jsonl", &gold).unwrap();
    let rules = dir.path().join("extra.rules");
    std::fs::write(&rules, "# nothing\n").unwrap();
    for target in [&gold, &rules] {
        let before = std::fs::read(target).unwrap();
        let o = bin()
            .args(["eval", "--gold"])
            .arg(&gold)
            .arg("--rules")
            .arg(&rules)
            .arg("-o")
            .arg(target)
            .output()
            .expect("runs");
        assert_eq!(o.status.code(), Some(1));
        assert!(
            stderr(&o).contains("the report would overwrite an input"),
            "{}",
            stderr(&o)
        );
        assert_eq!(std::fs::read(target).unwrap(), before, "left as it was");
    }
}

/// Regression: Ctrl-C (or SIGTERM) while an output was being written left its temporary
/// `.toulmin-*.tmp` file behind, 28 MB of it for a large batch.
#[cfg(unix)]
#[test]
fn ctrl_c_leaves_no_temporary_file() {
    let dir = tempdir();
    let article = std::fs::read_to_string(REFERENCE).unwrap();
    let record = serde_json::json!({ "id": "doc", "text": article }).to_string();
    // Enough records that the batch is still writing when the signal comes.
    let batch: String = (0..4000).map(|_| format!("{record}\n")).collect();
    std::fs::write(dir.path().join("batch.jsonl"), batch).unwrap();
    let out = dir.path().join("mapped.jsonl");
    let child = bin()
        .args(["map", "-q", "-j", "1", "--jsonl"])
        .arg(dir.path().join("batch.jsonl"))
        .arg("-o")
        .arg(&out)
        .spawn()
        .expect("runs");
    // The signal comes once the output is being written, whatever the machine's speed.
    let temporary = || {
        std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".toulmin-"))
            .collect::<Vec<String>>()
    };
    let started = std::time::Instant::now();
    while temporary().is_empty() {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(60),
            "the batch never started writing"
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    let status = child.wait_with_output().expect("exits").status;
    assert_eq!(status.code(), Some(130), "stopped by the signal, mid-batch");
    let left = temporary();
    assert!(left.is_empty(), "left behind: {left:?}");
    assert!(!out.exists(), "no half-written output");
}

/// Regression: `map -o . p.html` refused to write over its input p.html only after it had
/// written p.json, p.dot and p.svg; and a PNG that could not be drawn failed after the other
/// formats were written, once per input. Both now fail before anything is written.
#[test]
fn a_refused_run_writes_nothing() {
    let dir = tempdir();
    let article = std::fs::read_to_string(REFERENCE).unwrap();
    std::fs::write(dir.path().join("p.html"), format!("<p>{article}</p>")).unwrap();
    let o = bin()
        .current_dir(dir.path())
        .args(["map", "p.html", "-o", "."])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("refusing to write ./p.html: it is one of the inputs"));
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["p.html"]);

    let out = dir.path().join("out");
    let o = bin()
        .args([
            "map",
            REFERENCE,
            "--format",
            "json,png",
            "--renderer",
            "builtin",
            "-o",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "error: the built-in renderer draws SVG only; PNG needs Graphviz: use --renderer auto or dot, or leave png out of --format\n"
    );
    assert!(!out.exists(), "nothing written, not even the directory");
}

/// Regression: a `dot` that exits 0 but is not Graphviz had its output written as the SVG.
#[cfg(unix)]
#[test]
fn a_dot_that_writes_no_svg_is_an_error_not_a_drawing() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempdir();
    let fake = dir.path().join("fake-dot");
    std::fs::write(&fake, "#!/bin/sh\necho 'hello from a stub'\n").unwrap();
    // It reads nothing: the DOT written to it meets a closed pipe, or not, by timing; the
    // error must be the same either way.
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = dir.path().join("out");
    let o = bin()
        .env("TOULMIN_DOT", &fake)
        .args([
            "map",
            REFERENCE,
            "--format",
            "svg",
            "--renderer",
            "dot",
            "-o",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("-Tsvg exited 0 but wrote no SVG"),
        "{}",
        stderr(&o)
    );
    assert!(!out.join("ipcs-us-north-korea-2018.svg").exists());
}

/// `-o` naming a file gets a message that says what map writes instead of "File exists".
#[test]
fn map_output_that_is_a_file_says_a_directory_is_needed() {
    let dir = tempdir();
    let file = dir.path().join("taken.txt");
    std::fs::write(&file, "x").unwrap();
    let o = bin()
        .args(["map", REFERENCE, "-o"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("is a file, but map writes a directory of outputs"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "x");
}

/// `-o -` made a directory called `-`: standard output holds one stream, not a file per format.
#[test]
fn map_output_dash_without_jsonl_says_a_directory_is_needed() {
    let dir = tempdir();
    let o = bin()
        .current_dir(dir.path())
        .args(["map"])
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join(REFERENCE))
        .args(["-o", "-"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("-o -: map writes a directory of outputs"),
        "{}",
        stderr(&o)
    );
    assert!(!dir.path().join("-").exists());
}

/// `serve --gold` names a missing file: said at startup, not when "Tune on gold…" is pressed.
#[test]
fn serve_checks_its_gold_at_startup() {
    let o = run(&["serve", REFERENCE, "--gold", "no-such-gold.jsonl"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "error: --gold no-such-gold.jsonl: no such file or directory\n"
    );
}

/// Gold that is not UTF-8 says where ("stream did not contain valid UTF-8" said nothing), and
/// reversed offsets are called reversed, not "outside the text".
#[test]
fn eval_says_where_its_gold_is_broken() {
    let dir = tempdir();
    let latin = dir.path().join("latin.jsonl");
    std::fs::write(&latin, b"{\"id\": \"a\"}\n{\"id\": \"caf\xe9\"}\n").unwrap();
    let o = bin().args(["eval", "--gold"]).arg(&latin).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).ends_with("is not valid UTF-8: invalid byte 0xe9 at line 2, column 12\n"),
        "{}",
        stderr(&o)
    );
    let reversed = dir.path().join("reversed.jsonl");
    let record = serde_json::json!({
        "id": "r", "corpus": "cdcp", "text": "We should act now.",
        "units": [{"id": "p0", "start": 10, "end": 3, "type": "policy", "text": "x"}],
        "relations": []
    });
    std::fs::write(&reversed, format!("{record}\n")).unwrap();
    let o = bin()
        .args(["eval", "--gold"])
        .arg(&reversed)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("unit p0 has offsets 10..3: the start must come before the end"),
        "{}",
        stderr(&o)
    );
}

/// Regression: two inputs with one stem were named by their file names alone ("inputs
/// same.txt and same.txt would both write …"), and the same file given twice looked the same.
#[test]
fn clashing_inputs_are_named_by_their_paths() {
    let dir = tempdir();
    for sub in ["d1", "d2"] {
        std::fs::create_dir(dir.path().join(sub)).unwrap();
        std::fs::copy(REFERENCE, dir.path().join(sub).join("same.txt")).unwrap();
    }
    let o = bin()
        .current_dir(dir.path())
        .args(["map", "d1/same.txt", "d2/same.txt", "-o", "out"])
        .output()
        .unwrap();
    assert_eq!(
        stderr(&o),
        "error: inputs d1/same.txt and d2/same.txt would both write out/same.*; map them into different directories\n"
    );
    let o = bin()
        .current_dir(dir.path())
        .args(["map", "d1/same.txt", "./d1/same.txt", "-o", "out"])
        .output()
        .unwrap();
    assert_eq!(
        stderr(&o),
        "error: ./d1/same.txt is given twice; each input is mapped once\n"
    );
}
