"""The Zoho CRM modules the built-in actions work on: API name, scope name, fields worth showing.

``fields`` trims results to what helps a model continue the conversation (ids, names, the phone
and email a caller is matched by, stages and amounts); everything else Zoho returns is dropped.
"""

from __future__ import annotations

from zoho_tools.catalog._shapes import Module

CONTACTS = Module(
    api_name="Contacts",
    noun="contact",
    plural="contacts",
    category="contacts",
    scope="contacts",
    fields=("id", "Full_Name", "Phone", "Mobile", "Email", "Account_Name"),
)
LEADS = Module(
    api_name="Leads",
    noun="lead",
    plural="leads",
    category="leads",
    scope="leads",
    fields=("id", "Full_Name", "Company", "Phone", "Mobile", "Email", "Lead_Status"),
)
ACCOUNTS = Module(
    api_name="Accounts",
    noun="account",
    plural="accounts",
    category="accounts",
    scope="accounts",
    fields=("id", "Account_Name", "Phone", "Website"),
)
DEALS = Module(
    api_name="Deals",
    noun="deal",
    plural="deals",
    category="deals",
    scope="deals",
    fields=("id", "Deal_Name", "Stage", "Amount", "Closing_Date", "Account_Name", "Contact_Name"),
)
CASES = Module(
    api_name="Cases",
    noun="case",
    plural="cases",
    category="cases",
    scope="cases",
    fields=("id", "Case_Number", "Subject", "Status", "Priority", "Related_To"),
)
TASKS = Module(
    api_name="Tasks",
    noun="task",
    plural="tasks",
    category="tasks",
    scope="tasks",
    fields=("id", "Subject", "Due_Date", "Status", "Who_Id"),
)
CALLS = Module(
    api_name="Calls",
    noun="call",
    plural="calls",
    category="calls",
    scope="calls",
    fields=("id", "Subject", "Call_Type", "Call_Start_Time", "Call_Duration", "Who_Id"),
)
EVENTS = Module(
    api_name="Events",
    noun="event",
    plural="events",
    category="events",
    scope="events",
    fields=("id", "Event_Title", "Start_DateTime", "End_DateTime", "Who_Id"),
)
NOTES = Module(
    api_name="Notes",
    noun="note",
    plural="notes",
    category="notes",
    scope="notes",
    fields=("id", "Note_Title", "Note_Content", "Parent_Id"),
)
PRODUCTS = Module(
    api_name="Products",
    noun="product",
    plural="products",
    category="products",
    scope="products",
    fields=("id", "Product_Name", "Product_Code", "Unit_Price", "Qty_in_Stock"),
)
QUOTES = Module(
    api_name="Quotes",
    noun="quote",
    plural="quotes",
    category="quotes",
    scope="quotes",
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
    fields=("id", "Appointment_Name", "Appointment_Start_Time", "Status", "Appointment_For"),
)
# Appointments book a service of Zoho's Services__s module (its scope: "services").
SERVICES = Module(
    api_name="Services__s",
    noun="service",
    plural="services",
    category="appointments",
    scope="services",
    fields=("id", "Service_Name", "Duration", "Price", "Location"),
)
SOLUTIONS = Module(
    api_name="Solutions",
    noun="solution",
    plural="solutions",
    category="solutions",
    scope="solutions",
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
