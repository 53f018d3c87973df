//! The layering in ARCHITECTURE.md ("Layers") is a rule, not a picture: a module may use only
//! modules of lower layers, so there are no import cycles. This reads every `crate::` path in
//! `src/` and fails on an upward one, and on a module the table does not place.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Module → layer, from the `text` block under ARCHITECTURE.md's "### Layers" heading: lines
/// `<layer> <module> …`.
fn layers() -> BTreeMap<String, u32> {
    let doc =
        fs::read_to_string(manifest_dir().join("../ARCHITECTURE.md")).expect("ARCHITECTURE.md");
    let section = doc
        .split("\n### Layers\n")
        .nth(1)
        .expect("ARCHITECTURE.md has a ### Layers section");
    let block = section
        .split("```text\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("the Layers section holds a ```text block");
    let mut out = BTreeMap::new();
    for line in block.lines() {
        let mut words = line.split_whitespace();
        let (Some(layer), Some(module)) = (words.next(), words.next()) else {
            continue;
        };
        if let Ok(layer) = layer.parse::<u32>() {
            out.insert(module.to_owned(), layer);
        }
    }
    assert!(out.len() > 5, "too few layers parsed: {out:?}");
    out
}

/// Names the crate root re-exports (`pub use build::{App, …};`), with the module they are from.
fn root_exports(src: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for line in src.lines() {
        let Some(rest) = line.strip_prefix("pub use ") else {
            continue;
        };
        let rest = rest.trim_end_matches(';');
        let (module, names) = rest.split_once("::").expect("pub use module::…");
        for name in names.trim_matches(|c| c == '{' || c == '}').split(',') {
            out.insert(name.trim().to_owned(), module.to_owned());
        }
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("src/ is readable") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file belongs to (`src/lint/iam.rs` → `lint`); `None` for lib.rs.
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src).expect("under src/");
    let first = rel.components().next()?.as_os_str().to_string_lossy();
    let name = first.trim_end_matches(".rs");
    (name != "lib").then(|| name.to_owned())
}

/// The first segment of every `crate::` path in code (comments skipped), expanding groups:
/// `use crate::{Error, lint};` gives `Error` and `lint`.
fn crate_paths(text: &str) -> Vec<String> {
    let code: String = text
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let ident = |s: &str| -> String {
        s.trim_start()
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let mut out = Vec::new();
    for (i, _) in code.match_indices("crate::") {
        let rest = &code[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 1;
            let mut start = 0;
            for (j, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 1 => {
                        out.push(ident(&group[start..j]));
                        break;
                    }
                    '}' => depth -= 1,
                    ',' if depth == 1 => {
                        out.push(ident(&group[start..j]));
                        start = j + 1;
                    }
                    _ => {}
                }
            }
        } else {
            out.push(ident(rest));
        }
    }
    out.retain(|s| !s.is_empty());
    out
}

#[test]
fn no_module_imports_a_higher_layer() {
    let layers = layers();
    let src = manifest_dir().join("src");
    let exports = root_exports(&fs::read_to_string(src.join("lib.rs")).expect("lib.rs"));
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut violations = Vec::new();
    for file in &files {
        let Some(module) = module_of(&src, file) else {
            continue;
        };
        let Some(&own) = layers.get(&module) else {
            violations.push(format!(
                "module {module} is not in ARCHITECTURE.md's Layers table"
            ));
            continue;
        };
        let text = fs::read_to_string(file).expect("readable");
        for first in crate_paths(&text) {
            let target = if layers.contains_key(&first) {
                first.clone()
            } else if let Some(m) = exports.get(&first) {
                m.clone()
            } else {
                violations.push(format!(
                    "{}: crate::{first} is neither a module nor a root re-export",
                    file.display()
                ));
                continue;
            };
            if target != module && layers[&target] >= own {
                violations.push(format!(
                    "{}: {module} (layer {own}) uses crate::{first}, in {target} (layer {})",
                    file.display(),
                    layers[&target]
                ));
            }
        }
    }
    assert!(violations.is_empty(), "{}", violations.join("\n"));
}

#[test]
fn the_scanner_sees_groups_and_plain_paths_but_not_comments() {
    let text = "use crate::{Error, lint::Finding};\n// crate::cli in a comment\nlet x = crate::model::Expr::Ref;\n";
    assert_eq!(crate_paths(text), ["Error", "lint", "model"]);
}
