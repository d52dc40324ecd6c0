//! Batch mapping on all cores, run through the real binary: output in input order and the same
//! bytes for any number of workers, streaming from standard input, and a progress bar on a
//! terminal only.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

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

const SENTENCES: [&str; 6] = [
    "We should act now.",
    "Because delay costs lives, the council must fund the plan.",
    "However, critics say the money is better spent on roads.",
    "Yet roads alone will not cut emissions.",
    "In 2019 the city counted 40,000 cars a day.",
    "The plan is therefore the right choice.",
];

/// A JSONL batch of `n` records of varied length, with a few bad records among them.
fn batch(n: usize) -> String {
    let mut out = String::new();
    for i in 0..n {
        match i % 97 {
            13 => out.push_str("not json\n"),
            41 => out.push_str(&format!("{{\"id\":{i},\"text\":\"\"}}\n")),
            _ => {
                // Lengths vary a lot so that workers finish out of order.
                let len = 1 + (i * 7919) % 60;
                let text: Vec<&str> = (0..len).map(|k| SENTENCES[(i + k) % 6]).collect();
                let record = serde_json::json!({"id": format!("d{i}"), "text": text.join(" ")});
                out.push_str(&record.to_string());
                out.push('\n');
            }
        }
    }
    out
}

#[test]
fn jsonl_output_and_errors_are_the_same_bytes_for_any_number_of_workers() {
    let dir = tempdir();
    let input = dir.path().join("in.jsonl");
    std::fs::write(&input, batch(300)).expect("write");
    let path = input.to_str().unwrap_or("");
    let one = run(&["map", "--jsonl", path, "-j", "1"]);
    assert_eq!(
        one.status.code(),
        Some(1),
        "bad records make the exit code 1"
    );
    let ids: Vec<String> = String::from_utf8_lossy(&one.stdout)
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("JSON line");
            v["source"]["name"].as_str().unwrap_or("").to_string()
        })
        .collect();
    let expected: Vec<String> = (0..300)
        .filter(|i| i % 97 != 13 && i % 97 != 41)
        .map(|i| format!("d{i}"))
        .collect();
    assert_eq!(ids, expected, "maps come out in input order");
    let errors = String::from_utf8_lossy(&one.stderr).into_owned();
    assert_eq!(errors.lines().count(), 6, "{errors}");
    assert!(errors.starts_with(&format!("error: {path}:14: not a")));
    for jobs in ["2", "3", "8"] {
        let many = run(&["map", "--jsonl", path, "-j", jobs]);
        assert_eq!(many.status.code(), Some(1));
        assert!(many.stdout == one.stdout, "-j {jobs} changed the maps");
        assert_eq!(
            String::from_utf8_lossy(&many.stderr),
            errors,
            "-j {jobs} changed the errors"
        );
    }
    // Into a file: the same bytes, written atomically.
    let out = dir.path().join("out.jsonl");
    let to_file = run(&[
        "map",
        "--jsonl",
        path,
        "-j",
        "4",
        "-o",
        out.to_str().unwrap_or(""),
    ]);
    assert_eq!(to_file.status.code(), Some(1));
    assert!(std::fs::read(&out).expect("output written") == one.stdout);
    // With the maps in a file, standard output says how the run went.
    assert_eq!(
        String::from_utf8_lossy(&to_file.stdout),
        format!(
            "{} records mapped into {}; 6 failed (see the errors above)\n",
            expected.len(),
            out.display()
        )
    );
}

#[test]
fn directory_summaries_and_files_are_the_same_for_any_number_of_workers() {
    let dir = tempdir();
    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).expect("mkdir");
    for i in 0..12 {
        let text: Vec<&str> = (0..(3 + i * 5)).map(|k| SENTENCES[(i + k) % 6]).collect();
        std::fs::write(inputs.join(format!("a{i:02}.txt")), text.join(" ")).expect("write");
    }
    std::fs::write(inputs.join("a05.txt"), "").expect("an empty input among them");
    let map = |jobs: &str, out: &str| {
        run(&[
            "map",
            inputs.to_str().unwrap_or(""),
            "--format",
            "json,dot",
            "-j",
            jobs,
            "-o",
            &dir.path().join(out).to_string_lossy(),
        ])
    };
    let one = map("1", "one");
    let four = map("4", "four");
    assert_eq!(one.status.code(), Some(1));
    assert_eq!(four.status.code(), Some(1));
    let summary = |o: &Output| String::from_utf8_lossy(&o.stdout).replace("/four", "/one");
    assert_eq!(summary(&four), summary(&one));
    assert_eq!(four.stderr, one.stderr);
    assert!(String::from_utf8_lossy(&one.stderr).contains("a05.txt"));
    let stdout = String::from_utf8_lossy(&one.stdout).into_owned();
    // The run ends with its count; before it, each input's name and summary.
    let (body, last) = stdout.trim_end().rsplit_once('\n').expect("a summary line");
    assert_eq!(
        last,
        format!(
            "11 of 12 inputs mapped into {}; 1 failed (see the errors above)",
            dir.path().join("one").display()
        )
    );
    let names: Vec<&str> = body.lines().filter(|l| !l.starts_with(' ')).collect();
    let expected: Vec<String> = (0..12)
        .filter(|&i| i != 5)
        .map(|i| format!("a{i:02}.txt"))
        .collect();
    assert_eq!(names, expected);
    for i in (0..12).filter(|&i| i != 5) {
        for ext in ["json", "dot"] {
            let name = format!("a{i:02}.{ext}");
            let a = std::fs::read(dir.path().join("one").join(&name)).expect("written");
            let b = std::fs::read(dir.path().join("four").join(&name)).expect("written");
            assert!(a == b, "{name} differs between -j 1 and -j 4");
        }
    }
}

/// `-o -` wrote the maps into a file called `-` in the working directory.
#[test]
fn jsonl_output_dash_is_standard_output() {
    let dir = tempdir();
    let input = dir.path().join("in.jsonl");
    std::fs::write(&input, batch(2)).expect("write input");
    let out = bin()
        .current_dir(dir.path())
        .args(["map", "--jsonl", "in.jsonl", "-o", "-", "-q"])
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).expect("utf-8");
    assert_eq!(stdout.lines().count(), 2, "{stdout}");
    assert!(stdout
        .lines()
        .all(|l| l.starts_with("{\"schema\":\"toulmin/map@1\"")));
    assert!(!dir.path().join("-").exists());
}

#[test]
fn jsonl_from_stdin_writes_each_map_before_the_input_ends() {
    let mut child = bin()
        .args(["map", "--jsonl", "-", "-j", "2"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let mut stdin = child.stdin.take().expect("stdin");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if tx.send(line.unwrap_or_default()).is_err() {
                break;
            }
        }
    });
    for i in 0..3 {
        writeln!(
            stdin,
            "{}",
            serde_json::json!({"id": format!("live{i}"), "text": SENTENCES.join(" ")})
        )
        .expect("write a record");
        stdin.flush().expect("flush");
        // Standard input is still open: the map must come out now, not at the end.
        let line = rx
            .recv_timeout(Duration::from_secs(60))
            .unwrap_or_else(|_| panic!("no map for record {i} while the input stays open"));
        let map: serde_json::Value = serde_json::from_str(&line).expect("a JSON map");
        assert_eq!(map["source"]["name"], format!("live{i}"));
    }
    drop(stdin);
    assert!(child.wait().expect("exits").success());
    assert!(
        rx.recv_timeout(Duration::from_secs(10)).is_err(),
        "nothing more"
    );
}

/// Runs toulmin under `script`, which gives it a pseudo-terminal, and returns what the terminal
/// showed; None where `script` is not installed.
fn on_a_terminal(args: &str) -> Option<String> {
    let dir = tempdir();
    let log = dir.path().join("typescript");
    let command = format!("{} {args}", env!("CARGO_BIN_EXE_toulmin"));
    let status = Command::new("script")
        .args(["-q", "-e", "-c", &command])
        .arg(&log)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .ok()?;
    assert!(status.success(), "toulmin {args} failed under script");
    Some(String::from_utf8_lossy(&std::fs::read(&log).ok()?).into_owned())
}

/// A batch run whose stderr is a pipe succeeds and draws no progress bar there.
fn assert_quiet_on_a_pipe(piped: &std::process::Output) {
    assert!(piped.status.success());
    assert!(
        piped.stderr.is_empty(),
        "progress on a pipe: {:?}",
        piped.stderr
    );
}

#[test]
fn progress_shows_on_a_terminal_and_never_on_a_pipe_or_with_quiet() {
    let dir = tempdir();
    let input = dir.path().join("in.jsonl");
    let records: String = (0..40)
        .map(|i| {
            format!(
                "{}\n",
                serde_json::json!({"id": i, "text": SENTENCES.join(" ")})
            )
        })
        .collect();
    std::fs::write(&input, records).expect("write");
    let out = dir.path().join("out.jsonl");
    let args = format!("map --jsonl {} -o {}", input.display(), out.display());
    let Some(shown) = on_a_terminal(&args) else {
        eprintln!("skipped: `script` (util-linux) is not installed");
        return;
    };
    assert!(
        shown.contains("40 docs") && shown.contains("0 errors") && shown.contains("100%"),
        "no progress bar on the terminal: {shown:?}"
    );
    let quiet = on_a_terminal(&format!("{args} --quiet")).unwrap_or_default();
    assert!(!quiet.contains("docs"), "--quiet still drew: {quiet:?}");
    let piped = run(&[
        "map",
        "--jsonl",
        input.to_str().unwrap_or(""),
        "-o",
        out.to_str().unwrap_or(""),
    ]);
    assert_quiet_on_a_pipe(&piped);
}

#[test]
fn a_directory_shows_progress_by_documents_on_a_terminal_only() {
    let dir = tempdir();
    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).expect("mkdir");
    for i in 0..7 {
        std::fs::write(inputs.join(format!("d{i}.txt")), SENTENCES.join(" ")).expect("write");
    }
    let out = dir.path().join("out");
    let args = format!(
        "map {} -o {} --format json -j 2",
        inputs.display(),
        out.display()
    );
    let Some(shown) = on_a_terminal(&args) else {
        eprintln!("skipped: `script` (util-linux) is not installed");
        return;
    };
    assert!(
        shown.contains("7/7 docs") && shown.contains("0 errors"),
        "no progress bar on the terminal: {shown:?}"
    );
    let piped = run(&[
        "map",
        inputs.to_str().unwrap_or(""),
        "-o",
        out.to_str().unwrap_or(""),
        "--format",
        "json",
        "-j",
        "2",
    ]);
    assert_quiet_on_a_pipe(&piped);
    assert!(!String::from_utf8_lossy(&piped.stdout).contains("docs"));
}

#[test]
fn a_parallel_run_into_the_input_directory_never_overwrites_an_input() {
    let dir = tempdir();
    let page = "<html><body><p>We should act now. Because delay costs lives, the council must fund the plan.</p></body></html>";
    std::fs::write(dir.path().join("a.html"), page).expect("write");
    std::fs::write(dir.path().join("b.txt"), SENTENCES.join(" ")).expect("write");
    let folder = dir.path().to_str().unwrap_or("");
    let out = run(&["map", folder, "-o", folder, "--format", "html", "-j", "2"]);
    assert_eq!(out.status.code(), Some(1), "refusing an input is an error");
    let errors = String::from_utf8_lossy(&out.stderr);
    assert!(
        errors.contains("refusing to write") && errors.contains("a.html"),
        "{errors}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("a.html")).expect("still there"),
        page,
        "the input was overwritten"
    );
    assert!(
        dir.path().join("b.html").is_file(),
        "the other input is mapped"
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .expect("list")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

/// Regression: `map --jsonl … -o /dev/null` renamed its temporary file over the device, leaving
/// a plain file at /dev/null. A device or pipe given as the output is written in place; checked
/// with a named pipe, which a regression cannot break beyond the test's own directory.
#[cfg(unix)]
#[test]
fn output_to_a_device_or_pipe_is_written_in_place_not_replaced() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tempdir();
    let input = dir.path().join("in.jsonl");
    std::fs::write(
        &input,
        format!(
            "{}\n",
            serde_json::json!({"id": "a", "text": SENTENCES.join(" ")})
        ),
    )
    .expect("write");
    let fifo = dir.path().join("pipe");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("skipped: mkfifo is not available");
        return;
    }
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).expect("read the pipe"))
    };
    let out = run(&[
        "map",
        "--jsonl",
        input.to_str().expect("utf-8 path"),
        "-o",
        fifo.to_str().expect("utf-8 path"),
        "-q",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Checked before waiting for the reader, which would wait forever on a replaced pipe.
    let kind = std::fs::symlink_metadata(&fifo)
        .expect("still there")
        .file_type();
    assert!(kind.is_fifo(), "the pipe was replaced by {kind:?}");
    let read = reader.join().expect("reader thread");
    let map: serde_json::Value = serde_json::from_str(read.trim()).expect("one JSON map");
    assert_eq!(map["source"]["name"], "a");
}
