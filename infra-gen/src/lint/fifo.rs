//! FIFO and standard queues and topics where AWS accepts only one kind: a queue's dead-letter
//! queue is of the queue's own kind (SQS refuses a FIFO queue's redrive to a standard queue and
//! the reverse), and a function's asynchronous destinations and dead-letter target are standard
//! queues and topics (Lambda cannot send to a FIFO one: `EventInvokeConfig` refuses it).
//!
//! A target's kind is read from the stack's own resource it names (a modelled queue's `.fifo`
//! name, a raw queue's `FifoQueue`, a raw topic's `FifoTopic`), or from the name at the end of
//! an ARN the definition fixes (a FIFO queue's or topic's name ends in `.fifo`, as AWS
//! requires); a target whose name stays open is not judged here.

use super::Sink;
use super::regions::{at_path, shown};
use crate::builders::Stack;
use crate::model::raw::{Raw, RawValue};
use crate::model::{Expr, Kind, Properties};

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

/// A raw queue's or topic's kind: its `Fifo…` flag, or a literal name ending in `.fifo`.
fn raw_order(raw: &Raw) -> Option<Order> {
    let (flag, name) = match raw.type_name() {
        "AWS::SQS::Queue" => ("FifoQueue", "QueueName"),
        "AWS::SNS::Topic" => ("FifoTopic", "TopicName"),
        _ => return None,
    };
    let props = raw.properties();
    let flagged = match props.get(flag) {
        Some(RawValue::Bool(b)) => *b,
        Some(RawValue::Expr(e)) => e.as_literal() == Some("true"),
        _ => false,
    };
    let named = props
        .get(name)
        .and_then(RawValue::expr)
        .and_then(Expr::as_literal)
        .is_some_and(|n| n.ends_with(".fifo"));
    Some(if flagged || named {
        Order::Fifo
    } else {
        Order::Standard
    })
}

/// The kind of the queue or topic `target` names, when the definition fixes it.
fn target_order(stack: &Stack, sink: &Sink<'_>, target: &Expr) -> Option<Order> {
    let own = match target {
        Expr::GetAtt(id, _) | Expr::Ref(id) => Some(id.as_str()),
        // `!Sub "${Dlq.Arn}"` names the resource as `!GetAtt` does.
        Expr::Sub(t) => t
            .strip_prefix("${")
            .and_then(|t| t.strip_suffix('}'))
            .filter(|t| !t.contains(['$', '{', '}']))
            .map(|t| t.split_once('.').map_or(t, |(id, _)| id)),
        _ => None,
    };
    if let Some(r) = own.and_then(|id| {
        stack
            .template
            .resources
            .iter()
            .find(|r| r.id.as_str() == id)
    }) {
        return match &r.properties {
            Properties::Queue(q) => Some(if q.name.is_fifo() {
                Order::Fifo
            } else {
                Order::Standard
            }),
            Properties::Raw(raw) => raw_order(raw),
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
                    check_dead_letter(stack, sink, id, own, &d.dead_letter_arn);
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
                        if let Some(own) = raw_order(raw) {
                            for v in at_path(raw.properties(), "RedrivePolicy.deadLetterTargetArn")
                            {
                                if let Some(e) = v.expr() {
                                    check_dead_letter(stack, sink, id, own, e);
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

fn check_dead_letter(stack: &Stack, sink: &mut Sink<'_>, id: &str, own: Order, target: &Expr) {
    let Some(theirs) = target_order(stack, sink, target) else {
        return;
    };
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
