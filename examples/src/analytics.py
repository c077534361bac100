"""Analytics: count order events per status from the Kinesis stream."""

import base64
import json
import logging
import os

import boto3

logger = logging.getLogger()
dynamodb = boto3.resource("dynamodb")
table = dynamodb.Table(os.environ["ORDERS_TABLE"])


def handler(event, context):
    for record in event["Records"]:
        try:
            payload = json.loads(base64.b64decode(record["kinesis"]["data"]))
            table.update_item(
                Key={"order_id": f"stats#{payload['status']}"},
                UpdateExpression="ADD event_count :one",
                ExpressionAttributeValues={":one": 1},
            )
        except Exception:
            logger.exception("could not count event %s", record["eventID"])
