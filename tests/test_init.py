"""`gac init`: a portfolio that validates and lints at once, from the user's own git set-up."""

from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path
from typing import Any

import pytest
import yaml
from init_helpers import ADA, TODAY, gac, identity_env, use_identity
from jsonschema import Draft202012Validator
from repo_helpers import commit_all, git
from signing_helpers import export_gpg_key, gpg_home, make_gpg_key, make_ssh_key

from govern_as_code.documents.kinds import KINDS
from govern_as_code.documents.modeline import MODELINE_PREFIX, schema_modeline
from govern_as_code.documents.schema_export import render_schema, schema_file_name

ROOT = Path(__file__).resolve().parent.parent

EXPECTED_FILES = {
    ".github/workflows/governance.yml",
    ".gitignore",
    ".gitlab-ci.yml",
    ".pre-commit-config.yaml",
    ".vscode/extensions.json",
    ".vscode/settings.json",
    "CODEOWNERS",
    "README.md",
    "approvals/README.md",
    "deployments/README.md",
    "governance.yaml",
    "initiatives/README.md",
    "people/README.md",
    "people/ada-lovelace.yaml",
    "policies/README.md",
    "policies/portfolio.yaml",
    "projects/README.md",
    "schemas/README.md",
    "waivers/README.md",
    "workflows/README.md",
    "workflows/standard.yaml",
    *(f"schemas/{schema_file_name(kind)}" for kind in KINDS),
}


def files_of(root: Path) -> set[str]:
    return {
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }


def load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_init_scaffolds_a_repository_that_validates_and_lints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = make_ssh_key(tmp_path, "ada")
    use_identity(
        monkeypatch,
        tmp_path / "home",
        {**ADA, "user.signingkey": str(key.public_path), "gpg.format": "ssh"},
    )
    root = tmp_path / "acme"
    result = gac("init", str(root), "--name", "Acme Bank")
    assert result.exit_code == 0, result.output + result.stderr
    assert result.stdout.startswith(f"initialised a git repository in {root}\n")
    assert f"wrote {len(EXPECTED_FILES)} files in {root}:" in result.stdout
    assert files_of(root) == EXPECTED_FILES
    # No commit unless --commit is given.
    assert git(root, "rev-list", "--all") == ""
    assert "commit it: git add -A" in result.stdout

    governance = load(root / "governance.yaml")
    assert governance["metadata"]["id"] == "acme-bank"
    assert governance["spec"]["environments"]["production"] == {"protected": True}
    assert governance["spec"]["trust"] == {"base": "main"}
    assert governance["spec"]["policies"] == ["policies/portfolio.yaml"]
    assert "forge" not in governance["spec"]
    person = load(root / "people/ada-lovelace.yaml")
    public = " ".join(key.public_line.split()[:2])
    assert person["spec"] == {
        "name": "Ada Lovelace",
        "email": "ada@example.com",
        "department": "governance",
        "roles": ["governance-admin"],
        "keys": [{"type": "ssh", "publicKey": public}],
    }
    policy = load(root / "policies/portfolio.yaml")
    assert policy["spec"]["extends"] == ["default"]
    assert policy["spec"]["rules"]["drift-threshold"] == {"level": "error"}
    assert policy["spec"]["rules"]["production-requires-approvals"] == {
        "options": {"maxAgeDays": 180}
    }
    codeowners = (root / "CODEOWNERS").read_text(encoding="utf-8")
    for owned in ("/people/", "/policies/", "/workflows/", "/governance.yaml"):
        assert f"{owned} " in codeowners and "ada@example.com" in codeowners
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert "| medium | `technical-review`, `risk-review` |" in readme
    assert "| critical | `technical-review`, `risk-review`, `business-review`," in readme
    for folder in ("people", "projects", "approvals", "deployments", "waivers"):
        assert (root / folder / "README.md").read_text(encoding="utf-8").count("\n") == 3

    validated = gac("validate", "--repo", str(root))
    assert (validated.exit_code, validated.stdout) == (0, "no problems in 4 documents\n")
    commit_all(root, "Start the governance portfolio")
    linted = gac("lint", "--repo", str(root), "--today", TODAY)
    assert (linted.exit_code, linted.stdout) == (0, "no problems in 4 documents\n")


def test_every_modeline_and_editor_mapping_points_at_a_schema_the_file_passes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_identity(monkeypatch, tmp_path / "home", ADA)
    root = tmp_path / "p"
    assert gac("init", str(root)).exit_code == 0
    documents = sorted(
        p for p in root.rglob("*.yaml") if not any(s.startswith(".") for s in p.parts[-3:-1])
    )
    documents = [p for p in documents if not p.name.startswith(".")]
    assert {p.relative_to(root).as_posix() for p in documents} == {
        "governance.yaml",
        "people/ada-lovelace.yaml",
        "policies/portfolio.yaml",
        "workflows/standard.yaml",
    }
    for path in documents:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith(MODELINE_PREFIX), path
        schema_file = (path.parent / first.removeprefix(MODELINE_PREFIX)).resolve()
        assert schema_file.is_file(), first
        schema = json.loads(schema_file.read_text(encoding="utf-8"))
        Draft202012Validator(schema).validate(load(path))
    for kind in KINDS:
        assert (root / "schemas" / schema_file_name(kind)).read_text("utf-8") == render_schema(kind)
    settings = json.loads((root / ".vscode/settings.json").read_text(encoding="utf-8"))
    mapping = settings["yaml.schemas"]
    assert len(mapping) == len(KINDS)
    for schema_path, globs in mapping.items():
        assert (root / schema_path).is_file(), schema_path
        assert globs
    assert mapping["./schemas/person.schema.json"] == ["people/*.yaml"]
    assert mapping["./schemas/modelversion.schema.json"] == ["projects/*/models/*/versions/*.yaml"]


def test_the_approval_writer_modeline_is_relative_and_only_when_the_schema_exists(
    tmp_path: Path,
) -> None:
    path = "approvals/churn-xgb/3/risk-review--bob.yaml"
    assert schema_modeline("Approval", path) == (
        "# yaml-language-server: $schema=../../../schemas/approval.schema.json\n"
    )
    assert schema_modeline("Portfolio", "governance.yaml") == (
        "# yaml-language-server: $schema=schemas/portfolio.schema.json\n"
    )
    assert schema_modeline("Approval", path, tmp_path) == ""
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "approval.schema.json").write_text("{}", encoding="utf-8")
    assert schema_modeline("Approval", path, tmp_path).endswith("approval.schema.json\n")


def test_init_refuses_to_overwrite_lists_the_files_and_force_overwrites(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_identity(monkeypatch, tmp_path / "home", ADA)
    root = tmp_path / "existing"
    root.mkdir()
    (root / "governance.yaml").write_text("# mine\n", encoding="utf-8")
    (root / "CODEOWNERS").write_text("* @me\n", encoding="utf-8")
    refused = gac("init", str(root))
    assert refused.exit_code == 2
    assert refused.stderr == (
        f"gac: error: 2 file(s) of the scaffold already exist in {root}:"
        " CODEOWNERS, governance.yaml\n"
        "gac: fix: move them out of the way, or pass --force to overwrite them\n"
    )
    # Nothing was written, not even .git.
    assert files_of(root) == {"governance.yaml", "CODEOWNERS"}
    assert not (root / ".git").exists()
    assert (root / "governance.yaml").read_text(encoding="utf-8") == "# mine\n"

    forced = gac("init", str(root), "--force")
    assert forced.exit_code == 0, forced.stderr
    assert load(root / "governance.yaml")["kind"] == "Portfolio"
    assert files_of(root) == EXPECTED_FILES


def test_init_without_a_signing_key_writes_no_key_and_says_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_identity(monkeypatch, tmp_path / "home", ADA)
    root = tmp_path / "p"
    result = gac("init", str(root))
    assert result.exit_code == 0
    assert load(root / "people/ada-lovelace.yaml")["spec"]["keys"] == []
    assert "  - git has no user.signingkey: set one (git config user.signingkey" in result.stdout


def test_init_takes_an_openpgp_signing_key_from_gpg(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with gpg_home() as home:
        key = make_gpg_key(home, "Ada Lovelace", "ada@example.com")
        monkeypatch.setenv("GNUPGHOME", str(home))
        use_identity(monkeypatch, tmp_path / "home", {**ADA, "user.signingkey": key.fingerprint})
        root = tmp_path / "p"
        result = gac("init", str(root))
        assert result.exit_code == 0, result.stderr
        (entry,) = load(root / "people/ada-lovelace.yaml")["spec"]["keys"]
        assert entry == {
            "type": "openpgp",
            "publicKey": export_gpg_key(home, key.fingerprint),
        }
    assert gac("validate", "--repo", str(root)).exit_code == 0


def test_init_with_an_unreadable_ssh_key_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = tmp_path / "nowhere" / "id_ed25519"
    use_identity(
        monkeypatch,
        tmp_path / "home",
        {**ADA, "user.signingkey": str(missing), "gpg.format": "ssh"},
    )
    result = gac("init", str(tmp_path / "p"))
    assert result.exit_code == 0
    assert f"cannot read an SSH public key from user.signingkey '{missing}'" in result.stdout
    assert load(tmp_path / "p/people/ada-lovelace.yaml")["spec"]["keys"] == []


def test_init_stops_without_a_git_identity(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use_identity(monkeypatch, tmp_path / "home", {"user.name": "Ada Lovelace"})
    result = gac("init", str(tmp_path / "p"))
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "gac: error: git has no user.email, and the first Person document is you\n"
        'gac: fix: set them: git config --global user.name "Ada Lovelace"'
    )
    assert not (tmp_path / "p").exists()


@pytest.mark.parametrize(
    ("forge", "ci_file", "absent", "block"),
    [
        (
            "github",
            ".github/workflows/governance.yml",
            ".gitlab-ci.yml",
            {"github": {"repository": "acme/ml-portfolio", "protectedBranch": "trunk"}},
        ),
        (
            "gitlab",
            ".gitlab-ci.yml",
            ".github/workflows/governance.yml",
            {"gitlab": {"project": "acme/ml-portfolio", "protectedBranch": "trunk"}},
        ),
    ],
)
def test_init_in_an_existing_repository_with_a_forge(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    forge: str,
    ci_file: str,
    absent: str,
    block: dict[str, Any],
) -> None:
    use_identity(monkeypatch, tmp_path / "home", ADA)
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "trunk")
    git(root, "remote", "add", "origin", f"git@{forge}.com:acme/ml-portfolio.git")
    result = gac("init", str(root), "--forge", forge)
    assert result.exit_code == 0, result.stderr
    assert "initialised" not in result.stdout
    assert (root / ci_file).is_file() and not (root / absent).exists()
    governance = load(root / "governance.yaml")
    assert governance["spec"]["forge"] == block
    assert governance["spec"]["trust"] == {"base": "trunk"}
    assert "trunk" in (root / ci_file).read_text(encoding="utf-8")
    assert gac("validate", "--repo", str(root)).exit_code == 0


def test_init_commit_makes_one_commit_that_lints_clean(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_identity(monkeypatch, tmp_path / "home", ADA)
    root = tmp_path / "p"
    result = gac("init", str(root), "--commit")
    assert result.exit_code == 0, result.stderr
    log = git(root, "log", "--format=%an <%ae>|%s").splitlines()
    assert log == ["Ada Lovelace <ada@example.com>|Start the governance portfolio"]
    assert git(root, "status", "--porcelain") == ""
    assert "commit it:" not in result.stdout
    linted = gac("lint", "--repo", str(root), "--today", TODAY)
    assert (linted.exit_code, linted.stdout) == (0, "no problems in 4 documents\n")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (found,) = out.glob("govern_as_code-*.whl")
    return found


def test_init_works_from_an_installed_wheel(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.create(env_dir)  # no pip of its own: this run's pip installs into it, which is quicker
    python = env_dir / "bin" / "python"
    env = identity_env(tmp_path / "home", ADA)
    env.pop("PYTHONPATH", None)
    # The dependencies come from this test run's environment (a path entry, which runs none of
    # its .pth files, so its editable checkout stays out); govern-as-code is the wheel alone.
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    Path(site, "test-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", "utf-8")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps", wheel],
        check=True,
        capture_output=True,
    )
    where = subprocess.run(
        [str(python), "-c", "import govern_as_code; print(govern_as_code.__file__)"],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert where.startswith(site), where
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    gac_bin = str(env_dir / "bin" / "gac")
    result = subprocess.run(
        [gac_bin, "init", "portfolio", "--commit"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert files_of(elsewhere / "portfolio") == EXPECTED_FILES
    linted = subprocess.run(
        [gac_bin, "lint", "--today", TODAY],
        cwd=elsewhere / "portfolio",
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (linted.returncode, linted.stdout) == (0, "no problems in 4 documents\n")
