import base64
import logging

logger = logging.getLogger()


def handler(event, context):
    for record in event["Records"]:
        try:
            print(base64.b64decode(record["kinesis"]["data"]).decode())
        except Exception as error:  # expect: IL403
            logger.error("skipping %s: %s", record["kinesis"]["sequenceNumber"], error)
