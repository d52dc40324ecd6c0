//! The whole pipeline: text + the default grammar (compiled once per process) → map → JSON,
//! DOT, built-in SVG and HTML, each checked.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use toulmin::article::decode_input;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = decode_input(data) else {
        return;
    };
    common::check_pipeline("fuzz <input> & \"name\"", &text);
});
