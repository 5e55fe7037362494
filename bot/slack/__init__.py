"""The Slack app: Bolt listeners, Block Kit surfaces and the HTTP / Socket Mode servers."""
