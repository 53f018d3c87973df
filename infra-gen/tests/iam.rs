//! `iam-bedrock` reports what differs from the model map, not the whole lists.

mod common;

use common::valid_app;
use infra_gen::App;
use infra_gen::model::iam::Statement;
use infra_gen::model::{Expr, Properties};

fn edit(app: &mut App, f: impl Fn(&mut Statement)) {
    for r in &mut app.stacks_mut()[1].template.resources {
        if let Properties::Role(role) = &mut r.properties {
            for s in &mut role.policies[0].statements {
                f(s);
            }
        }
    }
}

fn bedrock_message(app: &App) -> String {
    let f = infra_gen::lint::lint(app);
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].code, "iam-bedrock");
    f[0].message.clone()
}

#[test]
fn a_dropped_action_is_named_alone() {
    let mut app = valid_app();
    edit(&mut app, |s| {
        if s.sid == "InvokeConfiguredModels" {
            s.actions
                .retain(|a| a.as_str() != "bedrock:InvokeModelWithResponseStream");
        }
    });
    let m = bedrock_message(&app);
    assert!(
        m.contains("InvokeConfiguredModels lacks action bedrock:InvokeModelWithResponseStream"),
        "{m}"
    );
    assert!(!m.contains("InvokeModel,"), "{m}");
}

#[test]
fn an_added_resource_is_named_alone() {
    let mut app = valid_app();
    edit(&mut app, |s| {
        if s.sid == "CountTokensOfConfiguredModels" {
            s.resources.push(Expr::sub(
                "arn:${AWS::Partition}:bedrock:${AWS::Region}::foundation-model/anthropic.other-v1:0",
            ));
        }
    });
    let m = bedrock_message(&app);
    assert!(
        m.contains("CountTokensOfConfiguredModels grants resource arn:aws:bedrock:us-west-2::foundation-model/anthropic.other-v1:0"),
        "{m}"
    );
    assert!(!m.contains("lacks"), "{m}");
}
