//! The limits layer of a model call (`crate::limits`): a message, streamed or whole, is admitted
//! against its key's and group's spend and rate limits beside the upstream opening, and its
//! real cost is settled when the call ends, however it ends. `count_tokens` costs nothing and
//! passes.

use std::sync::{Arc, Mutex};

use super::call::{Admission, Answer, Call};
use super::{App, EndNote, new_id};
use crate::error::ApiError;
use crate::limits::{Demand, Ticket, UNKNOWN_MAX_OUTPUT, pricing};

pub(super) fn admit(
    app: &App,
    call: &Call<'_>,
    admission: &mut Admission<'_>,
) -> Result<(), ApiError> {
    if call.answer == Answer::Count {
        return Ok(());
    }
    let limits = app.limits.clone();
    let principal = call.key.clone();
    let model = call.model.id.clone();
    let price = call.model.price.rates().copied();
    let input_bound = pricing::input_bound(call.input_bytes, call.model.max_input_tokens);
    let max_output = call
        .asked
        .max_tokens
        .or(call.model.max_tokens)
        .unwrap_or(UNKNOWN_MAX_OUTPUT);
    // The check hands its ticket to the end hook; a refused or abandoned call leaves none.
    let ticket: Arc<Mutex<Option<Ticket>>> = Arc::default();
    let held = ticket.clone();
    admission.check(async move {
        let admitted = limits
            .admit(Demand {
                principal: &principal,
                model: &model,
                price,
                input_bound,
                max_output,
                request_id: &new_id(""),
            })
            .await?;
        if let Ok(mut slot) = held.lock() {
            *slot = Some(admitted);
        }
        Ok(())
    });
    admission.on_end(move |ended| {
        let admitted = ticket.lock().ok().and_then(|mut slot| slot.take());
        let usage = *ended.usage;
        async move {
            match admitted {
                Some(t) => {
                    let settled = t.settle(&usage).await;
                    EndNote {
                        cost_micro_usd: settled.cost_micro_usd,
                        limit_write_failures: u32::from(settled.write_failed),
                    }
                }
                None => EndNote::default(),
            }
        }
    });
    Ok(())
}
