//! Architectures as platforms, image references and file names spell them, and the AWS
//! Lambda base images (also mirrored through a registry such as an ECR pull-through cache).

use crate::model::lambda::Architecture;

/// A CPU architecture, normalised the way containerd's `platforms.Normalize` does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Arch {
    Arm64,
    Amd64,
    /// Any other (32-bit ARM, 386, ppc64le, …): no Lambda function runs it.
    Other(String),
}

impl Arch {
    pub fn of(a: Architecture) -> Self {
        match a {
            Architecture::Arm64 => Self::Arm64,
            Architecture::X86_64 => Self::Amd64,
        }
    }
    /// The `TARGETARCH` value.
    pub fn name(&self) -> &str {
        match self {
            Self::Arm64 => "arm64",
            Self::Amd64 => "amd64",
            Self::Other(name) => name,
        }
    }
    fn normalise(arch: &str) -> Self {
        match arch {
            "arm64" | "aarch64" => Self::Arm64,
            "amd64" | "x86_64" | "x86-64" => Self::Amd64,
            "armhf" | "armel" | "arm" => Self::Other("arm".into()),
            "i386" | "i686" | "386" | "x86" => Self::Other("386".into()),
            other => Self::Other(other.into()),
        }
    }
}

/// Operating systems Go (and so containerd) knows; a lone one of these is an OS, not an arch.
const OSES: [&str; 17] = [
    "aix",
    "android",
    "darwin",
    "macos",
    "dragonfly",
    "freebsd",
    "hurd",
    "illumos",
    "ios",
    "js",
    "linux",
    "netbsd",
    "openbsd",
    "plan9",
    "solaris",
    "windows",
    "zos",
];

/// Why a `--platform` value does not name a Linux architecture.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum NotAnArch {
    /// Only an OS: the architecture is the build machine's.
    OsOnly,
    NotLinux(String),
    Malformed,
}

/// The architecture of `os[/arch[/variant]]` or a lone `arch` (the OS then defaults to
/// Linux, BuildKit's own); the variant does not change which machines run it.
pub(super) fn platform(spec: &str) -> Result<Arch, NotAnArch> {
    let spec = spec.trim().to_ascii_lowercase();
    let parts: Vec<&str> = spec.split('/').collect();
    let (os, arch) = match parts.as_slice() {
        [one] if OSES.contains(one) => return Err(NotAnArch::OsOnly),
        [arch] => ("linux", *arch),
        [os, arch] | [os, arch, _] => (*os, *arch),
        _ => return Err(NotAnArch::Malformed),
    };
    if arch.is_empty() {
        return Err(NotAnArch::Malformed);
    }
    if os != "linux" {
        return Err(NotAnArch::NotLinux(os.to_owned()));
    }
    Ok(Arch::normalise(arch))
}

/// Architecture names as image namespaces (`arm64v8/`), tags (`-x86_64`), Rust and GNU
/// triples (`aarch64-unknown-linux-gnu`), release archives (`_linux_amd64`, jq's and
/// chromedriver's `linux64`), Node's and Electron's `ia32`, and the os-maven-plugin's
/// classifiers that protoc and netty name their builds by (`linux-aarch_64`, `x86_32`).
const TOKENS: [&str; 28] = [
    "arm64", "aarch64", "aarch_64", "arm64v8", "armv8", "amd64", "x86_64", "x86-64", "x64",
    "linux64", "arm32v5", "arm32v6", "arm32v7", "armhf", "armel", "armv7", "armv7l", "armv6",
    "i386", "i686", "x86_32", "ia32", "linux32", "ppc64le", "s390x", "riscv64", "mips64le",
    "loong64",
];

/// Architecture names that are only that right after an OS and a separator, as Go's and
/// goreleaser's release archives spell them (`_linux_386`, `Linux-64bit` for amd64,
/// `Linux-32bit` for 386); elsewhere they are numbers or prose.
const OS_QUALIFIED: [&str; 3] = ["386", "64bit", "32bit"];

/// Architectures as Go (`go tool dist list`) and Node (`process.arch`) name them: the values
/// `GOARCH`, `npm --cpu` and node-gyp's `--arch` take.
const GO_AND_NODE_ARCHES: [&str; 20] = [
    "386", "amd64", "arm", "arm64", "loong64", "mips", "mipsle", "mips64", "mips64le", "ppc64",
    "ppc64le", "riscv64", "s390x", "wasm", "ia32", "x64", "mipsel", "ppc", "s390", "amd64p32",
];

/// Variables and options whose value is an architecture in Go's or Node's names
/// (`GOARCH=arm`, `npm_config_arch=ia32`, `--arch=386`): any of [`GO_AND_NODE_ARCHES`] names
/// one, not only the spellings of [`TOKENS`].
const ARCH_SETTINGS: [&str; 8] = [
    "goarch",
    "targetarch",
    "npm_config_arch",
    "npm_config_cpu",
    "npm_config_target_arch",
    "--arch",
    "--cpu",
    "--target_arch",
];

fn token_arch(token: &str) -> Arch {
    match token {
        // ARMv8-A is AArch64 (Conan's and some release archives' name for arm64).
        "arm64v8" | "armv8" | "aarch_64" => Arch::Arm64,
        "x64" | "linux64" | "64bit" => Arch::Amd64,
        "ia32" | "x86_32" | "linux32" | "32bit" => Arch::Other("386".into()),
        t if t.starts_with("arm32") || t.starts_with("armv") => Arch::Other("arm".into()),
        t => Arch::normalise(t),
    }
}

/// Every architecture named in `text` by a token standing on its own (bounded by anything
/// but a letter or digit), an OS-qualified one ([`OS_QUALIFIED`]) or the value of an
/// architecture setting ([`ARCH_SETTINGS`]), in order.
pub(super) fn named(text: &str) -> Vec<Arch> {
    let lower = text.to_ascii_lowercase();
    let bytes = lower.as_bytes();
    let bounded = |i: Option<&u8>| i.is_none_or(|b| !b.is_ascii_alphanumeric());
    let mut found: Vec<(usize, Arch)> = Vec::new();
    // Every token but `armhf` and `armel` holds a digit: most words are passed over at once.
    let candidate = bytes.iter().any(u8::is_ascii_digit) || lower.contains("arm");
    for token in TOKENS.iter().chain(&OS_QUALIFIED).filter(|_| candidate) {
        for (at, _) in lower.match_indices(token) {
            let end = at + token.len();
            if !(bounded(at.checked_sub(1).and_then(|i| bytes.get(i))) && bounded(bytes.get(end))) {
                continue;
            }
            if OS_QUALIFIED.contains(token) {
                let before = lower[..at].strip_suffix(['-', '_', '/', '.']).unwrap_or("");
                let os = before
                    .rsplit(|c: char| !c.is_ascii_alphanumeric())
                    .next()
                    .unwrap_or_default();
                if os.is_empty() || !(OSES.contains(&os) || OTHER_OSES.contains(&os)) {
                    continue;
                }
            }
            found.push((at, token_arch(token)));
        }
    }
    found.extend(settings(&lower));
    found.sort_by_key(|(at, _)| *at);
    found.into_iter().map(|(_, a)| a).collect()
}

/// The architectures `lower` sets through [`ARCH_SETTINGS`] (`goarch=386`), by position.
fn settings(lower: &str) -> Vec<(usize, Arch)> {
    let bytes = lower.as_bytes();
    let mut found = Vec::new();
    if !lower.contains('=') {
        return found;
    }
    for setting in ARCH_SETTINGS {
        for (at, _) in lower.match_indices(&format!("{setting}=")) {
            // `MY_GOARCH=` is another variable.
            if at > 0 && (bytes[at - 1].is_ascii_alphanumeric() || b"_-".contains(&bytes[at - 1])) {
                continue;
            }
            let value: String = lower[at + setting.len() + 1..]
                .trim_start_matches(['"', '\''])
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            // `--cpu=4`, `--arch=native`, `--arch=noarch` name no architecture.
            if GO_AND_NODE_ARCHES.contains(&value.as_str()) || TOKENS.contains(&value.as_str()) {
                found.push((at, token_arch(&value)));
            }
        }
    }
    found
}

/// Whether `text` sets an architecture setting ([`ARCH_SETTINGS`]) to a value.
pub(super) fn sets_arch(text: &str) -> bool {
    !settings(&text.to_ascii_lowercase()).is_empty()
}

/// Operating systems other than Linux as artifact names, target triples and platform tags
/// spell them (`-darwin-arm64`, `aarch64-apple-darwin`, `x86_64-pc-windows-msvc`, pip's
/// `macosx_11_0_arm64` and `win_amd64`, .NET's `osx-arm64`).
const OTHER_OSES: [&str; 14] = [
    "darwin", "macos", "macosx", "osx", "apple", "windows", "win", "win32", "win64", "freebsd",
    "netbsd", "openbsd", "illumos", "android",
];

/// Whether an image reference names a Windows image: Microsoft's `windows/…` repositories
/// (`mcr.microsoft.com/windows/nanoserver`) or a Nano Server or Server Core variant's tag
/// (`python:3.12-windowsservercore-ltsc2022`, `dotnet/runtime:8.0-nanoserver-ltsc2022`),
/// which BuildKit cannot pull for a Linux platform.
pub(super) fn windows_image(image: &str) -> bool {
    let lower = repository_and_tag(&image.to_ascii_lowercase());
    lower.split('/').any(|part| part == "windows")
        || lower
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|token| matches!(token, "nanoserver" | "windowsservercore"))
}

/// Variables and options that choose the OS a build targets (Go's `GOOS`, npm's `--os`).
const OS_SETTINGS: [&str; 4] = ["GOOS", "npm_config_os", "npm_config_platform", "--os"];

/// The build machine's platform ARGs BuildKit sets: the machine's, whatever the target.
const BUILD_MACHINE_ARGS: [&str; 3] = ["BUILDPLATFORM", "BUILDARCH", "BUILDVARIANT"];

/// The build machine's platform ARGs `word`, as written, reads (`$BUILDARCH`,
/// `${BUILDPLATFORM#linux/}`): their values are the machine's, which the build does not fix.
pub(super) fn build_machine_args(word: &str) -> impl Iterator<Item = &'static str> {
    let word = if word.contains('$') { word } else { "" };
    BUILD_MACHINE_ARGS.into_iter().filter(move |name| {
        word.match_indices(name).any(|(at, _)| {
            let before = &word[..at];
            let after = word.as_bytes().get(at + name.len());
            (before.ends_with('$') || before.ends_with("${"))
                && after.is_none_or(|b| !(b.is_ascii_alphanumeric() || *b == b'_'))
        })
    })
}

/// The operating system other than Linux that `text` builds or names a build for: an OS
/// setting given one (`GOOS=darwin`), or a name that spells an OS next to an architecture
/// (`tool-darwin-arm64`, `aarch64-apple-darwin`) — a Linux function cannot run it.
pub(super) fn foreign_os(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    if let Some((name, value)) = lower.split_once('=')
        && OS_SETTINGS.iter().any(|s| s.eq_ignore_ascii_case(name))
    {
        let value = value.trim_matches(['"', '\'']);
        return (value != "linux" && OSES.contains(&value)).then(|| value.to_owned());
    }
    if named(&lower).is_empty() {
        return None;
    }
    lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .find(|token| OTHER_OSES.contains(token))
        .map(str::to_owned)
}

/// Environment variables build tools read their target architecture from (Go's `GOARCH`,
/// Cargo's `CARGO_BUILD_TARGET`, npm's and node-gyp's `npm_config_*`, pip's `PIP_PLATFORM`,
/// MSBuild's `RuntimeIdentifier`, the Docker CLI's `DOCKER_DEFAULT_PLATFORM`, and the
/// `TARGETPLATFORM`/`TARGETARCH` that cross-compiling helpers such as `xx` read): an ENV or
/// ARG setting one builds every later RUN's output for that architecture, whatever the RUN
/// says.
pub(super) fn selects_target(variable: &str) -> bool {
    const VARIABLES: [&str; 10] = [
        "GOARCH",
        "TARGETPLATFORM",
        "TARGETARCH",
        "CARGO_BUILD_TARGET",
        "npm_config_arch",
        "npm_config_cpu",
        "npm_config_target_arch",
        "PIP_PLATFORM",
        "RuntimeIdentifier",
        "DOCKER_DEFAULT_PLATFORM",
    ];
    // npm and MSBuild read them regardless of case.
    VARIABLES.iter().any(|v| v.eq_ignore_ascii_case(variable))
}

/// What a target triple or a runtime identifier holds besides its architecture and OS
/// (`x86_64-unknown-linux-musl`, `aarch64-linux-gnu`, `linux-x64`): vendor and ABI, and the
/// vendor words of toolchains that spell their targets so (Swift SDKs' `x86_64-swift-linux-musl`,
/// Bun's `bun-linux-x64-baseline`).
const TRIPLE_PARTS: [&str; 17] = [
    "unknown",
    "pc",
    "none",
    "swift",
    "bun",
    "baseline",
    "modern",
    "gnu",
    "musl",
    "gnux32",
    "gnueabi",
    "gnueabihf",
    "eabi",
    "eabihf",
    "elf",
    "uclibc",
    "musleabihf",
];

/// The architecture a build setting's value designates: the value is nothing but
/// architecture, OS, vendor and ABI words (`amd64`, `x64`, `linux/amd64`, `linux-x64`,
/// `x86_64-unknown-linux-musl`), as `GOARCH=`, `npm --cpu`, `cargo --target`, `dotnet -r` or
/// `zig -target` take it. A path or a package name (`gcc-x86-64-linux-gnu`) says more.
pub(super) fn designated(value: &str) -> Option<Arch> {
    let lower = value.to_ascii_lowercase();
    let found = named(&lower);
    let first = found.first()?.clone();
    let mut rest = lower;
    for token in TOKENS {
        rest = rest.replace(token, " ");
    }
    // A number is a version the target carries (zig's glibc `x86_64-linux-gnu.2.17`).
    rest.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|part| !part.is_empty())
        .all(|part| {
            OSES.contains(&part)
                || TRIPLE_PARTS.contains(&part)
                || part.bytes().all(|b| b.is_ascii_digit())
        })
        .then_some(first)
}

/// The C toolchain programs a cross toolchain names after its target triple.
const CROSS_TOOLS: [&str; 8] = [
    "gcc", "g++", "cc", "c++", "clang", "clang++", "gfortran", "ld",
];

/// The architecture a cross compiler builds for, by its name: GNU and musl cross toolchains
/// prefix their programs with the target triple (`x86_64-linux-gnu-gcc`,
/// `aarch64-linux-musl-g++-12`, `arm-linux-gnueabihf-gcc`, where a leading `arm` is 32-bit
/// ARM). A package holding one (`gcc-x86-64-linux-gnu`) builds nothing.
pub(super) fn cross_compiler(program: &str) -> Option<Arch> {
    let name = program.rsplit('/').next()?;
    // Every one is `<triple>-<tool>`: most words are ruled out before any work.
    if !name.contains('-') {
        return None;
    }
    let name = name.to_ascii_lowercase();
    // A version may follow the tool (`-gcc-12`).
    let name = name
        .trim_end_matches(|c: char| c.is_ascii_digit() || c == '.')
        .trim_end_matches('-');
    let triple = CROSS_TOOLS
        .iter()
        .find_map(|tool| name.strip_suffix(tool)?.strip_suffix('-'))?;
    match triple.strip_prefix("arm-") {
        Some(rest) => designated(&format!("armhf-{rest}")),
        None => designated(triple),
    }
}

/// Whether `program` is a C toolchain's program, native (`gcc`) or a cross one.
pub(super) fn c_compiler(program: &str) -> bool {
    CROSS_TOOLS.contains(&program) || cross_compiler(program).is_some()
}

/// File extensions of data formats: text, configuration, certificates and keys, documents,
/// images and fonts. Nothing in such a file runs, so a name spelling an architecture
/// (`THIRD_PARTY-x86_64.txt`) says nothing of the image's.
const DATA_EXTENSIONS: [&str; 29] = [
    "crt",
    "pem",
    "cer",
    "der",
    "json",
    "yaml",
    "yml",
    "toml",
    "ini",
    "conf",
    "cfg",
    "properties",
    "txt",
    "md",
    "csv",
    "sql",
    "xml",
    "proto",
    "html",
    "htm",
    "css",
    "map",
    "svg",
    "png",
    "jpg",
    "jpeg",
    "gif",
    "ico",
    "woff2",
];

/// File extensions of code other runtimes interpret, and WebAssembly: no machine code, but one
/// named for an architecture may be what installs or starts that architecture's build
/// (Miniconda's `…-Linux-x86_64.sh` carries its binaries).
const SOURCE_EXTENSIONS: [&str; 11] = [
    "js", "mjs", "cjs", "ts", "py", "rb", "php", "pl", "lua", "sh", "wasm",
];

fn extension(path: &str) -> Option<String> {
    let name = path.rsplit('/').next().unwrap_or_default();
    name.rsplit_once('.')
        .filter(|(stem, _)| !stem.is_empty())
        .map(|(_, ext)| ext.to_ascii_lowercase())
}

/// Whether `path` names a file of a data format ([`DATA_EXTENSIONS`]).
pub(super) fn data_file(path: &str) -> bool {
    extension(path).is_some_and(|ext| DATA_EXTENSIONS.contains(&ext.as_str()))
}

/// The subdirectories of `/usr/share` the FHS names for architecture-independent data
/// (3.0, §4.11, with `zoneinfo` of 2.3) and the data that distributions keep beside them (CA
/// sources, fonts, MIME types, licences). Not `/usr/share` itself: vendors install programs
/// there (`/usr/share/dotnet` holds the .NET runtime).
const SHARED_DATA: [&str; 24] = [
    "color",
    "dict",
    "man",
    "misc",
    "ppd",
    "sgml",
    "xml",
    "doc",
    "info",
    "locale",
    "nls",
    "terminfo",
    "tmac",
    "zoneinfo",
    "games",
    "ca-certificates",
    "fonts",
    "mime",
    "i18n",
    "licenses",
    "common-licenses",
    "icons",
    "pixmaps",
    "X11",
];

/// What the files a path copied out of a stage or image names can hold, least first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Holds {
    /// Data only: FHS data under `/usr/share` ([`SHARED_DATA`]: time zones, CA sources,
    /// locales), configuration under `/etc` (the CA bundle, `passwd`), or a file (a glob too)
    /// of a data format ([`DATA_EXTENSIONS`]). Nothing in it runs.
    Data,
    /// Code other runtimes interpret ([`SOURCE_EXTENSIONS`]): no machine code, but a runtime
    /// interface client may be such code.
    Sources,
    /// A directory elsewhere, or a file without such an extension: it may hold a binary.
    Anything,
}

pub(super) fn holds(path: &str) -> Holds {
    let absolute = super::eval::clean(&format!("/{path}"));
    let shared = absolute
        .strip_prefix("/usr/share/")
        .and_then(|rest| rest.split('/').next())
        .is_some_and(|dir| SHARED_DATA.contains(&dir));
    if shared || absolute.starts_with("/etc/") {
        return Holds::Data;
    }
    match extension(&absolute) {
        Some(ext) if DATA_EXTENSIONS.contains(&ext.as_str()) => Holds::Data,
        Some(ext) if SOURCE_EXTENSIONS.contains(&ext.as_str()) => Holds::Sources,
        _ => Holds::Anything,
    }
}

/// A compiler: its program, the subcommands that compile, the target options and variables.
type Compiler = (
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
    &'static [&'static str],
);

/// Compilers that build for the machine they run on unless told a target: the program, the
/// subcommands that compile (none: the program itself), the options and the environment
/// variables that name a target. (Interpreters, bundlers and package managers are left out:
/// what they produce is mostly architecture-independent.) xx's wrappers (`xx-go`,
/// `xx-cargo`, `xx-clang`) build for `$TARGETPLATFORM`, and for the machine without it.
const NATIVE_COMPILERS: [Compiler; 17] = [
    ("go", &["build", "install"], &[], &["GOARCH"]),
    (
        "cargo",
        &["build", "install", "rustc", "zigbuild", "auditable"],
        &["--target"],
        &["CARGO_BUILD_TARGET"],
    ),
    ("rustc", &[], &["--target"], &[]),
    ("gcc", &[], &[], &[]),
    ("g++", &[], &[], &[]),
    ("cc", &[], &["-target", "--target"], &[]),
    ("c++", &[], &["-target", "--target"], &[]),
    ("clang", &[], &["-target", "--target"], &[]),
    ("clang++", &[], &["-target", "--target"], &[]),
    (
        "zig",
        &["build", "build-exe", "build-lib", "cc", "c++"],
        &["-target", "-Dtarget"],
        &[],
    ),
    (
        "swift",
        &["build"],
        &["--triple", "--arch", "--swift-sdk"],
        &[],
    ),
    ("native-image", &[], &[], &[]),
    ("xx-go", &["build", "install"], &[], &XX_TARGET),
    ("xx-cargo", &["build", "install", "rustc"], &[], &XX_TARGET),
    ("xx-clang", &[], &[], &XX_TARGET),
    ("xx-clang++", &[], &[], &XX_TARGET),
    ("xx-cc", &[], &[], &XX_TARGET),
];

/// What xx's `xx-info` reads the target from; unset, it is the machine it runs on.
const XX_TARGET: [&str; 2] = ["TARGETPLATFORM", "TARGETARCH"];

/// Whether `argv` (a command's program and arguments) compiles native code for the machine it
/// runs on: a compiler of [`NATIVE_COMPILERS`] given no target option, and none of its target
/// variables `set` (in the command's or the RUN's environment).
pub(super) fn compiles_for_host(argv: &[String], set: impl Fn(&str) -> bool) -> bool {
    let Some((program, args)) = argv.split_first() else {
        return false;
    };
    let program = program.rsplit('/').next().unwrap_or_default();
    let Some((_, subcommands, flags, variables)) =
        NATIVE_COMPILERS.iter().find(|(p, ..)| *p == program)
    else {
        return false;
    };
    let compiles = subcommands.is_empty()
        || args
            .iter()
            .find(|a| !a.starts_with(['-', '+']))
            .is_some_and(|sub| subcommands.contains(&sub.as_str()));
    let targeted = args.iter().any(|a| {
        flags.iter().any(|f| {
            a.strip_prefix(f)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('='))
        })
    }) || variables.iter().any(|v| set(v));
    compiles && !targeted
}

/// The target a build tool picks by itself when given none, whatever machine it runs on:
/// cargo-lambda's `cargo lambda build` builds for x86_64 unless told `--arm64` or a
/// `--target` (its documentation's default).
pub(super) fn default_target(argv: &[String]) -> Option<&'static str> {
    let words: Vec<&str> = argv.iter().map(String::as_str).collect();
    let [program, "lambda", "build", args @ ..] = words.as_slice() else {
        return None;
    };
    let chosen = args.iter().any(|a| {
        ["--arm64", "--x86-64", "--target", "-t"].iter().any(|f| {
            a.strip_prefix(f)
                .is_some_and(|r| r.is_empty() || r.starts_with('='))
        })
    });
    (program.rsplit('/').next() == Some("cargo") && !chosen).then_some("x86_64-unknown-linux-gnu")
}

/// Whether a RUN's shell text branches on the architecture it runs on (`[ "$TARGETARCH" =
/// amd64 ]`, `case $(uname -m) in …`): its per-architecture words then run only where they
/// match, which the shell decides at build time.
pub(super) fn branches_on_arch(run: &str) -> bool {
    let tests = run
        .split(|c: char| c.is_whitespace() || c == ';')
        .any(|w| matches!(w, "if" | "case" | "[" | "[[" | "test"));
    tests
        && (run.contains("TARGETARCH")
            || run.contains("TARGETPLATFORM")
            || MACHINE_QUERIES.iter().any(|q| run.contains(q)))
}

/// Commands that print the architecture of the machine they run on.
const MACHINE_QUERIES: [&str; 7] = [
    "uname -m",
    "uname -p",
    "dpkg --print-architecture",
    "apk --print-arch",
    "go env GOARCH",
    "$(arch)",
    "`arch`",
];

/// Whether a command uses the architecture of the machine it runs on as a value
/// (`tool-$(uname -m)`, `` `dpkg --print-architecture` ``): what it builds or fetches is that
/// machine's. Running the query alone only prints it.
pub(super) fn asks_machine(command: &str) -> bool {
    MACHINE_QUERIES.iter().any(|q| {
        q.starts_with(['$', '`']) && command.contains(q)
            || command.match_indices(q).any(|(at, _)| {
                let before = command[..at].trim_end_matches([' ', '\t']);
                before.ends_with("$(") || before.ends_with('`')
            })
    })
}

/// The parts of an image reference: registry (if the first component names one), the
/// repository path, and the tag; the digest is dropped.
pub(super) fn reference(image: &str) -> (Option<&str>, &str, Option<&str>) {
    let image = image.split('@').next().unwrap_or(image);
    let (registry, rest) = match image.split_once('/') {
        Some((first, rest))
            if first.contains('.') || first.contains(':') || first == "localhost" =>
        {
            (Some(first), rest)
        }
        _ => (None, image),
    };
    let name_start = rest.rfind('/').map_or(0, |i| i + 1);
    match rest[name_start..].find(':') {
        Some(i) => (
            registry,
            &rest[..name_start + i],
            Some(&rest[name_start + i + 1..]),
        ),
        None => (registry, rest, None),
    }
}

/// Whether `image` is a reference `docker pull` accepts: `[host[:port]/]path[:tag][@digest]`
/// with lower-case path components separated by `.`, `_`, `__` or dashes.
pub(super) fn valid_reference(image: &str) -> bool {
    let (rest, digest) = match image.split_once('@') {
        Some((rest, digest)) => (rest, Some(digest)),
        None => (image, None),
    };
    let digest_ok = digest.is_none_or(|d| {
        d.split_once(':').is_some_and(|(algo, hex)| {
            algo.starts_with(|c: char| c.is_ascii_alphabetic())
                && algo
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_+.".contains(c))
                && hex.len() >= 32
                && hex.chars().all(|c| c.is_ascii_hexdigit())
        })
    });
    let (registry, path, tag) = reference(rest);
    let host_ok = registry.is_none_or(|host| {
        let (name, port) = host.split_once(':').unwrap_or((host, "0"));
        !name.is_empty()
            && name.split('.').all(|label| {
                !label.is_empty()
                    && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                    && !label.starts_with('-')
                    && !label.ends_with('-')
            })
            && !port.is_empty()
            && port.chars().all(|c| c.is_ascii_digit())
    });
    let component_ok = |c: &str| {
        let alnum = |x: char| x.is_ascii_lowercase() || x.is_ascii_digit();
        c.starts_with(alnum)
            && c.ends_with(alnum)
            && c.chars().all(|x| alnum(x) || "._-".contains(x))
            && !c.contains("..")
            && !c.contains("___")
            && !c.contains("._")
            && !c.contains("_.")
            && !c.contains(".-")
            && !c.contains("-.")
            && !c.contains("_-")
            && !c.contains("-_")
    };
    let tag_ok = tag.is_none_or(|t| {
        (1..=128).contains(&t.len())
            && !t.starts_with(['.', '-'])
            && t.chars()
                .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
    });
    digest_ok && host_ok && tag_ok && path.len() <= 255 && path.split('/').all(component_ok)
}

/// The repository path and tag of an image reference: where an architecture may be spelled
/// (not the registry host or the digest).
pub(super) fn repository_and_tag(image: &str) -> String {
    match reference(image) {
        (_, path, Some(tag)) => format!("{path}:{tag}"),
        (_, path, None) => path.to_owned(),
    }
}

/// AWS Lambda's runtime families, as its base images are named.
const RUNTIMES: [&str; 7] = [
    "nodejs", "python", "java", "dotnet", "ruby", "go", "provided",
];

/// The Lambda runtime family an image's path names, on any registry:
/// `…/lambda/<runtime>` or `…/amazon/aws-lambda-<runtime>`.
pub(super) fn named_runtime(image: &str) -> Option<&'static str> {
    let lower = image.to_ascii_lowercase();
    let (_, path, _) = reference(&lower);
    let runtime = match path.rsplit('/').collect::<Vec<_>>().as_slice() {
        [last, "amazon", ..] => last.strip_prefix("aws-lambda-")?,
        [last, "lambda", ..] => last,
        _ => return None,
    };
    RUNTIMES.iter().find(|r| **r == runtime).copied()
}

/// The runtime family of an AWS Lambda base image: `public.ecr.aws/lambda/<runtime>` or
/// Docker Hub's `amazon/aws-lambda-<runtime>`, also under a mirror's prefix
/// (`<account>.dkr.ecr.<region>.amazonaws.com/[<prefix>/]lambda/<runtime>` of an ECR
/// pull-through cache, or `<mirror>/<prefix>/amazon/aws-lambda-<runtime>`).
pub(super) fn lambda_runtime(image: &str) -> Option<&'static str> {
    let runtime = named_runtime(image)?;
    let lower = image.to_ascii_lowercase();
    let (registry, path, _) = reference(&lower);
    let components: Vec<&str> = path.split('/').collect();
    if let [.., "amazon", _] = components.as_slice() {
        return Some(runtime);
    }
    // `lambda/<runtime>` in a private ECR registry: a pull-through cache's `<prefix>/lambda/…`,
    // or the image pushed to a repository of the same name.
    let mirrored = registry.is_some_and(is_ecr);
    let public = components.len() == 2 && registry == Some("public.ecr.aws");
    (mirrored || public).then_some(runtime)
}

/// A private ECR registry host: `<account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn]`, or
/// its dual-stack (IPv6) name `<account>.dkr-ecr[-fips].<region>.on.aws`.
fn is_ecr(host: &str) -> bool {
    let host = host.strip_suffix(".cn").unwrap_or(host);
    let (rest, dual_stack) = match (
        host.strip_suffix(".amazonaws.com"),
        host.strip_suffix(".on.aws"),
    ) {
        (Some(rest), _) => (rest, false),
        (None, Some(rest)) => (rest, true),
        (None, None) => return false,
    };
    let mut parts = rest.split('.');
    let account = parts.next().unwrap_or_default();
    let service = if dual_stack {
        matches!(parts.next(), Some("dkr-ecr" | "dkr-ecr-fips"))
    } else {
        parts.next() == Some("dkr") && matches!(parts.next(), Some("ecr" | "ecr-fips"))
    };
    account.len() == 12
        && account.bytes().all(|b| b.is_ascii_digit())
        && service
        && parts.next().is_some_and(|r| !r.is_empty())
        && parts.next().is_none()
}

/// Runtime families whose runtime interface client streams responses: AWS documents
/// response streaming for the Node.js managed runtimes and for custom runtimes (`provided`).
pub(super) fn streams(runtime: &str) -> bool {
    matches!(runtime, "nodejs" | "provided")
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// A value made of an architecture with OS, vendor and ABI words designates it,
        /// however joined; one with any other word (a path, a package name) does not.
        #[test]
        fn a_setting_designates_an_architecture_only_when_it_says_nothing_else(
            arch in proptest::sample::select(vec!["amd64", "x86_64", "x64", "arm64", "aarch64"]),
            around in proptest::collection::vec(
                proptest::sample::select(vec!["linux", "unknown", "gnu", "musl", "pc", "eabihf"]),
                0..3,
            ),
            sep in proptest::sample::select(vec!["-", "/", "_"]),
            other in "[a-z]{2,8}",
        ) {
            let mut parts = vec![arch];
            parts.extend(around.iter().copied());
            let value = parts.join(sep);
            let expected = Arch::normalise(match arch {
                "x64" => "amd64",
                a => a,
            });
            proptest::prop_assert_eq!(designated(&value), Some(expected));
            let known = OSES.contains(&other.as_str()) || TRIPLE_PARTS.contains(&other.as_str())
                || !named(&other).is_empty();
            if !known {
                proptest::prop_assert_eq!(designated(&format!("{other}{sep}{value}")), None);
                proptest::prop_assert_eq!(designated(&format!("/opt/{other}/{value}")), None);
            }
        }
    }

    proptest::proptest! {
        /// A cross toolchain's program, named after its target triple (with a path or a version
        /// too), builds for the triple's architecture; a package holding one, the triple alone
        /// or a native compiler's name names no cross compiler.
        #[test]
        fn a_cross_compiler_builds_for_the_triple_it_is_named_after(
            (spelled, arch) in proptest::sample::select(vec![
                ("x86_64", Arch::Amd64),
                ("aarch64", Arch::Arm64),
                ("i686", Arch::Other("386".into())),
                ("arm", Arch::Other("arm".into())),
                ("armv7", Arch::Other("arm".into())),
            ]),
            abi in proptest::sample::select(vec!["linux-gnu", "unknown-linux-musl", "linux-musl", "linux-gnueabihf", "pc-linux-gnu"]),
            tool in proptest::sample::select(CROSS_TOOLS.to_vec()),
            version in proptest::option::of(1u8..15),
            dir in proptest::option::of("/[a-z]{1,6}/bin"),
        ) {
            let triple = format!("{spelled}-{abi}");
            let version = version.map(|v| format!("-{v}")).unwrap_or_default();
            let program = format!("{}/{triple}-{tool}{version}", dir.unwrap_or_default());
            proptest::prop_assert_eq!(cross_compiler(&program), Some(arch), "{}", program);
            proptest::prop_assert!(c_compiler(program.rsplit('/').next().unwrap_or_default()));
            proptest::prop_assert_eq!(cross_compiler(&format!("{tool}-{triple}")), None);
            proptest::prop_assert_eq!(cross_compiler(&triple), None);
            proptest::prop_assert_eq!(cross_compiler(tool), None);
        }
    }

    proptest::proptest! {
        /// A name spelling an OS other than Linux next to an architecture, in any order and
        /// joined any way, is a build for that OS; the Linux spelling of the same is not; an
        /// OS word without an architecture (a path, a package name) says nothing.
        #[test]
        fn an_artifact_naming_another_os_is_a_build_for_it(
            os in proptest::sample::select(OTHER_OSES.to_vec()),
            arch in proptest::sample::select(vec!["arm64", "aarch64", "amd64", "x86_64", "x64"]),
            sep in proptest::sample::select(vec!["-", "_", "/", "."]),
            os_first in proptest::prelude::any::<bool>(),
            stem in "[a-z]{2,8}",
        ) {
            let (a, b) = if os_first { (os, arch) } else { (arch, os) };
            let name = format!("/dist/{stem}{sep}{a}{sep}{b}");
            // A stem that is itself an OS or architecture word (`osx`) may be the one named.
            let known = OTHER_OSES.contains(&stem.as_str()) || !named(&stem).is_empty();
            if known {
                proptest::prop_assert!(foreign_os(&name).is_some(), "{}", name);
            } else {
                proptest::prop_assert_eq!(foreign_os(&name), Some(os.to_owned()));
            }
            let linux = format!("/dist/{stem}{sep}linux{sep}{arch}");
            if !known {
                proptest::prop_assert_eq!(foreign_os(&linux), None);
                proptest::prop_assert_eq!(foreign_os(&format!("/opt/{os}/{stem}")), None);
            }
            proptest::prop_assert_eq!(foreign_os(&format!("GOOS={os}")), OSES.contains(&os).then(|| os.to_owned()));
            proptest::prop_assert_eq!(foreign_os("GOOS=linux"), None);
        }

        /// A compiler given no target builds for the machine it runs on; a target option in
        /// any of its forms, or a target variable set, says otherwise; other programs and
        /// subcommands compile nothing native.
        #[test]
        fn a_compiler_without_a_target_builds_for_the_host(
            compiler in proptest::sample::select(NATIVE_COMPILERS.to_vec()),
            arg in "[a-z./]{1,10}",
            joined in proptest::prelude::any::<bool>(),
        ) {
            let (program, subcommands, flags, variables) = compiler;
            let mut argv = vec![format!("/usr/bin/{program}")];
            argv.extend(subcommands.first().map(|s| (*s).to_owned()));
            argv.push(format!("-{arg}").replace("-target", "-x").replace("-arch", "-x").replace("-triple", "-x"));
            proptest::prop_assert!(compiles_for_host(&argv, |_| false), "{:?}", argv);
            for flag in flags.iter() {
                let mut with = argv.clone();
                if joined {
                    with.push(format!("{flag}=aarch64-linux-gnu"));
                } else {
                    with.extend([(*flag).to_owned(), "aarch64-linux-gnu".to_owned()]);
                }
                proptest::prop_assert!(!compiles_for_host(&with, |_| false), "{:?}", with);
            }
            for variable in variables.iter() {
                proptest::prop_assert!(!compiles_for_host(&argv, |v| v == *variable));
            }
            if !subcommands.is_empty() {
                let run = vec![program.to_owned(), "run".to_owned(), arg.clone()];
                proptest::prop_assert!(!compiles_for_host(&run, |_| false), "{:?}", run);
            }
        }
    }

    #[test]
    fn every_architecture_token_passes_the_quick_test_named_reads_first() {
        for token in TOKENS.iter().chain(&OS_QUALIFIED) {
            assert!(
                token.bytes().any(|b| b.is_ascii_digit()) || token.contains("arm"),
                "{token}: `named` would skip it"
            );
        }
    }

    #[test]
    fn copied_paths_hold_data_sources_or_anything_by_place_or_format() {
        for (path, expected) in [
            ("/etc/ssl/certs/ca-certificates.crt", Holds::Data),
            ("usr/share/zoneinfo", Holds::Data),
            ("/usr/share/ca-certificates/mozilla/", Holds::Data),
            ("/out/schema.json", Holds::Data),
            ("/usr/share/../../etc/passwd", Holds::Data),
            ("/app/dist/*.js", Holds::Sources),
            ("/deps/pkg/__init__.py", Holds::Sources),
            ("/out/bootstrap", Holds::Anything),
            ("/", Holds::Anything),
            ("/usr/share", Holds::Anything),
            ("/usr/share/dotnet", Holds::Anything),
            ("/usr/lib/libssl.so.3", Holds::Anything),
            ("/deps", Holds::Anything),
            ("/etc", Holds::Anything),
            ("/usr/bin/jq", Holds::Anything),
            ("/x/.json", Holds::Anything),
        ] {
            assert_eq!(holds(path), expected, "{path}");
        }
    }

    #[test]
    fn platform_spellings_name_one_architecture() {
        for p in [
            "linux/arm64",
            "linux/arm64/v8",
            "arm64",
            "aarch64",
            "LINUX/AArch64",
        ] {
            assert_eq!(platform(p), Ok(Arch::Arm64), "{p}");
        }
        for p in ["linux/amd64", "linux/x86_64", "x86-64", "linux/amd64/v3"] {
            assert_eq!(platform(p), Ok(Arch::Amd64), "{p}");
        }
        assert_eq!(platform("linux/arm/v7"), Ok(Arch::Other("arm".into())));
        assert_eq!(platform("linux"), Err(NotAnArch::OsOnly));
        assert_eq!(
            platform("windows/amd64"),
            Err(NotAnArch::NotLinux("windows".into()))
        );
    }

    #[test]
    fn architecture_tokens_stand_on_their_own() {
        assert_eq!(named("al2023-x86_64"), [Arch::Amd64]);
        assert_eq!(named("arm64v8/debian"), [Arch::Arm64]);
        assert_eq!(
            named("/t/aarch64-unknown-linux-gnu/release/x"),
            [Arch::Arm64]
        );
        assert_eq!(named("tool_linux_amd64.tar.gz"), [Arch::Amd64]);
        assert!(named("debian:12-slim").is_empty());
        assert_eq!(named("conan/pkg-linux-armv8.tgz"), [Arch::Arm64]);
        // ARMv8 in AArch32 state is 32-bit ARM.
        assert!(named("armv8l").is_empty());
        assert!(named("xarm64 amd64x").is_empty());
        assert_eq!(named("jq-1.6/jq-linux64"), [Arch::Amd64]);
        assert_eq!(named("protoc-25.1-linux-aarch_64.zip"), [Arch::Arm64]);
        assert_eq!(named("trivy_0.50.0_Linux-64bit.tar.gz"), [Arch::Amd64]);
    }

    proptest::proptest! {
        /// Go's and goreleaser's `386`/`64bit`/`32bit` name an architecture right after an OS
        /// and a separator only, and any value of an architecture setting (Go's and Node's
        /// names: `GOARCH=arm`, `--cpu=ia32`) names one; the same digits elsewhere (an issue
        /// number, a version) and another variable (`MY_GOARCH`) name none.
        #[test]
        fn os_qualified_names_and_settings_name_architectures(
            os in proptest::sample::select(vec!["linux", "Linux", "LINUX", "freebsd", "darwin"]),
            sep in proptest::sample::select(vec!["-", "_", "/", "."]),
            qualified in proptest::sample::select(vec![("386", "386"), ("64bit", "amd64"), ("32bit", "386")]),
            stem in proptest::strategy::Strategy::prop_filter("[a-z]{2,8}", "names no architecture", |s: &String| named(s).is_empty()),
            version in "[0-9]\\.[0-9]{1,2}",
            setting in proptest::sample::select(vec!["GOARCH", "goarch", "npm_config_arch", "npm_config_cpu", "npm_config_target_arch", "--arch", "--cpu", "--target_arch", "TARGETARCH"]),
            value in proptest::sample::select(vec![
                ("386", "386"), ("arm", "arm"), ("amd64", "amd64"), ("arm64", "arm64"), ("x64", "amd64"),
                ("ia32", "386"), ("mips", "mips"), ("ppc64le", "ppc64le"), ("riscv64", "riscv64"), ("wasm", "wasm"),
            ]),
            quote in proptest::sample::select(vec!["", "\"", "'"]),
        ) {
            let (token, arch) = qualified;
            let name = format!("{stem}_{version}_{os}{sep}{token}.tar.gz");
            let found: Vec<String> = named(&name).iter().map(|a| a.name().to_owned()).collect();
            proptest::prop_assert_eq!(found, vec![arch.to_owned()], "{}", name);
            for plain in [
                format!("https://example.com/{stem}/pull/{token}.patch"),
                format!("{stem}-{version}.{token}"),
                format!("{stem}{token}"),
            ] {
                proptest::prop_assert!(named(&plain).is_empty(), "{}", plain);
            }
            let (value, arch) = value;
            let set = format!("{setting}={quote}{value}{quote}");
            let found: Vec<String> = named(&set).iter().map(|a| a.name().to_owned()).collect();
            proptest::prop_assert!(!found.is_empty() && found.iter().all(|a| a == arch), "{} {:?}", set, found);
            proptest::prop_assert!(sets_arch(&set));
            let other = format!("MY_{setting}={value}x");
            proptest::prop_assert!(named(&other).is_empty() && !sets_arch(&other), "{}", other);
            for not_an_arch in ["4", "native", "noarch", "all", "generic"] {
                let set = format!("{setting}={not_an_arch}");
                proptest::prop_assert!(named(&set).is_empty() && !sets_arch(&set), "{}", set);
            }
            let unexpanded = format!("{setting}=$TARGETARCH");
            proptest::prop_assert!(!sets_arch(&unexpanded), "{}", unexpanded);
        }
    }

    #[test]
    fn lambda_base_images_are_known_through_every_ecr_endpoint_name() {
        for account in ["123456789012", "000000000001"] {
            for region in ["us-west-2", "eu-central-1", "cn-north-1"] {
                for host in [
                    format!("{account}.dkr.ecr.{region}.amazonaws.com"),
                    format!("{account}.dkr.ecr-fips.{region}.amazonaws.com"),
                    format!("{account}.dkr.ecr.{region}.amazonaws.com.cn"),
                    format!("{account}.dkr-ecr.{region}.on.aws"),
                    format!("{account}.dkr-ecr-fips.{region}.on.aws"),
                ] {
                    for (path, runtime) in [
                        ("ecr-public/lambda/python:3.12", "python"),
                        ("mirror/lambda/nodejs:22", "nodejs"),
                        ("hub/amazon/aws-lambda-java:21", "java"),
                    ] {
                        let image = format!("{host}/{path}");
                        assert_eq!(lambda_runtime(&image), Some(runtime), "{image}");
                    }
                    // Not ECR: a lookalike host is no pull-through cache.
                    let fake =
                        format!("{account}.dkr-ecr.{region}.example.com/x/lambda/python:3.12");
                    assert_eq!(lambda_runtime(&fake), None, "{fake}");
                }
            }
        }
    }

    #[test]
    fn image_references_follow_the_distribution_grammar() {
        for ok in [
            "debian",
            "public.ecr.aws/lambda/provided:al2023-arm64",
            "localhost:5000/a__b/c-d.e:1.0_x",
            "123456789012.dkr.ecr.us-west-2.amazonaws.com/hub/amazon/aws-lambda-python@sha256:0123456789abcdef0123456789abcdef",
        ] {
            assert!(valid_reference(ok), "{ok}");
        }
        for bad in [
            "/lambda/provided:al2023",
            "public.ecr.aws/lambda/provided:",
            "Debian:12",
            "debian:-12",
            "a//b",
            "a-/b",
            "debian@sha256:xyz",
            "exa mple/x",
        ] {
            assert!(!valid_reference(bad), "{bad}");
        }
    }

    #[test]
    fn references_split_into_registry_path_and_tag() {
        assert_eq!(
            reference("localhost:5000/a/b:1@sha256:00"),
            (Some("localhost:5000"), "a/b", Some("1"))
        );
        assert_eq!(reference("debian"), (None, "debian", None));
    }

    #[test]
    fn lambda_base_images_are_recognised_also_through_a_mirror() {
        for (image, runtime) in [
            ("public.ecr.aws/lambda/python:3.12", Some("python")),
            ("amazon/aws-lambda-nodejs:20", Some("nodejs")),
            (
                "docker.io/amazon/aws-lambda-provided:al2023",
                Some("provided"),
            ),
            (
                "123456789012.dkr.ecr.us-west-2.amazonaws.com/ecr-public/lambda/java:21",
                Some("java"),
            ),
            (
                "123456789012.dkr.ecr.eu-west-1.amazonaws.com/hub/amazon/aws-lambda-ruby:3.3",
                Some("ruby"),
            ),
            ("example.com/lambda/python:3.12", None),
            (
                "123456789012.dkr.ecr.us-east-1.amazonaws.com/lambda/nodejs:20",
                Some("nodejs"),
            ),
            ("public.ecr.aws/lambda/unknown:1", None),
            (
                "123456789012.dkr.ecr.us-east-1.example.com/lambda/python:3",
                None,
            ),
            ("python:3.12", None),
        ] {
            assert_eq!(lambda_runtime(image), runtime, "{image}");
        }
    }
}
