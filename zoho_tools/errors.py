"""The root of every exception zoho-tools raises on purpose, and its families.

Two channels carry failures (see the design notes): what a model can act on comes back as a
result with a hint (:class:`~zoho_tools.results.ActionResult`, a tool reply), never as an
exception; what raises is for the person who set zoho-tools up, or for a programmer. Everything
raised on purpose derives from :class:`ZohoToolsError`, so ``except ZohoToolsError`` catches
all of it and nothing else. Every message is one line that says what went wrong and how to fix
it, and never carries a secret.

::

    ZohoToolsError
    ├── AuthError                  tokens: obtaining, refreshing, storing them
    │   ├── OAuthError             a token could not be obtained, refreshed or revoked
    │   │   ├── InvalidClient      Zoho does not know this client id/secret here
    │   │   ├── InvalidGrant       the grant code or refresh token is used, expired or revoked
    │   │   ├── RefreshThrottled   too many token requests: wait
    │   │   ├── AccountsUnavailable   the accounts server did not answer: try again
    │   │   ├── NotConnected       no tokens stored: run ``zoho-tools connect``
    │   │   └── ConsentFlowError   the browser consent flow did not complete
    │   ├── TokenStoreError        the token store exists but cannot be read
    │   └── InvalidTokenData       stored data that is not a token set       (also ValueError)
    ├── SetupError                 what the user set up cannot be used
    │   ├── ConfigError            settings: config file, ``ZOHO_TOOLS_*``  (also ValueError)
    │   ├── FileError              a JSON/YAML/TOML file one cannot use   (also ValueError)
    │   ├── EmployeeError          an AI employee file                    (also ValueError)
    │   ├── CustomActionError      a custom actions file                  (also ValueError)
    │   ├── FixtureError           a scripted-conversation fixture        (also ValueError)
    │   └── SharedStateError       Redis unreachable, or a lock not had in time
    ├── RequestBuildError          a request to Zoho cannot be built from an action's arguments
    │   ├── UnsafeRequest          it would leave its path or its module  (also ValueError)
    │   ├── ValueProblem           a value that cannot be normalised      (also ValueError)
    │   ├── MissingVariable        a ``{{variable}}`` with no value       (also LookupError)
    │   └── BadPageToken           not a ``page_token`` from a reply       (also ValueError)
    ├── UnknownName                no action or category of that name     (also KeyError)
    ├── BadRequest                 a voice platform's webhook body of the wrong shape (ValueError)
    ├── ScriptExhausted            a scripted model asked for more turns than it has (RuntimeError)
    └── CommandError               a failed command line (a ``click.ClickException``)

Where a class was a ``ValueError``, ``KeyError`` or ``LookupError`` before this tree existed it
still is, so that callers catching those keep working. The embedded sandbox
(:mod:`zoho_tools.sandbox`) imports nothing outside itself and keeps its own errors, which stand
for Zoho's answers, not for ours. Names never repeat httpx's (``ConnectError``, ``RequestError``
...), so that an ``except`` clause always says whose failure it means.
"""

from __future__ import annotations


class ZohoToolsError(Exception):
    """Anything zoho-tools raises on purpose (see the module docstring for the families)."""


class AuthError(ZohoToolsError):
    """Tokens could not be obtained, refreshed, stored or read back."""


class SetupError(ZohoToolsError):
    """What the user set up (settings, a file they wrote, the shared Redis) cannot be used; the
    message is one line naming the setting or file and the fix."""


class RequestBuildError(ZohoToolsError):
    """A request to Zoho cannot be built from an action and its arguments; nothing was sent.
    The executor turns these into results the model can act on."""
