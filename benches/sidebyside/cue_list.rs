//! Prints every cue phrase of the grammar's lexicons, one per line (lower case, sorted, no
//! duplicates): the list ripgrep and spaCy look for in the side-by-side benchmark.
//!
//!     cargo run --release --example cue_list [RULES…]

use std::collections::BTreeSet;

use toulmin::grammar::{load, GrammarSpec};

fn main() {
    let spec = GrammarSpec {
        without_default: false,
        files: std::env::args_os().skip(1).map(Into::into).collect(),
    };
    let grammar = match load(&spec) {
        Ok(g) => g,
        Err(d) => {
            eprint!("{d}");
            std::process::exit(1);
        }
    };
    let phrases: BTreeSet<String> = grammar
        .lexicons
        .iter()
        .flat_map(|l| l.phrases.iter().map(|p| p.to_lowercase()))
        .collect();
    for p in phrases {
        println!("{p}");
    }
}
