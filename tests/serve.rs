//! `toulmin serve` in-process: every endpoint over real HTTP on 127.0.0.1, the escaping of user
//! text, the request guards, and the file watcher.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::Value;
use toulmin::render::Renderer;
use toulmin::serve::{serve, ServeConfig, Server};

const ARTICLE: &str = include_str!("../corpus/ipcs-us-north-korea-2018.txt");

/// A rule file that only adds a harmless lexicon.
const START_RULES: &str = "lexicon test_words = [\"placeholder\"]\n";

/// Makes every unit that mentions a satellite a counterclaim.
const SATELLITE_RULES: &str = "\
lexicon space_words = [\"satellite\", \"satellites\"]
rule about_space : counterclaim 5 {
  when contains space_words
  priority 9
}
";

struct Fixture {
    dir: tempfile::TempDir,
    server: Server,
}

impl Fixture {
    fn article(&self) -> PathBuf {
        self.dir.path().join("article.txt")
    }
    fn rules(&self) -> PathBuf {
        self.dir.path().join("mine.rules")
    }
    fn addr(&self) -> SocketAddr {
        self.server.addr()
    }
}

fn start_with(rules: &str, extra: impl FnOnce(&Path, &mut ServeConfig)) -> Fixture {
    let dir = tempfile::tempdir().expect("a temporary directory");
    std::fs::write(dir.path().join("article.txt"), ARTICLE).unwrap();
    std::fs::write(dir.path().join("mine.rules"), rules).unwrap();
    let mut config = ServeConfig {
        inputs: vec![dir.path().join("article.txt")],
        rule_files: vec![dir.path().join("mine.rules")],
        renderer: Renderer::Builtin,
        ..ServeConfig::default()
    };
    extra(dir.path(), &mut config);
    let server = serve(config).expect("the server starts");
    assert!(server.addr().ip().is_loopback());
    Fixture { dir, server }
}

fn start() -> Fixture {
    start_with(START_RULES, |_, _| {})
}

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// One HTTP/1.1 request on a fresh connection; `extra` are raw header lines.
fn request(addr: SocketAddr, method: &str, path: &str, extra: &[&str], body: &[u8]) -> Reply {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut head = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\n");
    if !extra
        .iter()
        .any(|h| h.to_ascii_lowercase().starts_with("host:"))
    {
        head.push_str(&format!("Host: {addr}\r\n"));
    }
    for h in extra {
        head.push_str(h);
        head.push_str("\r\n");
    }
    head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    s.write_all(head.as_bytes()).unwrap();
    // The server may answer (413) before the whole body is sent, and close.
    let _ = s.write_all(body);
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    parse_reply(&raw)
}

fn parse_reply(raw: &[u8]) -> Reply {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no header end in {:?}", String::from_utf8_lossy(raw)));
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status: u16 = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|c| c.parse().ok())
        .expect("a status line");
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    let chunked = headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    if chunked {
        body = dechunk(&body);
    }
    Reply {
        status,
        headers,
        body,
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = data.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(
            String::from_utf8_lossy(&data[..eol])
                .split(';')
                .next()
                .unwrap_or("0")
                .trim(),
            16,
        )
        .unwrap_or(0);
        if size == 0 {
            break;
        }
        let start = eol + 2;
        out.extend_from_slice(&data[start..(start + size).min(data.len())]);
        data = &data[(start + size + 2).min(data.len())..];
    }
    out
}

fn get(addr: SocketAddr, path: &str) -> Reply {
    request(addr, "GET", path, &[], b"")
}

fn put_grammar(addr: SocketAddr, text: &str) -> Reply {
    request(addr, "PUT", "/api/grammar", &[], text.as_bytes())
}

fn state(addr: SocketAddr) -> Value {
    let r = get(addr, "/api/state");
    assert_eq!(r.status, 200);
    r.json()
}

fn role_of_satellite_unit(addr: SocketAddr) -> String {
    let r = get(addr, "/api/map/0");
    assert_eq!(r.status, 200, "{}", r.text());
    let map = r.json();
    map["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| {
            u["text"]
                .as_str()
                .unwrap()
                .starts_with("However, satellite images")
        })
        .expect("the satellite unit")["role"]
        .as_str()
        .unwrap()
        .to_string()
}

/// How long a file change may take to show: a reload recompiles the grammar and remaps every
/// input, which in a debug build on a busy machine takes seconds, not milliseconds.
const SETTLE: Duration = Duration::from_secs(10);

fn wait_for(what: &str, limit: Duration, mut ok: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ok() {
        assert!(start.elapsed() < limit, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(25));
    }
}

#[test]
fn page_and_assets_are_served() {
    let f = start();
    let page = get(f.addr(), "/");
    assert_eq!(page.status, 200);
    assert!(page
        .header("content-type")
        .unwrap()
        .starts_with("text/html"));
    assert!(page.header("content-security-policy").is_some());
    assert!(page.text().contains("<textarea id=\"grammar\""));
    let js = get(f.addr(), "/app.js");
    assert_eq!(js.status, 200);
    assert!(js.header("content-type").unwrap().contains("javascript"));
    assert!(js.text().contains("EventSource"));
    assert_eq!(get(f.addr(), "/app.css").status, 200);
    assert_eq!(get(f.addr(), "/nothing-here").status, 404);
    assert_eq!(get(f.addr(), "/../../etc/passwd").status, 404);
    assert_eq!(get(f.addr(), "/report/..%2F..%2Fetc%2Fpasswd").status, 404);
    assert_eq!(get(f.addr(), "/report/%2e%2e").status, 404);
    assert_eq!(
        request(f.addr(), "DELETE", "/api/docs", &[], b"").status,
        405
    );
}

#[test]
fn docs_and_reports() {
    let f = start();
    let docs = get(f.addr(), "/api/docs");
    assert_eq!(docs.status, 200);
    let docs = docs.json();
    assert_eq!(docs.as_array().unwrap().len(), 1);
    assert_eq!(docs[0]["name"], "article.txt");
    assert_eq!(docs[0]["kind"], "file");
    assert!(docs[0]["error"].is_null());

    let report = get(f.addr(), "/report/0");
    assert_eq!(report.status, 200);
    assert!(report
        .header("content-type")
        .unwrap()
        .starts_with("text/html"));
    let html = report.text();
    assert!(
        html.contains("u1") && html.contains("u20"),
        "unit ids in the report"
    );
    assert!(html.contains("<svg"), "the diagram in the report");

    let map = get(f.addr(), "/api/map/0").json();
    assert_eq!(map["source"]["name"], "article.txt");
    assert!(map["units"].as_array().unwrap().len() > 10);

    for bad in [
        "/report/1",
        "/report/99999",
        "/report/-1",
        "/report/x",
        "/api/map/3",
    ] {
        assert_eq!(get(f.addr(), bad).status, 404, "{bad}");
    }

    // Pasting adds a document.
    let added = request(
        f.addr(),
        "POST",
        "/api/docs",
        &["Content-Type: application/json"],
        br#"{"name":"mine","text":"The city should scrap the stadium plan. It costs too much."}"#,
    );
    assert_eq!(added.status, 201, "{}", added.text());
    assert_eq!(added.json()["index"], 1);
    assert_eq!(get(f.addr(), "/api/docs").json()[1]["name"], "mine");
    assert_eq!(get(f.addr(), "/report/1").status, 200);
    let empty = request(f.addr(), "POST", "/api/docs", &[], br#"{"text":"   "}"#);
    assert_eq!(empty.status, 422);
    assert!(empty.json()["error"]
        .as_str()
        .unwrap()
        .contains("whitespace"));
    assert_eq!(
        request(f.addr(), "POST", "/api/docs", &[], b"not json").status,
        400
    );
}

#[test]
fn broken_grammar_keeps_the_last_good_one() {
    let f = start();
    let before_report = get(f.addr(), "/report/0").text();
    let before = state(f.addr());

    let broken =
        "lexicon test_words = [\"placeholder\"]\nrule broken : nonsense 1 {\n  when in title\n}\n";
    let r = put_grammar(f.addr(), broken);
    assert_eq!(r.status, 422, "{}", r.text());
    let v = r.json();
    let errors = v["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0]["line"], 2);
    assert_eq!(errors[0]["col"], 15);
    assert_eq!(errors[0]["len"], 8);
    assert_eq!(errors[0]["in_editor"], true);
    assert!(errors[0]["message"]
        .as_str()
        .unwrap()
        .contains("unknown role `nonsense`"));
    let rendered = errors[0]["rendered"].as_str().unwrap();
    let rules = f.rules().display().to_string();
    assert!(
        rendered.contains(&format!("{rules}:2:15")),
        "the real file name, not the temporary one: {rendered}"
    );
    assert!(rendered.contains("^^^^^^^^"));

    // The reports still use the last grammar that compiled.
    let after = state(f.addr());
    assert_eq!(after["grammar_gen"], before["grammar_gen"]);
    assert_eq!(after["grammar"]["diagnostics"].as_array().unwrap().len(), 1);
    assert_eq!(get(f.addr(), "/report/0").text(), before_report);
    assert_eq!(get(f.addr(), "/api/grammar").json()["text"], broken);

    // Invalid UTF-8 is refused outright.
    assert_eq!(
        request(f.addr(), "PUT", "/api/grammar", &[], b"rule \xff").status,
        400
    );
    // No temporary compile file is left behind.
    let leftovers: Vec<_> = std::fs::read_dir(f.dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(".toulmin"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn a_rule_change_changes_the_map_and_save_keeps_a_backup() {
    let f = start();
    assert_eq!(role_of_satellite_unit(f.addr()), "evidence");
    let report_before = get(f.addr(), "/report/0").text();
    let gen = state(f.addr())["grammar_gen"].as_u64().unwrap();

    let r = put_grammar(f.addr(), SATELLITE_RULES);
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json();
    assert_eq!(v["ok"], true);
    assert_eq!(v["dirty"], true);
    assert_eq!(v["grammar_gen"].as_u64().unwrap(), gen + 1);
    assert_eq!(role_of_satellite_unit(f.addr()), "counterclaim");
    assert_ne!(get(f.addr(), "/report/0").text(), report_before);

    // Nothing is written until Save.
    assert_eq!(std::fs::read_to_string(f.rules()).unwrap(), START_RULES);
    let saved = request(f.addr(), "POST", "/api/grammar/save", &[], b"");
    assert_eq!(saved.status, 200, "{}", saved.text());
    let v = saved.json();
    assert_eq!(v["dirty"], false);
    let bak = format!("{}.bak", f.rules().display());
    assert_eq!(v["backup"], bak.as_str());
    assert_eq!(std::fs::read_to_string(f.rules()).unwrap(), SATELLITE_RULES);
    assert_eq!(std::fs::read_to_string(&bak).unwrap(), START_RULES);

    // Our own write does not come back as an outside change.
    std::thread::sleep(Duration::from_millis(700));
    let s = state(f.addr());
    assert_eq!(s["grammar"]["conflict"], false);
    assert_eq!(s["grammar"]["dirty"], false);
    assert_eq!(role_of_satellite_unit(f.addr()), "counterclaim");
}

#[test]
fn scratch_rules_cannot_be_saved_without_a_target() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), ARTICLE).unwrap();
    let server = serve(ServeConfig {
        inputs: vec![dir.path().join("a.txt")],
        renderer: Renderer::Builtin,
        ..ServeConfig::default()
    })
    .unwrap();
    let g = get(server.addr(), "/api/grammar").json();
    assert_eq!(g["scratch"], true);
    assert_eq!(g["can_save"], false);
    assert!(g["text"].as_str().unwrap().starts_with("# Scratch rules"));
    let r = request(server.addr(), "POST", "/api/grammar/save", &[], b"");
    assert_eq!(r.status, 409);
    assert!(r.json()["error"].as_str().unwrap().contains("--save-to"));
    // Scratch rules extend the default grammar.
    assert_eq!(put_grammar(server.addr(), SATELLITE_RULES).status, 200);
    assert_eq!(role_of_satellite_unit(server.addr()), "counterclaim");
    let builtin = get(server.addr(), "/api/grammar/builtin");
    assert_eq!(builtin.status, 200);
    assert!(builtin.text().contains("grammar default"));
}

#[test]
fn scratch_rules_save_to_the_given_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), ARTICLE).unwrap();
    let target = dir.path().join("new.rules");
    let server = serve(ServeConfig {
        inputs: vec![dir.path().join("a.txt")],
        save_to: Some(target.clone()),
        renderer: Renderer::Builtin,
        ..ServeConfig::default()
    })
    .unwrap();
    assert_eq!(put_grammar(server.addr(), SATELLITE_RULES).status, 200);
    let r = request(server.addr(), "POST", "/api/grammar/save", &[], b"");
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r.json()["backup"].is_null());
    assert_eq!(std::fs::read_to_string(&target).unwrap(), SATELLITE_RULES);

    // An existing --save-to file is refused: it should be edited with --rules.
    let again = serve(ServeConfig {
        save_to: Some(target),
        ..ServeConfig::default()
    });
    assert!(again.err().unwrap().to_string().contains("--rules"));
}

#[test]
fn oversize_bodies_are_refused() {
    let f = start();
    let big = vec![b'a'; toulmin::serve::MAX_BODY_BYTES + 1];
    assert_eq!(
        put_grammar(f.addr(), &String::from_utf8(big).unwrap()).status,
        413
    );
    let mut paste = br#"{"text":""#.to_vec();
    paste.extend(std::iter::repeat_n(b'a', 3 * 1024 * 1024));
    paste.extend(br#""}"#);
    assert_eq!(
        request(f.addr(), "POST", "/api/docs", &[], &paste).status,
        413
    );
    // Only a header claiming a huge body: refused without reading it.
    let mut s = TcpStream::connect(f.addr()).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "PUT /api/grammar HTTP/1.1\r\nHost: {}\r\nContent-Length: 99999999999\r\nConnection: close\r\n\r\n",
        f.addr()
    )
    .unwrap();
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    assert_eq!(parse_reply(&raw).status, 413);
    // The grammar was not touched.
    assert_eq!(get(f.addr(), "/api/grammar").json()["text"], START_RULES);
}

#[test]
fn foreign_hosts_and_origins_are_refused() {
    let f = start();
    let r = request(f.addr(), "GET", "/api/state", &["Host: evil.example"], b"");
    assert_eq!(r.status, 403);
    let port = f.addr().port();
    let ok = request(
        f.addr(),
        "GET",
        "/api/state",
        &[&format!("Host: localhost:{port}")],
        b"",
    );
    assert_eq!(ok.status, 200);
    let r = request(
        f.addr(),
        "POST",
        "/api/grammar/save",
        &["Origin: http://evil.example"],
        b"",
    );
    assert_eq!(r.status, 403);
    assert_eq!(std::fs::read_to_string(f.rules()).unwrap(), START_RULES);
    let same = format!("Origin: http://{}", f.addr());
    let r = request(f.addr(), "POST", "/api/grammar/save", &[&same], b"");
    assert_eq!(r.status, 200);
}

#[test]
fn user_text_is_escaped() {
    let evil_name = "<img src=x onerror=alert(1)>";
    let f = start_with(START_RULES, |dir, config| {
        // An unreadable input whose name is markup: its error page must escape it.
        let bad = dir.join("x<b>bold<i>.txt");
        std::fs::write(&bad, b"binary\0data").unwrap();
        config.inputs.push(bad);
    });
    let body = serde_json::json!({
        "name": evil_name,
        "text": "<script>alert('pwned')</script> We should act now. \"</script><script>alert(2)</script>\" is what critics say.",
    })
    .to_string();
    let r = request(f.addr(), "POST", "/api/docs", &[], body.as_bytes());
    assert_eq!(r.status, 201, "{}", r.text());
    let index = r.json()["index"].as_u64().unwrap();
    let report = get(f.addr(), &format!("/report/{index}"));
    assert_eq!(report.status, 200);
    let html = report.text();
    assert!(!html.contains(evil_name), "the name is escaped");
    assert!(!html.contains("<script>alert"), "the text is escaped");
    assert!(!html.contains("<img src=x"));
    assert!(html.contains("&lt;script&gt;alert"));
    // The JSON lists carry the text as data, for the page to set with textContent.
    assert_eq!(get(f.addr(), "/api/docs").json()[2]["name"], evil_name);

    let bad = get(f.addr(), "/report/1");
    assert_eq!(bad.status, 422);
    let page = bad.text();
    assert!(page.contains("x&lt;b&gt;bold&lt;i&gt;.txt"), "{page}");
    assert!(!page.contains("<b>bold"));
    assert!(page.contains("NUL byte"));
    assert!(bad
        .header("content-security-policy")
        .unwrap()
        .contains("default-src 'none'"));
    // The page's own JavaScript never parses server text as markup.
    let js = get(f.addr(), "/app.js").text();
    assert!(!js.contains("innerHTML") && !js.contains("insertAdjacentHTML"));
}

#[test]
fn watcher_reloads_a_changed_article() {
    let f = start();
    let v0 = state(f.addr())["version"].as_u64().unwrap();
    let units_before = get(f.addr(), "/api/map/0").json()["units"]
        .as_array()
        .unwrap()
        .len();
    // Rewrite through a rename, as many editors save.
    let tmp = f.dir.path().join(".article.txt.swp");
    std::fs::write(
        &tmp,
        "We must act now. The plan is cheap. Critics say it fails.\n",
    )
    .unwrap();
    std::fs::rename(&tmp, f.article()).unwrap();
    wait_for("the article's new version", SETTLE, || {
        let s = state(f.addr());
        s["version"].as_u64().unwrap() > v0 && s["docs"][0]["rev"] == 1
    });
    let units_after = get(f.addr(), "/api/map/0").json()["units"]
        .as_array()
        .unwrap()
        .len();
    assert!(units_after < units_before);
    assert!(get(f.addr(), "/report/0")
        .text()
        .contains("We must act now"));
}

#[test]
fn watcher_reloads_rules_and_flags_conflicts() {
    let f = start();
    assert_eq!(role_of_satellite_unit(f.addr()), "evidence");
    let rev = state(f.addr())["grammar_rev"].as_u64().unwrap();
    std::fs::write(f.rules(), SATELLITE_RULES).unwrap();
    wait_for("the rules from disk", SETTLE, || {
        state(f.addr())["grammar_rev"].as_u64().unwrap() > rev
    });
    assert_eq!(
        get(f.addr(), "/api/grammar").json()["text"],
        SATELLITE_RULES
    );
    wait_for("the new map", SETTLE, || {
        role_of_satellite_unit(f.addr()) == "counterclaim"
    });

    // With unsaved edits in the page, a change on disk is flagged, not loaded.
    let edited = format!("{SATELLITE_RULES}# edited in the page\n");
    assert_eq!(put_grammar(f.addr(), &edited).status, 200);
    std::fs::write(f.rules(), START_RULES).unwrap();
    wait_for("the conflict flag", SETTLE, || {
        state(f.addr())["grammar"]["conflict"] == true
    });
    assert_eq!(
        get(f.addr(), "/api/grammar").json()["text"],
        edited.as_str()
    );
    // Reload takes the file.
    let r = request(f.addr(), "POST", "/api/grammar/revert", &[], b"");
    assert_eq!(r.status, 200, "{}", r.text());
    let g = get(f.addr(), "/api/grammar").json();
    assert_eq!(g["text"], START_RULES);
    assert_eq!(g["conflict"], false);
    assert_eq!(role_of_satellite_unit(f.addr()), "evidence");
}

/// Reads the stream up to the next `data:` line (chunk sizes and keep-alives are skipped).
fn next_version(reader: &mut BufReader<TcpStream>) -> u64 {
    loop {
        let mut line = String::new();
        let n = reader.read_line(&mut line).expect("an event within 5 s");
        assert!(n > 0, "the stream ended");
        if let Some(data) = line.trim().strip_prefix("data:") {
            let v: Value = serde_json::from_str(data.trim()).unwrap();
            return v["version"].as_u64().unwrap();
        }
    }
}

#[test]
fn events_stream_reports_each_change() {
    let f = start();
    let mut s = TcpStream::connect(f.addr()).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    write!(s, "GET /events HTTP/1.1\r\nHost: {}\r\n\r\n", f.addr()).unwrap();
    let mut reader = BufReader::new(s);
    let mut versions = Vec::new();
    let mut head = String::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        if line.trim().is_empty() {
            break;
        }
        head.push_str(&line);
    }
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(head
        .to_ascii_lowercase()
        .contains("content-type: text/event-stream"));
    versions.push(next_version(&mut reader));
    // A change from the file watcher.
    std::fs::write(f.article(), "We must act now. The plan is cheap.\n").unwrap();
    versions.push(next_version(&mut reader));
    // A change from an edit.
    assert_eq!(put_grammar(f.addr(), SATELLITE_RULES).status, 200);
    let now = state(f.addr())["version"].as_u64().unwrap();
    let mut last = next_version(&mut reader);
    while last < now {
        last = next_version(&mut reader);
    }
    versions.push(last);
    assert!(versions.windows(2).all(|w| w[0] < w[1]), "{versions:?}");
    // Stopping the server ends the stream.
    f.server.stop();
    let start = Instant::now();
    let mut rest = String::new();
    let _ = reader.read_to_string(&mut rest);
    assert!(start.elapsed() < Duration::from_secs(4));
}

#[test]
fn broken_rules_at_start_fall_back_and_are_shown() {
    let f = start_with(
        "rule oops : claim 1 {\n  when contains nowhere\n}\n",
        |_, _| {},
    );
    assert!(f
        .server
        .startup_notice
        .as_deref()
        .unwrap()
        .contains("does not compile"));
    let s = state(f.addr());
    let d = &s["grammar"]["diagnostics"][0];
    assert_eq!(d["line"], 2);
    assert_eq!(d["col"], 17);
    assert!(d["message"].as_str().unwrap().contains("unknown lexicon"));
    assert_eq!(get(f.addr(), "/report/0").status, 200);
}

#[test]
fn missing_inputs_and_other_interfaces() {
    let err = serve(ServeConfig {
        inputs: vec![PathBuf::from("/nonexistent/article.txt")],
        ..ServeConfig::default()
    })
    .err()
    .unwrap();
    assert!(err.to_string().contains("no such file"));
    // The default address is the loopback one.
    assert!(ServeConfig::default().bind.is_loopback());
}

#[test]
fn the_command_line_serves_until_stopped() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), ARTICLE).unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_toulmin"))
        .args(["serve", "a.txt", "--port", "0", "--renderer", "builtin"])
        .current_dir(dir.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://127.0.0.1:"))
        .unwrap_or_else(|| panic!("no URL in {line:?}"));
    let addr: SocketAddr = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .parse()
        .unwrap();
    let docs = get(addr, "/api/docs").json();
    assert_eq!(docs[0]["name"], "a.txt");
    assert_eq!(get(addr, "/report/0").status, 200);
    child.kill().unwrap();
    let _ = child.wait();

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_toulmin"))
        .args(["serve", "missing.txt", "--port", "0"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: missing.txt: no such file\n"
    );
}

#[test]
fn the_save_to_file_is_watched_once_written() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), ARTICLE).unwrap();
    let target = dir.path().join("new.rules");
    let server = serve(ServeConfig {
        inputs: vec![dir.path().join("a.txt")],
        save_to: Some(target.clone()),
        renderer: Renderer::Builtin,
        ..ServeConfig::default()
    })
    .unwrap();
    let addr = server.addr();
    // Reload with no file yet goes back to the starting text.
    assert_eq!(put_grammar(addr, "# mine\n").status, 200);
    assert_eq!(
        request(addr, "POST", "/api/grammar/revert", &[], b"").status,
        200
    );
    assert!(get(addr, "/api/grammar").json()["text"]
        .as_str()
        .unwrap()
        .starts_with("# Scratch rules"));
    // Created by another program: loaded, since the page has no unsaved edits.
    std::fs::write(&target, SATELLITE_RULES).unwrap();
    wait_for("the new file", SETTLE, || {
        get(addr, "/api/grammar").json()["text"] == SATELLITE_RULES
    });
    wait_for("the new map", SETTLE, || {
        role_of_satellite_unit(addr) == "counterclaim"
    });
}

/// Regression: a grammar sent to `PUT /api/grammar` could `import "/etc/passwd"` or
/// `tsv("/some/secret")`, and the diagnostics quoted the file's lines back. On a server open to
/// the network (`confine_edits`, which `serve --bind` sets for any non-loopback address), a
/// grammar edited in the page reads only `.rules` and `.tsv` files from its own directory.
#[test]
fn a_grammar_from_the_page_reads_no_file_outside_its_directory() {
    let f = start_with(START_RULES, |_, config| config.confine_edits = true);
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.txt");
    std::fs::write(&secret, "root:x:0:0:the secret line\n").unwrap();
    std::fs::write(
        f.dir.path().join("words.tsv"),
        "phrase\tfunction\nplaceholder\tX\n",
    )
    .unwrap();
    // A secret beside the rules is no rule file either.
    std::fs::write(f.dir.path().join(".env"), "TOKEN=the secret line\n").unwrap();
    for text in [
        format!("import \"{}\"\n", secret.display()),
        format!(
            "lexicon s = tsv(\"{}\", function = \"X\")\n",
            secret.display()
        ),
        "import \"../../../../../../../../etc/passwd\"\n".to_string(),
        "import \".env\"\n".to_string(),
    ] {
        let r = put_grammar(f.addr(), &text);
        assert_eq!(r.status, 422, "{text}: {}", r.text());
        let body = r.text();
        assert!(
            !body.contains("the secret line") && !body.contains("root:"),
            "{body}"
        );
        assert!(
            body.contains("reads only .rules files") || body.contains("reads only .tsv files"),
            "{body}"
        );
    }
    let inside = "lexicon w = tsv(\"words.tsv\", function = \"X\")\n";
    let r = put_grammar(f.addr(), inside);
    assert_eq!(r.status, 200, "{}", r.text());
}

/// A server for this machine only (the default) confines nothing: the user's own rules may
/// import from a directory above their own, as they can with `map`.
#[test]
fn a_local_server_reads_what_the_rules_import_from_anywhere() {
    let f = start();
    let outside = tempfile::tempdir().unwrap();
    let common = outside.path().join("common.rules");
    std::fs::write(&common, "lexicon shared = [\"placeholder\"]\n").unwrap();
    let r = put_grammar(f.addr(), &format!("import \"{}\"\n", common.display()));
    assert_eq!(r.status, 200, "{}", r.text());
}

/// Regression: a rules file saved with a byte-order mark had its diagnostics shown outside the
/// editor (the compiler keeps the text without the mark, and the match was on the text).
#[test]
fn a_byte_order_mark_keeps_diagnostics_in_the_editor() {
    let f = start();
    let r = put_grammar(
        f.addr(),
        "\u{feff}rule broken : nonsense 1 {\n  when in title\n}\n",
    );
    assert_eq!(r.status, 422, "{}", r.text());
    let v = r.json();
    assert_eq!(v["errors"][0]["in_editor"], true, "{v}");
    assert_eq!(v["errors"][0]["line"], 1);
}
