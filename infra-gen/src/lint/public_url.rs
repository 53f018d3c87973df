//! Lint `public-url`: every reason a template gives for a public Function URL meets
//! [`PublicReason`]'s rule, also when set through `App::stacks_mut()` — the `PublicUrlReason`
//! metadata and the reasons of the scanners' URL-auth suppressions are free text there.

use super::Sink;
use crate::builders::Stack;
use crate::model::lambda::{PublicReason, UrlAuth};
use crate::model::{Properties, Resource};

const CODE: &str = "public-url";

pub(super) fn check(stack: &Stack, resource: &Resource, sink: &mut Sink<'_>) {
    let id = resource.id.as_str();
    // The URL's own reason passed `PublicReason::new`; only other text is judged again.
    let judged = match &resource.properties {
        Properties::Function(f) => match f.url.as_ref().map(|u| &u.auth) {
            Some(UrlAuth::Public(reason)) => Some(reason.as_str()),
            _ => None,
        },
        _ => None,
    };
    let mut judge = |place: String, reason: &str| {
        if judged == Some(reason) {
            return;
        }
        // Without a public URL the reason answers nothing: the scanners would call its
        // suppression stale, and a reviewer would read of a URL that is not public.
        if judged.is_none() {
            sink.push(
                CODE,
                id,
                format!("{place} gives a reason for a public URL, but {id} has none"),
                format!("remove it from {id} in {}", stack.source),
            );
            return;
        }
        if let Err(e) = PublicReason::new(reason) {
            sink.push(
                CODE,
                id,
                format!("{place} is not a reason for a public URL: {e}"),
                format!("{} (in {})", e.fix(), stack.source),
            );
        }
    };
    match resource.metadata.get("PublicUrlReason") {
        None => {}
        Some(serde_json::Value::String(reason)) => judge("Metadata.PublicUrlReason".into(), reason),
        Some(other) => judge("Metadata.PublicUrlReason".into(), &other.to_string()),
    }
    for s in &resource.suppressions {
        if PublicReason::SCANNER_RULES
            .iter()
            .any(|&(tool, rule)| s.tool() == tool && s.rule() == rule)
        {
            judge(
                format!("the reason suppressing {} {}", s.tool().name(), s.rule()),
                s.reason(),
            );
        }
    }
}
