//! Rule files are code a user may get from someone else. Each hostile one either compiles
//! within the stated limits or stops with a clear diagnostic at file:line:col; none blocks,
//! reads without end, overflows the stack or runs out of memory.
//!
//! Loads run on a thread with a 2 MiB stack, the size of the blocking threads `serve` compiles
//! pasted grammars on, so stack overflows would show here.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use toulmin::grammar::{load, Diagnostics, Grammar, GrammarSpec, MAX_PHRASES};

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write");
    p
}

/// Loads `files` without the default grammar on a 2 MiB stack.
fn load_small_stack(files: Vec<PathBuf>) -> Result<Grammar, Diagnostics> {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            load(&GrammarSpec {
                without_default: true,
                files,
            })
        })
        .expect("spawn")
        .join()
        .expect("the load does not panic or overflow the stack")
}

/// (message, file:line:col) of the only error.
fn only_error(result: Result<Grammar, Diagnostics>) -> (String, String) {
    let d = match result {
        Ok(_) => panic!("expected an error"),
        Err(d) => d,
    };
    assert_eq!(d.errors.len(), 1, "{d}");
    let e = &d.errors[0];
    let at = if d.sources.files.get(e.span.file).is_some() {
        let loc = d.sources.location(e.span);
        loc.rsplit_once('/')
            .map_or(loc.clone(), |(_, f)| f.to_string())
    } else {
        String::new()
    };
    (e.kind.to_string(), at)
}

#[test]
fn import_of_dev_zero_is_refused_as_a_device() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "a.rules", "import \"/dev/zero\"\n");
    let (msg, at) = only_error(load_small_stack(vec![f]));
    assert_eq!(
        msg,
        "cannot read `/dev/zero`: /dev/zero is a character device, not a regular file; \
         a rule file must be a regular file"
    );
    assert_eq!(at, "a.rules:1:8");
}

#[test]
fn tsv_of_dev_zero_is_refused_as_a_device() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "a.rules",
        "lexicon x = [\"a\"]\nlexicon z = tsv(\"/dev/zero\", function = \"x\")\n",
    );
    let (msg, at) = only_error(load_small_stack(vec![f]));
    assert_eq!(
        msg,
        "cannot read `/dev/zero`: /dev/zero is a character device, not a regular file; \
         a tsv file must be a regular file"
    );
    assert_eq!(at, "a.rules:2:17");
}

#[test]
fn import_of_a_fifo_is_refused_without_blocking() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.rules");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let f = write(dir.path(), "a.rules", "import \"pipe.rules\"\n");
    let (msg, _) = only_error(load_small_stack(vec![f]));
    assert_eq!(
        msg,
        format!(
            "cannot read `pipe.rules`: {} is a FIFO (named pipe), not a regular file; \
             a rule file must be a regular file",
            fifo.display()
        )
    );
    // Given directly, too.
    let (msg, _) = only_error(load_small_stack(vec![fifo.clone()]));
    assert!(
        msg.contains("is a FIFO (named pipe), not a regular file"),
        "{msg}"
    );
}

#[test]
fn a_directory_given_as_rules_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (msg, at) = only_error(load_small_stack(vec![dir.path().to_path_buf()]));
    let shown = dir.path().display();
    assert_eq!(
        msg,
        format!(
            "cannot read `{shown}`: {shown} is a directory, not a regular file; \
             a rule file must be a regular file"
        )
    );
    assert_eq!(at, "");
}

#[test]
fn huge_rule_file_is_refused_before_reading() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.rules");
    // Sparse: takes no disk, but its size is what a real file of that size would report.
    std::fs::File::create(&big)
        .unwrap()
        .set_len(4 * 1024 * 1024 + 1)
        .unwrap();
    let f = write(dir.path(), "a.rules", "import \"big.rules\"\n");
    let (msg, at) = only_error(load_small_stack(vec![f]));
    assert_eq!(
        msg,
        format!(
            "cannot read `big.rules`: {}: the file is 4194305 bytes; a rule file may be at \
             most 4194304 bytes (4 MiB)",
            big.display()
        )
    );
    assert_eq!(at, "a.rules:1:8");
}

#[test]
fn huge_tsv_is_refused_before_reading() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.tsv");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(64 * 1024 * 1024 + 1)
        .unwrap();
    let f = write(
        dir.path(),
        "a.rules",
        "lexicon z = tsv(\"big.tsv\", function = \"x\")\n",
    );
    let (msg, at) = only_error(load_small_stack(vec![f]));
    assert_eq!(
        msg,
        format!(
            "cannot read `big.tsv`: {}: the file is 67108865 bytes; a tsv file may be at \
             most 67108864 bytes (64 MiB)",
            big.display()
        )
    );
    assert_eq!(at, "a.rules:1:17");
}

#[test]
fn ten_thousand_rules_compile() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("lexicon cue = [\"however\", \"because\"]\n");
    for i in 0..10_000 {
        let _ = writeln!(
            text,
            "rule r{i}: claim 0.{} {{ when starts_with cue and words > {} }}",
            i % 9 + 1,
            i % 40
        );
    }
    let f = write(dir.path(), "many.rules", &text);
    let g = load_small_stack(vec![f])
        .map_err(|d| d.to_string())
        .unwrap();
    assert_eq!(g.roles.len(), 10_000);
    assert_eq!(g.roles[9_999].name, "r9999");
}

#[test]
fn hundred_thousand_phrase_lexicon_compiles_and_matches() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("lexicon big = [");
    for i in 0..100_000 {
        let _ = write!(text, "\"cue{i} word\", ");
    }
    text.push_str("]\n");
    let f = write(dir.path(), "big.rules", &text);
    let g = load_small_stack(vec![f])
        .map_err(|d| d.to_string())
        .unwrap();
    assert_eq!(g.lexicons[0].phrases.len(), 100_000);
    let hits = g.scan("A cue99999 word here, and cue5 word there.");
    assert_eq!(hits.len(), 2, "{hits:?}");
}

#[test]
fn more_phrases_than_the_limit_is_a_diagnostic() {
    let dir = tempfile::tempdir().unwrap();
    let mut tsv = String::from("phrase\tfunction\n");
    for i in 0..=MAX_PHRASES {
        let _ = writeln!(tsv, "p{i}\tx");
    }
    write(dir.path(), "words.tsv", &tsv);
    let f = write(
        dir.path(),
        "a.rules",
        "lexicon small = [\"a\"]\nlexicon all = tsv(\"words.tsv\")\n",
    );
    let (msg, at) = only_error(load_small_stack(vec![f]));
    assert_eq!(
        msg,
        "the lexicons hold 250002 distinct phrases; toulmin takes at most 250000 \
         (the largest, `all`, has 250001)"
    );
    assert_eq!(at, "a.rules:2:9");
}

#[test]
fn million_row_tsv_loads_what_its_filter_selects() {
    let dir = tempfile::tempdir().unwrap();
    let mut tsv = String::with_capacity(24 << 20);
    tsv.push_str("phrase\tfunction\n");
    for i in 0..1_000_000 {
        let function = if i % 10 == 0 { "Keep" } else { "Drop" };
        let _ = writeln!(tsv, "phrase {i}\t{function}");
    }
    write(dir.path(), "million.tsv", &tsv);
    let f = write(
        dir.path(),
        "a.rules",
        "lexicon kept = tsv(\"million.tsv\", function = \"Keep\")\n",
    );
    let g = load_small_stack(vec![f])
        .map_err(|d| d.to_string())
        .unwrap();
    assert_eq!(g.lexicons[0].phrases.len(), 100_000);
}

#[test]
fn regex_with_huge_automaton_is_a_diagnostic_at_its_position() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "a.rules",
        "lexicon x = [\"a\"]\npattern big = /\\w{1000}{1000}/\n",
    );
    let (msg, at) = only_error(load_small_stack(vec![f]));
    assert_eq!(
        msg,
        "invalid regex: the regex compiles to more than 4194304 bytes (its size limit); \
         use fewer or smaller repetitions"
    );
    assert_eq!(at, "a.rules:2:15");
}

#[test]
fn huge_regex_in_a_tsv_filter_is_a_diagnostic() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "w.tsv", "phrase\tfunction\nbut\tx\n");
    let f = write(
        dir.path(),
        "a.rules",
        "lexicon x = tsv(\"w.tsv\", function ~ \"\\\\w{1000}{1000}\")\n",
    );
    let (msg, at) = only_error(load_small_stack(vec![f]));
    assert!(msg.starts_with("invalid regex: "), "{msg}");
    assert!(msg.contains("size limit"), "{msg}");
    assert_eq!(at, "a.rules:1:37");
}

#[test]
fn deep_lexicon_algebra_is_a_diagnostic() {
    let dir = tempfile::tempdir().unwrap();
    let terms: Vec<String> = (0..5_000).map(|i| format!("[\"w{i}\"]")).collect();
    let f = write(
        dir.path(),
        "a.rules",
        &format!("lexicon deep = {}\n", terms.join(" + ")),
    );
    let (msg, at) = only_error(load_small_stack(vec![f]));
    assert_eq!(
        msg,
        "a lexicon joins at most 1000 terms with `+` and `-`; put the phrases in one list or \
         a tsv file"
    );
    // The 1000th `+`: each term before it is `["wN"] + `.
    let col = 16 + terms[..1000].iter().map(|t| t.len() + 3).sum::<usize>() - 2;
    assert_eq!(at, format!("a.rules:1:{col}"));
}

#[test]
fn long_chain_of_lexicons_is_a_diagnostic() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("lexicon l0 = [\"a\"]\n");
    for i in 1..5_000 {
        let _ = writeln!(text, "lexicon l{i} = l{} + [\"w{i}\"]", i - 1);
    }
    let f = write(dir.path(), "a.rules", &text);
    let d = load_small_stack(vec![f]).expect_err("an error");
    let first = d.errors[0].kind.to_string();
    assert!(
        first.ends_with("is defined through more than 128 other lexicons, one inside the next"),
        "{first}"
    );
}

#[test]
fn deeply_nested_condition_is_a_diagnostic() {
    let dir = tempfile::tempdir().unwrap();
    for (what, cond) in [
        ("not", "not ".repeat(10_000) + "is_thesis"),
        (
            "parens",
            "(".repeat(10_000) + "is_thesis" + &")".repeat(10_000),
        ),
        ("prev", "prev.".repeat(10_000) + "is_thesis"),
    ] {
        let f = write(
            dir.path(),
            &format!("{what}.rules"),
            &format!("rule r: claim 1 {{ when {cond} }}\n"),
        );
        let (msg, _) = only_error(load_small_stack(vec![f]));
        assert_eq!(
            msg,
            "the condition nests deeper than 64 levels of `not`, `(` and `prev.`/`next.`/`sentence.`",
            "{what}"
        );
    }
}

#[test]
fn import_cycle_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(dir.path(), "a.rules", "import \"b.rules\"\n");
    write(
        dir.path(),
        "b.rules",
        "lexicon x = [\"y\"]\nimport \"a.rules\"\n",
    );
    let (msg, at) = only_error(load_small_stack(vec![a]));
    let root = std::fs::canonicalize(dir.path()).unwrap();
    assert_eq!(
        msg,
        format!(
            "import cycle: {0}/a.rules imports {0}/b.rules imports {0}/a.rules",
            root.display()
        )
    );
    assert_eq!(at, "b.rules:2:8");
}

#[test]
fn self_import_repeated_is_a_cycle_not_an_explosion() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(dir.path(), "a.rules", &"import \"a.rules\"\n".repeat(64));
    let d = load_small_stack(vec![a]).expect_err("an error");
    assert_eq!(d.errors.len(), 64);
    assert!(d
        .errors
        .iter()
        .all(|e| e.kind.to_string().starts_with("import cycle: ")));
}

#[test]
fn fan_out_of_imports_stops_at_the_file_limit() {
    // Each file imports the next one twice: 2^12 reads without a limit.
    let dir = tempfile::tempdir().unwrap();
    for i in 0..12 {
        write(
            dir.path(),
            &format!("f{i}.rules"),
            &format!("import \"f{0}.rules\"\nimport \"f{0}.rules\"\n", i + 1),
        );
    }
    write(dir.path(), "f12.rules", "lexicon x = [\"y\"]\n");
    let d = load_small_stack(vec![dir.path().join("f0.rules")]).expect_err("an error");
    assert!(
        d.sources.files.len() <= 256,
        "{} files read",
        d.sources.files.len()
    );
    assert!(d
        .errors
        .iter()
        .all(|e| e.kind.to_string() == "the grammar imports more than 256 rule files"));
}
