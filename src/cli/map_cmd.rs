use std::collections::BTreeMap;
use std::io::{BufRead, Read};
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use toulmin::annotate::Segmentation;
use toulmin::article::{decode_input, MAX_INPUT_BYTES};
use toulmin::export::{to_json, to_json_line, write_atomic};
use toulmin::grammar::Grammar;
use toulmin::graph::model::Role;
use toulmin::pipeline::{map_text, map_titled_text, Mapped};
use toulmin::render::{self, Renderer};

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

pub fn run(args: MapArgs) -> Result<i32, Failure> {
    let grammar = args.rules.load()?;
    if let Some(jsonl) = &args.jsonl {
        return run_jsonl(&grammar, jsonl, args.output.as_deref());
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

    let mut failures = 0;
    let mut notices_shown = false;
    for input in &inputs {
        match map_one(
            &grammar,
            input,
            &out_dir,
            &formats,
            args.renderer.into(),
            &input_paths,
            &mut notices_shown,
        ) {
            Ok(()) => {}
            Err(msg) => {
                eprintln!("error: {msg}");
                failures += 1;
            }
        }
    }
    Ok(if failures > 0 { 1 } else { 0 })
}

fn map_one(
    grammar: &Grammar,
    input: &Input,
    out_dir: &Path,
    formats: &[Format],
    renderer: Renderer,
    input_paths: &[PathBuf],
    notices_shown: &mut bool,
) -> Result<(), String> {
    let text = read_input(input.path.as_deref())?;
    let mapped =
        map_text(&input.name, &text, grammar, &Segmentation::Rules).map_err(|e| e.to_string())?;
    let mut written = Vec::new();
    let dot = render::dot::to_dot(&mapped.map);
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
                            // Said once per run: it is about the machine, not the input.
                            Some(n @ render::Notice::BuiltinFallback) if !*notices_shown => {
                                eprintln!("note: {n}");
                                *notices_shown = true;
                            }
                            Some(render::Notice::BuiltinFallback) | None => {}
                            Some(n) => eprintln!("warning: {}: {n}", input.name),
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
    print_summary(&mapped, &written);
    Ok(())
}

fn print_summary(mapped: &Mapped, written: &[PathBuf]) {
    let map = &mapped.map;
    println!("{}", map.source.name);
    if let Some(t) = map.thesis.as_deref().and_then(|t| map.unit(t)) {
        println!("  thesis ({}): {}", t.id, t.text);
    }
    let counts: Vec<String> = Role::ALL
        .iter()
        .map(|r| (r, map.units.iter().filter(|u| u.role == *r).count()))
        .filter(|(_, n)| *n > 0)
        .map(|(r, n)| format!("{n} {r}"))
        .collect();
    println!("  units: {} ({})", map.units.len(), counts.join(", "));
    let (supports, attacks) = map.relation_counts();
    println!("  relations: {supports} support, {attacks} attack");
    let files: Vec<String> = written.iter().map(|p| p.display().to_string()).collect();
    println!("  wrote: {}", files.join(", "));
}

#[derive(serde::Deserialize)]
struct Record {
    id: serde_json::Value,
    text: String,
    #[serde(default)]
    title: Option<String>,
}

fn run_jsonl(grammar: &Grammar, source: &Path, output: Option<&Path>) -> Result<i32, Failure> {
    if let Some(path) = output {
        let same = matches!((path.canonicalize(), source.canonicalize()), (Ok(x), Ok(y)) if x == y);
        if same {
            return Err(fail(format!(
                "refusing to write {}: it is the input",
                path.display()
            )));
        }
    }
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
    let mut out = String::new();
    let mut failures = 0;
    for (n, line) in reader.split(b'\n').enumerate() {
        let line_no = n + 1;
        let bytes = line.map_err(|e| fail(format!("cannot read {shown}: {e}")))?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let result = std::str::from_utf8(&bytes)
            .map_err(|e| format!("not valid UTF-8 at byte {}", e.valid_up_to()))
            .and_then(|s| {
                serde_json::from_str::<Record>(s)
                    .map_err(|e| format!("not a {{\"id\",\"text\"}} record: {e}"))
            })
            .and_then(|r| {
                let id = match &r.id {
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                let text = decode_input(r.text.as_bytes()).map_err(|e| e.to_string())?;
                map_titled_text(
                    &id,
                    &text,
                    r.title.as_deref(),
                    grammar,
                    &Segmentation::Rules,
                )
                .map_err(|e| e.to_string())
            });
        match result {
            Ok(mapped) => {
                out.push_str(&to_json_line(&mapped.map));
                out.push('\n');
                if output.is_none() {
                    print!("{}", std::mem::take(&mut out));
                }
            }
            Err(msg) => {
                eprintln!("error: {shown}:{line_no}: {msg}");
                failures += 1;
            }
        }
    }
    if let Some(path) = output {
        write_atomic(path, out.as_bytes())
            .map_err(|e| fail(format!("cannot write {}: {e}", path.display())))?;
    }
    Ok(if failures > 0 { 1 } else { 0 })
}
