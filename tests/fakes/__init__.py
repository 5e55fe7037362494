"""Loopback stand-ins for the services partnerops talks to (OpenAI-compatible models, Slack)."""
