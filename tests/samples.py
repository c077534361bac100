"""Templates several integration tests share (the reporters, the server, the hooks)."""

from __future__ import annotations

# IL102 and IL103 on line 7 ("  Orders:"): the queue has no redrive policy and keeps the
# 30 s default visibility timeout while the function may run 60 s (one message per batch:
# nothing for IL113).
SAM_QUEUE = """\
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Timeout: 60
    Runtime: python3.12
Resources:
  Orders:
    Type: AWS::SQS::Queue
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      CodeUri: src/
      Events:
        Orders:
          Type: SQS
          Properties:
            Queue: !GetAtt Orders.Arn
            BatchSize: 1
"""
SAM_QUEUE_LINE = 7
# The same with a long enough visibility timeout: IL102 only.
SAM_QUEUE_FIXED = SAM_QUEUE.replace(
    "    Type: AWS::SQS::Queue\n",
    "    Type: AWS::SQS::Queue\n    Properties:\n      VisibilityTimeout: 360\n",
)
HANDLER = "def handler(event, context):\n    return {}\n"

# Plain CloudFormation without findings, handler code inline.
CFN_GOOD = """\
Resources:
  Orders:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: 360
      RedrivePolicy:
        deadLetterTargetArn: !GetAtt OrdersDlq.Arn
        maxReceiveCount: 5
  OrdersDlq:
    Type: AWS::SQS::Queue
    Properties:
      MessageRetentionPeriod: 1209600
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: arn:aws:iam::123456789012:role/worker
      Timeout: 60
      Code:
        ZipFile: "def handler(event, context):\\n    return {'batchItemFailures': []}\\n"
  WorkerOrders:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      EventSourceArn: !GetAtt Orders.Arn
      FunctionName: !Ref Worker
      FunctionResponseTypes: [ReportBatchItemFailures]
"""
# IL103 on line 5, the visibility timeout.
CFN_BAD = CFN_GOOD.replace("      VisibilityTimeout: 360\n", "      VisibilityTimeout: 30\n")

# A Terraform root module passing a queue's visibility timeout into a local module whose
# queue (line 3, no redrive: IL102) feeds a 30-second function: IL103 below 180 s.
TF_ROOT = """\
variable "visibility" {
  default = 400
}

module "worker" {
  source     = "./modules/worker"
  visibility = var.visibility
}
"""
TF_WORKER = """\
variable "visibility" {}

resource "aws_sqs_queue" "orders" {
  visibility_timeout_seconds = var.visibility
}

resource "aws_lambda_function" "worker" {
  function_name = "worker"
  runtime       = "python3.12"
  handler       = "app.handler"
  timeout       = 30
}

resource "aws_lambda_event_source_mapping" "orders" {
  event_source_arn = aws_sqs_queue.orders.arn
  function_name    = aws_lambda_function.worker.arn
}
"""
