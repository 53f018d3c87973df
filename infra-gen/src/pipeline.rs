//! The one way from definitions to files: lint → render → schema validation → replacement
//! guard. [`run`] is what `generate` and `check` do; the [`Rendered`] it returns is the only
//! thing [`check::write`](crate::check::write) accepts, so a library user cannot write files
//! that skipped a step.

use std::collections::BTreeSet;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use crate::builders::App;
use crate::render::read::{open_committed, read_committed_lenient};
use crate::render::{self, GeneratedFile};
use crate::validate::{self, RemovedStack, Replacement};
use crate::{Error, Finding, format_findings, lint};

/// Files that passed every step, for one generated directory.
#[derive(Debug)]
pub struct Rendered {
    dir: PathBuf,
    files: Vec<GeneratedFile>,
    acknowledged: Vec<Replacement>,
    removed: Vec<RemovedStack>,
    unreadable: Vec<(String, String)>,
    unchanged: BTreeSet<String>,
}

impl Rendered {
    /// The directory the replacement guard compared with, and the one they belong in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
    /// Templates in stack order, then review pages, then `samconfig.toml`.
    pub fn files(&self) -> &[GeneratedFile] {
        &self.files
    }
    /// Replacements of stateful resources the definitions acknowledge (`acknowledge_replacement`).
    pub fn acknowledged(&self) -> &[Replacement] {
        &self.acknowledged
    }
    /// Committed stacks with stateful resources that are no longer defined, as the definitions
    /// acknowledge (`App::acknowledge_removed_stack`).
    pub fn removed(&self) -> &[RemovedStack] {
        &self.removed
    }
    /// Committed templates that no longer parse (path, error): not guarded, shown by the diff.
    pub fn unreadable(&self) -> &[(String, String)] {
        &self.unreadable
    }
    /// Templates the guard read and found identical to their rendering (paths in `dir`).
    pub fn unchanged(&self) -> &BTreeSet<String> {
        &self.unchanged
    }
}

/// The step that stopped the pipeline, with what it found.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    /// A lint finding: nothing is rendered.
    #[error("{} problem(s) in the definitions:\n{}", .0.len(), format_findings(.0))]
    Lint(Vec<Finding>),
    /// A page or configuration template failed to render.
    #[error("{0}")]
    Render(Error),
    /// A rendered resource that its CloudFormation or SAM schema rejects.
    #[error("{} problem(s) in the definitions:\n{}", .0.len(), format_findings(.0))]
    Schema(Vec<Finding>),
    /// Unacknowledged replacements of stateful resources; `files` is what would be written.
    #[error("{} problem(s) in the definitions:\n{}", .refused.len(), format_findings(.refused))]
    Replacement {
        refused: Vec<Finding>,
        files: Vec<GeneratedFile>,
    },
    /// A committed file the guard must compare with could not be read.
    #[error("cannot read {}: {source}", .path.display())]
    Read { path: PathBuf, source: io::Error },
}

impl Failure {
    /// The findings, when the failure is about the definitions rather than I/O or rendering.
    pub fn findings(&self) -> &[Finding] {
        match self {
            Self::Lint(f) | Self::Schema(f) => f,
            Self::Replacement { refused, .. } => refused,
            Self::Render(_) | Self::Read { .. } => &[],
        }
    }
}

/// Lints, renders and validates against the resource schemas, in memory: the files `run`
/// would write, without comparing with any committed directory.
pub fn validated(app: &App) -> Result<Vec<GeneratedFile>, Failure> {
    checked(app, None)
}

fn checked(app: &App, schema_cache: Option<&Path>) -> Result<Vec<GeneratedFile>, Failure> {
    let findings = lint::lint(app);
    if !findings.is_empty() {
        return Err(Failure::Lint(findings));
    }
    let (mut files, findings) = templates(app, schema_cache)?;
    if !findings.is_empty() {
        return Err(Failure::Schema(findings));
    }
    // Templates first, in stack order (`run` pairs them with `app.stacks()`), then the review
    // pages and `samconfig.toml`.
    files.extend(render::pages(app).map_err(Failure::Render)?);
    Ok(files)
}

/// Each stack's template, rendered and validated against the schemas. The text is written
/// straight from the typed model; the JSON form the schemas take is built only for a template
/// the schema cache has not seen (a fresh process pays for every page of memory it touches,
/// and these trees were most of what a `check` allocated).
fn templates(
    app: &App,
    schema_cache: Option<&Path>,
) -> Result<(Vec<GeneratedFile>, Vec<Finding>), Failure> {
    let mut schemas = validate::Session::open(schema_cache);
    let mut files = Vec::with_capacity(2 * app.stacks().len() + 1);
    let mut findings = Vec::new();
    for stack in app.stacks() {
        let file = render::template_file(stack).map_err(Failure::Render)?;
        findings.extend(schemas.check(
            stack.name.as_str(),
            || stack.template.to_json(),
            &file.contents,
        ));
        files.push(file);
    }
    schemas.finish();
    Ok((files, findings))
}

/// The whole pipeline for the generated directory `dir`: [`validated`], then the replacement
/// guard against the templates committed there (a missing file is a new stack).
/// `schema_cache` names a file of resources that passed the schemas before
/// ([`validate::validate_cached`]); `None` validates every resource.
pub fn run(app: &App, dir: &Path, schema_cache: Option<&Path>) -> Result<Rendered, Failure> {
    let files = checked(app, schema_cache)?;
    let mut refused = Vec::new();
    let mut acknowledged = Vec::new();
    let mut unreadable = Vec::new();
    let mut unchanged = BTreeSet::new();
    // The committed templates read, and the stacks without one, for resources moved between
    // stacks.
    let mut committed_templates = Vec::new();
    let mut fresh = Vec::new();
    // The resources (stack, logical ID) the guard finds replaced, acknowledged or not.
    let mut used: Vec<(String, String)> = Vec::new();
    // Templates come first, in stack order.
    for (stack, file) in app.stacks().iter().zip(&files) {
        let path = dir.join(&file.path);
        // Most committed templates are unchanged: compared piece by piece, never held whole.
        let committed = match same_contents(&path, file.contents.as_bytes()) {
            Ok(true) => {
                unchanged.insert(file.path.clone());
                continue;
            }
            Ok(false) => read_committed_lenient(&path),
            Err(e) => Err(e),
        };
        let committed = match committed {
            Ok(text) => Ok(text),
            Err(e) if e.kind() == io::ErrorKind::NotFound && dir.is_dir() => {
                fresh.push(stack);
                continue;
            }
            // Not committed as a file (a directory, a symlink, a FIFO stands there, or
            // generated/ is no directory): the comparison reports it.
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::NotFound
                        | io::ErrorKind::IsADirectory
                        | io::ErrorKind::NotADirectory
                        | io::ErrorKind::InvalidInput
                ) =>
            {
                continue;
            }
            // generated/ cannot be entered (a symlink loop, or no directory): the comparison
            // reports generated/ itself.
            Err(_) if !dir.is_dir() => continue,
            // A corrupted template is drift, not an I/O failure: the comparison shows it.
            Err(e) if e.kind() == io::ErrorKind::InvalidData => Err(e.to_string()),
            Err(source) => return Err(Failure::Read { path, source }),
        };
        let old = committed.and_then(|text| validate::read_template(&text));
        match old.and_then(|old| Ok((validate::replacements_of(stack, &old)?, old))) {
            Ok((found, old)) => {
                for r in found {
                    used.push((r.stack.clone(), r.resource.clone()));
                    match r.acknowledged {
                        Some(_) => acknowledged.push(r),
                        None => refused.push(r.to_finding()),
                    }
                }
                committed_templates.push((stack, old));
            }
            Err(e) => {
                // What the committed template held cannot be told: at worst, the change
                // replaces every stateful resource of the stack.
                if let Some(f) = validate::unreadable_finding(stack, &file.path, &e) {
                    refused.push(f);
                }
                unreadable.push((file.path.clone(), e));
            }
        }
    }
    let read: Vec<_> = committed_templates
        .iter()
        .map(|(s, old)| (*s, old))
        .collect();
    for r in validate::moved_resources(&read, &fresh) {
        used.push((r.stack.clone(), r.resource.clone()));
        match r.acknowledged {
            Some(_) => acknowledged.push(r),
            None => refused.push(r.to_finding()),
        }
    }
    // Acknowledgements this change spends on nothing, in the stacks whose template changes (an
    // unchanged one records its own; an unreadable one is refused above).
    let stacks_read = read.iter().map(|(s, old)| (*s, Some(*old)));
    for (stack, old) in stacks_read.chain(fresh.iter().map(|s| (*s, None))) {
        refused.extend(validate::pending_acknowledgements(stack, old, |id| {
            used.iter()
                .any(|(s, r)| s == stack.name.as_str() && r == id)
        }));
    }
    // A committed template no stack produces any more: a removed or renamed stack.
    let produced: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let mut removed = Vec::new();
    let mut gone =
        validate::removed_stacks(app, dir, &produced).map_err(|source| Failure::Read {
            path: dir.to_owned(),
            source,
        })?;
    // A stack deployed to another region than the committed samconfig says: a moved stack.
    if let Some(rendered) = files.iter().find(|f| f.path == render::samconfig::PATH) {
        let committed = read_committed_lenient(&dir.join(&rendered.path));
        // Missing beside committed templates, unreadable, or without a committed stack's
        // region, it does not say where that stack was deployed: at worst, it moved. (Without
        // generated/ every stack is new; the comparison reports what stands there instead.)
        let regions = match &committed {
            Ok(c) if *c == rendered.contents => None,
            Ok(c) => Some(render::samconfig::recorded_regions(c)),
            Err(_) if !dir.is_dir() => None,
            Err(e) if e.kind() == io::ErrorKind::NotFound => Some(Err("it is missing".to_owned())),
            Err(e) => Some(Err(e.to_string())),
        };
        if let Some(regions) = regions {
            for stack in app
                .stacks()
                .iter()
                .filter(|s| !fresh.iter().any(|f| std::ptr::eq(*f, *s)))
            {
                let recorded = regions
                    .as_ref()
                    .map(|r| r.contains_key(stack.name.as_str()));
                let why = match recorded {
                    Ok(true) => continue,
                    Ok(false) => format!("it records no region for {}", stack.name),
                    Err(e) => e.clone(),
                };
                refused.extend(validate::unreadable_finding(stack, &rendered.path, &why));
            }
            // A stack it records that no definition names, whose template is gone too (deleted
            // by hand): what that stack held is unknown, so at worst it held data.
            if let Ok(recorded) = &regions {
                gone.extend(validate::unrecorded_removed_stacks(
                    app,
                    dir,
                    recorded.keys().map(String::as_str),
                ));
            }
        }
        gone.extend(validate::moved_stacks(
            app,
            committed.as_deref().ok(),
            &rendered.contents,
        ));
    }
    for r in gone {
        match r.acknowledged {
            Some(_) => removed.push(r),
            None => refused.push(r.to_finding()),
        }
    }
    if !refused.is_empty() {
        return Err(Failure::Replacement { refused, files });
    }
    Ok(Rendered {
        dir: dir.to_owned(),
        files,
        acknowledged,
        removed,
        unreadable,
        unchanged,
    })
}

/// Whether the file at `path` holds exactly `expected`, read in pieces: a fresh process pays
/// for every page of memory it touches, and the largest file is about 100 KB.
pub(crate) fn same_contents(path: &Path, expected: &[u8]) -> io::Result<bool> {
    let mut file = open_committed(path)?;
    let mut piece = [0u8; 8192];
    let mut at = 0;
    loop {
        let n = match file.read(&mut piece) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if n == 0 {
            return Ok(at == expected.len());
        }
        if expected.get(at..at + n) != Some(&piece[..n]) {
            return Ok(false);
        }
        at += n;
    }
}
