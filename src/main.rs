//! The `toulmin` command line: parses flags and hands them to `cli`, which calls the library.

mod cli;

/// Mapping allocates and frees many small strings and vectors per unit; glibc's allocator
/// spent an eighth of a batch's instructions on them (callgrind, 500 documents).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(cli::run());
}
