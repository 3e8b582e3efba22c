"""Users & Tags: the CRM's team members, and the labels put on records.

Users and tags are not records of a module: Zoho answers with ``users`` and ``tags`` instead of
``data`` (``records_key``), and their scopes are ``ZohoCRM.users.*`` and
``ZohoCRM.settings.tags.*``. Adding or removing a tag also needs the write scope of the record's
module.
"""

from __future__ import annotations

from zoho_tools.catalog._modules import RECORD_MODULE_NAMES, RECORD_MODULES
from zoho_tools.catalog._shapes import record_id
from zoho_tools.templates import ActionTemplate, Param

CATEGORY = "users-tags"
USER_FIELDS = ("id", "full_name", "email", "status", "role")
TAG_FIELDS = ("id", "name")
TAG_WRITE_SCOPES = (
    "ZohoCRM.settings.tags.ALL",
    *(module.scope_for("WRITE") for module in RECORD_MODULES),
)


def _module() -> Param:
    # An enum, so only a module API name can reach the request path.
    return Param(name="module", enum=RECORD_MODULE_NAMES, required=True)


list_users = ActionTemplate(
    name="list_users",
    title="List users",
    description="List team members (users).",
    category=CATEGORY,
    module=None,
    method="GET",
    path="/users",
    # Every user, with their status: Zoho's other filters (active, admins, ...) are what a model
    # can tell from the list itself, and a parameter for them costs tokens on every turn.
    query={"type": "AllUsers", "per_page": 50},
    read_only=True,
    idempotent=True,
    scopes=("ZohoCRM.users.READ",),
    records_key="users",
    fields=USER_FIELDS,
)

get_user = ActionTemplate(
    name="get_user",
    title="Get user",
    description="Get a team member by id.",
    category=CATEGORY,
    module=None,
    method="GET",
    path="/users/{{id}}",
    params=(record_id(),),
    read_only=True,
    idempotent=True,
    scopes=("ZohoCRM.users.READ",),
    records_key="users",
    fields=USER_FIELDS,
)

list_tags = ActionTemplate(
    name="list_tags",
    title="List tags",
    description="List a module's tags.",
    category=CATEGORY,
    module=None,
    method="GET",
    path="/settings/tags",
    params=(_module(),),
    query={"module": "{{module}}"},
    read_only=True,
    idempotent=True,
    scopes=("ZohoCRM.settings.tags.READ",),
    records_key="tags",
    fields=TAG_FIELDS,
)

add_tag = ActionTemplate(
    name="add_tag",
    title="Add tag",
    description="Tag a record.",
    category=CATEGORY,
    module=None,
    method="POST",
    path="/{{module}}/{{id}}/actions/add_tags",
    params=(_module(), record_id(), Param(name="tag", required=True)),
    body={"tags": [{"name": "{{tag}}"}]},
    idempotent=True,
    scopes=TAG_WRITE_SCOPES,
    fields=TAG_FIELDS,
)

remove_tag = ActionTemplate(
    name="remove_tag",
    title="Remove tag",
    description="Remove a tag from a record.",
    category=CATEGORY,
    module=None,
    method="POST",
    path="/{{module}}/{{id}}/actions/remove_tags",
    params=(_module(), record_id(), Param(name="tag", required=True)),
    body={"tags": [{"name": "{{tag}}"}]},
    destructive=True,
    idempotent=True,
    confirm=True,
    scopes=TAG_WRITE_SCOPES,
    fields=TAG_FIELDS,
)

ACTIONS = (list_users, get_user, list_tags, add_tag, remove_tag)
