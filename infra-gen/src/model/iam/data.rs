//! AWS's IAM action data (the vendored `iam-data/actions.txt`, compiled into a table by
//! `build.rs`): every service prefix with the resource types its actions accept (as ARN
//! formats), its ARN-valued condition keys, and every action with its access levels and the
//! resource types it accepts (and, for one whose single resource type is optional, the keys that
//! narrow it on `*`). Lookups are binary searches; nothing is parsed at run time.

/// A service, by its IAM action prefix (`s3`, `execute-api`, …).
pub(crate) struct Service {
    pub prefix: &'static str,
    /// Indexed by [`ActionInfo::resources`].
    pub resources: &'static [ResourceType],
    /// Condition keys of this service whose values are ARNs.
    pub arn_keys: &'static [&'static str],
    /// Sorted by lowercased name.
    pub actions: &'static [ActionInfo],
}

/// A resource type and the ARN format of its resources, `${Variable}` standing for a part
/// the resource picks (`arn:${Partition}:s3:::${BucketName}`). The ARN's service field may
/// differ from the action prefix (`sts:AssumeRole` takes an `iam` role).
pub(crate) struct ResourceType {
    name: Span,
    arn: Span,
    /// The format's service, partition, region, account and resource fields, split by
    /// `build.rs`.
    fields: [Span; 5],
}

/// A stretch of `ACTION_NAMES`: offset and length.
type Span = (u32, u16);

fn text(span: Span) -> &'static str {
    let at = span.0 as usize;
    ACTION_NAMES
        .get(at..at + usize::from(span.1))
        .unwrap_or_default()
}

/// An action: its name and resource types are offsets into `ACTION_NAMES` and
/// `ACTION_RESOURCES`, so the table needs no relocation at process start.
pub(crate) struct ActionInfo {
    name_at: u32,
    name_len: u16,
    /// The [`ActionInfo::star_keys`], comma-separated, right after the name.
    star_keys_len: u16,
    /// A set of [`Level`] bits.
    pub levels: u8,
    resources_at: u32,
    resources_len: u16,
}

/// IAM's access levels, as bits of [`ActionInfo::levels`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Level {
    List = 1,
    Read = 2,
    Write = 4,
    PermissionsManagement = 8,
    Tagging = 16,
}

impl Level {
    pub const ALL: [Self; 5] = [
        Self::List,
        Self::Read,
        Self::Write,
        Self::PermissionsManagement,
        Self::Tagging,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Self::List => "List",
            Self::Read => "Read",
            Self::Write => "Write",
            Self::PermissionsManagement => "Permissions management",
            Self::Tagging => "Tagging",
        }
    }
}

include!(concat!(env!("OUT_DIR"), "/iam_actions.rs"));

/// Every service of the data, sorted by prefix.
pub(crate) fn services() -> &'static [Service] {
    SERVICES
}

pub(crate) fn service(prefix: &str) -> Option<&'static Service> {
    SERVICES
        .binary_search_by(|s| s.prefix.cmp(prefix))
        .ok()
        .map(|i| &SERVICES[i])
}

fn lowercase_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    a.bytes()
        .map(|c| c.to_ascii_lowercase())
        .cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
}

/// An action by its full name (`s3:GetObject`); IAM compares action names ignoring case.
pub(crate) fn action(full: &str) -> Option<(&'static Service, &'static ActionInfo)> {
    let (prefix, name) = full.split_once(':')?;
    let i = SERVICES
        .binary_search_by(|s| lowercase_cmp(s.prefix, prefix))
        .ok()?;
    let service = &SERVICES[i];
    let i = service
        .actions
        .binary_search_by(|a| lowercase_cmp(a.name(), name))
        .ok()?;
    Some((service, &service.actions[i]))
}

/// CloudFormation service names (lowercased) whose IAM action prefix differs: AWS names EFS's
/// actions and ARNs `elasticfilesystem`, Step Functions' `states`.
const PREFIX_OF_CFN_SERVICE: [(&str, &str); 2] =
    [("efs", "elasticfilesystem"), ("stepfunctions", "states")];

/// The IAM service prefix of a CloudFormation type's service (`AWS::EFS::…` is
/// `elasticfilesystem`).
pub(crate) fn prefix_of(type_name: &str) -> Option<String> {
    let service = type_name.split("::").nth(1)?.to_ascii_lowercase();
    Some(
        PREFIX_OF_CFN_SERVICE
            .iter()
            .find(|(cfn, _)| *cfn == service)
            .map_or(service, |(_, prefix)| (*prefix).to_owned()),
    )
}

/// The IAM resource type a CloudFormation type names, by its service and its name
/// (`AWS::Logs::LogGroup` is `logs`' `log-group`, `AWS::SQS::Queue` is `sqs`' `queue`).
pub(crate) fn resource_type_of(type_name: &str) -> Option<&'static ResourceType> {
    let squashed = |s: &str| -> String {
        s.chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect()
    };
    let resource = squashed(type_name.split("::").nth(2)?);
    self::service(&prefix_of(type_name)?)?
        .resources
        .iter()
        .find(|t| squashed(t.name()) == resource)
}

impl Service {
    /// Whether `key` is one of this service's condition keys whose values are ARNs.
    pub fn arn_key(&self, key: &str) -> bool {
        self.arn_keys.iter().any(|k| k.eq_ignore_ascii_case(key))
    }
}

impl ActionInfo {
    const fn new(
        name_at: u32,
        name_len: u16,
        star_keys_len: u16,
        levels: u8,
        resources_at: u32,
        resources_len: u16,
    ) -> Self {
        Self {
            name_at,
            name_len,
            star_keys_len,
            levels,
            resources_at,
            resources_len,
        }
    }

    /// As AWS spells it (`GetObject`).
    pub fn name(&self) -> &'static str {
        text((self.name_at, self.name_len))
    }

    /// Indexes into the service's resource types; empty: the action accepts only `*`.
    pub fn resources(&self) -> &'static [u16] {
        let at = self.resources_at as usize;
        ACTION_RESOURCES
            .get(at..at + usize::from(self.resources_len))
            .unwrap_or_default()
    }

    pub fn has(&self, level: Level) -> bool {
        self.levels & level as u8 != 0
    }

    /// When the action's one resource type is optional (a request may name none, and IAM then
    /// matches `"*"`), its own service's condition keys that narrow it there
    /// (`cloudwatch:PutMetricData` by `cloudwatch:namespace`); when it accepts no resource
    /// type, its own service's ARN keys named for one of the service's resource types, which
    /// select what it acts on (`lambda:CreateEventSourceMapping` by `lambda:FunctionArn`);
    /// none otherwise.
    pub fn star_keys(&self) -> impl Iterator<Item = &'static str> {
        let at = self.name_at + u32::from(self.name_len);
        text((at, self.star_keys_len))
            .split(',')
            .filter(|k| !k.is_empty())
    }

    /// Whether the action accepts only `"Resource": "*"` (it acts on no resource type).
    pub fn star_only(&self) -> bool {
        self.resources().is_empty()
    }

    /// Whether `"Resource": "*"` grants the action on everything unless one of its
    /// [`ActionInfo::star_keys`] narrows it: an action that changes something (Write,
    /// Permissions management, Tagging) whose one resource type is optional
    /// (`cloudwatch:PutMetricData`'s namespace) or, acting on none, whose request names what
    /// it acts on in its own key (`lambda:CreateEventSourceMapping`'s function). A List or Read
    /// names and reads, which its key only filters: star-only (`ecs:ListServices` by
    /// `ecs:cluster`) or with an optional resource type, whose `*` is how AWS grants it
    /// (`cloudwatch:GetMetricData`: metrics have no ARN).
    pub fn narrowed_on_star_by_keys(&self) -> bool {
        self.star_keys().next().is_some() && self.changes()
    }

    /// Whether `"Resource": "*"` is a grant AWS's data makes for the action, not a wildcard:
    /// it acts on no resource type, or it only lists or reads and its one resource type is
    /// optional (its [`ActionInfo::star_keys`] say so).
    pub fn takes_star(&self) -> bool {
        self.star_only() || (self.star_keys().next().is_some() && !self.changes())
    }

    /// Whether its access level changes something (Write, Permissions management, Tagging).
    fn changes(&self) -> bool {
        self.has(Level::Write) || self.has(Level::PermissionsManagement) || self.has(Level::Tagging)
    }

    /// The resource types the action accepts.
    pub fn resource_types<'a>(
        &'a self,
        service: &'a Service,
    ) -> impl Iterator<Item = &'a ResourceType> + 'a {
        self.resources()
            .iter()
            .filter_map(|&i| service.resources.get(usize::from(i)))
    }

    /// The access levels, in words.
    pub fn level_names(&self) -> Vec<&'static str> {
        Level::ALL
            .iter()
            .filter(|l| self.has(**l))
            .map(|l| l.name())
            .collect()
    }
}

/// The six fields of an ARN (`arn:partition:service:region:account:resource`); the resource
/// keeps its own colons.
pub(crate) fn arn_fields(arn: &str) -> Option<[&str; 6]> {
    let mut it = arn.splitn(6, ':');
    let fields = [
        it.next()?,
        it.next()?,
        it.next()?,
        it.next()?,
        it.next()?,
        it.next()?,
    ];
    (fields[0] == "arn").then_some(fields)
}

/// Resource types whose service authorizes requests on paths below a resource's own ARN, by
/// ARN service, the resource part up to the name, the separator after it and the characters
/// the service allows in that name (none of them the separator): OpenSearch authorizes each
/// HTTP request (`es:ESHttpGet`, …) on `domain/<name>/<index>/…`, which AWS's data lists as
/// no resource type of its own, and a domain name is 3–28 lowercase letters, digits and
/// hyphens; CloudWatch Logs writes a log group's ARN `log-group:<name>:*` (what `GetAtt Arn`
/// returns) and its streams' `log-group:<name>:log-stream:<stream>`, and a log group's name
/// is letters, digits and `_-/.#`, so it holds no `:`.
const PATHS_BELOW: [(&str, &str, char, NameBytes); 2] = [
    ("es", "domain/", '/', |b| {
        b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'
    }),
    ("logs", "log-group:", ':', |b| {
        b.is_ascii_alphanumeric() || b"_-/.#".contains(&b)
    }),
];

/// Which bytes a service allows in a resource's name.
type NameBytes = fn(u8) -> bool;

/// Whether the ARN pattern `arn` is paths below one resource that its service addresses by
/// path ([`PATHS_BELOW`]): partition, service, region, account and the resource's name are
/// written out, and every wildcard comes after the separator that ends the name — which no
/// name holds, so `domain/logs/*` is the domain `logs`'s indexes and documents and no other
/// domain's (AWS's documented grant), and `log-group:/aws/lambda/x:*` the log group's streams,
/// while `domain/lo*/*` or `domain/*` reach other domains.
pub(crate) fn paths_below_one_resource(arn: &str) -> bool {
    let Some(cut) = arn.find(['*', '?']) else {
        return false;
    };
    let Some([_, partition, service, _, _, resource]) = arn_fields(&arn[..cut]) else {
        return false;
    };
    !partition.is_empty()
        && PATHS_BELOW.iter().any(|(s, prefix, separator, name_byte)| {
            *s == service
                && resource
                    .strip_prefix(prefix)
                    .and_then(|rest| rest.split_once(*separator))
                    .is_some_and(|(name, _)| !name.is_empty() && name.bytes().all(name_byte))
        })
}

/// Whether the ARN pattern `arn` stays under one named resource: everything up to its first
/// `*` or `?` names the partition, service, region and account, and the first name of a
/// resource type's format of that service in full, followed by the separator the format puts
/// after it (`…:a1b2c3d4e5/*/GET/items` is one API's stages, `…:log-group:/aws/x:*` one log
/// group's streams as AWS writes its ARN, `…:table/orders/stream/*` one table's streams), so
/// no other resource of the account can match it.
pub(crate) fn under_one_resource(arn: &str) -> bool {
    let Some(cut) = arn.find(['*', '?']) else {
        return false;
    };
    let Some([_, partition, service, _, _, resource]) = arn_fields(&arn[..cut]) else {
        return false;
    };
    if partition.is_empty() || service.is_empty() {
        return false;
    }
    services()
        .iter()
        .flat_map(|s| s.resources)
        .filter(|t| t.arn_service() == service)
        .any(|t| {
            let format = t.arn_resource();
            let Some(start) = format.find("${") else {
                return false;
            };
            let Some(sep) = format[start..]
                .find('}')
                .and_then(|end| format[start + end + 1..].chars().next())
                .filter(|c| matches!(c, '/' | ':'))
            else {
                return false;
            };
            resource
                .strip_prefix(&format[..start])
                .and_then(|rest| rest.split_once(sep))
                .is_some_and(|(name, _)| !name.is_empty())
        })
}

impl ResourceType {
    const fn new(name: Span, arn: Span, fields: [Span; 5]) -> Self {
        Self { name, arn, fields }
    }

    pub fn name(&self) -> &'static str {
        text(self.name)
    }

    /// The ARN format, `${Variable}` standing for a part the resource picks.
    pub fn arn(&self) -> &'static str {
        text(self.arn)
    }

    /// The service field of this type's ARNs (`iam` for `sts`'s roles).
    pub fn arn_service(&self) -> &'static str {
        text(self.fields[0])
    }

    /// The resource field of this type's ARNs (`role/${RoleNameWithPath}`).
    pub fn arn_resource(&self) -> &'static str {
        text(self.fields[4])
    }

    /// Whether `arn` can name a resource of this type.
    pub fn admits(&self, arn: &Subject<'_>) -> bool {
        let admits = |fields: [&str; 5]| {
            // Fields in `Self::fields` order: the service first, as it tells most types apart.
            fields.iter().zip([2, 1, 3, 4, 5]).all(|(pattern, i)| {
                let (text, open) = arn.fields[i];
                // Bedrock's global inference profiles route to any region, and AWS grants the
                // models they reach on ARNs without one (`arn:aws:bedrock:::foundation-model/…`).
                (i == 3 && text.is_empty() && REGIONLESS.contains(&fields[0]))
                    || fits(fields[0], pattern, text, open)
            })
        };
        let formats = self.arn();
        // A few types list several formats, comma-separated (Lex's bots by ID and by name).
        if formats.contains(", ") {
            return formats
                .split(", ")
                .filter_map(arn_fields)
                .any(|f| admits([f[2], f[1], f[3], f[4], f[5]]));
        }
        admits(self.fields.map(text))
    }
}

/// Stands for undecided text in an ARN given to [`Subject::parse`].
pub(crate) const UNKNOWN: char = '\u{1}';

/// An ARN to match against resource types, split once: each field's decided text, and
/// whether more may follow it. [`UNKNOWN`], `*` or `?` ends what is decided (an unknown part
/// may hide colons, so every later field is open too).
pub(crate) struct Subject<'a> {
    fields: [(&'a str, bool); 6],
}

impl<'a> Subject<'a> {
    pub fn parse(arn: &'a str) -> Option<Self> {
        let decided_len = arn.find([UNKNOWN, '*', '?']).unwrap_or(arn.len());
        let decided = &arn[..decided_len];
        let open = decided_len < arn.len();
        let mut fields = [("", true); 6];
        let mut rest = decided;
        let mut i = 0;
        loop {
            match rest.split_once(':') {
                Some((field, after)) if i < 5 => {
                    fields[i] = (field, false);
                    rest = after;
                    i += 1;
                }
                _ => {
                    fields[i] = (rest, open);
                    break;
                }
            }
        }
        // Closed and short of six fields: not an ARN.
        if !open && i < 5 {
            return None;
        }
        let first = fields[0];
        (first.0 == "arn" || (first.1 && "arn".starts_with(first.0))).then_some(Self { fields })
    }
}

/// Whether ARN-format field `pattern` (`${Var}` is any text) can match `text`, followed by
/// anything when `open`.
/// Whether `text` (ended by an undecided part when `open`) fits `pattern`, a field of a
/// format of ARN service `service`.
fn fits(service: &str, pattern: &str, text: &str, open: bool) -> bool {
    let Some(start) = pattern.find("${") else {
        return if open {
            pattern.starts_with(text)
        } else {
            pattern == text
        };
    };
    let literal = &pattern[..start];
    let Some(after) = text.strip_prefix(literal) else {
        // The text ran out inside the literal, and more may follow.
        return open && literal.starts_with(text);
    };
    let (variable, rest) = pattern[start + 2..]
        .split_once('}')
        .unwrap_or((&pattern[start + 2..], ""));
    // A variable at the end takes whatever is left; a partition, region or account is never
    // empty where the format names one (`arn:aws:sqs::123456789012:q` is no queue).
    if rest.is_empty() {
        return holds(service, variable, after)
            && (open || !after.is_empty() || !NEVER_EMPTY.contains(&variable));
    }
    (0..=after.len())
        .filter(|&i| after.is_char_boundary(i))
        .take_while(|&i| holds(service, variable, &after[..i]))
        .any(|i| fits(service, rest, &after[i..], open))
}

/// Variables whose services' naming rules allow only letters, digits and `.`, `-`, `_`, by
/// ARN service (buckets of S3 and its Outposts, directory and vector buckets; DynamoDB,
/// Keyspaces, Glue and Timestream tables; SQS and MediaConvert queues; SNS and MSK topics;
/// Lambda functions — and a function's `:qualifier`), besides IAM policy variables
/// (`${aws:username}`). So `arn:aws:s3:::b/key` is an object, never a bucket, `table/t/index/i`
/// an index, never a table, and a queue named with a space or a stray character is no queue.
/// A name is judged by its own service's rules: an IoT topic's name is an MQTT topic, whose
/// levels `/` separates (`arn:aws:iot:…:topic/fleet/42/status`).
const NO_SLASH: [(&str, &[&str]); 5] = [
    (
        "BucketName",
        &["s3", "s3-outposts", "s3express", "s3vectors"],
    ),
    (
        "TableName",
        &["dynamodb", "cassandra", "glue", "timestream"],
    ),
    ("QueueName", &["sqs", "mediaconvert"]),
    ("TopicName", &["sns", "kafka"]),
    ("FunctionName", &["lambda"]),
];

/// ARN-format variables that always stand for some text.
const NEVER_EMPTY: [&str; 3] = ["Partition", "Region", "Account"];

/// ARN services whose resources AWS also names without their format's region: Bedrock's
/// models as global cross-Region inference reaches them.
const REGIONLESS: [&str; 1] = ["bedrock"];

/// Whether ARN variable `variable` of a format of ARN service `service` can stand for `text`.
fn holds(service: &str, variable: &str, text: &str) -> bool {
    // The data names the constraint (`${ParameterNameWithoutLeadingSlash}`: SSM's ARN of
    // `/app/flag` is `parameter/app/flag`, so `parameter//app/flag` names nothing).
    if variable.ends_with("WithoutLeadingSlash") && text.starts_with('/') {
        return false;
    }
    if !NO_SLASH
        .iter()
        .any(|(v, services)| *v == variable && services.contains(&service))
    {
        return true;
    }
    let mut rest = text;
    // Past a function's `:`, its qualifier: a version, an alias or `$LATEST` (Lambda's
    // `Qualifier` pattern `[a-zA-Z0-9$_-]+`).
    let mut qualifier = false;
    loop {
        let (plain, after) = match rest.split_once("${") {
            // A policy variable is one value IAM fills in: its own characters do not count.
            Some((plain, after)) => match after.split_once('}') {
                Some((name, after)) if !name.contains('/') => (plain, Some(after)),
                _ => (rest, None),
            },
            None => (rest, None),
        };
        let function = variable == "FunctionName";
        let allowed = plain.chars().all(|c| {
            qualifier |= c == ':' && function;
            c.is_ascii_alphanumeric()
                || "._-".contains(c)
                || (c == ':' && function)
                || (c == '$' && qualifier)
        });
        if !allowed {
            return false;
        }
        match after {
            Some(after) => rest = after,
            None => return true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::iam::StarOnlyApi;

    #[test]
    fn the_table_is_sorted_for_binary_search_and_indexes_stay_in_range() {
        assert!(SERVICES.len() > 400, "{}", SERVICES.len());
        assert!(SERVICES.windows(2).all(|w| w[0].prefix < w[1].prefix));
        for s in SERVICES {
            assert!(
                s.actions
                    .windows(2)
                    .all(|w| lowercase_cmp(w[0].name(), w[1].name()).is_lt()),
                "{}",
                s.prefix
            );
            for a in s.actions {
                assert!(a.levels != 0);
                assert_eq!(a.resource_types(s).count(), a.resources().len());
            }
        }
    }

    #[test]
    fn actions_are_found_ignoring_case() {
        let (s, a) = action("s3:getobject").expect("in the data");
        assert_eq!((s.prefix, a.name()), ("s3", "GetObject"));
        assert!(action("s3:GetObjekt").is_none());
        assert!(action("nosuchservice:GetObject").is_none());
    }

    #[test]
    fn every_star_only_api_of_the_builders_accepts_only_star_in_the_data() {
        for api in StarOnlyApi::ALL {
            let (_, a) = action(api.action()).expect("in the data");
            assert!(a.star_only(), "{}", api.action());
        }
    }

    #[test]
    fn arns_fit_their_resource_type_with_undecided_parts_open() {
        let (s, a) = action("sts:AssumeRole").expect("in the data");
        let role = a.resource_types(s).next().expect("role");
        assert_eq!(role.arn_service(), "iam");
        let admits = |arn: &str| Subject::parse(arn).is_some_and(|s| role.admits(&s));
        assert!(admits("arn:aws:iam::123456789012:role/x"));
        assert!(admits(&format!("arn:aws:iam::{UNKNOWN}:role/x")));
        assert!(admits(&format!("arn:aws:iam::1:{UNKNOWN}")));
        assert!(admits(&format!("arn:aws:iam::1:ro{UNKNOWN}")));
        assert!(admits(&format!("{UNKNOWN}")));
        assert!(!admits("arn:aws:iam::1:user/x"));
        assert!(!admits("arn:aws:s3:::bucket"));
        assert!(!admits("arn:aws:iam:us-east-1:1:role/x"));
        assert!(!admits("arn:aws:iam::1"));
    }
}
