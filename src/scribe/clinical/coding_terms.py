"""A hand-written finding-term table for the embedded ICD-10-CM coder.

Each row maps regex phrases (lower case, matched on word boundaries) to one code, or to three
codes when the code set distinguishes sides. Descriptions are never written here: they come from
the code set (clinical/icd10.py), and a test checks that every code below exists in it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Term:
    patterns: tuple[str, ...]
    code: str  # the unspecified-side code when the row is sided
    right: str | None = None
    left: str | None = None
    specific: bool = True  # False for symptoms, which a coder drops when a diagnosis explains them


def _t(code: str, *patterns: str) -> Term:
    return Term(patterns, code)


def _sym(code: str, *patterns: str) -> Term:
    return Term(patterns, code, specific=False)


def _side(codes: tuple[str, str, str], *patterns: str, specific: bool = True) -> Term:
    unspecified, right, left = codes
    return Term(patterns, unspecified, right, left, specific)


_KNEE = r"(?:knee|lcl|lateral collateral ligament)"
_MCL = r"(?:mcl|medial collateral ligament)"
TERMS: tuple[Term, ...] = (
    # Cardiovascular
    _t("I11.0", r"hypertensive heart disease with heart failure"),
    _t("I10", r"hypertension", r"htn", r"high blood pressure"),
    _t("I50.9", r"(?:congestive )?heart failure", r"chf"),
    _t("I48.91", r"atrial fibrillation", r"a-?fib"),
    _t("I25.10", r"coronary artery disease", r"cad"),
    _t("I34.0", r"mitral (?:valve )?regurgitation", r"mitral insufficiency"),
    _t("I35.0", r"aortic stenosis"),
    _sym("R01.1", r"(?:heart )?murmur"),
    _t("I73.9", r"peripheral (?:vascular|artery|arterial) disease", r"pad"),
    _t("I63.9", r"stroke", r"cerebral infarction", r"cva"),
    _t("I26.99", r"pulmonary embol(?:ism|us)"),
    _t("I82.409", r"deep vein thrombosis", r"dvt"),
    _t("I83.90", r"varicose veins"),
    _t("R03.0", r"elevated blood pressure reading"),
    # Endocrine and metabolic
    _t(
        "E11.9",
        r"type (?:2|ii|two) diabetes(?: mellitus)?",
        r"diabetes(?: mellitus)?,? type (?:2|ii|two)",
        r"t2dm",
        r"dm2",
        r"diabetes(?: mellitus)?",
    ),
    _t(
        "E10.9",
        r"type (?:1|i|one) diabetes(?: mellitus)?",
        r"diabetes(?: mellitus)?,? type (?:1|one)",
    ),
    _t("R73.03", r"pre-?diabetes"),
    _t("E78.00", r"hypercholesterolemia", r"high cholesterol"),
    _t("E78.5", r"hyperlipidemia", r"dyslipidemia"),
    _t("E03.9", r"hypothyroidism"),
    _t("E66.9", r"obesity"),
    _t("E55.9", r"vitamin d deficiency"),
    _t("E87.6", r"hypokalemia"),
    _t("E86.0", r"dehydration"),
    _t("E04.2", r"multinodular goiter"),
    _t("E28.2", r"polycystic ovar(?:y|ian) syndrome", r"pcos"),
    _t("M10.9", r"gout"),
    _t("M81.0", r"osteoporosis"),
    # Respiratory
    _t("J45.909", r"asthma"),
    _t("J44.9", r"chronic obstructive pulmonary disease", r"copd"),
    _t("J18.9", r"pneumonia"),
    _t("J20.9", r"(?:acute )?bronchitis"),
    _t("J06.9", r"upper respiratory (?:tract )?infection", r"uri"),
    _t("J02.9", r"pharyngitis"),
    _t("J01.90", r"(?:acute )?sinusitis"),
    _t("J30.9", r"allergic rhinitis", r"seasonal allergies"),
    _t("G47.33", r"(?:obstructive )?sleep apnea", r"osa"),
    _t("U07.1", r"covid(?:-19)?"),
    _sym("R05.9", r"cough"),
    _sym("R06.02", r"shortness of breath", r"dyspnea"),
    # Digestive
    _t("K21.9", r"gastro-?esophageal reflux(?: disease)?", r"gerd", r"acid reflux"),
    _t("K29.70", r"gastritis"),
    _t("K25.9", r"gastric ulcer"),
    _t("K58.9", r"irritable bowel syndrome", r"ibs"),
    _t("K59.00", r"constipation"),
    _t("K57.30", r"diverticulosis"),
    _t("K80.20", r"gallstones?", r"cholelithiasis"),
    _t("A09", r"gastroenteritis"),
    _sym("R10.9", r"abdominal pain"),
    _sym("R11.2", r"nausea and vomiting"),
    _sym("R19.7", r"diarrhea"),
    # Renal and genitourinary
    _t("N18.9", r"chronic kidney disease", r"ckd"),
    _t("N17.9", r"acute kidney (?:injury|failure)", r"aki"),
    _t("N39.0", r"urinary tract infection", r"uti"),
    _t("N20.0", r"kidney stones?", r"nephrolithiasis"),
    _t("N40.0", r"benign prostatic hyperplasia", r"bph", r"enlarged prostate"),
    _t("N52.9", r"erectile dysfunction"),
    _t("N95.1", r"menopaus(?:e|al symptoms)"),
    _sym("R31.9", r"hematuria"),
    # Blood
    _t("D50.9", r"iron deficiency anemia"),
    _t("D64.9", r"anemia"),
    # Mental and neurological
    _t("F32.A", r"depression"),
    _t("F41.9", r"anxiety"),
    _t("F43.10", r"post-?traumatic stress disorder", r"ptsd"),
    _t("F90.9", r"attention[- ]deficit hyperactivity disorder", r"adhd"),
    _t("F17.210", r"nicotine dependence", r"smokes? cigarettes", r"tobacco use"),
    _t("G43.909", r"migraines?"),
    _t("G40.909", r"epilepsy", r"seizure disorder"),
    _t("G20.C", r"parkinsonism", r"parkinson'?s disease"),
    _t("G30.9", r"alzheimer'?s(?: disease)?"),
    _t("F03.90", r"dementia"),
    _t("D35.2", r"pituitary adenoma"),
    _t("H53.47", r"bitemporal hemianopia"),
    _sym("R51.9", r"headaches?"),
    _sym("R42", r"dizziness"),
    _sym("R53.83", r"fatigue"),
    _sym("R50.9", r"fever"),
    _t("G89.29", r"chronic pain"),
    # Musculoskeletal and injuries
    _side(("M25.569", "M25.561", "M25.562"), r"knee pain", specific=False),
    _side(("M25.519", "M25.511", "M25.512"), r"shoulder pain", specific=False),
    _side(("M79.673", "M79.671", "M79.672"), r"foot pain", specific=False),
    _side(("M17.9", "M17.11", "M17.12"), r"(?:knee osteoarthritis|osteoarthritis of the knee)"),
    _t("M19.90", r"osteoarthritis", r"degenerative joint disease"),
    _sym("M54.50", r"low(?:er)? back pain"),
    _t("S39.012A", r"lumbar strain", r"low(?:er)? back strain"),
    _t("M62.830", r"muscle spasms? of (?:the )?back", r"back spasms?"),
    _sym("M54.2", r"neck pain", r"cervicalgia"),
    _t("S16.1XXA", r"neck strain", r"cervical strain"),
    _side(("M54.30", "M54.31", "M54.32"), r"sciatica"),
    _t("M54.16", r"lumbar radiculopathy"),
    _t("M51.26", r"lumbar disc herniation", r"herniated (?:lumbar )?disc"),
    _side(
        ("S83.419A", "S83.411A", "S83.412A"),
        r"(?:knee )?" + _MCL + r" (?:sprain|strain|tear)",
        r"(?:sprain|strain) of the " + _MCL,
    ),
    _side(
        ("S83.409A", "S83.401A", "S83.402A"),
        _KNEE + r" (?:sprain|strain)",
        r"(?:sprain|strain) of the " + _KNEE,
    ),
    _side(
        ("S83.519A", "S83.511A", "S83.512A"),
        r"acl (?:sprain|tear)",
        r"anterior cruciate ligament (?:sprain|tear)",
    ),
    _side(
        ("S93.409A", "S93.401A", "S93.402A"),
        r"ankle sprain",
        r"sprained ankle",
        r"sprain of the ankle",
    ),
    _side(("S43.409A", "S43.401A", "S43.402A"), r"shoulder sprain"),
    _side(
        ("M75.100", "M75.101", "M75.102"), r"rotator cuff (?:tear|tendinopathy|tendinitis|injury)"
    ),
    _side(("M75.40", "M75.41", "M75.42"), r"(?:shoulder )?impingement(?: syndrome)?"),
    _side(("S52.539A", "S52.531A", "S52.532A"), r"colles'? fracture"),
    _side(("G56.00", "G56.01", "G56.02"), r"carpal tunnel syndrome"),
    _side(("M77.10", "M77.11", "M77.12"), r"lateral epicondylitis", r"tennis elbow"),
    _side(("M76.60", "M76.61", "M76.62"), r"achilles tendinitis", r"achilles tendonitis"),
    _t("M72.2", r"plantar fasciitis"),
    _t("M79.7", r"fibromyalgia"),
    _t("M62.81", r"generalized muscle weakness"),
    _t("R29.6", r"repeated falls", r"recurrent falls"),
    # Skin, eye, ear
    _t("L40.9", r"psoriasis"),
    _t("L30.9", r"dermatitis", r"eczema"),
    _t("B35.1", r"onychomycosis", r"toenail fungus"),
    _t("H10.9", r"conjunctivitis", r"pink eye"),
    _t("H66.90", r"otitis media", r"ear infection"),
    # Other
    _t("Q93.88", r"smith-magenis syndrome"),
    _sym("R07.89", r"(?:non-?cardiac |atypical )?chest (?:pain|discomfort)"),
    _sym("R60.0", r"(?:lower extremity |leg |ankle )?edema"),
)
