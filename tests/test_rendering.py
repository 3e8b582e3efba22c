"""Placeholder rendering and request rendering, on hand-made templates."""

from __future__ import annotations

import pytest

from zoho_tools.rendering import UnsafeRequest, render_request
from zoho_tools.templates import ActionTemplate, Param
from zoho_tools.variables import MissingVariable, VariableScope, render

CREATE = ActionTemplate(
    name="create_thing",
    title="Create a thing",
    description="Create a contact.",
    category="contacts",
    module="Contacts",
    method="POST",
    path="/Contacts",
    params=(
        Param(name="last_name", required=True, ask="Last name?"),
        Param(name="account_id", type="id"),
        Param(name="age", type="integer"),
    ),
    body={
        "data": [
            {
                "Last_Name": "{{last_name}}",
                "Account_Name": {"id": "{{account_id}}"},
                "Age": "{{age}}",
                "Description": "Call {{call_id}} from {{caller_phone}}",
            }
        ]
    },
)

SEARCH = ActionTemplate(
    name="search_thing",
    title="Search",
    description="Search.",
    category="contacts",
    module="Contacts",
    method="GET",
    path="/{{module}}/search",
    params=(Param(name="query", type="search_term"), Param(name="module")),
    query={"word": "{{query}}", "per_page": 5, "approved": True},
    read_only=True,
)

SCOPE = VariableScope(
    call={"call_id": "c-1", "caller_phone": "+15551234567"},
    results={
        "search_contact": [{"id": "111", "Full_Name": "John Smith", "Account_Name": {"id": "9"}}]
    },
)


def test_whole_placeholders_keep_their_type_and_optional_ones_drop() -> None:
    request = render_request(CREATE, {"last_name": "Smith", "age": 41}, SCOPE)
    assert request.method == "POST"
    assert request.path == "/Contacts"
    assert request.json == {
        "data": [{"Last_Name": "Smith", "Age": 41, "Description": "Call c-1 from +15551234567"}]
    }


def test_lookups_render_as_id_objects() -> None:
    request = render_request(CREATE, {"last_name": "Smith", "account_id": "42"}, SCOPE)
    assert isinstance(request.json, dict)
    assert request.json["data"][0]["Account_Name"] == {"id": "42"}


def test_a_missing_call_variable_is_named() -> None:
    with pytest.raises(MissingVariable, match="call_id"):
        render_request(CREATE, {"last_name": "Smith"}, VariableScope())


def test_search_term_routes_to_phone_or_email() -> None:
    as_word = render_request(SEARCH, {"query": "John", "module": "Leads"})
    assert as_word.path == "/Leads/search"
    assert as_word.query == {"word": "John", "per_page": "5", "approved": "true"}
    as_phone = render_request(SEARCH, {"query": "+15551234567", "module": "Leads"})
    assert as_phone.query["phone"] == "+15551234567"
    assert "word" not in as_phone.query
    as_email = render_request(SEARCH, {"query": "a@b.co", "module": "Leads"})
    assert as_email.query["email"] == "a@b.co"


@pytest.mark.parametrize("evil", ["Leads/../settings", "Leads?x=1", "users", "123/abc", "%2e%2e"])
def test_path_values_must_be_ids_or_modules(evil: str) -> None:
    with pytest.raises(UnsafeRequest, match="cannot go into the request path"):
        render_request(SEARCH, {"query": "John", "module": evil})


def test_results_resolve_dotted_paths_first_record_and_case_insensitively() -> None:
    assert SCOPE.lookup("search_contact.id") == "111"
    assert SCOPE.lookup("search_contact.full_name") == "John Smith"
    assert SCOPE.lookup("search_contact.Account_Name.id") == "9"
    two = VariableScope(results={"search_product": [{"id": "1"}, {"id": "2"}]})
    assert (two.lookup("search_product.id"), two.lookup("search_product.1.id")) == ("1", "2")
    with pytest.raises(MissingVariable, match=r"has no field '2\.id'"):
        two.lookup("search_product.2.id")
    with pytest.raises(MissingVariable, match="has no field 'Email'"):
        SCOPE.lookup("search_contact.Email")
    with pytest.raises(MissingVariable, match="refers to 'create_case', which has no result"):
        SCOPE.lookup("create_case.id")
    with pytest.raises(MissingVariable, match="not a call variable"):
        SCOPE.lookup("employee_id")


def test_render_interpolates_and_keeps_structure() -> None:
    template = {"a": ["{{x}}", "n={{x}}"], "b": {"c": "{{y}}"}, "d": 1}
    values = {"x": 5}

    def resolve(name: str) -> object:
        if name in values:
            return values[name]
        raise MissingVariable(name)

    assert render(template, resolve, omittable=lambda name: name == "y") == {
        "a": [5, "n=5"],
        "d": 1,
    }


def test_field_map_is_derived_from_templates() -> None:
    assert CREATE.field_map() == {
        "last_name": "body.data[0].Last_Name",
        "account_id": "body.data[0].Account_Name.id",
        "age": "body.data[0].Age",
    }
    assert SEARCH.field_map() == {"query": "query.word", "module": "path"}
