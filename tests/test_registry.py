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


SEGMENT_TOOLS = {
    "performance", "leaderboard", "performance_series", "performance_breakdown",
    "list_partners", "goal_progress", "quiet_partners", "reversal_anomalies", "top_movers",
    "qbr_summary",
}  # fmt: skip
"""Tools about a set of partners: each takes the whole segment, under the same names."""


def test_every_argument_of_every_tool_has_a_description() -> None:
    missing = [
        f"{name}.{field}"
        for name, spec in registry.load_all().items()
        for field, info in spec.args.model_fields.items()
        if not (info.description and info.description.strip())
    ]
    assert missing == []


def test_analytical_tools_take_the_same_segment_fields() -> None:
    from tools.segment import DIMENSIONS, SegmentArgs

    specs = registry.load_all()
    reference = SegmentArgs.model_fields
    for name in SEGMENT_TOOLS & set(specs):
        fields = specs[name].args.model_fields
        for dimension in DIMENSIONS:
            assert dimension in fields, (name, dimension)
            assert fields[dimension].annotation == reference[dimension].annotation, name


def test_a_rejected_argument_is_a_tool_error_a_person_can_read() -> None:
    from datetime import date

    from tools.context import ToolContext
    from tools.errors import ToolError

    ctx = ToolContext(today=date(2026, 11, 23))
    try:
        registry.call(None, ctx, "leaderboard", {"n": 500, "order": "sideways"})  # type: ignore[arg-type]
    except ToolError as error:
        assert "n: must be at most 50" in error.message
        assert "order: must be one of top or bottom" in error.message
    else:
        raise AssertionError("expected a ToolError")
