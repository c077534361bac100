"""Messages name properties the way the user's input spells them."""

from __future__ import annotations

from invokelint.diagnostics import in_terms
from invokelint.frontends.terraform.terms import TERRAFORM_TERMS


def test_property_names_follow_the_input():
    message = "set VisibilityTimeout to at least 720 (6 x Timeout 120 s)"
    assert in_terms(message, TERRAFORM_TERMS) == (
        "set visibility_timeout_seconds to at least 720 (6 x timeout 120 s)"
    )


def test_dotted_names_are_replaced_whole():
    message = "cap it with ScalingConfig.MaximumConcurrency or DestinationConfig.OnFailure"
    assert in_terms(message, TERRAFORM_TERMS) == (
        "cap it with scaling_config.maximum_concurrency or destination_config.on_failure"
    )


def test_quoted_names_and_json_keys_stay():
    message = "queue 'Timeout' needs a RedrivePolicy with maxReceiveCount; see `BatchSize`"
    assert in_terms(message, TERRAFORM_TERMS) == (
        "queue 'Timeout' needs a redrive_policy with maxReceiveCount; see `BatchSize`"
    )


def test_no_terms_leaves_the_message():
    assert in_terms("set VisibilityTimeout", {}) == "set VisibilityTimeout"


def test_resource_types_are_one_word():
    message = "add an AWS::Lambda::Permission; AWS::Lambda::Url stays as written"
    assert in_terms(message, TERRAFORM_TERMS) == (
        "add an aws_lambda_permission; AWS::Lambda::Url stays as written"
    )


def test_an_apostrophe_inside_a_word_opens_no_quote():
    message = "dropped after SNS's retries; add a SourceArn to function 'Timeout'"
    assert in_terms(message, TERRAFORM_TERMS) == (
        "dropped after SNS's retries; add a source_arn to function 'Timeout'"
    )


def test_every_terraform_finding_of_the_fixtures_names_terraform_syntax():
    """No CloudFormation spelling reaches a Terraform user (fixtures of every rule)."""
    from helpers import REPO, lint

    fixtures = sorted((REPO / "fixtures" / "terraform").glob("IL*.fail*"))
    messages = [d.message for path in fixtures for d in lint(path, cwd=REPO).diagnostics]
    assert len(messages) > 40
    leaks = [m for m in messages if any(s in m for s in ("AWS::", "!GetAtt", "!Ref", ": true"))]
    assert not leaks, "\n".join(leaks)
