//! This repository's services, as typed definitions. `cargo infra-gen` renders them.

pub mod chatrix;
pub mod ingest;
pub mod reports;

use infra_gen::{App, Error};

/// Every stack of this repository, in deployment order.
/// Every service's definition errors are reported together, not only the first service's.
pub fn app() -> Result<App, Error> {
    let mut app = App::new();
    let mut errors = Vec::new();
    for service in [chatrix::stacks(), reports::stacks(), ingest::stacks()] {
        match service {
            Ok(stacks) => stacks.into_iter().for_each(|s| app.push(s)),
            Err(e) => errors.push(e),
        }
    }
    Error::all(errors)?;
    Ok(app)
}
