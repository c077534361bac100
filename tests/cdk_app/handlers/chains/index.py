import json
import os

import boto3

client = boto3.client("lambda")


def handler(event, context):
    answer = client.invoke(  # expect: IL406
        FunctionName=os.environ["PRICING_FUNCTION"], Payload=json.dumps(event)
    )
    return {"statusCode": 200, "body": answer["Payload"].read().decode()}
