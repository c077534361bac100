"""Invoice import: read a supplier's CSV invoice from S3 and attach it to its orders."""

import csv
import io
import os
import urllib.parse

import boto3

s3 = boto3.client("s3")
dynamodb = boto3.resource("dynamodb")
table = dynamodb.Table(os.environ["ORDERS_TABLE"])


def handler(event, context):
    for record in event["Records"]:
        bucket = record["s3"]["bucket"]["name"]
        key = urllib.parse.unquote_plus(record["s3"]["object"]["key"])
        body = s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode("utf-8")
        for row in csv.DictReader(io.StringIO(body)):
            table.update_item(
                Key={"order_id": row["order_id"]},
                UpdateExpression="SET invoice = :invoice",
                ExpressionAttributeValues={":invoice": {"key": key, "amount": row["amount"]}},
            )
