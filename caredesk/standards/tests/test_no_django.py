import subprocess
import sys

# Any `import django` inside the engine fails loudly in this child process.
PROGRAM = """
import sys
sys.modules["django"] = None
from datetime import datetime
from caredesk.standards import due_at, load_policy
policy = load_policy("stonewall")
print(due_at(datetime(2025, 5, 23, 15), policy.deadline_standard("email_response").target,
             policy.working_calendar).isoformat())
"""


def test_the_engine_and_policy_files_work_without_django():
    result = subprocess.run(
        [sys.executable, "-c", PROGRAM], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "2025-05-28T16:30:00+00:00"
