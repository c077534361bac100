import boto3

s3 = boto3.client("s3")


def handler(event, context):
    for record in event["Records"]:
        bucket = record["s3"]["bucket"]["name"]
        key = record["s3"]["object"]["key"]
        print(s3.head_object(Bucket=bucket, Key=key)["ContentLength"])  # expect: IL407
