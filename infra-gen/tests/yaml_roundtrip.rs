//! The emitted YAML, read back by an independent YAML 1.2 parser, is the template's JSON.

mod common;

use saphyr::{LoadableYamlNode, Scalar, Yaml};
use serde_json::{Map, Value, json};

/// CloudFormation's reading of a node: short-form tags become their long-form objects.
fn to_json(node: &Yaml) -> Value {
    match node {
        Yaml::Value(Scalar::String(s)) => Value::String(s.to_string()),
        Yaml::Value(Scalar::Integer(i)) => json!(i),
        Yaml::Value(Scalar::Boolean(b)) => json!(b),
        Yaml::Value(Scalar::Null) => Value::Null,
        Yaml::Value(Scalar::FloatingPoint(f)) => json!(f.into_inner()),
        Yaml::Sequence(items) => Value::Array(items.iter().map(to_json).collect()),
        Yaml::Mapping(m) => Value::Object(
            m.iter()
                .map(|(k, v)| (k.as_str().expect("string keys").to_owned(), to_json(v)))
                .collect::<Map<_, _>>(),
        ),
        Yaml::Tagged(tag, inner) => {
            let name = tag.suffix.as_str();
            let inner = to_json(inner);
            if name == "GetAtt" {
                let dotted = inner.as_str().expect("!GetAtt takes Resource.Attribute");
                let (id, attr) = dotted.split_once('.').expect("dotted");
                return json!({ "Fn::GetAtt": [id, attr] });
            }
            let key = if name == "Ref" {
                "Ref".to_owned()
            } else {
                format!("Fn::{name}")
            };
            json!({ key: inner })
        }
        other => panic!("unexpected node {other:?}"),
    }
}

#[test]
fn rendered_templates_parse_back_to_their_json() {
    let app = common::app_with("us-west-2", common::DOCKERFILE, |s| {
        s.env("QUOTES", "it's 'quoted': yes")
            .env("NUMBERISH", "0123")
            .env("BOOLISH", "off")
    })
    .expect("builds");
    let files = infra_gen::render::render(&app).expect("renders");
    let templates: Vec<_> = files.iter().filter(|f| f.path.ends_with(".yaml")).collect();
    assert_eq!(templates.len(), app.stacks().len());
    for (file, stack) in templates.into_iter().zip(app.stacks()) {
        let docs = Yaml::load_from_str(&file.contents).expect("valid YAML");
        assert_eq!(docs.len(), 1, "{}", file.path);
        assert_eq!(to_json(&docs[0]), stack.template.to_json(), "{}", file.path);
    }
}
