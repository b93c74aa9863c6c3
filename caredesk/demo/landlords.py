"""The two demo landlords: their offices, teams, sign-in personas and what customers raise.

Everything here is invented but plausible. Phone numbers are in Ofcom's ranges kept for
drama (0151 496 0xxx, 020 7946 0xxx, 07700 900xxx), and email addresses end in
`.example`, so nothing in the demo can reach a real person.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from caredesk.customers.models import CustomerType
from caredesk.visits.models import OfficeKind, Weekday

DEMO_PASSWORD = "caredesk-demo"


@dataclass(frozen=True)
class OfficeSpec:
    name: str
    address: str
    phone: str


@dataclass(frozen=True)
class VisitPlace:
    """An office as visitors meet it (`visits.OfficeDetails`), and how busy its desk is."""

    office: str  # an OfficeSpec's name
    kind: OfficeKind
    duty_team: str  # a TeamSpec's key: one of its officers is on duty at reception
    emergency_phone: str
    how_to_book: str
    step_free: bool = True
    hearing_loop: bool = False
    private_room: bool = False
    access_notes: str = ""
    # Set times, as the policy files write hours: (weekday, "10:00-12:00"). Empty: the
    # policy's office hours on its working days.
    hours: tuple[tuple[Weekday, str], ...] = ()
    visitors_an_hour: float = 1.0
    with_appointment: float = 0.25  # the share of visitors who have an appointment
    closure_ahead: str = ""  # a day it will be closed, in two weeks or so: the reason


@dataclass(frozen=True)
class Persona:
    """A person you sign in as: fixed names, so the printed logins read the same each time."""

    first_name: str
    last_name: str
    post_title: str

    @property
    def username(self) -> str:
        return f"{self.first_name}.{self.last_name}".lower().replace("'", "")


@dataclass(frozen=True)
class TeamSpec:
    key: str
    name: str
    office: str
    manager_title: str
    officer_title: str
    officers: int
    manager: Persona | None = None
    first_officer: Persona | None = None  # the demo officer's team names them here


@dataclass(frozen=True)
class Topic:
    """Something customers raise: the team that deals with it, a subject, some details."""

    team: str
    subject: str
    details: tuple[str, ...]


@dataclass(frozen=True)
class Landlord:
    policy_name: str
    email_domain: str  # every demo account's address ends in it: how a demo is recognised
    area_phone: str  # "0151 496 0", then three digits
    towns: tuple[tuple[str, str], ...]  # (town, postcode district)
    offices: tuple[OfficeSpec, ...]
    teams: tuple[TeamSpec, ...]
    director: Persona
    administrator: Persona
    administrator_title: str
    administrators: int
    data_protection_officer_title: str
    analyst_title: str
    system_administrator_title: str
    customer_types: dict[CustomerType, float]
    languages: dict[str, float]  # language other than English: weight
    staff_languages: tuple[str, ...]
    agencies: tuple[str, ...]
    topics: tuple[Topic, ...]
    complaints: tuple[Topic, ...]
    compliments: tuple[Topic, ...]
    information_requests: tuple[Topic, ...]
    foi_requests: tuple[Topic, ...] = field(default=())
    visit_places: tuple[VisitPlace, ...] = field(default=())  # the first: visitors waiting now
    # The roles no team's work needs, so that the demo has someone in every role.
    equality_lead: Persona = Persona("Amara", "Okafor", "Equality, Diversity and Inclusion Lead")
    scrutiny_panel_member: Persona = Persona("Derek", "Whitfield", "Tenant scrutiny panel member")

    @property
    def officer_persona(self) -> Persona:
        for team in self.teams:
            if team.first_officer is not None:
                return team.first_officer
        raise AssertionError("a landlord names its demo officer")


_REPAIRS_DETAILS = (
    "Has been like this for about two weeks.",
    "Tenant says it is getting worse and the children are in that room.",
    "Asked for a morning appointment if possible.",
    "Reported once before in the spring.",
    "Tenant works shifts: text before calling.",
)

HALTON = Landlord(
    policy_name="halton",
    email_domain="haltonhousing.example",
    area_phone="0151 496 0",
    towns=(("Runcorn", "WA7"), ("Widnes", "WA8"), ("Halton Lea", "WA7"), ("Hale", "L24")),
    offices=(
        OfficeSpec(
            "Widnes: Kingsway House", "Kingsway House, Kingsway, Widnes WA8 7XX", "0151 496 0100"
        ),
        OfficeSpec("Runcorn: Halton Lea", "Unit 4, Halton Lea, Runcorn WA7 2XX", "0151 496 0200"),
        OfficeSpec("Runcorn: Old Town", "52 Church Street, Runcorn WA7 1XX", "0151 496 0300"),
    ),
    teams=(
        TeamSpec(
            "customer_services",
            "Customer Services",
            "Widnes: Kingsway House",
            "Customer Services Manager",
            "Customer Services Adviser",
            8,
        ),
        TeamSpec(
            "tenancy",
            "Tenancy Services",
            "Runcorn: Halton Lea",
            "Tenancy Services Manager",
            "Tenancy Officer",
            7,
            manager=Persona("Mark", "Fitzgerald", "Tenancy Services Manager"),
            first_officer=Persona("Rachel", "Dunne", "Tenancy Officer"),
        ),
        TeamSpec(
            "income",
            "Income Management",
            "Widnes: Kingsway House",
            "Income Manager",
            "Income Officer",
            5,
        ),
        TeamSpec(
            "repairs",
            "Repairs and Maintenance",
            "Runcorn: Old Town",
            "Repairs Manager",
            "Repairs Co-ordinator",
            6,
        ),
        TeamSpec(
            "complaints",
            "Complaints and Feedback",
            "Widnes: Kingsway House",
            "Customer Feedback Manager",
            "Complaints Officer",
            3,
        ),
        TeamSpec(
            "governance",
            "Governance and Performance",
            "Widnes: Kingsway House",
            "Head of Governance",
            "Information Officer",
            1,
        ),
    ),
    director=Persona("Helen", "Ashworth", "Director of Customer Services"),
    administrator=Persona("Joanne", "Kelly", "Customer Services Administrator"),
    administrator_title="Customer Services Administrator",
    administrators=3,
    data_protection_officer_title="Data Protection Officer",
    analyst_title="Performance Analyst",
    system_administrator_title="ICT Systems Administrator",
    customer_types={
        CustomerType.TENANT: 78,
        CustomerType.LEASEHOLDER: 4,
        CustomerType.SHARED_OWNER: 1,
        CustomerType.APPLICANT: 8,
        CustomerType.LICENSEE: 1,
        CustomerType.ADVICE_CLIENT: 1,
        CustomerType.EXTERNAL_AGENCY: 3,
        CustomerType.PARTNER: 1,
        CustomerType.OTHER: 3,
    },
    languages={
        "Polish": 30,
        "Urdu": 15,
        "Bengali": 10,
        "Cantonese": 10,
        "Arabic": 12,
        "Kurdish": 6,
        "Romanian": 8,
        "Somali": 5,
        "British Sign Language": 8,
    },
    staff_languages=("Polish", "Urdu", "Punjabi", "British Sign Language", "Welsh", "Cantonese"),
    agencies=(
        "Halton Borough Council Adult Social Care",
        "Citizens Advice Halton",
        "Cheshire Police, Runcorn",
        "Halton Carers' Centre",
        "Jobcentre Plus Widnes",
        "Warrington and Halton Hospitals NHS Foundation Trust",
        "Shelter Merseyside",
        "Age UK Mid Mersey",
    ),
    topics=(
        Topic("repairs", "Leaking kitchen tap", _REPAIRS_DETAILS),
        Topic("repairs", "Damp and mould in the back bedroom", _REPAIRS_DETAILS),
        Topic("repairs", "Boiler not working, no hot water", _REPAIRS_DETAILS),
        Topic("repairs", "Front door lock broken", _REPAIRS_DETAILS),
        Topic("repairs", "Fence panel blown down", _REPAIRS_DETAILS),
        Topic("repairs", "Blocked drain outside the kitchen", _REPAIRS_DETAILS),
        Topic("repairs", "Repair appointment needs rebooking", _REPAIRS_DETAILS),
        Topic("repairs", "Bathroom extractor fan not working", _REPAIRS_DETAILS),
        Topic(
            "income",
            "Rent statement for the last six months",
            ("Needed for a Universal Credit claim.", "Wants it by email."),
        ),
        Topic(
            "income",
            "Change of direct debit date",
            ("Paid on the 28th now.", "Asked to move to the first of the month."),
        ),
        Topic(
            "income",
            "Arrears payment plan",
            ("Has fallen behind after losing hours at work.", "Can pay £10 a week extra."),
        ),
        Topic(
            "income",
            "Universal Credit housing costs",
            ("Landlord verification outstanding.", "Rent went up in April."),
        ),
        Topic(
            "tenancy",
            "Noise from neighbours late at night",
            ("Loud music most weekends.", "Has kept a diary of dates and times."),
        ),
        Topic("tenancy", "Permission to keep a dog", ("Small breed.", "Garden is fenced.")),
        Topic(
            "tenancy",
            "Adding a joint tenant",
            ("Partner moved in last year.", "Both names on the council tax."),
        ),
        Topic("tenancy", "Mutual exchange enquiry", ("Wants to move nearer family in Widnes.",)),
        Topic(
            "tenancy",
            "Overgrown garden next door",
            ("Rats seen near the bins.", "Neighbour is elderly and may need support."),
        ),
        Topic("tenancy", "Ending my tenancy", ("Moving into a care home.", "Four weeks' notice.")),
        Topic(
            "customer_services",
            "Change of phone number and email",
            ("New mobile number given.", "Please update the account."),
        ),
        Topic(
            "customer_services",
            "Garage waiting list",
            ("Lives on the Palace Fields estate.", "Has been waiting a year."),
        ),
        Topic(
            "customer_services",
            "Opening times over the bank holiday",
            ("Wants to pay rent in person.",),
        ),
    ),
    complaints=(
        Topic(
            "complaints",
            "Repair not finished after three visits",
            ("Operative did not bring the right part each time.",),
        ),
        Topic("complaints", "No reply to my email about damp", ("Emailed a month ago.",)),
        Topic("complaints", "Contractor left rubbish in the garden", ("Photos attached.",)),
        Topic("complaints", "Arrears letter sent in error", ("Rent is paid by direct debit.",)),
        Topic(
            "complaints",
            "Staff member was abrupt on the phone",
            ("Felt rushed and not listened to.",),
        ),
    ),
    compliments=(
        Topic("repairs", "Thank you to the gas engineer", ("Fixed the boiler the same day.",)),
        Topic("income", "Thanks for help with my rent account", ("Very patient and clear.",)),
        Topic("tenancy", "Thank you to the tenancy officer", ("Sorted out the parking issue.",)),
    ),
    information_requests=(
        Topic("customer_services", "Transfer application form", ("Please post a copy.",)),
        Topic("tenancy", "Copy of my tenancy agreement", ("Original lost in a house move.",)),
        Topic("repairs", "Aids and adaptations leaflet", ("For a grab rail and level shower.",)),
        Topic("income", "Rent and service charge breakdown", ("For the new financial year.",)),
    ),
    foi_requests=(
        Topic("governance", "FOI: number of empty homes in Halton", ("By ward, if held.",)),
        Topic("governance", "FOI: spending on damp and mould works", ("For the last 3 years.",)),
    ),
    visit_places=(
        VisitPlace(
            "Widnes: Kingsway House",
            OfficeKind.OFFICE,
            duty_team="customer_services",
            emergency_phone="0151 496 0999",
            how_to_book="Ring 0151 496 0100, or ask at reception, to see a named officer.",
            hearing_loop=True,
            private_room=True,
            access_notes="Step-free entrance from the car park; accessible toilet.",
            visitors_an_hour=1.0,
            closure_ahead="Staff training",
        ),
        VisitPlace(
            "Runcorn: Halton Lea",
            OfficeKind.OFFICE,
            duty_team="tenancy",
            emergency_phone="0151 496 0999",
            how_to_book="Ring 0151 496 0200 to see your tenancy officer.",
            hearing_loop=True,
            private_room=True,
            access_notes="In the shopping centre, by the library: lift from the bus station.",
            visitors_an_hour=0.75,
            with_appointment=0.35,
            closure_ahead="Staff training",
        ),
        VisitPlace(
            "Runcorn: Old Town",
            OfficeKind.OFFICE,
            duty_team="repairs",
            emergency_phone="0151 496 0999",
            how_to_book="Ring 0151 496 0300, or ask at reception.",
            step_free=False,
            access_notes="Two steps at the front door: ring the bell and we will come out to you.",
            visitors_an_hour=0.5,
            with_appointment=0.15,
            closure_ahead="Staff training",
        ),
    ),
)

_ADVICE_DETAILS = (
    "Referred by their GP.",
    "Currently sofa surfing with friends.",
    "Would prefer to speak to an LGBTQ+ caseworker.",
    "Has a support worker who can join calls.",
    "Safe to call after 6pm only.",
)

STONEWALL = Landlord(
    policy_name="stonewall",
    email_domain="stonewallhousing.example",
    area_phone="020 7946 0",
    towns=(
        ("Islington, London", "N1"),
        ("Finsbury Park, London", "N4"),
        ("Hackney, London", "E8"),
        ("Brixton, London", "SW9"),
        ("Lewisham, London", "SE13"),
        ("Walthamstow, London", "E17"),
    ),
    offices=(
        OfficeSpec(
            "Main office, Islington", "Unit 2, Canonbury Yard, London N1 2XX", "020 7946 0100"
        ),
        OfficeSpec("Advice hub, Brixton", "14 Acre Yard, London SW9 8XX", "020 7946 0200"),
        OfficeSpec(
            "Office at Amhurst Road house, Hackney",
            "Ground floor, 40 Amhurst Road, London E8 1XX",
            "020 7946 0300",
        ),
        OfficeSpec(
            "Advice surgery, Walthamstow",
            "Walthamstow Community Centre, 2 Hoe Street, London E17 4XX",
            "020 7946 0100",
        ),
    ),
    teams=(
        TeamSpec(
            "advice",
            "Housing Advice",
            "Main office, Islington",
            "Advice Services Manager",
            "Housing Advice Caseworker",
            9,
            manager=Persona("Priya", "Shah", "Advice Services Manager"),
            first_officer=Persona("Sam", "Okafor", "Housing Advice Caseworker"),
        ),
        TeamSpec(
            "supported_housing",
            "Supported Housing",
            "Main office, Islington",
            "Supported Housing Manager",
            "Support Worker",
            8,
        ),
        TeamSpec(
            "tenancy",
            "Tenancy and Property",
            "Main office, Islington",
            "Housing Manager",
            "Housing Officer",
            5,
        ),
        TeamSpec(
            "customer_services",
            "Reception and Helpline",
            "Advice hub, Brixton",
            "Helpline Co-ordinator",
            "Helpline Adviser",
            5,
        ),
        TeamSpec(
            "complaints",
            "Quality and Complaints",
            "Main office, Islington",
            "Quality Manager",
            "Quality and Complaints Officer",
            2,
        ),
        TeamSpec(
            "governance",
            "Governance and Data",
            "Main office, Islington",
            "Head of Governance",
            "Data and Information Officer",
            1,
        ),
    ),
    director=Persona("Bea", "Marsh", "Head of Services"),
    administrator=Persona("Tom", "Bailey", "Office Administrator"),
    administrator_title="Office Administrator",
    administrators=2,
    data_protection_officer_title="Data Protection Lead",
    analyst_title="Performance and Impact Analyst",
    system_administrator_title="IT and Systems Officer",
    customer_types={
        CustomerType.ADVICE_CLIENT: 55,
        CustomerType.TENANT: 18,
        CustomerType.LICENSEE: 12,
        CustomerType.APPLICANT: 4,
        CustomerType.EXTERNAL_AGENCY: 6,
        CustomerType.PARTNER: 3,
        CustomerType.OTHER: 2,
    },
    languages={
        "Spanish": 20,
        "Portuguese": 15,
        "Arabic": 12,
        "Farsi": 8,
        "Polish": 10,
        "Turkish": 8,
        "Somali": 6,
        "French": 8,
        "Tigrinya": 4,
        "British Sign Language": 6,
    },
    staff_languages=(
        "Spanish",
        "Portuguese",
        "Arabic",
        "French",
        "Turkish",
        "British Sign Language",
    ),
    agencies=(
        "Islington Council Housing Needs",
        "Lambeth Council Homeless Persons Unit",
        "Galop",
        "Albert Kennedy Trust",
        "Metropolitan Police LGBT+ Liaison",
        "St Mungo's",
        "Switchboard LGBT+ Helpline",
        "Crisis Skylight London",
    ),
    topics=(
        Topic("advice", "Facing homelessness after family rejection", _ADVICE_DETAILS),
        Topic("advice", "Hate crime from a neighbour", _ADVICE_DETAILS),
        Topic("advice", "Help with a housing register application", _ADVICE_DETAILS),
        Topic("advice", "Section 21 notice from private landlord", _ADVICE_DETAILS),
        Topic("advice", "Domestic abuse: needs safe accommodation", _ADVICE_DETAILS),
        Topic("advice", "Referral from a partner agency", _ADVICE_DETAILS),
        Topic(
            "supported_housing",
            "Heating not working in my room",
            ("Shared house in Hackney.", "Other residents affected too."),
        ),
        Topic(
            "supported_housing",
            "Move-on accommodation",
            ("Ready to move on from supported housing.", "Has been here 18 months."),
        ),
        Topic(
            "supported_housing",
            "Licence agreement question",
            ("About guests staying overnight.",),
        ),
        Topic(
            "tenancy",
            "Service charge query",
            ("Charge went up this year.", "Asks what it covers."),
        ),
        Topic("tenancy", "Repair to the front door entry system", ("Buzzer broken for a week.",)),
        Topic("tenancy", "Rent account statement", ("For a benefits claim.",)),
        Topic(
            "customer_services",
            "Change of name and pronouns on my record",
            ("Please use they/them.", "New name by deed poll."),
        ),
        Topic("customer_services", "Advice surgery times", ("Asks about the Brixton surgery.",)),
    ),
    complaints=(
        Topic("complaints", "Repair to my room still not done", ("Reported six weeks ago.",)),
        Topic("complaints", "Caseworker did not call back", ("Waited all week.",)),
        Topic("complaints", "Misgendered in a letter", ("Wrong title used again.",)),
        Topic("complaints", "Noise from another resident not dealt with", ("Ongoing.",)),
    ),
    compliments=(
        Topic("advice", "Thank you for finding me somewhere safe", ("Life-changing help.",)),
        Topic("supported_housing", "Thanks to my support worker", ("Always there for me.",)),
    ),
    information_requests=(
        Topic("advice", "Information on my housing rights", ("Leaflet in Spanish, please.",)),
        Topic("supported_housing", "Referral form for supported housing", ("For a friend.",)),
        Topic("tenancy", "Copy of my licence agreement", ("Lost the original.",)),
    ),
    visit_places=(
        VisitPlace(
            "Main office, Islington",
            OfficeKind.OFFICE,
            duty_team="advice",
            emergency_phone="020 7946 0999",
            how_to_book="By appointment only: ring 020 7946 0100 to arrange one.",
            hearing_loop=True,
            private_room=True,
            access_notes="Step-free entrance from Canonbury Yard.",
            visitors_an_hour=0.6,
            with_appointment=0.7,
        ),
        VisitPlace(
            "Office at Amhurst Road house, Hackney",
            OfficeKind.OFFICE_IN_A_HOUSE,
            duty_team="supported_housing",
            emergency_phone="020 7946 0999",
            how_to_book="No appointment needed at these times; to see your support worker "
            "at another time, ring 020 7946 0100.",
            step_free=False,
            access_notes="The office is the front room of the house: ring the bell.",
            hours=((Weekday.TUESDAY, "10:00-12:00"), (Weekday.THURSDAY, "14:00-16:00")),
            visitors_an_hour=1.5,
            with_appointment=0.1,
        ),
        VisitPlace(
            "Advice surgery, Walthamstow",
            OfficeKind.ADVICE_SURGERY,
            duty_team="advice",
            emergency_phone="020 7946 0999",
            how_to_book="Drop in at the surgery: no appointment needed.",
            private_room=True,
            access_notes="In the community centre's meeting room 2, on the ground floor.",
            hours=((Weekday.WEDNESDAY, "13:00-16:00"),),
            visitors_an_hour=2.0,
            with_appointment=0.0,
        ),
    ),
)

LANDLORDS = {landlord.policy_name: landlord for landlord in (HALTON, STONEWALL)}
