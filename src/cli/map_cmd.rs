use std::collections::BTreeMap;
use std::io::{BufRead, IsTerminal, Read, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use toulmin::annotate::Segmentation;
use toulmin::article::{decode_input, MAX_INPUT_BYTES};
use toulmin::export::{to_json, to_json_line, write_atomic};
use toulmin::grammar::Grammar;
use toulmin::graph::model::Role;
use toulmin::pipeline::{map_text, Mapped};
use toulmin::render::{self, Renderer};

use super::batch::{self, Panicked, Progress, Step, Total};
use super::{fail, Failure, RuleArgs};

#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, ValueEnum)]
pub enum Format {
    Json,
    Dot,
    Svg,
    Png,
    Html,
}

impl Format {
    fn ext(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Dot => "dot",
            Format::Svg => "svg",
            Format::Png => "png",
            Format::Html => "html",
        }
    }
}

#[derive(Copy, Clone, Debug, ValueEnum)]
pub enum RendererArg {
    Auto,
    Dot,
    Builtin,
}

impl From<RendererArg> for Renderer {
    fn from(r: RendererArg) -> Renderer {
        match r {
            RendererArg::Auto => Renderer::Auto,
            RendererArg::Dot => Renderer::Dot,
            RendererArg::Builtin => Renderer::Builtin,
        }
    }
}

#[derive(Args)]
pub struct MapArgs {
    /// Articles to map (.txt or .md); `-` reads standard input; a directory maps every .txt and
    /// .md file in it.
    #[arg(value_name = "INPUT", required_unless_present = "jsonl")]
    inputs: Vec<PathBuf>,
    /// Directory for the output files (created if missing); with --jsonl, the output file.
    #[arg(short, long, value_name = "DIR")]
    output: Option<PathBuf>,
    #[command(flatten)]
    rules: RuleArgs,
    /// Output formats, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "json,dot,svg,html")]
    format: Vec<Format>,
    /// How to draw SVG/PNG: graphviz `dot` when installed (auto), always `dot`, or the
    /// built-in pure-Rust renderer.
    #[arg(long, value_enum, default_value_t = RendererArg::Auto)]
    renderer: RendererArg,
    /// Batch mode: one {"id","text"} JSON record per line in, one map per line out.
    #[arg(long, value_name = "FILE|-", conflicts_with = "inputs")]
    jsonl: Option<PathBuf>,
    /// Documents mapped at once (default: every core). Output is the same for any N.
    #[arg(short = 'j', long = "jobs", value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    jobs: Option<u16>,
    /// No progress bar (it only ever shows on a terminal).
    #[arg(short, long)]
    quiet: bool,
}

struct Input {
    /// Path on disk, or None for standard input.
    path: Option<PathBuf>,
    name: String,
    stem: String,
}

fn collect_inputs(raw: &[PathBuf]) -> Result<Vec<Input>, Failure> {
    let mut inputs = Vec::new();
    for p in raw {
        if p.as_os_str() == "-" {
            inputs.push(Input {
                path: None,
                name: "stdin".into(),
                stem: "stdin".into(),
            });
            continue;
        }
        if p.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|e| fail(format!("cannot read directory {}: {e}", p.display())))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.is_file() && f.extension().is_some_and(|x| x == "txt" || x == "md"))
                .collect();
            found.sort();
            if found.is_empty() {
                return Err(fail(format!(
                    "{}: no .txt or .md files in this directory",
                    p.display()
                )));
            }
            for f in found {
                inputs.push(file_input(&f));
            }
        } else {
            inputs.push(file_input(p));
        }
    }
    Ok(inputs)
}

fn file_input(p: &Path) -> Input {
    let stem = p
        .file_stem()
        .map_or_else(|| "input".to_string(), |s| s.to_string_lossy().into_owned());
    let name = p.file_name().map_or_else(
        || p.display().to_string(),
        |s| s.to_string_lossy().into_owned(),
    );
    Input {
        path: Some(p.to_path_buf()),
        name,
        stem,
    }
}

/// Reads an input without ever holding more than the size limit in memory.
pub fn read_input(path: Option<&Path>) -> Result<String, String> {
    let mut bytes = Vec::new();
    let limit = MAX_INPUT_BYTES as u64 + 1;
    match path {
        None => {
            std::io::stdin()
                .take(limit)
                .read_to_end(&mut bytes)
                .map_err(|e| format!("cannot read standard input: {e}"))?;
        }
        Some(p) => {
            if p.is_dir() {
                return Err(format!("{}: is a directory", p.display()));
            }
            let file = std::fs::File::open(p)
                .map_err(|e| format!("cannot read {}: {}", p.display(), e))?;
            if let Ok(meta) = file.metadata() {
                if meta.len() > MAX_INPUT_BYTES as u64 {
                    return Err(format!(
                        "{}: the input is {} bytes; toulmin reads at most {} bytes (8 MiB) per article",
                        p.display(),
                        meta.len(),
                        MAX_INPUT_BYTES
                    ));
                }
            }
            file.take(limit)
                .read_to_end(&mut bytes)
                .map_err(|e| format!("cannot read {}: {}", p.display(), e))?;
        }
    }
    let shown = path.map_or("stdin".to_string(), |p| p.display().to_string());
    decode_input(&bytes).map_err(|e| format!("{shown}: {e}"))
}

/// Where batch progress may be drawn: a terminal, unless asked for quiet.
fn show_progress(quiet: bool) -> bool {
    !quiet && std::io::stderr().is_terminal()
}

pub fn run(args: MapArgs) -> Result<i32, Failure> {
    let grammar = args.rules.load()?;
    let jobs = args.jobs.map_or_else(batch::default_jobs, usize::from);
    if let Some(jsonl) = &args.jsonl {
        return run_jsonl(&grammar, jsonl, args.output.as_deref(), jobs, args.quiet);
    }
    let inputs = collect_inputs(&args.inputs)?;
    let out_dir = args
        .output
        .clone()
        .unwrap_or_else(|| PathBuf::from("output"));
    std::fs::create_dir_all(&out_dir).map_err(|e| {
        fail(format!(
            "cannot create output directory {}: {e}",
            out_dir.display()
        ))
    })?;
    let mut formats = args.format.clone();
    formats.sort();
    formats.dedup();

    // Two inputs with one stem would overwrite each other's outputs.
    let mut stems: BTreeMap<&str, &str> = BTreeMap::new();
    for i in &inputs {
        if let Some(other) = stems.insert(&i.stem, &i.name) {
            return Err(fail(format!(
                "inputs {other} and {} would both write {}/{}.*; map them into different directories",
                i.name,
                out_dir.display(),
                i.stem
            )));
        }
    }
    let input_paths: Vec<PathBuf> = inputs
        .iter()
        .filter_map(|i| i.path.as_ref().and_then(|p| p.canonicalize().ok()))
        .collect();

    let renderer: Renderer = args.renderer.into();
    // A single input gets no bar: its summary is the progress.
    let mut progress = Progress::new(
        inputs.len() > 1 && show_progress(args.quiet),
        Total::Documents(inputs.len() as u64),
    );
    let mut failures = 0;
    let mut notices_shown = false;
    let mut stdout = std::io::stdout().lock();
    let written = batch::ordered(
        jobs,
        inputs.iter(),
        |input| map_one(&grammar, input, &out_dir, &formats, renderer, &input_paths),
        |step| {
            let done = match step {
                Step::Idle => return progress.suspend(|| stdout.flush()),
                Step::Done(done) => done,
            };
            let done = done.unwrap_or_else(|Panicked| Done {
                failure: Some("internal error: mapping this input panicked".into()),
                ..Done::default()
            });
            if done.fallback && !notices_shown {
                // Said once per run: it is about the machine, not the input.
                progress.eprintln(&format!("note: {}", render::Notice::BuiltinFallback));
                notices_shown = true;
            }
            for warning in &done.warnings {
                progress.eprintln(warning);
            }
            if let Some(msg) = &done.failure {
                progress.eprintln(&format!("error: {msg}"));
                failures += 1;
            }
            progress.suspend(|| stdout.write_all(done.summary.as_bytes()))?;
            progress.advance(1, done.failure.is_some());
            Ok::<(), std::io::Error>(())
        },
    );
    progress.finish();
    written.map_err(|e| fail(format!("cannot write to standard output: {e}")))?;
    Ok(if failures > 0 { 1 } else { 0 })
}

/// What mapping one input produced: the summary for stdout, and what to say on stderr.
#[derive(Default)]
struct Done {
    summary: String,
    warnings: Vec<String>,
    /// The built-in renderer stood in for a missing Graphviz.
    fallback: bool,
    failure: Option<String>,
}

fn map_one(
    grammar: &Grammar,
    input: &Input,
    out_dir: &Path,
    formats: &[Format],
    renderer: Renderer,
    input_paths: &[PathBuf],
) -> Done {
    let mut done = Done::default();
    if let Err(msg) = write_maps(
        grammar,
        input,
        out_dir,
        formats,
        renderer,
        input_paths,
        &mut done,
    ) {
        done.failure = Some(msg);
    }
    done
}

fn write_maps(
    grammar: &Grammar,
    input: &Input,
    out_dir: &Path,
    formats: &[Format],
    renderer: Renderer,
    input_paths: &[PathBuf],
    done: &mut Done,
) -> Result<(), String> {
    let text = read_input(input.path.as_deref())?;
    let mapped =
        map_text(&input.name, &text, grammar, &Segmentation::Rules).map_err(|e| e.to_string())?;
    let mut written = Vec::new();
    // DOT feeds every drawing; a JSON-only run never needs it.
    let needs_dot = formats.iter().any(|f| *f != Format::Json);
    let dot = if needs_dot {
        render::dot::to_dot(&mapped.map)
    } else {
        String::new()
    };
    let mut svg_cache: Option<String> = None;
    for &format in formats {
        let path = out_dir.join(format!("{}.{}", input.stem, format.ext()));
        if let Ok(canon) = path.canonicalize() {
            if input_paths.contains(&canon) {
                return Err(format!(
                    "refusing to write {}: it is one of the inputs",
                    path.display()
                ));
            }
        }
        let bytes: Vec<u8> = match format {
            Format::Json => to_json(&mapped.map).into_bytes(),
            Format::Dot => dot.clone().into_bytes(),
            Format::Svg | Format::Html => {
                let svg = match &svg_cache {
                    Some(s) => s.clone(),
                    None => {
                        let (svg, notice) =
                            render::svg(&mapped.map, &dot, renderer).map_err(|e| e.to_string())?;
                        match notice {
                            Some(render::Notice::BuiltinFallback) => done.fallback = true,
                            Some(n) => done.warnings.push(format!("warning: {}: {n}", input.name)),
                            None => {}
                        }
                        svg_cache = Some(svg.clone());
                        svg
                    }
                };
                if format == Format::Svg {
                    svg.into_bytes()
                } else {
                    render::html::report(&mapped, &svg).into_bytes()
                }
            }
            Format::Png => render::png(&mapped.map, &dot, renderer).map_err(|e| e.to_string())?,
        };
        write_atomic(&path, &bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        written.push(path);
    }
    done.summary = summary(&mapped, &written);
    Ok(())
}

fn summary(mapped: &Mapped, written: &[PathBuf]) -> String {
    use std::fmt::Write as _;
    let map = &mapped.map;
    let mut out = String::new();
    // ok: writing to a String cannot fail
    let _ = writeln!(out, "{}", map.source.name);
    if let Some(t) = map.thesis.as_deref().and_then(|t| map.unit(t)) {
        let _ = writeln!(out, "  thesis ({}): {}", t.id, t.text);
    }
    let counts: Vec<String> = Role::ALL
        .iter()
        .map(|r| (r, map.units.iter().filter(|u| u.role == *r).count()))
        .filter(|(_, n)| *n > 0)
        .map(|(r, n)| format!("{n} {r}"))
        .collect();
    let _ = writeln!(out, "  units: {} ({})", map.units.len(), counts.join(", "));
    let (supports, attacks) = map.relation_counts();
    let _ = writeln!(out, "  relations: {supports} support, {attacks} attack");
    let files: Vec<String> = written.iter().map(|p| p.display().to_string()).collect();
    let _ = writeln!(out, "  wrote: {}", files.join(", "));
    out
}

#[derive(serde::Deserialize)]
struct Record {
    id: serde_json::Value,
    text: String,
}

/// A line of a JSONL batch, as read: its number and bytes, or why it could not be read.
struct Line {
    number: usize,
    bytes: Result<Vec<u8>, LineError>,
}

enum LineError {
    /// The stream broke: the batch stops here.
    Read(std::io::Error),
    /// The line was skipped: one record cannot be allowed to exhaust memory.
    TooLong,
}

/// The longest line read: a record holds at most one input of the size limit, and JSON may
/// spell each byte of it in up to six (`\u0000`).
const MAX_LINE_BYTES: u64 = 6 * MAX_INPUT_BYTES as u64 + 64 * 1024;

/// The non-blank lines of a JSONL stream, read one at a time as the batch asks for them.
fn jsonl_lines(mut reader: impl BufRead) -> impl Iterator<Item = Line> {
    let mut number = 0;
    let mut broken = false;
    std::iter::from_fn(move || loop {
        if broken {
            return None;
        }
        number += 1;
        let mut bytes = Vec::new();
        let read = reader
            .by_ref()
            .take(MAX_LINE_BYTES + 1)
            .read_until(b'\n', &mut bytes);
        let bytes = match read {
            Ok(0) => return None,
            Ok(_) if bytes.len() as u64 > MAX_LINE_BYTES => match reader.skip_until(b'\n') {
                Ok(_) => Err(LineError::TooLong),
                Err(e) => Err(LineError::Read(e)),
            },
            Ok(_) if bytes.iter().all(u8::is_ascii_whitespace) => continue,
            Ok(_) => Ok(bytes),
            Err(e) => Err(LineError::Read(e)),
        };
        broken = matches!(bytes, Err(LineError::Read(_)));
        return Some(Line { number, bytes });
    })
}

fn map_record(grammar: &Grammar, bytes: &[u8]) -> Result<String, String> {
    let text = std::str::from_utf8(bytes)
        .map_err(|e| format!("not valid UTF-8 at byte {}", e.valid_up_to()))?;
    let record = serde_json::from_str::<Record>(text)
        .map_err(|e| format!("not a {{\"id\",\"text\"}} record: {e}"))?;
    let id = match &record.id {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let text = decode_input(record.text.as_bytes()).map_err(|e| e.to_string())?;
    // Only the map is written: the annotations and link candidates behind it are dropped
    // before the JSON is built, which roughly halves the peak for a document of many units.
    let map = map_text(&id, &text, grammar, &Segmentation::Rules)
        .map_err(|e| e.to_string())?
        .map;
    drop(text);
    let mut line = to_json_line(&map);
    drop(map);
    line.push('\n');
    Ok(line)
}

/// Where a batch's maps go as they are made: standard output, or a temporary file beside the
/// output that replaces it only once the batch is complete.
enum Destination {
    Stdout(std::io::BufWriter<std::io::StdoutLock<'static>>),
    File(std::io::BufWriter<tempfile::NamedTempFile>, PathBuf),
}

impl Destination {
    fn open(output: Option<&Path>) -> std::io::Result<Destination> {
        let Some(path) = output else {
            return Ok(Destination::Stdout(std::io::BufWriter::new(
                std::io::stdout().lock(),
            )));
        };
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let tmp = tempfile::Builder::new()
            .prefix(".toulmin-")
            .suffix(".tmp")
            .tempfile_in(dir)?;
        Ok(Destination::File(
            std::io::BufWriter::new(tmp),
            path.to_path_buf(),
        ))
    }

    fn commit(self) -> std::io::Result<()> {
        match self {
            Destination::Stdout(mut out) => out.flush(),
            Destination::File(out, path) => {
                let tmp = out.into_inner().map_err(|e| e.into_error())?;
                // Temporary files are created private; the result should look like any file
                // the user writes: keep an existing file's permissions, else rw-r--r--.
                #[cfg(unix)]
                {
                    use std::os::unix::fs::PermissionsExt;
                    let mode = std::fs::metadata(&path).map_or(0o644, |m| m.permissions().mode());
                    tmp.as_file()
                        .set_permissions(std::fs::Permissions::from_mode(mode))?;
                }
                tmp.as_file().sync_all()?;
                tmp.persist(&path).map_err(|e| e.error)?;
                Ok(())
            }
        }
    }
}

impl Write for Destination {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Destination::Stdout(w) => w.write(buf),
            Destination::File(w, _) => w.write(buf),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        match self {
            Destination::Stdout(w) => w.write_all(buf),
            Destination::File(w, _) => w.write_all(buf),
        }
    }

    /// Streamed output reaches its reader whenever the batch waits; a file need not.
    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Destination::Stdout(w) => w.flush(),
            Destination::File(..) => Ok(()),
        }
    }
}

fn run_jsonl(
    grammar: &Grammar,
    source: &Path,
    output: Option<&Path>,
    jobs: usize,
    quiet: bool,
) -> Result<i32, Failure> {
    if let Some(path) = output {
        let same = matches!((path.canonicalize(), source.canonicalize()), (Ok(x), Ok(y)) if x == y);
        if same {
            return Err(fail(format!(
                "refusing to write {}: it is the input",
                path.display()
            )));
        }
    }
    let from_stdin = source.as_os_str() == "-";
    let (reader, total): (Box<dyn BufRead + Send>, Total) = if from_stdin {
        (
            Box::new(std::io::BufReader::new(std::io::stdin())),
            Total::Unknown,
        )
    } else {
        let f = std::fs::File::open(source)
            .map_err(|e| fail(format!("cannot read {}: {e}", source.display())))?;
        let size = f
            .metadata()
            .map_or(Total::Unknown, |m| Total::Bytes(m.len()));
        (Box::new(std::io::BufReader::new(f)), size)
    };
    let shown = if from_stdin {
        "stdin".to_string()
    } else {
        source.display().to_string()
    };
    let shown_out = output.map_or("standard output".to_string(), |p| p.display().to_string());
    let mut out =
        Destination::open(output).map_err(|e| fail(format!("cannot write {shown_out}: {e}")))?;
    let mut progress = Progress::new(show_progress(quiet), total);
    let mut failures = 0;
    let mut broken: Option<std::io::Error> = None;
    let written = batch::ordered(
        jobs,
        jsonl_lines(reader),
        |line: Line| {
            let size = line.bytes.as_ref().map_or(0, Vec::len) as u64;
            let mapped = line.bytes.map(|bytes| {
                catch_unwind(AssertUnwindSafe(|| map_record(grammar, &bytes))).unwrap_or_else(
                    |_| Err("internal error: mapping this record panicked".to_string()),
                )
            });
            (line.number, size, mapped)
        },
        |step| {
            let done = match step {
                Step::Idle => return progress.suspend(|| out.flush()),
                Step::Done(done) => done,
            };
            let Ok((number, size, mapped)) = done else {
                // map_record catches its own panics; nothing else in a worker can panic.
                progress.eprintln(&format!("error: {shown}: internal error in a worker"));
                failures += 1;
                return Ok(());
            };
            match mapped {
                Ok(Ok(json)) => {
                    out.write_all(json.as_bytes())?;
                    progress.advance(size, false);
                }
                Ok(Err(msg)) => {
                    progress.eprintln(&format!("error: {shown}:{number}: {msg}"));
                    failures += 1;
                    progress.advance(size, true);
                }
                Err(LineError::TooLong) => {
                    progress.eprintln(&format!(
                        "error: {shown}:{number}: the record is longer than {MAX_LINE_BYTES} bytes; toulmin reads at most {MAX_INPUT_BYTES} bytes (8 MiB) per article"
                    ));
                    failures += 1;
                    progress.advance(size, true);
                }
                Err(LineError::Read(e)) => broken = Some(e),
            }
            Ok::<(), std::io::Error>(())
        },
    );
    progress.finish();
    written.map_err(|e| fail(format!("cannot write {shown_out}: {e}")))?;
    if let Some(e) = broken {
        return Err(fail(format!("cannot read {shown}: {e}")));
    }
    out.commit()
        .map_err(|e| fail(format!("cannot write {shown_out}: {e}")))?;
    Ok(if failures > 0 { 1 } else { 0 })
}
