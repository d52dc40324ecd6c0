//! Human-readable explanations of a map: for each unit, the rules that fired with their
//! weights and cues, the role chosen and what it beat, and the link chosen and the candidates
//! it beat. This is what `toulmin explain` prints.

use std::fmt::Write as _;

use crate::annotate::AnnotatedUnit;
use crate::grammar::Grammar;
use crate::link::Outcome;
use crate::pipeline::{unit_id, Mapped};

fn cue_list(mapped: &Mapped, cues: &[crate::annotate::CueSpan]) -> String {
    let cues: Vec<String> = cues
        .iter()
        .map(|c| {
            format!(
                "\"{}\" ({})",
                &mapped.article.text[c.span.clone()],
                c.source
            )
        })
        .collect();
    if cues.is_empty() {
        String::new()
    } else {
        format!("  cues: {}", cues.join(", "))
    }
}

/// The kind rules that fired on a unit, the kind ranking and why the winner won.
fn explain_kind(out: &mut String, mapped: &Mapped, grammar: &Grammar, unit: &AnnotatedUnit) {
    if grammar.kinds.is_empty() {
        return;
    }
    let decision = &unit.kind;
    if decision.fired.is_empty() {
        let _ = writeln!(out, "  no kind rule fired");
    } else {
        let _ = writeln!(out, "  kind rules that fired:");
        for f in &decision.fired {
            let rule = &grammar.kinds[f.rule];
            let _ = writeln!(
                out,
                "    {:>+6.2} {:<13} {:<24} {}{}",
                rule.weight,
                rule.kind.as_str(),
                rule.name,
                grammar.rule_location(rule.span),
                cue_list(mapped, &f.cues)
            );
        }
    }
    let ranking: Vec<String> = decision
        .ranking
        .iter()
        .map(|s| {
            if s.priority != 0 {
                format!("{} {} (priority {})", s.kind, s.score, s.priority)
            } else {
                format!("{} {}", s.kind, s.score)
            }
        })
        .collect();
    let threshold = grammar.settings.threshold;
    let decided = match decision.ranking.iter().find(|s| s.score >= threshold) {
        Some(best) => format!(
            "{} won with {} (threshold {threshold})",
            best.kind, best.score
        ),
        None => match grammar.settings.default_kind {
            Some(k) => format!("no kind reached the threshold {threshold}; default kind {k}"),
            None => format!("no kind reached the threshold {threshold}; no default kind"),
        },
    };
    let _ = writeln!(
        out,
        "  kind: {decided}{}",
        if ranking.is_empty() {
            String::new()
        } else {
            format!("; ranking: {}", ranking.join(" > "))
        }
    );
}

/// The explanation of every unit, or of the one named `only`. `None` when `only` names no unit.
pub fn explain(mapped: &Mapped, grammar: &Grammar, only: Option<&str>) -> Option<String> {
    let mut out = String::new();
    let map = &mapped.map;
    if let Some(id) = only {
        map.unit(id)?;
    }
    let _ = writeln!(
        out,
        "{} — thesis {}",
        map.source.name,
        map.thesis.as_deref().unwrap_or("none")
    );
    for (i, unit) in mapped.units.iter().enumerate() {
        let id = unit_id(i);
        if only.is_some_and(|o| o != id) {
            continue;
        }
        let m = &map.units[i];
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "{id} {}{} (score {}, stance {}) — paragraph {}, sentence {}{}",
            m.role,
            m.kind.map(|k| format!(", kind {k}")).unwrap_or_default(),
            m.score,
            m.stance.map_or("none", |s| match s {
                crate::graph::model::Stance::Pro => "pro",
                crate::graph::model::Stance::Opp => "opp",
            }),
            m.paragraph,
            m.sentence,
            m.section
                .as_deref()
                .map(|s| format!(", section \"{s}\""))
                .unwrap_or_default()
        );
        let _ = writeln!(out, "  text: \"{}\"", m.text);
        if let Some((r, cue)) = &unit.split {
            let rule = &grammar.splits[*r];
            let _ = writeln!(
                out,
                "  cut from the unit before by split rule {} ({}) at \"{}\"",
                rule.name,
                grammar.rule_location(rule.span),
                &mapped.article.text[cue.clone()]
            );
        }
        if unit.fired.is_empty() {
            let _ = writeln!(out, "  no role rule fired");
        } else {
            let _ = writeln!(out, "  role rules that fired:");
            for f in &unit.fired {
                let rule = &grammar.roles[f.rule];
                let cues: Vec<String> = f
                    .cues
                    .iter()
                    .map(|c| {
                        format!(
                            "\"{}\" ({})",
                            &mapped.article.text[c.span.clone()],
                            c.source
                        )
                    })
                    .collect();
                let _ = writeln!(
                    out,
                    "    {:>+6.2} {:<13} {:<24} {}{}{}",
                    rule.weight,
                    rule.role.as_str(),
                    rule.name,
                    grammar.rule_location(rule.span),
                    tuned_note(grammar, &rule.name),
                    if cues.is_empty() {
                        String::new()
                    } else {
                        format!("  cues: {}", cues.join(", "))
                    }
                );
            }
        }
        let ranking: Vec<String> = unit
            .ranking
            .iter()
            .map(|s| {
                if s.priority != 0 {
                    format!("{} {} (priority {})", s.role, s.score, s.priority)
                } else {
                    format!("{} {}", s.role, s.score)
                }
            })
            .collect();
        let winner = unit
            .ranking
            .iter()
            .find(|s| s.score >= grammar.settings.threshold);
        // The role the rules gave, before choosing the thesis settled it.
        let ruled = winner.map_or(grammar.settings.default_role, |best| best.role);
        let decided = match winner {
            Some(best) => format!(
                "{} won with {} (threshold {})",
                best.role, best.score, grammar.settings.threshold
            ),
            None => format!(
                "no role reached the threshold {}; default role {}",
                grammar.settings.threshold, grammar.settings.default_role
            ),
        };
        let _ = writeln!(
            out,
            "  role: {decided}{}",
            if ranking.is_empty() {
                String::new()
            } else {
                format!("; ranking: {}", ranking.join(" > "))
            }
        );
        explain_kind(&mut out, mapped, grammar, unit);
        if mapped.linking.thesis == Some(i) {
            let _ = writeln!(
                out,
                "  chosen as thesis: highest thesis score {} among units that can state the author's position",
                mapped.linking.thesis_scores[i]
            );
        } else if m.role != ruled {
            let quoted = mapped.linking.in_quotation.get(i).copied().unwrap_or(false);
            let _ = writeln!(
                out,
                "  role changed to {} when the thesis was chosen{}",
                m.role,
                if quoted && ruled == crate::graph::model::Role::Thesis {
                    " (inside a quotation: someone else's words are the thesis only when nothing \
                     else can be)"
                } else {
                    ""
                }
            );
        }
        match map.outgoing(&id) {
            None => {
                let _ = writeln!(
                    out,
                    "  link: none ({})",
                    if mapped.linking.thesis == Some(i) {
                        "the thesis"
                    } else {
                        "background"
                    }
                );
            }
            Some(r) => {
                let _ = writeln!(
                    out,
                    "  link: {} -> {} by {} (score {}){}",
                    r.kind,
                    r.to,
                    r.rule,
                    r.score,
                    tuned_note(grammar, &r.rule)
                );
                for c in mapped.linking.candidates.get(i).into_iter().flatten() {
                    let rule = &grammar.links[c.rule];
                    let what = match &c.outcome {
                        Outcome::Chosen(_) => continue,
                        Outcome::Beaten(t) => {
                            format!("beaten: would {} {}", rule.kind, unit_id(*t))
                        }
                        Outcome::ConditionFailed => "condition did not hold".to_string(),
                        Outcome::NoTarget => format!("no {:?} target", rule.target).to_lowercase(),
                        Outcome::WouldCycle(t) => {
                            format!("{} {} would close a cycle", rule.kind, unit_id(*t))
                        }
                    };
                    let _ = writeln!(
                        out,
                        "    {:<24} {:>5.2}  {what}{}",
                        rule.name,
                        rule.weight,
                        tuned_note(grammar, &rule.name)
                    );
                }
            }
        }
    }
    Some(out)
}

/// A rule whose weight a `weight` item replaced shows the hand-written weight beside it.
fn tuned_note(grammar: &Grammar, rule: &str) -> String {
    grammar.tuned.get(rule).map_or(String::new(), |t| {
        format!(
            "  [tuned {} by {}; written {}]",
            t.weight,
            grammar.rule_location(t.span),
            t.written
        )
    })
}
