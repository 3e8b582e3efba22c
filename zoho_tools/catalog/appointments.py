"""Appointments: bookings of a service, in Zoho's ``Appointments__s`` module.

Zoho requires more than a caller can say: which service (``Service_Name``), which team member
delivers it (``Owner``), a name, where it happens, and for whom. The model and the caller supply
the time and the customer; the rest comes from declared defaults:

- ``service`` and ``owner`` default to the call variables ``{{service_id}}`` and
  ``{{owner_id}}``, which an AI employee's configuration provides;
- ``title`` (Appointment_Name) defaults to "Phone booking";
- ``location`` defaults to "Business Address"; ``address`` is needed only for "Client Address"
  (``required_when``), and then the caller is asked for it.
"""

from __future__ import annotations

from zoho_tools.catalog._modules import APPOINTMENTS, SERVICES
from zoho_tools.catalog._shapes import create_action, linked, search_action, update_action
from zoho_tools.templates import Param

LOCATIONS = ("Business Address", "Client Address")
#: Modules Zoho accepts as the customer an appointment is for (custom modules aside).
CUSTOMER_MODULES = ("Contacts", "Leads", "Accounts")

search_appointment = search_action(
    APPOINTMENTS,
    description="Find appointments by name.",
)

search_service = search_action(
    SERVICES,
    description="Find a bookable service by name.",
)

schedule_appointment = create_action(
    APPOINTMENTS,
    name="schedule_appointment",
    title="Schedule appointment",
    description="Book a service appointment for a customer.",
    params=(
        Param(
            name="start",
            type="datetime",
            required=True,
            ask="What day and time would suit you?",
        ),
        Param(name="customer_id", type="id", required=True),
        Param(name="customer_module", enum=CUSTOMER_MODULES, required=True, default="Contacts"),
        linked("service", "Services__s", required=True, default="{{service_id}}"),
        linked("owner", "users", required=True, default="{{owner_id}}"),
        Param(name="title", required=True, default="Phone booking"),
        Param(name="location", enum=LOCATIONS, required=True, default="Business Address"),
        Param(
            name="address",
            required_when=("location", "Client Address"),
            ask="What address should we come to?",
        ),
    ),
    record={
        "Appointment_Start_Time": "{{start}}",
        "Appointment_For": {
            "module": {"api_name": "{{customer_module}}"},
            "id": "{{customer_id}}",
        },
        "Service_Name": {"id": "{{service}}"},
        "Owner": {"id": "{{owner}}"},
        "Appointment_Name": "{{title}}",
        "Location": "{{location}}",
        "Address": "{{address}}",
    },
)

update_appointment = update_action(
    APPOINTMENTS,
    description="Reschedule or update an appointment.",
    params=(
        Param(name="start", type="datetime"),
        Param(name="address"),
    ),
    record={"Appointment_Start_Time": "{{start}}", "Address": "{{address}}"},
)

cancel_appointment = update_action(
    APPOINTMENTS,
    name="cancel_appointment",
    title="Cancel appointment",
    description="Cancel an appointment.",
    params=(Param(name="reason"),),
    # Zoho v7 cancels an appointment by its status (the record stays, with why and by whom),
    # not by a DELETE: a phone cancellation is the customer's.
    record={
        "Status": "Cancelled",
        "Cancellation_Reason": "By Customer",
        "Cancellation_Note": "{{reason}}",
    },
    destructive=True,
)

ACTIONS = (
    search_appointment,
    search_service,
    schedule_appointment,
    update_appointment,
    cancel_appointment,
)
