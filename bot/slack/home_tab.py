"""Publishing a person's Home tab: the view is built from tools by `home.home_view`."""

from __future__ import annotations

from bot.render.blocks import mrkdwn_section
from bot.slack.access import REFUSAL, Asker
from bot.slack.home import MAX_HOME_BLOCKS, home_view
from bot.slack.runtime import SlackRuntime
from storage.queries.digests import digest_subscriptions
from tools.applications import is_approver


def publish_home(rt: SlackRuntime, asker: Asker, *, banner: str | None = None) -> None:
    """views.publish the asker's Home tab; a refusal view (no data) when they may not see it."""
    access = rt.access(asker)
    if not access.allowed:
        view = {
            "type": "home",
            "blocks": [mrkdwn_section(REFUSAL)],
        }
    else:
        name = access.person.name if access.person else None
        ctx = rt.context(asker.user_id, source="slack_home", name=name)
        with rt.session() as session:
            view = home_view(
                session,
                ctx,
                approver=is_approver(ctx),
                subscriptions=digest_subscriptions(session),
            )
    if banner:
        blocks = [mrkdwn_section(banner), {"type": "divider"}, *view["blocks"]]
        view = {**view, "blocks": blocks[:MAX_HOME_BLOCKS]}
    rt.client.views_publish(user_id=asker.user_id, view=view)
