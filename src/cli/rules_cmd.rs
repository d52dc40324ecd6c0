use std::path::PathBuf;

use clap::{Args, Subcommand};
use toulmin::examples::run_examples;
use toulmin::grammar::{load, GrammarSpec};

use super::Failure;

#[derive(Subcommand)]
pub enum RulesCommand {
    /// Run every yes/no example of the rules (of FILEs, loaded over the default grammar; of the
    /// default grammar when no FILE is given).
    Test(TestArgs),
}

#[derive(Args)]
pub struct TestArgs {
    /// Rule files to test.
    #[arg(value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Load FILEs alone, without the default grammar underneath.
    #[arg(long)]
    no_default_rules: bool,
}

pub fn run(cmd: RulesCommand) -> Result<i32, Failure> {
    match cmd {
        RulesCommand::Test(args) => test(args),
    }
}

fn test(args: TestArgs) -> Result<i32, Failure> {
    let spec = GrammarSpec {
        without_default: args.no_default_rules,
        files: args.files.clone(),
    };
    let grammar = load(&spec).map_err(|d| Failure::Shown(d.to_string()))?;
    // Test the named files' rules (and what they import); the default grammar's own (with its
    // embedded imports) when no file is named.
    let embedded = |i: &usize| grammar.sources.files[*i].dir.is_none();
    let files: Vec<usize> = (0..grammar.sources.files.len())
        .filter(|i| embedded(i) == args.files.is_empty())
        .collect();
    let results = run_examples(&grammar, Some(&files));
    let mut failed = 0;
    let mut report = String::new();
    for r in &results {
        if let Some(why) = &r.failure {
            failed += 1;
            report.push_str(&format!(
                "FAIL {} ({}): {} \"{}\"\n     {why}\n",
                r.rule,
                r.location,
                if r.positive { "yes" } else { "no" },
                r.text
            ));
        }
    }
    report.push_str(&format!(
        "{} passed, {} failed\n",
        results.len() - failed,
        failed
    ));
    super::print_out(&report)?;
    Ok(if failed > 0 { 1 } else { 0 })
}
