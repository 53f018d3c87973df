"""reports: summarises a JSON-lines export kept in S3, for callers that sign with SigV4.

GET /reports/<name> reads s3://$EXPORTS_BUCKET/$EXPORTS_PREFIX<name> and answers with its row
count and the field names it uses, kept in the DynamoDB table $SUMMARIES_TABLE by the export's
ETag so an unchanged export is not read again; GET /health answers {"status": "ok"}. The Function URL's
AuthType is AWS_IAM, so only principals allowed lambda:InvokeFunctionUrl reach this code. The
response is buffered (the whole body at once), as the stack's HandlerMode::Buffered declares.
"""

import json
import os

import boto3

BUCKET = os.environ["EXPORTS_BUCKET"]
PREFIX = os.environ["EXPORTS_PREFIX"]
s3 = boto3.client("s3")
summaries = boto3.resource("dynamodb").Table(os.environ["SUMMARIES_TABLE"])


def response(status, body):
    return {
        "statusCode": status,
        "headers": {"content-type": "application/json"},
        "body": json.dumps(body),
    }


def handler(event, _context):
    path = event.get("rawPath", "/")
    if path == "/health":
        return response(200, {"status": "ok"})
    name = path.removeprefix("/reports/")
    if name == path:
        return response(404, {"error": f"no route for {path}"})
    # One object directly under the prefix: no traversal into other keys.
    if not name or "/" in name or name.startswith("."):
        return response(400, {"error": "name one export, e.g. /reports/2026-11.jsonl"})
    try:
        export = s3.get_object(Bucket=BUCKET, Key=PREFIX + name)
    except s3.exceptions.NoSuchKey:
        return response(404, {"error": f"no export named {name}"})
    cached = summaries.get_item(Key={"report": name}).get("Item")
    if cached and cached.get("etag") == export["ETag"]:
        export["Body"].close()
        return response(200, json.loads(cached["summary"]))
    rows, fields = 0, set()
    for line in export["Body"].iter_lines():
        if line.strip():
            rows += 1
            fields.update(json.loads(line))
    summary = {"report": name, "rows": rows, "fields": sorted(fields)}
    summaries.put_item(
        Item={"report": name, "etag": export["ETag"], "summary": json.dumps(summary)}
    )
    return response(200, summary)
