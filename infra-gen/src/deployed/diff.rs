//! `infra-gen diff --deployed <stack>`: the deployed template against generated/, by meaning.

use std::process::ExitCode;

use aws_sdk_cloudformation::types::TemplateStage;

use super::client::{DeployedError, Target};
use super::template::{diff, parse, without_sam_cli_metadata};

pub async fn run(t: &Target<'_>) -> Result<ExitCode, DeployedError> {
    let stack = t.stack.name.as_str();
    // Original: the template as submitted, before the SAM transform expanded it.
    let response = t
        .client
        .get_template()
        .stack_name(stack)
        .template_stage(TemplateStage::Original)
        .send()
        .await
        .map_err(|e| t.stack_error("GetTemplate", e))?;
    let body = response
        .template_body()
        .ok_or(DeployedError::Incomplete("a template body"))?;
    let deployed = parse(body)
        .map(without_sam_cli_metadata)
        .map_err(|message| DeployedError::Parse {
            which: format!("deployed {stack}"),
            message,
        })?;
    let generated = parse(&t.template_body).map_err(|message| DeployedError::Parse {
        which: t.template_path.display().to_string(),
        message,
    })?;
    let differences = diff(&deployed, &generated);
    let file = format!("generated/{}", crate::deploy::template_file(t.stack));
    if differences.is_empty() {
        println!(
            "no difference: {stack} as deployed in {} matches {file}",
            t.region
        );
        return Ok(ExitCode::SUCCESS);
    }
    println!("{stack} as deployed in {} -> {file}:", t.region);
    for d in &differences {
        println!("{d}");
    }
    eprintln!(
        "{} difference(s): deploying generated/ would change them (`cargo infra-gen-aws plan {stack}` previews how)",
        differences.len()
    );
    Ok(ExitCode::from(1))
}
