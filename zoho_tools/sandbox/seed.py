"""The org's users (always) and the demo data (``seed="demo"``).

Every demo record is created through :func:`~zoho_tools.sandbox.records.create_record`, the
same validation path as an API insert, so the demo data is valid by construction. Dates are
relative to the sandbox clock at seeding time (deals close next month, the appointment is in
three days...). Ids are deterministic for a fresh store: records are numbered in the order
below, so the same seed always yields the same ids (find them by search rather than
hard-coding them).

The demo org, Zylker Inc., sells fleet trackers:

- users: Avery Chen (admin, the current user), Jordan Reyes (sales), Sam Patel (support);
- accounts: Acme Corp, Globex Corporation, Initech, Stark Logistics;
- contacts: John Smith of Acme Corp (``+15551234567``, ``john.smith@acmecorp.com``), Jane Doe
  of Acme Corp (stored as ``(555) 987-6543``), Maria Garcia of Globex, Raj Kumar of Initech;
- leads: Emily Davis (Brightside Dental), Carlos Mendez (Mendez Roofing), Olivia Brown;
- deals in several stages, four products with prices, a quote for John's renewal, a case, a
  task, a call, a meeting, a note, a solution, and the services "Consultation" (all three users
  are members) and "On-site Installation", with an upcoming consultation appointment;
- tags: VIP (John Smith, Acme Corp), Renewal (the fleet renewal deal), Hot (a lead).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from zoho_tools.sandbox.api_tags import find_or_create_tag
from zoho_tools.sandbox.data import OrgData
from zoho_tools.sandbox.fieldtypes import WriteContext
from zoho_tools.sandbox.metadata import MODULES, zoho_id
from zoho_tools.sandbox.records import create_record
from zoho_tools.sandbox.timefmt import ORG_TIME_ZONE, ORG_TZ

ADMIN_PROFILE = {"name": "Administrator", "id": zoho_id(26011)}
STANDARD_PROFILE = {"name": "Standard", "id": zoho_id(26014)}


def _user(
    number: int, first: str, last: str, role: str, role_number: int, profile: dict[str, str]
) -> dict[str, Any]:
    return {
        "id": zoho_id(number),
        "zuid": str(70_000_000 + number),
        "first_name": first,
        "last_name": last,
        "full_name": f"{first} {last}",
        "email": f"{first.lower()}.{last.lower()}@zylker.example",
        "status": "active",
        "confirm": True,
        "role": {"name": role, "id": zoho_id(role_number)},
        "profile": dict(profile),
        "time_zone": ORG_TIME_ZONE,
        "locale": "en_US",
        "language": "en_US",
        "country": "US",
        "country_locale": "en_US",
    }


DEFAULT_USERS = (
    _user(411001, "Avery", "Chen", "CEO", 26005, ADMIN_PROFILE),
    _user(411002, "Jordan", "Reyes", "Sales Manager", 26006, STANDARD_PROFILE),
    _user(411003, "Sam", "Patel", "Support Agent", 26007, STANDARD_PROFILE),
)


def ensure_users(org: OrgData) -> None:
    """Create the default users on an empty store (the first is the current user)."""
    if len(org.users):
        return
    for user in DEFAULT_USERS:
        org.users[user["id"]] = user
    org.store.collection("meta")["current_user_id"] = DEFAULT_USERS[0]["id"]


def is_empty(org: OrgData) -> bool:
    return not any(len(org.records(name)) for name in MODULES)


class _Seeder:
    def __init__(self, org: OrgData) -> None:
        self.ctx = WriteContext(org, org.current_user_id, org.now())

    def add(self, module: str, **fields: Any) -> str:
        record = create_record(MODULES[module], fields, 0, self.ctx)
        return str(record["id"])

    def tag(self, module: str, record_id: str, name: str, color: str) -> None:
        tag_id = find_or_create_tag(self.ctx, module, name, color)
        records = self.ctx.org.records(module)
        record = records[record_id]
        records[record_id] = {**record, "Tag": [*record.get("Tag", []), tag_id]}

    def day(self, offset: int) -> str:
        return (self.ctx.now + timedelta(days=offset)).astimezone(ORG_TZ).date().isoformat()

    def moment(self, days: int, hour: int, minute: int = 0) -> str:
        local = (self.ctx.now + timedelta(days=days)).astimezone(ORG_TZ)
        # zoneinfo recomputes the offset for the new wall time, so DST is handled.
        return local.replace(hour=hour, minute=minute, second=0, microsecond=0).isoformat()


def seed_demo(org: OrgData) -> None:
    """Fill an empty org with the demo data described in the module docstring."""
    s = _Seeder(org)
    users = [u["id"] for u in DEFAULT_USERS]
    sales, support = {"id": users[1]}, {"id": users[2]}

    acme = s.add(
        "Accounts",
        Account_Name="Acme Corp",
        Phone="+1 555 010 0100",
        Website="https://acmecorp.example",
        Industry="Large Enterprise",
        Account_Type="Customer",
        Employees=1200,
        Billing_City="Springfield",
        Billing_State="IL",
        Billing_Country="United States",
        Owner=sales,
    )
    globex = s.add(
        "Accounts",
        Account_Name="Globex Corporation",
        Phone="(555) 010-0200",
        Industry="Small/Medium Enterprise",
        Account_Type="Prospect",
        Billing_City="Cypress Creek",
        Owner=sales,
    )
    initech = s.add(
        "Accounts",
        Account_Name="Initech",
        Phone="555.010.0300",
        Account_Type="Customer",
        Billing_City="Austin",
        Billing_State="TX",
    )
    stark = s.add("Accounts", Account_Name="Stark Logistics", Account_Type="Prospect")

    john = s.add(
        "Contacts",
        First_Name="John",
        Last_Name="Smith",
        Salutation="Mr.",
        Account_Name={"id": acme},
        Phone="+15551234567",
        Email="john.smith@acmecorp.com",
        Title="Operations Manager",
        Lead_Source="Partner",
        Mailing_City="Springfield",
        Mailing_State="IL",
        Owner=sales,
    )
    s.add(
        "Contacts",
        First_Name="Jane",
        Last_Name="Doe",
        Account_Name={"id": acme},
        Phone="(555) 987-6543",
        Email="jane.doe@acmecorp.com",
        Title="Finance Director",
    )
    maria = s.add(
        "Contacts",
        First_Name="Maria",
        Last_Name="Garcia",
        Account_Name={"id": globex},
        Mobile="+1 555 246 8100",
        Email="maria.garcia@globex.example",
        Title="Fleet Coordinator",
    )
    s.add(
        "Contacts",
        First_Name="Raj",
        Last_Name="Kumar",
        Account_Name={"id": initech},
        Phone="555-321-7788",
        Email="raj.kumar@initech.example",
        Title="IT Manager",
    )

    emily = s.add(
        "Leads",
        First_Name="Emily",
        Last_Name="Davis",
        Company="Brightside Dental",
        Phone="(555) 444-1212",
        Email="emily@brightside-dental.example",
        Lead_Source="Web Download",
        Lead_Status="Not Contacted",
    )
    s.add(
        "Leads",
        First_Name="Carlos",
        Last_Name="Mendez",
        Company="Mendez Roofing",
        Mobile="+1 555 777 0142",
        Email="carlos@mendezroofing.example",
        Lead_Source="Cold Call",
        Lead_Status="Contacted",
        Owner=sales,
    )
    s.add(
        "Leads",
        First_Name="Olivia",
        Last_Name="Brown",
        Company="Brown & Co Bakery",
        Email="olivia@brownbakery.example",
        Lead_Source="Chat",
        Lead_Status="Contact in Future",
    )

    tracker = s.add(
        "Products",
        Product_Name="Fleet Tracker Pro",
        Product_Code="FTP-100",
        Unit_Price=299.0,
        Product_Category="Hardware",
        Product_Active=True,
        Qty_in_Stock=140.0,
        Usage_Unit="Each",
        Taxable=True,
    )
    s.add(
        "Products",
        Product_Name="Fleet Tracker Lite",
        Product_Code="FTL-50",
        Unit_Price=149.0,
        Product_Category="Hardware",
        Product_Active=True,
        Qty_in_Stock=320.0,
        Usage_Unit="Each",
    )
    install = s.add(
        "Products",
        Product_Name="Installation Service",
        Product_Code="SVC-INST",
        Unit_Price=89.0,
        Product_Category="Software",
        Product_Active=True,
        Usage_Unit="Hours",
    )
    s.add(
        "Products",
        Product_Name="Premium Support (Annual)",
        Product_Code="SUP-PREM",
        Unit_Price=1200.0,
        Product_Category="CRM Applications",
        Product_Active=True,
    )

    renewal = s.add(
        "Deals",
        Deal_Name="Acme Corp - Fleet Renewal",
        Account_Name={"id": acme},
        Contact_Name={"id": john},
        Amount=48000.0,
        Stage="Negotiation/Review",
        Closing_Date=s.day(30),
        Type="Existing Business",
        Owner=sales,
    )
    s.add(
        "Deals",
        Deal_Name="Globex - Pilot Program",
        Account_Name={"id": globex},
        Contact_Name={"id": maria},
        Amount=12000.0,
        Stage="Qualification",
        Closing_Date=s.day(60),
        Type="New Business",
        Owner=sales,
    )
    s.add(
        "Deals",
        Deal_Name="Initech Expansion",
        Account_Name={"id": initech},
        Amount=30000.0,
        Stage="Proposal/Price Quote",
        Closing_Date=s.day(21),
        Type="Existing Business",
    )
    s.add(
        "Deals",
        Deal_Name="Acme Corp - Support Plan",
        Account_Name={"id": acme},
        Contact_Name={"id": john},
        Amount=9600.0,
        Stage="Closed Won",
        Closing_Date=s.day(-20),
    )
    s.add(
        "Deals",
        Deal_Name="Stark - Warehouse Sensors",
        Account_Name={"id": stark},
        Amount=22000.0,
        Stage="Closed Lost",
        Closing_Date=s.day(-45),
    )

    s.add(
        "Quotes",
        Subject="Acme Fleet Renewal Quote",
        Deal_Name={"id": renewal},
        Contact_Name={"id": john},
        Account_Name={"id": acme},
        Quote_Stage="Delivered",
        Valid_Till=s.day(30),
        Quoted_Items=[
            {"Product_Name": {"id": tracker}, "Quantity": 20},
            {"Product_Name": {"id": install}, "Quantity": 10},
        ],
    )
    s.add(
        "Cases",
        Subject="Tracker not reporting location",
        Status="New",
        Case_Origin="Phone",
        Priority="High",
        Type="Problem",
        Related_To={"id": john},
        Account_Name={"id": acme},
        Product_Name={"id": tracker},
        Owner=support,
    )
    s.add(
        "Tasks",
        Subject="Send renewal quote to John",
        Due_Date=s.day(2),
        Who_Id={"id": john},
        What_Id={"id": renewal},
        **{"$se_module": "Deals"},
        Priority="High",
        Owner=sales,
    )
    s.add(
        "Calls",
        Subject="Renewal questions",
        Call_Type="Inbound",
        Call_Purpose="Negotiation",
        Call_Start_Time=s.moment(-7, 10, 30),
        Call_Duration="04:12",
        Who_Id={"id": john},
        Call_Result="Interested",
        Owner=sales,
    )
    s.add(
        "Events",
        Event_Title="Quarterly review with Acme",
        Start_DateTime=s.moment(7, 14),
        End_DateTime=s.moment(7, 15),
        Venue="Acme HQ, Springfield",
        Who_Id={"id": john},
        What_Id={"id": acme},
        **{"$se_module": "Accounts"},
        Participants=[
            {"type": "contact", "participant": john},
            {"type": "user", "participant": users[1]},
        ],
    )
    s.add(
        "Notes",
        Note_Title="Call preference",
        Note_Content="Prefers calls after 2pm Eastern.",
        Parent_Id={"module": {"api_name": "Contacts"}, "id": john},
    )
    s.add(
        "Solutions",
        Solution_Title="Resetting a Fleet Tracker",
        Status="Published",
        Product_Name={"id": tracker},
        Question="The tracker stopped reporting. What now?",
        Answer="Hold the power button for 10 seconds until the LED blinks blue.",
        Published=True,
    )

    consultation = s.add(
        "Services__s",
        Service_Name="Consultation",
        Duration=30,
        Price=0.0,
        Location="Business Address",
        Members=[{"id": u} for u in users],
        Description="A 30-minute call to review your fleet needs.",
    )
    s.add(
        "Services__s",
        Service_Name="On-site Installation",
        Duration=120,
        Price=89.0,
        Location="Client Address",
        Members=[{"id": users[2]}],
    )
    s.add(
        "Appointments__s",
        Appointment_Name="Maria Garcia - Consultation",
        Appointment_For={"module": {"api_name": "Contacts"}, "id": maria},
        Service_Name={"id": consultation},
        Owner={"id": users[1]},
        Appointment_Start_Time=s.moment(3, 11),
        Location="Business Address",
    )

    s.tag("Contacts", john, "VIP", "#F17574")
    s.tag("Accounts", acme, "VIP", "#F17574")
    s.tag("Deals", renewal, "Renewal", "#57B1FD")
    s.tag("Leads", emily, "Hot", "#E7A826")
