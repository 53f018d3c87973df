use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    // The workspace root holds generated/. Read at run time when cargo runs the binary: cargo
    // may reuse a binary built from another checkout that shares the target directory, and
    // `env!` would point it at that checkout's generated/. Run directly, the build's own.
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from);
    infra_gen::cli::main(stacks::app, &manifest.join(".."))
}
