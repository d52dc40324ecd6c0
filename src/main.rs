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
/// at the peak. Within 10 ms (mimalloc 2's delay): the dev sets at `-j 2` peaked at 64–65
/// rather than 67–69 MiB, in the same time; at once, no less but 7% slower (a system call per
/// purge).
const PURGE_DELAY_MS: std::ffi::c_long = 10;

fn return_freed_memory_soon() {
    // SAFETY: sets one option of the allocator before any other thread runs; mimalloc reads
    // its options when it purges.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, PURGE_DELAY_MS) }
}

fn main() {
    return_freed_memory_soon();
    std::process::exit(cli::run());
}

#[cfg(test)]
mod tests {
    /// The option number stands for the purge delay: mimalloc 3 (what `libmimalloc-sys` builds)
    /// sets it to 1,000 ms, as no other of its options.
    #[test]
    fn the_purge_delay_option_is_the_one_set() {
        // SAFETY: reads one option.
        let delay = unsafe { libmimalloc_sys::mi_option_get(super::MI_OPTION_PURGE_DELAY) };
        assert_eq!(delay, 1000);
    }
}
