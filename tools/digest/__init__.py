"""The weekly goal-checkpoint digest: what it covers (scope) and what it says (content)."""
