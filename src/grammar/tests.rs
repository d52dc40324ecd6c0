use std::io::Write;

use super::*;

#[test]
fn default_grammar_compiles() {
    let g = Grammar::default_grammar().map_err(|d| d.to_string());
    assert!(g.is_ok(), "{}", g.err().unwrap_or_default());
}

/// The built-in grammar's patterns are not compiled to check their size when it loads (see
/// `lazy_regex::Check`): loaded from `grammars/` as a user's rule files, with every check, it
/// must load with the same patterns.
#[test]
fn built_in_patterns_compile_within_their_limit() {
    let spec = GrammarSpec {
        without_default: true,
        files: vec![concat!(env!("CARGO_MANIFEST_DIR"), "/grammars/default.rules").into()],
    };
    let checked = load(&spec).map_err(|d| d.to_string());
    let checked = match checked {
        Ok(g) => g,
        Err(e) => panic!("the built-in grammar fails a full check:\n{e}"),
    };
    let built_in = Grammar::default_grammar()
        .map_err(|d| d.to_string())
        .expect("loads");
    let sources = |g: &Grammar| -> Vec<String> {
        g.patterns
            .iter()
            .map(|p| format!("{}/{}/{}", p.name, p.regex.source(), p.regex.flags()))
            .collect()
    };
    assert_eq!(sources(&checked), sources(&built_in));
    assert!(checked.patterns.len() > 100);
    for p in &checked.patterns {
        assert!(
            LazyRegex::new(p.regex.source(), p.regex.flags(), MAX_REGEX_BYTES).is_ok(),
            "{}",
            p.name
        );
    }
}

/// The built-in grammar, which must load.
pub(super) fn built_in() -> Grammar {
    match Grammar::default_grammar() {
        Ok(g) => g,
        Err(d) => panic!("default grammar: {d}"),
    }
}

/// The built-in grammar's ASCII-boundary sets, which it must have.
pub(super) fn ascii_sets(g: &Grammar) -> &ascii_words::AsciiWordSet {
    g.pattern_set_ascii_words
        .as_ref()
        .expect("the default grammar's patterns all carry over")
}

/// Every line of the reference articles in `corpus/`, blank ones included.
pub(crate) fn corpus_lines() -> Vec<String> {
    let mut lines = Vec::new();
    for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/corpus"))
        .into_iter()
        .flatten()
        .flatten()
    {
        if let Ok(article) = std::fs::read_to_string(entry.path()) {
            lines.extend(article.lines().map(String::from));
        }
    }
    lines
}

/// The grammar of `files`, which must compile (the directory holding them comes back too, to
/// live as long as the test).
pub(super) fn compiles(files: &[(&str, &str)]) -> (tempfile::TempDir, Grammar) {
    let (dir, g) = load_files(files);
    (dir, g.map_err(|d| d.to_string()).expect("compiles"))
}

/// Writes rule files into a temp dir and loads them without the default grammar.
fn load_files(files: &[(&str, &str)]) -> (tempfile::TempDir, Result<Grammar, Diagnostics>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut paths = Vec::new();
    for (name, text) in files {
        let p = dir.path().join(name);
        let mut f = std::fs::File::create(&p).expect("create");
        f.write_all(text.as_bytes()).expect("write");
        if name.ends_with(".rules") {
            paths.push(p);
        }
    }
    let spec = GrammarSpec {
        without_default: true,
        files: paths,
    };
    let g = load(&spec);
    (dir, g)
}

fn lexicon<'a>(g: &'a Grammar, name: &str) -> Vec<&'a str> {
    let i = g.lexicon_index(name).expect("lexicon exists");
    g.lexicons[i].phrases.iter().map(String::as_str).collect()
}

#[test]
fn lexicon_union_difference_and_tsv_filters() {
    let tsv = "phrase\tfunction\tsource\nbut\tComparison.Contrast\tx\nhowever\tComparison.Contrast\tx\nbecause\tContingency.Cause\tx\nIn conclusion,\tConclusion.Cue\tx\n";
    let rules = r#"
lexicon contrast = tsv("c.tsv", function ~ /^Comparison\./) + ["yet", "Still"] - ["but"]
lexicon cause = tsv("c.tsv", function = "Contingency.Cause", source = "x")
lexicon concl = tsv("c.tsv", function = "Conclusion.Cue")
lexicon both = contrast + cause
"#;
    let (_d, g) = compiles(&[("c.tsv", tsv), ("g.rules", rules)]);
    assert_eq!(lexicon(&g, "contrast"), vec!["however", "still", "yet"]);
    assert_eq!(lexicon(&g, "cause"), vec!["because"]);
    // Trailing punctuation of word-list entries is not part of the cue.
    assert_eq!(lexicon(&g, "concl"), vec!["in conclusion"]);
    assert_eq!(
        lexicon(&g, "both"),
        vec!["because", "however", "still", "yet"]
    );
}

#[test]
fn later_files_override_and_disable_earlier_rules() {
    let base = r#"
lexicon l = ["alpha"]
rule a : claim 0.5 { when contains l }
rule b : premise 0.5 { when contains l }
"#;
    let over = r#"
lexicon l = ["beta"]
rule a : evidence 0.9 { when contains l }
disable b
"#;
    let (_d, g) = compiles(&[("base.rules", base), ("over.rules", over)]);
    assert_eq!(g.roles.len(), 1);
    assert_eq!(g.roles[0].name, "a");
    assert_eq!(g.roles[0].role, crate::graph::model::Role::Evidence);
    assert_eq!(lexicon(&g, "l"), vec!["beta"]);
}

#[test]
fn duplicate_in_one_file_and_lexicon_cycle_are_errors() {
    let (_d, g) = load_files(&[("g.rules", "lexicon a = [\"x\"]\nlexicon a = [\"y\"]\n")]);
    let d = g.expect_err("duplicate is an error");
    assert!(matches!(d.errors[0].kind, ErrorKind::Duplicate { .. }));
    let (_d, g) = load_files(&[("g.rules", "lexicon a = b\nlexicon b = a + [\"x\"]\n")]);
    let d = g.expect_err("cycle is an error");
    assert!(
        matches!(d.errors[0].kind, ErrorKind::CyclicLexicon(_)),
        "{d}"
    );
}

#[test]
fn scan_matches_on_word_boundaries_case_insensitively() {
    let (_d, g) = compiles(&[("g.rules", "lexicon c = [\"but\", \"in fact\"]\n")]);
    let text = "But butter is, In Fact, rebuttal-free but fine.";
    let found: Vec<&str> = g.scan(text).iter().map(|h| &text[h.start..h.end]).collect();
    assert_eq!(found, vec!["But", "In Fact", "but"]);
}

/// Cue lists are written with straight apostrophes; pasted commentary is typeset. "That’s why"
/// was no conclusion and "don’t" no negation until the automaton held both spellings.
#[test]
fn phrases_with_an_apostrophe_match_the_typeset_one() {
    let (_d, g) = compiles(&[(
        "g.rules",
        "lexicon c = [\"that's why\", \"don’t\"]\nlexicon d = [\"that's why\"]\n",
    )]);
    let text = "That’s why we act. That's why. I don't know; I don’t. Thats why.";
    let found: Vec<(&str, usize)> = g
        .scan(text)
        .iter()
        .map(|h| (&text[h.start..h.end], h.lexicon))
        .collect();
    assert_eq!(
        found,
        vec![
            ("That’s why", 0),
            ("That’s why", 1),
            ("That's why", 0),
            ("That's why", 1),
            ("don't", 0),
            ("don’t", 0),
        ]
    );
}

#[test]
fn the_i_of_i_e_is_no_pronoun() {
    let (_d, g) = compiles(&[("g.rules", "lexicon me = [\"i\"]\n")]);
    let text = "The short trips, i.e. most of them. I walk; so do i. I.Then";
    let found: Vec<usize> = g.scan(text).iter().map(|h| h.start).collect();
    assert_eq!(
        found,
        vec![
            text.find("I walk").unwrap(),
            text.find("i. I").unwrap(),
            text.find("I.Then").unwrap()
        ]
    );
}

#[test]
fn patterns_compile_into_one_set_with_inline_regexes() {
    let rules =
        "pattern n = /\\d+ ?%/\nrule r : evidence 1 { when matches n or matches /(?i)survey/ }\n";
    let (_d, g) = compiles(&[("g.rules", rules)]);
    assert_eq!(g.patterns.len(), 2);
    assert_eq!(g.matching_patterns("a 40% rise"), vec![0]);
    assert_eq!(g.matching_patterns("A SURVEY found"), vec![1]);
}

/// Patterns that can only match at the start of a text are searched in sets of their own,
/// anchored; the answer must still list every matching pattern, in the grammar's order, and
/// a pattern with `^` in one alternative only still matches anywhere.
#[test]
fn start_only_patterns_searched_apart_still_answer_in_grammar_order() {
    let rules = "pattern lead_but = /^\\W*but\\b/i\n\
                 pattern must = /\\bmust\\b/i\n\
                 pattern lead_yes = /^\\s*yes\\b/i\n\
                 pattern either = /^\\W*so\\b|\\bthus\\b/i\n\
                 pattern fee = /\\bfees?\\b/i\n\
                 rule r : claim 1 { when matches lead_but or matches must or matches lead_yes \
                 or matches either or matches fee }\n";
    let (_d, g) = compiles(&[("g.rules", rules)]);
    let set = g
        .pattern_set_ascii_words
        .as_ref()
        .expect("these patterns carry over to ASCII boundaries");
    let index = |name: &str| {
        g.patterns
            .iter()
            .position(|p| p.name == name)
            .expect("a pattern of the file")
    };
    // Names sort the patterns, so the start-only ones fall between the others: their set,
    // searched first, answers for indices above some of the later sets'.
    assert!(index("either") < index("lead_but") && index("lead_yes") < index("must"));
    for (text, names) in [
        (
            "But the fee must go, thus",
            vec!["lead_but", "must", "either", "fee"],
        ),
        ("Yes: fees must fall", vec!["must", "lead_yes", "fee"]),
        ("So the fee stays", vec!["either", "fee"]),
        ("We must act, but not yet; so be it, yes", vec!["must"]),
        ("and thus the fee", vec!["either", "fee"]),
        ("Nothing here", vec![]),
    ] {
        let mut expected: Vec<usize> = names.into_iter().map(index).collect();
        expected.sort_unstable();
        let unicode: Vec<usize> = g.pattern_set.matches(text).into_iter().collect();
        assert_eq!(unicode, expected, "{text}");
        assert_eq!(
            set.matches_each(&[text]).pop(),
            Some(Some(expected.clone())),
            "{text}"
        );
        assert_eq!(g.matching_patterns(text), expected, "{text}");
    }
}

#[test]
fn errors_render_with_file_line_column_and_caret() {
    let (_d, g) = load_files(&[("g.rules", "rule r : claim 1 {\n  when starts_wth x\n}\n")]);
    let d = g.expect_err("error");
    let shown = d.to_string();
    assert!(
        shown.starts_with("error: unknown condition `starts_wth`\n"),
        "{shown}"
    );
    assert!(shown.contains("g.rules:2:8\n"), "{shown}");
    assert!(
        shown
            .contains("2 |   when starts_wth x\n  |        ^^^^^^^^^^ did you mean `starts_with`?"),
        "{shown}"
    );
}

#[test]
fn suggestions_only_for_near_names() {
    assert_eq!(
        error::suggest("contrat", ["contrast", "cause"]),
        Some("contrast".into())
    );
    assert_eq!(error::suggest("zzz", ["contrast", "cause"]), None);
}

#[test]
fn kind_rules_and_kind_conditions_compile() {
    let rules = r#"
settings { default_kind = fact }
lexicon l = ["said"]
kind reported : testimony 0.9 { when contains l and prev.kind != policy  priority 2  yes "He said so." }
rule backed : evidence 0.5 { when kind = testimony or sentence.kind = fact }
link backs : support -> paragraph_opinion 0.7 { when kind = testimony }
"#;
    let (_d, g) = compiles(&[("k.rules", rules)]);
    assert_eq!(
        g.settings.default_kind,
        Some(crate::graph::model::Kind::Fact)
    );
    assert_eq!(g.kinds.len(), 1);
    assert_eq!(g.kinds[0].kind, crate::graph::model::Kind::Testimony);
    assert_eq!(g.kinds[0].priority, 2);
    assert_eq!(g.kinds[0].examples.len(), 1);
    assert_eq!(g.roles.len(), 1);
    assert_eq!(g.links[0].target, Target::ParagraphOpinion);
    let when = g.kinds[0].when.as_ref().expect("condition");
    assert_eq!(g.check_text(when), "contains l and prev.kind != policy");
}

#[test]
fn a_kind_rule_shares_the_rule_namespace() {
    let (_d, g) = load_files(&[("k.rules", "rule a : claim 1 { }\nkind a : fact 1 { }\n")]);
    let d = g.expect_err("a rule and a kind rule with one name clash");
    assert!(d.to_string().contains("rule `a` is defined twice"), "{d}");
}

#[test]
fn unknown_default_kind_is_an_error_with_a_suggestion() {
    let (_d, g) = load_files(&[("k.rules", "settings { default_kind = vlue }\n")]);
    let d = g.expect_err("unknown kind");
    let text = d.to_string();
    assert!(text.contains("unknown kind `vlue`"), "{text}");
    assert!(text.contains("did you mean `value`?"), "{text}");
}

#[test]
fn the_embedded_default_grammar_imports_its_kind_rules() {
    let g = Grammar::default_grammar()
        .map_err(|d| d.to_string())
        .expect("compiles");
    assert!(g.kinds.len() >= 8, "{} kind rules", g.kinds.len());
    assert!(g
        .sources
        .files
        .iter()
        .any(|f| f.name == "grammars/kinds.rules" && f.dir.is_none()));
}

#[test]
fn an_unclosed_body_is_reported_as_a_missing_brace() {
    let (_d, g) = load_files(&[(
        "b.rules",
        "lexicon l = [\"x\"]\nkind k : fact 1 {\n  when contains l\nrule r : claim 1 { }\n",
    )]);
    let text = g.expect_err("unclosed body").to_string();
    assert!(text.contains("expected `}`, found `rule`"), "{text}");
    assert!(text.contains("missing its closing `}`"), "{text}");
}

#[test]
fn the_ascii_boundary_set_answers_as_the_unicode_set_wherever_it_is_used() {
    let g = built_in();
    let set = ascii_sets(&g);
    let texts = [
        "Yes. It is time we acted.",
        "Critics say the plan “should not” go ahead — it’s £40 million, 12 % more.",
        "Some economists argue that rents should fall · “In 2019 the city counted 40,000 cars.”",
        "They must act; it is not true that nothing works?” ",
        "http://example.com/a_b, www.example.org — no",
        "The Council has voted, and the Mayor’s office wanted it.",
        "Café owners say it is a bad idea",
        "Critics of naïve plans must not win",
        "Martín Pérez said in 2019 that the plan “must” go; São Paulo’s mayor disagreed.",
        "Señora Ibáñez: I think the fee is unfair, and nobody should pay it.",
        // Searched as `__url__`, which the citation pattern holds: asked again on the text.
        "see ééurlíí for more",
        "see __url__ for more",
    ];
    for text in texts {
        let unicode: Vec<usize> = g.pattern_set.matches(text).into_iter().collect();
        assert_eq!(
            set.matches_each(&[text]).pop(),
            Some(Some(unicode.clone())),
            "{text}"
        );
        assert_eq!(g.matching_patterns(text), unicode, "{text}");
    }
    // Characters a class of the grammar tells apart from the stand-in: `\p{Lu}` matches
    // capitals, `\d` the digits of other scripts. The patterns with such a class are asked again
    // on the text itself.
    for text in [
        "Über-critics must not win; naïve plans fail",
        "Critics, argues Émile Zola, should act.",
        "It costs \u{0663}0 dinars.",
    ] {
        let unicode: Vec<usize> = g.pattern_set.matches(text).into_iter().collect();
        assert_eq!(
            set.matches_each(&[text]).pop(),
            Some(Some(unicode.clone())),
            "{text}"
        );
        assert_eq!(g.matching_patterns(text), unicode, "{text}");
    }
    // The capital is what `\p{Lu}` looks for here: the set alone, searching `_`, would miss it.
    let reported = g
        .patterns
        .iter()
        .position(|p| p.name == "position_reported_after")
        .expect("the default grammar's position_reported_after pattern");
    assert!(g
        .matching_patterns("Critics, argues Émile Zola, should act.")
        .contains(&reported));
    // `(?i)k` matches the Kelvin sign in every pattern with a `k`: too many to ask again, so
    // the Unicode set answers.
    let kelvin = "It was 300 \u{212A} in the lab, she said.";
    let unicode: Vec<usize> = g.pattern_set.matches(kelvin).into_iter().collect();
    assert_eq!(set.matches_each(&[kelvin]).pop(), Some(None));
    assert_eq!(g.matching_patterns(kelvin), unicode);
    // Every line of the reference articles, whatever characters it holds.
    for line in corpus_lines() {
        let unicode: Vec<usize> = g.pattern_set.matches(&line).into_iter().collect();
        assert_eq!(g.matching_patterns(&line), unicode, "{line}");
    }
}

/// The sets search a document's units together, a set at a time over all of them: each unit
/// still gets its own answer, whatever its neighbours (a text the Unicode set answers for,
/// texts with patterns asked again, an empty one).
#[test]
fn units_searched_together_get_the_answers_each_gets_alone() {
    let g = built_in();
    let mut texts: Vec<String> = [
        "",
        "Yes. It is time we acted.",
        "It was 300 \u{212A} in the lab, she said.",
        "Critics, argues Émile Zola, should act.",
        "They must act; it is not true that nothing works?” ",
        "Martín Pérez said in 2019 that the plan “must” go.",
        "Some economists argue that rents should fall.",
    ]
    .map(String::from)
    .to_vec();
    texts.extend(corpus_lines());
    // Not every line: a blank one matches the grammar's shouted-line pattern, so answers that
    // agree on blank lines would prove little.
    texts.retain(|t| t.is_empty() || !t.trim().is_empty());
    let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
    let set = ascii_sets(&g);
    // The ASCII sets themselves, where a misplaced "leave it to the Unicode set" would not show
    // in the grammar's answer.
    let together = set.matches_each(&texts);
    assert_eq!(together.len(), texts.len());
    for (text, found) in texts.iter().zip(&together) {
        assert_eq!(found, &set.matches_each(&[text]).pop().flatten(), "{text}");
    }
    assert_eq!(
        together[2], None,
        "the Kelvin sign is left to the Unicode set"
    );
    assert!(
        together[3].is_some(),
        "Émile is asked again, not left to the Unicode set"
    );
    // And the grammar's answer, the Unicode set's where the ASCII sets leave a text to it.
    let together = g.matching_patterns_each(&texts);
    assert_eq!(together.len(), texts.len());
    let mut matched = 0;
    for (text, found) in texts.iter().zip(&together) {
        assert_eq!(found, &g.matching_patterns(text), "{text}");
        let unicode: Vec<usize> = g.pattern_set.matches(text).into_iter().collect();
        assert_eq!(found, &unicode, "{text}");
        matched += usize::from(!found.is_empty());
    }
    // Not a run of empty answers agreeing with each other.
    assert!(matched > texts.len() / 2, "{matched} of {}", texts.len());
}

/// `x[àé]?` matches "x", but its class of non-ASCII letters is empty on a searched text, where
/// such letters stand in as `_`: the carried pattern's `minimum_len()` is `None`, as for a
/// pattern that cannot match, and it was left out of every set.
#[test]
fn a_pattern_with_an_optional_non_ascii_letter_stays_in_the_sets() {
    let (_d, g) = compiles(&[(
        "g.rules",
        r#"
pattern optional = /x[àé]?/
pattern weight = /\b\d+ ?µ?g\b/i
pattern co_operate = /\bco[öō]?operat/
rule a : claim 1 { when matches optional }
rule b : claim 1 { when matches weight }
rule c : claim 1 { when matches co_operate }
"#,
    )]);
    let index = |name: &str| g.patterns.iter().position(|p| p.name == name).expect(name);
    let (optional, weight, co_operate) = (index("optional"), index("weight"), index("co_operate"));
    for (text, mut expected) in [
        ("x", vec![optional]),
        ("It weighs 5 g.", vec![weight]),
        ("We cooperate.", vec![co_operate]),
        ("xé, and we cooperate", vec![optional, co_operate]),
    ] {
        expected.sort_unstable();
        let unicode: Vec<usize> = g.pattern_set.matches(text).into_iter().collect();
        assert_eq!(unicode, expected, "{text}");
        assert_eq!(g.matching_patterns(text), expected, "{text}");
    }
}

/// A boundary the pattern asks for in ASCII (`(?-u:\b)`) holds between "é" and "x", which
/// the ASCII set searched as "_x", where it does not.
#[test]
fn an_ascii_boundary_written_in_a_pattern_is_asked_again_beside_a_non_ascii_letter() {
    let (_d, g) = compiles(&[(
        "g.rules",
        "pattern ascii_boundary = /(?-u:\\b)x/\nrule a : claim 1 { when matches ascii_boundary }\n",
    )]);
    for (text, expected) in [("éx", vec![0]), ("_x", vec![]), ("a x", vec![0])] {
        let unicode: Vec<usize> = g.pattern_set.matches(text).into_iter().collect();
        assert_eq!(unicode, expected, "{text}");
        assert_eq!(g.matching_patterns(text), expected, "{text}");
    }
}

/// A pattern locates its cue with an ASCII twin on texts without non-ASCII letters (see
/// `LazyRegex::find`): it must find what the regex itself finds, on every text.
#[test]
fn a_pattern_finds_its_cue_where_its_own_regex_does() {
    let g = built_in();
    let mut lines: Vec<String> = [
        "Critics say the plan “should not” go ahead — it’s £40 million, 12 % more.",
        "They must act; it is not true that nothing works?” ",
        "Martín Pérez said in 2019 that the plan “must” go; São Paulo’s mayor disagreed.",
        "Critics, argues Émile Zola, should act.",
        "It costs \u{0663}0 dinars, and we should not pay.",
        "It was 300 \u{212A} in the lab, she said; we must keep it.",
    ]
    .map(String::from)
    .to_vec();
    lines.extend(corpus_lines());
    let mut found = 0;
    for p in &g.patterns {
        let own: &regex_automata::meta::Regex = &p.regex;
        for line in &lines {
            let twin = p.regex.find(line);
            assert_eq!(twin, own.find(line), "{}: {line}", p.name);
            assert_eq!(
                p.regex.is_match(line),
                own.is_match(line),
                "{}: {line}",
                p.name
            );
            found += usize::from(twin.is_some());
        }
    }
    assert!(found > 500, "the patterns found only {found} cues");
}

#[test]
fn numbers_take_exponents_and_must_be_finite() {
    let (_d, g) = compiles(&[(
        "n.rules",
        "rule r : claim 2.5e-1 { when first_in document  priority -2E1 }\n",
    )]);
    assert_eq!(g.roles[0].weight, 0.25);
    assert_eq!(g.roles[0].priority, -20);
    let (_d, g) = load_files(&[("n.rules", "bias claim = -1e400\n")]);
    let text = g.expect_err("-inf is refused").to_string();
    assert!(text.contains("numbers must be finite"), "{text}");
    assert!(text.contains("n.rules:1:14"), "{text}");
}

#[test]
fn a_name_is_never_suggested_for_itself() {
    assert_eq!(error::suggest("thesis_lead", ["thesis_lead"]), None);
    assert_eq!(
        error::suggest("thesis_lead", ["thesis_lead", "thesis_leads"]),
        Some("thesis_leads".into())
    );
}

#[test]
fn a_failed_lexicon_is_reported_once_however_often_it_is_used() {
    let (_d, g) = load_files(&[
        ("c.tsv", "phrase\tfunction\nbut\tContrast\n"),
        (
            "g.rules",
            "lexicon a = tsv(\"c.tsv\", function = \"Contrats\")\nlexicon b = a + [\"x\"]\n\
             lexicon c = b\nrule r : claim 1 { when contains a or contains b or contains c }\n\
             weight r = 0.5\n",
        ),
    ]);
    let d = g.expect_err("the filter matches no row");
    assert_eq!(d.errors.len(), 1, "{d}");
    assert!(d.to_string().contains("did you mean `Contrast`?"), "{d}");
}

#[test]
fn a_field_set_twice_is_an_error() {
    let (_d, g) = load_files(&[(
        "g.rules",
        "lexicon as_it = [\"as it\"]\npattern aux = /^\\s*would\\b/\npattern neg = /^\\s*not\\b/\n\
         split s : before as_it { only_next aux only_next neg }\n",
    )]);
    let text = g.expect_err("two only_next").to_string();
    assert!(
        text.starts_with(
            "error: rule `s` sets `only_next` twice; the second would replace the first\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("= note: the first `only_next` is at "),
        "{text}"
    );
    // `unless_next` may repeat: any of its patterns keeps the sentence whole.
    let (_d, g) = load_files(&[(
        "g.rules",
        "lexicon as_it = [\"as it\"]\npattern aux = /^\\s*would\\b/\npattern neg = /^\\s*not\\b/\n\
         split s : before as_it { unless_next aux unless_next neg }\n",
    )]);
    assert!(g.is_ok());
}

#[test]
fn two_whens_in_a_split_or_link_rule_are_an_error_too() {
    let (_d, g) = load_files(&[(
        "g.rules",
        "link l : support -> previous 1 { when first_in paragraph when is_thesis }\n",
    )]);
    let text = g.expect_err("two whens").to_string();
    assert!(
        text.starts_with("error: rule `l` has two `when` conditions; join them with `and`\n"),
        "{text}"
    );
    assert!(text.contains("= note: the first `when` is at "), "{text}");
}
