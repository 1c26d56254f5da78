"""Every code of every value set is accepted by the screening.

For each value set of ontology/value-sets.ttl (the codes of fhir-intake.md) and each of its codes,
a baseline record carries the code in the resource and field fhir-intake.md names, and the
criterion that reads the value set must take the outcome eligibility-spec.md gives for it. ICD-10
and ATC codes match by prefix, so a longer code is tried too; a code range is tried at both ends,
in the middle and with a sub-code of its last category. Codes just outside (the category before
and after a range, the parent of a prefix-matched code, one chosen neighbour per value set) must
give the outcome of a record without the code, so each probe is shown to tell the two apart."""

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from rdflib import RDF, SKOS, Graph, URIRef

from tests.conftest import AS_OF, changed_record
from trialgraph.namespaces import TG, TGVS
from trialgraph.ontology import protocol_graph
from trialgraph.screening import PatientScreening, screen_records
from trialgraph.synthetic import MET, NOT_APPLICABLE, NOT_MET, UNKNOWN
from trialgraph.synthetic.changes import (
    Change,
    add_condition,
    all_of,
    coded_result,
    drop,
    edit,
    liver,
    medication,
    observe,
    quantity_result,
    steroid,
)
from trialgraph.synthetic.fhir_builders import (
    ALT,
    ANTI_HCV,
    AST,
    ATC,
    BILIRUBIN,
    BIOPSY_CLASS,
    CYCLOPHOSPHAMIDE,
    FOLD_EXPANSION,
    HBSAG,
    HIV_TEST,
    HYDROXYCHLOROQUINE,
    ICD10,
    INHALED,
    LOINC,
    MYCOPHENOLATE_MOFETIL,
    NEGATIVE,
    ORAL,
    POSITIVE,
    PREDNISONE,
    QTC,
    SLE,
    SLEDAI,
    SNOMED,
    THERAPY_OUTCOME,
    biopsy_class,
    concept,
    screening_item,
)

BATCH = 10
"""Records per screening call: the batch engine's time grows faster than linearly with the
batch (EX4 and EX8c rules), so ten at a time is quicker than all at once."""


@dataclass(frozen=True)
class Probe:
    """How a record carries a code of one value set, and what the criterion then says.

    `carry(code)` is a change that puts the code (a CodeableConcept) where fhir-intake.md
    puts it; the criterion is `accepted` when the code counts, `otherwise` when it does not.
    `outside` is a code of no value set the probe reads, which must give `otherwise`."""

    criterion: str
    accepted: str
    otherwise: str
    carry: Callable[[dict], Change]
    outside: dict


def condition_probe(criterion: str, outside: dict, **how: object) -> Probe:
    """A Condition of the code, added to the baseline (history complete): the criterion is met."""
    return Probe(criterion, MET, NOT_MET, lambda code: add_condition(code, **how), outside)


def result_probe(
    criterion: str,
    replaced: dict,
    result: Callable[[dict], Change],
    outside: dict,
    accepted: str = MET,
) -> Probe:
    """The baseline's results of `replaced` give way to `result` of the code; a code outside
    leaves the criterion without its data (unknown)."""
    return Probe(
        criterion, accepted, UNKNOWN, lambda code: all_of(drop(replaced), result(code)), outside
    )


def answer(value: bool) -> Callable[[dict], Change]:
    """An attestation of the code, answering `value`, 3 days before T_S."""
    return lambda code: observe(code, (-3, {"valueBoolean": value}))


def attestation_probe(item: str, value: bool, criterion: str, accepted: str) -> Probe:
    """The attestation `item` replaced by one of the code, answering `value`."""
    return result_probe(criterion, screening_item(item), answer(value), SCREENING_NOTE, accepted)


def therapy_outcomes(*medications: dict) -> Callable[[dict], Change]:
    """Every statement of the medications gets the code as its outcome; the others go."""
    others = [m for m in (MYCOPHENOLATE_MOFETIL, CYCLOPHOSPHAMIDE) if m not in medications]
    return lambda code: all_of(
        *map(drop, others), *(edit(m, statusReason=[code]) for m in medications)
    )


SCREENING_NOTE = screening_item("screening-note")
HEPATITIS_B_CORE_AB = concept(LOINC, "13952-7", "Hepatitis B virus core Ab")
ALKALINE_PHOSPHATASE = concept(LOINC, "6768-6", "Alkaline phosphatase")
INCONCLUSIVE = concept(SNOMED, "419984006", "Inconclusive")
DETECTED = concept(SNOMED, "260373001", "Detected")
INTOLERANCE = concept(THERAPY_OUTCOME, "intolerance")

PROBES: dict[str, Probe] = {
    # IN2a: the baseline's SLE condition recoded; IN2b: its biopsies replaced by one class IV.
    "sle": Probe("IN2", MET, NOT_MET, lambda code: edit(SLE, code=code), concept(ICD10, "M31")),
    "isn-rps-class-item": result_probe(
        "IN2",
        BIOPSY_CLASS,
        lambda code: observe(
            code, (-240, {"valueCodeableConcept": biopsy_class("IV")}), category="procedure"
        ),
        screening_item("biopsy-class"),
    ),
    "isn-rps-eligible-classes": Probe(
        "IN2",
        MET,
        NOT_MET,
        lambda code: observe(
            BIOPSY_CLASS, (-240, {"valueCodeableConcept": code}), category="procedure"
        ),
        biopsy_class("II"),
    ),
    "sledai-2k": result_probe(
        "IN3",
        SLEDAI,
        lambda code: observe(code, (-5, {"valueInteger": 8})),
        screening_item("sledai"),
    ),
    # IN4: the only agent, with a relapse (met); hydroxychloroquine never counts.
    "standard-immunosuppressants": Probe(
        "IN4",
        MET,
        NOT_MET,
        lambda code: all_of(
            drop(CYCLOPHOSPHAMIDE),
            drop(MYCOPHENOLATE_MOFETIL),
            medication(code, -700, -500, "relapse"),
        ),
        HYDROXYCHLOROQUINE,
    ),
    # Two agents with the outcome: 2 failures (met); 2 intolerances: 0 failures (not-met).
    "therapy-failure": Probe(
        "IN4", MET, NOT_MET, therapy_outcomes(MYCOPHENOLATE_MOFETIL, CYCLOPHOSPHAMIDE), INTOLERANCE
    ),
    "therapy-relapse": Probe("IN4", MET, NOT_MET, therapy_outcomes(CYCLOPHOSPHAMIDE), INTOLERANCE),
    "expected-survival": attestation_probe(
        "expected-survival-over-12-weeks", False, "IN5", NOT_MET
    ),
    # No childbearing potential and no agreement on record: IN6 does not apply.
    "childbearing-potential": result_probe(
        "IN6",
        screening_item("childbearing-potential"),
        lambda code: all_of(drop(screening_item("contraception-agreement")), answer(False)(code)),
        SCREENING_NOTE,
        NOT_APPLICABLE,
    ),
    "contraception-agreement": attestation_probe("contraception-agreement", False, "IN6", NOT_MET),
    "history-complete": attestation_probe("history-complete", True, "EX6", NOT_MET),
    "cns-history": condition_probe("EX1", concept(ICD10, "G43"), onset=-3000),
    "qtc": result_probe(
        "EX2",
        QTC,
        lambda code: quantity_result(code, 480, "ms", -4),
        concept(LOINC, "8867-4", "Heart rate"),
    ),
    "severe-cardiac": condition_probe("EX2", concept(ICD10, "I47.1"), onset=-900),
    "active-infection-attestation": attestation_probe("active-infection", True, "EX3", MET),
    "infection": condition_probe("EX3", concept(ICD10, "N39.1"), onset=-6),
    "hbsag": result_probe(
        "EX4", HBSAG, lambda code: coded_result(code, POSITIVE), HEPATITIS_B_CORE_AB
    ),
    "hbv-dna": Probe(
        "EX4", MET, NOT_MET, lambda code: coded_result(code, DETECTED), HEPATITIS_B_CORE_AB
    ),
    # Anti-HCV negative decides EX4 not-met; without it EX4 is unknown.
    "anti-hcv": result_probe(
        "EX4", ANTI_HCV, lambda code: coded_result(code, NEGATIVE), HEPATITIS_B_CORE_AB, NOT_MET
    ),
    "hcv-rna": Probe(
        "EX4", MET, NOT_MET, lambda code: coded_result(code, DETECTED), HEPATITIS_B_CORE_AB
    ),
    "chronic-hepatitis": condition_probe("EX4", concept(ICD10, "B17.2"), onset=-1200),
    # EX5: 200 mg a day is over 20 mg prednisone-equivalent for every glucocorticoid.
    "systemic-glucocorticoids": Probe(
        "EX5",
        MET,
        NOT_MET,
        lambda code: steroid(code, 200),
        concept(ATC, "H02AA02", "fludrocortisone"),
    ),
    "systemic-routes": Probe(
        "EX5", MET, NOT_MET, lambda code: steroid(PREDNISONE, 40, route=code), INHALED
    ),
    # No rule reads this value set: every route outside systemic-routes is local and ignored.
    # The outside code is a systemic route, to show the probe would see a counted dose.
    "local-routes": Probe(
        "EX5", NOT_MET, MET, lambda code: steroid(PREDNISONE, 40, route=code), ORAL
    ),
    "gene-therapy": Probe(
        "EX6",
        MET,
        NOT_MET,
        lambda code: medication(code, -500, -500),
        concept(ATC, "L01XX05", "hydroxycarbamide"),
    ),
    "tcell-fold-expansion": result_probe(
        "EX7",
        FOLD_EXPANSION,
        lambda code: quantity_result(code, 4.9, "1", -10),
        screening_item("fold-expansion"),
    ),
    "alt": result_probe("EX8", ALT, lambda code: liver(code, 121), ALKALINE_PHOSPHATASE),
    "ast": result_probe("EX8", AST, lambda code: liver(code, 121), ALKALINE_PHOSPHATASE),
    "bilirubin-mass": result_probe(
        "EX8",
        BILIRUBIN,
        lambda code: quantity_result(code, 2.1, "mg/dL"),
        concept(LOINC, "1968-7", "Bilirubin.direct"),
    ),
    "bilirubin-substance": result_probe(
        "EX8",
        BILIRUBIN,
        lambda code: quantity_result(code, 34.3, "umol/L"),
        concept(LOINC, "14629-0", "Bilirubin.direct [Moles/volume]"),
    ),
    "uncontrolled-disease": attestation_probe("uncontrolled-disease", True, "EX9", MET),
    "hiv-condition": condition_probe(
        "EX10", concept(ICD10, "Z20"), onset=-2000, clinical="remission"
    ),
    "hiv-test": result_probe(
        "EX10", HIV_TEST, lambda code: coded_result(code, POSITIVE), HEPATITIS_B_CORE_AB
    ),
    # Result values, on the HIV test: positive meets EX10, negative decides it not-met.
    "positive-results": Probe(
        "EX10", MET, UNKNOWN, lambda code: coded_result(HIV_TEST, code), INCONCLUSIVE
    ),
    "negative-results": Probe(
        "EX10", NOT_MET, UNKNOWN, lambda code: coded_result(HIV_TEST, code), INCONCLUSIVE
    ),
    "investigator-risk": attestation_probe("investigator-risk", True, "EX11", MET),
}


# --- the cases, read from the value sets ---------------------------------------------------


def _system_names() -> dict[str, str]:
    """The local name of each code system's IRI (snomed-ct, icd-10, ...), by FHIR system URI."""
    graph = protocol_graph()
    return {
        str(graph.value(scheme, TG.fhirSystem)): str(scheme).rsplit("/", 1)[-1]
        for scheme in graph.subjects(RDF.type, TG.CodeSystem)
    }


SYSTEM_NAMES = _system_names()


@dataclass(frozen=True)
class Case:
    """One code of one value set's code system in a record; `member`: it is in the value set."""

    value_set: str
    system: str
    code: str
    member: bool = True

    @property
    def id(self) -> str:
        system = SYSTEM_NAMES[self.system]
        return f"{self.value_set}/{system}/{self.code}" + ("" if self.member else "/outside")

    def change(self) -> Change:
        return PROBES[self.value_set].carry(concept(self.system, self.code))

    def wanted(self) -> str:
        probe = PROBES[self.value_set]
        return probe.accepted if self.member else probe.otherwise


ATC_LEVELS = (1, 3, 4, 5, 7)
"""The lengths of the ATC levels: anatomical group, therapeutic, pharmacological, chemical
subgroup, substance."""


def _longer(code: str, system: str) -> str | None:
    """A code that the prefix `code` matches (one level down), or None for a full ATC code."""
    if system != ATC:
        return code + (".9" if len(code) == 3 else "9")
    if len(code) == ATC_LEVELS[-1]:
        return None
    return code + ("01" if len(code) in (1, 5) else "A")


def _parent(code: str, system: str) -> str | None:
    """The code one level up (I47.2 -> I47, L01XL -> L01X), or None at the top level."""
    if system == ATC:
        level = ATC_LEVELS.index(len(code))
        return code[: ATC_LEVELS[level - 1]] if level > 0 else None
    return code[:-1].rstrip(".") if len(code) > 3 else None


def _category(number: int) -> str:
    return f"{chr(ord('A') + number // 100)}{number % 100:02d}"


def _number(category: str) -> int:
    return (ord(category[0]) - ord("A")) * 100 + int(category[1:3])


def _range_cases(value_set: str, system: str, first: str, last: str) -> list[Case]:
    """Both ends, the middle and a sub-code of the last category; the categories just outside."""
    start, end = _number(first), _number(last)
    inside = (first, _category((start + end) // 2), last, f"{last}.9")
    outside = [_category(n) for n in (start - 1, end + 1) if n >= 0]
    return [Case(value_set, system, code) for code in inside] + [
        Case(value_set, system, code, member=False) for code in outside
    ]


def _member_cases(graph: Graph, value_set: str, members: set[URIRef]) -> list[Case]:
    """Each member; for prefix-matched ones also a longer code and, outside, the parent code."""
    notations = {str(graph.value(m, SKOS.notation)) for m in members}
    cases = []
    for member in sorted(members):
        scheme = graph.value(member, SKOS.inScheme)
        system, code = (
            str(graph.value(scheme, TG.fhirSystem)),
            str(graph.value(member, SKOS.notation)),
        )
        cases.append(Case(value_set, system, code))
        if graph.value(scheme, TG.matchesByPrefix).toPython():
            longer, parent = _longer(code, system), _parent(code, system)
            cases += [Case(value_set, system, longer)] if longer else []
            if parent and parent not in notations:
                cases.append(Case(value_set, system, parent, member=False))
    return cases


def value_set_cases() -> list[Case]:
    """Every member, longer code, range code and outside code of every probed value set."""
    graph = protocol_graph()
    cases: list[Case] = []
    for node in sorted(graph.subjects(RDF.type, TG.ValueSet)):
        value_set = str(node).removeprefix(str(TGVS))
        if value_set not in PROBES:
            continue
        cases += _member_cases(graph, value_set, set(graph.objects(node, SKOS.member)))
        for code_range in sorted(graph.objects(node, TG.memberRange)):
            system = str(graph.value(graph.value(code_range, SKOS.inScheme), TG.fhirSystem))
            first, last = (str(graph.value(code_range, p)) for p in (TG.rangeStart, TG.rangeEnd))
            cases += _range_cases(value_set, system, first, last)
        outside = PROBES[value_set].outside["coding"][0]
        cases.append(Case(value_set, outside["system"], outside["code"], member=False))
    return list({case.id: case for case in cases}.values())


CASES = value_set_cases()


@pytest.fixture(scope="module")
def screened() -> dict[str, PatientScreening]:
    """Every case screened, keyed by case id."""
    results: dict[str, PatientScreening] = {}
    for start in range(0, len(CASES), BATCH):
        batch = CASES[start : start + BATCH]
        ids = {f"vs-{i:03d}": case.id for i, case in enumerate(batch)}
        records = [
            changed_record(pid, case.change(), case.id)
            for pid, case in zip(ids, batch, strict=True)
        ]
        results |= {ids[r.patient]: r for r in screen_records(records, AS_OF)}
    return results


def test_every_value_set_has_a_probe_of_a_criterion_that_reads_it():
    graph = protocol_graph()
    value_sets = {str(v).removeprefix(str(TGVS)) for v in graph.subjects(RDF.type, TG.ValueSet)}
    assert sorted(value_sets - set(PROBES)) == [], "value sets without a probe"
    assert sorted(set(PROBES) - value_sets) == [], "probes of no value set"
    for name, probe in PROBES.items():
        readers = {
            re.match(r"[A-Z]+\d+", str(graph.value(c, TG.criterionId)))[0]
            for c in graph.subjects(TG.usesValueSet, TGVS[name])
        }
        assert not readers or probe.criterion in readers, f"{name} is read by {readers}"


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_code_counts_exactly_when_in_the_value_set(case, screened):
    result = screened[case.id]
    got = result.criteria[PROBES[case.value_set].criterion]
    what = "member" if case.member else "code outside the value set"
    assert got == case.wanted(), (
        f"{case.value_set}: {what} {case.system}|{case.code} gives "
        f"{PROBES[case.value_set].criterion} {got}, wanted {case.wanted()}"
    )
