//! Auth: the request's API key (checked against the keys in Secrets Manager, `crate::auth`),
//! and, as the first layer of a model call, whether that key may use the model.

use http::HeaderMap;

use super::call::{Admission, Call};
use super::{Access, App};
use crate::auth::Principal;
use crate::error::ApiError;

/// The key the request presents, or 401; its name goes into the access record.
pub(super) async fn authenticate(
    app: &App,
    headers: &HeaderMap,
    access: &mut Access,
) -> Result<Principal, ApiError> {
    let key = app.keys.verify(headers).await?;
    access.principal = Some(key.clone());
    Ok(key)
}

/// A key limited to some models is refused the others (403), before the upstream is called.
pub(super) fn admit(app: &App, call: &Call<'_>, _: &mut Admission<'_>) -> Result<(), ApiError> {
    call.key.may_use(call.model, &app.settings.models)
}
