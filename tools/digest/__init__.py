"""The weekly goal-checkpoint digest: what it covers (`scope`) and what it says (`content`).

`build_digest` computes a digest with the tools an answer uses (goal progress, the
needs-attention sections, top movers, pending applications); `bot.render.digest` turns it
into Block Kit and text. Nothing here knows about schedules, claims or Slack.
"""
