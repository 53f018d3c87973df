//! Prints a deterministic corpus of service templates whose resources name one another, one
//! JSON line each: `{"case": n, "refused": <lint `dependency` refuses it>, "template": …}`.
//! `tests/validate/` runs cfn-lint on every template, so the lint's cycles are held to what
//! cfn-lint's own graph of the (SAM-transformed) template calls circular (E3004), valid
//! templates included.
//!
//!   cargo run -q -p infra-gen --example dependency_corpus [CASES]

use infra_gen::builders::{ContainerImage, FunctionUrl, Registry, Service};
use infra_gen::lint::lint;
use infra_gen::model::lambda::{
    Architecture, DockerSource, EnvName, EnvVar, HandlerMode, ImageConfig,
};
use infra_gen::model::raw::Raw;
use infra_gen::model::{Expr, LogicalId, Properties, Resource};
use infra_gen::{App, Environment, Error};
use serde_json::{Value, json};

const DOCKERFILE: &str = "\
FROM public.ecr.aws/lambda/provided:al2023-arm64
COPY bootstrap /var/task/bootstrap
ENTRYPOINT [\"/var/task/bootstrap\"]
CMD [\"lambda\"]
";

#[path = "support/rng.rs"]
mod rng;
use rng::Rng;

fn base() -> Result<App, Error> {
    let env = Environment::new("demo", "us-west-2")?;
    let source = "infra-gen/examples/dependency_corpus.rs";
    let (registry, repository) = Registry::new("corpus", &env, source).build()?;
    let image = ContainerImage {
        repository,
        source: DockerSource {
            dockerfile: "Dockerfile".into(),
            dockerfile_text: DOCKERFILE,
        },
        config: ImageConfig::new(&["/var/task/bootstrap"], &["lambda"], "/var/task")?,
    };
    let service = Service::new(
        "corpus",
        &env,
        source,
        image,
        Architecture::Arm64,
        HandlerMode::Buffered,
    )?
    .url(FunctionUrl::public(
        "the function verifies an HMAC signature of every request with a key from Secrets Manager",
    )?)
    .build()?;
    let mut app = App::new();
    app.push(registry);
    app.push(service);
    Ok(app)
}

/// How a topic names `to`: `DependsOn`, `Ref`, `GetAtt` or `${}`, or not at all.
fn link(
    rng: &mut Rng,
    to: &str,
    attribute: &str,
    depends_on: &mut Vec<LogicalId>,
) -> Option<Value> {
    match rng.below(20) {
        0 => {
            depends_on.push(LogicalId::new(to).ok()?);
            None
        }
        1 => Some(json!({"Ref": to})),
        2 => Some(json!({"Fn::GetAtt": [to, attribute]})),
        3 => Some(json!({"Fn::Sub": format!("${{{to}.{attribute}}}")})),
        _ => None,
    }
}

fn case(rng: &mut Rng) -> Result<App, Error> {
    let mut app = base()?;
    let topics = 1 + rng.below(4) as usize;
    let stack = &mut app.stacks_mut()[1];
    let names: Vec<String> = (0..topics).map(|i| format!("Topic{i}")).collect();
    for name in &names {
        let mut parts = vec![json!("t")];
        let mut depends_on = Vec::new();
        for other in &names {
            parts.extend(link(rng, other, "TopicName", &mut depends_on));
        }
        // The function, and the URL SAM adds for it (created after the function).
        if rng.below(3) == 0 {
            parts.extend(link(rng, "Function", "Arn", &mut depends_on));
        }
        if rng.below(4) == 0 {
            parts.extend(link(rng, "FunctionUrl", "FunctionUrl", &mut depends_on));
        }
        let raw = Raw::new(
            "AWS::SNS::Topic",
            json!({"DisplayName": {"Fn::Join": ["-", parts]}}),
        )?
        .stateless();
        let mut r = Resource::new(LogicalId::new(name)?, Properties::Raw(raw));
        r.depends_on = depends_on;
        stack.template.resources.push(r);
    }
    // The function naming topics in its environment is created after them.
    for (i, name) in names.iter().enumerate() {
        if rng.below(3) == 0 {
            for r in &mut stack.template.resources {
                if let Properties::Function(f) = &mut r.properties {
                    f.environment.push(EnvVar {
                        name: EnvName::new(&format!("TOPIC_{i}"))?,
                        value: Expr::Ref(name.clone()),
                    });
                }
            }
        }
    }
    Ok(app)
}

fn main() -> Result<(), Error> {
    let cases: u64 = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(200);
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for n in 0..cases {
        let app = case(&mut rng)?;
        let refused = lint(&app).iter().any(|f| f.code == "dependency");
        let template = app.stacks()[1].template.to_json();
        println!(
            "{}",
            json!({"case": n, "refused": refused, "template": template})
        );
    }
    Ok(())
}
