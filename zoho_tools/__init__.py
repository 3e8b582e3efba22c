"""zoho-tools: Zoho CRM actions for AI voice and chat agents.

The package is layered bottom-up; each module imports only from the ones above it in this list:

- ``errors``: ``ZohoToolsError``, the root of every exception raised on purpose, and its families.
- ``templates``: the declaration of an action (:class:`ActionTemplate`, :class:`Param`).
- ``catalog``: the built-in actions, and custom actions loaded from a file.
- ``schemas`` and ``adapters``: tool definitions for OpenAI, Anthropic and MCP.
- ``sandbox``: an embedded Zoho CRM v7 simulator (it models Zoho, not our templates).
- ``auth``, ``config``, ``results``, ``executor``: sending requests to Zoho and reading the answers.
- ``connection``: the composition root, wiring settings, OAuth, the sandbox and executors.
- ``orchestrator``: validation, slot filling and confirmation between the model and the executor.
- ``agent`` and ``cli``: the agent loop, the scripted-conversation runner, the command line (the
  ``cli`` extra: click, rich and prompt_toolkit, which nothing else imports).

``tests/test_layering.py`` holds the rules that matter most: the sandbox imports nothing else of
the package; the orchestrator, catalog, schemas and adapters import no HTTP client and no
``auth``; ``auth`` imports none of the wiring (``config``, ``connection``, ``server``, ``cli``).

Nothing here is imported eagerly beyond what a caller asks for, so ``import zoho_tools`` is cheap.
"""

__version__ = "0.1.0"
