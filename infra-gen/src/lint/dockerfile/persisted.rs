//! Where a RUN leaves a build secret it mounts (`--mount=type=secret`): BuildKit keeps the
//! mount out of the layer, but not what the RUN's script does with it — a copy of the secret's
//! file, a file its value is written to, a tool's configuration that stores it (`git config`,
//! `npm config set`, `docker login`). Those files are in the layer, and the image when the
//! stage is in its chain or a `COPY --from` takes them, unless the same RUN removes them.

use super::eval::clean;

/// A secret a RUN mounts: the file it appears at and the variable holding it, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct SecretMount {
    pub id: String,
    /// `target=`, else `/run/secrets/<id>`.
    pub path: String,
    /// `env=` (Dockerfile 1.10): the secret's value in that variable instead of a file,
    /// unless a target is given too.
    pub env: Option<String>,
}

/// The secret mounts of a RUN's `--mount` flags, and the targets of its other mounts (a
/// cache, a tmpfs, a bind: what is written there is not in the layer).
pub(super) fn mounts(flags: &[(String, String)]) -> (Vec<SecretMount>, Vec<String>) {
    let mut secrets = Vec::new();
    let mut others = Vec::new();
    for (_, spec) in flags
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("mount"))
    {
        let kv = |keys: &[&str]| {
            spec.split(',')
                .filter_map(|kv| kv.split_once('='))
                .find(|(k, _)| keys.iter().any(|key| k.trim().eq_ignore_ascii_case(key)))
                .map(|(_, v)| v.trim().to_owned())
        };
        let target = kv(&["target", "dst", "destination"]);
        if kv(&["type"]).is_some_and(|t| t.eq_ignore_ascii_case("secret")) {
            // BuildKit names the secret by its target's file name when no id is given.
            let id = kv(&["id"]).or_else(|| {
                target
                    .as_deref()
                    .and_then(|t| t.rsplit('/').next())
                    .map(str::to_owned)
            });
            let Some(id) = id else { continue };
            let env = kv(&["env"]);
            secrets.push(SecretMount {
                path: target.unwrap_or_else(|| format!("/run/secrets/{id}")),
                id,
                env,
            });
        } else if let Some(target) = target {
            others.push(target);
        }
    }
    (secrets, others)
}

/// Files that tools' commands store what they are given in (under `$HOME`, `/root` for
/// BuildKit's default user): the command's first words and the file.
const CONFIG_WRITERS: [(&str, &str); 8] = [
    ("git config", "/root/.gitconfig"),
    ("npm config set", "/root/.npmrc"),
    ("yarn config set", "/root/.yarnrc"),
    ("pnpm config set", "/root/.npmrc"),
    ("pip config set", "/root/.config/pip/pip.conf"),
    ("aws configure set", "/root/.aws/credentials"),
    ("docker login", "/root/.docker/config.json"),
    ("gh auth login", "/root/.config/gh/hosts.yml"),
];

/// Commands whose output is what they are given (arguments, files, input), transformed at
/// most: a secret they read is in what they print.
const PRINTERS: [&str; 11] = [
    "echo", "printf", "cat", "base64", "tr", "sed", "head", "tail", "envsubst", "jq", "xxd",
];

/// Trust stores: a certificate copied there is public whatever mount brought it.
const TRUST_STORES: [&str; 4] = [
    "/usr/local/share/ca-certificates/",
    "/etc/pki/ca-trust/source/anchors/",
    "/etc/ssl/certs/",
    "/usr/share/ca-certificates/",
];

/// Words that end a simple command in a shell script (and start the next).
const SEPARATORS: [&str; 6] = ["&&", "||", ";", "|", "then", "do"];

/// The first place `script` (a RUN's, with its heredocs) leaves a secret of `secrets` that
/// outlives the RUN, and the command that does: a copy of its file, a redirection or `tee` of
/// a command reading it, a tool's configuration given it. Not a path under `scratch` (the
/// RUN's cache, tmpfs and bind mounts) or `/dev`, and not one the script removes after. Paths
/// are absolute and clean when relative ones can be joined to the WORKDIR `wd`.
pub(super) fn persisted(
    script: &str,
    secrets: &[SecretMount],
    scratch: &[String],
    wd: Option<&str>,
) -> Option<(String, String)> {
    let path = |p: &str| {
        let p = home(p.trim_matches(['"', '\'']));
        match wd {
            _ if p.starts_with('/') => clean(&p),
            Some(wd) => clean(&format!("{wd}/{p}")),
            None => p,
        }
    };
    let reads = |text: &str| {
        secrets.iter().any(|s| {
            mentions(text, &s.path)
                || s.env.as_deref().is_some_and(|v| {
                    mentions(text, &format!("${v}")) || mentions(text, &format!("${{{v}}}"))
                })
        })
    };
    if !secrets.iter().any(|s| {
        script.contains(s.path.as_str()) || s.env.as_deref().is_some_and(|v| script.contains(v))
    }) {
        return None;
    }
    let commands = simple_commands(script);
    let mut left: Vec<(String, String)> = Vec::new();
    // A pipeline of commands that print the secret carries it to a later command.
    let mut piped = false;
    for (command, after_pipe) in &commands {
        let words: Vec<&str> = command.split_whitespace().collect();
        let first = words.first().copied().unwrap_or_default();
        let given = reads(command) || (*after_pipe && piped);
        // What the command prints is the secret only for one that prints what it is given
        // (`echo $T > f`; not `curl -H "…$T" … > model.bin`, whose output is the download).
        let prints = given && PRINTERS.contains(&first);
        piped = prints;
        let written = |dest: &str| (path(dest), command.clone());
        // A redirection of what the command prints (not its errors).
        let redirected = words.iter().enumerate().find_map(|(i, w)| {
            let target = match *w {
                ">" | ">>" => words.get(i + 1).copied(),
                w if (w.starts_with('>') || w.starts_with("1>")) && !w.contains('&') => {
                    Some(w.trim_start_matches('1').trim_start_matches('>'))
                }
                _ => None,
            };
            target.map(|t| t.trim_matches(['"', '\'']))
        });
        if prints {
            left.extend(redirected.map(written));
        }
        if given {
            match words.first().copied() {
                Some("cp" | "mv" | "install" | "rsync") if reads(command) => {
                    let dest = words[1..]
                        .iter()
                        .rev()
                        .find(|w| !w.starts_with('-') && !w.starts_with('>'));
                    left.extend(dest.map(|d| written(d)));
                }
                Some("tee") if *after_pipe => {
                    let mut after_redirect = false;
                    for w in &words[1..] {
                        let skip = after_redirect || w.starts_with('-') || w.starts_with('>');
                        after_redirect = matches!(*w, ">" | ">>");
                        if !skip {
                            left.push(written(w));
                        }
                    }
                }
                _ => {
                    let config = CONFIG_WRITERS.iter().find(|(start, _)| {
                        command.starts_with(start)
                            && !command.contains("--unset")
                            && !command.contains("--remove-section")
                            && !command.contains("--get")
                    });
                    left.extend(config.map(|(_, file)| written(file)));
                }
            }
        }
        // What a later command removes is not left in the layer.
        if matches!(words.first().copied(), Some("rm" | "shred" | "unlink")) {
            let removed: Vec<String> = words[1..]
                .iter()
                .filter(|w| !w.starts_with('-'))
                .map(|w| path(w))
                .collect();
            left.retain(|(dest, _)| {
                !removed.iter().any(|r| {
                    dest == r || dest.starts_with(&format!("{}/", r.trim_end_matches('/')))
                })
            });
        }
        if command.starts_with("git config")
            && (command.contains("--unset") || command.contains("--remove-section"))
        {
            left.retain(|(dest, _)| dest != "/root/.gitconfig");
        }
    }
    left.into_iter().find(|(dest, _)| {
        !dest.starts_with("/dev/")
            && !TRUST_STORES.iter().any(|t| dest.starts_with(t))
            && !secrets.iter().any(|s| *dest == s.path)
            && !scratch
                .iter()
                .map(|m| path(m))
                .any(|m| *dest == m || dest.starts_with(&format!("{}/", m.trim_end_matches('/'))))
    })
}

/// `~` and `$HOME` as BuildKit's default user's home.
fn home(path: &str) -> String {
    for prefix in ["~", "$HOME", "${HOME}"] {
        if let Some(rest) = path.strip_prefix(prefix)
            && (rest.is_empty() || rest.starts_with('/'))
        {
            return format!("/root{rest}");
        }
    }
    path.to_owned()
}

/// Whether `text` holds `word` not as part of a longer name (`$TOKEN` is not `$TOKENS`).
fn mentions(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(at, _)| {
        text[at + word.len()..]
            .chars()
            .next()
            .is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '_'))
    })
}

/// A script's simple commands, each with whether a pipe leads into it.
fn simple_commands(script: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    for line in script.lines() {
        let mut current: Vec<&str> = Vec::new();
        let mut after_pipe = false;
        for word in line.split_whitespace() {
            // `a;` and `a&&b` glued to their words are rare in RUNs; a separator stands alone.
            if SEPARATORS.contains(&word) {
                if !current.is_empty() {
                    out.push((current.join(" "), after_pipe));
                }
                current.clear();
                after_pipe = word == "|";
                continue;
            }
            current.push(word);
        }
        if !current.is_empty() {
            out.push((current.join(" "), after_pipe));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(id: &str, env: Option<&str>) -> SecretMount {
        SecretMount {
            id: id.into(),
            path: format!("/run/secrets/{id}"),
            env: env.map(str::to_owned),
        }
    }

    #[test]
    fn mounts_name_the_secret_by_id_target_or_env() {
        let flags = |s: &str| vec![("mount".to_owned(), s.to_owned())];
        let (s, _) = mounts(&flags("type=secret,id=npmrc"));
        assert_eq!(s, [secret("npmrc", None)]);
        let (s, _) = mounts(&flags("type=secret,target=/root/.npmrc"));
        assert_eq!(s[0].id, ".npmrc");
        assert_eq!(s[0].path, "/root/.npmrc");
        let (s, _) = mounts(&flags("type=secret,id=gh,env=GH_TOKEN"));
        assert_eq!(s, [secret("gh", Some("GH_TOKEN"))]);
        let (s, others) = mounts(&flags("type=cache,target=/root/.cache"));
        assert!(s.is_empty());
        assert_eq!(others, ["/root/.cache"]);
    }

    #[test]
    fn what_a_run_leaves_of_its_secret() {
        let file = [secret("npmrc", None)];
        let env = [secret("gh", Some("GH_TOKEN"))];
        let left = |script: &str, s: &[SecretMount]| {
            persisted(script, s, &[], Some("/app")).map(|(d, _)| d)
        };
        assert_eq!(
            left("cp /run/secrets/npmrc /root/.npmrc && npm ci", &file).as_deref(),
            Some("/root/.npmrc")
        );
        assert_eq!(
            left(
                "cp /run/secrets/npmrc ~/.npmrc && npm ci && rm -f ~/.npmrc",
                &file
            ),
            None
        );
        assert_eq!(
            left("cat /run/secrets/npmrc | tee /app/.npmrc >/dev/null", &file).as_deref(),
            Some("/app/.npmrc")
        );
        assert_eq!(
            left("echo \"$GH_TOKEN\" > /var/task/.token", &env).as_deref(),
            Some("/var/task/.token")
        );
        // Relative to the WORKDIR, and removed by its directory.
        assert_eq!(
            left("cat /run/secrets/npmrc > ./cfg/.npmrc", &file).as_deref(),
            Some("/app/cfg/.npmrc")
        );
        assert_eq!(
            left(
                "cat /run/secrets/npmrc > cfg/.npmrc && rm -rf /app/cfg",
                &file
            ),
            None
        );
        assert_eq!(
            left("git config --global url.\"https://x:${GH_TOKEN}@github.com/\".insteadOf https://github.com/ && go mod download", &env).as_deref(),
            Some("/root/.gitconfig")
        );
        assert_eq!(
            left(
                "echo $GH_TOKEN | docker login ghcr.io -u ci --password-stdin",
                &env
            )
            .as_deref(),
            Some("/root/.docker/config.json")
        );
        // Read to fetch, printed to the log, written to the mount itself or a cache: none left.
        assert_eq!(
            left(
                "curl -H \"Authorization: Bearer $GH_TOKEN\" -o /opt/m.bin https://x/m",
                &env
            ),
            None
        );
        assert_eq!(left("echo $GH_TOKEN > /dev/null", &env), None);
        // A download's output is the download; a CA certificate in a trust store is public.
        assert_eq!(
            left(
                "curl -fsSL -H \"Authorization: Bearer $GH_TOKEN\" https://x/m > /opt/m.bin",
                &env
            ),
            None
        );
        assert_eq!(
            left(
                "curl -fsSL -u \"ci:$GH_TOKEN\" https://x/m | tar -xz -C /opt",
                &env
            ),
            None
        );
        assert_eq!(
            left(
                "cp /run/secrets/npmrc /usr/local/share/ca-certificates/corp.crt && update-ca-certificates",
                &file
            ),
            None
        );
        assert_eq!(
            left("cat /run/secrets/npmrc | base64 -d > /app/key.bin", &file).as_deref(),
            Some("/app/key.bin")
        );
        assert_eq!(left("echo $GH_TOKENS > /tmp/list", &env), None);
        assert_eq!(
            persisted(
                "cp /run/secrets/npmrc /cache/.npmrc",
                &file,
                &["/cache".to_owned()],
                None
            ),
            None
        );
        assert_eq!(
            left(
                "git config --global url.x.insteadOf y${GH_TOKEN} && git clone z && git config --global --remove-section url.x",
                &env
            ),
            None
        );
    }
}
