//! Independent work on every core: compiling the validators of the resources a cold `check`
//! must validate is most of its run time, and each resource is checked on its own.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

/// The cores this process may use, asked once (the answer reads cgroup files).
fn cores() -> usize {
    static CORES: OnceLock<usize> = OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// `f` over `items` on every core, results in the order of `items`. The calling thread works
/// too; a single item runs on it alone.
pub(crate) fn in_parallel<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    if items.len() < 2 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<R>>> = Mutex::new(items.iter().map(|_| None).collect());
    let work = || {
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else { break };
            let r = f(item);
            // A poisoned lock means another item panicked, which fails the run anyway.
            let mut results = results.lock().unwrap_or_else(|e| e.into_inner());
            results[i] = Some(r);
        }
    };
    std::thread::scope(|scope| {
        for _ in 1..cores().min(items.len()) {
            scope.spawn(work);
        }
        work();
    });
    results
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .into_iter()
        .flatten()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::in_parallel;

    #[test]
    fn results_come_back_in_the_order_of_the_items() {
        let items: Vec<u64> = (0..200).collect();
        let out = in_parallel(&items, |i| {
            // Uneven work, so items finish out of order.
            (0..(i % 7) * 1000).fold(*i, |acc, x| acc.wrapping_add(x % 2))
                - (0..(i % 7) * 1000).fold(0, |acc, x| acc + x % 2)
        });
        assert_eq!(out, items);
    }
}
