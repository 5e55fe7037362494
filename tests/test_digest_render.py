"""The digest in Slack and as text: escaped names, owner mentions, Slack's limits, the lead
line, the notification text and the pacing chart."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from bot.render.blocks import MAX_BLOCKS, MAX_HEADER, MAX_TEXT
from bot.render.charts import digest_chart
from bot.render.digest import digest_message, digest_text
from storage.models import Goal, GoalCheckpoint, Partner
from tests.factories import Row, add_daily, partner
from tools.context import ToolContext
from tools.digest.content import build_digest
from tools.digest.scope import DigestScope

TODAY = date(2026, 11, 16)
CTX = ToolContext(today=TODAY)
Q4 = (date(2026, 10, 1), date(2026, 12, 31))
HOSTILE = "<!channel> & <@U123ABC45>"
OWNER = "UOWNER0001"


def _goal(key: str, name: str, *, target: str = "1000", who: Partner | None = None) -> Goal:
    return Goal(
        goal_key=key,
        name=name,
        scope="partner" if who else "program",
        partner_id=who.id if who else None,
        metric="revenue",
        target=Decimal(target),
        start=Q4[0],
        end=Q4[1],
        checkpoints=[GoalCheckpoint(due_on=date(2026, 11, 30), fraction=Decimal("0.5"))],
    )


def _daily(session: Session, who: Partner, revenue: int, *, surge: int = 0) -> None:
    """`revenue` a day for the 20 days before TODAY, plus `surge` a day in the last 7."""
    rows = [
        Row(who.partner_key, TODAY - timedelta(days=d), 100, 10, 2, 0,
            Decimal(revenue + (surge if d <= 7 else 0)), Decimal(0))
        for d in range(1, 21)
    ]  # fmt: skip
    add_daily(session, [(who.id, r) for r in rows])


def _texts(blocks: list[dict[str, Any]]) -> list[str]:
    """Every text a block carries (section text, context elements, header)."""
    out: list[str] = []
    for b in blocks:
        if "text" in b:
            out.append(b["text"]["text"])
        out.extend(e["text"] for e in b.get("elements", []) if "text" in e)
    return out


def test_hostile_names_never_become_markup_or_pings(session: Session) -> None:
    bad = partner("bad", name=HOSTILE, tier="Gold", owner=OWNER)
    session.add(bad)
    session.flush()
    _daily(session, bad, 500, surge=100)
    session.add(_goal("bad-goal", HOSTILE, who=bad))
    session.commit()
    digest = build_digest(session, CTX, DigestScope())
    assert digest.goals and digest.goals[0].name == HOSTILE
    message = digest_message(digest)
    blob = json.dumps(message.blocks)
    assert "<!channel>" not in blob and "<@U123ABC45>" not in blob
    assert "&lt;!channel&gt; &amp; &lt;@U123ABC45&gt;" in blob
    assert f"<@{OWNER}>" in blob  # the owner, a Slack user, is the only mention
    assert "<!" not in message.text and "<@" not in message.text
    text = digest_text(digest)
    assert f"• {HOSTILE} ({HOSTILE})" in text  # plain text shows the name as it is


def test_owner_scope_header_and_context_name_the_owner(session: Session) -> None:
    session.add(partner("p", owner=OWNER))
    session.commit()
    digest = build_digest(session, CTX, DigestScope.parse(f"owner:<@{OWNER}>"))
    blocks = digest_message(digest).blocks
    assert blocks[0]["type"] == "header"
    assert blocks[0]["text"]["text"] == f"Weekly goal digest — partners owned by {OWNER}"
    assert blocks[1]["elements"][0]["text"] == f"owner:<@{OWNER}> · data through 15 Nov 2026"


def test_many_goals_fit_slack_and_say_how_many_more(session: Session) -> None:
    who = partner("big", name="Big Partner", owner=OWNER)
    session.add(who)
    session.flush()
    _daily(session, who, 20)
    session.add_all(
        [_goal(f"g{i:03}", f"Partner revenue goal number {i:03}", who=who) for i in range(200)]
    )
    session.commit()
    digest = build_digest(session, CTX, DigestScope())
    assert len(digest.goals) == 200
    message = digest_message(
        digest, lead="Late: this digest was due Mon 7 Dec 09:00 Europe/Warsaw."
    )
    assert 0 < len(message.blocks) <= MAX_BLOCKS
    assert all(len(t) <= MAX_TEXT for t in _texts(message.blocks))
    assert len(message.blocks[1]["text"]["text"]) <= MAX_HEADER
    assert len(message.text) <= MAX_TEXT
    blob = json.dumps(message.blocks, ensure_ascii=False)
    assert "… and 160 more (ask for goal progress for all)" in blob
    status = digest.goals[0].status
    assert f"Goals — 200 goals: 200 {status}" in blob
    assert message.text.startswith("Late: this digest was due Mon 7 Dec 09:00 Europe/Warsaw.")
    assert f"Weekly goal digest for the whole program: 200 goals — 200 {status}" in message.text
    assert message.blocks[0] == {
        "type": "context",
        "elements": [
            {
                "type": "mrkdwn",
                "text": "Late: this digest was due Mon 7 Dec 09:00 Europe/Warsaw.",
                "verbatim": True,
            }
        ],
    }


def test_lines_read_one_goal_each_with_its_name_in_bold(session: Session) -> None:
    who = partner("n", name="Northwind", owner=OWNER)
    session.add(who)
    session.flush()
    _daily(session, who, 10)
    session.add(_goal("nw", "Q4 Northwind revenue", who=who))
    session.commit()
    digest = build_digest(session, CTX, DigestScope())
    blob = "\n".join(_texts(digest_message(digest).blocks))
    (line,) = [x for x in blob.splitlines() if "Q4 Northwind revenue" in x]
    assert re.match(r"^• \*Q4 Northwind revenue\* \(Northwind\) — \$200\.00 of \$1,000", line)
    assert "next: 50.0% ($500.00) by 30 Nov 2026, needs $20.00/day" in line
    assert "```" not in blob  # no wide code tables on a phone
    text = digest_text(digest)
    assert "• Q4 Northwind revenue (Northwind) — $200.00 of $1,000 (20.0%)" in text


def test_pacing_chart_is_a_png_naming_the_goals(session: Session) -> None:
    who = partner("c", name="Chart Partner")
    session.add(who)
    session.flush()
    _daily(session, who, 30)
    session.add_all([_goal("a", "Alpha pacing goal", who=who), _goal("b", "Beta pacing goal")])
    session.commit()
    chart = digest_chart(build_digest(session, CTX, DigestScope()))
    assert chart is not None
    assert chart.png.startswith(b"\x89PNG")
    assert "Alpha pacing goal" in chart.alt_text and "Beta pacing goal" in chart.alt_text
    assert "expected by now" in chart.alt_text
    assert chart.title == "Goal pacing — the whole program"


def test_no_running_goals_no_chart(session: Session) -> None:
    assert digest_chart(build_digest(session, CTX, DigestScope())) is None
