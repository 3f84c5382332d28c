"""Who created a file: the people behind the commit that last created it.

`gac approve` uses this to refuse a reviewer who authored the version they are about to
approve (DESIGN §2.5), before anything is written.
"""

from __future__ import annotations

from govern_as_code.evidence.approvals import key_fingerprints
from govern_as_code.evidence.signed_commits import SignatureVerifier
from govern_as_code.git import Repository
from govern_as_code.portfolio.trust import TrustRoot


def file_creators(
    repo: Repository, head: str, path: str, trust: TrustRoot, verifier: SignatureVerifier
) -> frozenset[str]:
    """The people (by author email or signing key) of the commit that last created `path`."""
    creating = None
    for change in repo.changes(head, [path]):  # newest first
        creating = change.commit
        if change.creates:
            break
    if creating is None:
        return frozenset()
    signature = verifier.signatures([creating]).get(creating)
    if signature is None:
        return frozenset()
    found = {
        p.metadata.id
        for p in trust.people.values()
        if signature.author_email and p.spec.email.lower() == signature.author_email
    }
    if signature.fingerprint:
        found |= {
            p.metadata.id
            for p in trust.people.values()
            for fp, _ in key_fingerprints(p)
            if fp.upper() == signature.fingerprint.upper()
        }
    return frozenset(found)
