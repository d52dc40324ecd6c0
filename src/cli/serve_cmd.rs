use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;

use clap::Args;
use toulmin::serve::{serve, ServeConfig};

use super::map_cmd::RendererArg;
use super::{fail, Failure, RuleArgs};

const AFTER_HELP: &str = "\
The editor holds the LAST --rules file (a missing file is created by Save); the grammar is the
default (unless --no-default-rules), then the other --rules files, then the editor text. Without
--rules it holds scratch rules loaded after the default grammar, which Save writes to --save-to
(without --save-to they cannot be saved). Save writes atomically and keeps the old file as
FILE.bak. Input and rule files are watched: edits made in any editor show up in the page.";

#[derive(Args)]
#[command(after_help = AFTER_HELP)]
pub struct ServeArgs {
    /// Articles to serve (.txt or .md; a directory serves every .txt and .md file in it). Text
    /// can also be pasted in the page.
    #[arg(value_name = "INPUT")]
    inputs: Vec<PathBuf>,
    #[command(flatten)]
    rules: RuleArgs,
    /// Where Save writes the scratch rules when no --rules file is given (must not exist yet).
    #[arg(long, value_name = "FILE", conflicts_with = "rules")]
    save_to: Option<PathBuf>,
    /// Port to listen on; 0 picks a free one.
    #[arg(long, default_value_t = 7878)]
    port: u16,
    /// Address to listen on. The default serves this machine only; anything else exposes the
    /// page, and saving rules, to the network.
    #[arg(long, value_name = "ADDR", default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST), value_parser = parse_bind)]
    bind: IpAddr,
    /// Open the page in a browser (with xdg-open; failures are ignored).
    #[arg(long)]
    open: bool,
    /// How to draw the diagrams (see `map --renderer`).
    #[arg(long, value_enum, default_value_t = RendererArg::Auto)]
    renderer: RendererArg,
    /// Gold annotations (any format `eval` reads) for the page's "Tune on gold…" action, which
    /// fits the current grammar's weights to them and shows the cross-validated scores.
    #[arg(long, value_name = "FILE")]
    gold: Option<PathBuf>,
}

/// An IP address, or `localhost` for 127.0.0.1 (the name most people type).
fn parse_bind(s: &str) -> Result<IpAddr, String> {
    if s.eq_ignore_ascii_case("localhost") {
        return Ok(IpAddr::V4(Ipv4Addr::LOCALHOST));
    }
    s.parse()
        .map_err(|e| format!("{e}: give an IP address such as 127.0.0.1 or 0.0.0.0, or localhost"))
}

pub fn run(args: ServeArgs) -> Result<i32, Failure> {
    // Said now, not when the page's "Tune on gold…" is first pressed.
    if let Some(gold) = &args.gold {
        if !gold.exists() {
            return Err(fail(format!(
                "--gold {}: no such file or directory",
                gold.display()
            )));
        }
    }
    let config = ServeConfig {
        inputs: args.inputs,
        rule_files: args.rules.rules.clone(),
        without_default: args.rules.no_default_rules,
        save_to: args.save_to,
        bind: args.bind,
        port: args.port,
        renderer: args.renderer.into(),
        gold: args.gold,
        // Open to the network: the edited grammar reads only .rules and .tsv files beside it.
        confine_edits: !args.bind.is_loopback(),
    };
    let server = serve(config).map_err(|e| match e {
        toulmin::serve::ServeError::Grammar(shown) => Failure::Shown(shown),
        other => fail(other.to_string()),
    })?;
    if let Some(notice) = &server.startup_notice {
        say!("warning: {notice}");
    }
    let url = server.url();
    super::print_out(&format!("toulmin serve: {url}  (Ctrl-C to stop)\n"))?;
    if !args.bind.is_loopback() {
        say!("warning: listening on {}: anyone who can reach this address can read the inputs and overwrite the rules file (a grammar edited in the page reads only .rules and .tsv files from the rules file's directory)", args.bind);
    }
    if args.open {
        let _ = std::process::Command::new("xdg-open")
            .arg(&url)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn();
    }
    server.wait();
    Ok(0)
}
