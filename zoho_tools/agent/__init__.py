"""The agent layer: the loop between a model, the orchestrator and the executor; model adapters
(OpenAI Chat Completions, a scripted model); system prompts; scripted-conversation fixtures."""
