//! `toulmin serve`: a local web app for writing rules against real articles.
//!
//! The page lists the documents (input files and pasted texts), shows the HTML report of the
//! selected one (article and diagram side by side, from [`crate::render::html::report`]) and an
//! editor holding the grammar text. Every edit is compiled at once; a grammar that compiles
//! replaces the one the reports use, a broken one only shows its diagnostics, so the last good
//! map stays on screen. Input and rule files are watched on disk and every change is pushed to
//! the open pages as a server-sent event.
//!
//! Which text the editor holds: with `--rules`, the LAST rules file (the grammar is the default,
//! unless left out, then every earlier rules file, then the editor text, as `map` would load it);
//! Save writes that file. Without `--rules`, a scratch file loaded after the default grammar,
//! which Save writes to the `--save-to` file, or refuses to save when there is none.
//!
//! Safety: the server binds 127.0.0.1 unless told otherwise, answers only requests whose `Host`
//! names the address it serves (no DNS rebinding), refuses state-changing requests from another
//! origin, caps request bodies at [`MAX_BODY_BYTES`], and no request names a file: documents are
//! addressed by index and the only file ever written is the one the grammar came from.

mod routes;
mod state;
mod watch;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use crate::render::Renderer;

pub use routes::BODY_TIMEOUT;
pub use state::Diagnostic;

/// Request bodies larger than this are refused with 413.
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

/// What to serve and where.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// Article files (directories are expanded to their .txt and .md files).
    pub inputs: Vec<PathBuf>,
    /// Rule files loaded after the default grammar; the last one is the one being edited.
    pub rule_files: Vec<PathBuf>,
    /// Start from an empty grammar instead of the built-in default.
    pub without_default: bool,
    /// Where Save writes the scratch rules when `rule_files` is empty.
    pub save_to: Option<PathBuf>,
    pub bind: IpAddr,
    /// 0 picks a free port; [`Server::addr`] tells which.
    pub port: u16,
    pub renderer: Renderer,
    /// Gold annotations the page can tune the grammar on ("Tune on gold…").
    pub gold: Option<PathBuf>,
    /// Whether the edited grammar may read only `.rules` and `.tsv` files from its own
    /// directory. Meant for a server open to the network, where anyone who reaches the page
    /// could otherwise `import "/etc/passwd"` and read it back from the diagnostics; off by
    /// default (the page is then this machine's user's, and reads what the user can).
    pub confine_edits: bool,
}

impl Default for ServeConfig {
    fn default() -> ServeConfig {
        ServeConfig {
            inputs: Vec::new(),
            rule_files: Vec::new(),
            without_default: false,
            save_to: None,
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            renderer: Renderer::Auto,
            gold: None,
            confine_edits: false,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The starting grammar does not compile, even without the edited file; already rendered.
    #[error("{0}")]
    Grammar(String),
    #[error("{0}")]
    Input(String),
    #[error("cannot listen on {addr}: {reason}")]
    Bind { addr: SocketAddr, reason: String },
    #[error("cannot watch files: {0}")]
    Watch(String),
}

/// State shared by the request handlers and the watcher.
pub(crate) struct Shared {
    pub app: Mutex<state::App>,
    /// Serialises grammar compilation so that results are applied in the order asked for.
    pub compile_lock: Mutex<()>,
    /// Serialises saves, which write outside the app lock.
    pub save_lock: Mutex<()>,
    /// Serialises report and map computations, so that many pages asking for the same report
    /// after a change compute it once and the rest find it cached.
    pub render_lock: Mutex<()>,
    /// The current version, for the event streams.
    pub version: tokio::sync::watch::Sender<u64>,
    /// Becomes true when the server stops, which ends the event streams.
    pub stopping: tokio::sync::watch::Sender<bool>,
    /// Open event streams, capped at [`routes::MAX_EVENT_STREAMS`].
    pub streams: std::sync::atomic::AtomicUsize,
    pub addr: SocketAddr,
}

impl Shared {
    pub fn lock(&self) -> std::sync::MutexGuard<'_, state::App> {
        self.app.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn lock_compile(&self) -> std::sync::MutexGuard<'_, ()> {
        self.compile_lock.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn lock_save(&self) -> std::sync::MutexGuard<'_, ()> {
        self.save_lock.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn lock_render(&self) -> std::sync::MutexGuard<'_, ()> {
        self.render_lock.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Publishes the app's version to the event streams.
    pub fn publish(&self, version: u64) {
        self.version.send_replace(version);
    }
}

/// A running server; dropping it stops it.
pub struct Server {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
    watcher: Option<watch::Watcher>,
    /// Set when the edited rules did not compile at start, so the server started without them.
    pub startup_notice: Option<String>,
}

impl Server {
    /// The address actually bound (with the real port when the config asked for 0).
    pub fn addr(&self) -> SocketAddr {
        self.shared.addr
    }

    pub fn url(&self) -> String {
        format!("http://{}/", self.addr())
    }

    /// The current version: it grows with every change of grammar, diagnostics or documents.
    pub fn version(&self) -> u64 {
        self.shared.lock().version
    }

    /// Blocks until the server stops (it does not on its own: this is for the command line).
    pub fn wait(mut self) {
        if let Some(h) = self.thread.take() {
            let _ = h.join();
        }
    }

    /// Stops serving, ends the event streams and the watcher.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        self.shared.stopping.send_replace(true);
        if let Some(h) = self.thread.take() {
            let _ = h.join();
        }
        self.watcher.take();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// Loads the documents and the grammar, binds the socket and starts serving in background
/// threads.
pub fn serve(config: ServeConfig) -> Result<Server, ServeError> {
    let (app, startup_notice) = state::App::new(config.clone())?;
    let want = SocketAddr::new(config.bind, config.port);
    let bind_err = |e: std::io::Error| ServeError::Bind {
        addr: want,
        reason: e.to_string(),
    };
    let listener = std::net::TcpListener::bind(want).map_err(bind_err)?;
    listener.set_nonblocking(true).map_err(bind_err)?;
    let addr = listener.local_addr().map_err(bind_err)?;
    let watched = app.watched_files();
    let version = app.version;
    let shared = Arc::new(Shared {
        app: Mutex::new(app),
        compile_lock: Mutex::new(()),
        save_lock: Mutex::new(()),
        render_lock: Mutex::new(()),
        version: tokio::sync::watch::Sender::new(version),
        stopping: tokio::sync::watch::Sender::new(false),
        streams: std::sync::atomic::AtomicUsize::new(0),
        addr,
    });
    let watcher = watch::Watcher::start(shared.clone(), watched).map_err(ServeError::Watch)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("toulmin-serve")
        .enable_all()
        .build()
        .map_err(bind_err)?;
    let listener = {
        let _guard = runtime.enter();
        tokio::net::TcpListener::from_std(listener).map_err(bind_err)?
    };
    let thread = {
        let shared = shared.clone();
        std::thread::Builder::new()
            .name("toulmin-serve".into())
            .spawn(move || runtime.block_on(routes::run(listener, shared)))
            .map_err(bind_err)?
    };
    Ok(Server {
        shared,
        thread: Some(thread),
        watcher: Some(watcher),
        startup_notice,
    })
}
