//! What a rule cannot fire without. Most role and kind rules hold only where one of a few
//! lexicons or patterns is found in the unit (`contains`, `starts_with`, `ends_with`,
//! `matches`, possibly under `and`/`or`); annotation passes over a unit that holds none of them
//! without walking the rule's condition. The needs follow from the conditions alone, so they
//! are worked out once, when the grammar loads; which lexicons and patterns a unit holds is
//! known before any rule runs: the lexicon hits of the whole text and the unit's pattern set
//! answer.

use std::ops::Range;

use super::{Check, CheckTest, Hit};

/// Something a unit holds: a hit of a lexicon, or a match of a pattern, inside its span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Atom {
    Lexicon(usize),
    Pattern(usize),
}

/// For each rule, the atoms one of which every unit the rule fires on holds; `None` where the
/// condition names no such set (no condition, a test of position or role, a `not`, a
/// neighbour's test).
#[derive(Debug, Clone)]
pub struct Needs(Vec<Option<Box<[Atom]>>>);

impl Needs {
    /// The needs of each rule, in rule order, from its condition.
    pub fn of<'a>(conditions: impl IntoIterator<Item = Option<&'a Check>>) -> Needs {
        Needs(
            conditions
                .into_iter()
                .map(|c| c.and_then(needs).map(Vec::into_boxed_slice))
                .collect(),
        )
    }

    /// Whether rule `rule` may fire on a unit holding the lexicons `present` and the patterns
    /// `patterns` (sorted): false only when it cannot.
    pub fn allow(&self, rule: usize, present: &Lexicons, patterns: &[usize]) -> bool {
        match self.0.get(rule) {
            Some(Some(atoms)) => atoms.iter().any(|&a| match a {
                Atom::Lexicon(l) => present.holds(l),
                Atom::Pattern(p) => patterns.binary_search(&p).is_ok(),
            }),
            _ => true,
        }
    }
}

/// Atoms one of which `check` cannot hold without, on the unit it is asked of.
fn needs(check: &Check) -> Option<Vec<Atom>> {
    match check {
        // Each of these finds a hit lying wholly inside the unit's span, or a pattern the
        // unit's pattern set found (see `Context::test`).
        Check::Test(CheckTest::Contains(l), _)
        | Check::Test(CheckTest::StartsWith(l), _)
        | Check::Test(CheckTest::EndsWith(l), _) => Some(vec![Atom::Lexicon(*l)]),
        Check::Test(CheckTest::Matches(p), _) => Some(vec![Atom::Pattern(*p)]),
        Check::Test(..) | Check::Not(_) | Check::Neighbour(..) => None,
        // Every conjunct must hold, so the needs of any one are needs of the whole: the
        // narrowest are the cheapest to check and the likeliest to rule the unit out.
        Check::And(cs) => cs.iter().filter_map(needs).min_by_key(Vec::len),
        // One disjunct must hold: the union, if every disjunct has needs.
        Check::Or(cs) => cs.iter().try_fold(Vec::new(), |mut all, c| {
            all.extend(needs(c)?);
            Some(all)
        }),
    }
}

/// The lexicons one unit holds a hit of, one bit each.
#[derive(Debug, Default)]
pub struct Lexicons(Vec<u64>);

impl Lexicons {
    /// Refills `self` for the unit over `span` from the text's `hits`, sorted by start.
    pub fn fill(&mut self, hits: &[Hit], span: &Range<usize>) {
        self.0.iter_mut().for_each(|w| *w = 0);
        let from = hits.partition_point(|h| h.start < span.start);
        for h in hits[from..].iter().take_while(|h| h.start < span.end) {
            if h.end <= span.end {
                let word = h.lexicon / 64;
                if self.0.len() <= word {
                    self.0.resize(word + 1, 0);
                }
                self.0[word] |= 1 << (h.lexicon % 64);
            }
        }
    }

    fn holds(&self, lexicon: usize) -> bool {
        self.0
            .get(lexicon / 64)
            .is_some_and(|w| w & (1 << (lexicon % 64)) != 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grammar::tests::compiles;

    #[test]
    fn needs_follow_and_or_not_and_neighbours() {
        let (_d, g) = compiles(&[(
            "g.rules",
            r#"
lexicon a = ["alpha"]
lexicon b = ["beta", "bravo"]
lexicon c = ["gamma"]
pattern p = /\bdelta\b/i
rule any_b : claim 1 { when contains a and (contains b or starts_with c) }
rule one_of : claim 1 { when contains a or matches p }
rule open_or : claim 1 { when contains a or first_in paragraph }
rule negated : claim 1 { when not contains a }
rule neighbour : claim 1 { when prev.contains a }
rule bare : claim 1 { when first_in paragraph and ends_with c }
"#,
        )]);
        let needs = g.role_needs();
        let lex = |name: &str| Atom::Lexicon(g.lexicon_index(name).expect("lexicon"));
        let atoms = |rule: &str| {
            let i = g.roles.iter().position(|r| r.name == rule).expect("rule");
            needs.0[i].as_deref().map(<[Atom]>::to_vec)
        };
        // `and`: the narrowest conjunct's needs.
        assert_eq!(atoms("any_b"), Some(vec![lex("a")]));
        assert_eq!(atoms("one_of"), Some(vec![lex("a"), Atom::Pattern(0)]));
        assert_eq!(atoms("open_or"), None);
        assert_eq!(atoms("negated"), None);
        assert_eq!(atoms("neighbour"), None);
        assert_eq!(atoms("bare"), Some(vec![lex("c")]));

        // A hit that reaches past the unit's end is not the unit's.
        let a = g.lexicon_index("a").expect("lexicon");
        let mut present = Lexicons::default();
        present.fill(
            &[Hit {
                start: 4,
                end: 9,
                lexicon: a,
            }],
            &(0..8),
        );
        let one_of = g
            .roles
            .iter()
            .position(|r| r.name == "one_of")
            .expect("rule");
        assert!(!needs.allow(one_of, &present, &[]));
        assert!(needs.allow(one_of, &present, &[0]));
        present.fill(
            &[Hit {
                start: 4,
                end: 8,
                lexicon: a,
            }],
            &(0..8),
        );
        assert!(needs.allow(one_of, &present, &[]));
    }
}
