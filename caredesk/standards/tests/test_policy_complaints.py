"""[complaints] and [hazards]: the Ombudsman's Code and Awaab's Law beyond timescales, in
both shipped policies, their defaults, and what a broken table reports."""

from __future__ import annotations

import tomllib
from datetime import date

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from caredesk.standards import load_policy
from caredesk.standards.policy_checks import policy_problems
from caredesk.standards.policy_complaints import (
    AnnualReport,
    Complaints,
    Hazards,
    parse_month_day,
)
from caredesk.standards.policy_files import POLICIES_FOLDER
from caredesk.standards.tests.test_policy_files import (
    HALTON_TEXT,
    broken_halton,
    has_problem,
    problems_of,
)

STONEWALL_TEXT = (POLICIES_FOLDER / "stonewall.toml").read_text(encoding="utf-8")
SERVICE_AREAS = [
    "repairs",
    "rent_and_service_charges",
    "anti_social_behaviour",
    "tenancy_management",
    "customer_service",
    "estate_services",
    "lettings",
]
ROOT_CAUSES = [
    "communication",
    "delay",
    "quality_of_work",
    "policy_or_process",
    "staff_conduct",
    "missed_appointment",
    "information_wrong",
]
PHASE_1, PHASE_2, PHASE_3 = date(2025, 10, 27), date(2026, 1, 1), date(2027, 1, 1)


def line_of(old: str) -> int:
    """The line of Halton's file that `old` starts on."""
    return HALTON_TEXT[: HALTON_TEXT.index(old)].count("\n") + 1


def without_table(text: str, header: str, next_header: str) -> str:
    start = text.index(header)
    return text[:start] + text[text.index(next_header, start) :]


# -- the shipped policies ------------------------------------------------------------------


@pytest.mark.parametrize("name", ["halton", "stonewall"])
def test_both_policies_tell_customers_of_the_housing_ombudsman(name):
    ombudsman = load_policy(name).complaints.ombudsman
    assert ombudsman.name == "Housing Ombudsman Service"
    assert ombudsman.phone == "0300 111 3000"
    assert ombudsman.email == "info@housing-ombudsman.org.uk"
    assert ombudsman.website == "https://www.housing-ombudsman.org.uk"
    assert ombudsman.address_text == "PO Box 1484, Unit D, Preston, PR2 0ET"
    assert "6.5" in ombudsman.clause.section


@pytest.mark.parametrize("name", ["halton", "stonewall"])
def test_stage_2_is_considered_by_someone_else_as_the_code_says(name):
    complaints = load_policy(name).complaints
    assert complaints.stage_2_by_someone_else is True
    assert complaints.stage_2_by_someone_else_clause.section.endswith("6.13")
    assert "must not be the same person" in complaints.stage_2_by_someone_else_clause.quote


def test_complaints_are_filed_under_each_landlords_service_areas_and_root_causes():
    halton, stonewall = load_policy("halton").complaints, load_policy("stonewall").complaints
    assert [area.key for area in halton.service_areas] == SERVICE_AREAS
    assert [area.key for area in stonewall.service_areas] == [
        *SERVICE_AREAS,
        "supported_housing",
        "advice_services",
    ]
    for complaints in (halton, stonewall):
        assert [cause.key for cause in complaints.root_causes] == ROOT_CAUSES
        assert all(item.name for item in [*complaints.service_areas, *complaints.root_causes])
        assert any("service areas and root causes" in a for a in complaints.assumptions)


@pytest.mark.parametrize("name", ["halton", "stonewall"])
def test_the_codes_three_exclusions_each_cite_section_2(name):
    exclusions = load_policy(name).complaints.exclusions
    assert [exclusion.key for exclusion in exclusions] == [
        "over_12_months",
        "legal_proceedings",
        "already_considered",
    ]
    for exclusion in exclusions:
        assert exclusion.clause.section.startswith("Housing Ombudsman Complaint Handling Code")
        assert ", 2.2" in exclusion.clause.section


@pytest.mark.parametrize("name", ["halton", "stonewall"])
def test_the_annual_report_is_due_on_30_september_for_over_1000_homes(name):
    report = load_policy(name).complaints.annual_report
    assert report.due == "09-30"
    assert report.due_on(2026) == date(2026, 9, 30)
    assert report.applies_over_homes == 1000
    assert "8.1" in report.clause.section


@pytest.mark.parametrize(
    ("name", "rental", "ownership", "words"),
    [("halton", 7200, 100, "7,300 homes"), ("stonewall", 160, 0, "about 160 homes")],
)
def test_homes_are_counted_by_tenure_as_an_assumption(name, rental, ownership, words):
    complaints = load_policy(name).complaints
    (count,) = complaints.homes
    assert (count.as_at, count.low_cost_rental, count.low_cost_home_ownership) == (
        date(2026, 3, 31),
        rental,
        ownership,
    )
    assert any(words in assumption for assumption in complaints.assumptions)
    assert any("Complaint Handling Code (2024) binds" in a for a in complaints.assumptions)


def test_the_homes_on_a_day_are_the_latest_count_by_then():
    complaints = Complaints.model_validate(
        {
            "homes": [
                {"as_at": date(2026, 3, 31), "low_cost_rental": 7200, "low_cost_home_ownership": 1},
                {"as_at": date(2025, 3, 31), "low_cost_rental": 7100, "low_cost_home_ownership": 2},
            ]
        }
    )
    assert complaints.homes_on(date(2025, 3, 30)) is None
    assert complaints.homes_on(date(2025, 3, 31)).low_cost_rental == 7100  # type: ignore[union-attr]
    assert complaints.homes_on(date(2026, 1, 1)).low_cost_rental == 7100  # type: ignore[union-attr]
    assert complaints.homes_on(date(2027, 1, 1)).low_cost_rental == 7200  # type: ignore[union-attr]


@pytest.mark.parametrize("name", ["halton", "stonewall"])
def test_hazard_types_come_under_awaabs_law_by_phase(name):
    hazards = load_policy(name).hazards
    keys = [kind.key for kind in hazards.types]
    assert keys[0] == "damp_and_mould"
    assert len(keys) == len(set(keys)) == 28  # the HHSRS's 29, less crowding and space
    phases = {kind.key: kind.phase_from for kind in hazards.types}
    assert phases["damp_and_mould"] == PHASE_1
    assert {phases[key] for key in ("excess_cold", "fire", "electrical", "food_safety")} == {
        PHASE_2
    }
    assert {phases[key] for key in ("asbestos", "noise", "water_supply")} == {PHASE_3}
    assert set(phases.values()) == {PHASE_1, PHASE_2, PHASE_3}
    assert not any("crowding" in key for key in keys)
    assert hazards.emergency_any_type is True
    assert any("earliest its phase could start" in a for a in hazards.assumptions)


def test_emergencies_of_every_type_are_covered_from_the_first_phase_and_others_by_type():
    hazards = load_policy("halton").hazards
    # significant hazards: from their own type's phase
    assert hazards.covered("damp_and_mould", on=PHASE_1, emergency=False)
    assert not hazards.covered("damp_and_mould", on=date(2025, 10, 26), emergency=False)
    assert not hazards.covered("excess_cold", on=date(2025, 12, 31), emergency=False)
    assert hazards.covered("excess_cold", on=PHASE_2, emergency=False)
    # emergencies: every type from the first phase, none before
    assert hazards.covered("noise", on=PHASE_1, emergency=True)
    assert not hazards.covered("noise", on=date(2025, 10, 26), emergency=True)
    # a type the policy does not have is never covered
    assert not hazards.covered("crowding_and_space", on=PHASE_3, emergency=True)


def test_emergencies_only_by_type_where_the_policy_says_so():
    hazards = Hazards.model_validate(
        {
            "emergency_any_type": False,
            "types": [
                {"key": "damp", "name": "Damp", "phase_from": PHASE_1, "clause": _CLAUSE},
                {"key": "cold", "name": "Cold", "phase_from": PHASE_2, "clause": _CLAUSE},
            ],
        }
    )
    assert not hazards.covered("cold", on=PHASE_1, emergency=True)
    assert hazards.covered("cold", on=PHASE_2, emergency=True)


_CLAUSE = {"section": "s", "quote": "q"}


# -- defaults -------------------------------------------------------------------------------


def test_a_policy_without_complaints_or_hazards_tables_has_the_defaults(tmp_path):
    text = without_table(HALTON_TEXT, "# What the Housing Ombudsman's", "# -- Telephones")
    assert not {"complaints", "hazards"} & set(tomllib.loads(text))
    path = tmp_path / "policy.toml"
    path.write_text(text, encoding="utf-8")

    policy = load_policy(path)

    assert policy.complaints.ombudsman == load_policy("halton").complaints.ombudsman
    assert policy.complaints.stage_2_by_someone_else is True
    assert policy.complaints.annual_report == AnnualReport()
    assert policy.complaints.annual_report.due == "09-30"
    assert policy.complaints.service_areas == []
    assert policy.complaints.homes == []
    assert policy.hazards.types == []
    assert policy.hazards.emergency_any_type is True
    assert not policy.hazards.covered("damp_and_mould", on=PHASE_3, emergency=True)


# -- broken tables --------------------------------------------------------------------------

BROKEN = [
    ('due = "09-30"', 'due = "09-31"', "complaints.annual_report.due", ["'09-31'", "30 days"]),
    ('due = "09-30"', 'due = "02-29"', "complaints.annual_report.due", ["'02-28' or '03-01'"]),
    ('due = "09-30"', 'due = "9-30"', "complaints.annual_report.due", ["write it as '09-30'"]),
    ('due = "09-30"', 'due = "13-01"', "complaints.annual_report.due", ["no month 13"]),
    ('due = "09-30"', "due = 930", "complaints.annual_report.due", ["should be text"]),
    (
        "applies_over_homes = 1000",
        "applies_over_homes = -1",
        "complaints.annual_report.applies_over_homes",
        ["-1 is not allowed", "0 or more"],
    ),
    (
        "low_cost_rental = 7200",
        "low_cost_rental = -7200",
        "complaints.homes[0].low_cost_rental",
        ["0 or more"],
    ),
    (
        "low_cost_home_ownership = 100",
        "low_cost_home_ownership = 100.5",
        "complaints.homes[0].low_cost_home_ownership",
        ["should be a whole number"],
    ),
    (
        "as_at = 2026-03-31",
        'as_at = "31/03/2026"',
        "complaints.homes[0].as_at",
        ["should be a date"],
    ),
    (
        "as_at = 2026-03-31",
        "as_at = 2026-03-31T09:00:00",
        "complaints.homes[0].as_at",
        ["should be a date"],
    ),
    (
        "as_at = 2026-03-31",
        "as_at = 2201-03-31",
        "complaints.homes[0].as_at",
        ["the count's date 2201-03-31 is outside the years"],
    ),
    (
        "stage_2_by_someone_else = true",
        'stage_2_by_someone_else = "yes"',
        "complaints.stage_2_by_someone_else",
        ["should be true or false"],
    ),
    (
        "stage_2_by_someone_else = true",
        "stage_two_by_someone_else = true",
        "complaints.stage_two_by_someone_else",
        ["did you mean 'stage_2_by_someone_else'?"],
    ),
    (
        'email = "info@housing-ombudsman.org.uk"',
        'email = "info at the ombudsman"',
        "complaints.ombudsman.email",
        ["an email address"],
    ),
    (
        'website = "https://www.housing-ombudsman.org.uk"',
        'website = "www.housing-ombudsman.org.uk"',
        "complaints.ombudsman.website",
        ["starts https://"],
    ),
    (
        'phone = "0300 111 3000"',
        'phone = "ring us"',
        "complaints.ombudsman.phone",
        ["a phone number"],
    ),
    (
        'address = ["PO Box 1484", "Unit D", "Preston", "PR2 0ET"]',
        "address = []",
        "complaints.ombudsman.address",
        ["should not be empty"],
    ),
    (
        '{ key = "delay", name = "Delay" }',
        '{ key = "communication", name = "Delay" }',
        "complaints.root_causes[1].key",
        ["'communication' is used by two root causes", "root_causes[0] has it too"],
    ),
    (
        '{ key = "lettings", name = "Lettings and allocations" }',
        '{ key = "Lettings", name = "Lettings and allocations" }',
        "complaints.service_areas[6].key",
        ["lower-case letters"],
    ),
    (
        '{ key = "legal_proceedings", name',
        '{ key = "over_12_months", name',
        "complaints.exclusions[1].key",
        ["used by two exclusions", "exclusions[0] has it too"],
    ),
    (
        '{ key = "excess_heat", name',
        '{ key = "excess_cold", name',
        "hazards.types[2].key",
        ["'excess_cold' is used by two hazard types", "types[1] has it too"],
    ),
    (
        'name = "Noise", phase_from = 2027-01-01',
        'name = "Noise", phase_from = "soon"',
        "hazards.types[noise].phase_from",
        ["should be a date", "'soon'"],
    ),
    (
        'name = "Lead", phase_from = 2027-01-01',
        'name = "Lead", phase_frm = 2027-01-01',
        "hazards.types[lead].phase_frm",
        ["did you mean 'phase_from'?"],
    ),
    (
        "emergency_any_type = true",
        "emergency_any_type = 1",
        "hazards.emergency_any_type",
        ["should be true or false"],
    ),
]


@pytest.mark.parametrize(("old", "new", "key_path", "words"), BROKEN, ids=[b[2] for b in BROKEN])
def test_a_bad_complaints_or_hazards_setting_names_its_file_key_and_line(
    tmp_path, old, new, key_path, words
):
    # given: Halton's file with one setting spoiled; when: it is loaded
    problems = problems_of(broken_halton(tmp_path, old, new))
    # then: the problem names the key, says what is wrong, and gives the line it is on
    assert has_problem(problems, key_path, *words), problems
    found = [p for p in problems if p.startswith(f"{key_path}: ")]
    assert all(p.rstrip(".").endswith(f"(line {line_of(old)})") for p in found), found


def test_a_duplicated_count_of_homes_is_on_the_line_of_its_date(tmp_path):
    old = "low_cost_home_ownership = 100\n"
    new = old + "\n[[complaints.homes]]\nas_at = 2026-03-31\nlow_cost_rental = 1\n"
    new += "low_cost_home_ownership = 1\n"
    problems = problems_of(broken_halton(tmp_path, old, new))
    line = line_of(old) + 3  # the blank line, the table's header, then its date
    assert problems == [
        f"complaints.homes[1].as_at: two counts on 2026-03-31 (homes[0] is on that day too): "
        f"give each count its own date (line {line})."
    ]


def test_every_problem_in_the_new_tables_is_reported_at_once(tmp_path):
    path = tmp_path / "policy.toml"
    path.write_text(
        HALTON_TEXT.replace('due = "09-30"', 'due = "04-31"', 1)
        .replace('{ key = "delay", name', '{ key = "communication", name', 1)
        .replace('{ key = "fire", name', '{ key = "explosions", name', 1)
        .replace("low_cost_rental = 7200", "low_cost_rental = -1", 1),
        encoding="utf-8",
    )
    problems = problems_of(path)
    assert [problem.split(": ")[0] for problem in problems] == [
        "complaints.root_causes[1].key",
        "complaints.annual_report.due",
        "complaints.homes[0].low_cost_rental",
        "hazards.types[9].key",
    ]
    assert "April has 30 days" in problems[1]


def test_the_checks_across_settings_find_nothing_in_the_shipped_tables():
    for text in (HALTON_TEXT, STONEWALL_TEXT):
        assert policy_problems(tomllib.loads(text)) == []


@pytest.mark.parametrize(
    "data",
    [
        {"complaints": 5, "hazards": []},
        {"complaints": {"service_areas": {"a": 1}, "homes": "x"}, "hazards": {"types": 3}},
        {"complaints": {"root_causes": [5, {"key": ["x"]}, {"key": 1}, {}]}},
        {"complaints": {"homes": [5, {"as_at": 7}, {"as_at": "soon"}, {"as_at": "2026-03-31"}]}},
        {"hazards": {"types": [{"key": "a"}, {"key": "a"}, {"key": "a"}]}},
    ],
)
def test_the_checks_across_settings_take_any_complaints_data_without_failing(data):
    for problem in policy_problems(data):
        assert problem.path[0] in {"complaints", "hazards"}


# -- properties --------------------------------------------------------------------------------


@given(day=st.dates(date(2025, 1, 1), date(2025, 12, 31)), year=st.integers(1971, 2100))
def test_every_day_of_a_year_reads_as_a_month_and_day_due_every_year(day, year):
    text = f"{day.month:02d}-{day.day:02d}"
    assert parse_month_day(text) == (day.month, day.day)
    assert AnnualReport(due=text).due_on(year) == date(year, day.month, day.day)


@given(text=st.text(max_size=8) | st.from_regex(r"\A[0-9]{2}-[0-9]{2}\Z"))
@example(text="02-29")
@example(text="00-10")
@example(text="12-00")
@example(text="١٢-٠١")  # Arabic-Indic digits are digits to a regex, not to a date
@example(text="09-30\n")
def test_any_text_is_a_day_every_year_has_or_a_problem_that_shows_it(text):
    try:
        month, day = parse_month_day(text)
    except ValueError as error:
        told = str(error)
    else:
        told = ""
        assert text == f"{month:02d}-{day:02d}"
        assert date(2025, month, day)  # in a year that is not a leap year
        assert date(2028, month, day)  # and in one that is
    if told:
        assert "month" in told or "day" in told


@given(
    keys=st.lists(st.sampled_from(["repairs", "delay", "fire", "lead"]), max_size=8),
    table=st.sampled_from(
        [("complaints", "service_areas"), ("complaints", "exclusions"), ("hazards", "types")]
    ),
)
def test_each_repeated_key_is_a_problem_at_the_repeat(keys, table):
    data = {table[0]: {table[1]: [{"key": key} for key in keys]}}
    problems = policy_problems(data)
    repeats = [index for index, key in enumerate(keys) if key in keys[:index]]
    assert [problem.path for problem in problems] == [(*table, index, "key") for index in repeats]


@given(days=st.lists(st.dates(date(2024, 1, 1), date(2024, 1, 5)), max_size=8))
def test_each_repeated_date_of_homes_is_a_problem_at_the_repeat(days):
    homes = [{"as_at": day} for day in days]
    problems = policy_problems({"complaints": {"homes": homes}})
    repeats = [index for index, day in enumerate(days) if day in days[:index]]
    assert [problem.path for problem in problems] == [
        ("complaints", "homes", index, "as_at") for index in repeats
    ]
    assert all(problem.message.startswith("two counts on 2024-01-0") for problem in problems)
