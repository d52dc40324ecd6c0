//! The rule-file compiler (lexer → parser → compile) on any text, then the compiled grammar on
//! a short article: diagnostics render with a valid position, a grammar that compiles maps.
#![no_main]

mod common;

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use toulmin::annotate::Segmentation;
use toulmin::grammar::{load_with_text, GrammarSpec, InlineRules};
use toulmin::pipeline::map_text;

const ARTICLE: &str = "Congestion pricing works\n\nCities should charge drivers. \
    However, critics say it hurts the poor, because buses are slow. \
    In fact, revenue funds transit. Therefore the case is strong.\n";

/// A directory for relative imports holding only the default grammar's word list, so that
/// `tsv("lexicons/connectives.tsv", ...)` works and inputs cannot read the repository.
fn dir() -> &'static std::path::Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temporary directory");
        let lexicons = dir.path().join("lexicons");
        std::fs::create_dir(&lexicons).expect("lexicons directory");
        std::fs::write(
            lexicons.join("connectives.tsv"),
            include_str!("../../../grammars/lexicons/connectives.tsv"),
        )
        .expect("word list");
        dir
    })
    .path()
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let spec = GrammarSpec {
        without_default: true,
        files: Vec::new(),
    };
    let inline = InlineRules {
        name: "fuzz.rules",
        text,
        dir: dir(),
        confined: false,
    };
    match load_with_text(&spec, inline) {
        Ok(grammar) => {
            let _ = grammar.scan(ARTICLE);
            let _ = grammar.matching_patterns(ARTICLE);
            match map_text("fuzz", ARTICLE, &grammar, &Segmentation::Rules) {
                Ok(mapped) => {
                    common::check_map(&mapped.map, ARTICLE);
                    common::check_renderings(&mapped);
                }
                Err(e) => panic!("{e}"),
            }
        }
        Err(diagnostics) => {
            assert!(
                !diagnostics.errors.is_empty(),
                "an error without a diagnostic"
            );
            for e in &diagnostics.errors {
                if let Some(file) = diagnostics.sources.files.get(e.span.file) {
                    assert!(
                        e.span.start <= e.span.end && e.span.end <= file.text.len(),
                        "diagnostic span {:?} outside {} ({} bytes)",
                        e.span,
                        file.name,
                        file.text.len()
                    );
                }
                let shown = e.render(&diagnostics.sources);
                assert!(shown.starts_with("error: "), "{shown}");
            }
            let _ = diagnostics.to_string();
        }
    }
});
