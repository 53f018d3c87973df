//! Prints how long generation takes, in-process and as a whole `infra-gen check` process.
//! A benchmark, not a test: it asserts nothing about speed. Run with `cargo bench -p stacks`.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i]
}

fn report(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    println!(
        "{name:<44} median {:>9.3} ms   p95 {:>9.3} ms   min {:>9.3} ms   ({} runs)",
        percentile(&samples, 0.5).as_secs_f64() * 1e3,
        percentile(&samples, 0.95).as_secs_f64() * 1e3,
        samples[0].as_secs_f64() * 1e3,
        samples.len()
    );
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> Vec<Duration> {
    (0..runs)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(f());
            start.elapsed()
        })
        .collect()
}

fn main() {
    // `cargo bench` passes --bench; a filter argument is not supported and not needed.
    report(
        "build definitions (stacks::app)",
        time(2000, || stacks::app().expect("definitions build")),
    );
    report(
        "build + lint + render every stack",
        time(2000, || {
            let app = stacks::app().expect("definitions build");
            infra_gen::pipeline::validated(&app).expect("renders")
        }),
    );
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let exe = env!("CARGO_BIN_EXE_infra-gen");
    let samples = time(200, || {
        let status = Command::new(exe)
            .args(["check", "--root"])
            .arg(&root)
            .output()
            .expect("infra-gen runs");
        assert!(status.status.success(), "check failed: generated/ drifted?");
    });
    report("whole `infra-gen check` process (release)", samples);
}
