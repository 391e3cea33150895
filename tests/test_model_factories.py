"""Building gardener's pydantic models reads each field's default factory's signature: none of them is a builtin
whose signature `inspect` parses from its text (tokenize, then `ast`: ~10 ms of `scan --demo`, issue 13)."""

from __future__ import annotations

import importlib
import pkgutil

from pydantic import BaseModel

import loggardener
from loggardener.defaults import empty_list


def _models() -> list[type[BaseModel]]:
    for module in pkgutil.walk_packages(loggardener.__path__, "loggardener."):
        if not module.name.endswith("__main__"):  # it runs the command line
            importlib.import_module(module.name)
    found: list[type[BaseModel]] = []
    pending = [BaseModel]
    while pending:
        for model in pending.pop().__subclasses__():
            pending.append(model)
            if model.__module__.startswith("loggardener."):
                found.append(model)
    return found


def test_no_field_of_a_model_has_a_factory_whose_signature_is_read_from_text() -> None:
    models = _models()
    assert len(models) > 20
    parsed = [
        f"{model.__name__}.{name}"
        for model in models
        for name, field in model.model_fields.items()
        if getattr(field.default_factory, "__text_signature__", None) is not None
    ]
    assert parsed == []


def test_an_empty_list_factory_gives_a_new_list_each_time() -> None:
    first, second = empty_list(), empty_list()
    assert first == [] and second == [] and first is not second
