//! The fake Bedrock Runtime / Secrets Manager server as a process, for the Python suite, the
//! benchmarks and trying the gateway locally. See tests/support/fake_bedrock.rs for scenarios.
//!
//! `cargo run -p function --example fake_bedrock -- [PORT]` prints `FAKE_BEDROCK_URL=http://…`
//! once it listens. `FAKE_SECRET` (optional) is what GetSecretValue answers.

#[path = "../tests/support/fake_bedrock.rs"]
mod fake_bedrock;

use std::io::Write as _;

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::io::Result<()> {
    let port = std::env::args()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    let fake = fake_bedrock::FakeBedrock::start(port).await?;
    fake.set_secret(std::env::var("FAKE_SECRET").ok().as_deref());
    let mut out = std::io::stdout();
    writeln!(out, "FAKE_BEDROCK_URL={}", fake.url())?;
    out.flush()?;
    std::future::pending::<()>().await;
    Ok(())
}
