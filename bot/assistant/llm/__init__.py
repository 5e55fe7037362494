"""The LLM planner: a LangChain agent over the tool registry."""
