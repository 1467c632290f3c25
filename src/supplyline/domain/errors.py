"""The ways a command can be refused.

Every refusal names what was wrong in the users' words, so that the CLI can print it, the
API can turn it into a problem document, and nothing is written. Interfaces map the class
to an exit code or HTTP status; the domain never decides how a refusal is shown.
"""

from __future__ import annotations


class Refused(Exception):
    """A command that was refused; nothing was written."""

    #: short machine-readable kind, used by the API's problem documents
    kind = "refused"

    def __init__(self, message: str, *, field: str | None = None, value: object = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.value = value

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.message


class InvalidInput(Refused):
    """A value that is malformed or out of range (names the field and the value)."""

    kind = "invalid-input"

    def __init__(self, field: str, value: object, reason: str):
        shown = repr(value) if not isinstance(value, str) else f"'{value}'"
        super().__init__(f"{field}: {reason} (got {shown})", field=field, value=value)
        self.reason = reason


class NotFound(Refused):
    kind = "not-found"

    def __init__(self, entity: str, entity_id: str, *, field: str | None = None):
        super().__init__(f"{entity} '{entity_id}' does not exist", field=field, value=entity_id)
        self.entity = entity
        self.entity_id = entity_id


class AlreadyExists(Refused):
    kind = "already-exists"

    def __init__(self, entity: str, entity_id: str):
        super().__init__(f"{entity} '{entity_id}' already exists", field="id", value=entity_id)


class TransitionRefused(Refused):
    """The life cycle does not allow this action in the entity's current state."""

    kind = "transition-refused"

    def __init__(self, entity: str, entity_id: str, state: str, action: str, allowed: tuple[str, ...]):
        allowed_text = ", ".join(allowed) if allowed else "nothing (final state)"
        super().__init__(
            f"{entity} '{entity_id}' is {state.replace('_', ' ')}: cannot {action} "
            f"(from {state} it can go to: {allowed_text})",
            field="state",
            value=state,
        )
        self.entity = entity
        self.entity_id = entity_id
        self.state = state
        self.action = action


class RuleViolation(Refused):
    """The command is well formed but breaks a business rule (over-allocation, earmarks…)."""

    kind = "rule-violation"


class StepsOutstanding(Refused):
    """An approval asked for before the steps its mechanism requires: who is missing."""

    kind = "steps-outstanding"

    def __init__(self, package_id: str, missing: list[str]):
        super().__init__(
            f"package '{package_id}' cannot be approved yet: waiting on {'; '.join(missing)}",
            field="steps",
            value=missing,
        )
        self.missing = missing


class AwaitingAcceptance(Refused):
    """A contract amendment has not taken effect: it waits for the parties it names."""

    kind = "awaiting-acceptance"


class VersionConflict(Refused):
    """The caller acted on a stale version of a stream (optimistic concurrency)."""

    kind = "version-conflict"

    def __init__(self, stream: str, expected: int, actual: int):
        super().__init__(
            f"{stream} is at version {actual}, not {expected}: reload it and try again",
            field="version",
            value=expected,
        )
        self.stream = stream
        self.expected = expected
        self.actual = actual


class InputChanged(Refused):
    """What a decision was computed from changed before it could be recorded (a plan
    accepted for orders and capacity that have moved since): compute it again."""

    kind = "input-changed"
