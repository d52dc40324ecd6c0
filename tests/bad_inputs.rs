//! The README's bad-input table, one test per row, each comparing the exact message a user
//! sees (and the exit code). Keep the table in the README and these tests in step.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

fn bin(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_toulmin"));
    c.current_dir(dir);
    c
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Maps `name` holding `contents` in a fresh directory; returns (dir, output).
fn map_file(name: &str, contents: &[u8], extra: &[&str]) -> (tempfile::TempDir, Output) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(name), contents).unwrap();
    let out = bin(dir.path())
        .args(["map", name, "-o", "out"])
        .args(extra)
        .output()
        .unwrap();
    (dir, out)
}

fn refused(name: &str, contents: &[u8], expected: &str) {
    let (dir, out) = map_file(name, contents, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(stderr(&out), expected);
    let written = std::fs::read_dir(dir.path().join("out")).map_or(0, |d| d.count());
    assert_eq!(written, 0, "nothing is written");
}

/// Maps with the default formats and returns the map JSON.
fn mapped(name: &str, contents: &[u8], extra: &[&str]) -> (tempfile::TempDir, serde_json::Value) {
    let (dir, out) = map_file(name, contents, extra);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let stem = Path::new(name)
        .file_stem()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let json =
        std::fs::read_to_string(dir.path().join("out").join(format!("{stem}.json"))).unwrap();
    (dir, serde_json::from_str(&json).unwrap())
}

/// Every unit's text is the input's characters start..end, with the text as read (BOM dropped).
fn assert_offsets(map: &serde_json::Value, text_as_read: &str) {
    let chars: Vec<char> = text_as_read.chars().collect();
    for u in map["units"].as_array().unwrap() {
        let (s, e) = (
            u["start"].as_u64().unwrap() as usize,
            u["end"].as_u64().unwrap() as usize,
        );
        let covered: String = chars[s..e].iter().collect();
        assert_eq!(covered, u["text"].as_str().unwrap());
    }
}

const ARTICLE: &str = "We should act now. Because delay costs lives, the city must move. \
    However, critics say the plan is too expensive. But the cost of waiting is higher.";

#[test]
fn empty_file() {
    refused(
        "empty.txt",
        b"",
        "error: empty.txt: the input is empty: there is no text to map\n",
    );
}

#[test]
fn whitespace_only_file() {
    refused(
        "blank.txt",
        b" \r\n\n\t ",
        "error: blank.txt: the input holds only whitespace: there is no text to map\n",
    );
}

#[test]
fn binary_file() {
    refused(
        "photo.jpg",
        b"\xff\xd8\xff\xe0\0\x10JFIF",
        // Columns count characters; the four bytes before the NUL are not UTF-8, so each counts as one.
        "error: photo.jpg: the input looks binary: it has a NUL byte at byte 4 (line 1, column 5)\n",
    );
}

#[test]
fn invalid_utf8() {
    refused(
        "latin1.txt",
        b"Caf\xe9 society\nis \xe9lite",
        "error: latin1.txt: the input is not valid UTF-8: invalid byte 0xe9 at byte 3 (line 1, column 4)\n",
    );
}

#[test]
fn bom_and_crlf_offsets_count_characters_of_the_text_without_the_bom() {
    let text = ARTICLE.replace(". ", ".\r\n");
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(text.as_bytes());
    let (_dir, map) = mapped("bom.txt", &bytes, &["--format", "json"]);
    // The BOM is dropped; CR LF stays in the text and counts as two characters.
    assert_eq!(map["source"]["chars"], text.chars().count());
    assert_offsets(&map, &text);
    let second = &map["units"][1];
    assert_eq!(second["start"], text.find("Because").unwrap());
}

#[test]
fn exactly_8_mib_is_read() {
    // The limit itself is allowed. One long sentence, so that the test checks reading, not how
    // fast a debug build maps 150,000 sentences.
    let mut text = String::from("We should act now");
    while text.len() < 8 * 1024 * 1024 - 80 {
        text.push_str(" and the city must move on the road to a better life for all of us");
    }
    while text.len() < 8 * 1024 * 1024 - 1 {
        text.push(' ');
    }
    text.push('.');
    assert_eq!(text.len(), 8 * 1024 * 1024);
    let (_dir, map) = mapped("limit.txt", text.as_bytes(), &["--format", "json"]);
    assert_eq!(map["source"]["chars"], 8 * 1024 * 1024);
}

#[test]
fn one_byte_over_8_mib_is_refused() {
    refused(
        "over.txt",
        &vec![b'a'; 8 * 1024 * 1024 + 1],
        "error: over.txt: the input is 8388609 bytes; toulmin reads at most 8388608 bytes (8 MiB) per article\n",
    );
}

#[test]
fn one_million_character_line() {
    // One sentence of a million characters (a text with no full stop or line break). A line of
    // many cue-bearing sentences is a question of speed (issue 9), not of reading.
    let mut text = String::from("We should act now");
    while text.chars().count() < 1_000_000 {
        text.push_str(" and the city must move on the road to a better life for all of us");
    }
    text.push('.');
    let (_dir, map) = mapped("line.txt", text.as_bytes(), &["--format", "json"]);
    let units = map["units"].as_array().unwrap();
    // Past 512 KiB a text is mapped in parts (README, "Long texts"), and a sentence with no end
    // in 128 KiB is cut between words: the line is a few units, end to end, nothing left out.
    assert!((2..=20).contains(&units.len()), "{} units", units.len());
    assert_eq!(units[0]["start"], 0);
    assert_eq!(units[units.len() - 1]["end"], text.chars().count());
    let chars: Vec<char> = text.chars().collect();
    for pair in units.windows(2) {
        let (end, start) = (pair[0]["end"].as_u64(), pair[1]["start"].as_u64());
        let (Some(end), Some(start)) = (end, start) else {
            panic!("units without offsets: {pair:?}")
        };
        assert!(chars[end as usize..start as usize]
            .iter()
            .all(|c| c.is_whitespace()));
    }
    assert_offsets(&map, &text);
}

#[test]
fn missing_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = bin(dir.path())
        .args(["map", "missing.txt", "-o", "out"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: cannot read missing.txt: No such file or directory (os error 2)\n"
    );
}

#[test]
fn unwritable_output_directory() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), ARTICLE).unwrap();
    std::fs::write(dir.path().join("blocker"), "").unwrap();
    let out = bin(dir.path())
        .args(["map", "a.txt", "-o", "blocker/sub"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: cannot create output directory blocker/sub: Not a directory (os error 20)\n"
    );
}

#[test]
fn output_over_an_input() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("note.json"), ARTICLE).unwrap();
    let out = bin(dir.path())
        .args(["map", "note.json", "-o", ".", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: refusing to write ./note.json: it is one of the inputs\n"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("note.json")).unwrap(),
        ARTICLE
    );
}

#[cfg(unix)]
#[test]
fn symlink_output_pointing_at_an_input() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), ARTICLE).unwrap();
    std::fs::create_dir(dir.path().join("out")).unwrap();
    std::os::unix::fs::symlink("../a.txt", dir.path().join("out/a.json")).unwrap();
    let out = bin(dir.path())
        .args(["map", "a.txt", "-o", "out", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: refusing to write out/a.json: it is one of the inputs\n"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("a.txt")).unwrap(),
        ARTICLE
    );
}

/// Maps ARTICLE with `rules` loaded after the default grammar; returns stderr.
fn rule_failure(rules: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), ARTICLE).unwrap();
    std::fs::write(dir.path().join("mine.rules"), rules).unwrap();
    let out = bin(dir.path())
        .args(["map", "a.txt", "-o", "out", "--rules", "mine.rules"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(!dir.path().join("out").exists());
    stderr(&out)
}

#[test]
fn rule_syntax_error() {
    assert_eq!(
        rule_failure("lexicon a = [\"x\"\nrule r : claim 1 { when contains a }\n"),
        "error: expected `]`, found `rule`\n --> mine.rules:2:1\n  |\n2 | rule r : claim 1 { when contains a }\n  | ^^^^\n"
    );
}

#[test]
fn unknown_lexicon() {
    assert_eq!(
        rule_failure("lexicon contrast = [\"but\"]\nrule r : claim 1 { when starts_with contrat }\n"),
        "error: unknown lexicon `contrat`\n --> mine.rules:2:37\n  |\n2 | rule r : claim 1 { when starts_with contrat }\n  |                                     ^^^^^^^ did you mean `contrast`?\n"
    );
}

#[test]
fn invalid_regex() {
    assert_eq!(
        rule_failure("pattern p = /(\\d+/\n"),
        "error: invalid regex: unclosed group\n --> mine.rules:1:14\n  |\n1 | pattern p = /(\\d+/\n  |              ^\n"
    );
}

#[test]
fn cyclic_imports() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), ARTICLE).unwrap();
    std::fs::write(dir.path().join("a.rules"), "import \"b.rules\"\n").unwrap();
    std::fs::write(dir.path().join("b.rules"), "import \"a.rules\"\n").unwrap();
    let out = bin(dir.path())
        .args(["map", "a.txt", "-o", "out", "--rules", "a.rules"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let root = root.display();
    assert_eq!(
        stderr(&out),
        format!(
            "error: import cycle: {root}/a.rules imports {root}/b.rules imports {root}/a.rules\n \
             --> b.rules:1:8\n  |\n1 | import \"a.rules\"\n  |        ^^^^^^^^^\n"
        )
    );
}

#[test]
fn ten_thousand_rules() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), ARTICLE).unwrap();
    let mut rules = String::from("lexicon many_cues = [\"however\"]\n");
    for i in 0..10_000 {
        rules.push_str(&format!(
            "rule many_{i} : counterclaim 0.01 {{ when starts_with many_cues }}\n"
        ));
    }
    std::fs::write(dir.path().join("many.rules"), rules).unwrap();
    let out = bin(dir.path())
        .args([
            "map",
            "a.txt",
            "-o",
            "out",
            "--format",
            "json",
            "--rules",
            "many.rules",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let map: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("out/a.json")).unwrap())
            .unwrap();
    let however = map["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["text"].as_str().unwrap().starts_with("However"))
        .unwrap();
    // All 10,000 fired: 100 × 0.01 would be enough; the unit lists each one.
    assert_eq!(
        however["rules"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r.as_str().unwrap().starts_with("many_"))
            .count(),
        10_000
    );
}

#[test]
fn missing_dot() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), ARTICLE).unwrap();
    let out = bin(dir.path())
        .env("TOULMIN_DOT", "/nonexistent/dot")
        .args(["map", "a.txt", "-o", "out", "--renderer", "dot"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: Graphviz `dot` was not found (/nonexistent/dot: No such file or directory (os error 2)); install graphviz (e.g. `apt-get install graphviz`) or use --renderer builtin\n"
    );
}

const HOSTILE_HTML: &str = "<script>alert(1)</script> We should act now. \
    Because <img src=x onerror=alert(2)> delay costs lives, the city must move. \
    However, critics say \"</script><svg onload=alert(3)>\" is too expensive.";

#[test]
fn hostile_html_in_the_article() {
    let (dir, _) = mapped(
        "evil.txt",
        HOSTILE_HTML.as_bytes(),
        &["--format", "json,html,svg", "--renderer", "builtin"],
    );
    let html = std::fs::read_to_string(dir.path().join("out/evil.html")).unwrap();
    let svg = std::fs::read_to_string(dir.path().join("out/evil.svg")).unwrap();
    for (what, doc) in [("html", &html), ("svg", &svg)] {
        // The words stay as text (`&lt;img src=x onerror=...`), never as markup.
        for bad in ["<script>alert", "<img", "<svg onload", "</script><svg"] {
            assert!(!doc.contains(bad), "{what} holds {bad}");
        }
    }
    assert!(html.contains("&lt;img src=x onerror=alert(2)&gt;"));
}

#[test]
fn dot_breaking_quotes_and_backslashes_in_labels() {
    let text = "We should act \"now\\\" -> x [label=\\\"y]; because delay costs lives. \
                However, critics say a \\\\ backslash \\\"quote\\\" breaks it.";
    let (dir, map) = mapped("quotes.txt", text.as_bytes(), &["--format", "json,dot"]);
    assert_offsets(&map, text);
    let dot = std::fs::read_to_string(dir.path().join("out/quotes.dot")).unwrap();
    let parsed = graphviz_rust::parse(&dot);
    assert!(parsed.is_ok(), "{:?}\n{dot}", parsed.err());
    // And Graphviz itself reads it, when installed.
    if toulmin::render::dot_available() {
        let svg = toulmin::render::run_dot(&dot, "svg");
        assert!(svg.is_ok(), "{:?}", svg.err());
    }
}

#[test]
fn non_loopback_bind_warns() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), ARTICLE).unwrap();
    let mut child = bin(dir.path())
        .args([
            "serve",
            "a.txt",
            "--bind",
            "0.0.0.0",
            "--port",
            "0",
            "--renderer",
            "builtin",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stderr.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    child.kill().unwrap();
    let _ = child.wait();
    assert_eq!(
        line,
        "warning: listening on 0.0.0.0: anyone who can reach this address can read the inputs and overwrite the rules file (a grammar edited in the page reads only .rules and .tsv files from the rules file's directory)\n"
    );
}

#[test]
fn path_traversal_in_serve() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), ARTICLE).unwrap();
    let server = toulmin::serve::serve(toulmin::serve::ServeConfig {
        inputs: vec![dir.path().join("a.txt")],
        renderer: toulmin::render::Renderer::Builtin,
        ..Default::default()
    })
    .unwrap();
    let get = |addr: SocketAddr, path: &str| {
        let mut s = TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut raw = String::new();
        let _ = s.read_to_string(&mut raw);
        raw
    };
    let addr = server.addr();
    for path in [
        "/report/../../etc/passwd",
        "/../../etc/passwd",
        "/app.js/../../../etc/passwd",
    ] {
        let raw = get(addr, path);
        assert!(raw.starts_with("HTTP/1.1 404 "), "{path}: {raw}");
        assert!(raw.ends_with("\r\n\r\nnot found\n"), "{path}: {raw}");
    }
    let raw = get(addr, "/api/map/..%2F..%2Fetc%2Fpasswd");
    assert!(raw.starts_with("HTTP/1.1 404 "), "{raw}");
    assert!(
        raw.ends_with("{\"error\":\"no document with this number\"}"),
        "{raw}"
    );
    assert!(!raw.contains("root:"));
}
