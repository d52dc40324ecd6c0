//! Scores argument maps against gold argument structures.
//!
//! The numbers are the standard microtext subtasks (cc, ro, fu, at) plus segmentation, computed
//! so that the trivial baseline reproduces the published figures; the diagnostics turn them into
//! something a rule author can act on (which rule fired how often and how often it was right).
//! See `metrics` for the exact definitions and `gold::read_brat_dir` for how essays are mapped.

pub mod aif;
pub mod baseline;
pub mod diagnostics;
pub mod gold;
pub mod metrics;
pub mod report;
pub mod run;
pub mod typed;

pub use baseline::baseline_map;
pub use diagnostics::{Diagnostics, RuleDecision, RuleInfo, RuleStats};
pub use gold::{
    read_brat_dir, read_jsonl, GoldDoc, GoldError, GoldRelKind, GoldRelation, GoldUnit,
};
pub use metrics::{ClassScore, ConfusionMatrix, DocScore, Metrics, SegScore, TaskScore};
pub use report::{render_table, EvalReport};
pub use typed::{
    evaluate_typed, majority_baseline, read_typed_jsonl, render_typed_table, Scheme, TypedDoc,
    TypedReport,
};

use std::path::Path;

use crate::graph::model::{ArgumentMap, Source, SCHEMA};

/// Gold in any format `eval` reads, as [`read_gold`] found it.
#[derive(Debug, Clone)]
pub enum Gold {
    /// Microtext JSON lines, a brat directory or an AIF directory.
    Structure(Vec<GoldDoc>),
    /// Web Discourse / CDCP JSON lines.
    Typed(Vec<TypedDoc>),
}

/// Whether `path` is a JSON-lines file in the Web Discourse / CDCP layout (decided by its first
/// record).
pub fn is_typed_gold(path: &Path) -> bool {
    if path.is_dir() {
        return false;
    }
    // The first record decides; the reader that follows reads the whole file once.
    use std::io::BufRead;
    std::fs::File::open(path)
        .ok()
        .and_then(|file| {
            std::io::BufReader::new(file)
                .lines()
                .map_while(Result::ok)
                .find(|l| !l.trim().is_empty())
        })
        .is_some_and(|first| typed::is_typed_jsonl(&first))
}

/// Reads gold in any format, the one reader `eval` and `tune` share: a directory of AIF
/// documents with their texts, a brat directory, a JSON-lines file whose first record names a
/// `corpus` (Web Discourse / CDCP), or else a microtext-shaped JSON-lines file. Also returns
/// the reader's warnings (AIF nodes not found in their text).
pub fn read_gold(path: &Path) -> Result<(Gold, Vec<String>), GoldError> {
    if path.is_dir() && aif::is_aif_dir(path) {
        let (docs, warnings) = aif::read_aif_dir(path)?;
        return Ok((Gold::Structure(docs), warnings));
    }
    let gold = if path.is_dir() {
        Gold::Structure(read_brat_dir(path)?)
    } else if is_typed_gold(path) {
        Gold::Typed(read_typed_jsonl(path)?)
    } else {
        Gold::Structure(read_jsonl(path)?)
    };
    let warnings = {
        let ids: Vec<&str> = match &gold {
            Gold::Structure(docs) => docs.iter().map(|d| d.id.as_str()).collect(),
            Gold::Typed(docs) => docs.iter().map(|d| d.id.as_str()).collect(),
        };
        duplicate_id_warnings(&ids)
    };
    Ok((gold, warnings))
}

/// A document id given twice is most often the same document pasted twice: it would be
/// scored twice, silently.
fn duplicate_id_warnings(ids: &[&str]) -> Vec<String> {
    let mut seen = std::collections::BTreeMap::new();
    for id in ids {
        *seen.entry(*id).or_insert(0usize) += 1;
    }
    seen.into_iter()
        .filter(|&(_, n)| n > 1)
        .map(|(id, n)| format!("document id {id} occurs {n} times; each copy is scored"))
        .collect()
}

/// Scores `predicted[i]` against `gold[i]`.
///
/// This does not fail: a mismatch is reported in [`EvalReport::warnings`] instead, so that a
/// partly broken run still yields numbers. A gold document without a prediction is scored
/// against an empty map (all its units missed); predictions beyond the gold are ignored.
pub fn evaluate(gold: &[GoldDoc], predicted: &[ArgumentMap], rules: &[RuleInfo]) -> EvalReport {
    let mut warnings = Vec::new();
    if gold.len() != predicted.len() {
        warnings.push(format!(
            "{} gold documents but {} predicted maps; pairing by position",
            gold.len(),
            predicted.len()
        ));
    }
    let empty: Vec<ArgumentMap> = gold
        .iter()
        .skip(predicted.len())
        .map(|d| empty_map_for(&d.id, &d.text))
        .collect();
    let maps: Vec<&ArgumentMap> = predicted.iter().take(gold.len()).chain(&empty).collect();

    for (doc, map) in gold.iter().zip(&maps) {
        let stem = Path::new(&map.source.name)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        if stem != doc.id {
            warnings.push(format!(
                "gold {} is paired with a map of {:?}",
                doc.id, map.source.name
            ));
        }
        let chars = doc.text.chars().count();
        if map.source.chars != chars {
            warnings.push(format!(
                "gold {} has {} characters but its map's source has {}: offsets may not line up",
                doc.id, chars, map.source.chars
            ));
        }
    }

    let pairs: Vec<metrics::Paired> = gold
        .iter()
        .zip(&maps)
        .map(|(d, m)| metrics::Paired::new(d, m))
        .collect();
    let tallies: Vec<_> = pairs.iter().map(metrics::tally_doc).collect();
    let doc_scores: Vec<DocScore> = gold
        .iter()
        .zip(&tallies)
        .map(|(d, t)| metrics::doc_score(d, t))
        .collect();

    EvalReport {
        documents: gold.len(),
        gold_units: gold.iter().map(|d| d.units.len()).sum(),
        implicit_units: gold
            .iter()
            .flat_map(|d| &d.units)
            .filter(|u| u.implicit)
            .count(),
        predicted_units: maps.iter().map(|m| m.units.len()).sum(),
        metrics: metrics::pool(&tallies),
        diagnostics: diagnostics::diagnose(&pairs, &doc_scores, rules),
        warnings,
    }
}

/// The map of a document nobody predicted: every gold unit is missed.
pub(crate) fn empty_map_for(id: &str, text: &str) -> ArgumentMap {
    ArgumentMap {
        schema: SCHEMA.to_string(),
        source: Source {
            name: id.to_string(),
            sha256: String::new(),
            chars: text.chars().count(),
            reading: Default::default(),
        },
        title: None,
        byline: None,
        date: None,
        thesis: None,
        units: vec![],
        relations: vec![],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::metrics::tests::{worked_gold, worked_prediction};

    #[test]
    fn missing_prediction_scores_as_empty_and_warns() {
        let mut second = worked_gold();
        second.id = "second".into();
        let gold = vec![worked_gold(), second];
        let mut map = worked_prediction();
        map.source.name = "corpus/worked.txt".into();
        let report = evaluate(&gold, &[map], &[]);
        assert_eq!(report.documents, 2);
        assert_eq!(report.gold_units, 8);
        assert_eq!(report.predicted_units, 4);
        assert_eq!(report.warnings.len(), 1, "{:?}", report.warnings);
        assert!(report.warnings[0].contains("2 gold documents but 1 predicted"));
        // The empty map aligns nothing: recall of segmentation halves (3 of 8 overlap matches).
        assert_eq!(report.metrics.seg_overlap.matched, 3);
        assert_eq!(report.metrics.seg_overlap.gold, 8);
        // The worst document is the unpredicted one.
        assert_eq!(report.diagnostics.worst_documents[0].id, "second");
    }

    #[test]
    fn mismatched_names_and_lengths_warn() {
        let gold = vec![worked_gold()];
        let mut map = worked_prediction(); // source name "test"
        map.source.chars = 5;
        let report = evaluate(&gold, &[map], &[]);
        assert_eq!(report.warnings.len(), 2, "{:?}", report.warnings);
    }
}
