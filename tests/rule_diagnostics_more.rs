//! Rule-file mistakes that were once accepted silently or reported confusingly, run through the
//! real binary: the exact text a user sees for each.

use std::path::Path;
use std::process::{Command, Output};

const ARTICLE: &str = "Cities should ban cars from their centres. Because traffic kills, \
                       streets must change. In 2019 the city counted 40,000 cars a day.\n";

const TSV: &str = "phrase\tfunction\tsource\n\
                   because\tContingency.Cause\tpdtb\n\
                   however\tComparison.Contrast\tpdtb\n\
                   in my view\tArgIndicator.Thesis\tcurated\n";

fn bin(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_toulmin"));
    c.current_dir(dir);
    c
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Maps the article with `mine.rules` (bytes as given) after the default grammar, or alone with
/// `--no-default-rules` in `extra`; `c.tsv` sits next to it.
fn run(rules: &[u8], extra: &[&str]) -> (tempfile::TempDir, Output) {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("a.txt"), ARTICLE).expect("article");
    std::fs::write(dir.path().join("c.tsv"), TSV).expect("tsv");
    std::fs::write(dir.path().join("mine.rules"), rules).expect("rules");
    let out = bin(dir.path())
        .args(["map", "a.txt", "-o", "out", "--rules", "mine.rules"])
        .args(extra)
        .output()
        .expect("the toulmin binary runs");
    (dir, out)
}

/// What the user sees when `rules` is refused.
fn failure(rules: &str) -> String {
    failure_bytes(rules.as_bytes(), &[])
}

fn failure_bytes(rules: &[u8], extra: &[&str]) -> String {
    let (dir, out) = run(rules, extra);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(!dir.path().join("out").exists(), "nothing is mapped");
    stderr(&out)
}

fn accepted(rules: &str) {
    let (_dir, out) = run(rules.as_bytes(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

// 1. Two `when` lines: the second used to replace the first.

#[test]
fn two_when_conditions_are_an_error_naming_the_first() {
    assert_eq!(
        failure(
            "lexicon l = [\"cars\"]\nrule r : claim 1 {\n  when contains l\n  when first_in document\n}\n"
        ),
        "error: rule `r` has two `when` conditions; join them with `and`
 --> mine.rules:4:3
  |
4 |   when first_in document
  |   ^^^^
  = note: the first `when` is at mine.rules:3:3
"
    );
}

// 2. A role or kind rule without `when` used to fire on every unit.

#[test]
fn a_role_or_kind_rule_without_when_is_an_error() {
    assert_eq!(
        failure("rule everywhere : claim 1 { yes \"Cities should act.\" }\n"),
        "error: rule `everywhere` has no `when` condition, so it would fire on every unit
 --> mine.rules:1:6
  |
1 | rule everywhere : claim 1 { yes \"Cities should act.\" }
  |      ^^^^^^^^^^
  = note: write the condition it needs, such as `{ when contains LEXICON }`; the role of units no rule decides is set with `default_role` in `settings`
"
    );
    assert_eq!(
        failure("kind k : fact 1 { }\n"),
        "error: rule `k` has no `when` condition, so it would fire on every unit
 --> mine.rules:1:6
  |
1 | kind k : fact 1 { }
  |      ^
  = note: write the condition it needs, such as `{ when contains LEXICON }`; the kind of units no rule decides is set with `default_kind` in `settings`
"
    );
}

#[test]
fn a_link_rule_without_when_is_a_fallback_and_allowed() {
    accepted("link every_previous : support -> previous 0.05 { }\n");
}

// 3. A tsv filter no row passes used to give an empty lexicon.

#[test]
fn a_tsv_value_no_row_has_is_an_error_with_a_suggestion() {
    assert_eq!(
        failure("lexicon t = tsv(\"c.tsv\", function = \"ArgIndicator.Thesys\")\n"),
        "error: no row of `c.tsv` has \"ArgIndicator.Thesys\" in its `function` column
 --> mine.rules:1:37
  |
1 | lexicon t = tsv(\"c.tsv\", function = \"ArgIndicator.Thesys\")
  |                                     ^^^^^^^^^^^^^^^^^^^^^ did you mean `ArgIndicator.Thesis`?
"
    );
}

#[test]
fn a_tsv_regex_no_row_matches_is_an_error_listing_the_values() {
    assert_eq!(
        failure("lexicon t = tsv(\"c.tsv\", function ~ /^Expansion\\./)\n"),
        "error: no row of `c.tsv` has a value matching /^Expansion\\./ in its `function` column
 --> mine.rules:1:37
  |
1 | lexicon t = tsv(\"c.tsv\", function ~ /^Expansion\\./)
  |                                     ^^^^^^^^^^^^^^
  = note: the values of `function` are: ArgIndicator.Thesis, Comparison.Contrast, Contingency.Cause
"
    );
}

#[test]
fn tsv_filters_that_never_hold_together_are_an_error() {
    assert_eq!(
        failure(
            "lexicon t = tsv(\"c.tsv\", function = \"Contingency.Cause\", source = \"curated\")\n"
        ),
        "error: no row of `c.tsv` passes all these filters together
 --> mine.rules:1:26
  |
1 | lexicon t = tsv(\"c.tsv\", function = \"Contingency.Cause\", source = \"curated\")
  |                          ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
"
    );
}

// 4. Numbers: exponents, infinities, malformed numbers.

#[test]
fn an_infinite_weight_is_an_error() {
    assert_eq!(
        failure("rule r : claim 1e999 { when first_in document }\n"),
        "error: this number is too large; numbers must be finite (at most about 1.8e308)
 --> mine.rules:1:16
  |
1 | rule r : claim 1e999 { when first_in document }
  |                ^^^^^
"
    );
    let nines = "9".repeat(400);
    let err = failure(&format!("weight r = {nines}\n"));
    assert!(
        err.starts_with(
            "error: this number is too large; numbers must be finite (at most about 1.8e308)\n --> mine.rules:1:12\n"
        ),
        "{err}"
    );
}

#[test]
fn exponents_are_numbers_and_a_huge_priority_is_out_of_range() {
    accepted("rule r : claim 5e-1 { when first_in document  priority 1e2 }\n");
    assert_eq!(
        failure("rule r : claim 1 { when first_in document priority 1e9 }\n"),
        "error: priority must be between -1000000 and 1000000, not 1000000000
 --> mine.rules:1:52
  |
1 | rule r : claim 1 { when first_in document priority 1e9 }
  |                                                    ^^^
"
    );
}

#[test]
fn a_malformed_number_says_how_numbers_are_written() {
    assert_eq!(
        failure("rule r : claim 0.5x { when first_in document }\n"),
        "error: `0.5x` is not a number; numbers are written like 0.5, 3, -0.25 or 1e-3
 --> mine.rules:1:16
  |
1 | rule r : claim 0.5x { when first_in document }
  |                ^^^^
"
    );
    assert_eq!(
        failure("weight r = .5\n"),
        "error: `.5` is not a number; numbers are written like 0.5, 3, -0.25 or 1e-3
 --> mine.rules:1:12
  |
1 | weight r = .5
  |            ^^
"
    );
}

// 5. Settings out of range.

#[test]
fn a_negative_or_fractional_word_count_is_an_error() {
    assert_eq!(
        failure("settings { min_unit_words = -3 }\n"),
        "error: min_unit_words is a number of words, 0 or more, not -3
 --> mine.rules:1:29
  |
1 | settings { min_unit_words = -3 }
  |                             ^^
"
    );
    assert_eq!(
        failure("settings {\n  min_unit_words = 2.5\n}\n"),
        "error: min_unit_words is a number of words, 0 or more, not 2.5
 --> mine.rules:2:20
  |
2 |   min_unit_words = 2.5
  |                    ^^^
"
    );
}

#[test]
fn echo_overlap_is_a_share() {
    assert_eq!(
        failure("settings { echo_overlap = 30 }\n"),
        "error: echo_overlap is the share of the title's content words a unit repeats, from 0 to 1, not 30
 --> mine.rules:1:27
  |
1 | settings { echo_overlap = 30 }
  |                           ^^
"
    );
}

#[test]
fn a_threshold_no_unit_can_reach_is_an_error() {
    let rules = "settings { threshold = 50 }\nlexicon l = [\"cars\"]\n\
                 rule a : claim 0.75 { when contains l }\nrule b : claim 0.5 { when first_in document }\n\
                 kind f : fact 2 { when contains l }\n";
    assert_eq!(
        failure_bytes(rules.as_bytes(), &["--no-default-rules"]),
        "error: threshold 50 can never be reached: the most any unit can score is 2 (every rule of kind `fact` firing at once)
 --> mine.rules:1:24
  |
1 | settings { threshold = 50 }
  |                        ^^
  = note: with it, every unit gets the default role and kind
"
    );
}

#[test]
fn a_grammar_version_newer_than_toulmin_is_an_error() {
    assert_eq!(
        failure("grammar mine version 99\n"),
        "error: grammar `mine` is written for version 99 of the rule language; this toulmin reads version 1 and older
 --> mine.rules:1:22
  |
1 | grammar mine version 99
  |                      ^^
  = note: update toulmin, or write the grammar for version 1
"
    );
}

// 6. No follow-on errors from a definition that failed.

#[test]
fn uses_of_a_lexicon_whose_definition_failed_are_not_reported_again() {
    assert_eq!(
        failure(
            "lexicon thesis_lead = tsv(\"c.tsv\", functon = \"Contingency.Cause\")\n\
             lexicon more = thesis_lead + [\"so\"]\n\
             rule r1 : claim 1 { when starts_with thesis_lead }\n\
             rule r2 : claim 1 { when contains thesis_lead or contains more }\n"
        ),
        "error: unknown column `functon`
 --> mine.rules:1:36
  |
1 | lexicon thesis_lead = tsv(\"c.tsv\", functon = \"Contingency.Cause\")
  |                                    ^^^^^^^ did you mean `function`?
  = note: the columns of c.tsv are: phrase, function, source
"
    );
    let err = failure(
        "lexicon thesis_lead = tsv(\"missing.tsv\")\nrule r1 : claim 1 { when starts_with thesis_lead }\n",
    );
    assert!(
        err.starts_with("error: cannot read `missing.tsv`: "),
        "{err}"
    );
    assert_eq!(err.matches("error:").count(), 1, "{err}");
}

#[test]
fn a_weight_for_a_rule_that_failed_is_not_unknown() {
    assert_eq!(
        failure("rule r1 : claim 1 { after_comma }\nweight r1 = 0.3\n"),
        "error: `after_comma` does nothing in a role rule; it belongs in `before` split rules
 --> mine.rules:1:21
  |
1 | rule r1 : claim 1 { after_comma }
  |                     ^^^^^^^^^^^
"
    );
}

// 7. Byte-order marks, other encodings, binary files.

#[test]
fn a_byte_order_mark_is_skipped_and_columns_stay_right() {
    let (_dir, out) = run(
        b"\xEF\xBB\xBFlexicon l = [\"cars\"]\nrule r : claim 1 { when contains l }\n",
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        failure_bytes(b"\xEF\xBB\xBFrule r : claim 1 { when contans l }\n", &[]),
        "error: unknown condition `contans`
 --> mine.rules:1:25
  |
1 | rule r : claim 1 { when contans l }
  |                         ^^^^^^^ did you mean `contains`?
"
    );
}

#[test]
fn a_rule_file_not_in_utf8_points_at_the_first_bad_byte() {
    assert_eq!(
        failure_bytes(
            b"# caf\xc3\xa9s\nlexicon l = [\"caf\xe9\"]\nrule r : claim 1 { when contains l }\n",
            &[]
        ),
        "error: the file is not valid UTF-8: invalid byte 0xe9 here
 --> mine.rules:2:18
  |
2 | lexicon l = [\"caf\u{FFFD}\"]
  |                  ^
  = note: rule files are text in UTF-8; save it as UTF-8
"
    );
}

#[test]
fn a_binary_rule_file_is_said_to_look_binary() {
    assert_eq!(
        failure_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", &[]),
        "error: cannot read `mine.rules`: the file looks binary: it has a NUL byte at byte 8 (line 3, column 1); a rule file is text\n"
    );
}

/// Regression: after a byte-order mark, the byte offset in the message was the text's, three
/// short of the file's (line and column were right).
#[test]
fn byte_offsets_after_a_byte_order_mark_count_it() {
    assert_eq!(
        failure_bytes(b"\xEF\xBB\xBFlexicon l = [\"cars\"]\n\0", &[]),
        "error: cannot read `mine.rules`: the file looks binary: it has a NUL byte at byte 24 (line 2, column 1); a rule file is text\n"
    );
}

/// A body still open at the end of the file: the note says where it opened, as the one for a
/// body cut short by the next item says which body it was.
#[test]
fn a_rule_body_open_at_the_end_of_the_file_says_where_it_opened() {
    assert_eq!(
        failure("lexicon l = [\"cars\"]\nrule r : claim 1 {\n  when contains l\n"),
        "error: expected `when`, `priority`, `yes`, `no` or `}`, found end of file
 --> mine.rules:4:1
  |
4 | 
  | ^
  = note: the body of `r` is never closed; it opens at mine.rules:2:18
"
    );
}

// 8. A missing `and`; a name defined twice.

#[test]
fn a_missing_and_is_called_one() {
    assert_eq!(
        failure("rule r : claim 1 { when in body first_in document }\n"),
        "error: expected `and`, `or` or the end of the condition, found `first_in`
 --> mine.rules:1:33
  |
1 | rule r : claim 1 { when in body first_in document }
  |                                 ^^^^^^^^
  = note: join the tests of a condition with `and` or `or`
"
    );
}

#[test]
fn a_name_defined_twice_says_where_it_was_first() {
    assert_eq!(
        failure(
            "lexicon l = [\"cars\"]\nrule r : claim 1 { when contains l }\n\nrule r : claim 1 { when first_in document }\n"
        ),
        "error: rule `r` is defined twice in this file
 --> mine.rules:4:6
  |
4 | rule r : claim 1 { when first_in document }
  |      ^
  = note: the first definition is at mine.rules:2:6; to replace a definition from another file, define it again in a later file
"
    );
}
