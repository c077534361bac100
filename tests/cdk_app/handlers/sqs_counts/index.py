import json
import os

import boto3

table = boto3.resource("dynamodb").Table(os.environ["TABLE"])


def handler(event, context):
    for record in event["Records"]:
        order = json.loads(record["body"])
        table.update_item(  # expect: IL401
            Key={"customer": order["customer"]},
            UpdateExpression="ADD order_count :one",
            ExpressionAttributeValues={":one": 1},
        )
