//! The account side, derived from the stacks: one bootstrap stack per AWS account holding
//! GitHub's OIDC provider (an account has one per issuer), and per GitHub environment a deploy
//! role GitHub assumes and the CloudFormation execution role its deploys pass, plus one
//! read-only drift role. The execution and drift roles hold exactly what the kinds'
//! [`Kind::deploy`](crate::model::Kind::deploy) declarations say the environment's resources
//! need, on their ARNs; the deploy role can only run change sets of its environment's stacks,
//! push its images and pass its execution role.
//!
//! Why per account, not per environment: IAM is global and an account holds one provider for
//! `token.actions.githubusercontent.com`, so one stack owns it; every environment's roles sit
//! beside it, each role scoped to its own environment's names, and a change to one environment
//! shows on the review page as a change of that environment's roles.

use std::collections::{BTreeMap, HashMap};

use super::{App, Environment, Stack};
use crate::Error;
use crate::model::access::{Arn, Deployed, READ, Target, WRITE};
use crate::model::iam::account::{
    AccountRole, GithubRepository, GithubSubject, OidcProvider, RoleName, Trust, Widening,
};
use crate::model::iam::data::{Subject, UNKNOWN};
use crate::model::iam::{Action, Condition, Operator, Policy, Statement};
use crate::model::lambda::access::BY_FUNCTION_ARN;
use crate::model::{Expr, LogicalId, Output, Properties, Resource, StackName, Template};

/// A 12-digit AWS account ID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountId(String);

impl AccountId {
    pub fn new(id: &str) -> Result<Self, Error> {
        crate::model::validate_name("AWS account ID", id, "12 digits", |s| {
            s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
        })?;
        Ok(Self(id.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Whether the bootstrap stack creates GitHub's OIDC provider or trusts one the account has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provider {
    Create,
    /// The account already has a provider for GitHub's issuer (IAM derives its ARN from the
    /// issuer, so the roles name it without a parameter).
    Existing,
}

/// The environment name of the bootstrap stack itself.
pub const ACCOUNT_ENVIRONMENT: &str = "account";
/// The branch the drift workflow runs on.
const DRIFT_BRANCH: &str = "main";
/// The workflow the deploy role serves runs `sam deploy` and `infra-gen plan`.
const CHANGE_SET_ACTIONS: [&str; 6] = [
    "cloudformation:CreateChangeSet",
    "cloudformation:DescribeChangeSet",
    "cloudformation:ExecuteChangeSet",
    "cloudformation:DeleteChangeSet",
    "cloudformation:DescribeStacks",
    "cloudformation:DescribeStackEvents",
];
const PUSH_ACTIONS: [&str; 8] = [
    "ecr:BatchCheckLayerAvailability",
    "ecr:InitiateLayerUpload",
    "ecr:UploadLayerPart",
    "ecr:CompleteLayerUpload",
    "ecr:PutImage",
    "ecr:BatchGetImage",
    "ecr:GetDownloadUrlForLayer",
    "ecr:DescribeImages",
];
/// What `infra-gen diff --deployed` and `drift` call on every stack (and
/// `DescribeStackDriftDetectionStatus`, which acts on no resource type).
const DRIFT_ACTIONS: [&str; 4] = [
    "cloudformation:DescribeStacks",
    "cloudformation:GetTemplate",
    "cloudformation:DetectStackDrift",
    "cloudformation:DescribeStackResourceDrifts",
];
const SERVERLESS_TRANSFORM: &str = "transform/Serverless-2016-10-31";

/// The account side of an [`App`]: build it after every other stack is pushed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bootstrap {
    repository: GithubRepository,
    account: AccountId,
    environment: Environment,
    provider: Provider,
    source: &'static str,
}

/// The roles of one GitHub environment: the deploy role its jobs assume and the read-only
/// role of the drift workflow for its stacks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvironmentRoles {
    pub environment: String,
    /// `None` for the bootstrap stack's own environment: it is deployed by an administrator.
    pub deploy: Option<RoleName>,
    pub drift: RoleName,
}

/// What the workflows and `samconfig.toml` need to know of the account side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountSide {
    pub account: AccountId,
    pub stack: StackName,
    pub environments: Vec<EnvironmentRoles>,
    /// Each stack's CloudFormation execution role (one per stack: a stack's deploy can touch
    /// only its own resources, and each role stays within IAM's inline policy size).
    pub execution: Vec<(StackName, RoleName)>,
}

impl AccountSide {
    /// The ARN of role `name` in the account.
    pub fn role_arn(&self, name: &RoleName) -> String {
        format!(
            "arn:aws:iam::{}:role/{}",
            self.account.as_str(),
            name.as_str()
        )
    }
    /// The roles of GitHub environment `environment`.
    pub fn roles(&self, environment: &str) -> Option<&EnvironmentRoles> {
        self.environments
            .iter()
            .find(|e| e.environment == environment)
    }
    /// The execution role CloudFormation deploys stack `stack` with.
    pub fn execution_role(&self, stack: &str) -> Option<&RoleName> {
        self.execution
            .iter()
            .find(|(s, _)| s.as_str() == stack)
            .map(|(_, r)| r)
    }
}

impl Bootstrap {
    /// The account side for `repository`'s workflows in `account`, deployed once (with
    /// administrator credentials) to `region`. `source` is the defining file (`file!()`).
    pub fn new(
        repository: &str,
        account: &str,
        region: &str,
        source: &'static str,
    ) -> Result<Self, Error> {
        Ok(Self {
            repository: GithubRepository::new(repository)?,
            account: AccountId::new(account)?,
            environment: Environment::new(ACCOUNT_ENVIRONMENT, region)?,
            provider: Provider::Create,
            source,
        })
    }

    /// Trusts the account's existing provider for GitHub's issuer instead of creating one.
    pub fn existing_oidc_provider(mut self) -> Self {
        self.provider = Provider::Existing;
        self
    }

    /// The role names and stack name, from the repository's and the stacks' names.
    pub fn side(&self, app: &App) -> Result<AccountSide, Error> {
        self.side_of(&app.stacks().iter().collect::<Vec<_>>())
    }

    fn side_of(&self, all: &[&Stack]) -> Result<AccountSide, Error> {
        let prefix = self
            .repository
            .as_str()
            .split_once('/')
            .map_or("", |(_, name)| name)
            .to_ascii_lowercase()
            .replace(['.', '_'], "-");
        let mut environments: Vec<EnvironmentRoles> = Vec::new();
        let mut execution = Vec::new();
        for stack in all {
            let env = stack.environment.name();
            if env == ACCOUNT_ENVIRONMENT {
                return Err(Error::At {
                    stack: stack.name.to_string(),
                    resource: "(stack)".into(),
                    message: format!(
                        "environment name {ACCOUNT_ENVIRONMENT:?} is the bootstrap stack's"
                    ),
                    fix: "name the environment otherwise".into(),
                });
            }
            if !environments.iter().any(|e| e.environment == env) {
                environments.push(EnvironmentRoles {
                    environment: env.to_owned(),
                    deploy: Some(RoleName::new(&format!("{prefix}-{env}-deploy"))?),
                    drift: RoleName::new(&format!("{prefix}-{env}-drift"))?,
                });
            }
            // Names CloudFormation generates are `<stack>-…`: the patterns granted for one stack
            // must not reach another's.
            if let Some(other) = all
                .iter()
                .find(|o| o.name.as_str().starts_with(&format!("{}-", stack.name)))
            {
                return Err(Error::At {
                    stack: other.name.to_string(),
                    resource: "(stack)".into(),
                    message: format!(
                        "its name extends {}'s, so the execution role's patterns for the names CloudFormation generates in {} (`{}-*`) would reach its resources too",
                        stack.name, stack.name, stack.name
                    ),
                    fix: "rename one of the two stacks so that neither name is the other's followed by a hyphen".into(),
                });
            }
            let role = RoleName::new(&format!("{}-cfn-execution", stack.name))
                .map_err(|e| e.at(stack.name.as_str(), "(stack)"))?;
            execution.push((stack.name.clone(), role));
        }
        environments.push(EnvironmentRoles {
            environment: ACCOUNT_ENVIRONMENT.to_owned(),
            deploy: None,
            drift: RoleName::new(&format!("{prefix}-{ACCOUNT_ENVIRONMENT}-drift"))?,
        });
        Ok(AccountSide {
            account: self.account.clone(),
            stack: StackName::new(format!("{prefix}-{ACCOUNT_ENVIRONMENT}-bootstrap"))?,
            environments,
            execution,
        })
    }

    /// The bootstrap stack for `app`'s stacks.
    pub fn build(&self, app: &App) -> Result<(Stack, AccountSide), Error> {
        self.build_for(&app.stacks().iter().collect::<Vec<_>>())
    }

    /// The bootstrap stack for stacks `all` (every stack of an app but the bootstrap stack).
    pub(crate) fn build_for(&self, all: &[&Stack]) -> Result<(Stack, AccountSide), Error> {
        let side = self.side_of(all)?;
        let provider = OidcProvider::arn();
        let mut template = Template::new(format!(
            "Account side of {}: GitHub's OIDC provider, per environment the deploy and drift roles, per stack CloudFormation's execution role, derived from the stacks",
            self.repository.as_str()
        ));
        let place = |e: Error| e.at(side.stack.as_str(), "Bootstrap");
        if self.provider == Provider::Create {
            template.resources.push(
                Resource::new(
                    id("GitHubOidcProvider")?,
                    Properties::OidcProvider(OidcProvider),
                )
                .retained(),
            );
        }
        for stack in all {
            let Some(name) = side.execution_role(stack.name.as_str()) else {
                continue;
            };
            template.resources.push(Resource::new(
                id(&format!("{}ExecutionRole", pascal(stack.name.as_str())))?,
                Properties::AccountRole(execution_role(all, stack, name)?),
            ));
        }
        for roles in &side.environments {
            let Some(deploy) = &roles.deploy else {
                continue;
            };
            let stacks: Vec<&Stack> = all
                .iter()
                .copied()
                .filter(|s| s.environment.name() == roles.environment)
                .collect();
            let role = deploy_role(
                &self.repository,
                &provider,
                &stacks,
                deploy,
                &roles.environment,
                &side,
            )
            .map_err(place)?;
            template.resources.push(Resource::new(
                id(&format!("{}DeployRole", pascal(&roles.environment)))?,
                Properties::AccountRole(role),
            ));
        }
        // Drift roles read the bootstrap stack too (its own environment's role), themselves
        // included: added empty first, then given the statements the finished stack needs.
        let drift_ids: Vec<(LogicalId, &EnvironmentRoles)> = side
            .environments
            .iter()
            .map(|r| Ok((id(&format!("{}DriftRole", pascal(&r.environment)))?, r)))
            .collect::<Result<_, Error>>()?;
        for (drift_id, roles) in &drift_ids {
            template.resources.push(Resource::new(
                drift_id.clone(),
                Properties::AccountRole(AccountRole {
                    name: roles.drift.clone(),
                    description: format!(
                        "GitHub Actions' drift role for environment {}: reads its stacks and what drift detection reads of each resource, changes nothing",
                        roles.environment
                    ),
                    trust: Trust::Github {
                        provider: provider.clone(),
                        subjects: vec![GithubSubject::Branch(
                            self.repository.clone(),
                            DRIFT_BRANCH.into(),
                        )],
                    },
                    policies: Vec::new(),
                    widenings: Vec::new(),
                }),
            ));
        }
        let mut stack = Stack {
            name: side.stack.clone(),
            environment: self.environment.clone(),
            source: self.source,
            template,
            models: None,
            smoke_test: None,
        };
        let mut statements = Vec::new();
        for (_, roles) in &drift_ids {
            let stacks: Vec<&Stack> = all
                .iter()
                .copied()
                .chain([&stack])
                .filter(|s| s.environment.name() == roles.environment)
                .collect();
            statements.push(drift_grants(all, &stacks)?);
        }
        let template = &mut stack.template;
        for ((drift_id, _), (policy, widenings)) in drift_ids.iter().zip(statements) {
            if let Some(Properties::AccountRole(role)) = template
                .resources
                .iter_mut()
                .find(|r| r.id == *drift_id)
                .map(|r| &mut r.properties)
            {
                role.policies = vec![policy];
                role.widenings = widenings;
            }
        }
        for (output, role) in template
            .resources
            .iter()
            .filter(|r| matches!(r.properties, Properties::AccountRole(_)))
            .map(|r| (format!("{}Arn", r.id), r.id.clone()))
            .collect::<Vec<_>>()
        {
            template.outputs.push(Output {
                id: id(&output)?,
                description: format!("ARN of {role}"),
                value: Expr::get_att(&role, "Arn"),
                export: None,
            });
        }
        Ok((stack, side))
    }
}

/// `chatrix-prod-service` as `ChatrixProdService`, for logical IDs.
fn pascal(name: &str) -> String {
    name.split('-').map(capitalized).collect()
}

fn id(s: &str) -> Result<LogicalId, Error> {
    LogicalId::new(s)
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
        .unwrap_or_default()
}

/// A condition before it becomes a [`Condition`]: operator, key and values.
type Cond = (Operator, String, Vec<String>);

/// One grant before grouping: an action on a resource, under conditions.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Grant {
    /// `"*"`, an ARN as a `Fn::Sub` template, or a literal ARN.
    resource: String,
    conditions: Vec<Cond>,
}

/// Actions per grant, and why each `"*"` or pattern is needed.
#[derive(Default)]
struct Grants {
    by: BTreeMap<Grant, Vec<&'static str>>,
    /// Why each action granted on `"*"` is needed.
    star_reasons: BTreeMap<&'static str, Vec<String>>,
    fits: Fits,
}

impl Grants {
    /// Grants `action` (of the static declarations; checked against AWS's data once more when
    /// the statements are made).
    fn add(&mut self, action: &'static str, grant: Grant) -> Result<(), Error> {
        let actions = self.by.entry(grant).or_default();
        if !actions.contains(&action) {
            actions.push(action);
        }
        Ok(())
    }

    fn star(
        &mut self,
        action: &'static str,
        why: &str,
        conditions: Vec<Cond>,
    ) -> Result<(), Error> {
        let reasons = self.star_reasons.entry(action).or_default();
        if !reasons.iter().any(|r| r == why) {
            reasons.push(why.to_owned());
        }
        self.add(
            action,
            Grant {
                resource: "*".into(),
                conditions,
            },
        )
    }

    /// Statements, one per set of resources and conditions sharing the same actions; each on
    /// `"*"` or a pattern comes with its widening.
    fn statements(self, prefix: &str) -> Result<(Vec<Statement>, Vec<Widening>), Error> {
        // Resources that take the same actions under the same conditions share a statement.
        let mut merged: BTreeMap<(Vec<String>, Vec<Cond>), Vec<String>> = BTreeMap::new();
        for (grant, mut actions) in self.by {
            actions.sort_unstable();
            let key: Vec<String> = actions.iter().map(|a| (*a).to_owned()).collect();
            merged
                .entry((key, grant.conditions))
                .or_default()
                .push(grant.resource);
        }
        let mut statements = Vec::new();
        let mut widenings = Vec::new();
        for (n, ((actions, conditions), resources)) in merged.into_iter().enumerate() {
            let sid = format!("{prefix}{}", n + 1);
            let star = resources.iter().any(|r| r == "*");
            let patterns: Vec<&String> = resources
                .iter()
                .filter(|r| *r != "*" && r.contains(['*', '?']))
                .collect();
            if star {
                let mut why: Vec<&str> = actions
                    .iter()
                    .filter_map(|a| self.star_reasons.get(a.as_str()))
                    .flatten()
                    .map(String::as_str)
                    .collect();
                why.dedup();
                let reason = format!(
                    "AWS's data says {} act on no resource type, so IAM accepts only \"*\" for them; {}",
                    actions.join(", "),
                    why.join("; ")
                );
                widenings.extend(Widening::new(&sid, reason));
            } else if !patterns.is_empty() {
                let mut reasons: Vec<&str> = patterns.iter().map(|p| pattern_reason(p)).collect();
                reasons.sort_unstable();
                reasons.dedup();
                widenings.extend(Widening::new(&sid, reasons.join("; ")));
            }
            let actions: Vec<Action> = actions
                .iter()
                .map(|a| Action::new(a))
                .collect::<Result<_, Error>>()?;
            let resources = resources
                .into_iter()
                .map(|r| {
                    if r == "*" || !r.contains("${") {
                        Expr::literal(r)
                    } else {
                        Expr::sub(r)
                    }
                })
                .collect();
            let mut s = Statement::allow(&sid, actions, resources);
            s.conditions = conditions
                .into_iter()
                .map(|(operator, key, values)| Condition {
                    operator,
                    key,
                    values: values.into_iter().map(value_expr).collect(),
                })
                .collect();
            statements.push(s);
        }
        Ok((statements, widenings))
    }
}

fn value_expr(v: String) -> Expr {
    if v.contains("${") {
        Expr::sub(v)
    } else {
        Expr::literal(v)
    }
}

/// Why an ARN of the grants holds a pattern, by its shape.
fn pattern_reason(resource: &str) -> &'static str {
    if resource.contains(":event-source-mapping:") {
        "Lambda picks an event source mapping's UUID; its writes are narrowed to the function by lambda:FunctionArn"
    } else if resource.ends_with("-??????") {
        "Secrets Manager appends six random characters to a secret's name"
    } else if resource.contains(":function:") || resource.contains(":log-group:") {
        "a function's versions and alias, and a log group's streams, are named after it (`<name>:*`)"
    } else if resource.contains(":stack/") {
        "CloudFormation appends a stack's ID to its ARN (`stack/<name>/<id>`)"
    } else {
        "CloudFormation names what it creates `<stack>-<LogicalId>-<random suffix>`: the pattern keeps the grant to the stack's own resources"
    }
}

/// Whether actions may act on ARNs, by AWS's data: some resource type the action accepts has
/// an ARN format that can name the ARN. Each ARN is matched once per service against all of
/// the service's resource types, so checking many actions on it costs lookups only.
#[derive(Default)]
pub(crate) struct Fits {
    /// Per service prefix and ARN: the indexes of the service's resource types it fits.
    admitted: HashMap<&'static str, HashMap<String, Vec<u16>>>,
}

impl Fits {
    /// Whether `action` may act on `arn` (a `Fn::Sub` template or literal ARN). One addition
    /// the data lacks: CloudFormation authorizes the transforms a change set uses as
    /// resources of `CreateChangeSet` (`arn:<partition>:cloudformation:<region>:aws:transform/<name>`).
    pub(crate) fn fits(&mut self, action: &str, arn: &str) -> bool {
        let Some((service, info)) = crate::model::iam::data::action(action) else {
            return false;
        };
        self.fits_action(service, info, action, arn)
    }

    /// Those of `arns` `action` may act on, in order: the action is looked up once.
    fn fitting<'a>(&mut self, action: &str, arns: &'a [String]) -> Vec<&'a String> {
        let Some((service, info)) = crate::model::iam::data::action(action) else {
            return Vec::new();
        };
        arns.iter()
            .filter(|arn| self.fits_action(service, info, action, arn))
            .collect()
    }

    fn fits_action(
        &mut self,
        service: &'static crate::model::iam::data::Service,
        info: &'static crate::model::iam::data::ActionInfo,
        action: &str,
        arn: &str,
    ) -> bool {
        let by_arn = self.admitted.entry(service.prefix).or_default();
        let judge = |admitted: &[u16]| {
            if admitted.contains(&u16::MAX) {
                return action == "cloudformation:CreateChangeSet";
            }
            info.resources().iter().any(|i| admitted.contains(i))
        };
        // One hash of the ARN when it was seen before (most are: every action of a resource
        // asks about the same ARNs).
        if let Some(admitted) = by_arn.get(arn) {
            return judge(admitted);
        }
        let admitted = admitted_types(service, arn);
        let fits = judge(&admitted);
        by_arn.insert(arn.to_owned(), admitted);
        fits
    }
}

/// The indexes of `service`'s resource types whose ARN format can name `arn`; `u16::MAX` for
/// a transform (see [`Fits::fits`]).
fn admitted_types(service: &crate::model::iam::data::Service, arn: &str) -> Vec<u16> {
    let text = arn
        .replace("${AWS::Partition}", "aws")
        .replace("${AWS::AccountId}", "123456789012")
        .replace(['*', '?'], &UNKNOWN.to_string());
    let Some(subject) = Subject::parse(&text) else {
        return Vec::new();
    };
    let mut types: Vec<u16> = (0..service.resources.len())
        .filter(|&i| service.resources[i].admits(&subject))
        .filter_map(|i| u16::try_from(i).ok())
        .collect();
    if service.prefix == "cloudformation" && is_transform(&text) {
        // Stands for every type: only CreateChangeSet is let through.
        types.push(u16::MAX);
    }
    types
}

fn is_transform(arn: &str) -> bool {
    matches!(
        arn.splitn(6, ':').collect::<Vec<_>>().as_slice(),
        ["arn", _, "cloudformation", _, "aws", resource] if resource.starts_with("transform/")
    )
}

fn star_only(action: &str) -> bool {
    crate::model::iam::data::action(action).is_some_and(|(_, info)| info.star_only())
}

/// The grants resource `d` of `stack` needs for operations `ops`.
fn derive(
    all: &[&Stack],
    stack: &Stack,
    resource: &str,
    d: &Deployed,
    ops: u8,
    grants: &mut Grants,
) -> Result<(), Error> {
    let region = stack.environment.region();
    let at = |message: String| {
        Error::At {
        stack: stack.name.to_string(),
        resource: resource.to_owned(),
        message,
        fix: "correct the kind's deploy declaration (Kind::deploy, model/access.rs) or the definition".into(),
    }
    };
    let narrowing = d.narrowed_by.as_ref().map(|(key, arns)| {
        let mut values: Vec<String> = arns.iter().map(|a| a.sub(region)).collect();
        values.sort();
        vec![(Operator::StringLike, (*key).to_owned(), values)]
    });
    // Each declared ARN as this region writes it, once, not once per action.
    let arns: Vec<String> = d.arns.iter().map(|a| a.sub(region)).collect();
    for action in d.access.actions(ops) {
        let conditions = match &narrowing {
            Some(c) if BY_FUNCTION_ARN.contains(&action) => c.clone(),
            _ => Vec::new(),
        };
        if star_only(action) {
            grants.star(
                action,
                &format!("{} calls {action} for {}", d.access.type_name, d.id),
                conditions,
            )?;
            continue;
        }
        let fitting = grants.fits.fitting(action, &arns);
        if fitting.is_empty() {
            return Err(at(format!(
                "{} declares {action} on {}, none of which is a resource type {action} accepts (AWS's data)",
                d.access.type_name,
                arns.join(", ")
            )));
        }
        for arn in fitting {
            grants.add(
                action,
                Grant {
                    resource: arn.clone(),
                    conditions: conditions.clone(),
                },
            )?;
        }
    }
    for u in d.uses.iter().filter(|u| u.ops & ops != 0) {
        let mut conditions = Vec::new();
        if let Some(service) = u.passed_to {
            conditions.push((
                Operator::StringEquals,
                "iam:PassedToService".to_owned(),
                vec![service.to_owned()],
            ));
        }
        if let Some(policy) = u.policy {
            conditions.push((
                Operator::StringEquals,
                "iam:PolicyARN".to_owned(),
                vec![policy.to_owned()],
            ));
        }
        let resources: Vec<String> = match &u.on {
            Target::Arns(arns) => arns.iter().map(|a| a.sub(region)).collect(),
            Target::Literal(arns) => arns.clone(),
            Target::ImageRepositories => all
                .iter()
                .filter(|s| s.environment == stack.environment)
                .flat_map(|s| &s.template.resources)
                .filter_map(|r| match &r.properties {
                    Properties::EcrRepository(repo) => Some(
                        Arn::regional("ecr", format!("repository/{}", repo.name.as_str()))
                            .sub(region),
                    ),
                    _ => None,
                })
                .collect(),
            Target::Star(why) => {
                for action in u.actions {
                    grants.star(
                        action,
                        &format!("{}: {why}", d.access.type_name),
                        conditions.clone(),
                    )?;
                }
                continue;
            }
            Target::Unknown(what) => {
                return Err(at(format!(
                    "infra-gen cannot derive the execution role's permissions for {what}"
                )));
            }
        };
        if resources.is_empty() {
            return Err(at(format!(
                "{} uses {} on resources this environment does not define",
                d.access.type_name,
                u.actions.join(", ")
            )));
        }
        for action in u.actions {
            if star_only(action) {
                grants.star(
                    action,
                    &format!("{} calls {action} for {}", d.access.type_name, d.id),
                    conditions.clone(),
                )?;
                continue;
            }
            let fitting = grants.fits.fitting(action, &resources);
            if fitting.is_empty() {
                return Err(at(format!(
                    "{} uses {action} on {}, none of which is a resource type {action} accepts (AWS's data)",
                    d.access.type_name,
                    resources.join(", ")
                )));
            }
            for r in fitting {
                grants.add(
                    action,
                    Grant {
                        resource: r.clone(),
                        conditions: conditions.clone(),
                    },
                )?;
            }
        }
    }
    Ok(())
}

/// CloudFormation's role for `stack`: what its resources' handlers call to create, update
/// and delete them, on their ARNs.
fn execution_role(all: &[&Stack], stack: &Stack, name: &RoleName) -> Result<AccountRole, Error> {
    let mut grants = Grants::default();
    for r in &stack.template.resources {
        for d in r.properties.deploy(&r.id, &stack.name) {
            derive(all, stack, r.id.as_str(), &d, WRITE, &mut grants)?;
        }
    }
    let (statements, widenings) = grants.statements("Deploy")?;
    Ok(AccountRole {
        name: name.clone(),
        description: format!(
            "CloudFormation's execution role for {}: what creating, updating and deleting its resources calls, derived from each kind's deploy declaration",
            stack.name
        ),
        trust: Trust::CloudFormation,
        policies: vec![Policy {
            name: "deploy-stack-resources".into(),
            statements,
        }],
        widenings,
    })
}

fn stack_arn(stack: &Stack) -> String {
    Arn::regional("cloudformation", format!("stack/{}/*", stack.name))
        .sub(stack.environment.region())
}

/// GitHub's role for deploying `stacks` (one environment): change sets of exactly those
/// stacks, its images, and passing its execution role to CloudFormation.
fn deploy_role(
    repository: &GithubRepository,
    provider: &Expr,
    stacks: &[&Stack],
    name: &RoleName,
    environment: &str,
    side: &AccountSide,
) -> Result<AccountRole, Error> {
    let mut grants = Grants::default();
    for stack in stacks {
        for action in CHANGE_SET_ACTIONS {
            grants.add(action, plain(stack_arn(stack)))?;
        }
        let transform = format!(
            "arn:${{AWS::Partition}}:cloudformation:{}:aws:{SERVERLESS_TRANSFORM}",
            stack.environment.region()
        );
        grants.add("cloudformation:CreateChangeSet", plain(transform))?;
        for r in &stack.template.resources {
            match &r.properties {
                Properties::EcrRepository(repo) => {
                    let arn = Arn::regional("ecr", format!("repository/{}", repo.name.as_str()))
                        .sub(stack.environment.region());
                    for action in PUSH_ACTIONS {
                        grants.add(action, plain(arn.clone()))?;
                    }
                }
                // The workflow checks the function runs the commit's image.
                Properties::Function(f) => grants.add(
                    "lambda:GetFunction",
                    plain(
                        Arn::regional("lambda", format!("function:{}", f.function_name.as_str()))
                            .sub(stack.environment.region()),
                    ),
                )?,
                _ => {}
            }
        }
    }
    grants.star(
        "ecr:GetAuthorizationToken",
        "docker login to ECR takes a registry token, which ECR issues only on \"*\"",
        Vec::new(),
    )?;
    for stack in stacks {
        if let Some(execution) = side.execution_role(stack.name.as_str()) {
            grants.add(
                "iam:PassRole",
                Grant {
                    resource: Arn::global("iam", format!("role/{}", execution.as_str())).sub(""),
                    conditions: vec![(
                        Operator::StringEquals,
                        "iam:PassedToService".into(),
                        vec!["cloudformation.amazonaws.com".into()],
                    )],
                },
            )?;
        }
    }
    let (statements, widenings) = grants.statements("Deploy")?;
    Ok(AccountRole {
        name: name.clone(),
        description: format!(
            "GitHub Actions' deploy role for environment {environment}: change sets of its stacks, run by CloudFormation with each stack's execution role, and its images pushed"
        ),
        trust: Trust::Github {
            provider: provider.clone(),
            subjects: vec![GithubSubject::Environment(
                repository.clone(),
                environment.to_owned(),
            )],
        },
        policies: vec![Policy {
            name: "deploy-environment".into(),
            statements,
        }],
        widenings,
    })
}

fn plain(resource: String) -> Grant {
    Grant {
        resource,
        conditions: Vec::new(),
    }
}

/// The read-only statements of a drift role: CloudFormation's drift detection on `stacks`,
/// and what reading each of their resources calls.
fn drift_grants(all: &[&Stack], stacks: &[&Stack]) -> Result<(Policy, Vec<Widening>), Error> {
    let mut grants = Grants::default();
    for stack in stacks {
        for action in DRIFT_ACTIONS {
            grants.add(action, plain(stack_arn(stack)))?;
        }
        for r in &stack.template.resources {
            for d in r.properties.deploy(&r.id, &stack.name) {
                derive(all, stack, r.id.as_str(), &d, READ, &mut grants)?;
            }
        }
    }
    grants.star(
        "cloudformation:DescribeStackDriftDetectionStatus",
        "drift detection reports its progress by detection ID",
        Vec::new(),
    )?;
    let (statements, widenings) = grants.statements("Read")?;
    Ok((
        Policy {
            name: "read-stacks".into(),
            statements,
        },
        widenings,
    ))
}
