"""ingest: keeps events sent to an SQS queue in a DynamoDB table, and expires old ones nightly.

Invoked two ways (stacks/src/ingest.rs):
- by the queue, with batches of messages ({"Records": [...]}): each message body is a JSON
  object with "source", "id" and "at" (epoch seconds); it is written to $ITEMS_TABLE as one
  item. Messages that fail are reported in "batchItemFailures" (the mapping's
  ReportBatchItemFailures), so only they return to the queue and, after five receives, go to its
  dead-letter queue;
- by the nightly schedule (EventBridge Scheduler, asynchronously): counts each source's items of
  the last day through the $BY_SOURCE_INDEX index and logs the counts. A run that fails is
  retried twice and then sent to the failures queue.
"""

import json
import os
import time

import boto3

TABLE = boto3.resource("dynamodb").Table(os.environ["ITEMS_TABLE"])
INDEX = os.environ["BY_SOURCE_INDEX"]
SOURCES = [s for s in os.environ.get("SOURCES", "").split(",") if s]


def store(record):
    body = json.loads(record["body"])
    TABLE.put_item(
        Item={
            "pk": f'{body["source"]}#{body["id"]}',
            "source": body["source"],
            "at": int(body["at"]),
        }
    )


def handler(event, _context):
    if "Records" in event:
        failures = []
        for record in event["Records"]:
            try:
                store(record)
            except (KeyError, ValueError, TypeError) as error:
                print(json.dumps({"message": "bad event", "error": str(error)}))
                failures.append({"itemIdentifier": record["messageId"]})
        return {"batchItemFailures": failures}
    since = int(time.time()) - 86_400
    counts = {}
    for source in SOURCES:
        page = TABLE.query(
            IndexName=INDEX,
            KeyConditionExpression="#s = :s AND #t >= :t",
            ExpressionAttributeNames={"#s": "source", "#t": "at"},
            ExpressionAttributeValues={":s": source, ":t": since},
            Select="COUNT",
        )
        counts[source] = page["Count"]
    print(json.dumps({"message": "nightly counts", "counts": counts}))
    return counts
