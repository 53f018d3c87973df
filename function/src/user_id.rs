//! `metadata.user_id` towards each upstream.
//!
//! The Anthropic-body upstreams (the Messages endpoint, InvokeModel) take the Anthropic API's
//! `metadata.user_id` as the first-party API does, so Claude Code's value reaches them unchanged.
//! Converse has no such field: its `requestMetadata` (key/value pairs for filtering invocation
//! logs) holds the user id, and Bedrock refuses values outside
//! `[a-zA-Z0-9\s:_@$#=/+,\-.]{0,256}` — which Claude Code's JSON string is. Such a value is sent
//! as a digest of its user part, so one user keeps one value across sessions, as the field
//! intends, and nothing of it is readable upstream.
//!
//! Claude Code's value is `{"device_id":…,"account_uuid":…,"session_id":…}` as a JSON string
//! (since 2.1.78), before that `user_<device>_account_<uuid>_session_<uuid>`.

use sha2::{Digest, Sha256};

/// The key the user id has in Converse's `requestMetadata`.
pub const REQUEST_METADATA_KEY: &str = "user_id";

/// The user id as Converse's `requestMetadata` takes it: unchanged when Bedrock accepts it, else
/// `sha256:<hex>` of its user part (the same for every session of one user).
pub fn for_request_metadata(user_id: &str) -> String {
    if request_metadata_accepts(user_id) {
        return user_id.to_owned();
    }
    let digest = Sha256::digest(user_part(user_id).as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

/// Bedrock's constraint on `requestMetadata` values, `[a-zA-Z0-9\s:_@$#=/+,\-.]{0,256}`.
pub fn request_metadata_accepts(value: &str) -> bool {
    value.chars().count() <= 256
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c.is_whitespace() || ":_@$#=/+,-.".contains(c))
}

/// What identifies the user in a user id, without what identifies the session: a JSON object
/// without its `session_id` (keys sorted, so key order does not matter), the legacy form up to
/// `_session_`, any other value as it is.
pub fn user_part(user_id: &str) -> String {
    if let Ok(serde_json::Value::Object(mut fields)) = serde_json::from_str(user_id) {
        fields.remove("session_id");
        let mut sorted: Vec<(String, serde_json::Value)> = fields.into_iter().collect();
        sorted.sort_by(|a, b| a.0.cmp(&b.0));
        return serde_json::Value::Object(sorted.into_iter().collect()).to_string();
    }
    match user_id.find("_session_") {
        Some(at) if user_id.starts_with("user_") => user_id[..at].to_owned(),
        _ => user_id.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Claude Code's JSON form.
    fn json_form(device: &str, account: &str, session: &str) -> String {
        serde_json::json!({"device_id": device, "account_uuid": account, "session_id": session})
            .to_string()
    }

    /// Claude Code's form before 2.1.78.
    fn legacy_form(device: &str, account: &str, session: &str) -> String {
        format!("user_{device}_account_{account}_session_{session}")
    }

    fn device() -> impl Strategy<Value = String> {
        "[0-9a-f]{64}"
    }

    fn account() -> impl Strategy<Value = String> {
        prop_oneof![
            Just(String::new()),
            "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
        ]
    }

    fn session() -> impl Strategy<Value = String> {
        "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
    }

    proptest! {
        #[test]
        fn one_user_maps_to_one_value_across_sessions(
            device in device(), account in account(), s1 in session(), s2 in session()
        ) {
            let a = for_request_metadata(&json_form(&device, &account, &s1));
            let b = for_request_metadata(&json_form(&device, &account, &s2));
            prop_assert_eq!(&a, &b);
            prop_assert!(request_metadata_accepts(&a), "{}", a);
            prop_assert_eq!(
                user_part(&legacy_form(&device, &account, &s1)),
                user_part(&legacy_form(&device, &account, &s2))
            );
        }

        #[test]
        fn different_users_map_to_different_values(
            (d1, d2) in (device(), device()).prop_filter("two devices", |(a, b)| a != b),
            (a1, a2) in (account(), account()),
            session in session()
        ) {
            prop_assert_ne!(
                for_request_metadata(&json_form(&d1, &a1, &session)),
                for_request_metadata(&json_form(&d2, &a2, &session))
            );
            prop_assert_ne!(
                user_part(&legacy_form(&d1, &a1, &session)),
                user_part(&legacy_form(&d2, &a2, &session))
            );
        }

        #[test]
        fn accounts_are_told_apart_on_one_device(
            device in device(),
            (a1, a2) in (account(), account()).prop_filter("two accounts", |(a, b)| a != b),
            session in session()
        ) {
            prop_assert_ne!(
                for_request_metadata(&json_form(&device, &a1, &session)),
                for_request_metadata(&json_form(&device, &a2, &session))
            );
        }

        #[test]
        fn values_bedrock_accepts_pass_unchanged(value in "[a-zA-Z0-9 :_@$#=/+,.-]{0,256}") {
            prop_assert_eq!(for_request_metadata(&value), value);
        }
    }

    #[test]
    fn key_order_does_not_change_the_user() {
        let a = r#"{"device_id":"d","account_uuid":"a","session_id":"s1"}"#;
        let b = r#"{"session_id":"s2","account_uuid":"a","device_id":"d"}"#;
        assert_eq!(for_request_metadata(a), for_request_metadata(b));
        assert!(!request_metadata_accepts(&"a".repeat(257)));
    }
}
