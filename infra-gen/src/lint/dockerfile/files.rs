//! Whether the final image holds the program its ImageConfig starts: a file some instruction
//! puts there (a COPY or ADD landing on the path, a directory copied from a stage that holds
//! it, a RUN writing it), or one its base image ships. Lambda starts the program by its path;
//! one nothing puts there fails with `Runtime.InvalidEntrypoint`. What a build context holds
//! is not known here, and a built program is not in a source tree: a copy of the context
//! (`COPY . .`) places no program but one it names.

use super::arch;
use super::eval::{Base, Kept, LAMBDA_ENTRYPOINT, Stage, Write, chain, clean};
use super::expand::{Scope, Val};

/// The script every AWS Lambda base image starts runs this: the managed runtimes' own, on
/// `provided` whatever the Dockerfile puts there (`COPY bootstrap ${LAMBDA_RUNTIME_DIR}`).
const RUNTIME_BOOTSTRAP: &str = "/var/runtime/bootstrap";

/// Directories whose programs come with an operating system (`/bin/sh`, `/usr/bin/env`):
/// not the Dockerfile's to place. `/usr/local` is the site's own, empty on the AWS Lambda
/// base images but for the runtime interface emulator.
const SYSTEM: [&str; 6] = ["/bin/", "/sbin/", "/usr/", "/lib/", "/lib64/", "/etc/"];

/// Init wrappers (`tini --`, `dumb-init --`) no AWS Lambda base image ships in its system's
/// directories: an image starting one must install or copy it.
const INITS: [&str; 3] = ["tini", "tini-static", "dumb-init"];

/// Package managers whose install of a package by its name puts its program in the system's
/// `bin` directories.
const INSTALLERS: [&str; 7] = [
    "dnf ",
    "yum ",
    "microdnf ",
    "apt-get ",
    "apt ",
    "apk ",
    "zypper ",
];

/// The runtime interface emulator every AWS Lambda base image ships.
const EMULATOR: &str = "/usr/local/bin/aws-lambda-rie";

/// Directories an AWS Lambda base image has, besides the system's: the task root, the
/// runtime's directory and `/opt` (where layers would go).
const LAMBDA_DIRS: [&str; 6] = ["/", "/var", "/var/task", "/var/runtime", "/opt", "/tmp"];

/// The path the final image must hold a file at for `program` (the ImageConfig's, resolved)
/// to start, when only the Dockerfile can put it there: on an AWS Lambda base image anything
/// but the system's programs and the base's own runtime (its entrypoint script starts
/// `/var/runtime/bootstrap`, which `provided` leaves to the Dockerfile); on scratch anything;
/// on another image what the task root holds (Lambda's convention, which no image ships).
pub(super) fn required(program: &str, root: &Base) -> Option<String> {
    if !program.starts_with('/') || program.contains('$') {
        return None;
    }
    let system = SYSTEM.iter().any(|d| program.starts_with(d));
    let site = program.starts_with("/usr/local/") && program != EMULATOR;
    match root {
        Base::Image(image) => match arch::lambda_runtime(image) {
            Some(runtime) if program == LAMBDA_ENTRYPOINT => {
                (runtime == "provided").then(|| RUNTIME_BOOTSTRAP.to_owned())
            }
            Some(runtime) => {
                let own = runtime != "provided"
                    && (program.starts_with("/var/runtime/") || program.starts_with("/var/lang/"));
                let init = program
                    .rsplit('/')
                    .next()
                    .is_some_and(|n| INITS.contains(&n));
                ((!system || site || init) && !own).then(|| program.to_owned())
            }
            None => program
                .starts_with("/var/task/")
                .then(|| program.to_owned()),
        },
        Base::Scratch => Some(program.to_owned()),
        Base::Stage(_) | Base::Unresolved(_) => None,
    }
}

/// Whether the stages of `own` (a stage and those it is built FROM, that stage first) put
/// a file at `path`. `budget` bounds the stages followed through `--from` (a cycle fails the
/// build anyway).
pub(super) fn holds(stages: &[Stage], own: &[usize], path: &str, budget: &mut usize) -> bool {
    let Some((dir, name)) = path.rsplit_once('/') else {
        return false;
    };
    let dir = if dir.is_empty() { "/" } else { dir };
    let dirs = Dirs::of(stages, own);
    let workdir = own
        .first()
        .and_then(|&i| stages[i].workdirs.last().cloned())
        .or_else(|| lambda_base(stages, own).then(|| "/var/task".to_owned()));
    // A RUN writing it: naming the path, or the name where it runs (`go build -o bootstrap`
    // in the WORKDIR, `cp … ${LAMBDA_TASK_ROOT}/bootstrap`), or a relative path ending in its
    // directory's name (`bin/bootstrap`).
    let parent = dir.rsplit('/').next().unwrap_or_default();
    let dir_exists = dirs.is(dir) == Some(true);
    let run_writes = |run: &str| {
        names_path(run, path)
            || (workdir.as_deref() == Some(dir) && names_here(run, name))
            || copies_into(run, dir, name, workdir.as_deref(), dir_exists)
            || (!parent.is_empty() && names_path(run, &format!("{parent}/{name}")))
            // The directory as an output and the name as its file (`dotnet publish -o
            // /app/publish -p:AssemblyName=bootstrap`, `cd /var/task && go build -o bootstrap`),
            // named elsewhere than as the output's own last part (`go build -o /out/bootstrap`
            // writes the file /out/bootstrap, not a directory holding one).
            || (outputs_into(run, dir) && names_word(&run.replace(dir, " "), name))
            || tool_output(run, dir, name)
            // Package managers install programs under /usr/local by their name (`pip install
            // gunicorn`, `npm install -g pm2`), the system's into its `bin` directories
            // (`dnf install -y tini`, `apk add dumb-init`).
            || (dir.starts_with("/usr/local/") && names_here(run, name))
            || (SYSTEM.iter().any(|d| path.starts_with(d))
                && INSTALLERS.iter().any(|i| run.contains(i))
                && names_here(run, name))
    };
    // The last `rm` or `mv` that takes the file away (and whose script does not write it
    // back): only what comes after it can put it there. `own` runs last stage first.
    let cut = own
        .iter()
        .enumerate()
        .flat_map(|(at, &i)| stages[i].removals.iter().rev().map(move |r| (at, i, r)))
        .find(|(_, i, r)| {
            removes(&r.target, r.recursive, path)
                && r.select.selects(path, false)
                && !run_writes(&substituted(&r.after, &stages[*i].state))
        })
        .map(|(at, _, r)| (at, r.runs, r.writes));
    // The RUNs and COPY/ADDs of each stage that come after that cut.
    let after = |at: usize, runs: bool| match cut {
        Some((c, _, _)) if at > c => usize::MAX,
        Some((c, r, w)) if at == c => {
            if runs {
                r
            } else {
                w
            }
        }
        _ => 0,
    };
    // A link `ln` makes at the path is the program only if its target is one; the RUN making
    // it names the path without writing a program there.
    let links: Vec<&super::eval::Link> = own
        .iter()
        .flat_map(|&i| &stages[i].links)
        .filter(|l| {
            l.link == path
                && l.operand
                    .as_ref()
                    .is_none_or(|(operand, is_dir)| dirs.is(operand) != Some(!is_dir))
        })
        .collect();
    if !links.is_empty() && *budget > 0 {
        *budget -= 1;
        if links.iter().any(|l| holds(stages, own, &l.target, budget)) {
            return true;
        }
    }
    let ran = own.iter().enumerate().any(|(at, &i)| {
        stages[i]
            .runs
            .iter()
            .enumerate()
            .skip(after(at, true))
            // A heredoc's file names what it starts; writing it is the COPY's.
            .filter(|(k, _)| !stages[i].inline_files.contains(k))
            .map(|(k, r)| match stages[i].links.iter().any(|l| l.run == k) {
                true => substituted(&super::eval::without_links(r), &stages[i].state),
                false => substituted(r, &stages[i].state),
            })
            .any(|r| run_writes(&r))
    });
    if ran {
        return true;
    }
    own.iter()
        .enumerate()
        .flat_map(|(at, &i)| stages[i].writes.iter().skip(after(at, false)))
        .any(|w| lands(stages, w, &dirs, path, dir, name, budget))
}

/// Whether an `rm` or `mv` of `target` (a path or pattern; `recursive`: what is below it
/// too) takes away the file at `path`.
fn removes(target: &str, recursive: bool, path: &str) -> bool {
    let target: Vec<&str> = target.split('/').filter(|p| !p.is_empty()).collect();
    let path: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    target.len() <= path.len()
        && target.iter().zip(&path).all(|(t, p)| glob(t, p))
        && (recursive || target.len() == path.len())
}

/// Whether one COPY or ADD puts a file at `path` (in `dir`, named `name`).
fn lands(
    stages: &[Stage],
    w: &Write,
    dirs: &Dirs,
    path: &str,
    dir: &str,
    name: &str,
    budget: &mut usize,
) -> bool {
    // Where it lands is not known (a WORKDIR not known): it cannot be told, and this check
    // is about what the file names, not that.
    let Some(dest) = w.dest.as_deref() else {
        return true;
    };
    if w.parents {
        return lands_with_parents(stages, w, path, dest, budget);
    }
    // An unpacked archive's files land below the destination, a directory then.
    let is_dir = if w.into_dir || (!w.sources.is_empty() && w.sources.iter().all(|s| w.unpacks(s)))
    {
        Some(true)
    } else {
        dirs.is(dest)
    };
    // One file written at the destination itself.
    if dest == path && is_dir != Some(true) {
        return !w.sources.iter().all(|s| excluded(&w.exclude, last(s)));
    }
    // A source named like the program, copied into its directory.
    if dest == dir
        && is_dir != Some(false)
        && w.sources
            .iter()
            .any(|s| glob(last(s), name) && !excluded(&w.exclude, name))
    {
        return true;
    }
    // A directory's contents copied into the destination or above the program: the source
    // holds the program at the same relative path, unless `--exclude` leaves it out.
    let Some(rel) = below(dest, path) else {
        return false;
    };
    if excluded(&w.exclude, rel) {
        return false;
    }
    w.sources.iter().any(|s| match w.from.as_deref() {
        // The context's files are not known: only `cargo lambda build`'s output directory
        // is known to hold a bootstrap, and an archive ADD unpacks may hold anything.
        None => {
            s == "*"
                || (name == "bootstrap" && rel == name && s.contains("target/lambda/"))
                || w.unpacks(s)
        }
        Some(from) => match stage_named(stages, from) {
            Some(k) if *budget > 0 => {
                *budget -= 1;
                let at = clean(&format!("{}/{rel}", s.trim_end_matches('/')));
                holds(stages, &chain(stages, k), &at, budget)
            }
            // Too many copies of copies to follow: what they hold is not told.
            Some(_) => true,
            // An image's files are not known here.
            None => true,
        },
    })
}

/// Whether a COPY or ADD of a stage of `own` (a stage and those it is built FROM) puts a
/// file at a path: the directories of `own` worked out once for every question.
pub(super) fn lands_on<'a>(
    stages: &'a [Stage],
    own: &[usize],
) -> impl Fn(&Write, &str) -> bool + 'a {
    let dirs = Dirs::of(stages, own);
    move |w, path| {
        let Some((dir, name)) = path.rsplit_once('/') else {
            return false;
        };
        let dir = if dir.is_empty() { "/" } else { dir };
        let mut budget = 4 * stages.len();
        lands(stages, w, &dirs, path, dir, name, &mut budget)
    }
}

/// Whether `pattern` (an absolute path, its components shell patterns) names `path`.
pub(super) fn glob_path(pattern: &str, path: &str) -> bool {
    let pattern: Vec<&str> = pattern.split('/').filter(|p| !p.is_empty()).collect();
    let path: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    pattern.len() == path.len() && pattern.iter().zip(&path).all(|(p, n)| glob(p, n))
}

/// Whether `path` is below the directory `dir` (a pattern too).
pub(super) fn is_below(dir: &str, path: &str) -> bool {
    let dir: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    let path: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    dir.len() < path.len() && dir.iter().zip(&path).all(|(p, n)| glob(p, n))
}

/// Whether a `COPY --parents` puts a file at `path`: a source whose kept path
/// ([`super::eval::kept_path`]) is the file's place below the destination, or a directory
/// above it (a stage's, which must hold the file; the context's files are not known).
fn lands_with_parents(
    stages: &[Stage],
    w: &Write,
    path: &str,
    dest: &str,
    budget: &mut usize,
) -> bool {
    let Some(rel) = below(dest, path) else {
        return false;
    };
    if excluded(&w.exclude, rel) {
        return false;
    }
    w.sources.iter().any(|s| {
        let kept = super::eval::kept_path(s);
        if s == "*" || glob(kept, rel) {
            return true;
        }
        let Some(inside) = rel.strip_prefix(kept).and_then(|r| r.strip_prefix('/')) else {
            return false;
        };
        match w.from.as_deref().map(|f| stage_named(stages, f)) {
            Some(Some(k)) if *budget > 0 => {
                *budget -= 1;
                let at = clean(&format!("/{}/{inside}", s.trim_end_matches('/')));
                holds(stages, &chain(stages, k), &at, budget)
            }
            Some(_) => true,
            None => false,
        }
    })
}

/// Whether `--exclude` patterns leave out the file at `rel` (relative to what a source
/// copies), read as BuildKit reads them (`.dockerignore` patterns): a pattern matches the
/// path from its start, component by component, and a directory it matches takes what is
/// below it along; `**` matches any number of components; the last pattern that matches
/// decides, so a later `!pattern` takes a file back in.
fn excluded(patterns: &[String], rel: &str) -> bool {
    fn matches(p: &[&str], r: &[&str]) -> bool {
        match (p.first(), r.first()) {
            (None, _) => true,
            (Some(&"**"), _) => matches(&p[1..], r) || (!r.is_empty() && matches(p, &r[1..])),
            (Some(pat), Some(part)) => glob(pat, part) && matches(&p[1..], &r[1..]),
            (Some(_), None) => false,
        }
    }
    let rel: Vec<&str> = rel.split('/').filter(|p| !p.is_empty()).collect();
    patterns
        .iter()
        .rev()
        .find_map(|pattern| {
            let (keep, pattern) = match pattern.strip_prefix('!') {
                Some(rest) => (true, rest),
                None => (false, pattern.as_str()),
            };
            let p: Vec<&str> = pattern
                .split('/')
                .filter(|p| !p.is_empty() && *p != ".")
                .collect();
            (!p.is_empty() && matches(&p, &rel)).then_some(!keep)
        })
        .unwrap_or(false)
}

/// The files heredocs wrote ([`Kept::File`]) and build secrets were left in
/// ([`Kept::Secret`]) in stages the final image's chain copies from (a `COPY --from=<stage>`
/// of the file or a directory above it, by pattern too): they are in the image's layers as
/// much as its own. Each with the stage it came from.
pub(super) fn copied_files<'a>(stages: &'a [Stage], chain: &[usize]) -> Vec<(&'a Kept, usize)> {
    let mut found = Vec::new();
    for &i in chain {
        for write in &stages[i].writes {
            let Some(j) = write.from.as_deref().and_then(|f| stage_named(stages, f)) else {
                continue;
            };
            for kept in &stages[j].config.kept {
                if let Kept::File(path, _) | Kept::Secret(path, _) = kept
                    && write.sources.iter().any(|s| takes(s, path))
                {
                    found.push((kept, j));
                }
            }
        }
    }
    found
}

/// Directory names under which a system, its package managers and installers put programs
/// and the libraries they load (`/usr/bin`, `/usr/lib`, `/opt/<tool>/bin`, `~/.bun/bin`)
/// — in the system's, `/opt`'s and the users' trees ([`INSTALL_ROOTS`]); a project's own
/// `target/lib` of jars is a build's output.
const PROGRAM_DIRS: [&str; 5] = ["bin", "sbin", "lib", "lib64", "libexec"];

/// Where a system, its package managers and installers put programs.
const INSTALL_ROOTS: [&str; 8] = [
    "/usr/", "/bin/", "/sbin/", "/lib/", "/lib64/", "/opt/", "/root/", "/home/",
];

/// Directory names language package managers fill with packages and their native add-ons,
/// wherever they stand, and a user's `~/.local` (`pip install --user`).
const PACKAGE_DIRS: [&str; 5] = [
    ".local",
    "node_modules",
    "site-packages",
    "dist-packages",
    ".venv",
];

/// The first file or directory a stage of `chain` (the final image's) copies out of stage
/// `i` that holds the programs, libraries or packages of the platform `i` runs on rather
/// than a build it made: anything in an installed program or library directory
/// ([`PROGRAM_DIRS`]) or a system directory above them (`/usr`, `/`), in a package directory
/// ([`PACKAGE_DIRS`]) or a package tree one of its RUNs filled, or
/// a directory holding one (`/app` with its `node_modules`), or, from a stage that runs
/// nothing, any file no COPY put there (its base image's: `FROM --platform=$BUILDPLATFORM
/// <tool's image>`); a program or library directory's file a RUN of the stage names is a
/// build's output it wrote there. Data (a CA bundle, time zones) runs nowhere.
pub(super) fn machine_files(stages: &[Stage], chain: &[usize], i: usize) -> Option<String> {
    let own = super::eval::chain(stages, i);
    let trees: Vec<&String> = own.iter().flat_map(|&k| &stages[k].package_trees).collect();
    let written = |path: &str| {
        own.iter()
            .any(|&k| stages[k].runs.iter().any(|r| names_path(r, path)))
    };
    // A stage that runs nothing holds its base image's files and what it copies: a file no
    // COPY put there is the base image's, pulled for the platform the stage runs on.
    let runs_nothing = own.iter().all(|&k| stages[k].runs.is_empty());
    let copied_in = |path: &str| {
        own.iter()
            .flat_map(|&k| &stages[k].writes)
            .filter_map(|w| w.dest.as_deref())
            .any(|d| takes(d, path) || below(path, d).is_some())
    };
    chain
        .iter()
        .flat_map(|&k| &stages[k].writes)
        .filter(|w| w.from.as_deref().and_then(|f| stage_named(stages, f)) == Some(i))
        .flat_map(|w| &w.sources)
        .map(|s| clean(&format!("/{s}")))
        .find(|path| {
            let installed = INSTALL_ROOTS
                .iter()
                .any(|r| format!("{path}/").starts_with(r))
                && path.split('/').any(|part| PROGRAM_DIRS.contains(&part));
            let located = installed || matches!(path.as_str(), "/" | "/usr" | "/usr/local");
            let packages = path.split('/').any(|part| PACKAGE_DIRS.contains(&part))
                || trees
                    .iter()
                    .any(|t| takes(path, t) || below(t, path).is_some());
            let from_base = runs_nothing && !copied_in(path);
            arch::holds(path) == arch::Holds::Anything
                && ((located && !written(path)) || packages || from_base)
        })
}

/// Whether a `COPY --from` source (a relative one from the stage's root) takes the file at
/// `path`: the file itself, or a directory above it.
fn takes(source: &str, path: &str) -> bool {
    let source = clean(&format!("/{source}"));
    let mut path = path.split('/').filter(|p| !p.is_empty());
    source
        .split('/')
        .filter(|s| !s.is_empty())
        .all(|s| path.next().is_some_and(|p| glob(s, p)))
}

/// The stage a `--from` names: by name, or by index.
fn stage_named(stages: &[Stage], from: &str) -> Option<usize> {
    match from.parse::<usize>() {
        Ok(i) => (i < stages.len()).then_some(i),
        Err(_) => stages.iter().rposition(|s| s.name.as_deref() == Some(from)),
    }
}

/// `path` relative to the directory `dest`, if it is below it.
fn below<'a>(dest: &str, path: &'a str) -> Option<&'a str> {
    if dest == "/" {
        return path.strip_prefix('/');
    }
    path.strip_prefix(dest)?.strip_prefix('/')
}

/// A path's last component (a URL's without its query).
fn last(source: &str) -> &str {
    let source = source.split(['?', '#']).next().unwrap_or(source);
    source
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or(source)
}

/// Whether a shell-style pattern (`*`, `?`) matches `name`; `*` alone is a source that could
/// not be expanded, which may be anything.
/// Whether a shell pattern (`*`, `?`) matches a name (as `find -name` matches too).
pub(super) fn glob(pattern: &str, name: &str) -> bool {
    fn go(p: &[u8], n: &[u8]) -> bool {
        match (p.first(), n.first()) {
            (None, None) => true,
            (Some(b'*'), _) => go(&p[1..], n) || (!n.is_empty() && go(p, &n[1..])),
            (Some(b'?'), Some(_)) => go(&p[1..], &n[1..]),
            (Some(a), Some(b)) if a == b => go(&p[1..], &n[1..]),
            _ => false,
        }
    }
    go(pattern.as_bytes(), name.as_bytes())
}

/// Whether `text` names `path` as a whole word of a path: not as part of a longer name or
/// path (`release/bootstrap` does not name `/bootstrap`).
fn names_path(text: &str, path: &str) -> bool {
    let part = |c: char| c.is_ascii_alphanumeric() || "._-/".contains(c);
    text.match_indices(path).any(|(at, _)| {
        text[..at].chars().next_back().is_none_or(|c| !part(c))
            && text[at + path.len()..]
                .chars()
                .next()
                .is_none_or(|c| !part(c) || c == '/')
    })
}

/// A script with the stage's known variables in place of `$NAME` and `${NAME}` (what its
/// shell sees of the ARGs and ENVs; the rest stays as written).
fn substituted(script: &str, state: &Scope) -> String {
    let mut out = String::with_capacity(script.len());
    let mut rest = script;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let (braced, inner) = match after.strip_prefix('{') {
            Some(inner) => (true, inner),
            None => (false, after),
        };
        let end = inner
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(inner.len());
        let closed = !braced || inner[end..].starts_with('}');
        match state.get(&inner[..end]) {
            Some(Val::Known(value)) if end > 0 && closed => {
                out.push_str(value);
                rest = &inner[end + usize::from(braced)..];
            }
            _ => {
                out.push('$');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Where build tools put what they build without being told: `cargo lambda build` each
/// binary as `target/lambda/<name>/bootstrap`, `cargo build --bin <name>` as
/// `target/[<triple>/]release/<name>` (or `debug`), `go install …/<name>` in a `bin`
/// directory (`$GOBIN`, `$GOPATH/bin`).
fn tool_output(run: &str, dir: &str, name: &str) -> bool {
    let cargo_lambda = name == "bootstrap"
        && dir.contains("/target/lambda/")
        && (run.contains("cargo lambda build") || run.contains("cargo-lambda build"));
    let cargo = (dir.ends_with("/release") || dir.ends_with("/debug"))
        && dir.contains("target/")
        && run.contains("cargo ")
        && names_word(run, name);
    let go_install = dir.ends_with("/bin") && run.contains("go install") && names_word(run, name);
    cargo_lambda || cargo || go_install
}

/// Whether `text` names `name` as a path relative to where it runs (`-o bootstrap`,
/// `./bootstrap`), not as the last part of another directory's path.
fn names_here(text: &str, name: &str) -> bool {
    let part = |c: char| c.is_ascii_alphanumeric() || "._-/".contains(c);
    text.match_indices(name).any(|(at, _)| {
        let before = &text[..at];
        let before = before.strip_suffix("./").unwrap_or(before);
        before.chars().next_back().is_none_or(|c| !part(c))
            && text[at + name.len()..]
                .chars()
                .next()
                .is_none_or(|c| !part(c))
    })
}

/// Whether a `cp`, `mv` or `install` of the script puts a file named `name` into `dir`
/// (`cp target/release/bootstrap .` in that WORKDIR, `install -m755 out/bootstrap /var/task/`):
/// a target without a trailing `/` is that directory only when it exists (`cp a /out/x`
/// otherwise writes the file `/out/x`).
fn copies_into(run: &str, dir: &str, name: &str, workdir: Option<&str>, exists: bool) -> bool {
    run.split(['\n', ';', '&', '|']).any(|command| {
        let all: Vec<&str> = command
            .split_whitespace()
            .map(|w| w.trim_matches(['"', '\'']))
            .collect();
        // `-t DIR` (`--target-directory=DIR`) names the directory, every operand a source.
        let target_dir = all.iter().enumerate().find_map(|(k, w)| match *w {
            "-t" | "--target-directory" => all.get(k + 1).copied(),
            w => w.strip_prefix("--target-directory="),
        });
        if let Some(target) = target_dir {
            let program = all.first().copied().unwrap_or_default();
            return matches!(program, "cp" | "mv" | "install")
                && target.trim_end_matches('/') == dir
                && all.iter().skip(1).any(|s| {
                    !s.starts_with('-') && *s != target && s.rsplit('/').next() == Some(name)
                });
        }
        let words: Vec<&str> = all.into_iter().filter(|w| !w.starts_with('-')).collect();
        let [program, sources @ .., target] = words.as_slice() else {
            return false;
        };
        let slash = target.ends_with('/');
        let target = target.trim_end_matches('/');
        let into = (target == dir && (slash || exists))
            || (matches!(target, "." | "") && workdir == Some(dir));
        matches!(*program, "cp" | "mv" | "install")
            && into
            && sources.iter().any(|s| s.rsplit('/').next() == Some(name))
    })
}

/// Options that name the directory a command writes its output to, and `cd`.
const OUTPUT_DIR: [&str; 7] = [
    "-o",
    "--output",
    "--out-dir",
    "--outdir",
    "-d",
    "--prefix",
    "cd",
];

/// Whether a script writes into `dir` by an output option or a `cd` (`dotnet publish -o
/// /app/publish`, `cd /var/task && …`): not a mere mention (`cp x /out/artifact`).
fn outputs_into(run: &str, dir: &str) -> bool {
    let words: Vec<&str> = run
        .split_whitespace()
        .map(|w| w.trim_matches(['"', '\'', ';']).trim_end_matches('/'))
        .collect();
    words
        .windows(2)
        .any(|pair| pair[1] == dir && OUTPUT_DIR.contains(&pair[0]))
        || words.iter().any(|w| {
            w.split_once('=')
                .is_some_and(|(flag, value)| value == dir && OUTPUT_DIR.contains(&flag))
        })
}

/// Whether `text` names `name` as a word or a path's last part (`-o bootstrap`,
/// `AssemblyName=bootstrap`, `./cmd/bootstrap@latest`).
fn names_word(text: &str, name: &str) -> bool {
    let part = |c: char| c.is_ascii_alphanumeric() || "._-".contains(c);
    text.match_indices(name).any(|(at, _)| {
        text[..at].chars().next_back().is_none_or(|c| !part(c))
            && text[at + name.len()..]
                .chars()
                .next()
                .is_none_or(|c| !part(c))
    })
}

/// Whether the stages are built on an AWS Lambda base image (its WORKDIR is the task root).
fn lambda_base(stages: &[Stage], own: &[usize]) -> bool {
    own.last().is_some_and(
        |&r| matches!(&stages[r].base, Base::Image(image) if arch::lambda_runtime(image).is_some()),
    )
}

/// The directories a stage has: its base image's, each WORKDIR's, each one a RUN makes
/// (`mkdir -p`), each directory a COPY wrote into and each parent of a destination.
struct Dirs {
    known: Vec<String>,
    /// The base image's directories cannot be listed: a path not known as one may be one.
    open: bool,
}

impl Dirs {
    fn of(stages: &[Stage], own: &[usize]) -> Self {
        let root = own.last().map(|&r| &stages[r].base);
        let mut known: Vec<String> = match root {
            Some(Base::Scratch) => vec!["/".to_owned()],
            _ if lambda_base(stages, own) => LAMBDA_DIRS.map(str::to_owned).to_vec(),
            _ => Vec::new(),
        };
        let open = !matches!(root, Some(Base::Scratch)) && !lambda_base(stages, own);
        for &i in own {
            known.extend(stages[i].workdirs.iter().cloned());
            known.extend(stages[i].made_dirs.iter().cloned());
            for w in &stages[i].writes {
                if let Some(dest) = &w.dest {
                    if w.into_dir {
                        known.push(dest.clone());
                    }
                    let mut at = dest.as_str();
                    while let Some((parent, _)) = at.rsplit_once('/') {
                        known.push(if parent.is_empty() { "/" } else { parent }.to_owned());
                        at = parent;
                    }
                }
            }
        }
        // A WORKDIR's parents exist too.
        let parents: Vec<String> = known
            .iter()
            .flat_map(|d| {
                let mut out = Vec::new();
                let mut at = d.as_str();
                while let Some((parent, _)) = at.rsplit_once('/') {
                    out.push(if parent.is_empty() { "/" } else { parent }.to_owned());
                    at = parent;
                }
                out
            })
            .collect();
        known.extend(parents);
        Self { known, open }
    }

    /// `Some(true)` a directory, `Some(false)` not one, `None` not known.
    fn is(&self, path: &str) -> Option<bool> {
        if self.known.iter().any(|d| d == path) {
            Some(true)
        } else if self.open {
            None
        } else {
            Some(false)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_is_named_only_as_a_whole() {
        assert!(names_path("cp a /bootstrap", "/bootstrap"));
        assert!(!names_path("cp release/bootstrap x", "/bootstrap"));
        assert!(!names_path("cp /bootstrap2 x", "/bootstrap"));
        assert!(names_path(
            "go build -o=/out/bootstrap/ .",
            "/out/bootstrap"
        ));
    }

    #[test]
    fn an_output_directory_is_one_a_command_writes_into() {
        assert!(outputs_into(
            "dotnet publish -o /app/publish -p:X=1",
            "/app/publish"
        ));
        assert!(outputs_into("cd \"/var/task/\" && go build", "/var/task"));
        assert!(outputs_into("zig build --prefix=/out", "/out"));
        assert!(!outputs_into(
            "cp /out/server /out/artifact",
            "/out/artifact"
        ));
    }

    #[test]
    fn a_name_here_is_relative_to_where_the_command_runs() {
        assert!(names_here("go build -o bootstrap .", "bootstrap"));
        assert!(names_here("mv app ./bootstrap", "bootstrap"));
        assert!(!names_here("go build -o /opt/app/bootstrap", "bootstrap"));
    }

    #[test]
    fn a_copy_into_the_directory_puts_the_file_there() {
        let wd = Some("/var/task");
        let into = |run: &str, exists: bool| copies_into(run, "/var/task", "bootstrap", wd, exists);
        assert!(into("cargo build && cp target/release/bootstrap .", false));
        assert!(into("install -m 755 out/bootstrap /var/task/", false));
        assert!(into("cp out/bootstrap /var/task", true));
        assert!(!into("cp out/bootstrap /var/task", false));
        assert!(!into("cp target/release/bootstrap /opt/", true));
        assert!(!into("cp target/release/server .", true));
    }

    #[test]
    fn build_tools_put_their_output_where_they_document() {
        let run = "cargo build --release --bin bootstrap --target $t";
        assert!(tool_output(
            run,
            "/app/target/aarch64-unknown-linux-gnu/release",
            "bootstrap"
        ));
        assert!(!tool_output(run, "/app/target/release", "gateway"));
        assert!(!tool_output(run, "/app/dist", "bootstrap"));
        let run = "cargo lambda build --release --arm64";
        assert!(tool_output(run, "/src/target/lambda/chatrix", "bootstrap"));
        assert!(tool_output(
            "go install ./cmd/bootstrap",
            "/go/bin",
            "bootstrap"
        ));
        assert!(!tool_output(
            "go install ./cmd/server",
            "/go/bin",
            "bootstrap"
        ));
    }

    #[test]
    fn a_copy_takes_a_file_or_a_directory_above_it() {
        assert!(takes("/out/.npmrc", "/out/.npmrc"));
        assert!(takes("out/", "/out/.npmrc"));
        assert!(takes("/", "/out/.npmrc"));
        assert!(takes("/out/*", "/out/.npmrc"));
        assert!(takes("/./out//", "/out/.npmrc"));
        assert!(!takes("/out/done", "/out/.npmrc"));
        assert!(!takes("/out/.npmrc/x", "/out/.npmrc"));
        assert!(!takes("/o", "/out/.npmrc"));
    }

    #[test]
    fn globs_match_names() {
        assert!(glob("boot*", "bootstrap"));
        assert!(glob("b??tstrap", "bootstrap"));
        assert!(!glob("main", "bootstrap"));
        assert!(glob("*", "bootstrap"));
    }
}
