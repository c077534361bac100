"""Total yesterday's orders; failed runs go to a queue (see EventInvokeConfig)."""

import os
from collections import Counter
from datetime import datetime, timedelta

import boto3
from boto3.dynamodb.conditions import Attr

dynamodb = boto3.resource("dynamodb")
table = dynamodb.Table(os.environ["ORDERS_TABLE"])


def handler(event, context):
    day = (datetime.fromisoformat(event["time"].replace("Z", "+00:00")) - timedelta(days=1)).date()
    totals = Counter()
    scan = {"FilterExpression": Attr("placed_at").begins_with(day.isoformat())}
    while True:
        page = table.scan(**scan)
        totals.update(item["status"] for item in page["Items"])
        if "LastEvaluatedKey" not in page:
            break
        scan["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    print({"day": day.isoformat(), **totals})
    return dict(totals)
