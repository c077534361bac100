"""invokelint: catch AWS Lambda invocation mistakes before they ship."""

__version__ = "0.2.0"
