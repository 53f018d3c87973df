//! Stacks chosen by what a test needs, read from the definitions (`stacks::app()`): no test
//! names a stack, so a service added to the app is tested like the ones before it. A choice
//! that finds nothing panics: a test that silently covers no stack must not pass.

// Each test binary compiles this module and uses a part of it.
#![allow(dead_code)]

use infra_gen::deploy::{image_function, image_registry};
use infra_gen::model::lambda::Function;
use infra_gen::model::{Properties, Resource};
use infra_gen::{App, Stack};

pub fn app() -> App {
    stacks::app().expect("definitions build")
}

/// Every stack that has what a test needs (`what`, for the failure message); at least one.
pub fn every<'a>(
    app: &'a App,
    what: &str,
    has: impl Fn(&Stack) -> bool,
) -> impl Iterator<Item = &'a Stack> {
    let found: Vec<&Stack> = app.stacks().iter().filter(|s| has(s)).collect();
    assert!(
        !found.is_empty(),
        "no stack of the definitions has {what}: the test would check nothing"
    );
    found.into_iter()
}

/// The first stack that has what a test needs.
pub fn first<'a>(app: &'a App, what: &str, has: impl Fn(&Stack) -> bool) -> &'a Stack {
    every(app, what, has).next().expect("every() found one")
}

/// The stack's function, if it is a service stack.
pub fn function(stack: &Stack) -> Option<&Function> {
    image_function(stack)
}

pub fn is_service(stack: &Stack) -> bool {
    function(stack).is_some()
}

/// Whether some service deploys its image from this stack's repository.
pub fn is_registry(app: &App, stack: &Stack) -> bool {
    services_with_registries(app).any(|(_, registry)| registry.name == stack.name)
}

/// Each service stack with the registry stack its image is pulled from; at least one.
pub fn services_with_registries(app: &App) -> impl Iterator<Item = (&Stack, &Stack)> {
    let pairs: Vec<(&Stack, &Stack)> = app
        .stacks()
        .iter()
        .filter_map(|s| {
            let (registry, _) = image_registry(app, function(s)?)?;
            Some((s, registry))
        })
        .collect();
    assert!(
        !pairs.is_empty(),
        "no service of the definitions imports its image repository from a registry stack"
    );
    pairs.into_iter()
}

/// The stack's resources of one kind (`Properties::Secret(_)`, …).
pub fn resources<'a>(
    stack: &'a Stack,
    kind: impl Fn(&Properties) -> bool + 'a,
) -> impl Iterator<Item = &'a Resource> + 'a {
    stack
        .template
        .resources
        .iter()
        .filter(move |r| kind(&r.properties))
}

/// The stack's one resource of a kind, which the test needs.
pub fn resource<'a>(
    stack: &'a Stack,
    what: &str,
    kind: impl Fn(&Properties) -> bool,
) -> &'a Resource {
    stack
        .template
        .resources
        .iter()
        .find(|r| kind(&r.properties))
        .unwrap_or_else(|| panic!("{} has no {what}", stack.name))
}

pub fn has<'a>(stack: &'a Stack, kind: impl Fn(&Properties) -> bool + 'a) -> bool {
    resources(stack, kind).next().is_some()
}

pub fn is_secret(p: &Properties) -> bool {
    matches!(p, Properties::Secret(_))
}

pub fn is_log_group(p: &Properties) -> bool {
    matches!(p, Properties::LogGroup(_))
}

pub fn is_repository(p: &Properties) -> bool {
    matches!(p, Properties::EcrRepository(_))
}

pub fn is_role(p: &Properties) -> bool {
    matches!(p, Properties::Role(_))
}

pub fn is_function(p: &Properties) -> bool {
    matches!(p, Properties::Function(_))
}
