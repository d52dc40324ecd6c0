//! The whole pipeline for one text: read → annotate → link → graph, keeping every stage's
//! output so `explain` and the renderers can show why the map looks as it does.

use sha2::{Digest, Sha256};

use crate::annotate::{self, AnnotatedUnit, Context, Placement, Segmentation};
use crate::article::{Article, InputFormat};
use crate::grammar::Grammar;
use crate::graph::model::{self, ArgumentMap, Cue, Relation, Source, SourceReading, Unit};
use crate::graph::{self, Violation};
use crate::link::{self, Linking, FALLBACK_RULE, RESTATES_RULE};

/// Everything computed for one document.
pub struct Mapped {
    pub article: Article,
    pub units: Vec<AnnotatedUnit>,
    pub linking: Linking,
    pub map: ArgumentMap,
}

#[derive(Debug, thiserror::Error)]
#[error("internal error: the map of `{name}` breaks an invariant: {violation}")]
pub struct InvariantError {
    pub name: String,
    pub violation: Violation,
}

pub fn unit_id(i: usize) -> String {
    format!("u{}", i + 1)
}

/// Maps one decoded text. `name` is what the map's `source.name` says; its extension decides
/// how the text is read (see [`InputFormat::from_name`]).
pub fn map_text(
    name: &str,
    text: &str,
    grammar: &Grammar,
    segmentation: &Segmentation,
) -> Result<Mapped, InvariantError> {
    map_text_as(
        name,
        text,
        InputFormat::from_name(name),
        grammar,
        segmentation,
    )
}

/// Maps one decoded text read in the given format.
pub fn map_text_as(
    name: &str,
    text: &str,
    format: InputFormat,
    grammar: &Grammar,
    segmentation: &Segmentation,
) -> Result<Mapped, InvariantError> {
    map_titled_text_as(name, text, format, None, grammar, segmentation)
}

/// Maps one decoded text that comes with a title of its own (a `--jsonl` record's `title`):
/// the title is the map's title and what `echoes title` compares with, unless the text starts
/// with a title line of its own.
pub fn map_titled_text(
    name: &str,
    text: &str,
    title: Option<&str>,
    grammar: &Grammar,
    segmentation: &Segmentation,
) -> Result<Mapped, InvariantError> {
    map_titled_text_as(
        name,
        text,
        InputFormat::from_name(name),
        title,
        grammar,
        segmentation,
    )
}

/// The general case: a text read in `format`, with an optional title given beside it.
pub fn map_titled_text_as(
    name: &str,
    text: &str,
    format: InputFormat,
    title: Option<&str>,
    grammar: &Grammar,
    segmentation: &Segmentation,
) -> Result<Mapped, InvariantError> {
    map_document(name, text, format, title, grammar, segmentation, false)
}

/// [`map_text`] keeping, for every unit, each link rule tried and what became of it
/// ([`Linking::candidates`]): what `explain` and `rules test` show. Mapping alone stops at the
/// rule that links a unit, so it does not pay for evaluating all the others.
pub fn map_text_explained(
    name: &str,
    text: &str,
    grammar: &Grammar,
    segmentation: &Segmentation,
) -> Result<Mapped, InvariantError> {
    let format = InputFormat::from_name(name);
    map_document(name, text, format, None, grammar, segmentation, true)
}

fn map_document(
    name: &str,
    text: &str,
    format: InputFormat,
    title: Option<&str>,
    grammar: &Grammar,
    segmentation: &Segmentation,
    explain: bool,
) -> Result<Mapped, InvariantError> {
    let mut article = Article::parse_as(name, text, format);
    article.given_title = title
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string);
    let hits = grammar.scan(&article.text);
    let (places, splits): (Vec<Placement>, _) =
        annotate::place_units(&article, grammar, &hits, segmentation);
    let mut ctx = Context::new(&article, grammar, &places, &hits);
    let mut units = annotate::annotate(&mut ctx, splits);
    let linking = link::link(&mut ctx, &mut units, explain);
    // The scan and the annotation context take as much memory as the map again on an input of
    // many small units; they are done with, and the map and its checks should not sit on top.
    drop(ctx);
    drop(places);
    drop(hits);
    let mut map = build_map(&article, grammar, &units, &linking);
    let violation = graph::assign_stances(&mut map).err().or_else(|| {
        graph::ArgumentGraph::new(&map)
            .map(|g| g.check().into_iter().next())
            .unwrap_or_else(Some)
    });
    if let Some(violation) = violation {
        return Err(InvariantError {
            name: name.to_string(),
            violation,
        });
    }
    graph::semantics::assign_status(&mut map);
    Ok(Mapped {
        article,
        units,
        linking,
        map,
    })
}

fn build_map(
    article: &Article,
    grammar: &Grammar,
    units: &[AnnotatedUnit],
    linking: &Linking,
) -> ArgumentMap {
    let chars = |b: usize| article.char_offset(b);
    let mut out_units = Vec::with_capacity(units.len());
    for (i, u) in units.iter().enumerate() {
        let mut rules = Vec::new();
        let mut cues: Vec<Cue> = Vec::new();
        let mut push_cue = |span: &std::ops::Range<usize>, lexicon: &str| {
            let cue = Cue {
                start: chars(span.start),
                end: chars(span.end),
                text: article.text[span.clone()].to_string(),
                lexicon: lexicon.to_string(),
            };
            if !cues.contains(&cue) {
                cues.push(cue);
            }
        };
        if let Some((r, cue)) = &u.split {
            let rule = &grammar.splits[*r];
            rules.push(rule.name.clone());
            push_cue(cue, &grammar.lexicons[rule.lexicon].name);
        }
        for f in &u.fired {
            rules.push(grammar.roles[f.rule].name.clone());
            for c in &f.cues {
                push_cue(&c.span, &c.source);
            }
        }
        for f in &u.kind.fired {
            rules.push(grammar.kinds[f.rule].name.clone());
            for c in &f.cues {
                push_cue(&c.span, &c.source);
            }
        }
        cues.sort_by(|a, b| (a.start, a.end, &a.lexicon).cmp(&(b.start, b.end, &b.lexicon)));
        // The map outlives everything else: no spare capacity in its many small vectors.
        cues.shrink_to_fit();
        rules.shrink_to_fit();
        let block = u.place.block;
        out_units.push(Unit {
            id: unit_id(i),
            role: u.role,
            kind: u.kind.kind,
            start: chars(u.place.span.start),
            end: chars(u.place.span.end),
            text: article.slice(&u.place.span).to_string(),
            display: article.display(&u.place.span),
            section: article.section_name(u.place.section).map(str::to_string),
            paragraph: article.paragraph_number(block),
            sentence: u.place.sentence + 1,
            score: annotate::round3(u.score),
            stance: None,
            status: None,
            restates: linking.restates.get(i).copied().flatten().map(unit_id),
            rules,
            cues,
        });
    }
    mark_quoted_testimony(article, units, &mut out_units);
    let relations = linking
        .links
        .iter()
        .enumerate()
        .map(|(k, l)| Relation {
            id: format!("r{}", k + 1),
            from: unit_id(l.from),
            to: unit_id(l.to),
            kind: l.kind,
            rule: match l.rule {
                Some(r) => grammar.links[r].name.clone(),
                None if linking.restates.get(l.from).is_some_and(Option::is_some) => {
                    RESTATES_RULE.to_string()
                }
                None => FALLBACK_RULE.to_string(),
            },
            score: annotate::round3(l.score),
            carries: true,
        })
        .collect();
    ArgumentMap {
        schema: model::SCHEMA.to_string(),
        source: source_of(article),
        title: article.title().map(str::to_string),
        byline: article.byline_shown(),
        date: article.date().map(str::to_string),
        thesis: linking.thesis.map(unit_id),
        units: out_units,
        relations,
    }
}

/// A unit inside a block quote reports what someone else said: testimony, unless a kind rule
/// already decided otherwise.
fn mark_quoted_testimony(article: &Article, units: &[AnnotatedUnit], out: &mut [Unit]) {
    if article.markup.quotes.is_empty() {
        return;
    }
    for (u, unit) in units.iter().zip(out.iter_mut()) {
        if unit.kind.is_none() && article.markup.quotes.contains(&u.place.block) {
            unit.kind = Some(model::Kind::Testimony);
        }
    }
}

fn source_of(article: &Article) -> Source {
    let format = match article.format {
        InputFormat::Text => None,
        other => Some(other.as_str().to_string()),
    };
    let text_hash = hex_sha256(article.text.as_bytes());
    match &article.original {
        Some(page) => Source {
            name: article.name.clone(),
            sha256: page.sha256.clone(),
            chars: page.chars,
            reading: SourceReading {
                format,
                text_sha256: Some(text_hash),
                text_chars: Some(article.chars()),
                text: None,
            },
        },
        None => Source {
            name: article.name.clone(),
            sha256: text_hash,
            chars: article.chars(),
            reading: SourceReading {
                format,
                ..SourceReading::default()
            },
        },
    }
}

pub fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
