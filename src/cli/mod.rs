//! The command-line face of the engine.
pub mod check;
pub mod output;
pub mod write;

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Items dealt round-robin into one hand per core, so that a run of heavy
/// items (the files of one directory) is shared out.
fn deal<T>(items: impl IntoIterator<Item = T>) -> Vec<Vec<T>> {
    let cores = cores();
    let mut hands: Vec<Vec<T>> = (0..cores).map(|_| Vec::new()).collect();
    for (i, item) in items.into_iter().enumerate() {
        hands[i % cores].push(item);
    }
    hands
}

/// `f` of each part, each on its own thread, in order; `None` for a part
/// whose thread panicked.
fn in_parallel<P: Send, R: Send>(
    parts: impl IntoIterator<Item = P>,
    f: impl Fn(P) -> R + Sync,
) -> Vec<Option<R>> {
    let f = &f;
    std::thread::scope(|s| {
        let handles: Vec<_> = parts.into_iter().map(|p| s.spawn(move || f(p))).collect();
        handles.into_iter().map(|h| h.join().ok()).collect()
    })
}
