import json
import logging

logger = logging.getLogger()


def handler(event, context):
    try:
        for record in event["Records"]:
            print(json.loads(record["Sns"]["Message"])["id"])
    except Exception as error:  # expect: IL408
        logger.error("notification failed: %s", error)
        return {"ok": False}
    return {"ok": True}
