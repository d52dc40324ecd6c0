//! Acceptability: the map read as a Dung argumentation framework (arguments = units, attacks =
//! the map's attack relations), with its grounded labelling and its preferred extensions.
//!
//! The maps the default grammar builds are trees, where both semantics coincide and every unit
//! is `in` or `out`; user rules may add edges, so nothing here assumes a tree: cycles, even
//! self-attacks, get the textbook answers.

use super::model::{ArgumentMap, RelationKind, Status};

/// An abstract argumentation framework over arguments `0..len`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Framework {
    /// `attackers[a]`: the arguments attacking `a`, ascending, without repeats.
    attackers: Vec<Vec<usize>>,
    /// `targets[a]`: the arguments `a` attacks, ascending, without repeats.
    targets: Vec<Vec<usize>>,
}

/// Work (argument visits) the preferred enumeration may do before it gives up, about a second:
/// the problem is hard in general, and a map is not worth minutes of it.
pub const PREFERRED_BUDGET: usize = 50_000_000;

impl Framework {
    /// A framework with `len` arguments; attacks naming an argument `>= len` are ignored.
    pub fn new(len: usize, attacks: impl IntoIterator<Item = (usize, usize)>) -> Framework {
        let mut attackers = vec![Vec::new(); len];
        let mut targets = vec![Vec::new(); len];
        for (from, to) in attacks {
            if from < len && to < len {
                attackers[to].push(from);
                targets[from].push(to);
            }
        }
        for list in attackers.iter_mut().chain(targets.iter_mut()) {
            list.sort_unstable();
            list.dedup();
        }
        Framework { attackers, targets }
    }

    /// Arguments = the map's units in order, attacks = its attack relations. Relations naming
    /// an unknown unit are left out.
    pub fn of_map(map: &ArgumentMap) -> Framework {
        let index = map.positions();
        let attacks = map
            .relations
            .iter()
            .filter(|r| r.kind == RelationKind::Attack)
            .filter_map(|r| Some((*index.get(r.from.as_str())?, *index.get(r.to.as_str())?)));
        Framework::new(map.units.len(), attacks)
    }

    pub fn len(&self) -> usize {
        self.attackers.len()
    }

    pub fn is_empty(&self) -> bool {
        self.attackers.is_empty()
    }

    /// Every attack as (attacker, target), ordered by attacker then target.
    pub fn attacks(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.targets
            .iter()
            .enumerate()
            .flat_map(|(a, ts)| ts.iter().map(move |&t| (a, t)))
    }

    /// The grounded labelling: `in` = the least fixed point of "all attackers are out", `out` =
    /// attacked by an `in` argument, `undec` = the rest. Linear in arguments plus attacks.
    pub fn grounded(&self) -> Vec<Status> {
        let n = self.len();
        let mut label: Vec<Option<Status>> = vec![None; n];
        // Attackers of each argument not yet labelled out.
        let mut live: Vec<usize> = self.attackers.iter().map(Vec::len).collect();
        let mut ready: Vec<usize> = (0..n).filter(|&a| live[a] == 0).collect();
        while let Some(a) = ready.pop() {
            if label[a].is_some() {
                continue;
            }
            label[a] = Some(Status::In);
            for &t in &self.targets[a] {
                if label[t].is_some() {
                    continue;
                }
                label[t] = Some(Status::Out);
                for &u in &self.targets[t] {
                    live[u] -= 1;
                    if live[u] == 0 && label[u].is_none() {
                        ready.push(u);
                    }
                }
            }
        }
        label
            .into_iter()
            .map(|l| l.unwrap_or(Status::Undec))
            .collect()
    }

    /// The grounded extension: the arguments labelled `in`, ascending.
    pub fn grounded_extension(&self) -> Vec<usize> {
        self.grounded()
            .iter()
            .enumerate()
            .filter(|(_, s)| **s == Status::In)
            .map(|(a, _)| a)
            .collect()
    }

    /// The preferred extensions (maximal admissible sets), each ascending, the list sorted; `None`
    /// when the search needed more than `budget` argument visits. There is always at least one
    /// (possibly empty) extension.
    ///
    /// The labelling search of Nofal, Atkinson & Dunne (2014), started from the grounded
    /// labelling: every preferred extension contains the grounded one and excludes what it
    /// attacks, so only `undec` arguments are searched, and a well-founded framework (every tree
    /// map) needs no search at all.
    pub fn preferred(&self, budget: usize) -> Option<Vec<Vec<usize>>> {
        let grounded = self.grounded();
        let mut search = Search {
            af: self,
            work: (0..self.len())
                .filter(|&a| grounded[a] == Status::Undec)
                .collect(),
            found: Vec::new(),
            spent: 0,
            budget,
        };
        let mut label: Vec<Label> = grounded
            .iter()
            .copied()
            .map(|s| match s {
                Status::In => Label::In,
                Status::Out => Label::Out,
                Status::Undec => Label::Blank,
            })
            .collect();
        for (a, l) in label.iter_mut().enumerate() {
            if *l == Label::Blank && self.attackers[a].binary_search(&a).is_ok() {
                // A self-attacker is never in a conflict-free set.
                *l = Label::Undec;
            }
        }
        search.run(&mut label)?;
        let base: Vec<usize> = (0..self.len())
            .filter(|&a| grounded[a] == Status::In)
            .collect();
        let mut found: Vec<Vec<usize>> = search
            .found
            .into_iter()
            .map(|part| {
                let mut e = base.clone();
                e.extend(part);
                e.sort_unstable();
                e
            })
            .collect();
        found.sort();
        Some(found)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Label {
    In,
    Out,
    /// Attacks an `in` argument but is not yet attacked by one: the set is not admissible until
    /// something `in` attacks it.
    MustOut,
    /// Left out of the set being built.
    Undec,
    /// Not decided yet.
    Blank,
}

struct Search<'a> {
    af: &'a Framework,
    /// The grounded `undec` arguments, ascending: the only ones the search decides.
    work: Vec<usize>,
    /// The `work` part of the admissible sets found so far, none containing another.
    found: Vec<Vec<usize>>,
    spent: usize,
    budget: usize,
}

impl Search<'_> {
    fn run(&mut self, label: &mut [Label]) -> Option<()> {
        self.spent += self.work.len() * (1 + self.found.len());
        if self.spent > self.budget {
            return None;
        }
        let af = self.af;
        let work = &self.work;
        // Dead end: an argument that must be attacked has no attacker left that could be in.
        let stuck = work.iter().any(|&a| {
            label[a] == Label::MustOut
                && af.attackers[a]
                    .iter()
                    .all(|&b| !matches!(label[b], Label::Blank))
        });
        if stuck {
            return Some(());
        }
        let set: Vec<usize> = work
            .iter()
            .copied()
            .filter(|&a| matches!(label[a], Label::In | Label::Blank))
            .collect();
        // Nothing this branch can reach is larger than a set already found.
        if self.found.iter().any(|e| is_subset(&set, e)) {
            return Some(());
        }
        let Some(x) = self.pick(label) else {
            if label.contains(&Label::MustOut) {
                return Some(());
            }
            let ins: Vec<usize> = work
                .iter()
                .copied()
                .filter(|&a| label[a] == Label::In)
                .collect();
            self.found.retain(|e| !is_subset(e, &ins));
            self.found.push(ins);
            return Some(());
        };
        let saved: Vec<Label> = work.iter().map(|&a| label[a]).collect();
        label[x] = Label::In;
        for &t in &af.targets[x] {
            label[t] = Label::Out;
        }
        for &b in &af.attackers[x] {
            if label[b] != Label::Out {
                label[b] = Label::MustOut;
            }
        }
        self.run(label)?;
        for (&a, &l) in self.work.iter().zip(&saved) {
            label[a] = l;
        }
        label[x] = Label::Undec;
        self.run(label)
    }

    /// The blank argument to decide next: one that could defeat a must-out argument first, else
    /// the first blank one.
    fn pick(&self, label: &[Label]) -> Option<usize> {
        let af = self.af;
        self.work
            .iter()
            .filter(|&&a| label[a] == Label::MustOut)
            .flat_map(|&a| af.attackers[a].iter().copied())
            .find(|&b| label[b] == Label::Blank)
            .or_else(|| {
                self.work
                    .iter()
                    .copied()
                    .find(|&a| label[a] == Label::Blank)
            })
    }
}

/// Both ascending.
fn is_subset(small: &[usize], big: &[usize]) -> bool {
    let mut it = big.iter();
    small.iter().all(|x| it.any(|y| y == x))
}

/// What acceptability says about a map, beyond each unit's status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acceptability {
    /// Grounded status of every unit, in unit order.
    pub status: Vec<Status>,
    /// Preferred extensions as unit ids; `None` when the search ran out of budget.
    pub preferred: Option<Vec<Vec<String>>>,
}

impl Acceptability {
    /// In how many preferred extensions the unit at `index` is; `None` without them.
    pub fn preferred_count(&self, map: &ArgumentMap, index: usize) -> Option<usize> {
        let id = &map.units.get(index)?.id;
        Some(
            self.preferred
                .as_ref()?
                .iter()
                .filter(|e| e.iter().any(|x| x.as_str() == id.as_str()))
                .count(),
        )
    }
}

pub fn analyse(map: &ArgumentMap) -> Acceptability {
    let af = Framework::of_map(map);
    let preferred = af.preferred(PREFERRED_BUDGET).map(|exts| {
        exts.into_iter()
            .map(|e| e.into_iter().map(|a| map.units[a].id.to_string()).collect())
            .collect()
    });
    Acceptability {
        status: af.grounded(),
        preferred,
    }
}

/// Sets every unit's grounded `status`, and marks each relation whose source is `out` as not
/// carrying: a defeated unit neither supports nor attacks anything.
pub fn assign_status(map: &mut ArgumentMap) {
    let status = Framework::of_map(map).grounded();
    for (u, s) in map.units.iter_mut().zip(&status) {
        u.status = Some(*s);
    }
    let index = map.positions();
    let carries: Vec<bool> = map
        .relations
        .iter()
        .map(|r| {
            index
                .get(r.from.as_str())
                .is_none_or(|&i| status[i] != Status::Out)
        })
        .collect();
    for (r, c) in map.relations.iter_mut().zip(carries) {
        r.carries = c;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Status::{In, Out, Undec};

    /// Arguments named a, b, c, … in order; `attacks` as "ab" = a attacks b.
    fn af(len: usize, attacks: &[&str]) -> Framework {
        let idx = |c: u8| usize::from(c - b'a');
        Framework::new(
            len,
            attacks.iter().map(|s| {
                let b = s.as_bytes();
                (idx(b[0]), idx(b[1]))
            }),
        )
    }

    fn names(sets: Vec<Vec<usize>>) -> Vec<String> {
        sets.into_iter()
            .map(|s| s.into_iter().map(|a| char::from(b'a' + a as u8)).collect())
            .collect()
    }

    fn preferred(f: &Framework) -> Vec<String> {
        names(f.preferred(PREFERRED_BUDGET).expect("small framework"))
    }

    #[test]
    fn unattacked_argument_is_in() {
        let f = af(2, &[]);
        assert_eq!(f.grounded(), vec![In, In]);
        assert_eq!(preferred(&f), vec!["ab"]);
    }

    #[test]
    fn reinstatement_chain_alternates() {
        // c attacks b attacks a: c defeats b, which reinstates a.
        let f = af(3, &["ba", "cb"]);
        assert_eq!(f.grounded(), vec![In, Out, In]);
        assert_eq!(preferred(&f), vec!["ac"]);
        // One link longer: d reinstates b, so a falls again.
        let f = af(4, &["ba", "cb", "dc"]);
        assert_eq!(f.grounded(), vec![Out, In, Out, In]);
        assert_eq!(preferred(&f), vec!["bd"]);
    }

    #[test]
    fn self_attack_is_undecided_and_spreads() {
        let f = af(1, &["aa"]);
        assert_eq!(f.grounded(), vec![Undec]);
        assert_eq!(preferred(&f), vec![""]);
        // A self-attacker attacking b leaves b undecided; c, attacked by nothing, is in.
        let f = af(3, &["aa", "ab"]);
        assert_eq!(f.grounded(), vec![Undec, Undec, In]);
        assert_eq!(preferred(&f), vec!["c"]);
    }

    #[test]
    fn even_cycle_has_two_preferred_extensions() {
        let f = af(2, &["ab", "ba"]);
        assert_eq!(f.grounded(), vec![Undec, Undec]);
        assert_eq!(preferred(&f), vec!["a", "b"]);
        let f = af(4, &["ab", "bc", "cd", "da"]);
        assert_eq!(f.grounded(), vec![Undec; 4]);
        assert_eq!(preferred(&f), vec!["ac", "bd"]);
    }

    #[test]
    fn odd_cycle_has_only_the_empty_extension() {
        let f = af(3, &["ab", "bc", "ca"]);
        assert_eq!(f.grounded(), vec![Undec; 3]);
        assert_eq!(preferred(&f), vec![""]);
    }

    #[test]
    fn odd_cycle_broken_by_an_outside_attacker() {
        // d attacks a in the 3-cycle a→b→c→a: d in, a out, b in, c out.
        let f = af(4, &["ab", "bc", "ca", "da"]);
        assert_eq!(f.grounded(), vec![Out, In, Out, In]);
        assert_eq!(preferred(&f), vec!["bd"]);
    }

    #[test]
    fn floating_acceptance_is_preferred_but_not_grounded() {
        // a and b attack each other and both attack c, which attacks d: d is defended in every
        // preferred extension but grounded semantics cannot tell.
        let f = af(4, &["ab", "ba", "ac", "bc", "cd"]);
        assert_eq!(f.grounded(), vec![Undec; 4]);
        assert_eq!(preferred(&f), vec!["ad", "bd"]);
    }

    #[test]
    fn even_cycle_feeding_a_chain() {
        // a↔b, b attacks c: {a, c} and {b}.
        let f = af(3, &["ab", "ba", "bc"]);
        assert_eq!(f.grounded(), vec![Undec; 3]);
        assert_eq!(preferred(&f), vec!["ac", "b"]);
    }

    #[test]
    fn budget_exhaustion_is_reported() {
        let f = af(2, &["ab", "ba"]);
        assert_eq!(f.preferred(1), None);
        // 40 independent even cycles have 2^40 preferred extensions: the search gives up.
        let cycles = Framework::new(
            80,
            (0..40).flat_map(|k| [(2 * k, 2 * k + 1), (2 * k + 1, 2 * k)]),
        );
        assert_eq!(cycles.preferred(PREFERRED_BUDGET), None);
    }

    #[test]
    fn only_undecided_arguments_are_searched() {
        // A long reinstatement chain (decided by the grounded labelling) beside one even cycle.
        let n = 5_000;
        let chain = (1..n - 2).map(|a| (a, a - 1));
        let f = Framework::new(n, chain.chain([(n - 2, n - 1), (n - 1, n - 2)]));
        let exts = f.preferred(PREFERRED_BUDGET).expect("within budget");
        assert_eq!(exts.len(), 2);
        let grounded = f.grounded_extension();
        assert_eq!(grounded.len(), (n - 2) / 2);
        for e in &exts {
            assert_eq!(e.len(), grounded.len() + 1);
            assert!(grounded.iter().all(|a| e.binary_search(a).is_ok()));
        }
    }

    #[test]
    fn attacks_naming_missing_arguments_are_ignored_and_repeats_merged() {
        let f = Framework::new(2, [(0, 1), (0, 1), (5, 0)]);
        assert_eq!(f.attacks().collect::<Vec<_>>(), vec![(0, 1)]);
        assert_eq!(f.grounded(), vec![In, Out]);
    }
}
