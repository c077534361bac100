"""Reserve stock for queued orders.

Good practice: failed records are reported one by one (ReportBatchItemFailures), and the
work for an order is idempotent, so a message delivered twice reserves stock once.
"""

import json
import os

import boto3
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)

dynamodb = boto3.resource("dynamodb")
sqs = boto3.client("sqs")
table = dynamodb.Table(os.environ["ORDERS_TABLE"])
PAYMENTS_QUEUE_URL = os.environ["PAYMENTS_QUEUE_URL"]

processor = BatchProcessor(event_type=EventType.SQS)
persistence = DynamoDBPersistenceLayer(table_name=os.environ["ORDERS_TABLE"])
config = IdempotencyConfig(event_key_jmespath="order_id")


@idempotent_function(data_keyword_argument="order", persistence_store=persistence, config=config)
def reserve(order):
    table.update_item(
        Key={"order_id": order["order_id"]},
        UpdateExpression="SET #status = :reserved",
        ExpressionAttributeNames={"#status": "status"},
        ExpressionAttributeValues={":reserved": "RESERVED"},
    )
    sqs.send_message(QueueUrl=PAYMENTS_QUEUE_URL, MessageBody=json.dumps(order))
    return order["order_id"]


def record_handler(record):
    reserve(order=json.loads(record.body))


def handler(event, context):
    config.register_lambda_context(context)
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
