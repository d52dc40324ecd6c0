//! Python bindings (feature `python`), imported as `toulmin._toulmin` and re-exported by the
//! `toulmin` package beside this file (`src/python/toulmin/`).
//!
//! Everything here is a thin shell over the library: a map is produced by the same
//! [`crate::pipeline::map_text`] and serialised by the same [`crate::export::to_json`] as the
//! CLI's, then handed to Python's `json.loads`, so a Python map equals the CLI's JSON by
//! construction. Errors carry the CLI's messages.

use std::path::PathBuf;
use std::sync::Arc;

use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyTuple;
use rayon::prelude::*;

use crate::annotate::Segmentation;
use crate::article::{decode_input, Article};
use crate::export::to_json_line;
use crate::grammar::GrammarSpec;
use crate::graph::model::ArgumentMap;
use crate::link::Linking;
use crate::pipeline::{map_text, map_text_explained, Mapped};
use crate::render::{self as renderers, Renderer};

pyo3::create_exception!(
    _toulmin,
    RuleError,
    PyValueError,
    "A rule file could not be read or compiled; str() shows file:line:col and the caret."
);
pyo3::create_exception!(
    _toulmin,
    InputError,
    PyValueError,
    "A text toulmin refuses to map: empty, binary, not UTF-8, or too large."
);
pyo3::create_exception!(
    _toulmin,
    MapError,
    PyRuntimeError,
    "A map broke one of its invariants (a bug in toulmin or in user rules)."
);

/// Name a map gets when the caller gives none.
const DEFAULT_NAME: &str = "text";

/// A compiled grammar: the default rules and/or rule files, compiled once and reused.
#[pyclass(module = "toulmin", frozen, name = "Grammar")]
struct PyGrammar {
    inner: Arc<crate::grammar::Grammar>,
    /// Absolute paths of the rule files, so that a pickled grammar rebuilt on a worker with
    /// another working directory finds the same files.
    rules: Vec<PathBuf>,
    default: bool,
}

fn compile(rules: &[PathBuf], default: bool) -> PyResult<crate::grammar::Grammar> {
    let spec = GrammarSpec {
        without_default: !default,
        files: rules.to_vec(),
    };
    crate::grammar::load(&spec)
        .map_err(|d| RuleError::new_err(d.to_string().trim_end().to_string()))
}

/// Maps one text exactly as `toulmin map` maps a file's contents: the same decoding checks
/// (empty, NUL bytes, size), the same pipeline, the same JSON.
fn map_one(grammar: &crate::grammar::Grammar, text: &str, name: &str) -> Result<Mapped, PyErr> {
    map_decoded(grammar, text, name, map_text)
}

/// [`map_one`] keeping what `explain` shows about the link rules.
fn map_one_explained(
    grammar: &crate::grammar::Grammar,
    text: &str,
    name: &str,
) -> Result<Mapped, PyErr> {
    map_decoded(grammar, text, name, map_text_explained)
}

fn map_decoded(
    grammar: &crate::grammar::Grammar,
    text: &str,
    name: &str,
    map: fn(
        &str,
        &str,
        &crate::grammar::Grammar,
        &Segmentation,
    ) -> Result<Mapped, crate::pipeline::InvariantError>,
) -> Result<Mapped, PyErr> {
    let decoded =
        decode_input(text.as_bytes()).map_err(|e| InputError::new_err(format!("{name}: {e}")))?;
    map(name, &decoded, grammar, &Segmentation::Rules).map_err(|e| MapError::new_err(e.to_string()))
}

/// Outcome of one text of a batch, computed without the GIL.
enum Outcome {
    Json(String),
    Input(String),
    Map(String),
}

fn json_loads<'py>(py: Python<'py>, json: &str) -> PyResult<Bound<'py, PyAny>> {
    py.import("json")?.call_method1("loads", (json,))
}

#[pymethods]
impl PyGrammar {
    #[new]
    #[pyo3(signature = (rules = Vec::new(), default = true))]
    fn new(rules: Vec<PathBuf>, default: bool) -> PyResult<Self> {
        let rules: Vec<PathBuf> = rules
            .into_iter()
            .map(|p| std::path::absolute(&p).unwrap_or(p))
            .collect();
        let inner = compile(&rules, default)?;
        Ok(PyGrammar {
            inner: Arc::new(inner),
            rules,
            default,
        })
    }

    /// The rule files, as absolute paths.
    #[getter]
    fn rules(&self) -> Vec<String> {
        self.rules
            .iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect()
    }

    /// Whether the built-in default grammar is included.
    #[getter]
    fn default(&self) -> bool {
        self.default
    }

    /// Maps one text; returns the `toulmin/map@1` JSON as Python objects.
    #[pyo3(signature = (text, name = None))]
    fn map<'py>(
        &self,
        py: Python<'py>,
        text: &str,
        name: Option<&str>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let json = self.map_json(py, text, name)?;
        json_loads(py, &json)
    }

    /// Maps one text; returns the JSON text itself, on one line: what `toulmin map --jsonl`
    /// writes for the same record.
    #[pyo3(signature = (text, name = None))]
    fn map_json(&self, py: Python<'_>, text: &str, name: Option<&str>) -> PyResult<String> {
        let name = name.unwrap_or(DEFAULT_NAME);
        let grammar = Arc::clone(&self.inner);
        let text = text.to_string();
        let name = name.to_string();
        py.detach(move || map_one(&grammar, &text, &name).map(|m| to_json_line(&m.map)))
    }

    /// Maps many texts on `threads` cores (default: all), without holding the GIL; the result
    /// is in input order. `names` gives each map's `source.name` (default "text").
    #[pyo3(signature = (texts, threads = None, names = None))]
    fn map_many<'py>(
        &self,
        py: Python<'py>,
        texts: Vec<String>,
        threads: Option<usize>,
        names: Option<Vec<String>>,
    ) -> PyResult<Vec<Bound<'py, PyAny>>> {
        let loads = py.import("json")?.getattr("loads")?;
        let mut maps = Vec::with_capacity(texts.len());
        self.stream(py, texts, threads, names, |chunk| {
            for outcome in chunk {
                maps.push(loads.call1((outcome_json(outcome)?,))?);
            }
            Ok(())
        })?;
        Ok(maps)
    }

    /// `map_many`, returning each map's one-line JSON text instead of Python objects.
    #[pyo3(signature = (texts, threads = None, names = None))]
    fn map_many_json(
        &self,
        py: Python<'_>,
        texts: Vec<String>,
        threads: Option<usize>,
        names: Option<Vec<String>>,
    ) -> PyResult<Vec<String>> {
        let mut jsons = Vec::with_capacity(texts.len());
        self.stream(py, texts, threads, names, |chunk| {
            for outcome in chunk {
                jsons.push(outcome_json(outcome)?);
            }
            Ok(())
        })?;
        Ok(jsons)
    }

    /// What `toulmin explain` prints for the text (one unit with `unit="u3"`).
    #[pyo3(signature = (text, unit = None, name = None))]
    fn explain(&self, text: &str, unit: Option<&str>, name: Option<&str>) -> PyResult<String> {
        let mapped = map_one_explained(&self.inner, text, name.unwrap_or(DEFAULT_NAME))?;
        crate::explain::explain(&mapped, &self.inner, unit).ok_or_else(|| {
            PyValueError::new_err(format!(
                "no unit {:?} in the map (units are u1..u{})",
                unit.unwrap_or(""),
                mapped.map.units.len()
            ))
        })
    }

    /// Pickles as its sources: the unpickled grammar is compiled again from the same files.
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let py = slf.py();
        let this = slf.get();
        let args = (this.rules.clone(), this.default).into_pyobject(py)?;
        let class = py.get_type::<PyGrammar>();
        PyTuple::new(py, [class.into_any(), args.into_any()])
    }

    fn __repr__(&self) -> String {
        let rules: Vec<String> = self
            .rules
            .iter()
            .map(|p| format!("{:?}", p.display().to_string()))
            .collect();
        format!(
            "Grammar(rules=[{}], default={})",
            rules.join(", "),
            if self.default { "True" } else { "False" }
        )
    }
}

/// Texts per chunk of a streamed batch: small enough that Python starts building the first
/// maps' objects while the cores map the next chunk, large enough to keep every core busy.
fn chunk_size(texts: usize, threads: usize) -> usize {
    (texts / (threads.max(1) * 16)).clamp(1, 256)
}

fn map_outcome(grammar: &crate::grammar::Grammar, text: &str, name: &str) -> Outcome {
    match decode_input(text.as_bytes()) {
        Err(e) => Outcome::Input(format!("{name}: {e}")),
        Ok(decoded) => match map_text(name, &decoded, grammar, &Segmentation::Rules) {
            Ok(m) => Outcome::Json(to_json_line(&m.map)),
            Err(e) => Outcome::Map(e.to_string()),
        },
    }
}

fn outcome_json(o: Outcome) -> PyResult<String> {
    match o {
        Outcome::Json(json) => Ok(json),
        Outcome::Input(msg) => Err(InputError::new_err(msg)),
        Outcome::Map(msg) => Err(MapError::new_err(msg)),
    }
}

impl PyGrammar {
    /// Maps `texts` in chunks on a worker thread (each chunk spread over the cores) and hands
    /// every finished chunk, in input order, to `take` on the calling thread, which holds the
    /// GIL only while it takes: turning JSON into Python objects overlaps with mapping.
    fn stream(
        &self,
        py: Python<'_>,
        texts: Vec<String>,
        threads: Option<usize>,
        names: Option<Vec<String>>,
        mut take: impl FnMut(Vec<Outcome>) -> PyResult<()>,
    ) -> PyResult<()> {
        if let Some(names) = &names {
            if names.len() != texts.len() {
                return Err(PyValueError::new_err(format!(
                    "{} texts but {} names",
                    texts.len(),
                    names.len()
                )));
            }
        }
        if threads == Some(0) {
            return Err(PyValueError::new_err("threads must be at least 1"));
        }
        let pool = match threads {
            None => None,
            Some(n) => Some(
                rayon::ThreadPoolBuilder::new()
                    .num_threads(n)
                    .build()
                    .map_err(|e| {
                        PyRuntimeError::new_err(format!("cannot start {n} threads: {e}"))
                    })?,
            ),
        };
        let width = pool
            .as_ref()
            .map_or_else(rayon::current_num_threads, |p| p.current_num_threads());
        let chunk = chunk_size(texts.len(), width);
        let grammar = Arc::clone(&self.inner);
        std::thread::scope(|scope| {
            // Created inside the scope so that an early return drops the receiver first: the
            // producer's next send then fails and it stops, instead of blocking the join.
            let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Outcome>>(4);
            let rx = std::sync::Mutex::new(rx);
            scope.spawn(move || {
                for (k, part) in texts.chunks(chunk).enumerate() {
                    let work = || {
                        part.par_iter()
                            .enumerate()
                            .map(|(j, text)| {
                                let name = names
                                    .as_ref()
                                    .map_or(DEFAULT_NAME, |n| n[k * chunk + j].as_str());
                                map_outcome(&grammar, text, name)
                            })
                            .collect::<Vec<_>>()
                    };
                    let out = match &pool {
                        Some(p) => p.install(work),
                        None => work(),
                    };
                    if tx.send(out).is_err() {
                        break;
                    }
                }
            });
            loop {
                let next = py.detach(|| match rx.lock() {
                    Ok(rx) => rx.recv().ok(),
                    Err(_) => None,
                });
                match next {
                    Some(outcomes) => take(outcomes)?,
                    None => return Ok(()),
                }
            }
        })
    }
}

fn map_from_python(map: &Bound<'_, PyAny>) -> PyResult<ArgumentMap> {
    let py = map.py();
    let json: String = if let Ok(s) = map.extract::<String>() {
        s
    } else {
        py.import("json")?
            .call_method1("dumps", (map,))?
            .extract()?
    };
    serde_json::from_str(&json)
        .map_err(|e| PyValueError::new_err(format!("not a toulmin/map@1 map: {e}")))
}

/// Draws a map (a dict from `Grammar.map`, or its JSON text) as `svg`, `dot` or `html`. The
/// HTML report shows the article beside the diagram, so it needs the source `text`.
#[pyfunction]
#[pyo3(signature = (map, format = "svg", text = None, renderer = "auto"))]
fn render(
    py: Python<'_>,
    map: &Bound<'_, PyAny>,
    format: &str,
    text: Option<&str>,
    renderer: &str,
) -> PyResult<String> {
    let map = map_from_python(map)?;
    let renderer = match renderer {
        "auto" => Renderer::Auto,
        "dot" => Renderer::Dot,
        "builtin" => Renderer::Builtin,
        other => {
            return Err(PyValueError::new_err(format!(
                "unknown renderer {other:?} (expected \"auto\", \"dot\" or \"builtin\")"
            )))
        }
    };
    let format = format.to_string();
    let text = text.map(str::to_string);
    py.detach(move || {
        let dot = renderers::dot::to_dot(&map);
        match format.as_str() {
            "dot" => Ok(dot),
            "svg" => renderers::svg(&map, &dot, renderer)
                .map(|(svg, _)| svg)
                .map_err(|e| PyRuntimeError::new_err(e.to_string())),
            "html" => {
                let Some(text) = text else {
                    return Err(PyValueError::new_err(
                        "the HTML report shows the article: pass its text, render(map, \"html\", text=...)",
                    ));
                };
                let decoded = decode_input(text.as_bytes())
                    .map_err(|e| InputError::new_err(e.to_string()))?;
                if crate::pipeline::hex_sha256(decoded.as_bytes()) != map.source.sha256 {
                    return Err(PyValueError::new_err(format!(
                        "this text is not the source of the map (its sha256 differs from source.sha256 of {:?})",
                        map.source.name
                    )));
                }
                let (svg, _) = renderers::svg(&map, &dot, renderer)
                    .map_err(|e| PyRuntimeError::new_err(e.to_string()))?;
                let mapped = Mapped {
                    article: Article::parse(&map.source.name, &decoded),
                    units: Vec::new(),
                    linking: Linking::default(),
                    map,
                };
                Ok(renderers::html::report(&mapped, &svg))
            }
            other => Err(PyValueError::new_err(format!(
                "unknown format {other:?} (expected \"svg\", \"dot\" or \"html\")"
            ))),
        }
    })
}

#[pymodule]
fn _toulmin(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyGrammar>()?;
    m.add_function(wrap_pyfunction!(render, m)?)?;
    m.add("RuleError", m.py().get_type::<RuleError>())?;
    m.add("InputError", m.py().get_type::<InputError>())?;
    m.add("MapError", m.py().get_type::<MapError>())?;
    m.add("SCHEMA", crate::graph::model::SCHEMA)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
