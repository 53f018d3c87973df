//! The crate's one YAML reader, next to the emitter it reads back: committed and deployed
//! templates become CloudFormation's JSON form (short-form tags as their long-form objects).

use std::fs::File;
use std::io;
use std::path::Path;

use saphyr::{LoadableYamlNode, Scalar, Yaml};
use serde_json::{Map, Value, json};

/// Opens a committed file of `generated/` only if it is a regular file: a symlink is never
/// followed (it may point anywhere, or at itself) and a FIFO or device never read (reading a
/// FIFO blocks forever). Anything else is an error of kind `InvalidInput`.
pub(crate) fn open_committed(path: &Path) -> io::Result<File> {
    if !std::fs::symlink_metadata(path)?.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a regular file",
        ));
    }
    File::open(path)
}

/// A committed file's text, through [`open_committed`].
pub(crate) fn read_committed(path: &Path) -> io::Result<String> {
    let mut text = String::new();
    io::Read::read_to_string(&mut open_committed(path)?, &mut text)?;
    Ok(text)
}

/// A template body (YAML, or JSON, which is YAML) in CloudFormation's JSON form: short-form
/// tags become their long-form objects, so committed, deployed and rendered templates compare
/// by meaning.
pub fn read_template(text: &str) -> Result<Value, String> {
    // The loader copies an alias's node wherever it is used, so a few lines of nested aliases
    // expand to billions of nodes; the emitter writes none, and a template with one is drift.
    for event in saphyr_parser::Parser::new_from_str(text) {
        let (event, _) = event.map_err(|e| e.to_string())?;
        if matches!(event, saphyr_parser::Event::Alias(_)) {
            return Err("the template uses a YAML alias, which infra-gen never writes".into());
        }
    }
    let docs = Yaml::load_from_str(text).map_err(|e| e.to_string())?;
    match docs.as_slice() {
        [doc] => to_json(doc),
        [] => Err("the template is empty".into()),
        _ => Err("the template holds more than one YAML document".into()),
    }
}

fn scalar(s: &Scalar<'_>) -> Value {
    match s {
        Scalar::String(s) => Value::String(s.to_string()),
        Scalar::Integer(i) => json!(i),
        Scalar::FloatingPoint(f) => json!(f.into_inner()),
        Scalar::Boolean(b) => json!(b),
        Scalar::Null => Value::Null,
    }
}

fn key_text(node: &Yaml<'_>) -> Result<String, String> {
    match to_json(node)? {
        Value::String(s) => Ok(s),
        other => Ok(other.to_string()),
    }
}

fn to_json(node: &Yaml<'_>) -> Result<Value, String> {
    Ok(match node {
        Yaml::Value(s) => scalar(s),
        Yaml::Sequence(items) => Value::Array(items.iter().map(to_json).collect::<Result<_, _>>()?),
        Yaml::Mapping(m) => {
            let mut out = Map::new();
            for (k, v) in m {
                out.insert(key_text(k)?, to_json(v)?);
            }
            Value::Object(out)
        }
        // `!Ref`, `!GetAtt`, `!Sub`...: CloudFormation's short forms of `Ref` and `Fn::*`.
        Yaml::Tagged(tag, inner) if tag.handle == "!" => {
            let name = tag.suffix.as_str();
            let inner = to_json(inner)?;
            match name {
                "Ref" | "Condition" => json!({ name: inner }),
                // `!GetAtt Resource.Attribute` is the short form of a two-element list.
                "GetAtt" => match inner {
                    Value::String(dotted) => match dotted.split_once('.') {
                        Some((id, attribute)) => json!({ "Fn::GetAtt": [id, attribute] }),
                        None => return Err(format!("!GetAtt {dotted} names no attribute")),
                    },
                    list => json!({ "Fn::GetAtt": list }),
                },
                _ => json!({ format!("Fn::{name}"): inner }),
            }
        }
        // Core schema tags (`!!str` and the like) change nothing CloudFormation sees.
        Yaml::Tagged(_, inner) => to_json(inner)?,
        Yaml::Representation(text, _, _) => Value::String(text.to_string()),
        Yaml::Alias(_) => return Err("an unresolved YAML alias".into()),
        Yaml::BadValue => return Err("a value the YAML parser could not read".into()),
    })
}
