//! The crate's one YAML reader, next to the emitter it reads back: committed templates become
//! CloudFormation's JSON form (short-form tags as their long-form objects).

use saphyr::{LoadableYamlNode, Scalar, Yaml};
use serde_json::{Map, Value, json};

/// A rendered template read back into CloudFormation's JSON form (short-form tags become
/// their long-form objects), for comparisons with what is committed.
pub fn read_template(yaml: &str) -> Result<Value, String> {
    let docs = Yaml::load_from_str(yaml).map_err(|e| e.to_string())?;
    docs.first()
        .map(to_json)
        .transpose()
        .map(|t| t.unwrap_or(Value::Null))
}

/// CloudFormation's reading of a YAML node: short-form tags become their long-form objects.
fn to_json(node: &Yaml) -> Result<Value, String> {
    Ok(match node {
        Yaml::Value(Scalar::String(s)) => Value::String(s.to_string()),
        Yaml::Value(Scalar::Integer(i)) => json!(i),
        Yaml::Value(Scalar::Boolean(b)) => json!(b),
        Yaml::Value(Scalar::Null) => Value::Null,
        Yaml::Value(Scalar::FloatingPoint(f)) => json!(f.into_inner()),
        Yaml::Sequence(items) => Value::Array(items.iter().map(to_json).collect::<Result<_, _>>()?),
        Yaml::Mapping(m) => {
            let mut out = Map::new();
            for (k, v) in m {
                let key = k.as_str().ok_or("a mapping key is not a string")?;
                out.insert(key.to_owned(), to_json(v)?);
            }
            Value::Object(out)
        }
        Yaml::Tagged(tag, inner) => {
            let name = tag.suffix.as_str();
            let inner = to_json(inner)?;
            match (name, inner.as_str()) {
                ("GetAtt", Some(dotted)) => {
                    let (id, attr) = dotted
                        .split_once('.')
                        .ok_or("!GetAtt takes Resource.Attribute")?;
                    json!({ "Fn::GetAtt": [id, attr] })
                }
                ("Ref", _) => json!({ "Ref": inner }),
                _ => json!({ format!("Fn::{name}"): inner }),
            }
        }
        other => return Err(format!("unexpected YAML node {other:?}")),
    })
}
