//! Running the pipeline over gold documents: the bridge between the grammar and the scorer.

use crate::annotate::Segmentation;
use crate::grammar::Grammar;
use crate::graph::model::ArgumentMap;
use crate::pipeline::{map_text, map_titled_text, InvariantError};

use super::{GoldDoc, RuleDecision, RuleInfo, TypedDoc};

/// Maps every gold text. With `gold_units` the gold segmentation replaces the split rules, so
/// the scores measure classification and linking alone.
pub fn predict(
    gold: &[GoldDoc],
    grammar: &Grammar,
    gold_units: bool,
) -> Result<Vec<ArgumentMap>, InvariantError> {
    gold.iter()
        .map(|doc| {
            let segmentation = if gold_units {
                Segmentation::Given(doc.units.iter().map(|u| u.start..u.end).collect())
            } else {
                Segmentation::Rules
            };
            map_text(&doc.id, &doc.text, grammar, &segmentation).map(|m| m.map)
        })
        .collect()
}

/// Maps every text of a Web Discourse / CDCP gold file; with `gold_units` the scored gold units
/// are the segmentation.
pub fn predict_typed(
    gold: &[TypedDoc],
    grammar: &Grammar,
    gold_units: bool,
) -> Result<Vec<ArgumentMap>, InvariantError> {
    gold.iter()
        .map(|doc| {
            let segmentation = if gold_units {
                Segmentation::Given(doc.scored_ranges())
            } else {
                Segmentation::Rules
            };
            map_titled_text(
                &doc.id,
                &doc.text,
                doc.title.as_deref(),
                grammar,
                &segmentation,
            )
            .map(|m| m.map)
        })
        .collect()
}

/// Every rule of the grammar, for the diagnostics table.
pub fn rule_infos(grammar: &Grammar) -> Vec<RuleInfo> {
    let loc = |span| grammar.rule_location(span);
    grammar
        .splits
        .iter()
        .map(|r| RuleInfo {
            name: r.name.clone(),
            decides: RuleDecision::Segment,
            location: loc(r.span),
        })
        .chain(grammar.roles.iter().map(|r| RuleInfo {
            name: r.name.clone(),
            decides: RuleDecision::Role(r.role),
            location: loc(r.span),
        }))
        .chain(grammar.kinds.iter().map(|r| RuleInfo {
            name: r.name.clone(),
            decides: RuleDecision::Kind(r.kind),
            location: loc(r.span),
        }))
        .chain(grammar.links.iter().map(|r| RuleInfo {
            name: r.name.clone(),
            decides: RuleDecision::Link(r.kind),
            location: loc(r.span),
        }))
        .collect()
}
