#!/usr/bin/env python3
"""Turns the PyPI package botocore (AWS's API models, the ones every AWS SDK is generated from)
into iam-data/requests.txt: the IAM actions whose request carries who may do what, which AWS's
access levels do not always say (OpenSearch's UpdateDomainConfig is a Write that takes the
domain's access policy; RAM's AssociateResourceShare a Write that names the accounts a share
grants to); and iam-data/inert.txt: the writes whose request carries nothing that could be
code, configuration that runs code, a role or a policy (Lambda's PutFunctionConcurrency: the
function's name and a number).

Usage: python3 iam-data/requests.py [BOTOCORE_WHEEL]
Without BOTOCORE_WHEEL it runs `pip download botocore --no-deps` in a temporary directory.
Afterwards update the version and date in iam-data/README.md and run `cargo test -p infra-gen`.

Format (tab-separated, sorted): `<prefix>:<Action>  <what>  <member>`, one line per action
listed in iam-data/actions.txt (the operation's name under its service's signing name or
endpoint prefix, as IAM names it), where <what> is
  policy      a string member named ...Policy/...Policies/...PolicyDocument/...PolicyText that
              AWS documents as an access, resource-based, key, trust or permissions policy
  principals  a member named principal(s): the principals the request grants to
  credential  a string member (not an enumeration) named ...Password or ...Passwords, or
              ...AuthToken documented as a password (ElastiCache's AuthToken), at the top of the
              input or in a structure in it
              (`AuthenticationMode.Passwords`): a password the request sets, for a user, a
              broker or a database
and <member> is the first such member of the operation's input (its path, `.`-separated).

inert.txt lists `<prefix>:<Action>`, sorted, for each Write or Tagging action whose input's
members are all, recursively (a structure's members, a list's items): numbers, booleans,
timestamps, enumerated strings, tags (`Tags`, `TagKeys`, ...), `DryRun`, tokens (`...Token`:
idempotency and paging), or strings naming a resource — bound to the request's URI or query, or
named `...Name`, `...Arn`, `...Id`, `...Identifier`, `...Qualifier`, `...Resource` (and their
plurals) — unless the member's name (or an enclosing one's) says it carries a role, profile,
policy, image, document, script, code, command, definition, template, layer, handler, runtime,
principal, user, group or key, which choose what runs or who may act.
"""

import gzip
import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile

POLICY_NAME = re.compile(r"(polic(y|ies)|policydocument|policytext)$", re.I)
POLICY_DOC = re.compile(r"(resource[- ]based|access|IAM|key|trust|permissions?|resource) polic(y|ies)", re.I)
PRINCIPALS = re.compile(r"principals?", re.I)
NAMES = re.compile(r"(Name|Arn|ARN|Id|ID|Identifier|Qualifier|Resource|ResourceArn)s?$")
CARRIES = re.compile(
    r"role|profile|polic|image|document|script|code|command|definition|template|layer|handler"
    r"|runtime|principal|user|group|key",
    re.I,
)
INERT_NAMES = re.compile(r"(tags?|tagkeys|taglist|tagstoadd|tagstoremove|dryrun)", re.I)
NUMBERS = ("integer", "long", "boolean", "double", "float", "timestamp")
PASSWORD = re.compile(r"(^|[a-z])Passwords?$")
# A token member its documentation calls a password (the AUTH token a Redis-compatible cache
# checks), not one a service presents elsewhere (Glue's source-control token).
TOKEN = re.compile(r"AuthToken$")


def password(name: str, ref: dict, shapes: dict, depth: int = 0):
    """The path of a password member at or under request member `name`, if any."""
    shape = shapes[ref["shape"]]
    kind = shape["type"]
    if kind == "list":
        return password(name, shape["member"], shapes, depth)
    if kind == "string":
        doc = (ref.get("documentation") or "") + (shape.get("documentation") or "")
        named = PASSWORD.search(name) or (TOKEN.search(name) and "password" in doc.lower())
        return name if named and "enum" not in shape else None
    if kind == "structure" and depth < 3:
        for k, v in shape.get("members", {}).items():
            inner = password(k, v, shapes, depth + 1)
            if inner:
                return f"{name}.{inner}"
    return None


def inert(name: str, ref: dict, shapes: dict, depth: int = 0) -> bool:
    """Whether request member `name` carries nothing that could choose what runs or who may act."""
    shape = shapes[ref["shape"]]
    kind = shape["type"]
    if INERT_NAMES.fullmatch(name) or kind in NUMBERS:
        return True
    if depth > 6 or CARRIES.search(name):
        return False
    if kind == "string":
        return (
            "enum" in shape
            or name.endswith("Token")
            or ref.get("location") in ("uri", "querystring")
            or bool(NAMES.search(name))
        )
    if kind == "list":
        return inert(name, shape["member"], shapes, depth + 1)
    if kind == "structure":
        return all(inert(k, v, shapes, depth + 1) for k, v in shape.get("members", {}).items())
    return False


def wheel() -> str:
    tmp = tempfile.mkdtemp()
    subprocess.run(
        ["pip", "download", "botocore", "--no-deps", "-d", tmp], check=True, capture_output=True
    )
    (whl,) = [f for f in os.listdir(tmp) if f.endswith(".whl")]
    return os.path.join(tmp, whl)


def iam_actions(path: str, levels: dict = None) -> dict:
    """`prefix` -> lowercased action name -> AWS's spelling, from actions.txt; `levels` gets
    each `prefix:Action`'s access levels."""
    actions, service, prefix = {}, None, None
    with open(path, encoding="utf-8") as f:
        for line in f:
            fields = line.rstrip("\n").split("\t")
            if fields[0] == "S":
                prefix = fields[1]
                service = actions.setdefault(prefix, {})
            elif not line.startswith("#") and fields[0] not in ("R", "K"):
                service[fields[0].lower()] = fields[0]
                if levels is not None:
                    levels[f"{prefix}:{fields[0]}"] = fields[1]
    return actions


def main() -> None:
    path = sys.argv[1] if len(sys.argv) > 1 else wheel()
    here = os.path.dirname(os.path.abspath(__file__))
    levels = {}
    iam = iam_actions(os.path.join(here, "actions.txt"), levels)
    archive = zipfile.ZipFile(path)
    version = re.search(r"botocore-([^-]+)-", os.path.basename(path)).group(1)
    models = {}
    for name in archive.namelist():
        parts = name.split("/")
        if len(parts) == 5 and parts[0] == "botocore" and parts[4].startswith("service-2.json"):
            service, api = parts[2], parts[3]
            if service not in models or api > models[service][0]:
                models[service] = (api, name)
    found, quiet = {}, set()
    for service, (_, name) in sorted(models.items()):
        raw = archive.read(name)
        model = json.loads(gzip.decompress(raw) if name.endswith(".gz") else raw)
        meta, shapes = model["metadata"], model["shapes"]
        prefixes = [p for p in (meta.get("signingName"), meta.get("endpointPrefix")) if p]
        for operation, spec in model["operations"].items():
            shape = spec.get("input", {}).get("shape")
            action = next(
                (f"{p}:{iam[p][operation.lower()]}" for p in prefixes if operation.lower() in iam.get(p, {})),
                None,
            )
            members = shapes[shape].get("members", {}) if shape else {}
            if (
                action
                and set(levels[action]) & set("WT")
                and all(inert(k, v, shapes) for k, v in members.items())
            ):
                quiet.add(action)
            if not shape:
                continue
            for member, ref in shapes[shape].get("members", {}).items():
                target = shapes[ref["shape"]]
                doc = (ref.get("documentation") or "") + " " + (target.get("documentation") or "")
                if POLICY_NAME.search(member) and target.get("type") == "string" and POLICY_DOC.search(doc):
                    what = "policy"
                elif PRINCIPALS.fullmatch(member):
                    what = "principals"
                elif password(member, ref, shapes):
                    what, member = "credential", password(member, ref, shapes)
                else:
                    continue
                action = next(
                    (f"{p}:{iam[p][operation.lower()]}" for p in prefixes if operation.lower() in iam.get(p, {})),
                    None,
                )
                if action and action not in found:
                    found[action] = (what, member)
    out = [f"# botocore {version} (PyPI), licence Apache-2.0"]
    out += [f"{a}\t{w}\t{m}" for a, (w, m) in sorted(found.items())]
    with open(os.path.join(here, "requests.txt"), "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(out) + "\n")
    out = [f"# botocore {version} (PyPI), licence Apache-2.0"] + sorted(quiet)
    with open(os.path.join(here, "inert.txt"), "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
