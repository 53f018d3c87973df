//! chatrix: an Anthropic Messages API gateway to Amazon Bedrock, for Anthropic SDKs and
//! Claude Code. One streaming arm64 function behind a public Function URL; callers present
//! an API key kept in Secrets Manager. Staging and prod share this definition.

use infra_gen::builders::{
    Alarms, ContainerImage, DynamoDb, EnvironmentKind, FunctionUrl, Grant, ModelMap,
    PublishedMetric, Registry, SecretSpec, Service,
};
use infra_gen::model::dynamodb::{Key, KeySchema, Table, TableName};
use infra_gen::model::lambda::{
    Architecture, Cors, DockerSource, HandlerMode, HttpMethod, ImageConfig, Origin, TrafficShift,
};
use infra_gen::model::review::{Suppression, Tool};
use infra_gen::units::{Memory, ReservedConcurrency, RetentionDays, Timeout};
use infra_gen::{Environment, Error, Stack};

/// Per-environment settings; everything else is the same in every environment.
struct Settings {
    env: &'static str,
    /// Selects the retention and image policy `check` holds the stacks to.
    kind: EnvironmentKind,
    region: &'static str,
    memory_mb: u32,
    reserved_concurrency: u32,
    log_retention: RetentionDays,
    images_kept: u32,
    /// How a deploy moves traffic to the new version (rolled back by the alarms).
    shift: TrafficShift,
}

const ENVIRONMENTS: [Settings; 2] = [
    Settings {
        env: "staging",
        kind: EnvironmentKind::NonProduction,
        region: "us-west-2",
        memory_mb: 256,
        reserved_concurrency: 5,
        // A year, as AWS Control Tower asks of every log group: access logs of a public API.
        log_retention: RetentionDays::D365,
        images_kept: 10,
        // Staging takes the new version at once: its callers are the team testing it.
        shift: TrafficShift::AllAtOnce,
    },
    Settings {
        env: "prod",
        kind: EnvironmentKind::Production,
        region: "us-west-2",
        memory_mb: 512,
        reserved_concurrency: 100,
        log_retention: RetentionDays::D365,
        images_kept: 30,
        shift: TrafficShift::Canary10Percent10Minutes,
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

/// Why chatrix does without a customer managed KMS key (checkov and Control Tower ask for one
/// on the repository, the secret, the log group and the environment variables).
const NO_CMK: &str = "AWS encrypts it at rest by default with keys AWS manages, and chatrix has no \
    cross-account access, key revocation or key-usage audit requirement that a customer managed \
    key would meet";

/// Why chatrix runs outside a VPC (checkov and Control Tower ask for one).
const NO_VPC: &str = "the function reaches only AWS APIs (Bedrock, Secrets Manager, CloudWatch Logs) \
    and no private network; a VPC would add NAT or endpoints and cold-start latency without \
    narrowing what IAM allows";

/// The spend and rate limits table (function/src/limits/store.rs has its item design): on
/// demand, so an idle gateway costs nothing; minute windows expire by TTL.
fn limits_table(env: &str) -> Result<Table, Error> {
    let mut table = Table::new(
        TableName::new(&format!("chatrix-{env}-limits"))?,
        KeySchema {
            partition: Key::string("pk")?,
            sort: Some(Key::string("sk")?),
        },
    );
    table.time_to_live = Some("expires_at".into());
    Ok(table)
}

/// Findings of the scanners that do not apply to chatrix, by resource, with the reason.
fn suppressions() -> Vec<(&'static str, Result<Suppression, Error>)> {
    vec![
        (
            "Function",
            Suppression::new(Tool::Checkov, "CKV_AWS_117", NO_VPC),
        ),
        (
            "Function",
            Suppression::new(Tool::CfnGuard, "lambda_inside_vpc_check", NO_VPC),
        ),
        (
            "Function",
            Suppression::new(
                Tool::Checkov,
                "CKV_AWS_173",
                "the environment variables are the ApiKey secret's ARN and the limits table's name, \
             not secrets; Lambda encrypts environment variables at rest with an AWS managed key",
            ),
        ),
        (
            "Function",
            Suppression::new(
                Tool::CfnGuard,
                "lambda_function_url_cors_check",
                "callers are SDKs, CLIs and browser apps on any origin; they authenticate with an API key \
             header, never cookies (AllowCredentials is false), so a page gains nothing the key holder \
             could not do",
            ),
        ),
        (
            "FunctionLogGroup",
            Suppression::new(Tool::Checkov, "CKV_AWS_158", NO_CMK),
        ),
        (
            "FunctionLogGroup",
            Suppression::new(
                Tool::CfnGuard,
                "cloudwatch_log_group_encrypted_check",
                NO_CMK,
            ),
        ),
        (
            "ApiKeySecret",
            Suppression::new(Tool::Checkov, "CKV_AWS_149", NO_CMK),
        ),
        (
            "Limits",
            Suppression::new(Tool::Checkov, "CKV_AWS_119", NO_CMK),
        ),
        (
            "Limits",
            Suppression::new(Tool::CfnGuard, "dynamodb_table_encrypted_kms_check", NO_CMK),
        ),
    ]
}

/// Every environment's registry and service; a definition error in several environments is
/// reported for each of them.
pub fn stacks() -> Result<Vec<Stack>, Error> {
    let mut stacks = Vec::new();
    let mut errors = Vec::new();
    for s in ENVIRONMENTS {
        match environment(s) {
            Ok(pair) => stacks.extend(pair),
            Err(e) => errors.push(e),
        }
    }
    Error::all(errors)?;
    Ok(stacks)
}

/// One environment's registry and service stacks.
fn environment(s: Settings) -> Result<[Stack; 2], Error> {
    let env = Environment::new(s.env, s.region)?.with_kind(s.kind);
    let (registry, repository) = Registry::new("chatrix", &env, file!())
        .keep_last_images(s.images_kept)
        .suppress(Suppression::new(Tool::Checkov, "CKV_AWS_136", NO_CMK))
        .build()?;
    let image = ContainerImage {
        repository,
        source: image_source(),
        config: ImageConfig::new(&["/var/task/bootstrap"], &["lambda"], "/var/task")?,
    };
    let mut service = Service::new(
        "chatrix",
        &env,
        file!(),
        image,
        Architecture::Arm64,
        HandlerMode::Streaming,
    )?
    .description("chatrix: Anthropic Messages API gateway to Amazon Bedrock")
    .memory(Memory::mb(s.memory_mb))
    .timeout(Timeout::seconds(900))
    .reserved_concurrency(ReservedConcurrency::new(s.reserved_concurrency))
    .log_retention(s.log_retention)
    .url(
        FunctionUrl::public(
            "the function authenticates every request except /health with an API key \
                 (x-api-key or Bearer) compared against the ApiKey secret",
        )
        .and_then(|url| url.cors(cors())),
    )
    .smoke_test("/health")
    // Bedrock's own failures reach callers as 5xx too: a few in a minute are not an outage
    // of the gateway, a burst is.
    // And on the limits table: its write throttles (added for every table), and writes the
    // function reports failed or timed out (its EMF metric `LimitWriteFailures`).
    .alarms(Alarms::new().url_5xx_at_least(5).and_then(|a| {
        a.published(PublishedMetric::new(
            "LimitWriteFailures",
            "Chatrix/Gateway",
            "LimitWriteFailures",
            "the gateway could not write to its limits table (a timeout or an error): requests were \
             refused with 503, or served unchecked if it fails open, or their cost was not recorded",
        ))
    }))
    .safe_deploy(s.shift)
    .secret(SecretSpec::generated(
        "ApiKey",
        // The shape the gateway reads (function/README.md), on the review page and in the
        // template for whoever edits the secret.
        "API keys clients present to chatrix: {\"api_key\": \"...\"} as generated, or named keys \
         {\"keys\": [{\"name\": \"alice\", \"key\": \"...\", \"models\": [\"claude-sonnet-5-5\"], \
         \"group\": \"team\", \"limits\": {\"monthly_usd\": 50, \"requests_per_minute\": 60}}], \
         \"groups\": {\"team\": {\"monthly_usd\": 500}}} (models, group and limits optional; limits \
         also input_tokens_per_minute and output_tokens_per_minute; two entries under one name rotate \
         a key with overlap)",
        "api_key",
        "API_KEY_SECRET_ARN",
    ))
    .bedrock_models(ModelMap::from_json(MODELS)?)
    // Per-key spend and rate limits: the function only ever updates items in place (atomic
    // conditional writes); `bootstrap usage` reads the table with the operator's credentials.
    .table("Limits", limits_table(s.env))
    .grant(Grant::table("Limits", &[DynamoDb::UpdateItem]))
    .env("LIMITS_TABLE", &format!("chatrix-{}-limits", s.env));
    for (id, suppression) in suppressions() {
        service = service.suppress(id, suppression);
    }
    Ok([registry, service.build()?])
}
