//! Dockerfile text to instructions, read the way BuildKit's parser reads it: parser directives
//! (`# escape=`), comment lines (also inside continuations), line continuations with the
//! escape character, and heredoc bodies (`RUN <<EOF` … `EOF`), which are skipped.

/// One instruction: its keyword upper-cased, the leading `--name=value` flags, the rest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Instruction {
    pub keyword: String,
    pub flags: Vec<(String, String)>,
    pub rest: String,
    /// The bodies of its heredocs (`RUN <<EOF` … `EOF`): a script it runs or a file it writes.
    pub heredocs: Vec<String>,
}

impl Instruction {
    pub fn flag(&self, name: &str) -> Option<&str> {
        self.flags
            .iter()
            .rev()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Debug)]
pub(super) struct Parsed {
    pub escape: char,
    /// The BuildKit frontend a `# syntax=` directive names, if any: the program that reads
    /// the file instead of the built-in Dockerfile frontend.
    pub syntax: Option<String>,
    pub instructions: Vec<Instruction>,
}

/// The parser directives BuildKit knows; any other `# name=value` ends the directives.
const DIRECTIVES: [&str; 3] = ["syntax", "escape", "check"];

/// The directives at the top of the file, read as BuildKit's `DirectiveParser` reads them:
/// `# name=value` lines (`//` too when looking for `syntax`, as `DetectSyntax` does), ended
/// by the first line that is not one — a blank line, another comment, an instruction, or a
/// directive name BuildKit does not know (`# language=dockerfile`), after which an
/// `escape=` is only a comment. The first directive of each name counts (BuildKit refuses a
/// second one).
fn directives<'a>(lines: &[&'a str], prefixes: &[&str]) -> Vec<(String, &'a str)> {
    let mut found: Vec<(String, &str)> = Vec::new();
    for line in lines {
        let line = line.trim_start();
        let Some(body) = prefixes.iter().find_map(|p| line.strip_prefix(p)) else {
            break;
        };
        let Some((name, value)) = body.split_once('=') else {
            break;
        };
        let (name, value) = (name.trim(), value.trim());
        let well_formed = name.starts_with(|c: char| c.is_ascii_alphabetic())
            && name.chars().all(|c| c.is_ascii_alphanumeric())
            && !value.is_empty();
        let name = name.to_ascii_lowercase();
        if !well_formed || !DIRECTIVES.contains(&name.as_str()) {
            break;
        }
        if !found.iter().any(|(n, _)| *n == name) {
            found.push((name, value));
        }
    }
    found
}

/// The `escape` directive's character: `\` unless it says `` ` ``.
fn escape_directive(lines: &[&str]) -> char {
    let escape = directives(lines, &["#"])
        .into_iter()
        .find(|(name, _)| name == "escape");
    match escape {
        Some((_, "`")) => '`',
        _ => '\\',
    }
}

/// The frontend image a `syntax` directive names (its first word), looked for as BuildKit's
/// `DetectSyntax` does: after a `#!` line, in `#` or `//` comments.
fn syntax_directive(lines: &[&str]) -> Option<String> {
    let lines = match lines.first() {
        Some(first) if first.starts_with("#!") => &lines[1..],
        _ => lines,
    };
    directives(lines, &["#", "//"])
        .into_iter()
        .find(|(name, _)| name == "syntax")
        .and_then(|(_, value)| value.split_whitespace().next().map(str::to_owned))
}

/// The line without a trailing escape character (and the blanks after it), and whether it
/// continues on the next line.
fn continued(line: &str, escape: char) -> (&str, bool) {
    let trimmed = line.trim_end_matches([' ', '\t']);
    match trimmed.strip_suffix(escape) {
        Some(body) => (body, true),
        None => (line, false),
    }
}

/// Heredoc markers (`<<EOF`, `<<-EOF`, `<<"EOF"`, `2<<'EOF'`) in an instruction line: the
/// terminator and whether leading tabs are stripped before comparing.
fn heredocs(line: &str) -> Vec<(String, bool)> {
    line.split_whitespace()
        .filter_map(|word| {
            let word = word.trim_start_matches(|c: char| c.is_ascii_digit());
            let rest = word.strip_prefix("<<")?;
            if rest.starts_with('<') {
                return None; // a here-string
            }
            let (rest, chomp) = match rest.strip_prefix('-') {
                Some(r) => (r, true),
                None => (rest, false),
            };
            let name = rest.trim_matches(['"', '\'']);
            (!name.is_empty() && !name.contains('<')).then(|| (name.to_owned(), chomp))
        })
        .collect()
}

pub(super) fn parse(text: &str) -> Parsed {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<&str> = text.lines().collect();
    let escape = escape_directive(&lines);
    let syntax = syntax_directive(&lines);
    let mut instructions = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let first = lines[i].trim_start();
        i += 1;
        if first.is_empty() || first.starts_with('#') {
            continue;
        }
        let mut full = String::new();
        let mut line = first;
        loop {
            let (body, more) = continued(line, escape);
            full.push_str(body);
            if !more {
                break;
            }
            // Comment and blank lines inside a continuation are dropped.
            let next = lines[i.min(lines.len())..]
                .iter()
                .position(|l| !(l.trim().is_empty() || l.trim_start().starts_with('#')));
            match next {
                Some(k) => {
                    line = lines[i + k];
                    i += k + 1;
                }
                None => {
                    i = lines.len();
                    break;
                }
            }
        }
        let (word, rest) = full
            .trim()
            .split_once(char::is_whitespace)
            .unwrap_or((full.trim(), ""));
        let keyword = word.to_ascii_uppercase();
        let mut bodies = Vec::new();
        // ONBUILD takes a heredoc of the instruction it holds (BuildKit's compound directive).
        let inner = match keyword.as_str() {
            "ONBUILD" => rest.split_whitespace().next().map(str::to_ascii_uppercase),
            _ => None,
        };
        if matches!(keyword.as_str(), "RUN" | "COPY" | "ADD")
            || matches!(inner.as_deref(), Some("RUN" | "COPY" | "ADD"))
        {
            for (name, chomp) in heredocs(rest) {
                let end = lines[i..].iter().position(|l| {
                    let l = if chomp { l.trim_start_matches('\t') } else { l };
                    l.trim_end() == name
                });
                // An unterminated marker is not a heredoc (e.g. `<<` inside a quoted string).
                if let Some(k) = end {
                    bodies.push(lines[i..i + k].join("\n"));
                    i += k + 1;
                }
            }
        }
        let (flags, rest) = split_flags(rest);
        instructions.push(Instruction {
            keyword,
            flags,
            rest: rest.trim().to_owned(),
            heredocs: bodies,
        });
    }
    Parsed {
        escape,
        syntax,
        instructions,
    }
}

/// Leading `--name=value` (or bare `--name`) words.
fn split_flags(mut rest: &str) -> (Vec<(String, String)>, &str) {
    let mut flags = Vec::new();
    loop {
        rest = rest.trim_start();
        let Some(flag) = rest.strip_prefix("--") else {
            break;
        };
        let end = flag.find(char::is_whitespace).unwrap_or(flag.len());
        let (name, value) = flag[..end].split_once('=').unwrap_or((&flag[..end], ""));
        flags.push((name.to_owned(), value.to_owned()));
        rest = &flag[end..];
    }
    (flags, rest)
}

/// Words separated by blanks outside quotes, quotes and escapes kept for the expansion to
/// process (BuildKit's `parseWords`, used for `ENV`, `ARG`, `COPY` and `FROM` arguments).
pub(super) fn words(text: &str, escape: char) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut quote: Option<char> = None;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match quote {
            None if c.is_whitespace() => {
                if !word.is_empty() {
                    out.push(std::mem::take(&mut word));
                }
                continue;
            }
            None if c == '"' || c == '\'' => quote = Some(c),
            Some(q) if c == q => quote = None,
            _ => {}
        }
        word.push(c);
        if c == escape
            && quote != Some('\'')
            && let Some(n) = chars.next()
        {
            word.push(n);
        }
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

/// `["a", "b"]` exec form, if the arguments are one JSON array of strings.
pub(super) fn json_form(rest: &str) -> Option<Vec<String>> {
    rest.trim()
        .starts_with('[')
        .then(|| serde_json::from_str::<Vec<String>>(rest.trim()).ok())
        .flatten()
}

/// The instructions BuildKit's Dockerfile frontend knows.
const KEYWORDS: [&str; 18] = [
    "ADD",
    "ARG",
    "CMD",
    "COPY",
    "ENTRYPOINT",
    "ENV",
    "EXPOSE",
    "FROM",
    "HEALTHCHECK",
    "LABEL",
    "MAINTAINER",
    "ONBUILD",
    "RUN",
    "SHELL",
    "STOPSIGNAL",
    "USER",
    "VOLUME",
    "WORKDIR",
];

/// Why BuildKit's parser refuses the file, if it does (`instructions.Parse`): an instruction
/// it does not know (a misspelling, or a line a continuation the escape character did not
/// make), one other than ARG before the first FROM, a FROM of other than one word or three
/// (`<image> AS <name>`) or a stage name that is not a lowercase letter followed by letters,
/// digits, `-`, `_`, `.`, a SHELL not in JSON form, an exec form holding other than strings,
/// an ENV or LABEL word without `=` (or a legacy `ENV NAME` without a value), an ONBUILD of
/// ONBUILD, FROM or MAINTAINER. The build stops there, so no
/// image is pushed for the function to run.
pub(super) fn refusal(parsed: &Parsed) -> Option<String> {
    let escape = parsed.escape;
    let mut staged = false;
    for ins in &parsed.instructions {
        let k = ins.keyword.as_str();
        let why = |what: String| Some(format!("{k} {}: {what}", super::shorten(&ins.rest)));
        if !KEYWORDS.contains(&k) {
            return Some(format!(
                "`{}` is no instruction BuildKit knows (unknown instruction)",
                super::shorten(&format!("{k} {}", ins.rest))
            ));
        }
        match k {
            "FROM" => {
                staged = true;
                // Split at blanks only, quotes or not (`parseStringsWhitespaceDelimited`).
                let args: Vec<&str> = ins.rest.split_whitespace().collect();
                match args.as_slice() {
                    [_] => {}
                    [_, as_, name] if as_.eq_ignore_ascii_case("as") => {
                        let name = name.to_ascii_lowercase();
                        let valid = name.starts_with(|c: char| c.is_ascii_lowercase())
                            && name.chars().all(|c| {
                                c.is_ascii_lowercase() || c.is_ascii_digit() || "-_.".contains(c)
                            });
                        if !valid {
                            return why(format!(
                                "{name} is no valid stage name (a letter, then letters, digits, `-`, `_`, `.`)"
                            ));
                        }
                    }
                    _ => return why("FROM requires either one or three arguments".into()),
                }
            }
            "ARG" => {}
            _ if !staged => return why("no FROM before it: it is in no build stage".into()),
            "SHELL" if json_form(&ins.rest).is_none_or(|s| s.is_empty()) => {
                return why("SHELL requires a non-empty JSON array of strings".into());
            }
            "RUN" | "CMD" | "ENTRYPOINT" | "COPY" | "ADD" | "VOLUME"
                if not_string_array(&ins.rest) =>
            {
                return why("a JSON array holding other than strings".into());
            }
            "ENV" | "LABEL" => {
                let all = words(&ins.rest, escape);
                let legacy = all.first().is_some_and(|w| !w.contains('='));
                if legacy && all.len() < 2 {
                    return why(format!("{k} must have two arguments"));
                }
                if let Some(w) = all.iter().find(|w| !legacy && !w.contains('=')) {
                    return why(format!(
                        "can't find = in {w}: it must be of the form name=value"
                    ));
                }
            }
            "ONBUILD" => {
                let inner = ins.rest.split_whitespace().next().unwrap_or_default();
                if ["ONBUILD", "FROM", "MAINTAINER"]
                    .iter()
                    .any(|n| inner.eq_ignore_ascii_case(n))
                {
                    return why(format!("{inner} is not allowed as an ONBUILD trigger"));
                }
            }
            _ => {}
        }
    }
    None
}

/// Whether the arguments are a JSON array holding something other than a string, which
/// BuildKit refuses (`errDockerfileNotStringArray`); anything else not an array of strings is
/// the shell form.
fn not_string_array(rest: &str) -> bool {
    let rest = rest.trim();
    rest.starts_with('[')
        && serde_json::from_str::<Vec<serde_json::Value>>(rest)
            .is_ok_and(|v| v.iter().any(|x| !x.is_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keywords(text: &str) -> Vec<String> {
        parse(text)
            .instructions
            .into_iter()
            .map(|i| format!("{} {}", i.keyword, i.rest))
            .collect()
    }

    #[test]
    fn continuations_join_and_skip_comment_lines() {
        let text = "FROM a\nRUN one \\\n# a comment\n\n  two\nCMD [\"x\"]\n";
        assert_eq!(keywords(text), ["FROM a", "RUN one   two", "CMD [\"x\"]"]);
    }

    #[test]
    fn the_escape_directive_changes_the_continuation_character() {
        let text = "# escape=`\nFROM a\nWORKDIR C:\\dir `\n  sub\n";
        let parsed = parse(text);
        assert_eq!(parsed.escape, '`');
        assert_eq!(parsed.instructions[1].rest, "C:\\dir   sub");
        // After an instruction it is only a comment.
        assert_eq!(parse("FROM a\n# escape=`\n").escape, '\\');
    }

    #[test]
    fn heredoc_bodies_are_not_instructions() {
        let text = "FROM a\nRUN <<EOF\nFROM evil\nCMD [\"no\"]\nEOF\nCOPY <<-'X' /f\n\tENTRYPOINT x\n\tX\nCMD [\"yes\"]\n";
        assert_eq!(
            keywords(text),
            ["FROM a", "RUN <<EOF", "COPY <<-'X' /f", "CMD [\"yes\"]"]
        );
        let parsed = parse(text);
        assert_eq!(parsed.instructions[1].heredocs, ["FROM evil\nCMD [\"no\"]"]);
        assert_eq!(parsed.instructions[2].heredocs, ["\tENTRYPOINT x"]);
        // A marker without a terminator is text, not a heredoc.
        assert_eq!(keywords("RUN echo '<<EOF'\nCMD [\"x\"]\n").len(), 2);
    }

    #[test]
    fn flags_and_words() {
        let i = &parse("copy --from=build --chmod=755 \"a b\" c\n").instructions[0];
        assert_eq!(i.keyword, "COPY");
        assert_eq!(i.flag("from"), Some("build"));
        assert_eq!(words(&i.rest, '\\'), ["\"a b\"", "c"]);
        assert_eq!(words("A=\"x y\" B=z\\ w", '\\'), ["A=\"x y\"", "B=z\\ w"]);
    }

    mod directives {
        use super::super::*;
        use proptest::prelude::*;

        /// One line of a file's header.
        #[derive(Debug, Clone)]
        enum Head {
            /// A directive BuildKit knows, spelled with this case and spacing.
            Known(&'static str, bool, &'static str),
            /// `# name=value` with a name BuildKit does not know.
            Unknown(String),
            /// A comment that is no `name=value`, or a blank line.
            Other(&'static str),
        }

        fn head() -> impl Strategy<Value = Head> {
            prop_oneof![
                (
                    prop::sample::select(vec!["syntax", "check", "SYNTAX", "Check"]),
                    any::<bool>(),
                    prop::sample::select(vec!["", " ", "  "]),
                )
                    .prop_map(|(n, spaced, pad)| Head::Known(n, spaced, pad)),
                "[a-z][a-z0-9]{1,10}"
                    .prop_filter("not a known directive", |n| {
                        !DIRECTIVES.contains(&n.as_str())
                    })
                    .prop_map(Head::Unknown),
                prop::sample::select(vec![
                    "# a comment",
                    "",
                    "#",
                    "# build: docker buildx build ."
                ])
                .prop_map(Head::Other),
            ]
        }

        fn line(h: &Head) -> String {
            match h {
                Head::Known(name, spaced, pad) => {
                    let value = if name.eq_ignore_ascii_case("syntax") {
                        "docker/dockerfile:1"
                    } else {
                        "skip=all"
                    };
                    let eq = if *spaced { " = " } else { "=" };
                    format!("#{pad}{name}{eq}{value}")
                }
                Head::Unknown(name) => format!("# {name}=x"),
                Head::Other(text) => (*text).to_owned(),
            }
        }

        proptest! {
            /// `escape` applies only among the directives at the top: once a line is not a
            /// directive BuildKit knows (another comment, a blank line, an unknown name), a
            /// later `# escape=` is a comment, and `\` continues lines.
            #[test]
            fn escape_counts_only_before_the_first_line_that_is_no_known_directive(
                before in prop::collection::vec(head(), 0..4),
                after in prop::collection::vec(head(), 0..3),
                upper in any::<bool>(),
            ) {
                let mut lines: Vec<String> = before.iter().map(line).collect();
                lines.push(if upper { "# ESCAPE=`" } else { "#escape = `" }.to_owned());
                lines.extend(after.iter().map(line));
                let text = format!("{}\nFROM scratch\nENV A=1 `\n  B=2\n", lines.join("\n"));
                let applies = before.iter().all(|h| matches!(h, Head::Known(..)));
                let parsed = parse(&text);
                prop_assert_eq!(parsed.escape == '`', applies, "{}", text);
                let env = parsed.instructions.iter().find(|i| i.keyword == "ENV").map(|i| i.rest.clone());
                prop_assert_eq!(env.is_some_and(|r| r.contains("B=2")), applies, "{}", text);
            }
        }
    }

    mod generated {
        use super::super::*;
        use proptest::prelude::*;

        #[derive(Debug, Clone)]
        struct Ins {
            keyword: &'static str,
            words: Vec<String>,
            /// (marker, terminator, chomp, body lines)
            heredoc: Option<(String, String, bool, Vec<String>)>,
            /// Where each word break continues onto another line, with comment lines between.
            breaks: Vec<(bool, usize)>,
        }

        fn ins() -> impl Strategy<Value = Ins> {
            let keyword = prop::sample::select(vec![
                "FROM", "RUN", "COPY", "ENV", "WORKDIR", "CMD", "label",
            ]);
            let words = prop::collection::vec("[a-z0-9/=.]{1,8}", 1..5);
            let heredoc = prop::option::weighted(
                0.3,
                (
                    prop::sample::select(vec!["EOF", "EOT", "SCRIPT"]),
                    prop::sample::select(vec!["", "\"", "'"]),
                    any::<bool>(),
                    prop::collection::vec(
                        prop::sample::select(vec![
                            "FROM evil",
                            "ENTRYPOINT [\"x\"]",
                            "  EOFX",
                            "# hi",
                            "",
                            "echo \\",
                        ]),
                        0..4,
                    ),
                ),
            );
            let breaks = prop::collection::vec((any::<bool>(), 0..3usize), 5);
            (keyword, words, heredoc, breaks).prop_map(|(keyword, words, heredoc, breaks)| {
                let heredoc = heredoc.filter(|_| matches!(keyword, "RUN" | "COPY")).map(
                    |(name, quote, chomp, body)| {
                        let marker =
                            format!("<<{}{quote}{name}{quote}", if chomp { "-" } else { "" });
                        let body = body.into_iter().map(str::to_owned).collect();
                        (marker, name.to_owned(), chomp, body)
                    },
                );
                Ins {
                    keyword,
                    words,
                    heredoc,
                    breaks,
                }
            })
        }

        fn render(program: &[Ins], escape: char, gaps: &[usize]) -> String {
            let mut out = String::new();
            if escape == '`' {
                out.push_str("# escape=`\n");
            }
            for (n, i) in program.iter().enumerate() {
                for _ in 0..gaps.get(n).copied().unwrap_or(0) {
                    out.push_str("\n  # a comment\n");
                }
                out.push_str(i.keyword);
                let mut words = i.words.clone();
                if let Some((marker, ..)) = &i.heredoc {
                    words.push(marker.clone());
                }
                for (k, w) in words.iter().enumerate() {
                    match i.breaks.get(k) {
                        Some((true, comments)) => {
                            out.push(' ');
                            out.push(escape);
                            out.push('\n');
                            for _ in 0..*comments {
                                out.push_str("# inside\n\n");
                            }
                            out.push_str("    ");
                        }
                        _ => out.push(' '),
                    }
                    out.push_str(w);
                }
                out.push('\n');
                if let Some((_, name, chomp, body)) = &i.heredoc {
                    for line in body {
                        out.push_str(line);
                        out.push('\n');
                    }
                    if *chomp {
                        out.push('\t');
                    }
                    out.push_str(name);
                    out.push('\n');
                }
            }
            out
        }

        proptest! {
            #[test]
            fn instructions_survive_continuations_comments_and_heredocs(
                program in prop::collection::vec(ins(), 1..8),
                backtick in any::<bool>(),
                gaps in prop::collection::vec(0..3usize, 8),
            ) {
                let escape = if backtick { '`' } else { '\\' };
                let text = render(&program, escape, &gaps);
                let parsed = parse(&text);
                prop_assert_eq!(parsed.escape, escape);
                let got: Vec<(String, Vec<String>)> = parsed
                    .instructions
                    .iter()
                    .map(|i| {
                        let mut words: Vec<String> = i.flags.iter().map(|(n, v)| format!("--{n}={v}")).collect();
                        words.extend(i.rest.split_whitespace().map(str::to_owned));
                        (i.keyword.clone(), words)
                    })
                    .collect();
                let expected: Vec<(String, Vec<String>)> = program
                    .iter()
                    .map(|i| {
                        let mut words = i.words.clone();
                        if let Some((marker, ..)) = &i.heredoc {
                            words.push(marker.clone());
                        }
                        (i.keyword.to_ascii_uppercase(), words)
                    })
                    .collect();
                prop_assert_eq!(got, expected, "{}", text);
            }
        }
    }
}
