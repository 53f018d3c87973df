"""Translate SAM templates to plain CloudFormation offline, as the AWS::Serverless transform would.

Usage: translate.py OUT_DIR TEMPLATE...

Nothing here calls AWS. The translator needs a region, an account and a partition to resolve
pseudo parameters: the region is each stack's own, read from samconfig.toml next to the
templates (its deploy config-env is named after the stack); the account id is the
documentation one. The
managed-policy map is empty: our templates name no managed policies (every grant is an inline
statement), so the translator never needs AWS's list of them, and an attempt to use one fails
loudly instead of reaching IAM.

Metadata is passed through (`passthrough_metadata=True`, as `sam build` and the hosted transform's
metadata passthrough do) so that suppressions written on the SAM function reach the
AWS::Lambda::Function, AWS::Lambda::Url and AWS::Lambda::Permission it expands to.
"""

import json
import os
import sys
import tomllib
from pathlib import Path

ACCOUNT = "123456789012"

# Before boto3 is imported: no profile, credentials file or instance metadata is ever read.
os.environ["AWS_CONFIG_FILE"] = os.devnull
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"

from samtranslator.model.exceptions import InvalidDocumentException  # noqa: E402
from samtranslator.parser.parser import Parser  # noqa: E402
from samtranslator.translator.translator import Translator  # noqa: E402
from samtranslator.yaml_helper import yaml_parse  # noqa: E402


class NoManagedPolicies:
    """Stands in for the IAM-backed loader: there is nothing to look up offline."""

    def load(self):
        raise RuntimeError("the template names a managed policy; translate.py resolves none offline")


def region(path):
    """The stack's region, from the samconfig.toml generated next to its template."""
    config = tomllib.loads((Path(path).parent / "samconfig.toml").read_text())
    return config[Path(path).stem]["deploy"]["parameters"]["region"]


def parameter_values(template, region):
    """Example values for the template's parameters and the pseudo parameters."""
    values = {
        "AWS::Region": region,
        "AWS::AccountId": ACCOUNT,
        "AWS::Partition": "aws",
        "AWS::StackName": "example",
    }
    for name in template.get("Parameters", {}):
        # Our only parameter is ImageTag, a git SHA.
        values[name] = "0123456789abcdef0123456789abcdef01234567"
    return values


def translate(path):
    template = yaml_parse(Path(path).read_text())
    if "Transform" not in template:
        return template
    stack_region = region(path)
    # The translator's boto3 session reads the region from here for partition lookups.
    os.environ["AWS_DEFAULT_REGION"] = stack_region
    translator = Translator(managed_policy_map=None, sam_parser=Parser())
    return translator.translate(
        template,
        parameter_values=parameter_values(template, stack_region),
        passthrough_metadata=True,
        get_managed_policy_map=NoManagedPolicies().load,
    )


def main():
    out_dir = Path(sys.argv[1])
    out_dir.mkdir(parents=True, exist_ok=True)
    failed = False
    for path in sys.argv[2:]:
        try:
            translated = translate(path)
        except InvalidDocumentException as e:
            failed = True
            for cause in e.causes:
                print(f"{path}: {cause.message}", file=sys.stderr)
            continue
        out = out_dir / (Path(path).stem + ".json")
        out.write_text(json.dumps(translated, indent=2) + "\n")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
