//! Whether Lambda's user may read and run what the image holds. Lambda runs an image's
//! program as a default Linux user with least privileges, not root and not the files' owner,
//! so what it reads needs read permission for others, the program it starts execute
//! permission, and every directory above them search permission: `COPY --chmod=700`,
//! `RUN chmod 0700 …` or `chmod a-x` leave a file only its owner (root) can use, and the
//! function fails to start (`Runtime.InvalidEntrypoint`, permission denied) or to load it.

use super::eval::{Stage, clean};
use super::files;

/// The bits of a mode that apply to others.
const READ: u32 = 0o4;
const EXECUTE: u32 = 0o1;

/// A `chmod` a RUN runs: after how many COPY/ADDs of its stage, on what (absolute and clean;
/// a pattern when the shell would glob it), recursively or not, and the mode as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Chmod {
    pub writes: usize,
    pub target: String,
    pub recursive: bool,
    pub mode: String,
    /// What a `find` running it selects below the target; everything for `chmod -R`.
    pub select: Selection,
}

impl Chmod {
    /// Whether it changes the file or directory (`dir`) at `path`.
    pub fn changes(&self, path: &str, dir: bool) -> bool {
        let at = files::glob_path(&self.target, path)
            || (self.recursive && files::is_below(&self.target, path));
        at && self.select.selects(path, dir)
    }
}

/// What `find` selects of what it walks (each root and all below it): of a kind (`-type f`,
/// `-type d`) and by name (`-name`, `-iname`; `!` or `-not` before it negates).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Selection {
    pub only: Option<char>,
    /// The name pattern, whether it is negated, whether case is ignored.
    pub name: Option<(String, bool, bool)>,
}

impl Selection {
    pub fn selects(&self, path: &str, dir: bool) -> bool {
        let kind = match self.only {
            Some('f') => !dir,
            Some('d') => dir,
            _ => true,
        };
        let base = path.rsplit('/').next().unwrap_or_default();
        let named = self.name.as_ref().is_none_or(|(pattern, negated, fold)| {
            let hit = if *fold {
                files::glob(&pattern.to_ascii_lowercase(), &base.to_ascii_lowercase())
            } else {
                files::glob(pattern, base)
            };
            hit != *negated
        });
        kind && named
    }
}

/// A `find` command read: its roots, what it selects, and its actions (`-exec …`,
/// `-delete`); `None` for tests this reading does not follow (`-o`, `-path`, `-newer`, …),
/// whose selection is not known.
pub(super) fn find(args: &[String]) -> Option<(Vec<&String>, Selection, &[String])> {
    let roots: Vec<&String> = args
        .iter()
        .take_while(|a| !a.starts_with(['-', '(', '!']))
        .collect();
    let mut select = Selection::default();
    let mut negate = false;
    let mut at = roots.len();
    while let Some(arg) = args.get(at) {
        match arg.as_str() {
            "!" | "-not" => negate = !negate,
            "-type" => {
                select.only = args.get(at + 1).and_then(|t| t.chars().next());
                at += 1;
            }
            "-name" | "-iname" => {
                let pattern = args.get(at + 1)?.clone();
                select.name = Some((pattern, std::mem::take(&mut negate), arg == "-iname"));
                at += 1;
            }
            "-maxdepth" | "-mindepth" => at += 1,
            "-xdev" | "-mount" | "-depth" | "-print" | "-print0" => {}
            "-exec" | "-execdir" | "-delete" | "-ok" => break,
            _ => return None,
        }
        at += 1;
    }
    Some((roots, select, &args[at..]))
}

/// Others' permission bits after `mode` (octal, or `chmod`'s symbolic clauses such as
/// `u=rwx,go=rx`, `a-x`, `+x`) is applied to a file whose others' bits were `before`;
/// `None` for a mode that is neither.
pub(super) fn others_after(mode: &str, before: u32) -> Option<u32> {
    if !mode.is_empty() && mode.len() <= 4 && mode.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
        return u32::from_str_radix(mode, 8).ok().map(|m| m & 0o7);
    }
    let mut others = before;
    for clause in mode.split(',') {
        let who_end = clause
            .find(['+', '-', '='])
            .filter(|&at| clause[..at].bytes().all(|b| b"ugoa".contains(&b)))?;
        let who = &clause[..who_end];
        let applies = who.is_empty() || who.contains(['o', 'a']);
        let mut rest = &clause[who_end..];
        while let Some(op) = rest.chars().next() {
            let end = rest[1..]
                .find(['+', '-', '='])
                .map_or(rest.len(), |e| e + 1);
            let perms = &rest[1..end];
            if !perms.bytes().all(|b| b"rwxXstugo".contains(&b)) {
                return None;
            }
            let bits = perms.bytes().fold(0, |acc, b| {
                acc | match b {
                    b'r' => READ,
                    b'w' => 0o2,
                    b'x' | b'X' => EXECUTE,
                    _ => 0,
                }
            });
            if applies {
                others = match op {
                    '+' => others | bits,
                    '-' => others & !bits,
                    _ => bits,
                };
            }
            rest = &rest[end..];
        }
    }
    Some(others)
}

/// A changed mode: its target, whether recursively, the mode and what of the target it
/// changes (`find`'s selection).
pub(super) type Change = (String, bool, String, Selection);

/// What a shell script's `chmod`s change: each target (absolute and clean; relative ones in
/// the directory the command runs in, skipped when that is not known), whether
/// recursively, and the mode; a `find <dir> … -exec chmod <mode> {} +` changes what it
/// selects of `<dir>` and all below it, `install` gives what it installs its `-m` mode
/// (0755 without), and after a `umask` what a command creates (`cp`'s copy, `curl -o`,
/// `go build -o`) lacks the bits it clears. `commands` are each command with its directory.
pub(super) fn chmods(commands: &[(usize, Vec<String>, Option<String>)]) -> Vec<Change> {
    let mut out = Vec::new();
    // A `umask` set earlier in the script.
    let mut umask: Option<u32> = None;
    for (_, argv, here) in commands {
        let at = |target: &str| match here {
            _ if target.starts_with('/') => Some(clean(target)),
            Some(wd) => Some(clean(&format!("{wd}/{target}"))),
            None => None,
        };
        let Some((program, args)) = argv.split_first() else {
            continue;
        };
        if program.rsplit('/').next() == Some("find") {
            let Some((roots, select, actions)) = find(args) else {
                continue;
            };
            let mode = actions
                .windows(3)
                .find(|w| {
                    matches!(w[0].as_str(), "-exec" | "-execdir")
                        && w[1].rsplit('/').next() == Some("chmod")
                })
                .map(|w| w[2].clone());
            if let Some(mode) = mode {
                for root in roots.iter().filter_map(|r| at(r)) {
                    out.push((root, true, mode.clone(), select.clone()));
                }
            }
            continue;
        }
        match program.rsplit('/').next() {
            Some("chmod") => {}
            Some("umask") => {
                umask = args.first().and_then(|m| u32::from_str_radix(m, 8).ok());
                continue;
            }
            Some("install") => {
                out.extend(installed(args, &at));
                continue;
            }
            Some(name) => {
                // What the command creates takes the bits a umask clears from others.
                if let Some(others) = umask.map(|m| m & 0o7).filter(|o| *o != 0) {
                    let cleared: String = [(READ, 'r'), (0o2, 'w'), (EXECUTE, 'x')]
                        .iter()
                        .filter(|(bit, _)| others & bit != 0)
                        .map(|(_, c)| *c)
                        .collect();
                    for path in created(name, args).iter().filter_map(|p| at(p)) {
                        out.push((path, false, format!("o-{cleared}"), Selection::default()));
                    }
                }
                continue;
            }
            None => continue,
        }
        let mut mode: Option<&str> = None;
        let mut recursive = false;
        let mut targets = Vec::new();
        for arg in args {
            let symbolic = arg.len() > 1
                && arg.starts_with(['-', '+', '='])
                && arg[1..].bytes().all(|b| b"rwxXst".contains(&b));
            if mode.is_none() && symbolic {
                mode = Some(arg);
            } else if arg.starts_with("--reference") {
                // The mode of another file: not known here.
                mode = None;
                targets.clear();
                break;
            } else if arg.starts_with('-') {
                recursive |= arg == "--recursive" || (!arg.starts_with("--") && arg.contains('R'));
            } else if mode.is_none() {
                mode = Some(arg);
            } else {
                targets.push(arg.as_str());
            }
        }
        let Some(mode) = mode else { continue };
        for path in targets.into_iter().filter_map(&at) {
            out.push((path, recursive, mode.to_owned(), Selection::default()));
        }
    }
    out
}

/// The directories above `path`, nearest first (`/var/task`, `/var`, `/` for
/// `/var/task/bootstrap`).
fn ancestors(path: &str) -> impl Iterator<Item = &str> {
    let mut at = path;
    std::iter::from_fn(move || {
        let (parent, _) = at.rsplit_once('/')?;
        at = parent;
        Some(if parent.is_empty() { "/" } else { parent })
    })
}

/// Others' permission bits of the file at `path` as the final image leaves it, and what
/// gave them: the last COPY/ADD putting it there (`--chmod`, or an ADD of a URL, which
/// BuildKit writes with mode 600), then each later `chmod` of it or, recursively, of a
/// directory above it; `None` as its source has it (not known here: taken as usable). Also
/// the last `chmod` of a directory above it that takes others' search permission.
/// `chain` runs final stage first.
fn others_of(
    stages: &[Stage],
    chain: &[usize],
    path: &str,
) -> (Option<(u32, String)>, Option<String>) {
    let mut others: Option<(u32, String)> = None;
    let mut blocked: Option<String> = None;
    let lands = files::lands_on(stages, chain);
    for &i in chain.iter().rev() {
        let stage = &stages[i];
        for k in 0..=stage.writes.len() {
            for c in stage.chmods.iter().filter(|c| c.writes == k) {
                if c.changes(path, false) {
                    let before = others.as_ref().map_or(READ | EXECUTE, |(bits, _)| *bits);
                    if let Some(bits) = others_after(&c.mode, before) {
                        others = Some((bits, format!("`chmod {} {}`", c.mode, c.target)));
                    }
                }
                if ancestors(path).any(|d| c.changes(d, true))
                    && let Some(bits) = others_after(&c.mode, READ | EXECUTE)
                {
                    blocked =
                        (bits & EXECUTE == 0).then(|| format!("`chmod {} {}`", c.mode, c.target));
                }
            }
            let Some(w) = stage.writes.get(k) else { break };
            if lands(w, path) {
                others = match w.chmod.as_deref() {
                    // A symbolic mode changes the file's own: a heredoc's 644, or what the
                    // source had, taken at its most open.
                    Some(m) => {
                        let before = if w.inline { READ } else { READ | EXECUTE };
                        others_after(m, before).map(|bits| (bits, format!("`--chmod={m}`")))
                    }
                    // A heredoc is written with mode 644: readable, not executable.
                    None if w.inline => Some((
                        READ,
                        format!(
                            "`{} <<{}` (a heredoc BuildKit writes with mode 644)",
                            if w.add { "ADD" } else { "COPY" },
                            w.sources.join(" <<")
                        ),
                    )),
                    None => w
                        .sources
                        .iter()
                        .find(|s| w.downloads(s) && !w.unpacks(s))
                        .map(|s| {
                            (
                                0,
                                format!("`ADD {s}` (a download BuildKit writes with mode 600)"),
                            )
                        }),
                };
            }
        }
    }
    (others, blocked)
}

/// Why Lambda's user cannot run the program at `path`, if it cannot: the last COPY/ADD
/// putting it there gave it a mode without execute for others (`--chmod=700`, a download's
/// 600), or a later `chmod` of it (or, recursively, of a directory above it) took that away,
/// or a `chmod` of a directory above it took away others' search permission.
pub(super) fn denied(stages: &[Stage], chain: &[usize], path: &str) -> Option<String> {
    let (others, blocked) = others_of(stages, chain, path);
    if let Some(how) = blocked {
        return Some(format!(
            "{how} takes the search permission of a directory above {path} from other users"
        ));
    }
    match others {
        Some((bits, how)) if bits & EXECUTE == 0 => Some(format!(
            "{how} leaves {path} without execute permission for other users"
        )),
        _ => None,
    }
}

/// The first file a COPY/ADD of the final image's chain puts at a path it names, which the
/// function evidently reads (`used`: its working directory's files, a path its environment
/// names), that the image keeps with no read or execute permission for others: a
/// download's mode 600, or a later `chmod` (`chmod 640 app.py`) — what the function's user
/// can neither read nor run; under `/tmp`, which Lambda mounts its own storage over, nothing
/// reaches the function anyway. Paths `reported` says are judged already ([`denied`]'s
/// program, what a closed working directory holds) are left out.
pub(super) fn unusable(
    stages: &[Stage],
    chain: &[usize],
    used: impl Fn(&str) -> bool,
    reported: impl Fn(&str) -> bool,
) -> Option<(String, String)> {
    // Most images download nothing and change no mode: nothing to judge.
    let downloads = chain
        .iter()
        .flat_map(|&i| &stages[i].writes)
        .any(|w| w.sources.iter().any(|s| w.downloads(s)));
    if !downloads && chain.iter().all(|&i| stages[i].chmods.is_empty()) {
        return None;
    }
    let lands = files::lands_on(stages, chain);
    for &i in chain.iter().rev() {
        // A `--chmod` others cannot read is [`unreadable`]'s.
        let judged = |m: &str| others_after(m, READ | EXECUTE).is_some_and(|b| b & READ == 0);
        for w in stages[i]
            .writes
            .iter()
            .filter(|w| !w.chmod.as_deref().is_some_and(judged))
        {
            let Some(dest) = w.dest.as_deref() else {
                continue;
            };
            let named = w.sources.iter().filter_map(|s| {
                let s = s.split(['?', '#']).next().unwrap_or_default();
                let name = s.trim_end_matches('/').rsplit('/').next()?;
                (!name.is_empty() && !name.contains(['*', '?', '[']))
                    .then(|| clean(&format!("{dest}/{name}")))
            });
            let paths: Vec<String> = std::iter::once(dest.to_owned()).chain(named).collect();
            for path in paths
                .iter()
                .filter(|p| used(p) && !reported(p) && !files::is_below("/tmp", p))
            {
                if !lands(w, path) {
                    continue;
                }
                let (Some((bits, how)), _) = others_of(stages, chain, path) else {
                    continue;
                };
                let mut budget = 4 * stages.len();
                if bits & (READ | EXECUTE) == 0 && files::holds(stages, chain, path, &mut budget) {
                    return Some((path.clone(), how));
                }
            }
        }
    }
    None
}

/// What `install` puts where, with the mode it gives (`-m MODE`, 0755 without): its last
/// operand, or each source by name in a directory (`-t DIR`, several sources, a trailing
/// `/`); nothing for `install -d`, which makes directories.
fn installed(args: &[String], at: &impl Fn(&str) -> Option<String>) -> Vec<Change> {
    let mut mode = "0755".to_owned();
    let mut dir: Option<String> = None;
    let mut operands = Vec::new();
    let mut words = args.iter();
    while let Some(arg) = words.next() {
        if let Some(long) = arg.strip_prefix("--") {
            let (name, inline) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_owned())),
                None => (long, None),
            };
            let mut value = || inline.clone().or_else(|| words.next().cloned());
            match name {
                "mode" => mode = value().unwrap_or_default(),
                "target-directory" => dir = value(),
                "owner" | "group" | "suffix" => {
                    value();
                }
                "directory" => return Vec::new(),
                _ => {}
            }
            continue;
        }
        let Some(cluster) = arg.strip_prefix('-').filter(|c| !c.is_empty()) else {
            operands.push(arg.as_str());
            continue;
        };
        // Short options run together (`-Dm700`): one taking a value takes the rest of the
        // word, or the next word.
        for (k, c) in cluster.char_indices() {
            let rest = &cluster[k + c.len_utf8()..];
            let mut value = || {
                if rest.is_empty() {
                    words.next().cloned()
                } else {
                    Some(rest.to_owned())
                }
            };
            match c {
                'd' => return Vec::new(),
                'm' => mode = value().unwrap_or_default(),
                't' => dir = value(),
                'o' | 'g' | 'S' => {
                    value();
                }
                _ => continue,
            }
            break;
        }
    }
    let name = |s: &str| {
        s.trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_owned()
    };
    let targets: Vec<String> = match (dir.as_deref(), operands.split_last()) {
        (Some(d), _) => operands
            .iter()
            .map(|s| format!("{d}/{}", name(s)))
            .collect(),
        (None, Some((dest, sources))) if sources.len() > 1 || dest.ends_with('/') => sources
            .iter()
            .map(|s| format!("{dest}/{}", name(s)))
            .collect(),
        (None, Some((dest, [_]))) => vec![(*dest).to_owned()],
        _ => Vec::new(),
    };
    targets
        .iter()
        .filter_map(|t| at(t))
        .map(|t| (t, false, mode.clone(), Selection::default()))
        .collect()
}

/// The file a command creates by its own name: `cp`'s destination (the source's name in a
/// destination ending in `/`), `curl -o`/`--output`, `wget -O`, a compiler's `-o` (`go build`,
/// `gcc`, `cc`, `clang`).
fn created(program: &str, args: &[String]) -> Vec<String> {
    let option = |names: &[&str]| {
        args.iter().enumerate().find_map(|(k, a)| {
            names.iter().find_map(|n| match a.strip_prefix(n) {
                Some("") => args.get(k + 1).cloned(),
                Some(rest) => rest.strip_prefix('=').map(str::to_owned),
                None => None,
            })
        })
    };
    match program {
        "cp" => {
            let operands: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
            match operands.split_last() {
                Some((dest, [source])) if dest.ends_with('/') => {
                    let name = source.rsplit('/').next().unwrap_or_default();
                    vec![format!("{dest}{name}")]
                }
                Some((dest, [_])) => vec![(*dest).clone()],
                _ => Vec::new(),
            }
        }
        "curl" => option(&["--output", "-o"]).into_iter().collect(),
        "wget" => option(&["-O", "--output-document"]).into_iter().collect(),
        "go" | "gcc" | "cc" | "clang" => option(&["-o"]).into_iter().collect(),
        _ => Vec::new(),
    }
}

/// Why Lambda's user cannot read the function's code in the working directory `wd` (where
/// the ImageConfig runs it, the task root), if it cannot: the last `chmod` of it or a
/// directory above it leaves others no search permission, or a recursive one (`-R`, `find
/// … -exec chmod`) no read permission on what it holds.
pub(super) fn closed(stages: &[Stage], chain: &[usize], wd: &str) -> Option<String> {
    let mut closed = None;
    for &i in chain.iter().rev() {
        for c in &stages[i].chmods {
            // The directory itself or one above it, and, recursively, every file below it
            // (what it selects by name is judged file by file, not here).
            let dirs = std::iter::once(wd)
                .chain(ancestors(wd))
                .any(|d| c.changes(d, true));
            let files = c.recursive
                && c.select.only != Some('d')
                && c.select.name.is_none()
                && (files::glob_path(&c.target, wd) || files::is_below(&c.target, wd));
            if !(dirs || files) {
                continue;
            }
            let Some(bits) = others_after(&c.mode, READ | EXECUTE) else {
                continue;
            };
            let search = !dirs || bits & EXECUTE != 0;
            let read = !files || bits & READ != 0;
            closed = (!(search && read)).then(|| format!("`chmod {} {}`", c.mode, c.target));
        }
    }
    closed
}

/// Each COPY/ADD of the final image's chain whose `--chmod` leaves others without read
/// permission: what it copies, the function's user cannot read.
pub(super) fn unreadable<'a>(stages: &'a [Stage], chain: &[usize]) -> Option<(&'a str, String)> {
    chain
        .iter()
        .rev()
        .flat_map(|&i| &stages[i].writes)
        .find_map(|w| {
            let mode = w.chmod.as_deref()?;
            let bits = others_after(mode, READ | EXECUTE)?;
            (bits & READ == 0).then(|| {
                let what = w.sources.join(" ");
                (mode, what)
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn symbolic_modes_change_others_bits_as_chmod_does() {
        assert_eq!(others_after("755", 0), Some(5));
        assert_eq!(others_after("0700", 7), Some(0));
        assert_eq!(others_after("a-x", 5), Some(4));
        assert_eq!(others_after("+x", 4), Some(5));
        assert_eq!(others_after("u=rwx,go=rx", 0), Some(5));
        assert_eq!(others_after("o-rwx", 7), Some(0));
        assert_eq!(others_after("u+x", 4), Some(4));
        assert_eq!(others_after("g=u", 5), Some(5));
        assert_eq!(others_after("9", 5), None);
    }

    proptest! {
        /// An octal mode's last digit is others' bits, whatever they were.
        #[test]
        fn an_octal_mode_sets_others_bits(mode in 0u32..0o7777, before in 0u32..8) {
            prop_assert_eq!(others_after(&format!("{mode:o}"), before), Some(mode & 7));
            prop_assert_eq!(others_after(&format!("{mode:04o}"), before), Some(mode & 7));
        }

        /// A symbolic clause touches others' bits only when it names others (`o`, `a` or no
        /// one, which is everyone).
        #[test]
        fn a_symbolic_clause_touches_others_only_when_it_names_them(
            who in prop::sample::select(vec!["", "u", "g", "o", "a", "ug", "go", "ugo"]),
            op in prop::sample::select(vec!['+', '-', '=']),
            perms in prop::sample::select(vec!["r", "x", "rx", "rwx", "w"]),
            before in 0u32..8,
        ) {
            let bits = perms.bytes().fold(0, |a, b| a | match b { b'r' => 4, b'w' => 2, _ => 1 });
            let want = if who.is_empty() || who.contains(['o', 'a']) {
                match op { '+' => before | bits, '-' => before & !bits, _ => bits }
            } else {
                before
            };
            prop_assert_eq!(others_after(&format!("{who}{op}{perms}"), before), Some(want));
        }
    }
}
