"""The scenarios of the inclusion criteria IN1-IN7 (eligibility-spec.md section 3.1): each
row is (name, expected outcome, change[, other criteria it moves])."""

from datetime import date

from trialgraph.synthetic.birth_dates import (
    birth_month_undecided,
    birth_year_only,
    birth_year_undecided,
    born_29_february_not_yet_18,
    born_29_february_turned_18,
    eighteenth_birthday_day_after_screening,
    eighteenth_birthday_on_screening,
)
from trialgraph.synthetic.bundles import day
from trialgraph.synthetic.changes import (
    NO_HISTORY_COMPLETE,
    all_of,
    attest,
    biopsies,
    consents,
    drop,
    edit,
    medication,
    outcome,
    patient_field,
    sledai,
)
from trialgraph.synthetic.fhir_builders import (
    ATC,
    CLINICAL,
    CYCLOPHOSPHAMIDE,
    HYDROXYCHLOROQUINE,
    ICD10CM,
    MYCOPHENOLATE_MOFETIL,
    RXNORM,
    SLE,
    SNOMED,
    VERIFICATION,
    concept,
)
from trialgraph.synthetic.scenarios import (
    MET,
    NOT_APPLICABLE,
    NOT_MET,
    UNKNOWN,
    also_without_history,
    attestation_rows,
    rows,
)

IN1 = rows(
    ("IN1-18th-birthday-on-screening-date", MET, eighteenth_birthday_on_screening),
    (
        "IN1-18th-birthday-day-after-screening-date",
        NOT_MET,
        eighteenth_birthday_day_after_screening,
    ),
    ("IN1-birth-year-only-allows-both", UNKNOWN, birth_year_undecided),
    ("IN1-birth-year-month-allows-both", UNKNOWN, birth_month_undecided),
    ("IN1-birth-year-only-40-years-before", MET, birth_year_only(40)),
    ("IN1-birth-year-only-17-years-before", NOT_MET, birth_year_only(17)),
    ("IN1-no-birth-date", UNKNOWN, patient_field("birthDate", None)),
    # The spec does not say whether a 29 February child turns 18 on 28 February or 1 March, so
    # only cases that both conventions decide alike are here; T_S on 28 February is left out.
    ("IN1-born-29-february-turned-18-before", MET, born_29_february_turned_18),
    ("IN1-born-29-february-turns-18-after", NOT_MET, born_29_february_not_yet_18),
)


def _sle_after_screening(bundle: dict, t: date) -> None:
    edit(SLE, onsetDateTime=day(t, 5), recordedDate=day(t, 5))(bundle, t)


IN2 = rows(
    # IN2a not-met needs no SLE and history complete; the baseline attests history complete.
    (
        "IN2-sle-refuted-history-complete",
        NOT_MET,
        edit(
            SLE,
            verificationStatus=concept(VERIFICATION, "refuted"),
            clinicalStatus=concept(CLINICAL, "inactive"),
        ),
    ),
    (
        "IN2-sle-entered-in-error",
        NOT_MET,
        edit(
            SLE, verificationStatus=concept(VERIFICATION, "entered-in-error"), clinicalStatus=None
        ),
    ),
    ("IN2-sle-dated-after-screening-ignored", NOT_MET, _sle_after_screening),
    (
        "IN2-sle-as-icd10cm-M32.14-by-prefix",
        MET,
        edit(SLE, code=concept(ICD10CM, "M32.14", "Glomerular disease in SLE")),
    ),
    (
        "IN2-lupus-nephritis-snomed-68815009",
        MET,
        edit(SLE, code=concept(SNOMED, "68815009", "Lupus nephritis")),
    ),
    ("IN2-biopsy-class-II-only", NOT_MET, biopsies((-240, "II"))),
    ("IN2-biopsy-class-IV-G", MET, biopsies((-240, "IV-G"))),
    ("IN2-biopsy-class-III-plus-V", MET, biopsies((-240, "III+V"))),
    ("IN2-no-biopsy", UNKNOWN, biopsies()),
    ("IN2-biopsy-class-II-then-IV", MET, biopsies((-900, "II"), (-240, "IV"))),
    # "any kidney-biopsy class result on or before T_S": a later class II does not undo a IV.
    ("IN2-biopsy-class-IV-then-II", MET, biopsies((-900, "IV"), (-240, "II"))),
    ("IN2-biopsy-only-after-screening", UNKNOWN, biopsies((2, "IV"))),
)

IN3 = rows(
    ("IN3-sledai-8-in-window", MET, sledai((-5, 8))),
    ("IN3-sledai-7-in-window", NOT_MET, sledai((-5, 7))),
    ("IN3-sledai-only-31-days-before", UNKNOWN, sledai((-31, 10))),
    ("IN3-sledai-exactly-30-days-before", MET, sledai((-30, 10))),
    ("IN3-sledai-8-after-screening-ignored", NOT_MET, sledai((-5, 7), (1, 8))),
    ("IN3-same-day-7-and-9-least-favourable", NOT_MET, sledai((-5, 7), (-5, 9))),
    ("IN3-most-recent-7-after-earlier-9", NOT_MET, sledai((-20, 9), (-5, 7))),
)

IN4 = rows(
    ("IN4-one-failure-one-relapse", MET, outcome(CYCLOPHOSPHAMIDE, "relapse")),
    ("IN4-one-failure-only", NOT_MET, drop(CYCLOPHOSPHAMIDE)),
    # 1 failure + 1 agent without outcome = 2, not below 2, and no 2 documented failures.
    ("IN4-one-failure-one-without-outcome", UNKNOWN, outcome(CYCLOPHOSPHAMIDE, None)),
    (
        "IN4-methotrexate-two-atc-codes-one-agent",
        NOT_MET,
        all_of(
            drop(CYCLOPHOSPHAMIDE),
            drop(MYCOPHENOLATE_MOFETIL),
            medication(concept(ATC, "L04AX03", "methotrexate"), -1500, -1200, "no-response"),
            medication(concept(ATC, "L01BA01", "methotrexate"), -1000, -800, "no-response"),
        ),
    ),
    (
        "IN4-mycophenolate-mofetil-and-acid-one-agent",
        NOT_MET,
        all_of(
            drop(CYCLOPHOSPHAMIDE),
            medication(concept(RXNORM, "7145", "mycophenolic acid"), -700, -500, "no-response"),
        ),
    ),
    (
        "IN4-hydroxychloroquine-failure-not-counted",
        NOT_MET,
        all_of(drop(CYCLOPHOSPHAMIDE), outcome(HYDROXYCHLOROQUINE, "no-response")),
    ),
    ("IN4-intolerance-is-not-a-failure", NOT_MET, outcome(CYCLOPHOSPHAMIDE, "intolerance")),
    (
        "IN4-therapy-started-after-screening-not-counted",
        NOT_MET,
        all_of(
            drop(CYCLOPHOSPHAMIDE),
            medication(concept(ATC, "L01FA01", "rituximab"), 2, 35, "no-response"),
        ),
    ),
    (
        "IN4-one-failure-no-history-complete",
        UNKNOWN,
        all_of(drop(CYCLOPHOSPHAMIDE), NO_HISTORY_COMPLETE),
        also_without_history("IN4"),
    ),
)

IN5 = rows(
    *attestation_rows("IN5", "expected-survival-over-12-weeks", "survival"),
    (
        "IN5-survival-assessed-only-after-screening",
        UNKNOWN,
        attest("expected-survival-over-12-weeks", (2, True)),
    ),
)

IN6 = rows(
    ("IN6-contraception-agreed", MET, attest("contraception-agreement", (-3, True))),
    ("IN6-contraception-refused", NOT_MET, attest("contraception-agreement", (-3, False))),
    (
        "IN6-no-agreement-no-childbearing-potential",
        NOT_APPLICABLE,
        all_of(attest("contraception-agreement"), attest("childbearing-potential", (-3, False))),
    ),
    ("IN6-no-agreement-childbearing-potential", UNKNOWN, attest("contraception-agreement")),
    (
        "IN6-no-agreement-potential-not-recorded",
        UNKNOWN,
        all_of(attest("contraception-agreement"), attest("childbearing-potential")),
    ),
)

IN7 = rows(
    ("IN7-consent-active", MET, consents(("active", -14))),
    ("IN7-consent-rejected", NOT_MET, consents(("rejected", -14))),
    ("IN7-consent-withdrawn-inactive", NOT_MET, consents(("inactive", -5), replace=False)),
    ("IN7-consent-draft-only", UNKNOWN, consents(("draft", -14))),
    ("IN7-no-consent", UNKNOWN, consents()),
    # A later entered-in-error consent is not the latest consent: the active one decides.
    (
        "IN7-entered-in-error-consent-ignored",
        MET,
        consents(("entered-in-error", -5), replace=False),
    ),
    ("IN7-withdrawal-after-screening-ignored", MET, consents(("inactive", 3), replace=False)),
)
