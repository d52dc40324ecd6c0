use crate::annotate::Segmentation;
use crate::grammar::{load, GrammarSpec};
use crate::graph::model::{RelationKind, Role};
use crate::graph::ArgumentGraph;
use crate::pipeline::map_text;

fn map(rules: &str, text: &str) -> crate::graph::model::ArgumentMap {
    map_named("t", rules, text)
}

/// [`map`] of a text read as `name` says (`t.md`: Markdown).
fn map_named(name: &str, rules: &str, text: &str) -> crate::graph::model::ArgumentMap {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path().join("g.rules");
    std::fs::write(&p, rules).expect("write");
    let g = load(&GrammarSpec {
        without_default: true,
        files: vec![p],
    })
    .map_err(|d| d.to_string())
    .expect("compiles");
    map_text(name, text, &g, &Segmentation::Rules)
        .map_err(|e| e.to_string())
        .expect("maps")
        .map
}

/// Every relation as (from, to, rule), in order.
fn links(m: &crate::graph::model::ArgumentMap) -> Vec<(&str, &str, &str)> {
    m.relations
        .iter()
        .map(|r| (r.from.as_str(), r.to.as_str(), r.rule.as_str()))
        .collect()
}

#[test]
fn links_never_close_a_cycle_and_everything_reaches_the_thesis() {
    // Every unit wants to support the next one and the one before it: taken naively this makes
    // cycles; the linker must refuse the link that closes one and fall back.
    let rules = r#"
lexicon should = ["should"]
rule t : thesis 1 { when contains should }
link fwd : support -> next 0.9 { }
link back : support -> previous 0.8 { }
"#;
    let m = map(
        rules,
        "One is here. Two is here. We should act. Four is here. Five is here.",
    );
    assert_eq!(m.thesis.as_deref(), Some("u3"));
    let g = ArgumentGraph::new(&m).expect("graph");
    assert_eq!(g.check(), vec![]);
    let targets: Vec<(&str, &str)> = m
        .relations
        .iter()
        .map(|r| (r.from.as_str(), r.to.as_str()))
        .collect();
    // u4 → u5 is taken first; u5 → next has no target and u5 → previous (u4) would close a cycle,
    // so u5 falls back to the thesis.
    assert_eq!(
        targets,
        vec![("u1", "u2"), ("u2", "u3"), ("u4", "u5"), ("u5", "u3")]
    );
    assert_eq!(m.relations[3].rule, "fallback:thesis");
}

#[test]
fn thesis_is_the_best_thesis_score_and_others_become_claims() {
    let rules = r#"
lexicon should = ["should"]
lexicon critics = ["critics"]
rule demand : thesis 0.6 { when contains should }
rule strong : thesis 0.6 { when last_in document }
rule voice : counterclaim 2 { when contains critics }
link attack_thesis : attack -> thesis 1 { when role = counterclaim }
"#;
    let m = map(
        rules,
        "We should tax sugar. Critics say we should not. So we should tax it now.",
    );
    assert_eq!(m.thesis.as_deref(), Some("u3"));
    let roles: Vec<Role> = m.units.iter().map(|u| u.role).collect();
    assert_eq!(roles, vec![Role::Claim, Role::Counterclaim, Role::Thesis]);
    assert_eq!(m.relations[1].kind, RelationKind::Attack);
}

#[test]
fn facts_back_the_nearest_opinion_of_their_paragraph() {
    let rules = r#"
settings { default_kind = fact }
lexicon judgement = ["unfair", "too high"]
lexicon should = ["should"]
kind judged : value 1 { when contains judgement }
kind demand : policy 1 { when contains should }
rule first : thesis 1 { when first_in document }
link backs : support -> paragraph_opinion 0.9 { when kind = fact }
"#;
    // u2 backs the opinion before it (u1); u3 has none before it in its paragraph and backs
    // the one after it (u4); u5 has no opinion in its paragraph and falls back to the thesis.
    let m = map(
        rules,
        "The city should act. Fees rose twice.\n\nCosts doubled. The plan is unfair.\n\nBuses stopped.",
    );
    assert_eq!(
        links(&m),
        vec![
            ("u2", "u1", "backs"),
            ("u3", "u4", "backs"),
            ("u4", "u1", "fallback:thesis"),
            ("u5", "u1", "fallback:thesis"),
        ]
    );
}

#[test]
fn a_cued_reply_is_the_thesis_when_no_statement_has_a_cue() {
    // The writer introduces themselves, concedes, and states the position only as a reply:
    // the uncued first statement must not win the tie by coming first.
    let rules = r#"
lexicon however = ["however"]
lexicon fine = ["fine"]
rule turn : rebuttal 2 { when starts_with however }
rule opinion : thesis 0.5 { when contains fine }
"#;
    let text = "I'm a teacher. Pupils pray at lunch. However, silent prayer is fine.";
    let m = map(rules, text);
    assert_eq!(m.thesis.as_deref(), Some("u3"));
    // With a cue on a statement, the statement still wins over the reply.
    let m = map(
        rules,
        "Silent prayer is fine here. Pupils pray at lunch. However, silent prayer is fine.",
    );
    assert_eq!(m.thesis.as_deref(), Some("u1"));
}

#[test]
fn a_quoted_passage_is_not_the_thesis_while_the_writer_says_something_of_their_own() {
    // Regression: a blog post quoting a news story made the story's sentence its thesis, because
    // the quote repeated the title's words and said "is best".
    let rules = r#"
lexicon best = ["best"]
lexicon trouble = ["trouble"]
rule verdict : thesis 0.8 { when contains best }
rule point : thesis 0.3 { when contains trouble }
"#;
    let text = "The story explains the plan. “In these classes, the teachers use the voice that \
                research says is best for boys.” And there is the real trouble with the plan.";
    let m = map(rules, text);
    assert_eq!(m.thesis.as_deref(), Some("u3"));
    // The quotation passed over backs the point as testimony, not as a claim of the writer's.
    assert_eq!(m.units[1].role, Role::Evidence);
    // Inside the quotation, past its first sentence, is still inside it.
    let text = "The story explains. “The plan works. Its approach is best.” The trouble is real.";
    assert_eq!(map(rules, text).thesis.as_deref(), Some("u4"));
    // A block quote is someone else's words too.
    let text = "The story explains.\n\n> Its approach is best.\n\nThe trouble is real.\n";
    let m = map_named("t.md", rules, text);
    assert_eq!(m.thesis.as_deref(), Some("u3"));
    assert_eq!(m.units[1].role, Role::Evidence);
    // A quotation is still the thesis when nothing the writer says can be.
    let text = "“This approach is best,” the story says. Is it?";
    assert_eq!(map(rules, text).thesis.as_deref(), Some("u1"));
    // Straight quotes cannot tell opening from closing: a stray one in a comment does not make
    // the rest of its paragraph a quotation.
    let text = "The collector sent 12\" letters. The best fix is a cap on calls.";
    assert_eq!(map(rules, text).thesis.as_deref(), Some("u2"));
}

#[test]
fn list_items_back_their_lead_in_or_what_an_open_lead_in_backs() {
    let rules = r#"
lexicon must = ["must"]
rule t : thesis 1 { when contains must }
rule item : premise 1 { when in list_item }
link listed : support -> lead_in 0.9 { when in list_item }
link back : support -> previous 0.5 { }
"#;
    let texts = [
        (
            "t",
            "We must act.\n\nThree things failed.\n\n- Costs rose.\n- Staff left.\n",
        ),
        (
            "t.md",
            "We must act.\n\nThree things failed.\n\n* Costs rose.\n* Staff left.\n",
        ),
    ];
    for (name, text) in texts {
        let m = map_named(name, rules, text);
        assert_eq!(
            links(&m),
            vec![
                ("u2", "u1", "back"),
                ("u3", "u2", "listed"),
                ("u4", "u2", "listed")
            ],
            "{name}"
        );
        assert_eq!(m.units[2].role, Role::Premise, "{name}");
    }
    // "It should:" opens a sentence the items finish: they back what it backs.
    let m = map(
        rules,
        "We must act. Three things would help. It should:\n\n- sell the depot;\n- raise fees.\n",
    );
    let to: Vec<&str> = m.relations.iter().map(|r| r.to.as_str()).collect();
    assert_eq!(to, vec!["u1", "u2", "u2", "u2"]);
    // A paragraph after the list is no item: it has no lead-in.
    let m = map(rules, "We must act.\n\n- Costs rose.\n\nStaff left.\n");
    let rules_used: Vec<&str> = m.relations.iter().map(|r| r.rule.as_str()).collect();
    assert_eq!(rules_used, vec!["listed", "back"]);
}

/// Regression: a reason clause inside a paragraph's first sentence ("…, because the costs are
/// bad") was taken for the point of a paragraph without a claim, and the rest of the paragraph
/// backed the clause instead of the sentence it belongs to.
#[test]
fn a_clause_inside_a_sentence_is_never_the_point_of_its_paragraph() {
    let rules = r#"
lexicon must = ["must"]
lexicon because = ["because"]
lexicon bad = ["bad"]
rule t : thesis 1 { when contains must }
split reason : before because { min_words 1 }
kind judged : value 1 { when contains bad }
link fallback : support -> paragraph_claim 0.5 { }
"#;
    let m = map(
        rules,
        "We must act now.\n\nThe plan was late. The plan was dear. The plan was slow.\n\n\
         Sales fell sharply because the costs are bad. Prices rose. Wages fell. Shops shut.\n\n\
         We must act soon.\n",
    );
    let text_of = |id: &str| {
        m.units
            .iter()
            .find(|u| u.id == id)
            .map(|u| u.text.as_str())
            .unwrap_or("")
    };
    let clause = m
        .units
        .iter()
        .find(|u| u.text.starts_with("because"))
        .expect("the reason is cut off");
    for opener in ["Prices rose.", "Wages fell.", "Shops shut."] {
        let unit = m.units.iter().find(|u| u.text == opener).expect(opener);
        let to = m.outgoing(&unit.id).map(|r| r.to.as_str()).unwrap_or("");
        assert_ne!(to, clause.id, "{opener} backs the clause");
        assert_eq!(text_of(to), "Sales fell sharply", "{opener}");
    }
}
