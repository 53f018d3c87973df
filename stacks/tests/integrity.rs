//! Issue 16's integrity rules on this repository's own stacks: every duplicate injected into
//! any stack is one `duplicate` finding naming both places; regions and physical names are part
//! of a resource's identity (`region`); stateful resources are retained (`stateful-policy`);
//! and a stack renamed away from its committed template is a replacement. The cases are
//! enumerated from the definitions (every stack, resource, output, variable and statement), so
//! a new stack is covered without a new test.

use std::fs;
use std::path::PathBuf;

use infra_gen::lint::lint;
use infra_gen::model::lambda::events::EventSource;
use infra_gen::model::{
    DeletionPolicy, Expr, Lifecycle, LogicalId, Parameter, Properties, StackName, Template,
};
use infra_gen::validate::{Fate, moved_stacks, removed_stacks};
use infra_gen::{App, Environment, Finding, Stack};

fn app() -> App {
    stacks::app().expect("definitions build")
}

fn of<'a>(findings: &'a [Finding], code: &str) -> Vec<&'a Finding> {
    findings.iter().filter(|f| f.code == code).collect()
}

/// The one `duplicate` finding of `app`, on `stack › resource`, naming `earlier`.
fn one_duplicate(app: &App, stack: &str, resource: &str, earlier: &str, case: &str) {
    let findings = lint(app);
    let found = of(&findings, "duplicate");
    assert_eq!(found.len(), 1, "{case}: {found:#?}");
    let f = found[0];
    assert_eq!(
        (f.stack.as_str(), f.resource.as_str()),
        (stack, resource),
        "{case}: {f}"
    );
    assert!(f.message.contains(earlier), "{case}: {earlier} in {f}");
    assert!(!f.fix.is_empty(), "{case}: {f}");
}

#[test]
fn the_repositorys_stacks_have_no_integrity_findings() {
    let findings = lint(&app());
    for code in ["duplicate", "region", "stateful-policy", "image-source"] {
        assert!(of(&findings, code).is_empty(), "{findings:#?}");
    }
}

#[test]
fn a_duplicate_logical_id_anywhere_is_one_finding_naming_both() {
    let definitions = app();
    for (s, stack) in definitions.stacks().iter().enumerate() {
        let name = stack.name.to_string();
        let t = &stack.template;
        for r in &t.resources {
            // A second resource under the ID (a copy, pushed last).
            let mut app = definitions.clone();
            let copy = r.clone();
            app.stacks_mut()[s].template.resources.push(copy);
            let earlier = format!("{name} › {}", r.id);
            one_duplicate(&app, &name, r.id.as_str(), &earlier, "resource");
            // A parameter under a resource's ID.
            let mut app = definitions.clone();
            app.stacks_mut()[s]
                .template
                .parameters
                .push(parameter(r.id.as_str()));
            let findings = lint(&app);
            let found = of(&findings, "duplicate");
            assert_eq!(found.len(), 1, "{found:#?}");
            assert!(found[0].message.contains(&format!("Parameters.{}", r.id)));
            // A resource under an ID SAM adds for another.
            for implicit in r.properties.implicit(&r.id) {
                let mut app = definitions.clone();
                let mut copy = t.resources[0].clone();
                copy.id = LogicalId::new(implicit.id.as_str()).expect("valid");
                app.stacks_mut()[s].template.resources.push(copy);
                let findings = lint(&app);
                let found = of(&findings, "duplicate");
                assert_eq!(found.len(), 1, "{}: {found:#?}", implicit.id);
                assert!(
                    found[0].to_string().contains("added by SAM"),
                    "{}",
                    found[0]
                );
            }
        }
        for p in &t.parameters {
            let mut app = definitions.clone();
            app.stacks_mut()[s].template.parameters.push(p.clone());
            let place = format!("Parameters.{}", p.id);
            one_duplicate(
                &app,
                &name,
                &place,
                &format!("{name} › {place}"),
                "parameter",
            );
        }
        for o in &t.outputs {
            let mut app = definitions.clone();
            let mut copy = o.clone();
            copy.export = None;
            app.stacks_mut()[s].template.outputs.push(copy);
            let place = format!("Outputs.{}", o.id);
            one_duplicate(&app, &name, &place, &format!("{name} › {place}"), "output");
        }
    }
}

fn parameter(id: &str) -> Parameter {
    Parameter {
        id: LogicalId::new(id).expect("valid"),
        description: "a parameter".into(),
        allowed_pattern: "^[a-z]+$".into(),
        constraint_description: "lowercase".into(),
        kind: infra_gen::model::ParameterKind::String,
        default: None,
    }
}

#[test]
fn an_output_may_share_its_resources_logical_id() {
    // Outputs are their own namespace in CloudFormation: `FunctionUrl` the output and
    // `FunctionUrl` the resource SAM adds are two things.
    let definitions = app();
    for (s, stack) in definitions.stacks().iter().enumerate() {
        for r in &stack.template.resources {
            let mut app = definitions.clone();
            let mut output = stack.template.outputs[0].clone();
            output.id = r.id.clone();
            output.export = None;
            app.stacks_mut()[s].template.outputs = vec![output];
            let findings = lint(&app);
            assert!(of(&findings, "duplicate").is_empty(), "{findings:#?}");
        }
    }
}

#[test]
fn a_duplicate_environment_variable_or_statement_id_is_one_finding() {
    let definitions = app();
    for (s, stack) in definitions.stacks().iter().enumerate() {
        let name = stack.name.to_string();
        for (i, r) in stack.template.resources.iter().enumerate() {
            match &r.properties {
                Properties::Function(f) => {
                    for (k, var) in f.environment.iter().enumerate() {
                        let mut app = definitions.clone();
                        let mut dup = var.clone();
                        dup.value = Expr::literal("another value");
                        function_at(&mut app, s, i).environment.push(dup);
                        let case = format!("{name} variable {}", var.name.as_str());
                        let earlier = format!("{name} › {}", r.id);
                        one_duplicate(&app, &name, r.id.as_str(), &earlier, &case);
                        // Another case is another variable: Lambda's names are case-sensitive.
                        let mut app = definitions.clone();
                        let mut other = var.clone();
                        let flipped: String = var.name.as_str().chars().map(flip_case).collect();
                        other.name =
                            infra_gen::model::lambda::EnvName::new(&flipped).expect("valid");
                        function_at(&mut app, s, i).environment.insert(k, other);
                        let findings = lint(&app);
                        assert!(of(&findings, "duplicate").is_empty(), "{findings:#?}");
                    }
                }
                Properties::Role(role) => {
                    for (p, policy) in role.policies.iter().enumerate() {
                        for st in &policy.statements {
                            let mut app = definitions.clone();
                            let Properties::Role(role) =
                                &mut app.stacks_mut()[s].template.resources[i].properties
                            else {
                                unreachable!()
                            };
                            role.policies[p].statements.push(st.clone());
                            let case = format!("{name} Sid {}", st.sid);
                            one_duplicate(&app, &name, r.id.as_str(), &st.sid, &case);
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

fn flip_case(c: char) -> char {
    if c.is_ascii_uppercase() {
        c.to_ascii_lowercase()
    } else {
        c.to_ascii_uppercase()
    }
}

fn function_at(app: &mut App, s: usize, i: usize) -> &mut infra_gen::model::lambda::Function {
    match &mut app.stacks_mut()[s].template.resources[i].properties {
        Properties::Function(f) => f,
        _ => unreachable!("a function"),
    }
}

#[test]
fn a_duplicate_stack_or_export_is_one_finding_and_another_region_is_another_name() {
    let definitions = app();
    for stack in definitions.stacks() {
        // The same stack name twice (its exports dropped, so only the name repeats).
        let mut app = definitions.clone();
        let mut copy = stack.clone();
        strip_exports(&mut copy.template);
        app.push(copy.clone());
        let name = stack.name.to_string();
        let place = format!("stack in {}", stack.environment.region());
        one_duplicate(&app, &name, &place, &format!("{name} › {place}"), "stack");
        // Each export of it again, from another stack of the same region.
        for o in stack.template.outputs.iter().filter(|o| o.export.is_some()) {
            let mut app = definitions.clone();
            let mut other = copy.clone();
            other.name = StackName::new(format!("{name}-copy")).expect("valid");
            let mut output = o.clone();
            output.id = LogicalId::new(format!("{}Again", o.id)).expect("valid");
            other.template.outputs.push(output.clone());
            app.push(other.clone());
            let place = format!("Outputs.{}", output.id);
            let earlier = format!("{name} › Outputs.{}", o.id);
            one_duplicate(&app, &format!("{name}-copy"), &place, &earlier, "export");
            // In another region the export name is another export.
            let mut app = definitions.clone();
            other.environment = elsewhere(stack);
            app.push(other);
            let findings = lint(&app);
            assert!(of(&findings, "duplicate").is_empty(), "{findings:#?}");
        }
    }
}

fn strip_exports(t: &mut Template) {
    for o in &mut t.outputs {
        o.export = None;
    }
}

/// The stack's environment in another region.
fn elsewhere(stack: &Stack) -> Environment {
    let region = if stack.environment.region() == "eu-central-1" {
        "ap-southeast-2"
    } else {
        "eu-central-1"
    };
    Environment::new(stack.environment.name(), region).expect("valid")
}

#[test]
fn a_stack_importing_an_export_of_another_region_is_refused() {
    let definitions = app();
    for (s, exporter) in definitions.stacks().iter().enumerate() {
        let exports: Vec<&str> = exporter
            .template
            .outputs
            .iter()
            .filter_map(|o| o.export.as_deref())
            .collect();
        let importers: Vec<&Stack> = definitions
            .stacks()
            .iter()
            .filter(|t| exports.iter().any(|e| imports(t).contains(&e.to_string())))
            .collect();
        if importers.is_empty() {
            continue;
        }
        let mut app = definitions.clone();
        app.stacks_mut()[s].environment = elsewhere(exporter);
        let findings = lint(&app);
        let found = of(&findings, "region");
        assert_eq!(found.len(), importers.len(), "{found:#?}");
        for (f, importer) in found.iter().zip(&importers) {
            assert_eq!(f.stack, importer.name.as_str(), "{f}");
            assert!(f.message.contains(exporter.name.as_str()), "{f}");
            assert!(f.message.contains("own region"), "{f}");
        }
        assert!(of(&findings, "deploy-order").is_empty(), "{findings:#?}");
    }
}

fn imports(stack: &Stack) -> Vec<String> {
    let mut out = Vec::new();
    for r in &stack.template.resources {
        for e in r.properties.exprs() {
            e.walk(&mut |x| {
                if let Expr::ImportValue(inner) = x
                    && let Some(name) = inner.as_literal()
                {
                    out.push(name.to_owned());
                }
            });
        }
    }
    out
}

#[test]
fn alarm_actions_must_be_in_the_alarms_region() {
    let definitions = app();
    let mut alarms = 0;
    for (s, stack) in definitions.stacks().iter().enumerate() {
        let region = stack.environment.region().to_owned();
        let other = elsewhere(stack).region().to_owned();
        for (i, r) in stack.template.resources.iter().enumerate() {
            if !matches!(r.properties, Properties::Alarm(_)) {
                continue;
            }
            alarms += 1;
            let cases = [
                (format!("arn:aws:sns:{other}:123456789012:ops"), true),
                (format!("arn:aws:sns:{region}:123456789012:ops"), false),
                (
                    "arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:ops".into(),
                    false,
                ),
                (
                    format!("arn:${{AWS::Partition}}:sns:{other}:${{AWS::AccountId}}:ops"),
                    true,
                ),
                // A region the definition does not give is not a pass.
                ("arn:aws:sns:${TopicRegion}:123456789012:ops".into(), true),
                ("ops".into(), true),
            ];
            for (arn, refused) in cases {
                let mut app = definitions.clone();
                if let Properties::Alarm(a) =
                    &mut app.stacks_mut()[s].template.resources[i].properties
                {
                    a.actions = vec![if arn.contains("${") {
                        Expr::sub(arn.as_str())
                    } else {
                        Expr::literal(arn.as_str())
                    }];
                }
                let findings = lint(&app);
                let found = of(&findings, "region");
                assert_eq!(found.len(), usize::from(refused), "{arn}: {found:#?}");
                if let Some(f) = found.first() {
                    assert_eq!(
                        (f.stack.as_str(), f.resource.as_str()),
                        (stack.name.as_str(), r.id.as_str())
                    );
                }
            }
        }
    }
    assert!(alarms > 0, "the definitions have alarms to test");
}

#[test]
fn two_stacks_of_one_region_cannot_hold_resources_of_one_physical_name() {
    let definitions = app();
    for stack in definitions.stacks() {
        let named = stack
            .template
            .resources
            .iter()
            .filter(|r| !matches!(r.properties, Properties::Role(_)))
            .count();
        // SAM names each schedule of a function `<function><event>`: those collide too.
        let schedules = stack
            .template
            .resources
            .iter()
            .filter_map(|r| match &r.properties {
                Properties::Function(f) => Some(
                    f.events
                        .iter()
                        .filter(|e| matches!(e.source, EventSource::Schedule(_)))
                        .count(),
                ),
                _ => None,
            })
            .sum::<usize>();
        let named = named + schedules;
        // The same resources under another stack name, in the same region: each collides.
        let mut app = definitions.clone();
        let mut copy = stack.clone();
        copy.name = StackName::new(format!("{}-copy", stack.name)).expect("valid");
        strip_exports(&mut copy.template);
        app.push(copy.clone());
        let findings = lint(&app);
        let found: Vec<_> = of(&findings, "region")
            .into_iter()
            .filter(|f| f.message.contains("same account"))
            .collect();
        assert_eq!(found.len(), named, "{found:#?}");
        for f in found {
            assert_eq!(f.stack, copy.name.as_str());
            assert!(
                f.message
                    .contains(&format!("{} › {}", stack.name, f.resource)),
                "{f}"
            );
        }
        // In another region they are other resources, except IAM's, whose names are global.
        let mut app = definitions.clone();
        copy.environment = elsewhere(stack);
        app.push(copy.clone());
        let findings = lint(&app);
        assert!(
            !findings
                .iter()
                .any(|f| f.message.contains("same account and region")),
            "{findings:#?}"
        );
        for f in of(&findings, "region")
            .into_iter()
            .filter(|f| f.message.contains("is also used by"))
        {
            let iam = copy
                .template
                .resource(&f.resource)
                .is_some_and(|r| r.properties.type_name().starts_with("AWS::IAM::"));
            assert!(iam && f.message.contains("unique across regions"), "{f}");
        }
    }
}

#[test]
fn every_stateful_resource_must_be_retained() {
    let definitions = app();
    let mut stateful = 0;
    let policies = [DeletionPolicy::Delete, DeletionPolicy::Retain];
    for (s, stack) in definitions.stacks().iter().enumerate() {
        for (i, r) in stack.template.resources.iter().enumerate() {
            if !r.properties.is_stateful() {
                continue;
            }
            stateful += 1;
            let mut lifecycles = vec![None];
            for deletion in policies {
                for update_replace in policies {
                    lifecycles.push(Some(Lifecycle {
                        deletion,
                        update_replace,
                    }));
                }
            }
            for lifecycle in lifecycles {
                let mut app = definitions.clone();
                app.stacks_mut()[s].template.resources[i].lifecycle = lifecycle;
                let findings = lint(&app);
                let found = of(&findings, "stateful-policy");
                let retained = lifecycle == Some(Lifecycle::RETAIN);
                assert_eq!(
                    found.len(),
                    usize::from(!retained),
                    "{lifecycle:?}: {found:#?}"
                );
                if let Some(f) = found.first() {
                    assert_eq!(
                        (f.stack.as_str(), f.resource.as_str()),
                        (stack.name.as_str(), r.id.as_str())
                    );
                }
            }
        }
    }
    assert!(stateful > 0);
}

/// A copy of the committed `generated/` to rename stacks against.
fn committed_copy(name: &str) -> PathBuf {
    let dir = std::env::temp_dir()
        .join(format!("infra-gen-integrity-{}-{name}", std::process::id()))
        .join("generated");
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("temp dir");
    let committed = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../generated");
    for entry in fs::read_dir(committed).expect("generated/") {
        let entry = entry.expect("entry");
        fs::copy(entry.path(), dir.join(entry.file_name())).expect("copy");
    }
    dir
}

fn produced(app: &App) -> Vec<String> {
    app.stacks()
        .iter()
        .map(|s| format!("{}.yaml", s.name))
        .collect()
}

#[test]
fn renaming_a_stack_with_stateful_resources_needs_an_acknowledgement() {
    let definitions = app();
    let dir = committed_copy("rename");
    let paths = produced(&definitions);
    let unchanged = removed_stacks(
        &definitions,
        &dir,
        &paths.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    assert!(unchanged.expect("reads").is_empty());
    for (s, stack) in definitions.stacks().iter().enumerate() {
        let stateful: Vec<String> = stack
            .template
            .resources
            .iter()
            .filter(|r| r.properties.is_stateful())
            .map(|r| r.id.to_string())
            .collect();
        // An environment renamed renames its stacks: `<service>-<env>-<role>`.
        let old = stack.name.to_string();
        let new = old.replacen(&format!("-{}-", stack.environment.name()), "-renamed-", 1);
        let mut app = definitions.clone();
        app.stacks_mut()[s].name = StackName::new(new.as_str()).expect("valid");
        let paths = produced(&app);
        let paths: Vec<&str> = paths.iter().map(String::as_str).collect();
        let found = removed_stacks(&app, &dir, &paths).expect("reads");
        if stateful.is_empty() {
            assert!(found.is_empty(), "{found:#?}");
            continue;
        }
        assert_eq!(found.len(), 1, "{found:#?}");
        let f = found[0].to_finding();
        assert_eq!((f.code, f.stack.as_str()), ("replacement", old.as_str()));
        assert_eq!(f.resource, stateful.join(", "));
        assert!(f.message.contains(&new), "{f}");
        assert!(
            f.fix
                .contains(&format!("acknowledge_removed_stack(\"{old}\"")),
            "{f}"
        );
        app.acknowledge_removed_stack(
            &old,
            "the environment is renamed and its data moved by hand",
        )
        .expect("valid");
        let found = removed_stacks(&app, &dir, &paths).expect("reads");
        assert!(found[0].acknowledged.is_some(), "{found:#?}");
    }
    let _ = fs::remove_dir_all(dir.parent().expect("root"));
}

#[test]
fn moving_a_stack_with_stateful_resources_to_another_region_needs_an_acknowledgement() {
    let definitions = app();
    let committed = fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../generated/samconfig.toml"),
    )
    .expect("committed samconfig");
    // The definitions' own rendering equals the committed file: nothing moved, nothing read.
    assert!(moved_stacks(&definitions, Some(&committed), &committed).is_empty());
    assert!(moved_stacks(&definitions, Some(&committed), "").is_empty());
    for (s, stack) in definitions.stacks().iter().enumerate() {
        let stateful: Vec<String> = stack
            .template
            .resources
            .iter()
            .filter(|r| r.properties.is_stateful())
            .map(|r| r.id.to_string())
            .collect();
        let mut app = definitions.clone();
        let to = elsewhere(stack);
        app.stacks_mut()[s].environment = to.clone();
        let found = moved_stacks(&app, Some(&committed), "");
        if stateful.is_empty() {
            assert!(found.is_empty(), "{found:#?}");
            continue;
        }
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(
            found[0].fate,
            Fate::Moved {
                from: stack.environment.region().to_owned(),
                to: to.region().to_owned()
            }
        );
        let f = found[0].to_finding();
        assert_eq!(
            (f.stack.as_str(), f.resource.clone()),
            (stack.name.as_str(), stateful.join(", "))
        );
        assert!(found[0].acknowledged.is_none());
        app.acknowledge_removed_stack(
            stack.name.as_str(),
            "the service moves region with its data copied",
        )
        .expect("valid");
        assert!(
            moved_stacks(&app, Some(&committed), "")[0]
                .acknowledged
                .is_some()
        );
    }
}

#[test]
fn a_duplicate_condition_key_sub_variable_or_alarm_dimension_is_one_finding() {
    let definitions = app();
    let mut cases = 0;
    for (s, stack) in definitions.stacks().iter().enumerate() {
        let name = stack.name.to_string();
        for (i, r) in stack.template.resources.iter().enumerate() {
            let earlier = format!("{name} › {}", r.id);
            let mut mutated: Vec<App> = Vec::new();
            match &r.properties {
                Properties::Role(role) => {
                    for (p, policy) in role.policies.iter().enumerate() {
                        for (k, st) in policy.statements.iter().enumerate() {
                            for c in &st.conditions {
                                let mut app = definitions.clone();
                                if let Properties::Role(role) =
                                    &mut app.stacks_mut()[s].template.resources[i].properties
                                {
                                    let mut again = c.clone();
                                    again.values = vec![Expr::literal("another value")];
                                    role.policies[p].statements[k].conditions.push(again);
                                }
                                mutated.push(app);
                            }
                        }
                    }
                }
                Properties::Alarm(alarm) => {
                    for d in &alarm.dimensions {
                        let mut app = definitions.clone();
                        if let Properties::Alarm(a) =
                            &mut app.stacks_mut()[s].template.resources[i].properties
                        {
                            a.dimensions.push((d.0.clone(), Expr::literal("other")));
                        }
                        mutated.push(app);
                    }
                }
                Properties::Function(f) => {
                    if let Expr::SubWith(t, vars) = &f.image_uri {
                        for v in vars {
                            let mut app = definitions.clone();
                            let mut more = vars.clone();
                            more.push((v.0.clone(), Expr::literal("other")));
                            function_at(&mut app, s, i).image_uri = Expr::SubWith(t.clone(), more);
                            mutated.push(app);
                        }
                    }
                }
                _ => {}
            }
            for app in mutated {
                cases += 1;
                one_duplicate(&app, &name, r.id.as_str(), &earlier, "nested name");
            }
        }
    }
    assert!(cases > 0);
}
