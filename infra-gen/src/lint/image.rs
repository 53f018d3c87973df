//! Lint `image-source`: the image a function runs is exactly the imported repository URI at
//! the `ImageTag` parameter, `${<RepositoryUri>}:${ImageTag}`, or at a digest,
//! `${<RepositoryUri>}@sha256:<64 hex>`. The deploy workflow sets `ImageTag` to the commit it
//! built (`infra-gen list --json`), so a literal tag, another parameter or `latest` could run
//! an image other than the one built and scanned; a literal or hand-built URI skips the
//! registry stack and its immutable tags. The URI is read as the sequence of values it joins
//! (`Fn::Sub` with or without variables, `Fn::Join`, literals), so any spelling of the same
//! value passes and nothing else does. One repository tag holds one image, so functions
//! tagged in one repository must be built from one Dockerfile for one architecture, and a
//! digest pinned in it names one of those builds (the same digest twice, the same image).

use crate::Finding;
use crate::builders::service::{IMAGE_TAG_PARAMETER, IMAGE_TAG_PATTERN};
use crate::builders::{App, Stack};
use crate::model::expr::sub_placeholders;
use crate::model::lambda::Architecture;
use crate::model::raw::RawValue;
use crate::model::{Expr, ParameterKind, Properties};

use super::resolve::{allowed_pattern_admits, import_name};

/// One piece of the URI's value.
#[derive(Debug, PartialEq)]
enum Token<'a> {
    Text(String),
    /// `Fn::ImportValue` of an export name the definition decides.
    Import(String),
    /// A parameter of the stack's template.
    Parameter(&'a str),
    /// Anything else: a resource, a pseudo parameter, an attribute, a computed import.
    Other(String),
}

/// Tags that name no build: the mutable `latest`, and the empty tag, which leaves the image
/// URI ending in `:` (no image Lambda can pull).
const NOT_A_BUILD: [(&str, &str); 2] = [("latest", "the mutable tag latest"), ("", "an empty tag")];

/// Remembers, per `AllowedPattern`, which tag that names no build it admits ([`NOT_A_BUILD`];
/// `None`: unreadable), so a pattern every service shares is compiled once per run. The
/// builders' own pattern is known without compiling a regex (a test holds the answer to the
/// regex's).
pub(super) struct Patterns(Vec<(String, Option<Option<&'static str>>)>);

impl Default for Patterns {
    fn default() -> Self {
        Self(vec![(IMAGE_TAG_PATTERN.to_owned(), Some(None))])
    }
}

impl Patterns {
    fn admits_no_build(&mut self, pattern: &str) -> Option<Option<&'static str>> {
        if let Some((_, known)) = self.0.iter().find(|(p, _)| p == pattern) {
            return *known;
        }
        let tags = NOT_A_BUILD.map(|(tag, _)| tag);
        let known = allowed_pattern_admits(pattern, &tags).map(|admitted| {
            NOT_A_BUILD
                .iter()
                .find(|(tag, _)| Some(*tag) == admitted)
                .map(|(_, what)| *what)
        });
        self.0.push((pattern.to_owned(), known));
        known
    }
}

pub(super) fn check(
    stack: &Stack,
    id: &str,
    uri: &Expr,
    patterns: &mut Patterns,
    out: &mut Vec<Finding>,
) {
    let Some(problem) = problem(stack, uri, patterns) else {
        return;
    };
    out.push(Finding {
        code: "image-source",
        stack: stack.name.to_string(),
        resource: id.to_owned(),
        message: format!("the ImageUri {problem}"),
        fix: format!(
            "write it as !Sub [\"${{RepositoryUri}}:${{{IMAGE_TAG_PARAMETER}}}\", {{RepositoryUri: !ImportValue <registry>-RepositoryUri}}] with a {IMAGE_TAG_PARAMETER} parameter (as Service does), or pin a digest: ${{RepositoryUri}}@sha256:<64 hex>"
        ),
    });
}

fn problem(stack: &Stack, uri: &Expr, patterns: &mut Patterns) -> Option<String> {
    let tokens = tokens(stack, uri);
    let whole = shown(&tokens);
    let imports = tokens
        .iter()
        .filter(|t| matches!(t, Token::Import(_)))
        .count();
    let rest = match tokens.as_slice() {
        _ if imports == 0 => {
            return Some(format!(
                "{whole} does not import a registry stack's repository URI (a literal or hand-built URI)"
            ));
        }
        [Token::Import(_), rest @ ..] if imports == 1 => rest,
        _ => {
            return Some(format!(
                "{whole} is not one imported repository URI followed by its tag or digest"
            ));
        }
    };
    match rest {
        [Token::Text(colon), Token::Parameter(p)] if colon == ":" && *p == IMAGE_TAG_PARAMETER => {
            let parameter = stack
                .template
                .parameters
                .iter()
                .find(|q| q.id.as_str() == IMAGE_TAG_PARAMETER)?;
            // A list parameter is no tag: `Fn::Sub` takes strings only.
            if parameter.kind != ParameterKind::String {
                return Some(format!(
                    "is tagged with {IMAGE_TAG_PARAMETER}, a {} parameter, not a String",
                    parameter.kind.type_name()
                ));
            }
            // The deploy passes the commit it built; a default is what runs when one does not.
            if let Some(default) = &parameter.default {
                return Some(format!(
                    "is tagged with {IMAGE_TAG_PARAMETER}, whose Default {default:?} is the image a deploy that does not pass {IMAGE_TAG_PARAMETER} runs, not the commit it built"
                ));
            }
            let pattern = &parameter.allowed_pattern;
            match patterns.admits_no_build(pattern) {
                Some(None) => None,
                Some(Some(what)) => Some(format!(
                    "is tagged with {IMAGE_TAG_PARAMETER}, whose AllowedPattern {pattern} accepts {what}"
                )),
                None => Some(format!(
                    "is tagged with {IMAGE_TAG_PARAMETER}, whose AllowedPattern {pattern} cannot be read to check that it refuses latest and the empty tag"
                )),
            }
        }
        [Token::Text(digest)] if digest.starts_with('@') => {
            let hex = digest.strip_prefix("@sha256:").is_some_and(|d| {
                d.len() == 64
                    && d.bytes()
                        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
            });
            (!hex)
                .then(|| format!("{whole}: the digest is not sha256: and 64 lowercase hex digits"))
        }
        _ => {
            let tail = shown(rest);
            let latest = if tail.contains("latest") {
                " (latest moves with every push)"
            } else {
                ""
            };
            Some(format!(
                "{whole} is tagged {tail}{latest}, not with the {IMAGE_TAG_PARAMETER} parameter the deploy sets to the built commit"
            ))
        }
    }
}

/// What a function tagged in a repository runs: the image its Dockerfile builds for its
/// architecture, or, for a raw function (no Dockerfile of its own), whatever image the tag
/// holds, on the architecture of its `Architectures` (Lambda's default `x86_64` when absent;
/// `None` when an intrinsic chooses it).
struct Tagged<'a> {
    region: &'a str,
    export: String,
    stack: &'a Stack,
    id: &'a str,
    dockerfile: Option<&'a str>,
    architecture: Option<Architecture>,
    /// The digest it pins (`@sha256:…`), or `None` for the `ImageTag` tag.
    digest: Option<String>,
}

impl Tagged<'_> {
    fn shown(&self) -> String {
        let on = self
            .architecture
            .map_or("an architecture an intrinsic chooses", |a| a.name());
        match self.dockerfile {
            Some(d) => format!("built from {d} for {on}"),
            None => format!("a raw function on {on}"),
        }
    }
    /// Whether the two cannot run one image.
    fn differs(&self, other: &Self) -> bool {
        self.architecture.is_none()
            || self.architecture != other.architecture
            || matches!((self.dockerfile, other.dockerfile), (Some(a), Some(b)) if a != b)
    }
}

/// The architecture of a raw `AWS::Lambda::Function`: its one literal `Architectures` entry,
/// or Lambda's default `x86_64` without the property.
fn raw_architecture(raw: &RawValue) -> Option<Architecture> {
    let Some(list) = raw.get("Architectures") else {
        return Some(Architecture::X86_64);
    };
    match list.items().as_slice() {
        [one] => match one.literal()? {
            "arm64" => Some(Architecture::Arm64),
            "x86_64" => Some(Architecture::X86_64),
            _ => None,
        },
        _ => None,
    }
}

/// The deploy builds each function's Dockerfile for its architecture and pushes it to the
/// repository its ImageUri imports, tagged with the commit (reusing a tag already pushed):
/// functions tagged in one repository (one export of one region) with different Dockerfiles
/// or architectures would share one image, as would a raw function on another architecture
/// than the image's, and Lambda runs an image on its own architecture only (and no
/// multi-architecture index).
pub(super) fn check_shared(app: &App, out: &mut Vec<Finding>) {
    let mut tagged: Vec<Tagged<'_>> = Vec::new();
    for stack in app.stacks() {
        for r in &stack.template.resources {
            let (uri, dockerfile, architecture) = match &r.properties {
                Properties::Function(f) => (
                    &f.image_uri,
                    Some(f.source.dockerfile.as_str()),
                    Some(f.architecture),
                ),
                Properties::Raw(raw) => match super::image_uri(&r.properties) {
                    Some(uri) => (uri, None, raw_architecture(raw.properties())),
                    None => continue,
                },
                _ => continue,
            };
            let tokens = tokens(stack, uri);
            let (export, digest) = match tokens.as_slice() {
                [
                    Token::Import(export),
                    Token::Text(colon),
                    Token::Parameter(p),
                ] if colon == ":" && *p == IMAGE_TAG_PARAMETER => (export, None),
                [Token::Import(export), Token::Text(digest)] if digest.starts_with('@') => {
                    (export, Some(digest.clone()))
                }
                _ => continue,
            };
            let this = Tagged {
                region: stack.environment.region(),
                export: export.clone(),
                stack,
                id: r.id.as_str(),
                dockerfile,
                architecture,
                digest,
            };
            // A digest is one image of the repository, which holds what the functions tagging
            // it build: it must be that build too; two digests are two images.
            let same_image = |t: &Tagged<'_>| {
                t.digest.is_none() || this.digest.is_none() || t.digest == this.digest
            };
            if let Some(other) = tagged.iter().find(|t| {
                t.region == this.region
                    && t.export == this.export
                    && same_image(t)
                    && this.differs(t)
            }) {
                out.push(Finding {
                    code: "image-source",
                    stack: stack.name.to_string(),
                    resource: this.id.to_owned(),
                    message: format!(
                        "the ImageUri {} {} as {} › {} does, but this is {} and that is {}: one tag holds one image, which Lambda runs on its own architecture only (and no multi-architecture index), so one function would run the other's image or fail",
                        match this.digest {
                            Some(_) => "pins a digest of the image in",
                            None => "tags",
                        },
                        match this.digest {
                            Some(_) => this.export.clone(),
                            None => format!("{} with {IMAGE_TAG_PARAMETER}", this.export),
                        },
                        other.stack.name,
                        other.id,
                        this.shown(),
                        other.shown()
                    ),
                    fix: "give each service its own Registry and import its RepositoryUri, or build both from one Dockerfile for one architecture (a raw function: give it the image's Architectures)".into(),
                });
            }
            tagged.push(this);
        }
    }
}

/// The value of `e` in `stack` as a sequence of tokens, adjacent texts merged.
fn tokens<'a>(stack: &'a Stack, e: &'a Expr) -> Vec<Token<'a>> {
    let mut out = Vec::new();
    push_tokens(stack, e, &mut out);
    out
}

fn push_tokens<'a>(stack: &'a Stack, e: &'a Expr, out: &mut Vec<Token<'a>>) {
    match e {
        Expr::Literal(s) => push_text(out, s),
        Expr::Ref(name) => out.push(reference(stack, name)),
        Expr::GetAtt(id, attribute) => out.push(Token::Other(format!("{id}.{attribute}"))),
        Expr::ImportValue(name) => out.push(match import_name(stack, name) {
            Some(n) => Token::Import(n),
            None => Token::Other("an import whose name an input decides".into()),
        }),
        Expr::Join(delimiter, values) => {
            for (i, v) in values.iter().enumerate() {
                if i > 0 {
                    push_text(out, delimiter);
                }
                push_tokens(stack, v, out);
            }
        }
        Expr::Sub(template) => sub(stack, template, &[], out),
        Expr::SubWith(template, vars) => sub(stack, template, vars, out),
        // An item of a split: exact when no reference can hold the delimiter (an imported
        // repository URI and the ImageTag hold letters, digits and `._/-` only), so it
        // falls between texts.
        Expr::Select(index, list) => match list.as_ref() {
            Expr::Split(delimiter, value)
                if !delimiter.is_empty()
                    && delimiter
                        .chars()
                        .any(|c| !(c.is_ascii_alphanumeric() || "._/-".contains(c))) =>
            {
                let mut whole = Vec::new();
                push_tokens(stack, value, &mut whole);
                // Another reference may hold the delimiter, and move every item after it.
                let exact = whole.iter().all(|t| match t {
                    Token::Text(_) | Token::Import(_) => true,
                    Token::Parameter(p) => *p == IMAGE_TAG_PARAMETER,
                    Token::Other(_) => false,
                });
                if !exact {
                    out.push(Token::Other("a value CloudFormation computes".into()));
                    return;
                }
                let mut pieces: Vec<Vec<Token<'a>>> = vec![Vec::new()];
                for token in whole {
                    let Token::Text(text) = token else {
                        if let Some(piece) = pieces.last_mut() {
                            piece.push(token);
                        }
                        continue;
                    };
                    for (i, part) in text.split(delimiter.as_str()).enumerate() {
                        if i > 0 {
                            pieces.push(Vec::new());
                        }
                        if let Some(piece) = pieces.last_mut() {
                            push_text(piece, part);
                        }
                    }
                }
                match pieces.into_iter().nth(*index) {
                    Some(piece) => {
                        for token in piece {
                            match token {
                                Token::Text(text) => push_text(out, &text),
                                other => out.push(other),
                            }
                        }
                    }
                    None => out.push(Token::Other("an item past the split's end".into())),
                }
            }
            _ => out.push(Token::Other("a value CloudFormation computes".into())),
        },
        Expr::Split(..) | Expr::GetAZs(_) | Expr::Base64(_) => {
            out.push(Token::Other("a value CloudFormation computes".into()));
        }
    }
}

fn sub<'a>(
    stack: &'a Stack,
    template: &'a str,
    vars: &'a [(String, Expr)],
    out: &mut Vec<Token<'a>>,
) {
    let mut rest = template;
    for name in sub_placeholders(template) {
        let marker = format!("${{{name}}}");
        let Some(at) = rest.find(&marker) else { break };
        push_text(out, &unescape(&rest[..at]));
        match vars.iter().find(|(k, _)| k == name) {
            // A variable hides the parameter or resource of its name.
            Some((_, value)) => push_tokens(stack, value, out),
            None if name.contains('.') => out.push(Token::Other(name.to_owned())),
            None => out.push(reference(stack, name)),
        }
        rest = &rest[at + marker.len()..];
    }
    push_text(out, &unescape(rest));
}

/// `${!Literal}` is the text `${Literal}`.
fn unescape(text: &str) -> String {
    text.replace("${!", "${")
}

fn reference<'a>(stack: &'a Stack, name: &'a str) -> Token<'a> {
    if stack
        .template
        .parameters
        .iter()
        .any(|p| p.id.as_str() == name)
    {
        Token::Parameter(name)
    } else {
        Token::Other(name.to_owned())
    }
}

fn push_text(out: &mut Vec<Token<'_>>, text: &str) {
    if text.is_empty() {
        return;
    }
    match out.last_mut() {
        Some(Token::Text(t)) => t.push_str(text),
        _ => out.push(Token::Text(text.to_owned())),
    }
}

fn shown(tokens: &[Token<'_>]) -> String {
    tokens
        .iter()
        .map(|t| match t {
            Token::Text(s) => s.clone(),
            Token::Import(n) => format!("${{import {n}}}"),
            Token::Parameter(p) => format!("${{{p}}}"),
            Token::Other(o) => format!("${{{o}}}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_known_answer_for_the_builders_pattern_is_the_regexs() {
        let known = Patterns::default().admits_no_build(IMAGE_TAG_PATTERN);
        let mut compiled = Patterns(Vec::new());
        assert_eq!(known, compiled.admits_no_build(IMAGE_TAG_PATTERN));
        assert_eq!(known, Some(None));
        assert_eq!(
            compiled.admits_no_build("^.*$"),
            Some(Some("the mutable tag latest"))
        );
        assert_eq!(
            compiled.admits_no_build("^(?:[0-9a-f]{40})?$"),
            Some(Some("an empty tag"))
        );
    }
}
