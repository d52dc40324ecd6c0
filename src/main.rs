//! The `toulmin` command line: parses flags and hands them to `cli`, which calls the library.

mod cli;

fn main() {
    std::process::exit(cli::run());
}
