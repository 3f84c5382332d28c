"""Imports: models from outside (MLflow, Hugging Face model cards) as Model and ModelVersion
documents. Every import is idempotent: a re-run updates the same documents, never duplicates."""
