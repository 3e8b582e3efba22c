"""The sandbox org's own model of Zoho CRM modules and fields.

This is deliberately independent of everything else in ``zoho_tools``: it describes a standard
Zoho CRM org (the standard layout of each module), so that a template or client that sends a
wrong field name, a wrong type or a missing mandatory value is caught here exactly as Zoho
would catch it.

What is modelled, per field: ``api_name``, ``data_type`` (Zoho's names: text, textarea, email,
phone, website, picklist, date, datetime, integer, double, currency, boolean, lookup,
ownerlookup, multiuserlookup, autonumber, lineitems, plus a few composite ones listed below),
maximum length, picklist values, uniqueness, read-only, lookup target modules and whether the
field is mandatory.

Decisions where Zoho is not documented or the org is configurable (reference, section 6):

- ``system_mandatory`` follows Zoho's table of system-defined mandatory fields. A few more
  fields are mandatory in *this org's standard layout*: Leads ``Company`` and Deals
  ``Closing_Date``. The field metadata shows them with ``system_mandatory: false`` and
  ``mandatory: true`` (``mandatory`` is the sandbox's enforcement flag, added to Zoho's shape).
- Conditional rules are data here: Calls ``Call_Duration`` is optional for a call whose
  ``Outbound_Call_Status`` is ``Scheduled``; Appointments ``Address`` is mandatory when
  ``Location`` is ``Client Address``.
- Optional picklists start with ``-None-`` as in Zoho; writing ``-None-`` clears the field.
- Composite data types whose Zoho name is not documented use these names: ``What_Id`` is a
  ``lookup`` whose module is given by the record's ``$se_module``; Notes ``Parent_Id`` and
  Appointments ``Appointment_For`` are ``multi_module_lookup``; Events ``Participants`` is
  ``participants``; Tasks/Calls ``Remind_At`` and ``Recurring_Activity`` are ``ALARM`` and
  ``RRULE`` (stored as sent); Events and Appointments ``Remind_At`` is ``event_reminder`` (a list
  of ``{"unit", "period"}``, as the v7 Insert Records page shows for Meetings).
- ``Services__s`` (undocumented field list) has Service_Name, Duration (minutes), Price,
  Location, Members (users allowed to own its appointments), Status and Description.
- The Tasks ``Status`` values use Zoho's UI spelling "Waiting for input"; Calls
  ``Call_Purpose`` carries both "Prospecting" (UI) and "Prospective" (Kaizen #38).

Ids are 19-digit strings like Zoho's: the org prefix followed by a 12-digit number.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from dataclasses import field as dc_field
from types import MappingProxyType
from typing import Any

ORG_PREFIX = "6421873"


def zoho_id(number: int) -> str:
    """A Zoho-style 19-digit id for ``number`` (unique within the sandbox org)."""
    return f"{ORG_PREFIX}{number:012d}"


# Zoho data types used by the sandbox (``data_type`` in the fields metadata).
TEXT = "text"
TEXTAREA = "textarea"
EMAIL = "email"
PHONE = "phone"
WEBSITE = "website"
PICKLIST = "picklist"
DATE = "date"
DATETIME = "datetime"
INTEGER = "integer"
DOUBLE = "double"
CURRENCY = "currency"
BOOLEAN = "boolean"
LOOKUP = "lookup"
OWNERLOOKUP = "ownerlookup"
MULTIUSER = "multiuserlookup"
MULTI_MODULE = "multi_module_lookup"
AUTONUMBER = "autonumber"
LINEITEMS = "lineitems"
PARTICIPANTS = "participants"
ALARM = "ALARM"
RRULE = "RRULE"
REMINDERS = "event_reminder"

TEXT_LIKE = frozenset({TEXT, TEXTAREA, EMAIL, PHONE, WEBSITE, AUTONUMBER})
NUMERIC = frozenset({INTEGER, DOUBLE, CURRENCY})

_JSON_TYPES = {
    INTEGER: "integer",
    DOUBLE: "double",
    CURRENCY: "double",
    BOOLEAN: "boolean",
    LOOKUP: "jsonobject",
    OWNERLOOKUP: "jsonobject",
    MULTI_MODULE: "jsonobject",
    ALARM: "jsonobject",
    RRULE: "jsonobject",
    MULTIUSER: "jsonarray",
    LINEITEMS: "jsonarray",
    PARTICIPANTS: "jsonarray",
    REMINDERS: "jsonarray",
}

NONE_VALUE = "-None-"


@dataclass(frozen=True, slots=True, kw_only=True)
class Field:
    """One field of a module's standard layout."""

    api_name: str
    label: str
    data_type: str
    length: int | None = None
    system_mandatory: bool = False
    layout_mandatory: bool = False
    unique: bool = False
    read_only: bool = False
    picklist: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    se_module: bool = False  # What_Id: the target module is named by the record's $se_module
    duration: bool = False  # Calls' Call_Duration: "mm:ss"
    required_if: tuple[str, str] | None = None  # (field, value) making this one mandatory
    optional_if: tuple[str, str] | None = None  # (field, value) waiving system_mandatory
    default: Any = None  # filled on insert when the field is not sent

    @property
    def mandatory(self) -> bool:
        return self.system_mandatory or self.layout_mandatory

    @property
    def json_type(self) -> str:
        return _JSON_TYPES.get(self.data_type, "string")


@dataclass(frozen=True, slots=True, kw_only=True)
class ModuleDefinition:
    """One CRM module: API name, labels, scope name and fields in layout order."""

    api_name: str
    singular: str
    plural: str
    id: str
    scope: str  # the {module_name} part of ZohoCRM.modules.{module_name}.{operation}
    display_field: str
    fields: tuple[Field, ...]
    taggable: bool = True
    by_name: Mapping[str, Field] = dc_field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", MappingProxyType({f.api_name: f for f in self.fields}))

    def field(self, api_name: str) -> Field | None:
        return self.by_name.get(api_name)

    @property
    def has_line_items(self) -> bool:
        return any(f.data_type == LINEITEMS for f in self.fields)


# --- field builders (keep the module tables below short and readable) ----------------------


def _label(api_name: str) -> str:
    return api_name.replace("__s", "").replace("_", " ")


def _f(api_name: str, data_type: str, **kwargs: Any) -> Field:
    label = kwargs.pop("label", None) or _label(api_name)
    return Field(api_name=api_name, label=label, data_type=data_type, **kwargs)


def text(api_name: str, length: int = 255, **kw: Any) -> Field:
    return _f(api_name, TEXT, length=length, **kw)


def textarea(api_name: str, length: int = 32000, **kw: Any) -> Field:
    return _f(api_name, TEXTAREA, length=length, **kw)


def email(api_name: str, **kw: Any) -> Field:
    return _f(api_name, EMAIL, length=100, **kw)


def phone(api_name: str, **kw: Any) -> Field:
    return _f(api_name, PHONE, length=30, **kw)


def picklist(api_name: str, values: Iterable[str], *, optional: bool = True, **kw: Any) -> Field:
    values = tuple(values)
    return _f(api_name, PICKLIST, picklist=((NONE_VALUE, *values) if optional else values), **kw)


def lookup(api_name: str, *targets: str, **kw: Any) -> Field:
    return _f(api_name, LOOKUP, targets=targets, **kw)


def _address(prefix: str, zip_name: str) -> tuple[Field, ...]:
    return (
        text(f"{prefix}Street", 250),
        text(f"{prefix}City", 100),
        text(f"{prefix}State", 100),
        text(f"{prefix}{zip_name}", 30),
        text(f"{prefix}Country", 100),
    )


def _system(*, owner_mandatory: bool = False) -> tuple[Field, ...]:
    return (
        _f("Owner", OWNERLOOKUP, system_mandatory=owner_mandatory),
        _f("Created_By", OWNERLOOKUP, read_only=True),
        _f("Modified_By", OWNERLOOKUP, read_only=True),
        _f("Created_Time", DATETIME, read_only=True),
        _f("Modified_Time", DATETIME, read_only=True),
    )


def _person_name() -> tuple[Field, ...]:
    return (
        picklist("Salutation", ["Mr.", "Mrs.", "Ms.", "Dr.", "Prof."]),
        text("First_Name", 40),
        text("Last_Name", 80, system_mandatory=True),
        text("Full_Name", 120, read_only=True),
    )


# --- picklist values of the standard layout ------------------------------------------------

LEAD_SOURCES = (
    "Advertisement",
    "Cold Call",
    "Employee Referral",
    "External Referral",
    "Online Store",
    "Partner",
    "Public Relations",
    "Sales Email Alias",
    "Seminar Partner",
    "Internal Seminar",
    "Trade Show",
    "Web Download",
    "Web Research",
    "Chat",
)
LEAD_STATUSES = (
    "Attempted to Contact",
    "Contact in Future",
    "Contacted",
    "Junk Lead",
    "Lost Lead",
    "Not Contacted",
    "Pre-Qualified",
    "Not Qualified",
)
INDUSTRIES = (
    "ASP (Application Service Provider)",
    "Data/Telecom OEM",
    "ERP (Enterprise Resource Planning)",
    "Government/Military",
    "Large Enterprise",
    "ManagementISV",
    "MSP (Management Service Provider)",
    "Network Equipment Enterprise",
    "Non-management ISV",
    "Optical Networking",
    "Service Provider",
    "Small/Medium Enterprise",
    "Storage Equipment",
    "Storage Service Provider",
    "Systems Integrator",
    "Wireless Industry",
)
RATINGS = ("Acquired", "Active", "Market Failed", "Project Cancelled", "Shut Down")
DEAL_STAGES = (
    "Qualification",
    "Needs Analysis",
    "Value Proposition",
    "Identify Decision Makers",
    "Proposal/Price Quote",
    "Negotiation/Review",
    "Closed Won",
    "Closed Lost",
    "Closed-Lost to Competition",
)
# Zoho fills Probability from the stage when it is not given (standard pipeline defaults).
STAGE_PROBABILITY = {
    "Qualification": 10,
    "Needs Analysis": 20,
    "Value Proposition": 40,
    "Identify Decision Makers": 60,
    "Proposal/Price Quote": 75,
    "Negotiation/Review": 90,
    "Closed Won": 100,
    "Closed Lost": 0,
    "Closed-Lost to Competition": 0,
}
CASE_STATUSES = ("New", "Escalated", "On Hold", "Closed")
CASE_ORIGINS = ("Email", "Phone", "Web")
TASK_STATUSES = ("Not Started", "Deferred", "In Progress", "Completed", "Waiting for input")
TASK_PRIORITIES = ("High", "Highest", "Low", "Lowest", "Normal")
CALL_TYPES = ("Inbound", "Outbound", "Missed")
CALL_PURPOSES = (
    "Prospecting",
    "Prospective",
    "Administrative",
    "Negotiation",
    "Demo",
    "Project",
    "Desk",
)
APPOINTMENT_STATUSES = ("Scheduled", "Cancelled", "Completed", "Overdue")
APPOINTMENT_LOCATIONS = ("Client Address", "Business Address")

# Modules a Task/ApiRequest/Event "What_Id" (Related To) can point at, in this org.
WHAT_ID_MODULES = ("Accounts", "Deals", "Leads", "Cases", "Products", "Quotes", "Solutions")
PERSON_MODULES = ("Contacts", "Leads")


def _activity_links(who: tuple[str, ...]) -> tuple[Field, ...]:
    return (
        lookup("Who_Id", *who, label="Contact Name"),
        lookup("What_Id", *WHAT_ID_MODULES, label="Related To", se_module=True),
    )


# --- the modules ----------------------------------------------------------------------------

_CONTACTS = (
    *_system(),
    *_person_name(),
    lookup("Account_Name", "Accounts"),
    email("Email"),
    email("Secondary_Email"),
    phone("Phone"),
    phone("Mobile"),
    phone("Home_Phone"),
    phone("Other_Phone"),
    phone("Fax"),
    text("Title", 100),
    text("Department", 100),
    picklist("Lead_Source", LEAD_SOURCES),
    _f("Date_of_Birth", DATE),
    text("Assistant", 100),
    phone("Asst_Phone"),
    lookup("Reporting_To", "Contacts"),
    _f("Email_Opt_Out", BOOLEAN),
    text("Skype_ID", 50),
    text("Twitter", 50),
    *_address("Mailing_", "Zip"),
    *_address("Other_", "Zip"),
    textarea("Description"),
)

_LEADS = (
    *_system(),
    *_person_name(),
    text("Company", 200, layout_mandatory=True),
    text("Title", 100),
    email("Email"),
    email("Secondary_Email"),
    phone("Phone"),
    phone("Mobile"),
    phone("Fax"),
    _f("Website", WEBSITE, length=255),
    picklist("Lead_Source", LEAD_SOURCES),
    picklist("Lead_Status", LEAD_STATUSES),
    picklist("Industry", INDUSTRIES),
    _f("No_of_Employees", INTEGER),
    _f("Annual_Revenue", CURRENCY),
    picklist("Rating", RATINGS),
    _f("Email_Opt_Out", BOOLEAN),
    text("Skype_ID", 50),
    text("Twitter", 50),
    *_address("", "Zip_Code"),
    textarea("Description"),
)

_ACCOUNTS = (
    *_system(),
    text("Account_Name", 200, system_mandatory=True, unique=True),
    text("Account_Number", 40),
    text("Account_Site", 80),
    lookup("Parent_Account", "Accounts"),
    picklist(
        "Account_Type",
        [
            "Analyst",
            "Competitor",
            "Customer",
            "Distributor",
            "Integrator",
            "Investor",
            "Other",
            "Partner",
            "Press",
            "Prospect",
            "Reseller",
            "Supplier",
            "Vendor",
        ],
    ),
    picklist("Industry", INDUSTRIES),
    _f("Annual_Revenue", CURRENCY),
    _f("Employees", INTEGER),
    picklist(
        "Ownership",
        [
            "Other",
            "Private",
            "Public",
            "Subsidiary",
            "Partnership",
            "Government",
            "Privately Held",
            "Public Company",
        ],
    ),
    picklist("Rating", RATINGS),
    phone("Phone"),
    phone("Fax"),
    _f("Website", WEBSITE, length=255),
    text("Ticker_Symbol", 30),
    _f("SIC_Code", INTEGER),
    *_address("Billing_", "Code"),
    *_address("Shipping_", "Code"),
    textarea("Description"),
)

_DEALS = (
    *_system(),
    text("Deal_Name", 120, system_mandatory=True),
    lookup("Account_Name", "Accounts"),
    lookup("Contact_Name", "Contacts"),
    _f("Amount", CURRENCY),
    _f("Closing_Date", DATE, layout_mandatory=True),
    picklist("Stage", DEAL_STAGES, optional=False, system_mandatory=True),
    picklist("Pipeline", ["Standard (Standard)"], optional=False, default="Standard (Standard)"),
    picklist("Type", ["Existing Business", "New Business"]),
    _f("Probability", INTEGER),
    _f("Expected_Revenue", CURRENCY, read_only=True),
    text("Next_Step", 100),
    picklist("Lead_Source", LEAD_SOURCES),
    textarea("Description"),
)

_CASES = (
    *_system(),
    _f("Case_Number", AUTONUMBER, read_only=True),
    text("Subject", 255, system_mandatory=True),
    picklist("Status", CASE_STATUSES, optional=False, system_mandatory=True),
    picklist("Case_Origin", CASE_ORIGINS, optional=False, system_mandatory=True),
    picklist("Priority", ["High", "Medium", "Low"]),
    picklist("Type", ["Question", "Problem", "Feature Request"]),
    picklist(
        "Case_Reason",
        [
            "User did not attend any training",
            "Complex functionality",
            "Existing problem",
            "Instructions not clear",
            "New problem",
        ],
    ),
    lookup("Product_Name", "Products"),
    lookup("Account_Name", "Accounts"),
    lookup("Related_To", "Contacts"),
    lookup("Deal_Name", "Deals"),
    email("Email"),
    phone("Phone"),
    text("Reported_By", 120),
    textarea("Description"),
    textarea("Internal_Comments"),
    textarea("Solution"),
)

_TASKS = (
    *_system(),
    text("Subject", 255, system_mandatory=True),
    _f("Due_Date", DATE),
    *_activity_links(PERSON_MODULES),
    picklist("Status", TASK_STATUSES, optional=False, default="Not Started"),
    picklist("Priority", TASK_PRIORITIES, optional=False, default="Normal"),
    _f("Send_Notification_Email", BOOLEAN),
    _f("Remind_At", ALARM),
    _f("Recurring_Activity", RRULE),
    _f("Closed_Time", DATETIME, read_only=True),
    textarea("Description"),
)

_CALLS = (
    *_system(),
    text("Subject", 255, system_mandatory=True),
    picklist("Call_Type", CALL_TYPES, optional=False, system_mandatory=True),
    picklist("Call_Purpose", CALL_PURPOSES),
    _f("Call_Start_Time", DATETIME, system_mandatory=True),
    text(
        "Call_Duration",
        10,
        system_mandatory=True,
        duration=True,
        optional_if=("Outbound_Call_Status", "Scheduled"),
    ),
    _f("Call_Duration_in_seconds", INTEGER, read_only=True),
    *_activity_links(PERSON_MODULES),
    text("Call_Agenda", 255),
    picklist(
        "Call_Result",
        [
            "Interested",
            "Not interested",
            "No response/Busy",
            "Requested more info",
            "Requested call back",
            "Invalid number",
        ],
    ),
    picklist("Outbound_Call_Status", ["Scheduled", "Completed", "Cancelled", "Overdue"]),
    phone("Caller_ID"),
    phone("Dialled_Number"),
    textarea("Description"),
)

_EVENTS = (
    *_system(),
    text("Event_Title", 255, system_mandatory=True),
    _f("Start_DateTime", DATETIME, system_mandatory=True),
    _f("End_DateTime", DATETIME, system_mandatory=True),
    _f("All_day", BOOLEAN),
    text("Venue", 255),
    *_activity_links(("Contacts",)),
    _f("Participants", PARTICIPANTS),
    # v7 Insert Records (Meetings): a list of {"unit": 15, "period": "minutes"}.
    _f("Remind_At", REMINDERS),
    _f("Recurring_Activity", RRULE),
    textarea("Description"),
)

# Modules whose records can carry notes (every module of the org but Notes itself).
NOTE_PARENTS = (
    "Contacts",
    "Leads",
    "Accounts",
    "Deals",
    "Cases",
    "Tasks",
    "Calls",
    "Events",
    "Products",
    "Quotes",
    "Appointments__s",
    "Solutions",
    "Services__s",
)

_NOTES = (
    *_system(),
    text("Note_Title", 120),
    textarea("Note_Content", system_mandatory=True),
    _f("Parent_Id", MULTI_MODULE, targets=NOTE_PARENTS, system_mandatory=True),
)

_PRODUCTS = (
    *_system(),
    text("Product_Name", 200, system_mandatory=True, unique=True),
    text("Product_Code", 40),
    _f("Product_Active", BOOLEAN),
    picklist("Product_Category", ["Hardware", "Software", "CRM Applications"]),
    picklist("Manufacturer", ["AltvetPet Inc.", "LexPon Inc.", "MetBeat Corp."]),
    _f("Unit_Price", CURRENCY),
    _f("Commission_Rate", CURRENCY),
    _f("Taxable", BOOLEAN),
    picklist(
        "Usage_Unit",
        [
            "Box",
            "Carton",
            "Dozen",
            "Each",
            "Hours",
            "Impressions",
            "Lb",
            "M",
            "Pack",
            "Pages",
            "Pieces",
            "Quantity",
            "Reams",
            "Sheet",
            "Spiral Binder",
            "Square Feet",
        ],
    ),
    _f("Qty_in_Stock", DOUBLE),
    _f("Qty_Ordered", DOUBLE),
    _f("Reorder_Level", DOUBLE),
    _f("Qty_in_Demand", DOUBLE),
    _f("Sales_Start_Date", DATE),
    _f("Sales_End_Date", DATE),
    _f("Support_Start_Date", DATE),
    _f("Support_Expiry_Date", DATE),
    textarea("Description"),
)

_QUOTES = (
    *_system(),
    text("Subject", 255, system_mandatory=True),
    picklist(
        "Quote_Stage",
        ["Draft", "Negotiation", "Delivered", "On Hold", "Confirmed", "Closed Won", "Closed Lost"],
    ),
    _f("Valid_Till", DATE),
    lookup("Deal_Name", "Deals"),
    lookup("Contact_Name", "Contacts"),
    lookup("Account_Name", "Accounts"),
    picklist("Carrier", ["FedEX", "UPS", "USPS", "DHL", "BlueDart"]),
    _f("Quoted_Items", LINEITEMS, system_mandatory=True, targets=("Products",)),
    _f("Sub_Total", CURRENCY, read_only=True),
    _f("Discount", CURRENCY),
    _f("Tax", CURRENCY),
    _f("Adjustment", CURRENCY),
    _f("Grand_Total", CURRENCY, read_only=True),
    *_address("Billing_", "Code"),
    *_address("Shipping_", "Code"),
    textarea("Terms_and_Conditions"),
    textarea("Description"),
)

_APPOINTMENTS = (
    *_system(owner_mandatory=True),
    text("Appointment_Name", 120, system_mandatory=True),
    _f(
        "Appointment_For",
        MULTI_MODULE,
        targets=("Contacts", "Leads", "Accounts"),
        system_mandatory=True,
    ),
    lookup("Service_Name", "Services__s", system_mandatory=True),
    _f("Appointment_Start_Time", DATETIME, system_mandatory=True),
    _f("Appointment_End_Time", DATETIME, read_only=True),
    _f("Duration", INTEGER, read_only=True),
    picklist("Location", APPOINTMENT_LOCATIONS, optional=False, system_mandatory=True),
    textarea("Address", 1000, required_if=("Location", "Client Address")),
    textarea("Additional_Information", 2000),
    _f("Remind_At", REMINDERS),
    picklist("Status", APPOINTMENT_STATUSES, optional=False, default="Scheduled"),
    _f("Rescheduled_From", DATETIME),
    picklist("Reschedule_Reason", ["By Customer", "By Team"]),
    textarea("Reschedule_Note", 2000),
    picklist("Cancellation_Reason", ["By Customer", "By Team"]),
    textarea("Cancellation_Note", 2000),
)

_SOLUTIONS = (
    *_system(),
    _f("Solution_Number", AUTONUMBER, read_only=True),
    text("Solution_Title", 255, system_mandatory=True),
    picklist("Status", ["Draft", "Reviewed", "Published"]),
    lookup("Product_Name", "Products"),
    textarea("Question"),
    textarea("Answer"),
    _f("Published", BOOLEAN),
)

_SERVICES = (
    *_system(),
    text("Service_Name", 120, system_mandatory=True),
    _f("Duration", INTEGER, label="Duration (minutes)"),
    _f("Price", CURRENCY),
    picklist("Location", APPOINTMENT_LOCATIONS),
    _f("Members", MULTIUSER),
    picklist("Status", ["Active", "Inactive"], optional=False, default="Active"),
    textarea("Description"),
)


def _module(
    number: int,
    api_name: str,
    singular: str,
    plural: str,
    scope: str,
    display_field: str,
    fields: tuple[Field, ...],
    *,
    taggable: bool = True,
) -> ModuleDefinition:
    return ModuleDefinition(
        api_name=api_name,
        singular=singular,
        plural=plural,
        id=zoho_id(number),
        scope=scope,
        display_field=display_field,
        fields=fields,
        taggable=taggable,
    )


_ALL = (
    _module(2175, "Leads", "Lead", "Leads", "leads", "Full_Name", _LEADS),
    _module(2177, "Accounts", "Account", "Accounts", "accounts", "Account_Name", _ACCOUNTS),
    _module(2179, "Contacts", "Contact", "Contacts", "contacts", "Full_Name", _CONTACTS),
    _module(2181, "Deals", "Deal", "Deals", "deals", "Deal_Name", _DEALS),
    _module(2185, "Tasks", "Task", "Tasks", "tasks", "Subject", _TASKS),
    _module(2187, "Events", "Meeting", "Meetings", "events", "Event_Title", _EVENTS),
    _module(2189, "Calls", "Call", "Calls", "calls", "Subject", _CALLS),
    _module(2191, "Products", "Product", "Products", "products", "Product_Name", _PRODUCTS),
    _module(2193, "Quotes", "Quote", "Quotes", "quotes", "Subject", _QUOTES),
    _module(2195, "Cases", "Case", "Cases", "cases", "Subject", _CASES),
    _module(2197, "Solutions", "Solution", "Solutions", "solutions", "Solution_Title", _SOLUTIONS),
    _module(2199, "Notes", "Note", "Notes", "notes", "Note_Title", _NOTES, taggable=False),
    _module(
        2201,
        "Appointments__s",
        "Appointment",
        "Appointments",
        "appointments",
        "Appointment_Name",
        _APPOINTMENTS,
        taggable=False,
    ),
    _module(
        2203,
        "Services__s",
        "Service",
        "Services",
        "services",
        "Service_Name",
        _SERVICES,
        taggable=False,
    ),
)

MODULES: Mapping[str, ModuleDefinition] = MappingProxyType({m.api_name: m for m in _ALL})
_BY_LOWER = {m.api_name.lower(): m for m in _ALL}
_BY_ID = {m.id: m for m in _ALL}


def find_module(name: str) -> ModuleDefinition | None:
    """The module called ``name`` (API name, case-insensitive, as Zoho resolves URL paths)."""
    return _BY_LOWER.get(name.lower())


def module_by_id(module_id: str) -> ModuleDefinition | None:
    return _BY_ID.get(module_id)


# --- metadata API shapes (GET /settings/fields, /settings/modules) -------------------------


def _field_id(module: ModuleDefinition, index: int) -> str:
    return zoho_id(int(module.id[len(ORG_PREFIX) :]) * 100 + index)


def field_json(module: ModuleDefinition, index: int, f: Field) -> dict[str, Any]:
    """One field in the shape of ``GET /settings/fields`` (a subset of Zoho's keys)."""
    lookup_json: dict[str, Any] = {}
    if f.data_type == LOOKUP and len(f.targets) == 1:
        target = MODULES[f.targets[0]]
        lookup_json = {"module": {"api_name": target.api_name, "id": target.id}}
    return {
        "api_name": f.api_name,
        "field_label": f.label,
        "display_label": f.label,
        "id": _field_id(module, index),
        "data_type": f.data_type,
        "json_type": f.json_type,
        "length": f.length,
        "system_mandatory": f.system_mandatory,
        "mandatory": f.mandatory,
        "read_only": f.read_only,
        "field_read_only": f.read_only,
        "unique": {"casesensitive": False} if f.unique else {},
        "pick_list_values": [
            {"display_value": v, "actual_value": v, "sequence_number": i + 1}
            for i, v in enumerate(f.picklist)
        ],
        "lookup": lookup_json,
        "multi_module_lookup": (
            {"modules": [{"api_name": m, "id": MODULES[m].id} for m in f.targets]}
            if f.data_type == MULTI_MODULE or f.se_module
            else {}
        ),
        "custom_field": False,
        "visible": True,
        "searchable": True,
        "sortable": f.api_name in ("Created_Time", "Modified_Time"),
    }


def module_json(module: ModuleDefinition) -> dict[str, Any]:
    """One module in the shape of ``GET /settings/modules``."""
    return {
        "api_name": module.api_name,
        "module_name": module.api_name,
        "singular_label": module.singular,
        "plural_label": module.plural,
        "actual_singular_label": module.singular,
        "actual_plural_label": module.plural,
        "id": module.id,
        "api_supported": True,
        "creatable": True,
        "editable": True,
        "deletable": True,
        "viewable": True,
        "generated_type": "default",
        "visibility": 1,
        "show_as_tab": True,
    }
