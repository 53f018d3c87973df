//! FIFO and standard queues and topics where AWS accepts only one kind: a queue's dead-letter
//! queue is of the queue's own kind (SQS refuses a FIFO queue's redrive to a standard queue and
//! the reverse), and a function's asynchronous destinations and dead-letter target are standard
//! queues and topics (Lambda cannot send to a FIFO one: `EventInvokeConfig` refuses it).
//!
//! A standard queue's dead-letter queue also keeps messages at least as long as the queue: SQS
//! keeps a message's enqueue time when it moves it there, so a shorter retention deletes a
//! failed message as it arrives (lint code `dead-letter`).
//!
//! A target's kind is read from the stack's own resource it names (a modelled queue's `.fifo`
//! name, a raw queue's `FifoQueue`, a raw topic's `FifoTopic`), or from the name at the end of
//! an ARN the definition fixes (a FIFO queue's or topic's name ends in `.fifo`, as AWS
//! requires); a target whose name stays open is not judged here.

use super::Sink;
use super::regions::{at_path, shown};
use crate::builders::Stack;
use crate::model::raw::{Raw, RawValue};
use crate::model::{Expr, Kind, Properties, Resource};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Order {
    Fifo,
    Standard,
}

impl Order {
    fn name(self) -> &'static str {
        match self {
            Order::Fifo => "FIFO",
            Order::Standard => "standard",
        }
    }
}

/// A raw queue's or topic's kind: its `Fifo…` flag (read as CloudFormation converts a
/// boolean: `"True"` is true), or a name ending in `.fifo`.
fn raw_order(sink: &Sink<'_>, raw: &Raw) -> Option<Order> {
    let (flag, name) = match raw.type_name() {
        "AWS::SQS::Queue" => ("FifoQueue", "QueueName"),
        "AWS::SNS::Topic" => ("FifoTopic", "TopicName"),
        _ => return None,
    };
    let props = raw.properties();
    let scope = sink.scope();
    let flagged = props.get(flag).and_then(|v| scope.boolean(v)) == Some(true);
    let named = props.get(name).and_then(RawValue::expr).is_some_and(|n| {
        scope
            .resolve(n)
            .known()
            .is_some_and(|n| n.ends_with(".fifo"))
    });
    Some(if flagged || named {
        Order::Fifo
    } else {
        Order::Standard
    })
}

/// The stack's own resource `target` names (`GetAtt`, `Ref`, `${X.Arn}`).
fn own_resource<'a>(stack: &'a Stack, target: &Expr) -> Option<&'a Resource> {
    let id = match target {
        Expr::GetAtt(id, _) | Expr::Ref(id) => Some(id.as_str()),
        // `!Sub "${Dlq.Arn}"` names the resource as `!GetAtt` does.
        Expr::Sub(t) => t
            .strip_prefix("${")
            .and_then(|t| t.strip_suffix('}'))
            .filter(|t| !t.contains(['$', '{', '}']))
            .map(|t| t.split_once('.').map_or(t, |(id, _)| id)),
        _ => None,
    }?;
    stack
        .template
        .resources
        .iter()
        .find(|r| r.id.as_str() == id)
}

/// The kind of the queue or topic `target` names, when the definition fixes it.
fn target_order(stack: &Stack, sink: &Sink<'_>, target: &Expr) -> Option<Order> {
    if let Some(r) = own_resource(stack, target) {
        return match &r.properties {
            Properties::Queue(q) => Some(if q.name.is_fifo() {
                Order::Fifo
            } else {
                Order::Standard
            }),
            Properties::Raw(raw) => raw_order(sink, raw),
            _ => None,
        };
    }
    // An ARN: `arn:<partition>:<service>:<region>:<account>:<name>`; the account may stay
    // open, the name must be fixed.
    const OPEN: &str = "\u{1}";
    let arn = sink.scope().resolve(target).with_unknowns_as(OPEN);
    let mut parts = arn.splitn(6, ':');
    let service = parts.nth(2)?;
    let name = parts.nth(2)?;
    (arn.starts_with("arn:") && matches!(service, "sqs" | "sns") && !name.contains(OPEN)).then(
        || {
            if name.ends_with(".fifo") {
                Order::Fifo
            } else {
                Order::Standard
            }
        },
    )
}

pub(super) fn check(stack: &Stack, sink: &mut Sink<'_>) {
    for r in &stack.template.resources {
        let id = r.id.as_str();
        match &r.properties {
            Properties::Queue(q) => {
                let own = if q.name.is_fifo() {
                    Order::Fifo
                } else {
                    Order::Standard
                };
                if let Some(d) = &q.redrive {
                    check_dead_letter(
                        stack,
                        sink,
                        id,
                        (own, retention(sink, r)),
                        &d.dead_letter_arn,
                    );
                }
            }
            Properties::Function(f) => {
                if let Some((_, target)) =
                    f.async_invoke.as_ref().and_then(|a| a.on_failure.as_ref())
                {
                    check_destination(stack, sink, id, "on-failure destination", target);
                }
            }
            Properties::Raw(raw) => {
                let paths: &[(&str, &str)] = match raw.type_name() {
                    "AWS::Lambda::EventInvokeConfig" => &[
                        (
                            "DestinationConfig.OnFailure.Destination",
                            "on-failure destination",
                        ),
                        (
                            "DestinationConfig.OnSuccess.Destination",
                            "on-success destination",
                        ),
                    ],
                    "AWS::Lambda::Function" => {
                        &[("DeadLetterConfig.TargetArn", "dead-letter target")]
                    }
                    "AWS::SQS::Queue" => {
                        if let Some(own) = raw_order(sink, raw) {
                            let kept = retention(sink, r);
                            for v in at_path(raw.properties(), "RedrivePolicy.deadLetterTargetArn")
                            {
                                if let Some(e) = v.expr() {
                                    check_dead_letter(stack, sink, id, (own, kept), e);
                                }
                            }
                        }
                        &[]
                    }
                    _ => &[],
                };
                for (path, what) in paths {
                    for v in at_path(raw.properties(), path) {
                        if let Some(e) = v.expr() {
                            check_destination(stack, sink, id, what, e);
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

/// How long a queue of the stack keeps a message (seconds): a modelled queue's retention, a
/// raw queue's `MessageRetentionPeriod` (SQS's four days when left out); `None` when an input
/// decides it or `r` is no queue.
fn retention(sink: &Sink<'_>, r: &Resource) -> Option<u32> {
    match &r.properties {
        Properties::Queue(q) => Some(q.retention.seconds()),
        Properties::Raw(raw) if raw.type_name() == "AWS::SQS::Queue" => {
            match raw.properties().get("MessageRetentionPeriod") {
                None => Some(345_600),
                Some(v) => u32::try_from(sink.scope().integer(v)?).ok(),
            }
        }
        _ => None,
    }
}

/// A queue's dead-letter queue `target` is of its own kind and, for a standard queue, keeps
/// messages at least as long: SQS keeps a message's original enqueue time when it moves it to
/// a standard dead-letter queue (a FIFO one resets it), so one that waited longer than the
/// dead-letter queue keeps messages is deleted as it arrives.
fn check_dead_letter(
    stack: &Stack,
    sink: &mut Sink<'_>,
    id: &str,
    (own, kept): (Order, Option<u32>),
    target: &Expr,
) {
    let Some(theirs) = target_order(stack, sink, target) else {
        return;
    };
    if theirs == own && own == Order::Standard {
        let dead = own_resource(stack, target).and_then(|r| Some((r, retention(sink, r)?)));
        if let (Some(kept), Some((dead, theirs))) = (kept, dead)
            && theirs < kept
        {
            sink.push(
                "dead-letter",
                id,
                format!(
                    "this queue keeps messages {kept} s, but its dead-letter queue {} keeps them only {theirs} s: SQS keeps a message's original enqueue time when it moves it to a standard dead-letter queue, so a message that failed after waiting {theirs} s or more is deleted as it arrives",
                    dead.id
                ),
                format!(
                    "keep the dead-letter queue's messages at least {kept} s (MessageRetention; SQS keeps them up to 1209600 s, 14 days), or this queue's for less"
                ),
            );
        }
    }
    if theirs != own {
        sink.push(
            "fifo",
            id,
            format!(
                "this {} queue's dead-letter queue {} is a {} queue: SQS moves a queue's failed messages only to a queue of its own kind and refuses the redrive policy",
                own.name(),
                shown(target),
                theirs.name()
            ),
            format!(
                "redrive to a {} queue ({})",
                own.name(),
                if own == Order::Fifo { "a name ending in .fifo" } else { "a name without .fifo" }
            ),
        );
    }
}

fn check_destination(stack: &Stack, sink: &mut Sink<'_>, id: &str, what: &str, target: &Expr) {
    if target_order(stack, sink, target) == Some(Order::Fifo) {
        sink.push(
            "fifo",
            id,
            format!(
                "the function's {what} {} is a FIFO queue or topic: Lambda sends asynchronous invocation records only to standard queues and topics",
                shown(target)
            ),
            "send failures to a standard queue or topic (a name without .fifo)",
        );
    }
}
