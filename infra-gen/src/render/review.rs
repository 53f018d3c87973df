//! `generated/<stack>.md`: the page a reviewer reads instead of the console. It is rendered
//! from the same typed values as the template and drift-checked with it, so it cannot go stale:
//! a change to the definitions that changes the template changes this page in the same diff.

use serde_json::Value;

use super::{GeneratedFile, MARKDOWN_HEADER_MARK};
use crate::builders::{App, Stack};
use crate::deploy;
use crate::model::expr::sub_placeholders;
use crate::model::section::{Block, Section, Words, code};
use crate::model::{DeletionPolicy, Expr, Resource, Template};

/// What a resource is, in a few words a reviewer recognizes (each kind says).
fn resource_phrase(resource: &Resource) -> String {
    resource.properties.phrase(&resource.id)
}

fn attribute_words(attribute: &str) -> &str {
    match attribute {
        "Arn" => "ARN",
        "RepositoryUri" => "URI",
        other => other,
    }
}

/// Reads expressions back as words, resolving names against the template and the app.
struct Reader<'a> {
    app: &'a App,
    template: &'a Template,
}

impl Words for Reader<'_> {
    fn template(&self) -> &Template {
        self.template
    }

    fn value(&self, expr: &Expr) -> String {
        match expr {
            Expr::Literal(s) => code(s),
            Expr::Ref(name) => self.reference(name),
            Expr::GetAtt(id, attribute) => match self.template.resource(id) {
                Some(r) => format!("{} of {}", attribute_words(attribute), resource_phrase(r)),
                None => self.sam_generated(id, attribute),
            },
            Expr::Sub(text) => code(text),
            Expr::SubWith(text, _) => code(text),
            Expr::ImportValue(inner) => match inner.as_literal() {
                Some(name) => self.import(name),
                None => format!("the export named by {}", self.value(inner)),
            },
            Expr::Join(delimiter, parts) => format!(
                "{} joined by {}",
                parts
                    .iter()
                    .map(|p| self.value(p))
                    .collect::<Vec<_>>()
                    .join(", "),
                code(delimiter)
            ),
            Expr::Split(delimiter, source) => {
                format!("{} split at {}", self.value(source), code(delimiter))
            }
            Expr::Select(index, list) => format!("item {index} of {}", self.value(list)),
            Expr::GetAZs(_) => "the region's Availability Zones".to_owned(),
            Expr::Base64(inner) => format!("the Base64 of {}", self.value(inner)),
        }
    }

    fn target(&self, expr: &Expr) -> String {
        match expr {
            Expr::Ref(id) | Expr::GetAtt(id, _) => match self.template.resource(id) {
                Some(r) => resource_phrase(r),
                None => self.value(expr),
            },
            other => self.value(other),
        }
    }

    fn metadata(&self, value: &Value) -> String {
        match value {
            Value::String(s) => code(s),
            Value::Object(m) => match m.get("Ref").and_then(Value::as_str) {
                Some(name) if m.len() == 1 => self.reference(name),
                _ => code(&value.to_string()),
            },
            other => code(&other.to_string()),
        }
    }

    fn sub_parts(&self, expr: &Expr) -> Vec<(String, String)> {
        let (text, vars) = match expr {
            Expr::Sub(t) => (t.as_str(), &[][..]),
            Expr::SubWith(t, vars) => (t.as_str(), vars.as_slice()),
            _ => return Vec::new(),
        };
        sub_placeholders(text)
            .into_iter()
            .map(|name| {
                let meaning = match vars.iter().find(|(n, _)| n == name) {
                    Some((_, e)) => self.value(e),
                    None => match name.split_once('.') {
                        Some((id, attribute)) => {
                            self.value(&Expr::GetAtt(id.to_owned(), attribute.to_owned()))
                        }
                        None => self.reference(name),
                    },
                };
                (name.to_owned(), meaning)
            })
            .collect()
    }
}

impl Reader<'_> {
    fn reference(&self, name: &str) -> String {
        if let Some(p) = self
            .template
            .parameters
            .iter()
            .find(|p| p.id.as_str() == name)
        {
            return format!("parameter {} ({})", code(p.id.as_str()), p.description);
        }
        match self.template.resource(name) {
            Some(r) => format!("{} of {}", r.properties.ref_returns(), resource_phrase(r)),
            None => code(name),
        }
    }

    /// Resources SAM adds, such as `<Function>Url` for a Function URL.
    fn sam_generated(&self, id: &str, attribute: &str) -> String {
        let implicit = self.template.resources.iter().find_map(|r| {
            r.properties
                .implicit(&r.id)
                .into_iter()
                .find(|i| i.id == id)
                .map(|i| (r, i))
        });
        match implicit {
            Some((r, i)) if attribute == "FunctionUrl" || i.attributes.len() == 1 => {
                format!("{} of {} (added by SAM)", i.what, resource_phrase(r))
            }
            Some((r, i)) => format!(
                "{} of {} of {} (added by SAM)",
                attribute_words(attribute),
                i.what,
                resource_phrase(r)
            ),
            None => format!("{} of {}", attribute_words(attribute), code(id)),
        }
    }

    fn import(&self, export: &str) -> String {
        match deploy::exporter(self.app, export) {
            Some((stack, output)) => {
                let exporting = Reader {
                    app: self.app,
                    template: &stack.template,
                };
                format!(
                    "{}, exported as {} by stack {}",
                    exporting.value(&output.value),
                    code(export),
                    code(stack.name.as_str())
                )
            }
            None => format!("export {}", code(export)),
        }
    }
}

fn policy_words(p: DeletionPolicy) -> &'static str {
    match p {
        DeletionPolicy::Retain => "Retain",
        DeletionPolicy::Delete => "Delete",
        DeletionPolicy::Snapshot => "Snapshot (a snapshot is kept, the resource deleted)",
    }
}

/// The page: a summary of how the stack is deployed, then sections in a fixed order —
/// parameters, the resource list, each resource's own section (`Kind::review`, in template
/// order), stateful resources, accepted scanner findings, outputs — laid out by [`markdown`].
pub fn review_file(app: &App, links: &deploy::Links<'_>, stack: &Stack) -> GeneratedFile {
    let t = &stack.template;
    let reader = Reader { app, template: t };
    let names = |stacks: Vec<&Stack>| -> Vec<String> {
        stacks.iter().map(|s| code(s.name.as_str())).collect()
    };
    let or = |items: Vec<String>, none: &str| {
        if items.is_empty() {
            none.to_owned()
        } else {
            items.join(", ")
        }
    };
    let flags: String = deploy::command_line(app, stack)
        .iter()
        .map(|f| format!(" {} {}", f.flag, f.value))
        .collect();
    let template_file = deploy::template_file(stack);
    let summary = vec![
        (
            "Environment".into(),
            format!(
                "{}, in {}",
                stack.environment.name(),
                stack.environment.region()
            ),
        ),
        ("Defined in".into(), code(stack.source)),
        (
            "Template".into(),
            format!("[{}]({template_file})", code(&template_file)),
        ),
        (
            "Deploy".into(),
            format!(
                "{} from `generated/` (settings in [`samconfig.toml`](samconfig.toml))",
                code(&format!(
                    "sam deploy --config-env {}{flags}",
                    deploy::config_env(stack)
                ))
            ),
        ),
        (
            "Deploy after".into(),
            or(
                names(links.depends_on(stack)),
                "nothing: it imports from no stack",
            ),
        ),
        (
            "Deploy before".into(),
            or(
                names(links.dependents(stack)),
                "nothing: no stack imports from it",
            ),
        ),
        (
            "Capabilities".into(),
            or(
                deploy::capabilities(t)
                    .iter()
                    .map(|c| (*c).to_owned())
                    .collect(),
                "none",
            ),
        ),
        (
            "Stack tags".into(),
            deploy::tags(stack)
                .iter()
                .map(|(k, v)| code(&format!("{k}={v}")))
                .collect::<Vec<_>>()
                .join(", "),
        ),
    ];
    let mut out = format!(
        "{MARKDOWN_HEADER_MARK} from {} (stack {}, region {}). \
         Do not edit: change the definition, then run `cargo infra-gen generate`. -->\n\
         # {}\n\n{}\n\n",
        stack.source,
        stack.name,
        stack.environment.region(),
        stack.name,
        t.description
    );
    write_block(
        &mut out,
        &Block::Table {
            header: vec![String::new(), String::new()],
            rows: summary.into_iter().map(|(k, v)| vec![k, v]).collect(),
        },
    );
    let mut sections = Vec::new();
    if !t.parameters.is_empty() {
        let rows = t
            .parameters
            .iter()
            .map(|p| {
                vec![
                    code(p.id.as_str()),
                    match p.kind {
                        crate::model::ParameterKind::String => {
                            format!("{}: {}", code(&p.allowed_pattern), p.constraint_description)
                        }
                        kind => format!(
                            "{}: CloudFormation checks each ID exists in the account and region{}",
                            code(kind.type_name()),
                            p.default
                                .as_ref()
                                .map(|d| format!("; default {}", code(d)))
                                .unwrap_or_default()
                        ),
                    },
                    p.description.clone(),
                ]
            })
            .collect();
        sections.push(
            Section::new("Parameters")
                .text("Values come from the deploy command line, never from this repository.")
                .table(&["Parameter", "Must match", "Description"], rows),
        );
    }
    let rows = t
        .resources
        .iter()
        .map(|r| {
            vec![
                code(r.id.as_str()),
                r.properties.type_name().to_owned(),
                resource_phrase(r),
            ]
        })
        .collect();
    sections.push(Section::new("Resources").table(&["Logical ID", "Type", "What"], rows));
    sections.extend(t.resources.iter().map(|r| r.properties.review(r, &reader)));
    sections.push(stateful(t));
    let accepted: Vec<Vec<String>> = t
        .resources
        .iter()
        .flat_map(|r| {
            let exceptions = r.policy_exceptions.iter().map(|e| {
                let scanners: Vec<String> = e
                    .rule()
                    .scanner_rules_for(&r.properties)
                    .iter()
                    .map(|(tool, rule)| format!("{} {}", tool.name(), code(rule)))
                    .collect();
                let also = if scanners.is_empty() {
                    String::new()
                } else {
                    format!(" (also answers {})", scanners.join(", "))
                };
                vec![
                    code(r.id.as_str()),
                    "infra-gen policy".to_owned(),
                    code(e.rule().code()),
                    format!("{}{also}", e.reason()),
                ]
            });
            let suppressions = r.suppressions.iter().map(|x| {
                vec![
                    code(r.id.as_str()),
                    x.tool().name().to_owned(),
                    code(x.rule()),
                    x.reason().to_owned(),
                ]
            });
            exceptions.chain(suppressions).collect::<Vec<_>>()
        })
        .collect();
    if !accepted.is_empty() {
        sections.push(
            Section::new("Accepted scanner findings")
                .text("Rules this stack knowingly does not meet; the reasons are written in the definitions.")
                .table(&["Resource", "Tool", "Rule", "Why it does not apply"], accepted),
        );
    }
    let ordered: Vec<Vec<String>> = stack
        .template
        .resources
        .iter()
        .filter(|r| !r.depends_on.is_empty())
        .map(|r| {
            let first: Vec<String> = r.depends_on.iter().map(|d| code(d.as_str())).collect();
            vec![code(r.id.as_str()), first.join(", ")]
        })
        .collect();
    if !ordered.is_empty() {
        sections.push(
            Section::new("Creation order")
                .text(
                    "`DependsOn` the definitions declare, beyond the order their references give.",
                )
                .table(&["Resource", "Created after"], ordered),
        );
    }
    sections.push(outputs(links, &reader));
    for section in &sections {
        out.push('\n');
        markdown(&mut out, section);
    }
    GeneratedFile::new(format!("{}.md", stack.name), out)
}

/// Resources that hold data: their fate on delete or replacement matters.
fn stateful(t: &Template) -> Section {
    let default = "Delete (CloudFormation's default)";
    let rows: Vec<Vec<String>> = t
        .resources
        .iter()
        .filter(|r| r.properties.is_stateful() || r.lifecycle.is_some())
        .map(|r| {
            vec![
                format!("{}: {}", code(r.id.as_str()), resource_phrase(r)),
                r.lifecycle
                    .map_or(default, |l| policy_words(l.deletion))
                    .to_owned(),
                r.lifecycle
                    .map_or(default, |l| policy_words(l.update_replace))
                    .to_owned(),
            ]
        })
        .collect();
    let section = Section::new("Stateful resources");
    let mut section = if rows.is_empty() {
        section.text("None: deleting the stack loses no data.")
    } else {
        section
            .text(
                "What happens to data when the stack is deleted or a change replaces the resource.",
            )
            .table(&["Resource", "On stack deletion", "On replacement"], rows)
    };
    let acknowledged: Vec<(String, Vec<String>)> = t
        .resources
        .iter()
        .filter_map(|r| {
            let ack = r.replacement_ack.as_ref()?;
            Some((
                format!("{}: {}", code(r.id.as_str()), ack.reason()),
                Vec::new(),
            ))
        })
        .collect();
    if !acknowledged.is_empty() {
        section = section
            .text("Replacements acknowledged in the definitions (the data of the old resource is not carried over):")
            .list(acknowledged);
    }
    section
}

fn outputs(links: &deploy::Links<'_>, reader: &Reader<'_>) -> Section {
    let section = Section::new("Outputs");
    if reader.template.outputs.is_empty() {
        return section.text("None.");
    }
    let rows = reader
        .template
        .outputs
        .iter()
        .map(|o| {
            let importers: Vec<String> = o
                .export
                .as_deref()
                .map(|e| {
                    links
                        .importers(e)
                        .iter()
                        .map(|s| code(s.name.as_str()))
                        .collect()
                })
                .unwrap_or_default();
            vec![
                format!("{}: {}", code(o.id.as_str()), o.description),
                reader.value(&o.value),
                o.export
                    .as_deref()
                    .map_or_else(|| "not exported".to_owned(), code),
                if importers.is_empty() {
                    "no stack".to_owned()
                } else {
                    importers.join(", ")
                },
            ]
        })
        .collect();
    section.table(&["Output", "Value", "Export", "Imported by"], rows)
}

/// A section as Markdown: a `##` heading, then its blocks separated by blank lines. Every
/// table cell is escaped, so a `|` or a newline in a value cannot break the table.
fn markdown(out: &mut String, section: &Section) {
    out.push_str("## ");
    out.push_str(&section.title);
    out.push('\n');
    for block in &section.blocks {
        out.push('\n');
        write_block(out, block);
    }
}

fn write_block(out: &mut String, block: &Block) {
    match block {
        Block::Text(text) => {
            out.push_str(text);
            out.push('\n');
        }
        Block::Heading(heading) => {
            out.push_str("### ");
            out.push_str(heading);
            out.push('\n');
        }
        Block::Table { header, rows } => {
            table_row(out, header);
            out.push_str(&"|---".repeat(header.len()));
            out.push_str("|\n");
            for row in rows {
                table_row(out, row);
            }
        }
        Block::List(items) => {
            for (item, sub) in items {
                out.push_str("- ");
                out.push_str(item);
                out.push('\n');
                for s in sub {
                    out.push_str("  - ");
                    out.push_str(s);
                    out.push('\n');
                }
            }
        }
    }
}

fn table_row(out: &mut String, cells: &[String]) {
    out.push('|');
    for cell in cells {
        if !cell.is_empty() {
            out.push(' ');
            write_cell(out, cell);
        }
        out.push_str(" |");
    }
    out.push('\n');
}

/// Text for a Markdown table cell: a `|` would end the cell and a newline the row.
fn write_cell(out: &mut String, value: &str) {
    // Both are ASCII, so splitting at their bytes keeps every character whole.
    let mut start = 0;
    for i in memchr::memchr2_iter(b'|', b'\n', value.as_bytes()) {
        let escaped = if value.as_bytes()[i] == b'|' {
            "\\|"
        } else {
            " "
        };
        out.push_str(&value[start..i]);
        out.push_str(escaped);
        start = i + 1;
    }
    out.push_str(&value[start..]);
}

#[cfg(test)]
mod tests {
    use super::write_cell;
    use proptest::prelude::*;

    proptest! {
        /// A cell holds no bare `|` and no newline, and reads back as the value with each
        /// newline a space.
        #[test]
        fn any_value_stays_in_its_cell(value in "[a|\\\n é]{0,24}|\\PC{0,24}") {
            let mut out = String::new();
            write_cell(&mut out, &value);
            prop_assert!(!out.contains('\n'));
            prop_assert!(!out.replace("\\|", "").contains('|'));
            prop_assert_eq!(out.replace("\\|", "|"), value.replace('\n', " "));
        }
    }

    #[test]
    fn cells_escape_pipes_and_newlines() {
        for (value, cell) in [
            ("a | b\nc", "a \\| b c"),
            ("||\n", "\\|\\| "),
            ("plain", "plain"),
            ("é|ü", "é\\|ü"),
        ] {
            let mut out = String::new();
            write_cell(&mut out, value);
            assert_eq!(out, cell);
        }
    }
}
