//! A [`Review`] laid out for a terminal ([`plain`]) and as GitHub-flavoured Markdown
//! ([`markdown`]) for `$GITHUB_STEP_SUMMARY` and the pull-request comment. Both lay out the
//! same tables, so they cannot say different things.

use super::{Review, StackReview, Verdict};

/// The first line of the Markdown form: the workflow finds its own comment by it.
pub const MARKER: &str = "<!-- infra-gen review -->";

struct Table {
    title: &'static str,
    header: &'static [&'static str],
    rows: Vec<Vec<String>>,
}

fn or_none(v: &Option<String>) -> String {
    v.clone().unwrap_or_else(|| "—".into())
}

fn tables(s: &StackReview) -> Vec<Table> {
    let mut out = Vec::new();
    if let Some(order) = &s.deploy_order {
        let list = |v: &[String]| {
            if v.is_empty() {
                "no other stack".to_owned()
            } else {
                v.join(", ")
            }
        };
        out.push(Table {
            title: "Deploy order",
            header: &["deploys after (before)", "deploys after (after)"],
            rows: vec![vec![list(&order.before), list(&order.after)]],
        });
    }
    out.push(Table {
        title: "Permissions",
        header: &[
            "change",
            "verdict",
            "policy",
            "principal",
            "action",
            "resource",
            "condition",
        ],
        rows: s
            .permissions
            .iter()
            .map(|p| {
                let verdict = match (p.verdict, &p.covered_by) {
                    (Verdict::Covered, Some(by)) => {
                        format!("no change in effect (covered by {by})")
                    }
                    (v, _) => format!("{v:?}").to_lowercase(),
                };
                let effect = if p.row.effect == super::policy::Effect::Deny {
                    " deny"
                } else {
                    ""
                };
                let conditions: Vec<String> =
                    p.row.conditions.iter().map(ToString::to_string).collect();
                vec![
                    format!("{}{effect}", p.change),
                    verdict,
                    p.row.holder.clone(),
                    p.row.principal.clone(),
                    p.row.action.clone(),
                    p.row.resource.clone(),
                    if conditions.is_empty() {
                        "none".into()
                    } else {
                        conditions.join(" and ")
                    },
                ]
            })
            .collect(),
    });
    out.push(Table {
        title: "Exposure",
        header: &["resource", "what", "before", "after", "verdict"],
        rows: s
            .exposure
            .iter()
            .map(|e| {
                vec![
                    e.resource.clone(),
                    e.what.clone(),
                    or_none(&e.before),
                    or_none(&e.after),
                    if e.widening { "widening" } else { "narrowing" }.into(),
                ]
            })
            .collect(),
    });
    out.push(Table {
        title: "Stateful resources replaced or deleted",
        header: &[
            "resource",
            "type",
            "change",
            "why",
            "old resource",
            "acknowledged",
        ],
        rows: s
            .stateful
            .iter()
            .map(|st| {
                let ack = match (&st.acknowledged, st.acknowledgement_known) {
                    (Some(reason), _) => format!("yes: {reason}"),
                    (None, true) => "no".into(),
                    (None, false) if st.change == "deleted" => "not applicable".into(),
                    (None, false) => "unknown (committed templates do not record it)".into(),
                };
                vec![
                    st.resource.clone(),
                    st.type_name.clone(),
                    st.change.into(),
                    if st.why.is_empty() {
                        "removed from the template".into()
                    } else {
                        st.why.join(", ")
                    },
                    if st.retained {
                        "retained: orphaned with its data".into()
                    } else {
                        "deleted with its data".into()
                    },
                    ack,
                ]
            })
            .collect(),
    });
    out.push(Table {
        title: "Environment variables",
        header: &["function", "name", "before", "after"],
        rows: s
            .environment
            .iter()
            .map(|e| {
                vec![
                    e.function.clone(),
                    e.name.clone(),
                    or_none(&e.before),
                    or_none(&e.after),
                ]
            })
            .collect(),
    });
    out.push(Table {
        title: "Operations",
        header: &["resource", "setting", "before", "after"],
        rows: s
            .operations
            .iter()
            .map(|o| {
                vec![
                    o.resource.clone(),
                    o.setting.clone(),
                    or_none(&o.before),
                    or_none(&o.after),
                ]
            })
            .collect(),
    });
    out.push(Table {
        title: "Resources",
        header: &[
            "resource", "type", "change", "why", "property", "before", "after",
        ],
        rows: s
            .resources
            .iter()
            .flat_map(|r| {
                let head = vec![
                    r.id.clone(),
                    r.type_name.clone(),
                    r.change.into(),
                    r.why.join(", "),
                ];
                let mut rows: Vec<Vec<String>> = r
                    .properties
                    .iter()
                    .map(|p| {
                        let mut row = head.clone();
                        row.extend([p.setting.clone(), or_none(&p.before), or_none(&p.after)]);
                        row
                    })
                    .collect();
                if rows.is_empty() || matches!(r.change, "added" | "removed") {
                    let mut row = head;
                    row.extend(["—".into(), "—".into(), "—".into()]);
                    rows = vec![row];
                }
                rows
            })
            .collect(),
    });
    out.retain(|t| !t.rows.is_empty());
    out
}

fn verdict(r: &Review) -> String {
    if r.gated() {
        format!(
            "needs explicit approval ({} reason(s)): it widens permissions or exposure, replaces or deletes a stateful resource, or makes an update CloudFormation fails",
            r.gate.len()
        )
    } else {
        "no widening, no stateful resource replaced or deleted".into()
    }
}

fn stack_title(s: &StackReview) -> String {
    match (s.change, &s.region) {
        ("text-only", _) => format!("{} (text changed, same meaning)", s.stack),
        (_, Some(m)) => format!("{} (moved from {} to {})", s.stack, m.from_words(), m.to),
        (other, None) => format!("{} ({other})", s.stack),
    }
}

/// For a terminal: one block per stack, one line per row.
pub fn plain(r: &Review) -> String {
    let mut out = format!("review of {} against {}\n", r.head, r.base);
    if r.stacks.is_empty() {
        out.push_str("no template changes\n");
    }
    for s in &r.stacks {
        out.push_str(&format!("\nstack {}\n", stack_title(s)));
        let tables = tables(s);
        if tables.is_empty() {
            out.push_str("  the template text changed (comments or layout), not its meaning\n");
        }
        for t in tables {
            out.push_str(&format!("  {}:\n", t.title));
            for row in &t.rows {
                let cells: Vec<String> = t
                    .header
                    .iter()
                    .zip(row)
                    .filter(|(_, v)| !v.is_empty() && v.as_str() != "—")
                    .map(|(h, v)| format!("{h}: {v}"))
                    .collect();
                out.push_str(&format!("    - {}\n", cells.join("; ")));
            }
        }
    }
    out.push_str(&format!("\nverdict: {}\n", verdict(r)));
    for g in &r.gate {
        out.push_str(&format!("  - {g}\n"));
    }
    out
}

fn cell(s: &str) -> String {
    let s = s.replace('|', "\\|").replace(['\n', '\r'], " ");
    if s.is_empty() { " ".into() } else { s }
}

/// GitHub-flavoured Markdown, starting with [`MARKER`].
pub fn markdown(r: &Review) -> String {
    let mut out = format!(
        "{MARKER}\n## infra-gen review\n\n{} against {}\n\n",
        cell(&r.head),
        cell(&r.base)
    );
    if r.gated() {
        out.push_str(&format!("**Verdict: {}.**\n\n", verdict(r)));
        for g in &r.gate {
            out.push_str(&format!("- {}\n", cell(g)));
        }
        out.push('\n');
    } else {
        out.push_str(&format!("Verdict: {}.\n\n", verdict(r)));
    }
    if r.stacks.is_empty() {
        out.push_str("No template changes.\n");
    }
    for s in &r.stacks {
        out.push_str(&format!("### {}\n\n", cell(&stack_title(s))));
        let tables = tables(s);
        if tables.is_empty() {
            out.push_str("The template text changed (comments or layout), not its meaning.\n\n");
        }
        for t in tables {
            out.push_str(&format!(
                "**{}**\n\n| {} |\n|{}\n",
                t.title,
                t.header.join(" | "),
                "---|".repeat(t.header.len())
            ));
            for row in &t.rows {
                let cells: Vec<String> = row.iter().map(|c| cell(c)).collect();
                out.push_str(&format!("| {} |\n", cells.join(" | ")));
            }
            out.push('\n');
        }
    }
    out
}
