//! The network-interface patterns Lambda needs to attach a function to a VPC
//! (`model::iam::ENI_LIFECYCLE`): `arn:<partition>:ec2:<the stack's region>:<its account>:<type>/*`,
//! where each action of the statement may act on that type. Their IDs exist only once Lambda
//! creates them, so lint `iam-wildcard` accepts exactly this shape and nothing wider: another
//! account or region, another resource type, a wildcard elsewhere in the ARN, or another action
//! in the same statement is still refused.

use super::resolve::{Part, Resolved, partition};
use crate::model::iam::{ENI_LIFECYCLE, Statement};

pub(super) fn eni_pattern(resource: &Resolved, statement: &Statement, region: &str) -> bool {
    let [Part::Text(head), Part::Unknown(account), Part::Text(tail)] = resource.parts.as_slice()
    else {
        return false;
    };
    let own_account = !account.may_wildcard && account.max_len == Some(12);
    let Some(kind) = tail
        .strip_prefix(':')
        .and_then(|t| t.strip_suffix("/*"))
        .filter(|k| !k.contains(['*', '?', '/', ':']))
    else {
        return false;
    };
    own_account
        && *head == format!("arn:{}:ec2:{region}:", partition(region))
        && !statement.actions.is_empty()
        && statement.actions.iter().all(|a| {
            ENI_LIFECYCLE
                .iter()
                .any(|(action, kinds)| *action == a.as_str() && kinds.contains(&kind))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::builders::Stack;
    use crate::lint::resolve::Scope;
    use crate::model::Expr;
    use crate::model::iam::Action;
    use proptest::prelude::*;

    fn stack(region: &str) -> Stack {
        Stack::empty_for_test(region)
    }

    proptest! {
        /// Accepted exactly for the documented action/type pairs in the stack's own account
        /// and region, with the wildcard as the whole ID.
        #[test]
        fn only_eni_lifecycle_actions_on_their_own_types_in_the_stacks_region_pass(
            action in prop::sample::select(vec![
                "ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface",
                "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses",
                "ec2:RunInstances", "ec2:DeleteSubnet", "ec2:AttachNetworkInterface",
            ]),
            kind in prop::sample::select(vec!["network-interface", "subnet", "security-group", "instance", "vpc"]),
            other_region in any::<bool>(),
            literal_account in any::<bool>(),
            id in prop::sample::select(vec!["*", "eni-*", "*/*", "?"]),
        ) {
            let s = stack("eu-west-1");
            let region = if other_region { "us-east-1" } else { "${AWS::Region}" };
            let account = if literal_account { "123456789012" } else { "${AWS::AccountId}" };
            let resource = Scope::new(&s, None).resolve(&Expr::sub(format!(
                "arn:${{AWS::Partition}}:ec2:{region}:{account}:{kind}/{id}"
            )));
            let statement = Statement::allow("S", vec![Action::new(action).expect("valid")], vec![]);
            let documented = ENI_LIFECYCLE
                .iter()
                .any(|(a, kinds)| *a == action && kinds.contains(&kind));
            let expected = documented && !other_region && !literal_account && id == "*";
            prop_assert_eq!(eni_pattern(&resource, &statement, "eu-west-1"), expected);
        }
    }
}
