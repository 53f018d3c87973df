//! Lint `stateful-policy`: a resource whose kind holds data that outlives a deployment
//! ([`Kind::STATEFUL`](crate::model::Kind::STATEFUL): images, secret values, logs) must be
//! retained both when its stack is deleted and when an update replaces it; CloudFormation's
//! default for both is to delete it with its data (but on delete for an RDS cluster, and an
//! RDS instance outside one, which it snapshots). `Snapshot` keeps the data too, for the
//! types that take snapshots (a raw database, cache cluster or volume); on any other type
//! CloudFormation refuses the template.

use super::Sink;
use crate::model::raw::SNAPSHOT_TYPES;
use crate::model::{DeletionPolicy, Properties, Resource, is_stateful_type};

pub(super) fn check(r: &Resource, sink: &mut Sink<'_>) {
    let type_name = r.properties.type_name();
    // Looked up only for a resource that names Snapshot (none of the builders' does).
    let snapshots = || SNAPSHOT_TYPES.contains(&type_name);
    if let Some(l) = r.lifecycle
        && (l.deletion == DeletionPolicy::Snapshot || l.update_replace == DeletionPolicy::Snapshot)
        && !snapshots()
    {
        let refused: Vec<&str> = [
            ("DeletionPolicy", l.deletion),
            ("UpdateReplacePolicy", l.update_replace),
        ]
        .into_iter()
        .filter(|(_, p)| *p == DeletionPolicy::Snapshot)
        .map(|(name, _)| name)
        .collect();
        if !refused.is_empty() {
            sink.push(
                "stateful-policy",
                r.id.as_str(),
                format!(
                    "its {} is Snapshot, which CloudFormation takes only for {} (a {type_name} has no snapshot): the template is refused",
                    refused.join(" and "),
                    SNAPSHOT_TYPES.join(", ")
                ),
                "use Retain (Resource::retained(), as the builders do)",
            );
            return;
        }
    }
    if !r.properties.is_stateful() {
        // `Raw::stateless` cannot make a type's data go away: a raw resource of a type a
        // stateful kind models (a table, queue, secret, log group, repository, the OIDC
        // provider roles trust) holds what the kind holds, and so does one of the types
        // `data/stateful-types.txt` names (a bucket, a database, a key, an event archive) or
        // one whose properties keep data (`raw::HOLDS_DATA_WITH`: a topic's message archive);
        // a database instance that names its cluster keeps nothing of its own.
        let holds_data = match &r.properties {
            Properties::Raw(raw) => raw.holds_data(),
            _ => false,
        };
        if holds_data {
            sink.push(
                "stateful-policy",
                r.id.as_str(),
                format!(
                    "raw {type_name} is declared stateless, but {} holds what outlives a deployment (data, or the trust other roles place in it): deleting or replacing it loses that",
                    if is_stateful_type(type_name) {
                        format!("a {type_name}")
                    } else {
                        "one with these properties (a message archive)".to_owned()
                    }
                ),
                "remove .stateless() so it is retained and its replacements are guarded, or use the modelled kind (Service::table, queue, secret, Registry)",
            );
        }
        return;
    }
    let what = r.properties.phrase(&r.id);
    // A snapshot keeps the data of a type that takes one (checked above).
    let deletes = |p: Option<DeletionPolicy>| {
        !matches!(p, Some(DeletionPolicy::Retain | DeletionPolicy::Snapshot))
    };
    // Without a DeletionPolicy, CloudFormation snapshots an RDS cluster, and an RDS instance
    // outside a cluster, before deleting it: its documented default for them. Its default on
    // replace is Delete for every type.
    let deletion = r
        .lifecycle
        .map(|l| l.deletion)
        .or_else(|| match &r.properties {
            Properties::Raw(raw) if raw.snapshot_by_default() => Some(DeletionPolicy::Snapshot),
            _ => None,
        });
    let (on_delete, on_replace) = (
        deletes(deletion),
        deletes(r.lifecycle.map(|l| l.update_replace)),
    );
    if !on_delete && !on_replace {
        return;
    }
    let (missing, loses) = match (on_delete, on_replace) {
        (true, true) => (
            "DeletionPolicy and UpdateReplacePolicy",
            "deleting the stack or replacing the resource deletes the data",
        ),
        (true, false) => (
            "DeletionPolicy",
            "deleting the stack (or dropping the resource from it) deletes the data",
        ),
        // Only by CloudFormation's default: no policy is written.
        _ if r.lifecycle.is_none() => (
            "UpdateReplacePolicy",
            "a replacement deletes the old one with its data (deleting the stack keeps a snapshot, CloudFormation's DeletionPolicy default for it)",
        ),
        _ => (
            "UpdateReplacePolicy",
            "a replacement deletes the old one with its data",
        ),
    };
    sink.push(
        "stateful-policy",
        r.id.as_str(),
        format!(
            "{what} holds data that outlives a deployment, but its {missing} is not Retain: {loses}"
        ),
        if snapshots() {
            "retain it (Resource::retained(), as the builders do): DeletionPolicy and UpdateReplacePolicy Retain, or Snapshot"
        } else {
            "retain it (Resource::retained(), as the builders do): DeletionPolicy and UpdateReplacePolicy Retain"
        },
    );
}
