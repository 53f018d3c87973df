//! The stages of a Dockerfile evaluated the way BuildKit's dispatcher does: global ARGs
//! (with the automatic platform ARGs) for FROM lines, each stage's own variable state
//! (ARG and ENV in order, a bare `ARG NAME` bringing in the global value), `FROM <stage>`
//! inheriting the stage's image config and variables, ENTRYPOINT resetting an inherited CMD.

use super::arch::{self, Arch, Holds};
use super::expand::{PLATFORM_ARGS, Scope, Unresolved, Val, expand, expand_value};
use super::modes::{self, Chmod, Selection, find};
use super::parse::{Instruction, Parsed, json_form, parse, words};
use super::persisted;

/// An image setting as the build leaves it, or why it cannot be known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Known<T> {
    Is(T),
    Unknown(String),
}

/// The image config a stage produces.
#[derive(Debug, Clone)]
pub(super) struct Config {
    pub entry_point: Known<Option<Vec<String>>>,
    pub command: Known<Option<Vec<String>>>,
    /// Normalised; `/` when nothing set it.
    pub working_dir: Known<String>,
    pub env: Vec<(String, Val)>,
    /// What the image keeps of its instructions, which whoever pulls it reads.
    pub kept: Vec<Kept>,
    /// The paths of the files COPY and ADD wrote whose names are known (each source's name
    /// in the destination, and the destination itself), normalised.
    pub placed: Vec<String>,
    /// Each ENV a `--build-arg` can reach, expanded with every part one can set written as
    /// [`BUILD_ARG`]: whatever the build is given is then in the image's environment.
    pub build_args: Vec<(String, String)>,
    /// The stage's ARGs with their values: BuildKit writes each into the image's history
    /// (`ARG NAME=value`, and `|n NAME=value` before every later RUN).
    pub args: Vec<(String, Val)>,
    pub shell: Known<Vec<String>>,
}

/// What an image keeps of an instruction besides its environment: its history records every
/// instruction, its config the labels and the commands it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Kept {
    /// A LABEL: its name and value.
    Label(String, Val),
    /// An ENV or ARG value a later one of its name replaced: the keyword, name and value.
    Replaced(&'static str, String, Val),
    /// The text an ENV holds when its base image sets none of the variables it reads (its
    /// `${V:-…}` fallbacks): the name and that text.
    Fallback(String, String),
    /// A command as written (a RUN with its heredocs, an ENTRYPOINT, CMD, HEALTHCHECK or
    /// ONBUILD, exec form as its arguments) or a URL a COPY or ADD fetched: the keyword and
    /// the text.
    Command(String, String),
    /// A file a COPY or ADD heredoc writes into the stage's layers: its path (absolute and
    /// clean when the WORKDIR is known) and its text, as written and, when that differs, with
    /// the stage's variables expanded.
    File(String, Vec<String>),
    /// A file a RUN leaves a build secret it mounts in ([`super::persisted`]): its path
    /// (absolute when the WORKDIR is known) and the command that writes it.
    Secret(String, String),
    /// A RUN reading ARGs of its stage, whose values BuildKit writes into the RUN's history
    /// line (`RUN |1 NAME=value /bin/sh -c …`): the names, the command as written and the
    /// command with each reference to them as an input ([`super::super::env::INPUT`]), whose
    /// place says what the value is (a URL's password, after `Bearer`).
    ArgCommand(Vec<String>, String, String),
}

/// `command` with each reference to one of `args` (`$NAME`, `${NAME}`, `${NAME:-…}`) as an
/// input, and the names it reads; `None` when it reads none.
fn args_as_inputs(command: &str, args: &[(String, Val)]) -> Option<(Vec<String>, String)> {
    if !command.contains('$') || args.is_empty() {
        return None;
    }
    let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut out = String::with_capacity(command.len());
    let mut read = Vec::new();
    let mut rest = command;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let (name, len) = if let Some(inner) = after.strip_prefix('{') {
            let Some(close) = inner.find('}') else { break };
            let body = &inner[..close];
            let end = body.bytes().position(|b| !ident(b)).unwrap_or(body.len());
            (&body[..end], close + 2)
        } else {
            let end = after.bytes().position(|b| !ident(b)).unwrap_or(after.len());
            (&after[..end], end)
        };
        if !name.is_empty() && args.iter().any(|(n, _)| n == name) {
            out.push(crate::lint::env::INPUT);
            if !read.iter().any(|r| r == name) {
                read.push(name.to_owned());
            }
        } else {
            out.push('$');
            out.push_str(&after[..len]);
        }
        rest = &after[len..];
    }
    out.push_str(rest);
    (!read.is_empty()).then_some((read, out))
}

/// A COPY or ADD as it lands: what [`super::files`] reads to tell which files the image holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Write {
    /// Each source expanded (a heredoc as its name, the file it writes; `*` for one that
    /// cannot be expanded, which may be anything).
    pub sources: Vec<String>,
    /// Where they land, absolute and clean; `None` when relative to a WORKDIR not known.
    pub dest: Option<String>,
    /// Whether the destination is a directory by its spelling: a trailing `/`, or several
    /// sources or a wildcard (BuildKit requires a directory then).
    pub into_dir: bool,
    /// `--from`, lower-cased: a stage's name or index, or an image; `None` is the context.
    pub from: Option<String>,
    /// An ADD, which unpacks a local archive and downloads a URL ([`Write::unpacks`]).
    pub add: bool,
    /// ADD's `--unpack` (dockerfile 1.17): `Some(false)` keeps a local archive packed,
    /// `Some(true)` unpacks a downloaded one too.
    pub unpack: Option<bool>,
    /// `COPY --parents`: each source lands with its path (from a `/./` pivot on, when it has
    /// one) under the destination, not by its name alone.
    pub parents: bool,
    /// `--exclude` patterns: what matches them (relative to a source) is not copied.
    pub exclude: Vec<String>,
    /// `--chmod`'s mode as written: the mode of every file it copies.
    pub chmod: Option<String>,
    /// Every source is a heredoc: files BuildKit writes with mode 644 unless `--chmod`.
    pub inline: bool,
}

/// Stands for a `--build-arg`'s value in [`Config::build_args`]; no Dockerfile text holds it.
pub(super) const BUILD_ARG: char = '\u{1}';

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Base {
    Scratch,
    Image(String),
    /// An earlier stage, by index.
    Stage(usize),
    Unresolved(Unresolved),
}

#[derive(Debug, Clone)]
pub(super) struct Stage {
    /// The FROM instruction's arguments as written.
    pub from: String,
    pub name: Option<String>,
    pub base: Base,
    /// `--platform` as written and as expanded.
    pub platform: Option<(String, Result<String, Unresolved>)>,
    pub config: Config,
    /// Variables for expansions in this stage (and stages built FROM it).
    pub state: Scope,
    /// `state` with every ARG standing for what a `--build-arg` may set (as [`BUILD_ARG`]):
    /// BuildKit lets a build argument override any ARG, with or without a default.
    worst: Scope,
    /// The known source paths of each COPY/ADD, and what each RUN fetches.
    pub copies: Vec<Vec<String>>,
    /// Each RUN's command as written with its heredocs, and each file a heredoc writes.
    pub runs: Vec<String>,
    /// The indices in `runs` of the files COPY/ADD heredocs write: text, not run here.
    pub inline_files: Vec<usize>,
    /// Each command a RUN gives a native compiler without a target
    /// ([`arch::compiles_for_host`]): it builds for the platform the stage runs on.
    pub host_builds: Vec<String>,
    /// Each RUN using the machine's architecture as a value or branching on it
    /// ([`arch::asks_machine`]): it fetches or builds for the platform the stage runs on, or
    /// fetches the build's own tools in a stage that takes the target's platform to build for
    /// it (`ARG TARGETPLATFORM`, which cross-building helpers such as xx read).
    pub machine_builds: Vec<String>,
    /// What a RUN fetches or builds and what a COPY or ADD brings in that is named by a build
    /// machine's platform ARG the stage declares (`ARG BUILDARCH`): for the machine, whatever
    /// the stage's platform.
    pub machine_named: Vec<String>,
    /// What `COPY --from=` and `RUN --mount=…,from=` name that is no stage (lower-cased): an
    /// image whose files the stage takes, and what those files can hold.
    pub copied_images: Vec<(String, Holds)>,
    /// Every `COPY --from=` and `RUN --mount=…,from=` value (lower-cased): a stage's name or
    /// index, or an image; and what the files it takes can hold ([`arch::holds`]): data or
    /// sources carry no architecture into this stage, data no runtime either.
    pub froms: Vec<(String, Holds)>,
    cmd_set: bool,
    /// Each file a COPY or ADD heredoc writes (its name, its text): a RUN naming it runs it.
    scripts: Vec<(String, String)>,
    /// ONBUILD triggers, run by a stage built FROM this one (not inherited further).
    onbuild: Vec<Instruction>,
    /// Each COPY and ADD, in order.
    pub writes: Vec<Write>,
    /// Each directory a WORKDIR made (it exists from then on), clean.
    pub workdirs: Vec<String>,
    /// Each directory a RUN's package manager fills with packages built for the platform it
    /// runs on ([`package_trees`]): `node_modules`, pip's `--target`, a virtualenv.
    pub package_trees: Vec<String>,
    /// What each RUN removes or moves away ([`removed`]), in order.
    pub removals: Vec<Removal>,
    /// Each directory a RUN makes ([`made_dirs`]), clean: a COPY to it lands inside.
    pub made_dirs: Vec<String>,
    /// Each `chmod` a RUN runs, in order ([`super::modes`]).
    pub chmods: Vec<Chmod>,
    /// Each link an `ln` of a RUN makes ([`linked`]).
    pub links: Vec<Link>,
    /// Whether the image's `/bin/sh` expands braces ([`sh_braces`]).
    sh_braces: bool,
}

/// A link `ln` makes: the file at `link` is the file at `target`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Link {
    pub link: String,
    pub target: String,
    /// `(operand, is_dir)`: the link is made only if `ln`'s last operand is a directory (or
    /// is not), which the script does not say.
    pub operand: Option<(String, bool)>,
    /// The index of the RUN that makes it in [`Stage::runs`].
    pub run: usize,
}

/// A path a RUN removes (`rm`) or moves away (`mv`): after it, the stage holds nothing there
/// until something writes it again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Removal {
    /// How many RUNs (this one included) and COPY/ADDs came before: those after it may put
    /// the file back.
    pub runs: usize,
    pub writes: usize,
    /// The path or pattern, absolute and clean.
    pub target: String,
    /// Whether what is below it goes too (`rm -r`, `mv` of a directory, `find -delete`).
    pub recursive: bool,
    /// What a `find` removing it selects of it and below it; everything for `rm`.
    pub select: Selection,
    /// The script after the command that removes it, which may write the path again.
    pub after: String,
}

/// Words that end a simple command in a shell script (and start the next).
const SEPARATORS: [&str; 13] = [
    "&&", "||", "|", ";", "then", "do", "else", "elif", "if", "while", "{", "(", "!",
];

/// Programs that run the command after them.
const PREFIXES: [&str; 6] = ["exec", "sudo", "env", "time", "nice", "nohup"];

/// Whether a shell word assigns a variable (`NAME=value`), and its name.
fn assigned(word: &str) -> Option<&str> {
    word.split_once('=')
        .map(|(k, _)| k)
        .filter(|k| !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
}

/// How a RUN's shell reads its script: the Dockerfile's escape character (line
/// continuations), the stage's variables, and whether the shell expands braces.
#[derive(Clone, Copy)]
struct Sh<'a> {
    escape: char,
    state: &'a Scope,
    /// bash, zsh and ksh expand `{a,b}`; dash (Debian's and Ubuntu's `/bin/sh`) and
    /// busybox's ash do not.
    braces: bool,
}

/// The simple commands of one line of a shell script, each as its program and arguments
/// (assignments and prefixes such as `sudo` before it left out), read as the shell expands them
/// with `vars` — the stage's variables, and what the script assigned before (a command of
/// assignments only, `export NAME=value`), which this line's such commands update — (and
/// braces, when it does); a word that cannot be expanded stays as written.
fn simple_commands(line: &str, sh: Sh<'_>, vars: &mut Scope) -> Vec<Vec<String>> {
    let escape = sh.escape;
    let mut commands: Vec<Vec<String>> = vec![Vec::new()];
    // `NAME=value` words before a command's program: the shell's variables only when the
    // command is nothing else (`A=1 cmd` sets A for cmd alone).
    let mut pending: Vec<(String, Val)> = Vec::new();
    let end = |argv: &[String], pending: &mut Vec<(String, Val)>, vars: &mut Scope| {
        let assigns = pending.drain(..).filter(|_| argv.is_empty());
        let exported = argv
            .split_first()
            .filter(|(p, _)| *p == "export" || *p == "readonly")
            .map(|(_, rest)| rest)
            .unwrap_or_default()
            .iter()
            .filter_map(|w| w.split_once('='))
            .map(|(k, v)| (k.to_owned(), Val::Known(v.to_owned())));
        for (k, v) in assigns.collect::<Vec<_>>().into_iter().chain(exported) {
            vars.set(&k, v);
        }
    };
    for raw in words(line, escape) {
        if raw.starts_with('#') {
            break;
        }
        let word = raw.trim_end_matches(';');
        let Some(argv) = commands.last_mut() else {
            break;
        };
        // `!` negates a pipeline before it, but is a word within a command (`find … ! -name`).
        if SEPARATORS.contains(&word) && (word != "!" || argv.is_empty()) {
            end(argv, &mut pending, vars);
            commands.push(Vec::new());
            continue;
        }
        if argv.is_empty() && (assigned(word).is_some() || PREFIXES.contains(&word)) {
            if let Some((name, value)) = word.split_once('=') {
                pending.push((name.to_owned(), known(expand(value, escape, vars))));
            }
            continue;
        }
        let braced = if sh.braces && word.contains('{') {
            brace_words(word)
        } else {
            vec![word.to_owned()]
        };
        for word in braced {
            argv.push(
                expand(&word, escape, vars)
                    .unwrap_or_else(|_| word.trim_matches(['"', '\'']).to_owned()),
            );
        }
        if raw.ends_with(';') {
            end(argv, &mut pending, vars);
            commands.push(Vec::new());
        }
    }
    if let Some(argv) = commands.last() {
        end(argv, &mut pending, vars);
    }
    commands
}

/// The most words one brace expansion is read as: bash has no bound, a build script no need.
const MAX_BRACE_WORDS: usize = 64;

/// The words bash's brace expansion makes of one word as written: `/a/{b,c}` is `/a/b /a/c`,
/// `x{1..3}` is `x1 x2 x3`, nested and repeated braces alike; a brace inside quotes, after
/// `$` (`${V}`), or holding neither a `,` nor a range at its own depth (`{}`) stays as it is.
fn brace_words(word: &str) -> Vec<String> {
    let bytes = word.as_bytes();
    for (at, b) in unquoted(word, 0) {
        if b == b'{'
            && (at == 0 || bytes[at - 1] != b'$')
            && let Some(words) = brace_at(word, at)
        {
            return words;
        }
    }
    vec![word.to_owned()]
}

/// The bytes of `word` from `from` on that the shell reads unquoted, with their index: not
/// inside single or double quotes, not the quotes themselves, not escaped by a backslash
/// (which escapes outside single quotes). Brace expansion sees only these.
fn unquoted(word: &str, from: usize) -> impl Iterator<Item = (usize, u8)> + '_ {
    let bytes = word.as_bytes();
    let mut quote: Option<u8> = None;
    let mut at = from;
    std::iter::from_fn(move || {
        while let Some(&b) = bytes.get(at) {
            let i = at;
            at += 1;
            match (quote, b) {
                (_, b'\\') if quote != Some(b'\'') => at += 1,
                (None, b'\'' | b'"') => quote = Some(b),
                (Some(q), _) if q == b => quote = None,
                (None, _) => return Some((i, b)),
                _ => {}
            }
        }
        None
    })
}

/// The words the brace opening at `open` expands to, each expanded further; `None` when it
/// is no brace expansion.
fn brace_at(word: &str, open: usize) -> Option<Vec<String>> {
    let mut depth = 0usize;
    let mut commas = Vec::new();
    let mut close = None;
    for (at, b) in unquoted(word, open) {
        match b {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    close = Some(at);
                    break;
                }
            }
            b',' if depth == 1 => commas.push(at),
            _ => {}
        }
    }
    let close = close?;
    let (prefix, inner, suffix) = (&word[..open], &word[open + 1..close], &word[close + 1..]);
    let parts: Vec<String> = if commas.is_empty() {
        let (from, to) = inner.split_once("..")?;
        match (from.parse::<i64>(), to.parse::<i64>()) {
            (Ok(a), Ok(b)) if a.abs_diff(b) < MAX_BRACE_WORDS as u64 => {
                let step = if a <= b { 1 } else { -1 };
                let mut out = vec![a.to_string()];
                let mut n = a;
                while n != b {
                    n += step;
                    out.push(n.to_string());
                }
                out
            }
            _ => return None,
        }
    } else {
        let mut parts = Vec::new();
        let mut start = open + 1;
        for &c in &commas {
            parts.push(word[start..c].to_owned());
            start = c + 1;
        }
        parts.push(word[start..close].to_owned());
        parts
    };
    let mut out = Vec::new();
    for part in parts {
        for w in brace_words(&format!("{prefix}{part}{suffix}")) {
            if out.len() == MAX_BRACE_WORDS {
                return Some(out);
            }
            out.push(w);
        }
    }
    Some(out)
}

/// The directories a shell script's package managers fill with packages for the platform they
/// run on, native add-ons and wheels included, clean: `npm ci`/`install` (yarn, pnpm, bun
/// alike) the `node_modules` where it runs (or under `--prefix`), `pip install --target`
/// (`-t`, `--prefix`, `--root`, `uv pip` too), a virtualenv (`python -m venv`, `uv venv`) and
/// `uv sync`'s `.venv`, a conda environment by its `--prefix`. `cd` moves where the rest
/// runs; system directories are not listed (what lands there is the platform's by its
/// location). Relative to a WORKDIR not known, a directory is not known either.
fn package_trees(script: &str, sh: Sh<'_>, workdir: Option<&str>) -> Vec<String> {
    let mut trees = Vec::new();
    // Most scripts run none of these: skip reading their words.
    let managers = [
        "npm", "yarn", "pnpm", "bun", "pip", "venv", "uv ", "conda", "mamba",
    ];
    if !managers.iter().any(|m| script.contains(m)) {
        return trees;
    }
    let mut here = workdir.map(str::to_owned);
    let at = |here: &Option<String>, dir: &str| match here {
        _ if dir.starts_with('/') => Some(clean(dir)),
        Some(here) => Some(clean(&format!("{here}/{dir}"))),
        None => None,
    };
    let mut vars = sh.state.clone();
    for line in script.lines() {
        let commands = simple_commands(line, sh, &mut vars);
        for argv in &commands {
            let words: Vec<&str> = argv.iter().map(String::as_str).collect();
            // `python -m pip …`, `uv pip …`: the module or subtool's own words.
            let words = match words.as_slice() {
                [python, "-m", rest @ ..]
                    if python
                        .rsplit('/')
                        .next()
                        .is_some_and(|p| p.starts_with("python")) =>
                {
                    rest
                }
                ["uv", rest @ ..] if rest.first() == Some(&"pip") => rest,
                all => all,
            };
            let Some((program, args)) = words.split_first() else {
                continue;
            };
            let option = |names: &[&str]| {
                args.iter().enumerate().find_map(|(k, a)| {
                    names.iter().find_map(|n| match a.strip_prefix(n) {
                        Some("") => args.get(k + 1).map(|v| (*v).to_owned()),
                        Some(rest) => rest.strip_prefix('=').map(str::to_owned),
                        None => None,
                    })
                })
            };
            let sub = args.iter().find(|a| !a.starts_with('-')).copied();
            match (program.rsplit('/').next().unwrap_or_default(), sub) {
                ("cd", Some(dir)) => here = at(&here, dir),
                ("npm" | "pnpm" | "bun", Some("ci" | "install" | "i" | "add"))
                | ("yarn", None | Some("install" | "add")) => {
                    let global = args.iter().any(|a| matches!(*a, "-g" | "--global"));
                    let root = match option(&["--prefix"]) {
                        Some(prefix) => at(&here, &prefix),
                        None => here.clone(),
                    };
                    if let Some(root) = root.filter(|_| !global) {
                        trees.push(format!("{}/node_modules", root.trim_end_matches('/')));
                    }
                }
                ("pip" | "pip3", Some("install")) => {
                    let dir = option(&["--target", "-t", "--prefix", "--root"]);
                    trees.extend(dir.and_then(|d| at(&here, &d)));
                }
                ("uv", Some("venv")) => {
                    let dir = args.iter().filter(|a| !a.starts_with('-')).nth(1).copied();
                    trees.extend(at(&here, dir.unwrap_or(".venv")));
                }
                ("uv", Some("sync")) => trees.extend(at(&here, ".venv")),
                ("conda" | "mamba" | "micromamba", Some("create" | "install")) => {
                    let dir = option(&["--prefix", "-p"]);
                    trees.extend(dir.and_then(|d| at(&here, &d)));
                }
                ("venv" | "virtualenv", _) => {
                    let dir = args.iter().rev().find(|a| !a.starts_with('-'));
                    trees.extend(dir.and_then(|d| at(&here, d)));
                }
                _ => {}
            }
        }
    }
    trees
}

/// Each simple command of a script, with the line it is on and the directory it runs in: the
/// WORKDIR, moved by each `cd` before it (`None` once that is not known: `cd` alone, `cd -`,
/// a WORKDIR not known).
/// A simple command of a script: the line it is on, its words, the directory it runs in.
type Located = (usize, Vec<String>, Option<String>);

/// Words that make a script worth reading command by command: removals, directories made,
/// modes changed (most scripts hold none).
const LOCATED_WORDS: [&str; 9] = [
    "rm ", "mv ", "unlink ", "-delete", "mkdir", "install", "chmod", "umask ", "ln ",
];

fn located(script: &str, sh: Sh<'_>, workdir: Option<&str>) -> Vec<Located> {
    let mut here = workdir.map(str::to_owned);
    let mut out = Vec::new();
    let mut vars = sh.state.clone();
    for (n, line) in script.lines().enumerate() {
        for argv in simple_commands(line, sh, &mut vars) {
            if argv.first().is_some_and(|p| p == "cd") {
                here = match (argv.get(1), &here) {
                    (Some(dir), _) if dir.starts_with('/') => Some(clean(dir)),
                    (Some(dir), Some(wd)) if dir != "-" && !dir.starts_with('~') => {
                        Some(clean(&format!("{wd}/{dir}")))
                    }
                    _ => None,
                };
            }
            out.push((n, argv, here.clone()));
        }
    }
    out
}

/// What a shell script's `rm`, `unlink` and `mv` take away: each path or pattern (absolute
/// and clean; a relative one in the WORKDIR, unknown when that is), whether what is below it
/// goes too
/// (`rm -r`, `-R`, `--recursive`; a `mv` of a directory moves its contents), and the script
/// after that command.
fn removed(script: &str, commands: &[Located]) -> Vec<(String, bool, Selection, String)> {
    let mut out = Vec::new();
    // Most scripts remove nothing: skip reading their words.
    if !["rm ", "mv ", "unlink ", "-delete"]
        .iter()
        .any(|p| script.contains(p))
    {
        return out;
    }
    let lines: Vec<&str> = script.lines().collect();
    for (n, argv, here) in commands {
        let n = *n;
        let Some((program, args)) = argv.split_first() else {
            continue;
        };
        let operands: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
        let recursive_rm = |args: &[String]| {
            args.iter().any(|a| {
                a == "--recursive"
                    || (a.starts_with('-') && !a.starts_with("--") && a.contains(['r', 'R']))
            })
        };
        let (targets, recursive, select) = match program.rsplit('/').next() {
            Some("rm") => (operands.clone(), recursive_rm(args), Selection::default()),
            Some("unlink") => (operands.clone(), false, Selection::default()),
            Some("mv") => match operands.split_last() {
                Some((_, sources)) => (sources.to_vec(), true, Selection::default()),
                None => continue,
            },
            // `find <dir> … -delete` or `-exec rm … {} +`: what it selects there and below.
            Some("find") => {
                let Some((roots, select, actions)) = find(args) else {
                    continue;
                };
                let removes = actions.first().is_some_and(|a| a == "-delete")
                    || actions.windows(2).any(|w| {
                        matches!(w[0].as_str(), "-exec" | "-execdir")
                            && w[1].rsplit('/').next() == Some("rm")
                    });
                if !removes {
                    continue;
                }
                (roots, true, select)
            }
            _ => continue,
        };
        // What follows the command: the script after its last operand as written (`mv`'s
        // destination), or, when that cannot be found (a variable, braces), after the
        // command's end.
        let rest = lines[n..].join("\n");
        let from = rest.find(program.as_str()).unwrap_or(0);
        // A `find`'s words after its roots are its tests and actions, none a path it writes.
        let last = if program.ends_with("find") {
            None
        } else {
            operands.last()
        };
        let end = last
            .and_then(|o| rest[from..].find(o.as_str()).map(|at| from + at + o.len()))
            .unwrap_or_else(|| {
                ["&&", "||", ";", "|", "\n"]
                    .iter()
                    .filter_map(|sep| rest[from..].find(sep))
                    .min()
                    .map_or(rest.len(), |at| from + at)
            });
        let after = rest.get(end..).unwrap_or_default().to_owned();
        for target in targets {
            let path = match &here {
                _ if target.starts_with('/') => clean(target),
                Some(wd) => clean(&format!("{wd}/{target}")),
                None => continue,
            };
            out.push((path, recursive, select.clone(), after.clone()));
        }
    }
    out
}

/// The links a shell script's `ln` makes, symbolic or hard ([`Link`]), absolute and clean: a
/// symbolic link's relative target read from the link's directory, a hard link's from where
/// `ln` runs. `ln T L` makes `L`, or `L/<T's name>` when `L` is a directory; with `-t DIR`,
/// several targets, a trailing `/` or a single operand, it is the latter.
fn linked(commands: &[Located], run: usize) -> Vec<Link> {
    let mut out = Vec::new();
    for (_, argv, here) in commands {
        let Some((program, args)) = argv.split_first() else {
            continue;
        };
        if program.rsplit('/').next() != Some("ln") {
            continue;
        }
        let at = |p: &str, dir: Option<&str>| match dir {
            _ if p.starts_with('/') => Some(clean(p)),
            Some(d) => Some(clean(&format!("{d}/{p}"))),
            None => None,
        };
        let symbolic = args.iter().any(|a| {
            a == "--symbolic" || (a.starts_with('-') && !a.starts_with("--") && a.contains('s'))
        });
        let mut dir: Option<String> = None;
        let mut operands: Vec<&String> = Vec::new();
        let mut take_dir = false;
        for a in args {
            if std::mem::take(&mut take_dir) {
                dir = Some(a.clone());
            } else if a == "-t" || a == "--target-directory" {
                take_dir = true;
            } else if let Some(d) = a.strip_prefix("--target-directory=") {
                dir = Some(d.to_owned());
            } else if !a.starts_with('-') {
                operands.push(a);
            }
        }
        let (targets, operand, certain) = match (dir, operands.as_slice()) {
            (Some(d), targets) => (targets.to_vec(), d, true),
            (None, [target]) => (vec![*target], ".".to_owned(), true),
            (None, [targets @ .., last]) => (
                targets.to_vec(),
                (*last).clone(),
                targets.len() > 1 || last.ends_with('/'),
            ),
            (None, []) => continue,
        };
        let Some(operand) = at(&operand, here.as_deref()) else {
            continue;
        };
        for target in targets {
            let name = target
                .trim_end_matches('/')
                .rsplit('/')
                .next()
                .unwrap_or_default();
            let inside = clean(&format!("{operand}/{name}"));
            let mut push = |link: String, when_dir: Option<bool>| {
                let from = if symbolic {
                    link.rsplit_once('/').map(|(d, _)| d.to_owned())
                } else {
                    here.clone()
                };
                let from = from.map(|d| if d.is_empty() { "/".to_owned() } else { d });
                if let Some(target) = at(target, from.as_deref()) {
                    out.push(Link {
                        link,
                        target,
                        operand: when_dir.map(|d| (operand.clone(), d)),
                        run,
                    });
                }
            };
            if certain {
                push(inside, None);
            } else {
                push(inside, Some(true));
                push(operand.clone(), Some(false));
            }
        }
    }
    out
}

/// A script without its `ln` commands, for what it writes: a link names its target and its
/// path without writing a program at either ([`Link`] says what it makes).
pub(super) fn without_links(script: &str) -> String {
    script
        .lines()
        .flat_map(|line| {
            line.split("&&")
                .flat_map(|c| c.split("||"))
                .flat_map(|c| c.split(';'))
        })
        .filter(|command| {
            command
                .split_whitespace()
                .next()
                .is_none_or(|p| p.rsplit('/').next() != Some("ln"))
        })
        .collect::<Vec<_>>()
        .join(" ; ")
}

/// The directories a shell script makes: `mkdir`'s operands (`-p` or not; `-m MODE`'s value
/// is no operand) and `install -d`'s, absolute and clean (a relative one in the WORKDIR,
/// unknown when that is).
fn made_dirs(script: &str, commands: &[Located]) -> Vec<String> {
    let mut out = Vec::new();
    // Most scripts make none: skip reading their words.
    if !["mkdir", "install"].iter().any(|p| script.contains(p)) {
        return out;
    }
    for (_, argv, here) in commands {
        let Some((program, args)) = argv.split_first() else {
            continue;
        };
        let makes = match program.rsplit('/').next() {
            Some("mkdir") => true,
            Some("install") => args.iter().any(|a| {
                a == "--directory"
                    || (a.starts_with('-') && !a.starts_with("--") && a.contains('d'))
            }),
            _ => false,
        };
        if !makes {
            continue;
        }
        // Options taking a value as the next word: `-m MODE`, `-o OWNER`, `-g GROUP`.
        let mut skip = false;
        for arg in args {
            if std::mem::take(&mut skip) {
                continue;
            }
            if arg.starts_with('-') {
                skip = matches!(
                    arg.as_str(),
                    "-m" | "--mode" | "-o" | "--owner" | "-g" | "--group"
                );
                continue;
            }
            match &here {
                _ if arg.starts_with('/') => out.push(clean(arg)),
                Some(wd) => out.push(clean(&format!("{wd}/{arg}"))),
                None => {}
            }
        }
    }
    out
}

/// The part of a `COPY --parents` source kept under the destination: its path relative to
/// the source root, or to its `/./` pivot when it has one.
pub(super) fn kept_path(source: &str) -> &str {
    let kept = source.split_once("/./").map_or(source, |(_, rest)| rest);
    kept.trim_start_matches("./")
        .trim_start_matches('/')
        .trim_end_matches('/')
}

/// A boolean flag's value as BuildKit parses it (Go's `strconv.ParseBool`; bare, true);
/// `None` for anything else, which fails the build.
fn bool_flag(value: &str) -> Option<bool> {
    match value {
        "" | "1" | "t" | "T" | "true" | "TRUE" | "True" => Some(true),
        "0" | "f" | "F" | "false" | "FALSE" | "False" => Some(false),
        _ => None,
    }
}

/// Archives ADD can unpack (BuildKit detects the compression by content; these are the
/// names they go by).
const ARCHIVES: [&str; 9] = [
    ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".tar.zst", ".tzst",
];

impl Write {
    /// Whether `source` is a URL ADD downloads (BuildKit's `isHTTPSource`).
    pub fn downloads(&self, source: &str) -> bool {
        self.add && (source.starts_with("http://") || source.starts_with("https://"))
    }

    /// Whether ADD unpacks `source` into the destination, a directory then: an archive of the
    /// build context unless `--unpack=false`, a downloaded one only with `--unpack=true`
    /// (BuildKit's `AttemptUnpack`).
    pub fn unpacks(&self, source: &str) -> bool {
        let name = source.split(['?', '#']).next().unwrap_or_default();
        self.add
            && ARCHIVES.iter().any(|x| name.ends_with(x))
            && self.unpack.unwrap_or(!self.downloads(source))
    }
}

/// The automatic platform ARGs: the target is the function's architecture (the build runs
/// `docker buildx build --platform linux/<arch>`), the build machine's is not known.
fn global_scope(target: &Arch) -> Scope {
    let mut scope = Scope::closed();
    let build = "the build machine's platform, which `--platform` does not fix";
    for name in PLATFORM_ARGS {
        let value = match name {
            "TARGETPLATFORM" => Val::Known(format!("linux/{}", target.name())),
            "TARGETOS" => Val::Known("linux".into()),
            "TARGETARCH" => Val::Known(target.name().into()),
            "TARGETVARIANT" | "TARGETOSVERSION" => Val::Known(String::new()),
            _ => Val::Unknown(build.into()),
        };
        scope.set(name, value);
    }
    scope
}

/// Whether a command names the file `name` as a word or a path's last part.
fn names_file(command: &str, name: &str) -> bool {
    let bounded =
        |c: Option<char>| c.is_none_or(|c| !(c.is_ascii_alphanumeric() || "._-".contains(c)));
    command.match_indices(name).any(|(at, _)| {
        bounded(command[..at].chars().next_back())
            && bounded(command[at + name.len()..].chars().next())
    })
}

/// The `key=value` pairs of an ENV or LABEL, or its legacy `key value` form (one pair: the
/// first word, and the rest of the line), as BuildKit's `parseNameVal` reads them.
fn pairs(rest: &str, escape: char) -> Vec<(String, String)> {
    match words(rest, escape).first() {
        Some(first) if !first.contains('=') => {
            let value = rest.trim_start()[first.len()..].trim_start();
            vec![(first.clone(), value.to_owned())]
        }
        _ => arg_words(rest, escape)
            .into_iter()
            .map(|(k, v)| (k, v.unwrap_or_default()))
            .collect(),
    }
}

/// `NAME=default` or `NAME`.
fn arg_words(rest: &str, escape: char) -> Vec<(String, Option<String>)> {
    words(rest, escape)
        .into_iter()
        .map(|w| match w.split_once('=') {
            Some((k, v)) => (k.to_owned(), Some(v.to_owned())),
            None => (w, None),
        })
        .collect()
}

fn known(result: Result<String, Unresolved>) -> Val {
    result.map_or_else(|u| Val::Unknown(u.0), Val::Known)
}

/// Lexically clean an absolute path (Go's `path.Clean`).
pub(super) fn clean(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    format!("/{}", parts.join("/"))
}

/// The entrypoint of every AWS Lambda base image: it starts the image's own runtime.
pub(super) const LAMBDA_ENTRYPOINT: &str = "/lambda-entrypoint.sh";

/// A variable an AWS Lambda base image sets to a value that depends on its runtime.
pub(super) fn per_runtime(image: &str) -> Val {
    Val::Unknown(format!("set by {image} to a value per runtime"))
}

/// Every directory on the PATH of an AWS Lambda base image (the managed runtimes'
/// `/var/lang/bin:/usr/local/bin:/usr/bin/:/bin:/opt/bin`, the OS-only ones' standard
/// directories): the task root is on none of them.
pub(super) const LAMBDA_PATH: [&str; 8] = [
    "/var/lang/bin",
    "/usr/local/sbin",
    "/usr/local/bin",
    "/usr/sbin",
    "/usr/bin",
    "/sbin",
    "/bin",
    "/opt/bin",
];

/// The PATH BuildKit sets on a Linux stage whose image has none (`system.DefaultPathEnv`),
/// as on `FROM scratch`.
pub(super) const DEFAULT_PATH: &str =
    "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// What a stage starts with, by its base.
fn initial(base: &Base, image_name: &str, stages: &[Stage]) -> (Config, Scope) {
    let default_shell = Known::Is(vec!["/bin/sh".to_owned(), "-c".to_owned()]);
    match base {
        Base::Stage(i) => (stages[*i].config.clone(), stages[*i].state.clone()),
        Base::Scratch => {
            // BuildKit gives every Linux stage whose image has no PATH the default one.
            let path = Val::Known(DEFAULT_PATH.to_owned());
            let mut scope = Scope::closed();
            scope.set("PATH", path.clone());
            let config = Config {
                entry_point: Known::Is(None),
                command: Known::Is(None),
                working_dir: Known::Is("/".into()),
                env: vec![("PATH".to_owned(), path)],
                kept: Vec::new(),
                placed: Vec::new(),
                build_args: Vec::new(),
                args: Vec::new(),
                shell: default_shell,
            };
            (config, scope)
        }
        Base::Image(image) if arch::lambda_runtime(image).is_some() => {
            // Every AWS Lambda base image ends with these; the other variables it sets
            // (PATH, LANG, TZ, LD_LIBRARY_PATH) vary by runtime.
            let mut env = vec![
                (
                    "LAMBDA_TASK_ROOT".to_owned(),
                    Val::Known("/var/task".into()),
                ),
                (
                    "LAMBDA_RUNTIME_DIR".to_owned(),
                    Val::Known("/var/runtime".into()),
                ),
            ];
            for name in ["LANG", "TZ", "PATH", "LD_LIBRARY_PATH"] {
                env.push((name.to_owned(), per_runtime(image)));
            }
            let mut scope = Scope::closed();
            for (k, v) in &env {
                scope.set(k, v.clone());
            }
            let config = Config {
                entry_point: Known::Is(Some(vec![LAMBDA_ENTRYPOINT.to_owned()])),
                command: Known::Is(None),
                working_dir: Known::Is("/var/task".into()),
                env,
                kept: Vec::new(),
                placed: Vec::new(),
                build_args: Vec::new(),
                args: Vec::new(),
                shell: default_shell,
            };
            (config, scope)
        }
        Base::Image(_) | Base::Unresolved(_) => {
            let why = match base {
                Base::Unresolved(u) => format!("the base image, {}, cannot be resolved", u.0),
                _ => format!(
                    "inherited from {image_name}, whose image config this check cannot read"
                ),
            };
            let config = Config {
                entry_point: Known::Unknown(why.clone()),
                command: Known::Unknown(why.clone()),
                working_dir: Known::Unknown(why.clone()),
                env: Vec::new(),
                kept: Vec::new(),
                placed: Vec::new(),
                build_args: Vec::new(),
                args: Vec::new(),
                shell: Known::Unknown(why.clone()),
            };
            (config, Scope::open(why.clone()))
        }
    }
}

/// Every stage of the Dockerfile, for a build targeting `target`.
pub(super) fn stages(parsed: &Parsed, target: &Arch) -> Vec<Stage> {
    let escape = parsed.escape;
    let mut global = global_scope(target);
    let mut stages: Vec<Stage> = Vec::new();
    for ins in &parsed.instructions {
        if ins.keyword == "FROM" {
            let mut stage = from(ins, escape, &global, &stages);
            if let Base::Stage(parent) = stage.base {
                // A stage built FROM another runs that stage's ONBUILD triggers first, as
                // if written at its top.
                for trigger in stages[parent].onbuild.clone() {
                    dispatch(&mut stage, &trigger, '\\', &global, &stages);
                }
            }
            stages.push(stage);
            continue;
        }
        match stages.pop() {
            Some(mut stage) => {
                dispatch(&mut stage, ins, escape, &global, &stages);
                stages.push(stage);
            }
            None if ins.keyword == "ARG" => {
                for (name, default) in arg_words(&ins.rest, escape) {
                    match default {
                        Some(d) => {
                            let v = known(expand(&d, escape, &global));
                            global.set(&name, v);
                        }
                        None if global.get(&name).is_none() => global.set(&name, Val::NoDefault),
                        None => {}
                    }
                }
            }
            None => {}
        }
    }
    // A `--from` resolves once every stage is known: a stage defined after the instruction
    // is that stage, not an image.
    let names: Vec<String> = stages.iter().filter_map(|s| s.name.clone()).collect();
    let count = stages.len();
    for stage in &mut stages {
        stage.copied_images.retain(|(image, _)| {
            !names.contains(image) && image.parse::<usize>().map_or(true, |i| i >= count)
        });
    }
    stages
}

/// Runs one instruction of a stage (written in it, or an ONBUILD trigger of its parent):
/// its effect on the stage, and what it takes from other stages and images (`COPY --from`,
/// `RUN --mount=…,from=`). `earlier` are the stages before it.
fn dispatch(stage: &mut Stage, ins: &Instruction, escape: char, global: &Scope, earlier: &[Stage]) {
    // What names no earlier stage (by name or index): BuildKit reads an image of that name.
    let no_stage = |f: &String| match f.parse::<usize>() {
        Ok(index) => index >= earlier.len(),
        Err(_) => !earlier
            .iter()
            .any(|s| s.name.as_deref() == Some(f.as_str())),
    };
    let copied_from = ins
        .flag("from")
        .filter(|_| ins.keyword == "COPY")
        .map(str::to_ascii_lowercase);
    // `RUN --mount=…,from=<image>` reads an image's files the same way: its `source`
    // (the whole image unless given), with what the RUN makes of it unknown.
    let mounts: Vec<(String, String)> = if ins.keyword == "RUN" {
        ins.flags
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case("mount"))
            .filter_map(|(_, spec)| {
                let kv = |key: &str| {
                    spec.split(',')
                        .filter_map(|kv| kv.split_once('='))
                        .find(|(k, _)| k.eq_ignore_ascii_case(key))
                        .map(|(_, v)| v)
                };
                let from = kv("from")?.to_ascii_lowercase();
                let source = kv("source").or_else(|| kv("src")).unwrap_or("/");
                Some((from, source.to_owned()))
            })
            .collect()
    } else {
        Vec::new()
    };
    let all_mounted: Vec<String> = mounts.iter().map(|(f, _)| f.clone()).collect();
    let from_image = copied_from.clone().filter(no_stage);
    let mounted: Vec<String> = all_mounted.into_iter().filter(no_stage).collect();
    stage.apply(ins, escape, global);
    let copy_neutral = copied_from.as_ref().map(|from| {
        let mut sources = json_form(&ins.rest).unwrap_or_else(|| words(&ins.rest, escape));
        sources.pop(); // the destination
        let holds = sources
            .iter()
            .map(|s| expand(s, escape, &stage.state).map_or(Holds::Anything, |p| arch::holds(&p)))
            .max()
            .unwrap_or(Holds::Anything);
        (from.clone(), holds)
    });
    let mount_holds: Vec<(String, Holds)> = mounts
        .into_iter()
        .map(|(from, source)| (from, arch::holds(&source)))
        .collect();
    let mounted_images: Vec<(String, Holds)> = mount_holds
        .iter()
        .filter(|(f, _)| mounted.contains(f))
        .cloned()
        .collect();
    // An image's name is evidence of an architecture too, unless all taken from it is
    // architecture-independent.
    if let Some(fetched) = stage.copies.last_mut() {
        for (image, _) in mounted_images.iter().filter(|(_, h)| *h == Holds::Anything) {
            fetched.push(arch::repository_and_tag(image));
        }
    }
    if let Some(image) = from_image {
        let holds = copy_neutral.as_ref().map_or(Holds::Anything, |(_, h)| *h);
        if let Some(copied) = stage.copies.last_mut()
            && holds == Holds::Anything
        {
            copied.push(arch::repository_and_tag(&image));
        }
        stage.copied_images.push((image, holds));
    }
    stage.copied_images.extend(mounted_images);
    stage.froms.extend(copy_neutral);
    stage.froms.extend(mount_holds);
}

fn from(ins: &Instruction, escape: char, global: &Scope, stages: &[Stage]) -> Stage {
    let args = words(&ins.rest, escape);
    let image_word = args.first().cloned().unwrap_or_default();
    let name = match args.as_slice() {
        [_, as_, name] if as_.eq_ignore_ascii_case("as") => Some(name.to_ascii_lowercase()),
        _ => None,
    };
    let base = match expand(&image_word, escape, global) {
        Err(u) => Base::Unresolved(u),
        Ok(image) if image.is_empty() => {
            Base::Unresolved(Unresolved(format!("`{image_word}`, empty once expanded")))
        }
        Ok(image) if image.eq_ignore_ascii_case("scratch") => Base::Scratch,
        Ok(image) => {
            let lower = image.to_ascii_lowercase();
            match stages
                .iter()
                .rposition(|s| s.name.as_deref() == Some(lower.as_str()))
            {
                Some(i) => Base::Stage(i),
                None if !arch::valid_reference(&image) => Base::Unresolved(Unresolved(format!(
                    "`{image_word}`, which expands to {image}, not an image reference"
                ))),
                None => Base::Image(image),
            }
        }
    };
    let platform = ins
        .flag("platform")
        .map(|p| (p.to_owned(), expand(p, escape, global)));
    let image_name = match &base {
        Base::Image(i) => i.clone(),
        _ => image_word.clone(),
    };
    let (config, state) = initial(&base, &image_name, stages);
    let sh_braces = match &base {
        Base::Image(image) => sh_braces(image),
        Base::Stage(i) => stages[*i].sh_braces,
        Base::Scratch | Base::Unresolved(_) => false,
    };
    let mut worst = state.clone();
    for (name, text) in &config.build_args {
        worst.set(name, Val::Known(text.clone()));
    }
    Stage {
        from: ins.rest.clone(),
        name,
        base,
        platform,
        config,
        state,
        worst,
        copies: Vec::new(),
        runs: Vec::new(),
        inline_files: Vec::new(),
        host_builds: Vec::new(),
        machine_builds: Vec::new(),
        machine_named: Vec::new(),
        copied_images: Vec::new(),
        froms: Vec::new(),
        cmd_set: false,
        scripts: Vec::new(),
        onbuild: Vec::new(),
        writes: Vec::new(),
        workdirs: Vec::new(),
        package_trees: Vec::new(),
        removals: Vec::new(),
        links: Vec::new(),
        made_dirs: Vec::new(),
        chmods: Vec::new(),
        sh_braces,
    }
}

/// Whether an image's `/bin/sh` expands braces: bash is `/bin/sh` on Amazon Linux (every
/// AWS Lambda base image, AWS SAM's build images) and the Red Hat family; Debian's and
/// Ubuntu's is dash, Alpine's busybox ash, neither of which does. An image not known here is
/// taken to be neither (most official images are Debian's).
fn sh_braces(image: &str) -> bool {
    const BASH_AS_SH: [&str; 9] = [
        "amazonlinux",
        "fedora",
        "centos",
        "rockylinux",
        "almalinux",
        "oraclelinux",
        "ubi8",
        "ubi9",
        "ubi10",
    ];
    let lower = image.to_ascii_lowercase();
    let (_, path, _) = arch::reference(&lower);
    let name = path.rsplit('/').next().unwrap_or_default();
    arch::lambda_runtime(image).is_some()
        || path.contains("/sam/build-")
        || BASH_AS_SH
            .iter()
            .any(|d| name == *d || name.starts_with(&format!("{d}-")))
}

impl Stage {
    /// Whether RUN's shell expands braces: the `SHELL` the stage set (bash, zsh, ksh do), or
    /// the image's `/bin/sh`.
    fn braces(&self) -> bool {
        let program = match &self.config.shell {
            Known::Is(shell) => shell.first().and_then(|p| p.rsplit('/').next()),
            Known::Unknown(_) => None,
        };
        match program {
            Some("bash" | "zsh" | "ksh" | "mksh" | "ksh93") => true,
            Some("sh") | None => self.sh_braces,
            Some(_) => false,
        }
    }

    fn apply(&mut self, ins: &Instruction, escape: char, global: &Scope) {
        // What the image's config and history keep as written: the commands it starts
        // (exec form as its arguments), checks its health with or leaves for its children,
        // the shell it runs them with, and every other setting its history records.
        if matches!(
            ins.keyword.as_str(),
            "ENTRYPOINT"
                | "CMD"
                | "HEALTHCHECK"
                | "ONBUILD"
                | "SHELL"
                | "USER"
                | "WORKDIR"
                | "VOLUME"
                | "EXPOSE"
                | "STOPSIGNAL"
                | "MAINTAINER"
        ) {
            let text = json_form(&ins.rest).map_or_else(|| ins.rest.clone(), |argv| argv.join(" "));
            self.config
                .kept
                .push(Kept::Command(ins.keyword.clone(), text));
        }
        match ins.keyword.as_str() {
            "ARG" => {
                for (name, default) in arg_words(&ins.rest, escape) {
                    let val = match default {
                        // BuildKit expands a default with what the stage has: a name it
                        // does not declare (a global ARG not brought in) is empty.
                        Some(d) => known(expand_value(&d, escape, &self.state)),
                        None => match (
                            global.get(&name).filter(|v| **v != Val::NoDefault),
                            self.state.get(&name),
                        ) {
                            (Some(v), _) => v.clone(),
                            // Without a --build-arg the value the stage already had stays.
                            (None, Some(v @ Val::Known(_))) => v.clone(),
                            _ => Val::NoDefault,
                        },
                    };
                    self.state.set(&name, val.clone());
                    self.worst.set(&name, Val::Known(BUILD_ARG.to_string()));
                    // The history keeps the ARG a later one replaces, with its value.
                    if let Some(at) = self.config.args.iter().position(|(n, _)| *n == name) {
                        let (_, replaced) = self.config.args.remove(at);
                        if replaced != val {
                            self.config
                                .kept
                                .push(Kept::Replaced("ARG", name.clone(), replaced));
                        }
                    }
                    self.config.args.push((name, val));
                }
            }
            "LABEL" => {
                for (k, v) in pairs(&ins.rest, escape) {
                    if let Ok(key) = expand(&k, escape, &self.state) {
                        let value = known(expand_value(&v, escape, &self.state));
                        self.config.kept.push(Kept::Label(key, value));
                    }
                }
            }
            "ENV" => {
                let pairs = pairs(&ins.rest, escape);
                // Every value is expanded against the variables before this instruction.
                let values: Vec<(String, Val, Option<String>)> = pairs
                    .iter()
                    .filter_map(|(k, v)| {
                        let key = expand(k, escape, &self.state).ok()?;
                        let worst = expand(v, escape, &self.worst)
                            .ok()
                            .filter(|w| w.contains(BUILD_ARG));
                        Some((key, known(expand_value(v, escape, &self.state)), worst))
                    })
                    .collect();
                // A value this check cannot know (a base image's variable) may be its
                // fallback text: the image keeps that when the base sets none of them.
                for (k, v) in &pairs {
                    if expand_value(v, escape, &self.state).is_err()
                        && let (Ok(key), Ok(text)) = (
                            expand(k, escape, &self.state),
                            expand_value(v, escape, &self.state.unknowns_unset()),
                        )
                    {
                        self.config.kept.push(Kept::Fallback(key, text));
                    }
                }
                for (k, v, worst) in values {
                    self.config.build_args.retain(|(n, _)| *n != k);
                    match worst {
                        Some(text) => {
                            self.worst.set(&k, Val::Known(text.clone()));
                            self.config.build_args.push((k.clone(), text));
                        }
                        None => self.worst.set(&k, v.clone()),
                    }
                    self.state.set(&k, v.clone());
                    match self.config.env.iter_mut().find(|(n, _)| *n == k) {
                        Some(slot) => {
                            let replaced = std::mem::replace(&mut slot.1, v);
                            if replaced != slot.1 {
                                self.config.kept.push(Kept::Replaced("ENV", k, replaced));
                            }
                        }
                        None => self.config.env.push((k, v)),
                    }
                }
            }
            "WORKDIR" => {
                self.config.working_dir = match expand(&ins.rest, escape, &self.state) {
                    Err(u) => {
                        Known::Unknown(format!("WORKDIR {}: {} cannot be resolved", ins.rest, u.0))
                    }
                    Ok(p) if p.is_empty() => Known::Unknown(format!(
                        "WORKDIR {} is empty once expanded, which fails the build",
                        ins.rest
                    )),
                    Ok(p) if p.starts_with('/') => Known::Is(clean(&p)),
                    Ok(p) => match &self.config.working_dir {
                        Known::Is(dir) => Known::Is(clean(&format!("{dir}/{p}"))),
                        Known::Unknown(why) => {
                            Known::Unknown(format!("WORKDIR {p} is relative to a directory {why}"))
                        }
                    },
                };
                if let Known::Is(dir) = &self.config.working_dir {
                    self.workdirs.push(dir.clone());
                }
            }
            "ENTRYPOINT" => {
                self.config.entry_point = self.exec_form(&ins.rest);
                // An ENTRYPOINT drops the CMD the stage inherited.
                if !self.cmd_set {
                    self.config.command = Known::Is(None);
                }
            }
            "CMD" => {
                self.config.command = self.exec_form(&ins.rest);
                self.cmd_set = true;
            }
            "SHELL" => {
                if let Some(shell) = json_form(&ins.rest) {
                    self.config.shell = Known::Is(shell);
                }
            }
            "RUN" => {
                // A heredoc's body is the script the RUN's shell runs, and so is a file a
                // heredoc wrote that it names (`COPY <<EOF /tmp/install.sh` … `RUN sh
                // /tmp/install.sh`).
                let named = self
                    .scripts
                    .iter()
                    .filter(|(name, _)| names_file(&ins.rest, name))
                    .map(|(_, body)| body.as_str());
                let script = std::iter::once(ins.rest.as_str())
                    .chain(ins.heredocs.iter().map(String::as_str))
                    .chain(named)
                    .collect::<Vec<_>>()
                    .join("\n");
                self.runs.push(script.clone());
                let wd = match &self.config.working_dir {
                    Known::Is(wd) => Some(wd.as_str()),
                    Known::Unknown(_) => None,
                };
                let sh = Sh {
                    escape,
                    state: &self.state,
                    braces: self.braces(),
                };
                let trees = package_trees(&script, sh, wd);
                self.package_trees.extend(trees);
                // Read command by command once, for what the script removes, makes and
                // changes the mode of.
                let commands = if LOCATED_WORDS.iter().any(|w| script.contains(w)) {
                    located(&script, sh, wd)
                } else {
                    Vec::new()
                };
                let links = linked(&commands, self.runs.len() - 1);
                self.links.extend(links);
                let made = made_dirs(&script, &commands);
                self.made_dirs.extend(made);
                // Most scripts change no mode: skip reading their words.
                if ["chmod", "install ", "umask "]
                    .iter()
                    .any(|w| script.contains(w))
                {
                    for (target, recursive, mode, select) in modes::chmods(&commands) {
                        self.chmods.push(Chmod {
                            writes: self.writes.len(),
                            target,
                            recursive,
                            mode,
                            select,
                        });
                    }
                }
                for (target, recursive, select, after) in removed(&script, &commands) {
                    self.removals.push(Removal {
                        runs: self.runs.len(),
                        writes: self.writes.len(),
                        target,
                        recursive,
                        select,
                        after,
                    });
                }
                // A build secret the script copies or writes out stays in the layer.
                let (secrets, scratch) = persisted::mounts(&ins.flags);
                let wd = match &self.config.working_dir {
                    Known::Is(wd) => Some(wd.as_str()),
                    Known::Unknown(_) => None,
                };
                if !secrets.is_empty()
                    && let Some((path, command)) =
                        persisted::persisted(&script, &secrets, &scratch, wd)
                {
                    self.config.kept.push(Kept::Secret(path, command));
                }
                // The image's history keeps the command as written, with its heredocs.
                let written = std::iter::once(ins.rest.as_str())
                    .chain(ins.heredocs.iter().map(String::as_str))
                    .collect::<Vec<_>>()
                    .join("\n");
                if let Some((names, with_inputs)) = args_as_inputs(&written, &self.config.args) {
                    self.config
                        .kept
                        .push(Kept::ArgCommand(names, written.clone(), with_inputs));
                }
                self.config
                    .kept
                    .push(Kept::Command("RUN".to_owned(), written));
                // A RUN that branches on the architecture builds only the branch for it, which
                // this reading cannot pick: its words are no evidence. Branching on the target's
                // ARGs, it builds for the target, whatever platform it runs on.
                if arch::branches_on_arch(&script) {
                    // Branching on the machine's own architecture, it builds for the machine.
                    if !(script.contains("TARGETARCH") || script.contains("TARGETPLATFORM")) {
                        self.machine_builds.push(ins.rest.clone());
                    }
                    let target = ["TARGETARCH", "TARGETPLATFORM"]
                        .into_iter()
                        .filter(|v| script.contains(v))
                        .filter_map(|v| match self.state.get(v) {
                            Some(Val::Known(value)) => Some(format!("{v}={value}")),
                            _ => None,
                        })
                        .collect();
                    self.copies.push(target);
                    return;
                }
                let mut fetched = self.target_settings(global);
                match json_form(&ins.rest) {
                    // Exec form: no shell, so nothing is expanded, but `sh -c` runs one.
                    Some(argv) => {
                        for arg in &argv {
                            self.evidence(arg, escape, false, &mut fetched);
                        }
                        let script = match argv.iter().position(|a| a == "-c") {
                            Some(at) => argv[at + 1..].join(" "),
                            None => argv
                                .iter()
                                .map(|a| format!("'{a}'"))
                                .collect::<Vec<_>>()
                                .join(" "),
                        };
                        self.host_compiles(&script, escape, &mut fetched);
                    }
                    None => {
                        self.evidence(&script, escape, false, &mut fetched);
                        self.host_compiles(&script, escape, &mut fetched);
                    }
                }
                self.note_build_machine(&fetched);
                self.copies.push(fetched);
            }
            "COPY" | "ADD" => {
                self.inline_files
                    .extend(self.runs.len()..self.runs.len() + ins.heredocs.len());
                self.runs.extend(ins.heredocs.iter().cloned());
                let mut sources = json_form(&ins.rest).unwrap_or_else(|| words(&ins.rest, escape));
                let destination = sources.pop().unwrap_or_default();
                // One heredoc written to a file path: a later RUN may name that file.
                if let [body] = ins.heredocs.as_slice()
                    && let Some(name) = destination.rsplit('/').next().filter(|n| !n.is_empty())
                {
                    self.scripts.push((name.to_owned(), body.clone()));
                }
                let expanded: Vec<String> = sources
                    .iter()
                    .filter(|s| !s.starts_with("<<"))
                    .filter_map(|s| expand_value(s, escape, &self.state).ok())
                    .collect();
                // Where the files land: in the destination under each source's name, or the
                // destination itself (a relative one in the WORKDIR). A variable the stage
                // does not have is empty there, as BuildKit expands it (a global ARG not
                // brought in by a bare `ARG NAME`, one declared only after): not unknowable.
                let landing = expand_value(&destination, escape, &self.state)
                    .ok()
                    .and_then(|d| match &self.config.working_dir {
                        _ if d.starts_with('/') => Some(clean(&d)),
                        Known::Is(wd) => Some(clean(&format!("{wd}/{d}"))),
                        Known::Unknown(_) => None,
                    });
                // Heredocs write a file named by their marker (`COPY <<app.sh /dest/`).
                let written: Vec<String> = sources
                    .iter()
                    .map(|s| match s.strip_prefix("<<") {
                        Some(marker) => marker
                            .trim_start_matches('-')
                            .trim_matches(['"', '\''])
                            .to_owned(),
                        None => {
                            expand_value(s, escape, &self.state).unwrap_or_else(|_| "*".to_owned())
                        }
                    })
                    .collect();
                let into_dir = destination.ends_with('/')
                    || written.len() > 1
                    || written.iter().any(|s| s.contains(['*', '?', '[']));
                // A heredoc's body is a file in the stage's layers, as BuildKit writes it (an
                // unquoted marker's with the stage's variables expanded): in the image when
                // this stage is in the final one's chain or a COPY --from takes it.
                let heredoc_files = sources
                    .iter()
                    .zip(&written)
                    .filter(|(s, _)| s.starts_with("<<"))
                    .map(|(_, name)| name);
                for (name, body) in heredoc_files.zip(&ins.heredocs) {
                    let mut texts = vec![body.clone()];
                    if body.contains('$')
                        && let Ok(expanded) = expand(body, escape, &self.state)
                        && expanded != *body
                    {
                        texts.push(expanded);
                    }
                    let path = match &landing {
                        Some(dest) if into_dir => format!("{}/{name}", dest.trim_end_matches('/')),
                        Some(dest) => dest.clone(),
                        None => destination.clone(),
                    };
                    self.config.kept.push(Kept::File(path, texts));
                }
                let parents = ins.keyword == "COPY"
                    && ins
                        .flag("parents")
                        .is_some_and(|v| !v.eq_ignore_ascii_case("false"));
                let exclude = ins
                    .flags
                    .iter()
                    .filter(|(n, _)| n.eq_ignore_ascii_case("exclude"))
                    .map(|(_, v)| expand(v, escape, &self.state).unwrap_or_else(|_| "*".to_owned()))
                    .collect();
                self.writes.push(Write {
                    into_dir: into_dir || parents,
                    sources: written,
                    dest: landing.clone(),
                    from: ins
                        .flag("from")
                        .filter(|_| ins.keyword == "COPY")
                        .map(str::to_ascii_lowercase),
                    add: ins.keyword == "ADD",
                    unpack: ins.flag("unpack").and_then(bool_flag),
                    parents,
                    exclude,
                    chmod: ins.flag("chmod").map(str::to_owned),
                    inline: !sources.is_empty() && sources.iter().all(|s| s.starts_with("<<")),
                });
                if let Some(dest) = landing {
                    for source in &expanded {
                        let name = if parents {
                            Some(kept_path(source))
                        } else {
                            source.trim_end_matches('/').rsplit('/').next()
                        };
                        if let Some(name) = name.filter(|n| !matches!(*n, "" | "." | "..")) {
                            self.config.placed.push(clean(&format!("{dest}/{name}")));
                        }
                    }
                    self.config.placed.push(dest);
                }
                // The history names each source (a URL with its credentials too).
                for source in expanded.iter().filter(|s| s.contains("://")) {
                    self.config
                        .kept
                        .push(Kept::Command(ins.keyword.clone(), source.clone()));
                }
                self.note_build_machine(&sources);
                let known_sources = expanded
                    .into_iter()
                    .filter(|s| !arch::data_file(s))
                    .collect();
                self.copies.push(known_sources);
            }
            "ONBUILD" => self.onbuild.extend(parse(&ins.rest).instructions),
            _ => {}
        }
    }

    /// Records the words that, as written, read a build machine's platform ARG the stage
    /// declares: the global scope leaves its value as the machine's.
    fn note_build_machine(&mut self, words: &[String]) {
        let named: Vec<String> = words
            .iter()
            .filter(|w| {
                arch::build_machine_args(w)
                    .any(|name| matches!(self.state.get(name), Some(Val::Unknown(_))))
            })
            .cloned()
            .collect();
        self.machine_named.extend(named);
    }

    /// What a shell script fetches or builds into the image: URLs, pip's platform tags
    /// (`--platform manylinux2014_x86_64`), and settings whose value designates an architecture
    /// (`GOARCH=amd64`, `--cpu=x64`, `--target x86_64-unknown-linux-musl`). Words are split as
    /// the shell splits them and read as it expands them with the stage's ARGs and ENVs (which
    /// BuildKit gives it); a word with a variable nothing here sets stays as written. What a
    /// command only prints (`echo`, `printf`) and comments build nothing; a quoted script
    /// (`sh -c "…"`) is read in turn, once (a variable's value is not expanded again).
    fn evidence(&self, script: &str, escape: char, nested: bool, out: &mut Vec<String>) {
        for line in script.lines() {
            let mut program: Option<String> = None;
            let mut platform_next = false;
            for raw in words(line, escape) {
                if raw.starts_with('#') {
                    break;
                }
                let word = raw.trim_end_matches(';');
                if SEPARATORS.contains(&word) {
                    program = None;
                    continue;
                }
                let expanded = expand(word, escape, &self.state)
                    .unwrap_or_else(|_| word.trim_matches(['"', '\'']).to_owned());
                let assignment = assigned(word).is_some();
                if program.is_none() && !assignment && !PREFIXES.contains(&expanded.as_str()) {
                    program = Some(expanded.rsplit('/').next().unwrap_or_default().to_owned());
                }
                if !matches!(program.as_deref(), Some("echo" | "printf")) {
                    if expanded.contains(char::is_whitespace) && !nested {
                        self.evidence(&expanded, escape, true, out);
                    } else {
                        let value = expanded.rsplit('=').next().unwrap_or_default();
                        // `-m32` makes a C compiler build for 32-bit x86 (i386), whatever
                        // target its name says.
                        if expanded == "-m32"
                            && let Some(compiler) =
                                program.as_deref().filter(|p| arch::c_compiler(p))
                        {
                            out.retain(|w| w.rsplit('/').next() != Some(compiler));
                            out.push("-m32 (i386)".to_owned());
                        }
                        if platform_next
                            || arch::build_machine_args(&expanded).next().is_some()
                            || expanded.contains("://")
                            || expanded.contains("manylinux")
                            || expanded.contains("musllinux")
                            || expanded.starts_with("--platform=")
                            || arch::designated(value).is_some()
                            || arch::cross_compiler(value).is_some()
                            || arch::sets_arch(&expanded)
                            || arch::foreign_os(&expanded).is_some()
                        {
                            out.push(expanded.clone());
                        }
                    }
                }
                platform_next = expanded == "--platform";
                if raw.ends_with(';') {
                    program = None;
                }
            }
        }
    }

    /// Records each simple command of a shell script that builds for the machine it runs on:
    /// one using the machine's architecture (`tool-$(uname -m)`, not printing it), and a
    /// compiler ([`arch::compiles_for_host`]) with no target option, and no target variable with a
    /// value — assigned a non-empty one anywhere in the script (`GOARCH=… go build`, `export
    /// GOARCH=…`, `go env -w GOARCH=…`) or by the stage's ENVs and ARGs (`GOARCH=$TARGETARCH`
    /// without `ARG TARGETARCH` is empty, and Go builds for the host); and, as evidence in
    /// `fetched`, the target a tool picks by itself ([`arch::default_target`]).
    fn host_compiles(&mut self, script: &str, escape: char, fetched: &mut Vec<String>) {
        let given: Vec<String> = script
            .lines()
            .flat_map(|line| words(line, escape))
            .filter_map(|w| {
                let name = assigned(&w)?.to_owned();
                // Unset is empty; what cannot be known may hold a target.
                let valued = expand_value(&w, escape, &self.state).map_or(true, |e| {
                    e.split_once('=').is_some_and(|(_, v)| !v.is_empty())
                });
                valued.then_some(name)
            })
            .collect();
        let set = |v: &str| {
            given.iter().any(|n| n == v)
                || match self.state.get(v) {
                    Some(Val::Known(value)) => !value.is_empty(),
                    Some(Val::Unknown(_)) => true,
                    _ => false,
                }
        };
        let mut found = Vec::new();
        for line in script.lines() {
            // Each simple command's arguments, and its words as written (assignments too).
            let mut commands: Vec<(Vec<String>, String)> = vec![Default::default()];
            for raw in words(line, escape) {
                if raw.starts_with('#') {
                    break;
                }
                let word = raw.trim_end_matches(';');
                let Some((argv, written)) = commands.last_mut() else {
                    break;
                };
                if SEPARATORS.contains(&word) {
                    commands.push(Default::default());
                    continue;
                }
                written.push_str(word);
                written.push(' ');
                if argv.is_empty() && (assigned(word).is_some() || PREFIXES.contains(&word)) {
                    continue;
                }
                argv.push(
                    expand(word, escape, &self.state)
                        .unwrap_or_else(|_| word.trim_matches(['"', '\'']).to_owned()),
                );
                if raw.ends_with(';') {
                    commands.push(Default::default());
                }
            }
            for (argv, written) in &commands {
                let prints = argv
                    .first()
                    .is_some_and(|p| matches!(p.rsplit('/').next(), Some("echo" | "printf")));
                if arch::compiles_for_host(argv, set) {
                    found.push(argv.join(" "));
                } else if arch::asks_machine(written) && !prints {
                    self.machine_builds.push(written.trim_end().to_owned());
                }
                if let Some(target) = arch::default_target(argv) {
                    fetched.push(format!("{} (target {target})", argv.join(" ")));
                }
            }
        }
        self.host_builds.extend(found);
    }

    /// The variables in a RUN's environment (the stage's ARGs and ENVs, an ARG over an ENV of
    /// its name) that pick the build tools' target architecture: evidence like a `GOARCH=…`
    /// word. `TARGET*` as the build sets them (a bare `ARG TARGETARCH`) say nothing of what
    /// the RUN builds.
    fn target_settings(&self, global: &Scope) -> Vec<String> {
        self.state
            .vars()
            .filter(|(name, value)| {
                arch::selects_target(name)
                    && !(name.starts_with("TARGET") && global.get(name) == Some(*value))
            })
            .filter_map(|(name, value)| match value {
                Val::Known(text) => Some(format!("{name}={text}")),
                _ => None,
            })
            .filter(|setting| !arch::named(setting).is_empty())
            .collect()
    }

    /// Exec form as written (never expanded); shell form run by the stage's SHELL.
    fn exec_form(&self, rest: &str) -> Known<Option<Vec<String>>> {
        if let Some(args) = json_form(rest) {
            return Known::Is(Some(args));
        }
        match &self.config.shell {
            Known::Is(shell) => {
                let mut args = shell.clone();
                args.push(rest.to_owned());
                Known::Is(Some(args))
            }
            Known::Unknown(why) => Known::Unknown(format!("the shell form runs the SHELL {why}")),
        }
    }
}

/// The final stage and the stages it is built FROM, final first.
pub(super) fn final_chain(stages: &[Stage]) -> Vec<usize> {
    stages
        .len()
        .checked_sub(1)
        .map_or_else(Vec::new, |last| chain(stages, last))
}

/// Stage `from` and the stages it is built FROM, `from` first.
pub(super) fn chain(stages: &[Stage], from: usize) -> Vec<usize> {
    let mut chain = Vec::new();
    let mut at = Some(from);
    while let Some(i) = at {
        chain.push(i);
        at = match stages[i].base {
            Base::Stage(parent) if parent < i => Some(parent),
            _ => None,
        };
    }
    chain
}

/// Which copies [`feeders`] follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Copies {
    /// Those that may carry a build for some architecture: not a copy of
    /// architecture-independent files only (a CA bundle, `/usr/share/zoneinfo`, sources).
    Builds,
    /// Those that may carry a program, sources too (a runtime interface client may be
    /// architecture-independent source): not a copy of data only.
    Programs,
}

/// The stages whose files reach the final image without being part of its FROM chain: those
/// it copies or mounts from, and those they copy from in turn (each judged with the stages it
/// is built FROM). A `--from` resolves to a stage by name or index anywhere in the file (one
/// defined after the copying stage fails the build, which `order` in `mod.rs` refuses).
pub(super) fn feeders(stages: &[Stage], chain_of_final: &[usize], copies: Copies) -> Vec<usize> {
    let mut seen: Vec<usize> = chain_of_final.to_vec();
    let mut queue = seen.clone();
    let mut found = Vec::new();
    while let Some(i) = queue.pop() {
        let followed = stages[i].froms.iter().filter(|(_, holds)| match copies {
            Copies::Builds => *holds == Holds::Anything,
            Copies::Programs => *holds != Holds::Data,
        });
        for (from, _) in followed {
            let target = match from.parse::<usize>() {
                Ok(index) => (index < stages.len()).then_some(index),
                Err(_) => stages
                    .iter()
                    .rposition(|s| s.name.as_deref() == Some(from.as_str())),
            };
            let Some(target) = target.filter(|t| !seen.contains(t)) else {
                continue;
            };
            found.push(target);
            for k in chain(stages, target) {
                if !seen.contains(&k) {
                    seen.push(k);
                    queue.push(k);
                }
            }
        }
    }
    found.sort_unstable();
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn braces_expand_as_bash_expands_them() {
        let cases: [(&str, &[&str]); 9] = [
            ("/a/{b,c}", &["/a/b", "/a/c"]),
            ("x{1..3}", &["x1", "x2", "x3"]),
            ("{3..1}", &["3", "2", "1"]),
            ("/a/{b,{c,d}e}", &["/a/b", "/a/ce", "/a/de"]),
            ("{a,b}{1,2}", &["a1", "a2", "b1", "b2"]),
            ("'{a,b}'", &["'{a,b}'"]),
            ("${V}/{}", &["${V}/{}"]),
            ("{boot{strap,x}}", &["{bootstrap}", "{bootx}"]),
            ("a\\{b,c}", &["a\\{b,c}"]),
        ];
        for (word, want) in cases {
            assert_eq!(brace_words(word), want, "{word}");
        }
        assert_eq!(brace_words("{1..1000}").len(), 1);
        assert_eq!(
            brace_words("{a,b}{c,d}{e,f}{g,h}{i,j}{k,l}{m,n}").len(),
            MAX_BRACE_WORDS
        );
    }

    /// The stage's environment without the PATH BuildKit gives a scratch stage.
    fn own_env(s: &Stage) -> Vec<(String, Val)> {
        let default = Val::Known(DEFAULT_PATH.to_owned());
        s.config
            .env
            .iter()
            .filter(|(k, v)| !(k == "PATH" && *v == default))
            .cloned()
            .collect()
    }

    fn last(text: &str) -> Stage {
        let mut all = stages(&parse(text), &Arch::Arm64);
        all.pop().expect("a stage")
    }

    #[test]
    fn global_args_reach_from_lines_and_stages_only_through_a_bare_arg() {
        let s = last(
            "ARG D=/var/task\nARG B=public.ecr.aws/lambda/provided:al2023\nFROM $B\nWORKDIR ${D:-/x}\n",
        );
        assert_eq!(
            s.base,
            Base::Image("public.ecr.aws/lambda/provided:al2023".into())
        );
        assert_eq!(s.config.working_dir, Known::Is("/x".into()));
        let s = last("ARG D=/app\nFROM scratch\nARG D\nWORKDIR $D/\n");
        assert_eq!(s.config.working_dir, Known::Is("/app".into()));
    }

    #[test]
    fn platform_args_are_the_targets_and_the_build_machine_is_unknown() {
        let s =
            last("FROM --platform=$TARGETPLATFORM scratch\nARG TARGETARCH\nWORKDIR /$TARGETARCH\n");
        assert_eq!(s.platform.map(|p| p.1), Some(Ok("linux/arm64".into())));
        assert_eq!(s.config.working_dir, Known::Is("/arm64".into()));
        let s = last("FROM --platform=$BUILDPLATFORM scratch\nWORKDIR /${TARGETARCH:-none}\n");
        assert!(matches!(s.platform, Some((_, Err(_)))));
        // Not declared in the stage: unset.
        assert_eq!(s.config.working_dir, Known::Is("/none".into()));
    }

    #[test]
    fn a_stage_inherits_config_and_variables_from_its_base_stage() {
        let all = stages(
            &parse(
                "FROM scratch AS Base\nARG X=1\nENV Y=$X\nCMD [\"c\"]\nFROM base\nENTRYPOINT [\"e\"]\nWORKDIR a/./b/../c/\n",
            ),
            &Arch::Arm64,
        );
        let s = &all[1];
        assert_eq!(s.base, Base::Stage(0));
        assert_eq!(s.state.get("X"), Some(&Val::Known("1".into())));
        assert_eq!(own_env(s), [("Y".to_owned(), Val::Known("1".into()))]);
        assert_eq!(s.config.command, Known::Is(None));
        assert_eq!(s.config.working_dir, Known::Is("/a/c".into()));
        assert_eq!(final_chain(&all), [1, 0]);
    }

    #[test]
    fn env_values_see_the_variables_before_the_instruction() {
        let s = last("FROM scratch\nENV A=1\nENV A=2 B=$A\nENV C two words\n");
        assert_eq!(
            own_env(&s),
            [
                ("A".to_owned(), Val::Known("2".into())),
                ("B".to_owned(), Val::Known("1".into())),
                ("C".to_owned(), Val::Known("two words".into())),
            ]
        );
    }

    #[test]
    fn onbuild_triggers_run_in_the_stage_built_from_it_only() {
        let all = stages(
            &parse(
                "FROM scratch AS base\nONBUILD WORKDIR /var/task\nONBUILD ENV A=1\nFROM base AS child\nFROM child\n",
            ),
            &Arch::Arm64,
        );
        assert_eq!(all[0].config.working_dir, Known::Is("/".into()));
        assert_eq!(all[1].config.working_dir, Known::Is("/var/task".into()));
        assert_eq!(own_env(&all[1]), [("A".to_owned(), Val::Known("1".into()))]);
        assert!(all[2].onbuild.is_empty());
    }

    #[test]
    fn a_scratch_stage_has_buildkits_default_path() {
        let s = last("FROM scratch\nENV PATH=/opt/bin:$PATH\n");
        assert_eq!(
            s.config.env,
            [(
                "PATH".to_owned(),
                Val::Known(format!("/opt/bin:{DEFAULT_PATH}"))
            )]
        );
    }

    #[test]
    fn shell_form_runs_the_stage_shell() {
        let s = last("FROM scratch\nSHELL [\"/bin/bash\", \"-c\"]\nENTRYPOINT exec app\n");
        assert_eq!(
            s.config.entry_point,
            Known::Is(Some(vec![
                "/bin/bash".into(),
                "-c".into(),
                "exec app".into()
            ]))
        );
    }
}
