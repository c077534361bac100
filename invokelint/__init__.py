"""invokelint: catch AWS Lambda invocation mistakes before they ship."""

__version__ = "0.1.0"
