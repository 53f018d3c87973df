//! The deployed stack and the function read the same configuration: every environment variable
//! the chatrix stacks set (`stacks/src/chatrix.rs`, as rendered) is one the function's settings
//! parser reads and accepts, and the secret value Secrets Manager generates from the stack's
//! `GenerateSecretString` is one the key parser accepts. A rename on either side fails here,
//! not at the first request after a deploy.

use std::cell::RefCell;
use std::collections::BTreeMap;

use serde_json::Value;

/// A stack's resources of one CloudFormation type, as rendered.
fn resources<'a>(template: &'a Value, type_name: &str) -> Vec<(&'a String, &'a Value)> {
    template["Resources"]
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(_, r)| r["Type"] == type_name)
        .collect()
}

/// What Lambda puts in the variable: literals as written, a reference to a resource as the
/// stand-in `arn:…:<logical id>` (the function only needs a non-empty ARN or name).
fn resolved(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Object(o) => {
            let id = o
                .get("Ref")
                .or_else(|| o.get("Fn::GetAtt").and_then(|a| a.get(0)))
                .and_then(Value::as_str)
                .unwrap_or("unresolved");
            format!("arn:aws:secretsmanager:us-west-2:000000000000:secret:{id}")
        }
        other => other.to_string(),
    }
}

#[test]
fn every_variable_the_stacks_set_is_read_and_accepted_by_the_function() {
    let stacks = stacks::chatrix::stacks().expect("the chatrix definitions build");
    let mut functions = 0;
    for stack in &stacks {
        let template = stack.template.to_json();
        for (id, function) in resources(&template, "AWS::Serverless::Function") {
            functions += 1;
            let env: BTreeMap<String, String> = function["Properties"]["Environment"]["Variables"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(k, v)| (k.clone(), resolved(v)))
                .collect();
            let asked = RefCell::new(Vec::<String>::new());
            let settings = function::config::Settings::from_lookup(|name| {
                asked.borrow_mut().push(name.to_owned());
                env.get(name).cloned()
            })
            .unwrap_or_else(|e| panic!("{} › {id}: the function refuses {env:?}: {e}", stack.name));
            let asked = asked.into_inner();
            for name in env.keys() {
                assert!(
                    asked.contains(name),
                    "{} › {id} sets {name}, which the function never reads",
                    stack.name
                );
            }
            // The secret the function reads is the stack's own.
            let secrets = resources(&template, "AWS::SecretsManager::Secret");
            assert!(
                secrets
                    .iter()
                    .any(|(secret, _)| settings.secret_id.ends_with(&format!(":{secret}"))),
                "{} › {id}: API_KEY_SECRET_ARN ({}) names none of the stack's secrets",
                stack.name,
                settings.secret_id
            );
        }
    }
    assert!(functions >= 2, "staging and prod each have the function");
}

/// A value as Secrets Manager generates it from `GenerateSecretString`: the template object
/// with the key holding `length` characters, letters and digits only (`ExcludePunctuation`).
fn generated(spec: &Value, seed: u64) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    assert_eq!(
        spec["ExcludePunctuation"], true,
        "a generated key with punctuation needs this test to cover it"
    );
    let mut object: serde_json::Map<String, Value> =
        serde_json::from_str(spec["SecretStringTemplate"].as_str().unwrap_or("{}"))
            .expect("the template is a JSON object");
    let length = spec["PasswordLength"].as_u64().unwrap_or(32);
    let mut state = seed;
    let value: String = (0..length)
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            char::from(ALPHABET[(state >> 33) as usize % ALPHABET.len()])
        })
        .collect();
    let key = spec["GenerateStringKey"]
        .as_str()
        .expect("a key to generate under");
    object.insert(key.to_owned(), Value::String(value));
    Value::Object(object).to_string()
}

#[test]
fn the_secret_the_stacks_generate_is_a_key_the_function_accepts() {
    let stacks = stacks::chatrix::stacks().expect("the chatrix definitions build");
    let mut secrets = 0;
    for stack in &stacks {
        let template = stack.template.to_json();
        for (id, secret) in resources(&template, "AWS::SecretsManager::Secret") {
            let spec = &secret["Properties"]["GenerateSecretString"];
            if spec.is_null() {
                continue;
            }
            secrets += 1;
            // Generated: several values of the stack's length and alphabet.
            for seed in 0..32 {
                let value = generated(spec, seed);
                let keys = function::auth::parse_secret(&value).unwrap_or_else(|e| {
                    panic!("{} › {id}: the function refuses {value}: {e}", stack.name)
                });
                let parsed: Value = serde_json::from_str(&value).expect("json");
                let key = parsed[spec["GenerateStringKey"].as_str().unwrap_or_default()]
                    .as_str()
                    .unwrap_or_default();
                assert_eq!(keys.len(), 1, "{} › {id}: {value}", stack.name);
                assert_eq!(keys[0].key, key.as_bytes(), "{} › {id}", stack.name);
            }
        }
    }
    assert!(secrets >= 2, "staging and prod each generate their key");
}
