//! `toulmin serve` under load, on loopback only, with loops that stop by themselves: 50
//! concurrent clients (maps, reports, pastes, rule edits, saves, event streams) checking every
//! answer, the p99 latency and memory; concurrent saves that never interleave. Alone in its test
//! binary so that the memory it measures is the server's. Faults are in `serve_faults.rs`.

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;
use toulmin::render::Renderer;
use toulmin::serve::{serve, ServeConfig};

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
const BROKEN: &str = "rule broken: claim";

struct Reply {
    status: u16,
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
    Reply { status, body }
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

/// A complete rule-file version, large enough (about 64 KB) that a torn write would show.
fn version(k: usize) -> String {
    let mut text = format!("{START_RULES}lexicon load_v{k} = [\"loadword{k}\"]\n");
    for line in 0..1000 {
        text.push_str(&format!(
            "# version {k:05} line {line:04} of padding............\n"
        ));
    }
    text.push_str(&format!("# end of version {k}\n"));
    text
}

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").map_or(0, |d| d.count())
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i]
}

const CLIENTS: usize = 50;
const EDITORS: usize = 5;
const SUBSCRIBERS: usize = 5;
const REQUESTS_PER_CLIENT: usize = 12;

/// One round: every client (but the subscribers) sends its requests; returns the latencies.
fn round(
    addr: SocketAddr,
    round_no: usize,
    valid: &Arc<HashSet<String>>,
    rules: &Path,
) -> Vec<Duration> {
    let latencies = Arc::new(Mutex::new(Vec::new()));
    let mut handles = Vec::new();
    for client in 0..CLIENTS - SUBSCRIBERS {
        let latencies = latencies.clone();
        let valid = valid.clone();
        let rules = rules.to_path_buf();
        handles.push(std::thread::spawn(move || {
            let mut mine = Vec::new();
            for step in 0..REQUESTS_PER_CLIENT {
                let start = Instant::now();
                if client < EDITORS {
                    match step % 4 {
                        0 | 2 => {
                            let k = round_no * 1000 + client * 100 + step;
                            let r = request(addr, "PUT", "/api/grammar", &[], version(k).as_bytes());
                            assert_eq!(r.status, 200, "{}", r.text());
                            assert_eq!(r.json()["ok"], true);
                        }
                        1 => {
                            let r = request(addr, "POST", "/api/grammar/save", &[], b"");
                            assert_eq!(r.status, 200, "{}", r.text());
                            let saved = std::fs::read_to_string(&rules).unwrap();
                            assert!(valid.contains(&saved), "the saved file is not one version");
                        }
                        _ => {
                            let r = request(addr, "PUT", "/api/grammar", &[], BROKEN.as_bytes());
                            assert_eq!(r.status, 422, "{}", r.text());
                            let v = r.json();
                            assert_eq!(v["ok"], false);
                            assert!(!v["errors"].as_array().unwrap().is_empty());
                        }
                    }
                } else {
                    match (client + step) % 6 {
                        0 | 1 => {
                            let r = request(addr, "GET", "/api/map/0", &[], b"");
                            assert_eq!(r.status, 200, "{}", r.text());
                            let map = r.json();
                            assert_eq!(map["schema"], toulmin::graph::model::SCHEMA);
                            let units = map["units"].as_array().unwrap();
                            assert!(units.len() >= 5, "{map}");
                            let theses = units.iter().filter(|u| u["role"] == "thesis").count();
                            assert_eq!(theses, 1);
                        }
                        2 => {
                            let r = request(addr, "GET", "/report/0", &[], b"");
                            assert_eq!(r.status, 200, "{}", r.text());
                            assert!(r.text().contains("map-data"));
                        }
                        3 => {
                            let r = request(addr, "GET", "/api/state", &[], b"");
                            assert_eq!(r.status, 200);
                            assert!(r.json()["version"].as_u64().is_some());
                        }
                        4 if step < 6 => {
                            let body = serde_json::json!({
                                "name": format!("paste {client}/{round_no}"),
                                "text": "Cities should charge drivers. However, critics disagree because buses are slow.",
                            });
                            let r = request(addr, "POST", "/api/docs", &[], body.to_string().as_bytes());
                            assert_eq!(r.status, 201, "{}", r.text());
                        }
                        4 => {
                            let r = request(addr, "GET", "/api/map/999999", &[], b"");
                            assert_eq!(r.status, 404);
                        }
                        _ => {
                            let r = request(addr, "GET", "/api/grammar", &[], b"");
                            assert_eq!(r.status, 200);
                            let text = r.json()["text"].as_str().unwrap().to_string();
                            assert!(valid.contains(&text), "the editor text is not one version");
                        }
                    }
                }
                mine.push(start.elapsed());
            }
            latencies.lock().unwrap().extend(mine);
        }));
    }
    for h in handles {
        h.join().expect("a client failed");
    }
    Arc::try_unwrap(latencies).unwrap().into_inner().unwrap()
}

#[test]
fn fifty_clients_mapping_editing_saving_and_listening() {
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
    .expect("the server starts");
    let addr = server.addr();
    assert!(addr.ip().is_loopback());
    let mut valid: HashSet<String> = HashSet::new();
    valid.insert(START_RULES.to_string());
    // A broken edit becomes the editor text too (the page shows it with its diagnostics), so
    // Save may write it.
    valid.insert(BROKEN.to_string());
    for r in 0..2 {
        for c in 0..EDITORS {
            for s in 0..REQUESTS_PER_CLIENT {
                valid.insert(version(r * 1000 + c * 100 + s));
            }
        }
    }
    let valid = Arc::new(valid);

    // A reader that keeps reading the saved file and its backup while saves go on.
    let stop = Arc::new(AtomicBool::new(false));
    let watcher = {
        let (stop, valid, rules) = (stop.clone(), valid.clone(), rules.clone());
        std::thread::spawn(move || {
            let bak = rules.with_extension("rules.bak");
            let mut reads = 0;
            while !stop.load(Ordering::SeqCst) {
                for p in [&rules, &bak] {
                    if let Ok(text) = std::fs::read_to_string(p) {
                        assert!(
                            valid.contains(&text),
                            "{} holds a torn version",
                            p.display()
                        );
                        reads += 1;
                    }
                }
                std::thread::sleep(Duration::from_millis(2));
            }
            reads
        })
    };
    // Event-stream subscribers: versions arrive as JSON and never go back.
    let subscribers: Vec<_> = (0..SUBSCRIBERS)
        .map(|_| {
            let stop = stop.clone();
            std::thread::spawn(move || {
                let mut s = TcpStream::connect(addr).unwrap();
                s.set_read_timeout(Some(Duration::from_millis(200)))
                    .unwrap();
                write!(s, "GET /events HTTP/1.1\r\nHost: {addr}\r\n\r\n").unwrap();
                let mut reader = BufReader::new(s);
                let (mut last, mut events) = (0u64, 0usize);
                let mut line = String::new();
                while !stop.load(Ordering::SeqCst) {
                    line.clear();
                    match reader.read_line(&mut line) {
                        Ok(0) => break,
                        Ok(_) => {
                            if let Some(data) = line.trim_end().strip_prefix("data: ") {
                                let v: Value = serde_json::from_str(data).unwrap();
                                let version = v["version"].as_u64().unwrap();
                                assert!(version >= last, "version went back: {version} < {last}");
                                last = version;
                                events += 1;
                            }
                        }
                        Err(_) => {} // read timeout: look at the stop flag again
                    }
                }
                events
            })
        })
        .collect();

    let fds_before = open_fds();
    let warm = round(addr, 0, &valid, &rules);
    let rss_after_warm_up = rss_kib();
    let mut measured = round(addr, 1, &valid, &rules);
    let rss_after = rss_kib();
    stop.store(true, Ordering::SeqCst);
    let reads = watcher
        .join()
        .expect("the file reader saw only whole versions");
    let events: Vec<usize> = subscribers
        .into_iter()
        .map(|h| h.join().expect("a subscriber failed"))
        .collect();

    let total = warm.len() + measured.len();
    assert!(total >= 1000, "{total} requests");
    measured.extend(warm);
    measured.sort();
    let (p50, p99, max) = (
        percentile(&measured, 0.50),
        percentile(&measured, 0.99),
        measured[measured.len() - 1],
    );
    eprintln!(
        "serve load: {total} requests from {CLIENTS} clients; p50 {p50:?}, p99 {p99:?}, max {max:?}; \
         RSS {rss_after_warm_up} KiB after warm-up, {rss_after} KiB after; {reads} file reads; \
         events per subscriber {events:?}"
    );
    // A bound that catches a stuck or serialised server, not a speed target: debug builds on a
    // shared two-core machine map ten times slower than release builds.
    let bound = if cfg!(debug_assertions) {
        Duration::from_secs(30)
    } else {
        Duration::from_secs(5)
    };
    assert!(p99 < bound, "p99 {p99:?}");
    assert!(events.iter().all(|&n| n >= 2), "{events:?}");
    let grown = rss_after.saturating_sub(rss_after_warm_up);
    assert!(
        grown < 64 * 1024,
        "memory grew by {grown} KiB in the second round"
    );
    // Every connection closed: no descriptor left behind by the 1,000 requests.
    let settle = Instant::now();
    while open_fds() > fds_before + SUBSCRIBERS && settle.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        open_fds() <= fds_before + SUBSCRIBERS,
        "{} > {fds_before}",
        open_fds()
    );
    // The backup is the version saved before the last one: a whole version too.
    let bak = std::fs::read_to_string(rules.with_extension("rules.bak")).unwrap();
    assert!(valid.contains(&bak));
}
