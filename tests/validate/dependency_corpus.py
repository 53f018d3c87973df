"""Holds lint `dependency` to cfn-lint: reads the corpus `cargo run --example dependency_corpus`
prints (one JSON line per template, with whether infra-gen refuses it), translates each SAM
template offline as the transform would (cfn-lint's graph of an untransformed SAM template
misses cycles through the function), runs cfn-lint once over them all, and fails unless
infra-gen refuses exactly the templates cfn-lint finds circular (E3004).

    cargo run -q -p infra-gen --example dependency_corpus 200 | python dependency_corpus.py CFN_LINT

(python from the venv of tests/validate/requirements.txt, which has cfn-lint and
aws-sam-translator)
"""

import json
import logging
import os
import pathlib
import subprocess
import sys
import tempfile

# Before samtranslator loads boto3: no profile, credentials or instance metadata is read; the
# region only names the partition.
os.environ["AWS_CONFIG_FILE"] = os.devnull
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
os.environ["AWS_DEFAULT_REGION"] = "us-west-2"

from samtranslator.parser.parser import Parser  # noqa: E402

# The translator warns once per template about metrics it never publishes offline.
logging.disable(logging.WARNING)
from samtranslator.translator.translator import Translator  # noqa: E402


def translated(template):
    """The template as the AWS::Serverless transform writes it (its only parameter, ImageTag,
    given a commit SHA)."""

    def no_managed_policies():
        raise RuntimeError("the corpus names no managed policy")

    return Translator(managed_policy_map=None, sam_parser=Parser()).translate(
        template,
        parameter_values={"ImageTag": "0123456789abcdef0123456789abcdef01234567"},
        get_managed_policy_map=no_managed_policies,
    )


def main() -> int:
    cfn_lint = sys.argv[1]
    cases = [json.loads(line) for line in sys.stdin if line.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        paths = {}
        for case in cases:
            path = pathlib.Path(tmp) / f"case-{case['case']}.json"
            path.write_text(json.dumps(translated(case["template"])))
            paths[str(path)] = case
        run = subprocess.run(
            [cfn_lint, "--format", "json", "--", *paths],
            capture_output=True,
            text=True,
            check=False,
        )
        try:
            matches = json.loads(run.stdout or "[]")
        except json.JSONDecodeError:
            print(run.stdout, run.stderr, file=sys.stderr)
            return 1
    circular = {m["Filename"] for m in matches if m["Rule"]["Id"] == "E3004"}
    wrong = [
        (case["case"], case["refused"], path in circular)
        for path, case in paths.items()
        if case["refused"] != (path in circular)
    ]
    refused = sum(case["refused"] for case in cases)
    print(
        f"{len(cases)} templates, {len(circular)} circular by cfn-lint, "
        f"{refused} refused by infra-gen, {len(wrong)} disagreements"
    )
    for n, ours, theirs in wrong:
        print(f"case {n}: infra-gen refuses: {ours}, cfn-lint E3004: {theirs}", file=sys.stderr)
    return 1 if wrong or not cases else 0


if __name__ == "__main__":
    sys.exit(main())
