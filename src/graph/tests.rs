use super::model::*;
use super::*;

fn unit(id: &str, role: Role) -> Unit {
    Unit {
        id: id.into(),
        role,
        kind: None,
        start: 0,
        end: 0,
        text: Default::default(),
        display: None,
        section: None,
        paragraph: 1,
        sentence: 1,
        score: 0.0,
        stance: None,
        status: None,
        restates: None,
        rules: vec![],
        cues: vec![],
    }
}

fn rel(id: &str, from: &str, to: &str, kind: RelationKind) -> Relation {
    Relation {
        id: id.into(),
        from: from.into(),
        to: to.into(),
        kind,
        rule: "r".into(),
        score: 1.0,
        carries: true,
    }
}

fn map(units: Vec<Unit>, relations: Vec<Relation>) -> ArgumentMap {
    ArgumentMap {
        schema: SCHEMA.into(),
        source: Source {
            name: "t".into(),
            sha256: String::new(),
            chars: 0,
            reading: Default::default(),
        },
        title: None,
        byline: None,
        date: None,
        thesis: Some("u1".into()),
        units,
        relations,
    }
}

#[test]
fn stance_is_the_parity_of_attacks_on_the_path() {
    use RelationKind::*;
    let mut m = map(
        vec![
            unit("u1", Role::Thesis),
            unit("u2", Role::Counterclaim),
            unit("u3", Role::Rebuttal),
            unit("u4", Role::Premise),
            unit("u5", Role::Background),
        ],
        vec![
            rel("r1", "u2", "u1", Attack),
            rel("r2", "u3", "u2", Attack),
            rel("r3", "u4", "u2", Support),
        ],
    );
    assert_eq!(ArgumentGraph::new(&m).map(|g| g.check()), Ok(vec![]));
    assign_stances(&mut m).expect("valid map");
    let stances: Vec<Option<Stance>> = m.units.iter().map(|u| u.stance).collect();
    // u4 supports the counterclaim: it argues for the opponent.
    assert_eq!(
        stances,
        vec![
            Some(Stance::Pro),
            Some(Stance::Opp),
            Some(Stance::Pro),
            Some(Stance::Opp),
            None
        ]
    );
}

#[test]
fn check_reports_every_broken_invariant() {
    use RelationKind::*;
    let m = map(
        vec![
            unit("u1", Role::Thesis),
            unit("u2", Role::Claim),
            unit("u3", Role::Claim),
            unit("u4", Role::Premise),
            unit("u5", Role::Background),
            unit("u6", Role::Thesis),
        ],
        vec![
            rel("r1", "u2", "u3", Support),
            rel("r2", "u3", "u2", Support),
            rel("r3", "u5", "u1", Support),
            rel("r4", "u6", "u1", Support),
        ],
    );
    let v = ArgumentGraph::new(&m).expect("endpoints exist").check();
    assert!(v.contains(&Violation::Cycle));
    assert!(v.contains(&Violation::NoPathToThesis("u2".into())));
    assert!(v.contains(&Violation::OutgoingCount {
        unit: "u4".into(),
        count: 0
    }));
    assert!(v.contains(&Violation::BackgroundLinked("u5".into())));
    assert!(v.contains(&Violation::ThesisRole("u6".into())));
}

#[test]
fn unknown_endpoint_is_reported() {
    let m = map(
        vec![unit("u1", Role::Thesis)],
        vec![rel("r1", "u9", "u1", RelationKind::Support)],
    );
    assert!(matches!(
        ArgumentGraph::new(&m),
        Err(Violation::UnknownEndpoint(_))
    ));
}

#[test]
fn unanswered_counterclaim_defeats_the_thesis_and_its_supports_stop_carrying() {
    use RelationKind::*;
    let mut m = map(
        vec![
            unit("u1", Role::Thesis),
            unit("u2", Role::Claim),
            unit("u3", Role::Counterclaim),
            unit("u4", Role::Premise),
            unit("u5", Role::Background),
        ],
        vec![
            rel("r1", "u2", "u1", Support),
            rel("r2", "u3", "u1", Attack),
            rel("r3", "u4", "u1", Support),
        ],
    );
    semantics::assign_status(&mut m);
    let status: Vec<Option<Status>> = m.units.iter().map(|u| u.status).collect();
    use Status::*;
    assert_eq!(
        status,
        vec![Some(Out), Some(In), Some(In), Some(In), Some(In)]
    );
    assert!(m.relations.iter().all(|r| r.carries));

    // A rebuttal answers the counterclaim: the thesis is reinstated and the defeated
    // counterclaim's attacks stop carrying; a support *of* it still comes from an `in` unit.
    m.units.push(unit("u6", Role::Rebuttal));
    m.units.push(unit("u7", Role::Evidence));
    m.relations.push(rel("r4", "u6", "u3", Attack));
    m.relations.push(rel("r5", "u7", "u3", Support));
    m.relations.push(rel("r6", "u3", "u2", Attack));
    semantics::assign_status(&mut m);
    let status: Vec<Option<Status>> = m.units.iter().map(|u| u.status).collect();
    assert_eq!(
        status,
        vec![
            Some(In),
            Some(In),
            Some(Out),
            Some(In),
            Some(In),
            Some(In),
            Some(In)
        ]
    );
    let carrying: Vec<&str> = m
        .relations
        .iter()
        .filter(|r| !r.carries)
        .map(|r| r.id.as_str())
        .collect();
    assert_eq!(carrying, vec!["r2", "r6"]);
}

#[test]
fn depth_and_stance_agree_with_the_walked_path_on_chains_cycles_and_dead_ends() {
    use RelationKind::*;
    // u2→u1 attack, u3→u2 support, u4→u3 attack: a chain; u5↔u6 a cycle; u7→u5 leads into it;
    // u8 has no relation (a dead end).
    let m = map(
        (1..=8)
            .map(|k| {
                unit(
                    &format!("u{k}"),
                    if k == 1 { Role::Thesis } else { Role::Claim },
                )
            })
            .collect(),
        vec![
            rel("r1", "u2", "u1", Attack),
            rel("r2", "u3", "u2", Support),
            rel("r3", "u4", "u3", Attack),
            rel("r4", "u5", "u6", Support),
            rel("r5", "u6", "u5", Support),
            rel("r6", "u7", "u5", Attack),
        ],
    );
    let g = ArgumentGraph::new(&m).expect("endpoints exist");
    let depths: Vec<Option<usize>> = (0..8).map(|i| g.depth(i)).collect();
    assert_eq!(
        depths,
        vec![Some(0), Some(1), Some(2), Some(3), None, None, None, None]
    );
    let stances: Vec<Option<Stance>> = (0..8).map(|i| g.stance(i)).collect();
    assert_eq!(
        stances,
        vec![
            Some(Stance::Pro),
            Some(Stance::Opp),
            Some(Stance::Opp),
            Some(Stance::Pro),
            None,
            None,
            None,
            None
        ]
    );
    for i in 0..8 {
        assert_eq!(g.depth(i), g.path_to_thesis(i).map(|p| p.len()), "unit {i}");
    }
    let v = g.check();
    assert!(v.contains(&Violation::Cycle));
    assert!(v.contains(&Violation::NoPathToThesis("u7".into())));
}
