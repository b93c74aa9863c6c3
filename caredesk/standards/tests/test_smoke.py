from datetime import datetime

from caredesk.standards import due_at, load_policy


def test_the_issue_example_is_due_on_wednesday_at_close():
    policy = load_policy("stonewall")
    due = due_at(datetime(2025, 5, 23, 15, 0), policy.deadline_standard("email_response").target, policy.working_calendar)
    assert due.astimezone(policy.working_calendar.zone).isoformat() == "2025-05-28T17:30:00+01:00"
