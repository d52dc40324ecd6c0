//! `serve`'s request handlers over real HTTP on loopback: JSON and grammar bodies, document
//! numbers in paths, raw request bytes. Every request gets an answer, never a 5xx, and every
//! JSON answer parses.
#![no_main]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::OnceLock;
use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use toulmin::render::Renderer;
use toulmin::serve::{serve, ServeConfig, Server};

struct Running {
    server: Server,
    _dir: tempfile::TempDir,
}

fn server() -> &'static Server {
    static S: OnceLock<Running> = OnceLock::new();
    &S.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temporary directory");
        let article = dir.path().join("article.txt");
        std::fs::write(
            &article,
            "Charge drivers\n\nCities should charge drivers. However, critics say it hurts \
             the poor, because buses are slow. In fact, revenue funds transit.\n",
        )
        .expect("write the article");
        let config = ServeConfig {
            inputs: vec![article],
            // Without the default grammar a grammar edit compiles in microseconds, not 25 ms.
            without_default: true,
            save_to: Some(dir.path().join("saved.rules")),
            renderer: Renderer::Builtin,
            ..ServeConfig::default()
        };
        let server = serve(config).expect("serve starts");
        Running { server, _dir: dir }
    })
    .server
}

fn percent_encode(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Sends one request, returns (status, headers, body); None when the server closed the
/// connection without an answer (allowed only for raw garbage).
fn exchange(request: &[u8], raw: bool) -> Option<(u16, String, Vec<u8>)> {
    let addr = server().addr();
    let mut stream = TcpStream::connect(addr).expect("connect");
    // Raw bytes may be an incomplete request the server rightly waits on.
    let wait = Duration::from_secs(if raw { 1 } else { 30 });
    stream.set_read_timeout(Some(wait)).ok();
    stream.set_write_timeout(Some(Duration::from_secs(10))).ok();
    // No half-close after the request: hyper takes the end of input as the client going away.
    if stream.write_all(request).is_err() {
        return None;
    }
    let mut reply = Vec::new();
    if let Err(e) = stream.read_to_end(&mut reply) {
        let waited =
            e.kind() == std::io::ErrorKind::WouldBlock || e.kind() == std::io::ErrorKind::TimedOut;
        assert!(raw || !waited, "the server did not answer within 30 s");
    }
    let head_end = reply.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&reply[..head_end]).into_owned();
    let status = head.split(' ').nth(1)?.parse().ok()?;
    Some((status, head, reply[head_end + 4..].to_vec()))
}

fn request(method: &str, path: &str, body: &[u8]) -> Vec<u8> {
    let addr = server().addr();
    let mut r = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    r.extend_from_slice(body);
    r
}

fn check(reply: Option<(u16, String, Vec<u8>)>, what: &str) {
    let Some((status, head, body)) = reply else {
        panic!("{what}: no answer");
    };
    assert!(
        status < 500,
        "{what}: status {status}\n{head}\n{}",
        String::from_utf8_lossy(&body)
    );
    // Chunked answers would need decoding; the JSON handlers send a length.
    if head
        .to_ascii_lowercase()
        .contains("content-type: application/json")
        && !head.to_ascii_lowercase().contains("chunked")
    {
        if let Err(e) = serde_json::from_slice::<serde_json::Value>(&body) {
            panic!("{what}: JSON answer does not parse: {e}");
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&op, rest)) = data.split_first() else {
        return;
    };
    match op % 6 {
        0 => check(
            exchange(&request("POST", "/api/docs", rest), false),
            "POST /api/docs",
        ),
        1 => check(
            exchange(&request("PUT", "/api/grammar", rest), false),
            "PUT /api/grammar",
        ),
        2 => {
            let path = format!("/api/map/{}", percent_encode(rest));
            check(exchange(&request("GET", &path, b""), false), "GET /api/map");
        }
        3 => {
            let path = format!("/report/{}", percent_encode(rest));
            check(exchange(&request("GET", &path, b""), false), "GET /report");
        }
        4 => check(
            exchange(&request("POST", "/api/grammar/save", b""), false),
            "POST save",
        ),
        _ => {
            // Raw bytes: hyper may refuse them or close; an answer must still not be a 5xx.
            if let Some((status, head, _)) = exchange(rest, true) {
                assert!(status < 500, "raw request: status {status}\n{head}");
            }
        }
    }
});
