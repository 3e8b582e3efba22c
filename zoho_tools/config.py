"""Configuration: environment variables ``ZOHO_TOOLS_*`` over a TOML file over defaults.

The TOML file is ``$ZOHO_TOOLS_CONFIG`` when set, else ``config.toml`` in the user config
directory (``platformdirs.user_config_dir("zoho-tools")``); a missing file is no error. Its keys
are the field names below::

    region = "eu"
    client_id = "1000.ABC..."
    request_timeout = 8
    api_base = "http://127.0.0.1:8000"   # e.g. a sandbox served on loopback

Keyword arguments to :func:`load_settings` win over both.

Tenants: one service can serve several Zoho orgs (a voice agent or business each). Each has a
table of its own, whose keys override the top-level ones for it::

    [tenants.acme]
    region = "eu"
    employee = "/etc/zoho-tools/acme.yaml"   # its enabled actions, defaults, variables
    time_zone = "Europe/Berlin"
    token = "..."                            # the bearer token its requests must send

``zoho-tools connect --tenant acme`` stores its tokens (in ``tenants/acme.json`` beside the
token file, or in Redis with ``--redis``).
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Annotated

import platformdirs
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
)
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from zoho_tools.auth.regions import DEFAULT_REGION, Region, region
from zoho_tools.errors import SetupError

APP_NAME = "zoho-tools"
CONFIG_ENV = "ZOHO_TOOLS_CONFIG"
#: The shortest secret that may seal MCP ``requestState`` (the SDK's own floor).
MIN_STATE_KEY_BYTES = 32
#: Seconds a voice webhook may take: below Vapi's 20-second default server timeout, with room
#: for the platform's own hops.
DEFAULT_VOICE_BUDGET = 12.0


def config_dir() -> Path:
    """The per-user configuration directory (``~/.config/zoho-tools`` on Linux)."""
    return Path(platformdirs.user_config_dir(APP_NAME))


def config_file() -> Path:
    """The TOML file settings are read from: ``$ZOHO_TOOLS_CONFIG`` or ``config.toml``."""
    override = os.environ.get(CONFIG_ENV)
    return Path(override).expanduser() if override else config_dir() / "config.toml"


def default_token_store() -> Path:
    return config_dir() / "tokens.json"


class ConfigError(SetupError, ValueError):
    """The configuration cannot be used; one line naming the file or variable and the fix.
    It never quotes a configured value (one could be the client secret)."""


def check_time_zone(name: str) -> str:
    """``name`` if it is an IANA time zone this machine knows, else :class:`ValueError`."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValueError(
            f"unknown time zone {name!r}: use an IANA name such as America/New_York or UTC"
        ) from None
    return name


def check_http_url(value: str, example: str = "https://accounts.zoho.eu") -> str:
    """``value`` if it is an http(s) URL with a host (and a numeric port, if any), else
    :class:`ValueError` showing ``example``."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(value)
        # Reading .port raises ValueError when the port is not a number.
        valid = parts.scheme in ("http", "https") and bool(parts.hostname) and parts.port != -1
    except ValueError:
        valid = False
    if not valid:
        raise ValueError(f"{value!r} is not an http(s) URL such as {example}")
    return value


def check_country(code: str) -> str:
    """``code`` as an upper-case ISO 3166 country code known for phone numbers, else
    :class:`ValueError`."""
    import phonenumbers

    upper = code.strip().upper()
    if upper not in phonenumbers.SUPPORTED_REGIONS:
        raise ValueError(f"unknown country code {code!r}: use a two-letter ISO code such as US")
    return upper


#: An IANA time zone name, checked wherever one is read (settings, employee files, fixtures).
TimeZoneName = Annotated[str, AfterValidator(check_time_zone)]
#: An ISO country code for phone numbers, upper-cased, checked wherever one is read.
CountryCode = Annotated[str, AfterValidator(check_country)]


#: What a tenant's name may be: it goes into file names, URL paths and Redis keys.
TENANT_NAME = r"^[a-z0-9][a-z0-9_-]{0,39}$"


def check_tenant_name(name: str) -> str:
    """``name`` if it is a valid tenant name, else :class:`ValueError` saying what is allowed."""
    import re

    if not re.fullmatch(TENANT_NAME, name):
        raise ValueError(
            f"tenant name {name[:60]!r}: use 1-40 lower-case letters, digits, '-' or '_', "
            "starting with a letter or digit"
        )
    return name


class TenantSettings(BaseModel):
    """One tenant's own connection and agent; unset keys fall back to the top-level settings."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    region: str | None = None
    client_id: str | None = None
    client_secret: SecretStr | None = None
    api_base: str | None = None
    accounts_url: str | None = None
    employee: Path | None = Field(default=None, description="its AI employee file")
    custom: Path | None = Field(default=None, description="its custom actions file")
    time_zone: TimeZoneName | None = None
    country: CountryCode | None = None
    token: SecretStr | None = Field(
        default=None, description="the bearer token its HTTP requests must send (16+ characters)"
    )
    # Its voice platforms' secrets, when its agent lives in an account of its own.
    vapi_secret: SecretStr | None = None
    retell_api_key: SecretStr | None = None
    elevenlabs_secret: SecretStr | None = None

    @field_validator("region")
    @classmethod
    def _known_region(cls, value: str | None) -> str | None:
        return region(value).code if value else None

    @field_validator("vapi_secret", "retell_api_key", "elevenlabs_secret")
    @classmethod
    def _not_blank(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().strip():
            raise ValueError("must not be empty; leave it out to use the top-level secret")
        return value


class Settings(BaseSettings):
    """Everything zoho-tools reads from its environment. The client secret is a ``SecretStr``:
    it shows as ``**********`` in a repr and must be unwrapped on purpose."""

    model_config = SettingsConfigDict(
        env_prefix="ZOHO_TOOLS_",
        extra="ignore",
        validate_default=True,
        frozen=True,
    )

    region: str = Field(DEFAULT_REGION, description="Zoho data centre: US, EU, IN, AU, JP, CA…")
    client_id: str | None = Field(None, description="OAuth client id from the Zoho API console")
    client_secret: SecretStr | None = Field(None, description="OAuth client secret")
    token_store: Path = Field(default_factory=default_token_store, description="token file")
    api_base: str | None = Field(None, description="CRM API base instead of the token's")
    accounts_url: str | None = Field(None, description="accounts server instead of the region's")
    request_timeout: float = Field(8.0, gt=0, description="seconds per request to Zoho")
    retry_budget: float = Field(6.0, ge=0, description="total seconds spent retrying a call")
    time_zone: TimeZoneName = Field(
        "UTC", description="IANA time zone for dates said by the caller"
    )
    country: CountryCode = Field("US", description="default country for phone numbers (ISO code)")
    mcp_token: SecretStr | None = Field(
        None, description="bearer token MCP clients must send to the HTTP endpoint"
    )
    mcp_state_keys: SecretStr | None = Field(
        None,
        description="comma-separated secrets (32+ bytes each) sealing MCP requestState; "
        "the first seals, all unseal; the same on every worker",
    )
    redis_url: SecretStr | None = Field(
        None,
        description="Redis URL (redis://, rediss://, unix://) for tokens, refresh lock and "
        "throttle, and conversations shared by several workers; may hold a password",
    )
    token_key: SecretStr | None = Field(
        None,
        description="comma-separated secrets (32+ bytes each) encrypting tokens in Redis; "
        "the first encrypts, all decrypt; the same on every worker",
    )
    tenants: dict[str, TenantSettings] = Field(
        default_factory=dict, description="tenants by name (a TOML table each; see above)"
    )
    mcp_allowed_hosts: str = Field(
        "", description="comma-separated Host names the MCP HTTP endpoint answers besides loopback"
    )
    vapi_secret: SecretStr | None = Field(
        None, description="Vapi server credential: bearer token, X-Vapi-Secret or HMAC secret"
    )
    retell_api_key: SecretStr | None = Field(
        None, description="Retell API key (with the webhook badge) that signs Retell's requests"
    )
    elevenlabs_secret: SecretStr | None = Field(
        None, description="secret ElevenLabs server tools send as a header"
    )
    voice_budget: float = Field(
        DEFAULT_VOICE_BUDGET,
        gt=0,
        le=300,
        description="seconds a voice webhook may take before answering 'still processing' "
        "(below Vapi's 20-second default timeout)",
    )

    @field_validator("vapi_secret", "retell_api_key", "elevenlabs_secret")
    @classmethod
    def _not_blank(cls, value: SecretStr | None) -> SecretStr | None:
        # An empty secret (``export ZOHO_TOOLS_VAPI_SECRET=``) is a mistake, not "no secret".
        if value is not None and not value.get_secret_value().strip():
            raise ValueError("must not be empty; unset it to configure no secret")
        return value

    @field_validator("region")
    @classmethod
    def _known_region(cls, value: str) -> str:
        return region(value).code

    @field_validator("token_store")
    @classmethod
    def _expand(cls, value: Path) -> Path:
        return value.expanduser()

    @field_validator("tenants")
    @classmethod
    def _tenant_names(cls, value: dict[str, TenantSettings]) -> dict[str, TenantSettings]:
        for name in value:
            check_tenant_name(name)
        return value

    def tenant(self, name: str) -> Settings:
        """The settings of tenant ``name``: its table over these, and its own token file
        (``tenants/<name>.json`` beside ``token_store``). A tenant without a table gets these
        settings and its own token file.

        Raises:
            ValueError: not a valid tenant name.
        """
        check_tenant_name(name)
        own = self.tenants.get(name, TenantSettings())
        connection = own.model_dump(
            include={"region", "client_id", "client_secret", "api_base", "accounts_url",
                     "time_zone", "country", "vapi_secret", "retell_api_key",
                     "elevenlabs_secret"},
            exclude_none=True,
        )  # fmt: skip
        token_store = self.token_store.parent / "tenants" / f"{name}.json"
        return self.model_copy(update={**connection, "token_store": token_store})

    @field_validator("api_base", "accounts_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        return check_http_url(value).rstrip("/") if value else None

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Earlier sources win: explicit arguments, then the environment, then the file.
        toml = TomlConfigSettingsSource(settings_cls, toml_file=config_file())
        return init_settings, env_settings, toml

    @property
    def zoho_region(self) -> Region:
        """The configured data centre."""
        return region(self.region)

    @property
    def accounts_server(self) -> str:
        """Where OAuth starts: ``accounts_url`` if set, else the region's accounts server."""
        return self.accounts_url or self.zoho_region.accounts_url

    def state_keys(self) -> list[str]:
        """The configured ``mcp_state_keys``, first the one that seals. Raises
        :class:`ValueError` naming the setting (never a key) when one is shorter than 32 bytes."""
        return _secrets(self.mcp_state_keys, "ZOHO_TOOLS_MCP_STATE_KEYS")

    def token_keys(self) -> list[str]:
        """The configured ``token_key`` secrets, first the one that encrypts. Raises
        :class:`ValueError` naming the setting (never a key) when one is shorter than 32 bytes."""
        return _secrets(self.token_key, "ZOHO_TOOLS_TOKEN_KEY")

    def allowed_hosts(self) -> list[str]:
        """The configured ``mcp_allowed_hosts`` as a list."""
        return [h.strip() for h in self.mcp_allowed_hosts.split(",") if h.strip()]

    def client_credentials(self) -> tuple[str, str] | None:
        """``(client_id, client_secret)`` when both are configured."""
        if self.client_id and self.client_secret:
            return self.client_id, self.client_secret.get_secret_value()
        return None


def _secrets(value: SecretStr | None, name: str) -> list[str]:
    """The comma-separated secrets of setting ``name``; each must be 32+ bytes."""
    if value is None:
        return []
    keys = [k.strip() for k in value.get_secret_value().split(",") if k.strip()]
    for index, key in enumerate(keys, 1):
        if len(key.encode()) < MIN_STATE_KEY_BYTES:
            raise ConfigError(
                f"{name}: key {index} is shorter than {MIN_STATE_KEY_BYTES} bytes; generate one "
                'with `python -c "import secrets; print(secrets.token_hex(32))"`'
            )
    return keys


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment and the config file, with ``overrides`` on top
    (``None`` values are ignored, so CLI options can be passed through as they are).

    Raises:
        ConfigError: the config file is not valid TOML or cannot be read, or a setting is
            invalid (the message names the setting and where settings come from).
    """
    from zoho_tools.files import describe_validation

    given = {k: v for k, v in overrides.items() if v is not None}
    path = config_file()
    if path.exists() and not path.is_file():
        raise ConfigError(
            f"the config file {path} is not a file; point {CONFIG_ENV} at a TOML file"
        )
    try:
        return Settings(**given)  # type: ignore[arg-type]
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            f"{path}: not valid TOML: {exc}; fix the file or point {CONFIG_ENV} elsewhere"
        ) from None
    except OSError as exc:
        raise ConfigError(f"cannot read the config file {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
    except ValidationError as exc:
        raise ConfigError(
            f"invalid configuration ({path} or ZOHO_TOOLS_* variables): " + describe_validation(exc)
        ) from None
