//! What the server holds: the documents, the grammar text being edited, the last grammar that
//! compiled, and the reports computed with it.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;

use super::{ServeConfig, ServeError};
use crate::annotate::Segmentation;
use crate::article::{decode_input, MAX_INPUT_BYTES};
use crate::export::write_atomic;
use crate::grammar::{self, Diagnostics, ErrorKind, Grammar, GrammarSpec};
use crate::pipeline::map_text;
use crate::render::{self, escape_xml, Renderer};

/// At most this many pasted documents are kept; more are refused.
pub const MAX_PASTED: usize = 100;

/// What the editor holds when no rules file was given.
pub const SCRATCH_HEADER: &str = "\
# Scratch rules, loaded after the built-in grammar
# (shown below the editor). A lexicon, pattern or
# rule named like a built-in one replaces it.
# Example: units about satellites as counterclaims:
#
# lexicon space_words = [\"satellite\", \"satellites\"]
# rule about_space : counterclaim 5 {
#   when contains space_words
#   priority 9
# }
";

/// One grammar problem, placed for the editor.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Diagnostic {
    /// The rule file it is in, when it is in one.
    pub file: Option<String>,
    /// True when it is in the text being edited (so `line`/`col` are positions in the editor).
    pub in_editor: bool,
    /// 1-based line and column (columns count characters).
    pub line: Option<usize>,
    pub col: Option<usize>,
    /// How many characters of the line the problem covers (at least 1).
    pub len: usize,
    pub message: String,
    pub note: Option<String>,
    /// The diagnostic as the command line shows it, with the caret line.
    pub rendered: String,
}

pub struct Doc {
    pub name: String,
    /// None for pasted text.
    pub path: Option<PathBuf>,
    /// The decoded text, or why it could not be read.
    pub text: Result<Arc<String>, String>,
    /// Grows each time the text is reloaded.
    pub rev: u64,
    /// The last report: (grammar generation, doc revision, html).
    report: Option<(u64, u64, Arc<String>)>,
    /// The last map JSON: (grammar generation, doc revision, json).
    map: Option<(u64, u64, Arc<String>)>,
}

/// How to compile the editor text into the full grammar.
#[derive(Clone)]
pub struct Compiler {
    without_default: bool,
    /// Rule files loaded before the edited text.
    before: Vec<PathBuf>,
    /// Where the edited text is compiled from (relative `import` and `tsv` paths resolve here).
    dir: PathBuf,
    /// The name the edited text goes by in diagnostics.
    display: String,
    /// [`crate::serve::ServeConfig::confine_edits`].
    confined: bool,
}

impl Compiler {
    /// Compiles `text` as the last rules file, with its `import` and `tsv` paths resolved
    /// from the edited file's directory. Rule-file limits (size, regular files only, regex and
    /// lexicon sizes, nesting) keep one pasted grammar from holding the server.
    pub fn compile(&self, text: &str) -> Result<Grammar, Vec<Diagnostic>> {
        let spec = GrammarSpec {
            without_default: self.without_default,
            files: self.before.clone(),
        };
        let inline = grammar::InlineRules {
            name: &self.display,
            text,
            dir: &self.dir,
            confined: self.confined,
        };
        match grammar::load_with_text(&spec, inline) {
            Ok(g) => Ok(g),
            Err(d) => {
                // The compiler drops a leading byte-order mark from the text it keeps.
                let kept = text.strip_prefix('\u{feff}').unwrap_or(text);
                let edited = d
                    .sources
                    .files
                    .iter()
                    .position(|f| f.name == self.display && f.text == kept);
                Err(diagnostics(&d, edited))
            }
        }
    }
}

/// Places each error of `d`; `edited` is the index of the editor's text among its sources.
pub fn diagnostics(d: &Diagnostics, edited: Option<usize>) -> Vec<Diagnostic> {
    d.errors
        .iter()
        .map(|e| {
            let file = d.sources.files.get(e.span.file);
            let (line, col, len) = match file {
                Some(f) => {
                    let (line, col) = d.sources.line_col(e.span);
                    let start = e.span.start.min(f.text.len());
                    let end = e.span.end.clamp(start, f.text.len());
                    let len = f
                        .text
                        .get(start..end)
                        .and_then(|s| s.split('\n').next())
                        .map_or(1, |s| s.chars().count().max(1));
                    (Some(line), Some(col), len)
                }
                None => (None, None, 1),
            };
            let mut message = e.kind.to_string();
            if let ErrorKind::Unknown {
                suggestion: Some(s),
                name,
                ..
            } = &e.kind
            {
                if s != name {
                    message.push_str(&format!(" (did you mean `{s}`?)"));
                }
            }
            Diagnostic {
                file: file.map(|f| f.name.clone()),
                in_editor: file.is_some() && Some(e.span.file) == edited,
                line,
                col,
                len,
                message,
                note: e.note.clone(),
                rendered: e.render(&d.sources),
            }
        })
        .collect()
}

/// The text being edited and where it is saved.
pub struct Editable {
    /// Where Save writes: the last rules file, or `--save-to`; None when there is nowhere.
    pub target: Option<PathBuf>,
    /// The name shown for it.
    pub display: String,
    pub text: String,
    /// The text as last loaded from or saved to the target; `text != baseline` means unsaved.
    pub baseline: String,
    /// The target changed on disk while the editor held unsaved edits.
    pub conflict: bool,
    /// True when the editor text is the scratch file (no --rules given).
    pub scratch: bool,
}

pub struct App {
    pub config: ServeConfig,
    pub docs: Vec<Doc>,
    pub grammar: Editable,
    pub compiler: Compiler,
    /// The grammar the reports use: the last text that compiled.
    pub good: Arc<Grammar>,
    /// Grows whenever `good` changes.
    pub good_gen: u64,
    /// Problems of the current editor text; empty when it compiled.
    pub diagnostics: Vec<Diagnostic>,
    /// Grows when the editor text is replaced from outside the page (disk change, revert), so
    /// pages reload it.
    pub grammar_rev: u64,
    /// Grows when the document list changes.
    pub docs_rev: u64,
    /// Grows with every change; pages are told of each new value.
    pub version: u64,
}

/// Expands directories to their .txt and .md files; a path that does not exist is an error.
pub fn collect_inputs(raw: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for p in raw {
        if p.as_os_str() == "-" {
            return Err(
                "serve reads files, not standard input: paste the text in the page instead".into(),
            );
        }
        if p.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|e| format!("cannot read directory {}: {e}", p.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.is_file() && f.extension().is_some_and(|x| x == "txt" || x == "md"))
                .collect();
            found.sort();
            if found.is_empty() {
                return Err(format!(
                    "{}: no .txt or .md files in this directory",
                    p.display()
                ));
            }
            out.extend(found);
        } else if p.exists() {
            out.push(p.clone());
        } else {
            return Err(format!("{}: no such file", p.display()));
        }
    }
    Ok(out)
}

/// Reads an article with the same limits as `map`.
pub fn read_doc(p: &Path) -> Result<String, String> {
    let file = std::fs::File::open(p).map_err(|e| format!("cannot read {}: {e}", p.display()))?;
    let mut bytes = Vec::new();
    file.take(MAX_INPUT_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read {}: {e}", p.display()))?;
    decode_input(&bytes).map_err(|e| format!("{}: {e}", p.display()))
}

fn read_rules(p: &Path) -> Result<Option<String>, String> {
    match std::fs::read(p) {
        Ok(bytes) => String::from_utf8(bytes).map(Some).map_err(|e| {
            format!(
                "{}: not valid UTF-8 (byte {})",
                p.display(),
                e.utf8_error().valid_up_to()
            )
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("cannot read {}: {e}", p.display())),
    }
}

fn file_name(p: &Path) -> String {
    p.file_name().map_or_else(
        || p.display().to_string(),
        |s| s.to_string_lossy().into_owned(),
    )
}

impl App {
    /// Reads everything and compiles the grammar. When the edited text does not compile, the
    /// grammar without it is used and the returned notice says why.
    pub fn new(config: ServeConfig) -> Result<(App, Option<String>), ServeError> {
        let inputs = collect_inputs(&config.inputs).map_err(ServeError::Input)?;
        let docs = inputs
            .into_iter()
            .map(|p| Doc {
                name: file_name(&p),
                text: read_doc(&p).map(Arc::new),
                path: Some(p),
                rev: 0,
                report: None,
                map: None,
            })
            .collect();
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
        let parent = |p: &Path| match p.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => cwd.clone(),
        };
        let (editable, compiler) = if let Some((last, before)) = config.rule_files.split_last() {
            let disk = read_rules(last).map_err(ServeError::Input)?;
            let text = disk.unwrap_or_default();
            (
                Editable {
                    target: Some(last.clone()),
                    display: last.display().to_string(),
                    baseline: text.clone(),
                    text,
                    conflict: false,
                    scratch: false,
                },
                Compiler {
                    without_default: config.without_default,
                    before: before.to_vec(),
                    dir: parent(last),
                    display: last.display().to_string(),
                    confined: config.confine_edits,
                },
            )
        } else {
            if let Some(p) = &config.save_to {
                if p.exists() {
                    return Err(ServeError::Input(format!(
                        "--save-to {}: the file exists; to edit it, pass it with --rules",
                        p.display()
                    )));
                }
            }
            let display = config
                .save_to
                .as_ref()
                .map_or_else(|| "scratch rules".to_string(), |p| p.display().to_string());
            (
                Editable {
                    target: config.save_to.clone(),
                    display: display.clone(),
                    text: SCRATCH_HEADER.to_string(),
                    baseline: SCRATCH_HEADER.to_string(),
                    conflict: false,
                    scratch: true,
                },
                Compiler {
                    without_default: config.without_default,
                    before: Vec::new(),
                    dir: config
                        .save_to
                        .as_deref()
                        .map_or_else(|| cwd.clone(), parent),
                    display,
                    confined: config.confine_edits,
                },
            )
        };
        let (good, diagnostics, notice) = match compiler.compile(&editable.text) {
            Ok(g) => (g, Vec::new(), None),
            Err(diags) => match compiler.compile("") {
                Ok(g) => {
                    let shown: Vec<&str> = diags.iter().map(|d| d.rendered.as_str()).collect();
                    let notice = format!(
                        "{} does not compile; serving the grammar without it until it does:\n{}",
                        editable.display,
                        shown.join("\n")
                    );
                    (g, diags, Some(notice))
                }
                Err(base) => {
                    let shown: Vec<&str> = base.iter().map(|d| d.rendered.as_str()).collect();
                    return Err(ServeError::Grammar(shown.join("\n")));
                }
            },
        };
        Ok((
            App {
                config,
                docs,
                grammar: editable,
                compiler,
                good: Arc::new(good),
                good_gen: 1,
                diagnostics,
                grammar_rev: 1,
                docs_rev: 1,
                version: 1,
            },
            notice,
        ))
    }

    /// Every file whose change matters: inputs, rule files (and the `--save-to` file once it
    /// exists), and the files the grammar read through `import` and `tsv(...)` at start.
    pub fn watched_files(&self) -> Vec<PathBuf> {
        let mut out: Vec<PathBuf> = self.docs.iter().filter_map(|d| d.path.clone()).collect();
        out.extend(self.config.rule_files.iter().cloned());
        out.extend(self.config.save_to.iter().cloned());
        for f in &self.good.sources.files {
            if f.dir.is_some() && f.name != self.grammar.display {
                out.push(PathBuf::from(&f.name));
            }
        }
        out.sort();
        out.dedup();
        out
    }

    pub fn bump(&mut self) -> u64 {
        self.version += 1;
        self.version
    }

    /// Applies the result of compiling the current editor text.
    pub fn apply_compile(&mut self, result: Result<Grammar, Vec<Diagnostic>>) {
        match result {
            Ok(g) => {
                self.good = Arc::new(g);
                self.good_gen += 1;
                self.diagnostics.clear();
            }
            Err(d) => self.diagnostics = d,
        }
        self.bump();
    }

    pub fn dirty(&self) -> bool {
        self.grammar.text != self.grammar.baseline
    }

    /// Reacts to a change on disk of `path` (as watched). Returns true when the grammar must be
    /// recompiled.
    pub fn file_changed(&mut self, path: &Path) -> bool {
        let mut changed = false;
        for d in &mut self.docs {
            if d.path.as_deref() == Some(path) {
                let text = read_doc(path).map(Arc::new);
                if text != d.text {
                    d.text = text;
                    d.rev += 1;
                    changed = true;
                }
            }
        }
        if changed {
            self.bump();
        }
        let mut recompile = false;
        if self.grammar.target.as_deref() == Some(path) {
            // A file that cannot be read now (mid-save, removed) changes nothing.
            if let Ok(Some(disk)) = read_rules(path) {
                if disk != self.grammar.baseline {
                    if self.dirty() {
                        // Keep the unsaved edits; the page offers to load the file instead.
                        self.grammar.conflict = disk != self.grammar.text;
                    } else {
                        self.grammar.text = disk.clone();
                        self.grammar.conflict = false;
                        self.grammar_rev += 1;
                        recompile = true;
                    }
                    self.grammar.baseline = disk;
                    self.bump();
                }
            }
        } else if self.config.rule_files.iter().any(|p| p == path)
            || self
                .good
                .sources
                .files
                .iter()
                .any(|f| f.dir.is_some() && Path::new(&f.name) == path)
        {
            recompile = true;
        }
        recompile
    }

    /// The editor text goes back to what the file holds.
    pub fn revert(&mut self) -> Result<(), String> {
        let disk = match &self.grammar.target {
            Some(target) => read_rules(target)?,
            None => None,
        };
        // With no file yet, back to the text the session started with.
        if let Some(disk) = disk {
            self.grammar.baseline = disk;
        }
        self.grammar.text = self.grammar.baseline.clone();
        self.grammar.conflict = false;
        self.grammar_rev += 1;
        Ok(())
    }

    /// What Save would write, and where: the editor text and the target file.
    pub fn save_plan(&self) -> Result<(PathBuf, String), SaveError> {
        match &self.grammar.target {
            Some(target) => Ok((target.clone(), self.grammar.text.clone())),
            None => Err(SaveError::NoTarget),
        }
    }

    /// Records that `text` is now what the target file holds.
    pub fn saved(&mut self, text: String) {
        self.grammar.conflict = false;
        self.grammar.baseline = text;
        self.bump();
    }

    /// Adds pasted text; returns its index.
    pub fn paste(&mut self, name: Option<&str>, text: &[u8]) -> Result<usize, String> {
        let pasted = self.docs.iter().filter(|d| d.path.is_none()).count();
        if pasted >= MAX_PASTED {
            return Err(format!(
                "at most {MAX_PASTED} pasted texts are kept; restart serve to clear them"
            ));
        }
        let text = decode_input(text).map_err(|e| e.to_string())?;
        let name: String = name
            .unwrap_or("")
            .chars()
            .filter(|c| !c.is_control())
            .take(120)
            .collect::<String>()
            .trim()
            .to_string();
        let name = if name.is_empty() {
            format!("pasted text {}", pasted + 1)
        } else {
            name
        };
        self.docs.push(Doc {
            name,
            path: None,
            text: Ok(Arc::new(text)),
            rev: 0,
            report: None,
            map: None,
        });
        self.docs_rev += 1;
        self.bump();
        Ok(self.docs.len() - 1)
    }

    /// The cached report for doc `i` if it is current, else what is needed to compute it.
    pub fn report_or_job(&self, i: usize) -> Option<Result<Arc<String>, ReportJob>> {
        let d = self.docs.get(i)?;
        if let Some((gen, rev, html)) = &d.report {
            if *gen == self.good_gen && *rev == d.rev {
                return Some(Ok(html.clone()));
            }
        }
        self.job(i).map(Err)
    }

    /// The cached map JSON for doc `i` if it is current, else what is needed to compute it.
    pub fn map_or_job(&self, i: usize) -> Option<Result<Arc<String>, ReportJob>> {
        let d = self.docs.get(i)?;
        if let Some((gen, rev, json)) = &d.map {
            if *gen == self.good_gen && *rev == d.rev {
                return Some(Ok(json.clone()));
            }
        }
        self.job(i).map(Err)
    }

    pub fn store_map(&mut self, job: &ReportJob, json: Arc<String>) {
        if let Some(d) = self.docs.get_mut(job.index) {
            if d.rev == job.rev && self.good_gen == job.gen {
                d.map = Some((job.gen, job.rev, json));
            }
        }
    }

    /// What is needed to map doc `i` with the last good grammar.
    pub fn job(&self, i: usize) -> Option<ReportJob> {
        let d = self.docs.get(i)?;
        Some(ReportJob {
            index: i,
            name: d.name.clone(),
            text: d.text.clone(),
            grammar: self.good.clone(),
            gen: self.good_gen,
            rev: d.rev,
            renderer: self.config.renderer,
        })
    }

    pub fn store_report(&mut self, job: &ReportJob, html: Arc<String>) {
        if let Some(d) = self.docs.get_mut(job.index) {
            if d.rev == job.rev && self.good_gen == job.gen {
                d.report = Some((job.gen, job.rev, html));
            }
        }
    }
}

#[derive(Debug)]
pub enum SaveError {
    NoTarget,
    Io(String),
}

/// A report to compute without holding the state lock.
pub struct ReportJob {
    pub index: usize,
    pub name: String,
    pub text: Result<Arc<String>, String>,
    pub grammar: Arc<Grammar>,
    pub gen: u64,
    pub rev: u64,
    pub renderer: Renderer,
}

impl ReportJob {
    /// The map as `toulmin/map@1` JSON, or why there is none.
    pub fn map_json(&self) -> Result<String, String> {
        let text = self.text.as_ref().map_err(Clone::clone)?;
        let mapped = map_text(&self.name, text, &self.grammar, &Segmentation::Rules)
            .map_err(|e| e.to_string())?;
        Ok(crate::export::to_json(&mapped.map))
    }

    /// The HTML report, or an HTML page saying why there is none (`Err`).
    pub fn run(&self) -> Result<String, String> {
        let text = match &self.text {
            Ok(t) => t,
            Err(e) => return Err(message_page("This document cannot be read", e)),
        };
        let mapped = map_text(&self.name, text, &self.grammar, &Segmentation::Rules)
            .map_err(|e| message_page("This document cannot be mapped", &e.to_string()))?;
        let dot = render::dot::to_dot(&mapped.map);
        let svg = match render::svg(&mapped.map, &dot, self.renderer) {
            Ok((svg, _)) => svg,
            Err(_) => render::svg(&mapped.map, &dot, render::Renderer::Builtin)
                .map(|(svg, _)| svg)
                .unwrap_or_default(),
        };
        Ok(render::html::report(&mapped, &svg))
    }
}

/// Writes `text` to `target` atomically, keeping the previous file as `<file>.bak` (written
/// atomically too). Callers hold the server's save lock, so that two saves never interleave:
/// the file is always one whole version and the backup the one before it. Returns the backup
/// written. The app is not locked meanwhile: the writes and their fsyncs stall no request.
pub fn write_with_backup(target: &Path, text: &str) -> Result<Option<PathBuf>, SaveError> {
    let backup = match std::fs::read(target) {
        Ok(old) => {
            let mut name = target.as_os_str().to_owned();
            name.push(".bak");
            let bak = PathBuf::from(name);
            write_atomic(&bak, &old).map_err(|e| {
                SaveError::Io(format!("cannot write the backup {}: {e}", bak.display()))
            })?;
            Some(bak)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => {
            return Err(SaveError::Io(format!(
                "cannot read {} to back it up: {e}",
                target.display()
            )))
        }
    };
    write_atomic(target, text.as_bytes())
        .map_err(|e| SaveError::Io(format!("cannot write {}: {e}", target.display())))?;
    Ok(backup)
}

/// A small page with a heading and a message, both escaped.
pub fn message_page(title: &str, message: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{t}</title>\
         <style>body{{font:15px/1.5 system-ui,sans-serif;margin:2rem;color:#222}}\
         pre{{white-space:pre-wrap;background:#fff4f4;border:1px solid #e5b4b4;padding:1rem}}</style>\
         </head><body><h1>{t}</h1><pre>{m}</pre></body></html>\n",
        t = escape_xml(title),
        m = escape_xml(message)
    )
}
