//! A layered (Sugiyama-style) layout for argument maps, shared by both renderers: the built-in
//! SVG renderer draws it, the DOT writer takes its layers as edge lengths.
//!
//! Why our own: the crates that do layered layout did not fit (measured, see the closing note of
//! issue 11): `dagre` 0.1 routes edges and knows clusters but took 7.5 s for 2,000 nodes and
//! 11.6 s for 400 nodes in clusters; `rust-sugiyama` 0.4 is fast but returns node positions only
//! (no edge routes, no per-edge lengths, no groups); `layout-rs` grows cubically and draws edges
//! straight through boxes. What argument maps need is narrow: trees with a few extra edges, wide
//! fans folded into rows, sections as columns, and edges that never cross a box.
//!
//! The phases, each small:
//! 1. orientation: every edge points from the lower node (supporter, attacker) to the upper one;
//!    edges closing a cycle are reversed (and drawn with the arrow at the other end);
//! 2. layering: longest path from the root (the thesis, alone on top), then *folding*: a group's
//!    layer wider than its share of the target width pushes its last nodes (in text order) one
//!    layer down, so a fan of 30 supporters becomes rows;
//! 3. long edges get dummy nodes, one shared chain per (target, group, kind): a folded fan hangs
//!    on one trunk instead of 30 parallel lines;
//! 4. ordering: barycenter sweeps with crossing counts, keeping groups contiguous (sections are
//!    columns) and siblings in text order when that costs no crossing;
//! 5. coordinates: per layer, each node as close as it can be to the mean of its neighbours
//!    without overlapping (isotonic regression), alternating downward and upward passes;
//! 6. routing: between two layers an edge is a vertical-tangent curve in the empty gap, and
//!    inside a layer it runs vertically under its own node or through its dummy's reserved slot,
//!    so by construction no edge passes through a box.
//!
//! The whole layout is tried for a few target widths and the one closest to a landscape page
//! (aspect 1.5) wins. Deterministic: no hashing, ties broken by text order.

/// A box to place.
#[derive(Debug, Clone)]
pub struct NodeSpec {
    pub width: f64,
    pub height: f64,
    /// Nodes of one group are kept together in a column (the sections of the article).
    pub group: usize,
    /// Position in the text; orders siblings.
    pub order: usize,
}

/// `from` is drawn below `to` (a supporter under what it supports). `class` keeps edges of
/// different kinds from sharing a trunk.
#[derive(Debug, Clone, Copy)]
pub struct EdgeSpec {
    pub from: usize,
    pub to: usize,
    pub class: u8,
}

#[derive(Debug, Clone)]
pub struct Spec {
    pub nodes: Vec<NodeSpec>,
    pub edges: Vec<EdgeSpec>,
    /// Drawn alone on the top layer, centred.
    pub root: Option<usize>,
}

#[derive(Debug, Clone, Copy)]
pub struct Spacing {
    pub node_gap: f64,
    pub dummy_gap: f64,
    pub dummy_width: f64,
    pub layer_gap: f64,
    pub group_gap: f64,
    /// Room above a group's first layer for its band label.
    pub band_label: f64,
    /// Room above the first layer, the title, legend or other things drawn there.
    pub top: f64,
}

impl Default for Spacing {
    fn default() -> Self {
        Spacing {
            node_gap: 14.0,
            dummy_gap: 8.0,
            dummy_width: 6.0,
            layer_gap: 26.0,
            group_gap: 32.0,
            band_label: 20.0,
            top: 0.0,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

impl Rect {
    pub fn right(&self) -> f64 {
        self.x + self.width
    }
    pub fn bottom(&self) -> f64 {
        self.y + self.height
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cmd {
    Move(f64, f64),
    Line(f64, f64),
    Curve((f64, f64), (f64, f64), (f64, f64)),
}

/// One edge's path from the lower node's top up to the upper node's bottom. `reversed` edges
/// point downwards: the arrow belongs at the path's start.
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    pub path: Vec<Cmd>,
    pub reversed: bool,
}

impl Route {
    /// The path as SVG path data.
    pub fn svg_d(&self) -> String {
        let mut d = String::new();
        for c in &self.path {
            if !d.is_empty() {
                d.push(' ');
            }
            match c {
                Cmd::Move(x, y) => d.push_str(&format!("M{} {}", num(*x), num(*y))),
                Cmd::Line(x, y) => d.push_str(&format!("L{} {}", num(*x), num(*y))),
                Cmd::Curve(a, b, p) => d.push_str(&format!(
                    "C{} {} {} {} {} {}",
                    num(a.0),
                    num(a.1),
                    num(b.0),
                    num(b.1),
                    num(p.0),
                    num(p.1)
                )),
            }
        }
        d
    }

    /// Points along the path, `per_curve` samples per curve: for geometry tests.
    pub fn sample(&self, per_curve: usize) -> Vec<(f64, f64)> {
        let mut pts = Vec::new();
        let mut at = (0.0, 0.0);
        for c in &self.path {
            match *c {
                Cmd::Move(x, y) => {
                    at = (x, y);
                    pts.push(at);
                }
                Cmd::Line(x, y) => {
                    for k in 1..=per_curve {
                        let t = k as f64 / per_curve as f64;
                        pts.push((at.0 + (x - at.0) * t, at.1 + (y - at.1) * t));
                    }
                    at = (x, y);
                }
                Cmd::Curve(a, b, p) => {
                    for k in 1..=per_curve {
                        let t = k as f64 / per_curve as f64;
                        let u = 1.0 - t;
                        let w = [u * u * u, 3.0 * u * u * t, 3.0 * u * t * t, t * t * t];
                        pts.push((
                            w[0] * at.0 + w[1] * a.0 + w[2] * b.0 + w[3] * p.0,
                            w[0] * at.1 + w[1] * a.1 + w[2] * b.1 + w[3] * p.1,
                        ));
                    }
                    at = p;
                }
            }
        }
        pts
    }
}

/// Rounds to 0.1 so SVG stays short and byte-identical across runs.
pub fn num(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r == r.trunc() {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}

/// The rectangle a group's nodes (and trunks) occupy.
#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    pub group: usize,
    pub rect: Rect,
}

#[derive(Debug, Clone)]
pub struct Layout {
    pub nodes: Vec<Rect>,
    pub layer: Vec<usize>,
    /// One per input edge; `None` for self-loops.
    pub routes: Vec<Option<Route>>,
    pub bands: Vec<Band>,
    pub width: f64,
    pub height: f64,
}

// ---------------------------------------------------------------------------------------------
// 1. orientation

/// For each edge, (lower, upper) after reversing the edges that close a cycle, and whether it
/// was reversed. Edges out of the root are reversed too, so the root stays on top.
fn orient(spec: &Spec) -> Vec<Option<(usize, usize, bool)>> {
    let n = spec.nodes.len();
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (k, e) in spec.edges.iter().enumerate() {
        if e.from != e.to && e.from < n && e.to < n {
            out[e.from].push(k);
        }
    }
    let mut result: Vec<Option<(usize, usize, bool)>> = vec![None; spec.edges.len()];
    // Iterative DFS along lower → upper; an edge to a node still on the stack closes a cycle.
    let mut state = vec![0u8; n]; // 0 new, 1 on stack, 2 done
    let mut starts: Vec<usize> = (0..n).collect();
    starts.sort_by_key(|&v| (Some(v) != spec.root, spec.nodes[v].order, v));
    for s in starts {
        if state[s] != 0 {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(s, 0)];
        state[s] = 1;
        while let Some(&mut (v, ref mut i)) = stack.last_mut() {
            if *i < out[v].len() {
                let k = out[v][*i];
                *i += 1;
                let w = spec.edges[k].to;
                if Some(v) == spec.root || state[w] == 1 {
                    result[k] = Some((w, v, true));
                } else {
                    result[k] = Some((v, w, false));
                    if state[w] == 0 {
                        state[w] = 1;
                        stack.push((w, 0));
                    }
                }
            } else {
                state[v] = 2;
                stack.pop();
            }
        }
    }
    result
}

// ---------------------------------------------------------------------------------------------
// 2. layering and folding

struct Dag {
    ups: Vec<Vec<usize>>,
    topo: Vec<usize>,
}

fn dag(n: usize, oriented: &[Option<(usize, usize, bool)>]) -> Dag {
    let mut ups = vec![Vec::new(); n];
    let mut downs = vec![Vec::new(); n];
    for &(lo, hi, _) in oriented.iter().flatten() {
        if !ups[lo].contains(&hi) {
            ups[lo].push(hi);
            downs[hi].push(lo);
        }
    }
    // Kahn's algorithm from the top; the orientation is acyclic.
    let mut pending: Vec<usize> = ups.iter().map(Vec::len).collect();
    let mut topo: Vec<usize> = (0..n).filter(|&v| pending[v] == 0).collect();
    let mut i = 0;
    while i < topo.len() {
        let v = topo[i];
        i += 1;
        for &w in &downs[v] {
            pending[w] -= 1;
            if pending[w] == 0 {
                topo.push(w);
            }
        }
    }
    Dag { ups, topo }
}

fn group_count(spec: &Spec) -> usize {
    spec.nodes.iter().map(|s| s.group + 1).max().unwrap_or(0)
}

/// Each group's share of `max_width`, by the area of its boxes (at least its widest box).
fn area_budgets(spec: &Spec, spacing: &Spacing, max_width: f64) -> Vec<f64> {
    let groups = group_count(spec);
    let mut area = vec![0.0; groups];
    let mut widest = vec![0.0f64; groups];
    for (v, s) in spec.nodes.iter().enumerate() {
        if Some(v) != spec.root {
            area[s.group] += (s.width + spacing.node_gap) * s.height;
            widest[s.group] = widest[s.group].max(s.width);
        }
    }
    let total: f64 = area.iter().sum::<f64>().max(1.0);
    (0..groups)
        .map(|g| (max_width * area[g] / total).max(widest[g]))
        .collect()
}

/// Layers from the tree of first links, with every fan folded into rows: a node's children
/// (in text order) are packed into rows no wider than their group's share of `max_width`, and
/// each row sits below the deepest subtree of the row before, so a claim keeps its premises
/// right under it. Extra links (a unit supporting two others) then only push nodes down.
/// `budget` is each group's row width for the fans under the root; fans further down fold at
/// `inner` of it, which lets two claims with their premises share a row.
fn fold_layers(
    spec: &Spec,
    spacing: &Spacing,
    d: &Dag,
    budget: &[f64],
    inner: &[f64],
) -> Vec<usize> {
    let n = spec.nodes.len();
    // The tree: each node hangs under its first upper neighbour; tops hang under the root.
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut tops: Vec<usize> = Vec::new();
    for v in 0..n {
        match d.ups[v].first() {
            Some(&u) => children[u].push(v),
            None if Some(v) != spec.root => tops.push(v),
            None => {}
        }
    }
    let by_order = |v: &usize| (spec.nodes[*v].order, *v);
    for c in children.iter_mut() {
        c.sort_by_key(by_order);
    }
    tops.sort_by_key(by_order);
    // Rows of children, bottom-up: a subtree's width and its height in layers.
    let mut width = vec![0.0f64; n];
    let mut height = vec![1usize; n];
    let mut rows: Vec<Vec<Vec<usize>>> = vec![Vec::new(); n];
    let pack = |kids: &[usize], budget: f64, width: &[f64]| -> Vec<Vec<usize>> {
        let mut out: Vec<Vec<usize>> = Vec::new();
        let mut used = f64::INFINITY;
        for &c in kids {
            let w = width[c] + spacing.node_gap;
            if used + w > budget + spacing.node_gap {
                out.push(Vec::new());
                used = 0.0;
            }
            used += w;
            if let Some(row) = out.last_mut() {
                row.push(c);
            }
        }
        out
    };
    let row_height =
        |row: &[usize], height: &[usize]| row.iter().map(|&c| height[c]).max().unwrap_or(0);
    let row_width = |row: &[usize], width: &[f64]| {
        row.iter()
            .map(|&c| width[c] + spacing.node_gap)
            .sum::<f64>()
            - spacing.node_gap
    };
    for &v in d.topo.iter().rev() {
        if Some(v) == spec.root {
            continue;
        }
        let g = spec.nodes[v].group;
        let r = pack(&children[v], budget[g] * inner[g], &width);
        width[v] = r
            .iter()
            .map(|row| row_width(row, &width))
            .fold(spec.nodes[v].width, f64::max);
        height[v] = 1 + r.iter().map(|row| row_height(row, &height)).sum::<usize>();
        rows[v] = r;
    }
    let mut layer = vec![0usize; n];
    // The root's children and the other tops, per group, from layer 1 (0 without a root).
    let first = usize::from(spec.root.is_some());
    let mut under_root: Vec<usize> = spec.root.map(|r| children[r].clone()).unwrap_or_default();
    under_root.extend(tops);
    under_root.sort_by_key(by_order);
    for (g, &b) in budget.iter().enumerate() {
        let kids: Vec<usize> = under_root
            .iter()
            .copied()
            .filter(|&v| spec.nodes[v].group == g)
            .collect();
        let mut l = first;
        for row in pack(&kids, b, &width) {
            for &c in &row {
                layer[c] = l;
            }
            l += row_height(&row, &height);
        }
    }
    for &v in &d.topo {
        if Some(v) == spec.root {
            continue;
        }
        let mut l = layer[v] + 1;
        for row in &rows[v] {
            for &c in row {
                layer[c] = l;
            }
            l += row_height(row, &height);
        }
    }
    // Extra links: every node below each of its upper neighbours.
    for &v in &d.topo {
        for &u in &d.ups[v] {
            layer[v] = layer[v].max(layer[u] + 1);
        }
    }
    layer
}

// ---------------------------------------------------------------------------------------------
// 3.–6. the full layout

/// Node of the layered graph: a real node or a dummy carrying long edges.
struct LNode {
    width: f64,
    height: f64,
    group: usize,
    order: usize,
    layer: usize,
    real: bool,
}

pub fn layout(spec: &Spec, spacing: &Spacing, max_width: f64) -> Layout {
    let oriented = orient(spec);
    let d = dag(spec.nodes.len(), &oriented);
    let budgets = area_budgets(spec, spacing, max_width);
    let layer = fold_layers(spec, spacing, &d, &budgets, &vec![1.0; budgets.len()]);
    build(spec, spacing, &oriented, &layer)
}

/// What [`layout_best`] aims for.
#[derive(Debug, Clone, Copy)]
pub struct Aim {
    /// Width : height to come nearest to, within 1 : 1 … 2.2 : 1.
    pub aspect: f64,
    /// Height drawn above the layout (title, legend).
    pub extra_height: f64,
    /// Widest the layout may be: beyond it the text is too small when the drawing is fitted to
    /// a screen.
    pub max_width: f64,
    /// How much wider than this layout the final drawing comes out (1 for the built-in
    /// renderer; Graphviz spreads the same layers wider).
    pub stretch: f64,
}

/// Lays the map out for a ladder of fold widths and keeps the best by [`Aim`].
pub fn layout_best(spec: &Spec, spacing: &Spacing, aim: Aim) -> Layout {
    let Aim {
        aspect,
        extra_height,
        max_width,
        stretch,
    } = aim;
    let oriented = orient(spec);
    let d = dag(spec.nodes.len(), &oriented);
    let groups = group_count(spec);
    let in_groups = |v: usize| Some(v) != spec.root;
    // Fold every group at a ladder of row budgets and note each group's depth and width...
    let widest = spec.nodes.iter().map(|s| s.width).fold(1.0, f64::max);
    let total: f64 = spec.nodes.iter().map(|s| s.width + spacing.node_gap).sum();
    let steps = if spec.nodes.len() > 600 { 6 } else { 48 };
    let ladder: Vec<f64> = (0..steps)
        .map(|i| widest * (total.max(widest) / widest).powf(i as f64 / (steps - 1) as f64))
        .collect();
    // (depth, width, budget, inner share)
    let mut shapes: Vec<Vec<(usize, f64, f64, f64)>> = vec![Vec::new(); groups];
    let shares: &[f64] = if spec.nodes.len() > 600 {
        &[1.0]
    } else {
        &[1.0, 0.75, 0.55, 0.35]
    };
    for (b, k) in ladder
        .iter()
        .flat_map(|&b| shares.iter().map(move |&k| (b, k)))
    {
        let layer = fold_layers(spec, spacing, &d, &vec![b; groups], &vec![k; groups]);
        let depth = layer.iter().copied().max().unwrap_or(0) + 1;
        let mut row_width = vec![vec![0.0f64; depth]; groups];
        let mut deepest = vec![0usize; groups];
        for (v, s) in spec.nodes.iter().enumerate().filter(|(v, _)| in_groups(*v)) {
            row_width[s.group][layer[v]] += s.width + spacing.node_gap;
            deepest[s.group] = deepest[s.group].max(layer[v]);
        }
        for g in 0..groups {
            let w = row_width[g].iter().copied().fold(0.0, f64::max);
            shapes[g].push((deepest[g], w, b, k));
        }
    }
    // ...then, for each depth the drawing may have, give every group its narrowest budget that
    // stays within that depth: columns of about equal height, as narrow as they can be.
    let mut depths: Vec<usize> = shapes.iter().flatten().map(|s| s.0).collect();
    depths.sort_unstable();
    depths.dedup();
    // Large maps try a few depths only: each try is a whole layout (the 2-second budget).
    if spec.nodes.len() > 600 && depths.len() > 4 {
        let k = depths.len();
        depths = (0..4).map(|i| depths[i * (k - 1) / 3]).collect();
        depths.dedup();
    }
    let at_depth: Vec<Vec<(f64, f64)>> = depths
        .iter()
        .map(|&depth| {
            shapes
                .iter()
                .map(|options| {
                    options
                        .iter()
                        .filter(|o| o.0 <= depth)
                        .min_by(|a, b| a.1.total_cmp(&b.1).then(a.2.total_cmp(&b.2)))
                        .or_else(|| options.iter().min_by_key(|o| o.0))
                        .map_or((widest, 1.0), |o| (o.2, o.3))
                })
                .collect()
        })
        .collect();
    // Between two depths, the groups of the shallower layout narrowed one at a time (widest
    // first): with sections as columns, one step for all of them at once can jump from too
    // wide to taller than wide.
    let mut candidates: Vec<Vec<(f64, f64)>> = Vec::new();
    for (k, budgets) in at_depth.iter().enumerate() {
        candidates.push(budgets.clone());
        let Some(deeper) = at_depth.get(k + 1).filter(|_| spec.nodes.len() <= 600) else {
            continue;
        };
        let mut by_width: Vec<usize> = (0..budgets.len()).collect();
        by_width.sort_by(|&a, &b| budgets[b].0.total_cmp(&budgets[a].0).then(a.cmp(&b)));
        let mut mixed = budgets.clone();
        for &g in by_width.iter().take(by_width.len().saturating_sub(1)) {
            if mixed[g] != deeper[g] {
                mixed[g] = deeper[g];
                candidates.push(mixed.clone());
            }
        }
    }
    let mut tried: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut best: Option<(f64, Layout)> = None;
    for budgets in candidates {
        if tried.contains(&budgets) {
            continue;
        }
        let outer: Vec<f64> = budgets.iter().map(|b| b.0).collect();
        let inner: Vec<f64> = budgets.iter().map(|b| b.1).collect();
        let layer = fold_layers(spec, spacing, &d, &outer, &inner);
        tried.push(budgets);
        let lay = build(spec, spacing, &oriented, &layer);
        let ratio = stretch * lay.width / (lay.height + extra_height).max(1.0);
        let miss = (ratio / aspect).ln().abs();
        // Outside the range or too wide costs far more than a miss of the aim, and the least
        // violation wins when no candidate meets both.
        let outside = (ratio / ratio.clamp(1.0, 2.2)).ln().abs();
        let too_wide = (stretch * lay.width / max_width).ln().max(0.0);
        let score = 1.0 + 20.0 * (outside + too_wide) + miss
            - if outside + too_wide == 0.0 { 1.0 } else { 0.0 };
        if best.as_ref().is_none_or(|(s, _)| score < *s) {
            best = Some((score, lay));
        }
    }
    match best {
        Some((_, lay)) => lay,
        None => build(spec, spacing, &oriented, &vec![0; spec.nodes.len()]), // ok: no nodes
    }
}

fn build(
    spec: &Spec,
    spacing: &Spacing,
    oriented: &[Option<(usize, usize, bool)>],
    layer: &[usize],
) -> Layout {
    let n = spec.nodes.len();
    let mut nodes: Vec<LNode> = spec
        .nodes
        .iter()
        .enumerate()
        .map(|(v, s)| LNode {
            width: s.width,
            height: s.height,
            group: s.group,
            order: s.order,
            layer: layer[v],
            real: true,
        })
        .collect();
    // Segments (lower, upper) between adjacent layers, each once; chains per edge.
    let mut segs: Vec<(usize, usize)> = Vec::new();
    let mut seg_index: std::collections::BTreeMap<(usize, usize), usize> = Default::default();
    let mut dummies: std::collections::BTreeMap<(usize, usize, usize, u8, bool), usize> =
        Default::default();
    let mut chains: Vec<Option<Vec<usize>>> = vec![None; spec.edges.len()];
    for (k, o) in oriented.iter().enumerate() {
        let Some(&(lo, hi, reversed)) = o.as_ref() else {
            continue;
        };
        let group = spec.nodes[lo].group;
        let class = spec.edges[k].class;
        let mut chain = vec![lo];
        let mut cur = lo;
        let mut l = layer[lo];
        while l > layer[hi] + 1 {
            l -= 1;
            let key = (hi, l, group, class, reversed);
            let dn = *dummies.entry(key).or_insert_with(|| {
                nodes.push(LNode {
                    width: spacing.dummy_width,
                    height: 0.0,
                    group,
                    order: spec.nodes[lo].order,
                    layer: l,
                    real: false,
                });
                nodes.len() - 1
            });
            nodes[dn].order = nodes[dn].order.min(spec.nodes[lo].order);
            push_seg(&mut segs, &mut seg_index, cur, dn);
            chain.push(dn);
            cur = dn;
        }
        push_seg(&mut segs, &mut seg_index, cur, hi);
        chain.push(hi);
        chains[k] = Some(chain);
    }
    let total = nodes.len();
    let mut ups = vec![Vec::new(); total];
    let mut downs = vec![Vec::new(); total];
    for &(lo, hi) in &segs {
        ups[lo].push(hi);
        downs[hi].push(lo);
    }
    let depth = nodes.iter().map(|v| v.layer + 1).max().unwrap_or(0);
    if depth == 0 {
        return Layout {
            nodes: Vec::new(),
            layer: Vec::new(),
            routes: vec![None; spec.edges.len()],
            bands: Vec::new(),
            width: 0.0,
            height: 0.0,
        };
    }
    let rows = order_layers(&nodes, &ups, &downs, depth);
    let xs = place(&nodes, &ups, &downs, &rows, spacing, spec.root);

    // Vertical placement: layer bands top-aligned; more room above a layer where a band starts.
    let groups = nodes.iter().map(|v| v.group + 1).max().unwrap_or(0);
    let mut first_layer = vec![usize::MAX; groups];
    let mut last_layer = vec![0usize; groups];
    for (v, node) in nodes.iter().enumerate() {
        if Some(v) == spec.root {
            continue;
        }
        first_layer[node.group] = first_layer[node.group].min(node.layer);
        last_layer[node.group] = last_layer[node.group].max(node.layer);
    }
    let mut top = vec![0.0; depth];
    let mut height = vec![0.0f64; depth];
    for node in nodes.iter().filter(|v| v.real) {
        height[node.layer] = height[node.layer].max(node.height);
    }
    let mut y = spacing.top;
    for l in 0..depth {
        if l > 0 {
            y += spacing.layer_gap;
            if first_layer.contains(&l) {
                y += spacing.band_label;
            }
        }
        top[l] = y;
        y += height[l];
    }
    let bottom = |l: usize| top[l] + height[l];

    let rects: Vec<Rect> = (0..total)
        .map(|v| Rect {
            x: xs[v] - nodes[v].width / 2.0,
            y: top[nodes[v].layer],
            width: nodes[v].width,
            height: if nodes[v].real {
                nodes[v].height
            } else {
                height[nodes[v].layer]
            },
        })
        .collect();

    // Where each segment meets its nodes: spread over the box when several meet it.
    let mut enter = vec![0.0; segs.len()]; // x on the upper node
    let mut leave = vec![0.0; segs.len()]; // x on the lower node
    for v in 0..total {
        spread(
            &rects[v],
            &downs[v],
            &xs,
            |s| seg_index[&(s, v)],
            &mut enter,
        );
        spread(&rects[v], &ups[v], &xs, |u| seg_index[&(v, u)], &mut leave);
    }

    let routes = chains
        .iter()
        .enumerate()
        .map(|(k, chain)| {
            let chain = chain.as_ref()?;
            let mut path = Vec::new();
            for w in chain.windows(2) {
                let (a, b) = (w[0], w[1]);
                let s = seg_index[&(a, b)];
                let la = nodes[a].layer;
                let lb = nodes[b].layer;
                let (xa, xb) = (leave[s], enter[s]);
                if path.is_empty() {
                    path.push(Cmd::Move(xa, rects[a].y));
                }
                if !nodes[a].real {
                    path.push(Cmd::Line(xa, top[la]));
                }
                let (y0, y1) = (top[la], bottom(lb));
                let mid = (y0 + y1) / 2.0;
                path.push(Cmd::Curve((xa, mid), (xb, mid), (xb, y1)));
                if nodes[b].real && rects[b].bottom() < y1 {
                    path.push(Cmd::Line(xb, rects[b].bottom()));
                }
            }
            let reversed = oriented[k].is_some_and(|(_, _, r)| r);
            Some(Route { path, reversed })
        })
        .collect();

    let mut bands = Vec::new();
    for g in 0..groups {
        if first_layer[g] == usize::MAX {
            continue;
        }
        let members = (0..total).filter(|&v| nodes[v].group == g && Some(v) != spec.root);
        let (mut x0, mut x1) = (f64::INFINITY, f64::NEG_INFINITY);
        for v in members {
            x0 = x0.min(rects[v].x);
            x1 = x1.max(rects[v].right());
        }
        let pad = (spacing.group_gap / 2.0 - 4.0).max(4.0);
        let y0 = top[first_layer[g]] - spacing.band_label - 6.0;
        let y1 = bottom(last_layer[g]) + pad;
        bands.push(Band {
            group: g,
            rect: Rect {
                x: x0 - pad,
                y: y0,
                width: x1 - x0 + 2.0 * pad,
                height: y1 - y0,
            },
        });
    }
    let width = rects
        .iter()
        .map(Rect::right)
        .chain(bands.iter().map(|b| b.rect.right()))
        .fold(0.0, f64::max);
    let height = rects
        .iter()
        .map(Rect::bottom)
        .chain(bands.iter().map(|b| b.rect.bottom()))
        .fold(0.0, f64::max);
    Layout {
        nodes: rects[..n].to_vec(),
        layer: layer.to_vec(),
        routes,
        bands,
        width,
        height,
    }
}

fn push_seg(
    segs: &mut Vec<(usize, usize)>,
    index: &mut std::collections::BTreeMap<(usize, usize), usize>,
    lo: usize,
    hi: usize,
) {
    index.entry((lo, hi)).or_insert_with(|| {
        segs.push((lo, hi));
        segs.len() - 1
    });
}

/// Attachment points of `others` on `rect`, ordered by their x so lines do not cross at the box.
fn spread(
    rect: &Rect,
    others: &[usize],
    xs: &[f64],
    seg: impl Fn(usize) -> usize,
    out: &mut [f64],
) {
    let mut sorted: Vec<usize> = others.to_vec();
    sorted.sort_by(|&a, &b| xs[a].total_cmp(&xs[b]).then(a.cmp(&b)));
    let m = sorted.len();
    let inner = rect.width * 0.7;
    for (i, &o) in sorted.iter().enumerate() {
        let x = if m == 1 {
            rect.x + rect.width / 2.0
        } else {
            rect.x + rect.width * 0.15 + inner * i as f64 / (m - 1) as f64
        };
        out[seg(o)] = x;
    }
}

// ---------------------------------------------------------------------------------------------
// 4. ordering

fn order_layers(
    nodes: &[LNode],
    ups: &[Vec<usize>],
    downs: &[Vec<usize>],
    depth: usize,
) -> Vec<Vec<usize>> {
    let mut rows: Vec<Vec<usize>> = vec![Vec::new(); depth];
    for (v, node) in nodes.iter().enumerate() {
        rows[node.layer].push(v);
    }
    let mut pos = vec![0.0f64; nodes.len()];
    rows[0].sort_by_key(|&v| (nodes[v].group, nodes[v].order, v));
    set_pos(&rows[0], &mut pos);
    sweep(nodes, ups, &mut rows, &mut pos, true);
    let mut best = rows.clone();
    let mut best_cross = crossings(&rows, ups, &pos);
    for _ in 0..3 {
        sweep(nodes, downs, &mut rows, &mut pos, false);
        sweep(nodes, ups, &mut rows, &mut pos, true);
        let c = crossings(&rows, ups, &pos);
        if c < best_cross {
            best_cross = c;
            best = rows.clone();
        }
        if best_cross == 0 {
            break;
        }
    }
    best
}

/// Position within the layer, scaled to 0..1 so layers of different lengths compare.
fn set_pos(row: &[usize], pos: &mut [f64]) {
    let m = row.len().max(1) as f64;
    for (i, &v) in row.iter().enumerate() {
        pos[v] = (i as f64 + 0.5) / m;
    }
}

fn sweep(
    nodes: &[LNode],
    adjacent: &[Vec<usize>],
    rows: &mut [Vec<usize>],
    pos: &mut [f64],
    down: bool,
) {
    let depth = rows.len();
    let layers: Vec<usize> = if down {
        (1..depth).collect()
    } else {
        (0..depth.saturating_sub(1)).rev().collect()
    };
    for l in layers {
        let mut keyed: Vec<(usize, f64, usize, usize)> = rows[l]
            .iter()
            .map(|&v| {
                let adj = &adjacent[v];
                let bary = if adj.is_empty() {
                    pos[v]
                } else {
                    adj.iter().map(|&u| pos[u]).sum::<f64>() / adj.len() as f64
                };
                (nodes[v].group, bary, nodes[v].order, v)
            })
            .collect();
        keyed.sort_by(|a, b| {
            a.0.cmp(&b.0)
                .then(a.1.total_cmp(&b.1))
                .then(a.2.cmp(&b.2))
                .then(a.3.cmp(&b.3))
        });
        rows[l] = keyed.into_iter().map(|k| k.3).collect();
        set_pos(&rows[l], pos);
    }
}

/// Crossings between adjacent layers: inversions among segments sorted by upper position.
fn crossings(rows: &[Vec<usize>], ups: &[Vec<usize>], pos: &[f64]) -> usize {
    let mut total = 0;
    for row in rows.iter().skip(1) {
        let mut segs: Vec<(f64, f64)> = Vec::new();
        for &v in row {
            for &u in &ups[v] {
                segs.push((pos[u], pos[v]));
            }
        }
        segs.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
        let lows: Vec<f64> = segs.iter().map(|s| s.1).collect();
        total += inversions(&lows);
    }
    total
}

fn inversions(xs: &[f64]) -> usize {
    if xs.len() < 2 {
        return 0;
    }
    let mid = xs.len() / 2;
    let (a, b) = (&xs[..mid], &xs[mid..]);
    let mut count = inversions(a) + inversions(b);
    let mut sa = a.to_vec();
    let mut sb = b.to_vec();
    sa.sort_by(f64::total_cmp);
    sb.sort_by(f64::total_cmp);
    let mut j = 0;
    for x in &sa {
        while j < sb.len() && sb[j] < *x {
            j += 1;
        }
        count += j;
    }
    count
}

// ---------------------------------------------------------------------------------------------
// 5. coordinates

fn place(
    nodes: &[LNode],
    ups: &[Vec<usize>],
    downs: &[Vec<usize>],
    rows: &[Vec<usize>],
    spacing: &Spacing,
    root: Option<usize>,
) -> Vec<f64> {
    let total = nodes.len();
    let groups = nodes.iter().map(|v| v.group + 1).max().unwrap_or(0);
    let mut x = vec![0.0f64; total];
    // Each group in its own frame starting at 0; the root is placed last, over everything.
    let in_frame = |v: usize| Some(v) != root;
    let group_rows = |l: usize, g: usize| -> Vec<usize> {
        rows[l]
            .iter()
            .copied()
            .filter(|&v| nodes[v].group == g && in_frame(v))
            .collect()
    };
    let gap = |a: usize, b: usize| {
        if nodes[a].real && nodes[b].real {
            spacing.node_gap
        } else {
            spacing.dummy_gap
        }
    };
    // Real nodes follow real neighbours only: a row of a folded fan hangs on a trunk dummy and
    // would otherwise drift towards it, row after row.
    let mean = |v: usize, adj: &[Vec<usize>], x: &[f64]| -> Option<f64> {
        let same: Vec<f64> = adj[v]
            .iter()
            .filter(|&&u| nodes[u].group == nodes[v].group && in_frame(u))
            .filter(|&&u| nodes[u].real || !nodes[v].real)
            .map(|&u| x[u])
            .collect();
        (!same.is_empty()).then(|| same.iter().sum::<f64>() / same.len() as f64)
    };
    let depth = rows.len();
    let passes: [bool; 6] = [true, false, true, false, true, false];
    for g in 0..groups {
        for l in 0..depth {
            let row = group_rows(l, g);
            let desired = vec![0.0; row.len()];
            fit_row(&row, &desired, nodes, &gap, &mut x);
        }
        for &down in &passes {
            let layers: Vec<usize> = if down {
                (0..depth).collect()
            } else {
                (0..depth).rev().collect()
            };
            for l in layers {
                let row = group_rows(l, g);
                let adj = if down { ups } else { downs };
                let desired: Vec<f64> = row
                    .iter()
                    .map(|&v| mean(v, adj, &x).unwrap_or(x[v]))
                    .collect();
                fit_row(&row, &desired, nodes, &gap, &mut x);
            }
        }
    }
    // Groups side by side, each shifted so its leftmost box starts after the previous one.
    let mut offset = 0.0;
    for g in 0..groups {
        let members: Vec<usize> = (0..total)
            .filter(|&v| nodes[v].group == g && in_frame(v))
            .collect();
        if members.is_empty() {
            continue;
        }
        let left = members
            .iter()
            .map(|&v| x[v] - nodes[v].width / 2.0)
            .fold(f64::INFINITY, f64::min);
        let right = members
            .iter()
            .map(|&v| x[v] + nodes[v].width / 2.0)
            .fold(f64::NEG_INFINITY, f64::max);
        let shift = offset + spacing.group_gap / 2.0 - left;
        for &v in &members {
            x[v] += shift;
        }
        offset += right - left + spacing.group_gap;
    }
    if let Some(r) = root {
        let half = nodes[r].width / 2.0;
        let content = offset.max(nodes[r].width + spacing.group_gap);
        x[r] = content / 2.0;
        if offset < content {
            // The root is wider than everything under it: centre the rest under it.
            let shift = (content - offset) / 2.0;
            for (v, xv) in x.iter_mut().enumerate() {
                if v != r {
                    *xv += shift;
                }
            }
        }
        x[r] = x[r].max(half);
    }
    x
}

/// Places `row` (left to right) as near `desired` centres as possible with the gaps kept:
/// isotonic regression (pool adjacent violators) on the centres minus their minimal offsets,
/// then clipped so the row starts at or after 0.
fn fit_row(
    row: &[usize],
    desired: &[f64],
    nodes: &[LNode],
    gap: &impl Fn(usize, usize) -> f64,
    x: &mut [f64],
) {
    if row.is_empty() {
        return;
    }
    let mut offset = vec![0.0; row.len()];
    for i in 1..row.len() {
        let (a, b) = (row[i - 1], row[i]);
        offset[i] = offset[i - 1] + nodes[a].width / 2.0 + gap(a, b) + nodes[b].width / 2.0;
    }
    // Blocks of (sum, count) whose means must not decrease.
    let mut blocks: Vec<(f64, usize)> = Vec::new();
    for i in 0..row.len() {
        blocks.push((desired[i] - offset[i], 1));
        while blocks.len() > 1 {
            let (s1, c1) = blocks[blocks.len() - 1];
            let (s0, c0) = blocks[blocks.len() - 2];
            if s0 / c0 as f64 <= s1 / c1 as f64 {
                break;
            }
            blocks.pop();
            blocks.pop();
            blocks.push((s0 + s1, c0 + c1));
        }
    }
    let lowest = nodes[row[0]].width / 2.0;
    let mut i = 0;
    for (s, c) in blocks {
        let y = (s / c as f64).max(lowest);
        for _ in 0..c {
            x[row[i]] = y + offset[i];
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const AIM: Aim = Aim {
        aspect: 1.5,
        extra_height: 0.0,
        max_width: 1e9,
        stretch: 1.0,
    };

    fn node(group: usize, order: usize) -> NodeSpec {
        NodeSpec {
            width: 200.0,
            height: 80.0,
            group,
            order,
        }
    }

    fn edge(from: usize, to: usize) -> EdgeSpec {
        EdgeSpec { from, to, class: 0 }
    }

    /// A thesis with `fan` supporters spread over `groups` groups, each with two premises.
    fn fan_spec(fan: usize, groups: usize) -> Spec {
        let mut nodes = vec![node(0, 0)];
        let mut edges = Vec::new();
        for i in 0..fan {
            let g = i * groups / fan;
            nodes.push(node(g, nodes.len()));
            let c = nodes.len() - 1;
            edges.push(edge(c, 0));
            for _ in 0..2 {
                nodes.push(node(g, nodes.len()));
                edges.push(edge(nodes.len() - 1, c));
            }
        }
        Spec {
            nodes,
            edges,
            root: Some(0),
        }
    }

    fn overlaps(a: &Rect, b: &Rect) -> bool {
        a.x < b.right() && b.x < a.right() && a.y < b.bottom() && b.y < a.bottom()
    }

    fn inside(p: (f64, f64), r: &Rect) -> bool {
        p.0 > r.x + 0.5 && p.0 < r.right() - 0.5 && p.1 > r.y + 0.5 && p.1 < r.bottom() - 0.5
    }

    fn assert_clean(spec: &Spec, lay: &Layout) {
        for (i, a) in lay.nodes.iter().enumerate() {
            for b in &lay.nodes[i + 1..] {
                assert!(!overlaps(a, b), "boxes overlap: {a:?} {b:?}");
            }
        }
        for (k, route) in lay.routes.iter().enumerate() {
            let Some(route) = route else { continue };
            let e = spec.edges[k];
            for p in route.sample(24) {
                for (v, r) in lay.nodes.iter().enumerate() {
                    assert!(
                        !inside(p, r),
                        "edge {k} ({}→{}) passes through node {v} at {p:?}",
                        e.from,
                        e.to
                    );
                }
            }
        }
    }

    #[test]
    fn root_alone_on_top_and_centred() {
        let spec = fan_spec(12, 3);
        let lay = layout_best(&spec, &Spacing::default(), AIM);
        let root = lay.nodes[0];
        assert_eq!(lay.layer[0], 0);
        assert!(lay.layer[1..].iter().all(|&l| l >= 1));
        assert!(lay.nodes[1..].iter().all(|r| r.y > root.bottom()));
        let centre = root.x + root.width / 2.0;
        assert!(
            (centre - lay.width / 2.0).abs() < 30.0,
            "{centre} vs {}",
            lay.width
        );
    }

    #[test]
    fn wide_fan_is_folded_into_rows_within_the_aspect_range() {
        let spec = fan_spec(30, 1);
        let lay = layout_best(&spec, &Spacing::default(), AIM);
        let ratio = lay.width / lay.height;
        assert!((1.0..=2.2).contains(&ratio), "aspect {ratio}");
        let supporters_on_layer_1 = (1..spec.nodes.len())
            .filter(|&v| spec.edges.iter().any(|e| e.from == v && e.to == 0) && lay.layer[v] == 1)
            .count();
        assert!(supporters_on_layer_1 < 30, "fan not folded");
        assert_clean(&spec, &lay);
    }

    #[test]
    fn no_edge_crosses_a_box_and_boxes_do_not_overlap() {
        for (fan, groups) in [(3, 1), (15, 3), (22, 4), (40, 2)] {
            let spec = fan_spec(fan, groups);
            let lay = layout_best(&spec, &Spacing::default(), AIM);
            assert_clean(&spec, &lay);
        }
    }

    #[test]
    fn groups_are_disjoint_columns() {
        let spec = fan_spec(15, 3);
        let lay = layout_best(&spec, &Spacing::default(), AIM);
        assert_eq!(lay.bands.len(), 3);
        for w in lay.bands.windows(2) {
            assert!(w[0].rect.right() <= w[1].rect.x, "{:?}", lay.bands);
        }
        for (v, s) in spec.nodes.iter().enumerate().skip(1) {
            let band = lay
                .bands
                .iter()
                .find(|b| b.group == s.group)
                .map(|b| b.rect);
            let r = lay.nodes[v];
            let b = band.expect("band of the node's group");
            assert!(r.x >= b.x && r.right() <= b.right() && r.y >= b.y && r.bottom() <= b.bottom());
        }
    }

    #[test]
    fn siblings_keep_text_order() {
        let mut spec = fan_spec(4, 1);
        spec.nodes.truncate(1);
        spec.edges.clear();
        for i in 1..=5 {
            spec.nodes.push(node(0, i));
            spec.edges.push(edge(i, 0));
        }
        let lay = layout(&spec, &Spacing::default(), 5000.0);
        for i in 1..5 {
            assert!(lay.nodes[i].x < lay.nodes[i + 1].x);
        }
    }

    #[test]
    fn cycles_and_self_loops_are_laid_out() {
        let spec = Spec {
            nodes: (0..4).map(|i| node(0, i)).collect(),
            edges: vec![edge(1, 0), edge(2, 1), edge(1, 2), edge(3, 3), edge(0, 3)],
            root: Some(0),
        };
        let lay = layout_best(&spec, &Spacing::default(), AIM);
        assert!(lay.routes[3].is_none());
        assert!(
            lay.routes[2].as_ref().is_some_and(|r| r.reversed)
                || lay.routes[1].as_ref().is_some_and(|r| r.reversed)
        );
        assert!(lay.routes[4].as_ref().is_some_and(|r| r.reversed));
        assert_eq!(lay.layer[0], 0);
        assert_clean(&spec, &lay);
    }

    #[test]
    fn deterministic() {
        let spec = fan_spec(25, 3);
        let a = layout_best(&spec, &Spacing::default(), AIM);
        let b = layout_best(&spec, &Spacing::default(), AIM);
        assert_eq!(a.nodes, b.nodes);
        assert_eq!(a.routes, b.routes);
    }

    #[test]
    fn isotonic_row_keeps_gaps_and_order() {
        let nodes: Vec<LNode> = (0..3)
            .map(|i| LNode {
                width: 10.0,
                height: 10.0,
                group: 0,
                order: i,
                layer: 0,
                real: true,
            })
            .collect();
        let mut x = vec![0.0; 3];
        fit_row(&[0, 1, 2], &[50.0, 50.0, 50.0], &nodes, &|_, _| 5.0, &mut x);
        assert_eq!(x, vec![35.0, 50.0, 65.0]);
        fit_row(&[0, 1, 2], &[0.0, 0.0, 100.0], &nodes, &|_, _| 5.0, &mut x);
        assert_eq!(x, vec![5.0, 20.0, 100.0]);
    }
}
