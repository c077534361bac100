import json


def handler(event, context):
    failures = []
    for record in event["Records"]:
        try:
            print(json.loads(record["body"])["id"])
        except (ValueError, KeyError):
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}
