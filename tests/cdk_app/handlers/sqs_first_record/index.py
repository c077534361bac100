import json


def handler(event, context):
    order = json.loads(event["Records"][0]["body"])  # expect: IL409
    print(order["id"])
