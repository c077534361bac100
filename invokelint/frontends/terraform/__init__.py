"""Terraform: the readers (HCL, .tf.json, plan JSON) make a ``Configuration``; the builder
turns it into the invocation model."""
