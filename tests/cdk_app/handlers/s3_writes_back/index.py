import os
from urllib.parse import unquote_plus

import boto3

s3 = boto3.client("s3")


def handler(event, context):
    for record in event["Records"]:
        key = unquote_plus(record["s3"]["object"]["key"])
        body = s3.get_object(Bucket=record["s3"]["bucket"]["name"], Key=key)["Body"].read()
        copy = f"thumbnails/{key}"
        s3.put_object(Bucket=os.environ["BUCKET"], Key=copy, Body=body)  # expect: IL206
