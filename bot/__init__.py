"""The edges: Slack app, assistant (LLM agent and offline router), scheduler, CLI, settings."""
