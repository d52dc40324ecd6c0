use super::*;

#[test]
fn default_grammar_compiles() {
    let g = Grammar::default_grammar().map_err(|d| d.to_string());
    assert!(g.is_ok(), "{}", g.err().unwrap_or_default());
}
