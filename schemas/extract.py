"""Copy the resource schemas infra-gen validates against out of the pinned Python packages.

Run by refresh.sh inside the validation venv; reads only installed packages, never the network.
"""

import json
import sys
from importlib import metadata
from pathlib import Path

# The provider schemas to extract: every type already in schemas/cloudformation/ (the kinds
# infra-gen models, and the Lambda types SAM passes a function's properties to), plus the types
# named on the command line (a new kind). infra-gen's build script embeds whatever is there.
def cloudformation_types(out, extra):
    present = [
        json.loads(p.read_text())["typeName"] for p in sorted(out.glob("*.json"))
    ]
    return sorted(set(present) | set(extra))

SAM_TYPES = {
    "AWS::Serverless::Function": "samtranslator__internal__schema_source__aws_serverless_function__Resource",
}
# cfn-lint keys its schemas by region; resource schemas are the same everywhere a type exists.
REGION = "us-east-1"


def file_name(type_name):
    return type_name.lower().replace("::", "-") + ".json"


def without_markdown(node):
    """SAM's editor help (markdownDescription, most of the file) is not validation; drop it."""
    if isinstance(node, dict):
        return {k: without_markdown(v) for k, v in node.items() if k != "markdownDescription"}
    if isinstance(node, list):
        return [without_markdown(v) for v in node]
    return node


def write(path, schema):
    path.write_text(json.dumps(schema, indent=2, sort_keys=True) + "\n")


def cloudformation(out, extra):
    import cfnlint.data.schemas as data

    root = Path(data.__file__).parent
    index = json.loads((root / "providers" / f"{REGION}.json").read_text())
    for type_name in cloudformation_types(out, extra):
        schema = json.loads((root / "resources" / f"{index[type_name]}.json").read_text())
        if schema.get("typeName") != type_name:
            sys.exit(f"cfn-lint's schema for {type_name} names {schema.get('typeName')}")
        write(out / file_name(type_name), schema)


def getatts(out):
    """The attributes `Fn::GetAtt` reads beyond a schema's readOnlyProperties, as cfn-lint
    knows them: types whose every property is an attribute (an SSM parameter's `Value`, a
    topic's `TopicName`), and named exceptions. Kept for the vendored types only."""
    from cfnlint.schema import _getatts

    present = {json.loads(p.read_text())["typeName"] for p in out.glob("*.json")}
    table = {}
    for type_name in sorted(present):
        if type_name in _getatts._all_property_types:
            table[type_name] = {"every_property": True}
        elif type_name in _getatts._exceptions:
            table[type_name] = {"properties": sorted(_getatts._exceptions[type_name])}
    return table


def refs(node):
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/definitions/"):
            yield ref[len("#/definitions/") :]
        for value in node.values():
            yield from refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from refs(value)


def sam(out):
    # The generator behind SAM's published schema (schema_source/schema.py), run offline.
    from samtranslator.internal.schema_source.schema import SamModel, get_schema

    full = get_schema(SamModel)
    definitions = full["definitions"]
    for type_name, root in SAM_TYPES.items():
        keep, todo = {}, [root]
        while todo:
            name = todo.pop()
            if name not in keep:
                keep[name] = without_markdown(definitions[name])
                todo.extend(refs(definitions[name]))
        write(
            out / file_name(type_name),
            {
                "$schema": full["$schema"],
                "$ref": f"#/definitions/{root}",
                "definitions": keep,
            },
        )


def main():
    out = Path(sys.argv[1])
    (out / "cloudformation").mkdir(parents=True, exist_ok=True)
    (out / "sam").mkdir(parents=True, exist_ok=True)
    cloudformation(out / "cloudformation", sys.argv[2:])
    sam(out / "sam")
    write(out / "getatt.json", getatts(out / "cloudformation"))
    versions = {p: metadata.version(p) for p in ("cfn-lint", "aws-sam-translator")}
    write(out / "versions.json", versions)


if __name__ == "__main__":
    main()
