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

/// The largest committed file read: far above CloudFormation's 1 MB template body, so no
/// template reaches it, and a stray file of gigabytes is not read into memory.
const MAX_COMMITTED: u64 = 64 << 20;

/// A committed file's text as the replacement guard reads it, for what it records of the
/// deployed state: byte-order marks an editor added are dropped and a byte that is not UTF-8
/// read as U+FFFD, so neither hides a stateful resource (the drift comparison still reports
/// both). A file larger than [`MAX_COMMITTED`] is `InvalidData`.
pub(crate) fn read_committed_lenient(path: &Path) -> io::Result<String> {
    let mut bytes = Vec::new();
    io::Read::read_to_end(
        &mut io::Read::take(open_committed(path)?, MAX_COMMITTED + 1),
        &mut bytes,
    )?;
    if bytes.len() as u64 > MAX_COMMITTED {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "larger than any template",
        ));
    }
    let text = String::from_utf8_lossy(&bytes);
    Ok(text.trim_start_matches('\u{feff}').to_owned())
}

/// A template body (YAML, or JSON, which is YAML; a leading byte-order mark allowed, as YAML
/// allows it) in CloudFormation's JSON form: short-form tags become their long-form objects,
/// so committed, deployed and rendered templates compare by meaning.
pub fn read_template(text: &str) -> Result<Value, String> {
    // YAML 1.2 (5.2) allows a byte-order mark at the start of a stream; the parser does not.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    bounded_aliases(text)?;
    let docs = Yaml::load_from_str(text).map_err(|e| e.to_string())?;
    match docs.as_slice() {
        [doc] => to_json(doc),
        [] => Err("the template is empty".into()),
        _ => Err("the template holds more than one YAML document".into()),
    }
}

/// A template read as [`read_template`] does, that is also shaped as CloudFormation requires:
/// a mapping whose `Resources` maps logical IDs to mappings with a string `Type`.
pub fn read_stack_template(text: &str) -> Result<Value, String> {
    let template = read_template(text)?;
    let resources = template
        .get("Resources")
        .and_then(Value::as_object)
        .filter(|r| !r.is_empty())
        .ok_or("it has no Resources mapping with a resource")?;
    for (id, r) in resources {
        if !r.get("Type").is_some_and(Value::is_string) {
            return Err(format!("resource {id} has no Type"));
        }
    }
    Ok(template)
}

/// CloudFormation's own limit on a template body (1 MB) read as nodes: no template holds more.
const MAX_NODES: u64 = 1 << 20;

/// The deepest nesting read: the parser's own limit for flow collections (`[[[…`), held for
/// block collections too, which it does not bound — reading and dropping a tree recurses per
/// level, so a few KB of indentation would overflow the stack. No template nests this deep.
const MAX_DEPTH: usize = 255;

/// Whether the template stays within [`MAX_NODES`] once its aliases are expanded, counted from
/// the parser's events before the loader expands them: the loader copies an alias's node wherever it is used, so a
/// few lines of nested aliases (a "billion laughs") would expand to billions of nodes. A
/// deployed template may use aliases (whoever wrote it); one that expands past any template
/// CloudFormation accepts is refused, and so is one nested deeper than [`MAX_DEPTH`].
fn bounded_aliases(text: &str) -> Result<(), String> {
    use saphyr_parser::Event;
    let mut anchored: std::collections::HashMap<usize, u64> = std::collections::HashMap::new();
    // Open collections: their anchor and the nodes counted in them so far.
    let mut open: Vec<(usize, u64)> = vec![(0, 0)];
    // Per open collection, for a mapping: the scalar keys seen and whether a key comes next.
    // YAML requires a mapping's keys to be unique, and a loader would keep one value silently.
    let mut keys: Vec<Option<(std::collections::HashSet<String>, bool)>> = vec![None];
    for event in saphyr_parser::Parser::new_from_str(text) {
        let (event, _) = event.map_err(|e| e.to_string())?;
        let starts = matches!(
            event,
            Event::Scalar(..)
                | Event::Alias(_)
                | Event::SequenceStart(..)
                | Event::MappingStart(..)
        );
        if starts && let Some(Some((seen, key_next))) = keys.last_mut() {
            if *key_next
                && let Event::Scalar(key, ..) = &event
                && !seen.insert(key.to_string())
            {
                return Err(format!("the key {key:?} appears twice in one mapping"));
            }
            *key_next = !*key_next;
        }
        match &event {
            Event::SequenceStart(..) => keys.push(None),
            Event::MappingStart(..) => keys.push(Some((Default::default(), true))),
            Event::SequenceEnd | Event::MappingEnd => {
                keys.pop();
            }
            _ => {}
        }
        let (anchor, nodes) = match event {
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                open.push((anchor, 1));
                // `open` holds the document too.
                if open.len() > MAX_DEPTH + 1 {
                    return Err(format!(
                        "the template nests collections deeper than {MAX_DEPTH} levels"
                    ));
                }
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => match open.pop() {
                Some(closed) if !open.is_empty() => closed,
                _ => return Err("unbalanced YAML collections".into()),
            },
            Event::Scalar(_, _, anchor, _) => (anchor, 1),
            Event::Alias(id) => (0, anchored.get(&id).copied().unwrap_or(1)),
            _ => continue,
        };
        if anchor != 0 {
            anchored.insert(anchor, nodes);
        }
        let parent = open.last_mut().ok_or("unbalanced YAML collections")?;
        parent.1 = parent.1.saturating_add(nodes);
        if parent.1 > MAX_NODES {
            return Err(format!(
                "the template's YAML aliases expand to more than {MAX_NODES} nodes, more than any template CloudFormation accepts"
            ));
        }
    }
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        /// Nested aliases, each level a list of `width` copies of the one before: read as the
        /// value they name while the expansion stays within the bound, refused past it, never
        /// expanded first.
        #[test]
        fn aliases_expand_up_to_the_bound_and_no_further(width in 1usize..12, depth in 1usize..10) {
            let mut text = String::from("l0: &l0 [x]\n");
            let mut nodes: u64 = 2;
            for level in 1..=depth {
                let items = vec![format!("*l{}", level - 1); width].join(", ");
                text.push_str(&format!("l{level}: &l{level} [{items}]\n"));
                nodes = nodes.saturating_mul(width as u64).saturating_add(1);
            }
            let read = read_template(&text);
            if nodes * 2 <= MAX_NODES {
                let value = read.map_err(TestCaseError::fail)?;
                let mut expected = json!(["x"]);
                for _ in 0..depth {
                    expected = Value::Array(vec![expected; width]);
                }
                prop_assert_eq!(&value[format!("l{depth}")], &expected);
            } else if nodes > MAX_NODES {
                prop_assert!(read.is_err());
            }
        }

        /// Collections nested `depth` levels, as block mappings, block sequences or flow
        /// collections: read up to the bound, refused past it, never overflowing the stack.
        #[test]
        fn nesting_is_read_up_to_the_bound_and_refused_past_it(
            depth in prop_oneof![1usize..300, Just(MAX_DEPTH), Just(MAX_DEPTH + 1), 2000usize..5000],
            style in 0u8..3,
        ) {
            let text = match style {
                0 => (0..depth).map(|i| format!("{}a:\n", " ".repeat(i))).collect::<String>()
                    + &" ".repeat(depth) + "x\n",
                1 => (0..depth).map(|i| format!("{}-\n", " ".repeat(2 * i))).collect::<String>()
                    + &" ".repeat(2 * depth) + "x\n",
                _ => "[".repeat(depth) + &"]".repeat(depth),
            };
            let read = read_template(&text);
            prop_assert_eq!(read.is_ok(), depth <= MAX_DEPTH, "{:?}", read.err());
        }

        /// A mapping of `keys` (as block or flow, nested under a key or a list item), read
        /// iff no key repeats: YAML requires unique keys, and a loader would keep one value.
        #[test]
        fn a_key_twice_in_one_mapping_is_refused(
            keys in prop::collection::vec("[a-c]{1,2}", 1..6),
            flow in any::<bool>(),
            under in 0u8..3,
        ) {
            let unique = keys.iter().collect::<std::collections::BTreeSet<_>>().len() == keys.len();
            let mapping = if flow {
                format!("{{{}}}", keys.iter().map(|k| format!("{k}: 1")).collect::<Vec<_>>().join(", "))
            } else {
                keys.iter().map(|k| format!("\n    {k}: [1]")).collect::<String>()
            };
            // The same keys in sibling mappings never clash.
            let text = match under {
                0 => format!("x: {mapping}\ny: {mapping}\n"),
                1 => format!("- {mapping}\n- {mapping}\n").replace("\n    ", "\n    "),
                _ => format!("Resources:\n  R: {mapping}\n"),
            };
            let text = if under == 1 && !flow {
                keys.iter().map(|k| format!("- {k}: 1\n")).collect::<String>()
                    + &format!("- {}\n", keys.iter().map(|k| format!("{k}: 2")).collect::<Vec<_>>().join("\n  "))
            } else {
                text
            };
            prop_assert_eq!(read_template(&text).is_ok(), unique, "{}", text);
        }
    }

    #[test]
    fn a_stack_template_has_resources_with_types() {
        assert!(read_stack_template("Resources:\n  A:\n    Type: AWS::SQS::Queue\n").is_ok());
        for bad in [
            "a: 1",
            "Resources: {}",
            "Resources: [1]",
            "Resources:\n  A: 3",
            "Resources:\n  A:\n    Type: [x]",
        ] {
            assert!(read_stack_template(bad).is_err(), "{bad}");
        }
    }
}
