//! Many documents on all cores: a bounded pool of worker threads whose results are handed on in
//! input order, with never more than a window of documents read ahead of the writer — so memory
//! follows the window, not the size of the batch, and output starts before the input ends.

use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// The work on one item panicked (a bug); the panic message is already on stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Panicked;

/// What the writer of a batch is handed.
#[derive(Debug)]
pub enum Step<R> {
    /// The result for the next item in input order.
    Done(Result<R, Panicked>),
    /// Every result so far is handed on and the next is not ready: the moment to flush
    /// streamed output.
    Idle,
}

/// How many documents may be read but not yet written, per worker: enough to keep every
/// worker busy while one slow document holds up the writer, small enough to bound memory.
const WINDOW_PER_JOB: usize = 4;

/// Runs `work` on every item on `jobs` threads and hands each result to `sink` in item order,
/// with a [`Step::Idle`] whenever the sink has caught up and is about to wait, and once at the
/// end. The first error from `sink` stops the run.
pub fn ordered<T, R, E>(
    jobs: usize,
    items: impl Iterator<Item = T> + Send,
    work: impl Fn(T) -> R + Sync,
    mut sink: impl FnMut(Step<R>) -> Result<(), E>,
) -> Result<(), E>
where
    T: Send,
    R: Send,
{
    let guarded = |item: T| catch_unwind(AssertUnwindSafe(|| work(item))).map_err(|_| Panicked);
    if jobs <= 1 {
        for item in items {
            sink(Step::Done(guarded(item)))?;
            sink(Step::Idle)?;
        }
        return sink(Step::Idle);
    }
    let window = jobs * WINDOW_PER_JOB;
    // The workers take documents straight from the input, one at a time under a lock, and a
    // worker takes one only while fewer than `window` are taken and not yet written. A reader
    // thread handing documents over a channel cost two more thread wake-ups per document: on a
    // batch of short comments, two workers then spent a third of their time switching threads.
    let input = Mutex::new(items.enumerate());
    let room = Room {
        in_flight: Mutex::new(InFlight {
            taken: 0,
            stopped: false,
        }),
        freed: Condvar::new(),
        window,
    };
    let finished = Finished {
        state: Mutex::new(FinishedState {
            results: BTreeMap::new(),
            next: 0,
            workers: jobs,
            busy: 0,
        }),
        next_ready: Condvar::new(),
    };
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            let (guarded, input, room, finished) = (&guarded, &input, &room, &finished);
            scope.spawn(move || {
                // Counted out even if the worker panics (outside the guarded work, a bug), so
                // that the writer is not left waiting for it.
                let _leaving = Leaving { room, finished };
                while room.take() {
                    let task = match input.lock() {
                        Ok(mut items) => items.next(),
                        Err(_) => None,
                    };
                    let Some((seq, item)) = task else {
                        room.give_back(1);
                        break;
                    };
                    finished.started();
                    finished.put(seq, guarded(item));
                }
            });
        }
        let result = loop {
            let (ready, all_stopped) = finished.take_ready();
            if ready.is_empty() {
                if all_stopped {
                    break Ok(());
                }
                // Caught up: the moment to flush, before waiting for the next result.
                if let Err(e) = sink(Step::Idle) {
                    break Err(e);
                }
                finished.wait_for_next();
                continue;
            }
            let written = ready.len();
            let failed = ready
                .into_iter()
                .map(|r| sink(Step::Done(r)))
                .find_map(Result::err);
            room.give_back(written);
            if let Some(e) = failed {
                break Err(e);
            }
        };
        // Stops the workers: none takes another document.
        room.stop();
        result.and_then(|()| sink(Step::Idle))
    })
}

/// The results the workers have finished and the writer has not yet taken. The writer is woken
/// only when it has something to do, not for every result (with a channel it was woken for
/// each document, and two workers finishing out of order woke it for results it could not yet
/// write): when the next results in input order are ready, two of them or one with no worker
/// busy (waiting for input, which streamed output must not wait for, or for room in the
/// window), or when the last worker stops.
struct Finished<R> {
    state: Mutex<FinishedState<R>>,
    next_ready: Condvar,
}

struct FinishedState<R> {
    results: BTreeMap<usize, Result<R, Panicked>>,
    /// The next result in input order, which the writer waits for.
    next: usize,
    /// Workers still running.
    workers: usize,
    /// Workers mapping a document.
    busy: usize,
}

impl<R> FinishedState<R> {
    fn writer_has_work(&self) -> bool {
        if self.workers == 0 {
            return true;
        }
        self.results.contains_key(&self.next)
            && (self.busy == 0 || self.results.contains_key(&(self.next + 1)))
    }
}

impl<R> Finished<R> {
    fn started(&self) {
        self.lock().busy += 1;
    }

    fn put(&self, seq: usize, result: Result<R, Panicked>) {
        let mut state = self.lock();
        state.results.insert(seq, result);
        state.busy -= 1;
        if state.writer_has_work() {
            self.next_ready.notify_one();
        }
    }

    fn worker_done(&self) {
        let mut state = self.lock();
        state.workers -= 1;
        if state.writer_has_work() {
            self.next_ready.notify_one();
        }
    }

    /// The results that follow in input order from the next one, taken out, and whether every
    /// worker had stopped by then (so that nothing more will come), read under the same lock.
    fn take_ready(&self) -> (Vec<Result<R, Panicked>>, bool) {
        let mut state = self.lock();
        let mut ready = Vec::new();
        loop {
            let next = state.next;
            let Some(r) = state.results.remove(&next) else {
                break;
            };
            state.next += 1;
            ready.push(r);
        }
        (ready, state.workers == 0)
    }

    fn wait_for_next(&self) {
        let mut state = self.lock();
        while !state.writer_has_work() {
            state = self
                .next_ready
                .wait(state)
                .unwrap_or_else(|e| e.into_inner());
        }
    }

    /// The state, even after a panic elsewhere while it was held: every change to it is
    /// complete when made, and the writer must still learn that workers stopped.
    fn lock(&self) -> std::sync::MutexGuard<'_, FinishedState<R>> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A worker leaving the pool. One worker out of input (or stopped) means every worker is: the
/// others are woken to stop too, and the writer to learn that this one will send nothing more.
struct Leaving<'a, R> {
    room: &'a Room,
    finished: &'a Finished<R>,
}

impl<R> Drop for Leaving<'_, R> {
    fn drop(&mut self) {
        self.room.stop();
        self.finished.worker_done();
    }
}

/// How many documents are taken from the input and not yet written, bounded by the window.
struct Room {
    in_flight: Mutex<InFlight>,
    freed: Condvar,
    window: usize,
}

struct InFlight {
    taken: usize,
    stopped: bool,
}

impl Room {
    /// Waits until a document may be taken and counts it taken; `false` once the run stops.
    fn take(&self) -> bool {
        let Ok(mut state) = self.in_flight.lock() else {
            return false;
        };
        while state.taken >= self.window && !state.stopped {
            state = match self.freed.wait(state) {
                Ok(state) => state,
                Err(_) => return false,
            };
        }
        if state.stopped {
            return false;
        }
        state.taken += 1;
        true
    }

    fn give_back(&self, documents: usize) {
        if documents == 0 {
            return;
        }
        if let Ok(mut state) = self.in_flight.lock() {
            // Only a worker that waits for room needs waking: with room to spare, none does.
            let was_full = state.taken >= self.window;
            state.taken = state.taken.saturating_sub(documents);
            if was_full {
                self.freed.notify_all();
            }
        }
    }

    fn stop(&self) {
        if let Ok(mut state) = self.in_flight.lock() {
            state.stopped = true;
            self.freed.notify_all();
        }
    }
}

/// The default number of workers: every core the process may use.
pub fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// A progress bar on stderr for batch runs, shown only on a terminal and never with `--quiet`:
/// documents done (of how many, or how much of the input, when known), documents per second,
/// time left and errors so far.
pub struct Progress {
    bar: Option<ProgressBar>,
    total: Total,
    started: Instant,
    done: u64,
    errors: u64,
}

/// What a run's length is measured in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Total {
    Documents(u64),
    Bytes(u64),
    Unknown,
}

impl Progress {
    pub fn new(show: bool, total: Total) -> Progress {
        let bar = show.then(|| {
            let (bar, template) = match &total {
                Total::Documents(n) => (
                    ProgressBar::new(*n),
                    "{elapsed_precise} [{wide_bar}] {pos}/{len} docs · {msg} · ETA {eta}",
                ),
                Total::Bytes(n) => (
                    ProgressBar::new(*n),
                    "{elapsed_precise} [{wide_bar}] {percent}% · {msg} · ETA {eta}",
                ),
                Total::Unknown => (
                    ProgressBar::no_length(),
                    "{spinner} {elapsed_precise} {msg}",
                ),
            };
            if let Ok(style) = ProgressStyle::with_template(template) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.set_draw_target(ProgressDrawTarget::stderr_with_hz(10));
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        let progress = Progress {
            bar,
            total,
            started: Instant::now(),
            done: 0,
            errors: 0,
        };
        progress.update();
        progress
    }

    /// One document written (or failed), `bytes` of the input behind it.
    pub fn advance(&mut self, bytes: u64, failed: bool) {
        self.done += 1;
        self.errors += u64::from(failed);
        if let Some(bar) = &self.bar {
            bar.inc(match self.total {
                Total::Bytes(_) => bytes,
                Total::Documents(_) | Total::Unknown => 1,
            });
        }
        self.update();
    }

    fn update(&self) {
        let Some(bar) = &self.bar else { return };
        let secs = self.started.elapsed().as_secs_f64();
        let rate = if secs > 0.0 {
            self.done as f64 / secs
        } else {
            0.0
        };
        let errors = match self.errors {
            1 => "1 error".to_string(),
            n => format!("{n} errors"),
        };
        let docs = match self.total {
            Total::Documents(_) => String::new(),
            Total::Bytes(_) | Total::Unknown => format!("{} docs · ", self.done),
        };
        bar.set_message(format!("{docs}{rate:.0} docs/s · {errors}"));
    }

    /// Prints a diagnostic line without tearing the bar.
    pub fn eprintln(&self, line: &str) {
        match &self.bar {
            Some(bar) => bar.suspend(|| say!("{line}")),
            None => say!("{line}"),
        }
    }

    /// Output on stdout, which may share the terminal with the bar.
    pub fn suspend<T>(&self, f: impl FnOnce() -> T) -> T {
        match &self.bar {
            Some(bar) => bar.suspend(f),
            None => f(),
        }
    }

    /// Leaves the final state on screen: the run's summary line.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            self.update();
            bar.finish();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_back_in_input_order_whatever_the_finishing_order() {
        for jobs in [1, 2, 3, 8] {
            let mut seen = Vec::new();
            let r: Result<(), ()> = ordered(
                jobs,
                0..200u64,
                |i| {
                    // Early items finish last.
                    std::thread::sleep(Duration::from_micros((200 - i) * 20));
                    i * 2
                },
                |step| {
                    if let Step::Done(r) = step {
                        seen.push(r.map_err(|_| ())?);
                    }
                    Ok(())
                },
            );
            assert_eq!(r, Ok(()));
            assert_eq!(
                seen,
                (0..200).map(|i| i * 2).collect::<Vec<_>>(),
                "jobs {jobs}"
            );
        }
    }

    #[test]
    fn a_panicking_item_is_reported_in_its_place_and_the_rest_still_run() {
        let mut seen = Vec::new();
        let r: Result<(), ()> = ordered(
            3,
            0..10,
            |i| {
                if i == 4 {
                    panic!("item four");
                }
                i
            },
            |step| {
                if let Step::Done(r) = step {
                    seen.push(r.ok());
                }
                Ok(())
            },
        );
        assert_eq!(r, Ok(()));
        let expected: Vec<Option<i32>> = (0..10).map(|i| (i != 4).then_some(i)).collect();
        assert_eq!(seen, expected);
    }

    #[test]
    fn input_that_panics_while_being_read_stops_the_run_instead_of_hanging_it() {
        // The input is read by the workers, outside the guarded work: the panic reaches the
        // caller once the other workers stop, and the writer is not left waiting for results.
        let run = std::panic::catch_unwind(|| {
            let items = (0..100).inspect(|&i| {
                if i == 5 {
                    panic!("unreadable record");
                }
            });
            let r: Result<(), ()> = ordered(2, items, |i| i, |_| Ok(()));
            r
        });
        assert!(run.is_err());
    }

    #[test]
    fn a_failing_sink_stops_the_run() {
        let mut written = 0;
        let r = ordered(
            2,
            0..10_000,
            |i| i,
            |step| match step {
                Step::Done(r) => {
                    written += 1;
                    match r {
                        Ok(5) => Err("disk full"),
                        _ => Ok(()),
                    }
                }
                Step::Idle => Ok(()),
            },
        );
        assert_eq!(r, Err("disk full"));
        assert_eq!(written, 6);
    }

    #[test]
    fn no_more_than_the_window_is_read_ahead_of_the_writer() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let read = AtomicUsize::new(0);
        let jobs = 2;
        let mut most_ahead = 0;
        let mut written = 0;
        let r: Result<(), ()> = ordered(
            jobs,
            (0..500).inspect(|_| {
                read.fetch_add(1, Ordering::SeqCst);
            }),
            |i| i,
            |step| {
                if let Step::Done(_) = step {
                    written += 1;
                    most_ahead = most_ahead.max(read.load(Ordering::SeqCst) - written);
                }
                Ok(())
            },
        );
        assert_eq!(r, Ok(()));
        assert_eq!(written, 500);
        assert!(
            most_ahead <= jobs * WINDOW_PER_JOB,
            "{most_ahead} documents were read ahead"
        );
    }
}
