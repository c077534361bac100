"""Fulfilment: reserve stock with the warehouse, mark the order shipped, notify shipping."""

import json
import os
import urllib.request

import boto3

dynamodb = boto3.resource("dynamodb")
sns = boto3.client("sns")
table = dynamodb.Table(os.environ["ORDERS_TABLE"])

WAREHOUSE_URL = "https://warehouse.internal.example.com/reservations"


def handler(event, context):
    failures = []
    for record in event["Records"]:
        try:
            order_id = json.loads(record["body"])["order_id"]
            reservation = reserve_stock(order_id)
            table.update_item(
                Key={"order_id": order_id},
                UpdateExpression="SET #s = :shipped, reservation = :r",
                ExpressionAttributeNames={"#s": "status"},
                ExpressionAttributeValues={":shipped": "SHIPPED", ":r": reservation},
            )
            sns.publish(
                TopicArn=os.environ["SHIPPING_TOPIC_ARN"],
                Message=json.dumps({"order_id": order_id, "reservation": reservation}),
            )
        except Exception:
            failures.append({"itemIdentifier": record["messageId"]})
    # Only the failed messages should go back to the queue...
    return {"batchItemFailures": failures}


def reserve_stock(order_id):
    request = urllib.request.Request(
        WAREHOUSE_URL,
        data=json.dumps({"order_id": order_id}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=100) as response:
        return json.load(response)["reservation_id"]
