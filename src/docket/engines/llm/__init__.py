"""LLM extraction over any OpenAI-compatible chat-completions endpoint."""
