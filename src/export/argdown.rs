//! Argdown (argdown.org): the thesis-rooted tree as nested `+`/`-` relations between titled
//! statements, role, kind and grounded status as tags, so the map opens in the Argdown editor
//! and its tools.

use std::collections::HashSet;
use std::fmt::Write;

use super::status_name;
use crate::graph::model::{ArgumentMap, RelationKind, Unit};

/// The map as an Argdown document. Each unit is defined once as `[id]: text #role #kind
/// #status`: the thesis first, with the units arguing for and against it nested below it
/// (`+` supports, `-` attacks its parent), then any unit the tree does not reach (background
/// units, or parts of a user grammar's extra structure) on its own, then any relation the tree
/// could not nest as an outgoing `+>`/`->` relation of its source.
pub fn to_argdown(map: &ArgumentMap) -> String {
    let mut out = String::new();
    if let Some(title) = &map.title {
        let _ = writeln!(out, "# {}\n", escape(title));
    }
    let index = map.positions();
    // Incoming relations of each unit, in relation order.
    let mut incoming: Vec<Vec<usize>> = vec![Vec::new(); map.units.len()];
    for (k, r) in map.relations.iter().enumerate() {
        if let (Some(_), Some(&to)) = (index.get(r.from.as_str()), index.get(r.to.as_str())) {
            incoming[to].push(k);
        }
    }
    let mut defined = vec![false; map.units.len()];
    let mut nested: HashSet<usize> = HashSet::new();
    let roots = map
        .thesis
        .as_deref()
        .and_then(|t| index.get(t).copied())
        .into_iter()
        .chain(0..map.units.len());
    for root in roots {
        if defined[root] {
            continue;
        }
        defined[root] = true;
        let _ = writeln!(out, "{}", statement(&map.units[root]));
        // Depth-first, iteratively: a long chain of replies must not overflow the stack.
        let mut stack: Vec<(usize, usize)> = incoming[root].iter().rev().map(|&k| (k, 1)).collect();
        while let Some((k, depth)) = stack.pop() {
            let r = &map.relations[k];
            let from = index[r.from.as_str()]; // ok: incoming holds only relations with known ends
            if defined[from] {
                continue;
            }
            defined[from] = true;
            nested.insert(k);
            let sign = match r.kind {
                RelationKind::Support => '+',
                RelationKind::Attack => '-',
            };
            let _ = writeln!(
                out,
                "{}{sign} {}",
                "  ".repeat(depth),
                statement(&map.units[from])
            );
            stack.extend(incoming[from].iter().rev().map(|&k| (k, depth + 1)));
        }
        out.push('\n');
    }
    for (k, r) in map.relations.iter().enumerate() {
        if nested.contains(&k)
            || !index.contains_key(r.from.as_str())
            || !index.contains_key(r.to.as_str())
        {
            continue;
        }
        let arrow = match r.kind {
            RelationKind::Support => "+>",
            RelationKind::Attack => "->",
        };
        let _ = writeln!(out, "[{}]\n  {arrow} [{}]\n", title(&r.from), title(&r.to));
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

fn statement(u: &Unit) -> String {
    let mut s = format!("[{}]: {} #{}", title(&u.id), escape(&u.text), u.role);
    if let Some(kind) = u.kind {
        let _ = write!(s, " #{kind}");
    }
    if let Some(status) = u.status {
        let _ = write!(s, " #{}", status_name(status));
    }
    s
}

/// Statement titles end at `]`; map ids never hold one, but a user's could.
fn title(id: &str) -> String {
    id.replace([']', '[', '\n', '\r'], "_")
}

/// Argdown gives meaning to much ASCII punctuation (tags, links, emphasis, mentions, comments,
/// relation signs); a backslash makes any character literal. Line breaks would end the
/// statement.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_ascii_punctuation()
                && !matches!(
                    c,
                    '.' | ',' | ';' | '?' | '!' | '"' | '\'' | '(' | ')' | '%' | '&' | '$'
                ) =>
            {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::tests::sample_map;
    use crate::graph::model::Relation;

    #[test]
    fn thesis_rooted_tree_with_tags_and_escapes() {
        let map = sample_map();
        let doc = to_argdown(&map);
        let lines: Vec<&str> = doc.lines().collect();
        assert_eq!(lines[0], "# A \\<test\\> \\#1");
        assert_eq!(lines[2], "[u1]: Tariffs must go. #thesis #policy #in");
        assert_eq!(lines[3], "  + [u2]: They raise prices. #claim #fact #in");
        assert_eq!(
            lines[4],
            "  - [u3]: Some say tariffs \\<always\\> & \u{7}fail. #counterclaim #out"
        );
        assert_eq!(
            lines[5],
            "    - [u4]: But \\[studies\\] show \\#1 \\*they\\* do not \\- see \\@ref. #rebuttal #in"
        );
        assert_eq!(lines[6], "");
        assert_eq!(lines[7], "[u5]: Written in 2018. #background #in");
        assert_eq!(lines.len(), 8);
    }

    #[test]
    fn relations_off_the_tree_are_written_as_outgoing_relations() {
        let mut map = sample_map();
        // A second target for u4: depth-first from the thesis meets u4 first under u2, so its
        // attack on u3 cannot nest as well.
        map.relations.push(Relation {
            id: "r9".into(),
            from: "u4".into(),
            to: "u2".into(),
            kind: RelationKind::Support,
            rule: "extra".into(),
            score: 1.0,
            carries: true,
        });
        let doc = to_argdown(&map);
        assert!(doc.contains("\n  + [u2]: They raise prices. #claim #fact #in\n    + [u4]: "));
        assert!(doc.ends_with("\n[u4]\n  -> [u3]\n"), "{doc}");
        assert_eq!(doc.matches("[u4]:").count(), 1);
    }
}
