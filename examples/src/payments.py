"""Payments: settle each order once; report failed messages so only they are retried."""

import json
import os

import boto3

dynamodb = boto3.resource("dynamodb")
table = dynamodb.Table(os.environ["ORDERS_TABLE"])


def handler(event, context):
    failures = []
    for record in event["Records"]:
        try:
            order_id = json.loads(record["body"])["order_id"]
            settle(order_id)
        except Exception:
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}


def settle(order_id):
    # The condition makes a redelivered message a no-op instead of a second charge.
    table.update_item(
        Key={"order_id": order_id},
        UpdateExpression="SET #s = :paid",
        ConditionExpression="#s = :received",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":paid": "PAID", ":received": "RECEIVED"},
    )
