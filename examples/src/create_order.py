"""POST /orders: validate the order, store it once, queue it for fulfilment."""

import json
import os
from datetime import datetime, timezone

import boto3
from botocore.exceptions import ClientError

dynamodb = boto3.resource("dynamodb")
sqs = boto3.client("sqs")
table = dynamodb.Table(os.environ["ORDERS_TABLE"])
QUEUE_URL = os.environ["ORDERS_QUEUE_URL"]


def handler(event, context):
    try:
        order = json.loads(event.get("body") or "{}")
    except json.JSONDecodeError:
        return _response(400, {"message": "the body is not JSON"})
    missing = [field for field in ("order_id", "customer_id", "items") if not order.get(field)]
    if missing:
        return _response(400, {"message": f"missing: {', '.join(missing)}"})

    # The client's order id makes a retried POST harmless: the second write is refused.
    try:
        table.put_item(
            Item={**order, "status": "PLACED", "placed_at": _now()},
            ConditionExpression="attribute_not_exists(order_id)",
        )
    except ClientError as error:
        if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
            return _response(200, {"order_id": order["order_id"], "status": "PLACED"})
        raise

    sqs.send_message(QueueUrl=QUEUE_URL, MessageBody=json.dumps({"order_id": order["order_id"]}))
    return _response(201, {"order_id": order["order_id"], "status": "PLACED"})


def _response(status, body):
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps(body),
    }


def _now():
    return datetime.now(timezone.utc).isoformat()
