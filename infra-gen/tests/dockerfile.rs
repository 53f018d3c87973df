//! The Dockerfile lints against generated Dockerfiles whose verdict is known by construction:
//! the generator picks the final image's base, platform, stage graph, ARG placement, spellings
//! and instructions from a model, writes them out as text (with noise: builder stages,
//! comments, heredocs, continuations, keyword case), and computes from the model alone which
//! findings the lint must report. Both directions are checked: a valid file gets none.

mod common;

use std::sync::OnceLock;

use common::{function_mut, valid_app};
use infra_gen::App;
use infra_gen::lint::lint;
use infra_gen::model::lambda::{Architecture, HandlerMode, ImageConfig, InvokeMode};
use proptest::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Arch {
    Arm,
    Amd,
}

impl Arch {
    fn other(self) -> Self {
        match self {
            Self::Arm => Self::Amd,
            Self::Amd => Self::Arm,
        }
    }
    /// How image tags, namespaces and file names spell it.
    fn tokens(self) -> &'static [&'static str] {
        match self {
            Self::Arm => &["arm64", "aarch64", "arm64v8", "armv8"],
            Self::Amd => &["amd64", "x86_64", "x86-64", "x64"],
        }
    }
    /// `--platform` values for it.
    fn platforms(self) -> &'static [&'static str] {
        match self {
            Self::Arm => &[
                "linux/arm64",
                "linux/arm64/v8",
                "arm64",
                "linux/aarch64",
                "aarch64",
            ],
            Self::Amd => &[
                "linux/amd64",
                "linux/x86_64",
                "x86_64",
                "linux/amd64/v2",
                "amd64",
            ],
        }
    }
    fn triple(self) -> &'static str {
        match self {
            Self::Arm => "aarch64-unknown-linux-gnu",
            Self::Amd => "x86_64-unknown-linux-musl",
        }
    }
}

/// Platform values that are the target whatever it is.
const TARGET_PLATFORMS: [&str; 4] = [
    "$TARGETPLATFORM",
    "${TARGETPLATFORM}",
    "linux/$TARGETARCH",
    "${TARGETOS}/${TARGETARCH}",
];
/// Platform values that are never right for a Lambda function, or not knowable.
const BAD_PLATFORMS: [&str; 5] = [
    "$BUILDPLATFORM",
    "linux/arm/v7",
    "linux",
    "windows/amd64",
    "${BUILDOS}/${TARGETARCH}",
];

/// Repository prefixes of registry mirrors (ECR pull-through cache rules and the like).
const MIRROR_PREFIXES: [&str; 5] = ["ecr-public", "mirror", "hub", "cache/aws", "pull-through"];

const RUNTIMES: [&str; 7] = [
    "provided", "nodejs", "python", "java", "dotnet", "ruby", "go",
];

#[derive(Debug, Clone)]
enum Root {
    /// An AWS Lambda base image: runtime index, registry form, mirror prefix.
    Lambda(usize, usize, String),
    Other,
    Scratch,
}

#[derive(Debug, Clone, Copy)]
enum TagArch {
    None,
    Own(usize),
    Foreign(usize),
    /// `-${TARGETARCH}`, expanded in the FROM line.
    Target,
}

#[derive(Debug, Clone, Copy)]
enum Platform {
    None,
    Own(usize),
    Target(usize),
    Foreign(usize),
    Bad(usize),
}

/// How the final root's FROM names its image.
#[derive(Debug, Clone, Copy)]
enum Naming {
    Literal,
    GlobalArg,
    GlobalArgBraced,
    DefaultChain,
    UnsetFallback,
    /// `ARG N` without default: unresolved.
    NoDefault,
    /// Declared only inside an earlier stage: invisible to FROM, so empty.
    StageLocal,
    /// A variable nothing declares appended: BuildKit makes it empty, which is not what
    /// the author meant.
    Undeclared,
}

#[derive(Debug, Clone, Copy)]
enum Wd {
    Abs(usize),
    Wrong(usize),
    TaskRoot,
    StageArg,
    GlobalFallback,
    Redeclared,
    NoDefault,
    Relative,
    EnvOverArg,
    PlusSet,
    PlusEmpty,
    ColonPlusEmpty,
    ArgChain,
}

const RIGHT_WDS: [&str; 6] = [
    "/var/task",
    "/var/task/",
    "/var//task",
    "/var/./task",
    "/var/task/.",
    "/var/x/../task",
];
const WRONG_WDS: [&str; 3] = ["/app", "/var/task/app", "/var/tasks"];

#[derive(Debug, Clone, Copy)]
enum Op {
    /// `relative`: `./bootstrap`, right when the final WORKDIR is /var/task.
    Entry {
        right: bool,
        json: bool,
        relative: bool,
    },
    Cmd {
        right: bool,
    },
    Wd(Wd),
    Env {
        secret: bool,
        via_arg: bool,
    },
    Copy(Option<bool>),
    /// `COPY --from=` a stage name nothing defines.
    CopyFromNowhere,
    /// `RUN pip install --platform manylinux2014_<arch>`: foreign or own.
    Fetch(bool),
}

#[derive(Debug, Clone)]
struct Case {
    arch: Arch,
    streaming: bool,
    root: Root,
    tag: TagArch,
    naming: Naming,
    platform: Platform,
    platform_via_arg: bool,
    aliases: usize,
    /// (chain stage, op), in order.
    ops: Vec<(usize, Op)>,
    builders: usize,
    lower_keywords: bool,
    case_flips: Vec<bool>,
    continued_from: bool,
    backtick: bool,
    digest: bool,
}

/// What the generated Dockerfile's final stage is, by the model.
#[derive(Debug, Default, PartialEq, Eq)]
struct Expected {
    platform: usize,
    config: usize,
    secrets: usize,
    streaming: usize,
}

impl Case {
    fn kw(&self, k: &str) -> String {
        if self.lower_keywords {
            k.to_ascii_lowercase()
        } else {
            k.to_owned()
        }
    }

    /// A stage name as referenced, in a case picked by the generator.
    fn spell(&self, name: &str, i: usize) -> String {
        if self.case_flips.get(i).copied().unwrap_or(false) {
            name.to_ascii_uppercase()
        } else {
            name.to_owned()
        }
    }

    fn tag_suffix(&self) -> String {
        match self.tag {
            TagArch::None => String::new(),
            TagArch::Own(i) => format!("-{}", pick(self.arch.tokens(), i)),
            TagArch::Foreign(i) => format!("-{}", pick(self.arch.other().tokens(), i)),
            TagArch::Target => "-${TARGETARCH}".into(),
        }
    }

    fn image(&self) -> String {
        let mut tag = self.tag_suffix();
        if self.digest {
            tag.push_str(&format!("@sha256:{}", "0123456789abcdef".repeat(4)));
        }
        match &self.root {
            Root::Lambda(rt, form, prefix) => {
                let rt = pick(&RUNTIMES, *rt);
                match form % 5 {
                    0 => format!("public.ecr.aws/lambda/{rt}:1{tag}"),
                    1 => format!("amazon/aws-lambda-{rt}:1{tag}"),
                    2 => format!("docker.io/amazon/aws-lambda-{rt}:1{tag}"),
                    3 => format!(
                        "123456789012.dkr.ecr.us-west-2.amazonaws.com/{prefix}/lambda/{rt}:1{tag}"
                    ),
                    _ => format!(
                        "210987654321.dkr.ecr.eu-central-1.amazonaws.com/{prefix}/amazon/aws-lambda-{rt}:1{tag}"
                    ),
                }
            }
            Root::Other => format!("debian:12-slim{tag}"),
            Root::Scratch => "scratch".into(),
        }
    }

    fn resolved(&self) -> bool {
        !matches!(
            self.naming,
            Naming::NoDefault | Naming::StageLocal | Naming::Undeclared
        )
    }

    fn text(&self) -> String {
        let esc = if self.backtick { '`' } else { '\\' };
        let mut out = String::new();
        if self.backtick {
            out.push_str("# escape=`\n");
        }
        out.push_str("# syntax=docker/dockerfile:1\n# A generated case.\n");
        let from = self.kw("FROM");
        let arg = self.kw("ARG");
        let image = self.image();
        // Global ARGs.
        let image_ref = match self.naming {
            Naming::Literal => image.clone(),
            Naming::GlobalArg => {
                out.push_str(&format!("{arg} BASE_IMAGE={image}\n"));
                "$BASE_IMAGE".into()
            }
            Naming::GlobalArgBraced => {
                out.push_str(&format!("{arg} BASE_IMAGE=\"{image}\"\n"));
                "${BASE_IMAGE}".into()
            }
            Naming::DefaultChain => match image.split_once('/') {
                Some((first, rest)) => {
                    out.push_str(&format!(
                        "{arg} REGISTRY={first}\n{arg} BASE=${{REGISTRY}}/{rest}\n"
                    ));
                    "${BASE}".into()
                }
                None => {
                    out.push_str(&format!("{arg} BASE={image}\n"));
                    "$BASE".into()
                }
            },
            Naming::UnsetFallback => format!("${{NEVER_SET:-{image}}}"),
            Naming::NoDefault => {
                out.push_str(&format!("{arg} BASE_IMAGE\n"));
                "${BASE_IMAGE}".into()
            }
            Naming::StageLocal => "$LOCAL_BASE".into(),
            Naming::Undeclared => format!("{image}${{IMAGE_SUFFIX}}"),
        };
        let platform = match self.platform {
            Platform::None => None,
            Platform::Own(i) => Some(pick(self.arch.platforms(), i).to_owned()),
            Platform::Target(i) => Some(pick(&TARGET_PLATFORMS, i).to_owned()),
            Platform::Foreign(i) => Some(pick(self.arch.other().platforms(), i).to_owned()),
            Platform::Bad(i) => Some(pick(&BAD_PLATFORMS, i).to_owned()),
        };
        let platform = platform.map(|p| {
            if self.platform_via_arg {
                out.push_str(&format!("{arg} PLATFORM={p}\n"));
                "--platform=${PLATFORM} ".to_owned()
            } else {
                format!("--platform={p} ")
            }
        });
        let wants = |w: fn(&Wd) -> bool| {
            self.ops
                .iter()
                .any(|(_, op)| matches!(op, Op::Wd(wd) if w(wd)))
        };
        if wants(|w| matches!(w, Wd::GlobalFallback)) {
            out.push_str(&format!("{arg} WRONG_DIR=/wrong\n"));
        }
        if wants(|w| matches!(w, Wd::Redeclared)) {
            out.push_str(&format!("{arg} TASK_DIR=/var/task\n"));
        }
        // Builder stages: nothing in them reaches the final image but what is copied. They
        // build for both architectures, so the path copied says which build the image gets.
        for b in 0..self.builders {
            out.push_str(&format!(
                "\n{from} --platform=$BUILDPLATFORM rust:1-slim AS builder{b}\n{arg} TARGETARCH\nENV DB_PASSWORD=hunter2hunter2\nWORKDIR /src\nRUN <<EOF\nFROM evil\nENTRYPOINT [\"/evil\"]\nEOF\nRUN cargo build --release {esc}\n    --target {} --target {}\nENTRYPOINT [\"/nope\"]\nCMD [\"nope\"]\n",
                self.arch.other().triple(),
                self.arch.triple()
            ));
        }
        if matches!(self.naming, Naming::StageLocal) {
            out.push_str(&format!(
                "\n{from} scratch AS declares\n{arg} LOCAL_BASE={image}\n"
            ));
        }
        // The chain: root, aliases, final.
        let stages = self.aliases + 2;
        for s in 0..stages {
            let name = format!("stage{s}");
            let base = if s == 0 {
                image_ref.clone()
            } else {
                self.spell(&format!("stage{}", s - 1), s)
            };
            let platform = if s == 0 {
                platform.clone().unwrap_or_default()
            } else {
                String::new()
            };
            let as_ = if s % 2 == 0 { "AS" } else { "as" };
            if s == 0 && self.continued_from {
                out.push_str(&format!(
                    "\n{from} {platform}{esc}\n  # a comment inside the instruction\n    {base} {esc}\n\n  {as_} {name}\n"
                ));
            } else {
                out.push_str(&format!("\n{from} {platform}{base} {as_} {name}\n"));
            }
            for (i, (_, op)) in self.ops.iter().enumerate().filter(|(_, (st, _))| *st == s) {
                out.push_str(&self.op_text(i, op));
            }
        }
        out
    }

    fn op_text(&self, i: usize, op: &Op) -> String {
        let arg = self.kw("ARG");
        let workdir = self.kw("WORKDIR");
        match op {
            Op::Entry {
                right,
                json,
                relative,
            } => {
                let path = match (right, relative) {
                    (true, true) => "./bootstrap",
                    (true, false) => "/var/task/bootstrap",
                    (false, _) => "/bootstrap",
                };
                if *json {
                    format!("{} [\"{path}\"]\n", self.kw("ENTRYPOINT"))
                } else {
                    format!("{} {path}\n", self.kw("ENTRYPOINT"))
                }
            }
            Op::Cmd { right } => {
                format!(
                    "{} [ \"{}\" ]\n",
                    self.kw("CMD"),
                    if *right { "lambda" } else { "serve" }
                )
            }
            Op::Wd(wd) => match wd {
                Wd::Abs(k) => format!("{workdir} {}\n", pick(&RIGHT_WDS, *k)),
                Wd::Wrong(k) => format!("{workdir} {}\n", pick(&WRONG_WDS, *k)),
                Wd::TaskRoot => format!("{workdir} ${{LAMBDA_TASK_ROOT}}\n"),
                Wd::StageArg => format!("{arg} DIR{i}=/var/task\n{workdir} $DIR{i}\n"),
                Wd::GlobalFallback => format!("{workdir} ${{WRONG_DIR:-/var/task}}\n"),
                Wd::Redeclared => format!("{arg} TASK_DIR\n{workdir} $TASK_DIR\n"),
                Wd::NoDefault => format!("{arg} UNSET{i}\n{workdir} ${{UNSET{i}}}\n"),
                Wd::Relative => format!("{workdir} /var\n{workdir} task\n"),
                Wd::EnvOverArg => format!(
                    "{arg} D{i}=/wrong\n{} D{i}=/var/task\n{workdir} ${{D{i}}}\n",
                    self.kw("ENV")
                ),
                Wd::PlusSet => format!("{arg} P{i}=1\n{workdir} ${{P{i}:+/var/task}}\n"),
                Wd::PlusEmpty => format!("{arg} P{i}=\n{workdir} ${{P{i}+/var/task}}\n"),
                Wd::ColonPlusEmpty => {
                    format!("{arg} P{i}=\n{workdir} /var/task${{P{i}:+/wrong}}\n")
                }
                Wd::ArgChain => {
                    format!("{arg} A{i}=/var\n{arg} B{i}=${{A{i}}}/task\n{workdir} $B{i}\n")
                }
            },
            Op::Env { secret, via_arg } => {
                let (name, value) = if *secret {
                    (format!("DB_PASSWORD_{i}"), format!("hunter2x{i}"))
                } else {
                    (format!("LOG_LEVEL_{i}"), "info".to_owned())
                };
                if *via_arg {
                    format!("{arg} V{i}={value}\n{} {name}=\"$V{i}\"\n", self.kw("ENV"))
                } else {
                    format!("{} {name}={value}\n", self.kw("ENV"))
                }
            }
            Op::Fetch(foreign) => {
                let a = if *foreign {
                    self.arch.other()
                } else {
                    self.arch
                };
                let tag = match a {
                    Arch::Arm => "aarch64",
                    Arch::Amd => "x86_64",
                };
                format!(
                    "{} pip install --platform manylinux2014_{tag} --only-binary=:all: -t /var/task pkg\n",
                    self.kw("RUN")
                )
            }
            Op::CopyFromNowhere => format!(
                "{} --from=no-such-stage{i} /bootstrap /var/task/bootstrap\n",
                self.kw("COPY")
            ),
            Op::Copy(foreign) => {
                let from = match self.builders {
                    0 => String::new(),
                    _ => format!("--from={} ", self.spell("builder0", 0)),
                };
                let file = match foreign {
                    None => "target/release/bootstrap".to_owned(),
                    Some(f) => {
                        let a = if *f { self.arch.other() } else { self.arch };
                        format!("target/{}/release/bootstrap", a.triple())
                    }
                };
                format!(
                    "{} {from}/src/{file} /var/task/bootstrap\n",
                    self.kw("COPY")
                )
            }
        }
    }

    /// The verdict, from the model.
    fn expected(&self) -> Expected {
        let mut e = Expected::default();
        if !self.resolved() {
            e.platform += 1;
        }
        match self.platform {
            Platform::Foreign(_) => e.platform += 1,
            // BuildKit labels scratch with the target platform whatever its --platform says;
            // only one naming another architecture or OS still contradicts the function.
            Platform::Bad(i)
                if self.resolved()
                    && matches!(self.root, Root::Scratch)
                    && !["linux/arm/v7", "windows/amd64"].contains(&pick(&BAD_PLATFORMS, i)) => {}
            Platform::Bad(_) => e.platform += 1,
            _ => {}
        }
        if self.resolved()
            && matches!(self.tag, TagArch::Foreign(_))
            && !matches!(self.root, Root::Scratch)
        {
            e.platform += 1;
        }
        if self
            .ops
            .iter()
            .any(|(_, op)| matches!(op, Op::Copy(Some(true)) | Op::Fetch(true)))
        {
            e.platform += 1;
        }
        // Image config: None = unknown, Some(None) = not set.
        let lambda = self.resolved() && matches!(self.root, Root::Lambda(..));
        let scratch = self.resolved() && matches!(self.root, Root::Scratch);
        let known_base = lambda || scratch;
        let mut entry: Option<Option<(bool, bool)>> = known_base.then_some(None);
        let mut cmd: Option<Option<bool>> = known_base.then_some(None);
        let mut wd: Option<String> = if lambda {
            Some("/var/task".into())
        } else if scratch {
            Some("/".into())
        } else {
            None
        };
        let mut stage = usize::MAX;
        let mut cmd_set = false;
        for (s, op) in &self.ops {
            if *s != stage {
                stage = *s;
                cmd_set = false;
            }
            match op {
                Op::Entry {
                    right,
                    json,
                    relative,
                } => {
                    entry = Some(Some((*right && *json, *relative)));
                    if !cmd_set {
                        cmd = Some(None);
                    }
                }
                Op::Cmd { right } => {
                    cmd = Some(Some(*right));
                    cmd_set = true;
                }
                Op::Wd(w) => {
                    wd = match w {
                        Wd::Abs(_)
                        | Wd::StageArg
                        | Wd::Redeclared
                        | Wd::Relative
                        | Wd::EnvOverArg
                        | Wd::PlusSet
                        | Wd::PlusEmpty
                        | Wd::ColonPlusEmpty
                        | Wd::ArgChain => Some("/var/task".into()),
                        Wd::Wrong(_) => Some("/wrong".into()),
                        Wd::TaskRoot if lambda => Some("/var/task".into()),
                        // Undeclared: unset where the base's environment is known.
                        Wd::GlobalFallback if known_base => Some("/var/task".into()),
                        Wd::TaskRoot | Wd::GlobalFallback | Wd::NoDefault => None,
                    }
                }
                Op::Env { secret, .. } => e.secrets += usize::from(*secret),
                Op::Copy(_) => {}
                Op::CopyFromNowhere => e.platform += 1,
                Op::Fetch(_) => {}
            }
        }
        // `./bootstrap` runs in the final WORKDIR.
        let entry_right = match entry {
            Some(Some((true, relative))) => !relative || wd.as_deref() == Some("/var/task"),
            _ => false,
        };
        e.config += usize::from(!entry_right);
        e.config += usize::from(cmd != Some(Some(true)));
        e.config += usize::from(wd.as_deref() != Some("/var/task"));
        // The ImageConfig's /var/task/bootstrap is only where a COPY puts it; a base image
        // that cannot be resolved cannot be told to lack it.
        let placed = self
            .ops
            .iter()
            .any(|(_, op)| matches!(op, Op::Copy(_) | Op::CopyFromNowhere));
        e.config += usize::from(self.resolved() && !placed);
        if let (true, Root::Lambda(rt, ..)) = (self.resolved() && self.streaming, &self.root)
            && !matches!(pick(&RUNTIMES, *rt), "nodejs" | "provided")
        {
            e.streaming = 1;
        }
        e
    }
}

fn pick<'a>(items: &[&'a str], i: usize) -> &'a str {
    items[i % items.len()]
}

fn wd() -> impl Strategy<Value = Wd> {
    prop_oneof![
        (0..6usize).prop_map(Wd::Abs),
        (0..3usize).prop_map(Wd::Wrong),
        Just(Wd::TaskRoot),
        Just(Wd::StageArg),
        Just(Wd::GlobalFallback),
        Just(Wd::Redeclared),
        Just(Wd::NoDefault),
        Just(Wd::Relative),
        Just(Wd::EnvOverArg),
        Just(Wd::PlusSet),
        Just(Wd::PlusEmpty),
        Just(Wd::ColonPlusEmpty),
        Just(Wd::ArgChain),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (any::<bool>(), prop::bool::weighted(0.85), prop::bool::weighted(0.2)).prop_map(|(right, json, relative)| Op::Entry { right: right || json, json, relative }),
        3 => prop::bool::weighted(0.7).prop_map(|right| Op::Cmd { right }),
        3 => wd().prop_map(Op::Wd),
        1 => (prop::bool::weighted(0.3), any::<bool>()).prop_map(|(secret, via_arg)| Op::Env { secret, via_arg }),
        1 => prop_oneof![Just(None), any::<bool>().prop_map(Some)].prop_map(Op::Copy),
        1 => Just(Op::CopyFromNowhere),
        1 => any::<bool>().prop_map(Op::Fetch),
    ]
}

fn case() -> impl Strategy<Value = Case> {
    let root = prop_oneof![
        4 => (0..7usize, 0..5usize, prop::sample::select(&MIRROR_PREFIXES[..])).prop_map(|(r, f, p)| Root::Lambda(r, f, p.to_owned())),
        1 => Just(Root::Other),
        1 => Just(Root::Scratch),
    ];
    let tag = prop_oneof![
        3 => Just(TagArch::None),
        1 => (0..3usize).prop_map(TagArch::Own),
        1 => (0..3usize).prop_map(TagArch::Foreign),
        1 => Just(TagArch::Target),
    ];
    let naming = prop_oneof![
        3 => Just(Naming::Literal),
        1 => Just(Naming::GlobalArg),
        1 => Just(Naming::GlobalArgBraced),
        1 => Just(Naming::DefaultChain),
        1 => Just(Naming::UnsetFallback),
        1 => Just(Naming::NoDefault),
        1 => Just(Naming::StageLocal),
        1 => Just(Naming::Undeclared),
    ];
    let platform = prop_oneof![
        4 => Just(Platform::None),
        1 => (0..5usize).prop_map(Platform::Own),
        1 => (0..4usize).prop_map(Platform::Target),
        1 => (0..5usize).prop_map(Platform::Foreign),
        1 => (0..5usize).prop_map(Platform::Bad),
    ];
    let arch = prop_oneof![Just(Arch::Arm), Just(Arch::Amd)];
    (
        (
            arch,
            any::<bool>(),
            root,
            tag,
            naming,
            platform,
            any::<bool>(),
        ),
        0..3usize,
        prop::collection::vec((0..5usize, op()), 0..9),
        0..3usize,
        (
            any::<bool>(),
            prop::collection::vec(any::<bool>(), 5),
            any::<bool>(),
            any::<bool>(),
            prop::bool::weighted(0.2),
        ),
    )
        .prop_map(
            |(
                (arch, streaming, root, tag, naming, platform, platform_via_arg),
                aliases,
                mut ops,
                builders,
                (lower_keywords, case_flips, continued_from, backtick, digest),
            )| {
                // Ops land on chain stages (root, aliases, final), in order.
                for (s, _) in &mut ops {
                    *s %= aliases + 2;
                }
                ops.sort_by_key(|(s, _)| *s);
                Case {
                    arch,
                    streaming,
                    root,
                    tag,
                    naming,
                    platform,
                    platform_via_arg,
                    aliases,
                    ops,
                    builders,
                    lower_keywords,
                    case_flips,
                    continued_from,
                    backtick,
                    digest,
                }
            },
        )
}

fn base_app() -> &'static App {
    static APP: OnceLock<App> = OnceLock::new();
    APP.get_or_init(valid_app)
}

/// Counts of the Dockerfile lints' findings for `text` on a function of `arch`.
fn verdict(text: String, arch: Arch, streaming: bool) -> (Expected, Vec<String>) {
    let mut app = base_app().clone();
    let f = function_mut(&mut app);
    f.source.dockerfile_text = Box::leak(text.into_boxed_str());
    f.architecture = match arch {
        Arch::Arm => Architecture::Arm64,
        Arch::Amd => Architecture::X86_64,
    };
    f.handler = if streaming {
        HandlerMode::Streaming
    } else {
        HandlerMode::Buffered
    };
    if let Some(url) = &mut f.url {
        url.invoke_mode = if streaming {
            InvokeMode::ResponseStream
        } else {
            InvokeMode::Buffered
        };
    }
    let findings = lint(&app);
    let count = |code: &str| findings.iter().filter(|f| f.code == code).count();
    let got = Expected {
        platform: count("image-platform"),
        config: count("image-config"),
        secrets: count("secret-in-env"),
        streaming: count("image-streaming"),
    };
    (got, findings.iter().map(ToString::to_string).collect())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 384, ..ProptestConfig::default() })]

    #[test]
    fn the_lints_report_exactly_what_the_model_says(case in case()) {
        let text = case.text();
        let (got, findings) = verdict(text.clone(), case.arch, case.streaming);
        prop_assert_eq!(got, case.expected(), "\n{}\n{:#?}", text, findings);
    }
}

#[test]
fn the_repositorys_dockerfiles_pass_on_their_functions() {
    let chatrix = include_str!("../../function/Dockerfile").to_owned();
    let (got, findings) = verdict(chatrix, Arch::Arm, true);
    assert_eq!(got, Expected::default(), "{findings:#?}");
}

/// The findings of `text` on the fixture's arm64 streaming function.
fn findings_for(text: &str) -> Vec<infra_gen::Finding> {
    let mut app = base_app().clone();
    function_mut(&mut app).source.dockerfile_text = Box::leak(text.to_owned().into_boxed_str());
    lint(&app)
}

const TAIL: &str =
    "COPY bootstrap /var/task/bootstrap\nENTRYPOINT [\"/var/task/bootstrap\"]\nCMD [\"lambda\"]\n";

fn only(text: &str, code: &str, needle: &str) {
    let text = format!("{text}{TAIL}");
    let f = findings_for(&text);
    assert_eq!(f.len(), 1, "{text}\n{f:#?}");
    assert_eq!(f[0].code, code, "{f:#?}");
    assert!(f[0].message.contains(needle), "{needle}: {}", f[0]);
    assert!(!f[0].fix.is_empty());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// A `--build-arg` can set any ARG, with a default or without, empty or not: an ENV that
    /// draws on one takes whatever the build is given. Under a secret's name, or in a URL's
    /// password, that is a secret baked into the function's environment; elsewhere it is an
    /// ordinary input.
    #[test]
    fn an_env_a_build_arg_reaches_is_judged_at_its_worst(
        declared in prop::sample::select(vec!["ARG T", "ARG T=", "ARG T=\"\"", "ARG T=''", "ARG T=v1"]),
        reference in prop::sample::select(vec!["$T", "${T}", "${T:-}", "${T-}", "${T:+$T}", "${T:-fallback}", "\"${T}\""]),
        secret_name in prop::sample::select(vec!["SLACK_BOT_TOKEN", "dbPassword", "API_KEY", "ClientSecret"]),
        plain_name in prop::sample::select(vec!["APP_VERSION", "LOG_LEVEL", "FEATURE_FLAGS", "BUILD_ID"]),
        through_env in any::<bool>(),
    ) {
        let base = "FROM public.ecr.aws/lambda/provided:al2023\n";
        // Through another ENV first, or directly.
        let (hop, value) = if through_env {
            (format!("ENV HOP={reference}\n"), "${HOP}".to_owned())
        } else {
            (String::new(), reference.to_owned())
        };
        let stem = format!("{base}{declared}\n{hop}");
        let count = |text: String| {
            findings_for(&format!("{text}{TAIL}"))
                .iter()
                .filter(|f| f.code == "secret-in-env")
                .count()
        };
        prop_assert_eq!(count(format!("{stem}ENV {secret_name}={value}\n")), 1, "{} {}", secret_name, value);
        prop_assert_eq!(count(format!("{stem}ENV DATABASE_URL=postgres://app:{value}@db.internal:5432/app\n")), 1);
        prop_assert_eq!(count(format!("{stem}ENV {plain_name}={value}\n")), 0, "{} {}", plain_name, value);
        prop_assert_eq!(count(format!("{stem}ENV DATABASE_URL=postgres://db-{value}.internal:5432/app\n")), 0);
    }

    /// A RUN's shell sees the stage's ARGs: a word is judged as expanded with them, so a
    /// default spelling another architecture is no evidence when the ARG says the function's,
    /// and the other way round.
    #[test]
    fn a_runs_words_are_judged_as_its_shell_expands_them(
        own in prop::sample::select(vec!["arm64", "aarch64"]),
        foreign in prop::sample::select(vec!["amd64", "x86_64"]),
        form in prop::sample::select(vec![":-", "-"]),
        pip in any::<bool>(),
    ) {
        let run = |arg: &str, default: &str| {
            let word = if pip {
                format!("RUN pip install --platform manylinux2014_${{A{form}{default}}} --only-binary=:all: --target /var/task numpy")
            } else {
                format!("RUN curl -fsSLo /opt/tool https://example.com/tool_linux_${{A{form}{default}}}")
            };
            let text = format!("FROM public.ecr.aws/lambda/provided:al2023\nARG A={arg}\n{word}\n{TAIL}");
            findings_for(&text).iter().filter(|f| f.code == "image-platform").count()
        };
        prop_assert_eq!(run(own, foreign), 0);
        prop_assert_eq!(run(foreign, own), 1);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// `RUN --mount=…,from=<image>` reads the image's files like `COPY --from`: an image
    /// naming another architecture is evidence, one naming the function's or a stage is not.
    #[test]
    fn a_runs_mounted_image_is_judged_like_a_copied_one(
        image in prop::sample::select(vec!["amd64/alpine:3.19", "alpine:3.19-x86_64", "ghcr.io/acme/tools:linux-amd64"]),
        own in prop::sample::select(vec!["arm64v8/alpine:3.19", "alpine:3.19-aarch64", "ghcr.io/acme/tools:linux-arm64"]),
        kind in prop::sample::select(vec!["bind", "cache"]),
    ) {
        let run = |from: &str| {
            let text = format!(
                "FROM public.ecr.aws/lambda/provided:al2023 AS tools\nFROM public.ecr.aws/lambda/provided:al2023\nRUN --mount=type={kind},from={from},target=/m cp /m/bin/tool /var/task/tool\n{TAIL}"
            );
            findings_for(&text).iter().filter(|f| f.code == "image-platform").count()
        };
        prop_assert_eq!(run(image), 1);
        prop_assert_eq!(run(own), 0);
        prop_assert_eq!(run("tools"), 0);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// BuildKit writes each ARG of the final image's stages into its history, with the value
    /// it had: a literal secret there, or an ARG named like a secret (a `--build-arg` fills it
    /// with whatever it is given), is a secret whoever pulls the image reads. A builder
    /// stage's ARGs stay out of the image, and ordinary ARGs are ordinary.
    #[test]
    fn the_final_images_args_are_in_its_history(
        secret_name in prop::sample::select(vec!["NPM_TOKEN", "githubToken", "DB_PASSWORD", "SentryAuthToken", "api-key"]),
        plain_name in prop::sample::select(vec!["APP_VERSION", "NODE_ENV", "RUST_VERSION", "TARGETARCH"]),
        default in prop::sample::select(vec!["", "=", "=\"\"", "=changeme-later"]),
        secret in prop::sample::select(vec![
            "ghp_Zx8Qw2Er4Ty6Ui8Op0As2Df4Gh6Jk8Lz1Xc9V",
            "AKIAR4T6YU2WQ3ZX7NMP",
            "xoxb-2411223344-5566778899001-AbCdEfGhIjKlMnOpQrStUvWx",
        ]),
        parent in any::<bool>(),
    ) {
        let count = |stage_lines: &str, builder_lines: &str| {
            let provided = "FROM public.ecr.aws/lambda/provided:al2023";
            let last = if parent {
                format!("{provided} AS base\n{stage_lines}RUN true\nFROM base\n")
            } else {
                format!("{provided}\n{stage_lines}RUN true\n")
            };
            let text = format!(
                "FROM --platform=$BUILDPLATFORM node:20 AS deps\n{builder_lines}RUN npm ci\n{last}{TAIL}"
            );
            let found: Vec<_> = findings_for(&text).into_iter().filter(|f| f.code == "secret-in-env").collect();
            (found.len(), text)
        };
        for (lines, builder, want) in [
            (format!("ARG {secret_name}{default}\n"), String::new(), 1),
            (format!("ARG {plain_name}={secret}\n"), String::new(), 1),
            (String::new(), format!("ARG {secret_name}{default}\nARG {plain_name}={secret}\n"), 0),
            (format!("ARG {plain_name}{default}\n"), String::new(), 0),
        ] {
            let (got, text) = count(&lines, &builder);
            prop_assert_eq!(got, want, "{}", text);
        }
    }
}
/// The fixture with `text` as its Dockerfile and `config` as its ImageConfig, on a handler that
/// streams or not: the findings with `code`.
fn findings_with(
    text: &str,
    config: (&[&str], &[&str], &str),
    streaming: bool,
    code: &str,
) -> Vec<infra_gen::Finding> {
    let mut app = base_app().clone();
    let f = function_mut(&mut app);
    f.source.dockerfile_text = text.to_owned().leak();
    f.image_config = ImageConfig::new(config.0, config.1, config.2).expect("valid");
    f.handler = if streaming {
        HandlerMode::Streaming
    } else {
        HandlerMode::Buffered
    };
    if let Some(url) = &mut f.url {
        url.invoke_mode = if streaming {
            InvokeMode::ResponseStream
        } else {
            InvokeMode::Buffered
        };
    }
    lint(&app).into_iter().filter(|f| f.code == code).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// An image named as an AWS Lambda runtime's base image (`…/lambda/<runtime>`,
    /// `…/amazon/aws-lambda-<runtime>`) runs that runtime, whichever registry serves it: a
    /// streaming handler on one that cannot stream is refused, whatever the ImageConfig starts.
    #[test]
    fn an_image_named_as_a_runtime_that_cannot_stream_is_refused_on_any_registry(
        host in prop::option::of("[a-z]{3,8}\\.(example\\.com|corp\\.internal|io)"),
        prefix in prop::sample::select(vec!["", "ecr-public/", "proxy/aws/", "mirror/"]),
        runtime in prop::sample::select(vec!["python", "java", "ruby", "dotnet", "go", "nodejs", "provided"]),
        docker_hub_form in any::<bool>(),
        streaming in any::<bool>(),
    ) {
        let path = if docker_hub_form {
            format!("amazon/aws-lambda-{runtime}")
        } else {
            format!("lambda/{runtime}")
        };
        let host = host.map(|h| format!("{h}/")).unwrap_or_default();
        let text = format!(
            "FROM {host}{prefix}{path}:1\nWORKDIR /var/task\nENTRYPOINT [\"/var/task/bootstrap\"]\nCMD [\"lambda\"]\n"
        );
        let found = findings_with(&text, (&["/var/task/bootstrap"], &["lambda"], "/var/task"), streaming, "image-streaming");
        let cannot = !matches!(runtime, "nodejs" | "provided");
        prop_assert_eq!(found.len(), usize::from(streaming && cannot), "{}\n{:#?}", text, found);
    }

    /// An image that installs the Python, Ruby or Java runtime interface client (pip, in any
    /// case, gem, Maven, a copied jar) runs it, even when a script out of sight starts it: a
    /// streaming handler there is refused; Node.js's client streams. So does an image on, or
    /// copying or mounting files out of an image or a stage on, the base image of a runtime
    /// that cannot stream — unless all it takes is data (a CA bundle, time zones).
    #[test]
    fn an_image_installing_a_client_that_cannot_stream_is_refused(
        base in prop::sample::select(vec!["python:3.12-slim", "public.ecr.aws/lambda/provided:al2023", "node:20-slim", "debian:12-slim", "public.ecr.aws/lambda/ruby:3.3", "public.ecr.aws/lambda/nodejs:20"]),
        install in prop::sample::select(vec![
            ("RUN pip install --no-cache-dir awslambdaric", true),
            ("RUN python3 -m pip install --target /var/task awslambdaric==2.2.1", true),
            ("RUN gem install aws_lambda_ric", true),
            ("RUN mvn dependency:copy -Dartifact=com.amazonaws:aws-lambda-java-runtime-interface-client:2.6.0", true),
            ("COPY lib/aws-lambda-java-runtime-interface-client-2.6.0.jar /var/task/lib/", true),
            ("COPY --from=public.ecr.aws/lambda/python:3.12 /var/runtime /var/runtime", true),
            ("COPY --from=123456789012.dkr.ecr.us-east-1.amazonaws.com/hub/amazon/aws-lambda-ruby:3.3 /var/runtime /var/runtime", true),
            ("COPY --from=public.ecr.aws/lambda/nodejs:20 /var/runtime /var/runtime", false),
            ("RUN npm install aws-lambda-ric", false),
            ("RUN pip install --target /var/task requests", false),
            ("RUN <<EOF\npython3 -m pip install --target /var/task awslambdaric\nEOF", true),
            ("COPY <<EOF /var/task/requirements.txt\nrequests==2.32.3\nawslambdaric==2.2.1\nEOF", true),
            // pip reads a name in any case.
            ("RUN pip3 install --target /var/task AWSLambdaRIC", true),
            ("RUN uv pip install --system AwsLambdaRic==2.2.1", true),
            // A mounted image's files are taken as a copied one's.
            ("RUN --mount=type=bind,from=public.ecr.aws/lambda/python:3.12,source=/var/runtime,target=/mnt/rt cp -r /mnt/rt /var/runtime", true),
            ("RUN --mount=type=bind,from=public.ecr.aws/lambda/nodejs:20,source=/var/runtime,target=/mnt/rt cp -r /mnt/rt /var/runtime", false),
            // Data only (a CA bundle, time zones) brings no runtime.
            ("COPY --from=public.ecr.aws/lambda/python:3.12 /etc/pki/tls/certs/ca-bundle.crt /etc/pki/tls/certs/", false),
            ("RUN --mount=type=bind,from=public.ecr.aws/lambda/java:21,source=/usr/share/zoneinfo,target=/mnt/tz cp -r /mnt/tz /usr/share/zoneinfo", false),
        ]),
        placement in 0usize..3,
        streaming in any::<bool>(),
    ) {
        let (line, cannot) = install;
        // In the final stage, in the stage it is built FROM, or in a builder whose files it
        // copies (architecture-independent sources bring the client along too).
        let text = match placement {
            0 => format!("FROM {base}\n{line}\n"),
            1 => format!("FROM {base} AS runtime\n{line}\nFROM runtime\n"),
            _ => format!("FROM {base} AS deps\n{line}\nFROM public.ecr.aws/lambda/provided:al2023\nCOPY --from=deps /var/task/*.py /var/runtime /var/task/lib/ /var/task/\n"),
        } + "WORKDIR /var/task\nENTRYPOINT [\"/var/task/entry.sh\"]\nCMD [\"app.handler\"]\n";
        let found = findings_with(&text, (&["/var/task/entry.sh"], &["app.handler"], "/var/task"), streaming, "image-streaming");
        // On the base image of a runtime that cannot stream, or copying out of a stage on one.
        let on_runtime = base.contains("lambda/ruby");
        prop_assert_eq!(found.len(), usize::from(streaming && (cannot || on_runtime)), "{}\n{:#?}", text, found);
    }

    /// A shell the ImageConfig starts reads its variables from the function's environment at
    /// run time, the image's ENVs, the function's variables and those Lambda sets: one the
    /// image has only as an ARG (the build's) expands empty, unless the script gives a
    /// fallback.
    #[test]
    fn a_started_shell_reads_the_runtime_environment_not_the_builds_args(
        // Not a name the base image sets (PATH, TZ); or one Lambda sets at run time.
        name in prop_oneof![4 => "APP_[A-Z0-9_]{1,8}", 1 => prop::sample::select(vec!["AWS_REGION".to_owned(), "_HANDLER".to_owned(), "AWS_LAMBDA_RUNTIME_API".to_owned()])],
        declared in 0usize..5,
        form in prop::sample::select(vec![("exec ${V}", false), ("exec $V", false), ("exec ${V#./}", false), ("exec ${V:-/var/task/bootstrap}", true), ("exec ${V-/var/task/bootstrap}", true), ("exec /var/task/bootstrap", true)]),
    ) {
        let script = form.0.replace('V', &name);
        // Only an ARG; an ENV; an ARG then an ENV of it; only the function's variable; nothing.
        let lines = match declared {
            0 => format!("ARG {name}=/var/task/bootstrap\n"),
            1 => format!("ENV {name}=/var/task/bootstrap\n"),
            2 => format!("ARG {name}=/var/task/bootstrap\nENV {name}=${name}\n"),
            3 => format!("ARG {name}=/var/task/bootstrap\n"),
            _ => String::new(),
        };
        // The program the script starts is in the image: only its variables are judged.
        let text = format!("FROM public.ecr.aws/lambda/provided:al2023\n{lines}WORKDIR /var/task\nCOPY bootstrap /var/task/bootstrap\nENTRYPOINT {script}\nCMD [\"lambda\"]\n");
        let mut app = base_app().clone();
        let f = function_mut(&mut app);
        f.source.dockerfile_text = text.clone().leak();
        f.image_config = ImageConfig::new(&["/bin/sh", "-c", script.as_str()], &["lambda"], "/var/task").expect("valid");
        let lambda_sets = !name.starts_with("APP_");
        if declared == 3 && !lambda_sets {
            f.environment.push(infra_gen::model::lambda::EnvVar {
                name: infra_gen::model::lambda::EnvName::new(&name).expect("valid"),
                value: infra_gen::model::Expr::literal("/var/task/bootstrap"),
            });
        }
        let found: Vec<_> = lint(&app).into_iter().filter(|f| f.code == "image-config").collect();
        prop_assert_eq!(found.len(), usize::from(declared == 0 && !form.1 && !lambda_sets), "\n{}\n{:#?}", text, found);
    }

    /// A program path ending in `/` (or `/.`, `/..`) names a directory, which execve refuses,
    /// however the Dockerfile agrees; `//` and `./` inside the path are the same file.
    #[test]
    fn an_entry_point_naming_a_directory_is_refused(
        dirs in proptest::collection::vec("[a-z]{1,6}", 1..4),
        inner in prop::sample::select(vec!["/", "//", "/./"]),
        ending in prop::sample::select(vec![("", false), ("/", true), ("/.", true), ("/..", true), ("//", true)]),
    ) {
        let program = format!("/{}{inner}bootstrap{}", dirs.join("/"), ending.0);
        let file = format!("/{}/bootstrap", dirs.join("/"));
        let text = format!("FROM public.ecr.aws/lambda/provided:al2023\nWORKDIR /var/task\nCOPY bootstrap {file}\nENTRYPOINT [\"{program}\"]\nCMD [\"lambda\"]\n");
        let found = findings_with(&text, (&[program.as_str()], &["lambda"], "/var/task"), false, "image-config");
        prop_assert_eq!(found.len(), usize::from(ending.1), "{}: {:#?}", program, found);
    }

    /// Lambda finds an EntryPoint program named without a `/` through PATH, not in the
    /// working directory: one the Dockerfile puts (COPY or ADD, by its name or into a
    /// directory) only off the PATH is not found. The PATH is an ENV's known value, an
    /// AWS Lambda base image's directories, or on scratch the default BuildKit sets
    /// (`/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`); when an ENV leaves it
    /// unknown, or the base's is not known, nothing can be told. By its path, the program is
    /// found anywhere.
    #[test]
    fn a_bare_program_name_is_found_through_path_only(
        name in "[a-z]{3,9}",
        base in 0usize..3,
        path_env in 0usize..4,
        dir in prop::sample::select(vec!["/var/task", "/usr/local/bin", "/opt/app/bin"]),
        form in 0usize..4,
        bare in any::<bool>(),
    ) {
        let known = base != 1;
        let base = ["public.ecr.aws/lambda/provided:al2023", "public.ecr.aws/docker/library/debian:12", "scratch"][base];
        let path = match path_env {
            0 => String::new(),
            1 => format!("ENV PATH={dir}:/usr/bin:/bin\n"),
            2 => "ENV PATH=/usr/local/bin:/usr/bin:/bin\n".to_owned(),
            _ => format!("ENV PATH={dir}:$PATH\n"),
        };
        let copy = match form {
            0 => format!("COPY --from=build /out/{name} {dir}/"),
            1 => format!("COPY --from=build /out/{name} {dir}/{name}"),
            2 => format!("WORKDIR {dir}\nCOPY --from=build /out/{name} ./"),
            _ => format!("ADD https://example.com/dl/{name} {dir}/"),
        };
        let entry = if bare { name.clone() } else { format!("{dir}/{name}") };
        let text = format!(
            "FROM public.ecr.aws/docker/library/golang:1.22 AS build\nARG TARGETARCH\nRUN GOARCH=$TARGETARCH go build -o /out/{name} .\nFROM {base}\n{path}{copy}\nWORKDIR /var/task\nENTRYPOINT [\"{entry}\"]\nCMD [\"lambda\"]\n"
        );
        let found: Vec<_> = findings_with(&text, (&[entry.as_str()], &["lambda"], "/var/task"), false, "image-config")
            .into_iter()
            .filter(|f| f.message.contains("without a `/`"))
            .collect();
        let on_path = match path_env {
            0 => !known || dir == "/usr/local/bin",
            1 | 3 => true,
            _ => dir == "/usr/local/bin",
        };
        prop_assert_eq!(found.len(), usize::from(bare && !on_path), "\n{}\n{:#?}", text, found);
    }

    /// Lambda starts an ImageConfig's exec-form EntryPoint as written: a variable in its
    /// program is never expanded, so that file does not exist. `$` not starting a name is text.
    #[test]
    fn a_variable_in_the_entry_points_program_is_refused(
        name in "[A-Z_][A-Z0-9_]{0,10}",
        braces in any::<bool>(),
        at_start in any::<bool>(),
    ) {
        let var = if braces { format!("${{{name}}}") } else { format!("${name}") };
        let program = if at_start { format!("{var}/bootstrap") } else { format!("/var/task/{var}") };
        let text = format!("FROM public.ecr.aws/lambda/provided:al2023\nWORKDIR /var/task\nENTRYPOINT [\"{program}\"]\nCMD [\"lambda\"]\n");
        let found = findings_with(&text, (&[program.as_str()], &["lambda"], "/var/task"), false, "image-config");
        prop_assert_eq!(found.len(), 1, "{:#?}", found);
        prop_assert!(found[0].message.contains("no shell"));
        let plain = "/var/task/boot$/$-x";
        let text = format!("FROM public.ecr.aws/lambda/provided:al2023\nWORKDIR /var/task\nENTRYPOINT [\"{plain}\"]\nCMD [\"lambda\"]\n");
        let found = findings_with(&text, (&[plain], &["lambda"], "/var/task"), false, "image-config");
        prop_assert!(found.is_empty(), "{:#?}", found);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// An ENV or ARG setting a variable build tools read their target from (`GOARCH`,
    /// `CARGO_BUILD_TARGET`, `npm_config_arch`, `PIP_PLATFORM`, …) builds what a later RUN
    /// builds for that architecture, in the final stage or a stage it copies from, though no
    /// RUN names it; an ARG of the name after an ENV is what the RUN sees. With no RUN after
    /// it, nothing is built.
    #[test]
    fn a_variable_selecting_the_build_target_is_evidence(
        function_arch in prop::sample::select(vec![Arch::Arm, Arch::Amd]),
        variable in 0usize..8,
        upper in any::<bool>(),
        form in 0usize..3,
        built_for_other in any::<bool>(),
        in_builder in any::<bool>(),
        runs in any::<bool>(),
    ) {
        let spelled = |arch: Arch| {
            let (go, npm, rust, pip, rid) = match arch {
                Arch::Arm => ("arm64", "arm64", "aarch64-unknown-linux-gnu", "manylinux2014_aarch64", "linux-arm64"),
                Arch::Amd => ("amd64", "x64", "x86_64-unknown-linux-musl", "manylinux_2_28_x86_64", "linux-x64"),
            };
            match variable {
                0 => ("GOARCH", go.to_owned()),
                1 => ("CARGO_BUILD_TARGET", rust.to_owned()),
                2 => ("npm_config_arch", npm.to_owned()),
                3 => ("npm_config_cpu", npm.to_owned()),
                4 => ("PIP_PLATFORM", pip.to_owned()),
                5 => ("RuntimeIdentifier", rid.to_owned()),
                6 => ("TARGETARCH", go.to_owned()),
                _ => ("TARGETPLATFORM", format!("linux/{go}")),
            }
        };
        let built_for = if built_for_other { function_arch.other() } else { function_arch };
        let (name, value) = spelled(built_for);
        let (_, overridden) = spelled(built_for.other());
        let name = if upper && (2..6).contains(&variable) { name.to_ascii_uppercase() } else { name.to_owned() };
        let setting = match form {
            0 => format!("ARG {name}={value}\n"),
            1 => format!("ENV {name}={value}\n"),
            _ => format!("ENV {name}={overridden}\nARG {name}={value}\n"),
        };
        // Without a RUN the builder's file comes from the context: a stage that runs nothing
        // otherwise holds only its base image's files, the build machine's.
        let run = if runs { "RUN make build\n" } else { "COPY bootstrap /out/bootstrap\n" };
        let provided = "FROM public.ecr.aws/lambda/provided:al2023\n";
        let text = if in_builder {
            format!("FROM --platform=$BUILDPLATFORM debian:12 AS build\n{setting}{run}{provided}COPY --from=build /out/bootstrap /var/task/bootstrap\nWORKDIR /var/task\n{TAIL}")
        } else {
            format!("{provided}{setting}{run}WORKDIR /var/task\n{TAIL}")
        };
        let (got, findings) = verdict(text.clone(), function_arch, false);
        prop_assert_eq!(got.platform, usize::from(runs && built_for_other), "\n{}\n{:#?}", text, findings);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// A global ARG reaches a stage only through a bare `ARG NAME` there: an ENV drawing on one
    /// not brought in is empty in the image (BuildKit expands an unset variable to nothing),
    /// and holds no secret; brought in, the secret is in the ENV and the ARG's history.
    #[test]
    fn a_global_arg_not_brought_into_the_stage_leaves_the_env_empty(
        name in prop::sample::select(vec!["STRIPE_KEY", "apiToken", "DB_PASSWORD", "UPSTREAM"]),
        secret in prop::sample::select(vec![
            "sk_live_51HxYzQ2eZvKYlo2C8sJk3Lm9Np0Qr",
            "AKIAR4T6YU2WQ3ZX7NMP",
            "ghp_Zx8Qw2Er4Ty6Ui8Op0As2Df4Gh6Jk8Lz1Xc9V",
        ]),
        reference in prop::sample::select(vec!["$K", "${K}", "\"${K}\""]),
        brought_in in any::<bool>(),
    ) {
        let bare = if brought_in { "ARG K\n" } else { "" };
        let text = format!(
            "ARG K={secret}\nFROM public.ecr.aws/lambda/provided:al2023\n{bare}ENV {name}={reference}\n{TAIL}"
        );
        let found: Vec<_> = findings_for(&text).into_iter().filter(|f| f.code == "secret-in-env").collect();
        // Brought in: the ARG's history and the ENV.
        prop_assert_eq!(found.len(), if brought_in { 2 } else { 0 }, "{}\n{:#?}", text, found);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// A RUN's later commands read the variables its script assigned (a command of
    /// assignments only, `export NAME=value`), on one line or over a heredoc's lines: a
    /// `chmod` or `rm` of `"$V"` acts on the path `V` holds.
    #[test]
    fn a_runs_commands_read_the_variables_its_script_assigned(
        name in prop::sample::select(vec!["BIN", "TARGET_FILE", "out_path"]),
        (assign, use_, program) in prop::sample::select(vec![
            ("V=/var/task/bootstrap", "chmod 700 \"$V\"", true),
            ("export V=/var/task/bootstrap", "chmod 0600 ${V}", true),
            ("V=/var/task/bootstrap", "rm -f $V", true),
            ("V=/var/task", "chmod 700 \"$V/bootstrap\"", true),
            ("V=/var/task/README.md", "chmod 600 \"$V\"", false),
            ("V=/var/task/other", "rm -f \"$V\"", false),
            ("V=/var/task/bootstrap", "chmod 755 \"$V\"", false),
        ]),
        heredoc in any::<bool>(),
    ) {
        let assign = assign.replace('V', name);
        let use_ = use_.replace('V', name);
        let run = if heredoc {
            format!("RUN <<EOF\nset -eu\n{assign}\n{use_}\nEOF\n")
        } else {
            format!("RUN {assign} && {use_}\n")
        };
        let text = format!(
            "FROM public.ecr.aws/lambda/provided:al2023\nCOPY bootstrap /var/task/bootstrap\n{run}ENTRYPOINT [\"/var/task/bootstrap\"]\nCMD [\"lambda\"]\n"
        );
        let found = findings_for(&text);
        prop_assert_eq!(!found.is_empty(), program, "{}\n{:#?}", text, found);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// A shell script the Dockerfile writes as a heredoc and the ImageConfig starts is read as
    /// its shell reads it: the program each `exec` starts must be in the image (a relative
    /// path in the working directory), as for `sh -c "exec …"`.
    #[test]
    fn a_heredoc_wrapper_script_execs_only_a_program_the_image_holds(
        (exec, held) in prop::sample::select(vec![
            ("exec /var/task/server \"$@\"", true),
            ("exec /var/task/missing \"$@\"", false),
            ("exec ./server \"$@\"", true),
            ("exec ./bin/server", false),
            ("exec env RUST_LOG=info /var/task/server", true),
        ]),
        shebang in prop::sample::select(vec!["#!/bin/sh", "#!/bin/bash", "#!/usr/bin/env bash", "#!/bin/sh -e"]),
        prelude in prop::sample::select(vec!["", "set -eu\n", "export RUST_LOG=info\ncd /var/task\n"]),
    ) {
        let text = format!(
            "FROM public.ecr.aws/lambda/provided:al2023\nCOPY server /var/task/server\nCOPY --chmod=755 <<'EOF' /var/task/bootstrap\n{shebang}\n{prelude}{exec}\nEOF\nENTRYPOINT [\"/var/task/bootstrap\"]\nCMD [\"lambda\"]\n"
        );
        let found = findings_for(&text);
        prop_assert_eq!(found.is_empty(), held, "{}\n{:#?}", text, found);
        // AWS's entry script branches: the emulator only outside Lambda, which is no finding.
        let branching = format!(
            "FROM public.ecr.aws/lambda/provided:al2023\nCOPY server /var/task/server\nCOPY --chmod=755 <<'EOF' /var/task/bootstrap\n{shebang}\nif [ -z \"${{AWS_LAMBDA_RUNTIME_API}}\" ]; then\n  exec /usr/local/bin/aws-lambda-rie /var/task/server\nelse\n  exec /var/task/server\nfi\nEOF\nENTRYPOINT [\"/var/task/bootstrap\"]\nCMD [\"lambda\"]\n"
        );
        let found = findings_for(&branching);
        prop_assert!(found.is_empty(), "{}\n{:#?}", branching, found);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// No AWS Lambda base image ships an init wrapper (`tini`, `dumb-init`): one the
    /// ImageConfig starts must be installed (a package manager naming it) or copied there;
    /// the programs the base does ship (`/bin/sh`, `/usr/bin/env`) need nothing.
    #[test]
    fn an_init_wrapper_starts_only_when_the_image_holds_it(
        (wrapper, dir) in prop::sample::select(vec![
            ("tini", "/usr/bin"), ("tini", "/sbin"), ("dumb-init", "/usr/bin"), ("tini-static", "/usr/local/bin"),
        ]),
        install in 0..5usize,
        base in prop::sample::select(vec![
            "public.ecr.aws/lambda/provided:al2023",
            "public.ecr.aws/lambda/provided:al2",
            "123456789012.dkr.ecr.eu-west-1.amazonaws.com/ecr-public/lambda/provided:al2023",
        ]),
    ) {
        let program = format!("{dir}/{wrapper}");
        let (line, held) = match install {
            0 => (String::new(), false),
            1 => (format!("RUN dnf install -y {wrapper} && dnf clean all\n"), true),
            2 => (format!("ADD --chmod=755 https://github.com/acme/init/releases/download/v1/{wrapper}-arm64 {program}\n"), true),
            3 => (format!("COPY --from=public.ecr.aws/acme/init:1 /{wrapper} {program}\n"), true),
            // Another init installed: this one is still missing.
            _ => ("RUN dnf install -y procps-ng && dnf clean all\n".to_owned(), false),
        };
        let text = format!(
            "FROM {base}\n{line}COPY bootstrap /var/task/bootstrap\nENTRYPOINT [\"{program}\", \"--\", \"/var/task/bootstrap\"]\n"
        );
        let found = findings_with(&text, (&[program.as_str(), "--", "/var/task/bootstrap"], &[], "/var/task"), true, "image-config");
        prop_assert_eq!(found.is_empty(), held, "{}\n{:#?}", text, found);
        // The shell the base ships needs no install.
        let shell = format!("FROM {base}\nCOPY bootstrap /var/task/bootstrap\nENTRYPOINT [\"/bin/sh\", \"-c\", \"exec /var/task/bootstrap\"]\n");
        let found = findings_with(&shell, (&["/bin/sh", "-c", "exec /var/task/bootstrap"], &[], "/var/task"), true, "image-config");
        prop_assert!(found.is_empty(), "{}\n{:#?}", shell, found);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// A link `ln` makes at the program's path is the program only if its target is a file
    /// the image holds: a symbolic link's relative target read from the link's directory,
    /// a link into a directory named like its target; a dangling link starts nothing.
    #[test]
    fn a_link_is_the_program_only_if_its_target_is(
        (ln, holds) in prop::sample::select(vec![
            ("ln -s /opt/gw/server /var/task/bootstrap", true),
            ("ln -sf /opt/gw/absent /var/task/bootstrap", false),
            ("ln /opt/gw/server /var/task/bootstrap", true),
            ("ln /opt/gw/absent /var/task/bootstrap", false),
            ("ln -s ../../opt/gw/server /var/task/bootstrap", true),
            ("ln -s ../opt/gw/server /var/task/bootstrap", false),
            ("ln -s /opt/gw/bootstrap /var/task/", true),
            ("ln -s /opt/gw/none/bootstrap /var/task/", false),
            ("ln -s -t /var/task /opt/gw/bootstrap", true),
            ("ln --symbolic --target-directory=/var/task /opt/gw/none/bootstrap", false),
            ("cd /var/task && ln -s /opt/gw/server bootstrap", true),
            ("cd /var/task && ln -s /opt/gw/absent bootstrap", false),
            ("ln -sfn /opt/gw/server /var/task/bootstrap", true),
            ("cd /opt/gw && ln server /var/task/bootstrap", true),
            ("cd /opt && ln gw/absent /var/task/bootstrap", false),
        ]),
        prefix in prop::sample::select(vec!["", "set -eux && ", "mkdir -p /var/task; "]),
    ) {
        let text = format!(
            "FROM public.ecr.aws/lambda/provided:al2023\nCOPY server bootstrap /opt/gw/\nRUN {prefix}{ln}\nENTRYPOINT [\"/var/task/bootstrap\"]\nCMD [\"lambda\"]\n"
        );
        let found = findings_for(&text);
        prop_assert_eq!(found.is_empty(), holds, "{}\n{:#?}", text, found);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// BuildKit writes a COPY heredoc with mode 644 (`llb.Mkfile(…, 0644, …)`), and a
    /// symbolic `--chmod` changes that mode: a wrapper script written so is the entry point
    /// only when others may execute it.
    #[test]
    fn a_heredoc_entry_point_runs_only_with_a_mode_others_may_execute(
        (mode, runs) in prop::sample::select(vec![
            ("", false), ("755", true), ("0755", true), ("775", true), ("4755", true),
            ("700", false), ("744", false), ("0644", false), ("a+x", true), ("u+x", false),
            ("go+rx,u+rwx", true), ("o+x", true), ("ug+x", false), ("a=rx,u+w", true),
        ]),
        marker in prop::sample::select(vec!["EOF", "'EOF'", "\"SCRIPT\"", "-EOT"]),
        into_dir in any::<bool>(),
    ) {
        let chmod = if mode.is_empty() { String::new() } else { format!("--chmod={mode} ") };
        let end = marker.trim_matches(['\'', '"', '-']);
        let dest = if into_dir { "/var/task/" } else { "/var/task/bootstrap" };
        // Into a directory the heredoc's file is named by its marker: call it bootstrap.
        let (marker, end) = if into_dir { ("bootstrap".to_owned(), "bootstrap") } else { (marker.to_owned(), end) };
        let text = format!(
            "FROM public.ecr.aws/lambda/provided:al2023\nCOPY server /var/task/server\nCOPY {chmod}<<{marker} {dest}\n#!/bin/sh\nexec /var/task/server \"$@\"\n{end}\nENTRYPOINT [\"/var/task/bootstrap\"]\nCMD [\"lambda\"]\n"
        );
        let found = findings_for(&text);
        prop_assert_eq!(found.is_empty(), runs, "{}\n{:#?}", text, found);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// A file BuildKit's parser refuses builds no image: a misspelt or continued-away
    /// instruction, one before the first FROM, a FROM that is not `<image> [AS <name>]` with
    /// a valid stage name, a SHELL not in JSON form, an exec form holding a number, an ENV or
    /// LABEL word without `=`, an ONBUILD of FROM. Its neighbours BuildKit takes (keywords in
    /// any case, legacy `ENV name value`, names with `-_.`) pass.
    #[test]
    fn a_file_buildkits_parser_refuses_is_refused(
        kind in 0..4usize,
        pick in 0..64usize,
        lower in any::<bool>(),
    ) {
        const GOOD_NAMES: [&str; 5] = ["build", "build-2", "b_1.x", "Build", "tools.v2"];
        const BAD_NAMES: [&str; 5] = ["1build", "build!", "bu:ild", "-x", "_tools"];
        const GOOD: [&str; 10] = [
            "LABEL org.opencontainers.image.source=https://github.com/acme/gw",
            "EXPOSE 8080",
            "ENV RUST_LOG info",
            "ENV RUST_LOG=info RUST_BACKTRACE=1",
            "SHELL [\"/bin/bash\", \"-c\"]",
            "STOPSIGNAL SIGTERM",
            "USER 1000",
            "HEALTHCHECK NONE",
            "ONBUILD RUN echo ready",
            "LABEL a=b c=\"d e\"",
        ];
        const BAD: [&str; 10] = [
            "LABLE org.opencontainers.image.source=https://github.com/acme/gw",
            "EXPOSES 8080",
            "ENV RUST_LOG",
            "ENV RUST_LOG=info RUST_BACKTRACE",
            "SHELL /bin/bash -c",
            "SHELL []",
            "RUN [\"/bin/true\", 1]",
            "ONBUILD FROM scratch",
            "  RUST_LOG=info",
            "LABEL a=b c",
        ];
        let case = |t: &str| if lower { t.to_ascii_lowercase() } else { t.to_owned() };
        let (top, name, line, refused) = match kind {
            0 => ("ENV X=1\n", GOOD_NAMES[pick % 5], case(GOOD[pick % 10]), true),
            1 => ("", BAD_NAMES[pick % 5], case(GOOD[pick % 10]), true),
            2 => ("ARG X=1\n", GOOD_NAMES[pick % 5], case(BAD[pick % 10]), true),
            _ => ("ARG X=1\n", GOOD_NAMES[pick % 5], case(GOOD[pick % 10]), false),
        };
        let text = format!(
            "{top}FROM public.ecr.aws/lambda/provided:al2023 AS {name}\nFROM public.ecr.aws/lambda/provided:al2023\n{line}\n{TAIL}"
        );
        let found = findings_for(&text);
        let refusal = found.iter().any(|f| f.code == "image-platform" && f.message.contains("does not build"));
        prop_assert_eq!(refusal, refused, "{}\n{:#?}", text, found);
        if !refused {
            prop_assert!(found.is_empty(), "{}\n{:#?}", text, found);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// A COPY's destination is expanded with the variables its stage has: a global ARG not
    /// brought in by a bare `ARG NAME` (or brought in only after the COPY, or only in another
    /// stage) is empty there, as BuildKit expands it, so the program lands at `/bootstrap`,
    /// not in the task root the ImageConfig starts it from; a stage default built from such a
    /// global is empty before its own text too.
    #[test]
    fn a_copy_destination_reads_only_the_variables_its_stage_has(
        name in prop::sample::select(vec!["APP_DIR", "TASK_ROOT", "DEST", "installDir"]),
        reference in prop::sample::select(vec!["$D", "${D}", "\"${D}\"", "${D:-}"]),
        place in 0..7usize,
    ) {
        let reference = reference.replace('D', name);
        let (global, other, before, after, valid) = match place {
            0 => (format!("ARG {name}=/var/task\n"), String::new(), format!("ARG {name}\n"), String::new(), true),
            1 => (format!("ARG {name}=/var/task\n"), String::new(), String::new(), String::new(), false),
            2 => (String::new(), String::new(), format!("ARG {name}=/var/task\n"), String::new(), true),
            3 => (format!("ARG {name}=/var/task\n"), String::new(), String::new(), format!("ARG {name}\n"), false),
            4 => (
                format!("ARG {name}=/var/task\n"),
                format!("FROM public.ecr.aws/lambda/provided:al2023 AS other\nARG {name}\n"),
                String::new(), String::new(), false,
            ),
            5 => ("ARG ROOT=/var\n".to_owned(), String::new(), format!("ARG ROOT\nARG {name}=${{ROOT}}/task\n"), String::new(), true),
            _ => ("ARG ROOT=/var\n".to_owned(), String::new(), format!("ARG {name}=${{ROOT}}/task\n"), String::new(), false),
        };
        let text = format!(
            "{global}{other}FROM public.ecr.aws/lambda/provided:al2023\n{before}COPY bootstrap {reference}/bootstrap\n{after}ENTRYPOINT [\"/var/task/bootstrap\"]\nCMD [\"lambda\"]\n"
        );
        let found = findings_for(&text);
        prop_assert_eq!(found.is_empty(), valid, "{}\n{:#?}", text, found);
        if !valid {
            prop_assert!(found.iter().all(|f| f.code == "image-config" && f.message.contains("no instruction")), "{:#?}", found);
        }
    }
}

proptest! {
    /// BuildKit writes the values of a stage's ARGs into each RUN's history line
    /// (`RUN |1 NAME=value /bin/sh -c …`): an ARG of any name a RUN puts where a credential goes
    /// — a URL's user or password, after an auth scheme, a password option — is a credential
    /// in the image; the same ARG as a host, a version or a registry's address is not.
    #[test]
    fn an_arg_a_run_puts_where_a_credential_goes_is_kept_in_the_history(
        name in "[A-Z]{2,6}(_[A-Z]{2,6}){0,2}",
        reference in prop::sample::select(vec!["$K", "${K}"]),
        place in 0..5usize,
    ) {
        prop_assume!(!secret_name_like(&name));
        let k = |r: &str| r.replace('K', &name);
        let r = k(reference);
        let (credential, ordinary) = match place {
            0 => (format!("git clone https://x-access-token:{r}@github.com/acme/schemas.git /opt/s"),
                  format!("git clone https://{r}/acme/schemas.git /opt/s")),
            1 => (format!("git clone https://{r}@github.com/acme/schemas.git /opt/s"),
                  format!("pip install --index-url https://{r}/simple requests")),
            2 => (format!("curl -fsSL -H \"Authorization: Bearer {r}\" https://api.acme.dev/x -o /tmp/x"),
                  format!("curl -fsSL https://api.acme.dev/releases/v{r}/x -o /tmp/x")),
            3 => (format!("curl -fsSL -H \"Authorization: token {r}\" https://api.github.com/repos/acme/x"),
                  format!("curl -fsSL -H \"Accept: {r}\" https://api.github.com/repos/acme/x")),
            _ => (format!("mysql --host=db.internal --user=app --password={r} -e 'select 1'"),
                  format!("mysql --host={r} --user=app -e 'select 1'")),
        };
        let text = |run: &str| format!("FROM public.ecr.aws/lambda/provided:al2023\nARG {name}\nRUN {run}\n{TAIL}");
        // A name the secret rules read as a secret's (`AA_PW`) is a finding by itself.
        prop_assume!(findings_for(&text("true")).is_empty());
        let found: Vec<_> = findings_for(&text(&credential)).into_iter().filter(|f| f.code == "secret-in-env").collect();
        prop_assert_eq!(found.len(), 1, "{}\n{:#?}", credential, found);
        let plain = findings_for(&text(&ordinary));
        prop_assert!(plain.is_empty(), "{}\n{:#?}", ordinary, plain);
    }
}

/// Generated ARG names that spell a secret's word, judged by their name alone.
fn secret_name_like(name: &str) -> bool {
    [
        "PASS", "PWD", "TOKEN", "SECRET", "KEY", "CRED", "AUTH", "PSK",
    ]
    .iter()
    .any(|w| name.contains(w))
}

/// How each toolchain spells an architecture in the setting that picks its build target.
fn build_setting(tool: usize, arch: Arch) -> String {
    let (go, npm, rust, zig) = match arch {
        Arch::Arm => (
            "arm64",
            "arm64",
            "aarch64-unknown-linux-musl",
            "aarch64-linux-musl",
        ),
        Arch::Amd => (
            "amd64",
            "x64",
            "x86_64-unknown-linux-musl",
            "x86_64-linux-gnu",
        ),
    };
    let triple = match arch {
        Arch::Arm => "aarch64",
        Arch::Amd => "x86_64",
    };
    match tool % 11 {
        0 => format!("GOOS=linux GOARCH={go} go build -o /var/task/bootstrap ./cmd/handler"),
        1 => format!("npm install --os=linux --cpu={npm} sharp"),
        2 => format!(
            "cargo build --release --target {rust} && cp target/{rust}/release/bootstrap /var/task/"
        ),
        3 => format!("dotnet publish -c Release -r linux-{npm} -o /var/task"),
        4 => format!("zig build -Dtarget={zig} --prefix /var/task"),
        // A target with the glibc version it links against, zig's spelling.
        5 => format!("cargo zigbuild --release --target {triple}-unknown-linux-gnu.2.17"),
        6 => format!(
            "bun build --compile --target=bun-linux-{npm}-baseline ./src/index.ts --outfile /var/task/bootstrap"
        ),
        7 => format!("swift build -c release --swift-sdk {triple}-swift-linux-musl"),
        // Cross toolchains name their programs after the target triple, with a version too.
        8 => format!("{triple}-linux-gnu-gcc -static -O2 -o /var/task/bootstrap main.c"),
        9 => format!("make CC={triple}-linux-musl-gcc && cp app /var/task/bootstrap"),
        _ => format!(
            "cmake -DCMAKE_CXX_COMPILER=/usr/bin/{triple}-linux-gnu-g++-12 -B b && cmake --build b"
        ),
    }
}

/// A compiler's command in a builder stage: (text, whether it compiles native code, whether
/// it takes the target given). The target is `(architecture, for Linux)`.
fn compile(tool: usize, target: Option<(Arch, bool)>) -> (String, bool, bool) {
    let rust = |(a, linux): (Arch, bool)| match (a, linux) {
        (Arch::Arm, true) => "aarch64-unknown-linux-gnu",
        (Arch::Amd, true) => "x86_64-unknown-linux-musl",
        (Arch::Arm, false) => "aarch64-apple-darwin",
        (Arch::Amd, false) => "x86_64-pc-windows-gnu",
    };
    match tool % 9 {
        0 => {
            let env = target.map_or(String::new(), |(a, linux)| {
                let arch = if a == Arch::Arm { "arm64" } else { "amd64" };
                let os = if linux { "linux" } else { "darwin" };
                format!("GOOS={os} GOARCH={arch} ")
            });
            (
                format!("{env}go build -o /out/bootstrap ./cmd/fn"),
                true,
                true,
            )
        }
        1 => {
            let flag = target.map_or(String::new(), |t| format!(" --target {}", rust(t)));
            (
                format!(
                    "cargo build --release{flag} && cp target/*/release/bootstrap /out/bootstrap"
                ),
                true,
                true,
            )
        }
        2 => (
            "gcc -O2 -static -o /out/bootstrap main.c".to_owned(),
            true,
            false,
        ),
        3 => {
            let flag = target.map_or(String::new(), |t| format!(" --target={}", rust(t)));
            (
                format!("clang -O2{flag} -o /out/bootstrap main.c"),
                true,
                true,
            )
        }
        4 => {
            let flag = target.map_or(String::new(), |(a, linux)| {
                let arch = if a == Arch::Arm { "aarch64" } else { "x86_64" };
                format!(
                    " -target {arch}-{}",
                    if linux { "linux-musl" } else { "macos" }
                )
            });
            (
                format!("zig build-exe main.zig{flag} -femit-bin=/out/bootstrap"),
                true,
                true,
            )
        }
        5 => (
            "go run ./cmd/gen > /out/schema.json".to_owned(),
            false,
            false,
        ),
        6 => ("npm ci && npm run build".to_owned(), false, false),
        // The target from `$TARGETARCH`, empty unless the stage declares `ARG TARGETARCH`.
        7 => (
            "GOARCH=$TARGETARCH go build -o /out/bootstrap .".to_owned(),
            true,
            true,
        ),
        // xx's wrapper builds for `$TARGETPLATFORM`, the machine's without `ARG TARGETPLATFORM`.
        _ => (
            "CGO_ENABLED=0 xx-go build -o /out/bootstrap . && xx-verify /out/bootstrap".to_owned(),
            true,
            true,
        ),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// A builder stage on `--platform=$BUILDPLATFORM` (the build machine's, which the build
    /// does not fix) compiles for whatever machine runs the build when its compiler is given
    /// no target: a binary it makes is not known to be the function's architecture. Given a
    /// target, the target decides (another OS is never Lambda's); unpinned, it builds on the
    /// target platform; pinned, on the platform pinned. What the final image copies decides
    /// whether any of it matters: architecture-independent files (a JSON schema, the CA
    /// bundle, `/usr/share/zoneinfo`) carry no build. `GOARCH=$TARGETARCH` without `ARG
    /// TARGETARCH` in the stage is empty: no target.
    #[test]
    fn a_builder_compiles_for_the_platform_it_runs_on_unless_given_a_target(
        function_arch in prop::sample::select(vec![Arch::Arm, Arch::Amd]),
        pin in 0usize..5,
        spelling in 0usize..5,
        tool in 0usize..9,
        target in 0usize..3,
        linux in any::<bool>(),
        path in 0usize..4,
        declared in any::<bool>(),
    ) {
        let other = function_arch.other();
        let platform = match pin {
            0 => String::new(),
            1 => "--platform=$BUILDPLATFORM ".to_owned(),
            2 => "--platform=${BUILDPLATFORM} ".to_owned(),
            3 => format!("--platform={} ", function_arch.platforms()[spelling]),
            _ => format!("--platform={} ", other.platforms()[spelling]),
        };
        let target = match target {
            0 => None,
            1 => Some((function_arch, linux)),
            _ => Some((other, linux)),
        };
        // A stage pinned to another platform is judged by its pin unless its words name the
        // target: xx's wrappers name none (they read `$TARGETPLATFORM` themselves).
        prop_assume!(!(tool == 8 && pin == 4));
        // Tools 7 and 8 take the target's ARG: the function's when the stage declares it, else
        // empty (xx's wrappers then build for the machine they run on).
        let target = if tool >= 7 { declared.then_some((function_arch, true)) } else { target };
        let arg = match tool {
            7 if declared => "ARG TARGETARCH\n",
            8 if declared => "ARG TARGETPLATFORM\n",
            _ => "",
        };
        let (command, native, targeted) = compile(tool, target);
        let copied = ["/out/bootstrap", "/out/schema.json", "/etc/ssl/certs/ca-certificates.crt", "/usr/share/zoneinfo"][path];
        let text = format!(
            "FROM {platform}public.ecr.aws/docker/library/buildpack-deps:bookworm AS build\nWORKDIR /src\nCOPY . .\n{arg}RUN {command}\nFROM public.ecr.aws/lambda/provided:al2023\nCOPY --from=build {copied} /var/task/x\n{TAIL}"
        );
        // The platform the binary is built for, as far as the file says.
        let given = target.filter(|_| targeted);
        let builds_for = match given {
            Some((_, false)) => Some(false),
            Some((a, true)) => Some(a == function_arch),
            None => match pin {
                1 | 2 if native => Some(false),
                4 => Some(false),
                _ => Some(true),
            },
        };
        let binary = path == 0;
        let (got, findings) = verdict(text.clone(), function_arch, false);
        prop_assert_eq!(got.platform > 0, binary && builds_for == Some(false), "\n{}\n{:#?}", text, findings);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// A stage whose files the final image copies (by name in any case, by index, or through a
    /// stage built FROM it) builds for the architecture its RUNs name; naming none, for the
    /// platform it is pinned to or its base image's; unpinned, or on $BUILDPLATFORM running
    /// no compiler it knows (`make`), nothing tells, and it passes. Pinned to another OS
    /// (`windows/amd64`), it builds for that OS, whatever it names. A stage nothing copies is
    /// free.
    #[test]
    fn a_stage_the_image_copies_from_builds_for_the_architecture_it_says(
        function_arch in prop::sample::select(vec![Arch::Arm, Arch::Amd]),
        setting in 0usize..5,
        tool in 0usize..11,
        pin in 0usize..5,
        pin_spelling in 0usize..5,
        base_foreign in any::<bool>(),
        via in 0usize..3,
        copied in any::<bool>(),
    ) {
        let other = function_arch.other();
        let run = match setting {
            0 => "RUN make -C /src install PREFIX=/out".to_owned(),
            // Branching on the target's ARG, it builds for the target wherever it runs.
            4 => "ARG TARGETARCH\nRUN case \"$TARGETARCH\" in arm64) T=aarch64 ;; amd64) T=x86_64 ;; esac && make TARGET=$T".to_owned(),
            1 => format!("RUN {}", build_setting(tool, function_arch)),
            2 => format!("RUN {}", build_setting(tool, other)),
            _ => "ARG TARGETARCH\nRUN GOOS=linux GOARCH=$TARGETARCH go build -o /out/bootstrap .".to_owned(),
        };
        let platform = match pin {
            0 => String::new(),
            1 => "--platform=$BUILDPLATFORM ".to_owned(),
            2 => format!("--platform={} ", function_arch.platforms()[pin_spelling]),
            3 => format!("--platform={} ", other.platforms()[pin_spelling]),
            _ => {
                let os = ["windows/amd64", "WINDOWS/ARM64", "darwin/arm64", "freebsd/amd64", "windows/arm64/v8"];
                format!("--platform={} ", os[pin_spelling])
            }
        };
        let base = match (base_foreign, other) {
            (false, _) => "golang:1.22",
            (true, Arch::Amd) => "amd64/golang:1.22",
            (true, Arch::Arm) => "arm64v8/golang:1.22",
        };
        let (mid, from) = match via {
            0 => ("", "BUILDER"),
            1 => ("", "0"),
            _ => ("FROM builder AS mid\nRUN true\n", "mid"),
        };
        let copy = if copied {
            format!("COPY --from={from} /out/bootstrap /var/task/bootstrap")
        } else {
            "COPY bootstrap /var/task/bootstrap".to_owned()
        };
        let text = format!(
            "FROM {platform}{base} AS Builder\n{run}\n{mid}FROM public.ecr.aws/lambda/provided:al2023\n{copy}\nWORKDIR /var/task\n{TAIL}"
        );
        let foreign = match setting {
            _ if pin == 4 => true,
            2 => true,
            0 => pin == 3 || base_foreign,
            _ => false,
        };
        let (got, findings) = verdict(text.clone(), function_arch, false);
        prop_assert_eq!(got.platform, usize::from(copied && foreign), "\n{}\n{:#?}", text, findings);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// A RUN in the final stage that builds or installs for an architecture puts that
    /// architecture's code in the image, whatever the toolchain's spelling (a triple with a
    /// glibc version, Bun's and Swift SDKs' names), also through a script a heredoc wrote that
    /// it names; one that branches on the architecture it runs on builds only the matching
    /// branch.
    #[test]
    fn a_final_stage_run_building_for_another_architecture_is_refused(
        tool in 0usize..11,
        function_arch in prop::sample::select(vec![Arch::Arm, Arch::Amd]),
        built_for in prop::sample::select(vec![Arch::Arm, Arch::Amd]),
        guard in 0usize..11,
    ) {
        let command = build_setting(tool, built_for);
        let run = match guard {
            0 => format!("RUN {command}"),
            // A heredoc's body is the script the RUN runs.
            4 => format!("RUN <<EOF\nset -eux\n{command}\nEOF"),
            5 => format!("RUN <<-SCRIPT bash\n\techo building\n\t{command}\n\tSCRIPT"),
            6 => format!("RUN /bin/sh -c \"{command}\""),
            // Printed or commented out, it builds nothing.
            7 => format!("RUN echo \"would run: {command}\" && printf '%s\\n' '{command}'"),
            8 => format!("RUN <<EOF\n# {command}\ntrue\nEOF"),
            // A script a heredoc writes runs when a RUN names it, and only then.
            9 => format!("COPY <<EOF /tmp/build.sh\nset -eu\n{command}\nEOF\nRUN sh /tmp/build.sh"),
            10 => format!("COPY <<EOF /tmp/build.sh\n{command}\nEOF\nRUN sh /tmp/build-other.sh"),
            1 => format!("ARG TARGETARCH\nRUN if [ \"$TARGETARCH\" = {} ]; then {command}; fi", built_for.tokens()[0]),
            2 => format!("RUN case \"$(uname -m)\" in {}) {command} ;; esac", built_for.tokens()[1]),
            _ => format!("RUN [ \"$(dpkg --print-architecture)\" = {} ] && {command} || true", built_for.tokens()[0]),
        };
        let text = format!("FROM public.ecr.aws/lambda/provided:al2023\n{run}\n{TAIL}");
        let (got, findings) = verdict(text.clone(), function_arch, true);
        let expected = usize::from(matches!(guard, 0 | 4 | 5 | 6 | 9) && built_for != function_arch);
        prop_assert_eq!(got.platform, expected, "\n{}\n{:#?}", text, findings);
    }

    /// A stage that asks the machine it runs on for its architecture (`tool-$(uname -m)`, also
    /// through a variable it assigns) fetches or builds for that machine: on $BUILDPLATFORM,
    /// the build machine's, which the build does not fix; unpinned or on the function's
    /// platform, the target's. Printing it fetches nothing, and data copied out carries no
    /// architecture; a stage taking the target's platform (`ARG TARGETPLATFORM`, as xx reads
    /// it) builds for the target, and what it fetches so is a tool of the build.
    #[test]
    fn a_stage_asking_the_machine_its_architecture_builds_for_that_machine(
        function_arch in prop::sample::select(vec![Arch::Arm, Arch::Amd]),
        query in prop::sample::select(vec!["$(uname -m)", "`uname -m`", "$(dpkg --print-architecture)", "$(apk --print-arch)", "$(go env GOARCH)", "$(arch)"]),
        pin in 0usize..4,
        form in 0usize..6,
        binary in any::<bool>(),
        cross in any::<bool>(),
    ) {
        let platform = match pin {
            0 => String::new(),
            1 => "--platform=$BUILDPLATFORM ".to_owned(),
            2 => format!("--platform={} ", function_arch.platforms()[0]),
            _ => format!("--platform={} ", function_arch.other().platforms()[0]),
        };
        let file = if binary { "tool" } else { "tool.json" };
        let run = match form {
            0 => format!("wget -O /out/{file} https://example.com/dl/tool-linux-{query}"),
            1 => format!("A={query} && curl -fsSLo /out/{file} \"https://example.com/dl/tool-$A\""),
            // Branching on it, each branch is the machine's.
            3 => format!("case \"{query}\" in x86_64|amd64) a=amd64 ;; aarch64|arm64) a=arm64 ;; esac && wget -O /out/{file} https://example.com/dl/tool-$a"),
            // Printed, or run alone, it fetches nothing.
            4 => format!("{} && cp /src/{file} /out/{file}", query.trim_matches(['$', '(', ')', '`'])),
            _ => format!("echo \"fetching for {query}\" && cp /src/{file} /out/{file}"),
        };
        let text = format!(
            "FROM {platform}public.ecr.aws/docker/library/alpine:3.20 AS dl\nRUN {run}\n{}FROM public.ecr.aws/lambda/provided:al2023\nCOPY --from=dl /out/{file} /opt/{file}\n{TAIL}",
            if cross { "ARG TARGETPLATFORM\nRUN xx-go build -o /out/app .\n" } else { "" }
        );
        let (got, findings) = verdict(text.clone(), function_arch, false);
        let expected = binary && (pin == 3 || (pin == 1 && !cross && form < 4 && form != 2));
        prop_assert_eq!(got.platform, usize::from(expected), "\n{}\n{:#?}", text, findings);
    }

    /// In the final stage (and the stages it is built on) the build machine's platform ARGs
    /// name the machine, not the function: a download, a copy or a build setting named by
    /// `$BUILDARCH`/`$BUILDPLATFORM`/`$BUILDVARIANT`, however spelled, is for whatever machine
    /// runs the build. The target's ARGs name the function's architecture, and an ARG the stage
    /// does not declare is empty.
    #[test]
    fn the_final_stage_naming_the_build_machines_platform_is_not_the_functions(
        function_arch in prop::sample::select(vec![Arch::Arm, Arch::Amd]),
        machine in prop::sample::select(vec!["BUILDARCH", "BUILDPLATFORM", "BUILDVARIANT"]),
        spelling in 0usize..3,
        form in 0usize..4,
        target in any::<bool>(),
        declared in any::<bool>(),
        in_base in any::<bool>(),
    ) {
        let name = if target { machine.replace("BUILD", "TARGET") } else { machine.to_owned() };
        let reference = match spelling {
            0 => format!("${name}"),
            1 => format!("${{{name}}}"),
            _ => format!("${{{name}:-latest}}"),
        };
        let instruction = match form {
            0 => format!("ADD https://example.com/dl/tool-linux-{reference}.tar.gz /opt/"),
            1 => format!("RUN curl -fsSLo /opt/tool \"https://example.com/dl/{reference}/tool\""),
            2 => format!("COPY vendor/tool-{reference} /opt/tool"),
            _ => format!("RUN GOARCH={reference} go build -o /opt/tool ./cmd/tool"),
        };
        let declaration = if declared { format!("ARG {name}\n") } else { String::new() };
        let body = format!("{declaration}{instruction}\n");
        let text = if in_base {
            format!("FROM public.ecr.aws/lambda/provided:al2023 AS base\n{body}FROM base\n{TAIL}")
        } else {
            format!("FROM public.ecr.aws/lambda/provided:al2023\n{body}{TAIL}")
        };
        let (got, findings) = verdict(text.clone(), function_arch, false);
        let expected = declared && !target;
        prop_assert_eq!(got.platform >= 1, expected, "\n{}\n{:#?}", text, findings);
    }

    /// `-m32` makes a C compiler (native or cross) build i386 code, which no Lambda function
    /// runs, in the final stage or a stage it copies from; another program's `-m32` builds
    /// nothing.
    #[test]
    fn a_c_compilers_m32_builds_for_i386(
        compiler in prop::sample::select(vec!["gcc", "g++", "cc", "clang", "/usr/bin/clang++", "x86_64-linux-gnu-gcc-12"]),
        function_arch in prop::sample::select(vec![Arch::Arm, Arch::Amd]),
        in_builder in any::<bool>(),
        compiles in any::<bool>(),
    ) {
        let program = if compiles { compiler } else { "./configure" };
        let run = format!("RUN {program} -m32 -O2 -o /out/bootstrap main.c");
        let text = if in_builder {
            format!("FROM public.ecr.aws/docker/library/debian:12 AS build\n{run}\nFROM public.ecr.aws/lambda/provided:al2023\nCOPY --from=build /out/bootstrap /var/task/bootstrap\n{TAIL}")
        } else {
            format!("FROM public.ecr.aws/lambda/provided:al2023\n{run}\n{TAIL}")
        };
        let (got, findings) = verdict(text.clone(), function_arch, true);
        prop_assert_eq!(got.platform, usize::from(compiles), "\n{}\n{:#?}", text, findings);
    }

    /// `/lambda-entrypoint.sh` starts the runtime of the AWS base image it comes with: on an
    /// image not known as one (another registry's mirror, a company base), a streaming handler
    /// cannot be shown to stream.
    #[test]
    fn the_lambda_entrypoint_script_on_an_unknown_base_cannot_be_shown_to_stream(
        host in "[a-z]{3,10}\\.(example\\.com|corp\\.internal|io)",
        path in prop::sample::select(vec!["public-ecr-remote/lambda/python", "lambda/nodejs", "platform/lambda-base", "aws/provided"]),
        tag in "[0-9]{1,2}(\\.[0-9]{1,2})?",
        streaming in any::<bool>(),
        entry in prop::sample::select(vec!["/lambda-entrypoint.sh", "//lambda-entrypoint.sh"]),
    ) {
        let image = format!("{host}/{path}:{tag}");
        let mut app = base_app().clone();
        let f = function_mut(&mut app);
        f.source.dockerfile_text = format!(
            "FROM {image}\nWORKDIR /var/task\nENTRYPOINT [\"{entry}\"]\nCMD [\"app.handler\"]\n"
        )
        .leak();
        f.image_config = ImageConfig::new(&[entry], &["app.handler"], "/var/task").expect("valid");
        f.handler = if streaming { HandlerMode::Streaming } else { HandlerMode::Buffered };
        if let Some(url) = &mut f.url {
            url.invoke_mode = if streaming { InvokeMode::ResponseStream } else { InvokeMode::Buffered };
        }
        let findings: Vec<_> = lint(&app).into_iter().filter(|f| f.code == "image-streaming").collect();
        prop_assert_eq!(findings.len(), usize::from(streaming), "{}: {:#?}", image, findings);
    }
}

#[test]
fn the_lambda_entrypoint_script_streams_on_the_base_images_that_can() {
    for image in [
        "public.ecr.aws/lambda/provided:al2023",
        "public.ecr.aws/lambda/nodejs:22",
        "123456789012.dkr.ecr.eu-west-1.amazonaws.com/ecr-public/lambda/nodejs:20",
    ] {
        let mut app = base_app().clone();
        let f = function_mut(&mut app);
        // The provided image's script starts the bootstrap the Dockerfile puts in its place.
        let runtime = if image.contains("provided") {
            "COPY bootstrap ${LAMBDA_RUNTIME_DIR}\n"
        } else {
            ""
        };
        f.source.dockerfile_text = format!(
            "FROM {image}\nWORKDIR /var/task\n{runtime}ENTRYPOINT [\"/lambda-entrypoint.sh\"]\nCMD [\"app.handler\"]\n"
        )
        .leak();
        f.image_config =
            ImageConfig::new(&["/lambda-entrypoint.sh"], &["app.handler"], "/var/task")
                .expect("valid");
        let findings = lint(&app);
        assert!(findings.is_empty(), "{image}: {findings:#?}");
    }
}

#[test]
fn a_streaming_handler_on_a_runtime_that_cannot_stream_is_refused() {
    for image in [
        "public.ecr.aws/lambda/python:3.12",
        "123456789012.dkr.ecr.us-west-2.amazonaws.com/ecr-public/lambda/java:21",
        "amazon/aws-lambda-ruby:3.3",
    ] {
        only(
            &format!("FROM {image}\n"),
            "image-streaming",
            "cannot stream",
        );
    }
    for image in [
        "public.ecr.aws/lambda/nodejs:22",
        "public.ecr.aws/lambda/provided:al2023",
    ] {
        assert!(findings_for(&format!("FROM {image}\n{TAIL}")).is_empty());
    }
}

#[test]
fn secrets_in_the_final_stages_env_are_secrets_in_the_functions_environment() {
    // The ARG's value is in the image's history, and the ENV's in the environment.
    let text = format!(
        "FROM public.ecr.aws/lambda/provided:al2023\nARG KEY=AKIAIOSFODNN7EXAMPLE\nENV UPSTREAM=${{KEY}}\n{TAIL}"
    );
    let found: Vec<String> = findings_for(&text)
        .iter()
        .map(|f| f.message.clone())
        .collect();
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(
        found[0].contains("ARG KEY") && found[1].contains("ENV UPSTREAM"),
        "{found:#?}"
    );
    // Inherited through a stage, and filled from a build argument.
    only(
        "FROM public.ecr.aws/lambda/provided:al2023 AS base\nARG VALUE\nENV API_TOKEN=$VALUE\nFROM base\n",
        "secret-in-env",
        "API_TOKEN",
    );
    // A builder stage's environment does not reach the image.
    let text = format!(
        "FROM rust:1 AS build\nENV DB_PASSWORD=hunter2\nFROM public.ecr.aws/lambda/provided:al2023\nENV LOG_LEVEL=info\n{TAIL}"
    );
    assert!(findings_for(&text).is_empty());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// The image's ENV and the function's variables are one environment: a secret split into
    /// parts, each too short to be one, is found joined whether all parts are ENVs or some are
    /// the function's; host names split the same way are configuration.
    #[test]
    fn a_secret_split_across_the_images_env_is_found_joined(
        secret in "[A-Za-z0-9]{36}",
        in_function in 0usize..3,
        style in prop::sample::select(vec!["BLOB_{}", "BLOB_PART{}", "PART{}_BLOB"]),
    ) {
        prop_assume!(secret.chars().any(|c| c.is_ascii_digit()) && secret.chars().any(|c| c.is_ascii_uppercase()) && secret.chars().any(|c| c.is_ascii_lowercase()));
        let parts = [&secret[..12], &secret[12..24], &secret[24..]];
        let name = |i: usize| style.replace("{}", &(i + 1).to_string());
        let mut env = String::new();
        let mut app = base_app().clone();
        for (i, part) in parts.iter().enumerate() {
            if i < in_function {
                function_mut(&mut app).environment.push(infra_gen::model::lambda::EnvVar {
                    name: infra_gen::model::lambda::EnvName::new(&name(i)).expect("valid"),
                    value: infra_gen::model::Expr::literal(*part),
                });
            } else {
                env.push_str(&format!("ENV {}={part}\n", name(i)));
            }
        }
        // The image's finding: the function's variables alone may hold one of their own.
        let with = |env: &str, app: &mut App| {
            let text = format!("FROM public.ecr.aws/lambda/provided:al2023\n{env}{TAIL}");
            function_mut(app).source.dockerfile_text = Box::leak(text.into_boxed_str());
            lint(app)
                .into_iter()
                .filter(|f| f.code == "secret-in-env" && f.message.contains("sets ENV among"))
                .count()
        };
        let found = with(&env, &mut app);
        prop_assert_eq!(found, 1, "{}", env);
        let hosts: String = (0..3).map(|i| format!("ENV {}=b-{i}.mq.internal\n", name(i))).collect();
        let mut plain = base_app().clone();
        prop_assert_eq!(with(&hosts, &mut plain), 0);
    }
}

#[test]
fn what_cannot_be_resolved_is_a_finding() {
    only(
        "FROM --platform=$BUILDPLATFORM public.ecr.aws/lambda/provided:al2023\n",
        "image-platform",
        "BUILDPLATFORM",
    );
    only(
        "FROM --platform=$BUILDPLATFORM public.ecr.aws/lambda/provided:al2023 AS build\nFROM build\n",
        "image-platform",
        "BUILDPLATFORM",
    );
    only(
        "ARG BASE\nFROM $BASE\nWORKDIR /var/task\n",
        "image-platform",
        "BASE",
    );
    only(
        "FROM public.ecr.aws/lambda/provided:al2023\nARG DIR\nWORKDIR $DIR\n",
        "image-config",
        "DIR",
    );
    let copying = |from: &str| {
        format!(
            "FROM rust:1 AS builder\nFROM public.ecr.aws/lambda/provided:al2023 AS final\nCOPY --from={from} /bootstrap /var/task/\nFROM final\nFROM rust:1 AS later\nFROM final\n"
        )
    };
    for from in ["buidler", "7"] {
        only(&copying(from), "image-platform", from);
    }
    // A `--from` names a later stage as that stage, but BuildKit builds stages in the
    // file's order and fails the build (its testOutOfOrderStage: "needs to be defined
    // before current stage"); an earlier stage is fine.
    for from in ["later", "LATER", "3", "final", "1"] {
        only(&copying(from), "image-platform", "defined after");
    }
    for from in ["builder", "BUILDER", "0"] {
        let found: Vec<_> = findings_for(&format!("{}{TAIL}", copying(from)))
            .into_iter()
            .filter(|f| f.message.contains("defined after"))
            .collect();
        assert!(found.is_empty(), "{from}: {found:#?}");
    }
    only(
        "FROM later AS first\nFROM public.ecr.aws/lambda/provided:al2023 AS later\nFROM first\nWORKDIR /var/task\n",
        "image-platform",
        "defined after",
    );
}

#[test]
fn binaries_of_another_architecture_are_refused() {
    for copy in [
        "COPY --from=build /src/target/x86_64-unknown-linux-musl/release/bootstrap /var/task/",
        "ADD https://example.com/releases/tool_linux_amd64.tar.gz /opt/",
        "COPY --from=public.ecr.aws/awsguru/aws-lambda-adapter:0.8.4-x86_64 /lambda-adapter /opt/extensions/",
        "RUN pip install --platform manylinux2014_x86_64 --only-binary=:all: -t /var/task requests",
        "RUN curl -fsSL \"https://example.com/tool_linux_amd64.tar.gz\" | tar -xz -C /opt",
    ] {
        only(
            &format!("FROM rust:1 AS build\nFROM public.ecr.aws/lambda/provided:al2023\n{copy}\n"),
            "image-platform",
            "amd64",
        );
    }
    for valid in [
        "COPY --from=build /src/target/aarch64-unknown-linux-gnu/release/bootstrap /usr/lib/aarch64-linux-gnu/libz.so /var/task/",
        "RUN pip install --platform manylinux2014_aarch64 --only-binary=:all: -t /var/task requests",
        "RUN if [ \"$TARGETARCH\" = amd64 ]; then echo x86_64; fi",
        "RUN curl -o /opt/t https://example.com/t-$(uname -m) && curl -o /opt/u https://example.com/u-arm64",
    ] {
        let text = format!(
            "FROM rust:1 AS build\nFROM public.ecr.aws/lambda/provided:al2023\n{valid}\n{TAIL}"
        );
        assert!(findings_for(&text).is_empty(), "{valid}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// A file the final stage copies or fetches whose name spells another architecture is that
    /// architecture's build when it may run: a binary, an archive, a library or a script (an
    /// installer such as Miniconda's `…-x86_64.sh` carries binaries). A data file (text,
    /// configuration, certificates, images) runs nowhere, whatever its name says.
    #[test]
    fn a_copied_files_name_counts_only_when_the_file_may_run(
        function_arch in prop::sample::select(vec![Arch::Arm, Arch::Amd]),
        token in 0usize..4,
        stem in prop::sample::select(vec!["bootstrap", "tool", "THIRD_PARTY", "notes", "install"]),
        separator in prop::sample::select(vec!["-", "_", "."]),
        extension in prop::sample::select(vec![
            ("", false), (".tar.gz", false), (".zip", false), (".so", false), (".node", false),
            (".sh", false), (".py", false), (".bin", false),
            (".txt", true), (".md", true), (".json", true), (".yaml", true), (".pem", true),
            (".png", true), (".CSV", true), (".html", true), (".toml", true), (".woff2", true),
        ]),
        fetched in any::<bool>(),
    ) {
        let name = format!("{stem}{separator}{}{}", function_arch.other().tokens()[token], extension.0);
        let line = if fetched {
            format!("ADD https://example.com/releases/v1/{name} /opt/")
        } else {
            format!("COPY dist/{name} /opt/")
        };
        let text = format!("FROM public.ecr.aws/lambda/provided:al2023\n{line}\nWORKDIR /var/task\n{TAIL}");
        let (got, findings) = verdict(text.clone(), function_arch, false);
        prop_assert_eq!(got.platform, usize::from(!extension.1), "\n{}\n{:#?}", text, findings);
    }
}

#[test]
fn a_relative_entrypoint_runs_in_the_working_directory() {
    let ok = "FROM public.ecr.aws/lambda/provided:al2023\nCOPY bootstrap ./\nENTRYPOINT [\"./bootstrap\"]\nCMD [\"lambda\"]\n";
    assert!(findings_for(ok).is_empty());
    // In /opt it is /opt/bootstrap.
    let text = "FROM public.ecr.aws/lambda/provided:al2023\nWORKDIR /opt\nCOPY bootstrap /var/task/bootstrap\nENTRYPOINT [\"./bootstrap\"]\nCMD [\"lambda\"]\n";
    let f = findings_for(text);
    let messages: Vec<&str> = f.iter().map(|f| f.message.as_str()).collect();
    assert_eq!(messages.len(), 2, "{messages:#?}");
    assert!(
        messages.iter().any(|m| m.contains("ENTRYPOINT"))
            && messages.iter().any(|m| m.contains("WORKDIR"))
    );
}

#[test]
fn a_streaming_handler_started_by_a_runtime_client_that_cannot_stream_is_refused() {
    let mut app = base_app().clone();
    let f = function_mut(&mut app);
    f.source.dockerfile_text = "FROM python:3.12-slim\nWORKDIR /var/task\nENTRYPOINT [\"python\", \"-m\", \"awslambdaric\"]\nCMD [\"app.handler\"]\n";
    f.image_config = ImageConfig::new(
        &["python", "-m", "awslambdaric"],
        &["app.handler"],
        "/var/task",
    )
    .expect("valid");
    let findings = lint(&app);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(findings[0].code, "image-streaming");
    assert!(findings[0].message.contains("Python"), "{}", findings[0]);
}

#[test]
fn a_runtime_client_that_cannot_stream_is_refused_on_any_base_image() {
    // The client the ImageConfig starts talks to Lambda, even on a base whose own runtime
    // could stream (a custom runtime or Node.js): every base × every such client.
    let bases = [
        "public.ecr.aws/lambda/provided:al2023",
        "public.ecr.aws/lambda/provided:al2",
        "public.ecr.aws/lambda/nodejs:22",
        "amazon/aws-lambda-nodejs:20",
        "debian:bookworm-slim",
    ];
    let clients: [(&[&str], &str); 3] = [
        (&["/usr/bin/python3", "-m", "awslambdaric"], "Python"),
        (&["/usr/local/bin/aws_lambda_ric"], "Ruby"),
        (
            &[
                "java",
                "-cp",
                "/var/task/*",
                "com.amazonaws.services.lambda.runtime.api.client.AWSLambda",
            ],
            "Java",
        ),
    ];
    for base in bases {
        for (entry_point, language) in clients {
            let mut app = base_app().clone();
            let f = function_mut(&mut app);
            let exec = entry_point
                .iter()
                .map(|w| format!("{w:?}"))
                .collect::<Vec<_>>()
                .join(", ");
            f.source.dockerfile_text = format!(
                "FROM --platform=linux/arm64 {base}\nWORKDIR /var/task\nENTRYPOINT [{exec}]\nCMD [\"app.handler\"]\n"
            )
            .leak();
            f.image_config =
                ImageConfig::new(entry_point, &["app.handler"], "/var/task").expect("valid");
            let findings: Vec<_> = lint(&app)
                .into_iter()
                .filter(|f| f.code == "image-streaming")
                .collect();
            assert_eq!(findings.len(), 1, "{base} {language}: {findings:#?}");
            assert!(findings[0].message.contains(language), "{}", findings[0]);
        }
    }
}

#[test]
fn the_documented_runtime_interface_client_pattern_is_valid_for_a_buffered_handler() {
    // AWS's "alternative base image" example: a global ARG re-declared in both stages.
    let text = "ARG FUNCTION_DIR=\"/function\"\nFROM python:3.12 AS build-image\nARG FUNCTION_DIR\nRUN mkdir -p ${FUNCTION_DIR}\nCOPY . ${FUNCTION_DIR}\nRUN pip install --target ${FUNCTION_DIR} awslambdaric\nFROM python:3.12-slim\nARG FUNCTION_DIR\nWORKDIR ${FUNCTION_DIR}\nCOPY --from=build-image ${FUNCTION_DIR} ${FUNCTION_DIR}\nENTRYPOINT [ \"/usr/local/bin/python\", \"-m\", \"awslambdaric\" ]\nCMD [ \"lambda_function.handler\" ]\n";
    let mut app = base_app().clone();
    let f = function_mut(&mut app);
    f.source.dockerfile_text = text;
    f.architecture = Architecture::X86_64;
    f.handler = HandlerMode::Buffered;
    if let Some(url) = &mut f.url {
        url.invoke_mode = InvokeMode::Buffered;
    }
    f.image_config = ImageConfig::new(
        &["/usr/local/bin/python", "-m", "awslambdaric"],
        &["lambda_function.handler"],
        "/function/",
    )
    .expect("valid");
    // (The fixture's Bedrock grants are for a streaming handler: only this file's lints count.)
    let findings: Vec<_> = lint(&app)
        .into_iter()
        .filter(|f| OURS.contains(&f.code))
        .collect();
    assert!(findings.is_empty(), "{findings:#?}");
}

const OURS: [&str; 4] = [
    "image-platform",
    "image-config",
    "image-streaming",
    "secret-in-env",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// What the final image's stages write stays in the image for whoever pulls it: every ENV
    /// instruction is in its history, so a secret an ENV held is there even once a later ENV
    /// replaces it (here or in a stage it is built FROM), and every LABEL (either form) is in
    /// its config. A builder stage's are not in the image, and ordinary values are ordinary.
    #[test]
    fn the_images_history_and_labels_keep_what_a_later_env_replaced(
        secret in prop::sample::select(vec![
            ("GITHUB_TOKEN", "ghp_Zx8Qw2Er4Ty6Ui8Op0As2Df4Gh6Jk8Lz1Xc9V"),
            ("AWS_ACCESS_KEY_ID", "AKIAR4T6YU2WQ3ZX7NMP"),
            ("DB_PASSWORD", "Zq8LmN2vR7tX4wY9kP3s"),
            ("DATABASE_URL", "postgres://app:Vq83kLmZ29xPt4Wd@db.internal:5432/app"),
        ]),
        plain in prop::sample::select(vec![
            ("LOG_LEVEL", "debug"),
            ("APP_VERSION", "1.4.2"),
            ("DB_PASSWORD_FILE", "/run/secrets/db"),
        ]),
        replacement in prop::sample::select(vec!["", "/run/secrets/value", "\"\""]),
        label_key in prop::sample::select(vec!["com.example.token", "org.opencontainers.image.description", "build-info"]),
        legacy in any::<bool>(),
        parent in any::<bool>(),
    ) {
        let count = |written: &str, later: &str, builder: &str| {
            let provided = "FROM public.ecr.aws/lambda/provided:al2023";
            let last = if parent {
                format!("{provided} AS base\n{written}RUN true\nFROM base\n{later}")
            } else {
                format!("{provided}\n{written}RUN true\n{later}")
            };
            let text = format!("FROM --platform=$BUILDPLATFORM node:20 AS deps\n{builder}RUN npm ci\n{last}{TAIL}");
            let n = findings_for(&text).into_iter().filter(|f| f.code == "secret-in-env").count();
            (n, text)
        };
        let (name, value) = secret;
        let (plain_name, plain_value) = plain;
        let label = |k: &str, v: &str| if legacy { format!("LABEL {k} {v}\n") } else { format!("LABEL {k}=\"{v}\"\n") };
        for (written, later, builder, want) in [
            (format!("ENV {name}={value}\n"), format!("ENV {name}={replacement}\n"), String::new(), 1),
            (label(label_key, value), String::new(), String::new(), 1),
            (String::new(), String::new(), format!("ENV {name}={value}\n{}", label(label_key, value)), 0),
            (format!("ENV {plain_name}={plain_value}\n"), format!("ENV {plain_name}={replacement}\n"), String::new(), 0),
            (label("org.opencontainers.image.version", plain_value), String::new(), String::new(), 0),
        ] {
            let (got, text) = count(&written, &later, &builder);
            prop_assert_eq!(got, want, "{}", text);
        }
    }

    /// A `# syntax=` directive hands the file to the frontend it names: Docker's Dockerfile
    /// frontend (any tag or digest, on Docker Hub or a mirror of it) reads it as these lints
    /// do; any other frontend decides for itself what it builds, which cannot be worked out.
    /// A `syntax=` after a line that ends the directives is a comment.
    #[test]
    fn a_syntax_directive_naming_another_frontend_is_refused(
        registry in prop::sample::select(vec!["", "docker.io/", "index.docker.io/", "123456789012.dkr.ecr.us-east-1.amazonaws.com/docker-hub/", "mirror.gcr.io/"]),
        name in prop::sample::select(vec!["docker/dockerfile", "docker/dockerfile-upstream", "Docker/Dockerfile"]),
        other in prop::sample::select(vec!["acme/dockerfile", "ghcr.io/acme/frontend", "tonistiigi/pack", "earthly/buildkitd", "docker/buildkit-frontend", "dockerfile"]),
        tag in prop::sample::select(vec!["", ":1", ":1.7-labs", ":master", "@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"]),
        prefix in prop::sample::select(vec!["# syntax=", "#syntax = ", "# SYNTAX=", "// syntax="]),
        shebang in any::<bool>(),
    ) {
        let count = |head: &str| {
            let bang = if shebang { "#!/usr/bin/env buildctl-daemonless.sh\n" } else { "" };
            let text = format!("{bang}{head}\nFROM public.ecr.aws/lambda/provided:al2023\n{TAIL}");
            let n = findings_for(&text).into_iter().filter(|f| f.code == "image-platform").count();
            (n, text)
        };
        // A `//` line names a frontend to BuildKit's syntax detection, but the Dockerfile
        // parser reads no `//` comments: for Docker's own frontend it is an unknown instruction.
        let slashes = usize::from(prefix.starts_with("//"));
        for (head, want) in [
            (format!("{prefix}{registry}{name}{tag}"), slashes),
            (format!("{prefix}{other}{tag}"), 1),
            (format!("# built by CI\n{prefix}{other}{tag}"), slashes),
        ] {
            let (got, text) = count(&head);
            prop_assert_eq!(got, want, "{}", text);
        }
    }

    /// A builder whose Go or Node target is set to any architecture but the function's (in
    /// the RUN or by an ENV) builds for that one, whether or not its name is a common
    /// spelling of one (`GOARCH=386`, `GOARCH=arm`, `npm_config_arch=ia32`).
    #[test]
    fn any_value_of_an_architecture_setting_names_that_architecture(
        value in prop::sample::select(vec!["386", "arm", "amd64", "mips64le", "ppc64le", "riscv64", "s390x", "loong64", "wasm"]),
        own in prop::sample::select(vec!["arm64"]),
        in_env in any::<bool>(),
    ) {
        let count = |v: &str| {
            let (env, run) = if in_env {
                (format!("ENV GOARCH={v}\n"), "go build -o /out/bootstrap .".to_owned())
            } else {
                (String::new(), format!("GOARCH={v} go build -o /out/bootstrap ."))
            };
            let text = format!("FROM --platform=$BUILDPLATFORM golang:1.22 AS build\n{env}RUN CGO_ENABLED=0 {run}\nFROM public.ecr.aws/lambda/provided:al2023\nCOPY --from=build /out/bootstrap /var/task/bootstrap\n{TAIL}");
            let n = findings_for(&text).into_iter().filter(|f| f.code == "image-platform").count();
            (n, text)
        };
        let (got, text) = count(value);
        prop_assert_eq!(got, 1, "{}", text);
        let (got, text) = count(own);
        prop_assert_eq!(got, 0, "{}", text);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// A COPY or ADD heredoc writes its body into the stage's layers: a credential in it (a
    /// URL's password, a secret-named field of any file format, a vendor's token) is readable
    /// by whoever pulls the image when the final stage writes it or copies it from a builder
    /// (the file, a directory above it, a pattern), however the marker is spelled; a builder's
    /// file the image does not copy stays out of it, and an ordinary configuration file holds
    /// none.
    #[test]
    fn a_file_a_heredoc_writes_into_the_image_keeps_its_credentials(
        secret in "([A-Z][a-z][0-9]){7}",
        sha in "[0-9a-f]{40}",
        form in 0..7usize,
        ordinary in 0..6usize,
        marker in 0..4usize,
        add in any::<bool>(),
        parent in any::<bool>(),
        copy in 0..6usize,
    ) {
        let credential = [
            ("/var/task/.env", format!("LOG_LEVEL=info\nDATABASE_URL=postgres://app:{secret}@db.internal:5432/app")),
            ("/root/.npmrc", format!("registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken={secret}")),
            ("/root/.aws/credentials", format!("[default]\naws_access_key_id = AKIAZ7QW3ERT5YUI8OPA\naws_secret_access_key = {secret}")),
            ("/etc/pip.conf", format!("[global]\nindex-url = https://deploy:{secret}@pypi.corp.example/simple")),
            ("/root/.git-credentials", format!("https://ci:{secret}@git.example.com")),
            ("/var/task/config.yaml", format!("db:\n  host: db.internal\n  password: {secret}")),
            ("/var/task/appsettings.json", format!("{{\"ConnectionStrings\": {{\"Main\": \"Server=db;Database=app;User Id=app;Password={secret};\"}}}}")),
        ];
        let plain = [
            ("/etc/pip.conf", "[global]\nindex-url = https://pypi.org/simple\ntimeout = 30".to_owned()),
            ("/root/.npmrc", "registry=https://registry.npmjs.org/\nfund=false\naudit=false".to_owned()),
            ("/var/task/VERSION", sha.clone()),
            ("/var/task/config.yaml", "db:\n  host: db.internal\n  password_secret_arn: arn:aws:secretsmanager:us-west-2:123456789012:secret:db-AbCdEf".to_owned()),
            ("/usr/local/bin/start", "#!/bin/sh\nset -e\nexec /var/task/bootstrap \"$@\"".to_owned()),
            ("/var/task/.env", "LOG_LEVEL=info\nDATABASE_URL=postgres://app@db.internal:5432/app?sslmode=require".to_owned()),
        ];
        let spelled = ["<<EOF", "<<'EOF'", "<<\"EOF\"", "<<-EOF"][marker];
        let keyword = if add { "ADD" } else { "COPY" };
        let count = |(dest, body): &(&str, String), in_final: bool| {
            let line = format!("{keyword} {spelled} {dest}\n{body}\nEOF");
            let provided = "FROM public.ecr.aws/lambda/provided:al2023";
            let (dir, file) = dest.rsplit_once('/').unwrap_or(("", dest));
            let taken = [dest.to_string(), format!("{dir}/"), format!("{dir}/*{}", &file[file.len() - 1..])];
            let (builder, last) = match (in_final, parent) {
                (true, true) => (String::new(), format!("{provided} AS base\n{line}\nFROM base\n")),
                (true, false) => (String::new(), format!("{provided}\n{line}\n")),
                (false, _) => (format!("{line}\n"), format!("{provided}\nCOPY --from=deps /opt /opt\n")),
            };
            // Copied from the builder by a source that takes it.
            let (builder, last) = if in_final && copy < taken.len() {
                (format!("{line}\n"), format!("{provided}\nCOPY --from=deps {} /copied/\n", taken[copy]))
            } else {
                (builder, last)
            };
            let text = format!("FROM --platform=$BUILDPLATFORM public.ecr.aws/docker/library/node:20 AS deps\n{builder}RUN true\n{last}{TAIL}");
            let n = findings_for(&text).into_iter().filter(|f| f.code == "secret-in-env").count();
            (n, text)
        };
        let (got, text) = count(&credential[form], true);
        prop_assert_eq!(got, 1, "{}", text);
        let (got, text) = count(&credential[form], false);
        prop_assert_eq!(got, 0, "{}", text);
        let (got, text) = count(&plain[ordinary], true);
        prop_assert_eq!(got, 0, "{}", text);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// The image's history keeps every RUN of its stages as written, and every URL a COPY or
    /// ADD fetched: a credential there (in a URL, an auth header, a password option, a
    /// secret-named field or configuration setting, a vendor's token) is readable by whoever
    /// pulls the image, while a builder stage's stay out of it. Checksums, digests, commit
    /// IDs, UUIDs and placeholders in ordinary commands are no credentials.
    #[test]
    fn a_credential_a_final_stage_instruction_holds_is_in_the_images_history(
        secret in "([A-Z][a-z][0-9]){7}",
        hex in "[0-9a-f]{64}",
        sha in "[0-9a-f]{40}",
        uuid in "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}",
        form in 0..10usize,
        ordinary in 0..15usize,
        parent in any::<bool>(),
    ) {
        let credential = [
            format!("RUN git clone https://ci:{secret}@git.example.com/acme/models.git /opt/models"),
            format!("RUN curl -fsSL -H \"Authorization: Bearer {secret}\" https://api.example.com/v1/model -o /opt/model.bin"),
            format!("RUN npm config set //registry.npmjs.org/:_authToken {secret} && npm ci"),
            format!("RUN echo \"//registry.npmjs.org/:_authToken={secret}\" > /root/.npmrc"),
            format!("RUN mysql -h db.internal -u app -p{secret} -e 'select 1'"),
            format!("RUN ./migrate --db-password {secret}"),
            format!("RUN git config --global user.password {secret}"),
            format!("ADD https://deploy:{secret}@artifacts.example.com/models/v3.tar.gz /opt/"),
            format!("RUN keytool -importkeystore -srckeystore /tmp/app.p12 -srcstorepass {secret} -destkeystore /var/task/app.jks"),
            // The config keeps the SHELL too, and the history every instruction.
            format!("SHELL [\"/bin/sh\", \"-c\", \"PGPASSWORD={secret} exec /bin/sh -c \\\"$0\\\"\"]"),
        ];
        let plain = [
            format!("RUN curl -fsSLo /tmp/t.tgz https://example.com/t-linux-arm64.tgz && echo \"{hex}  /tmp/t.tgz\" | sha256sum -c -"),
            format!("RUN pip install --require-hashes --target /var/task 'requests==2.32.3' --hash=sha256:{hex}"),
            format!("RUN git clone https://github.com/acme/lib.git /opt/lib && git -C /opt/lib checkout {sha}"),
            format!("RUN curl -fsSL -H 'X-Request-Id: {uuid}' https://example.com/config.json -o /var/task/config.json"),
            format!("ADD --checksum=sha256:{hex} https://github.com/acme/data/archive/{sha}.tar.gz /opt/"),
            // (The .npmrc the token is stored in is removed in the same RUN: no layer keeps it.)
            "RUN --mount=type=secret,id=npm,env=NPM_TOKEN npm config set //registry.npmjs.org/:_authToken $NPM_TOKEN && npm ci && rm -f ~/.npmrc".to_owned(),
            "RUN git config --global credential.helper store && git config --global user.email ci@example.com".to_owned(),
            format!("RUN echo 'build {sha}' > /var/task/VERSION && dnf install -y jq-1.6"),
            "RUN curl -fsSL -H \"Authorization: Bearer ${TOKEN}\" https://api.example.com/v1/model -o /opt/model.bin".to_owned(),
            // A command substitution reading a mounted secret: the shell's output, not the text's.
            format!("RUN --mount=type=secret,id=t{ordinary} curl -fsSL -H \"Authorization: Bearer $(cat /run/secrets/t{ordinary})\" -o /opt/model.bin https://api.example.com/v1/model"),
            "RUN --mount=type=secret,id=pg PGPASSWORD=$(cat /run/secrets/pg) psql -h db.internal -U app -c 'select 1'".to_owned(),
            "RUN --mount=type=secret,id=t git clone https://ci:`cat /run/secrets/t`@git.example.com/acme/models.git /opt/models".to_owned(),
            "RUN --mount=type=secret,id=db mysql -h db.internal -u app --password=\"$(cat /run/secrets/db)\" -e 'select 1'".to_owned(),
            // The JDK truststore's documented default password protects nothing.
            "RUN keytool -importcert -noprompt -alias corp -file /tmp/corp.crt -cacerts -storepass changeit".to_owned(),
            "SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nUSER 1000:1000\nVOLUME /tmp\nEXPOSE 8080\nSTOPSIGNAL SIGTERM".to_owned(),
        ];
        let count = |line: &str, in_final: bool| {
            let provided = "FROM public.ecr.aws/lambda/provided:al2023";
            let (builder, last) = match (in_final, parent) {
                (true, true) => (String::new(), format!("{provided} AS base\n{line}\nFROM base\n")),
                (true, false) => (String::new(), format!("{provided}\n{line}\n")),
                (false, _) => (format!("{line}\n"), format!("{provided}\nCOPY --from=deps /opt /opt\n")),
            };
            let text = format!("FROM --platform=$BUILDPLATFORM public.ecr.aws/docker/library/node:20 AS deps\n{builder}RUN true\n{last}{TAIL}");
            let n = findings_for(&text).into_iter().filter(|f| f.code == "secret-in-env").count();
            (n, text)
        };
        let (got, text) = count(&credential[form], true);
        prop_assert_eq!(got, 1, "{}", text);
        let (got, text) = count(&credential[form], false);
        prop_assert_eq!(got, 0, "{}", text);
        let (got, text) = count(&plain[ordinary], true);
        prop_assert_eq!(got, 0, "{}", text);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// An ENV reading a variable whose value this check cannot know (a base image's, whose
    /// environment it cannot read) takes its `${V:-…}`/`${V-…}` fallback when the base does
    /// not set it: a secret there is in the function's environment. Ordinary fallbacks are
    /// ordinary, and on a base whose environment is known the fallback counts only if taken.
    #[test]
    fn a_fallback_a_base_image_may_leave_in_place_is_judged(
        name in prop::sample::select(vec!["DATABASE_URL", "APP_CONFIG", "UPSTREAM"]),
        op in prop::sample::select(vec![":-", "-"]),
        secret in prop::sample::select(vec![
            "postgres://app:Vq83kLmZ29xPt4Wd@db.internal:5432/app",
            "ghp_Zx8Qw2Er4Ty6Ui8Op0As2Df4Gh6Jk8Lz1Xc9V",
            "https://hooks.slack.com/services/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",
        ]),
        plain in prop::sample::select(vec!["https://api.example.com/v1", "info", "/var/task/config.json"]),
        unknown_base in prop::sample::select(vec!["public.ecr.aws/docker/library/python:3.12-slim", "ghcr.io/acme/base:1"]),
    ) {
        let count = |base: &str, before: &str, fallback: &str| {
            let text = format!("FROM {base}\n{before}ENV {name}=${{{name}{op}{fallback}}}\nWORKDIR /var/task\n{TAIL}");
            let n = findings_for(&text).into_iter().filter(|f| f.code == "secret-in-env").count();
            (n, text)
        };
        let provided = "public.ecr.aws/lambda/provided:al2023";
        for (base, before, fallback, want) in [
            (unknown_base, "", secret, 1),
            (unknown_base, "", plain, 0),
            (provided, "", secret, 1),
            (provided, "", plain, 0),
            (provided, &*format!("ENV {name}={plain}\n"), secret, 0),
        ] {
            let (got, text) = count(base, before, fallback);
            prop_assert_eq!(got, want, "{}", text);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// The command a function starts is in its configuration (the ImageConfig, which
    /// GetFunction shows) and, with its health check and ONBUILD triggers, in the image's
    /// config: a credential in any of them is readable in plain text, whichever way it is
    /// written; ordinary options are ordinary.
    #[test]
    fn a_credential_in_the_command_an_image_starts_is_in_plain_text(
        secret in "([A-Z][a-z][0-9]){7}",
        option in prop::sample::select(vec!["--password", "--db-password", "--api-token"]),
        plain in prop::sample::select(vec![("--port", "8080"), ("--token-header", "X-Api-Key"), ("--log-level", "info")]),
        place in 0..4usize,
    ) {
        let entry = ["/var/task/bootstrap"];
        let run = |flag: &str, value: &str| {
            let head = "FROM public.ecr.aws/lambda/provided:al2023\nWORKDIR /var/task\nCOPY bootstrap ./\n";
            let tail = "ENTRYPOINT [\"/var/task/bootstrap\"]\n";
            let shell = format!("serve {flag} {value}");
            let (text, command): (String, Vec<&str>) = match place {
                // The ImageConfig and the Dockerfile both start it.
                0 => (format!("{head}{tail}CMD [\"serve\", \"{flag}\", \"{value}\"]\n"), vec!["serve", flag, value]),
                1 => (format!("{head}HEALTHCHECK CMD /var/task/bootstrap check {flag} {value}\n{tail}CMD [\"lambda\"]\n"), vec!["lambda"]),
                2 => (format!("{head}ONBUILD RUN /var/task/bootstrap migrate {flag} {value}\n{tail}CMD [\"lambda\"]\n"), vec!["lambda"]),
                _ => (format!("{head}{tail}CMD {shell}\n"), vec!["/bin/sh", "-c", &shell]),
            };
            let found = findings_with(&text, (&entry, &command, "/var/task"), true, "secret-in-env");
            let other = findings_with(&text, (&entry, &command, "/var/task"), true, "image-config");
            (found.len(), other.len(), text)
        };
        let (found, _, text) = run(option, &secret);
        // Dockerfile and ImageConfig each hold it when both start it.
        let want = if place == 0 || place == 3 { 2 } else { 1 };
        prop_assert_eq!(found, want, "{}", text);
        let (found, config, text) = run(plain.0, plain.1);
        prop_assert_eq!(found, 0, "{}", text);
        prop_assert_eq!(config, 0, "{}", text);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// An ARG a later ARG of its name replaces is still in the image's history with its
    /// value, as every ARG instruction is: a secret there stays readable. Ordinary values
    /// replaced are ordinary.
    #[test]
    fn an_arg_replaced_later_keeps_its_value_in_the_history(
        name in prop::sample::select(vec!["REGISTRY_VALUE", "SETUP", "BUILD_INPUT"]),
        secret in prop::sample::select(vec![
            "ghp_Zx8Qw2Er4Ty6Ui8Op0As2Df4Gh6Jk8Lz1Xc9V",
            "AKIAR4T6YU2WQ3ZX7NMP",
            "xoxb-2411223344-5566778899001-AbCdEfGhIjKlMnOpQrStUvWx",
        ]),
        plain in prop::sample::select(vec!["debug", "1.4.2", "/opt/app"]),
        later in prop::sample::select(vec!["", "=", "=other"]),
        parent in any::<bool>(),
    ) {
        let count = |value: &str| {
            let provided = "FROM public.ecr.aws/lambda/provided:al2023";
            let first = format!("ARG {name}={value}\nRUN true\n");
            let second = format!("ARG {name}{later}\n");
            let text = if parent {
                format!("{provided} AS base\n{first}FROM base\n{second}{TAIL}")
            } else {
                format!("{provided}\n{first}{second}{TAIL}")
            };
            let n = findings_for(&text).into_iter().filter(|f| f.code == "secret-in-env").count();
            (n, text)
        };
        // A bare ARG keeps the value it had: then it is the current ARG's finding.
        let (got, text) = count(secret);
        prop_assert_eq!(got, 1, "{}", text);
        let (got, text) = count(plain);
        prop_assert_eq!(got, 0, "{}", text);
    }
}

/// How a generated Dockerfile brings a program into its final stage, and whether that puts a
/// file at `dir/name`.
#[derive(Debug, Clone)]
enum Route {
    /// `COPY --from=build /out/<file> <dest>/`: lands as `dest/file` (the builder's
    /// `artifact` when it does not build `file`).
    IntoDir { file: usize, dest: usize },
    /// `COPY <src> <path>`: a file at `path` (not an existing directory).
    ToFile { path: usize },
    /// `COPY <src> <path>/`: a directory at `path`, the file inside it.
    ToDirNamed { path: usize },
    /// `COPY --from=build /out/ <dest>/`: the builder's files land in `dest`.
    BuilderTree { dest: usize },
    /// `COPY . <dest>`: the build context, which holds sources.
    Context { dest: usize },
    /// `RUN … -o <path>` in the final stage.
    Built { path: usize },
    /// `RUN install -m 755 /tmp/<file> <dest>/`: lands as `dest/file`.
    Installed { file: usize, dest: usize },
    /// The same COPY in the stage the final stage is built FROM, or as its ONBUILD trigger.
    Parent { path: usize, onbuild: bool },
}

const ROUTE_FILES: [&str; 3] = ["bootstrap", "server", "main"];
const ROUTE_DIRS: [&str; 5] = [
    "/var/task",
    "/opt/app",
    "/var/runtime",
    "/srv",
    "/usr/local/bin",
];

fn route() -> impl Strategy<Value = Route> {
    let file = 0..ROUTE_FILES.len();
    let dir = 0..ROUTE_DIRS.len();
    let path = 0..ROUTE_FILES.len() * ROUTE_DIRS.len();
    prop_oneof![
        (file.clone(), dir.clone()).prop_map(|(file, dest)| Route::IntoDir { file, dest }),
        path.clone().prop_map(|path| Route::ToFile { path }),
        path.clone().prop_map(|path| Route::ToDirNamed { path }),
        dir.clone().prop_map(|dest| Route::BuilderTree { dest }),
        dir.prop_map(|dest| Route::Context { dest }),
        path.clone().prop_map(|path| Route::Built { path }),
        (0..ROUTE_FILES.len(), 0..ROUTE_DIRS.len())
            .prop_map(|(file, dest)| Route::Installed { file, dest }),
        (path, any::<bool>()).prop_map(|(path, onbuild)| Route::Parent { path, onbuild }),
    ]
}

fn route_path(i: usize) -> String {
    format!(
        "{}/{}",
        ROUTE_DIRS[i / ROUTE_FILES.len()],
        ROUTE_FILES[i % ROUTE_FILES.len()]
    )
}

impl Route {
    /// The instruction (in the final stage; a parent's COPY is written by the caller) and
    /// the file it puts in place, if one it is sure to. The builder writes `/out/<built>` and
    /// `/out/artifact`; `lambda` tells whether `${LAMBDA_TASK_ROOT}` is set.
    fn text(&self, built: usize, lambda: bool) -> (String, Option<String>) {
        match self {
            Self::IntoDir { file, dest } => {
                let d = ROUTE_DIRS[*dest];
                let spelled = if d == "/var/task" && lambda {
                    "${LAMBDA_TASK_ROOT}/".to_owned()
                } else {
                    format!("{d}/")
                };
                let f = if *file == built {
                    ROUTE_FILES[*file]
                } else {
                    "artifact"
                };
                (
                    format!("COPY --from=build /out/{f} {spelled}\n"),
                    Some(format!("{d}/{f}")),
                )
            }
            Self::ToFile { path } => {
                let p = route_path(*path);
                (format!("COPY --from=build /out/artifact {p}\n"), Some(p))
            }
            Self::ToDirNamed { path } => (
                format!("COPY --from=build /out/artifact {}/\n", route_path(*path)),
                None,
            ),
            Self::BuilderTree { dest, .. } => {
                let d = ROUTE_DIRS[*dest];
                (
                    format!("COPY --from=build /out/ {d}/\n"),
                    Some(format!("{d}/{}", ROUTE_FILES[built])),
                )
            }
            Self::Context { dest } => (format!("COPY . {}\n", ROUTE_DIRS[*dest]), None),
            Self::Built { path } => {
                let p = route_path(*path);
                (
                    format!("RUN dnf install -y golang && go build -o {p} ./cmd/lambda\n"),
                    Some(p),
                )
            }
            Self::Installed { file, dest } => {
                let (f, d) = (ROUTE_FILES[*file], ROUTE_DIRS[*dest]);
                (
                    format!("RUN install -m 755 /tmp/{f} {d}/\n"),
                    Some(format!("{d}/{f}")),
                )
            }
            Self::Parent { path, onbuild } => {
                let p = route_path(*path);
                let copy = format!("COPY --from=build /out/artifact {p}\n");
                (
                    if *onbuild {
                        format!("ONBUILD {copy}")
                    } else {
                        copy
                    },
                    Some(p),
                )
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Lambda starts the ImageConfig's program by its path: the final image must hold a file
    /// there, which only an instruction puts on a Lambda base image (its entrypoint script
    /// starts /var/runtime/bootstrap, which `provided` leaves to the Dockerfile) or on scratch.
    /// Every route that lands the file there passes; one that lands it elsewhere, under
    /// another name, as a directory, or only copies the build context, is refused.
    #[test]
    fn the_program_the_image_config_starts_is_where_an_instruction_puts_it(
        base in prop::sample::select(vec!["public.ecr.aws/lambda/provided:al2023", "public.ecr.aws/lambda/nodejs:22", "scratch"]),
        program in 0..ROUTE_FILES.len() * ROUTE_DIRS.len(),
        script in any::<bool>(),
        routes in proptest::collection::vec(route(), 0..3),
        builder_file in 0..ROUTE_FILES.len(),
    ) {
        // The Lambda base images' script: a program the Dockerfile must put at
        // /var/runtime/bootstrap on provided, and the runtime's own on nodejs.
        let script = script && base != "scratch";
        let (entry, wanted) = if script {
            ("/lambda-entrypoint.sh".to_owned(), base.contains("provided").then(|| "/var/runtime/bootstrap".to_owned()))
        } else {
            let p = route_path(program);
            // The nodejs image ships its runtime's directory.
            let own = base.contains("nodejs") && p.starts_with("/var/runtime/");
            (p.clone(), (!own).then_some(p))
        };
        let builder = format!(
            "FROM --platform=$BUILDPLATFORM golang:1.23 AS build\nARG TARGETARCH\nRUN GOARCH=$TARGETARCH go build -o /out/{} . && cp /out/{} /out/artifact\n",
            ROUTE_FILES[builder_file], ROUTE_FILES[builder_file]
        );
        // A path one route makes a directory and another a file fails the build (or depends on
        // their order), so no such pair is generated.
        let dirs: Vec<String> = routes
            .iter()
            .filter_map(|r| match r {
                Route::ToDirNamed { path } => Some(route_path(*path)),
                _ => None,
            })
            .collect();
        prop_assume!(!routes.iter().any(|r| r.text(builder_file, base != "scratch").1.is_some_and(|p| dirs.contains(&p))));
        let mut parent = String::new();
        let mut body = String::new();
        let mut placed = Vec::new();
        for r in &routes {
            let (text, puts) = r.text(builder_file, base != "scratch");
            match r {
                Route::Parent { .. } => parent.push_str(&text),
                _ => body.push_str(&text),
            }
            placed.extend(puts);
        }
        let text = format!(
            "{builder}FROM {base} AS runtime\nWORKDIR /var/task\n{parent}FROM runtime\n{body}ENTRYPOINT [\"{entry}\"]\nCMD [\"lambda\"]\n"
        );
        let refused = wanted.as_ref().is_some_and(|w| !placed.contains(w));
        let found: Vec<_> = findings_with(&text, (&[entry.as_str()], &["lambda"], "/var/task"), false, "image-config")
            .into_iter()
            .filter(|f| f.message.contains("puts a file"))
            .collect();
        prop_assert_eq!(found.len(), usize::from(refused), "\n{}\n{:?}\n{:#?}", text, wanted, found);
    }
}

#[test]
fn copies_of_copies_are_followed_within_a_bound() {
    // Stages copying each other's root in a cycle (the build fails; the check must end), and
    // a long line of stages each copying the one before: the program is found through them.
    let cycle = "FROM scratch AS a\nCOPY --from=b / /\nFROM scratch AS b\nCOPY --from=a / /\nFROM public.ecr.aws/lambda/provided:al2023\nCOPY --from=a / /var/task/\nENTRYPOINT [\"/var/task/bootstrap\"]\nCMD [\"lambda\"]\n";
    let found = findings_with(
        cycle,
        (&["/var/task/bootstrap"], &["lambda"], "/var/task"),
        true,
        "image-config",
    );
    assert!(found.len() <= 1, "{found:#?}");
    let mut line = "FROM scratch AS s0\nCOPY bootstrap /bootstrap\n".to_owned();
    for i in 1..40 {
        line.push_str(&format!(
            "FROM scratch AS s{i}\nCOPY --from=s{} / /\nCOPY --from=s{} / /\n",
            i - 1,
            i - 1
        ));
    }
    line.push_str("FROM public.ecr.aws/lambda/provided:al2023\nCOPY --from=s39 / /var/task/\nENTRYPOINT [\"/var/task/bootstrap\"]\nCMD [\"lambda\"]\n");
    let found = findings_with(
        &line,
        (&["/var/task/bootstrap"], &["lambda"], "/var/task"),
        true,
        "image-config",
    );
    assert!(found.is_empty(), "{found:#?}");
    // Without the file, every path through the line is followed until the bound: it ends.
    let empty = line.replacen("COPY bootstrap /bootstrap\n", "", 1);
    let found = findings_with(
        &empty,
        (&["/var/task/bootstrap"], &["lambda"], "/var/task"),
        true,
        "image-config",
    );
    assert!(found.len() <= 1, "{found:#?}");
}

/// The fixture's app with `text` as its Dockerfile and `config` as its ImageConfig.
fn with_config(text: &str, config: ImageConfig) -> App {
    let mut app = base_app().clone();
    let f = function_mut(&mut app);
    f.source.dockerfile_text = Box::leak(text.to_owned().into_boxed_str());
    f.image_config = config;
    app
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Lambda's ImageConfig takes 0 to 1500 Command items: an image whose final stage has an
    /// ENTRYPOINT and no CMD (AWS's pattern for `provided`) is started by its ENTRYPOINT alone,
    /// and its definition passes an empty Command — which agrees only with no CMD, and renders
    /// a template the schema accepts.
    #[test]
    fn an_image_without_cmd_is_started_by_its_entry_point_alone(
        program in 0..3usize,
        image_cmd in any::<bool>(),
        config_cmd in any::<bool>(),
        inherited in any::<bool>(),
    ) {
        let (written, configured) = [
            ("/var/task/bootstrap", "/var/task/bootstrap"),
            ("./bootstrap", "./bootstrap"),
            ("/var/task/./bootstrap", "/var/task/bootstrap"),
        ][program];
        let cmd = if image_cmd { "CMD [\"lambda\"]\n" } else { "" };
        // A CMD the stage inherits is dropped by its ENTRYPOINT: none either way then.
        let (base, has_cmd) = if inherited {
            ("FROM public.ecr.aws/lambda/provided:al2023 AS base\nCMD [\"serve\"]\nFROM base\n", image_cmd)
        } else {
            ("FROM public.ecr.aws/lambda/provided:al2023\n", image_cmd)
        };
        let text = format!("{base}COPY bootstrap /var/task/bootstrap\nENTRYPOINT [\"{written}\"]\n{cmd}");
        let command: &[&str] = if config_cmd { &["lambda"] } else { &[] };
        let config = ImageConfig::new(&[configured], command, "/var/task").expect("valid config");
        let app = with_config(&text, config);
        let findings: Vec<String> = lint(&app).iter().map(ToString::to_string).collect();
        prop_assert_eq!(findings.is_empty(), has_cmd == config_cmd, "{}\n{:#?}", text, findings);
        if findings.is_empty() && !config_cmd {
            prop_assert!(infra_gen::pipeline::validated(&app).is_ok());
        }
    }

    /// The AWS base images' `/lambda-entrypoint.sh` takes exactly one argument, the handler
    /// (it exits 142 otherwise): the ImageConfig's arguments after it — the rest of its
    /// EntryPoint and its Command — must be that one, however the script is spelled.
    #[test]
    fn the_base_images_entry_point_script_takes_the_handler_alone(
        in_entry in 0..2usize,
        in_command in 0..3usize,
        spelled in 0..3usize,
    ) {
        let script = ["/lambda-entrypoint.sh", "//lambda-entrypoint.sh", "/var/../lambda-entrypoint.sh"][spelled];
        let args = ["index.handler", "--inspect", "extra"];
        let entry: Vec<&str> = std::iter::once(script).chain(args[..in_entry].iter().copied()).collect();
        let command: Vec<&str> = args[in_entry..in_entry + in_command].to_vec();
        let json = |v: &[&str]| format!("[{}]", v.iter().map(|a| format!("\"{a}\"")).collect::<Vec<_>>().join(", "));
        let cmd = if command.is_empty() { String::new() } else { format!("CMD {}\n", json(&command)) };
        let text = format!("FROM public.ecr.aws/lambda/nodejs:22\nCOPY index.mjs ${{LAMBDA_TASK_ROOT}}/\nENTRYPOINT {}\n{cmd}", json(&entry));
        let config = ImageConfig::new(&entry, &command, "/var/task").expect("valid config");
        let findings: Vec<String> = lint(&with_config(&text, config))
            .iter()
            .filter(|f| f.code == "image-config")
            .map(ToString::to_string)
            .collect();
        prop_assert_eq!(findings.is_empty(), in_entry + in_command == 1, "{}\n{:#?}", text, findings);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// A build secret (`RUN --mount=type=secret`) is kept out of the layer, but not a file the
    /// RUN copies it to, writes its value into or has a tool store it in: that file is in the
    /// image when the final stage's chain writes it or a `COPY --from` takes it, unless the same
    /// RUN removes it. A secret used where it is mounted, written to a cache mount, or left in
    /// a builder the image does not copy is no leak.
    #[test]
    fn a_build_secret_a_run_writes_out_is_in_the_image(
        spelling in 0..3usize,
        write in 0..9usize,
        relative in any::<bool>(),
        route in 0..4usize,
        clean_up in 0..5usize,
    ) {
        // The secret as a file (by id or target) or as a variable.
        let (mount, source) = [
            ("type=secret,id=creds", "/run/secrets/creds"),
            ("type=secret,id=creds,target=/mnt/creds", "/mnt/creds"),
            ("type=secret,id=creds,env=CREDS", "$CREDS"),
        ][spelling];
        // A file's value, read where the command needs it.
        let value = if source.starts_with('$') { source.to_owned() } else { format!("$(cat {source})") };
        let as_file = !source.starts_with('$');
        let dest = if relative { "config/creds.txt" } else { "/var/task/config/creds.txt" };
        let (command, stored) = match write {
            0 if as_file => (format!("cp {source} {dest}"), dest.to_owned()),
            1 if as_file => (format!("install -m 600 {source} {dest}"), dest.to_owned()),
            2 => (format!("echo \"{value}\" > {dest}"), dest.to_owned()),
            3 => (format!("printf '%s' \"{value}\" | tee {dest} >/dev/null"), dest.to_owned()),
            4 => (format!("git config --global http.extraHeader \"Authorization: Bearer {value}\""), "/root/.gitconfig".to_owned()),
            5 => (format!("npm config set //registry.npmjs.org/:_authToken \"{value}\""), "/root/.npmrc".to_owned()),
            6 => (format!("cat {source} > {dest}").replace("cat $CREDS", "echo $CREDS"), dest.to_owned()),
            // Neighbours that leave no secret: a download's output, a certificate in a trust store.
            7 => (format!("curl -fsSL -H \"Authorization: Bearer {value}\" https://api.example.com/m > {dest}"), String::new()),
            _ => (format!("cp {source} /usr/local/share/ca-certificates/corp.crt && update-ca-certificates").replace("cp $CREDS", "echo \"$CREDS\" >"), String::new()),
        };
        let neighbour = stored.is_empty();
        let stored = if neighbour { dest.to_owned() } else { stored };
        let stored_abs = if stored.starts_with('/') { stored.clone() } else { format!("/var/task/{stored}") };
        // The same RUN removes it, writes to a cache instead, or leaves it.
        let (removal, cache, leaks) = match clean_up {
            0 => (format!(" && rm -f {stored}"), "", false),
            1 => (" && rm -rf /var/task/config /root/.gitconfig /root/.npmrc".to_owned(), "", false),
            2 => (String::new(), ",type=cache,target=/var/task/config", true),
            _ => (String::new(), "", true),
        };
        let run = if cache.is_empty() {
            format!("RUN --mount={mount} {command} && npm ci --omit=dev{removal}")
        } else {
            // A cache mount on the file's directory keeps it out of the layer.
            format!("RUN --mount={mount} --mount=type=cache,target=/var/task/config {command} && npm ci --omit=dev")
        };
        let in_cache = !cache.is_empty() && stored_abs.starts_with("/var/task/config/");
        let provided = "FROM public.ecr.aws/lambda/provided:al2023";
        let (text, reaches) = match route {
            0 => (format!("{provided}\nWORKDIR /var/task\n{run}\n"), true),
            1 => (format!("{provided} AS base\nWORKDIR /var/task\n{run}\nFROM base\n"), true),
            // A builder whose directory holding the file the image copies.
            2 => {
                let dir = stored_abs.rsplit_once('/').map_or("/", |(d, _)| d).to_owned();
                (format!("FROM public.ecr.aws/docker/library/node:22 AS deps\nWORKDIR /var/task\n{run}\n{provided}\nCOPY --from=deps {dir}/ /copied/\n"), true)
            }
            _ => (format!("FROM public.ecr.aws/docker/library/node:22 AS deps\nWORKDIR /var/task\n{run}\n{provided}\nCOPY --from=deps /opt/ /opt/\n"), false),
        };
        let text = format!("{text}{TAIL}");
        let expected = usize::from(leaks && reaches && !in_cache && !neighbour);
        let found = findings_for(&text).into_iter().filter(|f| f.code == "secret-in-env").count();
        prop_assert_eq!(found, expected, "{}", text);
    }
}

/// How a builder stage installs something, and what the final image copies of it: (the RUN,
/// the same RUN told the target (`{arch}` and `{npm}` stand for its spellings), the copied
/// path holding what it installed, and a copied path holding none of it).
const INSTALLS: [(&str, &str, &str, &str); 8] = [
    (
        "apk add --no-cache jq",
        "wget -O /usr/bin/jq https://github.com/jqlang/jq/releases/download/jq-1.7.1/jq-linux-{npm} && chmod +x /usr/bin/jq",
        "/usr/bin/jq",
        "/etc/ssl/certs/ca-certificates.crt",
    ),
    (
        "apt-get update && apt-get install -y --no-install-recommends ffmpeg",
        "curl -fsSLo /usr/local/bin/ffmpeg https://example.com/releases/ffmpeg-linux-{npm}",
        "/usr/local/bin/",
        "/usr/share/zoneinfo",
    ),
    (
        "npm ci --omit=dev",
        "npm ci --omit=dev --os=linux --cpu={npm}",
        "/app/node_modules",
        "/app/package.json",
    ),
    (
        "npm ci && npm run build",
        "npm ci --os=linux --cpu={npm} && npm run build",
        "/app/",
        "/app/dist/",
    ),
    (
        "pip install --target /deps -r requirements.txt",
        "pip install --platform manylinux2014_{arch} --only-binary=:all: --target /deps -r requirements.txt",
        "/deps",
        // A project's own `lib` directory (Maven's jars) is no install.
        "/app/target/lib/",
    ),
    (
        "python -m venv /opt/venv && /opt/venv/bin/pip install -r requirements.txt",
        "python -m venv /opt/venv && /opt/venv/bin/pip install --platform manylinux2014_{arch} --only-binary=:all: --target /opt/venv/lib/python3.12/site-packages -r requirements.txt",
        "/opt/venv",
        "/app/",
    ),
    (
        "pip install --user -r requirements.txt",
        "pip install --platform manylinux2014_{arch} --only-binary=:all: --target /root/.local/lib/python3.12/site-packages -r requirements.txt",
        "/root/.local",
        "/app/src/",
    ),
    (
        "curl -fsSL https://bun.sh/install | bash",
        "curl -fsSL https://github.com/oven-sh/bun/releases/latest/download/bun-linux-{arch}.zip -o /tmp/bun.zip && unzip /tmp/bun.zip -d /root/.bun/bin",
        "/root/.bun/bin/bun",
        "/app/build/libs/",
    ),
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// A builder on `--platform=$BUILDPLATFORM` holds the build machine's programs,
    /// libraries and packages: its base image's, and those its package managers and installers
    /// put there (system directories, `node_modules`, pip's `--target`, a virtualenv, an
    /// installer's `bin`). A copy of them into the final image is not known to be the
    /// function's architecture; told the target (`--cpu`, `--platform manylinux…`, a
    /// download named for it), unpinned (it runs on the target) or copying what they did not
    /// make (a bundle, `package.json`, the CA bundle), it is.
    #[test]
    fn a_build_machine_stages_programs_and_packages_are_the_machines(
        function_arch in prop::sample::select(vec![Arch::Arm, Arch::Amd]),
        install in 0usize..INSTALLS.len(),
        pin in 0usize..3,
        targeted in any::<bool>(),
        theirs in any::<bool>(),
    ) {
        let (run, told, installed, other) = INSTALLS[install];
        let (arch, npm) = match function_arch {
            Arch::Arm => ("aarch64", "arm64"),
            Arch::Amd => ("x86_64", "x64"),
        };
        let run = if targeted { told.replace("{arch}", arch).replace("{npm}", npm) } else { run.to_owned() };
        let platform = ["", "--platform=$BUILDPLATFORM ", "--platform=${BUILDPLATFORM} "][pin];
        let copied = if theirs { installed } else { other };
        let text = format!(
            "FROM {platform}public.ecr.aws/docker/library/node:22-bookworm AS deps\nWORKDIR /app\nCOPY . .\nRUN {run}\nFROM public.ecr.aws/lambda/provided:al2023\nCOPY --from=deps {copied} /opt/deps/\nCOPY bootstrap /var/task/bootstrap\n{TAIL}"
        );
        let (got, findings) = verdict(text.clone(), function_arch, false);
        let expected = pin > 0 && theirs && !targeted;
        prop_assert_eq!(got.platform, usize::from(expected), "\n{}\n{:#?}", text, findings);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// The Lambda Web Adapter answers Lambda for a web program in the mode
    /// `AWS_LWA_INVOKE_MODE` names — the function's environment over the image's ENV, read in
    /// any case, anything but `response_stream` (a typo, or nothing) buffering — which must
    /// be the handler's. Standing in for the runtime, it streams on any base image, a
    /// managed runtime's that cannot stream too (its client never starts); beside a runtime
    /// the ImageConfig starts (`bootstrap`), unconfigured, it answers nothing.
    #[test]
    fn the_web_adapters_invoke_mode_is_the_handlers(
        streaming in any::<bool>(),
        image_mode in prop::sample::select(vec![None, Some("response_stream"), Some("RESPONSE_STREAM"), Some("buffered"), Some("streaming")]),
        function_mode in prop::sample::select(vec![None, Some("Response_Stream"), Some("buffered")]),
        lambda_base in any::<bool>(),
        beside_runtime in any::<bool>(),
    ) {
        let (base, python) = if lambda_base {
            ("public.ecr.aws/lambda/python:3.12", "/var/lang/bin/python3")
        } else {
            ("public.ecr.aws/docker/library/python:3.12-slim", "/usr/local/bin/python")
        };
        let env = image_mode.map_or(String::new(), |m| format!("ENV AWS_LWA_INVOKE_MODE={m}\n"));
        let entry: Vec<&str> = if beside_runtime {
            vec!["/var/task/bootstrap"]
        } else {
            vec![python, "-m", "uvicorn", "app:app", "--port", "8080"]
        };
        let quoted: Vec<String> = entry.iter().map(|w| format!("\"{w}\"")).collect();
        let text = format!(
            "FROM {base}\nCOPY --from=public.ecr.aws/awsguru/aws-lambda-adapter:0.9.1 /lambda-adapter /opt/extensions/lambda-adapter\n{env}WORKDIR /var/task\nRUN {python} -m pip install uvicorn fastapi\nCOPY app.py bootstrap /var/task/\nENTRYPOINT [{}]\n",
            quoted.join(", ")
        );
        let mut app = base_app().clone();
        let f = function_mut(&mut app);
        f.source.dockerfile_text = Box::leak(text.clone().into_boxed_str());
        f.image_config = ImageConfig::new(&entry, &[], "/var/task").expect("valid");
        f.handler = if streaming { HandlerMode::Streaming } else { HandlerMode::Buffered };
        if let Some(url) = &mut f.url {
            url.invoke_mode = if streaming { InvokeMode::ResponseStream } else { InvokeMode::Buffered };
        }
        if let Some(mode) = function_mode {
            f.environment.push(infra_gen::model::lambda::EnvVar {
                name: infra_gen::model::lambda::EnvName::new("AWS_LWA_INVOKE_MODE").expect("valid"),
                value: infra_gen::model::Expr::literal(mode),
            });
        }
        let findings: Vec<String> = lint(&app)
            .iter()
            // The role's streaming grant follows the builder's HandlerMode, not this edit.
            .filter(|f| f.code != "iam-bedrock")
            .map(ToString::to_string)
            .collect();
        let mode = function_mode.or(image_mode).unwrap_or("buffered");
        let configured = function_mode.is_some() || image_mode.is_some();
        let adapter = !beside_runtime || configured;
        let mismatch = adapter && mode.eq_ignore_ascii_case("response_stream") != streaming;
        // Beside its own runtime, the python base's client answers Lambda, and cannot stream.
        let base_refused = streaming && lambda_base && beside_runtime;
        prop_assert_eq!(findings.len(), usize::from(mismatch) + usize::from(base_refused), "\n{}\n{:#?}", text, findings);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// A RUN that removes the program (`rm` of it, `rm -r` of a directory above it, a pattern
    /// matching it) or moves it away leaves the ImageConfig nothing to start, unless something
    /// after it puts the file back (a later COPY, the same RUN's `cp`); one before it, or
    /// removing something else, changes nothing.
    #[test]
    fn a_program_removed_after_it_is_placed_is_not_in_the_image(
        removal in 0usize..10,
        relative in any::<bool>(),
        before in any::<bool>(),
        put_back in 0usize..3,
    ) {
        let dir = if relative { "." } else { "/var/task" };
        let (run, takes) = [
            (format!("rm -f {dir}/bootstrap"), true),
            ("rm -rf /var/task".to_owned(), true),
            (format!("rm -rf {dir}/*"), true),
            (format!("rm {dir}/boot*"), true),
            (format!("mv {dir}/bootstrap {dir}/server"), true),
            ("rm -R /var".to_owned(), true),
            (format!("unlink {dir}/bootstrap"), true),
            (format!("rm -f {dir}/bootstrap.d {dir}/README.md"), false),
            ("rm -rf /tmp/* /var/cache/dnf".to_owned(), false),
            // Without -r, `rm` of a directory removes nothing below it.
            ("rm -f /var/task 2>/dev/null || true".to_owned(), false),
        ][removal].clone();
        let run = match put_back {
            1 => format!("RUN {run} && cp /opt/bootstrap /var/task/bootstrap\n"),
            _ => format!("RUN {run}\n"),
        };
        let copy = "COPY bootstrap /var/task/bootstrap\n";
        let again = if put_back == 2 { copy } else { "" };
        let body = if before { format!("{run}{copy}") } else { format!("{copy}{run}{again}") };
        let text = format!(
            "FROM public.ecr.aws/lambda/provided:al2023\nWORKDIR /var/task\n{body}ENTRYPOINT [\"/var/task/bootstrap\"]\nCMD [\"lambda\"]\n"
        );
        let (got, findings) = verdict(text.clone(), Arch::Arm, true);
        let gone = takes && !before && put_back == 0;
        prop_assert_eq!(got.config, usize::from(gone), "\n{}\n{:#?}", text, findings);
        prop_assert_eq!(findings.len(), usize::from(gone), "\n{}\n{:#?}", text, findings);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// A COPY lands where BuildKit puts it: a file copied to a path without a trailing `/`
    /// becomes that path unless a directory is there (one a RUN made with `mkdir`, `mkdir -p`
    /// or `install -d`, or a WORKDIR), `--parents` keeps the source's path below the
    /// destination (from its `/./` pivot on), and `--exclude` leaves out what its patterns
    /// match (`.dockerignore` patterns, the last matching one deciding). The ImageConfig's
    /// program is in the image exactly when the copy puts it there.
    #[test]
    fn a_copy_lands_where_buildkit_places_it(
        dir in prop::sample::select(vec!["/var/task/bin", "/opt/gw"]),
        made in 0usize..5,
        kind in 0usize..5,
        pattern in 0usize..6,
        direct in any::<bool>(),
    ) {
        let mkdir = [
            String::new(),
            format!("RUN mkdir -p {dir}\n"),
            format!("RUN mkdir {dir}\n"),
            format!("RUN install -d -m 0755 {dir}\n"),
            format!("WORKDIR {dir}\nWORKDIR /var/task\n"),
        ][made].clone();
        let is_dir = made > 0;
        let (pat, excludes) = [
            ("bootstrap", true),
            ("*.map", false),
            ("**/bootstrap", true),
            ("boot*", true),
            ("bootstrap.d", false),
            ("boot* --exclude=!bootstrap", false),
        ][pattern];
        let (copy, lands) = match kind {
            0 => (format!("COPY --from=build /out/bootstrap {dir}"), is_dir),
            1 => (format!("COPY --from=build /out/bootstrap {dir}/"), true),
            2 => (format!("COPY --parents --from=build /out/bootstrap {dir}/"), false),
            3 => (format!("COPY --parents --from=build /out/./bootstrap {dir}/"), true),
            _ => (format!("COPY --exclude={pat} --from=build /out/ {dir}/"), !excludes),
        };
        // `go build -o /out/bootstrap` writes that file, not a directory holding one.
        let build = if direct {
            "GOARCH=$TARGETARCH go build -o /out/bootstrap ."
        } else {
            "GOARCH=$TARGETARCH go build -o /tmp/gw . && mkdir -p /out && cp /tmp/gw /out/bootstrap"
        };
        let text = format!(
            "# syntax=docker/dockerfile:1.7-labs\nFROM --platform=$BUILDPLATFORM public.ecr.aws/docker/library/golang:1.23 AS build\nARG TARGETARCH\nRUN {build}\nFROM public.ecr.aws/lambda/provided:al2023\n{mkdir}{copy}\nENTRYPOINT [\"{dir}/bootstrap\"]\nCMD [\"lambda\"]\n"
        );
        let program = format!("{dir}/bootstrap");
        let found = findings_with(&text, (&[program.as_str()], &["lambda"], "/var/task"), false, "image-config");
        prop_assert_eq!(found.len(), usize::from(!lands), "\n{}\n{:#?}", text, found);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// A stage that runs nothing holds its base image's files, pulled for the platform the
    /// stage runs on: copied out of one pinned to `$BUILDPLATFORM` they are the build
    /// machine's (the Lambda Web Adapter, uv), unless they are data or a COPY of the stage put
    /// them there. Pinned to the target, or not pinned, they are the function's. (A
    /// `COPY --from=<image>` is pulled for the target whatever stage it is in.)
    #[test]
    fn a_stage_running_nothing_holds_its_base_images_files_for_its_platform(
        platform in prop::sample::select(vec!["", "--platform=$BUILDPLATFORM ", "--platform=$TARGETPLATFORM ", "--platform=linux/arm64 "]),
        image in prop::sample::select(vec!["public.ecr.aws/awsguru/aws-lambda-adapter:0.9.1", "ghcr.io/astral-sh/uv:0.5.11", "public.ecr.aws/docker/library/alpine:3.20"]),
        file in 0usize..4,
        noise in prop::sample::select(vec!["", "ENV TOOL_HOME=/opt\n", "LABEL stage=tools\n"]),
        direct in any::<bool>(),
    ) {
        let (path, data, copied) = [
            ("/lambda-adapter", false, false),
            ("/uv", false, false),
            ("/etc/ssl/certs/ca-certificates.crt", true, false),
            ("/opt/tool/settings.bin", false, true),
        ][file];
        let copy_in = if copied { "COPY settings.bin /opt/tool/settings.bin\n" } else { "" };
        let text = if direct {
            format!(
                "{}FROM public.ecr.aws/lambda/provided:al2023\nCOPY --from={image} {path} /opt/extensions/tool\nCOPY --from=build /bootstrap /var/task/bootstrap\nENTRYPOINT [\"/var/task/bootstrap\"]\nCMD [\"lambda\"]\n",
                common::DOCKERFILE.split("FROM public").next().unwrap_or_default()
            )
        } else {
            format!(
                "{}FROM {platform}{image} AS tools\n{noise}{copy_in}FROM public.ecr.aws/lambda/provided:al2023\nCOPY --from=tools {path} /opt/extensions/tool\nCOPY --from=build /bootstrap /var/task/bootstrap\nENTRYPOINT [\"/var/task/bootstrap\"]\nCMD [\"lambda\"]\n",
                common::DOCKERFILE.split("FROM public").next().unwrap_or_default()
            )
        };
        let machine = !direct && platform.contains("BUILDPLATFORM") && !data && !copied;
        let (got, findings) = verdict(text.clone(), Arch::Arm, true);
        prop_assert_eq!(got.platform, usize::from(machine), "\n{}\n{:#?}", text, findings);
        prop_assert_eq!(findings.len(), usize::from(machine), "\n{}\n{:#?}", text, findings);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// Lambda runs the image's program as a default user with least privileges (not root,
    /// not the file's owner): the program needs execute permission for others, the last
    /// mode given it deciding (`COPY --chmod`, then a RUN's `chmod`, octal or symbolic, on
    /// it or recursively above it), and every directory above it search permission; a copy
    /// with a mode others cannot read is unreadable to the function.
    #[test]
    fn the_program_must_be_runnable_by_lambdas_user(
        copy_mode in prop::sample::select(vec![None, Some("755"), Some("0755"), Some("700"), Some("0500"), Some("555"), Some("u=rwx,go=rx"), Some("u=rwx,go=")]),
        run_mode in prop::sample::select(vec![None, Some("chmod +x"), Some("chmod 0700"), Some("chmod a-x"), Some("chmod 755"), Some("chmod o-x"), Some("chmod u+x"), Some("chmod 644")]),
        on in 0usize..5,
        relative in any::<bool>(),
    ) {
        let others = |mode: &str, before: u32| -> u32 {
            if mode.bytes().all(|b| b.is_ascii_digit()) {
                return u32::from_str_radix(mode, 8).unwrap_or(0) & 7;
            }
            match mode {
                "u=rwx,go=rx" | "+x" | "755" => 5,
                "u=rwx,go=" => 0,
                "a-x" | "o-x" => before & !1,
                _ => before,
            }
        };
        let copy = match copy_mode {
            Some(m) => format!("COPY --from=build --chmod={m} /bootstrap /var/task/bootstrap\n"),
            None => "COPY --from=build /bootstrap /var/task/bootstrap\n".to_owned(),
        };
        let mut bits = copy_mode.map_or(5, |m| others(m, 5));
        let unreadable = bits & 4 == 0;
        let mut blocked = false;
        // The working directory (/var/task) closed to others: its own finding.
        let mut closed = false;
        let run = match run_mode {
            None => String::new(),
            Some(cmd) => {
                let mode = cmd.trim_start_matches("chmod ");
                let target = match (on, relative) {
                    (0, false) => "/var/task/bootstrap",
                    (0, true) => "./bootstrap",
                    (1, _) => "-R /var/task",
                    _ => "/var/task",
                };
                // `find` applies the mode to what it selects: files, or directories.
                match on {
                    0 | 1 | 3 => bits = others(mode, bits),
                    _ => blocked = others(mode, 5) & 1 == 0,
                }
                let fresh = others(mode, 5);
                closed = match on {
                    1 => fresh & 5 != 5,
                    2 | 4 => fresh & 1 == 0,
                    3 => fresh & 4 == 0,
                    _ => false,
                };
                match on {
                    3 => format!("RUN find /var/task -type f -exec chmod {mode} {{}} +\n"),
                    4 => format!("RUN find /var/task -type d -exec chmod {mode} {{}} \\;\n"),
                    _ => format!("RUN {cmd} {target}\n"),
                }
            }
        };
        let text = format!(
            "{}FROM public.ecr.aws/lambda/provided:al2023\n{copy}{run}ENTRYPOINT [\"/var/task/bootstrap\"]\nCMD [\"lambda\"]\n",
            common::DOCKERFILE.split("FROM public").next().unwrap_or_default()
        );
        let found = findings_with(&text, (&["/var/task/bootstrap"], &["lambda"], "/var/task"), true, "image-config");
        let denied = bits & 1 == 0 || blocked;
        prop_assert_eq!(found.len(), usize::from(denied) + usize::from(unreadable) + usize::from(closed), "\n{}\n{:#?}", text, found);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// A shell the ImageConfig starts (`sh -c "exec ./bootstrap"`) runs its script's first
    /// program as the shell finds it after quote removal: a path must be a file the image
    /// holds (`['/var/task/bootstrap']` is a name with brackets), a name is looked up in
    /// PATH and a variable is not known; and the runtime interface emulator, started
    /// directly or by the script, serves a Runtime API of its own, never Lambda's.
    #[test]
    fn a_started_shells_program_must_be_in_the_image(
        shell in prop::sample::select(vec!["/bin/sh", "/bin/bash", "sh"]),
        exec in any::<bool>(),
        assignment in any::<bool>(),
        program in 0usize..9,
        direct_emulator in any::<bool>(),
    ) {
        let (word, bad) = [
            ("/var/task/bootstrap", false),
            ("./bootstrap", false),
            ("'/var/task/bootstrap'", false),
            ("\"./bootstrap\"", false),
            ("bootstrap", false),
            ("$BIN", false),
            ("/var/task/missing", true),
            ("['/var/task/bootstrap']", true),
            ("/usr/local/bin/aws-lambda-rie /var/task/bootstrap", true),
        ][program];
        let script = format!(
            "{}{}{word} lambda",
            if assignment { "RUST_LOG=info " } else { "" },
            if exec { "exec " } else { "" }
        );
        let entry: Vec<String> = if direct_emulator {
            vec!["/usr/local/bin/aws-lambda-rie".into(), "/var/task/bootstrap".into()]
        } else {
            vec![shell.into(), "-c".into(), script.clone()]
        };
        let json = serde_json::to_string(&entry).unwrap_or_default();
        let text = format!(
            "{}FROM public.ecr.aws/lambda/provided:al2023\nCOPY --from=build /bootstrap /var/task/bootstrap\nENTRYPOINT {json}\n",
            common::DOCKERFILE.split("FROM public").next().unwrap_or_default()
        );
        let ep: Vec<&str> = entry.iter().map(String::as_str).collect();
        let found = findings_with(&text, (&ep, &[], "/var/task"), true, "image-config");
        prop_assert_eq!(found.len(), usize::from(bad || direct_emulator), "\n{}\n{:#?}", text, found);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// The function's code is read by Lambda's least-privileged user from the ImageConfig's
    /// working directory: a `chmod` of that directory or one above it must leave others
    /// search permission, and a recursive one (`-R`, `find … -exec chmod`) read permission on
    /// the files; one of a sibling or of a file below is not judged here.
    #[test]
    fn the_working_directory_stays_readable_by_lambdas_user(
        target in prop::sample::select(vec![("${LAMBDA_TASK_ROOT}", true), ("/var/task", true), ("/var", true), ("/var/task/.keep", false), ("/opt", false)]),
        mode in prop::sample::select(vec!["755", "700", "711", "644", "go-rwx", "o+rX", "a-x", "750"]),
        how in 0usize..4,
    ) {
        let bits = |mode: &str| -> u32 {
            match mode {
                "go-rwx" => 0,
                "o+rX" => 5,
                "a-x" => 4,
                m => u32::from_str_radix(m, 8).unwrap_or(0) & 7,
            }
        };
        let (target, here) = target;
        let b = bits(mode);
        let run = match how {
            0 => format!("chmod {mode} {target}"),
            1 => format!("chmod -R {mode} {target}"),
            2 => format!("find {target} -type f -exec chmod {mode} {{}} +"),
            _ => format!("find {target} -type d -exec chmod {mode} {{}} +"),
        };
        let (search, read) = match how {
            0 => (b & 1 != 0, true),
            1 => (b & 1 != 0, b & 4 != 0),
            2 => (true, b & 4 != 0),
            _ => (b & 1 != 0, true),
        };
        let closed = here && !(search && read);
        let text = format!(
            "FROM public.ecr.aws/lambda/python:3.12\nCOPY app.py ${{LAMBDA_TASK_ROOT}}/\nRUN touch /var/task/.keep && mkdir -p /opt && {run}\nCMD [\"app.handler\"]\n"
        );
        let found = findings_with(&text, (&["/lambda-entrypoint.sh"], &["app.handler"], "/var/task"), false, "image-config");
        prop_assert_eq!(found.len(), usize::from(closed), "\n{}\n{:#?}", text, found);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// BuildKit builds stages in the file's order: a `COPY --from` or `RUN --mount=…,from=`
    /// naming a stage (by name in any case, or index) defined after the stage it is in, or that
    /// stage itself, fails the build — in any stage the final image needs; an earlier stage
    /// is fine, and so is a stage the build never reaches.
    #[test]
    fn a_from_naming_a_stage_not_built_yet_fails_the_build(
        copier in 0usize..4,
        source in 0usize..4,
        by_index in any::<bool>(),
        upper in any::<bool>(),
        mount in any::<bool>(),
        reached in any::<bool>(),
    ) {
        // Four stages s0..s3 on debian, each writing /out/s<k>; s<copier> takes s<source>'s.
        let name = |k: usize| if upper { format!("S{k}") } else { format!("s{k}") };
        let mut text = String::new();
        for k in 0..4 {
            text.push_str(&format!("FROM public.ecr.aws/docker/library/debian:12-slim AS s{k}\nRUN mkdir -p /out && echo {k} > /out/s{k}.txt\n"));
            if k == copier {
                let from = if by_index { source.to_string() } else { name(source) };
                if mount {
                    text.push_str(&format!("RUN --mount=from={from},source=/out,target=/in cp -r /in /copied\n"));
                } else {
                    text.push_str(&format!("COPY --from={from} /out/ /copied/\n"));
                }
            }
        }
        let take = if reached { format!("COPY --from=s{copier} /out/s{copier}.txt /var/task/\n") } else { String::new() };
        text.push_str(&format!("FROM public.ecr.aws/lambda/provided:al2023\n{take}COPY --from=s0 /out/s0.txt /var/task/\nCOPY bootstrap /var/task/bootstrap\n"));
        let found: Vec<_> = findings_for(&format!("{text}{TAIL}"))
            .into_iter()
            .filter(|f| f.message.contains("defined after"))
            .collect();
        let fails = (reached || copier == 0) && source >= copier;
        prop_assert_eq!(found.len(), usize::from(fails), "\n{}\n{:#?}", text, found);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// ADD unpacks an archive of the build context into the destination unless
    /// `--unpack=false`, and a downloaded one only with `--unpack=true` (a bare `--unpack`
    /// too); an unpacked archive's destination is a directory its files land in, and
    /// anything else is one file named by its source (a URL's last segment) in a directory
    /// destination, or the destination itself.
    #[test]
    fn an_add_lands_an_archive_unpacked_only_as_buildkit_decides(
        url in any::<bool>(),
        name in prop::sample::select(vec!["gw.tar.gz", "gw.tgz", "gw.tar.xz", "gw.zip", "bootstrap", "gw-linux-arm64"]),
        flag in prop::sample::select(vec![None, Some(""), Some("=true"), Some("=True"), Some("=1"), Some("=false"), Some("=0")]),
        dest in prop::sample::select(vec!["/var/task/", "/var/task", "/var/task/bootstrap"]),
    ) {
        let source = if url { format!("https://example.com/dl/v1/{name}") } else { format!("dist/{name}") };
        let archive = [".tar.gz", ".tgz", ".tar.xz"].iter().any(|x| name.ends_with(x));
        let unpack = match flag {
            None => !url,
            Some(f) => matches!(f, "" | "=true" | "=True" | "=1"),
        };
        let placed = if archive && unpack {
            // Unpacked below the destination: it may hold bootstrap, but is no file there.
            dest != "/var/task/bootstrap"
        } else {
            dest == "/var/task/bootstrap" || name == "bootstrap"
        };
        let text = format!(
            "# syntax=docker/dockerfile:1.17\nFROM public.ecr.aws/lambda/provided:al2023\nADD{} {source} {dest}\nENTRYPOINT [\"/var/task/bootstrap\"]\nCMD [\"lambda\"]\n",
            flag.map_or(String::new(), |f| format!(" --unpack{f}"))
        );
        let found: Vec<_> = findings_with(&text, (&["/var/task/bootstrap"], &["lambda"], "/var/task"), true, "image-config")
            .into_iter()
            .filter(|f| f.message.contains("puts a file at"))
            .collect();
        prop_assert_eq!(found.len(), usize::from(!placed), "\n{}\n{:#?}", text, found);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// What the final image copies that the function evidently reads (its working
    /// directory's files, a path its environment names) must stay readable or runnable by
    /// Lambda's user (not root, not the owner): a download ADD writes with mode 600 unless
    /// given `--chmod`, and a later `chmod` decides (`+x` makes a program of it, `640` shuts
    /// others out); a file a later RUN removes, one under `/tmp` (Lambda mounts its own
    /// storage there) or one nothing names is not judged.
    #[test]
    fn a_copied_file_the_function_reads_stays_usable_by_lambdas_user(
        how in 0usize..3,
        at in prop::sample::select(vec!["/var/task/app.py", "/opt/rds/global-bundle.pem", "/var/task/lib/", "/opt/tools/", "/tmp/cache/seed.bin"]),
        named in any::<bool>(),
        change in prop::sample::select(vec![None, Some("chmod +x"), Some("chmod u+x"), Some("chmod 644"), Some("chmod 640"), Some("chmod 600"), Some("chmod o+r"), Some("rm -f")]),
    ) {
        let dir_dest = at.ends_with('/');
        let file = if dir_dest { format!("{at}seed.bin") } else { at.to_owned() };
        let add = match how {
            0 => format!("ADD https://example.com/dl/v2/seed.bin {at}"),
            1 => format!("ADD --chmod=644 https://example.com/dl/v2/seed.bin {at}"),
            _ => format!("COPY seed.bin {at}"),
        };
        let mut bits: u32 = match how {
            0 => 0,
            1 => 4,
            _ => 5,
        };
        let mut removed = false;
        if let Some(c) = change {
            bits = match c {
                "chmod +x" | "chmod o+x" => bits | 1,
                "chmod u+x" => bits,
                "chmod 644" => 4,
                "chmod 640" | "chmod 600" => 0,
                "chmod o+r" => bits | 4,
                _ => {
                    removed = true;
                    bits
                }
            };
        }
        let run = change.map_or(String::new(), |c| format!("RUN {c} {file}\n"));
        // The environment names the file, its directory, or nothing of it.
        let env = match (named, at.starts_with("/opt/")) {
            (true, true) => format!("ENV DATA_PATH={} LOG_LEVEL=info\n", at.trim_end_matches('/')),
            _ => "ENV LOG_LEVEL=info\n".to_owned(),
        };
        let text = format!(
            "FROM public.ecr.aws/lambda/python:3.12\nRUN mkdir -p /opt/rds /opt/tools /var/task/lib\n{add}\n{run}{env}COPY handler.py ${{LAMBDA_TASK_ROOT}}/\nCMD [\"handler.handler\"]\n"
        );
        let used = file.starts_with("/var/task/") || (named && file.starts_with("/opt/"));
        let unusable = bits & 5 == 0 && !removed && used;
        let found: Vec<_> = findings_with(&text, (&["/lambda-entrypoint.sh"], &["handler.handler"], "/var/task"), false, "image-config")
            .into_iter()
            .filter(|f| f.message.contains("without read or execute permission"))
            .collect();
        prop_assert_eq!(found.len(), usize::from(unusable), "\n{}\n{:#?}", text, found);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// A program ADD downloads is written with mode 600 unless `--chmod` gives one: Lambda's
    /// user (not root, not the owner) cannot run it until a mode gives others execute
    /// permission; the last mode decides.
    #[test]
    fn a_downloaded_program_needs_a_mode_lambdas_user_may_run(
        copy_mode in prop::sample::select(vec![None, Some("755"), Some("700"), Some("0555"), Some("u=rwx,go=rx")]),
        run_mode in prop::sample::select(vec![None, Some("+x"), Some("u+x"), Some("755"), Some("a+rx"), Some("go-x")]),
        into_dir in any::<bool>(),
    ) {
        let mut bits: u32 = match copy_mode {
            None | Some("700") => 0,
            Some(_) => 5,
        };
        if let Some(m) = run_mode {
            bits = match m {
                "+x" => bits | 1,
                "755" | "a+rx" => 5,
                "go-x" => bits & !1,
                _ => bits,
            };
        }
        let (url, dest) = if into_dir {
            ("https://example.com/dl/v3/bootstrap", "/var/task/")
        } else {
            ("https://example.com/dl/v3/gw-linux-arm64", "/var/task/bootstrap")
        };
        let text = format!(
            "FROM public.ecr.aws/lambda/provided:al2023\nADD{} {url} {dest}\n{}ENTRYPOINT [\"/var/task/bootstrap\"]\nCMD [\"lambda\"]\n",
            copy_mode.map_or(String::new(), |m| format!(" --chmod={m}")),
            run_mode.map_or(String::new(), |m| format!("RUN chmod {m} /var/task/bootstrap\n"))
        );
        let found = findings_with(&text, (&["/var/task/bootstrap"], &["lambda"], "/var/task"), true, "image-config");
        // A `--chmod` others cannot read is its own finding.
        let unreadable = copy_mode == Some("700");
        prop_assert_eq!(found.len(), usize::from(bits & 1 == 0) + usize::from(unreadable), "\n{}\n{:#?}", text, found);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// A RUN's words are read as its shell expands them, braces included where the shell
    /// expands them: bash (`/bin/sh` on Amazon Linux, so on every AWS Lambda base image, or
    /// set by `SHELL`) reads `/var/task/{bootstrap,x}` as two paths; dash (Debian's
    /// `/bin/sh`) and a quoted word keep the braces, a path no file has.
    #[test]
    fn a_runs_braces_expand_only_where_its_shell_expands_them(
        base in 0usize..4,
        command in prop::sample::select(vec!["rm -f", "chmod 700", "mv", "unlink"]),
        names in prop::sample::select(vec![("bootstrap,README.md", true), ("config.json,bootstrap", true), ("a,b", false), ("boot{strap,x}", false), ("x,y{z,bootstrap}", false), ("x,{boot,a}strap", true)]),
        quoted in any::<bool>(),
    ) {
        let (from, braces) = [
            ("FROM public.ecr.aws/lambda/provided:al2023\n", true),
            ("FROM public.ecr.aws/docker/library/debian:bookworm-slim\nWORKDIR /var/task\n", false),
            ("FROM public.ecr.aws/docker/library/debian:bookworm-slim\nWORKDIR /var/task\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\n", true),
            ("FROM public.ecr.aws/amazonlinux/amazonlinux:2023\nWORKDIR /var/task\n", true),
        ][base];
        let (list, names_it) = names;
        // `unlink` takes one operand: the braces must make exactly one word.
        prop_assume!(command != "unlink" || !list.contains(','));
        let word = format!("/var/task/{{{list}}}");
        let word = if quoted { format!("'{word}'") } else { word };
        let run = if command == "mv" {
            format!("RUN mv {word} /tmp/\n")
        } else {
            format!("RUN {command} {word}\n")
        };
        let text = format!(
            "{}{from}COPY --from=build /bootstrap /var/task/bootstrap\nRUN touch /var/task/README.md /var/task/config.json /var/task/a /var/task/b\n{run}ENTRYPOINT [\"/var/task/bootstrap\"]\nCMD [\"lambda\"]\n",
            common::DOCKERFILE.split("FROM public").next().unwrap_or_default()
        );
        let hit = braces && !quoted && names_it;
        let found = findings_with(&text, (&["/var/task/bootstrap"], &["lambda"], "/var/task"), true, "image-config");
        prop_assert_eq!(found.len(), usize::from(hit), "\n{}\n{:#?}", text, found);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// A RUN's relative paths are in the directory its script is in, which each `cd` moves;
    /// `find <dir> … -delete` and `-exec chmod <mode> {} +` act on what they select there and
    /// below, the directory itself included (`-type f|d`, `-name`/`-iname`, negated by `!`).
    #[test]
    fn a_runs_cd_and_finds_selection_decide_what_it_changes(
        cd in prop::sample::select(vec![None, Some("/tmp"), Some("/var/task"), Some("/var")]),
        plain in any::<bool>(),
        rel in prop::sample::select(vec!["bootstrap", "task/bootstrap", "."]),
        kind in prop::sample::select(vec![None, Some('f'), Some('d')]),
        name in prop::sample::select(vec![None, Some(("-name", "bootstrap", false)), Some(("-name", "boot*", false)), Some(("-name", "*.json", false)), Some(("-name", "*.json", true)), Some(("-iname", "BOOT*", false)), Some(("-name", "task", false))]),
        delete in any::<bool>(),
    ) {
        let here = cd.unwrap_or("/var/task");
        let resolve = |p: &str| -> String {
            let joined = if p == "." { here.to_owned() } else { format!("{here}/{p}") };
            joined.replace("/./", "/")
        };
        let target = resolve(rel);
        let below = |root: &str, path: &str| path == root || path.starts_with(&format!("{root}/"));
        let matches = |pattern: &str, base: &str, fold: bool| {
            let (p, b) = if fold { (pattern.to_ascii_lowercase(), base.to_ascii_lowercase()) } else { (pattern.to_owned(), base.to_owned()) };
            match p.split_once('*') {
                Some((pre, post)) => b.len() >= pre.len() + post.len() && b.starts_with(pre) && b.ends_with(post),
                None => p == b,
            }
        };
        let selected = |path: &str, dir: bool| -> bool {
            let base = path.rsplit('/').next().unwrap_or_default();
            below(&target, path)
                && match kind { Some('f') => !dir, Some('d') => dir, _ => true }
                && name.is_none_or(|(test, pattern, negated)| matches(pattern, base, test == "-iname") != negated)
        };
        let program = "/var/task/bootstrap";
        // `rm` refuses `.`: the build fails, which is not what this judges.
        prop_assume!(!(plain && delete && rel == "."));
        let (run, hit) = if plain {
            // `rm -f` or `chmod 700` of a relative path after the `cd`.
            let run = if delete { format!("rm -f {rel}") } else { format!("chmod 700 {rel}") };
            let hit = target == program || (!delete && ["/var/task", "/var", "/"].contains(&target.as_str()));
            (run, hit)
        } else {
            let tests = format!(
                "{}{}",
                kind.map_or(String::new(), |k| format!(" -type {k}")),
                name.map_or(String::new(), |(t, p, n)| format!("{} {t} '{p}'", if n { " !" } else { "" }))
            );
            let action = if delete { "-delete" } else { "-exec chmod 700 {} +" };
            let run = format!("find {rel}{tests} {action}");
            let dirs = ["/var/task", "/var", "/"].iter().any(|d| selected(d, true));
            let hit = selected(program, false) || (!delete && dirs);
            (run, hit)
        };
        let run = match cd {
            Some(dir) => format!("RUN cd {dir} && {run}\n"),
            None => format!("RUN {run}\n"),
        };
        let text = format!(
            "{}FROM public.ecr.aws/lambda/provided:al2023\nCOPY --from=build /bootstrap /var/task/bootstrap\n{run}ENTRYPOINT [\"/var/task/bootstrap\"]\nCMD [\"lambda\"]\n",
            common::DOCKERFILE.split("FROM public").next().unwrap_or_default()
        );
        let found: Vec<_> = findings_with(&text, (&["/var/task/bootstrap"], &["lambda"], "/var/task"), true, "image-config")
            .into_iter()
            .filter(|f| f.message.starts_with("ImageConfig ENTRYPOINT runs /var/task/bootstrap, but"))
            .collect();
        prop_assert_eq!(found.len(), usize::from(hit), "\n{}\n{:#?}", text, found);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// Lambda mounts the function's writable storage at `/tmp` when it starts, over what the
    /// image holds there: a program the ImageConfig starts, or its working directory, under
    /// `/tmp` is not the image's (once, for the directory, when both are).
    #[test]
    fn a_program_or_working_directory_under_tmp_is_not_the_images(
        dir in prop::sample::select(vec!["/var/task", "/tmp", "/tmp/app", "/opt/app", "/tmpdir"]),
        wd in prop::sample::select(vec!["/var/task", "/tmp", "/tmp/app", "/opt/app"]),
        relative in any::<bool>(),
    ) {
        // A relative program is in the working directory.
        let dir = if relative { wd } else { dir };
        let program = if relative {
            "./bootstrap".to_owned()
        } else {
            format!("{dir}/bootstrap")
        };
        let text = format!(
            "{}FROM public.ecr.aws/lambda/provided:al2023\nWORKDIR {wd}\nCOPY --from=build /bootstrap {dir}/bootstrap\nENTRYPOINT [\"{program}\"]\n",
            common::DOCKERFILE.split("FROM public").next().unwrap_or_default()
        );
        let under = |p: &str| p == "/tmp" || p.starts_with("/tmp/");
        let found: Vec<_> = findings_with(&text, (&[program.as_str()], &[], wd), true, "image-config")
            .into_iter()
            .filter(|f| f.message.contains("under /tmp"))
            .collect();
        prop_assert_eq!(found.len(), usize::from(under(wd) || under(dir)), "\n{}\n{:#?}", text, found);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// A wrapper the ImageConfig starts (`env`, `tini --`, `dumb-init`) starts the program
    /// after its options and assignments, which must be in the image like any program it
    /// starts itself (a name looked up in PATH is not judged).
    #[test]
    fn a_wrappers_program_must_be_in_the_image(
        wrapper in prop::sample::select(vec![vec!["/usr/bin/env"], vec!["/usr/bin/env", "-i"], vec!["/usr/bin/env", "-u", "DEBUG", "RUST_LOG=info"], vec!["/usr/bin/env", "LD_LIBRARY_PATH=/var/task/lib"], vec!["/usr/bin/tini", "-s", "--"], vec!["/usr/bin/dumb-init", "--single-child"]]),
        program in prop::sample::select(vec![("/var/task/bootstrap", false), ("./bootstrap", false), ("/var/task/server", true), ("./server", true), ("bootstrap", false)]),
    ) {
        let (program, missing) = program;
        let mut entry: Vec<&str> = wrapper.clone();
        entry.push(program);
        let json = serde_json::to_string(&entry).unwrap_or_default();
        // tini and dumb-init are not on provided:al2023: installed for the test.
        let text = format!(
            "{}FROM public.ecr.aws/lambda/provided:al2023\nRUN dnf install -y tini dumb-init\nCOPY --from=build /bootstrap /var/task/bootstrap\nENTRYPOINT {json}\n",
            common::DOCKERFILE.split("FROM public").next().unwrap_or_default()
        );
        let found = findings_with(&text, (&entry, &[], "/var/task"), true, "image-config");
        prop_assert_eq!(found.len(), usize::from(missing), "\n{}\n{:#?}", text, found);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// `install` gives what it installs the mode of its `-m` (0755 without), and a `umask`
    /// clears its bits from what a later command of the script creates (`cp`'s copy): the
    /// program Lambda's user runs must keep others' execute permission.
    #[test]
    fn install_and_umask_give_the_program_its_mode(
        way in 0usize..5,
        mode in prop::sample::select(vec!["0755", "0700", "0750", "755", "0711", "0555", "u=rwx,go=rx", "u=rwx,go="]),
        umask in prop::sample::select(vec!["022", "027", "077", "002", "007", "0077"]),
    ) {
        let others = |m: &str| -> u32 {
            match m {
                "u=rwx,go=rx" => 5,
                "u=rwx,go=" => 0,
                m => u32::from_str_radix(m, 8).unwrap_or(0) & 7,
            }
        };
        let (run, bits) = match way {
            0 => (format!("install -m {mode} /tmp/bootstrap /var/task/bootstrap"), others(mode)),
            1 => (format!("install --mode={mode} -t /var/task /tmp/bootstrap"), others(mode)),
            2 => ("install /tmp/bootstrap /var/task/".to_owned(), 5),
            // Short options run together.
            3 => (format!("install -Dm{mode} /tmp/bootstrap /var/task/bootstrap"), others(mode)),
            // cp's copy of a 0755 file: the umask's bits cleared.
            _ => (format!("umask {umask} && cp /tmp/bootstrap /var/task/bootstrap"), 5 & !(u32::from_str_radix(umask, 8).unwrap_or(0) & 7)),
        };
        let text = format!(
            "{}FROM public.ecr.aws/lambda/provided:al2023\nCOPY --from=build /bootstrap /tmp/bootstrap\nRUN {run}\nENTRYPOINT [\"/var/task/bootstrap\"]\nCMD [\"lambda\"]\n",
            common::DOCKERFILE.split("FROM public").next().unwrap_or_default()
        );
        let found = findings_with(&text, (&["/var/task/bootstrap"], &["lambda"], "/var/task"), true, "image-config");
        prop_assert_eq!(found.len(), usize::from(bits & 1 == 0), "\n{}\n{:#?}", text, found);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// Lambda runs Linux images only: a final stage starting from a Windows image (Microsoft's
    /// `windows/…` repositories, a Nano Server or Server Core tag), on any registry or mirror,
    /// is refused; Linux images whose names merely hold the letters are not.
    #[test]
    fn a_windows_base_image_is_refused(
        registry in prop::sample::select(vec!["", "mcr.microsoft.com/", "123456789012.dkr.ecr.us-west-2.amazonaws.com/mirror/", "ghcr.io/acme/"]),
        image in prop::sample::select(vec![
            ("windows/nanoserver:ltsc2022", true),
            ("windows/servercore:ltsc2019", true),
            ("dotnet/runtime:8.0-nanoserver-ltsc2022", true),
            ("python:3.12-windowsservercore-ltsc2022", true),
            ("golang:1.23-nanoserver", true),
            ("dotnet/runtime:8.0-bookworm-slim", false),
            ("python:3.12-slim", false),
            ("windows-exporter:0.25", false),
            ("acme/winserver-tools:1", false),
        ]),
    ) {
        let (name, windows) = image;
        let text = format!(
            "{}FROM {registry}{name}\nWORKDIR /var/task\nCOPY --from=build /bootstrap /var/task/bootstrap\nENTRYPOINT [\"/var/task/bootstrap\"]\nCMD [\"lambda\"]\n",
            common::DOCKERFILE.split("FROM public").next().unwrap_or_default()
        );
        let found: Vec<_> = findings_with(&text, (&["/var/task/bootstrap"], &["lambda"], "/var/task"), true, "image-platform")
            .into_iter()
            .filter(|f| f.message.contains("a Windows image"))
            .collect();
        prop_assert_eq!(found.len(), usize::from(windows), "\n{}\n{:#?}", text, found);
    }
}
