//! Flags → validated options → library calls. Everything a user sees on the terminal is
//! written here; the library returns values and typed errors.

/// A message for the user on standard error. A closed standard error (`2>&1 | head`) loses
/// the message but must not stop the run: `eprintln!` would panic there, in the middle of a
/// batch whose outputs are half written.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

mod batch;
mod eval_cmd;
mod explain_cmd;
mod map_cmd;
mod rules_cmd;
mod serve_cmd;
mod tune_cmd;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use toulmin::grammar::{Grammar, GrammarSpec};

#[derive(Parser)]
#[command(
    name = "toulmin",
    version,
    about = "Turns opinion commentary into argument maps"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Map articles: writes JSON, DOT and SVG (and PNG/HTML on request) per input.
    Map(map_cmd::MapArgs),
    /// Score the grammar against gold annotations (JSONL or a brat directory).
    Eval(eval_cmd::EvalArgs),
    /// Work with rule files.
    Rules {
        #[command(subcommand)]
        command: rules_cmd::RulesCommand,
    },
    /// Show, unit by unit, which rules fired, the role chosen and the link chosen, and why.
    Explain(explain_cmd::ExplainArgs),
    /// A local web app: the report of each input beside an editor for the rules; every edit
    /// recompiles the grammar and redraws the map, and file changes on disk show up at once.
    Serve(serve_cmd::ServeArgs),
    /// Fit rule weights, the role threshold and role biases to gold annotations; writes them as
    /// a rule file and reports cross-validated scores beside the untuned grammar's.
    Tune(tune_cmd::TuneArgs),
}

/// Rule files shared by every command that maps text.
#[derive(Args, Clone, Debug)]
pub struct RuleArgs {
    /// Rule file to load after the default grammar; repeatable, later files extend and
    /// override earlier ones.
    #[arg(long = "rules", value_name = "FILE")]
    pub rules: Vec<PathBuf>,
    /// Start from an empty grammar instead of the built-in default.
    #[arg(long)]
    pub no_default_rules: bool,
}

impl RuleArgs {
    pub fn spec(&self) -> GrammarSpec {
        GrammarSpec {
            without_default: self.no_default_rules,
            files: self.rules.clone(),
        }
    }

    /// Loads the grammar, printing its diagnostics on failure.
    pub fn load(&self) -> Result<Grammar, Failure> {
        toulmin::grammar::load(&self.spec()).map_err(|d| Failure::Shown(d.to_string()))
    }
}

/// Why a command failed; `Shown` messages are already formatted diagnostics.
#[derive(Debug)]
pub enum Failure {
    Shown(String),
    Message(String),
    /// Standard output was closed by its reader; nothing more to say.
    OutputClosed,
}

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(e: E) -> Failure {
        Failure::Message(e.to_string())
    }
}

/// Whether two paths name the same file (through `.`, `..` and symlinks when both exist).
pub fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

/// Writes a command's report to standard output. A reader that stops early (`| head`, `| less`
/// then `q`) closes the pipe: the command then stops quietly instead of panicking.
pub fn print_out(text: &str) -> Result<(), Failure> {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(stdout_failure)
}

/// Why writing to standard output failed: a reader that closed it early (`| head`) ends the
/// run quietly; anything else is an error.
pub fn stdout_failure(e: std::io::Error) -> Failure {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        Failure::OutputClosed
    } else {
        fail(format!("cannot write to standard output: {e}"))
    }
}

pub fn fail(msg: impl Into<String>) -> Failure {
    Failure::Message(msg.into())
}

pub fn run() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    // Stopped by Ctrl-C (or SIGTERM, SIGHUP): outputs already written stay; the one being
    // written is dropped rather than left as a `.toulmin-*.tmp` file. 130 is the shell's code
    // for a run ended by SIGINT (the handler is not told which of the three signals came).
    let _ = ctrlc::set_handler(|| {
        let _held_until_exit = toulmin::export::remove_unfinished_outputs();
        std::process::exit(130);
    });
    let result = match cli.command {
        Command::Map(args) => map_cmd::run(args),
        Command::Eval(args) => eval_cmd::run(args),
        Command::Rules { command } => rules_cmd::run(command),
        Command::Explain(args) => explain_cmd::run(args),
        Command::Serve(args) => serve_cmd::run(args),
        Command::Tune(args) => tune_cmd::run(args),
    };
    match result {
        Ok(code) => code,
        Err(Failure::Shown(text)) => {
            say!("{}", text.trim_end_matches('\n'));
            1
        }
        Err(Failure::Message(msg)) => {
            say!("error: {msg}");
            1
        }
        // The reader closed standard output (`| head`): it has what it wanted.
        Err(Failure::OutputClosed) => 0,
    }
}
