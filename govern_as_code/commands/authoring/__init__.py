"""Authoring: writing and editing governance documents from the command line.

Every edit is a round trip (comments, key order and quoting are kept), is validated before it is
written, and is written atomically: a temporary file beside the target, then a rename.
"""
