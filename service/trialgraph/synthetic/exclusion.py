"""The scenarios of the exclusion criteria EX1-EX11 (eligibility-spec.md section 3.2): each
row is (name, expected outcome, change[, other criteria it moves]); `met` excludes."""

from trialgraph.synthetic.changes import (
    NO_CHANGE,
    NO_HISTORY_COMPLETE,
    add_condition,
    all_of,
    attest,
    coded_result,
    drop,
    liver,
    medication,
    observe,
    patient_field,
    pulse,
    qtc,
    quantity_result,
    steroid,
)
from trialgraph.synthetic.fhir_builders import (
    ALT,
    ANTI_HCV,
    AST,
    BILIRUBIN,
    BILIRUBIN_MOLAR,
    CHRONIC_HEPATITIS_B,
    DETECTED,
    DEXAMETHASONE,
    EPILEPSY,
    FOLD_EXPANSION,
    GENE_THERAPY,
    HBSAG,
    HBV_DNA,
    HCV_RNA,
    HIV_B20,
    HIV_TEST,
    ICD10,
    ICD10CM,
    INHALED,
    METHYLPREDNISOLONE,
    NEGATIVE,
    NOT_DETECTED,
    POSITIVE,
    PREDNISOLONE,
    PREDNISONE,
    QTC,
    SEPSIS,
    SNOMED,
    VENTRICULAR_TACHYCARDIA,
    concept,
    quantity,
)
from trialgraph.synthetic.scenarios import (
    MET,
    NOT_MET,
    UNKNOWN,
    also_without_history,
    attestation_rows,
    rows,
)

EX1 = rows(
    ("EX1-epilepsy-icd10-G40.9", MET, add_condition(EPILEPSY, -3000)),
    (
        "EX1-epilepsy-resolved-is-history",
        MET,
        add_condition(EPILEPSY, -3000, "resolved", abatement=-2000),
    ),
    (
        "EX1-epilepsy-snomed-84757009",
        MET,
        add_condition(concept(SNOMED, "84757009", "Epilepsy"), -3000),
    ),
    (
        "EX1-cerebral-infarction-icd10cm-I63.9",
        MET,
        add_condition(
            concept(ICD10CM, "I63.9", "Cerebral infarction"), -700, "resolved", abatement=-650
        ),
    ),
    (
        "EX1-epilepsy-refuted-history-complete",
        NOT_MET,
        add_condition(EPILEPSY, -3000, "inactive", "refuted"),
    ),
    (
        "EX1-epilepsy-entered-in-error",
        NOT_MET,
        add_condition(EPILEPSY, -3000, None, "entered-in-error"),
    ),
    ("EX1-epilepsy-onset-after-screening", NOT_MET, add_condition(EPILEPSY, 4)),
    # Without the attestation no absence is proven: EX2b, EX5 and EX6 turn unknown as well.
    (
        "EX1-none-without-history-complete",
        UNKNOWN,
        NO_HISTORY_COMPLETE,
        also_without_history("EX1"),
    ),
)

EX2 = rows(
    ("EX2-qtc-450-male", NOT_MET, all_of(patient_field("gender", "male"), qtc(450))),
    ("EX2-qtc-451-male", MET, all_of(patient_field("gender", "male"), qtc(451))),
    ("EX2-qtc-470-female", NOT_MET, qtc(470)),
    ("EX2-qtc-471-female", MET, qtc(471)),
    ("EX2-qtc-451-gender-other", MET, all_of(patient_field("gender", "other"), qtc(451))),
    ("EX2-qtc-451-gender-not-recorded", MET, all_of(patient_field("gender", None), qtc(451))),
    ("EX2-qtc-471-exactly-28-days-before", MET, qtc(471, -28)),
    # EX2a unknown (no QTc in the lab window); EX2b not-met (history complete): EX2 unknown.
    ("EX2-qtc-only-29-days-before", UNKNOWN, qtc(420, -29)),
    (
        "EX2-most-recent-qtc-decides",
        NOT_MET,
        observe(
            QTC,
            (-20, {"valueQuantity": quantity(490, "ms")}),
            (-4, {"valueQuantity": quantity(420, "ms")}),
        ),
    ),
    (
        "EX2-cardiac-condition-icd10-I47.2",
        MET,
        add_condition(concept(ICD10, "I47.2", "Ventricular tachycardia"), -900),
    ),
    # EX2b asks only "not refuted": a past, resolved arrhythmia is the protocol's own example.
    (
        "EX2-past-cardiac-arrest-resolved",
        MET,
        add_condition(
            concept(SNOMED, "410429000", "Cardiac arrest"), -900, "resolved", abatement=-900
        ),
    ),
    (
        "EX2-cardiac-condition-refuted",
        NOT_MET,
        add_condition(VENTRICULAR_TACHYCARDIA, -900, "inactive", "refuted"),
    ),
)

EX3 = rows(
    ("EX3-investigator-active-infection", MET, attest("active-infection", (-3, True))),
    ("EX3-investigator-no-infection", NOT_MET, attest("active-infection", (-3, False))),
    ("EX3-sepsis-icd10-A41.9-active", MET, add_condition(SEPSIS, -6)),
    (
        "EX3-pneumonia-icd10cm-J18.9-recurrence",
        MET,
        add_condition(
            concept(ICD10CM, "J18.9", "Pneumonia, unspecified organism"), -8, "recurrence"
        ),
    ),
    ("EX3-sepsis-resolved", NOT_MET, add_condition(SEPSIS, -90, "resolved", abatement=-70)),
    (
        "EX3-sepsis-resolved-in-lab-window",
        NOT_MET,
        add_condition(SEPSIS, -20, "resolved", abatement=-2),
    ),
    # Active with an abatement date breaks FHIR invariant con-4, but sites send it; it is the
    # only way to show the spec's "has not abated by T_S" clause on its own.
    (
        "EX3-active-infection-abated-before-screening",
        NOT_MET,
        add_condition(SEPSIS, -20, "active", abatement=-2),
    ),
    (
        "EX3-active-infection-abates-after-screening",
        MET,
        add_condition(SEPSIS, -20, "active", abatement=3),
    ),
    ("EX3-attestation-outside-lab-window", UNKNOWN, attest("active-infection", (-29, False))),
)

EX4 = rows(
    ("EX4-hbsag-positive", MET, coded_result(HBSAG, POSITIVE)),
    ("EX4-hbv-dna-detected", MET, coded_result(HBV_DNA, DETECTED)),
    ("EX4-hbv-dna-quantity-0-not-detected", NOT_MET, quantity_result(HBV_DNA, 0, "[IU]/mL")),
    ("EX4-hcv-rna-quantity-1200", MET, quantity_result(HCV_RNA, 1200, "[IU]/mL")),
    ("EX4-anti-hcv-positive-no-hcv-rna", UNKNOWN, coded_result(ANTI_HCV, POSITIVE)),
    (
        "EX4-anti-hcv-positive-hcv-rna-not-detected",
        NOT_MET,
        all_of(coded_result(ANTI_HCV, POSITIVE), coded_result(HCV_RNA, NOT_DETECTED)),
    ),
    ("EX4-hbsag-missing", UNKNOWN, drop(HBSAG)),
    ("EX4-hbsag-only-29-days-before", UNKNOWN, coded_result(HBSAG, NEGATIVE, -29)),
    # SNOMED, not ICD-10 B18.1: B18.1 lies in A00-B99 and would meet EX3 as an active infection.
    (
        "EX4-chronic-hepatitis-b-condition-active",
        MET,
        add_condition(CHRONIC_HEPATITIS_B, -1200),
    ),
    (
        "EX4-chronic-hepatitis-b-condition-resolved",
        NOT_MET,
        add_condition(
            CHRONIC_HEPATITIS_B,
            -3000,
            "resolved",
            abatement=-2000,
        ),
    ),
)

EX5 = rows(
    ("EX5-prednisone-20mg-daily", NOT_MET, steroid(PREDNISONE, 20)),
    ("EX5-prednisone-20.5mg-daily", MET, steroid(PREDNISONE, 20.5)),
    ("EX5-methylprednisolone-16mg-is-20", NOT_MET, steroid(METHYLPREDNISOLONE, 16)),
    ("EX5-methylprednisolone-17mg", MET, steroid(METHYLPREDNISOLONE, 17)),
    ("EX5-dexamethasone-3mg-is-exactly-20", NOT_MET, steroid(DEXAMETHASONE, 3)),
    (
        "EX5-two-glucocorticoids-15mg-each-same-day",
        MET,
        all_of(steroid(PREDNISONE, 15), steroid(METHYLPREDNISOLONE, 12, start=-10)),
    ),
    # A systemic code by a local route: the route decides, as the spec says.
    ("EX5-inhaled-40mg-ignored", NOT_MET, steroid(PREDNISOLONE, 40, route=INHALED)),
    ("EX5-ended-8-days-before", NOT_MET, steroid(PREDNISONE, 30, -60, -8)),
    ("EX5-ended-exactly-7-days-before", MET, steroid(PREDNISONE, 30, -60, -7)),
    ("EX5-started-after-screening-ignored", NOT_MET, steroid(PREDNISONE, 60, 2)),
    ("EX5-iv-methylprednisolone-pulse-500mg", MET, pulse(METHYLPREDNISOLONE, 500, -3)),
    ("EX5-prednisone-10mg-twice-a-day", NOT_MET, steroid(PREDNISONE, 10, times=2)),
    ("EX5-prednisone-10mg-three-times-a-day", MET, steroid(PREDNISONE, 10, times=3)),
    ("EX5-prednisone-25mg-no-timing-once-a-day", MET, steroid(PREDNISONE, 25, times=None)),
    ("EX5-prednisone-25mg-no-route-is-systemic", MET, steroid(PREDNISONE, 25, route=None)),
    # 40 mg once a week: 5.7 mg/day averaged (38 mg prednisone) and 40 mg (267) on the day taken:
    # above 20 either way, so the reading of a weekly dose does not matter.
    (
        "EX5-dexamethasone-40mg-weekly",
        MET,
        steroid(DEXAMETHASONE, 40, start=-30, period=1, unit="wk"),
    ),
    ("EX5-glucocorticoid-in-window-without-dose", UNKNOWN, steroid(PREDNISONE, None)),
    (
        "EX5-none-without-history-complete",
        UNKNOWN,
        NO_HISTORY_COMPLETE,
        also_without_history("EX5"),
    ),
)


EX6 = rows(
    ("EX6-L01XL01-before-screening", MET, medication(GENE_THERAPY, -500, -500)),
    ("EX6-L01XL01-after-screening-ignored", NOT_MET, medication(GENE_THERAPY, 5, 5)),
    # The baseline itself: no gene therapy, history complete.
    ("EX6-none-history-complete", NOT_MET, NO_CHANGE),
    (
        "EX6-none-without-history-complete",
        UNKNOWN,
        NO_HISTORY_COMPLETE,
        also_without_history("EX6"),
    ),
)

EX7 = rows(
    ("EX7-fold-expansion-4.9", MET, quantity_result(FOLD_EXPANSION, 4.9, "1", -10)),
    ("EX7-fold-expansion-5.0", NOT_MET, quantity_result(FOLD_EXPANSION, 5.0, "1", -10)),
    ("EX7-no-fold-expansion", UNKNOWN, drop(FOLD_EXPANSION)),
    (
        "EX7-most-recent-4-after-earlier-12",
        MET,
        observe(
            FOLD_EXPANSION,
            (-60, {"valueQuantity": quantity(12, "1")}),
            (-10, {"valueQuantity": quantity(4, "1")}),
        ),
    ),
)

EX8 = rows(
    ("EX8-alt-exactly-3-times-uln", NOT_MET, liver(ALT, 120)),
    ("EX8-alt-121-above-3-times-uln", MET, liver(ALT, 121)),
    ("EX8-ast-exactly-3-times-uln", NOT_MET, liver(AST, 120)),
    ("EX8-ast-121-above-3-times-uln", MET, liver(AST, 121)),
    ("EX8-alt-without-reference-range", UNKNOWN, liver(ALT, 30, high=None)),
    ("EX8-alt-only-29-days-before", UNKNOWN, liver(ALT, 30, -29)),
    (
        "EX8-alt-entered-in-error-ignored",
        NOT_MET,
        observe(
            ALT,
            (
                -2,
                {
                    "valueQuantity": quantity(400, "U/L"),
                    "referenceRange": [{"high": quantity(40, "U/L")}],
                },
            ),
            replace=False,
            status="entered-in-error",
        ),
    ),
    ("EX8-bilirubin-2.0-mg-dl", NOT_MET, quantity_result(BILIRUBIN, 2.0, "mg/dL")),
    ("EX8-bilirubin-2.1-mg-dl", MET, quantity_result(BILIRUBIN, 2.1, "mg/dL")),
    (
        "EX8-bilirubin-34.2-umol-l",
        NOT_MET,
        all_of(drop(BILIRUBIN), quantity_result(BILIRUBIN_MOLAR, 34.2, "umol/L")),
    ),
    (
        "EX8-bilirubin-34.3-umol-l",
        MET,
        all_of(drop(BILIRUBIN), quantity_result(BILIRUBIN_MOLAR, 34.3, "umol/L")),
    ),
    # "mg" is a mass, not a concentration: no conversion to mg/dL exists.
    ("EX8-bilirubin-unconvertible-unit", UNKNOWN, quantity_result(BILIRUBIN, 0.8, "mg")),
    (
        "EX8-bilirubin-without-unit",
        UNKNOWN,
        observe(BILIRUBIN, (-6, {"valueQuantity": {"value": 0.8}})),
    ),
)

EX9 = rows(*attestation_rows("EX9", "uncontrolled-disease", "unsuitable"))

EX10 = rows(
    ("EX10-hiv-test-positive", MET, coded_result(HIV_TEST, POSITIVE)),
    ("EX10-hiv-test-negative", NOT_MET, coded_result(HIV_TEST, NEGATIVE)),
    ("EX10-hiv-test-absent", UNKNOWN, drop(HIV_TEST)),
    ("EX10-hiv-test-only-29-days-before", UNKNOWN, coded_result(HIV_TEST, NEGATIVE, -29)),
    # B20 lies in the A00-B99 infection range of EX3, so an active B20 would meet EX3 too; in
    # remission it decides EX10 alone, which counts an HIV condition of any status.
    ("EX10-hiv-condition-icd10-B20-in-remission", MET, add_condition(HIV_B20, -2000, "remission")),
    (
        "EX10-hiv-condition-snomed-active",
        MET,
        add_condition(concept(SNOMED, "86406008", "Human immunodeficiency virus infection"), -2000),
    ),
    ("EX10-hiv-condition-refuted", NOT_MET, add_condition(HIV_B20, -2000, "inactive", "refuted")),
)

EX11 = rows(*attestation_rows("EX11", "investigator-risk", "investigator-risk"))
