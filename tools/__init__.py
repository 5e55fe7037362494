"""The assistant's capabilities: typed functions over a session returning typed results."""
