"""What a scenario is: one change to the baseline bundle and the outcome it gives one criterion
(shared/protocol/eligibility-spec.md section 1), with the helpers that write scenarios as rows.
The scenarios themselves are in `inclusion` and `exclusion`."""

from dataclasses import dataclass

from trialgraph.synthetic.changes import Change, attest

MET, NOT_MET, UNKNOWN, NOT_APPLICABLE = "met", "not-met", "unknown", "not-applicable"
OUTCOMES = (MET, NOT_MET, UNKNOWN, NOT_APPLICABLE)
INCLUSIONS = tuple(f"IN{i}" for i in range(1, 8))
EXCLUSIONS = tuple(f"EX{i}" for i in range(1, 12))
CRITERIA = INCLUSIONS + EXCLUSIONS
BASELINE_OUTCOMES = {c: MET for c in INCLUSIONS} | {c: NOT_MET for c in EXCLUSIONS}
"""The outcome of every criterion for a baseline bundle: eligible."""

HISTORY_DEPENDENT = ("EX1", "EX2", "EX5", "EX6")
"""Criteria whose baseline not-met rests on the history-complete attestation alone (EX2 through
EX2b: not-met OR unknown is unknown). Without it they all turn unknown."""


@dataclass(frozen=True)
class Scenario:
    """One change to a baseline bundle, and the outcome it gives `criterion`.

    `also` names the other criteria that the change moves of necessity (only where the spec
    leaves no way to move `criterion` alone); every criterion not named keeps its baseline
    outcome."""

    name: str
    criterion: str
    expected: str
    change: Change
    also: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        for criterion, outcome in ((self.criterion, self.expected), *self.also):
            if criterion not in CRITERIA or outcome not in OUTCOMES:
                raise ValueError(
                    f"{self.name}: no such criterion or outcome: {criterion} {outcome}"
                )
        if self.expected == NOT_APPLICABLE and self.criterion != "IN6":
            raise ValueError(f"{self.name}: only IN6 can be not-applicable")

    def outcomes(self) -> dict[str, str]:
        """The expected outcome of every criterion once the change is applied."""
        return BASELINE_OUTCOMES | dict(self.also) | {self.criterion: self.expected}


def rows(*given: tuple) -> list[Scenario]:
    """Scenarios from rows (name, expected, change[, also]); the name starts with the criterion."""
    return [Scenario(row[0], row[0].split("-")[0], *row[1:]) for row in given]


def attestation_rows(criterion: str, item: str, name: str) -> list[tuple]:
    """Rows for an attestation whose yes meets `criterion`: yes, no, absent, and the latest of
    two deciding either way (these attestations have no window: the latest on or before T_S
    decides)."""
    prefix = f"{criterion}-{name}"
    return [
        (f"{prefix}-yes", MET, attest(item, (-3, True))),
        (f"{prefix}-no", NOT_MET, attest(item, (-3, False))),
        (f"{prefix}-absent", UNKNOWN, attest(item)),
        (f"{prefix}-latest-yes-after-no", MET, attest(item, (-40, False), (-3, True))),
        (f"{prefix}-latest-no-after-yes", NOT_MET, attest(item, (-40, True), (-3, False))),
    ]


def also_without_history(criterion: str) -> tuple[tuple[str, str], ...]:
    """The other criteria that turn unknown when the history-complete attestation is dropped."""
    return tuple((c, UNKNOWN) for c in HISTORY_DEPENDENT if c != criterion)
