//! The templates committed at a git ref, read through one `git cat-file --batch` process (a
//! process per file would cost more than the review itself). `generated/` is a pure function
//! of the definitions, so a ref's committed templates are that ref's render.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use super::{ReviewError, Templates};

struct Batch {
    child: Child,
    input: ChildStdin,
    output: BufReader<ChildStdout>,
}

/// An object's ID, type and contents, or `None` when git has no such object.
type Object = Option<(String, String, Vec<u8>)>;

impl Batch {
    fn open(root: &Path) -> Result<Self, ReviewError> {
        let mut child = Command::new("git")
            .arg("-C")
            .arg(root)
            .args(["cat-file", "--batch"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| ReviewError::Git(format!("cannot run git: {e}")))?;
        let (Some(input), Some(output)) = (child.stdin.take(), child.stdout.take()) else {
            return Err(ReviewError::Git("git's pipes could not be opened".into()));
        };
        Ok(Self {
            child,
            input,
            output: BufReader::new(output),
        })
    }

    /// Asks for `name`; the answer is read by [`Self::receive`], in the order asked, so
    /// questions can be sent ahead while git starts or answers earlier ones.
    fn send(&mut self, name: &str) -> Result<(), ReviewError> {
        match writeln!(self.input, "{name}").and_then(|()| self.input.flush()) {
            Ok(()) => Ok(()),
            Err(_) => Err(self.failed()),
        }
    }

    fn receive(&mut self, name: &str) -> Result<Object, ReviewError> {
        let mut header = String::new();
        if matches!(self.output.read_line(&mut header), Ok(0) | Err(_)) {
            return Err(self.failed());
        }
        let words: Vec<&str> = header.split_whitespace().collect();
        let [id, kind, size] = words[..] else {
            // `<name> missing`, `<name> ambiguous`.
            return Ok(None);
        };
        let size: usize = size
            .parse()
            .map_err(|_| ReviewError::Git(format!("git answered {header:?}")))?;
        // The contents and the newline git writes after them.
        let mut body = vec![0; size + 1];
        self.output
            .read_exact(&mut body)
            .map_err(|e| ReviewError::Git(format!("reading {name} from git: {e}")))?;
        body.pop();
        Ok(Some((id.to_owned(), kind.to_owned(), body)))
    }

    /// Why git stopped answering, from its standard error (not a repository, …).
    fn failed(&mut self) -> ReviewError {
        let _ = self.child.kill();
        let mut stderr = String::new();
        if let Some(mut e) = self.child.stderr.take() {
            let _ = e.read_to_string(&mut stderr);
        }
        let _ = self.child.wait();
        ReviewError::Git(format!("git cat-file failed: {}", stderr.trim()))
    }
}

impl Drop for Batch {
    fn drop(&mut self) {
        // Closing its input ends `git cat-file`; wait so no zombie is left.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A read of a ref's committed templates under way: git starts and resolves the ref while the
/// caller does other work (the render), and [`Pending::finish`] collects the answers.
pub struct Pending {
    git: Batch,
    root: PathBuf,
    reference: String,
}

/// Starts reading the templates (`generated/*.yaml`) committed at `reference` in the
/// repository at `root`.
pub fn start(root: &Path, reference: &str) -> Result<Pending, ReviewError> {
    if reference.is_empty() || reference.contains(char::is_whitespace) {
        return Err(ReviewError::Git(format!("{reference:?} is not a git ref")));
    }
    let mut git = Batch::open(root)?;
    git.send(&format!("{reference}^{{commit}}"))?;
    git.send(&format!("{reference}^{{commit}}:generated"))?;
    Ok(Pending {
        git,
        root: root.to_owned(),
        reference: reference.to_owned(),
    })
}

/// The templates committed at `reference`, by stack name (the file name without `.yaml`), in
/// name order.
pub fn committed(root: &Path, reference: &str) -> Result<Templates, ReviewError> {
    start(root, reference)?.finish()
}

impl Pending {
    pub fn finish(mut self) -> Result<Templates, ReviewError> {
        let (git, reference) = (&mut self.git, self.reference.as_str());
        let commit = git.receive(&format!("{reference}^{{commit}}"))?;
        let tree = git.receive(&format!("{reference}^{{commit}}:generated"))?;
        let commit = match commit {
            Some((id, kind, _)) if kind == "commit" => id,
            _ => {
                return Err(ReviewError::Git(format!(
                    "unknown ref {reference}: no commit of that name in {}",
                    self.root.display()
                )));
            }
        };
        let short = &commit[..commit.len().min(12)];
        let label = format!("{reference} ({short})");
        let tree = match tree {
            Some((_, kind, body)) if kind == "tree" => body,
            _ => {
                return Err(ReviewError::Git(format!(
                    "{label} has no generated/ directory: nothing to compare with"
                )));
            }
        };
        let hash_len = commit.len() / 2;
        let mut wanted = Vec::new();
        let mut samconfig = None;
        for (mode, name, id) in tree_entries(&tree, hash_len)? {
            if name.ends_with(".yaml") && (mode.starts_with("100") || mode == "120000") {
                git.send(&id)?;
                wanted.push((mode, name, id));
            } else if name == crate::render::samconfig::PATH && mode.starts_with("100") {
                samconfig = Some(id);
            }
        }
        // Asked for after the templates, so their answers come first.
        if let Some(id) = &samconfig {
            git.send(id)?;
        }
        let mut files = Vec::new();
        for (mode, name, id) in wanted {
            let unreadable = |message: String| ReviewError::Unreadable {
                side: label.clone(),
                file: name.clone(),
                message,
            };
            let text = match git.receive(&id)? {
                Some((_, kind, body)) if kind == "blob" && mode != "120000" => {
                    String::from_utf8(body).map_err(|_| unreadable("not UTF-8 text".into()))?
                }
                Some(_) => return Err(unreadable("a symbolic link, not a template".into())),
                None => return Err(unreadable("git cannot read the blob".into())),
            };
            let stack = name.trim_end_matches(".yaml").to_owned();
            files.push((stack, text));
        }
        // The regions the ref deployed its stacks to; one it cannot read records none.
        let regions = match &samconfig {
            Some(id) => match git.receive(id)? {
                Some((_, kind, body)) if kind == "blob" => String::from_utf8(body).ok(),
                _ => None,
            },
            None => None,
        };
        let templates = Templates::new(label, files);
        Ok(match regions {
            Some(text) => templates.with_samconfig(&text),
            None => templates,
        })
    }
}

/// A tree object's entries: (mode, name, object ID in hex), from git's binary format
/// `<mode> <name>\0<hash bytes>`.
fn tree_entries(
    tree: &[u8],
    hash_len: usize,
) -> Result<Vec<(String, String, String)>, ReviewError> {
    let bad = || ReviewError::Git("git returned a tree it could not read".into());
    let mut out = Vec::new();
    let mut rest = tree;
    while !rest.is_empty() {
        let space = rest.iter().position(|b| *b == b' ').ok_or_else(bad)?;
        let nul = rest.iter().position(|b| *b == 0).ok_or_else(bad)?;
        if nul < space || rest.len() < nul + 1 + hash_len {
            return Err(bad());
        }
        let mode = String::from_utf8_lossy(&rest[..space]).into_owned();
        let name = String::from_utf8_lossy(&rest[space + 1..nul]).into_owned();
        let id: String = rest[nul + 1..nul + 1 + hash_len]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        out.push((mode, name, id));
        rest = &rest[nul + 1 + hash_len..];
    }
    Ok(out)
}
