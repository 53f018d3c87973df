//! A small valid service, built the way a repository's stacks are, for tests to break.
#![allow(dead_code)] // each test binary uses a different part

use infra_gen::builders::{ContainerImage, FunctionUrl, ModelMap, Registry, SecretSpec, Service};
use infra_gen::model::Properties;
use infra_gen::model::lambda::{Architecture, DockerSource, Function, HandlerMode, ImageConfig};
use infra_gen::{App, Environment, Error, Finding, Stack};

pub const DOCKERFILE: &str = "\
FROM --platform=$BUILDPLATFORM rust:1 AS build
ARG TARGETARCH
RUN case \"$TARGETARCH\" in arm64) t=aarch64-unknown-linux-gnu ;; amd64) t=x86_64-unknown-linux-gnu ;; esac && cargo build --release --target $t && cp target/$t/release/bootstrap /bootstrap
FROM public.ecr.aws/lambda/provided:al2023
WORKDIR /var/task
COPY --from=build /bootstrap /var/task/bootstrap
ENTRYPOINT [\"/var/task/bootstrap\"]
CMD [\"lambda\"]
";

pub const MODELS: &str = r#"{"models": [
  {"id": "claude-x", "display_name": "Claude X", "price": {"unknown": "a test model"}, "upstream": "invoke", "inference_profile": "us.anthropic.claude-x-v1:0",
   "foundation_model": "anthropic.claude-x-v1:0", "routes_to": ["us-east-1", "us-west-2"]}]}"#;

pub fn environment(region: &str) -> Environment {
    Environment::new("test", region).expect("valid environment")
}

/// Registry then service, with `customize` applied to the service builder.
pub fn app_with(
    region: &str,
    dockerfile: &'static str,
    customize: impl FnOnce(Service) -> Service,
) -> Result<App, Error> {
    let mut app = App::new();
    for stack in service_stacks("demo", region, dockerfile, customize)? {
        app.push(stack);
    }
    Ok(app)
}

/// The registry and service stacks of service `name` in `region`, with `customize` applied to
/// the service builder (several make an app of several services).
pub fn service_stacks(
    name: &str,
    region: &str,
    dockerfile: &'static str,
    customize: impl FnOnce(Service) -> Service,
) -> Result<[Stack; 2], Error> {
    let env = environment(region);
    let (registry, repository) = Registry::new(name, &env, "tests/common/mod.rs").build()?;
    let image = ContainerImage {
        repository,
        source: DockerSource {
            dockerfile: "function/Dockerfile".into(),
            dockerfile_text: dockerfile,
        },
        config: ImageConfig::new(&["/var/task/bootstrap"], &["lambda"], "/var/task")?,
    };
    let service = Service::new(
        name,
        &env,
        "tests/common/mod.rs",
        image,
        Architecture::Arm64,
        HandlerMode::Streaming,
    )?
    .url(FunctionUrl::public(
        "the app checks a bearer key on every request",
    )?)
    .secret(SecretSpec::generated(
        "ApiKey",
        "client keys",
        "api_key",
        "API_KEY_SECRET_ARN",
    ))
    .bedrock_models(ModelMap::from_json(MODELS)?);
    Ok([registry, customize(service).build()?])
}

pub fn valid_app() -> App {
    app_with("us-west-2", DOCKERFILE, |s| s).expect("the fixture is valid")
}

pub fn function_mut(app: &mut App) -> &mut Function {
    stack_function_mut(&mut app.stacks_mut()[1])
}

pub fn stack_function_mut(stack: &mut Stack) -> &mut Function {
    stack
        .template
        .resources
        .iter_mut()
        .find_map(|r| match &mut r.properties {
            Properties::Function(f) => Some(f),
            _ => None,
        })
        .expect("a service stack has a function")
}

pub fn codes(findings: &[Finding]) -> Vec<&'static str> {
    findings.iter().map(|f| f.code).collect()
}
