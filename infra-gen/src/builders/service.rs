//! The service stack: a container-image function with its log group, role, secrets and URL.

use serde_json::json;

use super::grant::Local;
use super::{Alarms, Environment, Grant, ImageRepository, ModelMap, Stack};
use crate::Finding;
use crate::model::Kind;
use crate::model::cloudwatch::{Alarm, Statistic};
use crate::model::dynamodb::Table;
use crate::model::iam::{Action, Policy, Role, StarOnlyApi, Statement};
use crate::model::lambda::events::{
    AsyncInvoke, Batch, DestinationType, Event, EventSource, ScheduleExpression, ScheduleSource,
    SqsSource, TimeZone,
};
use crate::model::lambda::{
    AliasName, Architecture, Cors, DockerSource, EnvName, EnvVar, Function, FunctionName,
    FunctionUrlConfig, HandlerMode, ImageConfig, InvokeMode, LogLevel, LoggingConfig, PublicReason,
    SafeDeploy, SystemLogLevel, Tracing, TrafficShift, UrlAuth,
};
use crate::model::logs::LogGroup;
use crate::model::raw::Raw;
use crate::model::review::{PolicyException, ReplacementAck, Suppression, Tool};
use crate::model::secrets::{GeneratedValue, Secret};
use crate::model::sqs::{Queue, QueueEncryption};
use crate::model::tags::{Tag, added};
use crate::model::{Expr, LogicalId, Output, Parameter, Properties, Resource, StackName, Template};
use crate::units::{EphemeralStorage, Memory, ReservedConcurrency, RetentionDays, Timeout};
use crate::{Checked, Error};

/// The image a function runs: where it is pushed, how it is built, how it starts.
#[derive(Debug, Clone)]
pub struct ContainerImage {
    pub repository: ImageRepository,
    pub source: DockerSource,
    pub config: ImageConfig,
}

/// A Function URL. Its invoke mode follows the handler unless overridden.
#[derive(Debug, Clone)]
pub struct FunctionUrl {
    auth: UrlAuth,
    cors: Option<Cors>,
    invoke_mode: Option<InvokeMode>,
}

impl FunctionUrl {
    /// Callable without AWS credentials; `reason` says how the app authenticates callers and
    /// is carried into the template for reviewers.
    pub fn public(reason: &str) -> Result<Self, Error> {
        Ok(Self {
            auth: UrlAuth::Public(PublicReason::new(reason)?),
            cors: None,
            invoke_mode: None,
        })
    }
    /// Callers sign requests with SigV4.
    pub fn aws_iam() -> Self {
        Self {
            auth: UrlAuth::AwsIam,
            cors: None,
            invoke_mode: None,
        }
    }
    /// Takes a `Cors` or the `Result` of building one (e.g. with `Origin::new`), so an invalid
    /// origin reaches `Service::url` and is reported with the stack and resource.
    pub fn cors(mut self, cors: impl Checked<Cors>) -> Result<Self, Error> {
        self.cors = Some(cors.checked()?);
        Ok(self)
    }
    /// Overrides the mode derived from the handler; the `invoke-mode` lint rejects a mismatch.
    pub fn invoke_mode(mut self, mode: InvokeMode) -> Self {
        self.invoke_mode = Some(mode);
        self
    }
}

/// A Secrets Manager secret the function reads; it gets the secret's ARN in `env_var`.
#[derive(Debug, Clone)]
pub struct SecretSpec {
    id: String,
    description: String,
    env_var: String,
    generated_key: Option<String>,
}

impl SecretSpec {
    /// A secret whose value Secrets Manager generates at creation, as `{"<json_key>": "…"}`.
    pub fn generated(id: &str, description: &str, json_key: &str, env_var: &str) -> Self {
        Self {
            id: id.to_owned(),
            description: description.to_owned(),
            env_var: env_var.to_owned(),
            generated_key: Some(json_key.to_owned()),
        }
    }
    /// A secret whose value an operator puts after the first deploy.
    pub fn provided(id: &str, description: &str, env_var: &str) -> Self {
        Self {
            id: id.to_owned(),
            description: description.to_owned(),
            env_var: env_var.to_owned(),
            generated_key: None,
        }
    }
}

/// A queue of the service's stack ([`Service::queue`]) that invokes the function with batches
/// of its messages. The role gets exactly the actions polling needs on that queue.
#[derive(Debug, Clone)]
pub struct SqsTrigger {
    queue: String,
    batch: Batch,
    report_batch_item_failures: bool,
    maximum_concurrency: Option<u16>,
}

impl SqsTrigger {
    /// Batches of 10 messages (SQS's default), failed messages reported one by one
    /// (`ReportBatchItemFailures`: the handler returns `batchItemFailures`).
    pub fn new(queue_id: &str) -> Self {
        Self {
            queue: queue_id.to_owned(),
            batch: Batch::default(),
            report_batch_item_failures: true,
            maximum_concurrency: None,
        }
    }
    /// Batches as `batch` says; takes `Batch::new`'s `Result` as it is, so its error comes out
    /// of `build()` naming the stack (through [`Service::trigger`]).
    pub fn batch(mut self, batch: impl Checked<Batch>) -> Result<Self, Error> {
        self.batch = batch.checked()?;
        Ok(self)
    }
    /// A failed invocation returns the whole batch to the queue (the handler does not report
    /// failed messages).
    pub fn retry_whole_batches(mut self) -> Self {
        self.report_batch_item_failures = false;
        self
    }
    /// At most `n` (2–1000) concurrent invocations for this queue.
    pub fn maximum_concurrency(mut self, n: u16) -> Result<Self, Error> {
        if !(2..=1000).contains(&n) {
            return Err(Error::Invalid {
                what: "SQS event source maximum concurrency",
                value: n.to_string(),
                expected: "2 to 1000 invocations",
            });
        }
        self.maximum_concurrency = Some(n);
        Ok(self)
    }
}

/// A schedule that invokes the function: `Schedule::new("cron(0 3 * * ? *)")?` (checked
/// like EventBridge Scheduler checks it), in UTC unless [`Schedule::time_zone`] says otherwise.
#[derive(Debug, Clone)]
pub struct Schedule {
    expression: ScheduleExpression,
    time_zone: Option<TimeZone>,
}

impl Schedule {
    pub fn new(expression: &str) -> Result<Self, Error> {
        Ok(Self {
            expression: ScheduleExpression::new(expression)?,
            time_zone: None,
        })
    }
    /// An IANA time zone such as `Europe/Berlin`; cron fields are read in it.
    pub fn time_zone(mut self, name: &str) -> Result<Self, Error> {
        self.time_zone = Some(TimeZone::new(name)?);
        Ok(self)
    }
}

/// The subnets and security groups a function runs in: `Vpc::new(&["subnet-…"], &["sg-…"])?`.
/// They become the stack's parameters `SubnetIds` (`List<AWS::EC2::Subnet::Id>`) and
/// `SecurityGroupIds` (`List<AWS::EC2::SecurityGroup::Id>`), with these as defaults, so a
/// deploy may name others and CloudFormation checks every ID exists before changing anything.
#[derive(Debug, Clone)]
pub struct Vpc {
    subnets: Vec<String>,
    security_groups: Vec<String>,
}

impl Vpc {
    /// 1–16 subnet IDs and 1–5 security group IDs (`subnet-`/`sg-` and 8 or 17 hex digits),
    /// each once.
    pub fn new(subnets: &[&str], security_groups: &[&str]) -> Result<Self, Error> {
        fn ids(
            what: &'static str,
            prefix: &str,
            list: &[&str],
            max: usize,
            expected: &'static str,
        ) -> Result<Vec<String>, Error> {
            let valid = |id: &&str| {
                id.strip_prefix(prefix).is_some_and(|hex| {
                    matches!(hex.len(), 8 | 17)
                        && hex
                            .bytes()
                            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
                })
            };
            let once = list
                .iter()
                .enumerate()
                .all(|(i, id)| !list[..i].contains(id));
            if (1..=max).contains(&list.len()) && list.iter().all(valid) && once {
                Ok(list.iter().map(|s| (*s).to_owned()).collect())
            } else {
                Err(Error::Invalid {
                    what,
                    value: list.join(","),
                    expected,
                })
            }
        }
        Ok(Self {
            subnets: ids(
                "VPC subnets",
                "subnet-",
                subnets,
                16,
                "1 to 16 distinct subnet IDs such as subnet-0123456789abcdef0",
            )?,
            security_groups: ids(
                "VPC security groups",
                "sg-",
                security_groups,
                5,
                "1 to 5 distinct security group IDs such as sg-0123456789abcdef0",
            )?,
        })
    }
}

/// A container-image Lambda service. Required settings are constructor arguments; the rest
/// have safe defaults (512 MB, 30 s, logs kept the environment's policy minimum, no tracing,
/// no URL).
#[derive(Debug, Clone)]
pub struct Service {
    name: String,
    environment: Environment,
    source: &'static str,
    description: String,
    image: ContainerImage,
    architecture: Architecture,
    handler: HandlerMode,
    memory: Memory,
    timeout: Timeout,
    ephemeral_storage: EphemeralStorage,
    reserved_concurrency: Option<ReservedConcurrency>,
    tracing: Tracing,
    log_retention: RetentionDays,
    log_level: LogLevel,
    url: Option<FunctionUrl>,
    secrets: Vec<SecretSpec>,
    env: Vec<(String, String)>,
    models: Option<ModelMap>,
    kms_key: Option<Expr>,
    grants: Vec<Grant>,
    alarms: Option<Alarms>,
    safe_deploy: Option<(AliasName, TrafficShift)>,
    smoke_test: Option<String>,
    /// Queues and tables of the stack, by logical ID, in the order added.
    data: Vec<Resource>,
    triggers: Vec<SqsTrigger>,
    schedules: Vec<(LogicalId, Schedule)>,
    provisioned_concurrency: Option<u32>,
    /// Asynchronous invocations' retries, and the queue of the stack failures go to.
    async_failures: Option<(AsyncInvoke, String)>,
    tags: Vec<Tag>,
    vpc: Option<Vpc>,
    /// By logical ID; checked against the stack's resources at build.
    suppressions: Vec<(String, Suppression)>,
    /// `(id, first)`: resource `id`'s `DependsOn` gains `first` ([`Service::after`]).
    order: Vec<(String, LogicalId)>,
    replacement_acks: Vec<(String, ReplacementAck)>,
    policy_exceptions: Vec<(String, PolicyException)>,
    /// Every invalid builder argument, with the resource it was for; `build` reports them all.
    /// (resource, message, fix)
    invalid: Vec<(String, String, String)>,
}

const DEFAULT_MEMORY_MB: u32 = 512;
const DEFAULT_TIMEOUT_S: u32 = 30;

/// The parameter that selects the image: a git commit SHA, so a deploy names exactly one build.
pub const IMAGE_TAG_PARAMETER: &str = "ImageTag";
/// Its `AllowedPattern`: a git commit SHA, so `latest` cannot deploy.
pub(crate) const IMAGE_TAG_PATTERN: &str = "^[0-9a-f]{7,40}$";

impl Service {
    pub fn new(
        name: &str,
        environment: &Environment,
        source: &'static str,
        image: ContainerImage,
        architecture: Architecture,
        handler: HandlerMode,
    ) -> Result<Self, Error> {
        Ok(Self {
            name: name.to_owned(),
            environment: environment.clone(),
            source,
            description: format!("{name} ({})", environment.name()),
            image,
            architecture,
            handler,
            memory: Memory::mb(DEFAULT_MEMORY_MB)?,
            timeout: Timeout::seconds(DEFAULT_TIMEOUT_S)?,
            ephemeral_storage: EphemeralStorage::DEFAULT,
            reserved_concurrency: None,
            tracing: Tracing::PassThrough,
            log_retention: environment.policy().min_log_retention,
            log_level: LogLevel::Info,
            url: None,
            secrets: Vec::new(),
            env: Vec::new(),
            models: None,
            kms_key: None,
            grants: Vec::new(),
            alarms: None,
            safe_deploy: None,
            smoke_test: None,
            data: Vec::new(),
            triggers: Vec::new(),
            schedules: Vec::new(),
            provisioned_concurrency: None,
            async_failures: None,
            tags: Vec::new(),
            vpc: None,
            suppressions: Vec::new(),
            order: Vec::new(),
            replacement_acks: Vec::new(),
            policy_exceptions: Vec::new(),
            invalid: Vec::new(),
        })
    }

    /// Keeps the value, or records the error for `build` to report with its place.
    fn take<T>(&mut self, resource: &str, value: impl Checked<T>) -> Option<T> {
        match value.checked() {
            Ok(v) => Some(v),
            Err(e) => {
                self.invalid
                    .push((resource.to_owned(), e.to_string(), e.fix()));
                None
            }
        }
    }

    pub fn description(mut self, d: &str) -> Self {
        self.description = d.to_owned();
        self
    }
    pub fn memory(mut self, value: impl Checked<Memory>) -> Self {
        if let Some(v) = self.take("Function", value) {
            self.memory = v;
        }
        self
    }
    pub fn timeout(mut self, value: impl Checked<Timeout>) -> Self {
        if let Some(v) = self.take("Function", value) {
            self.timeout = v;
        }
        self
    }
    pub fn ephemeral_storage(mut self, value: impl Checked<EphemeralStorage>) -> Self {
        if let Some(v) = self.take("Function", value) {
            self.ephemeral_storage = v;
        }
        self
    }
    pub fn reserved_concurrency(mut self, value: impl Checked<ReservedConcurrency>) -> Self {
        if let Some(v) = self.take("Function", value) {
            self.reserved_concurrency = Some(v);
        }
        self
    }
    /// Active X-Ray tracing; grants the two X-Ray APIs that only accept `Resource: *`.
    pub fn tracing(mut self, t: Tracing) -> Self {
        self.tracing = t;
        self
    }
    /// How long the log group keeps logs (`RetentionDays::D365`, or `RetentionDays::from_days`'s
    /// `Result`); lint `policy` asks at least the environment kind's minimum.
    pub fn log_retention(mut self, r: impl Checked<RetentionDays>) -> Self {
        if let Some(r) = self.take("FunctionLogGroup", r) {
            self.log_retention = r;
        }
        self
    }
    pub fn log_level(mut self, l: LogLevel) -> Self {
        self.log_level = l;
        self
    }
    pub fn url(mut self, value: impl Checked<FunctionUrl>) -> Self {
        if let Some(v) = self.take("FunctionUrl", value) {
            self.url = Some(v);
        }
        self
    }
    pub fn secret(mut self, s: SecretSpec) -> Self {
        let id = format!("{}Secret", s.id);
        let valid = self
            .take::<LogicalId>(&id, LogicalId::new(id.as_str()))
            .is_some()
            & self
                .take::<EnvName>(&id, EnvName::new(&s.env_var))
                .is_some();
        if valid {
            self.secrets.push(s);
        }
        self
    }
    /// A plain environment variable. Secret-looking values fail the `secret-in-env` lint.
    pub fn env(mut self, name: &str, value: &str) -> Self {
        if self
            .take::<EnvName>("Function", EnvName::new(name))
            .is_some()
        {
            self.env.push((name.to_owned(), value.to_owned()));
        }
        self
    }
    /// Encrypts the log group and the secrets with a customer managed KMS key (its ARN, or an
    /// import of it) instead of keys AWS manages, and lets the role decrypt with it only
    /// through Secrets Manager. The key's policy must let CloudWatch Logs
    /// (`logs.<region>.amazonaws.com`) use it, or the log group cannot be created.
    pub fn kms_key(mut self, key: Expr) -> Self {
        self.kms_key = Some(key);
        self
    }
    /// A path (e.g. `/health`) the deploy workflow GETs through the public Function URL after
    /// deploying, failing the deploy unless it answers 2xx.
    pub fn smoke_test(mut self, path: &str) -> Self {
        if !path.starts_with('/') || path.contains(char::is_whitespace) {
            self.take::<()>(
                "FunctionUrl",
                Err(Error::Invalid {
                    what: "smoke test path",
                    value: path.to_owned(),
                    expected: "an absolute URL path without spaces, such as /health",
                }),
            );
        } else {
            self.smoke_test = Some(path.to_owned());
        }
        self
    }
    /// CloudWatch alarms on the function's errors, throttles, duration near the timeout and
    /// (with a URL) 5xx answers; see [`Alarms`].
    pub fn alarms(mut self, alarms: impl Checked<Alarms>) -> Self {
        if let Some(a) = self.take("Function", alarms) {
            self.alarms = Some(a);
        }
        self
    }
    /// Gradual deploys: every deploy publishes a version behind the alias `live` (the Function
    /// URL moves onto it), CodeDeploy shifts traffic by `shift`, and rolls back when the
    /// errors or URL 5xx alarm fires, or, for a buffered handler, the duration alarm. Needs
    /// [`Service::alarms`].
    pub fn safe_deploy(mut self, shift: TrafficShift) -> Self {
        if let Some(alias) = self.take("Function", AliasName::new("live")) {
            self.safe_deploy = Some((alias, shift));
        }
        self
    }
    /// Adds a typed grant (S3 objects under a prefix, a DynamoDB table and its indexes, SQS,
    /// SNS, SSM parameters by path, KMS decrypt, invoking a function) to the function's role.
    pub fn grant(mut self, grant: impl Checked<Grant>) -> Self {
        if let Some(g) = self.take("FunctionRole", grant) {
            self.grants.push(g);
        }
        self
    }
    /// An SQS queue in the service's stack, as logical ID `id` (retained on delete and
    /// replace: it holds messages). Reference it in grants ([`Grant::queue_send`]), triggers
    /// ([`SqsTrigger`]) and another queue's redrive (`GetAtt <id>.Arn`); with
    /// [`Service::alarms`], a queue other queues redrive to, or failures go to, gets an alarm
    /// on its depth.
    pub fn queue(mut self, id: &str, queue: impl Checked<Queue>) -> Self {
        if let (Some(id), Some(q)) = (self.take(id, LogicalId::new(id)), self.take(id, queue)) {
            self.data
                .push(Resource::new(id, Properties::Queue(q)).retained());
        }
        self
    }
    /// A DynamoDB table in the service's stack, as logical ID `id` (retained on delete and
    /// replace); grant it with [`Grant::table`] and [`Grant::table_index`].
    pub fn table(mut self, id: &str, table: impl Checked<Table>) -> Self {
        if let (Some(id), Some(t)) = (self.take(id, LogicalId::new(id)), self.take(id, table)) {
            self.data
                .push(Resource::new(id, Properties::Table(t)).retained());
        }
        self
    }
    /// A resource of a type infra-gen does not model yet, as logical ID `id` (see
    /// [`Raw`]): validated against its schema in `schemas/cloudformation/` and linted like the
    /// rest; retained unless declared [`Raw::stateless`]. Add a kind instead once a type is
    /// used by more than one service or needs rules of its own.
    pub fn raw(mut self, id: &str, raw: impl Checked<Raw>) -> Self {
        if let (Some(id), Some(r)) = (self.take(id, LogicalId::new(id)), self.take(id, raw)) {
            let stateful = r.is_stateful();
            let resource = Resource::new(id, Properties::Raw(r));
            self.data.push(if stateful {
                resource.retained()
            } else {
                resource
            });
        }
        self
    }
    /// Has CloudFormation create resource `first` of the stack before resource `id` (any
    /// resource of the stack, `Function` included): `first` joins `id`'s `DependsOn`, for an
    /// order no reference gives. An S3 bucket that notifies the function goes
    /// `.after("Uploads", "UploadsInvoke")`, the `AWS::Lambda::Permission` letting S3 invoke
    /// it: S3 checks it may invoke the function when the notification is set.
    pub fn after(mut self, id: &str, first: &str) -> Self {
        if let Some(first) = self.take(id, LogicalId::new(first)) {
            self.order.push((id.to_owned(), first));
        }
        self
    }
    /// Invokes the function with messages of a queue of the stack; see [`SqsTrigger`]. The
    /// queue's visibility timeout must be at least the function's timeout (SQS refuses the
    /// mapping otherwise).
    pub fn trigger(mut self, trigger: impl Checked<SqsTrigger>) -> Self {
        if let Some(t) = self.take("Function", trigger) {
            self.triggers.push(t);
        }
        self
    }
    /// Invokes the function on a schedule named `name` (SAM `ScheduleV2`: an EventBridge
    /// Scheduler schedule and the role it invokes with). Scheduled runs are asynchronous:
    /// [`Service::on_async_failure`] says where failed runs go.
    /// SAM names the schedule `Function<name>`, which EventBridge Scheduler holds to 64
    /// characters, so `name` is at most 56.
    pub fn schedule(mut self, name: &str, schedule: impl Checked<Schedule>) -> Self {
        let name = LogicalId::new(name).and_then(|n| {
            if "Function".len() + n.as_str().len() > 64 {
                return Err(Error::Invalid {
                    what: "schedule name",
                    value: name.to_owned(),
                    expected: "at most 56 characters: SAM names the schedule Function<name>, and EventBridge Scheduler takes 64",
                });
            }
            Ok(n)
        });
        if let (Some(n), Some(s)) = (self.take("Function", name), self.take("Function", schedule)) {
            self.schedules.push((n, s));
        }
        self
    }
    /// Keeps `n` instances initialized on the alias `live`; needs [`Service::safe_deploy`]
    /// (there is no alias without it) and at most the reserved concurrency.
    pub fn provisioned_concurrency(mut self, n: u32) -> Self {
        if n == 0 {
            self.take::<()>(
                "Function",
                Err(Error::Invalid {
                    what: "provisioned concurrency",
                    value: n.to_string(),
                    expected: "at least 1 instance",
                }),
            );
        } else {
            self.provisioned_concurrency = Some(n);
        }
        self
    }
    /// Retries of asynchronous invocations (schedules, other services' events), and the
    /// queue `queue_id` of the stack the events that still fail are sent to; the role may
    /// send to it.
    pub fn on_async_failure(mut self, invoke: impl Checked<AsyncInvoke>, queue_id: &str) -> Self {
        if let Some(a) = self.take("Function", invoke) {
            self.async_failures = Some((a, queue_id.to_owned()));
        }
        self
    }
    /// Runs the function in these subnets and security groups (see [`Vpc`]). The role gets
    /// what Lambda needs to attach it, in the narrowest form AWS documents: describing
    /// network interfaces and subnets (APIs that take only `*`), creating network interfaces
    /// in the stack's account and region, and deleting them and moving their addresses.
    pub fn vpc(mut self, vpc: impl Checked<Vpc>) -> Self {
        if let Some(v) = self.take("Function", vpc) {
            self.vpc = Some(v);
        }
        self
    }
    /// A tag on the stack and every resource in it that takes tags, including those SAM adds
    /// for the function (over the app's tags with the same key).
    pub fn tag(mut self, tag: impl Checked<Tag>) -> Self {
        if let Some(t) = self.take("Function", tag)
            && let Some(tags) = self.take("Function", added(&self.tags, t))
        {
            self.tags = tags;
        }
        self
    }
    /// Grants `bedrock:InvokeModel*` and `bedrock:CountTokens` on exactly these models.
    pub fn bedrock_models(mut self, models: impl Checked<ModelMap>) -> Self {
        if let Some(m) = self.take("FunctionRole", models) {
            self.models = Some(m);
        }
        self
    }

    /// Records that a third-party finding on resource `id` (`Function`, `FunctionLogGroup`,
    /// `FunctionRole`, `<Id>Secret`) does not apply. Keep these rare: each one is a rule the
    /// stack does not meet, justified in writing for every reviewer and scanner run.
    pub fn suppress(mut self, id: &str, suppression: impl Checked<Suppression>) -> Self {
        if let Some(v) = self.take(id, suppression) {
            self.suppressions.push((id.to_owned(), v));
        }
        self
    }
    /// Allows a change that replaces stateful resource `id` (a renamed secret or log group);
    /// see [`ReplacementAck`]. Remove it once deployed.
    pub fn acknowledge_replacement(mut self, id: &str, reason: &str) -> Self {
        if let Some(ack) = self.take(id, ReplacementAck::new(reason)) {
            self.replacement_acks.push((id.to_owned(), ack));
        }
        self
    }

    /// Excepts resource `id` (e.g. `FunctionLogGroup`) from a rule of the environment's
    /// [`Policy`](super::Policy), with the reason; lint `policy` refuses an exception the
    /// resource does not need.
    pub fn except(mut self, id: &str, exception: impl Checked<PolicyException>) -> Self {
        if let Some(e) = self.take(id, exception) {
            self.policy_exceptions.push((id.to_owned(), e));
        }
        self
    }

    pub fn stack_name(&self) -> String {
        format!("{}-{}-service", self.name, self.environment.name())
    }

    /// The stack, or every invalid argument given to the builder (`Error::At` for one,
    /// `Error::Findings` for more), each naming the stack, the resource and the fix.
    pub fn build(mut self) -> Result<Stack, Error> {
        let stack = self.stack_name();
        let invalid = std::mem::take(&mut self.invalid);
        Error::all(
            invalid
                .into_iter()
                .map(|(resource, message, fix)| Error::At {
                    stack: stack.clone(),
                    resource,
                    message,
                    fix,
                })
                .collect(),
        )?;
        // An assembly error without a place (the service's own name, which names the
        // function) is placed on the function.
        self.assemble().map_err(|e| e.at(&stack, "Function"))
    }

    fn assemble(mut self) -> Result<Stack, Error> {
        let stack_name = StackName::new(self.stack_name())?;
        let public_url = matches!(
            &self.url,
            Some(FunctionUrl {
                auth: UrlAuth::Public(_),
                ..
            })
        );
        if self.smoke_test.is_some() && !public_url {
            return Err(Error::At {
                stack: stack_name.to_string(),
                resource: "FunctionUrl".into(),
                message: "a smoke test needs a public Function URL: the deploy workflow calls it without signing".into(),
                fix: "drop smoke_test, or make the URL public with FunctionUrl::public(reason)".into(),
            });
        }
        let env_name = self.environment.name();
        let function_name = FunctionName::new(format!("{}-{env_name}", self.name))?;
        let function_id = LogicalId::new("Function")?;
        let log_id = LogicalId::new("FunctionLogGroup")?;
        let role_id = LogicalId::new("FunctionRole")?;
        let tag_id = LogicalId::new(IMAGE_TAG_PARAMETER)?;

        if let Some(models) = &self.models {
            let unreachable = models.unreachable_from(self.environment.region());
            if !unreachable.is_empty() {
                return Err(Error::Findings(vec![Finding {
                    code: "bedrock-region",
                    stack: stack_name.to_string(),
                    resource: role_id.to_string(),
                    message: format!(
                        "models {} use inference profiles that do not serve {}",
                        unreachable.join(", "),
                        self.environment.region()
                    ),
                    fix: "use a profile for this region's geography in models.json, or deploy to a region it lists".into(),
                }]));
            }
        }

        let mut template = Template::new(self.description.clone());
        template.tags = self.tags.clone();
        template.parameters.push(Parameter {
            id: tag_id.clone(),
            description: "Git commit SHA the image was built from; tags are immutable".into(),
            allowed_pattern: IMAGE_TAG_PATTERN.into(),
            constraint_description: "a git commit SHA (7-40 lowercase hex characters); mutable tags such as latest cannot be deployed".into(),
            kind: crate::model::ParameterKind::String,
            default: None,
        });

        let mut environment = Vec::new();
        let mut statements = vec![Statement::allow(
            "WriteOwnLogs",
            vec![
                Action::new("logs:CreateLogStream")?,
                Action::new("logs:PutLogEvents")?,
            ],
            vec![Expr::get_att(&log_id, "Arn")],
        )];
        let mut outputs = Vec::new();
        for s in &self.secrets {
            let id = LogicalId::new(format!("{}Secret", s.id))?;
            let secret = Secret {
                name: format!("{}/{env_name}/{}", self.name, kebab(&s.id)),
                description: s.description.clone(),
                generate: s.generated_key.as_ref().map(|k| GeneratedValue {
                    json_key: k.clone(),
                    length: 48,
                }),
                kms_key: self.kms_key.clone(),
            };
            template
                .resources
                .push(Resource::new(id.clone(), Properties::Secret(secret)).retained());
            environment.push(EnvVar {
                name: EnvName::new(&s.env_var)?,
                value: Expr::reference(&id),
            });
            statements.push(Statement::allow(
                &format!("Read{}", id),
                vec![Action::new("secretsmanager:GetSecretValue")?],
                vec![Expr::reference(&id)],
            ));
            outputs.push(Output {
                id: LogicalId::new(format!("{id}Arn"))?,
                description: format!("ARN of the secret: {}", s.description),
                value: Expr::reference(&id),
                export: None,
            });
        }
        for (name, value) in &self.env {
            environment.push(EnvVar {
                name: EnvName::new(name)?,
                value: Expr::literal(value.as_str()),
            });
        }
        if let Some(models) = &self.models {
            statements.extend(
                models
                    .grants(self.handler)
                    .map_err(|e| e.at(stack_name.as_str(), role_id.as_str()))?,
            );
        }
        let dead_letter_ids: Vec<String> = redrive_targets(&self.data).map(str::to_owned).collect();
        for r in &mut self.data {
            queue_suppressions(r, &dead_letter_ids, self.async_failures.as_ref())?;
        }
        template.resources.append(&mut self.data);
        let at = |resource: &str, message: String, fix: String| Error::At {
            stack: stack_name.to_string(),
            resource: resource.to_owned(),
            message,
            fix,
        };
        let queue_of = |template: &Template, id: &str| -> Result<Queue, Error> {
            match template.resource(id).map(|r| &r.properties) {
                Some(Properties::Queue(q)) => Ok(q.clone()),
                _ => Err(at(
                    "Function",
                    format!("no queue {id} in the stack"),
                    format!(
                        "add it with Service::queue(\"{id}\", …) or name a queue the stack has"
                    ),
                )),
            }
        };
        let mut events = Vec::new();
        let mut grants = self.grants.clone();
        for t in &self.triggers {
            let queue = queue_of(&template, &t.queue)?;
            if queue.visibility_timeout.seconds() < self.timeout.get() {
                return Err(at(
                    &t.queue,
                    format!(
                        "the queue's visibility timeout ({} s) is shorter than the function's timeout ({} s): SQS refuses the mapping",
                        queue.visibility_timeout.seconds(),
                        self.timeout.get()
                    ),
                    format!(
                        "set the queue's visibility_timeout to at least {} s (AWS suggests six times the function timeout, {} s)",
                        self.timeout.get(),
                        self.timeout.get() * 6
                    ),
                ));
            }
            if queue.name.is_fifo() {
                t.batch
                    .check_fifo()
                    .map_err(|e| at(&t.queue, e.to_string(), e.fix()))?;
            }
            let id = LogicalId::new(t.queue.as_str())?;
            grants.push(Grant::queue_receive(&id)?);
            if let QueueEncryption::Kms(key) = &queue.encryption {
                statements.push(
                    Statement::allow(
                        &format!("Decrypt{id}Messages"),
                        vec![Action::new("kms:Decrypt")?],
                        vec![key.clone()],
                    )
                    .when(
                        "kms:ViaService",
                        Expr::sub("sqs.${AWS::Region}.amazonaws.com"),
                    ),
                );
            }
            events.push(Event {
                name: id.clone(),
                source: EventSource::Sqs(SqsSource {
                    queue: Expr::get_att(&id, "Arn"),
                    batch: t.batch,
                    report_batch_item_failures: t.report_batch_item_failures,
                    maximum_concurrency: t.maximum_concurrency,
                }),
            });
        }
        for (name, schedule) in &self.schedules {
            events.push(Event {
                name: name.clone(),
                source: EventSource::Schedule(ScheduleSource {
                    expression: schedule.expression.clone(),
                    time_zone: schedule.time_zone.clone(),
                    dead_letter: None,
                }),
            });
        }
        let mut async_invoke = None;
        if let Some((invoke, queue_id)) = &self.async_failures {
            queue_of(&template, queue_id)?;
            let id = LogicalId::new(queue_id.as_str())?;
            // Lambda sends failed events with the function's own role.
            statements.push(Statement::allow(
                &format!("SendFailuresTo{id}"),
                vec![Action::new("sqs:SendMessage")?],
                vec![Expr::get_att(&id, "Arn")],
            ));
            let mut invoke = invoke.clone();
            invoke.on_failure = Some((DestinationType::Sqs, Expr::get_att(&id, "Arn")));
            async_invoke = Some(invoke);
        }
        if let Some(n) = self.provisioned_concurrency {
            if self.safe_deploy.is_none() {
                return Err(at(
                    "Function",
                    "provisioned concurrency is configured on an alias, and the function has none".into(),
                    "add .safe_deploy(TrafficShift::…) (it publishes the alias live), or drop provisioned_concurrency".into(),
                ));
            }
            if let Some(reserved) = self.reserved_concurrency
                && n > reserved.get()
            {
                return Err(at(
                    "Function",
                    format!(
                        "provisioned concurrency {n} exceeds the reserved concurrency {}",
                        reserved.get()
                    ),
                    format!(
                        "lower provisioned_concurrency to at most {}, or raise reserved_concurrency",
                        reserved.get()
                    ),
                ));
            }
        }
        for grant in &grants {
            for local in grant.local() {
                check_local(&template, local)
                    .map_err(|(message, fix)| at("FunctionRole", message, fix))?;
            }
        }
        for grant in &grants {
            for statement in grant.statements() {
                // IAM requires statement IDs unique within a policy.
                if statements.iter().any(|s| s.sid == statement.sid) {
                    return Err(Error::At {
                        stack: stack_name.to_string(),
                        resource: role_id.to_string(),
                        message: format!("two statements are named {}", statement.sid),
                        fix: "grant each resource once".into(),
                    });
                }
                statements.push(statement.clone());
            }
        }
        if let Some(key) = &self.kms_key
            && !self.secrets.is_empty()
        {
            statements.push(
                Statement::allow(
                    "DecryptSecretsWithServiceKey",
                    vec![Action::new("kms:Decrypt")?],
                    vec![key.clone()],
                )
                .when(
                    "kms:ViaService",
                    Expr::sub("secretsmanager.${AWS::Region}.amazonaws.com"),
                ),
            );
        }
        let mut vpc_config = None;
        if let Some(vpc) = &self.vpc {
            let subnets = LogicalId::new("SubnetIds")?;
            let groups = LogicalId::new("SecurityGroupIds")?;
            for (id, description, kind, ids) in [
                (
                    &subnets,
                    "Subnets the function's network interfaces go into",
                    crate::model::ParameterKind::SubnetIds,
                    &vpc.subnets,
                ),
                (
                    &groups,
                    "Security groups of the function's network interfaces",
                    crate::model::ParameterKind::SecurityGroupIds,
                    &vpc.security_groups,
                ),
            ] {
                template.parameters.push(Parameter {
                    id: id.clone(),
                    description: description.into(),
                    allowed_pattern: String::new(),
                    constraint_description: String::new(),
                    kind,
                    default: Some(ids.join(",")),
                });
            }
            statements.push(Statement::star_only(
                "VpcDescribeNetwork",
                &[
                    StarOnlyApi::Ec2DescribeNetworkInterfaces,
                    StarOnlyApi::Ec2DescribeSubnets,
                ],
            ));
            let own = |kind: &str| {
                Expr::sub(format!(
                    "arn:${{AWS::Partition}}:ec2:${{AWS::Region}}:${{AWS::AccountId}}:{kind}/*"
                ))
            };
            statements.push(Statement::allow(
                "VpcNetworkInterfaces",
                crate::model::iam::ENI_LIFECYCLE
                    .iter()
                    .map(|(a, _)| Action::new(a))
                    .collect::<Result<_, _>>()?,
                vec![own("network-interface")],
            ));
            statements.push(Statement::allow(
                "VpcAttachToSubnetsAndGroups",
                vec![Action::new("ec2:CreateNetworkInterface")?],
                vec![own("subnet"), own("security-group")],
            ));
            vpc_config = Some(crate::model::lambda::VpcConfig {
                subnet_ids: Expr::reference(&subnets),
                security_group_ids: Expr::reference(&groups),
            });
        }
        if self.tracing == Tracing::Active {
            statements.push(Statement::star_only(
                "XRayTracing",
                &[
                    StarOnlyApi::XrayPutTraceSegments,
                    StarOnlyApi::XrayPutTelemetryRecords,
                ],
            ));
        }

        template.resources.push(
            Resource::new(
                log_id.clone(),
                Properties::LogGroup(LogGroup {
                    name: LogGroup::name_for_function(function_name.as_str()),
                    retention: self.log_retention,
                    kms_key: self.kms_key.clone(),
                }),
            )
            .retained(),
        );
        template.resources.push(Resource::new(
            role_id.clone(),
            Properties::Role(Role {
                description: format!(
                    "Execution role of {}: its logs, its secrets, its models",
                    function_name.as_str()
                ),
                policies: vec![Policy {
                    name: "FunctionPermissions".into(),
                    statements,
                }],
            }),
        ));

        let url = self.url.map(|u| FunctionUrlConfig {
            invoke_mode: u.invoke_mode.unwrap_or(match self.handler {
                HandlerMode::Streaming => InvokeMode::ResponseStream,
                HandlerMode::Buffered => InvokeMode::Buffered,
            }),
            auth: u.auth,
            cors: u.cors,
        });
        let mut function = Function {
            function_name: function_name.clone(),
            description: self.description.clone(),
            image_uri: Expr::SubWith(
                "${RepositoryUri}:${ImageTag}".into(),
                vec![(
                    "RepositoryUri".into(),
                    Expr::import(self.image.repository.uri_export.as_str()),
                )],
            ),
            source: self.image.source.clone(),
            architecture: self.architecture,
            memory: self.memory,
            timeout: self.timeout,
            ephemeral_storage: self.ephemeral_storage,
            environment,
            image_config: self.image.config.clone(),
            logging: LoggingConfig {
                log_group: Expr::reference(&log_id),
                application_level: self.log_level,
                system_level: SystemLogLevel::Warn,
            },
            reserved_concurrency: self.reserved_concurrency,
            tracing: self.tracing,
            role: Expr::get_att(&role_id, "Arn"),
            handler: self.handler,
            url: url.clone(),
            safe_deploy: None,
            events,
            provisioned_concurrency: self.provisioned_concurrency,
            async_invoke,
            vpc: vpc_config,
        };
        let qualifier = self.safe_deploy.as_ref().map(|(alias, _)| alias.as_str());
        let mut alarms = Vec::new();
        if let Some(a) = &self.alarms {
            for (suffix, alarm) in a.build(
                function_name.as_str(),
                qualifier,
                self.timeout.get(),
                url.is_some(),
            ) {
                let id = LogicalId::new(format!("{suffix}Alarm"))?;
                let mut resource = Resource::new(id, Properties::Alarm(alarm));
                if a.topic().is_none() {
                    // Control Tower asks every alarm to notify someone; these are read by the
                    // deploy's rollback or by whoever watches the console.
                    resource.suppressions.push(Suppression::new(
                        Tool::CfnGuard,
                        "cloudwatch_alarm_action_check",
                        if self.safe_deploy.is_some() && suffix != "Throttles" {
                            "CodeDeploy reads this alarm and rolls a gradual deploy back when it fires; \
                             no topic is notified because the definition names none (Alarms::notify)"
                        } else {
                            "the alarm shows in CloudWatch and its state is read by dashboards; no topic \
                             is notified because the definition names none (Alarms::notify)"
                        },
                    )?);
                }
                alarms.push((suffix, resource));
            }
            for (id, name) in dead_letter_queues(&template, function.async_invoke.as_ref()) {
                let mut resource = Resource::new(
                    LogicalId::new(format!("{id}DepthAlarm"))?,
                    Properties::Alarm(queue_depth_alarm(&name, a.topic())),
                );
                if a.topic().is_none() {
                    resource.suppressions.push(Suppression::new(
                        Tool::CfnGuard,
                        "cloudwatch_alarm_action_check",
                        "the alarm shows in CloudWatch and its state is read by dashboards; no topic \
                         is notified because the definition names none (Alarms::notify)",
                    )?);
                }
                alarms.push(("DeadLetters", resource));
            }
            for (id, name) in tables(&template) {
                let mut resource = Resource::new(
                    LogicalId::new(format!("{id}ThrottlesAlarm"))?,
                    Properties::Alarm(table_throttles_alarm(&name, a.topic())),
                );
                if a.topic().is_none() {
                    resource.suppressions.push(Suppression::new(
                        Tool::CfnGuard,
                        "cloudwatch_alarm_action_check",
                        "the alarm shows in CloudWatch and its state is read by dashboards; no topic \
                         is notified because the definition names none (Alarms::notify)",
                    )?);
                }
                alarms.push(("TableThrottles", resource));
            }
            for (id, alarm) in a.build_published(function_name.as_str()) {
                let mut resource = Resource::new(LogicalId::new(id)?, Properties::Alarm(alarm));
                if a.topic().is_none() {
                    resource.suppressions.push(Suppression::new(
                        Tool::CfnGuard,
                        "cloudwatch_alarm_action_check",
                        "the alarm shows in CloudWatch and its state is read by dashboards; no topic \
                         is notified because the definition names none (Alarms::notify)",
                    )?);
                }
                alarms.push(("Published", resource));
            }
        }
        if let Some((alias, shift)) = &self.safe_deploy {
            if alarms.is_empty() {
                return Err(Error::At {
                    stack: stack_name.to_string(),
                    resource: function_id.to_string(),
                    message: "a gradual deploy needs alarms to roll back on".into(),
                    fix: "add .alarms(Alarms::new()) to the service".into(),
                });
            }
            function.safe_deploy = Some(SafeDeploy {
                alias: alias.clone(),
                shift: *shift,
                // Throttles say the concurrency is too low, not that the new code is bad; a
                // streaming handler may legitimately run near its timeout (one long answer),
                // so its duration does not judge a deploy either.
                alarms: alarms
                    .iter()
                    .filter(|(suffix, _)| {
                        // A dead-letter queue's depth may be old failures, not the new code's.
                        // Nor do throttled table writes: capacity, not code.
                        *suffix != "Throttles"
                            && *suffix != "DeadLetters"
                            && *suffix != "TableThrottles"
                            // A published count may say a dependency failed, not the code.
                            && *suffix != "Published"
                            && !(*suffix == "Duration" && self.handler == HandlerMode::Streaming)
                    })
                    .map(|(_, r)| Expr::reference(&r.id))
                    .collect(),
            });
        }
        let mut resource = Resource::new(
            function_id.clone(),
            Properties::Function(Box::new(function)),
        );
        // What `sam build` needs; the context is the repository root, relative to generated/.
        resource
            .metadata
            .insert("Dockerfile".into(), json!(self.image.source.dockerfile));
        resource
            .metadata
            .insert("DockerContext".into(), json!(".."));
        // `sam build --parameter-overrides ImageTag=<sha>` resolves this, so a local build is
        // tagged with the commit like the pushed image (SAM's default tag is `latest`). The
        // platform comes from Architectures: SAM passes it to `docker build --platform`.
        resource
            .metadata
            .insert("DockerTag".into(), json!(Expr::reference(&tag_id)));
        if let Some(FunctionUrlConfig {
            auth: UrlAuth::Public(reason),
            ..
        }) = &url
        {
            resource
                .metadata
                .insert("PublicUrlReason".into(), json!(reason.as_str()));
            // The definition's reason answers the scanners' "URL without auth" findings,
            // which they raise on the URL and on the public invoke permissions SAM adds.
            for (tool, rule) in PublicReason::SCANNER_RULES {
                resource
                    .suppressions
                    .push(Suppression::new(tool, rule, reason.as_str())?);
            }
        }
        if self.vpc.is_some() {
            // The rule reads the subnets as a literal list; here they are the typed parameter,
            // which CloudFormation turns into one.
            resource.suppressions.push(Suppression::new(
                Tool::CfnGuard,
                "lambda_inside_vpc_check",
                "the function runs in a VPC: VpcConfig names the List<AWS::EC2::Subnet::Id> and \
                 List<AWS::EC2::SecurityGroup::Id> parameters SubnetIds and SecurityGroupIds, which \
                 the rule cannot read through their Ref",
            )?);
        }
        if let Some((_, queue)) = &self.async_failures {
            // checkov reads only the older DeadLetterQueue property.
            resource.suppressions.push(Suppression::new(
                Tool::Checkov,
                "CKV_AWS_116",
                format!(
                    "failed asynchronous invocations go to the queue {queue} through an on-failure \
                     destination (EventInvokeConfig), which keeps the error and replaces a dead-letter queue"
                ),
            )?);
        } else if url.is_some() {
            resource.suppressions.push(Suppression::new(
                Tool::Checkov,
                "CKV_AWS_116",
                "the function is invoked synchronously through its Function URL, and Lambda \
                 sends events to a dead-letter queue only for asynchronous invocations",
            )?);
        }
        template.resources.push(resource);
        template
            .resources
            .extend(alarms.into_iter().map(|(_, r)| r));

        // Each unknown ID is reported, under its own name, with the others.
        let mut unknown = Vec::new();
        for (id, suppression) in self.suppressions {
            match resource_named(&mut template, &id) {
                Ok(r) => r.suppressions.push(suppression),
                Err(e) => unknown.push(e.at(stack_name.as_str(), &id)),
            }
        }
        for (id, first) in self.order {
            match resource_named(&mut template, &id) {
                Ok(r) => r.depends_on.push(first),
                Err(e) => unknown.push(e.at(stack_name.as_str(), &id)),
            }
        }
        for (id, ack) in self.replacement_acks {
            match resource_named(&mut template, &id) {
                Ok(r) => r.replacement_ack = Some(ack),
                Err(e) => unknown.push(e.at(stack_name.as_str(), &id)),
            }
        }
        for (id, exception) in self.policy_exceptions {
            match resource_named(&mut template, &id) {
                Ok(r) => r.policy_exceptions.push(exception),
                Err(e) => unknown.push(e.at(stack_name.as_str(), &id)),
            }
        }
        Error::all(unknown)?;

        let mut all_outputs = Vec::new();
        if url.is_some() {
            all_outputs.push(Output {
                id: LogicalId::new("FunctionUrl")?,
                description: "HTTPS endpoint of the function".into(),
                value: Expr::get_att(&LogicalId::new("FunctionUrl")?, "FunctionUrl"),
                export: None,
            });
        }
        all_outputs.push(Output {
            id: LogicalId::new("FunctionArn")?,
            description: "ARN of the function".into(),
            value: Expr::get_att(&function_id, "Arn"),
            export: Some(format!("{stack_name}-FunctionArn")),
        });
        all_outputs.extend(outputs);
        template.outputs = all_outputs;

        Ok(Stack {
            name: stack_name,
            environment: self.environment,
            source: self.source,
            template,
            models: self.models,
            smoke_test: self.smoke_test,
        })
    }
}

/// What the scanners ask of a queue that the builder already answers: SQS-managed encryption
/// is encryption (checkov CKV_AWS_27 recognises only a KMS key), and a queue that holds other
/// queues' or the function's failures needs no dead-letter queue of its own.
fn queue_suppressions(
    r: &mut Resource,
    dead_letter_ids: &[String],
    async_failures: Option<&(AsyncInvoke, String)>,
) -> Result<(), Error> {
    let Properties::Queue(q) = &r.properties else {
        return Ok(());
    };
    if q.encryption == QueueEncryption::SqsManaged {
        r.suppressions.push(Suppression::new(
            Tool::Checkov,
            "CKV_AWS_27",
            "messages are encrypted at rest with SQS-managed keys (SqsManagedSseEnabled); the \
             rule recognises only a KMS key",
        )?);
    }
    let id = r.id.as_str();
    let holds = if dead_letter_ids.iter().any(|d| d == id) {
        Some("the dead-letter queue of another queue of the stack")
    } else if async_failures.is_some_and(|(_, queue)| queue == id) {
        Some("the on-failure destination of the function's asynchronous invocations")
    } else {
        None
    };
    if let Some(what) = holds {
        r.suppressions.push(Suppression::new(
            Tool::CfnGuard,
            "sqs_dlq_check",
            format!("it is {what}: failures end here, and its depth alarm reports them"),
        )?);
    }
    Ok(())
}

/// Whether the table or queue a grant references is in the stack (and has the index).
fn check_local(template: &Template, local: &Local) -> Result<(), (String, String)> {
    match local {
        Local::Queue { id } => match template.resource(id).map(|r| &r.properties) {
            Some(Properties::Queue(_)) => Ok(()),
            _ => Err((
                format!("a grant names queue {id}, which the stack does not have"),
                format!(
                    "add it with Service::queue(\"{id}\", …), or grant an external queue by name with Grant::sqs_send"
                ),
            )),
        },
        Local::Table { id, index } => match template.resource(id).map(|r| &r.properties) {
            Some(Properties::Table(t)) => match index {
                Some(index) if !t.indexes.iter().any(|i| i.name.as_str() == index) => Err((
                    format!(
                        "a grant names index {index} of table {id}, which has {}",
                        if t.indexes.is_empty() {
                            "no indexes".to_owned()
                        } else {
                            t.indexes
                                .iter()
                                .map(|i| i.name.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        }
                    ),
                    "name one of the table's indexes, or add the index with Table::index".into(),
                )),
                _ => Ok(()),
            },
            _ => Err((
                format!("a grant names table {id}, which the stack does not have"),
                format!(
                    "add it with Service::table(\"{id}\", …), or grant an external table by name with Grant::dynamodb"
                ),
            )),
        },
    }
}

/// Queues of the template that hold failures: redrive targets of other queues and the
/// destination of failed asynchronous invocations, with their names.
fn dead_letter_queues(
    template: &Template,
    async_invoke: Option<&AsyncInvoke>,
) -> Vec<(LogicalId, String)> {
    let destination =
        async_invoke
            .and_then(|a| a.on_failure.as_ref())
            .and_then(|(_, arn)| match arn {
                Expr::GetAtt(id, _) => Some(id.as_str()),
                _ => None,
            });
    let targets: Vec<&str> = redrive_targets(&template.resources)
        .chain(destination)
        .collect();
    template
        .resources
        .iter()
        .filter_map(|r| match &r.properties {
            Properties::Queue(q) if targets.contains(&r.id.as_str()) => {
                Some((r.id.clone(), q.name.as_str().to_owned()))
            }
            _ => None,
        })
        .collect()
}

/// The logical IDs queues of `resources` redrive their failed messages to.
fn redrive_targets(resources: &[Resource]) -> impl Iterator<Item = &str> {
    resources.iter().filter_map(|r| match &r.properties {
        Properties::Queue(q) => match q.redrive.as_ref().map(|d| &d.dead_letter_arn) {
            Some(Expr::GetAtt(id, _)) => Some(id.as_str()),
            _ => None,
        },
        _ => None,
    })
}

/// The tables of the stack, by logical ID and name.
fn tables(template: &Template) -> Vec<(LogicalId, String)> {
    template
        .resources
        .iter()
        .filter_map(|r| match &r.properties {
            Properties::Table(t) => Some((r.id.clone(), t.name.as_str().to_owned())),
            _ => None,
        })
        .collect()
}

/// A throttled write is a write the function's caller saw fail or wait (on-demand tables
/// throttle too, past a partition's or the account's throughput).
fn table_throttles_alarm(table_name: &str, topic: Option<&Expr>) -> Alarm {
    super::alarms::any_in_a_minute(
        format!("{table_name}-write-throttles"),
        format!("writes to the DynamoDB table {table_name} were throttled"),
        ("AWS/DynamoDB", "WriteThrottleEvents", Statistic::Sum),
        vec![("TableName".into(), Expr::literal(table_name))],
        topic,
    )
}

/// Any message waiting in a dead-letter queue is a failure someone should look at.
fn queue_depth_alarm(queue_name: &str, topic: Option<&Expr>) -> Alarm {
    super::alarms::any_in_a_minute(
        format!("{queue_name}-depth"),
        format!("messages are waiting in the dead-letter queue {queue_name}"),
        (
            "AWS/SQS",
            "ApproximateNumberOfMessagesVisible",
            Statistic::Maximum,
        ),
        vec![("QueueName".into(), Expr::literal(queue_name))],
        topic,
    )
}

fn resource_named<'a>(template: &'a mut Template, id: &str) -> Result<&'a mut Resource, Error> {
    template
        .resources
        .iter_mut()
        .find(|r| r.id.as_str() == id)
        .ok_or_else(|| Error::Invalid {
            what: "resource to suppress a finding on, acknowledge a replacement of or order",
            value: id.to_owned(),
            expected: "the logical ID of a resource in the service stack, e.g. Function",
        })
}

/// `ApiKey` → `api-key`, for secret names.
fn kebab(id: &str) -> String {
    let mut out = String::new();
    for (i, c) in id.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('-');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::kebab;

    #[test]
    fn secret_ids_become_kebab_case_names() {
        assert_eq!(kebab("ApiKey"), "api-key");
        assert_eq!(kebab("Token"), "token");
    }
}
