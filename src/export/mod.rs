//! Writing maps out: JSON (the `toulmin/map@1` schema), the field's interchange formats (one
//! module each), and files written atomically.

pub mod aif;
pub mod argdown;
pub mod brat;
pub mod graphml;
pub mod iccma;

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::graph::model::{ArgumentMap, Stance, Status};

/// The formats other tools of the field read.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Interchange {
    /// AIF JSON for AIFdb and OVA: `STEM.aif.json`.
    Aif,
    /// An Argdown document: `STEM.argdown`.
    Argdown,
    /// brat standoff: `brat/STEM.txt`, `brat/STEM.ann` and `brat/annotation.conf`.
    Brat,
    /// GraphML: `STEM.graphml`.
    Graphml,
    /// The attack framework for solvers: `STEM.af` (ICCMA 2023) and `STEM.apx` (ASPARTIX).
    Iccma,
}

/// One file of an export, its path relative to the output directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportFile {
    pub path: PathBuf,
    pub contents: String,
}

/// The files `format` writes for `map`. `text` is the text the map's offsets count characters
/// of (`Mapped::article.text`); `stem` names the files.
pub fn interchange_files(
    format: Interchange,
    map: &ArgumentMap,
    text: &str,
    stem: &str,
) -> Vec<ExportFile> {
    let file = |name: String, contents: String| ExportFile {
        path: PathBuf::from(name),
        contents,
    };
    match format {
        Interchange::Aif => vec![file(format!("{stem}.aif.json"), aif::to_aif(map))],
        Interchange::Argdown => vec![file(format!("{stem}.argdown"), argdown::to_argdown(map))],
        Interchange::Graphml => vec![file(format!("{stem}.graphml"), graphml::to_graphml(map))],
        Interchange::Iccma => vec![
            file(format!("{stem}.af"), iccma::to_iccma(map)),
            file(format!("{stem}.apx"), iccma::to_aspartix(map)),
        ],
        Interchange::Brat => vec![
            file(format!("brat/{stem}.txt"), text.to_string()),
            file(format!("brat/{stem}.ann"), brat::to_ann(map, text)),
            file("brat/annotation.conf".to_string(), brat::annotation_conf()),
        ],
    }
}

/// The JSON spelling of a stance.
pub fn stance_name(s: Stance) -> &'static str {
    match s {
        Stance::Pro => "pro",
        Stance::Opp => "opp",
    }
}

/// The JSON spelling of a status.
pub fn status_name(s: Status) -> &'static str {
    match s {
        Status::In => "in",
        Status::Out => "out",
        Status::Undec => "undec",
    }
}

/// The map as pretty JSON with a final newline; field order is the schema's, so the same map
/// always gives the same bytes.
pub fn to_json(map: &ArgumentMap) -> String {
    let mut s = serde_json::to_string_pretty(map).unwrap_or_else(|e| {
        // Serialising plain structs of strings and numbers cannot fail; say so loudly if it does.
        format!("{{\"error\":\"cannot serialise map: {e}\"}}")
    });
    s.push('\n');
    s
}

/// The same bytes as [`to_json`], written as they are made: a large map's JSON is several
/// times the size of the map, and need not be held in memory beside it.
/// Generic over the writer: pretty JSON is written a few bytes at a time, and each of those
/// writes is then a call into a buffer of known type rather than a dynamic one.
pub fn write_json<W: Write>(map: &ArgumentMap, out: &mut W) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, map).map_err(std::io::Error::other)?;
    out.write_all(b"\n")
}

/// One JSON object on one line, for `--jsonl` output.
pub fn to_json_line(map: &ArgumentMap) -> String {
    serde_json::to_string(map).unwrap_or_default()
}

/// Whether `path` exists and is neither a regular file nor a directory: a device such as
/// `/dev/null` or `/dev/stdout`, a named pipe, a socket. Those are written in place: renaming a
/// temporary file over them would replace the device with a plain file.
pub fn is_special_file(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir())
}

/// What [`write_atomic_with`] hands its writer: the file being written, buffered.
pub type AtomicOut<'a> = std::io::BufWriter<&'a mut std::fs::File>;

const WRITE_BUFFER: usize = 1 << 16;

/// Temporary files of outputs being written right now. A temporary file removes itself when
/// dropped, but a process stopped by a signal drops nothing: [`remove_unfinished_outputs`]
/// lets a signal handler clean up instead.
static UNFINISHED: std::sync::Mutex<Vec<std::path::PathBuf>> = std::sync::Mutex::new(Vec::new());

/// One entry of [`UNFINISHED`], taken out again when the write ends either way.
struct Unfinished(std::path::PathBuf);

impl Unfinished {
    fn register(path: &Path) -> Unfinished {
        UNFINISHED
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(path.to_path_buf());
        Unfinished(path.to_path_buf())
    }
}

impl Drop for Unfinished {
    fn drop(&mut self) {
        let mut list = UNFINISHED
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(i) = list.iter().position(|p| *p == self.0) {
            list.swap_remove(i);
        }
    }
}

/// Removes the temporary files of every output still being written, for a process about to
/// stop on a signal (Ctrl-C): the outputs already in place stay, none is left half-written,
/// and no `.toulmin-*.tmp` file is left behind. Returns the list still locked: a caller about
/// to exit holds it until then, so that no writer registers a new file in between.
pub fn remove_unfinished_outputs() -> std::sync::MutexGuard<'static, Vec<std::path::PathBuf>> {
    // Writers hold the lock only to add or take out one path, and the signal handler runs on
    // a thread of its own: waiting for the lock cannot deadlock. A writer that panicked while
    // holding it poisoned it; the list is still right.
    let list = UNFINISHED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    for path in list.iter() {
        let _ = std::fs::remove_file(path);
    }
    list
}

/// Writes `contents` to `path` through a temporary file in the same directory and a rename, so a
/// reader never sees a half-written file and a failure leaves any old file intact.
pub fn write_atomic(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    write_atomic_with(path, |out| out.write_all(contents))
}

/// [`write_atomic`] for contents that `write` streams out rather than hands over whole, into a
/// buffered file (a buffer of known type, so that many small writes cost little).
pub fn write_atomic_with(
    path: &Path,
    write: impl FnOnce(&mut AtomicOut<'_>) -> std::io::Result<()>,
) -> std::io::Result<()> {
    if is_special_file(path) {
        let mut file = std::fs::OpenOptions::new().write(true).open(path)?;
        let mut out = std::io::BufWriter::with_capacity(WRITE_BUFFER, &mut file);
        write(&mut out)?;
        return out.flush();
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".toulmin-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    let _pending = Unfinished::register(tmp.path());
    {
        let mut out = std::io::BufWriter::with_capacity(WRITE_BUFFER, tmp.as_file_mut());
        write(&mut out)?;
        out.flush()?;
    }
    // Temporary files are created private; the result should look like any file the user
    // writes: keep an existing file's permissions, else the usual rw-r--r--.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).map_or(0o644, |m| m.permissions().mode());
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))?;
    }
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use crate::graph::model::*;

    pub const SAMPLE_TEXT: &str = "Tariffs must go. They raise prices. \
Some say tariffs <always> & \u{7}fail. But [studies] show #1 *they* do not - see @ref.\n\
Written in 2018.";

    /// Thesis u1 (policy), u2 (fact) supports it, counterclaim u3 attacks it, rebuttal u4 attacks
    /// u3, background u5; statuses assigned, so u3 is out. Text with markup characters.
    pub fn sample_map() -> ArgumentMap {
        let chars: Vec<char> = SAMPLE_TEXT.chars().collect();
        let spans = [
            ("Tariffs must go.", Role::Thesis, Some(Kind::Policy)),
            ("They raise prices.", Role::Claim, Some(Kind::Fact)),
            (
                "Some say tariffs <always> & \u{7}fail.",
                Role::Counterclaim,
                None,
            ),
            (
                "But [studies] show #1 *they* do not - see @ref.",
                Role::Rebuttal,
                None,
            ),
            ("Written in 2018.", Role::Background, None),
        ];
        let units = spans
            .iter()
            .enumerate()
            .map(|(i, (needle, role, kind))| {
                let byte = SAMPLE_TEXT.find(needle).expect("sample span");
                let start = SAMPLE_TEXT[..byte].chars().count();
                let end = start + needle.chars().count();
                assert_eq!(chars[start..end].iter().collect::<String>(), *needle);
                Unit {
                    id: compact_str::format_compact!("u{}", i + 1),
                    role: *role,
                    kind: *kind,
                    start,
                    end,
                    text: (*needle).into(),
                    section: None,
                    paragraph: 1,
                    sentence: i + 1,
                    score: 1.0,
                    stance: None,
                    status: None,
                    restates: None,
                    display: None,
                    rules: vec!["r".into()],
                    cues: vec![],
                }
            })
            .collect();
        let rel = |id: &str, from: &str, to: &str, kind| Relation {
            id: id.into(),
            from: from.into(),
            to: to.into(),
            kind,
            rule: "link".into(),
            score: 1.0,
            carries: true,
        };
        let mut map = ArgumentMap {
            schema: SCHEMA.into(),
            source: Source {
                name: "sample.txt".into(),
                sha256: String::new(),
                chars: chars.len(),
                reading: Default::default(),
            },
            title: Some("A <test> #1".into()),
            byline: None,
            date: None,
            thesis: Some("u1".into()),
            units,
            relations: vec![
                rel("r1", "u2", "u1", RelationKind::Support),
                rel("r2", "u3", "u1", RelationKind::Attack),
                rel("r3", "u4", "u3", RelationKind::Attack),
            ],
        };
        crate::graph::assign_stances(&mut map).expect("valid sample");
        crate::graph::semantics::assign_status(&mut map);
        map
    }
}
