"""Word lists the engine matches against: symptoms and common drug names."""

from __future__ import annotations

import re

from scribe.clinical.vocabulary import is_drug

# Spoken variants of a symptom mapped to the name a note uses.
SYMPTOMS: dict[str, str] = {
    "fever": "fever",
    "fevers": "fever",
    "feverish": "fever",
    "chills": "chills",
    "night sweats": "night sweats",
    "chest pain": "chest pain",
    "chest pains": "chest pain",
    "chest tightness": "chest tightness",
    "shortness of breath": "shortness of breath",
    "short of breath": "shortness of breath",
    "trouble breathing": "shortness of breath",
    "problems breathing": "shortness of breath",
    "difficulty breathing": "shortness of breath",
    "palpitations": "palpitations",
    "cough": "cough",
    "coughing": "cough",
    "wheezing": "wheezing",
    "sore throat": "sore throat",
    "congestion": "congestion",
    "runny nose": "runny nose",
    "nausea": "nausea",
    "nauseous": "nausea",
    "vomiting": "vomiting",
    "throwing up": "vomiting",
    "diarrhea": "diarrhea",
    "constipation": "constipation",
    "abdominal pain": "abdominal pain",
    "belly pain": "abdominal pain",
    "stomach pain": "abdominal pain",
    "heartburn": "heartburn",
    "blood in your stool": "blood in the stool",
    "blood in the stool": "blood in the stool",
    "blood in your urine": "blood in the urine",
    "burning with urination": "dysuria",
    "painful urination": "dysuria",
    "headache": "headache",
    "headaches": "headache",
    "dizziness": "dizziness",
    "dizzy": "dizziness",
    "lightheaded": "lightheadedness",
    "lightheadedness": "lightheadedness",
    "fatigue": "fatigue",
    "fatigued": "fatigue",
    "tired": "fatigue",
    "weight loss": "weight loss",
    "weight gain": "weight gain",
    "rash": "rash",
    "rashes": "rash",
    "itching": "itching",
    "swelling": "swelling",
    "swollen": "swelling",
    "numbness": "numbness",
    "tingling": "tingling",
    "weakness": "weakness",
    "blurred vision": "blurred vision",
    "blurry vision": "blurred vision",
    "vision changes": "vision changes",
    "joint pain": "joint pain",
    "back pain": "back pain",
    "muscle aches": "muscle aches",
    "body aches": "body aches",
    "bloating": "bloating",
    "bloated": "bloating",
    "loss of appetite": "loss of appetite",
    "trouble sleeping": "trouble sleeping",
    "insomnia": "insomnia",
    "anxiety": "anxiety",
    "depression": "depression",
    "confusion": "confusion",
    "hallucinations": "hallucinations",
    "seizures": "seizures",
    "seizure": "seizures",
    "fainting": "syncope",
    "passed out": "syncope",
    "memory loss": "memory loss",
    "sweating": "sweating",
    "sweats": "sweating",
    "chest discomfort": "chest discomfort",
    "urinary frequency": "urinary frequency",
    "bleeding": "bleeding",
    "bruising": "bruising",
    "cramps": "cramps",
    "cramping": "cramps",
    "stiffness": "stiffness",
    "earache": "ear pain",
    "ear pain": "ear pain",
    "trouble swallowing": "dysphagia",
    "difficulty swallowing": "dysphagia",
    "pain": "pain",
}

_SYMPTOM_WORDS = re.compile(r"[a-z]+")
_LONGEST_SYMPTOM = max(len(key.split()) for key in SYMPTOMS)
_FIRST_WORDS = frozenset(key.split()[0] for key in SYMPTOMS)


def find_symptoms(text: str) -> list[str]:
    """Return the canonical symptom names mentioned in text, in order, without repeats."""
    return list(dict.fromkeys(SYMPTOMS[mention] for mention in symptom_mentions(text)))


def symptom_mentions(text: str) -> list[str]:
    """Return the symptom phrases of text (lower-cased), longest match first, in order."""
    words = _SYMPTOM_WORDS.findall(text.lower())
    mentions: list[str] = []
    index = 0
    while index < len(words):
        size = _match_size(words, index)
        if size:
            mentions.append(" ".join(words[index : index + size]))
        index += size or 1
    return mentions


def _match_size(words: list[str], index: int) -> int:
    if words[index] not in _FIRST_WORDS:
        return 0
    for size in range(_LONGEST_SYMPTOM, 0, -1):
        if index + size <= len(words) and " ".join(words[index : index + size]) in SYMPTOMS:
            return size
    return 0


DRUG_NAMES: frozenset[str] = frozenset(
    """
    acetaminophen tylenol ibuprofen advil motrin naproxen aleve aspirin celecoxib celebrex
    meloxicam diclofenac indomethacin ketorolac toradol tramadol oxycodone hydrocodone morphine
    codeine fentanyl hydromorphone buprenorphine methadone naloxone gabapentin neurontin pregabalin
    lyrica cyclobenzaprine flexeril methocarbamol baclofen tizanidine prednisone prednisolone
    methylprednisolone medrol dexamethasone hydrocortisone triamcinolone fluticasone flonase
    budesonide albuterol levalbuterol ipratropium tiotropium spiriva salmeterol formoterol advair
    symbicort montelukast singulair cetirizine zyrtec loratadine claritin fexofenadine allegra
    diphenhydramine benadryl hydroxyzine pseudoephedrine guaifenesin metformin glipizide glyburide
    glimepiride insulin lantus humalog novolog januvia jardiance farxiga ozempic trulicity
    victoza semaglutide liraglutide dulaglutide tirzepatide pioglitazone lisinopril enalapril
    losartan valsartan amlodipine norvasc nifedipine diltiazem verapamil hydrochlorothiazide hctz
    chlorthalidone furosemide lasix bumetanide torsemide spironolactone metoprolol atenolol
    carvedilol propranolol labetalol clonidine hydralazine isosorbide nitroglycerin digoxin
    amiodarone warfarin coumadin apixaban eliquis rivaroxaban xarelto dabigatran clopidogrel
    plavix heparin enoxaparin lovenox atorvastatin lipitor simvastatin rosuvastatin crestor
    pravastatin ezetimibe fenofibrate levothyroxine synthroid methimazole omeprazole prilosec
    pantoprazole protonix esomeprazole nexium lansoprazole famotidine pepcid ranitidine
    ondansetron zofran metoclopramide promethazine loperamide docusate senna miralax
    polyethylene bisacodyl sucralfate amoxicillin augmentin penicillin ampicillin cephalexin
    keflex cefdinir ceftriaxone azithromycin zithromax clarithromycin erythromycin doxycycline
    minocycline tetracycline ciprofloxacin levofloxacin moxifloxacin nitrofurantoin macrobid
    bactrim sulfamethoxazole trimethoprim clindamycin metronidazole flagyl vancomycin linezolid
    fluconazole diflucan nystatin terbinafine acyclovir valacyclovir valtrex oseltamivir tamiflu
    sertraline zoloft fluoxetine prozac paroxetine paxil citalopram escitalopram lexapro
    venlafaxine effexor duloxetine cymbalta bupropion wellbutrin mirtazapine trazodone
    amitriptyline nortriptyline buspirone lorazepam ativan alprazolam xanax clonazepam klonopin
    diazepam valium zolpidem ambien melatonin quetiapine seroquel aripiprazole abilify
    risperidone olanzapine lithium lamotrigine lamictal valproate depakote levetiracetam keppra
    topiramate topamax carbamazepine phenytoin methylphenidate ritalin adderall amphetamine
    donepezil memantine sumatriptan imitrex rizatriptan levodopa carbidopa ropinirole
    pramipexole allopurinol colchicine febuxostat methotrexate hydroxychloroquine plaquenil
    sulfasalazine adalimumab humira etanercept enbrel infliximab tamsulosin flomax finasteride
    oxybutynin sildenafil viagra tadalafil cialis estradiol progesterone medroxyprogesterone
    testosterone alendronate fosamax calcitriol iron ferrous folic epinephrine epipen mupirocin
    bacitracin neosporin ketoconazole
    clotrimazole hydrocortisone lidocaine voltaren biktarvy truvada entresto
    """.split()
)

# Suffixes shared by whole drug classes; "april" and "spam" are the usual false friends.
DRUG_SUFFIX = re.compile(
    r"^[a-z]{3,}(?:pril|olol|statin|sartan|mab|cillin|mycin|azole|prazole|dipine|formin|gliptin"
    r"|oxacin|cycline|tidine|triptan|afil|parin|azepam|zolam|semide|thiazide|gliflozin|glutide)$"
)
# Substances the dictionary holds that a visit speaks of as social history, not medication.
NOT_DRUGS = frozenset(
    {"april", "spam", "islam", "marijuana", "cocaine", "heroin", "ecstasy", "alcohol", "nicotine"}
)


def is_drug_name(word: str) -> bool:
    """Tell whether a lower-case word names a drug: dictionary, word list or class suffix."""
    if word in NOT_DRUGS:
        return False
    return word in DRUG_NAMES or is_drug(word) or DRUG_SUFFIX.match(word) is not None
