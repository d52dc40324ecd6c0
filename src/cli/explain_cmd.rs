use std::path::PathBuf;

use clap::Args;

use super::{Failure, RuleArgs};

#[derive(Args)]
pub struct ExplainArgs {
    input: PathBuf,
    #[arg(long)]
    unit: Option<String>,
    #[command(flatten)]
    rules: RuleArgs,
}

pub fn run(_args: ExplainArgs) -> Result<i32, Failure> {
    Ok(0)
}
