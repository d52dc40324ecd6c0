//! The `toulmin` command line: parses flags and hands them to `cli`, which calls the library.

mod cli;

/// Mapping allocates and frees many small strings and vectors per unit; glibc's allocator
/// spent an eighth of a batch's instructions on them (callgrind, 500 documents), mimalloc
/// takes a tenth off the time of a batch. See [`PURGE_DELAY_MS`] for its memory.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay`, by its place in `mi_option_e` (`mimalloc.h`, the same in
/// its versions 2 and 3); `libmimalloc-sys` names no constant for it.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// mimalloc 3 hands freed pages back to the system a second after they empty; the lazy DFAs of
/// the pattern sets grow their tables by doubling, and the tables they outgrew were still held
/// at the peak. Within 10 ms (mimalloc 2's delay for pages): the dev sets at `-j 2` peaked at
/// 64–65 rather than 67–69 MiB, in the same time; at once, no less but 7% slower (a system call
/// per purge).
const PURGE_DELAY_MS: std::ffi::c_long = 10;

/// Sets [`PURGE_DELAY_MS`] unless `MIMALLOC_PURGE_DELAY` in the environment says otherwise.
fn return_freed_memory_soon() {
    // SAFETY: sets one option of the allocator before any other thread runs; mimalloc reads
    // its options when it purges.
    unsafe { libmimalloc_sys::mi_option_set_default(MI_OPTION_PURGE_DELAY, PURGE_DELAY_MS) }
}

fn main() {
    return_freed_memory_soon();
    std::process::exit(cli::run());
}

#[cfg(test)]
mod tests {
    /// The option number stands for the purge delay: mimalloc 3, which `libmimalloc-sys` builds
    /// unless its `v2` feature is on, sets it to 1,000 ms, as no other of its options. (The
    /// environment may set it instead: then there is nothing to tell.)
    #[test]
    fn the_purge_delay_option_is_the_one_set() {
        let set_outside = std::env::vars_os().any(|(name, _)| {
            let name = name.to_string_lossy().to_ascii_uppercase();
            name == "MIMALLOC_PURGE_DELAY" || name == "MIMALLOC_RESET_DELAY"
        });
        if set_outside {
            return;
        }
        // SAFETY: reads one option.
        let delay = unsafe { libmimalloc_sys::mi_option_get(super::MI_OPTION_PURGE_DELAY) };
        assert_eq!(delay, 1000);
    }
}
