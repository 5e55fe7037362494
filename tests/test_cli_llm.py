"""`partnerops ask` with a model configured: the planner used, tool calls, tokens and time in
`--json`, `--offline`, and an answer that still comes when the model is down."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.cli import main
from bot.settings import get_settings
from tests.fakes.openai_server import Call, Fail, Say, ScriptedModel, ToolCalls, scripted_model

TODAY = "2026-11-23"
KEY = "sk-cli-test-key-never-logged"


@pytest.fixture
def program(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ScriptedModel]:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("OPENAI_MODEL", "scripted-model")
    monkeypatch.setenv("PARTNEROPS_LLM_TIMEOUT", "4")
    monkeypatch.setenv("PARTNEROPS_LLM_FIRST_TOKEN_TIMEOUT", "1")
    monkeypatch.chdir(tmp_path)
    with scripted_model() as model:
        monkeypatch.setenv("OPENAI_BASE_URL", model.url)
        get_settings.cache_clear()
        demo = invoke("demo", "--today", TODAY, "--days", "150", "--partners", "20")
        assert demo.exit_code == 0, demo.output
        yield model
    get_settings.cache_clear()


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def ask_json(*args: str) -> dict[str, object]:
    result = invoke("ask", *args, "--json", "--today", TODAY)
    assert result.exit_code == 0, result.output
    payload: dict[str, object] = json.loads(result.output)
    return payload


def test_ask_json_shows_the_llm_planner_its_tool_calls_tokens_and_time(
    program: ScriptedModel, caplog: pytest.LogCaptureFixture
) -> None:
    arguments = {"partners": ["Northwind"], "period": "last month"}
    program.then(ToolCalls([Call("performance", arguments)]), Say(""))
    with caplog.at_level("INFO", logger="partnerops.assistant"):
        payload = ask_json("how did northwind do last month?")
    assert payload["planner"] == "llm"
    assert payload["tool_calls"] == [{"tool": "performance", "arguments": arguments}]
    assert payload["tokens"] == {"input": 240, "output": 60, "total": 300}
    timing = payload["timing_ms"]
    assert isinstance(timing, dict) and timing["total_ms"] >= timing["model_ms"] > 0
    assert "October 2026" in str(payload["answer"])
    assert program.requests[0].headers["authorization"] == f"Bearer {KEY}"
    assert "tokens_in=240" in caplog.text and "planner=llm" in caplog.text
    assert KEY not in caplog.text


def test_offline_forces_the_router_and_never_calls_the_model(program: ScriptedModel) -> None:
    payload = ask_json("how did northwind do last month?", "--offline")
    assert payload["planner"] == "offline" and payload["tokens"] == {}
    assert program.requests == []


def test_a_model_answering_500_still_gets_an_answer_with_a_note(program: ScriptedModel) -> None:
    program.then(Fail(500), Fail(500))  # the client retries once (PARTNEROPS_LLM_MAX_RETRIES)
    result = invoke("ask", "how did northwind do last month?", "--today", TODAY)
    assert result.exit_code == 0
    assert "October 2026" in result.output
    assert "The language model was unavailable (the model answered HTTP 500)" in result.output
    assert len(program.requests) == 2


def test_a_conversation_continues_across_two_invocations(program: ScriptedModel) -> None:
    program.then(
        ToolCalls([Call("leaderboard", {"metric": "revenue", "period": "last month"})]),
        Say(""),
    )
    ask_json("top partners by revenue last month", "--conversation", "standup")
    # The follow-up falls back: the router continues the stored call.
    program.then(Fail(500), Fail(500))
    payload = ask_json("and the month before?", "--conversation", "standup")
    assert payload["planner"] == "offline"
    calls = payload["tool_calls"]
    assert isinstance(calls, list) and calls[0]["tool"] == "leaderboard"
    assert "September 2026" in str(payload["answer"])


def test_a_conversation_id_that_cannot_be_stored_is_a_usage_error(program: ScriptedModel) -> None:
    result = CliRunner().invoke(main, ["ask", "hi", "--conversation", "x" * 60])
    assert result.exit_code == 2
    assert "--conversation" in result.output and "Traceback" not in result.output
