#!/usr/bin/env bash
# End to end against moto, with the real SAM CLI: deploys environments the way the deploy
# workflow does (every stack of the environment in `infra-gen list --json` order, each through
# its samconfig.toml config-env; a service after its registry, with ImageTag and the registry's
# repository), then checks that `infra-gen diff --deployed` sees no difference, although sam
# deploy re-serializes the template and adds metadata to every resource, and that `plan` finds
# nothing to change. Never contacts AWS: every call goes to a moto server on localhost, with
# dummy credentials.
# Usage: VENV=<virtualenv with tests/deploy/requirements.txt> bash tests/deploy/sam-deploy-moto.sh [ENVIRONMENT...]
# (default: every environment the definitions have)
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
: "${VENV:?set VENV to a virtualenv with tests/deploy/requirements.txt installed}"
VENV=$(cd "$VENV" && pwd) # the script changes directory
for tool in sam python; do
  [ -x "$VENV/bin/$tool" ] || { echo "error: $VENV/bin/$tool not found: pip install -r tests/deploy/requirements.txt into \$VENV" >&2; exit 2; }
done
infra_gen=(cargo run --quiet -p stacks --features aws --bin infra-gen -- --root "$root")
listing=$("${infra_gen[@]}" list --json)
if [ $# -eq 0 ]; then
  mapfile -t environments < <(python3 -c 'import json, sys
seen = []
for s in json.load(sys.stdin)["stacks"]:
    if s["environment"] not in seen:
        seen.append(s["environment"])
print("\n".join(seen))' <<<"$listing")
else
  environments=("$@")
fi
# One line per stack of the environments, in deploy order: name region registry (or -) kind.
# The bootstrap stack (the account side) goes first, as an administrator deploys it before any
# workflow: every other stack's config-env names one of its execution roles (role_arn).
mapfile -t stacks < <(python3 -c 'import json, sys
envs = sys.argv[1:]
stacks = json.load(sys.stdin)["stacks"]
for s in sorted(stacks, key=lambda s: not s.get("bootstrap")):
    if s["environment"] in envs or s.get("bootstrap"):
        image = s["image"] or {}
        print(s["name"], s["region"], image.get("registry") or "-", image.get("repository_output") or "-",
              "bootstrap" if s.get("bootstrap") else "stack")' \
  "${environments[@]}" <<<"$listing")
[ ${#stacks[@]} -gt 0 ] || { echo "error: no stacks in environment(s) ${environments[*]}" >&2; exit 2; }

work=$(mktemp -d)
moto_pid=
cleanup() {
  [ -n "$moto_pid" ] && kill "$moto_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# moto binds a port of the kernel's choosing and announces it (tests/support/moto_server.py).
# shellcheck source=../support/announced.sh
source tests/support/announced.sh
"$VENV/bin/python" tests/support/moto_server.py >"$work/moto.url" 2>"$work/moto.log" &
moto_pid=$!
endpoint=$(announced "$moto_pid" "$work/moto.url" 's/^MOTO_URL=//p') \
  || { echo "error: moto did not start; its log:" >&2; cat "$work/moto.log" >&2; exit 1; }

export AWS_ENDPOINT_URL=$endpoint
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test
export AWS_EC2_METADATA_DISABLED=true SAM_CLI_TELEMETRY=0
export AWS_CONFIG_FILE=$work/aws-config AWS_SHARED_CREDENTIALS_FILE=$work/aws-credentials
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_REGION AWS_DEFAULT_REGION

# The commit being "deployed"; the image is not pushed (moto runs no functions).
tag=$(git rev-parse HEAD 2>/dev/null || echo 0123456789abcdef0123456789abcdef01234567)

cp -r generated "$work/generated"
(
  cd "$work/generated"
  for line in "${stacks[@]}"; do
    read -r stack region registry output kind <<<"$line"
    if [ "$kind" = bootstrap ]; then
      # Over the 51,200 bytes CloudFormation takes inline, so sam needs a bucket, and moto's
      # CloudFormation cannot read templates back from its S3 at a custom endpoint: the
      # template goes straight to CreateStack (moto sets no size limit), as an administrator
      # would deploy it.
      "$VENV/bin/python" - "$stack" "$region" <<'PY'
import sys, boto3
stack, region = sys.argv[1:]
cfn = boto3.client("cloudformation", region_name=region)
cfn.create_stack(StackName=stack, TemplateBody=open(f"{stack}.yaml").read(),
                 Capabilities=["CAPABILITY_NAMED_IAM"])
cfn.get_waiter("stack_create_complete").wait(StackName=stack, WaiterConfig={"Delay": 1})
print(f"ok: {stack} created")
PY
    fi
    if [ "$registry" = - ]; then
      [ "$kind" = bootstrap ] || "$VENV/bin/sam" deploy --config-env "$stack" --no-confirm-changeset --no-progressbar
      if [ "$kind" = bootstrap ]; then
        # Every execution role the config-envs pass (role_arn) now exists under its name.
        "$VENV/bin/python" - "$region" <<'PY'
import re, sys, boto3
iam = boto3.client("iam", region_name=sys.argv[1])
names = set(re.findall(r'^role_arn = "arn:aws:iam::\d{12}:role/([^"]+)"$', open("samconfig.toml").read(), re.M))
missing = [n for n in sorted(names) if not any(r["RoleName"] == n for r in iam.list_roles()["Roles"])]
assert names and not missing, f"execution roles not created by the bootstrap stack: {missing}"
print(f"ok: the bootstrap stack created the {len(names)} execution roles samconfig.toml names")
PY
      fi
      continue
    fi
    repository=$("$VENV/bin/python" - "$registry" "$region" "$output" <<'PY'
import sys, boto3
registry, region, output = sys.argv[1:]
stack = boto3.client("cloudformation", region_name=region).describe_stacks(StackName=registry)["Stacks"][0]
outputs = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
# moto leaves outputs empty; the URI's shape is what sam checks.
print(outputs.get(output, f"123456789012.dkr.ecr.{region}.amazonaws.com/{registry}"))
PY
    )
    "$VENV/bin/sam" deploy --config-env "$stack" --no-confirm-changeset --no-progressbar \
      --parameter-overrides "ImageTag=$tag" --image-repository "$repository"
  done
)

plans=""
planned=0
for line in "${stacks[@]}"; do
  read -r stack _ registry _ kind <<<"$line"
  "${infra_gen[@]}" diff --deployed "$stack"
  # The bootstrap stack is over the 51,200 bytes plan can send inline (sam uploads it to S3).
  [ "$kind" = bootstrap ] && continue
  planned=$((planned + 1))
  # plan sends what sam deploy sent (same template, tags, capabilities, resource metadata,
  # execution role), so right after a deploy it must find nothing to change.
  if [ "$registry" = - ]; then
    plans+="$("${infra_gen[@]}" plan "$stack")"$'\n'
  else
    plans+="$("${infra_gen[@]}" plan "$stack" --image-tag "$tag")"$'\n'
  fi
done
echo "$plans"
[ "$(grep -c ': no changes$' <<<"$plans")" = "$planned" ] || { echo "error: plan right after sam deploy should find no changes" >&2; exit 1; }
echo "ok: sam deploy of ${#stacks[@]} stack(s) (${environments[*]}) through samconfig.toml, then diff --deployed and plan, against moto"
