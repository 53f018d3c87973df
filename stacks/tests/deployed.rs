//! `diff --deployed`, `plan` and `drift` as users run them, against moto (CloudFormation in
//! server mode, from `$VENV` through `tests/support/moto_server.py`) and, for drift detection, which moto does not
//! implement, a wire-level fake of the CloudFormation query API. Never a real AWS endpoint.
//!
//! Run with `VENV=<virtualenv with tests/deploy/requirements.txt> cargo test -p stacks
//! --features aws --test deployed`, or `bash tests/deploy/run.sh`.
//!
//! Tests share one moto server; each uses its own region, so their stacks never collide. The
//! stacks, names and expected values come from the definitions (`support`).

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Output, Stdio};
use std::sync::{Arc, Mutex, OnceLock};

use infra_gen::Stack;
use infra_gen::deployed::template::parse;
use infra_gen::model::Properties;
use support::{
    app, first, function, is_function, is_log_group, is_registry, is_repository, is_role, resource,
    services_with_registries,
};

// ---------------------------------------------------------------------------------------
// Running the binary

/// The binary with dummy credentials, no shared AWS config, and `endpoint` as its AWS.
fn infra_gen(endpoint: &str, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_infra-gen"));
    cmd.args(args)
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", "/nonexistent/aws/config")
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/aws/credentials",
        )
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_REGION")
        .env_remove("AWS_DEFAULT_REGION")
        .env_remove("AWS_SESSION_TOKEN");
    cmd.output().expect("infra-gen runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn show(o: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}--- stderr\n{}",
        o.status.code(),
        stdout(o),
        stderr(o)
    )
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn generated(stack: &str) -> String {
    let path = repo().join("generated").join(format!("{stack}.yaml"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The names of a service stack and of the registry stack its image comes from.
fn service_and_registry() -> (String, String) {
    let app = app();
    let (service, registry) = services_with_registries(&app).next().expect("at least one");
    (service.name.to_string(), registry.name.to_string())
}

/// A registry stack some service imports its image repository from, and its repository's
/// logical ID.
fn registry() -> (String, String) {
    let app = app();
    let registry = first(&app, "a registry some service imports from", |s| {
        is_registry(&app, s)
    });
    let repository = resource(registry, "repository", is_repository);
    (registry.name.to_string(), repository.id.to_string())
}

/// `ScanOnPush: false` in the registry's committed template, as if deployed from an older
/// definition (the definitions scan every image on push).
fn without_scan_on_push(registry: &str) -> String {
    let text = generated(registry);
    let line = "ScanOnPush: true";
    assert_eq!(text.matches(line).count(), 1, "{line} in {registry}");
    text.replace(line, "ScanOnPush: false")
}

// ---------------------------------------------------------------------------------------
// moto

struct Moto {
    port: u16,
    /// The wrapper shell; closing its stdin (at process exit) makes it stop moto.
    _shell: Mutex<(Child, ChildStdin)>,
}

/// One moto server for this test binary, started on first use. It binds a port of the
/// kernel's choosing and tells it (`tests/support/moto_server.py`): a port picked here and
/// handed over could be taken meanwhile by a drift test's fake, which binds port 0 too.
fn moto() -> &'static Moto {
    static MOTO: OnceLock<Moto> = OnceLock::new();
    MOTO.get_or_init(|| {
        let venv = std::env::var_os("VENV").unwrap_or_else(|| {
            panic!(
                "VENV is not set: point it at a virtualenv with tests/deploy/requirements.txt \
                 installed (moto[server]), e.g. `VENV=.venvs/deploy cargo test -p stacks \
                 --features aws`, or run `bash tests/deploy/run.sh`"
            )
        });
        let python = Path::new(&venv).join("bin/python");
        let launcher = repo().join("tests/support/moto_server.py");
        // The shell stops moto when our end of its stdin closes, i.e. when this process exits
        // however it exits: a static is never dropped, so a Drop guard would not run. The
        // shell gives up its own stdout so that moto dying closes the pipe we read.
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(r#""$0" "$1" 2>/dev/null & pid=$!; exec >/dev/null; read _; kill "$pid""#)
            .arg(&python)
            .arg(&launcher)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("sh starts moto");
        let stdin = child.stdin.take().expect("piped stdin");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("piped stdout"))
            .read_line(&mut line)
            .expect("reads moto's announcement");
        let port = line
            .trim()
            .strip_prefix("MOTO_URL=http://127.0.0.1:")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| {
                panic!(
                    "moto did not start (it said {line:?}): run `{} {}` to see why",
                    python.display(),
                    launcher.display()
                )
            });
        Moto {
            port,
            _shell: Mutex::new((child, stdin)),
        }
    })
}

impl Moto {
    fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// A CloudFormation query-API call, as the SDK would send it (moto does not check the
    /// signature; it reads the region and service from the credential scope).
    fn call(&self, region: &str, params: &[(&str, &str)]) -> String {
        let mut all = vec![("Version", "2010-05-15")];
        all.extend_from_slice(params);
        let (status, body) = post(
            self.port,
            &form(&all),
            &format!(
                "AWS4-HMAC-SHA256 Credential=test/20260101/{region}/cloudformation/aws4_request, \
                 SignedHeaders=host, Signature=0"
            ),
        );
        assert_eq!(status, 200, "{params:?} -> {body}");
        body
    }

    /// Deploys a stack the way `sam deploy` does: a CREATE change set, executed. (moto's
    /// CreateStack cannot evaluate the SAM-generated `FunctionUrl` output; change sets do not
    /// try.)
    fn create_stack(&self, region: &str, name: &str, body: &str, params: &[(&str, &str)]) {
        let mut all: Vec<(String, String)> = vec![
            ("Action".into(), "CreateChangeSet".into()),
            ("StackName".into(), name.into()),
            ("ChangeSetName".into(), "seed".into()),
            ("ChangeSetType".into(), "CREATE".into()),
            ("TemplateBody".into(), body.into()),
            ("Capabilities.member.1".into(), "CAPABILITY_IAM".into()),
        ];
        for (i, (k, v)) in params.iter().enumerate() {
            let n = i + 1;
            all.push((format!("Parameters.member.{n}.ParameterKey"), (*k).into()));
            all.push((format!("Parameters.member.{n}.ParameterValue"), (*v).into()));
        }
        let borrowed: Vec<(&str, &str)> =
            all.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let created = self.call(region, &borrowed);
        let id = created
            .split("<Id>")
            .nth(1)
            .and_then(|rest| rest.split("</Id>").next())
            .unwrap_or_else(|| panic!("no change set id in {created}"));
        self.call(
            region,
            &[("Action", "ExecuteChangeSet"), ("ChangeSetName", id)],
        );
    }
}

fn form(params: &[(&str, &str)]) -> String {
    let enc = |s: &str| {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    params
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn post(port: u16, body: &str, authorization: &str) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connects");
    write!(
        s,
        "POST / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: {authorization}\r\n\
         Content-Type: application/x-www-form-urlencoded; charset=utf-8\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .expect("writes");
    let mut response = String::new();
    s.read_to_string(&mut response).expect("reads");
    let status = response
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, response)
}

/// The generated template as JSON: a form `sam deploy` never sends, to show that diff
/// compares meaning, not text.
fn as_json(yaml: &str) -> String {
    parse(yaml).expect("generated templates parse").to_string()
}

// ---------------------------------------------------------------------------------------
// diff --deployed

#[test]
fn diff_finds_no_difference_when_the_deployed_template_only_differs_in_form() {
    let moto = moto();
    let region = "us-east-1";
    let (registry, _) = registry();
    let registry = registry.as_str();
    moto.create_stack(region, registry, &as_json(&generated(registry)), &[]);
    let out = infra_gen(
        &moto.endpoint(),
        &["diff", "--deployed", registry, "--region", region],
    );
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    assert!(
        stdout(&out).contains(&format!(
            "no difference: {registry} as deployed in {region}"
        )),
        "{}",
        show(&out)
    );
}

#[test]
fn diff_prints_each_changed_path_and_exits_1() {
    let moto = moto();
    let region = "us-east-2";
    let (service, registry) = service_and_registry();
    let (service, registry) = (service.as_str(), registry.as_str());
    moto.create_stack(region, registry, &generated(registry), &[]);
    let app = app();
    let stack = app
        .stacks()
        .iter()
        .find(|s| s.name.as_str() == service)
        .expect("the service");
    let function_id = resource(stack, "function", is_function).id.to_string();
    let memory = function(stack).expect("a function").memory.get();
    // The last output, renamed: it must be the only line naming it.
    let output = stack
        .template
        .outputs
        .last()
        .expect("an output")
        .id
        .to_string();
    let text = generated(service);
    let (memory_line, output_line) = (format!("MemorySize: {memory}\n"), format!("  {output}:\n"));
    assert_eq!(text.matches(&memory_line).count(), 1, "{memory_line:?}");
    assert_eq!(text.matches(&output_line).count(), 1, "{output_line:?}");
    // As if deployed from an older definition: more memory, and an output since removed.
    let deployed = text
        .replace(&memory_line, &format!("MemorySize: {}\n", memory * 2))
        .replace(&output_line, "  OldOutput:\n");
    moto.create_stack(region, service, &deployed, &[("ImageTag", "abcdef1")]);
    let out = infra_gen(
        &moto.endpoint(),
        &["diff", "--deployed", service, "--region", region],
    );
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    let text = stdout(&out);
    assert!(
        text.contains(&format!(
            "~ Resources.{function_id}.Properties.MemorySize: {} -> {memory}",
            memory * 2
        )),
        "{text}"
    );
    assert!(text.contains(&format!("+ Outputs.{output}: {{")), "{text}");
    assert!(text.contains("- Outputs.OldOutput: {"), "{text}");
    assert!(stderr(&out).contains("3 difference(s)"), "{}", show(&out));
}

#[test]
fn diff_of_a_stack_that_is_not_deployed_is_a_clear_error() {
    let moto = moto();
    let (registry, _) = registry();
    let region = "ca-central-1";
    let out = infra_gen(
        &moto.endpoint(),
        &["diff", "--deployed", &registry, "--region", region],
    );
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    assert!(
        stderr(&out).contains(&format!("stack {registry} does not exist in {region}")),
        "{}",
        show(&out)
    );
}

#[test]
fn stacks_missing_from_the_definitions_are_usage_errors() {
    let out = infra_gen("http://127.0.0.1:9", &["diff", "--deployed", "nope"]);
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    assert!(
        stderr(&out).contains("no stack named nope"),
        "{}",
        show(&out)
    );
}

#[test]
fn missing_credentials_are_reported_before_any_call() {
    let (registry, _) = registry();
    let out = Command::new(env!("CARGO_BIN_EXE_infra-gen"))
        .args(["diff", "--deployed", &registry])
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", "/nonexistent/aws/config")
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/aws/credentials",
        )
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_WEB_IDENTITY_TOKEN_FILE")
        .env_remove("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")
        .env_remove("AWS_CONTAINER_CREDENTIALS_FULL_URI")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    assert!(
        stderr(&out).contains("no AWS credentials"),
        "{}",
        show(&out)
    );
}

#[test]
fn a_generated_directory_that_drifted_from_the_definitions_is_refused() {
    let root = std::env::temp_dir().join(format!("infra-gen-deployed-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let generate = Command::new(env!("CARGO_BIN_EXE_infra-gen"))
        .args(["generate", "--root"])
        .arg(&root)
        .output()
        .expect("runs");
    assert_eq!(generate.status.code(), Some(0), "{}", show(&generate));
    let (registry, _) = registry();
    let file = root.join(format!("generated/{registry}.yaml"));
    std::fs::write(&file, without_scan_on_push(&registry)).expect("edit");
    let root_arg = root.to_string_lossy().into_owned();
    let out = infra_gen(
        "http://127.0.0.1:9",
        &["plan", &registry, "--root", &root_arg],
    );
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    assert!(
        stderr(&out).contains(&format!(
            "generated/{registry}.yaml does not match the definitions: run `cargo infra-gen generate`"
        )),
        "{}",
        show(&out)
    );
    std::fs::remove_dir_all(&root).ok();
}

// ---------------------------------------------------------------------------------------
// plan

/// Whether the plan's table has a row for resource `id` of type `kind` with `action`.
fn row(plan: &str, action: &str, id: &str, kind: &str) -> bool {
    plan.lines().any(|l| {
        let cells: Vec<&str> = l.split_whitespace().collect();
        cells.get(..3) == Some(&[action, id, kind][..])
    })
}

#[test]
fn plan_of_a_new_stack_lists_what_it_adds_and_leaves_nothing_behind() {
    let moto = moto();
    let region = "us-west-1";
    let (registry, repository) = registry();
    let out = infra_gen(&moto.endpoint(), &["plan", &registry, "--region", region]);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    let text = stdout(&out);
    assert!(
        text.contains(&format!(
            "plan for {registry} in {region} (CREATE change set"
        )),
        "{text}"
    );
    assert!(text.contains("ACTION  LOGICAL ID  TYPE"), "{text}");
    assert!(
        row(&text, "Add", &repository, "AWS::ECR::Repository"),
        "{text}"
    );
    assert!(text.contains("deleted the change set"), "{text}");
    // The empty stack a CREATE change set makes is gone too.
    let stacks = moto.call(region, &[("Action", "ListStacks")]);
    assert!(
        !stacks.contains("REVIEW_IN_PROGRESS"),
        "a stack was left in review: {stacks}"
    );
}

#[test]
fn plan_of_a_deployed_stack_uses_an_update_change_set_and_can_keep_it() {
    let moto = moto();
    let region = "eu-west-1";
    let (registry, repository) = registry();
    let registry = registry.as_str();
    moto.create_stack(region, registry, &without_scan_on_push(registry), &[]);
    let out = infra_gen(
        &moto.endpoint(),
        &["plan", registry, "--region", region, "--keep"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    let text = stdout(&out);
    assert!(
        text.contains("(UPDATE change set infra-gen-plan-"),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("Modify") && l.contains(&repository)),
        "{text}"
    );
    assert!(text.contains("kept change set infra-gen-plan-"), "{text}");
    let sets = moto.call(
        region,
        &[("Action", "ListChangeSets"), ("StackName", registry)],
    );
    assert!(sets.contains("infra-gen-plan-"), "{sets}");
}

#[test]
fn plan_of_a_service_needs_the_image_tag_and_asks_for_it_before_calling_aws() {
    let (service, registry) = service_and_registry();
    let out = infra_gen("http://127.0.0.1:9", &["plan", &service]);
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    assert!(
        stderr(&out).contains("pass --image-tag <git commit SHA>"),
        "{}",
        show(&out)
    );
    let out = infra_gen(
        "http://127.0.0.1:9",
        &["plan", &registry, "--image-tag", "abcdef1"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    assert!(stderr(&out).contains("drop --image-tag"), "{}", show(&out));
}

#[test]
fn plan_of_a_service_previews_it_with_the_given_image_tag() {
    let moto = moto();
    let region = "ap-southeast-2";
    let app = app();
    let (service, registry) = services_with_registries(&app).next().expect("at least one");
    let (name, registry) = (service.name.as_str(), registry.name.as_str());
    moto.create_stack(region, registry, &generated(registry), &[]);
    let out = infra_gen(
        &moto.endpoint(),
        &[
            "plan",
            name,
            "--region",
            region,
            "--image-tag",
            "0123456789abcdef0123456789abcdef01234567",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    let text = stdout(&out);
    assert!(
        text.contains(&format!("plan for {name} in {region} (CREATE change set")),
        "{text}"
    );
    for r in &service.template.resources {
        let (id, kind) = (r.id.as_str(), r.properties.type_name());
        assert!(row(&text, "Add", id, kind), "{id} {kind} in {text}");
    }
}

// ---------------------------------------------------------------------------------------
// drift, against a fake CloudFormation

/// How the fake answers DescribeStackDriftDetectionStatus.
#[derive(Clone, Copy)]
enum Detection {
    /// In progress once, then complete with this stack drift status.
    Finishes(&'static str),
    Never,
}

/// The resource drifts the fake reports, as `DescribeStackResourceDrifts` members: the ones
/// asked for with the MODIFIED/DELETED filter, and those with NOT_CHECKED.
#[derive(Clone, Default)]
struct Drifts {
    drifted: String,
    not_checked: String,
}

/// A CloudFormation query-API endpoint that answers the three drift calls with canned XML
/// and records the actions it was asked.
struct FakeCloudFormation {
    port: u16,
    calls: Arc<Mutex<Vec<String>>>,
}

const NS: &str = "http://cloudformation.amazonaws.com/doc/2010-05-15/";

fn response(action: &str, result: &str) -> String {
    format!(
        "<{action}Response xmlns=\"{NS}\"><{action}Result>{result}</{action}Result>\
         <ResponseMetadata><RequestId>fake-request</RequestId></ResponseMetadata></{action}Response>"
    )
}

fn drift_xml(status: &str, id: &str, kind: &str, physical: &str, differences: &str) -> String {
    format!(
        "<member><StackId>arn:aws:cloudformation:us-west-2:123456789012:stack/s/1</StackId>\
         <LogicalResourceId>{id}</LogicalResourceId><PhysicalResourceId>{physical}</PhysicalResourceId>\
         <ResourceType>{kind}</ResourceType><StackResourceDriftStatus>{status}</StackResourceDriftStatus>\
         <PropertyDifferences>{differences}</PropertyDifferences>\
         <Timestamp>2026-11-23T10:00:00Z</Timestamp></member>"
    )
}

fn answer(
    action: &str,
    body: &str,
    detection: Detection,
    drifts: &Drifts,
    status_calls: usize,
) -> String {
    match action {
        "DetectStackDrift" => response(
            action,
            "<StackDriftDetectionId>detection-1</StackDriftDetectionId>",
        ),
        "DescribeStackDriftDetectionStatus" => {
            let (detection_status, stack_status) = match detection {
                Detection::Finishes(s) if status_calls > 1 => ("DETECTION_COMPLETE", s),
                _ => ("DETECTION_IN_PROGRESS", "UNKNOWN"),
            };
            response(
                action,
                &format!(
                    "<StackId>arn:aws:cloudformation:us-west-2:123456789012:stack/s/1</StackId>\
                     <StackDriftDetectionId>detection-1</StackDriftDetectionId>\
                     <StackDriftStatus>{stack_status}</StackDriftStatus>\
                     <DetectionStatus>{detection_status}</DetectionStatus>\
                     <Timestamp>2026-11-23T10:00:00Z</Timestamp>"
                ),
            )
        }
        "DescribeStackResourceDrifts" => {
            let drifted = matches!(detection, Detection::Finishes("DRIFTED"));
            let members = if body.contains("=MODIFIED") && drifted {
                drifts.drifted.as_str()
            } else if body.contains("=NOT_CHECKED") {
                drifts.not_checked.as_str()
            } else {
                ""
            };
            response(
                action,
                &format!("<StackResourceDrifts>{members}</StackResourceDrifts>"),
            )
        }
        other => format!(
            "<ErrorResponse xmlns=\"{NS}\"><Error><Type>Sender</Type><Code>InvalidAction</Code>\
             <Message>the fake does not answer {other}</Message></Error></ErrorResponse>"
        ),
    }
}

impl FakeCloudFormation {
    fn start(detection: Detection, drifts: Drifts) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("binds");
        let port = listener.local_addr().expect("address").port();
        let calls = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&calls);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let Some((action, body)) = read_request(&stream) else {
                    continue;
                };
                let status_calls = {
                    let mut seen = seen.lock().expect("not poisoned");
                    seen.push(action.clone());
                    seen.iter()
                        .filter(|a| *a == "DescribeStackDriftDetectionStatus")
                        .count()
                };
                let xml = answer(&action, &body, detection, &drifts, status_calls);
                let code = if xml.starts_with("<ErrorResponse") {
                    "400 Bad Request"
                } else {
                    "200 OK"
                };
                let mut stream = stream;
                let _ = write!(
                    stream,
                    "HTTP/1.1 {code}\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n\
                     Connection: close\r\n\r\n{xml}",
                    xml.len()
                );
            }
        });
        Self { port, calls }
    }

    fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn calls(&self) -> Vec<String> {
        self.calls.lock().expect("not poisoned").clone()
    }
}

/// The `Action` and the whole form body of one request.
fn read_request(stream: &TcpStream) -> Option<(String, String)> {
    let mut reader = BufReader::new(stream);
    let mut length = 0;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).ok()?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().ok()?;
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    let body = String::from_utf8(body).ok()?;
    let action = body
        .split('&')
        .find_map(|kv| kv.strip_prefix("Action="))?
        .to_owned();
    Some((action, body))
}

/// The resource of `stack` of a kind: its logical ID and its type.
fn id_and_type(stack: &Stack, what: &str, kind: fn(&Properties) -> bool) -> (String, String) {
    let r = resource(stack, what, kind);
    (r.id.to_string(), r.properties.type_name().to_owned())
}

#[test]
fn drift_prints_each_drifted_resource_with_expected_and_actual_values() {
    let app = app();
    let (service, _) = services_with_registries(&app).next().expect("at least one");
    let (name, region) = (service.name.as_str(), service.environment.region());
    // As CloudFormation would describe the service: its log group's retention changed by hand,
    // its role deleted, its function a type drift detection skips.
    let log_group = resource(service, "log group", is_log_group);
    let Properties::LogGroup(group) = &log_group.properties else {
        unreachable!("is_log_group")
    };
    let expected = group.retention.days();
    let actual = if expected == 3653 { 1 } else { 3653 };
    let (role, role_type) = id_and_type(service, "role", is_role);
    let function_id = resource(service, "function", is_function).id.to_string();
    let function_name = function(service)
        .expect("a function")
        .function_name
        .as_str();
    let drifts = Drifts {
        drifted: drift_xml(
            "MODIFIED",
            log_group.id.as_str(),
            "AWS::Logs::LogGroup",
            &group.name,
            &format!(
                "<member><PropertyPath>/RetentionInDays</PropertyPath>\
                 <ExpectedValue>{expected}</ExpectedValue><ActualValue>{actual}</ActualValue>\
                 <DifferenceType>NOT_EQUAL</DifferenceType></member>"
            ),
        ) + &drift_xml("DELETED", &role, &role_type, "deleted-role", ""),
        not_checked: drift_xml(
            "NOT_CHECKED",
            &function_id,
            "AWS::Lambda::Function",
            function_name,
            "",
        ),
    };
    let fake = FakeCloudFormation::start(Detection::Finishes("DRIFTED"), drifts);
    let out = infra_gen(&fake.endpoint(), &["drift", name]);
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    let text = stdout(&out);
    assert!(
        text.contains(&format!(
            "drift of {name} in {region}: DRIFTED, 2 resource(s) drifted"
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "MODIFIED {} (AWS::Logs::LogGroup, {})\n  \
             ~ /RetentionInDays (NOT_EQUAL)\n      expected: {expected}\n      actual:   {actual}\n",
            log_group.id, group.name
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!("DELETED {role} ({role_type}, deleted-role)")),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "not checked (their types do not support drift detection): {function_id}"
        )),
        "{text}"
    );
    assert!(
        stderr(&out).contains(&format!("{name} drifted")),
        "{}",
        show(&out)
    );
    let calls = fake.calls();
    assert_eq!(calls[0], "DetectStackDrift");
    assert!(
        calls
            .iter()
            .filter(|c| *c == "DescribeStackDriftDetectionStatus")
            .count()
            >= 2,
        "it waited for the detection: {calls:?}"
    );
}

#[test]
fn drift_of_a_stack_in_sync_exits_0() {
    let app = app();
    let registry = first(&app, "a registry some service imports from", |s| {
        is_registry(&app, s)
    });
    let (name, region) = (registry.name.as_str(), registry.environment.region());
    let fake = FakeCloudFormation::start(Detection::Finishes("IN_SYNC"), Drifts::default());
    let out = infra_gen(&fake.endpoint(), &["drift", name]);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    assert!(
        stdout(&out).contains(&format!(
            "drift of {name} in {region}: IN_SYNC, 0 resource(s) drifted"
        )),
        "{}",
        show(&out)
    );
}

#[test]
fn drift_detection_that_never_finishes_times_out_with_a_clear_error() {
    let fake = FakeCloudFormation::start(Detection::Never, Drifts::default());
    let (registry, _) = registry();
    let out = infra_gen(&fake.endpoint(), &["drift", &registry, "--timeout", "2"]);
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    assert!(
        stderr(&out).contains("did not finish within 2 s"),
        "{}",
        show(&out)
    );
    // That the command returned at all shows the timeout was honoured; how fast it returned
    // depends on the machine's load, so it is not asserted.
}
