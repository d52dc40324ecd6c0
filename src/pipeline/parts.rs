//! A long text mapped one part at a time, in memory bounded by a part rather than by the text.
//!
//! Held whole, a map and the stages behind it take about a kilobyte per unit: a megabyte of
//! one-word paragraphs is two hundred thousand units, and eight megabytes needed more than a
//! gigabyte. Past [`LONG_TEXT_BYTES`], the text is cut into parts of about [`PART_BYTES`] at
//! blank lines ([`crate::article::parts`]); each part is read and mapped as an article of its
//! own, and its units and relations go to temporary files as soon as they are made, numbered
//! and placed as in the whole text. What stays in memory is a few facts per part.
//!
//! Each part settles on a thesis of its own. The one with the highest thesis score (the
//! earlier part on a tie) is the document's thesis; every other part's thesis becomes a claim
//! that supports it (rule [`PART_RULE`]), so a book-length text maps as its parts' conclusions
//! under the conclusion of the whole. Only units that restate the document's thesis say so
//! (`restates`); a restatement of another part's conclusion keeps its link to that claim.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Seek, Write};
use std::ops::Range;

use compact_str::CompactString;
use serde::ser::{SerializeSeq, SerializeStruct};
use serde::{Serialize, Serializer};

use super::{given_title, hex_sha256, map_article, unit_id, InvariantError, Keep};
use crate::annotate::{round3, Segmentation};
use crate::article::parts::{self, Seam};
use crate::article::{Article, InputFormat, PartOf};
use crate::grammar::Grammar;
use crate::graph::model::{
    self, ArgumentMap, Relation, RelationKind, Role, Source, SourceReading, Status, Unit,
};

/// Texts longer than this (in bytes) are mapped in parts: half a mebibyte, 80,000 words or so,
/// ten times a long commentary. Held whole, a mebibyte of one-word paragraphs peaked at
/// 192 MiB; at this length the worst shape measured peaks at 117 MiB.
pub const LONG_TEXT_BYTES: usize = 512 << 10;
/// About how long each part is, in bytes: a long essay or a chapter.
pub const PART_BYTES: usize = 64 << 10;
/// The rule named by the relation from a part's thesis to the document's thesis.
pub const PART_RULE: &str = "part:thesis";

/// Whether a text of this format and length is mapped in parts. A web page is not: its
/// article text is extracted from the whole page before there is anything to cut.
pub fn maps_in_parts(format: InputFormat, text: &str) -> bool {
    format != InputFormat::Html && text.len() > LONG_TEXT_BYTES
}

#[derive(Debug, thiserror::Error)]
pub enum PartsError {
    #[error(transparent)]
    Invariant(#[from] InvariantError),
    /// The temporary files that hold the units and relations could not be made or written
    /// (`TMPDIR` names where they go).
    #[error("cannot keep the map's parts in a temporary file in {dir}: {1}", dir = .0.display())]
    Spool(std::path::PathBuf, std::io::Error),
}

impl From<std::io::Error> for PartsError {
    fn from(e: std::io::Error) -> PartsError {
        PartsError::Spool(std::env::temp_dir(), e)
    }
}

/// What is kept of one part once its units and relations are spooled.
#[derive(Debug)]
struct PartFacts {
    /// Global indices of the part's units.
    units: Range<usize>,
    relations: usize,
    /// The part's thesis, as placed in the whole text, and its thesis score.
    thesis: Option<(Unit, f64)>,
    /// Units of the part by role, in [`Role::ALL`] order, and by grounded status.
    roles: [usize; 7],
    statuses: [usize; 3],
    supports: usize,
    /// The units whose attacks defeat the part's thesis, as (id, role).
    thesis_attackers: Vec<(CompactString, Role)>,
}

/// A map whose units and relations wait in temporary files; [`PartedMap::write_json`] writes it
/// as `toulmin/map@1` JSON, byte for byte what a map of the same units held whole would write.
pub struct PartedMap {
    schema: String,
    source: Source,
    title: Option<String>,
    byline: Option<String>,
    date: Option<String>,
    parts: Vec<PartFacts>,
    /// The part whose thesis is the document's.
    thesis_part: Option<usize>,
    units: Spool,
    relations: Spool,
}

/// Values written one JSON line each to a temporary file, read back in order.
struct Spool {
    out: BufWriter<File>,
}

impl Spool {
    fn new() -> std::io::Result<Spool> {
        Ok(Spool {
            out: BufWriter::new(tempfile::tempfile()?),
        })
    }

    fn push(&mut self, value: &impl Serialize) -> std::io::Result<()> {
        serde_json::to_writer(&mut self.out, value).map_err(std::io::Error::other)?;
        self.out.write_all(b"\n")
    }

    /// The lines written so far, from the first.
    fn lines(&mut self) -> std::io::Result<std::io::Lines<BufReader<File>>> {
        self.out.flush()?;
        let mut file = self.out.get_ref().try_clone()?;
        file.rewind()?;
        Ok(BufReader::new(file).lines())
    }
}

/// One part mapped on its own, with what numbering it into the whole text needs.
struct MappedPart {
    map: ArgumentMap,
    thesis_score: f64,
    /// Character offset of the part's first heading, if it has one.
    first_heading: usize,
    /// The heading of the section the part ends in, if it has a heading.
    last_section: Option<CompactString>,
    chars: usize,
    sentences: usize,
    paragraphs: usize,
}

/// Maps one part on its own: the numbering into the whole text comes after.
fn map_part(
    place: PartOf,
    name: &str,
    part_text: &str,
    format: InputFormat,
    title: Option<&str>,
    grammar: &Grammar,
    segmentation: &Segmentation,
) -> Result<MappedPart, InvariantError> {
    let mut article = Article::parse_part(name, part_text, format, place);
    if place.first {
        article.given_title = given_title(title);
    }
    let first_heading = article.headings.first().map_or(usize::MAX, |&b| {
        article.char_offset(article.blocks[b].span.start)
    });
    let last_section = article
        .headings
        .len()
        .checked_sub(1)
        .and_then(|h| article.section_name(Some(h)))
        .map(CompactString::from);
    let chars = article.chars();
    let sentences = article.sentences.len();
    let paragraphs = article
        .blocks
        .len()
        .checked_sub(1)
        .map_or(0, |b| article.paragraph_number(b));
    let mapped = map_article(name, article, grammar, segmentation, Keep::Map)?;
    let thesis_score = mapped
        .linking
        .thesis
        .and_then(|t| mapped.linking.thesis_scores.get(t).copied())
        .unwrap_or(0.0);
    Ok(MappedPart {
        map: mapped.map,
        thesis_score,
        first_heading,
        last_section,
        chars,
        sentences,
        paragraphs,
    })
}

/// Maps `text` in parts of about `part_bytes` (see the module documentation). `title` is a
/// title given beside the text, as for [`super::map_titled_text_as`].
///
/// The parts are mapped one after the other: mapped at once on two cores, they took a fifth
/// less time and twice to three times the memory (each thread's allocator keeps its own).
pub fn map_in_parts(
    name: &str,
    text: &str,
    format: InputFormat,
    title: Option<&str>,
    grammar: &Grammar,
    segmentation: &Segmentation,
    part_bytes: usize,
) -> Result<PartedMap, PartsError> {
    let mut units = Spool::new()?;
    let mut relations = Spool::new()?;
    let mut facts = Vec::new();
    let mut head: Option<ArgumentMap> = None;
    // Where the next part starts in the whole text's numbering.
    let mut next_unit = 0;
    let mut next_char = 0;
    let mut paragraphs: usize = 0;
    let mut sentences: usize = 0;
    let mut section: Option<CompactString> = None;
    let all = parts::split(text, format, part_bytes);
    let count = all.len();
    for (k, part) in all.into_iter().enumerate() {
        let MappedPart {
            map,
            thesis_score,
            first_heading,
            last_section,
            chars: part_chars,
            sentences: part_sentences,
            paragraphs: part_paragraphs,
        } = map_part(
            PartOf {
                first: k == 0,
                last: k + 1 == count,
            },
            name,
            &text[part.range.clone()],
            format,
            title,
            grammar,
            segmentation,
        )?;
        // A part cut inside a paragraph (or a sentence) goes on with the one before.
        let paragraph_base = match part.seam {
            Seam::Block => paragraphs,
            Seam::Sentence | Seam::Words => paragraphs.saturating_sub(1),
        };
        let sentence_base = match part.seam {
            Seam::Block | Seam::Sentence => sentences,
            Seam::Words => sentences.saturating_sub(1),
        };
        // A part's map names its units `u1`, `u2`, … in order (`unit_id`); in the whole text
        // they come after the parts before.
        let id = |local: &str| -> CompactString {
            let at = local
                .strip_prefix('u')
                .and_then(|n| n.parse::<usize>().ok())
                .map_or(0, |n| n.saturating_sub(1));
            unit_id(next_unit + at)
        };
        let mut fact = PartFacts {
            units: next_unit..next_unit + map.units.len(),
            relations: map.relations.len(),
            thesis: None,
            roles: [0; 7],
            statuses: [0; 3],
            supports: 0,
            thesis_attackers: Vec::new(),
        };
        for r in &map.relations {
            fact.supports += usize::from(r.kind == RelationKind::Support);
            if map.thesis.as_ref() == Some(&r.to) && r.kind == RelationKind::Attack && r.carries {
                if let Some(by) = map.unit(&r.from) {
                    fact.thesis_attackers.push((id(&r.from), by.role));
                }
            }
        }
        for mut u in map.units {
            let is_thesis = map.thesis.as_ref() == Some(&u.id);
            if u.section.is_none() && k > 0 && u.start < first_heading {
                u.section.clone_from(&section);
            }
            u.id = id(&u.id);
            u.start += next_char;
            u.end += next_char;
            for c in &mut u.cues {
                c.start += next_char;
                c.end += next_char;
            }
            if u.paragraph > 0 {
                u.paragraph += paragraph_base;
            }
            u.sentence += sentence_base;
            u.restates = u.restates.as_deref().map(id);
            if let Some(r) = Role::ALL.iter().position(|&r| r == u.role) {
                fact.roles[r] += 1;
            }
            match u.status {
                Some(Status::In) => fact.statuses[0] += 1,
                Some(Status::Out) => fact.statuses[1] += 1,
                Some(Status::Undec) => fact.statuses[2] += 1,
                None => {}
            }
            units.push(&u)?;
            if is_thesis {
                fact.thesis = Some((u, thesis_score));
            }
        }
        for mut r in map.relations {
            r.from = id(&r.from);
            r.to = id(&r.to);
            relations.push(&r)?;
        }
        if head.is_none() {
            head = Some(ArgumentMap {
                units: Vec::new(),
                relations: Vec::new(),
                ..map
            });
        }
        next_unit = fact.units.end;
        next_char += part_chars;
        paragraphs = paragraph_base + part_paragraphs;
        sentences = sentence_base + part_sentences;
        if last_section.is_some() {
            section = last_section;
        }
        facts.push(fact);
    }
    let thesis_part = facts
        .iter()
        .enumerate()
        .filter_map(|(k, f)| f.thesis.as_ref().map(|(_, score)| (k, *score)))
        .fold(None, |best: Option<(usize, f64)>, (k, score)| match best {
            Some((_, top)) if top >= score => best,
            _ => Some((k, score)),
        })
        .map(|(k, _)| k);
    let (title, byline, date) = head.map_or((None, None, None), |h| (h.title, h.byline, h.date));
    Ok(PartedMap {
        schema: model::SCHEMA.to_string(),
        source: Source {
            name: name.to_string(),
            sha256: hex_sha256(text.as_bytes()),
            chars: next_char,
            reading: SourceReading {
                format: (format != InputFormat::Text).then(|| format.as_str().to_string()),
                ..SourceReading::default()
            },
        },
        title,
        byline,
        date,
        parts: facts,
        thesis_part,
        units,
        relations,
    })
}

impl PartedMap {
    pub fn source(&self) -> &Source {
        &self.source
    }

    /// The text itself in the JSON (`map --embed-text`).
    pub fn embed_text(&mut self, text: &str) {
        self.source.reading.text = Some(text.to_string());
    }

    /// How many parts the text was mapped in.
    pub fn part_count(&self) -> usize {
        self.parts.len()
    }

    pub fn unit_count(&self) -> usize {
        self.parts.last().map_or(0, |p| p.units.end)
    }

    /// The document's thesis, and the units whose attacks defeat it.
    pub fn thesis(&self) -> Option<(&Unit, &[(CompactString, Role)])> {
        let part = &self.parts[self.thesis_part?];
        let (unit, _) = part.thesis.as_ref()?;
        Some((unit, &part.thesis_attackers))
    }

    fn thesis_id(&self) -> Option<CompactString> {
        self.thesis().map(|(u, _)| u.id.clone())
    }

    /// Units per role, in [`Role::ALL`] order: every part's thesis but the document's is a claim.
    pub fn role_counts(&self) -> [usize; 7] {
        let mut roles = [0; 7];
        for p in &self.parts {
            for (total, n) in roles.iter_mut().zip(p.roles) {
                *total += n;
            }
        }
        let demoted = self.demoted_theses();
        roles[0] -= demoted;
        roles[1] += demoted;
        roles
    }

    /// Units that are grounded `in`, `out` and `undec`.
    pub fn status_counts(&self) -> [usize; 3] {
        let mut statuses = [0; 3];
        for p in &self.parts {
            for (total, n) in statuses.iter_mut().zip(p.statuses) {
                *total += n;
            }
        }
        statuses
    }

    /// (supports, attacks), the parts' theses' supports of the document's thesis included.
    pub fn relation_counts(&self) -> (usize, usize) {
        let supports: usize = self.parts.iter().map(|p| p.supports).sum();
        let all: usize = self.parts.iter().map(|p| p.relations).sum();
        let demoted = self.demoted_theses();
        (supports + demoted, all - supports)
    }

    fn demoted_theses(&self) -> usize {
        match self.thesis_part {
            Some(t) => self
                .parts
                .iter()
                .enumerate()
                .filter(|(k, p)| *k != t && p.thesis.is_some())
                .count(),
            None => 0,
        }
    }

    /// Writes the map as pretty JSON and a final line break, as [`crate::export::write_json`]
    /// writes a map held whole.
    pub fn write_json<W: Write>(&mut self, out: &mut W) -> std::io::Result<()> {
        self.write(out, true)
    }

    /// Writes the map as one line of JSON and a line break, as `map --jsonl` writes a map
    /// held whole.
    pub fn write_json_line<W: Write + ?Sized>(&mut self, out: &mut W) -> std::io::Result<()> {
        self.write(out, false)
    }

    fn write<W: Write + ?Sized>(&mut self, out: &mut W, pretty: bool) -> std::io::Result<()> {
        let units = std::cell::RefCell::new(self.units.lines()?);
        let relations = std::cell::RefCell::new(self.relations.lines()?);
        let whole = Whole {
            map: self,
            units: &units,
            relations: &relations,
        };
        if pretty {
            serde_json::to_writer_pretty(&mut *out, &whole)
        } else {
            serde_json::to_writer(&mut *out, &whole)
        }
        .map_err(std::io::Error::other)?;
        out.write_all(b"\n")
    }
}

type Lines = std::cell::RefCell<std::io::Lines<BufReader<File>>>;

/// The map as serde sees it: the same fields in the same order as [`ArgumentMap`], units and
/// relations read back from their spools as they are written.
struct Whole<'m> {
    map: &'m PartedMap,
    units: &'m Lines,
    relations: &'m Lines,
}

impl Serialize for Whole<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let m = self.map;
        let mut s = serializer.serialize_struct("ArgumentMap", 8)?;
        s.serialize_field("schema", &m.schema)?;
        s.serialize_field("source", &m.source)?;
        s.serialize_field("title", &m.title)?;
        s.serialize_field("byline", &m.byline)?;
        s.serialize_field("date", &m.date)?;
        s.serialize_field("thesis", &m.thesis_id())?;
        s.serialize_field("units", &SpooledUnits(self))?;
        s.serialize_field("relations", &SpooledRelations(self))?;
        s.end()
    }
}

fn next_line<T: serde::de::DeserializeOwned, E: serde::ser::Error>(lines: &Lines) -> Result<T, E> {
    let line = lines
        .borrow_mut()
        .next()
        .ok_or_else(|| E::custom("a spooled part ended early"))?
        .map_err(E::custom)?;
    serde_json::from_str(&line).map_err(E::custom)
}

struct SpooledUnits<'w, 'm>(&'w Whole<'m>);

impl Serialize for SpooledUnits<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let m = self.0.map;
        let mut seq = serializer.serialize_seq(Some(m.unit_count()))?;
        for (k, part) in m.parts.iter().enumerate() {
            let demoted = Some(k) != m.thesis_part;
            let part_thesis = part.thesis.as_ref().map(|(u, _)| &u.id);
            for _ in part.units.clone() {
                let mut u: Unit = next_line(self.0.units)?;
                if demoted {
                    if Some(&u.id) == part_thesis {
                        u.role = Role::Claim;
                    }
                    u.restates = None;
                }
                seq.serialize_element(&u)?;
            }
        }
        seq.end()
    }
}

struct SpooledRelations<'w, 'm>(&'w Whole<'m>);

impl Serialize for SpooledRelations<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let m = self.0.map;
        let thesis = m.thesis_id();
        let (supports, attacks) = m.relation_counts();
        let mut seq = serializer.serialize_seq(Some(supports + attacks))?;
        let mut n = 0;
        let mut next_id = || {
            n += 1;
            compact_str::format_compact!("r{n}")
        };
        for (k, part) in m.parts.iter().enumerate() {
            for _ in 0..part.relations {
                let mut r: Relation = next_line(self.0.relations)?;
                r.id = next_id();
                seq.serialize_element(&r)?;
            }
            let (Some(to), Some((from, score))) = (&thesis, &part.thesis) else {
                continue;
            };
            if Some(k) == m.thesis_part {
                continue;
            }
            seq.serialize_element(&Relation {
                id: next_id(),
                from: from.id.clone(),
                to: to.clone(),
                kind: RelationKind::Support,
                rule: PART_RULE.into(),
                score: round3(*score),
                carries: from.status != Some(Status::Out),
            })?;
        }
        seq.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::ArgumentGraph;
    use crate::pipeline::map_document;

    fn grammar() -> Grammar {
        Grammar::default_grammar().expect("the default grammar loads")
    }

    fn json(parted: &mut PartedMap) -> String {
        let mut out = Vec::new();
        parted.write_json(&mut out).expect("writes");
        String::from_utf8(out).expect("UTF-8")
    }

    fn corpus_texts(ext: &str) -> Vec<(String, String)> {
        let mut paths: Vec<_> = ["corpus", "tests/data/essays"]
            .iter()
            .flat_map(|d| std::fs::read_dir(d).expect(d))
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == ext))
            .collect();
        paths.sort();
        paths
            .iter()
            .map(|p| {
                let text = std::fs::read_to_string(p).expect("reads");
                (p.display().to_string(), text)
            })
            .collect()
    }

    /// The spool, the renumbering and the hand-made serialisation must add nothing of their
    /// own: a text that fits in one part writes the map held whole, byte for byte.
    #[test]
    fn one_part_writes_the_map_held_whole_byte_for_byte() {
        let grammar = grammar();
        let mut texts = corpus_texts("txt");
        texts.extend(corpus_texts("md"));
        assert!(texts.len() >= 8);
        for (name, text) in &texts {
            let format = InputFormat::from_name(name);
            let whole = map_document(
                name,
                text,
                format,
                Some("A given title"),
                &grammar,
                &Segmentation::Rules,
                Keep::Map,
            )
            .expect("maps");
            let mut expected = Vec::new();
            crate::export::write_json(&whole.map, &mut expected).expect("writes");
            let mut parted = map_in_parts(
                name,
                text,
                format,
                Some("A given title"),
                &grammar,
                &Segmentation::Rules,
                usize::MAX / 4,
            )
            .expect("maps");
            assert_eq!(parted.part_count(), 1, "{name}");
            assert_eq!(
                json(&mut parted),
                String::from_utf8(expected).expect("UTF-8"),
                "{name}"
            );
        }
    }

    /// Many articles in one text, cut into many parts: the map must hold together as a map held
    /// whole does, with every unit where the text says it is.
    #[test]
    fn a_text_in_many_parts_is_one_well_formed_map() {
        let grammar = grammar();
        for (ext, part_bytes) in [("txt", 3_000), ("md", 800)] {
            let texts = corpus_texts(ext);
            let text: String = texts
                .iter()
                .map(|(_, t)| t.trim())
                .collect::<Vec<_>>()
                .join("\n\n");
            let name = format!("all.{ext}");
            let format = InputFormat::from_name(&name);
            let mut parted = map_in_parts(
                &name,
                &text,
                format,
                None,
                &grammar,
                &Segmentation::Rules,
                part_bytes,
            )
            .expect("maps");
            assert!(parted.part_count() > 5, "{name}: {}", parted.part_count());
            let map: ArgumentMap = serde_json::from_str(&json(&mut parted)).expect("JSON map");

            let graph = ArgumentGraph::new(&map).expect("relations name units");
            assert_eq!(graph.check(), Vec::new(), "{name}");
            let chars: Vec<char> = text.chars().collect();
            assert_eq!(map.source.chars, chars.len());
            for (i, u) in map.units.iter().enumerate() {
                assert_eq!(u.id, unit_id(i), "{name}");
                let at: String = chars[u.start..u.end].iter().collect();
                assert_eq!(at, u.text, "{name}: {}", u.id);
                for c in &u.cues {
                    let at: String = chars[c.start..c.end].iter().collect();
                    assert_eq!(at, c.text, "{name}: {}", u.id);
                }
                if let Some(r) = &u.restates {
                    assert_eq!(Some(r), map.thesis.as_ref(), "{name}: {}", u.id);
                }
            }
            for pair in map.units.windows(2) {
                assert!(pair[0].end <= pair[1].start, "{name}: {}", pair[1].id);
                assert!(
                    pair[0].sentence <= pair[1].sentence,
                    "{name}: {}",
                    pair[1].id
                );
                assert!(
                    pair[0].paragraph <= pair[1].paragraph,
                    "{name}: {}",
                    pair[1].id
                );
            }
            let (supports, attacks) = parted.relation_counts();
            assert_eq!(supports + attacks, map.relations.len(), "{name}");
            let joining = map.relations.iter().filter(|r| r.rule == PART_RULE).count();
            let theses = parted.parts.iter().filter(|p| p.thesis.is_some()).count();
            assert_eq!(joining, theses - 1, "{name}");
            let roles = parted.role_counts();
            for (r, n) in Role::ALL.iter().zip(roles) {
                let counted = map.units.iter().filter(|u| u.role == *r).count();
                assert_eq!(n, counted, "{name}: {r}");
            }

            // Cut at blank lines, the parts hold the units the whole text holds, numbered
            // alike. (Where the numbers themselves stand differs: the whole text reads the
            // header of each article after the first as body, a part that opens on it reads
            // it as header.)
            let alike = alike_with_whole(&grammar, &name, &text, &map);
            assert!(alike.kept * 100 >= alike.units * 97, "{name}: {alike:?}");
            assert!(
                alike.same_steps * 100 >= alike.steps * 97,
                "{name}: {alike:?}"
            );
        }
    }

    /// How far a map in parts agrees with the map of the text held whole.
    #[derive(Debug)]
    struct Alike {
        /// Units of the whole map, and how many of them the parts hold (same range).
        units: usize,
        kept: usize,
        /// Pairs of units next to each other in both maps, and how many of them step alike
        /// from one to the next in paragraph and sentence numbers, across seams too.
        steps: usize,
        same_steps: usize,
    }

    fn alike_with_whole(grammar: &Grammar, name: &str, text: &str, map: &ArgumentMap) -> Alike {
        let format = InputFormat::from_name(name);
        let whole = map_document(
            name,
            text,
            format,
            None,
            grammar,
            &Segmentation::Rules,
            Keep::Map,
        )
        .expect("maps");
        let whole_at: std::collections::BTreeMap<_, _> = whole
            .map
            .units
            .iter()
            .enumerate()
            .map(|(i, u)| ((u.start, u.end), i))
            .collect();
        let kept = map
            .units
            .iter()
            .filter(|u| whole_at.contains_key(&(u.start, u.end)))
            .count();
        let step = |a: &Unit, b: &Unit| {
            (
                b.paragraph as i64 - a.paragraph as i64,
                b.sentence as i64 - a.sentence as i64,
            )
        };
        let mut steps = 0;
        let mut same_steps = 0;
        for pair in map.units.windows(2) {
            let (Some(&i), Some(&j)) = (
                whole_at.get(&(pair[0].start, pair[0].end)),
                whole_at.get(&(pair[1].start, pair[1].end)),
            ) else {
                continue;
            };
            if j != i + 1 {
                continue;
            }
            steps += 1;
            let (wa, wb) = (&whole.map.units[i], &whole.map.units[j]);
            same_steps += usize::from(step(wa, wb) == step(&pair[0], &pair[1]));
        }
        Alike {
            units: whole.map.units.len(),
            kept,
            steps,
            same_steps,
        }
    }

    /// Texts whose seams fall where a wrong guess at the reader's reading would show: one
    /// paragraph per line with no blank line (as text copied from a web page comes, lines too
    /// long to be wrapped by hand), a long code fence, paragraphs that read like the author's
    /// note. Their parts must hold every unit of the whole text, numbered exactly alike.
    #[test]
    fn seams_number_units_as_the_whole_text_does() {
        let grammar = grammar();
        let lines: String = (0..120)
            .map(|i| {
                format!(
                    "Plan {i} fails because the costs of every depot in the district rise each \
                     year{}. The council must act in area {i} before the winter comes again.\n",
                    " and again".repeat(i % 9)
                )
            })
            .collect();
        let fence = format!(
            "# Roads\n\nThe council must fund the roads because traffic grows.\n\n```\n{}```\n\n{}",
            "let x = 1;\n".repeat(200),
            "Buses help because they carry more people. We should act now.\n\n".repeat(30)
        );
        let bios: String = (0..80)
            .map(|i| {
                format!(
                    "Depot {i} must close, since its roof leaks.\n\nSmith writes that the \
                     plan will fail because costs rise in area {i} now.\n\n"
                )
            })
            .collect();
        for (name, text, part_bytes) in [
            ("lines.txt", lines, 600),
            ("fence.md", fence, 500),
            ("bios.txt", bios, 700),
        ] {
            let format = InputFormat::from_name(name);
            let mut parted = map_in_parts(
                name,
                &text,
                format,
                None,
                &grammar,
                &Segmentation::Rules,
                part_bytes,
            )
            .expect("maps");
            assert!(parted.part_count() > 3, "{name}");
            let map: ArgumentMap = serde_json::from_str(&json(&mut parted)).expect("JSON map");
            let alike = alike_with_whole(&grammar, name, &text, &map);
            assert_eq!(alike.kept, alike.units, "{name}: {alike:?}");
            assert_eq!(alike.same_steps, alike.steps, "{name}: {alike:?}");
            assert_eq!(map.units.len(), alike.units, "{name}: {alike:?}");
        }
    }

    /// The document's thesis is the part thesis with the highest thesis score; each other
    /// part's thesis is a claim that supports it.
    #[test]
    fn the_strongest_part_thesis_is_the_thesis_and_the_others_support_it() {
        let grammar = grammar();
        let text = corpus_texts("txt")
            .iter()
            .map(|(_, t)| t.trim().to_string())
            .collect::<Vec<_>>()
            .join("\n\n");
        let mut parted = map_in_parts(
            "all.txt",
            &text,
            InputFormat::Text,
            None,
            &grammar,
            &Segmentation::Rules,
            8_000,
        )
        .expect("maps");
        let best = parted
            .parts
            .iter()
            .filter_map(|p| p.thesis.as_ref().map(|(_, s)| *s))
            .fold(f64::MIN, f64::max);
        let map: ArgumentMap = serde_json::from_str(&json(&mut parted)).expect("JSON map");
        let thesis = map.thesis.clone().expect("a thesis");
        let first_best = parted
            .parts
            .iter()
            .find_map(|p| p.thesis.as_ref().filter(|(_, s)| *s == best))
            .map(|(u, _)| u.id.clone());
        assert_eq!(Some(thesis.clone()), first_best);
        for p in &parted.parts {
            let Some((u, _)) = &p.thesis else { continue };
            let unit = map.unit(&u.id).expect("the part thesis is a unit");
            if u.id == thesis {
                assert_eq!(unit.role, Role::Thesis);
                continue;
            }
            assert_eq!(unit.role, Role::Claim, "{}", u.id);
            let out = map.outgoing(&u.id).expect("it supports the thesis");
            assert_eq!(
                (out.to.as_str(), out.rule.as_str()),
                (thesis.as_str(), PART_RULE)
            );
        }
    }

    /// A part that opens mid-section is still in that section, and a headline-shaped line at
    /// the top of a part is a heading, not a second title.
    #[test]
    fn a_part_opening_mid_section_stays_in_it() {
        let grammar = grammar();
        let body = "Congestion charges cut traffic because drivers pay for the road. ".repeat(3);
        let mut text = String::from("# Charge the roads\n\n## Why it works\n\n");
        for _ in 0..12 {
            text.push_str(&body);
            text.push_str("\n\n");
        }
        text.push_str("## What it costs\n\nThe charge costs little to run.\n");
        let mut parted = map_in_parts(
            "long.md",
            &text,
            InputFormat::Markdown,
            None,
            &grammar,
            &Segmentation::Rules,
            500,
        )
        .expect("maps");
        assert!(parted.part_count() > 3);
        let map: ArgumentMap = serde_json::from_str(&json(&mut parted)).expect("JSON map");
        assert_eq!(map.title.as_deref(), Some("Charge the roads"));
        let (last, body_units) = map.units.split_last().expect("units");
        // The title is a unit of no section.
        for u in body_units.iter().filter(|u| u.paragraph > 0) {
            assert_eq!(u.section.as_deref(), Some("Why it works"), "{}", u.id);
        }
        assert_eq!(last.section.as_deref(), Some("What it costs"));

        let mut text = String::from("Charge the roads\n\n");
        for _ in 0..6 {
            text.push_str(&body);
            text.push_str("\n\n");
        }
        text.push_str("Why It Works\n\n");
        text.push_str(&body);
        let mut parted = map_in_parts(
            "long.txt",
            &text,
            InputFormat::Text,
            None,
            &grammar,
            &Segmentation::Rules,
            700,
        )
        .expect("maps");
        let map: ArgumentMap = serde_json::from_str(&json(&mut parted)).expect("JSON map");
        assert_eq!(map.title.as_deref(), Some("Charge the roads"));
        let last = map.units.last().expect("units");
        assert_eq!(last.section.as_deref(), Some("Why It Works"));
    }
}
