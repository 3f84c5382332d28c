"""Tests of pull-request reviews as sign-offs, against GitHub's own API description."""
