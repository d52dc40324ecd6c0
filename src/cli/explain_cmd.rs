use std::path::PathBuf;

use clap::Args;
use toulmin::annotate::Segmentation;
use toulmin::explain::explain;
use toulmin::pipeline::map_text_explained;

use super::map_cmd::read_input;
use super::{fail, Failure, RuleArgs};

#[derive(Args)]
pub struct ExplainArgs {
    /// The article to explain (`-` for standard input).
    #[arg(value_name = "INPUT")]
    input: PathBuf,
    /// Explain only this unit (e.g. u7).
    #[arg(long, value_name = "ID")]
    unit: Option<String>,
    #[command(flatten)]
    rules: RuleArgs,
}

pub fn run(args: ExplainArgs) -> Result<i32, Failure> {
    let grammar = args.rules.load()?;
    let stdin = args.input.as_os_str() == "-";
    let text = read_input((!stdin).then_some(args.input.as_path())).map_err(fail)?;
    let name = if stdin {
        "stdin".to_string()
    } else {
        args.input
            .file_name()
            .map_or("input".into(), |n| n.to_string_lossy().into_owned())
    };
    let mapped = map_text_explained(&name, &text, &grammar, &Segmentation::Rules)?;
    match explain(&mapped, &grammar, args.unit.as_deref()) {
        Some(text) => {
            super::print_out(&text)?;
            Ok(0)
        }
        None if mapped.map.units.is_empty() => Err(fail(format!(
            "{}: no unit `{}`; the map has no units (no text once the markup is set aside)",
            name,
            args.unit.unwrap_or_default(),
        ))),
        None => Err(fail(format!(
            "{}: no unit `{}`; units are u1 to u{}",
            name,
            args.unit.unwrap_or_default(),
            mapped.map.units.len()
        ))),
    }
}
