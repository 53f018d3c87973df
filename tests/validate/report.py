"""Summarise run.sh's tool reports as one table; exit 1 on any finding no suppression explains.

Usage: report.py REPORT_DIR GENERATED_DIR --seconds N

A suppression is explained by the definitions: infra-gen writes it into the resource's
Metadata in each tool's own format, with its reason (see infra-gen/src/model/review.rs).
checkov and cfn-lint honour their formats themselves. The Control Tower guard rules do not
read `Metadata.guard.SuppressedRules` (only rules written for the guard rules registry do), so
this script applies that list: a guard failure counts as suppressed only when every resource it
names lists the rule there.
"""

import argparse
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

from samtranslator.yaml_helper import yaml_parse


def load_templates(directory, pattern):
    """stack name -> template, for the SAM YAML or the translated JSON files."""
    out = {}
    for path in sorted(Path(directory).glob(pattern)):
        text = path.read_text()
        out[path.stem] = json.loads(text) if path.suffix == ".json" else yaml_parse(text)
    return out


def suppressions(templates):
    """(tool, rule, stack, resource) -> reason, from every resource's Metadata."""
    found = {}
    for stack, template in templates.items():
        for rid, resource in (template.get("Resources") or {}).items():
            meta = resource.get("Metadata") or {}
            reasons = (meta.get("infra-gen") or {}).get("SuppressionReasons") or {}
            for skip in (meta.get("checkov") or {}).get("skip") or []:
                found[("checkov", skip["id"], stack, rid)] = skip.get("comment", "")
            for rule in (meta.get("guard") or {}).get("SuppressedRules") or []:
                found[("cfn-guard", rule, stack, rid)] = reasons.get(f"cfn-guard {rule}", "")
            config = (meta.get("cfn-lint") or {}).get("config") or {}
            for rule in config.get("ignore_checks") or []:
                found[("cfn-lint", rule, stack, rid)] = reasons.get(f"cfn-lint {rule}", "")
    return found


class Tally:
    def __init__(self):
        self.rows = []
        self.suppressed = defaultdict(set)  # (tool, rule, stack, resource, reason) -> forms
        self.unexplained = []

    def row(self, tool, form, run, passed, failed, suppressed):
        self.rows.append((tool, form, run, passed, failed, suppressed))

    def suppress(self, tool, rule, stack, resource, reason, form):
        self.suppressed[(tool, rule, stack, resource, reason)].add(form)

    def fail(self, tool, form, stack, resource, rule, message):
        self.unexplained.append(f"{tool} [{form}] {stack} › {resource}: {rule}: {message}")


def cfn_lint(tally, out, form, stacks, declared):
    matches = json.loads((out / f"cfn-lint-{form}.json").read_text() or "[]")
    rules = [
        line.split(":", 1)[0]
        for line in (out / "cfn-lint-rules.txt").read_text().splitlines()
        if re.match(r"^[EW]\d+:", line)
    ]
    failing = set()
    for m in matches:
        stack = Path(m["Filename"]).stem
        path = m["Location"]["Path"]
        resource = path[1] if len(path) > 1 and path[0] == "Resources" else "(template)"
        failing.add((stack, m["Rule"]["Id"]))
        tally.fail("cfn-lint", form, stack, resource, m["Rule"]["Id"], m["Message"])
    # cfn-lint drops what a resource's metadata ignores without saying so: count the declared ones.
    ignored = [k for k in declared if k[0] == "cfn-lint" and k[2] in stacks]
    for tool, rule, stack, resource in ignored:
        tally.suppress(tool, rule, stack, resource, declared[(tool, rule, stack, resource)], form)
    run = len(rules) * len(stacks)
    tally.row("cfn-lint", form, run, run - len(failing) - len(ignored), len(matches), len(ignored))


def resources_named(node):
    """Resource ids a guard result points at, from its /Resources/<id>/... paths."""
    ids = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "path" and isinstance(value, str) and value.startswith("/Resources/"):
                ids.add(value.split("/")[2])
            else:
                ids |= resources_named(value)
    elif isinstance(node, list):
        for value in node:
            ids |= resources_named(value)
    return ids


def guard(tally, out, declared):
    results = json.loads((out / "guard-translated.json").read_text())
    run = passed = failed = suppressed = 0
    for result in results:
        stack = Path(result["name"]).stem
        passed += len(result["compliant"])
        run += len(result["compliant"]) + len(result["not_compliant"])
        for item in result["not_compliant"]:
            rule = item["Rule"]["name"]
            ids = resources_named(item) or {"(template)"}
            reasons = [declared.get(("cfn-guard", rule, stack, rid)) for rid in sorted(ids)]
            if all(r is not None for r in reasons):
                suppressed += 1
                for rid, reason in zip(sorted(ids), reasons):
                    tally.suppress("cfn-guard", rule, stack, rid, reason, "translated")
            else:
                failed += 1
                for rid, reason in zip(sorted(ids), reasons):
                    if reason is None:
                        tally.fail("cfn-guard", "translated", stack, rid, rule, "not compliant")
    tally.row("cfn-guard", "translated", run, passed, failed, suppressed)


def checkov(tally, out, form):
    report = json.loads((out / f"checkov-{form}.json").read_text())
    reports = report if isinstance(report, list) else [report]
    run = passed = failed = skipped = 0
    for r in reports:
        results = r.get("results", {})
        for c in results.get("passed_checks", []):
            passed += 1
        for c in results.get("failed_checks", []):
            failed += 1
            stack = Path(c["file_path"]).stem
            tally.fail("checkov", form, stack, c["resource"].split(".")[-1], c["check_id"], c["check_name"])
        for c in results.get("skipped_checks", []):
            skipped += 1
            stack = Path(c["file_path"]).stem
            reason = (c.get("check_result") or {}).get("suppress_comment", "")
            tally.suppress("checkov", c["check_id"], stack, c["resource"].split(".")[-1], reason, form)
    run = passed + failed + skipped
    tally.row("checkov", form, run, passed, failed, skipped)


def origins(resource, declaring):
    """The SAM resources whose Metadata a reported resource carries: itself, or the longest
    SAM logical ID it starts with (SAM names what it adds after the resource: FunctionUrl,
    FunctionUrlPublicPermissions, FunctionAliaslive, ...). A resource named after none (a
    deployment application SAM adds) may carry any of them, so it counts for all."""
    candidates = [r for r in declaring if resource.startswith(r)]
    return {max(candidates, key=len)} if candidates else set(declaring)


def stale_suppressions(declared, suppressed):
    """(tool, rule, stack, resource) suppressions of the SAM form that no finding needed, in
    either form: a finding on a translated resource counts for the SAM resource it came from.
    cfn-lint drops ignored findings without reporting them, so its own cannot be judged."""
    declaring = defaultdict(set)  # (tool, rule, stack) -> SAM resources declaring it
    for tool, rule, stack, resource in declared:
        declaring[(tool, rule, stack)].add(resource)
    used = {
        (tool, rule, stack, origin)
        for tool, rule, stack, resource, _ in suppressed
        for origin in origins(resource, declaring[(tool, rule, stack)])
    }
    return sorted(k for k in declared if k[0] != "cfn-lint" and k not in used)


def source(template):
    """The definition file a generated template names in its header, or None."""
    try:
        first = template.read_text().splitlines()[0]
    except (OSError, IndexError):
        return None
    match = re.match(r"# Generated by infra-gen from (\S+) ", first)
    return match.group(1) if match else None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("reports", type=Path)
    parser.add_argument("generated", type=Path)
    parser.add_argument("--seconds", type=float, required=True)
    args = parser.parse_args()

    sam = load_templates(args.generated, "*.yaml")
    translated = load_templates(args.reports / "translated", "*.json")
    tally = Tally()
    cfn_lint(tally, args.reports, "sam", sam, suppressions(sam))
    cfn_lint(tally, args.reports, "translated", translated, suppressions(translated))
    guard(tally, args.reports, suppressions(translated))
    checkov(tally, args.reports, "sam")
    checkov(tally, args.reports, "translated")

    print(f"Third-party checks of {len(sam)} template(s), {args.seconds:.1f} s")
    header = ("tool", "form", "checks", "passed", "failed", "suppressed")
    widths = [10, 11, 7, 7, 7, 10]
    line = lambda cells: "  ".join(str(c).ljust(w) if i < 2 else str(c).rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))
    print(line(header))
    print(line(["-" * w for w in widths]))
    for row in tally.rows:
        print(line(row))
    if tally.suppressed:
        print("\nSuppressed, with the reason the definition gives:")
        grouped = defaultdict(list)
        for (tool, rule, stack, resource, reason), forms in sorted(tally.suppressed.items()):
            grouped[(tool, rule, resource, reason)].append((stack, ",".join(sorted(forms))))
        for (tool, rule, resource, reason), where in sorted(grouped.items()):
            stacks = "; ".join(f"{s} [{f}]" for s, f in where)
            print(f"  {tool} {rule} on {resource} ({stacks})\n      {reason or '(no reason recorded)'}")
    missing = [k for k in tally.suppressed if not k[4]]
    declared = suppressions(sam)
    stale = stale_suppressions(declared, tally.suppressed)
    sources = {stack: source(args.generated / f"{stack}.yaml") for stack in sam}
    if tally.unexplained or missing or stale:
        print("\nUnexplained findings:")
        for f in tally.unexplained:
            print(f"  {f}")
        for tool, rule, stack, resource, _ in missing:
            print(
                f"  {tool} {rule} on {stack} › {resource} is suppressed without a reason"
                f"\n      fix: give the suppression a reason in {sources.get(stack, 'its definition')}"
            )
        for tool, rule, stack, resource in stale:
            print(
                f"  {tool} {rule} on {stack} › {resource} is suppressed but nothing fails it"
                f"\n      fix: remove the suppression of {tool} {rule} from {resource}"
                f" (a Suppression, or the PolicyException that adds it) in {sources.get(stack, 'its definition')}"
            )
        sys.exit(1)
    print("\nNo unexplained findings.")


if __name__ == "__main__":
    main()
