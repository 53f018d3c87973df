//! `image-platform` and `image-config`: the image the Dockerfile builds must run on the
//! function's architecture and start the way the function's ImageConfig says.

use super::Sink;
use crate::model::lambda::{Architecture, Function};

#[derive(Debug, Default, PartialEq, Eq)]
struct Stage {
    platform: Option<String>,
    image: String,
    entry_point: Option<Vec<String>>,
    command: Option<Vec<String>>,
    working_directory: Option<String>,
    /// `ENV` values known in the stage, for `WORKDIR ${LAMBDA_TASK_ROOT}` and the like.
    env: Vec<(String, String)>,
}

/// Registries that publish AWS Lambda's base images (`public.ecr.aws/lambda/python:3.12`,
/// `amazon/aws-lambda-nodejs:20`, `provided:al2023`, …).
const LAMBDA_BASE_IMAGES: [&str; 2] = ["public.ecr.aws/lambda/", "amazon/aws-lambda-"];

/// What a stage inherits from an AWS Lambda base image: every one ends with
/// `ENV LAMBDA_TASK_ROOT=/var/task`, `ENV LAMBDA_RUNTIME_DIR=/var/runtime`,
/// `WORKDIR /var/task` and `ENTRYPOINT ["/lambda-entrypoint.sh"]`, and sets no CMD (the
/// handler is the Dockerfile's to name).
fn inherit_lambda_base(stage: &mut Stage) {
    let image = stage.image.to_ascii_lowercase();
    let image = image.strip_prefix("docker.io/").unwrap_or(&image);
    if !LAMBDA_BASE_IMAGES.iter().any(|p| image.starts_with(p)) {
        return;
    }
    stage.entry_point = Some(vec!["/lambda-entrypoint.sh".to_owned()]);
    stage.working_directory = Some("/var/task".to_owned());
    stage.env = vec![
        ("LAMBDA_TASK_ROOT".to_owned(), "/var/task".to_owned()),
        ("LAMBDA_RUNTIME_DIR".to_owned(), "/var/runtime".to_owned()),
    ];
}

/// `ENV K=V [K2=V2]` or the legacy `ENV K V`.
fn env_values(rest: &str) -> Vec<(String, String)> {
    if !rest
        .split_whitespace()
        .next()
        .is_some_and(|w| w.contains('='))
    {
        return rest
            .split_once(char::is_whitespace)
            .map(|(k, v)| vec![(k.to_owned(), v.trim().trim_matches('"').to_owned())])
            .unwrap_or_default();
    }
    arg_defaults(rest).collect()
}

/// Instructions with continuation lines joined and comments dropped.
fn instructions(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if current.is_empty() && (trimmed.is_empty() || trimmed.starts_with('#')) {
            continue;
        }
        match trimmed.strip_suffix('\\') {
            Some(part) => {
                current.push_str(part);
                current.push(' ');
            }
            None => {
                current.push_str(trimmed);
                let (word, rest) = current
                    .split_once(char::is_whitespace)
                    .unwrap_or((&current, ""));
                out.push((word.to_ascii_uppercase(), rest.trim().to_owned()));
                current.clear();
            }
        }
    }
    out
}

/// Exec form (`["a", "b"]`) as written; shell form as the shell Docker wraps it in.
fn exec_form(rest: &str) -> Vec<String> {
    serde_json::from_str::<Vec<String>>(rest)
        .unwrap_or_else(|_| vec!["/bin/sh".into(), "-c".into(), rest.to_owned()])
}

/// `$NAME` and `${NAME}` (also `${NAME:-default}`) replaced by the build argument's default.
fn substitute(word: &str, args: &[(String, String)]) -> String {
    let lookup = |name: &str| {
        args.iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    let mut out = String::new();
    let mut rest = word;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let (name, default, tail) = if let Some(inner) = after.strip_prefix('{') {
            let Some(close) = inner.find('}') else {
                out.push_str(&rest[at..]);
                return out;
            };
            let body = &inner[..close];
            let (name, default) = match body.split_once(":-") {
                Some((n, d)) => (n, Some(d)),
                None => (body, None),
            };
            (name, default, &inner[close + 1..])
        } else {
            let end = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            (&after[..end], None, &after[end..])
        };
        match lookup(name).or_else(|| default.map(str::to_owned)) {
            Some(value) => out.push_str(&value),
            // An argument without a default stays visible (e.g. `$BUILDPLATFORM`).
            None => out.push_str(&rest[at..rest.len() - tail.len()]),
        }
        rest = tail;
    }
    out.push_str(rest);
    out
}

/// `ARG NAME=default` (or several); an ARG without a default records nothing.
fn arg_defaults(rest: &str) -> impl Iterator<Item = (String, String)> + '_ {
    rest.split_whitespace().filter_map(|a| {
        let (name, value) = a.split_once('=')?;
        Some((name.to_owned(), value.trim_matches('"').to_owned()))
    })
}

/// Stages with their effective base: build-argument defaults substituted and `FROM <stage>`
/// resolved to the image (and platform) that stage started from.
fn stages(text: &str) -> Vec<Stage> {
    let mut stages: Vec<Stage> = Vec::new();
    let mut names: Vec<(String, usize)> = Vec::new();
    let mut global_args: Vec<(String, String)> = Vec::new();
    for (word, rest) in instructions(text) {
        if word == "FROM" {
            let mut stage = Stage::default();
            let words: Vec<&str> = rest.split_whitespace().collect();
            let mut i = 0;
            while i < words.len() {
                let arg = words[i];
                if let Some(p) = arg.strip_prefix("--platform=") {
                    stage.platform = Some(substitute(p, &global_args));
                } else if arg.eq_ignore_ascii_case("AS") {
                    if let Some(name) = words.get(i + 1) {
                        names.push((name.to_ascii_lowercase(), stages.len()));
                    }
                    i += 1;
                } else if stage.image.is_empty() {
                    stage.image = substitute(arg, &global_args);
                }
                i += 1;
            }
            let earlier = names
                .iter()
                .rev()
                .find(|(n, at)| *at < stages.len() && *n == stage.image.to_ascii_lowercase())
                .map(|(_, at)| *at);
            if let Some(at) = earlier {
                let parent = &stages[at];
                stage.image.clone_from(&parent.image);
                if stage.platform.is_none() {
                    stage.platform.clone_from(&parent.platform);
                }
                // A stage inherits its parent's image settings.
                stage.entry_point.clone_from(&parent.entry_point);
                stage.command.clone_from(&parent.command);
                stage
                    .working_directory
                    .clone_from(&parent.working_directory);
                stage.env.clone_from(&parent.env);
            } else {
                inherit_lambda_base(&mut stage);
            }
            stages.push(stage);
            continue;
        }
        let Some(stage) = stages.last_mut() else {
            if word == "ARG" {
                global_args.extend(arg_defaults(&rest));
            }
            continue;
        };
        match word.as_str() {
            "ENTRYPOINT" => stage.entry_point = Some(exec_form(&rest)),
            "CMD" => stage.command = Some(exec_form(&rest)),
            "ENV" => {
                let values = env_values(&rest);
                stage.env.extend(values);
            }
            "WORKDIR" => {
                let rest = substitute(&rest, &stage.env);
                let dir = if rest.starts_with('/') {
                    rest
                } else {
                    let base = stage.working_directory.as_deref().unwrap_or("");
                    format!("{}/{rest}", base.trim_end_matches('/'))
                };
                stage.working_directory = Some(dir);
            }
            _ => {}
        }
    }
    stages
}

/// `os/arch[/variant]` without the variant (`linux/arm64/v8` is `linux/arm64`).
fn without_variant(platform: &str) -> String {
    platform
        .splitn(3, '/')
        .take(2)
        .collect::<Vec<_>>()
        .join("/")
}

/// Another architecture's name appearing as a component of the image reference.
fn foreign_arch(image: &str, arch: Architecture) -> Option<&'static str> {
    let others = [Architecture::Arm64, Architecture::X86_64]
        .into_iter()
        .filter(|a| *a != arch);
    let tokens: Vec<String> = image
        .to_ascii_lowercase()
        .split([':', '/', '-', '@'])
        .map(str::to_owned)
        .collect();
    others
        .flat_map(|a| a.aliases().iter().copied())
        .find(|alias| {
            tokens.iter().any(|t| t == alias)
                || image.to_ascii_lowercase().contains(&format!("-{alias}"))
        })
}

pub(super) fn check(f: &Function, id: &str, sink: &mut Sink<'_>) {
    let path = &f.source.dockerfile;
    let stages = stages(f.source.dockerfile_text);
    let Some(last) = stages.last() else {
        sink.push(
            "image-platform",
            id,
            format!("{path} has no FROM instruction"),
            "point the function's DockerSource at the Dockerfile that builds its image",
        );
        return;
    };
    let platform = f.architecture.docker_platform();
    if let Some(p) = &last.platform
        && !p.contains('$')
        && without_variant(&p.to_ascii_lowercase()) != platform
    {
        sink.push(
            "image-platform",
            id,
            format!(
                "the final stage of {path} is pinned to {p}, but the function runs on {}",
                f.architecture.name()
            ),
            format!(
                "drop --platform from the final FROM (build with `docker buildx build --platform {platform}`), or change the function's architecture"
            ),
        );
    }
    if let Some(alias) = foreign_arch(&last.image, f.architecture) {
        sink.push(
            "image-platform",
            id,
            format!(
                "the final stage of {path} starts FROM {}, an {alias} image, but the function runs on {}",
                last.image,
                f.architecture.name()
            ),
            format!("use the base image's {} variant or a multi-arch tag", f.architecture.name()),
        );
    }
    let config = &f.image_config;
    let mut compare = |what: &str, ours: Vec<String>, theirs: Option<Vec<String>>| {
        if theirs.as_ref() != Some(&ours) {
            let found = theirs.map_or("nothing".to_owned(), |t| format!("{t:?}"));
            sink.push(
                "image-config",
                id,
                format!("ImageConfig {what} is {ours:?} but the final stage of {path} sets {found}"),
                format!("make the Dockerfile's {what} and the function's ImageConfig agree, so the image starts the same way locally and on Lambda"),
            );
        }
    };
    compare(
        "ENTRYPOINT",
        config.entry_point().to_vec(),
        last.entry_point.clone(),
    );
    compare("CMD", config.command().to_vec(), last.command.clone());
    compare(
        "WORKDIR",
        vec![config.working_directory().to_owned()],
        last.working_directory.clone().map(|w| vec![w]),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOCKERFILE: &str = r#"
# syntax=docker/dockerfile:1
FROM --platform=$BUILDPLATFORM rust:1 AS build
WORKDIR /src
RUN cargo build \
    --release
FROM public.ecr.aws/lambda/provided:al2023
WORKDIR /var/task
COPY --from=build /src/bootstrap /var/task/bootstrap
ENTRYPOINT ["/var/task/bootstrap"]
CMD ["lambda"]
"#;

    #[test]
    fn parses_the_final_stage() {
        let s = stages(DOCKERFILE);
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].platform.as_deref(), Some("$BUILDPLATFORM"));
        assert_eq!(s[1].image, "public.ecr.aws/lambda/provided:al2023");
        assert_eq!(
            s[1].entry_point,
            Some(vec!["/var/task/bootstrap".to_owned()])
        );
        assert_eq!(s[1].command, Some(vec!["lambda".to_owned()]));
        assert_eq!(s[1].working_directory.as_deref(), Some("/var/task"));
    }

    fn final_stage(text: &str) -> Stage {
        stages(text).pop().unwrap_or_default()
    }

    #[test]
    fn arg_defaults_resolve_in_the_final_base_image() {
        let s =
            final_stage("ARG BASE=public.ecr.aws/lambda/provided:al2023-x86_64\nFROM ${BASE}\n");
        assert_eq!(s.image, "public.ecr.aws/lambda/provided:al2023-x86_64");
        let s = final_stage("ARG TAG=al2023-amd64\nFROM debian:$TAG\n");
        assert_eq!(s.image, "debian:al2023-amd64");
        let s = final_stage("ARG P=linux/amd64\nFROM --platform=${P} debian:12\n");
        assert_eq!(s.platform.as_deref(), Some("linux/amd64"));
        let s = final_stage("FROM --platform=$BUILDPLATFORM debian:12\n");
        assert_eq!(s.platform.as_deref(), Some("$BUILDPLATFORM"));
    }

    #[test]
    fn a_stage_alias_resolves_to_the_stage_base() {
        let s = final_stage(
            "FROM public.ecr.aws/lambda/provided:al2023-x86_64 AS base\nFROM rust:1 AS build\nFROM base\n",
        );
        assert_eq!(s.image, "public.ecr.aws/lambda/provided:al2023-x86_64");
        let s = final_stage(
            "FROM --platform=linux/amd64 debian:12 as runtime\nFROM runtime AS final\nFROM final\n",
        );
        assert_eq!(s.platform.as_deref(), Some("linux/amd64"));
    }

    #[test]
    fn a_stage_from_an_aws_lambda_base_image_inherits_its_entrypoint_and_workdir() {
        let s = final_stage(
            "FROM public.ecr.aws/lambda/python:3.12\nCOPY app.py ${LAMBDA_TASK_ROOT}\nCMD [\"app.handler\"]\n",
        );
        assert_eq!(
            s.entry_point,
            Some(vec!["/lambda-entrypoint.sh".to_owned()])
        );
        assert_eq!(s.working_directory.as_deref(), Some("/var/task"));
        assert_eq!(s.command, Some(vec!["app.handler".to_owned()]));
        // Through a stage alias, on Docker Hub, and with the task root variable.
        let s = final_stage(
            "FROM amazon/aws-lambda-nodejs:20 AS base\nFROM base\nWORKDIR ${LAMBDA_TASK_ROOT}/app\n",
        );
        assert_eq!(
            s.entry_point,
            Some(vec!["/lambda-entrypoint.sh".to_owned()])
        );
        assert_eq!(s.working_directory.as_deref(), Some("/var/task/app"));
        // Any other image sets nothing the lint could rely on.
        let s = final_stage("FROM python:3.12-slim\nCMD [\"app.handler\"]\n");
        assert_eq!(s.entry_point, None);
        assert_eq!(s.working_directory, None);
    }

    #[test]
    fn env_takes_both_forms() {
        assert_eq!(
            env_values("A=1 B=\"two\""),
            [("A".into(), "1".into()), ("B".into(), "two".into())]
        );
        assert_eq!(env_values("A one two"), [("A".into(), "one two".into())]);
    }

    #[test]
    fn platform_variants_name_the_same_architecture() {
        assert_eq!(without_variant("linux/arm64/v8"), "linux/arm64");
        assert_eq!(without_variant("linux/arm64"), "linux/arm64");
    }

    #[test]
    fn shell_form_is_wrapped_in_a_shell() {
        assert_eq!(
            exec_form("bootstrap lambda"),
            ["/bin/sh", "-c", "bootstrap lambda"]
        );
    }

    #[test]
    fn architecture_in_the_base_image_tag_is_detected() {
        assert_eq!(
            foreign_arch(
                "public.ecr.aws/lambda/provided:al2023-x86_64",
                Architecture::Arm64
            ),
            Some("x86_64")
        );
        assert_eq!(
            foreign_arch("amd64/debian:12", Architecture::Arm64),
            Some("amd64")
        );
        assert_eq!(
            foreign_arch(
                "public.ecr.aws/lambda/provided:al2023-arm64",
                Architecture::Arm64
            ),
            None
        );
        assert_eq!(foreign_arch("debian:12-slim", Architecture::X86_64), None);
    }
}
