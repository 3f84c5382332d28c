"""kinds.py is still the one place to import any document model from, after the split by family."""

from __future__ import annotations

import inspect

from pydantic import BaseModel

from govern_as_code.documents import kinds, specs_model, specs_project, specs_signoff
from govern_as_code.portfolio import loader
from govern_as_code.portfolio.classify import SETTINGS_PATHS


def test_every_model_of_every_family_is_exported_by_kinds() -> None:
    for module in (specs_model, specs_project, specs_signoff):
        models = {
            name
            for name, value in vars(module).items()
            if inspect.isclass(value)
            and issubclass(value, BaseModel)
            and value.__module__ == module.__name__
        }
        assert models, module.__name__
        assert models <= set(kinds.__all__), module.__name__
        for name in models:
            assert getattr(kinds, name) is getattr(module, name)


def test_every_name_kinds_exports_exists() -> None:
    assert all(hasattr(kinds, name) for name in kinds.__all__)
    assert set(kinds.MODEL_BY_KIND) == set(kinds.KINDS)


def test_the_loader_keeps_its_public_names() -> None:
    assert loader.MODEL_VERSION_ANNOTATION == "govern-as-code/model-version"
    assert loader.SETTINGS_PATHS == SETTINGS_PATHS == ("governance.yaml", "governance.yml")
    assert all(hasattr(loader, name) for name in loader.__all__)
