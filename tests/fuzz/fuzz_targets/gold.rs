//! The gold readers of `eval`: microtext JSON lines and brat standoff. A record is either
//! refused with a message naming its line or read into units whose offsets lie in its text.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use toulmin::eval::gold::{parse_brat, parse_jsonl, GoldDoc};

fn check(doc: &GoldDoc) {
    let chars = doc.text.chars().count();
    for u in &doc.units {
        assert!(
            u.start < u.end && u.end <= chars,
            "unit {} {}..{} outside {chars} chars",
            u.id,
            u.start,
            u.end
        );
    }
    assert!(
        doc.units.iter().filter(|u| u.central).count() <= 1,
        "two central claims"
    );
    for r in &doc.relations {
        assert!(
            doc.unit(&r.src).is_some() && doc.unit(&r.trg).is_some(),
            "dangling relation"
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let Ok(rest) = std::str::from_utf8(rest) else {
        return;
    };
    if mode & 1 == 0 {
        match parse_jsonl(Path::new("fuzz.jsonl"), rest) {
            Ok(docs) => docs.iter().for_each(check),
            Err(e) => assert!(e.to_string().starts_with("fuzz.jsonl"), "{e}"),
        }
    } else {
        // The text and the annotations, separated by the first NUL.
        let (text, ann) = rest.split_once('\0').unwrap_or((rest, ""));
        match parse_brat("doc".into(), text.to_string(), ann, Path::new("doc.ann")) {
            Ok(doc) => check(&doc),
            Err(e) => assert!(e.to_string().starts_with("doc.ann"), "{e}"),
        }
    }
});
