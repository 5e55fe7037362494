"""Block Kit answers: what a person reads in Slack, within its limits, never markup from data."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

from slack_sdk.models.blocks import Block as SdkBlock
from sqlalchemy.orm import Session

from bot.assistant.answer import Answer, answer_offline
from bot.assistant.plan import Option, ToolCall
from bot.render.blocks import (
    MAX_ACTIONS,
    MAX_BLOCKS,
    MAX_BUTTON_TEXT,
    MAX_BUTTON_VALUE,
    MAX_FIELD_TEXT,
    MAX_FIELDS,
    MAX_HEADER,
    MAX_TEXT,
    OPTION_ACTION_PREFIX,
    Block,
    decode_option,
    render_answer_message,
    render_blocks,
)
from bot.render.text import render_text
from bot.render.values import cell
from tests.conftest import DEMO_TODAY
from tools.context import ToolContext
from tools.report import Change, Fact, Line, Money, Percent, Report, Section, Table

CTX = ToolContext(today=DEMO_TODAY)
HOSTILE = "<!channel> <@U0123ABCD> <https://evil.example|click> & <b>"
MENTION = re.compile(r"<@[UW][A-Z0-9]{8,11}>")


def _ask(session: Session, text: str) -> Answer:
    return answer_offline(session, CTX, text)


def _mrkdwn(blocks: list[Block]) -> list[str]:
    """Every mrkdwn text in the blocks: section texts, fields and context elements."""
    out: list[str] = []
    for block in blocks:
        text = block.get("text")
        if isinstance(text, dict) and text.get("type") == "mrkdwn":
            out.append(text["text"])
        out.extend(f["text"] for f in block.get("fields", []))
        if block["type"] == "context":
            out.extend(e["text"] for e in block["elements"])
    return out


def _sections(blocks: list[Block]) -> list[str]:
    return [b["text"]["text"] for b in blocks if b["type"] == "section" and "text" in b]


def _assert_within_limits(blocks: list[Block]) -> None:
    """Our own reading of Slack's limits, and slack_sdk's (which validates each block)."""
    assert len(blocks) <= MAX_BLOCKS
    for block in blocks:
        parsed = SdkBlock.parse(block)
        assert parsed is not None, block["type"]
        parsed.validate_json()  # raises SlackObjectFormationError past a limit
        kind = block["type"]
        if kind == "header":
            assert 0 < len(block["text"]["text"]) <= MAX_HEADER
            assert block["text"]["type"] == "plain_text"
        elif kind == "section":
            assert "text" in block or "fields" in block
            if "text" in block:
                assert 0 < len(block["text"]["text"]) <= MAX_TEXT
            fields = block.get("fields", [])
            assert len(fields) <= MAX_FIELDS
            assert all(len(f["text"]) <= MAX_FIELD_TEXT for f in fields)
        elif kind == "context":
            assert 0 < len(block["elements"]) <= 10
            assert all(0 < len(e["text"]) <= MAX_TEXT for e in block["elements"])
        elif kind == "actions":
            assert 0 < len(block["elements"]) <= MAX_ACTIONS
            for button in block["elements"]:
                assert 0 < len(button["text"]["text"]) <= MAX_BUTTON_TEXT
                assert len(button["value"]) <= MAX_BUTTON_VALUE
        else:
            assert kind in ("divider", "rich_text")


# --- real answers on the demo program ---------------------------------------------------------


def test_a_leaderboard_reads_as_header_context_monospace_table_and_notes(
    demo_session: Session,
) -> None:
    result = _ask(demo_session, "top 5 partners by revenue last month")
    message = render_answer_message(result)
    blocks = message.blocks
    _assert_within_limits(blocks)
    assert blocks[0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": result.report.title},
    }
    assert blocks[1]["type"] == "context"
    assert blocks[1]["elements"][0]["text"] == " · ".join(result.report.context())
    assert "October 2026" in blocks[1]["elements"][0]["text"]
    (table,) = [t for t in _sections(blocks) if t.startswith("```")]
    assert table.endswith("```")
    assert table.splitlines()[0] == "```Rank  Partner                   Revenue  Share"
    assert result.report.sections[0].table is not None
    for row in result.report.sections[0].table.rows:
        assert all(cell(v) in table for v in row)  # the same figures as the text renderer
    assert blocks[-1]["type"] == "context"
    assert blocks[-1]["elements"][0]["text"] == "\n".join(result.report.notes).replace("&", "&amp;")
    title, context = result.report.title, " · ".join(result.report.context())
    assert message.text.startswith(f"{title} — {context}\n")
    assert "Northwind Traders" in message.text


def test_a_wide_table_becomes_one_line_per_row_for_phones(demo_session: Session) -> None:
    result = _ask(demo_session, "are we on track for our goals?")
    blocks = render_answer_message(result).blocks
    _assert_within_limits(blocks)
    text = "\n".join(_sections(blocks))
    assert "```" not in text
    table = result.report.sections[0].table
    assert table is not None
    lines = text.splitlines()
    for row in table.rows:
        (line,) = [x for x in lines if x.startswith(f"*{row[0]}* — ")]
        for column, value in zip(table.columns[1:], row[1:], strict=True):
            assert f"{column} {cell(value)}" in line


def test_facts_are_fields_with_bold_labels_and_changes_in_italics(demo_session: Session) -> None:
    result = _ask(demo_session, "how did we do last month?")
    blocks = render_answer_message(result).blocks
    _assert_within_limits(blocks)
    facts = [f for s in result.report.sections for f in s.facts]
    fields = [f["text"] for b in blocks for f in b.get("fields", [])]
    assert len(fields) == len(facts) > 0
    for fact, field in zip(facts, fields, strict=True):
        assert field.startswith(f"*{fact.label}*\n{cell(fact.value)}")
        if fact.change is not None:
            assert field.endswith("_") and "  _" in field
    assert any(f.change is not None for f in facts)


def test_clarifying_options_are_buttons_that_decode_back_to_their_calls(
    demo_session: Session,
) -> None:
    result = _ask(demo_session, "northwind")
    assert result.report.kind == "clarify" and len(result.options) >= 2
    blocks = render_answer_message(result).blocks
    _assert_within_limits(blocks)
    (actions,) = [b for b in blocks if b["type"] == "actions"]
    assert blocks[-1] is actions
    for i, (button, option) in enumerate(zip(actions["elements"], result.options, strict=True)):
        assert button["action_id"] == f"{OPTION_ACTION_PREFIX}{i}"
        assert button["text"]["text"] == option.label
        label, call = decode_option(button["value"])
        assert label == option.label
        assert option.call is not None
        assert call == {"tool": option.call.tool, "arguments": option.call.arguments}
    # The buttons replace the bullets, so no option is shown twice.
    assert not any(o.label in t for o in result.options for t in _sections(blocks))


def test_report_options_without_calls_stay_bullets() -> None:
    report = Report(title="No partner called “Nrthwind”", kind="not_found", options=["Northwind"])
    blocks = render_answer_message(Answer(report=report)).blocks
    assert "• Northwind" in _sections(blocks)
    assert not any(b["type"] == "actions" for b in blocks)


def test_options_beyond_25_buttons_go_to_another_actions_block_and_long_values_drop_the_call() -> (
    None
):
    huge = ToolCall(tool="list_partners", arguments={"tags": ["x" * 50] * 60})
    options = [
        Option(f"Option {i} " + "word " * 30, ToolCall("leaderboard", {"n": i})) for i in range(29)
    ]
    options.append(Option("Too long to carry", huge))
    report = Report(title="Which one?", kind="clarify", options=[o.label for o in options])
    blocks = render_answer_message(Answer(report=report, options=options)).blocks
    _assert_within_limits(blocks)
    actions = [b for b in blocks if b["type"] == "actions"]
    assert [len(a["elements"]) for a in actions] == [25, 5]
    buttons = [e for a in actions for e in a["elements"]]
    assert [b["action_id"] for b in buttons] == [f"{OPTION_ACTION_PREFIX}{i}" for i in range(30)]
    assert buttons[3]["text"]["text"].endswith("…")
    assert decode_option(buttons[3]["value"]) == (
        options[3].label,
        {"tool": "leaderboard", "arguments": {"n": 3}},
    )
    assert decode_option(buttons[-1]["value"]) == ("Too long to carry", None)


def test_decode_option_tolerates_garbage() -> None:
    for value in ("", "not json", "[1, 2]", '{"label": 3}', '"text"'):
        assert decode_option(value) == (value, None)
    assert decode_option('{"label": "Top partners", "call": "nope"}') == ("Top partners", None)
    assert decode_option(json.dumps({"label": "Hi"})) == ("Hi", None)


def test_the_framing_comes_first_escaped() -> None:
    report = Report(title="Top partners", period="October 2026")
    result = Answer(report=report, framing="Revenue grew <!channel> & more.", planner="llm")
    message = render_answer_message(result)
    assert message.blocks[0] == {
        "type": "section",
        "text": {
            "type": "mrkdwn",
            "text": "Revenue grew &lt;!channel&gt; &amp; more.",
            "verbatim": True,
        },
    }
    assert message.blocks[1]["type"] == "header"
    assert "Revenue grew &lt;!channel&gt;" in message.text


def test_several_reports_are_divided() -> None:
    first, second = Report(title="One"), Report(title="Two", period="Q3 2026")
    blocks = render_answer_message(Answer(report=first, more=[second])).blocks
    assert [b["type"] for b in blocks] == ["header", "divider", "header", "context"]


# --- limits -----------------------------------------------------------------------------------


def _long_table(wide: bool, rows: int = 300) -> Table:
    columns = ["Rank", "Partner", "Revenue"]
    if wide:
        columns += ["Share", "Owner", "Country", "Commission model"]
    body: list[list[Any]] = []
    for i in range(1, rows + 1):
        row: list[Any] = [i, f"Partner number {i}", Money(amount=Decimal(1000 * i))]
        if wide:
            row += [Percent(value=Decimal("0.3")), "ana@example.com", "Germany", "revenue share"]
        body.append(row)
    return Table(columns=columns, rows=body)


def test_a_300_row_narrow_table_is_cut_to_one_block_with_how_many_more() -> None:
    report = Report(title="All partners", sections=[Section(table=_long_table(wide=False))])
    blocks = render_answer_message(Answer(report=report)).blocks
    _assert_within_limits(blocks)
    (table,) = _sections(blocks)
    shown = len(re.findall(r"Partner number \d+", table))
    assert 50 < shown < 300
    assert table.endswith(f"```\n… and {300 - shown} more")


def test_a_300_row_wide_table_is_cut_with_how_many_more() -> None:
    report = Report(title="All partners", sections=[Section(table=_long_table(wide=True))])
    blocks = render_answer_message(Answer(report=report)).blocks
    _assert_within_limits(blocks)
    text = "\n".join(_sections(blocks))
    shown = len(re.findall(r"^\*\d+\. Partner number \d+\*", text, flags=re.M))
    assert 0 < shown < 300
    assert text.endswith(f"… and {300 - shown} more")
    assert "*1. Partner number 1* — Revenue $1,000 · Share 0.3% · Owner ana@example.com" in text


def test_an_answer_over_50_blocks_stops_early_and_says_what_was_left_out() -> None:
    sections = [Section(title=f"Part {i}", text=f"Body {i}") for i in range(60)]
    report = Report(title="Everything", period="Q3 2026", sections=sections, notes=["A note."])
    options = [Option("Narrower", ToolCall("leaderboard", {}))]
    clarify = Report(title="Too much", kind="clarify")
    big = Answer(report=clarify, more=[report, Report(title="Last report")], options=options)
    blocks = render_answer_message(big).blocks
    _assert_within_limits(blocks)
    assert len(blocks) == MAX_BLOCKS
    assert blocks[-1]["type"] == "actions"  # the buttons survive the cut
    cut = blocks[-2]
    assert cut["type"] == "context"
    left = int(re.search(r"(\d+) more blocks", cut["elements"][0]["text"]).group(1))  # type: ignore[union-attr]
    # header; divider, header, context, 60 × (title, text), notes; divider, header
    full = 1 + 3 + 120 + 1 + 2
    assert left == full - (MAX_BLOCKS - 2)
    assert "Last report" in cut["elements"][0]["text"]


def test_every_text_stays_within_slack_limits_for_huge_values() -> None:
    long = "x" * 5000
    report = Report(
        title=long,
        period=long,
        notes=[long, long],
        sections=[
            Section(
                title=long,
                text=long,
                facts=[Fact(label=long, value=long) for _ in range(23)],
                bullets=[long, long],
                lines=[long],
                quote=long,
            )
        ],
    )
    message = render_answer_message(Answer(report=report, framing=long))
    _assert_within_limits(message.blocks)
    assert len(message.text) <= MAX_TEXT and message.text.endswith("…")
    assert [len(b["fields"]) for b in message.blocks if "fields" in b] == [10, 10, 3]


# --- mentions and escaping --------------------------------------------------------------------


def test_only_values_that_are_exactly_user_ids_become_mentions() -> None:
    report = Report(
        title="Owners",
        sections=[
            Section(
                facts=[
                    Fact(label="Owner", value="U0123ABCD"),
                    Fact(label="Not an id", value="U123"),
                    Fact(label="In words", value="ask U0123ABCD"),
                ],
                bullets=[Line(template="Owned by {owner}.", values={"owner": "W0123ABCDE"})],
            ),
            Section(table=Table(columns=["Partner", "Owner"], rows=[["Northwind", "U0123ABCD"]])),
        ],
    )
    blocks = render_blocks(report)
    fields = [f["text"] for b in blocks for f in b.get("fields", [])]
    assert fields == ["*Owner*\n<@U0123ABCD>", "*Not an id*\nU123", "*In words*\nask U0123ABCD"]
    texts = _sections(blocks)
    assert "• Owned by <@W0123ABCDE>." in texts
    # A table naming users is shown as lines, since a code block would print the raw id.
    assert "*Northwind* — Owner <@U0123ABCD>" in texts
    assert not any("```" in t for t in texts)


def test_hostile_data_never_becomes_a_ping_or_a_link() -> None:
    line = Line(template="From " + HOSTILE + ": {v}", values={"v": HOSTILE})
    report = Report(
        title=HOSTILE,
        scope=HOSTILE,
        period=HOSTILE,
        kind="not_found",
        options=[HOSTILE],
        notes=[HOSTILE],
        sections=[
            Section(
                title=HOSTILE,
                text=HOSTILE,
                lines=[line],
                facts=[
                    Fact(
                        label=HOSTILE,
                        value=HOSTILE,
                        change=Change(absolute=1, percent=None, against=HOSTILE),
                    ),
                    Fact(label="Owner", value="U0123ABCD"),
                ],
                bullets=[HOSTILE, line],
                quote=HOSTILE,
            ),
            Section(table=Table(columns=[HOSTILE, "n"], rows=[[HOSTILE, 1]])),
            Section(
                table=Table(
                    columns=[HOSTILE, "Owner", *"abcdefgh"],
                    rows=[[HOSTILE, "U0123ABCD", *"abcdefgh"]],
                )
            ),
        ],
    )
    options = [Option(HOSTILE, ToolCall("find_partner", {"partner": HOSTILE}))]
    message = render_answer_message(
        Answer(report=report, more=[report], framing=HOSTILE, options=options)
    )
    texts = _mrkdwn(message.blocks)
    assert len(texts) > 10
    ours = {"<@U0123ABCD>"}
    for text in texts:
        assert set(MENTION.findall(text)) <= ours
        assert "<" not in MENTION.sub("", text) and ">" not in MENTION.sub("", text)
    assert "<" not in message.text and ">" not in message.text
    assert any("&lt;!channel&gt;" in t for t in texts)
    # Applicant text stays a quote of plain text, exactly as written.
    quotes = [b for b in message.blocks if b["type"] == "rich_text"]
    assert quotes[0]["elements"][0]["elements"] == [{"type": "text", "text": HOSTILE}]
    # A button's words are plain text and its value round-trips the call untouched.
    (actions,) = [b for b in message.blocks if b["type"] == "actions"]
    assert decode_option(actions["elements"][0]["value"]) == (
        HOSTILE,
        {"tool": "find_partner", "arguments": {"partner": HOSTILE}},
    )


def test_the_fallback_text_is_the_plain_text_answer_under_its_title(demo_session: Session) -> None:
    result = _ask(demo_session, "revenue per week over the last 3 months")
    message = render_answer_message(result)
    body = render_text(result.report).splitlines()[2:]
    assert (
        message.text.splitlines()[0]
        == f"{result.report.title} — {' · '.join(result.report.context())}"
    )
    assert "\n".join(body).strip().replace("&", "&amp;")[:500] in message.text


def test_blank_data_never_makes_a_block_slack_would_refuse() -> None:
    report = Report(
        title="  \n ",
        notes=["", "  "],
        sections=[
            Section(title=" ", text="", lines=["", "   "], bullets=[], quote=""),
            Section(facts=[Fact(label="", value="")]),
        ],
    )
    blocks = render_answer_message(Answer(report=report, framing="   ")).blocks
    _assert_within_limits(blocks)
    assert blocks[0]["text"]["text"] == "Answer"
    assert [b["type"] for b in blocks] == ["header", "rich_text", "section"]
    (quote,) = blocks[1]["elements"][0]["elements"]
    assert quote["text"] and quote["style"] == {"italic": True}
    assert blocks[2]["fields"][0]["text"].strip()


def test_a_header_is_one_line() -> None:
    (header, *_) = render_blocks(Report(title="Top partners\nby revenue"))
    assert header["text"]["text"] == "Top partners by revenue"


def test_a_narrow_table_holding_backticks_is_shown_as_lines() -> None:
    """Three backticks in a name would close a code block early and spill the rest."""
    table = Table(columns=["Partner", "n"], rows=[["```Evil```", 1], ["Plain", 2]])
    texts = _sections(render_blocks(Report(title="t", sections=[Section(table=table)])))
    assert texts == ["*```Evil```* — n 1\n*Plain* — n 2"]


def test_reserved_blocks_are_kept_free_and_the_buttons_survive() -> None:
    sections = [Section(text=f"Body {i}") for i in range(80)]
    report = Report(title="Which one?", kind="clarify", sections=sections)
    options = [Option("Narrower", ToolCall("leaderboard", {}))]
    blocks = render_answer_message(Answer(report=report, options=options), reserve=1).blocks
    assert len(blocks) == MAX_BLOCKS - 1
    assert blocks[-1]["type"] == "actions"
    assert (
        "Cut to fit Slack: 34 more blocks of this answer were left out"
        in (blocks[-2]["elements"][0]["text"])
    )


def test_a_long_applicant_message_is_cut_as_plain_text() -> None:
    message = "a" * 2990 + "<b>" + "c" * 100
    blocks = render_blocks(Report(title="t", sections=[Section(quote=message)]))
    (element,) = blocks[-1]["elements"][0]["elements"]
    assert element["text"] == message[: MAX_TEXT - 1] + "…"
