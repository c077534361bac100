"""Render a PDF invoice when an order summary lands under summaries/ in the bucket.

Invoices are written under invoices/, outside the notification's prefix filter, so the
function never triggers itself.
"""

import json
import urllib.parse

import boto3

s3 = boto3.client("s3")


def handler(event, context):
    for record in event["Records"]:
        bucket = record["s3"]["bucket"]["name"]
        key = urllib.parse.unquote_plus(record["s3"]["object"]["key"])
        summary = json.loads(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
        invoice_key = "invoices/" + key.removeprefix("summaries/").replace(".json", ".pdf")
        s3.put_object(
            Bucket=bucket,
            Key=invoice_key,
            Body=render(summary),
            ContentType="application/pdf",
        )


def render(summary):
    lines = [f"Invoice for order {summary['order_id']}"]
    lines += [f"{item['sku']} x {item['quantity']}: {item['price']}" for item in summary["items"]]
    return "\n".join(lines).encode("utf-8")
