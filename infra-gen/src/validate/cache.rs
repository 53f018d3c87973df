//! Which resources already passed schema validation, so `check` compiles no validator for a
//! resource it has seen: a file of SHA-256 keys, one per line, each over the validator's
//! fingerprint (the embedded schemas, this module's source and the YAML writer's, from
//! build.rs) and the resource's exact JSON. A resource is skipped only when that same JSON
//! passed those same schemas before; anything else — a changed property, a refreshed schema,
//! another infra-gen — is validated. The file lives outside `generated/` (the CLI uses `target/infra-gen/`), is
//! never committed, and a missing, unreadable or garbled one only costs time.
//!
//! A template that passed as a whole is keyed by its rendered text too (a line of its key and
//! its resources' keys): an unchanged template is then one hash of text already rendered, not
//! a JSON serialization of each of its resources.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;
use sha2::{Digest, Sha256};

const FINGERPRINT: &str = include_str!(concat!(env!("OUT_DIR"), "/schemas/fingerprint.txt"));

pub(super) struct Cache {
    path: Option<PathBuf>,
    /// Keys read from the file.
    keys: BTreeSet<String>,
    /// Keys of this run's resources that passed; only these are written back, so the file
    /// holds the app as it is now and does not grow with every edit.
    used: BTreeSet<String>,
    /// Templates read from the file, by the key of their text: their resources' keys.
    templates: BTreeMap<String, Vec<String>>,
    /// This run's templates that passed, as [`Cache::used`] is for resources.
    used_templates: BTreeMap<String, Vec<String>>,
}

/// The cache key of one resource in CloudFormation's JSON form.
pub(super) fn key(resource: &Value) -> String {
    let mut h = Sha256::new();
    h.update(FINGERPRINT.as_bytes());
    h.update(b"\n");
    // Written into the hasher as it is serialized; a `Value` always serializes.
    let _ = serde_json::to_writer(Hashing(&mut h), resource);
    hex(h)
}

/// The cache key of a template by its rendered text, which reads back to exactly its JSON
/// form (`render::read`), so equal texts are equal templates. Told apart from resource keys
/// by a prefix in the hash: a template and a resource never share a key.
pub(super) fn text_key(text: &str) -> String {
    let mut h = Sha256::new();
    h.update(FINGERPRINT.as_bytes());
    h.update(b"\ntemplate\n");
    h.update(text.as_bytes());
    hex(h)
}

fn hex(h: Sha256) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut key = String::with_capacity(64);
    for b in h.finalize() {
        key.push(char::from(HEX[usize::from(b >> 4)]));
        key.push(char::from(HEX[usize::from(b & 0xf)]));
    }
    key
}

/// Feeds what is written into the hash, so a resource is hashed without a copy of its JSON.
struct Hashing<'a>(&'a mut Sha256);

impl std::io::Write for Hashing<'_> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.update(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Cache {
    /// No cache: every resource is validated.
    pub(super) fn none() -> Self {
        Self {
            path: None,
            keys: BTreeSet::new(),
            used: BTreeSet::new(),
            templates: BTreeMap::new(),
            used_templates: BTreeMap::new(),
        }
    }

    pub(super) fn open(path: &Path) -> Self {
        let mut cache = Self::none();
        cache.path = Some(path.to_owned());
        let text = fs::read_to_string(path).unwrap_or_default();
        let is_key = |k: &str| k.len() == 64 && k.bytes().all(|b| b.is_ascii_hexdigit());
        for line in text.lines() {
            let mut keys = line.split(' ');
            let first = keys.next().unwrap_or_default();
            let rest: Vec<&str> = keys.collect();
            if !is_key(first) || !rest.iter().all(|k| is_key(k)) {
                continue;
            }
            if rest.is_empty() {
                cache.keys.insert(first.to_owned());
            } else {
                let rest = rest.into_iter().map(str::to_owned).collect();
                cache.templates.insert(first.to_owned(), rest);
            }
        }
        cache
    }

    /// Whether caching is on (a cache file was named).
    pub(super) fn enabled(&self) -> bool {
        self.path.is_some()
    }

    /// Whether the template of text key `key` passed before; it and its resources are kept
    /// for the next run if so.
    pub(super) fn contains_template(&mut self, key: &str) -> bool {
        let Some(resources) = self.templates.get(key) else {
            return false;
        };
        self.used.extend(resources.iter().cloned());
        self.used_templates
            .insert(key.to_owned(), resources.clone());
        true
    }

    /// Records a template that passed, with the keys of its resources.
    pub(super) fn insert_template(&mut self, key: String, resources: Vec<String>) {
        self.used_templates.insert(key, resources);
    }

    /// Whether the resource passed before; it is kept for the next run if so.
    pub(super) fn contains(&mut self, key: &str) -> bool {
        let hit = self.keys.contains(key);
        if hit {
            self.used.insert(key.to_owned());
        }
        hit
    }

    pub(super) fn insert(&mut self, key: String) {
        self.used.insert(key);
    }

    /// Writes the keys (through a temporary file, so a concurrent reader sees the old or the
    /// new set, never half of one).
    pub(super) fn save(&self) -> std::io::Result<()> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        if self.used == self.keys && self.used_templates == self.templates {
            return Ok(());
        }
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir)?;
        }
        let mut text = String::new();
        for k in &self.used {
            text.push_str(k);
            text.push('\n');
        }
        for (k, resources) in &self.used_templates {
            text.push_str(k);
            for r in resources {
                text.push(' ');
                text.push_str(r);
            }
            text.push('\n');
        }
        let tmp = path.with_extension(format!("tmp{}", std::process::id()));
        fs::write(&tmp, text)?;
        fs::rename(&tmp, path)
    }
}
