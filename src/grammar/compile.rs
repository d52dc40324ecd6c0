//! From parsed rule files to a compiled [`Grammar`]: files merged in order (later definitions
//! replace earlier ones of the same name), lexicons resolved, every phrase of every lexicon put
//! into one Aho-Corasick automaton and every pattern into one `RegexSet`.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::{Regex, RegexBuilder};

use super::error::{suggest, Diagnostics, ErrorKind, GrammarError};
use super::lazy_regex::{Check as PatternCheck, LazyRegex, PatternFault};
use super::lexer::tokenize;
use super::source::{SourceFile, SourceMap, Span};
use super::syntax::{self, Cond, Item, LexExpr, PatternRef, RegexLit, Setting, SplitKind, Test};
use super::unicode_set::UnicodeSet;
use super::{
    Check, CheckTest, Example, Grammar, KindRule, Lexicon, LinkRule, Pattern, RoleRule, Settings,
    SplitRule, TunedWeight,
};
use crate::graph::model::{Kind, Role};
use regex_syntax::hir::Hir;

/// The default grammar and the files it reads, compiled into the binary so that toulmin works
/// from any directory.
pub const DEFAULT_GRAMMAR_NAME: &str = "grammars/default.rules";
const DEFAULT_GRAMMAR: &str = include_str!("../../grammars/default.rules");
const EMBEDDED: &[(&str, &str)] = &[
    (
        "lexicons/connectives.tsv",
        include_str!("../../grammars/lexicons/connectives.tsv"),
    ),
    ("kinds.rules", include_str!("../../grammars/kinds.rules")),
    // Fitted weights, ready for `import "tuned.rules"` in the default grammar.
    ("tuned.rules", include_str!("../../grammars/tuned.rules")),
];

/// Nested imports deeper than this are almost certainly a cycle.
const MAX_IMPORT_DEPTH: usize = 16;

/// Rule files loaded for one grammar, imports included: a few files importing each other
/// several times would otherwise read thousands.
pub const MAX_RULE_FILES: usize = 256;
/// A rule file (given or imported) larger than this is refused before it is read: the default
/// grammar is 40 KB, and a rule file is code a user may get from someone else (`/dev/zero`,
/// a log file named by mistake).
pub const MAX_RULE_FILE_BYTES: u64 = 4 * 1024 * 1024;
/// Word lists are data and may be large (a million rows of a few words), but not unbounded.
pub const MAX_TSV_BYTES: u64 = 64 * 1024 * 1024;
/// Distinct phrases over all lexicons: the automaton that finds them stays within a few
/// hundred MB. The default grammar has about 1,500.
pub const MAX_PHRASES: usize = 250_000;
/// Lexicons defined in terms of lexicons defined in terms of ... at most this deep.
pub const MAX_LEXICON_DEPTH: usize = 128;
/// Compiled size limit of one pattern (the regex crate's `size_limit`); a pattern such as
/// `\w{1000}{1000}` that would compile to a huge automaton is reported instead.
pub const MAX_REGEX_BYTES: usize = 4 * 1024 * 1024;
/// Compiled size limit of all patterns together in the one `RegexSet`.
pub const MAX_REGEX_SET_BYTES: usize = 32 * 1024 * 1024;

/// Where the rules come from: the embedded default (unless left out), then each file in order.
#[derive(Debug, Clone, Default)]
pub struct GrammarSpec {
    pub without_default: bool,
    pub files: Vec<PathBuf>,
}

struct Definitions {
    header: Option<String>,
    settings: Vec<(syntax::Name, Setting)>,
    lexicons: BTreeMap<String, (LexExpr, Span)>,
    patterns: BTreeMap<String, RegexLit>,
    /// Rules keep the position of their first definition, so overriding a rule does not
    /// reorder the grammar.
    rules: Vec<(String, Item)>,
    /// Position of each rule in `rules`, so that a file of many rules loads in linear time.
    rule_index: HashMap<String, usize>,
    /// `weight RULE = W` items in reading order; applied once every rule is known, so a weight
    /// file may come before or after the file defining the rule.
    weights: Vec<(syntax::Name, f64)>,
    biases: Vec<(Role, f64)>,
}

pub fn load(spec: &GrammarSpec) -> Result<Grammar, Diagnostics> {
    load_all(spec, None)
}

/// Rule text that is not (yet) a file: the editor text of `serve`, a fuzz input.
#[derive(Debug, Clone)]
pub struct InlineRules<'a> {
    /// What diagnostics call it.
    pub name: &'a str,
    pub text: &'a str,
    /// Where its relative `import` and `tsv(...)` paths are resolved.
    pub dir: &'a Path,
    /// Whether the text (and every file it imports) may read only files inside `dir`: for a
    /// grammar that arrives over the network (`serve`), whose `import "/etc/passwd"` or
    /// `tsv("../../secret")` would otherwise quote any file on the machine in its diagnostics.
    pub confined: bool,
}

/// Loads `spec` and then `inline` as the last rule file, as if it had been read from disk.
pub fn load_with_text(spec: &GrammarSpec, inline: InlineRules) -> Result<Grammar, Diagnostics> {
    load_all(spec, Some(inline))
}

fn load_all(spec: &GrammarSpec, inline: Option<InlineRules>) -> Result<Grammar, Diagnostics> {
    let mut sources = SourceMap::default();
    let mut defs = Definitions {
        header: None,
        settings: Vec::new(),
        lexicons: BTreeMap::new(),
        patterns: BTreeMap::new(),
        rules: Vec::new(),
        rule_index: HashMap::new(),
        weights: Vec::new(),
        biases: Vec::new(),
    };
    let mut errors = Vec::new();
    if !spec.without_default {
        let file = sources.add(SourceFile {
            name: DEFAULT_GRAMMAR_NAME.to_string(),
            text: DEFAULT_GRAMMAR.to_string(),
            dir: None,
        });
        read_items(file, &mut sources, &mut defs, &mut errors, &mut Vec::new());
    }
    for path in &spec.files {
        match read_limited(path, MAX_RULE_FILE_BYTES, "rule file", false) {
            Ok(text) => {
                let file = sources.add(SourceFile {
                    name: path.display().to_string(),
                    text,
                    dir: Some(path.parent().map(Path::to_path_buf).unwrap_or_default()),
                });
                let mut chain: Vec<PathBuf> = std::fs::canonicalize(path).into_iter().collect();
                read_items(file, &mut sources, &mut defs, &mut errors, &mut chain);
            }
            Err(ReadFault::NotUtf8 { text, at, byte, .. }) => errors.push(not_utf8(
                &mut sources,
                SourceFile {
                    name: path.display().to_string(),
                    text,
                    dir: Some(path.parent().map(Path::to_path_buf).unwrap_or_default()),
                },
                at,
                byte,
            )),
            Err(ReadFault::Unread(reason)) => errors.push(GrammarError::new(
                ErrorKind::Io {
                    path: path.display().to_string(),
                    reason,
                },
                Span::point(usize::MAX, 0),
            )),
        }
    }
    if let Some(inline) = inline {
        if inline.text.len() as u64 > MAX_RULE_FILE_BYTES {
            errors.push(GrammarError::new(
                ErrorKind::Io {
                    path: inline.name.to_string(),
                    reason: too_large(inline.text.len() as u64, MAX_RULE_FILE_BYTES, "rule file"),
                },
                Span::point(usize::MAX, 0),
            ));
        } else {
            if inline.confined {
                // A directory that cannot be resolved confines to nothing: every read fails.
                let dir = std::fs::canonicalize(inline.dir).unwrap_or_default();
                sources.confined = Some((sources.files.len(), dir));
            }
            let file = sources.add(SourceFile {
                name: inline.name.to_string(),
                text: inline
                    .text
                    .strip_prefix('\u{feff}')
                    .unwrap_or(inline.text)
                    .to_string(),
                dir: Some(inline.dir.to_path_buf()),
            });
            read_items(file, &mut sources, &mut defs, &mut errors, &mut Vec::new());
        }
    }
    if !errors.is_empty() {
        return Err(Diagnostics::new(errors, sources));
    }
    match build(defs, &sources) {
        Ok(mut g) => {
            g.sources = sources;
            Ok(g)
        }
        Err(errors) => Err(Diagnostics::new(errors, sources)),
    }
}

fn read_items(
    file: usize,
    sources: &mut SourceMap,
    defs: &mut Definitions,
    errors: &mut Vec<GrammarError>,
    // The files being imported, outermost first (canonical paths), to name an import cycle.
    chain: &mut Vec<PathBuf>,
) {
    let text = sources.files[file].text.clone();
    let items = match tokenize(file, &text).and_then(|t| syntax::parse(file, &t, text.len())) {
        Ok(items) => items,
        Err(e) => {
            errors.push(e);
            return;
        }
    };
    let mut seen: HashMap<(&'static str, String), Span> = HashMap::new();
    for item in items {
        let (what, name) = match &item {
            Item::Lexicon { name, .. } => ("lexicon", name),
            Item::Pattern { name, .. } => ("pattern", name),
            Item::Split { name, .. }
            | Item::Rule { name, .. }
            | Item::Kind { name, .. }
            | Item::Link { name, .. } => ("rule", name),
            Item::Weight { rule, .. } => ("weight for rule", rule),
            _ => (
                "",
                &syntax::Name {
                    text: String::new(),
                    span: Span::point(file, 0),
                },
            ),
        };
        if what.is_empty() {
            // Not a named item.
        } else if let Some(&first) = seen.get(&(what, name.text.clone())) {
            errors.push(
                GrammarError::new(
                    ErrorKind::Duplicate {
                        what,
                        name: name.text.clone(),
                    },
                    name.span,
                )
                .with_note(
                    "to replace a definition from another file, define it again in a later file",
                )
                .with_note_at("the first definition is at", first),
            );
            continue;
        } else {
            seen.insert((what, name.text.clone()), name.span);
        }
        match item {
            Item::Header { name, .. } => defs.header = Some(name.text),
            Item::Settings(s) => defs.settings.extend(s),
            Item::Weight { rule, weight } => defs.weights.push((rule, weight)),
            Item::Bias { role, bias, .. } => defs.biases.push((role, bias)),
            Item::Lexicon { name, expr } => {
                defs.lexicons.insert(name.text.clone(), (expr, name.span));
            }
            Item::Pattern { name, regex } => {
                defs.patterns.insert(name.text.clone(), regex);
            }
            Item::Disable(name) => {
                if let Some(at) = defs.rule_index.remove(&name.text) {
                    defs.rules.remove(at);
                    for slot in defs.rule_index.values_mut() {
                        if *slot > at {
                            *slot -= 1;
                        }
                    }
                } else {
                    let names: Vec<&str> = defs.rules.iter().map(|(n, _)| n.as_str()).collect();
                    errors.push(GrammarError::new(
                        ErrorKind::Unknown {
                            what: "rule",
                            name: name.text.clone(),
                            suggestion: suggest(&name.text, names),
                        },
                        name.span,
                    ));
                }
            }
            Item::Import(path) => {
                let refuse = |errors: &mut Vec<GrammarError>, message: String| {
                    errors.push(GrammarError::new(ErrorKind::Invalid(message), path.span));
                };
                if chain.len() >= MAX_IMPORT_DEPTH {
                    refuse(
                        errors,
                        format!("imports nest deeper than {MAX_IMPORT_DEPTH} files"),
                    );
                    continue;
                }
                if sources.files.len() >= MAX_RULE_FILES {
                    refuse(
                        errors,
                        format!("the grammar imports more than {MAX_RULE_FILES} rule files"),
                    );
                    continue;
                }
                let canonical = sources.files[file]
                    .dir
                    .as_ref()
                    .and_then(|d| std::fs::canonicalize(d.join(&path.text)).ok());
                if let Some(c) = &canonical {
                    if let Some(at) = chain.iter().position(|p| p == c) {
                        let cycle: Vec<String> = chain[at..]
                            .iter()
                            .chain(std::iter::once(c))
                            .map(|p| p.display().to_string())
                            .collect();
                        refuse(errors, format!("import cycle: {}", cycle.join(" imports ")));
                        continue;
                    }
                }
                match read_companion(sources, file, &path.text, CompanionKind::Rules) {
                    Ok((name, text, dir)) => {
                        let child = sources.add(SourceFile { name, text, dir });
                        chain.extend(canonical.clone());
                        read_items(child, sources, defs, errors, chain);
                        if canonical.is_some() {
                            chain.pop();
                        }
                    }
                    Err((name, dir, ReadFault::NotUtf8 { text, at, byte, .. })) => {
                        errors.push(not_utf8(sources, SourceFile { name, text, dir }, at, byte))
                    }
                    Err((_, _, ReadFault::Unread(reason))) => errors.push(GrammarError::new(
                        ErrorKind::Io {
                            path: path.text.clone(),
                            reason,
                        },
                        path.span,
                    )),
                }
            }
            rule @ (Item::Split { .. }
            | Item::Rule { .. }
            | Item::Kind { .. }
            | Item::Link { .. }) => {
                let name = match &rule {
                    Item::Split { name, .. }
                    | Item::Rule { name, .. }
                    | Item::Kind { name, .. }
                    | Item::Link { name, .. } => name.text.clone(),
                    _ => unreachable!("matched above"),
                };
                match defs.rule_index.get(&name) {
                    Some(&at) => defs.rules[at].1 = rule,
                    None => {
                        defs.rule_index.insert(name.clone(), defs.rules.len());
                        defs.rules.push((name, rule));
                    }
                }
            }
        }
    }
}

/// Why a rule or word-list file could not be read as text.
enum ReadFault {
    /// Not read (missing, not a regular file, too large, binary): why.
    Unread(String),
    /// Read, but not UTF-8: the text with each bad sequence replaced by U+FFFD, the byte offset
    /// of the first in that text, its first byte, and the bytes of a byte-order mark dropped
    /// before the text (the offset in the file is `at + bom`).
    NotUtf8 {
        text: String,
        at: usize,
        byte: u8,
        bom: usize,
    },
}

impl ReadFault {
    /// What a message that cannot point into the file says (a word list's fault).
    fn reason(&self) -> String {
        match self {
            ReadFault::Unread(reason) => reason.clone(),
            ReadFault::NotUtf8 {
                text,
                at,
                byte,
                bom,
            } => {
                let (line, col) = crate::position::line_col(text, *at);
                let in_file = at + bom;
                format!(
                    "the file is not valid UTF-8: invalid byte 0x{byte:02x} at byte {in_file} (line {line}, column {col})"
                )
            }
        }
    }
}

/// A rule file that is not UTF-8, added to the sources as read (each bad sequence replaced) so
/// that the error shows its line with a caret under the first bad byte.
fn not_utf8(sources: &mut SourceMap, file: SourceFile, at: usize, byte: u8) -> GrammarError {
    let end = at + file.text[at..].chars().next().map_or(0, char::len_utf8);
    let file = sources.add(file);
    GrammarError::new(
        ErrorKind::Invalid(format!(
            "the file is not valid UTF-8: invalid byte 0x{byte:02x} here"
        )),
        Span::new(file, at, end),
    )
    .with_note("rule files are text in UTF-8; save it as UTF-8")
}

/// A file named relative to a rule file and what became of reading it.
type Companion = Result<
    (String, String, Option<PathBuf>),
    // The display name and directory it would have had, and why it could not be read.
    (String, Option<PathBuf>, ReadFault),
>;

/// What a rule file names: another rule file (`import`) or a word list (`tsv(...)`).
#[derive(Clone, Copy)]
enum CompanionKind {
    Rules,
    Tsv,
}

impl CompanionKind {
    /// The largest file of this kind that is read.
    fn limit(self) -> u64 {
        match self {
            CompanionKind::Rules => MAX_RULE_FILE_BYTES,
            CompanionKind::Tsv => MAX_TSV_BYTES,
        }
    }
    /// What diagnostics call it.
    fn what(self) -> &'static str {
        match self {
            CompanionKind::Rules => "rule file",
            CompanionKind::Tsv => "tsv file",
        }
    }
    /// The extension a confined grammar may read.
    fn extension(self) -> &'static str {
        match self {
            CompanionKind::Rules => "rules",
            CompanionKind::Tsv => "tsv",
        }
    }
}

/// Reads a file named relative to a rule file: from disk, or from the embedded companions of
/// the default grammar. Returns (display name, text, directory).
fn read_companion(sources: &SourceMap, from: usize, path: &str, kind: CompanionKind) -> Companion {
    let (limit, what) = (kind.limit(), kind.what());
    match &sources.files[from].dir {
        None => EMBEDDED
            .iter()
            .find(|(p, _)| *p == path)
            .map(|(p, text)| (format!("grammars/{p}"), text.to_string(), None))
            .ok_or_else(|| {
                (
                    path.to_string(),
                    None,
                    ReadFault::Unread("the built-in grammar has no such file".to_string()),
                )
            }),
        Some(dir) => {
            let full = dir.join(path);
            let name = full.display().to_string();
            let dir = Some(full.parent().map(Path::to_path_buf).unwrap_or_default());
            let mut full = full;
            if let Some((_, root)) = sources.confined.as_ref().filter(|(f, _)| from >= *f) {
                // Symlinks and `..` are resolved first, and the file read is the one checked
                // (no swapping a link in between). Only rule files and word lists are read:
                // a secret in the same directory (`.env`, a key) would otherwise be quoted
                // back by the diagnostics of a file that does not parse. A path that does not
                // resolve is refused the same way, so that not even a file's existence leaks.
                let wanted = kind.extension();
                let resolved = std::fs::canonicalize(&full).ok().filter(|p| {
                    !root.as_os_str().is_empty()
                        && p.starts_with(root)
                        && p.extension().is_some_and(|e| e == wanted)
                });
                match resolved {
                    Some(p) => full = p,
                    None => {
                        return Err((
                            path.to_string(),
                            dir,
                            ReadFault::Unread(format!(
                                "a grammar sent to a server open to the network reads only .{wanted} files from the edited file's own directory"
                            )),
                        ))
                    }
                }
            }
            match read_limited(&full, limit, what, true) {
                Ok(text) => Ok((name, text, dir)),
                Err(fault) => Err((name, dir, fault)),
            }
        }
    }
}

/// Reads a rule or word-list file: a regular file (not a device, FIFO or directory, which could
/// block or never end) of at most `limit` bytes, text (no NUL byte) in UTF-8. The fault says
/// which. A leading byte-order mark is dropped, so that columns count from the first character
/// an editor shows. An I/O error names the path only when `name_path` (an import names it
/// relative to its file).
fn read_limited(path: &Path, limit: u64, what: &str, name_path: bool) -> Result<String, ReadFault> {
    read_bytes_limited(path, limit, what, name_path).map_err(ReadFault::Unread).and_then(|bytes| {
        let all = bytes.len();
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
        // Offsets in messages are the file's: they count the byte-order mark.
        let bom = all - bytes.len();
        if let Some(at) = bytes.iter().position(|&b| b == 0) {
            let (line, col) = crate::position::byte_line_col(bytes, at);
            let in_file = at + bom;
            return Err(ReadFault::Unread(format!(
                "the file looks binary: it has a NUL byte at byte {in_file} (line {line}, column {col}); a {what} is text"
            )));
        }
        match std::str::from_utf8(bytes) {
            Ok(text) => Ok(text.to_string()),
            Err(e) => Err(ReadFault::NotUtf8 {
                text: String::from_utf8_lossy(bytes).into_owned(),
                at: e.valid_up_to(),
                byte: bytes[e.valid_up_to()],
                bom,
            }),
        }
    })
}

fn read_bytes_limited(
    path: &Path,
    limit: u64,
    what: &str,
    name_path: bool,
) -> Result<Vec<u8>, String> {
    use std::io::Read as _;
    let shown = path.display();
    let io = |e: std::io::Error| {
        if name_path {
            format!("{e} ({shown})")
        } else {
            e.to_string()
        }
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if !meta.is_file() {
        return Err(format!(
            "{shown} is {}, not a regular file; a {what} must be a regular file",
            file_kind(&meta)
        ));
    }
    if meta.len() > limit {
        return Err(format!("{shown}: {}", too_large(meta.len(), limit, what)));
    }
    let file = std::fs::File::open(path).map_err(io)?;
    // The file may grow between the check and the read: never read past the limit.
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(limit + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > limit {
        return Err(format!(
            "{shown}: {}",
            too_large(bytes.len() as u64, limit, what)
        ));
    }
    Ok(bytes)
}

fn too_large(size: u64, limit: u64, what: &str) -> String {
    format!(
        "the file is {size} bytes; a {what} may be at most {limit} bytes ({} MiB)",
        limit >> 20
    )
}

#[cfg(unix)]
fn file_kind(meta: &std::fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt as _;
    let t = meta.file_type();
    if t.is_dir() {
        "a directory"
    } else if t.is_char_device() {
        "a character device"
    } else if t.is_block_device() {
        "a block device"
    } else if t.is_fifo() {
        "a FIFO (named pipe)"
    } else if t.is_socket() {
        "a socket"
    } else {
        "not a regular file"
    }
}

#[cfg(not(unix))]
fn file_kind(meta: &std::fs::Metadata) -> &'static str {
    if meta.is_dir() {
        "a directory"
    } else {
        "not a regular file"
    }
}

struct Resolver<'a> {
    defs: &'a BTreeMap<String, (LexExpr, Span)>,
    sources: &'a SourceMap,
    done: BTreeMap<String, BTreeSet<String>>,
    active: BTreeSet<String>,
    /// Lexicons whose definition failed, already reported: a later use stands for nothing
    /// rather than reporting the same fault again.
    failed: BTreeSet<String>,
    tsv_cache: HashMap<(usize, String), Vec<Vec<String>>>,
}

impl Resolver<'_> {
    fn lexicon(&mut self, name: &syntax::Name) -> Result<BTreeSet<String>, GrammarError> {
        if let Some(done) = self.done.get(&name.text) {
            return Ok(done.clone());
        }
        if self.failed.contains(&name.text) {
            return Ok(BTreeSet::new());
        }
        let Some((expr, _)) = self.defs.get(&name.text) else {
            return Err(GrammarError::new(
                ErrorKind::Unknown {
                    what: "lexicon",
                    name: name.text.clone(),
                    suggestion: suggest(&name.text, self.defs.keys().map(String::as_str)),
                },
                name.span,
            ));
        };
        if !self.active.insert(name.text.clone()) {
            return Err(GrammarError::new(
                ErrorKind::CyclicLexicon(name.text.clone()),
                name.span,
            ));
        }
        if self.active.len() > MAX_LEXICON_DEPTH {
            return Err(GrammarError::new(
                ErrorKind::Invalid(format!(
                    "lexicon `{}` is defined through more than {MAX_LEXICON_DEPTH} other lexicons, one inside the next",
                    name.text
                )),
                name.span,
            ));
        }
        let set = match self.expr(expr) {
            Ok(set) => set,
            Err(e) => {
                self.failed.insert(name.text.clone());
                return Err(e);
            }
        };
        self.active.remove(&name.text);
        self.done.insert(name.text.clone(), set.clone());
        Ok(set)
    }

    fn expr(&mut self, expr: &LexExpr) -> Result<BTreeSet<String>, GrammarError> {
        Ok(match expr {
            LexExpr::List(items) => items
                .iter()
                .filter_map(|s| normalise_phrase(&s.text))
                .collect(),
            LexExpr::Ref(name) => self.lexicon(name)?,
            LexExpr::Union(a, b) => {
                let mut s = self.expr(a)?;
                s.extend(self.expr(b)?);
                s
            }
            LexExpr::Difference(a, b) => {
                let s = self.expr(a)?;
                let minus = self.expr(b)?;
                s.difference(&minus).cloned().collect()
            }
            LexExpr::Tsv { path, filters } => self.tsv(path, filters)?,
        })
    }

    fn tsv(
        &mut self,
        path: &syntax::Name,
        filters: &[syntax::TsvFilter],
    ) -> Result<BTreeSet<String>, GrammarError> {
        let key = (path.span.file, path.text.clone());
        if !self.tsv_cache.contains_key(&key) {
            let (name, text, _) =
                read_companion(self.sources, path.span.file, &path.text, CompanionKind::Tsv)
                    .map_err(|(_, _, fault)| {
                        GrammarError::new(
                            ErrorKind::Io {
                                path: path.text.clone(),
                                reason: fault.reason(),
                            },
                            path.span,
                        )
                    })?;
            let rows: Vec<Vec<String>> = text
                .lines()
                .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
                .map(|l| l.split('\t').map(|c| c.trim().to_string()).collect())
                .collect();
            if rows.is_empty() {
                return Err(GrammarError::new(
                    ErrorKind::Tsv {
                        path: name,
                        reason: "the file has no header line".into(),
                    },
                    path.span,
                ));
            }
            self.tsv_cache.insert(key.clone(), rows);
        }
        let rows = &self.tsv_cache[&key];
        let header = &rows[0];
        let mut tests = Vec::new();
        for f in filters {
            let Some(col) = header.iter().position(|h| *h == f.column.text) else {
                return Err(GrammarError::new(
                    ErrorKind::Unknown {
                        what: "column",
                        name: f.column.text.clone(),
                        suggestion: suggest(&f.column.text, header.iter().map(String::as_str)),
                    },
                    f.column.span,
                )
                .with_note(format!(
                    "the columns of {} are: {}",
                    path.text,
                    header.join(", ")
                )));
            };
            let test = if f.is_regex {
                let re = RegexBuilder::new(&f.value.text)
                    .size_limit(MAX_REGEX_BYTES)
                    .build()
                    .map_err(|e| {
                        GrammarError::new(
                            ErrorKind::InvalidRegex(first_line(&e.to_string())),
                            f.value.span,
                        )
                    })?;
                ColumnTest::Regex(col, re)
            } else {
                ColumnTest::Equals(col, f.value.text.clone())
            };
            if !rows[1..].iter().any(|row| test.holds(row)) {
                return Err(no_tsv_match(&path.text, &rows[1..], col, f));
            }
            tests.push(test);
        }
        let matching: Vec<&Vec<String>> = rows[1..]
            .iter()
            .filter(|row| tests.iter().all(|t| t.holds(row)))
            .collect();
        if let (true, Some(first), Some(last)) =
            (matching.is_empty(), filters.first(), filters.last())
        {
            // Each filter matches some row, never the same one.
            return Err(GrammarError::new(
                ErrorKind::Invalid(format!(
                    "no row of `{}` passes all these filters together",
                    path.text
                )),
                Span::new(path.span.file, first.column.span.start, last.value.span.end),
            ));
        }
        Ok(matching
            .into_iter()
            .filter_map(|row| row.first().and_then(|p| normalise_phrase(p)))
            .collect())
    }
}

/// A `tsv(...)` filter no row passes: the lexicon would be empty. Suggests the nearest value
/// of the column, or lists its values.
fn no_tsv_match(
    path: &str,
    rows: &[Vec<String>],
    col: usize,
    filter: &syntax::TsvFilter,
) -> GrammarError {
    let values: BTreeSet<&str> = rows
        .iter()
        .filter_map(|row| row.get(col).map(String::as_str))
        .filter(|v| !v.is_empty())
        .collect();
    let (value, wanted) = if filter.is_regex {
        // A regex meant as a value: its escapes and anchors are not part of the value.
        let plain: String = filter
            .value
            .text
            .trim_start_matches('^')
            .trim_end_matches('$')
            .chars()
            .filter(|&c| c != '\\')
            .collect();
        (format!("a value matching /{}/", filter.value.text), plain)
    } else {
        (
            format!("\"{}\"", filter.value.text),
            filter.value.text.clone(),
        )
    };
    let suggestion = suggest(&wanted, values.iter().copied());
    let mut error = GrammarError::new(
        ErrorKind::NoTsvMatch {
            message: format!(
                "no row of `{path}` has {value} in its `{}` column",
                filter.column.text
            ),
            suggestion: suggestion.clone(),
        },
        filter.value.span,
    );
    if suggestion.is_none() {
        const SHOWN: usize = 12;
        let mut list: Vec<&str> = values.iter().copied().take(SHOWN).collect();
        let more = values.len().saturating_sub(SHOWN);
        let more = if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        };
        if list.is_empty() {
            list.push("(none)");
        }
        error = error.with_note(format!(
            "the values of `{}` are: {}{more}",
            filter.column.text,
            list.join(", ")
        ));
    }
    error
}

enum ColumnTest {
    Equals(usize, String),
    Regex(usize, Regex),
}

impl ColumnTest {
    fn holds(&self, row: &[String]) -> bool {
        match self {
            ColumnTest::Equals(c, v) => row.get(*c).is_some_and(|x| x == v),
            ColumnTest::Regex(c, re) => row.get(*c).is_some_and(|x| re.is_match(x)),
        }
    }
}

/// Phrases match case-insensitively on word boundaries; trailing commas in word lists
/// ("In conclusion,") are punctuation, not part of the cue.
fn normalise_phrase(p: &str) -> Option<String> {
    let p = p.trim().trim_end_matches([',', ':']).trim();
    let p = p
        .replace(['’', '‘'], "'")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    (!p.is_empty()).then_some(p)
}

fn first_line(s: &str) -> String {
    s.lines().last().unwrap_or(s).trim().to_string()
}

/// Compiles a regex literal, mapping a syntax error to its position in the rule file.
fn compile_regex(lit: &RegexLit) -> Result<LazyRegex, GrammarError> {
    LazyRegex::new(&lit.body, &lit.flags, MAX_REGEX_BYTES).map_err(|e| regex_error(lit, e))
}

/// A named pattern, checked as its file calls for, with the syntax tree it parsed.
fn compile_pattern(lit: &RegexLit, sources: &SourceMap) -> Result<(LazyRegex, Hir), GrammarError> {
    // Only the embedded grammar's files have no directory (see `SourceFile::dir`).
    let check = match sources.files.get(lit.span.file) {
        Some(file) if file.dir.is_none() => PatternCheck::SyntaxOfTypeset,
        _ => PatternCheck::Full,
    };
    LazyRegex::parsed(&lit.body, &lit.flags, MAX_REGEX_BYTES, check)
        .map_err(|e| regex_error(lit, e))
}

fn regex_error(lit: &RegexLit, fault: PatternFault) -> GrammarError {
    // regex-syntax reports the span of the offending part of the pattern.
    let (message, span) = match fault {
        PatternFault::Syntax(e) => match *e {
            regex_syntax::Error::Parse(pe) => (pe.kind().to_string(), Some(*pe.span())),
            regex_syntax::Error::Translate(te) => (te.kind().to_string(), Some(*te.span())),
            other => (first_line(&other.to_string()), None),
        },
        PatternFault::TooBig(limit) => (
            format!(
                "the regex compiles to more than {limit} bytes (its size limit); \
                 use fewer or smaller repetitions"
            ),
            None,
        ),
        PatternFault::Other(message) => (first_line(&message), None),
    };
    let file_span = match span {
        Some(s) => {
            let start = lit
                .origin
                .get(s.start.offset)
                .copied()
                .unwrap_or(lit.span.start + 1);
            let end = lit
                .origin
                .get(s.end.offset.saturating_sub(1))
                .map_or(start + 1, |&o| o + 1)
                .max(start + 1);
            Span::new(lit.span.file, start, end)
        }
        None => lit.span,
    };
    GrammarError::new(ErrorKind::InvalidRegex(message), file_span)
}

struct CheckBuilder<'a> {
    lexicons: &'a HashMap<String, usize>,
    patterns: &'a mut Vec<Pattern>,
    pattern_index: HashMap<String, usize>,
    all_lexicon_names: Vec<String>,
    /// Patterns some condition asks about: only these need the per-unit pattern set.
    in_conditions: BTreeSet<usize>,
}

impl CheckBuilder<'_> {
    fn lexicon(&self, name: &syntax::Name) -> Result<usize, GrammarError> {
        self.lexicons.get(&name.text).copied().ok_or_else(|| {
            GrammarError::new(
                ErrorKind::Unknown {
                    what: "lexicon",
                    name: name.text.clone(),
                    suggestion: suggest(
                        &name.text,
                        self.all_lexicon_names.iter().map(String::as_str),
                    ),
                },
                name.span,
            )
        })
    }

    /// The index of the pattern `name` defines.
    fn named_pattern(&self, name: &syntax::Name) -> Result<usize, GrammarError> {
        self.pattern_index.get(&name.text).copied().ok_or_else(|| {
            GrammarError::new(
                ErrorKind::Unknown {
                    what: "pattern",
                    name: name.text.clone(),
                    suggestion: suggest(&name.text, self.pattern_index.keys().map(String::as_str)),
                },
                name.span,
            )
        })
    }

    fn check(&mut self, cond: &Cond) -> Result<Check, GrammarError> {
        Ok(match cond {
            Cond::Not(c) => Check::Not(Box::new(self.check(c)?)),
            Cond::And(cs) => {
                Check::And(cs.iter().map(|c| self.check(c)).collect::<Result<_, _>>()?)
            }
            Cond::Or(cs) => Check::Or(cs.iter().map(|c| self.check(c)).collect::<Result<_, _>>()?),
            Cond::Neighbour(n, c) => Check::Neighbour(*n, Box::new(self.check(c)?)),
            Cond::Test(t, span) => {
                let test = match t {
                    Test::StartsWith(n) => CheckTest::StartsWith(self.lexicon(n)?),
                    Test::Contains(n) => CheckTest::Contains(self.lexicon(n)?),
                    Test::EndsWith(n) => CheckTest::EndsWith(self.lexicon(n)?),
                    Test::Matches(PatternRef::Named(n)) => {
                        let i = self.named_pattern(n)?;
                        self.in_conditions.insert(i);
                        CheckTest::Matches(i)
                    }
                    Test::Matches(PatternRef::Inline(lit)) => {
                        let regex = compile_regex(lit)?;
                        self.patterns.push(Pattern::new(
                            format!("/{}/{}", lit.body, lit.flags),
                            regex,
                            lit.span,
                        ));
                        self.in_conditions.insert(self.patterns.len() - 1);
                        CheckTest::Matches(self.patterns.len() - 1)
                    }
                    Test::FirstIn(s) => CheckTest::FirstIn(*s),
                    Test::LastIn(s) => CheckTest::LastIn(*s),
                    Test::In(r) => CheckTest::In(*r),
                    Test::Echoes(r) => CheckTest::Echoes(*r),
                    Test::RoleIs(r) => CheckTest::RoleIs(*r),
                    Test::KindIs(k) => CheckTest::KindIs(*k),
                    Test::IsThesis => CheckTest::IsThesis,
                    Test::WordsBelow(n) => CheckTest::WordsBelow(*n),
                    Test::WordsAbove(n) => CheckTest::WordsAbove(*n),
                };
                Check::Test(test, *span)
            }
        })
    }
}

fn build(defs: Definitions, sources: &SourceMap) -> Result<Grammar, Vec<GrammarError>> {
    let mut errors = Vec::new();
    let (settings, threshold_span) = match settings(&defs.settings) {
        Ok(s) => s,
        Err(e) => {
            errors.push(e);
            (Settings::default(), None)
        }
    };
    let mut resolver = Resolver {
        defs: &defs.lexicons,
        sources,
        done: BTreeMap::new(),
        active: BTreeSet::new(),
        failed: BTreeSet::new(),
        tsv_cache: HashMap::new(),
    };
    let mut lexicons = Vec::new();
    for (name, (_, span)) in &defs.lexicons {
        let n = syntax::Name {
            text: name.clone(),
            span: *span,
        };
        match resolver.lexicon(&n) {
            Ok(set) => lexicons.push(Lexicon {
                name: name.clone(),
                cue_source: Arc::from(name.as_str()),
                phrases: set.into_iter().collect(),
                span: *span,
            }),
            Err(e) => {
                errors.push(e);
                resolver.active.clear();
                // Keep the name known so rules using it do not add "unknown lexicon" noise.
                lexicons.push(Lexicon {
                    name: name.clone(),
                    cue_source: Arc::from(name.as_str()),
                    phrases: Vec::new(),
                    span: *span,
                });
            }
        }
    }
    let lexicon_index: HashMap<String, usize> = lexicons
        .iter()
        .enumerate()
        .map(|(i, l)| (l.name.clone(), i))
        .collect();
    let mut patterns = Vec::new();
    // Checking a pattern builds its automaton: the default grammar's patterns, one after the
    // other, took a quarter of loading it.
    let lits: Vec<&RegexLit> = defs.patterns.values().collect();
    let checked = super::in_two_halves(&lits, |lit| compile_pattern(lit, sources));
    // Each named pattern's syntax tree, until the pattern sets are built from them.
    let mut parsed: Vec<Option<Hir>> = Vec::with_capacity(lits.len());
    for ((name, lit), checked) in defs.patterns.iter().zip(checked) {
        match checked {
            Ok((regex, hir)) => {
                patterns.push(Pattern::new(name.clone(), regex, lit.span));
                parsed.push(Some(hir));
            }
            Err(e) => {
                parsed.push(None);
                errors.push(e);
                // Keep the name known so rules using it do not add "unknown pattern" noise.
                patterns.push(Pattern::new(name.clone(), LazyRegex::never(), lit.span));
            }
        }
    }
    let pattern_index = patterns
        .iter()
        .enumerate()
        .map(|(i, p)| (p.name.clone(), i))
        .collect();
    let mut checks = CheckBuilder {
        lexicons: &lexicon_index,
        patterns: &mut patterns,
        pattern_index,
        all_lexicon_names: defs.lexicons.keys().cloned().collect(),
        in_conditions: BTreeSet::new(),
    };
    let mut splits = Vec::new();
    let mut roles = Vec::new();
    let mut kinds = Vec::new();
    let mut links = Vec::new();
    let examples = |body: &syntax::Body| -> Vec<Example> {
        body.examples
            .iter()
            .map(|e| Example {
                positive: e.positive,
                text: e.text.clone(),
                span: e.span,
            })
            .collect()
    };
    // Rules that did not compile, already reported: a `weight` for one is not "unknown".
    let mut failed_rules: HashSet<&str> = HashSet::new();
    for (rule_name, item) in &defs.rules {
        if let Some(e) = misplaced_field(item).or_else(|| missing_when(item)) {
            errors.push(e);
            failed_rules.insert(rule_name);
            continue;
        }
        let before = errors.len();
        let when = |checks: &mut CheckBuilder, body: &syntax::Body| {
            body.when.as_ref().map(|c| checks.check(c)).transpose()
        };
        match item {
            Item::Split {
                name,
                kind,
                lexicon,
                body,
            } => {
                let named = |n: &syntax::Name| {
                    checks
                        .named_pattern(n)
                        .map(|i| checks.patterns[i].regex.clone())
                };
                let pattern = |n: &Option<syntax::Name>| n.as_ref().map(named).transpose();
                let rule = || -> Result<SplitRule, GrammarError> {
                    Ok(SplitRule {
                        name: name.text.clone(),
                        kind: *kind,
                        lexicon: checks.lexicon(lexicon)?,
                        min_words: body.min_words.unwrap_or(settings.min_unit_words),
                        after_comma: body.after_comma,
                        unless_next: body
                            .unless_next
                            .iter()
                            .map(named)
                            .collect::<Result<_, _>>()?,
                        only_next: pattern(&body.only_next)?,
                        unless_prev: pattern(&body.unless_prev)?,
                        clause_goes_on: pattern(&body.clause_goes_on)?,
                        examples: examples(body),
                        span: name.span,
                    })
                };
                match rule() {
                    Ok(rule) => splits.push(rule),
                    Err(e) => errors.push(e),
                }
            }
            Item::Rule {
                name,
                role,
                weight,
                body,
            } => match when(&mut checks, body) {
                Ok(when) => roles.push(RoleRule {
                    name: name.text.clone(),
                    role: *role,
                    weight: *weight,
                    priority: body.priority,
                    when,
                    examples: examples(body),
                    span: name.span,
                }),
                Err(e) => errors.push(e),
            },
            Item::Kind {
                name,
                kind,
                weight,
                body,
            } => match when(&mut checks, body) {
                Ok(when) => kinds.push(KindRule {
                    name: name.text.clone(),
                    kind: *kind,
                    weight: *weight,
                    priority: body.priority,
                    when,
                    examples: examples(body),
                    span: name.span,
                }),
                Err(e) => errors.push(e),
            },
            Item::Link {
                name,
                kind,
                target,
                weight,
                body,
                ..
            } => match when(&mut checks, body) {
                Ok(when) => links.push(LinkRule {
                    name: name.text.clone(),
                    kind: *kind,
                    target: target.clone(),
                    weight: *weight,
                    when,
                    examples: examples(body),
                    span: name.span,
                }),
                Err(e) => errors.push(e),
            },
            _ => {}
        }
        if errors.len() > before {
            failed_rules.insert(rule_name);
        }
    }
    let tuned = apply_weights(
        &defs.weights,
        &mut roles,
        &mut kinds,
        &mut links,
        &splits,
        &failed_rules,
        &mut errors,
    );
    let mut settings = settings;
    for (role, bias) in &defs.biases {
        settings.bias[*role as usize] = *bias;
    }
    if let (Some(span), true) = (threshold_span, failed_rules.is_empty()) {
        if let Some(e) = unreachable_threshold(settings.threshold, span, &settings, &roles, &kinds)
        {
            errors.push(e);
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    // One automaton for every phrase of every lexicon: the text is scanned once however many
    // lexicons and rules there are.
    let mut phrase_ids: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, lex) in lexicons.iter().enumerate() {
        for p in &lex.phrases {
            phrase_ids.entry(p.clone()).or_default().push(i);
        }
    }
    if phrase_ids.len() > MAX_PHRASES {
        // Point at the largest lexicon: that is where phrases can go.
        let (name, count, span) = lexicons
            .iter()
            .max_by_key(|l| l.phrases.len())
            .map_or((String::new(), 0, Span::point(0, 0)), |l| {
                (l.name.clone(), l.phrases.len(), l.span)
            });
        return Err(vec![GrammarError::new(
            ErrorKind::Invalid(format!(
                "the lexicons hold {} distinct phrases; toulmin takes at most {MAX_PHRASES} \
                 (the largest, `{name}`, has {count})",
                phrase_ids.len(),
            )),
            span,
        )]);
    }
    // Phrases are written (and normalised) with straight apostrophes, while much of what people
    // paste is typeset: "That’s why" must find "that's why". The typeset spelling goes into the
    // automaton as a phrase of its own, of the same lexicons.
    let typeset: Vec<(String, Vec<usize>)> = phrase_ids
        .iter()
        .filter(|(p, _)| p.contains('\''))
        .map(|(p, lexicons)| (p.replace('\'', "’"), lexicons.clone()))
        .collect();
    for (p, lexicons) in typeset {
        phrase_ids.entry(p).or_default().extend(lexicons);
    }
    let phrases: Vec<String> = phrase_ids.keys().cloned().collect();
    let phrase_lexicons: Vec<Vec<usize>> = phrase_ids.values().cloned().collect();
    // A contiguous NFA. A full DFA walks each byte with one table lookup, but building it was
    // a sixth of loading the grammar, which every run waits for (79 of 466 million instructions
    // to map one sentence), and on the benchmark batch the NFA's walk is as fast in wall time
    // (1.26 s against 1.29 s at `-j 1`, 0.72 s against 0.73 s at `-j 2`; one sentence 60 ms
    // against 71 ms, `hyperfine`, eight runs each).
    let automaton: AhoCorasick = AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::Standard)
        .kind(Some(aho_corasick::AhoCorasickKind::ContiguousNFA))
        .build(&phrases)
        .map_err(|e| {
            vec![GrammarError::new(
                ErrorKind::Invalid(format!("cannot build the lexicon automaton: {e}")),
                Span::point(0, 0),
            )]
        })?;
    // A pattern no condition asks about (one only a split rule's `unless_next`, `only_next`,
    // `unless_prev` or `clause_goes_on` uses, or none) stands in the per-unit sets as a regex
    // that never matches, so that it costs nothing there and the sets' indices stay the
    // patterns' own.
    let in_conditions = std::mem::take(&mut checks.in_conditions);
    let set_patterns: Vec<Pattern> = patterns
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let mut p = p.clone();
            if !in_conditions.contains(&i) {
                p.regex = LazyRegex::never();
                if let Some(hir) = parsed.get_mut(i) {
                    *hir = None;
                }
            }
            p
        })
        .collect();
    // The ASCII-boundary sets answer for nearly every text; the Unicode set waits for a text
    // they leave to it, unless they cannot be built, when it answers for all of them.
    let pattern_set_ascii_words = super::ascii_words::AsciiWordSet::new(&set_patterns, parsed);
    let pattern_set = if pattern_set_ascii_words.is_some() {
        UnicodeSet::lazy(&set_patterns)
    } else {
        UnicodeSet::built(&set_patterns).map_err(|e| {
            // The set as a whole is too large: no one pattern is at fault, so point at the
            // last one defined (the file being edited comes last).
            let last = patterns
                .iter()
                .map(|p| p.span)
                .max_by_key(|s| (s.file, s.start))
                .unwrap_or(Span::point(0, 0));
            let reason = match e {
                regex::Error::CompiledTooBig(limit) => format!(
                    "all patterns together compile to more than {limit} bytes (the size limit of the pattern set)"
                ),
                other => format!("cannot build the pattern set: {}", first_line(&other.to_string())),
            };
            vec![GrammarError::new(ErrorKind::Invalid(reason), last)]
        })?
    };
    let role_needs = super::needs::Needs::of(roles.iter().map(|r| r.when.as_ref()));
    let kind_needs = super::needs::Needs::of(kinds.iter().map(|k| k.when.as_ref()));
    Ok(Grammar {
        name: defs.header.unwrap_or_else(|| "unnamed".into()),
        settings,
        lexicons,
        patterns,
        splits,
        roles,
        kinds,
        links,
        tuned,
        sources: SourceMap::default(),
        automaton,
        phrases,
        phrase_lexicons,
        pattern_set_ascii_words,
        pattern_set,
        role_needs,
        kind_needs,
    })
}

/// A role or kind rule without a `when` would fire on every unit, adding its weight to every
/// unit's score: almost always a condition left out. (A link rule without one is a fallback
/// target, "every unit supports the one before", and is allowed.)
fn missing_when(item: &Item) -> Option<GrammarError> {
    let (name, body, what, default) = match item {
        Item::Rule { name, body, .. } => (name, body, "role", "default_role"),
        Item::Kind { name, body, .. } => (name, body, "kind", "default_kind"),
        _ => return None,
    };
    if body.when.is_some() {
        return None;
    }
    Some(
        GrammarError::new(
            ErrorKind::Invalid(format!(
                "rule `{}` has no `when` condition, so it would fire on every unit",
                name.text
            )),
            name.span,
        )
        .with_note(format!(
            "write the condition it needs, such as `{{ when contains LEXICON }}`; the {what} of \
             units no rule decides is set with `{default}` in `settings`"
        )),
    )
}

/// A `threshold` no role and no kind can reach: every unit would get the default role.
fn unreachable_threshold(
    threshold: f64,
    span: Span,
    settings: &Settings,
    roles: &[RoleRule],
    kinds: &[KindRule],
) -> Option<GrammarError> {
    let mut best: Option<(f64, String)> = None;
    let mut consider = |score: f64, what: String| {
        if best.as_ref().is_none_or(|(b, _)| score > *b) {
            best = Some((score, what));
        }
    };
    // The most a unit can score for one role or kind: every positive weight at once; None when
    // no rule decides it.
    fn most(weights: impl Iterator<Item = f64>) -> Option<f64> {
        weights.fold(None, |sum, w| Some(sum.unwrap_or(0.0) + w.max(0.0)))
    }
    for role in Role::ALL {
        if let Some(m) = most(roles.iter().filter(|r| r.role == role).map(|r| r.weight)) {
            consider(
                m + settings.bias[role as usize],
                format!("role `{}`", role.as_str()),
            );
        }
    }
    for kind in Kind::ALL {
        if let Some(m) = most(kinds.iter().filter(|r| r.kind == kind).map(|r| r.weight)) {
            consider(m, format!("kind `{}`", kind.as_str()));
        }
    }
    let (most, what) = best?;
    let most = crate::annotate::round3(most);
    (threshold > most).then(|| {
        GrammarError::new(
            ErrorKind::Invalid(format!(
                "threshold {threshold} can never be reached: the most any unit can score is \
                 {most} (every rule of {what} firing at once)"
            )),
            span,
        )
        .with_note("with it, every unit gets the default role and kind")
    })
}

/// A field the item's kind ignores (`after_comma` in a role rule, `clause_goes_on` in a split
/// rule that cuts before its cue): said, rather than silently doing nothing.
fn misplaced_field(item: &Item) -> Option<GrammarError> {
    const EXAMPLES: [&str; 2] = ["yes", "no"];
    let (body, allowed, what): (_, &[&str], _) = match item {
        Item::Rule { body, .. } => (body, &["when", "priority"], "a role rule"),
        Item::Kind { body, .. } => (body, &["when", "priority"], "a kind rule"),
        Item::Link { body, .. } => (body, &["when"], "a link rule"),
        Item::Split {
            body,
            kind: SplitKind::Before,
            ..
        } => (
            body,
            &[
                "min_words",
                "after_comma",
                "unless_next",
                "only_next",
                "unless_prev",
            ],
            "a `before` split rule",
        ),
        Item::Split {
            body,
            kind: SplitKind::AfterLead,
            ..
        } => (
            body,
            &["min_words", "unless_next", "clause_goes_on"],
            "an `after_lead` split rule",
        ),
        _ => return None,
    };
    let field = body
        .fields
        .iter()
        .find(|f| !allowed.contains(&f.text.as_str()) && !EXAMPLES.contains(&f.text.as_str()))?;
    let belongs = match field.text.as_str() {
        "when" => "role, kind and link rules",
        "priority" => "role and kind rules",
        "after_comma" | "unless_prev" | "only_next" => "`before` split rules",
        "clause_goes_on" => "`after_lead` split rules",
        _ => "split rules",
    };
    Some(GrammarError::new(
        ErrorKind::MisplacedField {
            field: field.text.clone(),
            item: what,
            belongs,
        },
        field.span,
    ))
}

/// Puts the `weight` items into the rules they name, remembering the weight written in the
/// rule itself so `explain` can show both.
fn apply_weights(
    weights: &[(syntax::Name, f64)],
    roles: &mut [RoleRule],
    kinds: &mut [KindRule],
    links: &mut [LinkRule],
    splits: &[SplitRule],
    failed: &HashSet<&str>,
    errors: &mut Vec<GrammarError>,
) -> BTreeMap<String, TunedWeight> {
    let mut tuned: BTreeMap<String, TunedWeight> = BTreeMap::new();
    for (name, weight) in weights {
        let slot = roles
            .iter_mut()
            .find(|r| r.name == name.text)
            .map(|r| &mut r.weight)
            .or_else(|| {
                kinds
                    .iter_mut()
                    .find(|r| r.name == name.text)
                    .map(|r| &mut r.weight)
            })
            .or_else(|| {
                links
                    .iter_mut()
                    .find(|r| r.name == name.text)
                    .map(|r| &mut r.weight)
            });
        match slot {
            Some(w) => {
                let written = tuned.get(&name.text).map_or(*w, |t| t.written);
                *w = *weight;
                tuned.insert(
                    name.text.clone(),
                    TunedWeight {
                        written,
                        weight: *weight,
                        span: name.span,
                    },
                );
            }
            // Reported where the rule is.
            None if failed.contains(name.text.as_str()) => {}
            None if splits.iter().any(|s| s.name == name.text) => errors.push(
                GrammarError::new(
                    ErrorKind::Invalid(format!(
                        "`{}` is a split rule, which has no weight",
                        name.text
                    )),
                    name.span,
                )
                .with_note("`weight` applies to role, kind and link rules"),
            ),
            None => {
                let names = roles
                    .iter()
                    .map(|r| r.name.as_str())
                    .chain(kinds.iter().map(|r| r.name.as_str()))
                    .chain(links.iter().map(|r| r.name.as_str()));
                errors.push(
                    GrammarError::new(
                        ErrorKind::Unknown {
                            what: "rule",
                            name: name.text.clone(),
                            suggestion: suggest(&name.text, names),
                        },
                        name.span,
                    )
                    .with_note(
                        "`weight` applies to role, kind and link rules defined in the grammar",
                    ),
                )
            }
        }
    }
    tuned
}

/// The settings, and where `threshold` is set (if it is) for the check that some unit can
/// reach it.
fn settings(raw: &[(syntax::Name, Setting)]) -> Result<(Settings, Option<Span>), GrammarError> {
    let mut s = Settings::default();
    let mut threshold_span = None;
    for (key, value) in raw {
        let out_of_range =
            |span: Span, message: String| Err(GrammarError::new(ErrorKind::Invalid(message), span));
        let number = |v: &Setting| match v {
            Setting::Number(n, span) => Ok((*n, *span)),
            Setting::Word(w) => Err(GrammarError::new(
                ErrorKind::Expected {
                    expected: "a number".into(),
                    found: format!("`{}`", w.text),
                },
                w.span,
            )),
        };
        match key.text.as_str() {
            "threshold" => {
                let (n, span) = number(value)?;
                s.threshold = n;
                threshold_span = Some(span);
            }
            "echo_overlap" => {
                let (n, span) = number(value)?;
                if !(0.0..=1.0).contains(&n) {
                    return out_of_range(
                        span,
                        format!(
                            "echo_overlap is the share of the title's content words a unit \
                             repeats, from 0 to 1, not {n}"
                        ),
                    );
                }
                s.echo_overlap = n;
            }
            "min_unit_words" => {
                let (n, span) = number(value)?;
                if n < 0.0 || n.fract() != 0.0 {
                    return out_of_range(
                        span,
                        format!("min_unit_words is a number of words, 0 or more, not {n}"),
                    );
                }
                s.min_unit_words = n as usize;
            }
            "default_role" => match value {
                Setting::Word(w) => {
                    s.default_role = Role::parse(&w.text).ok_or_else(|| {
                        GrammarError::new(
                            ErrorKind::Unknown {
                                what: "role",
                                name: w.text.clone(),
                                suggestion: suggest(&w.text, Role::ALL.iter().map(|r| r.as_str())),
                            },
                            w.span,
                        )
                    })?
                }
                Setting::Number(..) => {
                    return Err(GrammarError::new(
                        ErrorKind::Invalid("default_role must be a role name".into()),
                        key.span,
                    ))
                }
            },
            "default_kind" => match value {
                Setting::Word(w) if w.text == "none" => s.default_kind = None,
                Setting::Word(w) => {
                    s.default_kind = Some(Kind::parse(&w.text).ok_or_else(|| {
                        GrammarError::new(
                            ErrorKind::Unknown {
                                what: "kind",
                                name: w.text.clone(),
                                suggestion: suggest(
                                    &w.text,
                                    Kind::ALL.iter().map(|k| k.as_str()).chain(["none"]),
                                ),
                            },
                            w.span,
                        )
                    })?)
                }
                Setting::Number(..) => {
                    return Err(GrammarError::new(
                        ErrorKind::Invalid("default_kind must be a kind name or `none`".into()),
                        key.span,
                    ))
                }
            },
            other => {
                return Err(GrammarError::new(
                    ErrorKind::Unknown {
                        what: "setting",
                        name: other.to_string(),
                        suggestion: suggest(
                            other,
                            [
                                "threshold",
                                "default_role",
                                "min_unit_words",
                                "echo_overlap",
                                "default_kind",
                            ],
                        ),
                    },
                    key.span,
                ))
            }
        }
    }
    Ok((s, threshold_span))
}
