"""The Zoho CRM modules the built-in actions work on: API name, scope name, name field, fields.

``fields`` trims results to what helps a model continue the conversation (ids, names, the phone
and email a caller is matched by, stages and amounts); everything else Zoho returns is dropped.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from zoho_tools.catalog._shapes import Module

CONTACTS = Module(
    api_name="Contacts",
    noun="contact",
    plural="contacts",
    category="contacts",
    scope="contacts",
    name_field="Full_Name",
    fields=("id", "Full_Name", "Phone", "Mobile", "Email", "Account_Name"),
)
LEADS = Module(
    api_name="Leads",
    noun="lead",
    plural="leads",
    category="leads",
    scope="leads",
    name_field="Full_Name",
    fields=("id", "Full_Name", "Company", "Phone", "Mobile", "Email", "Lead_Status"),
)
ACCOUNTS = Module(
    api_name="Accounts",
    noun="account",
    plural="accounts",
    category="accounts",
    scope="accounts",
    name_field="Account_Name",
    fields=("id", "Account_Name", "Phone", "Website"),
)
DEALS = Module(
    api_name="Deals",
    noun="deal",
    plural="deals",
    category="deals",
    scope="deals",
    name_field="Deal_Name",
    fields=("id", "Deal_Name", "Stage", "Amount", "Closing_Date", "Account_Name", "Contact_Name"),
)
CASES = Module(
    api_name="Cases",
    noun="case",
    plural="cases",
    category="cases",
    scope="cases",
    name_field="Subject",
    fields=("id", "Case_Number", "Subject", "Status", "Priority", "Related_To"),
)
TASKS = Module(
    api_name="Tasks",
    noun="task",
    plural="tasks",
    category="tasks",
    scope="tasks",
    name_field="Subject",
    fields=("id", "Subject", "Due_Date", "Status", "Who_Id"),
)
CALLS = Module(
    api_name="Calls",
    noun="call",
    plural="calls",
    category="calls",
    scope="calls",
    name_field="Subject",
    fields=("id", "Subject", "Call_Type", "Call_Start_Time", "Call_Duration", "Who_Id"),
)
EVENTS = Module(
    api_name="Events",
    noun="event",
    plural="events",
    category="events",
    scope="events",
    name_field="Event_Title",
    fields=("id", "Event_Title", "Start_DateTime", "End_DateTime", "Who_Id"),
)
NOTES = Module(
    api_name="Notes",
    noun="note",
    plural="notes",
    category="notes",
    scope="notes",
    name_field="Note_Title",
    fields=("id", "Note_Title", "Note_Content", "Parent_Id"),
)
PRODUCTS = Module(
    api_name="Products",
    noun="product",
    plural="products",
    category="products",
    scope="products",
    name_field="Product_Name",
    fields=("id", "Product_Name", "Product_Code", "Unit_Price", "Qty_in_Stock"),
)
QUOTES = Module(
    api_name="Quotes",
    noun="quote",
    plural="quotes",
    category="quotes",
    scope="quotes",
    name_field="Subject",
    fields=("id", "Subject", "Quote_Stage", "Grand_Total", "Contact_Name", "Account_Name"),
)
# Zoho's API name for Appointments carries the system suffix ``__s``; its scopes are documented
# as ``ZohoCRM.modules.appointments.{operation}`` (v7 create/update appointments pages).
APPOINTMENTS = Module(
    api_name="Appointments__s",
    noun="appointment",
    plural="appointments",
    category="appointments",
    scope="appointments",
    name_field="Appointment_Name",
    fields=("id", "Appointment_Name", "Appointment_Start_Time", "Status", "Appointment_For"),
)
# Appointments book a service of Zoho's Services__s module (its scope: "services").
SERVICES = Module(
    api_name="Services__s",
    noun="service",
    plural="services",
    category="appointments",
    scope="services",
    name_field="Service_Name",
    fields=("id", "Service_Name", "Duration", "Price", "Location"),
)
SOLUTIONS = Module(
    api_name="Solutions",
    noun="solution",
    plural="solutions",
    category="solutions",
    scope="solutions",
    name_field="Solution_Title",
    fields=(
        "id",
        "Solution_Number",
        "Solution_Title",
        "Question",
        "Answer",
        "Status",
        "Product_Name",
    ),
)

#: Modules whose records a caller talks about, and which take notes and tags. An enum of their
#: API names is what a model may put into a path (``/{{module}}/{{id}}/actions/add_tags``).
RECORD_MODULES: tuple[Module, ...] = (CONTACTS, LEADS, ACCOUNTS, DEALS, CASES)
RECORD_MODULE_NAMES: tuple[str, ...] = tuple(module.api_name for module in RECORD_MODULES)

#: Every module the built-in actions work on.
BUILTIN_MODULES: tuple[Module, ...] = (
    *RECORD_MODULES,
    TASKS,
    CALLS,
    EVENTS,
    NOTES,
    PRODUCTS,
    QUOTES,
    APPOINTMENTS,
    SERVICES,
    SOLUTIONS,
)
#: Team members are not records of a module (``GET /users``); lookups name them ``"users"``.
USERS = "users"
#: The field holding a record's own name, by module API name (and :data:`USERS`: a user's
#: ``full_name``).
NAME_FIELDS: Mapping[str, str] = MappingProxyType(
    {**{module.api_name: module.name_field for module in BUILTIN_MODULES}, USERS: "full_name"}
)
