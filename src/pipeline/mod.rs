//! The whole pipeline for one text: read → annotate → link → graph, keeping every stage's
//! output so `explain` and the renderers can show why the map looks as it does. A text too
//! long to hold whole is mapped a part at a time ([`parts`]).

pub mod parts;

use compact_str::CompactString;
use sha2::{Digest, Sha256};

use crate::annotate::{self, AnnotatedUnit, Context, Placement, Segmentation};
use crate::article::{Article, InputFormat};
use crate::grammar::Grammar;
use crate::graph::model::{self, ArgumentMap, Cue, Relation, Source, SourceReading, Unit};
use crate::graph::{self, Violation};
use crate::link::{self, Link, Linking, FALLBACK_RULE, RESTATES_RULE};
use std::borrow::Borrow;

/// Everything computed for one document.
pub struct Mapped {
    pub article: Article,
    /// Each unit's annotation: empty unless the caller asked to keep it ([`Keep`]).
    pub units: Vec<AnnotatedUnit>,
    /// How the units were linked: only the thesis unless the caller asked to keep the rest
    /// ([`Keep`]).
    pub linking: Linking,
    pub map: ArgumentMap,
}

/// How much of the stages behind a map a caller keeps beside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// The article and the map: what writing, serving and scoring maps need. The units'
    /// annotation and the links are consumed as the map is built; on a document of many small
    /// units they are a third of the memory, which would otherwise sit beside the map while it
    /// is checked and written.
    Map,
    /// Also every unit's annotation and the linking (what `tune` records).
    Annotations,
    /// Also every link rule tried per unit ([`Linking::candidates`]): what `explain` and
    /// `rules test` show. Mapping alone stops at the rule that links a unit, so it does not
    /// pay for evaluating all the others.
    Explained,
}

#[derive(Debug, thiserror::Error)]
#[error("internal error: the map of `{name}` breaks an invariant: {violation}")]
pub struct InvariantError {
    pub name: String,
    pub violation: Violation,
}

pub fn unit_id(i: usize) -> CompactString {
    compact_str::format_compact!("u{}", i + 1)
}

/// Maps one decoded text. `name` is what the map's `source.name` says; its extension decides
/// how the text is read (see [`InputFormat::from_name`]). Like every `map_*` function but
/// [`map_titled_text_annotated`] and [`map_text_explained`], it keeps the article and the map
/// only ([`Keep::Map`]).
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
    map_named(name, text, title, grammar, segmentation, Keep::Map)
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
    map_document(name, text, format, title, grammar, segmentation, Keep::Map)
}

/// [`map_titled_text`] keeping every unit's annotation and the linking ([`Keep::Annotations`]).
pub fn map_titled_text_annotated(
    name: &str,
    text: &str,
    title: Option<&str>,
    grammar: &Grammar,
    segmentation: &Segmentation,
) -> Result<Mapped, InvariantError> {
    map_named(name, text, title, grammar, segmentation, Keep::Annotations)
}

/// [`map_text`] keeping everything, down to each link rule tried for every unit and what
/// became of it ([`Keep::Explained`]).
pub fn map_text_explained(
    name: &str,
    text: &str,
    grammar: &Grammar,
    segmentation: &Segmentation,
) -> Result<Mapped, InvariantError> {
    map_named(name, text, None, grammar, segmentation, Keep::Explained)
}

/// A text read in the format its name's extension says.
fn map_named(
    name: &str,
    text: &str,
    title: Option<&str>,
    grammar: &Grammar,
    segmentation: &Segmentation,
    keep: Keep,
) -> Result<Mapped, InvariantError> {
    let format = InputFormat::from_name(name);
    map_document(name, text, format, title, grammar, segmentation, keep)
}

/// The general case, keeping what `keep` asks for.
pub fn map_document(
    name: &str,
    text: &str,
    format: InputFormat,
    title: Option<&str>,
    grammar: &Grammar,
    segmentation: &Segmentation,
    keep: Keep,
) -> Result<Mapped, InvariantError> {
    let mut article = Article::parse_as(name, text, format);
    article.given_title = given_title(title);
    map_article(name, article, grammar, segmentation, keep)
}

/// A title given beside the text, as the article keeps it: a blank one is none.
fn given_title(title: Option<&str>) -> Option<String> {
    title
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
}

/// The stages after reading, for an article already read.
fn map_article(
    name: &str,
    article: Article,
    grammar: &Grammar,
    segmentation: &Segmentation,
    keep: Keep,
) -> Result<Mapped, InvariantError> {
    let hits = grammar.scan(&article.text);
    let (places, splits): (Vec<Placement>, _) =
        annotate::place_units(&article, grammar, &hits, segmentation);
    let mut ctx = Context::new(&article, grammar, &places, &hits);
    let mut units = annotate::annotate(&mut ctx, splits);
    if keep == Keep::Map {
        // What each role and kind beat is for `explain` alone; freed now, its room serves the
        // linking, which is when a document of many small units needs the most.
        for u in &mut units {
            u.ranking = Vec::new();
            u.kind.ranking = Vec::new();
        }
    }
    let linking = link::link(&mut ctx, &mut units, keep == Keep::Explained);
    // The scan and the annotation context take as much memory as the map again on an input of
    // many small units; they are done with, and the map and its checks should not sit on top.
    drop(ctx);
    drop(places);
    drop(hits);
    let (mut map, units, linking) = if keep == Keep::Map {
        let Linking {
            thesis,
            links,
            restates,
            thesis_scores,
            ..
        } = linking;
        let map = build_map(&article, grammar, units, links, &restates, thesis);
        let kept = Linking {
            thesis,
            thesis_scores,
            ..Linking::default()
        };
        (map, Vec::new(), kept)
    } else {
        let map = build_map(
            &article,
            grammar,
            &units,
            &linking.links,
            &linking.restates,
            linking.thesis,
        );
        (map, units, linking)
    };
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

/// Builds the map from the units and links, which it may be given by value: each unit's
/// annotation is then freed as soon as its map unit is made, and all of them before the
/// relations are.
fn build_map<U: Borrow<AnnotatedUnit>, L: Borrow<Link>>(
    article: &Article,
    grammar: &Grammar,
    units: impl IntoIterator<Item = U>,
    links: impl IntoIterator<Item = L>,
    restates: &[Option<usize>],
    thesis: Option<usize>,
) -> ArgumentMap {
    let chars = |b: usize| article.char_offset(b);
    let units = units.into_iter();
    let mut out_units = Vec::with_capacity(units.size_hint().0);
    for (i, u) in units.enumerate() {
        let u = u.borrow();
        let mut rules = Vec::new();
        let mut cues: Vec<Cue> = Vec::new();
        let mut push_cue = |span: &std::ops::Range<usize>, lexicon: &str| {
            let cue = Cue {
                start: chars(span.start),
                end: chars(span.end),
                text: article.text[span.clone()].into(),
                lexicon: lexicon.into(),
            };
            if !cues.contains(&cue) {
                cues.push(cue);
            }
        };
        if let Some((r, cue)) = &u.split {
            let rule = &grammar.splits[*r];
            rules.push(CompactString::from(rule.name.as_str()));
            push_cue(cue, &grammar.lexicons[rule.lexicon].name);
        }
        for f in &u.fired {
            rules.push(grammar.roles[f.rule].name.as_str().into());
            for c in &f.cues {
                push_cue(&c.span, &c.source);
            }
        }
        for f in &u.kind.fired {
            rules.push(grammar.kinds[f.rule].name.as_str().into());
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
            // A unit inside a block quote reports what someone else said: testimony, unless a
            // kind rule already decided otherwise.
            kind: u.kind.kind.or_else(|| {
                article
                    .markup
                    .quotes
                    .binary_search(&u.place.block)
                    .is_ok()
                    .then_some(model::Kind::Testimony)
            }),
            start: chars(u.place.span.start),
            end: chars(u.place.span.end),
            text: article.slice(&u.place.span).into(),
            display: article.display(&u.place.span),
            section: article
                .section_name(u.place.section)
                .map(CompactString::from),
            paragraph: article.paragraph_number(block),
            sentence: u.place.sentence + 1,
            score: annotate::round3(u.score),
            stance: None,
            status: None,
            restates: restates.get(i).copied().flatten().map(unit_id),
            rules,
            cues,
        });
    }
    let relations = links
        .into_iter()
        .enumerate()
        .map(|(k, l)| {
            let l = l.borrow();
            Relation {
                id: compact_str::format_compact!("r{}", k + 1),
                from: unit_id(l.from),
                to: unit_id(l.to),
                kind: l.kind,
                rule: match l.rule {
                    Some(r) => grammar.links[r].name.as_str().into(),
                    None if restates.get(l.from).is_some_and(Option::is_some) => {
                        RESTATES_RULE.into()
                    }
                    None => FALLBACK_RULE.into(),
                },
                score: annotate::round3(l.score),
                carries: true,
            }
        })
        .collect();
    ArgumentMap {
        schema: model::SCHEMA.to_string(),
        source: source_of(article),
        title: article.title().map(str::to_string),
        byline: article.byline_shown(),
        date: article.date().map(str::to_string),
        thesis: thesis.map(unit_id),
        units: out_units,
        relations,
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Mapping that consumes the annotation as it builds the map (`Keep::Map`) must draw the
    /// same map as mapping that keeps it: only what is kept beside the map may differ.
    #[test]
    fn a_map_built_from_consumed_annotations_is_the_map_built_from_kept_ones() {
        let grammar = Grammar::default_grammar().expect("the default grammar loads");
        let mut inputs: Vec<(String, String)> = [
            "corpus/ipcs-us-north-korea-2018.txt",
            "corpus/antibiotic-stewardship.md",
            "tests/data/essays/advertising-ban.txt",
        ]
        .iter()
        .map(|p| (p.to_string(), std::fs::read_to_string(p).expect(p)))
        .collect();
        // A block quote: its units' kind is decided while the map is built.
        inputs.push((
            "quoted.md".to_string(),
            "# Fix the depot\n\nThe council should fix the depot now.\n\n> Water comes in \
             every spring.\n\nThat is why repairs cannot wait.\n"
                .to_string(),
        ));
        for (path, text) in &inputs {
            let path = path.as_str();
            let run = |keep| {
                let format = InputFormat::from_name(path);
                map_document(
                    path,
                    text,
                    format,
                    None,
                    &grammar,
                    &Segmentation::Rules,
                    keep,
                )
                .expect("maps")
            };
            let lean = run(Keep::Map);
            let kept = run(Keep::Annotations);
            let explained = run(Keep::Explained);
            assert!(!kept.map.units.is_empty(), "{path}");
            if path == "quoted.md" {
                assert!(!lean.article.markup.quotes.is_empty());
            }
            assert_eq!(
                crate::export::to_json(&lean.map),
                crate::export::to_json(&kept.map),
                "{path}"
            );
            assert_eq!(
                crate::export::to_json(&kept.map),
                crate::export::to_json(&explained.map),
                "{path}"
            );
            assert!(
                lean.units.is_empty() && lean.linking.links.is_empty(),
                "{path}"
            );
            assert_eq!(lean.linking.thesis, kept.linking.thesis, "{path}");
            assert_eq!(kept.units.len(), kept.map.units.len(), "{path}");
            assert_eq!(kept.linking.links.len(), kept.map.relations.len(), "{path}");
        }
    }
}
