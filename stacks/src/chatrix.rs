//! chatrix: an Anthropic Messages API gateway to Amazon Bedrock, for Anthropic SDKs and
//! Claude Code. One streaming arm64 function behind a public Function URL; callers present
//! an API key kept in Secrets Manager. Staging and prod share this definition.

use infra_gen::build::{ContainerImage, FunctionUrl, ModelMap, Registry, SecretSpec, Service};
use infra_gen::model::lambda::{
    Architecture, Cors, DockerSource, HandlerMode, HttpMethod, ImageConfig, Origin,
};
use infra_gen::units::{Memory, ReservedConcurrency, RetentionDays, Timeout};
use infra_gen::{Environment, Error, Stack};

/// Per-environment settings; everything else is the same in every environment.
struct Settings {
    env: &'static str,
    region: &'static str,
    memory_mb: u32,
    reserved_concurrency: u32,
    log_retention: RetentionDays,
    images_kept: u32,
}

const ENVIRONMENTS: [Settings; 2] = [
    Settings {
        env: "staging",
        region: "us-west-2",
        memory_mb: 256,
        reserved_concurrency: 5,
        log_retention: RetentionDays::D14,
        images_kept: 10,
    },
    Settings {
        env: "prod",
        region: "us-west-2",
        memory_mb: 512,
        reserved_concurrency: 100,
        log_retention: RetentionDays::D90,
        images_kept: 30,
    },
];

/// The same file the function embeds: the stack grants exactly the models the function routes.
const MODELS: &str = include_str!("../../function/models.json");

fn image_source() -> DockerSource {
    DockerSource {
        dockerfile: "function/Dockerfile".into(),
        dockerfile_text: include_str!("../../function/Dockerfile"),
    }
}

fn cors() -> Result<Cors, Error> {
    Ok(Cors {
        allow_origins: vec![Origin::any()],
        allow_methods: vec![HttpMethod::Get, HttpMethod::Post],
        allow_headers: [
            "authorization",
            "content-type",
            "x-api-key",
            "anthropic-version",
            "anthropic-beta",
        ]
        .map(String::from)
        .to_vec(),
        expose_headers: vec!["request-id".into()],
        allow_credentials: false,
        max_age: 600,
    })
}

pub fn stacks() -> Result<Vec<Stack>, Error> {
    let mut stacks = Vec::new();
    for s in ENVIRONMENTS {
        let env = Environment::new(s.env, s.region)?;
        let (registry, repository) = Registry::new("chatrix", &env, file!())
            .keep_last_images(s.images_kept)
            .build()?;
        let image = ContainerImage {
            repository,
            source: image_source(),
            config: ImageConfig::new(&["/var/task/bootstrap"], &["lambda"], "/var/task")?,
        };
        let service = Service::new(
            "chatrix",
            &env,
            file!(),
            image,
            Architecture::Arm64,
            HandlerMode::Streaming,
        )?
        .description("chatrix: Anthropic Messages API gateway to Amazon Bedrock")
        .memory(Memory::mb(s.memory_mb)?)
        .timeout(Timeout::seconds(900)?)
        .reserved_concurrency(ReservedConcurrency::new(s.reserved_concurrency)?)
        .log_retention(s.log_retention)
        .url(
            FunctionUrl::public(
                "the function authenticates every request except /health with an API key \
                     (x-api-key or Bearer) compared against the ApiKey secret",
            )?
            .cors(cors()?),
        )
        .secret(SecretSpec::generated(
            "ApiKey",
            "API keys clients present to chatrix",
            "api_key",
            "API_KEY_SECRET_ARN",
        ))
        .bedrock_models(ModelMap::from_json(MODELS)?)
        .build()?;
        stacks.push(registry);
        stacks.push(service);
    }
    Ok(stacks)
}
