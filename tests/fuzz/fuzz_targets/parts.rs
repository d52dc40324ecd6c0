//! A long text mapped in parts (`pipeline::parts`), with parts made small so that every input
//! is cut many times: the first byte picks the part size and whether the text is read as
//! Markdown. The parts must cover the text, and the map written from them must hold together
//! as a map held whole does (`common::check_map`).
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use toulmin::annotate::Segmentation;
use toulmin::article::{decode_input, parts::split, InputFormat};
use toulmin::graph::model::ArgumentMap;
use toulmin::pipeline::parts::map_in_parts;

fuzz_target!(|data: &[u8]| {
    let Some((&knob, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = decode_input(rest) else {
        return;
    };
    let format = if knob & 1 == 0 {
        InputFormat::Text
    } else {
        InputFormat::Markdown
    };
    let part_bytes = 8 + usize::from(knob >> 1) * 8;
    let mut at = 0;
    for part in split(&text, format, part_bytes) {
        assert_eq!(part.range.start, at, "parts leave a gap or overlap");
        at = part.range.end;
    }
    assert_eq!(at, text.len(), "parts stop short of the text's end");
    let grammar = common::default_grammar();
    let mut parted = match map_in_parts(
        "fuzz.txt",
        &text,
        format,
        None,
        grammar,
        &Segmentation::Rules,
        part_bytes,
    ) {
        Ok(p) => p,
        Err(e) => panic!("{e}"),
    };
    let mut json = Vec::new();
    if let Err(e) = parted.write_json(&mut json) {
        panic!("the map in parts is not written: {e}");
    }
    let map: ArgumentMap = match serde_json::from_slice(&json) {
        Ok(m) => m,
        Err(e) => panic!("the map in parts does not parse: {e}"),
    };
    common::check_map(&map, &text);
});
