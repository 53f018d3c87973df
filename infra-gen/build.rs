//! Prepares the resource schemas of `schemas/` for embedding: the official files stay as they
//! are, and the binary embeds compact copies, so `check` does not parse documentation it never
//! uses on every run.

use std::path::{Path, PathBuf};
use std::{env, fs};

use serde_json::Value;

/// Readies a schema for compiling, in one walk:
///
/// * Provider schemas name their meta-schema by URL; resolving it would need the network, and
///   the draft is known, so the reference is dropped (the validator sets the draft).
/// * Some provider patterns are written for Python's `re`, which cfn-lint uses: its
///   end-of-string anchor `\Z` is not valid in the ECMA-262 dialect JSON Schema specifies, and
///   `$` means the same in the regex engine used (no multi-line mode), so it is rewritten.
/// * Documentation (descriptions, titles, SAM's pass-through notes) validates nothing, so it is
///   dropped. Only string values go: a property *named* `description` holds a schema and stays.
fn prepare(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.retain(|k, child| {
                !(matches!(k.as_str(), "description" | "title" | "$comment" | "$schema")
                    && child.is_string()
                    || k == "__samPassThrough")
            });
            for (k, child) in m.iter_mut() {
                match child {
                    Value::String(p) if k == "pattern" => *p = p.replace("\\Z", "$"),
                    _ => prepare(child),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(prepare),
        _ => {}
    }
}

/// The table of provider schemas, one entry per file in `schemas/cloudformation/`, keyed by the
/// schema's own `typeName`: adding a resource kind adds a file (`schemas/refresh.sh <Type>`),
/// not a line of Rust.
fn provider_table(entries: &[(String, String)]) -> String {
    let mut out = format!(
        "pub(crate) static CLOUDFORMATION: [Schema; {}] = [\n",
        entries.len()
    );
    for (type_name, file) in entries {
        out.push_str(&format!(
            "    Schema::new({type_name:?}, embedded!(\"cloudformation\", {file:?}), PROVIDER_PROPERTIES),\n"
        ));
    }
    out.push_str("];\n");
    out
}

/// Each provider schema's `primaryIdentifier`, as `(typeName, [(property, read-only)])`: what
/// `Ref` returns for most types and the name a resource is known by, which the lints read for
/// raw resources; `LOWERCASED`, the `(typeName, property)`s the service keeps in lowercase;
/// and `RESERVED`, the `(typeName, property, prefix)`s a value may not begin with.
fn identifier_table(
    entries: &[(String, Vec<(String, bool)>)],
    lowercased: &[(String, String)],
    reserved: &[(String, String, String)],
) -> String {
    let mut out = format!(
        "static IDENTIFIERS: [(&str, &[(&str, bool)]); {}] = [\n",
        entries.len()
    );
    for (type_name, properties) in entries {
        out.push_str(&format!("    ({type_name:?}, &{properties:?}),\n"));
    }
    out.push_str("];\n");
    out.push_str(&format!(
        "static LOWERCASED: [(&str, &str); {}] = {lowercased:?};\n",
        lowercased.len()
    ));
    out.push_str(&format!(
        "static RESERVED: [(&str, &str, &str); {}] = {reserved:?};\n",
        reserved.len()
    ));
    out
}

/// The prefixes a property's schema description says its value may not begin with, which AWS
/// keeps for itself (a KMS alias's "The alias name cannot begin with ``alias/aws/``": AWS
/// managed keys' aliases); the service refuses such a value at deploy time.
fn reserved_prefixes(property: &Value) -> Vec<String> {
    const CANNOT: &[&str] = &[
        "cannot begin with ``",
        "can't begin with ``",
        "cannot start with ``",
        "can't start with ``",
        "must not begin with ``",
        "must not start with ``",
    ];
    let description = property["description"].as_str().unwrap_or_default();
    CANNOT
        .iter()
        .flat_map(|c| description.match_indices(c).map(move |(i, _)| i + c.len()))
        .filter_map(|start| {
            let literal = &description[start..];
            literal.find("``").map(|end| literal[..end].to_owned())
        })
        .filter(|p| !p.is_empty())
        .collect()
}

/// Each provider schema's `Fn::GetAtt` attributes (top-level names), as
/// `(typeName, [attribute])`: its readOnlyProperties, and what `schemas/getatt.json` (cfn-lint's
/// record of where CloudFormation reads more) adds: every property of the type, or named ones.
fn attribute_table(entries: &[(String, Vec<String>)]) -> String {
    let mut out = format!(
        "pub(crate) static ATTRIBUTES: [(&str, &[&str]); {}] = [\n",
        entries.len()
    );
    for (type_name, attributes) in entries {
        out.push_str(&format!("    ({type_name:?}, &{attributes:?}),\n"));
    }
    out.push_str("];\n");
    out
}

/// Every property path a provider schema declares, as `/Name/Sub` (array items passed through,
/// `$ref`s and the alternatives of `oneOf`/`anyOf`/`allOf` followed): what is a setting of the
/// service rather than a key of a map the schema leaves open.
fn declared_paths(schema: &Value) -> Vec<String> {
    fn resolve<'a>(root: &'a Value, mut node: &'a Value) -> &'a Value {
        for _ in 0..16 {
            if let Some(target) = node.get("$ref").and_then(Value::as_str) {
                match target.strip_prefix('#').and_then(|p| root.pointer(p)) {
                    Some(n) => node = n,
                    None => return node,
                }
            } else if let Some(items) = node.get("items") {
                node = items;
            } else {
                return node;
            }
        }
        node
    }
    fn walk(root: &Value, node: &Value, prefix: &str, depth: usize, out: &mut Vec<String>) {
        if depth > 12 {
            return;
        }
        let here = resolve(root, node);
        let alternatives = ["oneOf", "anyOf", "allOf"]
            .iter()
            .filter_map(|k| here.get(*k).and_then(Value::as_array))
            .flatten()
            .map(|n| resolve(root, n));
        for n in std::iter::once(here).chain(alternatives) {
            for (name, child) in n
                .get("properties")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                let path = format!("{prefix}/{name}");
                if !out.contains(&path) {
                    out.push(path.clone());
                    walk(root, child, &path, depth + 1, out);
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(schema, schema, "", 0, &mut out);
    out
}

/// The declared property paths of every provider schema, one `Type` line and then one
/// `Type/Name/Sub` line each, in one string (read on the rare path that needs it).
fn declared_table(entries: &[(String, Vec<String>)]) -> String {
    let mut text = String::from("\n");
    for (type_name, paths) in entries {
        text.push_str(type_name);
        text.push('\n');
        for p in paths {
            text.push_str(type_name);
            text.push_str(p);
            text.push('\n');
        }
    }
    format!("static DECLARED: &str = {text:?};\n")
}

/// Whether a property's schema description says the service keeps its value in lowercase
/// (an RDS instance's or cluster's identifier: "converts it to lowercase", "stored as a
/// lowercase string"), so two values differing in case name one resource.
fn stored_lowercase(property: &Value) -> bool {
    let description = property["description"].as_str().unwrap_or_default();
    ["converts it to lowercase", "stored as a lowercase string"]
        .iter()
        .any(|phrase| description.contains(phrase))
}

/// Whether a property's schema description says its value cannot change once the resource
/// exists (a KMS key's `KeySpec`: "You can't change the ``KeySpec`` value after the KMS key is
/// created"; not "Aurora DB instances inherit this value from the DB cluster, so you can't
/// change this value", which is about a case): the provider fails such an update, although the
/// schema does not list the property as create-only.
fn unchangeable(property: &Value) -> bool {
    const CANNOT: &[&str] = &[
        "can't change",
        "cannot change",
        "can not change",
        "can't be changed",
        "cannot be changed",
    ];
    let description = property["description"].as_str().unwrap_or_default();
    description.split(". ").any(|sentence| {
        CANNOT.iter().any(|c| sentence.contains(c))
            && sentence.contains("after")
            && sentence.contains("creat")
    })
}

/// `UNCHANGEABLE`: the `(typeName, property, default as JSON text)` of every property
/// [`unchangeable`] finds.
fn unchangeable_table(entries: &[(String, String, Option<String>)]) -> String {
    format!(
        "pub(crate) static UNCHANGEABLE: [(&str, &str, Option<&str>); {}] = {entries:?};\n",
        entries.len()
    )
}

/// What decides whether a resource passes validation: the schemas, the validator's code, the
/// YAML writer (templates are keyed by their text, which stands for the JSON form the
/// schemas judged only as long as the writer that wrote it is the same) and the expressions'
/// literal evaluation (`model/expr.rs`: what an intrinsic of literals computes is judged as
/// that text). The schema-validation
/// cache keys on it, so a refreshed schema or a changed rule revalidates everything.
/// (`DefaultHasher::new()` is deterministic for a given toolchain; a new toolchain only empties
/// the cache.)
fn fingerprint(
    source: &Path,
    validator: &Path,
    code: &[&Path],
) -> Result<u64, Box<dyn std::error::Error>> {
    use std::hash::{DefaultHasher, Hasher};
    let mut files: Vec<PathBuf> = code.iter().map(|p| p.to_path_buf()).collect();
    for dir in [
        source.join("cloudformation"),
        source.join("sam"),
        validator.to_owned(),
    ] {
        for entry in fs::read_dir(&dir)? {
            files.push(entry?.path());
        }
    }
    files.sort();
    let mut h = DefaultHasher::new();
    for f in files {
        h.write(
            f.file_name()
                .map(|n| n.as_encoded_bytes())
                .unwrap_or_default(),
        );
        h.write(&fs::read(&f)?);
    }
    h.write(env::var("CARGO_PKG_VERSION")?.as_bytes());
    Ok(h.finish())
}

/// gitleaks' ruleset as a Rust table of (id, regex, lowercased keywords, entropy, secret group),
/// and the index of its keywords: parsed and built here once, not on every `check`. Rules
/// without a regex (path-only rules) match nothing in a value, and rules with a `path` apply
/// only to files of that name (`.tf`, `nuget.config`): a value is in no file, so both are left
/// out.
fn gitleaks_table(toml_text: &str) -> Result<(String, String, String), Box<dyn std::error::Error>> {
    let file: toml::Table = toml::from_str(toml_text)?;
    let rules = file
        .get("rules")
        .and_then(toml::Value::as_array)
        .ok_or("rules/gitleaks.toml has no [[rules]]")?;
    let mut out = String::from("&[\n");
    let mut table = Vec::new();
    // Each rule's own allowlists. The global one is not applied: it passes alphabets and
    // `true`/`null` anywhere in a secret (`ghp_…abcdefghijklmnopqrstuvwxyz`), and the
    // placeholders it names the env rules judge themselves.
    let mut allow = String::from("&[\n");
    for rule in rules {
        let (Some(id), Some(regex)) = (
            rule.get("id").and_then(toml::Value::as_str),
            rule.get("regex").and_then(toml::Value::as_str),
        ) else {
            continue;
        };
        if rule.get("path").is_some() {
            continue;
        }
        // gitleaks drops a finding whose secret is no more random than this (0: no threshold).
        let entropy = rule
            .get("entropy")
            .and_then(|e| e.as_float().or_else(|| e.as_integer().map(|i| i as f64)))
            .unwrap_or(0.0);
        let group = rule
            .get("secretGroup")
            .and_then(toml::Value::as_integer)
            .unwrap_or(0);
        let keywords: Vec<String> = rule
            .get("keywords")
            .and_then(toml::Value::as_array)
            .map(|k| {
                k.iter()
                    .filter_map(toml::Value::as_str)
                    .map(str::to_ascii_lowercase)
                    .collect()
            })
            .unwrap_or_default();
        out.push_str(&format!(
            "    ({id:?}, {regex:?}, &{keywords:?}, {entropy:?}, {group}),\n"
        ));
        // AWS's documented example key (`AKIA…EXAMPLE`) deployed in a template is still a key
        // to a reviewer, and every tool that scans the template reports it.
        let samples_only = id == "aws-access-token";
        for list in rule
            .get("allowlists")
            .and_then(toml::Value::as_array)
            .into_iter()
            .flatten()
            .filter(|_| !samples_only)
        {
            allow.push_str(&allowlist_row(table.len(), list));
        }
        table.push(keywords);
    }
    out.push(']');
    allow.push(']');
    Ok((out, keyword_index(&table), allow))
}

/// One allowlist of a rule as a row of (rule, target, all criteria, regexes, stopwords): the target
/// its regexes read (0 the secret, 1 the whole match, 2 the line), and whether every
/// criterion must hold (`condition = "AND"`) or one. A value is in no file and no commit, so
/// an allowlist's `paths` and `commits` never hold: one that needs them all allows nothing
/// and is left out, and in one that needs any only its regexes and stopwords can.
fn allowlist_row(rule: usize, list: &toml::Value) -> String {
    let strings = |key: &str| -> Vec<String> {
        list.get(key)
            .and_then(toml::Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(toml::Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    };
    let all = list.get("condition").and_then(toml::Value::as_str) == Some("AND");
    let elsewhere = list.get("paths").is_some() || list.get("commits").is_some();
    let (regexes, stopwords) = (strings("regexes"), strings("stopwords"));
    if (all && elsewhere) || (regexes.is_empty() && stopwords.is_empty()) {
        return String::new();
    }
    let target = match list.get("regexTarget").and_then(toml::Value::as_str) {
        Some("match") => 1,
        Some("line") => 2,
        _ => 0,
    };
    let stopwords: Vec<String> = stopwords.iter().map(|w| w.to_lowercase()).collect();
    format!("    ({rule}, {target}, {all}, &{regexes:?}, &{stopwords:?}),\n")
}

/// Every rule's keywords in one index, so a text is scanned once for all of them: a bitmap of
/// the byte pairs keywords start with, the keywords sorted with the index of their rule, and
/// the rules with a keyword shorter than two bytes (or none), candidates for every text.
fn keyword_index(rules: &[Vec<String>]) -> String {
    let mut starts = [0u64; 1024];
    let mut sorted: Vec<(&str, usize)> = Vec::new();
    let mut always = Vec::new();
    for (rule, keywords) in rules.iter().enumerate() {
        if keywords.is_empty() || keywords.iter().any(|k| k.len() < 2) {
            always.push(rule);
            continue;
        }
        for k in keywords {
            let b = k.as_bytes();
            let pair = usize::from(b[0]) << 8 | usize::from(b[1]);
            starts[pair / 64] |= 1 << (pair % 64);
            sorted.push((k, rule));
        }
    }
    sorted.sort_unstable();
    let mut out = format!("Keywords {{\n    starts: &{starts:?},\n    sorted: &[\n");
    for (k, rule) in sorted {
        out.push_str(&format!("        ({k:?}.as_bytes(), {rule}),\n"));
    }
    out.push_str(&format!("    ],\n    always: &{always:?},\n}}"));
    out
}

/// The vendored IAM action data (`iam-data/actions.txt`) as a Rust table: services sorted by
/// prefix, each with its resource types (ARN formats), its ARN-valued condition keys and its
/// actions sorted by lowercased name, so lookups are binary searches and no run parses the data.
fn iam_table(text: &str) -> Result<String, Box<dyn std::error::Error>> {
    struct Service<'a> {
        prefix: &'a str,
        resources: Vec<(&'a str, &'a str)>,
        keys: Vec<&'a str>,
        /// Name, level bits, resource type indexes, keys that narrow it on `*`.
        actions: Vec<(&'a str, u8, &'a str, &'a str)>,
    }
    let mut services: Vec<Service<'_>> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        let bad = || format!("iam-data/actions.txt line {}: {line:?}", n + 1);
        if let ["S", prefix] = fields.as_slice() {
            services.push(Service {
                prefix,
                resources: Vec::new(),
                keys: Vec::new(),
                actions: Vec::new(),
            });
            continue;
        }
        let service = services.last_mut().ok_or_else(bad)?;
        match fields.as_slice() {
            ["R", name, arn] => service.resources.push((name, arn)),
            ["K", key] => service.keys.push(key),
            [name, levels, rest @ ..] if rest.len() <= 2 => {
                let mut bits = 0u8;
                for l in levels.chars() {
                    bits |= match l {
                        'L' => 1,
                        'R' => 2,
                        'W' => 4,
                        'P' => 8,
                        'T' => 16,
                        _ => return Err(bad().into()),
                    };
                }
                // A star-only action with keys has an empty list of types before them.
                for i in rest
                    .iter()
                    .take(1)
                    .flat_map(|r| r.split(','))
                    .filter(|i| !i.is_empty())
                {
                    if i.parse::<usize>()
                        .ok()
                        .is_none_or(|i| i >= service.resources.len())
                    {
                        return Err(bad().into());
                    }
                }
                service.actions.push((
                    name,
                    bits,
                    rest.first().copied().unwrap_or(""),
                    rest.get(1).copied().unwrap_or(""),
                ));
            }
            _ => return Err(bad().into()),
        }
    }
    services.sort_by(|a, b| a.prefix.cmp(b.prefix));
    // Action names and resource indexes go into one string and one array, addressed by
    // offsets: a `&str` or slice per action would be a relocation the loader applies at every
    // process start (tens of thousands of them).
    let mut names = String::new();
    let mut indexes: Vec<String> = Vec::new();
    let mut out = String::from("&[\n");
    for s in &mut services {
        s.actions
            .sort_by_key(|(name, _, _, _)| name.to_ascii_lowercase());
        out.push_str(&format!("Service {{ prefix: {:?}, resources: &[", s.prefix));
        for (name, arn) in &s.resources {
            // Split once here, so matching an ARN compares fields without parsing the format;
            // each field is a span of the ARN's text in the names string.
            let fields: Vec<&str> = arn.splitn(6, ':').collect();
            let [_, partition, service, region, account, resource] = fields.as_slice() else {
                return Err(format!("iam-data/actions.txt: {arn:?} is not an ARN format").into());
            };
            let name_at = names.len();
            names.push_str(name);
            let arn_at = names.len();
            names.push_str(arn);
            let span = |field: &str| {
                // `splitn` hands out slices of `arn`, so the offset is the pointer distance.
                let at = arn_at + (field.as_ptr() as usize - arn.as_ptr() as usize);
                format!("({at}, {})", field.len())
            };
            out.push_str(&format!(
                "ResourceType::new(({name_at}, {}), ({arn_at}, {}), [{}, {}, {}, {}, {}]),",
                name.len(),
                arn.len(),
                span(service),
                span(partition),
                span(region),
                span(account),
                span(resource)
            ));
        }
        out.push_str(&format!("], arn_keys: &{:?}, actions: &[\n", s.keys));
        for (name, bits, resources, star_keys) in &s.actions {
            let resources: Vec<&str> = resources.split(',').filter(|r| !r.is_empty()).collect();
            // The keys follow the name in the names string.
            out.push_str(&format!(
                "ActionInfo::new({}, {}, {}, {bits}, {}, {}),\n",
                names.len(),
                name.len(),
                star_keys.len(),
                indexes.len(),
                resources.len()
            ));
            names.push_str(name);
            names.push_str(star_keys);
            indexes.extend(resources.iter().map(|r| (*r).to_owned()));
        }
        out.push_str("] },\n");
    }
    out.push_str("];\n");
    Ok(format!(
        "static ACTION_NAMES: &str = {names:?};\nstatic ACTION_RESOURCES: [u16; {}] = [{}];\nstatic SERVICES: &[Service] = {out}",
        indexes.len(),
        indexes.join(",")
    ))
}

/// Writes a generated file by replacing it (a temporary file renamed over it), and not at all
/// when it already holds `contents`: a compile reading it never sees it half written, and a
/// target directory copied with hard links (CI caches, `cp -al`) is never changed under
/// another checkout that shares the file.
fn write(path: impl AsRef<Path>, contents: impl AsRef<[u8]>) -> std::io::Result<()> {
    let (path, contents) = (path.as_ref(), contents.as_ref());
    if fs::read(path).is_ok_and(|old| old == contents) {
        return Ok(());
    }
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(".tmp");
    fs::write(&temporary, contents)?;
    fs::rename(&temporary, path)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Read at run time: cargo reuses a compiled build script across checkouts that share a target
    // directory, and `env!` would bake in the first checkout's paths.
    let manifest_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR")?);
    let source = manifest_dir.join("../schemas");
    let out = Path::new(&env::var("OUT_DIR")?).join("schemas");
    println!("cargo::rerun-if-changed={}", source.display());
    let mut providers = Vec::new();
    let mut identifiers = Vec::new();
    let mut lowercased = Vec::new();
    let mut reserved = Vec::new();
    let mut fixed = Vec::new();
    let mut attributes = Vec::new();
    let mut declared = Vec::new();
    let getatt: Value = serde_json::from_str(&fs::read_to_string(source.join("getatt.json"))?)
        .map_err(|e| format!("schemas/getatt.json is not JSON: {e}"))?;
    for dir in ["cloudformation", "sam"] {
        fs::create_dir_all(out.join(dir))?;
        let mut paths: Vec<_> = fs::read_dir(source.join(dir))?
            .map(|e| e.map(|e| e.path()))
            .collect::<Result<_, _>>()?;
        paths.sort();
        for path in paths {
            if path.extension().is_none_or(|e| e != "json") {
                continue;
            }
            let text = fs::read_to_string(&path)?;
            let mut schema: Value = serde_json::from_str(&text)
                .map_err(|e| format!("{} is not JSON: {e}", path.display()))?;
            if dir == "cloudformation"
                && let (Some(type_name), Some(properties)) = (
                    schema["typeName"].as_str(),
                    schema["properties"].as_object(),
                )
            {
                declared.push((type_name.to_owned(), declared_paths(&schema)));
                lowercased.extend(
                    properties
                        .iter()
                        .filter(|(_, p)| stored_lowercase(p))
                        .map(|(name, _)| (type_name.to_owned(), name.clone())),
                );
                for (name, p) in properties {
                    reserved.extend(
                        reserved_prefixes(p)
                            .into_iter()
                            .map(|prefix| (type_name.to_owned(), name.clone(), prefix)),
                    );
                }
                reserved.dedup();
                // A create-only property replaces its resource instead: not one of these.
                let create_only: Vec<&str> = schema["createOnlyProperties"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|p| p.as_str()?.strip_prefix("/properties/"))
                    .collect();
                fixed.extend(
                    properties
                        .iter()
                        .filter(|(name, p)| {
                            unchangeable(p) && !create_only.contains(&name.as_str())
                        })
                        .map(|(name, p)| {
                            let default = p.get("default").map(Value::to_string);
                            (type_name.to_owned(), name.clone(), default)
                        }),
                );
            }
            prepare(&mut schema);
            let name = path.file_name().ok_or("schema without a file name")?;
            if dir == "cloudformation" {
                let type_name = schema["typeName"]
                    .as_str()
                    .ok_or_else(|| format!("{} has no typeName", path.display()))?;
                providers.push((type_name.to_owned(), name.to_string_lossy().into_owned()));
                let pointers = |key: &str| -> Vec<String> {
                    schema[key]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|p| p.as_str()?.strip_prefix("/properties/"))
                        .map(str::to_owned)
                        .collect()
                };
                let read_only = pointers("readOnlyProperties");
                let extra = &getatt[type_name];
                let mut readable: Vec<String> = if extra["every_property"] == true {
                    schema["properties"]
                        .as_object()
                        .map(|p| p.keys().cloned().collect())
                        .unwrap_or_default()
                } else {
                    extra["properties"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|p| Some(p.as_str()?.to_owned()))
                        .collect()
                };
                readable.extend(read_only.iter().map(|p| {
                    // A nested read-only property (`Endpoint/Address`) is read as `Endpoint.Address`.
                    p.split('/').next().unwrap_or(p).to_owned()
                }));
                readable.sort();
                readable.dedup();
                attributes.push((type_name.to_owned(), readable));
                let primary = pointers("primaryIdentifier")
                    .into_iter()
                    .map(|p| {
                        let ro = read_only.contains(&p);
                        (p, ro)
                    })
                    .collect();
                identifiers.push((type_name.to_owned(), primary));
            }
            write(out.join(dir).join(name), serde_json::to_string(&schema)?)?;
        }
    }
    write(out.join("providers.rs"), provider_table(&providers))?;
    write(out.join("attributes.rs"), attribute_table(&attributes))?;
    write(out.join("unchangeable.rs"), unchangeable_table(&fixed))?;
    write(out.join("declared.rs"), declared_table(&declared))?;
    write(
        out.join("identifiers.rs"),
        identifier_table(&identifiers, &lowercased, &reserved),
    )?;
    let rules = manifest_dir.join("rules/gitleaks.toml");
    println!("cargo::rerun-if-changed={}", rules.display());
    let (table, keywords, allowlists) = gitleaks_table(&fs::read_to_string(&rules)?)?;
    write(
        Path::new(&env::var("OUT_DIR")?).join("gitleaks_allowlists.rs"),
        allowlists,
    )?;
    write(
        Path::new(&env::var("OUT_DIR")?).join("gitleaks_rules.rs"),
        table,
    )?;
    write(
        Path::new(&env::var("OUT_DIR")?).join("gitleaks_keywords.rs"),
        keywords,
    )?;
    let iam = manifest_dir.join("iam-data/actions.txt");
    println!("cargo::rerun-if-changed={}", iam.display());
    write(
        Path::new(&env::var("OUT_DIR")?).join("iam_actions.rs"),
        iam_table(&fs::read_to_string(&iam)?)?,
    )?;
    let validator = manifest_dir.join("src/validate");
    println!("cargo::rerun-if-changed={}", validator.display());
    let writer = manifest_dir.join("src/render/yaml.rs");
    println!("cargo::rerun-if-changed={}", writer.display());
    let expr = manifest_dir.join("src/model/expr.rs");
    println!("cargo::rerun-if-changed={}", expr.display());
    write(
        out.join("fingerprint.txt"),
        format!(
            "{:016x}",
            fingerprint(&source, &validator, &[&writer, &expr])?
        ),
    )?;
    Ok(())
}
