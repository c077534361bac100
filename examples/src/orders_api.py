"""POST /orders: validate an order, store it, and queue it for payment and fulfilment."""

import json
import os
import uuid
from datetime import datetime, timezone

import boto3

dynamodb = boto3.resource("dynamodb")
sqs = boto3.client("sqs")
table = dynamodb.Table(os.environ["ORDERS_TABLE"])

REQUIRED_FIELDS = ("customer_id", "items", "shipping_address")


def create_order(event, context):
    try:
        order = json.loads(event.get("body") or "{}")
    except json.JSONDecodeError:
        return _response(400, {"message": "body is not JSON"})
    missing = [name for name in REQUIRED_FIELDS if not order.get(name)]
    if missing:
        return _response(400, {"message": f"missing fields: {', '.join(missing)}"})

    order_id = str(uuid.uuid4())
    record = {
        "order_id": order_id,
        "customer_id": order["customer_id"],
        "items": order["items"],
        "shipping_address": order["shipping_address"],
        "status": "RECEIVED",
        "created_at": datetime.now(timezone.utc).isoformat(),
    }
    table.put_item(Item=record)
    message = json.dumps({"order_id": order_id})
    sqs.send_message(QueueUrl=os.environ["PAYMENTS_QUEUE_URL"], MessageBody=message)
    sqs.send_message(QueueUrl=os.environ["FULFILMENT_QUEUE_URL"], MessageBody=message)
    return _response(201, {"order_id": order_id})


def _response(status, body):
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps(body),
    }
