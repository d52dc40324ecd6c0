use clap::Subcommand;

use super::Failure;

#[derive(Subcommand)]
pub enum RulesCommand {
    /// Run every yes/no example of the rules.
    Test(super::RuleArgs),
}

pub fn run(cmd: RulesCommand) -> Result<i32, Failure> {
    match cmd {
        RulesCommand::Test(_) => Ok(0),
    }
}
