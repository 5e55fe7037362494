"""Slack message text read back as the question a person typed."""

from __future__ import annotations

import pytest

from bot.slack.incoming import mentions, question_text


@pytest.mark.parametrize(
    ("text", "question"),
    [
        ("<@UBOT0001> top 5 partners last month", "top 5 partners last month"),
        ("<@UBOT0001|partnerops> how did zabka do?", "how did zabka do?"),
        ("partners owned by <@U0123ABCD>", "partners owned by U0123ABCD"),
        ("<@UBOT0001> revenue in <#C0123ABCD|emea-partners>", "revenue in #emea-partners"),
        ("draft to <mailto:ana@example.com|ana@example.com>", "draft to ana@example.com"),
        ("see <https://example.com/x>", "see https://example.com/x"),
        ("Smith &amp; Sons &lt;3", "Smith & Sons <3"),
        ("ping <!here> and <!subteam^S0123|@approvers>", "ping @here and @approvers"),
    ],
)
def test_question_text_reads_slack_markup_back_to_words(text: str, question: str) -> None:
    assert question_text(text, "UBOT0001") == question


def test_mentions_finds_only_that_user() -> None:
    assert mentions("hi <@UBOT0001> there", "UBOT0001")
    assert mentions("<@UBOT0001|bot> hi", "UBOT0001")
    assert not mentions("hi <@UBOT00012>", "UBOT0001")
