//! `iam-escalation`: no action that lets the holder grant itself (or a role it controls) more,
//! judged from AWS's action data (`iam-data/`), not a list of names:
//!
//! * access level *Permissions management*, in any service: policies, grants, resource
//!   policies (`s3:PutBucketPolicy`, `lambda:AddPermission`, `kms:CreateGrant`, …), unless
//!   the action only reads or uses what it names (a read verb, no credential in its name:
//!   `fsx:GetResourcePolicy`, `rds-db:connect`);
//! * a write whose request carries who may do what, by AWS's API models (`iam-data/requests.txt`,
//!   from botocore): a resource's access policy (`es:UpdateDomainConfig`'s `AccessPolicies`,
//!   `kms:CreateKey`'s `Policy`) or the principals it grants to (`ram:AssociateResourceShare`),
//!   unless the service authorizes that policy by an action of its own on the same resource
//!   (`dynamodb:CreateTable`'s `ResourcePolicy` asks `dynamodb:PutResourcePolicy`);
//! * a write whose name says it writes a resource's policy or permissions, which AWS files under
//!   Write for some services (`kinesis:PutResourcePolicy`, `eks:AssociateAccessPolicy`,
//!   `eks:CreateAccessEntry`), or puts a user or member into a group whose members hold its
//!   permissions or role (`cognito-idp:AdminAddUserToGroup`), or the
//!   attributes of a snapshot or image, which say who may restore or launch it
//!   (`rds:ModifyDBSnapshotAttribute`);
//! * a write of an identity service — `iam` and `sts`, IAM Identity Center's `sso`,
//!   `sso-directory`, `identitystore` and `sso-oauth`, IAM Roles Anywhere and Cognito identity
//!   pools, which hand out credentials: identities, keys, passwords, temporary credentials,
//!   group memberships and permission-set assignments (`iam:CreateAccessKey`,
//!   `sts:AssumeRole`, `sso:CreateAccountAssignment`, `identitystore:CreateGroupMembership`),
//!   unless it only reads (`sts:DecodeAuthorizationMessage`, which AWS files under Write) or
//!   only removes what a service holding no restriction grants with
//!   (`cognito-identity:DeleteIdentityPool`); and a read of one handing out a token for the
//!   identities of a resource it names (`cognito-identity:GetOpenIdTokenForDeveloperIdentity`);
//! * a write of AWS Organizations, whose policies and membership bound every principal of an
//!   account (`organizations:LeaveOrganization`, `DisablePolicyType`, `MoveAccount`);
//! * a write setting or handing out a user's credential, in any service (`User` and a
//!   credential word in its name: `ds:ResetUserPassword`, `cognito-idp:AdminSetUserPassword`;
//!   or `User` in its name and a password in its request by AWS's API models:
//!   `cognito-idp:AdminCreateUser`, `mq:CreateUser`);
//! * a write of any service on an IAM principal (a role, user or group, a federated user or the
//!   root user), by the ARN formats the action accepts;
//! * a write on a resource that runs code or resources with a role of its own (a function or
//!   layer, a stack, change set or stack set, an instance, a task definition, a cluster),
//!   other than its own service invoking, starting or stopping it as defined: changing it runs
//!   the holder's code with that role — and so does starting a run whose request may replace
//!   the code (a CodeBuild buildspec, an ECS or Batch container command, a Glue job's script),
//!   or another service reaching into it (`ec2-instance-connect:SendSSHPublicKey`,
//!   `ssm:StartSession`) — but not a write whose request, by AWS's API models
//!   (`iam-data/inert.txt`), carries only the resource's identifiers, numbers, flags, tags and
//!   tokens and which starts and opens nothing (`lambda:PutFunctionConcurrency`,
//!   `lambda:TagResource`): it changes neither what runs nor who runs it;
//! * an action handing out a credential for such a resource, at any access level
//!   (`ec2:GetPasswordData`: an instance's administrator password);
//! * `iam:PassRole`, unless `iam:PassedToService` fixes the services it may be passed to (and
//!   not to `ec2.amazonaws.com`, which every service launching instances passes to); and
//!   then any write of such a service other than invoking (`lambda:CreateFunction` with a role
//!   passed to `lambda.amazonaws.com`, `glue:CreateDevEndpoint` with one passed to Glue):
//!   it creates what runs with the passed role.
//!
//! A KMS grant operation holding only for grants an AWS service makes for a resource
//! (`kms:GrantIsForAWSResource` = `true`) escalates nothing: the service chooses grantee and
//! operations. KMS sets that key on grant operations only, so the condition excuses no other
//! action beside them (`kms:PutKeyPolicy` under `BoolIfExists` is allowed unconditionally).

use super::super::Sink;
use super::super::resolve::Scope;
use crate::model::iam::data::{ActionInfo, Level, ResourceType, Service};
use crate::model::iam::{Action, Role, Statement};

/// Resource types (by ARN service and the start of the resource part) whose resources run
/// with a role of their own, and whether a request starting a run may replace what it runs
/// (AWS's API references: `StartBuild`'s `buildspecOverride`, `RunTask`/`StartTask`'s and
/// `SubmitJob`'s container `command` overrides, `StartJobRun`'s `--scriptLocation`).
const RUNS_WITH_A_ROLE: [(&str, &str, Start); 32] = [
    ("lambda", "function:", Start::AsDefined),
    ("ecs", "task/", Start::AsDefined),
    ("ecs", "service/", Start::AsDefined),
    ("ecs", "task-definition/", Start::Overridable),
    ("states", "stateMachine:", Start::AsDefined),
    ("batch", "job-definition/", Start::Overridable),
    ("lambda", "layer:", Start::AsDefined),
    ("cloudformation", "stack/", Start::AsDefined),
    ("cloudformation", "changeSet/", Start::AsDefined),
    ("cloudformation", "stackset/", Start::AsDefined),
    ("ec2", "instance/", Start::AsDefined),
    ("ssm", "managed-instance/", Start::AsDefined),
    ("glue", "devEndpoint/", Start::AsDefined),
    // A job run's `Arguments` override the job's, `--scriptLocation` and `--extra-py-files`
    // too (AWS Glue's job parameters): the run executes the caller's script with the role.
    ("glue", "job/", Start::Overridable),
    ("sagemaker", "notebook-instance/", Start::AsDefined),
    // Studio's apps run with their user profile's or space's execution role.
    ("sagemaker", "user-profile/", Start::AsDefined),
    ("sagemaker", "space/", Start::AsDefined),
    ("sagemaker", "app/", Start::AsDefined),
    // A lifecycle script runs in the notebook instance with the instance's role.
    (
        "sagemaker",
        "notebook-instance-lifecycle-config/",
        Start::AsDefined,
    ),
    ("codebuild", "project/", Start::Overridable),
    ("datapipeline", "pipeline/", Start::AsDefined),
    // EMR steps run on the cluster's instances with their instance profile.
    ("elasticmapreduce", "cluster/", Start::AsDefined),
    // Application platforms run the deployed code with the service's role: App Runner's
    // instance role, Elastic Beanstalk's instance profile, Amplify's build and compute roles,
    // Managed Airflow's execution role (its CLI runs DAG commands), Managed Flink's role.
    ("apprunner", "service/", Start::AsDefined),
    ("elasticbeanstalk", "environment/", Start::AsDefined),
    ("amplify", "apps/", Start::AsDefined),
    ("airflow", "environment/", Start::AsDefined),
    ("kinesisanalytics", "application/", Start::AsDefined),
    // A Glue interactive session runs each statement sent to it with the session's role.
    ("glue", "session/", Start::AsDefined),
    // Instances launched from a template or configuration run its user data with its profile.
    ("ec2", "launch-template/", Start::AsDefined),
    ("autoscaling", "launchConfiguration:", Start::AsDefined),
    // A maintenance window's tasks and an association run commands on their target instances.
    ("ssm", "maintenancewindow/", Start::AsDefined),
    ("ssm", "association/", Start::AsDefined),
];

/// What a request starting a run of a resource may choose.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Start {
    /// Only its input: the run does what the resource defines.
    AsDefined,
    /// The code or command too.
    Overridable,
}

/// Resource types holding commands that the action runs where it is sent: with an SSM
/// document (`AWS-RunShellScript`) the holder chooses the code an instance runs with its role.
const HOLDS_COMMANDS: [(&str, &str); 1] = [("ssm", "document/")];

pub(super) fn holds_commands(t: &ResourceType) -> bool {
    let (service, part) = resource_part(t);
    HOLDS_COMMANDS
        .iter()
        .any(|(s, p)| *s == service && part.starts_with(p))
}

fn resource_part(t: &ResourceType) -> (&'static str, &'static str) {
    (t.arn_service(), t.arn_resource())
}

/// The services whose resources are AWS identities and what they may do, or that issue AWS
/// credentials and tokens to outside holders: IAM and STS; IAM Identity Center (`sso` assigns
/// permission sets to accounts, `identitystore` and `sso-directory` hold its users and groups,
/// `sso-oauth` issues its users' access tokens); IAM Roles Anywhere (`rolesanywhere`: a trust
/// anchor's certificate authority and a profile's roles decide who gets which role's
/// credentials); Cognito identity pools (`cognito-identity`: which logins, or anyone
/// unauthenticated, get the pool's roles' credentials).
pub(super) const IDENTITY_SERVICES: [&str; 8] = [
    "iam",
    "sts",
    "sso",
    "sso-directory",
    "identitystore",
    "sso-oauth",
    "rolesanywhere",
    "cognito-identity",
];

/// Identity services whose every resource grants and none restricts: a Cognito identity
/// pool hands its roles' credentials to the logins linked to its identities, and nothing in it
/// denies or bounds anyone (unlike IAM's policies and boundaries, Identity Center's permission
/// sets, Roles Anywhere's revocation lists). Removing a pool or an identity, or unlinking a
/// login (which then starts a new identity), takes credentials away and hands out none.
const GRANTS_ONLY: [&str; 1] = ["cognito-identity"];

/// Verbs that remove what they name.
const REMOVE_VERBS: [&str; 2] = ["Delete", "Unlink"];

/// Whether the action only removes what an identity service that holds no restriction
/// ([`GRANTS_ONLY`]) grants with (`cognito-identity:DeleteIdentityPool`, `DeleteIdentities`).
fn only_removes_grants(service: &Service, action: &ActionInfo) -> bool {
    GRANTS_ONLY.contains(&service.prefix)
        && REMOVE_VERBS.iter().any(|v| action.name().starts_with(v))
}

/// Whether a read of an identity service hands out a token or credential for identities of a
/// resource it names (`cognito-identity:GetOpenIdTokenForDeveloperIdentity`: a token for any
/// identity of the pool, exchanged for the pool's role's credentials), which AWS files under
/// Read. One naming no resource issues only the caller's own (`sts:GetSessionToken`) or is a
/// public API (`cognito-identity:GetCredentialsForIdentity`, which needs a login, not IAM).
fn issues_for_others(service: &Service, action: &ActionInfo) -> bool {
    let name = action.name();
    name.starts_with("Get")
        && hands_out_credentials(name)
        && action.resource_types(service).next().is_some()
}

/// The services whose writes set the bounds of every principal of an account: Organizations'
/// service and resource control policies, the policy types enabled, which OU an account is in,
/// its delegated administrators and membership (`organizations:LeaveOrganization` and
/// `DisablePolicyType`, which AWS files under Write, lift every guardrail of the account).
const GOVERNING_SERVICES: [&str; 1] = ["organizations"];

fn is_principal(t: &ResourceType) -> bool {
    match resource_part(t) {
        ("iam", part) => {
            part == "root"
                || ["role/", "user/", "group/"]
                    .iter()
                    .any(|p| part.starts_with(p))
        }
        ("sts", part) => part.starts_with("federated-user/"),
        _ => false,
    }
}

/// How a run of a resource of type `t` starts, if it runs with a role of its own.
fn run_of(t: &ResourceType) -> Option<Start> {
    let (service, part) = resource_part(t);
    RUNS_WITH_A_ROLE
        .iter()
        .find(|(s, p, _)| *s == service && part.starts_with(p))
        .map(|(_, _, start)| *start)
}

pub(super) fn runs_with_a_role(t: &ResourceType) -> bool {
    run_of(t).is_some()
}

/// Verbs that start, feed or end a run as it is defined; the last three end or restart one
/// (`TerminateInstances`, `RebootInstances`, `DeleteFunction`), which runs nothing new.
pub(super) const RUN_VERBS: [&str; 8] = [
    "Invoke",
    "Start",
    "Submit",
    "Send",
    "Stop",
    "Terminate",
    "Reboot",
    "Delete",
];

/// Whether a run verb only ends or restarts what runs.
pub(super) fn ends_a_run(verb: &str) -> bool {
    matches!(verb, "Stop" | "Terminate" | "Reboot" | "Delete")
}

/// Whether `action` only starts, stops or feeds runs as they are defined (`InvokeFunction`,
/// `StartExecution`, `SendTaskSuccess`, `StopTask`, `DeleteFunction`): a verb of running, of
/// the service that owns the resource (another service's `Send`/`Start` reaches into the run:
/// an SSH key, a session), on no resource holding commands (`ssm:SendCommand`'s document)
/// and — unless it ends a run — on none whose start request may replace the code.
pub(super) fn runs_as_defined(service: &Service, action: &ActionInfo) -> bool {
    let name = action.name();
    let verb = RUN_VERBS.into_iter().find(|v| name.starts_with(v));
    let Some(verb) = verb else {
        return false;
    };
    action.resource_types(service).all(|t| {
        !holds_commands(t)
            && match run_of(t) {
                None => true,
                Some(start) => {
                    service.prefix == t.arn_service()
                        && (ends_a_run(verb) || start == Start::AsDefined)
                }
            }
    })
}

/// Verbs of AWS's API names that read or use a resource without changing it: AWS files some
/// such actions under *Permissions management* because of what they read
/// (`quicksight:DescribeTopicPermissions`, `fsx:GetResourcePolicy`) or under *Write* though
/// they change nothing (`sts:DecodeAuthorizationMessage`); `rds-db:connect` logs in to a
/// database as a database user, an identity of the database, not of AWS.
const READ_VERBS: [&str; 8] = [
    "Get", "Describe", "List", "Search", "Validate", "Test", "Decode", "Connect",
];

/// Words in an action's name that say it hands out credentials (`GetFederationToken`,
/// `GetDelegatedAccessToken`, `GetIamPortalLoginUrl`): reading one is acting as someone.
const CREDENTIAL_WORDS: [&str; 4] = ["Token", "Credential", "Password", "Login"];

/// Words in an action's name that say it writes who may do what: AWS files some such writes
/// under *Write* (`kinesis:PutResourcePolicy`, `eks:AssociateAccessPolicy`,
/// `workdocs:AddResourcePermissions`), not *Permissions management*.
const PERMISSION_WORDS: [&str; 5] = [
    "ResourcePolicy",
    "AccessPolicy",
    "PolicyStatement",
    "Permission",
    // EKS's access entries map an IAM principal to the cluster's Kubernetes groups
    // (`system:masters`): an access grant (`eks:CreateAccessEntry`, `UpdateAccessEntry`).
    "AccessEntry",
];

/// Words in an action's name that say it puts a user or member into a group, whose members
/// hold the group's permissions, roles or access: a Cognito user pool group's IAM role
/// (`cognito-idp:AdminAddUserToGroup`), a directory's groups (`ds-data:AddGroupMember`),
/// QuickSight's, WorkDocs' and WorkMail's groups. (A multicast group's or a placement group's
/// members are network interfaces and instances: `…GroupMembers`, `…ToPlacementGroup` say none.)
const MEMBERSHIP_WORDS: [&str; 4] = [
    "UserToGroup",
    "MemberToGroup",
    "GroupMembership",
    "AddGroupMember",
];

/// The actions whose request carries who may do what, from AWS's API models
/// (`iam-data/requests.txt`: `prefix:Action`, what it carries, the request member), sorted.
const REQUESTS: &str = include_str!("../../../iam-data/requests.txt");

/// The writes whose request carries nothing that could be code, configuration that runs code,
/// a role or a policy, by AWS's API models (`iam-data/inert.txt`: `prefix:Action`, sorted):
/// only the resource's identifiers, numbers, flags, enumerated values, timestamps, tags and
/// tokens (`lambda:PutFunctionConcurrency`, `ec2:CreateTags`).
const INERT: &str = include_str!("../../../iam-data/inert.txt");

/// The fields after `service:action` on its line of `text` (tab-separated lines sorted by
/// their whole `prefix:Action`, after `#` header lines): a binary search over the text itself,
/// so no table is built.
fn lookup(text: &'static str, service: &str, action: &str) -> Option<&'static str> {
    // The lines sort by their whole `prefix:Action` (`bedrock-agentcore:` before `bedrock:`).
    let wanted = || service.bytes().chain([b':']).chain(action.bytes());
    let header = text
        .lines()
        .take_while(|l| l.starts_with('#'))
        .map(|l| l.len() + 1)
        .sum::<usize>();
    let (mut lo, mut hi) = (header.min(text.len()), text.len());
    // `lo` is always a line's start and `hi` the start of the line after the range.
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let start = text[lo..mid].rfind('\n').map_or(lo, |i| lo + i + 1);
        let end = text[mid..hi].find('\n').map_or(hi, |i| mid + i);
        let line = &text[start..end];
        let (key, rest) = line.split_once('\t').unwrap_or((line, ""));
        match key.bytes().cmp(wanted()) {
            std::cmp::Ordering::Equal => return Some(rest),
            std::cmp::Ordering::Less => lo = end + 1,
            std::cmp::Ordering::Greater => hi = start,
        }
    }
    None
}

/// What `service:action`'s request carries that says who may do what (`policy` or
/// `principals`) and its member.
pub(super) fn request_grants(service: &str, action: &str) -> Option<(&'static str, &'static str)> {
    lookup(REQUESTS, service, action)?.split_once('\t')
}

/// Verbs that start what a resource holds (`cloudformation:ExecuteChangeSet`,
/// `codebuild:StartSandbox`) and words that open access to what runs
/// (`sagemaker:CreatePresignedNotebookInstanceUrl`, `elasticmapreduce:GetSessionEndpoint`):
/// the run rules judge those, whatever their request carries.
const STARTS_A_RUN: [&str; 5] = ["Execute", "Start", "Run", "Resume", "Signal"];
const OPENS_A_RUN: [&str; 2] = ["Session", "Url"];

/// Whether the action only configures what it acts on: its request carries nothing that
/// could be code, configuration that runs code, a role or a policy ([`INERT`]), and its name
/// neither starts nor opens a run ([`STARTS_A_RUN`], [`OPENS_A_RUN`]). Such a write changes
/// neither what runs nor who runs it (`lambda:PutFunctionConcurrency`, `lambda:TagResource`).
pub(super) fn configures_only(service: &Service, action: &ActionInfo) -> bool {
    let name = action.name();
    !STARTS_A_RUN.iter().any(|v| name.starts_with(v))
        && !OPENS_A_RUN.iter().any(|w| name.contains(w))
        && lookup(INERT, service.prefix, name).is_some()
}

/// Whether the service authorizes a resource's policy by a policy action of its own on the
/// action's resource types (`dynamodb:PutResourcePolicy` for `CreateTable`'s
/// `ResourcePolicy`): a request carrying the policy then needs that action too, which is
/// judged where it is granted.
fn policy_authorized_apart(service: &Service, action: &ActionInfo) -> bool {
    service.actions.iter().any(|other| {
        !std::ptr::eq(other, action)
            && other.name().contains("Policy")
            && (other.has(Level::PermissionsManagement)
                || PERMISSION_WORDS.iter().any(|w| other.name().contains(w)))
            && other
                .resources()
                .iter()
                .any(|r| action.resources().contains(r))
    })
}

/// Whether the action's name says it modifies a snapshot's or image's attributes
/// (`rds:ModifyDBSnapshotAttribute`, `ec2:ModifyImageAttribute`): those say which accounts may
/// restore or launch it, sharing it as a resource policy would (EC2's snapshot one is filed
/// under Permissions management, RDS's and the image ones under Write).
fn shares_a_copy(name: &str) -> bool {
    name.starts_with("Modify")
        && name.ends_with("Attribute")
        && (name.contains("Snapshot") || name.contains("Image"))
}

/// Whether the action's name says it hands out credentials.
pub(super) fn hands_out_credentials(name: &str) -> bool {
    CREDENTIAL_WORDS.iter().any(|w| name.contains(w))
}

/// Whether the action only reads or uses what it names: a read verb first (ignoring case, as
/// `rds-db:connect` is spelled), and no credential in its name.
fn only_reads(action: &ActionInfo) -> bool {
    let name = action.name();
    let verb_end = name
        .char_indices()
        .skip(1)
        .find(|(_, c)| !c.is_ascii_lowercase())
        .map_or(name.len(), |(i, _)| i);
    let verb = &name[..verb_end];
    READ_VERBS.iter().any(|v| v.eq_ignore_ascii_case(verb)) && !hands_out_credentials(name)
}

/// Whether a password member of a request (its path in the API model) is the one the resource
/// checks for its administrator: named `Master…`/`Admin…` (`MasterUserPassword`,
/// `adminPassword`), or a cache's `AuthToken`, not one the resource presents elsewhere (a
/// connection's, a directory join's `Password`).
fn administrators(member: &str) -> bool {
    let last = member
        .rsplit('.')
        .next()
        .unwrap_or(member)
        .to_ascii_lowercase();
    last == "authtoken"
        || (last.ends_with("password") && (last.starts_with("master") || last.starts_with("admin")))
}

/// Whether the action puts a policy named for a resource type it acts on onto that resource
/// (`kafka:PutClusterPolicy`, `oam:PutSinkPolicy`, `mediapackagev2:PutChannelPolicy`): the
/// resource's own policy, who may use it, which AWS files under *Write* for some services and
/// whose API documents it only as "the policy".
fn puts_a_resources_policy(service: &Service, action: &ActionInfo) -> bool {
    let name = action.name();
    let Some(resource) = ["Put", "Set"]
        .iter()
        .find_map(|verb| name.strip_prefix(verb))
        .and_then(|rest| rest.strip_suffix("Policy"))
        .filter(|r| !r.is_empty())
    else {
        return false;
    };
    let letters = |s: &str| -> String {
        s.chars()
            .filter(char::is_ascii_alphabetic)
            .map(|c| c.to_ascii_lowercase())
            .collect()
    };
    let resource = letters(resource);
    action.resource_types(service).any(|t| {
        let t = letters(t.name());
        t == resource || t.strip_suffix('s') == Some(resource.as_str())
    })
}

/// Why the action lets its holder escalate, if it does (`iam:PassRole` is judged with its
/// statement's conditions by [`check`]).
fn danger(service: &Service, action: &ActionInfo) -> Option<String> {
    let writes = action.has(Level::Write) || action.has(Level::Tagging);
    let reads = only_reads(action);
    if action.has(Level::PermissionsManagement) && !reads {
        return Some(
            "its access level is Permissions management: it changes who may do what".into(),
        );
    }
    if writes
        && !reads
        && (PERMISSION_WORDS.iter().any(|w| action.name().contains(w))
            || shares_a_copy(action.name())
            || puts_a_resources_policy(service, action))
    {
        return Some(format!(
            "it is a {} that writes a resource's policy or permissions: it changes who may do what",
            action.level_names().join("/")
        ));
    }
    if writes
        && !reads
        && let Some((what, member)) = request_grants(service.prefix, action.name())
        && (what == "principals" || (what == "policy" && !policy_authorized_apart(service, action)))
    {
        return Some(match what {
            "principals" => format!(
                "it is a {} whose request names the principals it grants to ({member}, by AWS's API model): it changes who may do what",
                action.level_names().join("/")
            ),
            _ => format!(
                "it is a {} whose request sets the resource's access policy ({member}, by AWS's API model): it changes who may do what",
                action.level_names().join("/")
            ),
        });
    }
    if writes && !reads && MEMBERSHIP_WORDS.iter().any(|w| action.name().contains(w)) {
        return Some(format!(
            "it is a {} that puts a user or member into a group: the member gains what the group may do (its permissions or role)",
            action.level_names().join("/")
        ));
    }
    if writes
        && !reads
        && IDENTITY_SERVICES.contains(&service.prefix)
        && !only_removes_grants(service, action)
    {
        return Some(format!(
            "it is a {} write of {}, which creates or changes identities or issues credentials",
            action.level_names().join("/"),
            service.prefix
        ));
    }
    if IDENTITY_SERVICES.contains(&service.prefix) && issues_for_others(service, action) {
        return Some(format!(
            "it hands out a token or credential of {} for identities of the resource it names, which AWS files under {}: its holder acts as them",
            service.prefix,
            action.level_names().join("/")
        ));
    }
    if writes && !reads && GOVERNING_SERVICES.contains(&service.prefix) {
        return Some(format!(
            "it is a {} write of {}, which changes the policies and membership that bound every principal of an account",
            action.level_names().join("/"),
            service.prefix
        ));
    }
    // A user created or changed with a password its request carries, by AWS's API models
    // (`cognito-idp:AdminCreateUser`'s `TemporaryPassword`, a broker's or cache's user): the
    // holder chose the password, so it signs in as that user.
    if writes
        && !reads
        && action.name().contains("User")
        && let Some(("credential", member)) = request_grants(service.prefix, action.name())
    {
        return Some(format!(
            "it is a {} whose request sets a user's password ({member}, by AWS's API model): its holder can sign in as that user",
            action.level_names().join("/")
        ));
    }
    // An administrator's password or a cache's AUTH token set on a resource that exists, by
    // AWS's API models (`rds:ModifyDBInstance`'s `MasterUserPassword`,
    // `docdb-elastic:UpdateCluster`'s `adminUserPassword`, ElastiCache's `AuthToken`): its
    // holder signs in to the resource as its administrator, data included. Creating a resource
    // only chooses the new one's password.
    if writes
        && !reads
        && !action.name().starts_with("Create")
        && let Some(("credential", member)) = request_grants(service.prefix, action.name())
        && administrators(member)
    {
        return Some(format!(
            "it is a {} whose request sets the administrator's password of a resource that exists ({member}, by AWS's API model): its holder signs in to it as its administrator",
            action.level_names().join("/")
        ));
    }
    // A user's credential set or handed out by another service (a directory's or user pool's
    // password, a database's master password): its holder signs in as that user.
    if writes && !reads && hands_out_credentials(action.name()) && action.name().contains("User") {
        return Some(format!(
            "it is a {} that sets or hands out a user's credential: its holder can sign in as that user",
            action.level_names().join("/")
        ));
    }
    // A credential for what runs with a role (an instance's administrator password, a
    // cluster's session credentials) logs in to it: its holder acts with that role, whatever
    // the access level (`ec2:GetPasswordData` is a Read).
    if hands_out_credentials(action.name())
        && let Some(t) = action.resource_types(service).find(|t| runs_with_a_role(t))
    {
        return Some(format!(
            "it hands out a credential for a {} ({}), which runs with a role of its own: its holder acts with that role",
            t.name(),
            t.arn_service()
        ));
    }
    if writes && let Some(t) = action.resource_types(service).find(|t| is_principal(t)) {
        return Some(format!(
            "it writes to an IAM principal (resource type {})",
            t.name()
        ));
    }
    // Associations and maintenance windows run a document's commands on instances with their
    // roles: changing the document changes what they run.
    if writes
        && !reads
        && let Some(t) = action.resource_types(service).find(|t| holds_commands(t))
        && !configures_only(service, action)
    {
        return Some(format!(
            "it changes a {} ({}), whose commands instances run with their own roles",
            t.name(),
            t.arn_service()
        ));
    }
    if writes
        && let Some(t) = action.resource_types(service).find(|t| runs_with_a_role(t))
        && !runs_as_defined(service, action)
        && !configures_only(service, action)
    {
        return Some(format!(
            "it changes a {} ({}), which runs with a role of its own: the holder's code would run with that role",
            t.name(),
            t.arn_service()
        ));
    }
    None
}

/// Whether the statement holds only for grants an AWS service makes for a resource it creates
/// with the key for the holder (`kms:GrantIsForAWSResource` = `true`, AWS's default key policy's
/// "attachment of persistent resources"): the service chooses the grantee and what it may do,
/// the holder gains nothing; KMS sets the key on no other request, so nothing else is granted.
fn for_aws_resources_only(statement: &Statement, scope: &Scope<'_>) -> bool {
    statement.conditions.iter().any(|c| {
        // KMS sets the key on every grant operation, so `…IfExists` changes nothing there.
        matches!(
            c.operator,
            crate::model::iam::Operator::StringEquals
                | crate::model::iam::Operator::StringEqualsIfExists
        ) && c.key.eq_ignore_ascii_case("kms:GrantIsForAWSResource")
            && !c.values.is_empty()
            && c.values.iter().all(|v| {
                scope
                    .resolve(v)
                    .known()
                    .is_some_and(|t| t.eq_ignore_ascii_case("true"))
            })
    })
}

/// The services `iam:PassRole` may pass to, when every `iam:PassedToService` value of the
/// statement is decided and holds no wildcard; `None` when the statement leaves it open.
fn passed_to(statement: &Statement, scope: &Scope<'_>) -> Option<Vec<String>> {
    // StringLike compares a value without `*` or `?` exactly, as StringEquals does.
    let condition = statement
        .conditions
        .iter()
        .find(|c| c.key.eq_ignore_ascii_case("iam:PassedToService"))?;
    let mut services = Vec::new();
    for v in &condition.values {
        let r = scope.resolve(v);
        let text = r
            .known()
            .filter(|t| !t.is_empty() && !t.contains(['*', '?']))?;
        services.push(text.to_owned());
    }
    (!services.is_empty()).then_some(services)
}

/// The service of the principal an instance profile's role is passed to (`ec2.amazonaws.com`). An instance profile lets EC2 pass
/// its role to every instance launched with it, and each service that launches instances for
/// its caller (EC2 itself, Auto Scaling groups and launch configurations, Spot and Fleet
/// requests, EMR, Batch, Elastic Beanstalk, …) takes the pass under this one principal: naming
/// it does not fix which service's writes run code with the role.
const INSTANCE_PROFILES: &str = "ec2";

/// Whether service principal `principal` (`ecs-tasks.amazonaws.com`) is of the action prefix
/// `prefix` (`ecs`), ignoring case: `StringEqualsIgnoreCase` matches `EC2.amazonaws.com` to the
/// principal EC2 passes to.
fn principal_of(principal: &str, prefix: &str) -> bool {
    let label = principal.split('.').next().unwrap_or_default();
    label.get(..prefix.len()).is_some_and(|head| {
        head.eq_ignore_ascii_case(prefix)
            && matches!(label[prefix.len()..].bytes().next(), None | Some(b'-'))
    })
}

/// The escalation an action grants in `statement`, if any; `passed` are the services the
/// role may pass roles to.
fn of(
    action: &Action,
    statement: &Statement,
    scope: &Scope<'_>,
    passed: &[String],
) -> Option<String> {
    let (service, info) = action.info();
    if service.prefix == "iam" && info.name() == "PassRole" {
        return match passed_to(statement, scope) {
            None => Some(
                "it passes a role to any service, which then acts with that role's rights".into(),
            ),
            Some(to) if to.iter().any(|p| principal_of(p, INSTANCE_PROFILES)) => Some(
                "it passes a role to EC2, as an instance profile's role: every service that launches instances (Auto Scaling, EC2 Fleet and Spot, EMR, Batch, …) runs them with it, so the condition does not fix which writes run code with the role"
                    .into(),
            ),
            Some(_) => None,
        };
    }
    // KMS sets the key on its grant operations only (`CreateGrant`, `ListGrants`,
    // `RevokeGrant`): any other action of the statement is allowed where the condition does not
    // hold it (under `BoolIfExists`, always), so it is judged as if unconditioned.
    if service.prefix == "kms"
        && info.name().contains("Grant")
        && for_aws_resources_only(statement, scope)
    {
        return None;
    }
    if let Some(why) = danger(service, info) {
        return Some(why);
    }
    let principal = passed.iter().find(|p| principal_of(p, service.prefix));
    let writes = || {
        info.has(Level::Write) && !runs_as_defined(service, info) && !configures_only(service, info)
    };
    match principal {
        Some(p) if writes() => Some(format!(
            "the role may also pass roles to {p}, and this write creates or changes what runs there with the passed role"
        )),
        _ => None,
    }
}

pub(crate) fn check(role: &Role, id: &str, sink: &mut Sink<'_>) {
    let scope = sink.scope();
    let statements = || role.policies.iter().flat_map(|p| &p.statements);
    let passed: Vec<String> = statements()
        .filter(|s| s.actions.iter().any(|a| a.as_str() == "iam:PassRole"))
        .filter_map(|s| passed_to(s, &scope))
        .flatten()
        .collect();
    for statement in statements() {
        for action in &statement.actions {
            if let Some(why) = of(action, statement, &scope, &passed) {
                sink.push(
                    "iam-escalation",
                    id,
                    format!(
                        "statement {} grants {}, which lets the role escalate its own privileges: {why}",
                        statement.sid,
                        action.as_str()
                    ),
                    "remove the action: a function role never manages IAM, credentials, policies or code; pass roles only with Condition iam:PassedToService naming the service (e.g. lambda.amazonaws.com), and never with that service's create or update actions",
                );
            }
        }
    }
}
