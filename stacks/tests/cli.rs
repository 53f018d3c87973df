//! The `infra-gen` binary as users and CI run it.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use infra_gen::builders::Date;

fn infra_gen(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_infra-gen"))
        .args(args)
        .arg("--root")
        .arg(root)
        .output()
        .expect("infra-gen runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The template file of the first stack with a function, and of the first stack: the tests
/// take their files from the definitions rather than naming a stack.
fn service_and_first_template() -> (String, String) {
    let app = stacks::app().expect("definitions build");
    let service = app
        .stacks()
        .iter()
        .find(|s| {
            s.template
                .resources
                .iter()
                .any(|r| r.properties.type_name() == "AWS::Serverless::Function")
        })
        .expect("a stack with a function");
    (
        format!("{}.yaml", service.name),
        format!("{}.yaml", app.stacks()[0].name),
    )
}

/// A scratch repository root, removed and recreated for each test.
fn scratch(name: &str) -> PathBuf {
    let root = std::env::temp_dir().join(format!("infra-gen-cli-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&root);
    fs::create_dir_all(&root).expect("temp dir");
    root
}

#[test]
fn check_passes_on_the_committed_repository() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = infra_gen(&root, &["check"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        String::from_utf8_lossy(&out.stderr)
    );
    // Per stack a template and a review page, and samconfig.toml.
    let files = 2 * stacks::app().expect("definitions build").stacks().len() + 1;
    assert!(
        stdout(&out).starts_with(&format!("ok: {files} file(s)")),
        "{}",
        stdout(&out)
    );
}

/// `check` on a given day (`INFRA_GEN_TODAY`), in the committed repository.
fn check_on(day: &str) -> Output {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    Command::new(env!("CARGO_BIN_EXE_infra-gen"))
        .args(["check", "--root"])
        .arg(&root)
        .env("INFRA_GEN_TODAY", day)
        .output()
        .expect("infra-gen runs")
}

#[test]
fn check_warns_on_stderr_about_retiring_models_without_changing_stdout_or_exit_code() {
    // Far enough ahead that every model with a published end of life (`retires`) has retired.
    let far_future = "2999-01-01";
    let day = Date::parse(far_future).expect("a date");
    let app = stacks::app().expect("definitions build");
    let mut retiring: Vec<(String, String)> = Vec::new();
    let mut granting = Vec::new();
    for stack in app.stacks() {
        let retirements = stack.models.iter().flat_map(|m| m.retirements(day));
        for r in retirements {
            granting.push(stack.name.as_str());
            if !retiring.iter().any(|(id, _)| *id == r.model) {
                retiring.push((r.model, r.retires));
            }
        }
    }
    assert!(
        !retiring.is_empty(),
        "no stack's model map carries a published end-of-life date (`retires`)"
    );

    let long_ago = check_on("1970-01-01");
    let far_future = check_on(far_future);
    assert_eq!(long_ago.status.code(), Some(0));
    assert_eq!(
        far_future.status.code(),
        Some(0),
        "warnings never fail the check"
    );
    assert_eq!(
        stdout(&long_ago),
        stdout(&far_future),
        "stdout is clock-free"
    );
    let quiet = String::from_utf8_lossy(&long_ago.stderr);
    assert!(!quiet.contains("warning[model-lifecycle]"), "{quiet}");
    let warned = String::from_utf8_lossy(&far_future.stderr);
    for (id, retires) in retiring {
        assert!(
            warned.contains(&format!("model {id} retired on {retires}")),
            "{warned}"
        );
    }
    for stack in granting {
        assert!(warned.contains(stack), "names the stacks: {warned}");
    }
    assert!(warned.contains("fix: "), "{warned}");
}

#[test]
fn check_reports_changed_missing_and_stray_files() {
    let root = scratch("drift");
    assert_eq!(infra_gen(&root, &["generate"]).status.code(), Some(0));
    assert_eq!(infra_gen(&root, &["check"]).status.code(), Some(0));

    let dir = root.join("generated");
    let (service_file, first_file) = service_and_first_template();
    let service = dir.join(&service_file);
    let text = fs::read_to_string(&service).expect("written");
    let memory = text
        .lines()
        .find(|l| l.trim_start().starts_with("MemorySize: "))
        .expect("the function sets its memory")
        .to_owned();
    let edited = memory.replace("MemorySize: ", "MemorySize: 1");
    fs::write(&service, text.replace(&memory, &edited)).expect("edit");
    fs::remove_file(dir.join(&first_file)).expect("remove");
    fs::write(dir.join("old-stack.yaml"), "# hand-written\n").expect("stray");

    let out = infra_gen(&root, &["check"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains(&format!("drift: generated/{service_file} differs")),
        "{text}"
    );
    assert!(text.contains(&format!("-{edited}\n+{memory}")), "{text}");
    assert!(
        text.contains(&format!("missing: generated/{first_file}")),
        "{text}"
    );
    assert!(text.contains("stray: generated/old-stack.yaml"), "{text}");
    fs::remove_dir_all(&root).ok();
}

#[test]
fn check_fails_on_stray_files_in_subfolders_and_on_symlinks() {
    let root = scratch("nested");
    assert_eq!(infra_gen(&root, &["generate"]).status.code(), Some(0));
    let dir = root.join("generated");
    fs::create_dir_all(dir.join("old/deeper")).expect("subfolder");
    fs::write(dir.join("old/deeper/stack.yaml"), "# hand-written\n").expect("nested");
    std::os::unix::fs::symlink("/etc/hostname", dir.join("link.yaml")).expect("symlink");

    let out = infra_gen(&root, &["check"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("stray: generated/old/deeper/stack.yaml"),
        "{text}"
    );
    assert!(text.contains("generated/link.yaml is a symlink"), "{text}");
    fs::remove_dir_all(&root).ok();
}

#[test]
fn check_fails_on_a_symlink_standing_in_for_a_generated_file() {
    let root = scratch("symlinked");
    assert_eq!(infra_gen(&root, &["generate"]).status.code(), Some(0));
    let dir = root.join("generated");
    let (service_file, _) = service_and_first_template();
    let service = dir.join(&service_file);
    fs::rename(&service, root.join("elsewhere.yaml")).expect("move");
    std::os::unix::fs::symlink(root.join("elsewhere.yaml"), &service).expect("symlink");

    let out = infra_gen(&root, &["check"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains(&format!("{service_file} is a symlink")),
        "{text}"
    );
    fs::remove_dir_all(&root).ok();
}

#[test]
fn check_names_line_endings_instead_of_diffing_identical_lines() {
    let root = scratch("crlf");
    assert_eq!(infra_gen(&root, &["generate"]).status.code(), Some(0));
    let (service_file, _) = service_and_first_template();
    let names = [service_file.as_str(), "samconfig.toml"];
    for name in names {
        let path = root.join("generated").join(name);
        let text = fs::read_to_string(&path).expect("written");
        fs::write(&path, text.replace('\n', "\r\n")).expect("crlf");
    }

    let out = infra_gen(&root, &["check"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    for name in names {
        assert!(
            text.contains(&format!(
                "generated/{name} differs from its definition only in line endings"
            )),
            "{text}"
        );
    }
    assert!(!text.contains("@@"), "no line diff: {text}");
    fs::remove_dir_all(&root).ok();
}

#[test]
fn generate_removes_its_own_stale_files_and_keeps_foreign_ones() {
    let root = scratch("stale");
    let dir = root.join("generated");
    fs::create_dir_all(&dir).expect("dir");
    // A removed stack's template holding nothing stateful (one that no longer reads as a
    // template is taken at its worst: it may have held data, so generate refuses it).
    fs::write(
        dir.join("renamed-stack.yaml"),
        "# Generated by infra-gen from x\nResources:\n  Topic:\n    Type: AWS::SNS::Topic\n",
    )
    .expect("ours");
    fs::write(dir.join("notes.txt"), "mine\n").expect("foreign");

    let out = infra_gen(&root, &["generate"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stdout(&out).contains("removed generated/renamed-stack.yaml"),
        "{}",
        stdout(&out)
    );
    assert!(!dir.join("renamed-stack.yaml").exists());
    assert!(dir.join("notes.txt").exists());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("notes.txt is not produced by any stack")
    );
    fs::remove_dir_all(&root).ok();
}

#[test]
fn list_shows_stacks_in_deployment_order_with_resources() {
    let out = infra_gen(&scratch("list"), &["list"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0));
    let app = stacks::app().expect("definitions build");
    let mut at = 0;
    for (i, stack) in app.stacks().iter().enumerate() {
        let line = format!(
            "{}. {} [{} {}]",
            i + 1,
            stack.name,
            stack.environment.name(),
            stack.environment.region()
        );
        let found = text[at..]
            .find(&line)
            .unwrap_or_else(|| panic!("{line} not listed in order:\n{text}"));
        at += found + line.len();
    }
    assert!(
        text.contains("resource  Function AWS::Serverless::Function"),
        "{text}"
    );
    assert!(
        text.contains("resource  FunctionUrl AWS::Lambda::Url (added by SAM)"),
        "{text}"
    );
}

#[test]
fn list_json_gives_workflows_every_stack_with_its_deploy_facts() {
    let out = infra_gen(&scratch("list-json"), &["list", "--json"]);
    assert_eq!(out.status.code(), Some(0));
    let listing: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let listed = listing["stacks"].as_array().expect("stacks");
    let app = stacks::app().expect("definitions build");
    assert_eq!(listed.len(), app.stacks().len());
    for (i, (entry, stack)) in listed.iter().zip(app.stacks()).enumerate() {
        assert_eq!(entry["name"], stack.name.as_str());
        assert_eq!(entry["environment"], stack.environment.name());
        assert_eq!(entry["region"], stack.environment.region());
        assert_eq!(entry["order"], i + 1);
        assert_eq!(entry["template"], format!("{}.yaml", stack.name));
        let outputs: Vec<&str> = entry["outputs"]
            .as_array()
            .expect("outputs")
            .iter()
            .map(|o| o["id"].as_str().expect("id"))
            .collect();
        let expected: Vec<&str> = stack
            .template
            .outputs
            .iter()
            .map(|o| o.id.as_str())
            .collect();
        assert_eq!(outputs, expected);
        // A stack with an image deploys after the registry it pulls from, in the same
        // environment, and builds for its function's platform.
        if let Some(image) = entry["image"].as_object() {
            let registry = image["registry"].as_str().expect("a registry stack");
            let before = &listed[..i];
            let registry_entry = before
                .iter()
                .find(|e| e["name"] == registry)
                .expect("the registry comes earlier");
            assert_eq!(registry_entry["environment"], entry["environment"]);
            assert!(
                entry["after"]
                    .as_array()
                    .expect("after")
                    .contains(&registry.into())
            );
            assert!(
                ["linux/arm64", "linux/amd64"]
                    .contains(&image["platform"].as_str().expect("platform"))
            );
        }
    }
}

#[test]
fn unknown_commands_are_usage_errors() {
    let out = infra_gen(&scratch("usage"), &["deploy"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn help_lists_the_deployed_stack_commands_and_how_to_run_them() {
    let out = infra_gen(&scratch("help"), &["--help"]);
    let text = stdout(&out);
    for command in [
        "cargo infra-gen-aws diff --deployed <STACK>",
        "cargo infra-gen-aws drift <STACK>",
        "cargo infra-gen-aws plan <STACK>",
    ] {
        assert!(text.contains(command), "{text}");
    }
}

/// The default build leaves the AWS SDK out; its AWS commands say how to get them.
#[cfg(not(feature = "aws"))]
#[test]
fn deployed_stack_commands_without_the_aws_feature_say_how_to_run_them() {
    let (service_file, _) = service_and_first_template();
    let stack = service_file.trim_end_matches(".yaml");
    let out = infra_gen(
        &scratch("no-aws"),
        &["plan", stack, "--image-tag", "abc1234"],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!(
            "cargo infra-gen-aws plan {stack} --image-tag abc1234"
        )),
        "{err}"
    );
}

/// Ways a committed template gets corrupted, as functions of its bytes: none of them is a
/// usage or I/O error (exit 2); each is drift (exit 1) naming the file.
fn corruptions(text: &[u8]) -> Vec<(String, Option<Vec<u8>>)> {
    let mut out: Vec<(String, Option<Vec<u8>>)> = Vec::new();
    // Offsets spread over the file: its start, its end, and points in between.
    let offsets: Vec<usize> = (0..=4).map(|i| i * text.len() / 4).collect();
    for &at in &offsets {
        for bad in [&b"\xff"[..], b"\xc3", b"\xed\xa0\x80", b"\x00"] {
            let mut t = text.to_vec();
            t.splice(at..at, bad.iter().copied());
            out.push((format!("{bad:?} at {at}"), Some(t)));
        }
        if at < text.len() {
            out.push((format!("cut at {at}"), Some(text[..at].to_vec())));
        }
    }
    let mut shapes: Vec<(&str, Vec<u8>)> = vec![
        ("unclosed flow", b"Resources: [".to_vec()),
        ("a list", b"- 1\n- 2\n".to_vec()),
        ("a scalar", b"hello\n".to_vec()),
        ("resources not a map", b"Resources: 3\n".to_vec()),
        ("two documents", b"---\na: 1\n---\nb: 2\n".to_vec()),
        ("unknown anchor", b"a: *x\n".to_vec()),
        ("deep nesting", "[".repeat(100_000).into_bytes()),
        ("a tab indent", b"Resources:\n\tX: 1\n".to_vec()),
    ];
    let mut doubled = text.to_vec();
    doubled.extend_from_slice(text);
    shapes.push(("written twice", doubled));
    let mut bom = b"\xef\xbb\xbf".to_vec();
    bom.extend_from_slice(text);
    shapes.push(("a byte-order mark", bom));
    // Nested aliases a loader would expand to 9^8 nodes: read in an instant or not at all.
    let mut aliases = b"a: &a [x, x, x, x, x, x, x, x, x]\n".to_vec();
    for (name, prev) in ["b", "c", "d", "e", "f", "g", "h"]
        .iter()
        .zip(["a", "b", "c", "d", "e", "f", "g"])
    {
        let item = format!("*{prev}");
        aliases.extend_from_slice(
            format!("{name}: &{name} [{}]\n", [item.as_str(); 9].join(", ")).as_bytes(),
        );
    }
    shapes.push(("nested aliases", aliases));
    out.extend(shapes.into_iter().map(|(n, t)| (n.to_owned(), Some(t))));
    // A directory where the file belongs.
    out.push(("a directory".into(), None));
    out
}

#[test]
fn check_reports_every_corrupted_template_as_drift_naming_the_file() {
    let root = scratch("corrupt");
    assert_eq!(infra_gen(&root, &["generate"]).status.code(), Some(0));
    let pristine = fs::read_dir(root.join("generated"))
        .expect("generated")
        .map(|e| {
            let e = e.expect("entry");
            (e.file_name(), fs::read(e.path()).expect("read"))
        })
        .collect::<Vec<_>>();
    let app = stacks::app().expect("definitions build");
    for stack in app.stacks() {
        let file = format!("{}.yaml", stack.name);
        let text = fs::read(root.join("generated").join(&file)).expect("written");
        for (case, corrupted) in corruptions(&text) {
            let dir = root.join("generated");
            fs::remove_dir_all(&dir).expect("reset");
            fs::create_dir_all(&dir).expect("reset");
            for (name, bytes) in &pristine {
                fs::write(dir.join(name), bytes).expect("restore");
            }
            let path = dir.join(&file);
            match corrupted {
                Some(bytes) => fs::write(&path, bytes).expect("corrupt"),
                None => {
                    fs::remove_file(&path).expect("remove");
                    fs::create_dir(&path).expect("directory");
                }
            }
            let out = infra_gen(&root, &["check"]);
            let text = format!("{}{}", stdout(&out), String::from_utf8_lossy(&out.stderr));
            assert_eq!(out.status.code(), Some(1), "{file}, {case}: {text}");
            assert!(
                text.contains(&format!("generated/{file}")),
                "{file}, {case}: {text}"
            );
        }
    }
    fs::remove_dir_all(&root).ok();
}

/// What stands where a committed file or `generated/` itself belongs, other than a file: each
/// is drift (exit 1) naming the path, and none is followed or read (a FIFO would block).
#[cfg(unix)]
#[test]
fn check_reports_fifos_symlink_loops_and_a_generated_that_is_no_directory_as_drift() {
    let root = scratch("special");
    assert_eq!(infra_gen(&root, &["generate"]).status.code(), Some(0));
    let (service, _) = service_and_first_template();
    let dir = root.join("generated");
    let fifo = |p: &Path| {
        let status = Command::new("mkfifo").arg(p).status().expect("mkfifo runs");
        assert!(status.success());
    };
    // What it is, the path the report must name, and how to put it in place.
    type Case<'a> = (&'a str, String, Box<dyn Fn(&Path) + 'a>);
    let cases: Vec<Case> = vec![
        (
            "a FIFO for a template",
            format!("generated/{service}"),
            Box::new(|p| {
                fs::remove_file(p).expect("remove");
                fifo(p);
            }),
        ),
        (
            "a FIFO for a review page",
            format!("generated/{}", service.replace(".yaml", ".md")),
            Box::new(|p| {
                let page = p.with_extension("md");
                fs::remove_file(&page).expect("remove");
                fifo(&page);
            }),
        ),
        (
            "a stray FIFO",
            "generated/old.yaml".into(),
            Box::new(|p| fifo(&p.with_file_name("old.yaml"))),
        ),
        (
            "a symlink to itself",
            format!("generated/{service}"),
            Box::new(|p| {
                fs::remove_file(p).expect("remove");
                std::os::unix::fs::symlink(p, p).expect("symlink");
            }),
        ),
    ];
    for (case, named, corrupt) in cases {
        // Restores every file (through a symlink or FIFO standing in for one, too).
        assert_eq!(
            infra_gen(&root, &["generate"]).status.code(),
            Some(0),
            "{case}"
        );
        corrupt(&dir.join(&service));
        let out = infra_gen(&root, &["check"]);
        let text = format!("{}{}", stdout(&out), String::from_utf8_lossy(&out.stderr));
        assert_eq!(out.status.code(), Some(1), "{case}: {text}");
        assert!(text.contains(&named), "{case}: {text}");
        for e in fs::read_dir(&dir).expect("generated") {
            let path = e.expect("entry").path();
            if fs::symlink_metadata(&path).is_ok_and(|m| !m.is_file()) {
                fs::remove_file(&path).expect("clean");
            }
        }
    }
    // generated/ itself a file, or a dangling link.
    fs::remove_dir_all(&dir).expect("remove");
    fs::write(&dir, "not a directory").expect("file");
    let out = infra_gen(&root, &["check"]);
    let text = format!("{}{}", stdout(&out), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("stray: generated is not a file or directory"),
        "{text}"
    );
    fs::remove_file(&dir).expect("remove");
    std::os::unix::fs::symlink(root.join("nowhere"), &dir).expect("symlink");
    let out = infra_gen(&root, &["check"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // generated/ a link to itself: reading through it fails with a loop, not an I/O error.
    fs::remove_file(&dir).expect("remove");
    std::os::unix::fs::symlink(&dir, &dir).expect("symlink");
    let out = infra_gen(&root, &["check"]);
    let text = format!("{}{}", stdout(&out), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("stray: generated is not"), "{text}");
    fs::remove_dir_all(&root).ok();
}

/// A committed template nested deeper than any template (indented block mappings, which the
/// YAML parser does not bound) is drift, exit 1, never a stack overflow.
#[test]
fn check_reports_a_deeply_nested_template_as_drift() {
    let root = scratch("deep");
    assert_eq!(infra_gen(&root, &["generate"]).status.code(), Some(0));
    let (service, _) = service_and_first_template();
    let deep: String = (0..5000)
        .map(|i| format!("{}a:\n", " ".repeat(i)))
        .collect();
    fs::write(root.join("generated").join(&service), deep).expect("write");
    let out = infra_gen(&root, &["check"]);
    let text = format!("{}{}", stdout(&out), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains(&service), "{text}");
    fs::remove_dir_all(&root).ok();
}

#[test]
fn check_refuses_a_renamed_stack_naming_the_old_and_the_new() {
    let root = scratch("renamed");
    assert_eq!(infra_gen(&root, &["generate"]).status.code(), Some(0));
    let (service_file, _) = service_and_first_template();
    let dir = root.join("generated");
    // The committed state knows the stack by an older name (as an environment renamed).
    let new = service_file.trim_end_matches(".yaml").to_owned();
    let old = format!("{new}-old");
    fs::rename(dir.join(&service_file), dir.join(format!("{old}.yaml"))).expect("rename");

    let out = infra_gen(&root, &["check"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("error[replacement]: {old} › "))
            && stderr.contains(&format!("{new} is new")),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("acknowledge_removed_stack(\"{old}\"")),
        "{stderr}"
    );
    let out = infra_gen(&root, &["generate"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        dir.join(format!("{old}.yaml")).exists(),
        "kept until acknowledged"
    );
    fs::remove_dir_all(&root).ok();
}

/// Each shell command of `text` with its `\` continuations joined.
fn joined_commands(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        let line = line.trim();
        match line.strip_suffix('\\') {
            Some(start) => {
                current.push_str(start);
                current.push(' ');
            }
            None => {
                current.push_str(line);
                out.push(std::mem::take(&mut current));
            }
        }
    }
    out
}

/// Lambda rejects an image index, which BuildKit pushes with provenance (by default) or SBOM
/// attestations, and an image of another platform: every image build the workflows run names
/// its platform and leaves both attestations out, whether by `docker buildx build` or by
/// `docker/build-push-action`.
#[test]
fn every_image_build_in_the_workflows_leaves_out_attestations_and_names_the_platform() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../.github/workflows");
    let mut builds = 0;
    for entry in fs::read_dir(&dir).expect("workflows") {
        let path = entry.expect("entry").path();
        let text = fs::read_to_string(&path).expect("workflow");
        for command in joined_commands(&text) {
            let command = command.trim_start_matches("- run:").trim();
            if command.starts_with('#')
                || !(command.contains("buildx build") || command.contains("docker build "))
            {
                continue;
            }
            builds += 1;
            for flag in ["--platform", "--provenance=false", "--sbom=false"] {
                assert!(
                    command.contains(flag),
                    "{}: {command} lacks {flag}",
                    path.display()
                );
            }
        }
        // A build-push-action step's `with:` block, up to the next step.
        for step in text.split("- uses: ").skip(1) {
            if !step.starts_with("docker/build-push-action") {
                continue;
            }
            builds += 1;
            let step = step.split("\n      - ").next().unwrap_or(step);
            for setting in ["platforms:", "provenance: false", "sbom: false"] {
                assert!(
                    step.contains(setting),
                    "{}: {step} lacks {setting}",
                    path.display()
                );
            }
        }
    }
    assert!(builds > 0, "the workflows build the images");
}

/// Runs of `generate` at once into one directory (an editor's save hook beside a terminal, a
/// script run twice): each replaces a file whole, so none reads another's half-written file
/// (its replacement guard would take it at its worst and refuse), and none leaves a temporary
/// file behind; another run's temporary file is kept, never removed as stale.
#[test]
fn concurrent_generates_never_read_half_written_files() {
    for round in 0..3 {
        let root = scratch(&format!("concurrent-{round}"));
        fs::create_dir_all(root.join("generated")).expect("dir");
        let runs: Vec<_> = (0..4)
            .map(|_| {
                Command::new(env!("CARGO_BIN_EXE_infra-gen"))
                    .args(["generate", "--root"])
                    .arg(&root)
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .expect("infra-gen runs")
            })
            .collect();
        for run in runs {
            let out = run.wait_with_output().expect("waits");
            assert_eq!(
                out.status.code(),
                Some(0),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        assert_eq!(infra_gen(&root, &["check"]).status.code(), Some(0));
        let left: Vec<_> = fs::read_dir(root.join("generated"))
            .expect("lists")
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(left.is_empty(), "{left:?}");
        fs::remove_dir_all(&root).ok();
    }
    // Another run's temporary file, seen mid-write: kept (and reported), not removed.
    let root = scratch("concurrent-temporary");
    let dir = root.join("generated");
    fs::create_dir_all(&dir).expect("dir");
    let temporary = dir.join(".x-prod-service.yaml.4242.tmp");
    fs::write(&temporary, "# Generated by infra-gen from x\n").expect("writes");
    let out = infra_gen(&root, &["generate"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(temporary.exists());
    fs::remove_dir_all(&root).ok();
}
