"""The one family of domain errors. Each has a stable code that the API and CLI report.

Plain Python: the deadline engine raises these without importing Django.
"""


class CaredeskError(Exception):
    """A failure a person can act on. `message` is plain English; `code` never changes."""

    code = "caredesk_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class FileProblems(CaredeskError):
    """A file (a policy, a mapping, a word list) with problems, each listed on a line."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        count = "1 problem" if len(problems) == 1 else f"{len(problems)} problems"
        listed = "\n".join(f"  {problem}" for problem in problems)
        super().__init__(f"{source}: {count}\n{listed}")


class PolicyError(FileProblems):
    """A policy file is missing, unreadable or does not fit the policy schema."""

    code = "policy_invalid"

    def __init__(
        self, source: str, problems: list[str], *, paths: list[tuple[str | int, ...]] | None = None
    ) -> None:
        super().__init__(source, problems)
        # where each problem is, as keys and list places: ("standards", 3, "target");
        # () for the whole file (it is too big, or not TOML)
        self.paths = paths if paths is not None else [() for _ in problems]


class NotAllowed(CaredeskError):
    """The person asking may not do this."""

    code = "not_allowed"


class UnknownPolicy(CaredeskError):
    """No policy file has this name."""

    code = "policy_unknown"


class UnknownStandard(CaredeskError):
    """The policy has no standard with this key."""

    code = "standard_unknown"


class DurationError(CaredeskError):
    """Text that is not a duration the engine understands, such as '10 workdays'."""

    code = "duration_invalid"


class CalendarRangeError(CaredeskError):
    """A time outside the years the engine supports."""

    code = "calendar_out_of_range"
