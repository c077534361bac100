"""The framework's logical ids (its ``lib/plugins/aws/lib/naming.js`` conventions), so
raw CloudFormation under ``resources`` can reference what ``functions`` creates."""

from __future__ import annotations

import re

_NOT_ALPHANUMERIC = re.compile(r"[^A-Za-z0-9]")


def normalize(name: str) -> str:
    """``worker`` -> ``Worker``."""
    return name[:1].upper() + name[1:]


def alphanumeric(name: str) -> str:
    """``my-fn_x`` -> ``MyDashfnUnderscorex``: dashes and underscores spelled out."""
    spelled = name.replace("-", "Dash").replace("_", "Underscore")
    return normalize(_NOT_ALPHANUMERIC.sub("", spelled))


def function_id(name: str) -> str:
    """``worker`` -> ``WorkerLambdaFunction``."""
    return f"{alphanumeric(name)}LambdaFunction"


def topic_id(topic: str) -> str:
    """The topic the framework creates for ``sns: <name>``."""
    return f"SNSTopic{alphanumeric(topic)}"


def bucket_id(bucket: str) -> str:
    """The bucket the framework creates for ``s3: <name>``."""
    return f"S3Bucket{alphanumeric(bucket)}"


def user_pool_id(pool: str) -> str:
    """The user pool the framework creates for ``cognitoUserPool: {pool: <name>}``."""
    return f"CognitoUserPool{alphanumeric(pool)}"
