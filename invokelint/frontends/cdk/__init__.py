"""AWS CDK cloud assemblies (``cdk.out``): the stack templates a CDK app synthesized, and
the construct behind each logical id. The templates themselves are CloudFormation and go
through that frontend unchanged; this package only says which files they are and how to
name what is found in them (construct path, source line of the construct)."""

from invokelint.frontends.cdk.assembly import Construct, StackTemplate, read_assembly

__all__ = ["Construct", "StackTemplate", "read_assembly"]
