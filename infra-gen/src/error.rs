//! The crate's bottom layer: what can go wrong, and a finding's shape. Every other module may
//! use these; they use nothing of the crate.

use std::fmt;

/// Everything that can go wrong before a template is written.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{what} {value} is out of range: it must be between {min} and {max}")]
    OutOfRange {
        what: &'static str,
        value: u64,
        min: u64,
        max: u64,
    },
    #[error("invalid {what} {value:?}: expected {expected}")]
    Invalid {
        what: &'static str,
        value: String,
        expected: &'static str,
    },
    #[error("model map: {0}")]
    ModelMap(String),
    #[error("{} problem(s) in the definitions:\n{}", .0.len(), format_findings(.0))]
    Findings(Vec<Finding>),
    /// An invalid value given to a builder, with the place it was meant for.
    #[error("error[definition]: {stack} › {resource}: {message}\n  fix: {fix}")]
    At {
        stack: String,
        resource: String,
        message: String,
        fix: String,
    },
    #[error("cannot render {path}: {source}")]
    Render {
        path: String,
        source: minijinja::Error,
    },
    /// A template whose model does not serialize as YAML (a custom `Serialize` that fails).
    #[error("cannot write {path} as YAML: {message}")]
    Yaml { path: String, message: String },
}

impl Error {
    /// What to change, for a value error reported with its place.
    pub fn fix(&self) -> String {
        match self {
            Self::OutOfRange { what, min, max, .. } => {
                format!("give {what} a value between {min} and {max}")
            }
            Self::Invalid { what, expected, .. } => format!("give {what} {expected}"),
            Self::ModelMap(_) => "correct the entry in the model map file".into(),
            Self::At { fix, .. } => fix.clone(),
            Self::Findings(_) | Self::Render { .. } => "see the messages above".into(),
            Self::Yaml { .. } => {
                "make the resource's properties serialize as a JSON object with string keys".into()
            }
        }
    }
}

impl Error {
    /// This error with its place: a value error becomes `At` the stack and resource it was
    /// meant for; errors that already name places are kept.
    pub fn at(self, stack: &str, resource: &str) -> Self {
        match self {
            Self::At { .. } | Self::Findings(_) => self,
            other => Self::At {
                stack: stack.to_owned(),
                resource: resource.to_owned(),
                fix: other.fix(),
                message: other.to_string(),
            },
        }
    }

    /// Every placed problem this error holds, as findings (code `definition` for builder
    /// values); an error without a place is one finding with an empty stack.
    pub fn into_findings(self) -> Vec<Finding> {
        match self {
            Self::Findings(findings) => findings,
            Self::At {
                stack,
                resource,
                message,
                fix,
            } => vec![Finding {
                code: "definition",
                stack,
                resource,
                message,
                fix,
            }],
            other => vec![Finding {
                code: "definition",
                stack: String::new(),
                resource: String::new(),
                fix: other.fix(),
                message: other.to_string(),
            }],
        }
    }

    /// All of `errors` as one: none is `Ok`, one is itself, more are their findings together,
    /// so a definition reports every stack and resource that is wrong, not only the first.
    pub fn all(errors: Vec<Error>) -> Result<(), Error> {
        let mut errors = errors;
        match errors.len() {
            0 => Ok(()),
            1 => Err(errors.remove(0)),
            _ => Err(Self::Findings(
                errors.into_iter().flat_map(Self::into_findings).collect(),
            )),
        }
    }
}

/// A builder argument: a value, or the `Result` of its constructor, so a constructor error
/// surfaces from `build()` naming the stack and resource rather than without a place.
pub trait Checked<T> {
    fn checked(self) -> Result<T, Error>;
}

impl<T> Checked<T> for T {
    fn checked(self) -> Result<T, Error> {
        Ok(self)
    }
}

impl<T> Checked<T> for Result<T, Error> {
    fn checked(self) -> Result<T, Error> {
        self
    }
}

/// A rule a definition breaks: the stack, the resource and the fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub code: &'static str,
    pub stack: String,
    pub resource: String,
    pub message: String,
    pub fix: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "error[{}]: {} › {}: {}\n  fix: {}",
            self.code, self.stack, self.resource, self.message, self.fix
        )
    }
}

pub fn format_findings(findings: &[Finding]) -> String {
    findings
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}
