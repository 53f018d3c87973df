//! This repository's services, as typed definitions. `cargo infra-gen` renders them.

pub mod chatrix;
pub mod ingest;
pub mod reports;

use infra_gen::builders::Bootstrap;
use infra_gen::{App, Error};

/// This repository on GitHub: the deploy and drift roles trust its workflows only.
const REPOSITORY: &str = "acme/chatrix";
/// The AWS account every environment deploys to (a placeholder: put yours here, then
/// `cargo infra-gen generate` and deploy the bootstrap stack once; see README).
const ACCOUNT: &str = "123456789012";
/// Where the bootstrap stack lives (its resources are IAM's, which is global).
const BOOTSTRAP_REGION: &str = "us-east-1";

/// Every stack of this repository, in deployment order, then the account side derived from
/// them (GitHub's OIDC provider, each environment's deploy and execution roles, the drift role).
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
    app.bootstrap(&Bootstrap::new(
        REPOSITORY,
        ACCOUNT,
        BOOTSTRAP_REGION,
        file!(),
    )?)?;
    Ok(app)
}
