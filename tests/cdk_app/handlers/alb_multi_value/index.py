def handler(event, context):
    return {
        "statusCode": 200,
        "multiValueHeaders": {"Content-Type": ["text/html"]},
        "body": "<h1>Orders</h1>",
    }
