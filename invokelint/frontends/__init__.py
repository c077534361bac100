"""Frontends turn one input format into the provider-neutral invocation model."""
