//! The argument graph: petgraph model of units and relations, the invariants every map must
//! satisfy, stance, and the serialisable [`model::ArgumentMap`].

pub mod model;
pub mod semantics;

use std::cell::OnceCell;

use petgraph::algo::is_cyclic_directed;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;
use petgraph::Direction;

use model::{ArgumentMap, RelationKind, Role, Stance};

/// The map as a directed graph: an edge per relation, from the supporting or attacking unit to
/// its target.
pub struct ArgumentGraph<'a> {
    pub map: &'a ArgumentMap,
    pub graph: DiGraph<usize, RelationKind>,
    /// Every unit's way to the thesis, worked out once for all units on first use: walking
    /// the path again per unit is quadratic on long chains.
    routes: OnceCell<Vec<Option<Route>>>,
}

/// What lies between a unit and the thesis along its outgoing relations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Route {
    depth: usize,
    attacks: usize,
}

/// An invariant a map breaks. A correct pipeline never produces one; `check` exists so tests
/// and imported maps can be verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Violation {
    NoThesis,
    ThesisNotFound(String),
    ThesisRole(String),
    UnknownEndpoint(String),
    OutgoingCount { unit: String, count: usize },
    ThesisHasOutgoing,
    BackgroundLinked(String),
    Cycle,
    NoPathToThesis(String),
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Violation::NoThesis => write!(f, "the map has units but no thesis"),
            Violation::ThesisNotFound(id) => write!(f, "the thesis `{id}` is not a unit"),
            Violation::ThesisRole(id) => {
                write!(f, "unit `{id}` has role thesis but is not the thesis")
            }
            Violation::UnknownEndpoint(id) => {
                write!(f, "relation `{id}` names a unit that does not exist")
            }
            Violation::OutgoingCount { unit, count } => {
                write!(
                    f,
                    "unit `{unit}` has {count} outgoing relations instead of 1"
                )
            }
            Violation::ThesisHasOutgoing => write!(f, "the thesis has an outgoing relation"),
            Violation::BackgroundLinked(id) => {
                write!(f, "background unit `{id}` takes part in a relation")
            }
            Violation::Cycle => write!(f, "the relations form a cycle"),
            Violation::NoPathToThesis(id) => write!(f, "unit `{id}` has no path to the thesis"),
        }
    }
}

impl<'a> ArgumentGraph<'a> {
    pub fn new(map: &'a ArgumentMap) -> Result<ArgumentGraph<'a>, Violation> {
        let mut graph = DiGraph::new();
        let nodes: Vec<NodeIndex> = (0..map.units.len()).map(|i| graph.add_node(i)).collect();
        let ids = map.positions();
        let index = |id: &str| ids.get(id).copied();
        for r in &map.relations {
            let (Some(a), Some(b)) = (index(&r.from), index(&r.to)) else {
                return Err(Violation::UnknownEndpoint(r.id.to_string()));
            };
            graph.add_edge(nodes[a], nodes[b], r.kind);
        }
        Ok(ArgumentGraph {
            map,
            graph,
            routes: OnceCell::new(),
        })
    }

    /// Every invariant of a map, all violations listed.
    pub fn check(&self) -> Vec<Violation> {
        let map = self.map;
        let mut out = Vec::new();
        if map.units.is_empty() {
            return out;
        }
        let thesis = match &map.thesis {
            None => {
                out.push(Violation::NoThesis);
                return out;
            }
            Some(t) => match map.units.iter().position(|u| u.id == t) {
                Some(i) => i,
                None => {
                    out.push(Violation::ThesisNotFound(t.to_string()));
                    return out;
                }
            },
        };
        if is_cyclic_directed(&self.graph) {
            out.push(Violation::Cycle);
        }
        for (i, u) in map.units.iter().enumerate() {
            let n = NodeIndex::new(i);
            let count = self.graph.edges_directed(n, Direction::Outgoing).count();
            if u.role == Role::Thesis && i != thesis {
                out.push(Violation::ThesisRole(u.id.to_string()));
            }
            if u.role == Role::Background {
                if count > 0 || self.graph.edges_directed(n, Direction::Incoming).count() > 0 {
                    out.push(Violation::BackgroundLinked(u.id.to_string()));
                }
                continue;
            }
            if i == thesis {
                if count > 0 {
                    out.push(Violation::ThesisHasOutgoing);
                }
                continue;
            }
            if count != 1 {
                out.push(Violation::OutgoingCount {
                    unit: u.id.to_string(),
                    count,
                });
            } else if self.route(i).is_none() {
                out.push(Violation::NoPathToThesis(u.id.to_string()));
            }
        }
        out
    }

    /// The relation kinds along the path from unit `i` to the thesis.
    pub fn path_to_thesis(&self, i: usize) -> Option<Vec<RelationKind>> {
        let thesis = self.map.thesis.as_ref()?;
        let mut kinds = Vec::new();
        let mut n = NodeIndex::new(i);
        for _ in 0..=self.map.units.len() {
            if self.map.units[self.graph[n]].id == thesis {
                return Some(kinds);
            }
            let edge = self.graph.edges_directed(n, Direction::Outgoing).next()?;
            kinds.push(*edge.weight());
            n = edge.target();
        }
        None
    }

    /// Proponent when an even number of attacks lies between the unit and the thesis.
    pub fn stance(&self, i: usize) -> Option<Stance> {
        if self.map.units[i].role == Role::Background {
            return None;
        }
        Some(if self.route(i)?.attacks % 2 == 0 {
            Stance::Pro
        } else {
            Stance::Opp
        })
    }

    /// Number of relations between unit `i` and the thesis (0 for the thesis itself).
    pub fn depth(&self, i: usize) -> Option<usize> {
        self.route(i).map(|r| r.depth)
    }

    fn route(&self, i: usize) -> Option<Route> {
        self.routes
            .get_or_init(|| self.all_routes())
            .get(i)
            .copied()
            .flatten()
    }

    /// The routes of all units in one pass: each unit's path is followed only until it meets a
    /// unit whose route is already known, so every relation is walked once. Follows the same
    /// outgoing relation as [`Self::path_to_thesis`], and a path that never reaches the thesis
    /// (a dead end or a cycle) has no route, for every unit on it.
    fn all_routes(&self) -> Vec<Option<Route>> {
        #[derive(Clone, Copy, PartialEq)]
        enum State {
            Unknown,
            OnPath,
            Done,
        }
        let n = self.map.units.len();
        let mut routes: Vec<Option<Route>> = vec![None; n];
        let mut state = vec![State::Unknown; n];
        let thesis = self
            .map
            .thesis
            .as_ref()
            .and_then(|t| self.map.units.iter().position(|u| u.id == t));
        let Some(thesis) = thesis else {
            return routes;
        };
        routes[thesis] = Some(Route {
            depth: 0,
            attacks: 0,
        });
        state[thesis] = State::Done;
        let mut path: Vec<(usize, RelationKind)> = Vec::new();
        for start in 0..n {
            let mut at = start;
            // Walk forward until a unit whose route is settled (or a dead end, or a cycle).
            let end = loop {
                match state[at] {
                    State::Done => break routes[at],
                    State::OnPath => break None,
                    State::Unknown => {}
                }
                state[at] = State::OnPath;
                let node = NodeIndex::new(at);
                let Some(edge) = self.graph.edges_directed(node, Direction::Outgoing).next() else {
                    path.push((at, RelationKind::Support));
                    break None;
                };
                path.push((at, *edge.weight()));
                at = self.graph[edge.target()];
            };
            // Settle the walked units from the far end back.
            let mut next = end;
            while let Some((unit, kind)) = path.pop() {
                next = next.map(|r| Route {
                    depth: r.depth + 1,
                    attacks: r.attacks + usize::from(kind == RelationKind::Attack),
                });
                routes[unit] = next;
                state[unit] = State::Done;
            }
        }
        routes
    }
}

/// Fills in every unit's stance from the relations.
pub fn assign_stances(map: &mut ArgumentMap) -> Result<(), Violation> {
    let stances: Vec<Option<Stance>> = {
        let g = ArgumentGraph::new(map)?;
        (0..map.units.len()).map(|i| g.stance(i)).collect()
    };
    for (u, s) in map.units.iter_mut().zip(stances) {
        u.stance = s;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
