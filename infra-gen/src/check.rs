//! Comparing rendered files with the committed `generated/` directory, and writing them.

use std::collections::BTreeSet;
use std::fmt;
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use similar::TextDiff;

use crate::pipeline::Rendered;
use crate::render::read::{open_committed, read_committed};
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
    /// The committed file is not UTF-8 text, so it cannot be the rendered one (or be diffed).
    NotText { path: String, valid_up_to: usize },
    /// The committed file has the rendered text but other line endings (e.g. CRLF).
    LineEndings { path: String },
    /// A committed file that no stack produces (also in a subfolder).
    Stray { path: String },
    /// A symlink in `generated/`: never written by infra-gen, so never trusted.
    Symlink { path: String },
    /// Something other than a file, directory or symlink (a FIFO, socket or device), or
    /// `generated/` itself not a directory: never written by infra-gen, and never read.
    NotAFile { path: String },
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
            Self::NotText { path, valid_up_to } => write!(
                f,
                "drift: {path} is not UTF-8 text (an invalid byte at offset {valid_up_to}), so it differs from its definition\n  fix: run `cargo infra-gen generate`"
            ),
            Self::LineEndings { path } => write!(
                f,
                "drift: {path} differs from its definition only in line endings (committed with CRLF, rendered with LF)\n  fix: run `cargo infra-gen generate`, and set `generated/** -text` in .gitattributes so git does not convert them"
            ),
            Self::Stray { path } => {
                write!(f, "stray: {path} is committed but no stack produces it")
            }
            Self::Symlink { path } => write!(
                f,
                "stray: {path} is a symlink; generated/ holds only files infra-gen writes\n  fix: remove it"
            ),
            Self::NotAFile { path } => write!(
                f,
                "stray: {path} is not a file or directory infra-gen writes (a FIFO, socket or device; for generated/ itself, a file or a dangling link)\n  fix: remove it, then run `cargo infra-gen generate`"
            ),
        }
    }
}

/// What `generated/` holds, by path relative to it (subfolders included, `/`-separated).
#[derive(Default)]
struct Committed {
    files: BTreeSet<String>,
    symlinks: BTreeSet<String>,
    /// Entries that are neither regular files, directories nor symlinks.
    others: BTreeSet<String>,
    /// `generated/` itself is there but is no directory (a file, a dangling link).
    not_a_directory: bool,
}

fn committed(dir: &Path) -> Result<Committed, IoError> {
    let mut found = Committed::default();
    match (fs::symlink_metadata(dir), fs::metadata(dir)) {
        (Err(e), _) if e.kind() == io::ErrorKind::NotFound => return Ok(found),
        (Err(e), _) => return Err(io_err("inspect", dir)(e)),
        (Ok(_), Ok(target)) if target.is_dir() => {}
        (Ok(_), _) => {
            found.not_a_directory = true;
            return Ok(found);
        }
    }
    walk(dir, "", &mut found)?;
    Ok(found)
}

fn walk(dir: &Path, prefix: &str, found: &mut Committed) -> Result<(), IoError> {
    for entry in fs::read_dir(dir).map_err(io_err("list", dir))? {
        let entry = entry.map_err(io_err("list", dir))?;
        let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
        let kind = entry
            .file_type()
            .map_err(io_err("inspect", &entry.path()))?;
        if kind.is_symlink() {
            found.symlinks.insert(name);
        } else if kind.is_dir() {
            // infra-gen writes no subfolder: one that cannot be listed (nested past PATH_MAX,
            // unreadable) is stray like the files in it, not an I/O failure of `check`.
            if walk(&entry.path(), &format!("{name}/"), found).is_err() {
                found.files.insert(name);
            }
        } else if kind.is_file() {
            found.files.insert(name);
        } else {
            found.others.insert(name);
        }
    }
    Ok(())
}

/// Compares `files` with `dir`; `label` prefixes paths in messages (e.g. `generated`).
pub fn compare(dir: &Path, label: &str, files: &[GeneratedFile]) -> Result<Vec<Drift>, IoError> {
    compare_except(dir, label, files, &BTreeSet::new())
}

/// [`compare`] for the pipeline's output, in the directory it was guarded against: the
/// templates its replacement guard read and found identical are not read again.
pub fn compare_rendered(rendered: &Rendered, label: &str) -> Result<Vec<Drift>, IoError> {
    compare_except(
        rendered.dir(),
        label,
        rendered.files(),
        rendered.unchanged(),
    )
}

/// [`compare`], taking the files in `same` as read and identical.
fn compare_except(
    dir: &Path,
    label: &str,
    files: &[GeneratedFile],
    same: &BTreeSet<String>,
) -> Result<Vec<Drift>, IoError> {
    let mut drift = Vec::new();
    let Committed {
        files: mut present,
        symlinks,
        others,
        not_a_directory,
    } = committed(dir)?;
    if not_a_directory {
        drift.push(Drift::NotAFile {
            path: label.to_owned(),
        });
    }
    let mut bytes = Vec::new();
    for file in files {
        let shown = format!("{label}/{}", file.path);
        if symlinks.contains(&file.path) || !present.remove(&file.path) {
            drift.push(Drift::Missing { path: shown });
            continue;
        }
        if same.contains(&file.path) {
            continue;
        }
        let path = dir.join(&file.path);
        // Most are unchanged: compared piece by piece, read whole only to show a difference.
        if crate::pipeline::same_contents(&path, file.contents.as_bytes())
            .map_err(io_err("read", &path))?
        {
            continue;
        }
        bytes.clear();
        open_committed(&path)
            .and_then(|mut f| f.read_to_end(&mut bytes))
            .map_err(io_err("read", &path))?;
        let old = match std::str::from_utf8(&bytes) {
            Ok(text) => text,
            Err(e) => {
                drift.push(Drift::NotText {
                    path: shown,
                    valid_up_to: e.valid_up_to(),
                });
                continue;
            }
        };
        if old != file.contents && old.replace("\r\n", "\n") == file.contents {
            drift.push(Drift::LineEndings { path: shown });
        } else if old != file.contents {
            let diff = TextDiff::from_lines(old, &file.contents)
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
    drift.extend(symlinks.into_iter().map(|p| Drift::Symlink {
        path: format!("{label}/{p}"),
    }));
    drift.extend(others.into_iter().map(|p| Drift::NotAFile {
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

/// Writes the pipeline's files into the directory it guarded, and removes stray ones that
/// infra-gen wrote earlier. Only a [`Rendered`] is written: every file passed every step.
pub fn write(rendered: &Rendered) -> Result<Written, IoError> {
    let (dir, files) = (rendered.dir(), rendered.files());
    fs::create_dir_all(dir).map_err(io_err("create", dir))?;
    let mut written = Written::default();
    let Committed {
        files: mut present,
        symlinks,
        others,
        not_a_directory: _,
    } = committed(dir)?;
    for link in symlinks.into_iter().chain(others) {
        // A write through a symlink would land outside generated/, and one to a FIFO would
        // block: replace the entry itself.
        if files.iter().any(|f| f.path == link) {
            let path = dir.join(&link);
            fs::remove_file(&path).map_err(io_err("remove", &path))?;
        } else {
            written.kept.push(link);
        }
    }
    // samconfig.toml first: no template is ever on disk before the file recording where its
    // stack is deployed, which the replacement guard of a run beside this one (or the next,
    // after this one stopped midway) would take as a stack that may have moved.
    let samconfig = |f: &&GeneratedFile| f.path == crate::render::samconfig::PATH;
    for file in files
        .iter()
        .filter(samconfig)
        .chain(files.iter().filter(|f| !samconfig(f)))
    {
        present.remove(&file.path);
        let path = dir.join(&file.path);
        if read_committed(&path).ok().as_deref() != Some(file.contents.as_str()) {
            replace(&path, &file.contents).map_err(io_err("write", &path))?;
            written.updated.push(file.path.clone());
        }
    }
    for stray in present {
        // Another run's file on its way in (see `replace`): not stale, and not ours to remove.
        if is_temporary(&stray) {
            written.kept.push(stray);
            continue;
        }
        let path = dir.join(&stray);
        let ours = read_committed(&path).is_ok_and(|c| is_generated(&c));
        if ours {
            fs::remove_file(&path).map_err(io_err("remove", &path))?;
            written.removed.push(stray);
        } else {
            written.kept.push(stray);
        }
    }
    Ok(written)
}

/// Replaces the file at `path` with `contents` by renaming a temporary file of this process
/// over it: a concurrent run (another `generate`'s replacement guard, a `check`) reads the old
/// file or the new one, never half of one, and a run stopped midway leaves no half-written
/// template for the guard to take at its worst.
fn replace(path: &Path, contents: &str) -> io::Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    let written = fs::write(&temporary, contents).and_then(|()| fs::rename(&temporary, path));
    if written.is_err() {
        let _ = fs::remove_file(&temporary);
    }
    written
}

/// Whether `path` (relative to the generated directory) is a temporary file [`replace`]
/// writes before renaming it.
fn is_temporary(path: &str) -> bool {
    path.rsplit('/')
        .next()
        .is_some_and(|name| name.starts_with('.') && name.ends_with(".tmp"))
}
