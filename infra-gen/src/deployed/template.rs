//! Templates read as CloudFormation reads them, and compared by meaning: YAML or JSON, short
//! (`!Ref X`) or long (`{"Ref": "X"}`) intrinsics, any key order or quoting give the same
//! value. `sam deploy` re-serializes templates before sending them, so the text CloudFormation
//! returns never equals the committed file even when nothing changed.

use serde_json::{Map, Value};

/// Parses a template body (YAML or JSON) with the crate's one reader.
pub use crate::render::read::read_template as parse;

/// Metadata keys the SAM CLI adds to every resource of the template it deploys.
const SAM_CLI_METADATA: [&str; 2] = ["SamResourceId", "SamNormalized"];

/// Removes what `sam deploy` adds to each resource's `Metadata`, and a `Metadata` left empty
/// by that: neither is a difference a reviewer should see.
pub fn without_sam_cli_metadata(mut template: Value) -> Value {
    let resources = template.get_mut("Resources").and_then(Value::as_object_mut);
    for resource in resources.into_iter().flat_map(|r| r.values_mut()) {
        let Some(resource) = resource.as_object_mut() else {
            continue;
        };
        let emptied = match resource.get_mut("Metadata").and_then(Value::as_object_mut) {
            Some(metadata) => {
                for key in SAM_CLI_METADATA {
                    metadata.remove(key);
                }
                metadata.is_empty()
            }
            None => false,
        };
        if emptied {
            resource.remove("Metadata");
        }
    }
    template
}

/// The template as `sam deploy` sends it: each resource's `Metadata` gains `SamResourceId`
/// (its logical ID). A preview must send the same, or every resource would show a metadata
/// change that the real deploy does not make.
pub fn as_sam_deploys_it(mut template: Value) -> Value {
    let resources = template.get_mut("Resources").and_then(Value::as_object_mut);
    for (id, resource) in resources.into_iter().flat_map(|r| r.iter_mut()) {
        let Some(resource) = resource.as_object_mut() else {
            continue;
        };
        let metadata = resource
            .entry("Metadata")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Some(metadata) = metadata.as_object_mut() {
            metadata
                .entry(SAM_CLI_METADATA[0])
                .or_insert_with(|| Value::String(id.clone()));
        }
    }
    template
}

/// One way the deployed template differs from the generated one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Difference {
    /// Only in the deployed template: a deploy would remove it.
    Removed { path: String, deployed: Value },
    /// Only in the generated template: a deploy would add it.
    Added { path: String, generated: Value },
    Changed {
        path: String,
        deployed: Value,
        generated: Value,
    },
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Removed { path, deployed } => write!(f, "- {path}: {deployed} (only deployed)"),
            Self::Added { path, generated } => write!(f, "+ {path}: {generated} (only generated)"),
            Self::Changed {
                path,
                deployed,
                generated,
            } => write!(f, "~ {path}: {deployed} -> {generated}"),
        }
    }
}

/// Scalars compare by their text: CloudFormation reads `256`, `"256"` and `'256'` alike.
fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Null | Value::Array(_) | Value::Object(_) => None,
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// Path-level differences, deployed → generated, in the generated template's key order.
pub fn diff(deployed: &Value, generated: &Value) -> Vec<Difference> {
    let mut out = Vec::new();
    walk("", deployed, generated, &mut out);
    out
}

fn walk(path: &str, deployed: &Value, generated: &Value, out: &mut Vec<Difference>) {
    match (deployed, generated) {
        (Value::Object(d), Value::Object(g)) => {
            for (k, gv) in g {
                match d.get(k) {
                    Some(dv) => walk(&join(path, k), dv, gv, out),
                    None => out.push(Difference::Added {
                        path: join(path, k),
                        generated: gv.clone(),
                    }),
                }
            }
            for (k, dv) in d {
                if !g.contains_key(k) {
                    out.push(Difference::Removed {
                        path: join(path, k),
                        deployed: dv.clone(),
                    });
                }
            }
        }
        (Value::Array(d), Value::Array(g)) => {
            for (i, gv) in g.iter().enumerate() {
                let here = format!("{path}[{i}]");
                match d.get(i) {
                    Some(dv) => walk(&here, dv, gv, out),
                    None => out.push(Difference::Added {
                        path: here,
                        generated: gv.clone(),
                    }),
                }
            }
            for (i, dv) in d.iter().enumerate().skip(g.len()) {
                out.push(Difference::Removed {
                    path: format!("{path}[{i}]"),
                    deployed: dv.clone(),
                });
            }
        }
        (d, g) => {
            let same = match (scalar_text(d), scalar_text(g)) {
                (Some(a), Some(b)) => a == b,
                _ => d == g,
            };
            if !same {
                out.push(Difference::Changed {
                    path: path.to_owned(),
                    deployed: d.clone(),
                    generated: g.clone(),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn short_and_long_intrinsics_parse_to_the_same_value() {
        let short = "A: !Ref X\nB: !GetAtt Log.Arn\nC: !Sub '${AWS::Region}'\nD: !ImportValue e\n\
                     E: !GetAtt [Log, Arn]\nF: !Join ['', [a, !Ref X]]\n";
        let long = r#"{"A": {"Ref": "X"}, "B": {"Fn::GetAtt": ["Log", "Arn"]},
            "C": {"Fn::Sub": "${AWS::Region}"}, "D": {"Fn::ImportValue": "e"},
            "E": {"Fn::GetAtt": ["Log", "Arn"]}, "F": {"Fn::Join": ["", ["a", {"Ref": "X"}]]}}"#;
        assert_eq!(parse(short), parse(long));
    }

    #[test]
    fn formatting_key_order_and_scalar_quoting_make_no_difference() {
        let a = parse("# comment\nB: '256'\nA:\n  - x\n  - true\n").expect("parses");
        let b = parse("{\"A\": [\"x\", \"true\"], \"B\": 256}").expect("parses");
        assert_eq!(diff(&a, &b), vec![]);
    }

    #[test]
    fn differences_are_reported_by_path() {
        let deployed =
            parse("R:\n  F:\n    Memory: 1024\n    Old: 1\n  L: [a, b, c]\n").expect("ok");
        let generated = parse("R:\n  F:\n    Memory: 256\n    New: 2\n  L: [a, x]\n").expect("ok");
        let shown: Vec<String> = diff(&deployed, &generated)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            shown,
            [
                "~ R.F.Memory: 1024 -> 256",
                "+ R.F.New: 2 (only generated)",
                "- R.F.Old: 1 (only deployed)",
                "~ R.L[1]: \"b\" -> \"x\"",
                "- R.L[2]: \"c\" (only deployed)",
            ]
        );
    }

    #[test]
    fn metadata_the_sam_cli_adds_is_not_a_difference() {
        let deployed = parse(
            "Resources:\n  A:\n    Metadata: {SamResourceId: A}\n  B:\n    Metadata: {SamResourceId: B, Dockerfile: x}\n",
        )
        .expect("ok");
        let generated =
            parse("Resources:\n  A: {}\n  B:\n    Metadata: {Dockerfile: x}\n").expect("ok");
        assert_eq!(
            diff(&without_sam_cli_metadata(deployed), &generated),
            vec![]
        );
    }

    #[test]
    fn previews_carry_the_resource_ids_sam_deploy_adds() {
        let generated =
            parse("Resources:\n  A: {Type: X}\n  B:\n    Metadata: {Dockerfile: d}\n").expect("ok");
        let sent = as_sam_deploys_it(generated.clone());
        assert_eq!(
            sent["Resources"]["A"]["Metadata"],
            json!({"SamResourceId": "A"})
        );
        assert_eq!(
            sent["Resources"]["B"]["Metadata"],
            json!({"Dockerfile": "d", "SamResourceId": "B"})
        );
        assert_eq!(without_sam_cli_metadata(sent), generated);
    }

    #[test]
    fn aliases_read_as_the_value_they_name() {
        assert_eq!(parse("a: &x [1]\nb: *x\n"), parse("a: [1]\nb: [1]\n"));
    }

    #[test]
    fn unreadable_templates_are_errors_not_panics() {
        assert!(parse("").is_err());
        assert!(parse("a: !GetAtt nodot\n").is_err());
        assert!(parse("---\na: 1\n---\nb: 2\n").is_err());
    }
}
