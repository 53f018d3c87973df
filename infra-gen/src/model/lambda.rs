//! `AWS::Serverless::Function` for container images, with its Function URL.

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

pub mod access;
pub mod events;
pub(crate) mod reason;
mod review;

use super::review::Tool;
use super::section::{Section, Words};
use super::{Expr, Implicit, Kind, LogicalId, Resource, StackName, code, validate_name};
use crate::Error;
use crate::units::{EphemeralStorage, Memory, ReservedConcurrency, Timeout};
use reason::Refusal;

/// The instruction set the function runs on; the image's build platform is derived from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Architecture {
    #[serde(rename = "arm64")]
    Arm64,
    #[serde(rename = "x86_64")]
    X86_64,
}

impl Architecture {
    /// The `docker buildx --platform` value for images this function can run.
    pub fn docker_platform(self) -> &'static str {
        match self {
            Self::Arm64 => "linux/arm64",
            Self::X86_64 => "linux/amd64",
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Self::Arm64 => "arm64",
            Self::X86_64 => "x86_64",
        }
    }
    /// Names other tools and image tags use for this architecture.
    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            Self::Arm64 => &["arm64", "aarch64", "arm64v8"],
            Self::X86_64 => &["amd64", "x86_64", "x86-64"],
        }
    }
}

/// A function name: 1-64 letters, digits, hyphens and underscores.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct FunctionName(String);

impl FunctionName {
    pub fn new(name: impl Into<String>) -> Result<Self, Error> {
        let name = name.into();
        validate_name(
            "function name",
            &name,
            "1-64 letters, digits, hyphens and underscores",
            |s| {
                (1..=64).contains(&s.len())
                    && s.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            },
        )?;
        Ok(Self(name))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// How the container starts: the entry point and working directory are required here, so a
/// definition says them; the command may be empty, as Lambda's API allows (0 items), for an
/// image that has no CMD (an `ENTRYPOINT`-only image, AWS's own pattern for `provided`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ImageConfig {
    entry_point: Vec<String>,
    command: Vec<String>,
    working_directory: String,
}

impl ImageConfig {
    pub fn new(
        entry_point: &[&str],
        command: &[&str],
        working_directory: &str,
    ) -> Result<Self, Error> {
        let non_empty = |what: &'static str, v: &[&str], at_least: usize| {
            if v.len() < at_least || v.iter().any(|s| s.trim().is_empty()) {
                Err(Error::Invalid {
                    what,
                    value: format!("{v:?}"),
                    expected: if at_least == 0 {
                        "non-empty elements"
                    } else {
                        "at least one non-empty element"
                    },
                })
            } else {
                Ok(v.iter().map(|s| (*s).to_owned()).collect())
            }
        };
        if !working_directory.starts_with('/') {
            return Err(Error::Invalid {
                what: "ImageConfig.WorkingDirectory",
                value: working_directory.to_owned(),
                expected: "an absolute path such as /var/task",
            });
        }
        Ok(Self {
            entry_point: non_empty("ImageConfig.EntryPoint", entry_point, 1)?,
            command: non_empty("ImageConfig.Command", command, 0)?,
            working_directory: working_directory.to_owned(),
        })
    }
    pub fn entry_point(&self) -> &[String] {
        &self.entry_point
    }
    pub fn command(&self) -> &[String] {
        &self.command
    }
    pub fn working_directory(&self) -> &str {
        &self.working_directory
    }
}

/// What the handler does with its response; Lambda cannot tell, so the definition says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandlerMode {
    /// Writes the response as a stream (lambda_runtime streaming, `streamifyResponse`).
    Streaming,
    /// Returns the whole response at once.
    Buffered,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum InvokeMode {
    #[serde(rename = "RESPONSE_STREAM")]
    ResponseStream,
    #[serde(rename = "BUFFERED")]
    Buffered,
}

/// Why a Function URL may be called without AWS credentials: the app must authenticate.
/// The reason must name how callers are authenticated (or say the response is public data)
/// and must not defer or deny that authentication; see `reason.rs` for the rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicReason(String);

impl PublicReason {
    /// The scanners' rules a public URL fails by design; the builder suppresses them with
    /// this reason, and lint `public-url` holds those suppressions' reasons to the same rule.
    pub const SCANNER_RULES: [(Tool, &'static str); 3] = [
        (Tool::Checkov, "CKV_AWS_258"),
        (Tool::CfnGuard, "lambda_function_url_auth_check"),
        (
            Tool::CfnGuard,
            "lambda_function_public_access_prohibited_check",
        ),
    ];

    pub fn new(reason: impl Into<String>) -> Result<Self, Error> {
        let reason = reason.into();
        let expected = match reason::judge(&reason) {
            Ok(()) => return Ok(Self(reason)),
            Err(Refusal::NoBasis) => {
                "a sentence naming how the app authenticates callers (an API key, a bearer token, a signature or HMAC, a JWT/OAuth/OIDC/Cognito token; not mTLS or a client certificate, which a Function URL neither asks for nor passes to the handler) or saying the response is public data"
            }
            Err(Refusal::Deferral) => {
                "a reason true now, with no deferral (TODO, for now, temporarily, later, until it is added, for the demo): authenticate callers first, or use FunctionUrl::aws_iam() until the app does"
            }
            Err(Refusal::Negation) => {
                "a reason that does not say callers go unauthenticated (no key, auth disabled, not checked): authenticate callers, use FunctionUrl::aws_iam(), or say the response is public data"
            }
            Err(Refusal::Delegation) => {
                "a reason saying what the app enforces (it checks, requires or rejects), not what callers should or may send: authenticate callers, or use FunctionUrl::aws_iam()"
            }
            Err(Refusal::Hedge) => {
                "a reason stating what the app does (it checks, requires or rejects), not what it probably does or is supposed to do: authenticate callers, or use FunctionUrl::aws_iam()"
            }
            Err(Refusal::Unreadable) => {
                "a reason in English (or German, French, Spanish, Italian, Portuguese or Dutch), so that a deferral or a negation of authentication can be told"
            }
        };
        Err(Error::Invalid {
            what: "public Function URL reason",
            value: reason,
            expected,
        })
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UrlAuth {
    /// `AWS_IAM`: callers sign requests with SigV4.
    AwsIam,
    /// `NONE`: anyone can call; only with a written reason.
    Public(PublicReason),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum HttpMethod {
    #[serde(rename = "GET")]
    Get,
    #[serde(rename = "POST")]
    Post,
    #[serde(rename = "PUT")]
    Put,
    #[serde(rename = "PATCH")]
    Patch,
    #[serde(rename = "DELETE")]
    Delete,
    #[serde(rename = "HEAD")]
    Head,
    #[serde(rename = "*")]
    Any,
}

/// A CORS origin: `*` or `scheme://host[:port]` with nothing after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Origin(String);

impl Origin {
    pub fn any() -> Self {
        Self("*".into())
    }
    pub fn new(origin: &str) -> Result<Self, Error> {
        let host = origin
            .strip_prefix("https://")
            .or_else(|| origin.strip_prefix("http://"));
        let ok = host.is_some_and(|h| {
            !h.is_empty()
                && !h.contains('/')
                && !h.contains('*')
                && !h.contains(char::is_whitespace)
        });
        if ok {
            Ok(Self(origin.to_owned()))
        } else {
            Err(Error::Invalid {
                what: "CORS origin",
                value: origin.to_owned(),
                expected: "https://host[:port] with no path, or Origin::any()",
            })
        }
    }
    pub fn is_any(&self) -> bool {
        self.0 == "*"
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Cors {
    pub allow_origins: Vec<Origin>,
    pub allow_methods: Vec<HttpMethod>,
    pub allow_headers: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub expose_headers: Vec<String>,
    pub allow_credentials: bool,
    pub max_age: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionUrlConfig {
    pub auth: UrlAuth,
    pub invoke_mode: InvokeMode,
    pub cors: Option<Cors>,
}

impl Serialize for FunctionUrlConfig {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        let auth = match self.auth {
            UrlAuth::AwsIam => "AWS_IAM",
            UrlAuth::Public(_) => "NONE",
        };
        m.serialize_entry("AuthType", auth)?;
        m.serialize_entry("InvokeMode", &self.invoke_mode)?;
        if let Some(cors) = &self.cors {
            m.serialize_entry("Cors", cors)?;
        }
        m.end()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Tracing {
    Active,
    PassThrough,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum LogLevel {
    Trace,
    Debug,
    Info,
    Warn,
    Error,
    Fatal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum SystemLogLevel {
    Debug,
    Info,
    Warn,
}

/// Logs go to a named log group as JSON; levels need the JSON format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggingConfig {
    pub log_group: Expr,
    pub application_level: LogLevel,
    pub system_level: SystemLogLevel,
}

impl Serialize for LoggingConfig {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(4))?;
        m.serialize_entry("LogFormat", "JSON")?;
        m.serialize_entry("LogGroup", &self.log_group)?;
        m.serialize_entry("ApplicationLogLevel", &self.application_level)?;
        m.serialize_entry("SystemLogLevel", &self.system_level)?;
        m.end()
    }
}

/// An environment variable name as Lambda accepts it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct EnvName(String);

impl EnvName {
    pub fn new(name: &str) -> Result<Self, Error> {
        validate_name(
            "environment variable name",
            name,
            "a letter followed by letters, digits and underscores",
            |s| {
                s.starts_with(|c: char| c.is_ascii_alphabetic())
                    && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
            },
        )?;
        Ok(Self(name.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvVar {
    pub name: EnvName,
    pub value: Expr,
}

/// Where `sam build` finds the image recipe, relative to the repository root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DockerSource {
    pub dockerfile: String,
    /// The Dockerfile's text, embedded at compile time so lints can read it.
    pub dockerfile_text: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Function {
    pub function_name: FunctionName,
    pub description: String,
    pub image_uri: Expr,
    pub source: DockerSource,
    pub architecture: Architecture,
    pub memory: Memory,
    pub timeout: Timeout,
    pub ephemeral_storage: EphemeralStorage,
    pub environment: Vec<EnvVar>,
    pub image_config: ImageConfig,
    pub logging: LoggingConfig,
    pub reserved_concurrency: Option<ReservedConcurrency>,
    pub tracing: Tracing,
    pub role: Expr,
    pub handler: HandlerMode,
    pub url: Option<FunctionUrlConfig>,
    /// Publish a version per deploy behind an alias and shift traffic to it gradually.
    pub safe_deploy: Option<SafeDeploy>,
    /// Queues and schedules that invoke it (on the alias when there is one).
    pub events: Vec<events::Event>,
    /// Instances kept initialized on the alias (needs `safe_deploy`'s alias).
    pub provisioned_concurrency: Option<u32>,
    /// Retries of asynchronous invocations and where those that still fail go.
    pub async_invoke: Option<events::AsyncInvoke>,
    /// The subnets and security groups it runs in (parameters of the stack).
    pub vpc: Option<VpcConfig>,
}

/// SAM's `VpcConfig`: the function's network interfaces go into these subnets with these
/// security groups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VpcConfig {
    pub subnet_ids: Expr,
    pub security_group_ids: Expr,
}

/// How CodeDeploy shifts an alias to a new version, as SAM names the configurations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum TrafficShift {
    Canary10Percent5Minutes,
    Canary10Percent10Minutes,
    Canary10Percent15Minutes,
    Canary10Percent30Minutes,
    Linear10PercentEvery1Minute,
    Linear10PercentEvery2Minutes,
    Linear10PercentEvery3Minutes,
    Linear10PercentEvery10Minutes,
    AllAtOnce,
}

/// SAM's `AutoPublishAlias` and `DeploymentPreference`: every deploy publishes a version, the
/// alias (and the Function URL on it) moves to it by `shift`, and CodeDeploy rolls back when
/// one of `alarms` fires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SafeDeploy {
    pub alias: AliasName,
    pub shift: TrafficShift,
    pub alarms: Vec<Expr>,
}

/// A Lambda alias name. Not a version number and not `$LATEST`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct AliasName(String);

impl AliasName {
    pub fn new(name: &str) -> Result<Self, Error> {
        validate_name(
            "alias name",
            name,
            "1-128 letters and digits starting with a letter (it is part of SAM's logical IDs)",
            |s| {
                (1..=128).contains(&s.len())
                    && s.starts_with(|c: char| c.is_ascii_alphabetic())
                    && s.bytes().all(|b| b.is_ascii_alphanumeric())
            },
        )?;
        Ok(Self(name.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for AliasName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl Kind for Function {
    const TYPE: &'static str = "AWS::Serverless::Function";
    const TAGS: super::tags::TagFormat = super::tags::TagFormat::SamMap;

    fn physical_name(&self) -> Option<(&'static str, &str)> {
        Some(("function name", self.function_name.as_str()))
    }
    const ATTRIBUTES: &'static [&'static str] = &["Arn"];
    const REF_RETURNS: &'static str = "name";
    const STATEFUL: bool = false;

    fn phrase(&self, _id: &LogicalId) -> String {
        format!("function {}", code(self.function_name.as_str()))
    }

    /// SAM adds `<Id>Url` for a Function URL; with an alias, `<Id>Alias<alias>` and a version
    /// (named by a hash of the code, so not listed); with a deployment preference, CodeDeploy's
    /// application, deployment group and service role.
    fn implicit(&self, id: &LogicalId) -> Vec<Implicit> {
        let mut out = Vec::new();
        if let Some(url) = &self.url {
            out.push(Implicit {
                id: format!("{id}Url"),
                type_name: "AWS::Lambda::Url",
                attributes: &["FunctionUrl", "FunctionArn"],
                what: "the Function URL",
            });
            if matches!(url.auth, UrlAuth::Public(_)) {
                // lambda:InvokeFunctionUrl and lambda:InvokeFunction for everyone.
                out.extend([
                    Implicit {
                        id: format!("{id}UrlPublicPermissions"),
                        type_name: "AWS::Lambda::Permission",
                        attributes: &[],
                        what: "the public URL's invoke permission",
                    },
                    Implicit {
                        id: format!("{id}URLInvokeAllowPublicAccess"),
                        type_name: "AWS::Lambda::Permission",
                        attributes: &[],
                        what: "the public URL's InvokeFunction permission",
                    },
                ]);
            }
        }
        if let Some(d) = &self.safe_deploy {
            out.push(Implicit {
                id: format!("{id}Alias{}", d.alias),
                type_name: "AWS::Lambda::Alias",
                attributes: &[],
                what: "the alias traffic is shifted on",
            });
            out.extend([
                Implicit {
                    id: "ServerlessDeploymentApplication".into(),
                    type_name: "AWS::CodeDeploy::Application",
                    attributes: &[],
                    what: "the CodeDeploy application",
                },
                Implicit {
                    id: format!("{id}DeploymentGroup"),
                    type_name: "AWS::CodeDeploy::DeploymentGroup",
                    attributes: &[],
                    what: "the CodeDeploy deployment group",
                },
                Implicit {
                    id: "CodeDeployServiceRole".into(),
                    type_name: "AWS::IAM::Role",
                    attributes: &["Arn"],
                    what: "CodeDeploy's role (AWSCodeDeployRoleForLambda)",
                },
            ]);
        }
        for event in &self.events {
            let name = &event.name;
            match &event.source {
                events::EventSource::Sqs(_) => out.push(Implicit {
                    id: format!("{id}{name}"),
                    type_name: "AWS::Lambda::EventSourceMapping",
                    attributes: &[],
                    what: "the mapping that polls the queue",
                }),
                events::EventSource::Schedule(_) => out.extend([
                    Implicit {
                        id: format!("{id}{name}"),
                        type_name: "AWS::Scheduler::Schedule",
                        attributes: &["Arn"],
                        what: "the EventBridge Scheduler schedule",
                    },
                    Implicit {
                        id: format!("{id}{name}Role"),
                        type_name: "AWS::IAM::Role",
                        attributes: &["Arn"],
                        what: "the role the schedule invokes the function with",
                    },
                ]),
            }
        }
        if self.async_invoke.is_some() {
            out.push(Implicit {
                id: format!("{id}EventInvokeConfig"),
                type_name: "AWS::Lambda::EventInvokeConfig",
                attributes: &[],
                what: "retries and the failure destination of asynchronous invocations",
            });
        }
        out
    }

    fn deploy(&self, id: &LogicalId, stack: &StackName) -> Vec<super::access::Deployed> {
        self.deployed(id, stack)
    }

    fn exprs(&self) -> Vec<&Expr> {
        let mut v = vec![&self.image_uri, &self.logging.log_group, &self.role];
        v.extend(self.environment.iter().map(|e| &e.value));
        v.extend(self.safe_deploy.iter().flat_map(|d| &d.alarms));
        for event in &self.events {
            match &event.source {
                events::EventSource::Sqs(s) => v.push(&s.queue),
                events::EventSource::Schedule(s) => v.extend(&s.dead_letter),
            }
        }
        v.extend(
            self.async_invoke
                .iter()
                .flat_map(|a| a.on_failure.as_ref().map(|(_, arn)| arn)),
        );
        v.extend(
            self.vpc
                .iter()
                .flat_map(|c| [&c.subnet_ids, &c.security_group_ids]),
        );
        v
    }

    /// SAM moves events, the asynchronous destination and the deployment's alarms to the
    /// resources it adds (mappings, schedules, `EventInvokeConfig`, the deployment group):
    /// what those name is created before them, not before the function.
    fn ordering_exprs(&self) -> Vec<&Expr> {
        let mut v = vec![&self.image_uri, &self.logging.log_group, &self.role];
        v.extend(self.environment.iter().map(|e| &e.value));
        v.extend(
            self.vpc
                .iter()
                .flat_map(|c| [&c.subnet_ids, &c.security_group_ids]),
        );
        v
    }

    fn review(&self, resource: &Resource, words: &dyn Words) -> Section {
        review::section(self, resource, words)
    }
}

struct Variables<'a>(&'a [EnvVar]);

impl Serialize for Variables<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut outer = s.serialize_map(Some(1))?;
        outer.serialize_entry("Variables", &VariableMap(self.0))?;
        outer.end()
    }
}

/// The variables by name, in definition order (lint `duplicate` refuses a repeated name).
struct VariableMap<'a>(&'a [EnvVar]);

impl Serialize for VariableMap<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for e in self.0 {
            m.serialize_entry(&e.name.0, &e.value)?;
        }
        m.end()
    }
}

impl Serialize for Function {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("FunctionName", &self.function_name)?;
        m.serialize_entry("Description", &self.description)?;
        m.serialize_entry("PackageType", "Image")?;
        m.serialize_entry("ImageUri", &self.image_uri)?;
        m.serialize_entry("Architectures", &[self.architecture])?;
        m.serialize_entry("ImageConfig", &self.image_config)?;
        m.serialize_entry("MemorySize", &self.memory)?;
        m.serialize_entry("Timeout", &self.timeout)?;
        m.serialize_entry("EphemeralStorage", &self.ephemeral_storage)?;
        if let Some(n) = self.reserved_concurrency {
            m.serialize_entry("ReservedConcurrentExecutions", &n)?;
        }
        m.serialize_entry("Role", &self.role)?;
        if !self.environment.is_empty() {
            m.serialize_entry("Environment", &Variables(&self.environment))?;
        }
        m.serialize_entry("LoggingConfig", &self.logging)?;
        m.serialize_entry("Tracing", &self.tracing)?;
        if let Some(url) = &self.url {
            m.serialize_entry("FunctionUrlConfig", url)?;
        }
        if let Some(d) = &self.safe_deploy {
            // SAM puts the Function URL on the alias when one is published.
            m.serialize_entry("AutoPublishAlias", &d.alias)?;
            m.serialize_entry(
                "DeploymentPreference",
                &serde_json::json!({ "Type": d.shift, "Alarms": d.alarms }),
            )?;
        }
        if let Some(n) = self.provisioned_concurrency {
            m.serialize_entry(
                "ProvisionedConcurrencyConfig",
                &serde_json::json!({ "ProvisionedConcurrentExecutions": n }),
            )?;
        }
        if !self.events.is_empty() {
            let events: serde_json::Map<String, serde_json::Value> = self
                .events
                .iter()
                .map(|e| (e.name.to_string(), e.to_json()))
                .collect();
            m.serialize_entry("Events", &events)?;
        }
        if let Some(a) = &self.async_invoke {
            m.serialize_entry("EventInvokeConfig", a)?;
        }
        if let Some(v) = &self.vpc {
            m.serialize_entry(
                "VpcConfig",
                &serde_json::json!({
                    "SubnetIds": v.subnet_ids,
                    "SecurityGroupIds": v.security_group_ids,
                }),
            )?;
        }
        m.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_config_requires_an_entry_point_and_a_working_directory() {
        assert!(ImageConfig::new(&["/var/task/bootstrap"], &["lambda"], "/var/task").is_ok());
        // An image without CMD is started by its ENTRYPOINT alone.
        assert!(ImageConfig::new(&["/var/task/bootstrap"], &[], "/var/task").is_ok());
        assert!(ImageConfig::new(&[], &["lambda"], "/var/task").is_err());
        assert!(ImageConfig::new(&["/var/task/bootstrap"], &[""], "/var/task").is_err());
        assert!(ImageConfig::new(&["/var/task/bootstrap"], &["lambda"], "").is_err());
    }

    #[test]
    fn public_url_needs_a_written_reason() {
        assert!(PublicReason::new("").is_err());
        assert!(PublicReason::new("auth").is_err());
        assert!(PublicReason::new("the app checks a bearer key").is_ok());
        assert!(PublicReason::new("the webhook verifies the HMAC signature header").is_ok());
        assert!(PublicReason::new("the response is public data: a status page").is_ok());
    }

    #[test]
    fn public_url_reason_must_name_how_callers_are_authenticated() {
        for vague in [
            "because we need it",
            "the frontend team asked for this URL",
            "needed for the mobile app integration",
            "it is authenticated somehow, trust me",
        ] {
            assert!(PublicReason::new(vague).is_err(), "{vague}");
        }
    }

    #[test]
    fn origins_carry_no_path_or_wildcard() {
        assert!(Origin::new("https://claude.example.com").is_ok());
        assert!(Origin::new("https://example.com/").is_err());
        assert!(Origin::new("https://*.example.com").is_err());
        assert!(Origin::new("example.com").is_err());
    }

    #[test]
    fn architecture_names_its_docker_platform() {
        assert_eq!(Architecture::Arm64.docker_platform(), "linux/arm64");
        assert_eq!(Architecture::X86_64.docker_platform(), "linux/amd64");
    }
}
