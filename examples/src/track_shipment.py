"""Record carrier scans from the shipment stream against their orders."""

import base64
import json
import os

import boto3

dynamodb = boto3.resource("dynamodb")
table = dynamodb.Table(os.environ["ORDERS_TABLE"])


def handler(event, context):
    for record in event["Records"]:
        scan = json.loads(base64.b64decode(record["kinesis"]["data"]))
        # Keyed by the scan's own id: replaying a record writes the same item again.
        table.put_item(
            Item={
                "order_id": scan["order_id"],
                "scan_id": scan["scan_id"],
                "location": scan["location"],
                "scanned_at": scan["scanned_at"],
            }
        )
