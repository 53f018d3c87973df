//! Comparing rendered files with the committed `generated/` directory, and writing them.

use std::collections::BTreeSet;
use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use similar::TextDiff;

use crate::render::{GeneratedFile, is_generated};

#[derive(Debug, thiserror::Error)]
#[error("cannot {action} {}: {source}", path.display())]
pub struct IoError {
    action: &'static str,
    path: PathBuf,
    source: io::Error,
}

fn io_err(action: &'static str, path: &Path) -> impl FnOnce(io::Error) -> IoError {
    let path = path.to_owned();
    move |source| IoError {
        action,
        path,
        source,
    }
}

/// One way `generated/` differs from the definitions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Drift {
    /// The committed file differs; `diff` is unified, committed → definitions.
    Changed { path: String, diff: String },
    /// A stack's file is not committed.
    Missing { path: String },
    /// A committed file that no stack produces.
    Stray { path: String },
}

impl fmt::Display for Drift {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Changed { path, diff } => {
                write!(f, "drift: {path} differs from its definition\n{diff}")
            }
            Self::Missing { path } => write!(
                f,
                "missing: {path} is produced by a stack but not committed"
            ),
            Self::Stray { path } => {
                write!(f, "stray: {path} is committed but no stack produces it")
            }
        }
    }
}

fn committed(dir: &Path) -> Result<BTreeSet<String>, IoError> {
    let mut names = BTreeSet::new();
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(names),
        Err(e) => return Err(io_err("list", dir)(e)),
    };
    for entry in entries {
        let entry = entry.map_err(io_err("list", dir))?;
        if entry
            .file_type()
            .map_err(io_err("inspect", &entry.path()))?
            .is_file()
        {
            names.insert(entry.file_name().to_string_lossy().into_owned());
        }
    }
    Ok(names)
}

/// Compares `files` with `dir`; `label` prefixes paths in messages (e.g. `generated`).
pub fn compare(dir: &Path, label: &str, files: &[GeneratedFile]) -> Result<Vec<Drift>, IoError> {
    let mut drift = Vec::new();
    let mut present = committed(dir)?;
    for file in files {
        let shown = format!("{label}/{}", file.path);
        if !present.remove(&file.path) {
            drift.push(Drift::Missing { path: shown });
            continue;
        }
        let path = dir.join(&file.path);
        let old = fs::read_to_string(&path).map_err(io_err("read", &path))?;
        if old != file.contents {
            let diff = TextDiff::from_lines(&old, &file.contents)
                .unified_diff()
                .context_radius(3)
                .header(
                    &format!("a/{shown} (committed)"),
                    &format!("b/{shown} (from definitions)"),
                )
                .to_string();
            drift.push(Drift::Changed { path: shown, diff });
        }
    }
    drift.extend(present.into_iter().map(|p| Drift::Stray {
        path: format!("{label}/{p}"),
    }));
    Ok(drift)
}

/// What `write` did, for the user.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Written {
    pub updated: Vec<String>,
    pub removed: Vec<String>,
    /// Stray files left alone because infra-gen did not write them.
    pub kept: Vec<String>,
}

/// Writes changed files and removes stray ones that infra-gen wrote earlier.
pub fn write(dir: &Path, files: &[GeneratedFile]) -> Result<Written, IoError> {
    fs::create_dir_all(dir).map_err(io_err("create", dir))?;
    let mut written = Written::default();
    let mut present = committed(dir)?;
    for file in files {
        present.remove(&file.path);
        let path = dir.join(&file.path);
        if fs::read_to_string(&path).ok().as_deref() != Some(file.contents.as_str()) {
            fs::write(&path, &file.contents).map_err(io_err("write", &path))?;
            written.updated.push(file.path.clone());
        }
    }
    for stray in present {
        let path = dir.join(&stray);
        let ours = fs::read_to_string(&path).is_ok_and(|c| is_generated(&c));
        if ours {
            fs::remove_file(&path).map_err(io_err("remove", &path))?;
            written.removed.push(stray);
        } else {
            written.kept.push(stray);
        }
    }
    Ok(written)
}
