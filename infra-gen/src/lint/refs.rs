//! `unresolved-ref`: every `Ref`, `Fn::GetAtt` and `${}` names something that exists, and
//! every `Fn::Select` of a list CloudFormation computes from text selects an item it has.

use super::Sink;
use crate::builders::Stack;
use crate::model::Expr;
use crate::model::expr::sub_placeholders;

const PSEUDO_PARAMETERS: [&str; 8] = [
    "AWS::AccountId",
    "AWS::NotificationARNs",
    "AWS::NoValue",
    "AWS::Partition",
    "AWS::Region",
    "AWS::StackId",
    "AWS::StackName",
    "AWS::URLSuffix",
];

struct Scope<'a> {
    stack: &'a Stack,
    /// Resources SAM adds, such as `<Function>Url`: their IDs and attributes.
    implicit: Vec<(String, &'static [&'static str])>,
}

impl Scope<'_> {
    /// The attributes `name` offers, or `None` if nothing has that name.
    fn attributes(&self, name: &str) -> Option<&'static [&'static str]> {
        if let Some(r) = self.stack.template.resource(name) {
            return Some(r.properties.attributes());
        }
        self.implicit
            .iter()
            .find(|(id, _)| id == name)
            .map(|(_, attributes)| *attributes)
    }

    fn can_ref(&self, name: &str) -> bool {
        PSEUDO_PARAMETERS.contains(&name)
            || self
                .stack
                .template
                .parameters
                .iter()
                .any(|p| p.id.as_str() == name)
            || self.attributes(name).is_some()
    }

    fn get_att_problem(&self, id: &str, attr: &str) -> Option<String> {
        // A raw resource's attributes are its schema's; the schema step checks them.
        if self
            .stack
            .template
            .resource(id)
            .is_some_and(|r| matches!(r.properties, crate::model::Properties::Raw(_)))
        {
            return None;
        }
        match self.attributes(id) {
            None => Some(format!("Fn::GetAtt {id}.{attr}: no resource {id}")),
            Some(attrs) if !attrs.contains(&attr) => Some(format!(
                "Fn::GetAtt {id}.{attr}: {id} has no attribute {attr} (it has {})",
                attrs.join(", ")
            )),
            Some(_) => None,
        }
    }

    fn problem(&self, e: &Expr, locals: &[&str]) -> Vec<String> {
        let mut problems = Vec::new();
        match e {
            // CloudFormation fails the stack on an index past the list's end ("Fn::Select
            // cannot select nonexistent value at index").
            Expr::Select(index, list) => {
                if let Expr::Split(delimiter, source) = list.as_ref()
                    && let Some(text) = source.literal_value()
                {
                    let items = text.split(delimiter.as_str()).count();
                    if *index >= items {
                        problems.push(format!(
                            "Fn::Select index {index} of a list of {items} item(s) (Fn::Split of `{text}` at `{delimiter}`): CloudFormation fails the stack"
                        ));
                    }
                }
            }
            Expr::Ref(name) if !self.can_ref(name) => {
                problems.push(format!(
                    "Ref {name}: no resource, parameter or pseudo parameter has that name"
                ));
            }
            Expr::GetAtt(id, attr) => problems.extend(self.get_att_problem(id, attr)),
            Expr::Sub(t) | Expr::SubWith(t, _) => {
                for p in sub_placeholders(t) {
                    if locals.contains(&p) {
                        continue;
                    }
                    match p.split_once('.') {
                        Some((id, attr)) if !p.starts_with("AWS::") => {
                            problems.extend(self.get_att_problem(id, attr));
                        }
                        _ if self.can_ref(p) => {}
                        _ => problems.push(format!("Fn::Sub ${{{p}}}: nothing has that name")),
                    }
                }
            }
            _ => {}
        }
        problems
    }
}

pub(super) fn check(stack: &Stack, sink: &mut Sink<'_>) {
    let implicit = stack.template.resources.iter().flat_map(|r| {
        let implicit = r.properties.implicit(&r.id);
        implicit.into_iter().map(|i| (i.id, i.attributes))
    });
    let scope = Scope {
        stack,
        implicit: implicit.collect(),
    };
    let visit = |owner: &str, e: &Expr, sink: &mut Sink<'_>| {
        let mut found = Vec::new();
        e.walk(&mut |x| {
            let locals: Vec<&str> = match x {
                Expr::SubWith(_, vars) => vars.iter().map(|(k, _)| k.as_str()).collect(),
                _ => Vec::new(),
            };
            found.extend(scope.problem(x, &locals));
        });
        for message in found {
            sink.push(
                "unresolved-ref",
                owner,
                message,
                "reference a resource or parameter of this stack (see `cargo infra-gen list`), or import another stack's export; select an index the list has",
            );
        }
    };
    for r in &stack.template.resources {
        for e in r.properties.exprs() {
            visit(r.id.as_str(), e, sink);
        }
    }
    for o in &stack.template.outputs {
        visit(&format!("Outputs.{}", o.id), &o.value, sink);
    }
}
