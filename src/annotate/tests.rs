use super::*;
use crate::grammar::{load, GrammarSpec};

fn grammar(text: &str) -> (tempfile::TempDir, Grammar) {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path().join("g.rules");
    std::fs::write(&p, text).expect("write");
    let g = load(&GrammarSpec {
        without_default: true,
        files: vec![p],
    })
    .map_err(|d| d.to_string())
    .expect("compiles");
    (dir, g)
}

use crate::graph::model::Kind;

fn units(g: &Grammar, text: &str) -> Vec<String> {
    let article = Article::parse("t", text);
    let hits = g.scan(&article.text);
    segment::segment(&article, g, &hits)
        .iter()
        .map(|s| article.slice(&s.span).to_string())
        .collect()
}

const SPLITS: &str = r#"
lexicon because = ["because"]
lexicon contrast = ["but"]
lexicon concessive = ["although"]
split b : before because { min_words 3 }
split c : before contrast { after_comma }
split a : after_lead concessive
"#;

#[test]
fn split_rules_cut_at_their_cues() {
    let (_d, g) = grammar(SPLITS);
    assert_eq!(
        units(&g, "Hunting is good for nature because herds are thinned."),
        vec!["Hunting is good for nature", "because herds are thinned."]
    );
    assert_eq!(
        units(
            &g,
            "Some say it harms species, but management prevents that."
        ),
        vec![
            "Some say it harms species,",
            "but management prevents that."
        ]
    );
    assert_eq!(
        units(
            &g,
            "Although a few deals were made, it is too early to rejoice."
        ),
        vec![
            "Although a few deals were made,",
            "it is too early to rejoice."
        ]
    );
}

#[test]
fn split_rules_respect_min_words_and_after_comma() {
    let (_d, g) = grammar(SPLITS);
    // "It works because" leaves a two-word left side: below min_words.
    assert_eq!(
        units(&g, "It works because people like it."),
        vec!["It works because people like it."]
    );
    // No comma before "but": the after_comma rule does not cut.
    assert_eq!(
        units(&g, "It was cheap but slow to build."),
        vec!["It was cheap but slow to build."]
    );
}

#[test]
fn after_lead_cuts_at_the_first_comma_unless_clause_goes_on_says_the_clause_continues() {
    let text = "Although the Treasury, and the advisers around it, have been cool on the idea, \
                they need not gamble.";
    // Without the field the opening clause ends at its first comma.
    let (_d, g) = grammar(SPLITS);
    assert_eq!(units(&g, text)[0], "Although the Treasury,");
    // With it, a comma followed by "and" or a verb is inside the clause.
    let (_d, g) = grammar(&SPLITS.replace(
        "split a : after_lead concessive",
        "pattern goes_on = /^(and|or|have|has|is)\\b/i\n\
         split a : after_lead concessive { clause_goes_on goes_on }",
    ));
    assert_eq!(
        units(&g, text),
        vec![
            "Although the Treasury, and the advisers around it, have been cool on the idea,",
            "they need not gamble."
        ]
    );
}

#[test]
fn unless_prev_keeps_the_sentence_whole_where_the_words_before_the_cue_match() {
    let rules = "lexicon contrast = [\"but\"]\n\
                 pattern adjective_pair = /\\ba (?:modest|slow)$/i\n\
                 split c : before contrast { min_words 3 unless_prev adjective_pair }";
    let (_d, g) = grammar(rules);
    // "a modest but meaningful": two adjectives of one noun phrase.
    assert_eq!(
        units(
            &g,
            "The accord is a modest but meaningful step for the region."
        ),
        vec!["The accord is a modest but meaningful step for the region."]
    );
    // The words before the cue must match where the cue starts, not anywhere before it.
    assert_eq!(
        units(&g, "A modest plan was tabled but the council threw it out."),
        vec!["A modest plan was tabled", "but the council threw it out."]
    );
}

#[test]
fn only_next_cuts_only_where_the_words_after_the_cue_match() {
    let rules = "lexicon as_subject = [\"as it\"]\n\
                 pattern auxiliary = /^\\s*(?:would|will|can|is)\\b/i\n\
                 split c : before as_subject { min_words 3 only_next auxiliary }";
    let (_d, g) = grammar(rules);
    assert_eq!(
        units(
            &g,
            "The council should drop the plan as it would cost too much."
        ),
        vec![
            "The council should drop the plan",
            "as it would cost too much."
        ]
    );
    // "as it stands": no auxiliary after the subject, no reason clause.
    assert_eq!(
        units(&g, "The council should drop the plan as it stands today."),
        vec!["The council should drop the plan as it stands today."]
    );
}

#[test]
fn every_unless_next_written_keeps_the_sentence_whole() {
    let rules = "lexicon since = [\"since\"]\n\
                 pattern year = /^\\s*\\d{4}\\b/\n\
                 pattern event = /^\\s*the (?:summit|war)\\b/i\n\
                 split c : before since { min_words 2 unless_next year unless_next event }";
    let (_d, g) = grammar(rules);
    for text in [
        "Prices have risen since 2021 in every region.",
        "Prices have risen since the war in every region.",
    ] {
        assert_eq!(units(&g, text), vec![text]);
    }
    assert_eq!(
        units(&g, "Prices will fall since the rates are falling."),
        vec!["Prices will fall", "since the rates are falling."]
    );
}

#[test]
fn roles_add_weights_and_respect_priority_and_threshold() {
    let (_d, g) = grammar(
        r#"
settings { threshold = 0.5 default_role = premise }
lexicon critics = ["critics"]
lexicon data = ["data"]
rule voice : counterclaim 0.4 { when contains critics }
rule voice2 : counterclaim 0.4 { when contains critics }
rule evid : evidence 0.7 { when contains data }
rule forced : background 0.6 { when contains data and contains critics  priority 1 }
"#,
    );
    let text = "Critics disagree loudly. The data show it. Critics cite data. Nothing here.";
    let article = Article::parse("t", text);
    let hits = g.scan(&article.text);
    let (places, splits) = place_units(&article, &g, &hits, &Segmentation::Rules);
    let mut ctx = Context::new(&article, &g, &places, &hits);
    let roles: Vec<Role> = annotate(&mut ctx, splits).iter().map(|u| u.role).collect();
    // 0.4 + 0.4 = 0.8 ≥ 0.5; priority beats a heavier sum; nothing fired → default role.
    assert_eq!(
        roles,
        vec![
            Role::Counterclaim,
            Role::Evidence,
            Role::Background,
            Role::Premise
        ]
    );
}

#[test]
fn given_segmentation_uses_character_offsets() {
    let (_d, g) = grammar(SPLITS);
    let text = "Café owners agree. They should.";
    let article = Article::parse("t", text);
    let hits = g.scan(&article.text);
    let (places, _) = place_units(
        &article,
        &g,
        &hits,
        &Segmentation::Given(vec![0..18, 19..31]),
    );
    let got: Vec<&str> = places.iter().map(|p| article.slice(&p.span)).collect();
    assert_eq!(got, vec!["Café owners agree.", "They should."]);
    assert_eq!(places[1].sentence, 1);
}

const KINDS: &str = r#"
settings { default_kind = value }
lexicon modal = ["should"]
lexicon number = ["percent"]
lexicon said = ["said"]
kind demand : policy 1.0 { when contains modal  priority 1 }
kind figure : statistic 0.6 { when contains number }
kind report : testimony 0.6 { when contains said }
kind weak : fact 0.3 { when contains said }
rule factual : evidence 0.8 { when kind = statistic or kind = testimony }
rule after_figure : claim 0.5 { when prev.kind = statistic and kind != statistic }
"#;

fn annotated(g: &Grammar, text: &str) -> Vec<AnnotatedUnit> {
    let article = Article::parse("t", text);
    let hits = g.scan(&article.text);
    let (places, splits) = place_units(&article, g, &hits, &Segmentation::Rules);
    let mut ctx = Context::new(&article, g, &places, &hits);
    annotate(&mut ctx, splits)
}

#[test]
fn kinds_are_decided_first_and_roles_can_ask_for_them() {
    let (_d, g) = grammar(KINDS);
    let units = annotated(
        &g,
        "Costs rose by 40 percent. The mayor said so. Nobody knows why. The city should stop.",
    );
    let kinds: Vec<Option<Kind>> = units.iter().map(|u| u.kind.kind).collect();
    assert_eq!(
        kinds,
        vec![
            Some(Kind::Statistic),
            Some(Kind::Testimony),
            Some(Kind::Value),
            Some(Kind::Policy)
        ]
    );
    let roles: Vec<Role> = units.iter().map(|u| u.role).collect();
    assert_eq!(
        roles,
        vec![Role::Evidence, Role::Evidence, Role::Premise, Role::Premise]
    );
    let fired = |i: usize| -> Vec<&str> {
        units[i]
            .fired
            .iter()
            .map(|f| g.roles[f.rule].name.as_str())
            .collect()
    };
    assert_eq!(fired(0), vec!["factual"]);
    assert_eq!(fired(1), vec!["factual", "after_figure"]);
    // The testimony beat a lighter fact vote; both are kept, with the cue that fired them.
    let said = &units[1].kind;
    assert_eq!(said.score, 0.6);
    assert_eq!(said.fired.len(), 2);
    assert_eq!(said.ranking[0].kind, Kind::Testimony);
    assert_eq!(said.ranking[1].kind, Kind::Fact);
    assert_eq!(said.fired[0].cues[0].source.as_ref(), "said");
    // Nothing voted on the third unit: it takes the default kind with score 0.
    assert!(units[2].kind.fired.is_empty());
    assert_eq!(units[2].kind.score, 0.0);
}

#[test]
fn without_a_default_kind_an_undecided_unit_has_none() {
    let (_d, g) = grammar(&KINDS.replace("settings { default_kind = value }", ""));
    let units = annotated(&g, "Nobody knows why.");
    assert_eq!(units[0].kind.kind, None);
}

/// Passing over a rule must never change what fires: over every article of `corpus/`, no
/// rule the default grammar's needs pass over holds on the unit it was passed over for.
#[test]
fn no_rule_passed_over_would_have_fired() {
    let g = Grammar::default_grammar().expect("the default grammar loads");
    let (roles, kinds) = (g.role_needs(), g.kind_needs());
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let mut passed_over = 0;
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("corpus/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    paths.sort();
    for path in paths {
        let text = std::fs::read_to_string(&path).expect("UTF-8");
        let name = path.display().to_string();
        let article = Article::parse(&name, &text);
        let hits = g.scan(&article.text);
        let (places, splits) = place_units(&article, &g, &hits, &Segmentation::Rules);
        let mut ctx = Context::new(&article, &g, &places, &hits);
        annotate(&mut ctx, splits);
        let mut present = crate::grammar::needs::Lexicons::default();
        for (i, place) in places.iter().enumerate() {
            present.fill(&hits, &place.span);
            let role_rules = g.roles.iter().map(|r| (r.when.as_ref(), &r.name));
            let kind_rules = g.kinds.iter().map(|k| (k.when.as_ref(), &k.name));
            for (needs, rules) in [
                (roles, role_rules.collect::<Vec<_>>()),
                (kinds, kind_rules.collect()),
            ] {
                for (r, (when, rule_name)) in rules.into_iter().enumerate() {
                    if needs.allow(r, &present, ctx.unit_patterns(i)) {
                        continue;
                    }
                    passed_over += 1;
                    let holds = when.is_some_and(|c| ctx.holds(c, i, &mut Vec::new()));
                    assert!(!holds, "{name}: {rule_name} passed over unit {i} but holds");
                }
            }
        }
    }
    assert!(
        passed_over > 1000,
        "the needs passed over only {passed_over} rules"
    );
}
