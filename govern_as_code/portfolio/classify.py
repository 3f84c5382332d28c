"""What counts as a governance document or a deployment manifest (DESIGN §1).

A file in a conventional folder, or any YAML/JSON file that names our apiVersion or one of our
kinds, is a governance document. A file in a deployment glob is a deployment manifest. Each test
here leans towards "it counts": a file that counts but is not valid is an error, while a file
wrongly thought not to count could hide a deployment from the gate. Letter case is ignored
(a case-insensitive file system reads `Deployments/` as `deployments/`), and so are the tricks
a YAML reader would see through: merge keys, aliases and tags.
"""

from __future__ import annotations

import fnmatch
import unicodedata
from dataclasses import dataclass
from typing import Any

import pathspec

from govern_as_code.documents.kinds import KINDS, DeploymentGlob
from govern_as_code.documents.yaml_loader import Alias, LoadedData

DOCUMENT_SUFFIXES = (".yaml", ".yml", ".json")
SETTINGS_PATHS = ("governance.yaml", "governance.yml")
CONVENTIONAL_FOLDERS = (
    "people",
    "initiatives",
    "projects",
    "approvals",
    "deployments",
    "workflows",
    "policies",
    "waivers",
)
# Folders whose files no exclusion pattern may hide: the deployments the gate judges, the
# sign-offs it counts (a rejection among them).
PROTECTED_FOLDERS = ("approvals", "deployments")
OUR_API_GROUP = "govern-as-code"  # also govern-as-code.io/..., Govern-As-Code/...: ours, misspelt
_KINDS_FOLDED = {kind.casefold(): kind for kind in KINDS}


def folded(path: str) -> str:
    """The path as a case-insensitive file system (and Windows, for backslashes) reads it."""
    return path.replace("\\", "/").casefold()


def has_document_suffix(path: str) -> bool:
    """Whether the name ends in .yaml, .yml or .json, in any letter case."""
    return folded(path).endswith(DOCUMENT_SUFFIXES)


def is_settings_path(path: str) -> bool:
    return folded(path) in SETTINGS_PATHS


def conventional_folder(path: str) -> str | None:
    """The conventional folder a path lies in (or is), if any."""
    top = folded(path).split("/", 1)[0]
    return top if top in CONVENTIONAL_FOLDERS else None


def is_protected(path: str) -> bool:
    """Whether exclusion patterns are refused for this path."""
    return is_settings_path(path) or conventional_folder(path) in PROTECTED_FOLDERS


def odd_name(path: str, glob_case_only: bool = False) -> str | None:
    """Why a name that counts must be renamed: letter case, backslashes, control characters."""
    name = path.rsplit("/", 1)[-1]
    if "\\" in path:
        return "it contains a backslash, which Windows reads as a folder separator"
    # Printable ASCII has no control or invisible character: most paths skip the scan.
    plain = path.isascii() and path.isprintable()
    if not plain and any(unicodedata.category(c).startswith("C") for c in path):
        return "it contains a control or invisible character"
    if name != name.strip() or name.rstrip(". ") != name:
        return "it starts or ends with a space, or ends with a dot"
    top = path.split("/", 1)[0]
    if conventional_folder(path) and top != top.casefold():
        return f"the folder {top!r} is not written in lower case ({top.casefold()!r})"
    if is_settings_path(path) and path not in SETTINGS_PATHS:
        return "governance.yaml is not written in lower case"
    if has_document_suffix(path) and not path.endswith(DOCUMENT_SUFFIXES):
        return f"the extension of {name!r} is not in lower case"
    if glob_case_only:
        return "it matches a deployment glob only when letter case is ignored"
    return None


def looks_like_document(path: str) -> bool:
    """A YAML/JSON name, also behind trailing dots and spaces ('x.yaml ', 'x.YAML.')."""
    return folded(path).rstrip(". \t").endswith(DOCUMENT_SUFFIXES)


@dataclass(frozen=True)
class GlobMatcher:
    """The deployment globs, matched without regard to letter case."""

    globs: tuple[DeploymentGlob, ...]
    specs: tuple[pathspec.GitIgnoreSpec, ...]
    exact: pathspec.GitIgnoreSpec  # the globs as written, to tell a case-only match

    @classmethod
    def compile(cls, globs: list[str | DeploymentGlob]) -> GlobMatcher:
        typed = tuple(g if isinstance(g, DeploymentGlob) else DeploymentGlob(glob=g) for g in globs)
        specs = tuple(pathspec.GitIgnoreSpec.from_lines([g.glob.casefold()]) for g in typed)
        return cls(typed, specs, pathspec.GitIgnoreSpec.from_lines([g.glob for g in typed]))

    def matches_exactly(self, path: str) -> bool:
        """Whether a glob matches `path` with letter case respected."""
        return self.exact.match_file(path)

    def match(self, path: str) -> DeploymentGlob | None:
        key = folded(path)
        return next(
            (g for g, s in zip(self.globs, self.specs, strict=True) if s.match_file(key)), None
        )

    def could_contain(self, folder: str) -> bool:
        """Whether some glob could match a file beneath `folder` (a symlink or submodule)."""
        return (
            any(_could_contain(g.glob, folder) for g in self.globs)
            or self.match(folder) is not None
        )


def _could_contain(glob: str, folder: str) -> bool:
    pattern = glob.strip("/").casefold()
    if "/" not in pattern:
        return True  # gitignore-style: a slash-less pattern matches at any depth
    parts = pattern.split("/")
    for index, segment in enumerate(folded(folder).split("/")):
        if index >= len(parts):
            return False
        if parts[index] == "**":
            return True
        if not fnmatch.fnmatchcase(segment, parts[index]):
            return False
    return True


def envelope_field(data: LoadedData, name: str) -> tuple[Any, bool]:
    """A top-level field's value, also when a merge key or an alias hides it.

    The second item says whether it was hidden (behind `<<:`, an alias or a tag), which is
    itself refused in a governance document.
    """
    value = data.value
    if not isinstance(value, dict):
        return None, False
    if name in value:
        found = value[name]
        if isinstance(found, Alias):
            return found.target, True
        return found, (name,) in data.tags
    merged = value.get("<<")
    sources = merged if isinstance(merged, list) else [merged]
    for source in sources:
        target = source.target if isinstance(source, Alias) else source
        if isinstance(target, dict) and name in target:
            inner = target[name]
            return (inner.target if isinstance(inner, Alias) else inner), True
    return None, False


def claims_ours(data: LoadedData) -> bool:
    """The document names our apiVersion, or one of our kinds under no other tool's API group.

    A `kind: Deployment` under `apiVersion: apps/v1`, or an Argo `kind: Workflow` under
    `argoproj.io/v1alpha1`, is another tool's manifest; the same kind with no apiVersion, or
    with a bare `v1`, is ours written wrongly. Anything hidden behind a merge key, an alias or a
    tag counts as ours, to be refused.
    """
    api, api_hidden = envelope_field(data, "apiVersion")
    kind, kind_hidden = envelope_field(data, "kind")
    if api_hidden or kind_hidden:
        return True
    if isinstance(api, str) and api.strip().casefold().startswith(OUR_API_GROUP):
        return True
    if not (isinstance(kind, str) and kind.strip().casefold() in _KINDS_FOLDED):
        return False
    return not (isinstance(api, str) and "/" in api)


def foreign_kind_hint(data: LoadedData, folder: str) -> str:
    """What to say about a file in a conventional folder that is not a governance document."""
    kind, _ = envelope_field(data, "kind")
    proper = _KINDS_FOLDED.get(kind.strip().casefold()) if isinstance(kind, str) else None
    hint = f"write apiVersion: govern-as-code/v1 and kind: {proper or 'one of our kinds'}"
    if folder == "deployments":
        return (
            hint + "; a deployment manifest of another tool belongs in a folder named in"
            " governance.yaml spec.deploymentGlobs"
        )
    return hint + ", or move the file out of this folder"
