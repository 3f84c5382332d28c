"""The files of a new portfolio, rendered from the Jinja2 templates in templates/init/."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import jinja2

from govern_as_code import __version__
from govern_as_code.commands.scaffold.identity import GitUser
from govern_as_code.documents.kinds import MODEL_BY_KIND
from govern_as_code.documents.modeline import SCHEMAS_DIR, schema_modeline, schema_path
from govern_as_code.documents.schema_export import render_schema, schema_file_name
from govern_as_code.gate.options import GateOptions
from govern_as_code.resources import data_dir
from govern_as_code.rules.policy import shipped_pack

Forge = Literal["github", "gitlab"]
JOB_NAME = "gac-lint"
POLICY_MAX_AGE_DAYS = 180  # what templates/init/policy.yaml.j2 sets

# The folders of DESIGN §1, each with the line its README.md carries.
FOLDERS: tuple[tuple[str, str], ...] = (
    ("people/", "Person documents: one per person, with roles, signing keys and forge logins."),
    ("initiatives/", "Initiative documents: the business goals that projects roll up to."),
    (
        "projects/",
        "Project documents (`projects/<id>/project.yaml`), with their models"
        " (`models/<m>/model.yaml`) and versions (`models/<m>/versions/<v>.yaml`).",
    ),
    (
        "approvals/",
        "Approval documents, written and signed by `gac approve`:"
        " `approvals/<model>/<version>/<role>--<person>.yaml`.",
    ),
    (
        "deployments/",
        "Deployment documents: `deployments/<environment>/<name>.yaml`. Those to production"
        " are gated.",
    ),
    ("workflows/", "Workflow documents: the ordered stages a project goes through."),
    ("policies/", "Policy documents: which rules apply, at what level, with what options."),
    ("waivers/", "Waiver documents: time-boxed exceptions to one rule for one subject."),
    (f"{SCHEMAS_DIR}/", "The JSON Schemas of every kind: `gac schema export --out schemas`."),
)

# Where each kind lives, for the editor's schema mapping (yaml-language-server globs).
KIND_GLOBS: dict[str, tuple[str, ...]] = {
    "Portfolio": ("governance.yaml", "governance.yml"),
    "Person": ("people/*.yaml",),
    "Initiative": ("initiatives/*.yaml",),
    "Project": ("projects/*/project.yaml",),
    "Model": ("projects/*/models/*/model.yaml",),
    "ModelVersion": ("projects/*/models/*/versions/*.yaml",),
    "Approval": ("approvals/**/*.yaml",),
    "Deployment": ("deployments/**/*.yaml",),
    "Workflow": ("workflows/*.yaml",),
    "Policy": ("policies/*.yaml",),
    "Waiver": ("waivers/*.yaml",),
}


@dataclass(frozen=True)
class ScaffoldSettings:
    name: str
    portfolio_id: str
    branch: str
    user: GitUser
    forge: Forge | None = None
    forge_repository: str = ""


def _yaml_scalar(value: str, indent: int = 0) -> str:
    """A YAML 1.2 scalar that reads back as exactly `value`; a block scalar if multi-line."""
    if "\n" in value:
        pad = " " * indent
        return "|\n" + "\n".join(pad + line if line else "" for line in value.splitlines())
    # A JSON string is a valid YAML double-quoted scalar.
    return json.dumps(value, ensure_ascii=False)


def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(data_dir("templates") / "init"),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,  # YAML, Markdown and JSON: values are quoted by the filters instead
    )
    environment.filters["yaml"] = _yaml_scalar
    environment.filters["code"] = lambda text: f"`{text}`"
    environment.globals["modeline"] = lambda kind, path: schema_modeline(kind, path).rstrip("\n")
    return environment


def vscode_settings() -> str:
    """`.vscode/settings.json`: each folder mapped to its kind's schema in ./schemas."""
    schemas = {f"./{schema_path(kind, 'x')}": list(globs) for kind, globs in KIND_GLOBS.items()}
    settings = {"yaml.schemas": schemas, "yaml.validate": True, "files.insertFinalNewline": True}
    return json.dumps(settings, indent=2)


def render_files(settings: ScaffoldSettings) -> dict[str, str]:
    """Every file of the new portfolio, by repo-relative path."""
    environment = _environment()
    default_gate = GateOptions.model_validate(
        dict(shipped_pack().spec.rules["production-requires-approvals"].options)
    )
    user = settings.user
    person_path = f"people/{user.id}.yaml"
    context: Mapping[str, object] = {
        "name": settings.name,
        "portfolio_id": settings.portfolio_id,
        "branch": settings.branch,
        "forge": settings.forge,
        "forge_repository": settings.forge_repository,
        "person": user,
        "person_path": person_path,
        "owner": user.email,
        "version": __version__,
        "job_name": JOB_NAME,
        "final_role": default_gate.finalRole,
        "tier_roles": list(default_gate.roles.items()),
        "distinct_departments": default_gate.distinctDepartments,
        "max_age_days": POLICY_MAX_AGE_DAYS,
        "folders": FOLDERS,
        "vscode_settings": vscode_settings(),
    }

    def render(template: str) -> str:
        return environment.get_template(template).render(context)

    files = {
        "governance.yaml": render("governance.yaml.j2"),
        "policies/portfolio.yaml": render("policy.yaml.j2"),
        "workflows/standard.yaml": render("workflow.yaml.j2"),
        person_path: render("person.yaml.j2"),
        "README.md": render("README.md.j2"),
        "CODEOWNERS": render("CODEOWNERS.j2"),
        ".pre-commit-config.yaml": render("pre-commit-config.yaml.j2"),
        ".vscode/settings.json": render("vscode-settings.json.j2"),
        ".vscode/extensions.json": json.dumps({"recommendations": ["redhat.vscode-yaml"]}) + "\n",
        ".gitignore": render("gitignore.j2"),
    }
    if settings.forge in (None, "github"):
        files[".github/workflows/governance.yml"] = render("github-workflow.yml.j2")
    if settings.forge in (None, "gitlab"):
        files[".gitlab-ci.yml"] = render("gitlab-ci.yml.j2")
    for folder, line in FOLDERS:
        files.setdefault(f"{folder}README.md", f"# {folder.rstrip('/')}\n\n{line}\n")
    for kind in MODEL_BY_KIND:
        files[f"{SCHEMAS_DIR}/{schema_file_name(kind)}"] = render_schema(kind)
    return files
