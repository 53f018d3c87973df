//! This repository's services, as typed definitions. `cargo infra-gen` renders them.

pub mod chatrix;
pub mod ingest;
pub mod reports;

use infra_gen::{App, Error};

/// Every stack of this repository, in deployment order.
pub fn app() -> Result<App, Error> {
    let mut app = App::new();
    for stack in chatrix::stacks()?
        .into_iter()
        .chain(reports::stacks()?)
        .chain(ingest::stacks()?)
    {
        app.push(stack);
    }
    Ok(app)
}
