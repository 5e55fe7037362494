"""The tool registry: every tool registered once, where the lazy map says, read-only."""

from __future__ import annotations

import subprocess
import sys

from tools import registry


def test_every_mapped_tool_is_registered_by_its_module_and_nothing_else_is() -> None:
    specs = registry.load_all()
    assert set(specs) == set(registry.TOOL_MODULES)
    for name, spec in specs.items():
        assert spec.run.__module__ == registry.TOOL_MODULES[name], name
        assert spec.description and "\n" not in spec.description


def test_write_tools_are_never_registered() -> None:
    specs = registry.load_all()
    assert not {n for n in specs if "approve" in n or "reject" in n}


def test_calling_one_tool_imports_only_its_module() -> None:
    code = (
        "import sys; from tools import registry; registry.get('goal_progress'); "
        "print(sorted(m for m in sys.modules if m.startswith('tools.')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "tools.goals" in out.stdout
    assert "tools.drafts" not in out.stdout and "tools.qbr" not in out.stdout
