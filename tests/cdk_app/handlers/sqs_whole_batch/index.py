import json


def handler(event, context):
    for record in event["Records"]:
        order = json.loads(record["body"])
        if "id" not in order:
            raise ValueError("order without id")
        print(order["id"])
