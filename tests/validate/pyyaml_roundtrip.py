"""Reads the emitter's corpus (infra-gen's yaml_corpus example) with PyYAML, the parser
cfn-lint uses, and fails on any case that does not read back as its JSON value.

    cargo run -q -p infra-gen --example yaml_corpus | python tests/validate/pyyaml_roundtrip.py
"""

import json
import sys

import yaml


def main() -> int:
    cases = failures = 0
    for line in sys.stdin:
        case = json.loads(line)
        cases += 1
        try:
            got = yaml.safe_load(case["yaml"])
        except yaml.YAMLError as e:
            got = f"<PyYAML refused it: {e}>"
        if got != case["json"]:
            failures += 1
            if failures <= 5:
                print(f"mismatch:\n  yaml: {case['yaml']!r}\n  want: {case['json']!r}\n  got:  {got!r}")
    print(f"PyYAML round-trip: {cases - failures} passed, {failures} failed")
    return 1 if failures or not cases else 0


if __name__ == "__main__":
    sys.exit(main())
