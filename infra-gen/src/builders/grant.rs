//! Typed grants beyond logs, secrets and Bedrock: each names exact resources of the stack's own
//! account and region by ARN and a fixed set of actions, so a definition cannot write an action
//! wildcard or a resource pattern. The one pattern is S3 objects under a key prefix, where the
//! prefix is the resource (lint `iam-wildcard` accepts exactly that shape).

use crate::Error;
use crate::model::iam::{Action, Statement};
use crate::model::{Expr, LogicalId};

/// Permissions for one resource (or one S3 prefix), added to the function's role with
/// [`Service::grant`](super::Service::grant).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    statements: Vec<Statement>,
    /// Resources of the service's own stack the statements reference; `Service::build`
    /// refuses the grant when one is missing or of another kind.
    local: Vec<Local>,
}

/// A resource of the service's stack a grant references by logical ID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Local {
    Table { id: String, index: Option<String> },
    Queue { id: String },
}

/// DynamoDB item operations a grant may name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DynamoDb {
    GetItem,
    BatchGetItem,
    Query,
    Scan,
    ConditionCheckItem,
    PutItem,
    UpdateItem,
    DeleteItem,
    BatchWriteItem,
}

impl DynamoDb {
    /// Every read operation.
    pub const READ: [Self; 5] = [
        Self::GetItem,
        Self::BatchGetItem,
        Self::Query,
        Self::Scan,
        Self::ConditionCheckItem,
    ];

    pub fn action(self) -> &'static str {
        match self {
            Self::GetItem => "dynamodb:GetItem",
            Self::BatchGetItem => "dynamodb:BatchGetItem",
            Self::Query => "dynamodb:Query",
            Self::Scan => "dynamodb:Scan",
            Self::ConditionCheckItem => "dynamodb:ConditionCheckItem",
            Self::PutItem => "dynamodb:PutItem",
            Self::UpdateItem => "dynamodb:UpdateItem",
            Self::DeleteItem => "dynamodb:DeleteItem",
            Self::BatchWriteItem => "dynamodb:BatchWriteItem",
        }
    }
}

/// Actions on S3 objects, the only actions a prefix pattern may be granted on.
pub const S3_OBJECT_ACTIONS: [&str; 4] = [
    "s3:GetObject",
    "s3:PutObject",
    "s3:AbortMultipartUpload",
    "s3:ListMultipartUploadParts",
];

fn actions(names: &[&str]) -> Result<Vec<Action>, Error> {
    names.iter().map(|a| Action::new(a)).collect()
}

fn invalid(what: &'static str, value: &str, expected: &'static str) -> Error {
    Error::Invalid {
        what,
        value: value.to_owned(),
        expected,
    }
}

/// A resource name: letters, digits and `-_.`, as S3, DynamoDB, SQS, SNS and Lambda accept
/// (each accepts a subset or superset; CloudFormation's schema validation of the role does not
/// see names inside ARNs, so this keeps `*`, `?`, `:` and `/` out).
fn name(what: &'static str, value: &str) -> Result<(), Error> {
    let ok = !value.is_empty()
        && value.len() <= 256
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    if ok {
        Ok(())
    } else {
        Err(invalid(
            what,
            value,
            "a name of letters, digits, '-', '_' and '.' (no wildcards, no ARN)",
        ))
    }
}

/// `ExportsEu` from `exports-eu`, for statement IDs.
fn pascal(value: &str) -> String {
    value
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// An ARN in the stack's partition, region and account.
fn own_arn(service: &str, resource: &str) -> Expr {
    Expr::sub(format!(
        "arn:${{AWS::Partition}}:{service}:${{AWS::Region}}:${{AWS::AccountId}}:{resource}"
    ))
}

/// A key prefix: non-empty, ends with `/`, no wildcard, no leading `/`.
fn prefix(value: &str) -> Result<(), Error> {
    let ok = !value.is_empty()
        && value.ends_with('/')
        && !value.starts_with('/')
        && !value.contains(['*', '?'])
        && !value.contains(char::is_whitespace);
    if ok {
        Ok(())
    } else {
        Err(invalid(
            "S3 key prefix",
            value,
            "a folder-like prefix ending in '/' without wildcards, e.g. exports/",
        ))
    }
}

impl Grant {
    fn of(statements: Vec<Statement>) -> Self {
        Self {
            statements,
            local: Vec::new(),
        }
    }

    fn s3(bucket: &str, key_prefix: &str, verb: &str, object: &[&str]) -> Result<Self, Error> {
        name("S3 bucket name", bucket)?;
        prefix(key_prefix)?;
        let sid = format!("{verb}{}{}", pascal(bucket), pascal(key_prefix));
        Ok(Self::of(vec![
            Statement::allow(
                &format!("{sid}Objects"),
                actions(object)?,
                vec![Expr::sub(format!(
                    "arn:${{AWS::Partition}}:s3:::{bucket}/{key_prefix}*"
                ))],
            ),
            // Listing the prefix lets a missing key answer 404 instead of 403.
            Statement::allow(
                &format!("{sid}Keys"),
                actions(&["s3:ListBucket"])?,
                vec![Expr::sub(format!("arn:${{AWS::Partition}}:s3:::{bucket}"))],
            )
            .when_like("s3:prefix", Expr::literal(format!("{key_prefix}*"))),
        ]))
    }

    /// Read the objects under `prefix` of `bucket` (and list their keys).
    pub fn s3_read(bucket: &str, prefix: &str) -> Result<Self, Error> {
        Self::s3(bucket, prefix, "Read", &["s3:GetObject"])
    }

    /// Read and write the objects under `prefix` of `bucket`, including multipart uploads.
    pub fn s3_read_write(bucket: &str, prefix: &str) -> Result<Self, Error> {
        Self::s3(bucket, prefix, "ReadWrite", &S3_OBJECT_ACTIONS)
    }

    /// Exactly the item operations `ops` on `table` and the named `indexes` (queries and scans
    /// are what an index serves).
    pub fn dynamodb(table: &str, indexes: &[&str], ops: &[DynamoDb]) -> Result<Self, Error> {
        name("DynamoDB table name", table)?;
        if ops.is_empty() {
            return Err(invalid(
                "DynamoDB operations",
                table,
                "at least one operation, e.g. DynamoDb::GetItem",
            ));
        }
        let mut resources = vec![own_arn("dynamodb", &format!("table/{table}"))];
        for index in indexes {
            name("DynamoDB index name", index)?;
            resources.push(own_arn("dynamodb", &format!("table/{table}/index/{index}")));
        }
        let names: Vec<&str> = ops.iter().map(|o| o.action()).collect();
        Ok(Self::of(vec![Statement::allow(
            &format!("Table{}", pascal(table)),
            actions(&names)?,
            resources,
        )]))
    }

    /// Read items of `table`, and query or scan it and the named `indexes`.
    pub fn dynamodb_read(table: &str, indexes: &[&str]) -> Result<Self, Error> {
        Self::dynamodb(table, indexes, &DynamoDb::READ)
    }

    /// Send messages to the SQS queue `queue`.
    pub fn sqs_send(queue: &str) -> Result<Self, Error> {
        name("SQS queue name", queue)?;
        Ok(Self::of(vec![Statement::allow(
            &format!("SendTo{}", pascal(queue)),
            actions(&["sqs:SendMessage", "sqs:GetQueueUrl"])?,
            vec![own_arn("sqs", queue)],
        )]))
    }

    /// Receive and delete messages of the SQS queue `queue`.
    pub fn sqs_receive(queue: &str) -> Result<Self, Error> {
        name("SQS queue name", queue)?;
        Ok(Self::of(vec![Statement::allow(
            &format!("ReceiveFrom{}", pascal(queue)),
            actions(&[
                "sqs:ReceiveMessage",
                "sqs:DeleteMessage",
                "sqs:ChangeMessageVisibility",
                "sqs:GetQueueAttributes",
                "sqs:GetQueueUrl",
            ])?,
            vec![own_arn("sqs", queue)],
        )]))
    }

    /// Publish to the SNS topic `topic`.
    pub fn sns_publish(topic: &str) -> Result<Self, Error> {
        name("SNS topic name", topic)?;
        Ok(Self::of(vec![Statement::allow(
            &format!("PublishTo{}", pascal(topic)),
            actions(&["sns:Publish"])?,
            vec![own_arn("sns", topic)],
        )]))
    }

    /// Read the SSM parameters under `path` (`/reports/prod`) with GetParametersByPath: the
    /// path is the resource IAM checks, so no pattern is needed.
    pub fn ssm_parameters_by_path(path: &str) -> Result<Self, Error> {
        let inner = path.strip_prefix('/').unwrap_or("");
        let ok = !inner.is_empty()
            && !inner.ends_with('/')
            && inner
                .split('/')
                .all(|segment| name("SSM path segment", segment).is_ok());
        if !ok {
            return Err(invalid(
                "SSM parameter path",
                path,
                "an absolute path of name segments without a trailing '/', e.g. /reports/prod",
            ));
        }
        Ok(Self::of(vec![Statement::allow(
            &format!("ReadParameters{}", pascal(inner)),
            actions(&["ssm:GetParametersByPath"])?,
            vec![own_arn("ssm", &format!("parameter/{inner}"))],
        )]))
    }

    /// Decrypt with the KMS key whose ID is `key_id` (a key ID, not an alias: IAM matches
    /// the key's ARN, and an alias ARN would match nothing).
    pub fn kms_decrypt(key_id: &str) -> Result<Self, Error> {
        let hex = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_hexdigit());
        let uuid = {
            let parts: Vec<&str> = key_id.split('-').collect();
            parts.len() == 5 && parts.iter().zip([8, 4, 4, 4, 12]).all(|(p, n)| hex(p, n))
        };
        let ok = uuid || key_id.strip_prefix("mrk-").is_some_and(|k| hex(k, 32));
        if !ok {
            return Err(invalid(
                "KMS key ID",
                key_id,
                "a key ID such as 1234abcd-12ab-34cd-56ef-1234567890ab (or mrk-… for a multi-Region key)",
            ));
        }
        Ok(Self::of(vec![Statement::allow(
            &format!("DecryptWithKey{}", pascal(key_id)),
            actions(&["kms:Decrypt"])?,
            vec![own_arn("kms", &format!("key/{key_id}"))],
        )]))
    }

    /// Invoke the Lambda function `function` (by name, in this account and region).
    pub fn invoke_function(function: &str) -> Result<Self, Error> {
        name("Lambda function name", function)?;
        Ok(Self::of(vec![Statement::allow(
            &format!("Invoke{}", pascal(function)),
            actions(&["lambda:InvokeFunction"])?,
            vec![own_arn("lambda", &format!("function:{function}"))],
        )]))
    }

    /// Exactly the item operations `ops` on the table `id` of the service's own stack
    /// (`Service::table`), by its ARN — not its indexes: grant those with
    /// [`Grant::table_index`].
    pub fn table(id: &str, ops: &[DynamoDb]) -> Result<Self, Error> {
        let logical = LogicalId::new(id)?;
        let names = operations(id, ops)?;
        Ok(Self {
            statements: vec![Statement::allow(
                &format!("Table{logical}"),
                actions(&names)?,
                vec![Expr::get_att(&logical, "Arn")],
            )],
            local: vec![Local::Table {
                id: id.to_owned(),
                index: None,
            }],
        })
    }

    /// `Query` and/or `Scan` on the index `index` of the table `id` of the service's own
    /// stack, and nothing on the table itself. An index serves only those two, so any other
    /// operation is refused; a name the table has no index by fails the build.
    pub fn table_index(id: &str, index: &str, ops: &[DynamoDb]) -> Result<Self, Error> {
        let logical = LogicalId::new(id)?;
        name("DynamoDB index name", index)?;
        let names = operations(id, ops)?;
        if let Some(op) = ops
            .iter()
            .find(|o| !matches!(o, DynamoDb::Query | DynamoDb::Scan))
        {
            return Err(invalid(
                "DynamoDB operation on an index",
                op.action(),
                "Query or Scan: an index serves nothing else (grant item operations on the table)",
            ));
        }
        Ok(Self {
            statements: vec![Statement::allow(
                &format!("Table{logical}Index{}", pascal(index)),
                actions(&names)?,
                vec![Expr::sub(format!("${{{logical}.Arn}}/index/{index}"))],
            )],
            local: vec![Local::Table {
                id: id.to_owned(),
                index: Some(index.to_owned()),
            }],
        })
    }

    /// Send messages to the queue `id` of the service's own stack (`Service::queue`).
    pub fn queue_send(id: &str) -> Result<Self, Error> {
        let logical = LogicalId::new(id)?;
        Ok(Self {
            statements: vec![Statement::allow(
                &format!("SendTo{logical}"),
                actions(&["sqs:SendMessage", "sqs:GetQueueUrl"])?,
                vec![Expr::get_att(&logical, "Arn")],
            )],
            local: vec![Local::Queue { id: id.to_owned() }],
        })
    }

    /// What an SQS event source polls with: receive, delete, extend visibility and read the
    /// attributes of the queue `id` of the stack.
    pub(super) fn queue_receive(id: &LogicalId) -> Result<Self, Error> {
        Ok(Self {
            statements: vec![Statement::allow(
                &format!("ReceiveFrom{id}"),
                actions(&[
                    "sqs:ReceiveMessage",
                    "sqs:DeleteMessage",
                    "sqs:ChangeMessageVisibility",
                    "sqs:GetQueueAttributes",
                ])?,
                vec![Expr::get_att(id, "Arn")],
            )],
            local: vec![Local::Queue { id: id.to_string() }],
        })
    }

    pub fn statements(&self) -> &[Statement] {
        &self.statements
    }

    pub(super) fn local(&self) -> &[Local] {
        &self.local
    }
}

fn operations(table: &str, ops: &[DynamoDb]) -> Result<Vec<&'static str>, Error> {
    if ops.is_empty() {
        return Err(invalid(
            "DynamoDB operations",
            table,
            "at least one operation, e.g. DynamoDb::GetItem",
        ));
    }
    Ok(ops.iter().map(|o| o.action()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resources(g: &Grant) -> Vec<String> {
        g.statements()
            .iter()
            .flat_map(|s| &s.resources)
            .map(|r| serde_json::to_string(r).expect("json"))
            .collect()
    }

    #[test]
    fn s3_grants_objects_under_the_prefix_and_listing_of_it_only() {
        let g = Grant::s3_read("acme-exports", "exports/").expect("valid");
        assert_eq!(
            resources(&g),
            [
                r#"{"Fn::Sub":"arn:${AWS::Partition}:s3:::acme-exports/exports/*"}"#,
                r#"{"Fn::Sub":"arn:${AWS::Partition}:s3:::acme-exports"}"#
            ]
        );
        let list = &g.statements()[1];
        assert_eq!(list.conditions[0].key, "s3:prefix");
        for bad in ["", "/exports/", "exports", "ex*/"] {
            assert!(Grant::s3_read("acme-exports", bad).is_err(), "{bad:?}");
        }
        assert!(Grant::s3_read("acme-*", "exports/").is_err());
    }

    #[test]
    fn dynamodb_grants_the_table_and_each_named_index() {
        let g = Grant::dynamodb_read("reports", &["by-month"]).expect("valid");
        assert_eq!(
            resources(&g),
            [
                r#"{"Fn::Sub":"arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/reports"}"#,
                r#"{"Fn::Sub":"arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/reports/index/by-month"}"#
            ]
        );
        assert!(Grant::dynamodb_read("reports", &["*"]).is_err());
        assert!(Grant::dynamodb("reports", &[], &[]).is_err());
        let g = Grant::dynamodb("reports", &[], &[DynamoDb::GetItem, DynamoDb::PutItem])
            .expect("valid");
        let actions: Vec<&str> = g.statements()[0]
            .actions
            .iter()
            .map(|a| a.as_str())
            .collect();
        assert_eq!(actions, ["dynamodb:GetItem", "dynamodb:PutItem"]);
    }

    #[test]
    fn names_with_wildcards_or_arns_are_refused() {
        assert!(Grant::sqs_send("jobs*").is_err());
        assert!(Grant::sns_publish("arn:aws:sns:eu-west-1:1:t").is_err());
        // A topic is named, FIFO ones with their suffix; the grant writes the ARN.
        let fifo = Grant::sns_publish("digest-prod-outbox.fifo").expect("a topic name");
        assert_eq!(
            resources(&fifo),
            [
                r#"{"Fn::Sub":"arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:digest-prod-outbox.fifo"}"#
            ]
        );
        assert!(Grant::invoke_function("other:alias").is_err());
        assert!(Grant::ssm_parameters_by_path("/reports/").is_err());
        assert!(Grant::ssm_parameters_by_path("reports").is_err());
        assert!(Grant::kms_decrypt("alias/reports").is_err());
        assert!(Grant::kms_decrypt("1234abcd-12ab-34cd-56ef-1234567890ab").is_ok());
    }
}
