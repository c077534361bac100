import json


def handler(event, context):
    return {"body": json.dumps({"orders": []})}  # expect: IL404
