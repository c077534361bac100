def handler(event, context):
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "text/html"},  # expect: IL405
        "body": "<h1>Orders</h1>",
    }
