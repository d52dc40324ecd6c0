//! Watching the input and rule files: each file's directory is watched (editors often save by
//! writing a new file and renaming it over the old one), events are filtered by path, and a
//! burst of events is handled once it has been quiet for [`QUIET`].

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode};
use notify::{EventKind, RecursiveMode, Watcher as _};

use super::Shared;

/// How long the files must stay untouched before a change is acted on.
pub const QUIET: Duration = Duration::from_millis(150);
/// Acted on after this long even if events keep coming.
const MAX_DELAY: Duration = Duration::from_millis(600);

pub struct Watcher {
    inner: Option<notify::RecommendedWatcher>,
    thread: Option<JoinHandle<()>>,
}

/// The path an event names for `p`: its directory resolved, its name kept (the file itself may
/// be gone or replaced).
fn key(p: &Path) -> Option<PathBuf> {
    let name = p.file_name()?;
    let dir = match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    Some(dir.canonicalize().ok()?.join(name))
}

impl Watcher {
    pub fn start(shared: Arc<Shared>, files: Vec<PathBuf>) -> Result<Watcher, String> {
        let mut wanted: HashMap<PathBuf, Vec<PathBuf>> = HashMap::new();
        for f in files {
            if let Some(k) = key(&f) {
                wanted.entry(k).or_default().push(f);
            }
        }
        let (tx, rx) = channel();
        let mut inner = notify::recommended_watcher(tx).map_err(|e| e.to_string())?;
        let dirs: BTreeSet<PathBuf> = wanted
            .keys()
            .filter_map(|k| k.parent().map(Path::to_path_buf))
            .collect();
        for d in &dirs {
            inner
                .watch(d, RecursiveMode::NonRecursive)
                .map_err(|e| format!("{}: {e}", d.display()))?;
        }
        let thread = std::thread::Builder::new()
            .name("toulmin-watch".into())
            .spawn(move || run(&rx, &wanted, &shared))
            .map_err(|e| e.to_string())?;
        Ok(Watcher {
            inner: Some(inner),
            thread: Some(thread),
        })
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        // Dropping the notify watcher closes the channel, which ends the thread.
        self.inner.take();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn relevant(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        _ => true,
    }
}

type Events = Receiver<notify::Result<notify::Event>>;

fn run(rx: &Events, wanted: &HashMap<PathBuf, Vec<PathBuf>>, shared: &Shared) {
    let matching = |ev: notify::Result<notify::Event>, into: &mut BTreeSet<PathBuf>| {
        if let Ok(ev) = ev {
            if relevant(&ev.kind) {
                for p in &ev.paths {
                    if let Some(originals) = wanted.get(p) {
                        into.extend(originals.iter().cloned());
                    }
                }
            }
        }
    };
    loop {
        let mut changed = BTreeSet::new();
        match rx.recv() {
            Ok(ev) => matching(ev, &mut changed),
            Err(_) => return,
        }
        if changed.is_empty() {
            continue;
        }
        let first = Instant::now();
        loop {
            let left = MAX_DELAY.saturating_sub(first.elapsed());
            if left.is_zero() {
                break;
            }
            match rx.recv_timeout(QUIET.min(left)) {
                Ok(ev) => matching(ev, &mut changed),
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return,
            }
        }
        apply(shared, &changed);
    }
}

/// Reloads the changed files and recompiles the grammar when a rule file changed.
pub fn apply(shared: &Shared, changed: &BTreeSet<PathBuf>) {
    let _serial = shared.lock_compile();
    let recompile = {
        let mut app = shared.lock();
        let mut recompile = false;
        for p in changed {
            recompile |= app.file_changed(p);
        }
        shared.publish(app.version);
        recompile
    };
    if recompile {
        let (compiler, text) = {
            let app = shared.lock();
            (app.compiler.clone(), app.grammar.text.clone())
        };
        let result = compiler.compile(&text);
        let mut app = shared.lock();
        app.apply_compile(result);
        shared.publish(app.version);
    }
}
