"""The service side: zoho-tools behind an MCP endpoint and the voice platforms' webhooks, with
the conversations they keep between requests."""
