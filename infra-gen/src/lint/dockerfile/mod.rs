//! `image-platform`, `image-config`, `image-streaming` and the Dockerfile's share of
//! `secret-in-env`: the final stage of the function's Dockerfile, worked out the way BuildKit
//! builds it for `--platform linux/<arch>`, must run on the function's architecture, start
//! the way its ImageConfig says, keep secrets out of its environment, and stream only on a
//! runtime that can. What cannot be worked out from the file is a finding, never a pass.

mod arch;
mod eval;
mod expand;
mod files;
mod modes;
mod parse;
mod persisted;

use super::Sink;
use super::resolve::{Origin, Part, Resolved, Unknown};
use crate::model::lambda::{Function, HandlerMode};
use arch::{Arch, NotAnArch};
use eval::{Base, Kept, Known, Stage};
use expand::Val;

pub(super) fn check(f: &Function, id: &str, sink: &mut Sink<'_>) {
    let path = &f.source.dockerfile;
    let parsed = parse::parse(f.source.dockerfile_text);
    if let Some(frontend) = parsed.syntax.as_deref().filter(|s| !dockerfile_frontend(s)) {
        sink.push(
            "image-platform",
            id,
            format!(
                "{path} names the BuildKit frontend {frontend} in its `# syntax=` directive, so that program, not the Dockerfile frontend, decides what the file builds: its platform, base image, ENTRYPOINT, CMD, WORKDIR and ENV cannot be worked out"
            ),
            "remove the `# syntax=` line or name Docker's Dockerfile frontend (docker/dockerfile:1)",
        );
        return;
    }
    // A file BuildKit's parser refuses builds no image: nothing of it can be worked out.
    if let Some(why) = parse::refusal(&parsed) {
        sink.push(
            "image-platform",
            id,
            format!("{path} does not build: {why}"),
            "fix the instruction so that `docker buildx build` parses the file",
        );
        return;
    }
    let target = Arch::of(f.architecture);
    let stages = eval::stages(&parsed, &target);
    let chain = eval::final_chain(&stages);
    let Some(&last) = chain.first() else {
        sink.push(
            "image-platform",
            id,
            format!("{path} has no FROM instruction"),
            "point the function's DockerSource at the Dockerfile that builds its image",
        );
        return;
    };
    let Some(&root) = chain.last() else { return };
    let mut lint = Lint {
        f,
        id,
        path,
        target,
        sink,
    };
    lint.base(&stages, &chain);
    lint.order(&stages, &chain);
    lint.platform(&stages, &chain, root);
    lint.copies(&stages, &chain);
    lint.feeders(&stages, &chain);
    let lambda_base = match &stages[root].base {
        Base::Image(image) if arch::lambda_runtime(image).is_some() => Some(image.as_str()),
        _ => None,
    };
    lint.config(&stages[last], lambda_base);
    lint.program(&stages, &chain, root);
    lint.modes(&stages, &chain);
    lint.env(&stages[last]);
    lint.copied_files(&stages, &chain);
    let adapter = lint.adapter(&stages, &chain);
    lint.streaming(&stages, &chain, root, adapter);
}

/// The name of the Lambda Web Adapter's image and of the program it ships.
const WEB_ADAPTER: &str = "aws-lambda-adapter";
const WEB_ADAPTER_PROGRAM: &str = "lambda-adapter";

/// What sets the Lambda Web Adapter's invoke mode; its value is read in any case, and
/// anything but `response_stream` (a typo too) buffers, as when it is unset.
const WEB_ADAPTER_MODE: &str = "AWS_LWA_INVOKE_MODE";

/// Whether a `# syntax=` image is Docker's Dockerfile frontend (`docker/dockerfile`, or its
/// `-upstream` builds), on Docker Hub or a mirror of it, at any tag or digest.
fn dockerfile_frontend(image: &str) -> bool {
    let lower = image.to_ascii_lowercase();
    let (_, path, _) = arch::reference(&lower);
    let mut parts = path.rsplit('/');
    matches!(
        (parts.next(), parts.next()),
        (Some("dockerfile" | "dockerfile-upstream"), Some("docker"))
    )
}

/// A command for a message: its first line, cut to 80 characters.
pub(super) fn shorten(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default();
    match line.char_indices().nth(80) {
        Some((at, _)) => format!("{}…", &line[..at]),
        None => line.to_owned(),
    }
}

/// Runtime interface clients AWS publishes for use on any image whose streaming support is
/// absent: (what the ImageConfig starts, its language).
const NON_STREAMING_CLIENTS: [(&str, &str); 3] = [
    ("awslambdaric", "Python"),
    ("aws_lambda_ric", "Ruby"),
    ("com.amazonaws.services.lambda.runtime.api.client", "Java"),
];

/// The same clients as their package managers name them (pip, gem, Maven), for an image that
/// installs one: what starts it (a script) may be out of sight, but it is there to be run.
const NON_STREAMING_PACKAGES: [(&str, &str); 3] = [
    ("awslambdaric", "Python"),
    ("aws_lambda_ric", "Ruby"),
    ("aws-lambda-java-runtime-interface-client", "Java"),
];

/// An ENV value with each part a `--build-arg` sets ([`eval::BUILD_ARG`]) as an input, which
/// can hold anything.
fn build_arg_value(text: &str) -> Resolved {
    let mut parts = Vec::new();
    for (i, piece) in text.split(eval::BUILD_ARG).enumerate() {
        if i > 0 {
            parts.push(Part::Unknown(Unknown {
                what: "a value a --build-arg sets".to_owned(),
                origin: Origin::Input,
                may_wildcard: true,
                may_slash: true,
                max_len: None,
                examples: Vec::new(),
                described_as_secret: false,
            }));
        }
        if !piece.is_empty() {
            parts.push(Part::Text(piece.to_owned()));
        }
    }
    Resolved { parts }
}

/// An exec-form command with its program as the path it runs: `./bootstrap` in `/var/task`
/// is `/var/task/bootstrap`, `/var//task/bootstrap` too.
fn program(argv: &[String], wd: Option<&str>) -> Vec<String> {
    let mut argv = argv.to_vec();
    if let Some(first) = argv.first_mut()
        && first.contains('/')
    {
        if first.starts_with('/') {
            *first = eval::clean(first);
        } else if let Some(wd) = wd {
            *first = eval::clean(&format!("{wd}/{first}"));
        }
    }
    argv
}

/// The program a wrapper the ImageConfig starts runs in turn (`env [-i] [-u NAME] [NAME=value]
/// … <program>`, `tini [options] -- <program>`, `dumb-init [options] <program>`), as a path (a
/// relative one in `wd`); `None` for another program, a name looked up in PATH or options
/// this reading does not follow (`env -S`, `env -C`).
fn wrapped_program(argv: &[String], wd: &str) -> Option<String> {
    let (wrapper, rest) = argv.split_first()?;
    // Options taking a value as the next word.
    let with_value: &[&str] = match wrapper.rsplit('/').next()? {
        "env" => &["-u", "--unset"],
        "tini" | "tini-static" => &["-p", "-e"],
        "dumb-init" => &["-r", "--rewrite"],
        _ => return None,
    };
    let mut words = rest.iter();
    let program = loop {
        let word = words.next()?;
        match word.as_str() {
            "--" => break words.next()?,
            w if with_value.contains(&w) => {
                words.next()?;
            }
            w if w.starts_with("-S") || w.starts_with("--split-string") => return None,
            w if w.starts_with("-C") || w.starts_with("--chdir") => return None,
            w if w.starts_with('-') => {}
            w if w.split_once('=').is_some_and(|(k, _)| {
                !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            }) => {}
            _ => break word,
        }
    };
    match program {
        p if p.starts_with('/') => Some(eval::clean(p)),
        p if p.contains('/') => Some(eval::clean(&format!("{wd}/{p}"))),
        _ => None,
    }
}

/// The body of a shell script a COPY/ADD heredoc of the stage (or one it is built FROM)
/// writes at `path` — `#!` naming one of [`SHELLS`], directly or through `env` — or nothing.
fn heredoc_script<'a>(stage: &'a Stage, path: &str) -> &'a str {
    stage
        .config
        .kept
        .iter()
        .rev()
        .find_map(|k| match k {
            eval::Kept::File(at, texts) if at == path => texts.first(),
            _ => None,
        })
        .filter(|body| {
            body.lines()
                .next()
                .and_then(|l| l.strip_prefix("#!"))
                .is_some_and(|interp| {
                    interp.split_whitespace().any(|w| {
                        w.rsplit('/')
                            .next()
                            .is_some_and(|name| SHELLS.contains(&name))
                    })
                })
        })
        .map_or("", String::as_str)
}

/// Whether `path` is Lambda's `/tmp` or below it: Lambda mounts the function's writable
/// storage there, over whatever the image holds.
fn under_tmp(path: &str) -> bool {
    path == "/tmp" || path.starts_with("/tmp/")
}

/// The runtime interface emulator the AWS base images ship for local tests.
const EMULATOR: &str = "aws-lambda-rie";

/// Shells whose `-c` script the ImageConfig may start.
const SHELLS: [&str; 6] = ["sh", "bash", "dash", "ash", "zsh", "ksh"];

/// The program a shell the ImageConfig starts runs first (`sh -c "exec ./bootstrap"`), as
/// the shell finds it after quote removal: a path (relative ones in `wd`), or the name of the
/// emulator; `None` for a name looked up in PATH, a shell keyword or a variable.
fn script_program(argv: &[String], wd: &str) -> Option<String> {
    let (shell, rest) = argv.split_first()?;
    if !SHELLS.contains(&shell.rsplit('/').next()?) {
        return None;
    }
    let at = rest.iter().position(|a| {
        a.len() > 1 && a.starts_with('-') && !a.starts_with("--") && a.ends_with('c')
    })?;
    let script = rest.get(at + 1)?;
    let word = parse::words(script, '\\')
        .into_iter()
        .map(|w| w.replace(['\'', '"'], ""))
        .find(|w| w != "exec" && !(w.contains('=') && !w.starts_with('=') && !w.contains('/')))?;
    if word.contains(['$', '`', ';', '&', '|', '(', ')', '<', '>']) {
        return None;
    }
    if word.rsplit('/').next() == Some(EMULATOR) {
        return Some(word);
    }
    match word {
        w if w.starts_with('/') => Some(eval::clean(&w)),
        w if w.contains('/') => Some(eval::clean(&format!("{wd}/{w}"))),
        _ => None,
    }
}

/// The names a shell script expands with nothing in their place when unset (`$NAME`,
/// `${NAME}`, `${NAME#…}`); not `$1`, `$@`, `$$`, nor `${NAME:-…}`/`${NAME=…}`, which give a
/// fallback.
fn shell_variables(script: &str) -> Vec<&str> {
    script
        .split('$')
        .skip(1)
        .filter_map(|after| {
            let braced = after.strip_prefix('{');
            let after = braced.unwrap_or(after);
            let end = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            let name = &after[..end];
            let rest = after[end..].trim_start_matches(':');
            let fallback = braced.is_some() && rest.starts_with(['-', '=']);
            (name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') && !fallback)
                .then_some(name)
        })
        .collect()
}

struct Lint<'a, 'b> {
    f: &'a Function,
    id: &'a str,
    path: &'a str,
    target: Arch,
    sink: &'a mut Sink<'b>,
}

impl Lint<'_, '_> {
    fn arch_name(&self) -> &'static str {
        self.f.architecture.name()
    }

    fn platform_finding(&mut self, message: String, fix: String) {
        self.sink.push("image-platform", self.id, message, fix);
    }

    /// The final stage's base must be an image this check can name, and a stage name must
    /// refer to a stage defined before it (BuildKit pulls an image of that name otherwise).
    fn base(&mut self, stages: &[Stage], chain: &[usize]) {
        for &i in chain {
            let stage = &stages[i];
            match &stage.base {
                Base::Unresolved(u) => self.platform_finding(
                    format!(
                        "the final stage of {} is built FROM {}, and {} cannot be resolved, so neither can its architecture",
                        self.path, stage.from, u.0
                    ),
                    "give every variable of the final stage's FROM a value (an ARG with a default before the first FROM), or write the image reference out".into(),
                ),
                Base::Image(image) => {
                    let lower = image.to_ascii_lowercase();
                    if stages[i + 1..]
                        .iter()
                        .any(|s| s.name.as_deref() == Some(lower.as_str()))
                    {
                        self.platform_finding(
                            format!(
                                "FROM {image} in the final stage of {} names a stage defined after it, so BuildKit pulls an image called {image} instead",
                                self.path
                            ),
                            format!("move the stage {image} above the stage built from it"),
                        );
                    }
                }
                Base::Scratch | Base::Stage(_) => {}
            }
            for (source, _) in &stage.copied_images {
                // A bare name or an index is meant as a stage (an image is named by a
                // registry, namespace or tag in a COPY --from): naming none, BuildKit pulls
                // whatever image has that name, or fails.
                if !source.contains(['/', ':', '@', '.']) {
                    self.platform_finding(
                        format!(
                            "--from={source} in the final stage of {} names no stage, so BuildKit takes files out of an image called {source} (or fails), whose architecture is unknown",
                            self.path
                        ),
                        format!("name a stage of the Dockerfile (stage names are case-insensitive), or a tagged image; check the spelling of {source}"),
                    );
                }
            }
        }
    }

    /// BuildKit dispatches stages in the file's order, and a `COPY --from` or `RUN
    /// --mount=…,from=` naming a stage not dispatched yet — defined after the stage that
    /// copies, or that stage itself — fails the build ("it needs to be defined before
    /// current stage"): judged in every stage the final image is built from or copies from.
    fn order(&mut self, stages: &[Stage], chain: &[usize]) {
        let index_of = |from: &str| match from.parse::<usize>() {
            Ok(i) => (i < stages.len()).then_some(i),
            Err(_) => stages.iter().position(|s| s.name.as_deref() == Some(from)),
        };
        let mut seen: Vec<usize> = chain.to_vec();
        let mut queue = seen.clone();
        while let Some(i) = queue.pop() {
            for (from, _) in &stages[i].froms {
                let Some(j) = index_of(from) else { continue };
                if j >= i {
                    self.platform_finding(
                        format!(
                            "--from={from} in stage {} of {} names a stage defined after it (or itself), and BuildKit builds stages in the file's order, so the build fails (\"it needs to be defined before current stage\")",
                            stages[i].name.clone().unwrap_or_else(|| i.to_string()),
                            self.path
                        ),
                        format!("move the stage {from} above the stage that copies from it"),
                    );
                    continue;
                }
                for k in eval::chain(stages, j) {
                    if !seen.contains(&k) {
                        seen.push(k);
                        queue.push(k);
                    }
                }
            }
        }
    }

    /// The platform the final stage's root is pulled for (`--platform`, default the target)
    /// and the architecture its image name spells must be the function's. A `--platform`
    /// on `FROM <stage>` or `FROM scratch` is ignored by BuildKit (scratch is labelled with
    /// the target platform), but one naming another architecture still contradicts the
    /// function and is refused.
    fn platform(&mut self, stages: &[Stage], chain: &[usize], root: usize) {
        for &i in chain {
            let Some((written, expanded)) = &stages[i].platform else {
                continue;
            };
            let is_root = i == root && stages[i].base != Base::Scratch;
            let problem = match expanded {
                Ok(p) => match arch::platform(p) {
                    Ok(a) if a == self.target => None,
                    Ok(a) => Some(format!("is pinned to {p}, an {} platform", a.name())),
                    Err(NotAnArch::NotLinux(os)) => Some(format!(
                        "is pinned to {p}, an {os} platform: Lambda runs Linux"
                    )),
                    Err(NotAnArch::OsOnly) if is_root => Some(format!(
                        "is pinned to {p}, which leaves the architecture to the build machine"
                    )),
                    Err(NotAnArch::Malformed) if is_root => {
                        Some(format!("is pinned to {p}, which is not a platform"))
                    }
                    Err(_) => None,
                },
                Err(u) if is_root => Some(format!(
                    "is pinned to --platform={written}, and {} cannot be resolved, so the image may be built for another architecture",
                    u.0
                )),
                Err(_) => None,
            };
            if let Some(problem) = problem {
                let message = format!(
                    "the final stage of {} {problem}, but the function runs on {}",
                    self.path,
                    self.arch_name()
                );
                let fix = format!(
                    "drop --platform from the final stage's FROM (it then builds for the target, `docker buildx build --platform {}`) or use $TARGETPLATFORM; keep --platform=$BUILDPLATFORM for builder stages that cross-compile",
                    self.f.architecture.docker_platform()
                );
                self.platform_finding(message, fix);
            }
        }
        if let Base::Image(image) = &stages[root].base
            && arch::windows_image(image)
        {
            self.platform_finding(
                format!(
                    "the final stage of {} starts FROM {image}, a Windows image, but Lambda runs Linux images only",
                    self.path
                ),
                format!(
                    "start from a Linux image for {} (an AWS Lambda base image, or a Linux tag of the same image)",
                    self.f.architecture.docker_platform()
                ),
            );
        }
        if let Base::Image(image) = &stages[root].base
            && let Some(foreign) = self.foreign(&arch::named(&arch::repository_and_tag(image)))
        {
            let message = format!(
                "the final stage of {} starts FROM {image}, an {} image, but the function runs on {}",
                self.path,
                foreign.name(),
                self.arch_name()
            );
            let fix = format!(
                "use the base image's {} variant or a multi-arch tag",
                self.arch_name()
            );
            self.platform_finding(message, fix);
        }
    }

    /// The first architecture in `named` that is not the function's, unless the same text
    /// also names the function's (a bundle of every architecture).
    fn foreign(&self, named: &[Arch]) -> Option<Arch> {
        if named.contains(&self.target) {
            return None;
        }
        named.first().cloned()
    }

    /// Files copied or fetched into the final image whose names spell another architecture
    /// (a Rust target triple, a release archive's suffix, a multiarch library directory,
    /// a pip platform tag); one instruction naming the function's too is a bundle of both.
    fn copies(&mut self, stages: &[Stage], chain: &[usize]) {
        // The final stage builds for the target; the build machine's platform ARGs name the
        // machine, which is the function's architecture only when the build happens to run on it.
        let machine = chain.iter().flat_map(|&i| &stages[i].machine_named).next();
        if let Some(source) = machine {
            let message = format!(
                "the final stage of {} brings in {source}, named by the build machine's platform ($BUILDARCH, $BUILDPLATFORM), not the function's {}: a build on another machine fetches or builds for that machine",
                self.path,
                self.arch_name()
            );
            let fix = "name it by the target: declare `ARG TARGETARCH` (or TARGETPLATFORM) in the stage and use $TARGETARCH".to_owned();
            self.platform_finding(message, fix);
        }
        let os = chain
            .iter()
            .flat_map(|&i| stages[i].copies.iter().flatten())
            .find_map(|w| arch::foreign_os(w).map(|os| (w, os)));
        if let Some((source, os)) = os {
            let message = format!(
                "the final stage of {} brings in {source}, a {os} build, but Lambda runs Linux",
                self.path
            );
            let fix = format!(
                "build or fetch the linux/{} build (GOOS=linux, a `-unknown-linux-` Rust target, a `linux` release asset)",
                self.target.name()
            );
            self.platform_finding(message, fix);
        }
        let found = chain
            .iter()
            .flat_map(|&i| &stages[i].copies)
            .find_map(|sources| {
                let all: Vec<Arch> = sources.iter().flat_map(|s| arch::named(s)).collect();
                let foreign = self.foreign(&all)?;
                let source = sources.iter().find(|s| arch::named(s).contains(&foreign))?;
                Some((source.clone(), foreign))
            });
        if let Some((source, foreign)) = found {
            let message = format!(
                "the final stage of {} brings in {source}, an {} build, but the function runs on {}",
                self.path,
                foreign.name(),
                self.arch_name()
            );
            let fix = format!(
                "build or fetch for the target platform (e.g. the Rust target or pip --platform from $TARGETARCH) and use the {} build",
                self.arch_name()
            );
            self.platform_finding(message, fix);
        }
    }

    /// A stage the final image copies files from builds them for the function's architecture
    /// unless it says otherwise: a RUN or COPY naming only another architecture (`GOARCH=amd64`,
    /// a `_linux_amd64` download), a FROM pinned to another platform or an image whose name
    /// spells one. A stage naming the function's architecture anywhere builds for it (or for
    /// both, and the path copied, checked above, tells which).
    fn feeders(&mut self, stages: &[Stage], chain: &[usize]) {
        for i in eval::feeders(stages, chain, eval::Copies::Builds) {
            let own = eval::chain(stages, i);
            let words: Vec<&String> = own
                .iter()
                .flat_map(|&k| &stages[k].copies)
                .flatten()
                .collect();
            let named: Vec<(Arch, &String)> = words
                .iter()
                .flat_map(|w| arch::named(w).into_iter().map(move |a| (a, *w)))
                .collect();
            let stage = stages[i].name.clone().unwrap_or_else(|| i.to_string());
            if let Some((word, os)) = words
                .iter()
                .find_map(|w| arch::foreign_os(w).map(|os| (w, os)))
            {
                let message = format!(
                    "the final stage of {} copies files from stage {stage}, which builds or fetches {word}, a {os} build, but Lambda runs Linux",
                    self.path
                );
                let fix = format!(
                    "build stage {stage} for linux/{} (GOOS=linux, a `-unknown-linux-` Rust target)",
                    self.target.name()
                );
                self.platform_finding(message, fix);
                continue;
            }
            let Some(&root) = own.last() else { continue };
            // BuildKit runs the stage on the OS it is pinned to, and its compilers build for
            // that OS by default: its files are that OS's, whatever architecture they name.
            if stages[root].base != Base::Scratch
                && let Some((written, Ok(p))) = &stages[root].platform
                && let Err(NotAnArch::NotLinux(os)) = arch::platform(p)
            {
                let message = format!(
                    "the final stage of {} copies files from stage {stage}, which is pinned to --platform={written}, a {os} platform, but Lambda runs Linux",
                    self.path
                );
                let fix = format!(
                    "build stage {stage} for linux/{}: drop its --platform, or pin it to $BUILDPLATFORM and give the build a Linux target",
                    self.target.name()
                );
                self.platform_finding(message, fix);
                continue;
            }
            if named.iter().any(|(a, _)| *a == self.target) {
                continue;
            }
            // Scratch holds only what is copied into it, judged above by its COPYs.
            let pinned = match &stages[root].platform {
                Some((written, Ok(p))) if stages[root].base != Base::Scratch => arch::platform(p)
                    .ok()
                    .filter(|a| *a != self.target)
                    .map(|a| (a, format!("is pinned to --platform={written}"))),
                _ => None,
            };
            let base = match &stages[root].base {
                Base::Image(image) => self
                    .foreign(&arch::named(&arch::repository_and_tag(image)))
                    .map(|a| (a, format!("starts FROM {image}"))),
                _ => None,
            };
            let built = named
                .first()
                .map(|(a, w)| (a.clone(), format!("builds or fetches {w}")));
            let Some((foreign, how)) = built.or(pinned).or(base) else {
                self.host_build(stages, chain, i, &stage);
                continue;
            };
            let message = format!(
                "the final stage of {} copies files from stage {stage}, which {how}, an {} build, but the function runs on {}",
                self.path,
                foreign.name(),
                self.arch_name()
            );
            let fix = format!(
                "build stage {stage} for the target: give the compiler or download $TARGETARCH (declare `ARG TARGETARCH` in the stage), and pin a builder only to $BUILDPLATFORM, never to another architecture ({})",
                self.arch_name()
            );
            self.platform_finding(message, fix);
        }
    }

    /// A stage on a platform the build does not fix (`--platform=$BUILDPLATFORM`: the build
    /// machine's) whose RUNs give a native compiler no target builds for whatever machine runs
    /// the build: not known to be the function's architecture. So are the programs,
    /// libraries and packages its base image and package managers hold, which the final
    /// image may copy ([`files::machine_files`]).
    fn host_build(&mut self, stages: &[Stage], chain: &[usize], i: usize, stage: &str) {
        let own = eval::chain(stages, i);
        let Some(&root) = own.last() else { return };
        let Some((written, Err(_))) = &stages[root].platform else {
            return;
        };
        if stages[root].base == Base::Scratch {
            return;
        }
        let cross = own.iter().any(|&k| {
            ["TARGETPLATFORM", "TARGETARCH"]
                .iter()
                .any(|v| matches!(stages[k].state.get(v), Some(Val::Known(_))))
        });
        let machine = own
            .iter()
            .filter(|_| !cross)
            .flat_map(|&k| &stages[k].machine_builds);
        let Some(command) = own
            .iter()
            .flat_map(|&k| &stages[k].host_builds)
            .chain(machine)
            .next()
        else {
            if let Some(path) = files::machine_files(stages, chain, i) {
                let message = format!(
                    "the final stage of {} copies {path} from stage {stage}, which runs on --platform={written} (the build machine's, which the build does not fix) and builds for no target: the programs, libraries and packages its base image and package managers put there are the build machine's, but the function runs on {}",
                    self.path,
                    self.arch_name()
                );
                let fix = format!(
                    "install them in the final stage (it runs on {}), drop --platform={written} from stage {stage}, or install for the target (`npm ci --os=linux --cpu=$TARGETARCH`, `pip install --platform manylinux2014_<arch> --only-binary=:all:`)",
                    self.f.architecture.docker_platform()
                );
                self.platform_finding(message, fix);
            }
            return;
        };
        let message = format!(
            "the final stage of {} copies files from stage {stage}, which runs on --platform={written} (the build machine's, which the build does not fix) and runs `{command}`, which builds or fetches for the machine it runs on (a compiler given no target, or the machine's architecture asked with `uname -m` and the like), so they are built for whatever machine runs the build, but the function runs on {}",
            self.path,
            self.arch_name()
        );
        let fix = format!(
            "give the compiler the target: declare `ARG TARGETARCH` in stage {stage} and pass it (`GOARCH=$TARGETARCH`, `cargo build --target` of $TARGETARCH's triple, `clang --target`), or drop --platform={written} so the stage builds on the target platform ({})",
            self.f.architecture.docker_platform()
        );
        self.platform_finding(message, fix);
    }

    fn config(&mut self, last: &Stage, lambda_base: Option<&str>) {
        let config = &self.f.image_config;
        // Lambda finds a program named without a `/` through PATH, not in the working
        // directory: one the Dockerfile puts only in directories off the PATH is not found.
        if let Some(program) = config.entry_point().first().filter(|p| !p.contains('/')) {
            let path = last.config.env.iter().find(|(n, _)| n == "PATH");
            let dirs: Option<Vec<String>> = match path.map(|(_, v)| v) {
                Some(Val::Known(p)) => Some(
                    p.split(':')
                        .map(|d| match d {
                            // An empty entry, or `.`, is the working directory.
                            "" | "." => eval::clean(config.working_directory()),
                            d => eval::clean(d),
                        })
                        .collect(),
                ),
                Some(v) if lambda_base.is_some_and(|image| *v == eval::per_runtime(image)) => {
                    Some(eval::LAMBDA_PATH.map(str::to_owned).to_vec())
                }
                _ => None,
            };
            let places: Vec<&String> = last
                .config
                .placed
                .iter()
                .filter(|p| p.rsplit('/').next() == Some(program.as_str()))
                .collect();
            let on_path = |p: &&String| {
                dirs.as_ref().is_none_or(|dirs| {
                    dirs.iter().any(|d| {
                        p.rsplit_once('/').map(|(dir, _)| dir) == Some(d.trim_end_matches('/'))
                    })
                })
            };
            if !places.is_empty() && !places.iter().any(on_path) {
                self.sink.push(
                    "image-config",
                    self.id,
                    format!(
                        "ImageConfig ENTRYPOINT runs {program}, a name without a `/`, which Lambda looks up in the directories of PATH ({}), but {} puts {program} only at {}, so it is not found (Runtime.InvalidEntrypoint)",
                        dirs.as_deref().unwrap_or_default().join(":"),
                        self.path,
                        places.iter().map(|p| p.as_str()).collect::<Vec<_>>().join(", ")
                    ),
                    "start it by its path in the ImageConfig and the Dockerfile's exec-form ENTRYPOINT (/var/task/bootstrap, or ./bootstrap in the working directory)",
                );
            }
        }
        // Lambda runs the exec form as written, with no shell to expand a variable.
        if let Some(program) = config.entry_point().first()
            && program.split('$').skip(1).any(|after| {
                after.starts_with(|c: char| c == '{' || c == '_' || c.is_ascii_alphanumeric())
            })
        {
            self.sink.push(
                "image-config",
                self.id,
                format!(
                    "ImageConfig ENTRYPOINT runs {program}, but Lambda starts the exec form as written, with no shell to expand the variable, so no such file exists"
                ),
                "write the program's path out in the ImageConfig and the Dockerfile's exec-form ENTRYPOINT (e.g. /var/task/bootstrap)",
            );
        }
        // A shell the ImageConfig starts (`sh -c "…"`) expands variables from the function's
        // environment at run time: the image's ENVs, the function's variables and those
        // Lambda sets. An ARG is the build's only, so one the final stage has only as an ARG
        // expands empty.
        let started: Vec<&String> = config
            .entry_point()
            .iter()
            .chain(config.command())
            .collect();
        let script = started
            .iter()
            .position(|a| *a == "-c")
            .and_then(|at| started.get(at + 1));
        if let Some(script) = script
            && let Some(name) = shell_variables(script).into_iter().find(|name| {
                last.config.args.iter().any(|(a, _)| a == name)
                    && !last.config.env.iter().any(|(e, _)| e == name)
                    && !self.f.environment.iter().any(|v| v.name.as_str() == *name)
                    && !super::env::lambda_sets(name)
            })
        {
            self.sink.push(
                "image-config",
                self.id,
                format!(
                    "ImageConfig runs the shell script {script:?}, which reads ${name}, but the image has {name} only as an ARG of the build, not in its environment, so it expands empty when Lambda starts it"
                ),
                format!(
                    "set it in the image's environment (ENV {name}=${name} after the ARG) or the function's, or write the value out"
                ),
            );
        }
        // The ImageConfig is part of the function's configuration, which GetFunction shows
        // in plain text, like its environment.
        let command = started
            .iter()
            .map(|a| a.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        if let Some(reason) = super::env::command_reason(&command) {
            self.sink.push(
                "secret-in-env",
                self.id,
                format!(
                    "the function's ImageConfig starts `{}`, which holds what looks like a secret ({reason}); the ImageConfig is part of the function's configuration, shown in plain text to whoever can read it",
                    shorten(&command)
                ),
                "pass no secret on the command line: read it at start-up from Secrets Manager (Service::secret with SecretSpec gives the function its ARN)",
            );
        }
        // The AWS base images' script takes exactly one argument, the handler, and exits 142
        // ("entrypoint requires the handler name to be the first argument") otherwise.
        let started = program(config.entry_point(), Some(config.working_directory()));
        if started.first().map(String::as_str) == Some(eval::LAMBDA_ENTRYPOINT) {
            let arguments: Vec<&String> = started[1..].iter().chain(config.command()).collect();
            if arguments.len() != 1 {
                self.sink.push(
                    "image-config",
                    self.id,
                    format!(
                        "ImageConfig starts {} with {} argument(s) {arguments:?}, but that script takes exactly one, the handler, and exits 142 otherwise (Runtime.ExitError)",
                        eval::LAMBDA_ENTRYPOINT,
                        arguments.len()
                    ),
                    "give the handler alone as the Command (and the Dockerfile's CMD), e.g. [\"index.handler\"]; settings go in environment variables",
                );
            }
        }
        // A path ending in `/` names a directory, which execve refuses to run.
        if let Some(program) = config.entry_point().first()
            && (program.ends_with('/') || program.ends_with("/.") || program.ends_with("/.."))
        {
            self.sink.push(
                "image-config",
                self.id,
                format!(
                    "ImageConfig ENTRYPOINT runs {program}, a directory's path, which Lambda cannot execute"
                ),
                "name the executable file itself, without a trailing / (e.g. /var/task/bootstrap)",
            );
        }
        let workdir = match &last.config.working_dir {
            Known::Is(dir) => Known::Is(Some(vec![dir.clone()])),
            Known::Unknown(why) => Known::Unknown(why.clone()),
        };
        let settings = [
            (
                "ENTRYPOINT",
                config.entry_point().to_vec(),
                &last.config.entry_point,
            ),
            ("CMD", config.command().to_vec(), &last.config.command),
            (
                "WORKDIR",
                vec![eval::clean(config.working_directory())],
                &workdir,
            ),
        ];
        let dockerfile_wd = match &last.config.working_dir {
            Known::Is(dir) => Some(dir.as_str()),
            Known::Unknown(_) => None,
        };
        for (what, ours, theirs) in settings {
            let same = |t: &[String]| match what {
                "ENTRYPOINT" => {
                    program(t, dockerfile_wd) == program(&ours, Some(config.working_directory()))
                }
                _ => *t == ours,
            };
            let (found, fix) = match theirs {
                Known::Is(Some(t)) if same(t) => continue,
                Known::Is(Some(t)) => (format!("sets {t:?}"), None),
                // No CMD, and the ImageConfig passes no Command: the same start.
                Known::Is(None) if ours.is_empty() => continue,
                Known::Is(None) => ("sets nothing".to_owned(), None),
                Known::Unknown(why) => (
                    format!("leaves it unknown: {why}"),
                    Some(format!(
                        "set {what} in the final stage itself ({}), so it does not depend on what cannot be read",
                        if what == "WORKDIR" {
                            "an absolute path"
                        } else {
                            "exec form, [\"…\"]"
                        }
                    )),
                ),
            };
            let fix = fix.unwrap_or_else(|| format!(
                "make the Dockerfile's {what} and the function's ImageConfig agree, so the image starts the same way locally and on Lambda"
            ));
            self.sink.push(
                "image-config",
                self.id,
                format!(
                    "ImageConfig {what} is {ours:?} but the final stage of {} {found}",
                    self.path
                ),
                fix,
            );
        }
    }

    /// The program the ImageConfig starts must be in the image: a file an instruction of the
    /// final stage (or a stage it is built FROM) puts at its path, or its base image's — and
    /// neither it nor the working directory under /tmp, which Lambda mounts the function's
    /// own storage over.
    fn program(&mut self, stages: &[Stage], chain: &[usize], root: usize) {
        let config = &self.f.image_config;
        let wd = eval::clean(config.working_directory());
        if under_tmp(&wd) {
            self.sink.push(
                "image-config",
                self.id,
                format!(
                    "ImageConfig WorkingDirectory is {wd}, under /tmp, which Lambda mounts the function's own writable storage over when it starts: what {} puts there is not seen by the function",
                    self.path
                ),
                "keep the function's code out of /tmp: WORKDIR /var/task (or another directory) and the same WorkingDirectory",
            );
        }
        // A directory's path is refused as such (above).
        if config
            .entry_point()
            .first()
            .is_some_and(|p| p.ends_with('/') || p.ends_with("/.") || p.ends_with("/.."))
        {
            return;
        }
        let started = program(config.entry_point(), Some(config.working_directory()));
        let Some(first) = started.first() else { return };
        let mut programs = vec![first.clone()];
        programs.extend(script_program(&started, config.working_directory()));
        programs.extend(wrapped_program(&started, config.working_directory()));
        // A shell script the Dockerfile writes as a heredoc (`COPY <<EOF /var/task/bootstrap`)
        // is read like `sh -c`: what each of its `exec`s starts must be in the image too. One
        // that branches runs one `exec` of several (AWS's entry script starts the emulator
        // only outside Lambda), which this reading cannot pick.
        if let Some(&last) = chain.first() {
            let script = heredoc_script(&stages[last], first);
            let branches = script.lines().any(|l| {
                let l = l.trim_start();
                ["if ", "case ", "elif "].iter().any(|k| l.starts_with(k))
                    || l.contains("||")
                    || l.contains("&&")
            });
            programs.extend(
                (if branches { "" } else { script })
                    .lines()
                    .filter(|l| l.trim_start().starts_with("exec "))
                    .filter_map(|l| {
                        let argv = ["/bin/sh".to_owned(), "-c".to_owned(), l.trim().to_owned()];
                        script_program(&argv, config.working_directory())
                    }),
            );
        }
        for first in &programs {
            // A working directory there is reported above, and so what runs in it.
            if under_tmp(first) && !under_tmp(&wd) {
                self.sink.push(
                    "image-config",
                    self.id,
                    format!(
                        "ImageConfig starts {first}, under /tmp, which Lambda mounts the function's own writable storage over when it starts: the file {} puts there is not seen, so Lambda cannot start it",
                        self.path
                    ),
                    "copy the program out of /tmp (COPY --from=<builder> <its path> /var/task/bootstrap) and start it there",
                );
                continue;
            }
            if under_tmp(first) {
                continue;
            }
            if first.rsplit('/').next() == Some(EMULATOR) {
                self.sink.push(
                    "image-config",
                    self.id,
                    format!(
                        "ImageConfig starts {first}, the runtime interface emulator, which serves a Runtime API of its own for local tests and never asks Lambda's for an event, so the function times out at init"
                    ),
                    "start the runtime interface client or the base image's /lambda-entrypoint.sh (it starts the emulator only where AWS_LAMBDA_RUNTIME_API is unset, as outside Lambda)",
                );
                continue;
            }
            self.program_at(stages, chain, root, first);
        }
    }

    /// The program at `first` (the ImageConfig's, resolved) must be a file the final image
    /// holds, which Lambda's user may run.
    fn program_at(&mut self, stages: &[Stage], chain: &[usize], root: usize, first: &String) {
        let Some(path) = files::required(first, &stages[root].base) else {
            return;
        };
        // Copies of copies are followed within a bound no real file nears (a cycle of
        // `--from`s fails the build anyway).
        let mut budget = 4 * stages.len();
        if files::holds(stages, chain, &path, &mut budget) {
            if let Some(why) = modes::denied(stages, chain, &path) {
                self.sink.push(
                    "image-config",
                    self.id,
                    format!(
                        "ImageConfig ENTRYPOINT runs {first}, but in {}'s final image {why}; Lambda runs it as a default user with least privileges (not root, not the file's owner), so it cannot start it (Runtime.InvalidEntrypoint: permission denied)",
                        self.path
                    ),
                    format!(
                        "make {path} executable by everyone (COPY --chmod=755, RUN chmod 755 {path}) and keep the directories above it searchable (o+x)"
                    ),
                );
            }
            return;
        }
        let how = if path == *first {
            String::new()
        } else {
            format!(
                ", which on {} starts {path}",
                self.base_name(&stages[root].base)
            )
        };
        let context = chain
            .iter()
            .flat_map(|&i| &stages[i].writes)
            .filter(|w| w.from.is_none() && w.sources.iter().any(|s| !s.contains("://")))
            .flat_map(|w| &w.sources)
            .find(|s| {
                s.trim_end_matches('/').rsplit('/').next()
                    != Some(path.rsplit('/').next().unwrap_or_default())
            });
        let context = context.map_or_else(String::new, |s| {
            format!(" (it copies {s} from the build context, whose files are not known here, and a source tree holds no built program)")
        });
        self.sink.push(
            "image-config",
            self.id,
            format!(
                "ImageConfig ENTRYPOINT runs {first}{how}, but no instruction of {}'s final stage puts a file at {path}{context}, so Lambda cannot start it (Runtime.InvalidEntrypoint)",
                self.path
            ),
            format!(
                "copy the built program to {path} (COPY --from=<builder> <its path> {path}), or point the ImageConfig and ENTRYPOINT at the path the Dockerfile puts it"
            ),
        );
    }

    /// The function's working directory must stay readable to its user (not root, not the
    /// owner), and so must what the final image copies: a `--chmod` leaving others no read
    /// permission, or a download's 600 or a later `chmod` leaving them neither read nor
    /// execute permission, makes a file the function cannot use.
    fn modes(&mut self, stages: &[Stage], chain: &[usize]) {
        let wd = eval::clean(self.f.image_config.working_directory());
        let closed = modes::closed(stages, chain, &wd);
        if let Some(how) = &closed {
            self.sink.push(
                "image-config",
                self.id,
                format!(
                    "{how} in {}'s final image leaves the function's working directory {wd} unreadable to other users; Lambda runs the function as a default user with least privileges (not root, not the owner), so it cannot read its code",
                    self.path
                ),
                format!("keep {wd} and the directories above it at 755 and its files readable by everyone (644; 755 for programs)"),
            );
        }
        let config = &self.f.image_config;
        let started = program(config.entry_point(), Some(config.working_directory()));
        let first = started.first().map_or("", String::as_str);
        let reported = |p: &str| p == first || (closed.is_some() && files::is_below(&wd, p));
        // What the function evidently reads: its code in the working directory, and a file
        // or directory its environment names (`PGSSLROOTCERT=/opt/rds/bundle.pem`).
        let env = &stages[chain[0]].config.env;
        let used = |p: &str| {
            files::is_below(&wd, p)
                || env.iter().any(|(_, v)| match v {
                    Val::Known(v) => v
                        .split([':', ',', ' ', '='])
                        .any(|named| named == p || files::is_below(named, p)),
                    _ => false,
                })
        };
        if let Some((path, how)) = modes::unusable(stages, chain, used, reported) {
            self.sink.push(
                "image-config",
                self.id,
                format!(
                    "{how} leaves {path} in {}'s final image without read or execute permission for other users; Lambda runs the function as a default user with least privileges (not root, not the file's owner), so it can neither read nor run it",
                    self.path
                ),
                format!("give {path} read permission for everyone (ADD --chmod=644, RUN chmod 644 {path}; 755 for programs)"),
            );
        }
        if let Some((mode, what)) = modes::unreadable(stages, chain) {
            self.sink.push(
                "image-config",
                self.id,
                format!(
                    "{}'s final image copies {what} with --chmod={mode}, which other users cannot read; Lambda runs the function as a default user with least privileges (not root, not the files' owner), so it cannot read them",
                    self.path
                ),
                "give what the function reads read permission for everyone (--chmod=644, 755 for programs and directories)",
            );
        }
    }

    fn base_name(&self, base: &Base) -> String {
        match base {
            Base::Image(image) => image.clone(),
            _ => "its base".to_owned(),
        }
    }

    /// The final image's ENV is part of the function's environment; its ARGs' values are in
    /// its history, which whoever pulls the image reads. A `--build-arg` can set any ARG, so
    /// one named like a secret is judged as holding whatever the build is given.
    /// A heredoc's file or a build secret's copy a builder stage wrote and the final image
    /// copies holds the secret in the image's layers, as one the final stage writes itself.
    fn copied_files(&mut self, stages: &[Stage], chain: &[usize]) {
        for (kept, stage) in files::copied_files(stages, chain) {
            let (path, reason) = match kept {
                Kept::File(path, texts) => {
                    let Some(reason) = texts.iter().find_map(|t| super::env::command_reason(t))
                    else {
                        continue;
                    };
                    (path, reason)
                }
                Kept::Secret(path, command) => (
                    path,
                    format!("a build secret `{}` left there", shorten(command)),
                ),
                _ => continue,
            };
            let stage = stages[stage]
                .name
                .clone()
                .unwrap_or_else(|| stage.to_string());
            self.sink.push(
                "secret-in-env",
                self.id,
                format!(
                    "the final stage of {} copies {path} from stage {stage}, a file that holds what looks like a secret ({reason}); the image's layers keep it, which whoever pulls the image reads",
                    self.path
                ),
                "write no secret into a file the image copies: mount it for the step that needs it (`RUN --mount=type=secret,id=…,target=…`) and read run-time ones from Secrets Manager (Service::secret with SecretSpec)",
            );
        }
    }

    fn env(&mut self, last: &Stage) {
        let any = build_arg_value(&eval::BUILD_ARG.to_string());
        for (name, value) in &last.config.args {
            let literal = match value {
                Val::Known(v) => super::env::literal_reason(name, v),
                _ => None,
            };
            let Some(reason) = literal.or_else(|| super::env::variable_reason(name, &any)) else {
                continue;
            };
            self.sink.push(
                "secret-in-env",
                self.id,
                format!(
                    "the final stage of {} declares ARG {name}, which looks like a secret ({reason}); BuildKit writes every ARG's value into the image's history, which whoever pulls the image reads",
                    self.path
                ),
                format!(
                    "pass the value as a build secret (`RUN --mount=type=secret,id=…`), not ARG {name}; a value the function needs at run time goes in Secrets Manager (Service::secret with SecretSpec)"
                ),
            );
        }
        for kept in &last.config.kept {
            let (what, fix) = match kept {
                Kept::Label(name, Val::Known(v)) => {
                    let Some(reason) = super::env::literal_reason(name, v) else {
                        continue;
                    };
                    (
                        format!(
                            "LABEL {name}, which looks like a secret ({reason}); labels are in the image's config,"
                        ),
                        format!(
                            "remove LABEL {name}; store the value in Secrets Manager (Service::secret with SecretSpec) and give the function its ARN"
                        ),
                    )
                }
                Kept::Replaced(keyword, name, Val::Known(v)) => {
                    let Some(reason) = super::env::literal_reason(name, v) else {
                        continue;
                    };
                    (
                        format!(
                            "{keyword} {name} to a value that looks like a secret ({reason}) and a later {keyword} replaces it, but the image's history keeps every {keyword} instruction,"
                        ),
                        format!(
                            "remove the {keyword} {name} that holds the secret (replacing it later does not erase it); pass build-time secrets with `RUN --mount=type=secret,id=…` and store run-time ones in Secrets Manager (Service::secret with SecretSpec)"
                        ),
                    )
                }
                Kept::Fallback(name, v) => {
                    let Some(reason) = super::env::literal_reason(name, v) else {
                        continue;
                    };
                    (
                        format!(
                            "ENV {name} from variables its base image may not set, and then it holds a value that looks like a secret ({reason}) in the function's environment and the image's config,"
                        ),
                        format!(
                            "remove the fallback from ENV {name}; store the value in Secrets Manager (Service::secret with SecretSpec) and give the function its ARN"
                        ),
                    )
                }
                Kept::Command(keyword, text) => {
                    let Some(reason) = super::env::command_reason(text) else {
                        continue;
                    };
                    (
                        format!("{keyword} {}, which holds what looks like a secret ({reason}); the image's history and config keep the instruction,", shorten(text)),
                        "pass the secret as a build secret (`RUN --mount=type=secret,id=…,env=…`; fetch a protected URL in such a RUN) so that no instruction holds it".to_owned(),
                    )
                }
                Kept::File(dest, texts) => {
                    let Some(reason) = texts.iter().find_map(|t| super::env::command_reason(t))
                    else {
                        continue;
                    };
                    (
                        format!("the file {dest} a heredoc writes, which holds what looks like a secret ({reason}); the image's layers keep the file,"),
                        "write no secret into the image: mount it for the step that needs it (`RUN --mount=type=secret,id=…,target=…`) and read run-time ones from Secrets Manager (Service::secret with SecretSpec)".to_owned(),
                    )
                }
                Kept::Secret(path, command) => (
                    format!(
                        "the file {path} from `{}`, which leaves a build secret the RUN mounts there (BuildKit keeps the mount out of the layer, not what a RUN writes from it),",
                        shorten(command)
                    ),
                    "use the secret where it is mounted (`--mount=type=secret,id=…,target=<the path the tool reads>` or `env=`) and write it nowhere, or remove the file in the same RUN".to_owned(),
                ),
                Kept::ArgCommand(names, written, with_inputs) => {
                    // The command's own text is judged as a Command.
                    if super::env::command_reason(written).is_some() {
                        continue;
                    }
                    let Some(reason) = super::env::command_reason(with_inputs) else {
                        continue;
                    };
                    let list = names.join(", ");
                    (
                        format!("RUN {}, which puts ARG {list} where a credential goes ({reason}), and BuildKit writes the ARG's value into the RUN's history line,", shorten(written)),
                        format!("pass the credential as a build secret (`RUN --mount=type=secret,id=…,env={}`), not as ARG {list}", names[0]),
                    )
                }
                Kept::Label(..) | Kept::Replaced(..) => continue,
            };
            self.sink.push(
                "secret-in-env",
                self.id,
                format!(
                    "the final stage of {} sets {what} which whoever pulls the image reads",
                    self.path
                ),
                fix,
            );
        }
        // ENVs clean one by one, for the parts of a secret split across variables.
        let mut clean: Vec<(&str, String)> = Vec::new();
        for (name, value) in &last.config.env {
            // A value a `--build-arg` reaches is judged with those parts as inputs, at their
            // worst: under a secret's name, or in a password's place, it bakes a secret in.
            let from_build_arg = last
                .config
                .build_args
                .iter()
                .find(|(n, _)| n == name)
                .and_then(|(_, text)| super::env::variable_reason(name, &build_arg_value(text)));
            let reason = from_build_arg.or_else(|| match value {
                Val::Known(v) => super::env::literal_reason(name, v),
                // A secret-named variable filled from a build argument bakes whatever the
                // build is given into the image.
                Val::NoDefault | Val::Unknown(_)
                    if super::env::secret_name(name) && !name.ends_with("_ARN") =>
                {
                    Some("named like a secret, its value set at build time".to_owned())
                }
                _ => None,
            });
            match (reason, value) {
                (Some(reason), _) => self.sink.push(
                    "secret-in-env",
                    self.id,
                    format!(
                        "the final stage of {} sets ENV {name}, which looks like a secret ({reason}) and is part of the function's environment",
                        self.path
                    ),
                    format!(
                        "remove ENV {name} from the Dockerfile; store the value in Secrets Manager (Service::secret with SecretSpec) and give the function its ARN"
                    ),
                ),
                (None, Val::Known(v)) => clean.push((name, v.clone())),
                (None, _) => {}
            }
        }
        // The image's ENV and the function's variables are one environment at run time (the
        // function's win a name both set): a secret split across them is judged joined.
        let function: Vec<(&str, String)> = self
            .f
            .environment
            .iter()
            .filter_map(|v| Some((v.name.as_str(), v.value.as_literal()?.to_owned())))
            .collect();
        clean.retain(|(n, _)| !function.iter().any(|(f, _)| f == n));
        let image: Vec<&str> = clean.iter().map(|(n, _)| *n).collect();
        clean.extend(function);
        for (names, reason) in super::env::split_secrets(&clean) {
            // Parts all in the function's variables are the environment lint's finding.
            if !names.iter().any(|n| image.contains(&n.as_str())) {
                continue;
            }
            let list = names.join(", ");
            self.sink.push(
                "secret-in-env",
                self.id,
                format!(
                    "the final stage of {} sets ENV among {list}, which join into a value that looks like a secret ({reason}) in the function's environment",
                    self.path
                ),
                "remove the parts from the Dockerfile and the function; store the whole value in Secrets Manager (Service::secret with SecretSpec) and give the function its ARN"
            );
        }
    }

    /// The Lambda Web Adapter, when the image holds it as an extension (`COPY
    /// --from=…/aws-lambda-adapter … /opt/extensions/…`), answers Lambda for the web
    /// program the ImageConfig starts, in the mode `AWS_LWA_INVOKE_MODE` names (the function's
    /// environment over the image's, which Lambda's replaces): that mode must be the
    /// handler's. Whether it is the image's only client, standing in for the base image's
    /// runtime: the ImageConfig starts no runtime of its own.
    fn adapter(&mut self, stages: &[Stage], chain: &[usize]) -> bool {
        let held = chain.iter().flat_map(|&i| &stages[i].writes).any(|w| {
            let image = w.from.as_deref().is_some_and(|from| {
                let (_, path, _) = arch::reference(from);
                path.rsplit('/').next() == Some(WEB_ADAPTER)
            });
            let extension = w
                .dest
                .as_deref()
                .is_some_and(|d| d.starts_with("/opt/extensions"))
                && w.sources.iter().any(|s| {
                    s.trim_end_matches('/').rsplit('/').next() == Some(WEB_ADAPTER_PROGRAM)
                });
            image || extension
        });
        let Some(&last) = chain.first() else {
            return false;
        };
        // A runtime the ImageConfig starts (the base images' script, a managed runtime's
        // client, a custom runtime's `bootstrap`) answers Lambda itself, unless the adapter is
        // configured (an `AWS_LWA_…` variable) to be what does.
        let started = self
            .f
            .image_config
            .entry_point()
            .first()
            .map(|p| eval::clean(p));
        let runtime = started.as_deref().is_some_and(|p| {
            matches!(p, eval::LAMBDA_ENTRYPOINT | "/var/runtime/bootstrap")
                || p.rsplit('/').next() == Some("bootstrap")
        });
        let configured = self
            .f
            .environment
            .iter()
            .map(|v| v.name.as_str())
            .chain(stages[last].config.env.iter().map(|(n, _)| n.as_str()))
            .any(|n| n.starts_with("AWS_LWA_"));
        if !held || (runtime && !configured) {
            return false;
        }
        let own = self
            .f
            .environment
            .iter()
            .find(|v| v.name.as_str() == WEB_ADAPTER_MODE)
            .map(|v| v.value.as_literal().map(str::to_owned));
        let image = stages[last]
            .config
            .env
            .iter()
            .find(|(n, _)| n == WEB_ADAPTER_MODE)
            .map(|(_, v)| match v {
                Val::Known(text) => Some(text.clone()),
                _ => None,
            });
        let streaming = self.f.handler == HandlerMode::Streaming;
        let wanted = if streaming {
            "response_stream"
        } else {
            "buffered"
        };
        let (mode, whose) = match (own, image) {
            (Some(mode), _) => (mode, "the function's environment"),
            (None, Some(mode)) => (mode, "the final stage's ENV"),
            (None, None) => (
                Some("buffered".to_owned()),
                "its default, no AWS_LWA_INVOKE_MODE being set",
            ),
        };
        let adapter_streams = mode
            .as_deref()
            .map(|m| m.eq_ignore_ascii_case("response_stream"));
        if adapter_streams != Some(streaming) {
            let said = match &mode {
                Some(m) => format!("in mode {m} ({whose})"),
                None => format!("in a mode {whose} leaves to a value not known here"),
            };
            let handler = if streaming {
                "streams its responses (HandlerMode::Streaming)"
            } else {
                "is buffered (HandlerMode::Buffered), so Lambda invokes it without a response stream"
            };
            let answers = match adapter_streams {
                Some(true) => "by streaming",
                Some(false) => "buffered",
                None => "either way",
            };
            self.sink.push(
                if streaming { "image-streaming" } else { "invoke-mode" },
                self.id,
                format!(
                    "the image {} builds runs the Lambda Web Adapter {said}, which answers Lambda {answers}, but the handler {handler}",
                    self.path,
                ),
                format!("set {WEB_ADAPTER_MODE}={wanted} (the adapter's mode must match the Function URL's invoke mode), in the Dockerfile's ENV or the function's environment"),
            );
        }
        !runtime
    }

    /// A streaming handler needs a runtime interface client that streams: not the Python, Ruby
    /// or Java runtime interface client started by the function's ImageConfig, installed in the
    /// final image or a stage it copies from, or copied out of a runtime's base image (on any
    /// base image), nor the one of
    /// a managed runtime's base image other than Node.js, however mirrored — unless the Lambda Web Adapter stands in for
    /// that runtime ([`Self::adapter`]).
    fn streaming(&mut self, stages: &[Stage], chain: &[usize], root: usize, adapter: bool) {
        if self.f.handler != HandlerMode::Streaming {
            return;
        }
        let root = &stages[root];
        let runtime = match &root.base {
            Base::Image(image) => arch::lambda_runtime(image).map(|r| (image, r)),
            _ => None,
        };
        let config = &self.f.image_config;
        let mut started = config.entry_point().iter().chain(config.command());
        let client = started.find_map(|word| {
            NON_STREAMING_CLIENTS
                .iter()
                .find(|(module, _)| word.contains(module))
        });
        // The client the ImageConfig starts is what talks to Lambda, whatever the base image.
        if let Some((module, language)) = client {
            self.sink.push(
                "image-streaming",
                self.id,
                format!(
                    "the handler streams its responses, but the function's ImageConfig starts {module}, the {language} runtime interface client, which cannot stream"
                ),
                "run a runtime that streams (a custom runtime such as lambda_runtime, or Node.js), or declare HandlerMode::Buffered",
            );
            return;
        }
        // Installed in the final stage, or in a stage whose files it copies (`pip install
        // --target /deps` in a builder): either way the client is in the image.
        let reaching: Vec<usize> = eval::feeders(stages, chain, eval::Copies::Programs)
            .into_iter()
            .flat_map(|i| eval::chain(stages, i))
            .chain(chain.iter().copied())
            .collect();
        let installed = reaching.iter().find_map(|&i| {
            let stage = &stages[i];
            stage
                .runs
                .iter()
                .chain(stage.copies.iter().flatten())
                .find_map(|w| {
                    // pip finds a package by its name in any case (PEP 503), and an install that
                    // spells another case is read as meaning the client all the same.
                    let w = w.to_ascii_lowercase();
                    NON_STREAMING_PACKAGES
                        .iter()
                        .find(|(package, _)| w.contains(package))
                })
                .map(|found| (found, i))
        });
        if let Some(((package, language), i)) = installed {
            let place = if chain.contains(&i) {
                format!("the final stage of {}", self.path)
            } else {
                format!(
                    "stage {} of {}, whose files the final stage copies,",
                    stages[i].name.clone().unwrap_or_else(|| i.to_string()),
                    self.path
                )
            };
            self.sink.push(
                "image-streaming",
                self.id,
                format!(
                    "the handler streams its responses, but {place} installs {package}, the {language} runtime interface client, which cannot stream"
                ),
                "run a runtime that streams (a custom runtime such as lambda_runtime, or Node.js) and leave the client out of the image, or declare HandlerMode::Buffered",
            );
            return;
        }
        // Files copied out of a Lambda base image of a runtime that cannot stream (its
        // `/var/runtime`), directly or out of a stage built on it, bring that runtime's client.
        let cannot = |image: &String| {
            arch::named_runtime(image)
                .filter(|r| !arch::streams(r))
                .map(|r| (image.clone(), r))
        };
        let copied = reaching
            .iter()
            .find_map(|&i| {
                stages[i]
                    .copied_images
                    .iter()
                    .filter(|(_, holds)| *holds != arch::Holds::Data)
                    .find_map(|(image, _)| cannot(image))
            })
            .or_else(|| {
                eval::feeders(stages, chain, eval::Copies::Programs)
                    .into_iter()
                    .find_map(|i| match &stages[*eval::chain(stages, i).last()?].base {
                        Base::Image(image) => cannot(image),
                        _ => None,
                    })
            });
        if let Some((image, named)) = copied {
            self.sink.push(
                "image-streaming",
                self.id,
                format!(
                    "the handler streams its responses, but the image {} builds holds files copied from {image}, the AWS Lambda {named} base image, whose runtime interface client cannot stream",
                    self.path
                ),
                "run a runtime that streams (a custom runtime such as lambda_runtime, or Node.js) and copy nothing of another runtime's image, or declare HandlerMode::Buffered",
            );
            return;
        }
        // The Lambda Web Adapter answers Lambda instead of the base image's runtime, which
        // the ImageConfig does not start (its mode is judged by `adapter`).
        if adapter {
            return;
        }
        // A path naming a runtime that cannot stream (`…/lambda/python`) on a registry not
        // known to serve AWS's images: a mirror of that image, or one built like it.
        if let Base::Image(image) = &root.base
            && runtime.is_none()
            && let Some(named) = arch::named_runtime(image).filter(|r| !arch::streams(r))
        {
            self.sink.push(
                "image-streaming",
                self.id,
                format!(
                    "the handler streams its responses, but the final stage of {} runs on {image}, named as the AWS Lambda {named} base image, whose runtime interface client cannot stream (Lambda streams responses from Node.js managed runtimes and custom runtimes only)",
                    self.path
                ),
                "build on public.ecr.aws/lambda/provided with a runtime that streams, or on public.ecr.aws/lambda/nodejs, or declare HandlerMode::Buffered",
            );
            return;
        }
        let Some((image, runtime)) = runtime else {
            // The AWS base images' entrypoint script starts whatever runtime its image holds;
            // on an image not known as one of them, whether that runtime streams is unknown.
            let script = config
                .entry_point()
                .first()
                .is_some_and(|p| eval::clean(p) == eval::LAMBDA_ENTRYPOINT);
            if let (true, Base::Image(image)) = (script, &root.base) {
                self.sink.push(
                    "image-streaming",
                    self.id,
                    format!(
                        "the handler streams its responses and the function's ImageConfig starts {}, the AWS Lambda base images' script, but the final stage of {} runs on {image}, which is not known as an AWS Lambda base image, so whether its runtime streams cannot be told",
                        eval::LAMBDA_ENTRYPOINT,
                        self.path
                    ),
                    "build on public.ecr.aws/lambda/provided or public.ecr.aws/lambda/nodejs (directly or through an ECR pull-through cache), or start a runtime that streams in ImageConfig, or declare HandlerMode::Buffered",
                );
            }
            return;
        };
        if !arch::streams(runtime) {
            self.sink.push(
                "image-streaming",
                self.id,
                format!(
                    "the handler streams its responses, but the final stage of {} runs on {image}, the AWS Lambda {runtime} runtime, whose runtime interface client cannot stream (Lambda streams responses from Node.js managed runtimes and custom runtimes only)",
                    self.path
                ),
                "build on public.ecr.aws/lambda/provided with a runtime that streams, or on public.ecr.aws/lambda/nodejs, or declare HandlerMode::Buffered",
            );
        }
    }
}
