use std::collections::BTreeMap;
use std::io::{BufRead, IsTerminal, Read, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use toulmin::annotate::Segmentation;
use toulmin::article::{decode_input, InputFormat, MAX_INPUT_BYTES};
use toulmin::export::{
    interchange_files, to_json_line, write_atomic, write_atomic_with, write_json, Interchange,
};
use toulmin::grammar::Grammar;
use toulmin::graph::model::{Role, Status};
use toulmin::graph::semantics;
use toulmin::pipeline::{map_titled_text_as, parts, Mapped};
use toulmin::render::{self, Renderer};

use super::batch::{self, Progress, Step, Total};

use super::{fail, Failure, RuleArgs};

#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, ValueEnum)]
pub enum Format {
    Json,
    Dot,
    Svg,
    Png,
    Html,
    /// AIF JSON (AIFdb, OVA): STEM.aif.json
    Aif,
    /// Argdown: STEM.argdown
    Argdown,
    /// brat standoff: brat/STEM.{txt,ann} and brat/annotation.conf
    Brat,
    /// GraphML (networkx, Gephi, yEd): STEM.graphml
    Graphml,
    /// The attack framework for argumentation solvers: STEM.af (ICCMA 2023), STEM.apx (ASPARTIX)
    Iccma,
}

/// What `map` writes when `--format` is not given.
const DEFAULT_FORMATS: [Format; 4] = [Format::Json, Format::Dot, Format::Svg, Format::Html];

impl Format {
    fn ext(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Dot => "dot",
            Format::Svg => "svg",
            Format::Png => "png",
            Format::Html => "html",
            Format::Aif => "aif.json",
            Format::Argdown => "argdown",
            Format::Brat => "ann",
            Format::Graphml => "graphml",
            Format::Iccma => "af",
        }
    }

    fn interchange(self) -> Option<Interchange> {
        match self {
            Format::Aif => Some(Interchange::Aif),
            Format::Argdown => Some(Interchange::Argdown),
            Format::Brat => Some(Interchange::Brat),
            Format::Graphml => Some(Interchange::Graphml),
            Format::Iccma => Some(Interchange::Iccma),
            Format::Json | Format::Dot | Format::Svg | Format::Png | Format::Html => None,
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

/// How inputs are read; `auto` goes by the file extension.
#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum InputFormatArg {
    Auto,
    Text,
    Markdown,
    Html,
}

impl InputFormatArg {
    fn for_name(self, name: &str) -> InputFormat {
        match self {
            InputFormatArg::Auto => InputFormat::from_name(name),
            InputFormatArg::Text => InputFormat::Text,
            InputFormatArg::Markdown => InputFormat::Markdown,
            InputFormatArg::Html => InputFormat::Html,
        }
    }
}

/// Extensions a directory input is searched for.
const INPUT_EXTENSIONS: [&str; 5] = ["txt", "md", "markdown", "html", "htm"];

#[derive(Args)]
pub struct MapArgs {
    /// Articles to map (.txt, .md, .html/.htm); `-` reads standard input; a directory maps every
    /// such file in it.
    #[arg(value_name = "INPUT", required_unless_present = "jsonl")]
    inputs: Vec<PathBuf>,
    /// Directory for the output files (created if missing); with --jsonl, the output file (or,
    /// with --format other than json, the directory for the files of every record).
    #[arg(short, long, value_name = "DIR")]
    output: Option<PathBuf>,
    #[command(flatten)]
    rules: RuleArgs,
    /// Output formats, comma-separated [default: json,dot,svg,html]. With --jsonl, any format
    /// but json writes files per record into the directory -o names.
    #[arg(long, value_delimiter = ',')]
    format: Vec<Format>,
    /// How to draw SVG/PNG: graphviz `dot` when installed (auto), always `dot`, or the
    /// built-in pure-Rust renderer.
    #[arg(long, value_enum, default_value_t = RendererArg::Auto)]
    renderer: RendererArg,
    /// Batch mode: one {"id","text"} JSON record per line in, one map per line out.
    #[arg(long, value_name = "FILE|-", conflicts_with = "inputs")]
    jsonl: Option<PathBuf>,
    /// How to read the inputs: by extension (auto: .md Markdown, .html/.htm web page, else
    /// plain text), or all as one format.
    #[arg(long, value_enum, default_value_t = InputFormatArg::Auto)]
    input_format: InputFormatArg,
    /// Put the text the units' offsets refer to into the JSON (`source.text`): for a web page,
    /// the article text extracted from it.
    #[arg(long)]
    embed_text: bool,
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
                .filter(|f| {
                    f.is_file()
                        && f.extension().is_some_and(|x| {
                            INPUT_EXTENSIONS.contains(&x.to_string_lossy().to_lowercase().as_str())
                        })
                })
                .collect();
            found.sort();
            if found.is_empty() {
                return Err(fail(format!(
                    "{}: no .txt, .md or .html files in this directory",
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
            // Reading stopped at the limit: how much more there was is unknown.
            if bytes.len() as u64 == limit {
                return Err(format!(
                    "stdin: the input is more than {MAX_INPUT_BYTES} bytes; toulmin reads at most {MAX_INPUT_BYTES} bytes (8 MiB) per article"
                ));
            }
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

pub fn run(args: MapArgs) -> Result<i32, Failure> {
    let grammar = args.rules.load()?;
    let mut formats = if args.format.is_empty() {
        DEFAULT_FORMATS.to_vec()
    } else {
        args.format.clone()
    };
    formats.sort();
    formats.dedup();
    if formats.contains(&Format::Png) {
        render::png_possible(args.renderer.into()).map_err(|e| fail(e.to_string()))?;
    }
    let streams_one_file =
        args.jsonl.is_some() && (args.format.is_empty() || formats == [Format::Json]);
    if !streams_one_file && args.output.as_deref() == Some(Path::new("-")) {
        return Err(fail(
            "-o -: map writes a directory of outputs (one file per format), which standard output cannot hold; name a directory, or use --jsonl to stream the maps to standard output",
        ));
    }
    if let Some(jsonl) = &args.jsonl {
        if streams_one_file {
            let jobs = args.jobs.map_or_else(batch::default_jobs, usize::from);
            return run_jsonl(
                &grammar,
                jsonl,
                args.output.as_deref(),
                args.input_format,
                jobs,
                args.quiet,
            );
        }
        let Some(dir) = args.output.as_deref() else {
            return Err(fail(
                "--jsonl with --format other than json writes files per record: name their directory with -o DIR",
            ));
        };
        return run_jsonl_files(
            &grammar,
            jsonl,
            dir,
            &formats,
            args.renderer.into(),
            args.input_format,
        );
    }
    let inputs = collect_inputs(&args.inputs)?;
    let out_dir = args
        .output
        .clone()
        .unwrap_or_else(|| PathBuf::from("output"));
    if out_dir.exists() && !out_dir.is_dir() {
        return Err(fail(format!(
            "-o {}: is a file, but map writes a directory of outputs (one file per format); name a directory, or use --jsonl to write all maps into one file",
            out_dir.display()
        )));
    }
    std::fs::create_dir_all(&out_dir).map_err(|e| {
        fail(format!(
            "cannot create output directory {}: {e}",
            out_dir.display()
        ))
    })?;

    // Two inputs with one stem would overwrite each other's outputs.
    // Named by their paths: two "same.txt" from different directories must be told apart.
    let shown = |i: &Input| {
        i.path
            .as_ref()
            .map_or("standard input".to_string(), |p| p.display().to_string())
    };
    let mut stems: BTreeMap<&str, &Input> = BTreeMap::new();
    for i in &inputs {
        if let Some(other) = stems.insert(&i.stem, i) {
            let same = match (&other.path, &i.path) {
                (Some(a), Some(b)) => super::same_file(a, b),
                (None, None) => true,
                _ => false,
            };
            if same {
                return Err(fail(format!(
                    "{} is given twice; each input is mapped once",
                    shown(i)
                )));
            }
            return Err(fail(format!(
                "inputs {} and {} would both write {}/{}.*; map them into different directories",
                shown(other),
                shown(i),
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
    let jobs = args.jobs.map_or_else(batch::default_jobs, usize::from);
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
        |input| {
            map_one(
                &grammar,
                input,
                &args,
                &out_dir,
                &formats,
                renderer,
                &input_paths,
            )
        },
        |step| {
            let done = match step {
                Step::Idle => return progress.suspend(|| stdout.flush()),
                Step::Done(done) => done,
            };
            let done = done.unwrap_or_else(|batch::Panicked| Done {
                failure: Some("internal error: mapping this input panicked".into()),
                ..Done::default()
            });
            // Said in input order, whichever worker finished first, so that stderr is the
            // same for any -j.
            for notice in &done.notices {
                match notice {
                    // Said once per run: it is about the machine, not the input.
                    Notice::Fallback if notices_shown => {}
                    Notice::Fallback => {
                        progress.eprintln(&format!("note: {}", render::Notice::BuiltinFallback));
                        notices_shown = true;
                    }
                    Notice::Warning(w) => progress.eprintln(w),
                }
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
    written.map_err(super::stdout_failure)?;
    // A batch ends with its count, so that a long run's last line says how it went.
    if inputs.len() > 1 {
        super::print_out(&format!(
            "{} of {} inputs mapped into {}{}\n",
            inputs.len() - failures,
            inputs.len(),
            out_dir.display(),
            failed_note(failures)
        ))?;
    }
    Ok(if failures > 0 { 1 } else { 0 })
}

/// "; 3 failed" for a batch summary, or nothing.
fn failed_note(failures: usize) -> String {
    if failures == 0 {
        String::new()
    } else {
        format!("; {failures} failed (see the errors above)")
    }
}

/// What mapping one input in a worker produced, held until the writer reaches it in input
/// order: the summary for stdout, and what to say on stderr.
#[derive(Default)]
struct Done {
    summary: String,
    notices: Vec<Notice>,
    failure: Option<String>,
}

/// Something to say on stderr about one input's drawing.
enum Notice {
    /// The built-in renderer stood in for a missing Graphviz.
    Fallback,
    Warning(String),
}

fn map_one(
    grammar: &Grammar,
    input: &Input,
    args: &MapArgs,
    out_dir: &Path,
    formats: &[Format],
    renderer: Renderer,
    input_paths: &[PathBuf],
) -> Done {
    let mut done = Done::default();
    let format = args.input_format.for_name(&input.name);
    let text = match read_input(input.path.as_deref()) {
        Ok(text) => text,
        Err(msg) => {
            done.failure = Some(msg);
            return done;
        }
    };
    if parts::maps_in_parts(format, &text) {
        if formats == [Format::Json] {
            let written = map_long(grammar, input, &text, format, args, out_dir, input_paths);
            match written {
                Ok(summary) => done.summary = summary,
                Err(msg) => done.failure = Some(msg),
            }
            return done;
        }
        done.notices.push(Notice::Warning(format!(
            "note: {}: {} KiB is past the {} KiB from which a text is mapped in parts, in bounded memory, but drawings need the map whole; with --format json alone it would be mapped in parts",
            input.name,
            text.len() >> 10,
            parts::LONG_TEXT_BYTES >> 10
        )));
    }
    let mapped = map_titled_text_as(
        &input.name,
        &text,
        format,
        None,
        grammar,
        &Segmentation::Rules,
    )
    .map_err(|e| e.to_string());
    drop(text);
    let written = mapped.and_then(|mut mapped| {
        if args.embed_text {
            mapped.map.source.reading.text = Some(mapped.article.text.clone());
        }
        let written = write_outputs(
            &mapped,
            &input.name,
            &input.stem,
            out_dir,
            formats,
            renderer,
            input_paths,
            &mut done.notices,
        )?;
        Ok(summary(&mapped, &written))
    });
    match written {
        Ok(summary) => done.summary = summary,
        Err(msg) => done.failure = Some(msg),
    }
    done
}

/// Maps a long text in parts ([`parts`]) and writes its JSON, which is all a map in parts can
/// be written as.
fn map_long(
    grammar: &Grammar,
    input: &Input,
    text: &str,
    format: InputFormat,
    args: &MapArgs,
    out_dir: &Path,
    input_paths: &[PathBuf],
) -> Result<String, String> {
    let mut parted = parts::map_in_parts(
        &input.name,
        text,
        format,
        None,
        grammar,
        &Segmentation::Rules,
        parts::PART_BYTES,
    )
    .map_err(|e| e.to_string())?;
    if args.embed_text {
        parted.embed_text(text);
    }
    let path = out_dir.join(format!("{}.json", input.stem));
    refuse_inputs(&path, input_paths)?;
    write_atomic_with(&path, |out| parted.write_json(out))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(parted_summary(&parted, &path))
}

/// [`summary`] for a map in parts, which is not held whole: the counts were kept as its parts
/// were mapped; preferred extensions are not enumerated.
fn parted_summary(parted: &parts::PartedMap, written: &Path) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    // ok: writing to a String cannot fail
    let _ = writeln!(
        out,
        "{} (mapped in {} part{})",
        parted.source().name,
        parted.part_count(),
        if parted.part_count() == 1 { "" } else { "s" }
    );
    let [ins, outs, undecs] = parted.status_counts();
    if let Some((t, attackers)) = parted.thesis() {
        let _ = writeln!(out, "  thesis ({}): {}", t.id, t.shown());
        let verdict = thesis_verdict(t.status, || {
            attackers
                .iter()
                .map(|(id, role)| format!("{id} ({role})"))
                .collect()
        });
        let _ = writeln!(
            out,
            "  acceptability: {verdict} (grounded: {ins} in, {outs} out, {undecs} undec)"
        );
    }
    let counts: Vec<String> = Role::ALL
        .iter()
        .zip(parted.role_counts())
        .filter(|(_, n)| *n > 0)
        .map(|(r, n)| format!("{n} {r}"))
        .collect();
    if parted.unit_count() == 0 {
        let _ = writeln!(
            out,
            "  units: 0 (no text to map once the markup is set aside: the map is empty)"
        );
    } else {
        let _ = writeln!(
            out,
            "  units: {} ({})",
            parted.unit_count(),
            counts.join(", ")
        );
    }
    let (supports, attacks) = parted.relation_counts();
    let _ = writeln!(out, "  relations: {supports} support, {attacks} attack");
    let _ = writeln!(out, "  wrote: {}", written.display());
    out
}

/// An output path that is one of the inputs is refused: writing it would destroy the input.
fn refuse_inputs(path: &Path, input_paths: &[PathBuf]) -> Result<(), String> {
    match path.canonicalize() {
        Ok(canon) if input_paths.contains(&canon) => Err(format!(
            "refusing to write {}: it is one of the inputs",
            path.display()
        )),
        _ => Ok(()),
    }
}

/// Writes every requested format of one map into `out_dir`, files named after `stem`.
#[allow(clippy::too_many_arguments)]
fn write_outputs(
    mapped: &Mapped,
    name: &str,
    stem: &str,
    out_dir: &Path,
    formats: &[Format],
    renderer: Renderer,
    input_paths: &[PathBuf],
    notices: &mut Vec<Notice>,
) -> Result<Vec<PathBuf>, String> {
    let mut written = Vec::new();
    // DOT feeds every drawing, and laying it out is most of the cost of a large map: a run
    // that draws nothing (JSON, the interchange formats) must not pay for it.
    let needs_dot = formats
        .iter()
        .any(|f| matches!(f, Format::Dot | Format::Svg | Format::Png | Format::Html));
    let dot = if needs_dot {
        render::dot::to_dot(&mapped.map)
    } else {
        String::new()
    };
    let mut svg_cache: Option<String> = None;
    let refuse_inputs = |path: &Path| refuse_inputs(path, input_paths);
    // Every path is checked before anything is written: a refusal must not leave the formats
    // before it written and the rest missing. The interchange files are made once, here.
    let mut interchange: Vec<Vec<toulmin::export::ExportFile>> = Vec::new();
    for &format in formats {
        match format.interchange() {
            Some(kind) => {
                let files = interchange_files(kind, &mapped.map, &mapped.article.text, stem);
                for file in &files {
                    refuse_inputs(&out_dir.join(&file.path))?;
                }
                interchange.push(files);
            }
            None => refuse_inputs(&out_dir.join(format!("{stem}.{}", format.ext())))?,
        }
    }
    let mut interchange = interchange.into_iter();
    for &format in formats {
        if format.interchange().is_some() {
            for file in interchange.next().unwrap_or_default() {
                let path = out_dir.join(&file.path);
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent)
                        .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
                }
                write_atomic(&path, file.contents.as_bytes())
                    .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
                written.push(path);
            }
            continue;
        }
        let path = out_dir.join(format!("{stem}.{}", format.ext()));
        let bytes: Vec<u8> = match format {
            Format::Json => {
                write_atomic_with(&path, |out| write_json(&mapped.map, out))
                    .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
                written.push(path);
                continue;
            }
            Format::Dot => dot.clone().into_bytes(),
            Format::Svg | Format::Html => {
                let svg = match &svg_cache {
                    Some(s) => s.clone(),
                    None => {
                        let (svg, notice) =
                            render::svg(&mapped.map, &dot, renderer).map_err(|e| e.to_string())?;
                        match notice {
                            Some(render::Notice::BuiltinFallback) => notices.push(Notice::Fallback),
                            Some(n) => {
                                notices.push(Notice::Warning(format!("warning: {name}: {n}")))
                            }
                            None => {}
                        }
                        svg_cache = Some(svg.clone());
                        svg
                    }
                };
                if format == Format::Svg {
                    svg.into_bytes()
                } else {
                    render::html::report(mapped, &svg).into_bytes()
                }
            }
            Format::Png => render::png(&mapped.map, &dot, renderer).map_err(|e| e.to_string())?,
            Format::Aif | Format::Argdown | Format::Brat | Format::Graphml | Format::Iccma => {
                continue; // ok: written above
            }
        };
        write_atomic(&path, &bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        written.push(path);
    }
    Ok(written)
}

fn summary(mapped: &Mapped, written: &[PathBuf]) -> String {
    use std::fmt::Write as _;
    let map = &mapped.map;
    let mut out = String::new();
    // ok: writing to a String cannot fail
    let _ = writeln!(out, "{}", map.source.name);
    if let Some(t) = map.thesis.as_deref().and_then(|t| map.unit(t)) {
        let _ = writeln!(out, "  thesis ({}): {}", t.id, t.shown());
        let _ = writeln!(out, "  acceptability: {}", acceptability(mapped, t));
    }
    let counts: Vec<String> = Role::ALL
        .iter()
        .map(|r| (r, map.units.iter().filter(|u| u.role == *r).count()))
        .filter(|(_, n)| *n > 0)
        .map(|(r, n)| format!("{n} {r}"))
        .collect();
    if map.units.is_empty() {
        // A page of markup alone (navigation, code, comments) reads as no text at all.
        let _ = writeln!(
            out,
            "  units: 0 (no text to map once the markup is set aside: the map is empty)"
        );
    } else {
        let _ = writeln!(out, "  units: {} ({})", map.units.len(), counts.join(", "));
    }
    let (supports, attacks) = map.relation_counts();
    let _ = writeln!(out, "  relations: {supports} support, {attacks} attack");
    let files: Vec<String> = written.iter().map(|p| p.display().to_string()).collect();
    let _ = writeln!(out, "  wrote: {}", files.join(", "));
    out
}

/// The thesis's grounded status in words; `defeaters` names the units whose standing attacks
/// defeat it, asked for only when they do.
fn thesis_verdict(status: Option<Status>, defeaters: impl FnOnce() -> Vec<String>) -> String {
    match status {
        Some(Status::In) => "thesis in: it survives every attack".to_string(),
        Some(Status::Out) => format!(
            "thesis out: defeated by unanswered {}",
            defeaters().join(", ")
        ),
        Some(Status::Undec) => "thesis undec: caught in a cycle of attacks".to_string(),
        None => "thesis not analysed".to_string(),
    }
}

/// Whether the thesis survives its attacks, and by whose hand it falls if it does not.
fn acceptability(mapped: &Mapped, thesis: &toulmin::graph::model::Unit) -> String {
    let map = &mapped.map;
    let analysis = semantics::analyse(map);
    let count = |s: Status| analysis.status.iter().filter(|x| **x == s).count();
    let tally = format!(
        "{} in, {} out, {} undec",
        count(Status::In),
        count(Status::Out),
        count(Status::Undec)
    );
    let verdict = thesis_verdict(thesis.status, || {
        map.relations
            .iter()
            .filter(|r| {
                r.to == thesis.id
                    && r.carries
                    && r.kind == toulmin::graph::model::RelationKind::Attack
            })
            .filter_map(|r| map.unit(&r.from))
            .map(|u| format!("{} ({})", u.id, u.role))
            .collect()
    });
    let preferred = match &analysis.preferred {
        Some(exts) => {
            let with = exts
                .iter()
                .filter(|e| e.iter().any(|x| x.as_str() == thesis.id.as_str()))
                .count();
            format!(
                "in {with} of {} preferred extension{}",
                exts.len(),
                if exts.len() == 1 { "" } else { "s" }
            )
        }
        None => "preferred extensions too many to enumerate".to_string(),
    };
    format!("{verdict} (grounded: {tally}; {preferred})")
}

/// A record id as a file stem: path separators and other awkward characters become `_`.
fn record_stem(id: &str, line_no: usize) -> String {
    let stem: String = id
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let stem = stem.trim_start_matches('.');
    if stem.is_empty() {
        format!("record-{line_no}")
    } else {
        stem.to_string()
    }
}

#[derive(serde::Deserialize)]
struct Record {
    id: serde_json::Value,
    text: String,
    #[serde(default)]
    title: Option<String>,
}

fn show_progress(quiet: bool) -> bool {
    !quiet && std::io::stderr().is_terminal()
}

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

fn run_jsonl(
    grammar: &Grammar,
    source: &Path,
    output: Option<&Path>,
    input_format: InputFormatArg,
    jobs: usize,
    quiet: bool,
) -> Result<i32, Failure> {
    // `-o -` names standard output, as `-` names standard input (it wrote a file called "-").
    let output = output.filter(|path| path.as_os_str() != "-");
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
    let mut failures = 0;
    let mut records = 0;
    let mut broken: Option<std::io::Error> = None;
    // Maps every record into `out` in input order. A broken input aborts the stream, so that
    // a file output is not committed half-read.
    let stream = |out: &mut dyn Write| -> std::io::Result<()> {
        let mut progress = Progress::new(show_progress(quiet), total);
        let written = batch::ordered(
            jobs,
            jsonl_lines(reader),
            |line: Line| {
                let size = line.bytes.as_ref().map_or(0, Vec::len) as u64;
                let mapped = line.bytes.map(|bytes| {
                    catch_unwind(AssertUnwindSafe(|| {
                        map_record_line(grammar, &bytes, input_format)
                    }))
                    .unwrap_or_else(|_| {
                        Err("internal error: mapping this record panicked".to_string())
                    })
                });
                (line.number, size, mapped)
            },
            |step| {
                let done = match step {
                    // Streamed output reaches its reader whenever the batch waits.
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
                    Ok(Ok(map)) => {
                        match map {
                            RecordMap::Line(json) => out.write_all(json.as_bytes())?,
                            RecordMap::Parted(mut parted) => parted.write_json_line(out)?,
                        }
                        records += 1;
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
        written?;
        if broken.is_some() {
            return Err(std::io::Error::other("the input broke off"));
        }
        out.flush()
    };
    // A file is written atomically (and a device or pipe in place) by the export module's one
    // writer; standard output streams.
    let written = match output {
        None => stream(&mut std::io::BufWriter::new(std::io::stdout().lock())),
        Some(path) => {
            // As for directory outputs, a missing parent directory is made.
            if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent).map_err(|e| {
                    fail(format!("cannot create directory {}: {e}", parent.display()))
                })?;
            }
            write_atomic_with(path, |out| stream(out))
        }
    };
    if let Some(e) = broken {
        return Err(fail(format!("cannot read {shown}: {e}")));
    }
    written.map_err(|e| match output {
        None => super::stdout_failure(e),
        Some(_) => fail(format!("cannot write {shown_out}: {e}")),
    })?;
    // Standard output carries the maps themselves; only a file output leaves room for a count.
    if output.is_some() {
        super::print_out(&format!(
            "{records} records mapped into {shown_out}{}\n",
            failed_note(failures)
        ))?;
    }
    Ok(if failures > 0 { 1 } else { 0 })
}

/// One JSONL line: the record's id and its map.
/// A record's map as the writer gets it: a JSON line, or for a long text the map in parts,
/// which is written out from its temporary files rather than held as a line.
enum RecordMap {
    Line(String),
    Parted(Box<parts::PartedMap>),
}

/// A record's id, text, given title and input format.
struct ReadRecord {
    id: String,
    text: String,
    title: Option<String>,
    format: InputFormat,
}

fn read_record(bytes: &[u8], input_format: InputFormatArg) -> Result<ReadRecord, String> {
    let line = std::str::from_utf8(bytes)
        .map_err(|e| format!("not valid UTF-8 at byte {}", e.valid_up_to()))?;
    let r = serde_json::from_str::<Record>(line)
        .map_err(|e| format!("not a {{\"id\",\"text\"}} record: {e}"))?;
    let id = match &r.id {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let text = decode_input(r.text.as_bytes()).map_err(|e| e.to_string())?;
    let format = input_format.for_name(&id);
    Ok(ReadRecord {
        id,
        text,
        title: r.title,
        format,
    })
}

/// A record mapped whole, for the files written per record.
fn map_record(
    grammar: &Grammar,
    bytes: &[u8],
    input_format: InputFormatArg,
) -> Result<Mapped, String> {
    map_whole_record(grammar, &read_record(bytes, input_format)?)
}

fn map_whole_record(grammar: &Grammar, r: &ReadRecord) -> Result<Mapped, String> {
    map_titled_text_as(
        &r.id,
        &r.text,
        r.format,
        r.title.as_deref(),
        grammar,
        &Segmentation::Rules,
    )
    .map_err(|e| e.to_string())
}

/// A record mapped for the stream of JSON lines: in parts when it is long.
fn map_record_line(
    grammar: &Grammar,
    bytes: &[u8],
    input_format: InputFormatArg,
) -> Result<RecordMap, String> {
    let r = read_record(bytes, input_format)?;
    if parts::maps_in_parts(r.format, &r.text) {
        return parts::map_in_parts(
            &r.id,
            &r.text,
            r.format,
            r.title.as_deref(),
            grammar,
            &Segmentation::Rules,
            parts::PART_BYTES,
        )
        .map(|parted| RecordMap::Parted(Box::new(parted)))
        .map_err(|e| e.to_string());
    }
    let mapped = map_whole_record(grammar, &r)?;
    let mut json = to_json_line(&mapped.map);
    json.push('\n');
    Ok(RecordMap::Line(json))
}

/// `--jsonl` with file formats: every record's files go into `dir`, named after its id.
fn run_jsonl_files(
    grammar: &Grammar,
    source: &Path,
    dir: &Path,
    formats: &[Format],
    renderer: Renderer,
    input_format: InputFormatArg,
) -> Result<i32, Failure> {
    std::fs::create_dir_all(dir).map_err(|e| {
        fail(format!(
            "cannot create output directory {}: {e}",
            dir.display()
        ))
    })?;
    let reader: Box<dyn BufRead> = if source.as_os_str() == "-" {
        Box::new(std::io::BufReader::new(std::io::stdin()))
    } else {
        let f = std::fs::File::open(source)
            .map_err(|e| fail(format!("cannot read {}: {e}", source.display())))?;
        Box::new(std::io::BufReader::new(f))
    };
    let shown = if source.as_os_str() == "-" {
        "stdin".to_string()
    } else {
        source.display().to_string()
    };
    let inputs: Vec<PathBuf> = source.canonicalize().into_iter().collect();
    let mut stems: BTreeMap<String, usize> = BTreeMap::new();
    let mut failures = 0;
    let mut records = 0;
    let mut notices_shown = false;
    let mut notices = Vec::new();
    for (n, line) in reader.split(b'\n').enumerate() {
        let line_no = n + 1;
        let bytes = line.map_err(|e| fail(format!("cannot read {shown}: {e}")))?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let result = map_record(grammar, &bytes, input_format).and_then(|mapped| {
            let stem = record_stem(&mapped.map.source.name, line_no);
            if let Some(first) = stems.insert(stem.clone(), line_no) {
                return Err(format!(
                    "record id {:?} would overwrite the files of line {first} ({stem}.*)",
                    mapped.map.source.name
                ));
            }
            write_outputs(
                &mapped,
                &mapped.map.source.name,
                &stem,
                dir,
                formats,
                renderer,
                &inputs,
                &mut notices,
            )
        });
        for notice in notices.drain(..) {
            match notice {
                // Said once per run: it is about the machine, not the input.
                Notice::Fallback if notices_shown => {}
                Notice::Fallback => {
                    say!("note: {}", render::Notice::BuiltinFallback);
                    notices_shown = true;
                }
                Notice::Warning(w) => say!("{w}"),
            }
        }
        match result {
            Ok(_) => records += 1,
            Err(msg) => {
                say!("error: {shown}:{line_no}: {msg}");
                failures += 1;
            }
        }
    }
    super::print_out(&format!(
        "{records} records mapped into {}{}\n",
        dir.display(),
        failed_note(failures)
    ))?;
    Ok(if failures > 0 { 1 } else { 0 })
}
