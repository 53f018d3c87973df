use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    // The binary is always built from this workspace, whose root holds generated/.
    let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
    infra_gen::cli::main(stacks::app, root)
}
