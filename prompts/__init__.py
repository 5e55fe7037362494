"""Prompt and drafting templates as files, loaded by name."""

from __future__ import annotations

from functools import cache
from importlib import resources
from string import Template


@cache
def load(name: str) -> str:
    """Return the text of the prompt file `name` (without extension) shipped in this package."""
    for suffix in (".txt", ".md"):
        resource = resources.files(__name__).joinpath(name + suffix)
        if resource.is_file():
            return resource.read_text(encoding="utf-8")
    raise KeyError(f"no prompt named {name!r} in prompts/")


def render(name: str, **values: object) -> str:
    """Fill the named placeholders (`$name`) of prompt `name`; a missing value is an error."""
    return Template(load(name)).substitute({k: str(v) for k, v in values.items()})
