//! Prints how long generation takes, in-process and as a whole `infra-gen check` process.
//! A benchmark, not a test: it asserts nothing about speed. Run with `cargo bench -p stacks`.

use std::path::Path;
use std::process::{Command, Stdio};
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
        "build + lint + render + schema-validate every stack",
        time(2000, || {
            let app = stacks::app().expect("definitions build");
            infra_gen::pipeline::validated(&app).expect("renders")
        }),
    );
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let exe = env!("CARGO_BIN_EXE_infra-gen");
    let cache = root.join("target/infra-gen/schema-cache");
    // Output goes to /dev/null, as a terminal or CI log takes it: capturing it through pipes
    // would add the same cost to every process and flatter the ratio.
    let run = |command: &[&str]| {
        let status = Command::new(exe)
            .args(command)
            .arg("--root")
            .arg(&root)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("infra-gen runs");
        assert!(status.success(), "{command:?} failed: generated/ drifted?");
    };
    // Side by side, interleaved so machine load hits all alike, and in rotating order so none
    // always follows the heavy cold run: `list` (definitions only), `check` as the edit loop
    // runs it (schema cache warm: unchanged resources are not revalidated), `check` on a fresh
    // checkout (no cache: every validator compiled), and `review` of the whole workspace
    // against HEAD's committed templates (read through git, parsed on both sides, compared).
    const COMMANDS: [&[&str]; 4] = [
        &["list"],
        &["check"],
        &["check"],
        &["review", "--base", "HEAD"],
    ];
    let mut samples: [Vec<Duration>; 4] = Default::default();
    run(&["check"]);
    for i in 0..300 {
        for k in (0..4).map(|k| (k + i) % 4) {
            if k == 2 {
                let _ = std::fs::remove_file(&cache);
            }
            samples[k].extend(time(1, || run(COMMANDS[k])));
        }
    }
    let [list, warm, cold, review] = samples;
    let median = |v: &[Duration]| {
        let mut v = v.to_vec();
        v.sort();
        percentile(&v, 0.5)
    };
    let ratio = median(&warm).as_secs_f64() / median(&list).as_secs_f64();
    let review_ratio = median(&review).as_secs_f64() / median(&warm).as_secs_f64();
    report("whole `infra-gen list` process (release)", list);
    report("whole `infra-gen check` process, cache warm", warm);
    report("whole `infra-gen check` process, no cache", cold);
    report("whole `infra-gen review --base HEAD` process", review);
    println!("check (cache warm) / list: {ratio:.2}x (median over median)");
    println!("review / check (cache warm): {review_ratio:.2}x (median over median)");
}
