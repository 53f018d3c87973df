//! The review pages: what a reviewer reads instead of the console, rendered from the typed
//! definitions. These pin the facts a page must state, not its layout.

mod common;

use infra_gen::builders::{SecretSpec, Service};
use infra_gen::model::lambda::Tracing;
use infra_gen::pipeline::validated as render;
use infra_gen::render::GeneratedFile;
use infra_gen::units::{Memory, ReservedConcurrency};

fn page(customize: impl FnOnce(Service) -> Service, path: &str) -> String {
    let app = common::app_with("us-west-2", common::DOCKERFILE, customize).expect("builds");
    let files: Vec<GeneratedFile> = render(&app).expect("renders");
    files
        .into_iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("no {path}"))
        .contents
}

fn service_page(customize: impl FnOnce(Service) -> Service) -> String {
    page(customize, "demo-test-service.md")
}

#[test]
fn every_stack_gets_a_review_page_marked_as_generated() {
    let app = common::valid_app();
    let files = render(&app).expect("renders");
    for stack in app.stacks() {
        let md = files
            .iter()
            .find(|f| f.path == format!("{}.md", stack.name))
            .expect("a page per stack");
        assert!(infra_gen::render::is_generated(&md.contents), "{}", md.path);
        assert!(md.contents.contains(&format!("\n# {}\n", stack.name)));
    }
}

#[test]
fn every_resource_has_a_section_its_kind_writes_in_template_order() {
    let app = common::valid_app();
    let files = render(&app).expect("renders");
    for stack in app.stacks() {
        let md = &files
            .iter()
            .find(|f| f.path == format!("{}.md", stack.name))
            .expect("a page per stack")
            .contents;
        let headings: Vec<&str> = md.lines().filter(|l| l.starts_with("## ")).collect();
        let mut at = 0;
        for r in &stack.template.resources {
            let id = format!("`{}`", r.id);
            let found = headings[at..]
                .iter()
                .position(|h| h.contains(&id))
                .unwrap_or_else(|| panic!("no section for {id} after {at} in {headings:#?}"));
            at += found + 1;
        }
    }
}

#[test]
fn function_settings_are_stated_with_units() {
    let text = service_page(|s| {
        s.memory(Memory::mb(1024).expect("valid"))
            .reserved_concurrency(ReservedConcurrency::new(7).expect("valid"))
    });
    for fact in [
        "| Architecture | arm64 (image platform linux/arm64) |",
        "| Memory | 1024 MB |",
        "| Timeout | 30 s |",
        "| Ephemeral storage (`/tmp`) | 512 MB |",
        "| Concurrency | 7 reserved",
        "| Handler | streams its responses |",
        "application level INFO, system level WARN",
        "| WorkingDirectory | `/var/task` |",
        "| EntryPoint | `[\"/var/task/bootstrap\"]` |",
    ] {
        assert!(text.contains(fact), "missing {fact:?} in\n{text}");
    }
}

#[test]
fn permissions_are_described_in_plain_words() {
    let text = service_page(|s| s.tracing(Tracing::Active));
    for fact in [
        "**WriteOwnLogs** (FunctionPermissions): may write logs to its own log group `/aws/lambda/demo-test`",
        "**ReadApiKeySecret** (FunctionPermissions): may read secret `demo/test/api-key`",
        "may invoke models (streaming or not)",
        "  - inference profile `us.anthropic.claude-x-v1:0` in the stack's region",
        "  - foundation model `anthropic.claude-x-v1:0` in us-east-1 and us-west-2",
        "may count tokens with models",
        "may send traces to X-Ray, on every resource (these APIs accept no narrower one)",
    ] {
        assert!(text.contains(fact), "missing {fact:?} in\n{text}");
    }
}

#[test]
fn a_public_url_states_why_and_the_auth_type() {
    let text = service_page(|s| s);
    assert!(text.contains("auth type NONE: anyone on the internet can call it"));
    assert!(text.contains("Why it is public: the app checks a bearer key on every request."));
    assert!(text.contains("Invoke mode RESPONSE_STREAM."));
}

#[test]
fn environment_values_are_never_printed_only_names_and_sources() {
    let text = service_page(|s| s.env("FEATURE_FLAG", "very-distinctive-value"));
    assert!(text.contains("| `FEATURE_FLAG` | a literal in the template"));
    assert!(!text.contains("very-distinctive-value"), "{text}");
    assert!(text.contains("| `API_KEY_SECRET_ARN` | ARN of secret `demo/test/api-key` |"));
}

#[test]
fn stateful_resources_show_their_fate_on_delete_and_replace() {
    let text = service_page(|s| s);
    assert!(text.contains("| `ApiKeySecret`: secret `demo/test/api-key` | Retain | Retain |"));
    assert!(text.contains("## Log group `/aws/lambda/demo-test` (`FunctionLogGroup`)"));
    // The default: the production policy's minimum (Control Tower's year).
    assert!(text.contains("| Retention | 365 days |"));
    let registry = page(|s| s, "demo-test-registry.md");
    assert!(registry.contains("| `Repository`: ECR repository `demo-test` | Retain | Retain |"));
}

#[test]
fn pages_cross_reference_deploy_order_exports_and_imports() {
    let service = service_page(|s| s);
    assert!(service.contains("| Deploy after | `demo-test-registry` |"));
    assert!(service.contains(
        "URI of ECR repository `demo-test`, exported as `demo-test-registry-RepositoryUri` by stack `demo-test-registry`"
    ));
    let registry = page(|s| s, "demo-test-registry.md");
    assert!(registry.contains("| Deploy before | `demo-test-service` |"));
    assert!(registry.contains("| `demo-test-registry-RepositoryUri` | `demo-test-service` |"));
}

#[test]
fn table_cells_escape_pipes() {
    let text = service_page(|s| {
        s.secret(SecretSpec::generated(
            "Other",
            "keys | tokens",
            "key",
            "OTHER_SECRET_ARN",
        ))
    });
    assert!(text.contains("| keys \\| tokens |"), "{text}");
}

#[test]
fn accepted_scanner_findings_are_listed_with_their_reasons() {
    let text = service_page(|s| s);
    assert!(text.contains("## Accepted scanner findings"), "{text}");
    assert!(
        text.contains("| `Function` | checkov | `CKV_AWS_258` | the app checks a bearer key on every request |"),
        "{text}"
    );
}
