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

/// The role's Bedrock statements rewritten without changing what they grant: each split into
/// one statement per action (`split`), renamed (`rename`), its resources reversed, the
/// statements rotated by `turn`.
fn regrouped(app: &mut App, split: bool, rename: bool, turn: usize) {
    for r in &mut app.stacks_mut()[1].template.resources {
        if let Properties::Role(role) = &mut r.properties {
            let statements = &mut role.policies[0].statements;
            let mut out = Vec::new();
            for s in statements.drain(..) {
                let bedrock = s.actions.iter().any(|a| a.as_str().starts_with("bedrock:"));
                if !bedrock {
                    out.push(s);
                    continue;
                }
                let mut parts = if split {
                    s.actions
                        .iter()
                        .enumerate()
                        .map(|(k, a)| {
                            let mut one = s.clone();
                            one.sid = format!("{}{k}", s.sid);
                            one.actions = vec![a.clone()];
                            one
                        })
                        .collect()
                } else {
                    vec![s]
                };
                for p in &mut parts {
                    if rename {
                        p.sid = format!("Renamed{}", p.sid);
                    }
                    p.resources.reverse();
                }
                out.extend(parts);
            }
            let n = out.len().max(1);
            out.rotate_left(turn % n);
            *statements = out;
        }
    }
}

proptest::proptest! {
    /// IAM grants what a role's statements add up to: Sids, grouping and order change nothing,
    /// and a permission taken away is reported as that permission alone.
    #[test]
    fn bedrock_grants_are_compared_as_iam_adds_them_up(
        split in proptest::bool::ANY,
        rename in proptest::bool::ANY,
        turn in 0..8usize,
        drop in proptest::arbitrary::any::<proptest::sample::Index>(),
    ) {
        let mut app = valid_app();
        regrouped(&mut app, split, rename, turn);
        let f = infra_gen::lint::lint(&app);
        proptest::prop_assert!(f.is_empty(), "{f:#?}");
        // Take one action away from one multi-action Bedrock statement.
        let mut dropped = None;
        for r in &mut app.stacks_mut()[1].template.resources {
            if let Properties::Role(role) = &mut r.properties {
                let multi: Vec<&mut Statement> = role.policies[0]
                    .statements
                    .iter_mut()
                    .filter(|s| s.actions.len() > 1 && s.actions.iter().any(|a| a.as_str().starts_with("bedrock:")))
                    .collect();
                if multi.is_empty() {
                    break;
                }
                let n = multi.len();
                let s = multi.into_iter().nth(drop.index(n));
                if let Some(s) = s {
                    dropped = s.actions.pop().map(|a| a.as_str().to_owned());
                }
            }
        }
        if let Some(action) = dropped {
            let m = bedrock_message(&app);
            proptest::prop_assert!(m.contains(&action) && m.contains("lacks"), "{}", m);
            proptest::prop_assert!(!m.contains(" grants "), "{}", m);
        }
    }
}
