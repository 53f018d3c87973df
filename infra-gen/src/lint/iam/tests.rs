use super::s3_objects_under_a_prefix;
use crate::model::iam::{Action, Statement};

#[test]
fn the_only_wildcard_resource_is_s3_objects_under_a_literal_prefix() {
    let get = |resource: &str, action: &str| {
        let s = Statement::allow(
            "S",
            vec![Action::new(action).expect("valid")],
            vec![crate::model::Expr::sub(resource)],
        );
        s3_objects_under_a_prefix(resource, &s)
    };
    assert!(get("arn:aws:s3:::acme/exports/*", "s3:GetObject"));
    assert!(get("arn:aws:s3:::acme/exports/2026/*", "s3:PutObject"));
    // The whole bucket, a pattern inside the path, a pattern bucket, a non-object action.
    assert!(!get("arn:aws:s3:::acme/*", "s3:GetObject"));
    assert!(!get("arn:aws:s3:::acme/a*", "s3:GetObject"), "also admin/…");
    assert!(!get("arn:aws:s3:::acme/ex*/x*", "s3:GetObject"));
    assert!(!get("arn:aws:s3:::acme-*/exports/*", "s3:GetObject"));
    assert!(!get("arn:aws:s3:::acme/exports/*", "s3:DeleteBucket"));
    assert!(!get(
        "arn:aws:dynamodb:eu-west-1:1:table/t/index/*",
        "s3:GetObject"
    ));
}
