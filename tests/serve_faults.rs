//! `toulmin serve` under faults, on loopback only: SIGKILL in the middle of a save; hostile
//! requests that get clear 4xx answers; hostile pasted grammars.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use serde_json::Value;
use toulmin::render::Renderer;
use toulmin::serve::{serve, ServeConfig, BODY_TIMEOUT, MAX_BODY_BYTES};

/// Short, so that the test measures the server (locks, queues, connections, files) rather than
/// how fast a debug build maps a long article.
const ARTICLE: &str = "Charge drivers to enter the centre\n\n\
    Cities should charge drivers who enter the centre at peak hours. The evidence from \
    Stockholm and London is clear: traffic fell by a fifth within a year. However, critics \
    argue that a charge hurts the poor, who cannot pay it. Yet most of the poor already take \
    the bus, because they cannot afford a car. In fact, the revenue can pay for more buses.\n\n\
    Some say the charge is a tax on workers. But workers lose hours each week in traffic. \
    Therefore, a congestion charge is the fairest way to keep a city moving.\n";
const START_RULES: &str = "lexicon load_words = [\"placeholder\"]\n";

struct Reply {
    status: u16,
    head: String,
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
}

fn send(addr: SocketAddr, raw: &[u8]) -> Reply {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    // The server may answer (413) before the whole body is sent, and close.
    let _ = s.write_all(raw);
    let mut reply = Vec::new();
    let _ = s.read_to_end(&mut reply);
    let split = reply
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| {
            let line = String::from_utf8_lossy(&raw[..raw.len().min(80)]).into_owned();
            panic!(
                "no answer to {line:?}: {:?}",
                String::from_utf8_lossy(&reply)
            )
        });
    let head = String::from_utf8_lossy(&reply[..split]).into_owned();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .expect("a status line");
    let mut body = reply[split + 4..].to_vec();
    if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        body = dechunk(&body);
    }
    Reply { status, head, body }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = data.windows(2).position(|w| w == b"\r\n") {
        let size =
            usize::from_str_radix(String::from_utf8_lossy(&data[..eol]).trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        let start = eol + 2;
        out.extend_from_slice(&data[start..(start + size).min(data.len())]);
        data = &data[(start + size + 2).min(data.len())..];
    }
    out
}

fn request(addr: SocketAddr, method: &str, path: &str, headers: &[&str], body: &[u8]) -> Reply {
    let mut raw = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\n");
    if !headers
        .iter()
        .any(|h| h.to_ascii_lowercase().starts_with("host:"))
    {
        raw.push_str(&format!("Host: {addr}\r\n"));
    }
    for h in headers {
        raw.push_str(h);
        raw.push_str("\r\n");
    }
    raw.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    let mut raw = raw.into_bytes();
    raw.extend_from_slice(body);
    send(addr, &raw)
}

#[test]
fn hostile_requests_get_clear_4xx_answers() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("article.txt"), ARTICLE).unwrap();
    let rules = dir.path().join("mine.rules");
    std::fs::write(&rules, START_RULES).unwrap();
    let server = serve(ServeConfig {
        inputs: vec![dir.path().join("article.txt")],
        rule_files: vec![rules.clone()],
        renderer: Renderer::Builtin,
        ..ServeConfig::default()
    })
    .unwrap();
    let addr = server.addr();

    // Slow-loris body: a body announced and never finished is cut off after BODY_TIMEOUT, while
    // other requests are answered meanwhile.
    let slow = std::thread::spawn(move || {
        let mut s = TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(BODY_TIMEOUT + Duration::from_secs(20)))
            .unwrap();
        write!(
            s,
            "PUT /api/grammar HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 1000\r\n\r\nlexicon"
        )
        .unwrap();
        let started = Instant::now();
        let mut raw = Vec::new();
        let _ = s.read_to_end(&mut raw);
        (
            started.elapsed(),
            String::from_utf8_lossy(&raw).into_owned(),
        )
    });
    let quick = Instant::now();
    assert_eq!(request(addr, "GET", "/api/state", &[], b"").status, 200);
    assert!(quick.elapsed() < BODY_TIMEOUT);

    let cases: Vec<(&str, Reply, u16, &str)> = vec![
        (
            "foreign Host",
            request(addr, "GET", "/api/state", &["Host: evil.example"], b""),
            403,
            "this server only answers requests addressed to the address it listens on\n",
        ),
        (
            "foreign Origin",
            request(addr, "POST", "/api/grammar/save", &["Origin: http://evil.example"], b""),
            403,
            "requests that change anything must come from this server's own page\n",
        ),
        (
            "malformed JSON",
            request(addr, "POST", "/api/docs", &[], b"{\"text\": "),
            400,
            "{\"error\":\"expected {\\\"name\\\", \\\"text\\\"} as JSON: EOF while parsing a value at line 1 column 9\"}",
        ),
        (
            "JSON of the wrong shape",
            request(addr, "POST", "/api/docs", &[], b"[1, 2]"),
            400,
            "{\"error\":\"expected {\\\"name\\\", \\\"text\\\"} as JSON: invalid type: integer `1`, expected a string at line 1 column 2\"}",
        ),
        (
            "grammar not UTF-8",
            request(addr, "PUT", "/api/grammar", &[], b"rule \xff"),
            400,
            "{\"error\":\"the grammar is not valid UTF-8 (byte 5)\"}",
        ),
        (
            "path-like document",
            request(addr, "GET", "/report/..%2F..%2Fetc%2Fpasswd", &[], b""),
            404,
            "",
        ),
        (
            "path traversal",
            request(addr, "GET", "/api/map/../../../etc/passwd", &[], b""),
            404,
            "not found\n",
        ),
        (
            "encoded path traversal",
            request(addr, "GET", "/api/map/%2e%2e%2f%2e%2e%2fetc%2fpasswd", &[], b""),
            404,
            "{\"error\":\"no document with this number\"}",
        ),
        (
            "oversized body",
            request(addr, "POST", "/api/docs", &[], &vec![b' '; MAX_BODY_BYTES + 1]),
            413,
            "request bodies are limited to 2097152 bytes\n",
        ),
    ];
    for (what, reply, status, body) in cases {
        assert_eq!(reply.status, status, "{what}: {}", reply.text());
        if !body.is_empty() {
            assert_eq!(reply.text(), body, "{what}");
        }
    }
    // A chunked body that grows past the limit without announcing its length.
    let mut raw = format!(
        "PUT /api/grammar HTTP/1.1\r\nHost: {addr}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    )
    .into_bytes();
    let chunk = vec![b'#'; 1 << 20];
    for _ in 0..3 {
        raw.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        raw.extend_from_slice(&chunk);
        raw.extend_from_slice(b"\r\n");
    }
    raw.extend_from_slice(b"0\r\n\r\n");
    let r = send(addr, &raw);
    assert_eq!(r.status, 413, "{}", r.head);
    // A pasted name that looks like a path is only a label: nothing is written anywhere.
    let before: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    let body = serde_json::json!({"name": "../../etc/passwd", "text": "Cities should charge drivers because roads are full."});
    let r = request(addr, "POST", "/api/docs", &[], body.to_string().as_bytes());
    assert_eq!(r.status, 201);
    let docs = request(addr, "GET", "/api/docs", &[], b"").json();
    assert_eq!(docs[1]["name"], "../../etc/passwd");
    assert_eq!(docs[1]["path"], Value::Null);
    let after: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(before, after);
    // The grammar was never touched by any of it.
    assert_eq!(std::fs::read_to_string(&rules).unwrap(), START_RULES);

    let (waited, answer) = slow.join().unwrap();
    assert!(
        answer.starts_with("HTTP/1.1 408 "),
        "slow body answered with {answer:?}"
    );
    assert!(
        answer.ends_with("the request body did not arrive within 10 s\n"),
        "{answer}"
    );
    assert!(
        waited >= BODY_TIMEOUT - Duration::from_millis(500)
            && waited < BODY_TIMEOUT + Duration::from_secs(15)
    );
}

#[test]
fn a_hostile_pasted_grammar_does_not_hold_the_server() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("article.txt"), ARTICLE).unwrap();
    let server = serve(ServeConfig {
        inputs: vec![dir.path().join("article.txt")],
        save_to: Some(dir.path().join("saved.rules")),
        renderer: Renderer::Builtin,
        ..ServeConfig::default()
    })
    .unwrap();
    let addr = server.addr();
    let hostile = [
        (
            "import \"/dev/zero\"\n".to_string(),
            "is a character device, not a regular file",
        ),
        (
            "lexicon z = tsv(\"/dev/urandom\")\n".to_string(),
            "is a character device",
        ),
        ("pattern p = /\\w{1000}{1000}/\n".to_string(), "size limit"),
        (
            format!(
                "rule r: claim 1 {{ when {}is_thesis }}\n",
                "not ".repeat(100_000)
            ),
            "nests deeper than 64",
        ),
        (
            format!("lexicon l = {}\n", vec!["[\"a\"]"; 100_000].join(" + ")),
            "at most 1000 terms",
        ),
    ];
    for (text, expected) in hostile {
        let started = Instant::now();
        eprintln!("hostile grammar of {} bytes", text.len());
        let r = request(addr, "PUT", "/api/grammar", &[], text.as_bytes());
        assert_eq!(r.status, 422, "{}", r.text());
        let v = r.json();
        let message = v["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        assert!(message.contains(expected), "{message}");
        assert!(v["errors"][0]["line"].as_u64().is_some(), "{v}");
        // Bounded by the limits, not by the input: a few seconds at most even in debug builds.
        eprintln!("  answered in {:?}", started.elapsed());
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "{:?}",
            started.elapsed()
        );
        // The last good grammar still maps.
        assert_eq!(request(addr, "GET", "/api/map/0", &[], b"").status, 200);
    }
}

#[cfg(unix)]
#[test]
fn sigkill_during_save_leaves_the_old_or_the_new_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), ARTICLE).unwrap();
    let rules = dir.path().join("mine.rules");
    // Close to the body limit, so that the write takes long enough to be interrupted.
    let big = |k: usize| {
        let mut t = format!("lexicon kill_v{k} = [\"killword{k}\"]\n");
        while t.len() < MAX_BODY_BYTES - 4096 {
            t.push_str(&format!(
                "# version {k:03} padding padding padding padding padding\n"
            ));
        }
        t.push_str(&format!("# end of version {k}\n"));
        t
    };
    std::fs::write(&rules, big(0)).unwrap();
    let mut outcomes = (0, 0);
    for k in 1..=8 {
        let old = std::fs::read_to_string(&rules).unwrap();
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_toulmin"))
            .args([
                "serve",
                "a.txt",
                "--rules",
                "mine.rules",
                "--port",
                "0",
                "--renderer",
                "builtin",
            ])
            .current_dir(dir.path())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("the binary runs");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let addr: SocketAddr = line
            .split_whitespace()
            .find_map(|w| w.strip_prefix("http://"))
            .and_then(|a| a.trim_end_matches('/').parse().ok())
            .unwrap_or_else(|| panic!("no URL in {line:?}"));
        let new = big(k);
        assert_eq!(
            request(addr, "PUT", "/api/grammar", &[], new.as_bytes()).status,
            200
        );
        // Save in the background; kill as soon as the temporary file of the save appears
        // (between its write and its rename), or after a short delay on odd rounds.
        std::thread::spawn(move || {
            let _ = request(addr, "POST", "/api/grammar/save", &[], b"");
        });
        let started = Instant::now();
        loop {
            let tmp_seen = std::fs::read_dir(dir.path()).unwrap().any(|e| {
                let name = e.unwrap().file_name().to_string_lossy().into_owned();
                name.starts_with(".toulmin-") && name.ends_with(".tmp")
            });
            if (k % 2 == 0 && tmp_seen) || started.elapsed() > Duration::from_millis(3 * k as u64) {
                break;
            }
        }
        child.kill().unwrap(); // SIGKILL
        let _ = child.wait();
        let now = std::fs::read_to_string(&rules).unwrap();
        if now == old {
            outcomes.0 += 1;
        } else {
            assert_eq!(
                now, new,
                "round {k}: the file is neither the old nor the new version"
            );
            outcomes.1 += 1;
        }
        if let Ok(bak) = std::fs::read_to_string(rules.with_extension("rules.bak")) {
            assert!(
                bak == old || bak == big(k - 1) || (1..k).any(|j| bak == big(j)) || bak == big(0)
            );
        }
    }
    eprintln!(
        "SIGKILL during save: {} times the old file, {} times the new",
        outcomes.0, outcomes.1
    );
}
