//! The HTTP side: routes, request guards, and the event stream.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Request, State};
use axum::http::{header, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Value};

use super::state::{message_page, write_with_backup, App, SaveError};
use super::{Shared, MAX_BODY_BYTES};

/// Event streams open at once; more are refused with 503 (each page holds one).
pub const MAX_EVENT_STREAMS: usize = 64;

/// A request body must arrive whole within this time, so that a client that announces a body
/// and then trickles it (or stops) cannot hold a handler, or the grammar, open.
pub const BODY_TIMEOUT: Duration = Duration::from_secs(10);

const PAGE_HTML: &str = include_str!("page.html");
const PAGE_JS: &str = include_str!("page.js");
const PAGE_CSS: &str = include_str!("page.css");

const PAGE_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
     connect-src 'self'; frame-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
/// The report is self-contained: inline style and script, no request of its own.
const REPORT_CSP: &str =
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; \
     img-src data:; frame-ancestors 'self'; base-uri 'none'; form-action 'none'";

pub async fn run(listener: tokio::net::TcpListener, shared: Arc<Shared>) {
    let app = router(shared.clone());
    let mut stop = shared.stopping.subscribe();
    let mut stop2 = shared.stopping.subscribe();
    let server = axum::serve(listener, app).with_graceful_shutdown(async move {
        let _ = stop.wait_for(|s| *s).await;
    });
    // Connections still open two seconds after the stop are dropped with the runtime.
    tokio::select! {
        _ = server => {}
        _ = async move {
            let _ = stop2.wait_for(|s| *s).await;
            tokio::time::sleep(Duration::from_secs(2)).await;
        } => {}
    }
}

fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/", get(page))
        .route("/app.js", get(page_js))
        .route("/app.css", get(page_css))
        .route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT }))
        .route("/api/state", get(api_state))
        .route("/api/docs", get(list_docs).post(add_doc))
        .route("/api/grammar", get(get_grammar).put(put_grammar))
        .route("/api/grammar/save", post(save_grammar))
        .route("/api/grammar/revert", post(revert_grammar))
        .route("/api/grammar/builtin", get(builtin_grammar))
        .route("/report/{doc}", get(report))
        .route("/api/map/{doc}", get(map_json))
        .route("/events", get(events))
        .route("/api/tune", post(tune_on_gold))
        .fallback(|| async { text(StatusCode::NOT_FOUND, "not found\n") })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn_with_state(shared.clone(), guard))
        .with_state(shared)
}

fn text(status: StatusCode, body: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        body.to_string(),
    )
        .into_response()
}

fn json_response(status: StatusCode, value: Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        value.to_string(),
    )
        .into_response()
}

fn html(status: StatusCode, body: String, csp: &'static str) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CONTENT_SECURITY_POLICY, csp),
        ],
        body,
    )
        .into_response()
}

/// True when `host` (a Host header, or an Origin without its scheme) names this server.
pub fn host_allowed(host: &str, addr: SocketAddr) -> bool {
    if addr.ip().is_unspecified() {
        return true;
    }
    let port = addr.port();
    let mut allowed = vec![addr.to_string()];
    if addr.ip().is_loopback() {
        allowed.push(format!("localhost:{port}"));
        allowed.push(format!("127.0.0.1:{port}"));
        allowed.push(format!("[::1]:{port}"));
    }
    if port == 80 {
        let bare: Vec<String> = allowed
            .iter()
            .filter_map(|a| a.rsplit_once(':').map(|(h, _)| h.to_string()))
            .collect();
        allowed.extend(bare);
    }
    allowed.iter().any(|a| a.eq_ignore_ascii_case(host))
}

/// Refuses requests for another host name (DNS rebinding) and state changes sent from another
/// origin; adds the headers every answer carries.
async fn guard(State(shared): State<Arc<Shared>>, req: Request, next: Next) -> Response {
    let too_large = || {
        let mut resp = text(
            StatusCode::PAYLOAD_TOO_LARGE,
            &format!("request bodies are limited to {MAX_BODY_BYTES} bytes\n"),
        );
        resp.headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
        resp
    };
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    if !host_allowed(host, shared.addr) {
        return text(
            StatusCode::FORBIDDEN,
            "this server only answers requests addressed to the address it listens on\n",
        );
    }
    if !matches!(*req.method(), Method::GET | Method::HEAD) {
        if let Some(origin) = req.headers().get(header::ORIGIN) {
            let same = origin
                .to_str()
                .ok()
                .and_then(|o| o.strip_prefix("http://"))
                .is_some_and(|h| host_allowed(h, shared.addr));
            if !same {
                return text(
                    StatusCode::FORBIDDEN,
                    "requests that change anything must come from this server's own page\n",
                );
            }
        }
    }
    // A body announced as too large is refused before any of it is read.
    let announced = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().parse::<u64>().unwrap_or(u64::MAX));
    if announced.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        return too_large();
    }
    // The body is read here, against the clock, before any handler sees the request.
    let req = if matches!(*req.method(), Method::GET | Method::HEAD) {
        req
    } else {
        let (parts, body) = req.into_parts();
        match tokio::time::timeout(BODY_TIMEOUT, read_body(body)).await {
            Ok(Ok(bytes)) => Request::from_parts(parts, axum::body::Body::from(bytes)),
            Ok(Err(None)) => return too_large(),
            Ok(Err(Some(e))) => {
                return text(
                    StatusCode::BAD_REQUEST,
                    &format!("the request body could not be read: {e}\n"),
                );
            }
            Err(_) => {
                let mut resp = text(
                    StatusCode::REQUEST_TIMEOUT,
                    &format!(
                        "the request body did not arrive within {} s\n",
                        BODY_TIMEOUT.as_secs()
                    ),
                );
                resp.headers_mut()
                    .insert(header::CONNECTION, HeaderValue::from_static("close"));
                return resp;
            }
        }
    };
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    h.insert(
        HeaderName::from_static("cross-origin-resource-policy"),
        HeaderValue::from_static("same-origin"),
    );
    resp
}

/// The whole body, or `Err(None)` once it grows past [`MAX_BODY_BYTES`] (a chunked body
/// announces no length), or the transport's error.
async fn read_body(body: axum::body::Body) -> Result<Bytes, Option<axum::Error>> {
    use futures_util::StreamExt as _;
    let mut stream = body.into_data_stream();
    let mut buf = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(Some)?;
        if buf.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(None);
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(Bytes::from(buf))
}

async fn page() -> Response {
    html(StatusCode::OK, PAGE_HTML.to_string(), PAGE_CSP)
}

async fn page_js() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        PAGE_JS,
    )
        .into_response()
}

async fn page_css() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        PAGE_CSS,
    )
        .into_response()
}

fn docs_json(app: &App) -> Value {
    Value::Array(
        app.docs
            .iter()
            .enumerate()
            .map(|(i, d)| {
                json!({
                    "index": i,
                    "name": d.name,
                    "kind": if d.path.is_some() { "file" } else { "pasted" },
                    "path": d.path.as_ref().map(|p| p.display().to_string()),
                    "rev": d.rev,
                    "error": d.text.as_ref().err(),
                })
            })
            .collect(),
    )
}

fn grammar_json(app: &App) -> Value {
    let g = &app.grammar;
    json!({
        "name": g.display,
        "target": g.target.as_ref().map(|p| p.display().to_string()),
        "can_save": g.target.is_some(),
        "scratch": g.scratch,
        "dirty": app.dirty(),
        "conflict": g.conflict,
        "diagnostics": app.diagnostics,
        "rules": app.good.roles.len()
            + app.good.kinds.len()
            + app.good.splits.len()
            + app.good.links.len(),
    })
}

fn state_json(app: &App) -> Value {
    json!({
        "version": app.version,
        "grammar_gen": app.good_gen,
        "grammar_rev": app.grammar_rev,
        "docs_rev": app.docs_rev,
        "docs": docs_json(app),
        "grammar": grammar_json(app),
        "gold": app.config.gold.as_ref().map(|g| g.display().to_string()),
    })
}

/// One tuning run at a time: it keeps both cores busy for a while.
static TUNING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

struct TuningSlot;

impl Drop for TuningSlot {
    fn drop(&mut self) {
        TUNING.store(false, std::sync::atomic::Ordering::SeqCst);
    }
}

/// "Tune on gold…": fits the current grammar's weights to the `--gold` file and returns the
/// cross-validation table and the weights file text. Nothing is written; the weights can be
/// pasted into the editor.
async fn tune_on_gold(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let (gold, grammar) = {
        let app = shared.lock();
        (app.config.gold.clone(), app.good.clone())
    };
    let Some(gold) = gold else {
        return json_response(
            StatusCode::NOT_FOUND,
            json!({"error": "serve was started without --gold FILE: there is no gold to tune on"}),
        );
    };
    let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let objective_name = request["objective"].as_str().unwrap_or("all").to_string();
    let Some(objective) = crate::tune::Objective::parse(&objective_name) else {
        return json_response(
            StatusCode::BAD_REQUEST,
            json!({"error": format!("unknown objective `{objective_name}`; objectives are role, kind, link, all")}),
        );
    };
    let folds = request["folds"].as_u64().unwrap_or(5).clamp(2, 20) as usize;
    if TUNING.swap(true, std::sync::atomic::Ordering::SeqCst) {
        return json_response(
            StatusCode::CONFLICT,
            json!({"error": "a tuning run is already going on"}),
        );
    }
    let job = tokio::task::spawn_blocking(move || {
        let _slot = TuningSlot;
        let (set, read_warnings) = crate::tune::GoldSet::read(&gold).map_err(|e| e.to_string())?;
        let opts = crate::tune::TuneOptions {
            objective,
            folds,
            ..Default::default()
        };
        let mut report = crate::tune::tune(&set, &grammar, &opts)
            .map_err(|e| format!("{}: {e}", gold.display()))?;
        // What the gold reader skipped explains scores, so it goes out with the report.
        report.warnings.splice(0..0, read_warnings);
        let weights = crate::tune::weights_file(
            &report,
            &crate::tune::Provenance {
                gold: &gold.display().to_string(),
                rules: &[],
                date: "(from serve)",
                command: "toulmin serve --gold … (Tune on gold)",
            },
        );
        Ok::<Value, String>(json!({
            "table": crate::tune::render_table(&report),
            "report": report,
            "weights": weights,
        }))
    })
    .await;
    match job {
        Ok(Ok(v)) => json_response(StatusCode::OK, v),
        Ok(Err(e)) => json_response(StatusCode::UNPROCESSABLE_ENTITY, json!({"error": e})),
        Err(e) => text(StatusCode::INTERNAL_SERVER_ERROR, &format!("{e}\n")),
    }
}

async fn api_state(State(shared): State<Arc<Shared>>) -> Response {
    let v = state_json(&shared.lock());
    json_response(StatusCode::OK, v)
}

async fn list_docs(State(shared): State<Arc<Shared>>) -> Response {
    let v = docs_json(&shared.lock());
    json_response(StatusCode::OK, v)
}

#[derive(serde::Deserialize)]
struct Paste {
    #[serde(default)]
    name: Option<String>,
    text: String,
}

async fn add_doc(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let paste: Paste = match serde_json::from_slice(&body) {
        Ok(p) => p,
        Err(e) => {
            return json_response(
                StatusCode::BAD_REQUEST,
                json!({"error": format!("expected {{\"name\", \"text\"}} as JSON: {e}")}),
            )
        }
    };
    let mut app = shared.lock();
    match app.paste(paste.name.as_deref(), paste.text.as_bytes()) {
        Ok(index) => {
            shared.publish(app.version);
            json_response(
                StatusCode::CREATED,
                json!({"index": index, "version": app.version}),
            )
        }
        Err(e) => json_response(StatusCode::UNPROCESSABLE_ENTITY, json!({"error": e})),
    }
}

async fn get_grammar(State(shared): State<Arc<Shared>>) -> Response {
    let app = shared.lock();
    let mut v = grammar_json(&app);
    v["text"] = Value::String(app.grammar.text.clone());
    v["grammar_rev"] = json!(app.grammar_rev);
    v["grammar_gen"] = json!(app.good_gen);
    v["version"] = json!(app.version);
    json_response(StatusCode::OK, v)
}

/// Compiles `text` (or the current text, with `None`) and makes it the editor text.
fn compile_and_apply(shared: &Shared, text: Option<String>) -> (bool, Value) {
    let _serial = shared.lock_compile();
    let (compiler, current) = {
        let app = shared.lock();
        (app.compiler.clone(), app.grammar.text.clone())
    };
    let text = text.unwrap_or(current);
    let result = compiler.compile(&text);
    let ok = result.is_ok();
    let mut app = shared.lock();
    if app.grammar.text != text {
        // Other pages open on this server reload the text.
        app.grammar.text = text;
        app.grammar_rev += 1;
    }
    app.apply_compile(result);
    shared.publish(app.version);
    let mut v = grammar_json(&app);
    v["ok"] = json!(ok);
    v["version"] = json!(app.version);
    v["grammar_gen"] = json!(app.good_gen);
    v["grammar_rev"] = json!(app.grammar_rev);
    (ok, v)
}

async fn put_grammar(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let grammar = match String::from_utf8(body.to_vec()) {
        Ok(t) => t,
        Err(e) => {
            return json_response(
                StatusCode::BAD_REQUEST,
                json!({"error": format!("the grammar is not valid UTF-8 (byte {})", e.utf8_error().valid_up_to())}),
            )
        }
    };
    let job = tokio::task::spawn_blocking(move || compile_and_apply(&shared, Some(grammar))).await;
    match job {
        Ok((true, v)) => json_response(StatusCode::OK, v),
        Ok((false, mut v)) => {
            v["errors"] = v["diagnostics"].clone();
            json_response(StatusCode::UNPROCESSABLE_ENTITY, v)
        }
        Err(e) => text(StatusCode::INTERNAL_SERVER_ERROR, &format!("{e}\n")),
    }
}

async fn save_grammar(State(shared): State<Arc<Shared>>) -> Response {
    let job = tokio::task::spawn_blocking(move || {
        let _serial = shared.lock_save();
        let plan = shared.lock().save_plan();
        let result = plan.and_then(|(target, text)| {
            let backup = write_with_backup(&target, &text)?;
            Ok((target, backup, text))
        });
        let mut app = shared.lock();
        let result = result.map(|(target, backup, text)| {
            app.saved(text);
            (target, backup)
        });
        shared.publish(app.version);
        (result, grammar_json(&app))
    })
    .await;
    match job {
        Ok((Ok((path, backup)), mut v)) => {
            v["saved"] = json!(path.display().to_string());
            v["backup"] = json!(backup.map(|b| b.display().to_string()));
            json_response(StatusCode::OK, v)
        }
        Ok((Err(SaveError::NoTarget), _)) => json_response(
            StatusCode::CONFLICT,
            json!({"error": "nowhere to save: these are scratch rules; restart with --save-to FILE (or edit a file with --rules FILE) to save them"}),
        ),
        Ok((Err(SaveError::Io(e)), _)) => {
            json_response(StatusCode::INTERNAL_SERVER_ERROR, json!({"error": e}))
        }
        Err(e) => text(StatusCode::INTERNAL_SERVER_ERROR, &format!("{e}\n")),
    }
}

async fn revert_grammar(State(shared): State<Arc<Shared>>) -> Response {
    let job = tokio::task::spawn_blocking(move || {
        let reverted = {
            let _serial = shared.lock_compile();
            shared.lock().revert()
        };
        reverted.map(|()| compile_and_apply(&shared, None).1)
    })
    .await;
    match job {
        Ok(Ok(v)) => json_response(StatusCode::OK, v),
        Ok(Err(e)) => json_response(StatusCode::INTERNAL_SERVER_ERROR, json!({"error": e})),
        Err(e) => text(StatusCode::INTERNAL_SERVER_ERROR, &format!("{e}\n")),
    }
}

async fn builtin_grammar() -> Response {
    static TEXT: OnceLock<String> = OnceLock::new();
    let body = TEXT.get_or_init(|| {
        crate::grammar::Grammar::default_grammar()
            .ok()
            .and_then(|g| g.sources.files.first().map(|f| f.text.clone()))
            .unwrap_or_default()
    });
    text(StatusCode::OK, body)
}

/// A document index as written in a path: decimal digits only.
fn doc_index(doc: &str) -> Option<usize> {
    if doc.is_empty() || doc.len() > 9 || !doc.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    doc.parse().ok()
}

/// The map of one document as JSON, computed with the last grammar that compiled.
async fn map_json(State(shared): State<Arc<Shared>>, Path(doc): Path<String>) -> Response {
    let not_found = || {
        json_response(
            StatusCode::NOT_FOUND,
            json!({"error": "no document with this number"}),
        )
    };
    let Some(index) = doc_index(&doc) else {
        return not_found();
    };
    let found = shared.lock().map_or_job(index);
    let json_ok = |body: String| {
        (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/json")],
            body,
        )
            .into_response()
    };
    match found {
        None => return not_found(),
        Some(Ok(body)) => return json_ok(body.to_string()),
        Some(Err(_)) => {}
    }
    let done = tokio::task::spawn_blocking(move || {
        let _one = shared.lock_render();
        // Computed by another request while this one waited?
        let job = match shared.lock().map_or_job(index) {
            None => return Err("no document with this number".to_string()),
            Some(Ok(body)) => return Ok(body.to_string()),
            Some(Err(job)) => job,
        };
        let result = job.map_json();
        if let Ok(body) = &result {
            shared.lock().store_map(&job, Arc::new(body.clone()));
        }
        result
    })
    .await;
    match done {
        Ok(Ok(body)) => json_ok(body),
        Ok(Err(e)) => json_response(StatusCode::UNPROCESSABLE_ENTITY, json!({"error": e})),
        Err(e) => text(StatusCode::INTERNAL_SERVER_ERROR, &format!("{e}\n")),
    }
}

async fn report(State(shared): State<Arc<Shared>>, Path(doc): Path<String>) -> Response {
    let not_found = || {
        html(
            StatusCode::NOT_FOUND,
            message_page("No such document", "There is no document with this number."),
            REPORT_CSP,
        )
    };
    let Some(index) = doc_index(&doc) else {
        return not_found();
    };
    match shared.lock().report_or_job(index) {
        None => return not_found(),
        Some(Ok(page)) => return html(StatusCode::OK, page.to_string(), REPORT_CSP),
        Some(Err(_)) => {}
    }
    let done = tokio::task::spawn_blocking(move || {
        let _one = shared.lock_render();
        // Computed by another request while this one waited?
        let job = match shared.lock().report_or_job(index) {
            None => return None,
            Some(Ok(page)) => return Some(Ok(page.to_string())),
            Some(Err(job)) => job,
        };
        let result = job.run();
        if let Ok(page) = &result {
            shared.lock().store_report(&job, Arc::new(page.clone()));
        }
        Some(result)
    })
    .await;
    match done {
        Ok(None) => not_found(),
        Ok(Some(Ok(page))) => html(StatusCode::OK, page, REPORT_CSP),
        Ok(Some(Err(page))) => html(StatusCode::UNPROCESSABLE_ENTITY, page, REPORT_CSP),
        Err(e) => text(StatusCode::INTERNAL_SERVER_ERROR, &format!("{e}\n")),
    }
}

/// Releases an event-stream slot when the stream ends.
struct StreamSlot(Arc<Shared>);

impl Drop for StreamSlot {
    fn drop(&mut self) {
        self.0.streams.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Server-sent events: `data: {"version":N}` now and after every change, keep-alive comments
/// in between.
async fn events(State(shared): State<Arc<Shared>>) -> Response {
    if shared.streams.fetch_add(1, Ordering::SeqCst) >= MAX_EVENT_STREAMS {
        shared.streams.fetch_sub(1, Ordering::SeqCst);
        return text(
            StatusCode::SERVICE_UNAVAILABLE,
            "too many open event streams\n",
        );
    }
    let slot = StreamSlot(shared.clone());
    let versions = shared.version.subscribe();
    let stop = shared.stopping.subscribe();
    let stream = futures_util::stream::unfold(
        (versions, stop, true, slot),
        |(mut versions, mut stop, first, slot)| async move {
            if !first {
                tokio::select! {
                    changed = versions.changed() => {
                        if changed.is_err() {
                            return None;
                        }
                    }
                    _ = stop.wait_for(|s| *s) => return None,
                }
            }
            if *stop.borrow() {
                return None;
            }
            let v = *versions.borrow_and_update();
            let event = Event::default().data(json!({ "version": v }).to_string());
            Some((Ok::<_, Infallible>(event), (versions, stop, false, slot)))
        },
    );
    Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::host_allowed;

    #[test]
    fn only_this_servers_names_are_allowed() {
        let local = "127.0.0.1:8123".parse().unwrap();
        for ok in [
            "127.0.0.1:8123",
            "localhost:8123",
            "LOCALHOST:8123",
            "[::1]:8123",
        ] {
            assert!(host_allowed(ok, local), "{ok}");
        }
        for bad in [
            "",
            "127.0.0.1",
            "127.0.0.1:8124",
            "evil.example:8123",
            "localhost.evil.example:8123",
            "127.0.0.1:8123.evil.example",
        ] {
            assert!(!host_allowed(bad, local), "{bad}");
        }
        let web = "127.0.0.1:80".parse().unwrap();
        assert!(host_allowed("localhost", web));
        let lan = "192.168.1.5:8123".parse().unwrap();
        assert!(host_allowed("192.168.1.5:8123", lan));
        assert!(!host_allowed("localhost:8123", lan));
        let any = "0.0.0.0:8123".parse().unwrap();
        assert!(host_allowed("my-laptop.local:8123", any));
    }
}
