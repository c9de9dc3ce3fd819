//! Independent jobs run on every core, their results in the order of the jobs.

use std::sync::{Mutex, PoisonError};

/// How many threads the machine runs at once (1 when it cannot tell).
pub fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
}

/// Runs `work` on every job on up to `threads` threads (this one included), the heaviest
/// jobs (by their weight, the first of each pair) first, so that no long job starts last;
/// the results come in the order of `jobs`, whatever the threads and their timing.
///
/// A panic of `work` (a bug) is passed on to the caller once the other threads stopped.
pub fn run<J, R>(jobs: Vec<(usize, J)>, threads: usize, work: impl Fn(J) -> R + Sync) -> Vec<R>
where
    J: Send,
    R: Send,
{
    let count = jobs.len();
    let threads = threads.clamp(1, count.max(1));
    if threads == 1 {
        return jobs.into_iter().map(|(_, job)| work(job)).collect();
    }
    let mut queue: Vec<(usize, usize, J)> = jobs
        .into_iter()
        .enumerate()
        .map(|(index, (weight, job))| (weight, index, job))
        .collect();
    // Stable: jobs of one weight start in their order.
    queue.sort_by_key(|(weight, _, _)| std::cmp::Reverse(*weight));
    let queue = Mutex::new(queue.into_iter().map(|(_, index, job)| (index, job)));
    let drain = || {
        let mut done = Vec::new();
        loop {
            // No job panics while holding the lock, so it is never poisoned; were it,
            // its queue is still sound.
            let next = queue.lock().unwrap_or_else(PoisonError::into_inner).next();
            let Some((index, job)) = next else {
                return done;
            };
            done.push((index, work(job)));
        }
    };
    let mut done: Vec<(usize, R)> = std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads).map(|_| scope.spawn(drain)).collect();
        let mut done = drain();
        for helper in helpers {
            match helper.join() {
                Ok(theirs) => done.extend(theirs),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        done
    });
    done.sort_unstable_by_key(|(index, _)| *index);
    done.into_iter().map(|(_, result)| result).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_in_the_order_of_the_jobs_whatever_the_threads() {
        let jobs: Vec<(usize, u64)> = (0..200_u64).map(|n| (n as usize % 7, n)).collect();
        let expected: Vec<u64> = (0..200).map(|n| n * n).collect();
        for threads in [0, 1, 2, 3, 8, 500] {
            let results = run(jobs.clone(), threads, |n| {
                // Uneven work, so that threads finish out of order.
                std::thread::sleep(std::time::Duration::from_micros(n % 5 * 50));
                n * n
            });
            assert_eq!(results, expected, "{threads} threads");
        }
        assert!(run(Vec::<(usize, u8)>::new(), 4, |n| n).is_empty());
    }

    #[test]
    fn work_runs_on_several_threads() {
        let jobs: Vec<(usize, ())> = (0..64).map(|_| (1, ())).collect();
        let ids = run(jobs, 4, |()| {
            std::thread::sleep(std::time::Duration::from_millis(2));
            std::thread::current().id()
        });
        let distinct: std::collections::HashSet<_> = ids.into_iter().collect();
        assert!(distinct.len() > 1, "one thread did all the work");
    }
}
