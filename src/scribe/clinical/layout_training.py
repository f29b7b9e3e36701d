"""Learn the note layout (clinical/layout.py) from clinicians' notes.

From each note's exam and assessment/plan sections, the lines written as "Label: text" are
collected; labels used in at least `MIN_NOTES` notes are kept, ordered by where they usually
stand, and a multinomial logistic regression learns to pick a label from a line's words.
Deterministic: the same notes give the same JSON. scikit-learn is imported here only.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence

from scribe.clinical.keep import features
from scribe.clinical.layout import Layout, LineLabeller
from scribe.clinical.problem_titles import MAX_CUE_WORDS, ProblemTitles, words_of

MIN_NOTES = 3
# Plans go by problem when this share of training notes writes labelled plan lines.
BY_PROBLEM_SHARE = 0.25
_HEADING = re.compile(r"^([A-Z][A-Z &/]+)$")
_LABELLED = re.compile(r"^[\u2022*-]?\s*([A-Z][A-Za-z /]{2,40}):\s*(\S.*)$")
_PARTS = {"exam": ("EXAM",), "plan": ("PLAN", "ASSESSMENT", "IMPRESSION")}
_NUMBERED = re.compile(r"^(?:\d+[.)]|[\u2022*-])\s*")
# A heading names a problem; a line with these words is a statement ("All questions were
# answered", "Recommend shingles vaccine"), not a heading.
_STATEMENT_WORDS = frozenset(
    "is are was were will we he she i they his her their recommend recommended ordered"
    " encouraged advised performed today continue".split()
)
_MAX_HEADING_WORDS = 6
# A spoken cue names a heading when it came with it in this share of the visits it was said in,
# in at least MIN_CUE_VISITS visits; words said in most visits tell nothing.
CUE_PRECISION = 0.75
MIN_CUE_VISITS = 3
_COMMON_SHARE = 0.2
_CUE_STOP = frozenset(
    "the a an and or of to in on for with at is it that this you your i we my me be been have"
    " has had do did does was were are so but not no yes okay um uh just like know going gonna"
    " about what how if there they them he she his her our us can will would should could all"
    " any some from up out get got one two".split()
)


def labelled_lines(note: str) -> dict[str, list[tuple[str, str, float]]]:
    """Per part (exam, plan): (label, text, relative position) of the note's labelled lines."""
    found: dict[str, list[tuple[str, str]]] = {part: [] for part in _PARTS}
    part: str | None = None
    for raw in note.splitlines():
        line = raw.strip()
        heading = _HEADING.match(line)
        if heading is not None:
            part = next((p for p, words in _PARTS.items() if _names(heading.group(1), words)), None)
            continue
        match = _LABELLED.match(line)
        if part is not None and match is not None:
            found[part].append((match.group(1).strip(), match.group(2)))
    # Where a label stands among the part's labelled lines (0 first, 1 last): its usual order.
    return {
        part: [(label, text, i / max(len(lines) - 1, 1)) for i, (label, text) in enumerate(lines)]
        for part, lines in found.items()
    }


def _names(heading: str, words: tuple[str, ...]) -> bool:
    return any(word in heading for word in words) and "REVIEW" not in heading


def train_labeller(rows: Sequence[tuple[str, str, float, int]], part: str) -> LineLabeller | None:
    """Fit a labeller on (label, text, position, note index) rows; None when too few labels."""
    from sklearn.feature_extraction import DictVectorizer  # type: ignore[import-untyped]
    from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]

    rows = _one_spelling(rows)
    notes_of: dict[str, set[int]] = {}
    for label, _, _, note in rows:
        notes_of.setdefault(label, set()).add(note)
    kept = {label for label, notes in notes_of.items() if len(notes) >= MIN_NOTES}
    rows = [row for row in rows if row[0] in kept]
    if len(kept) < 2:
        return None
    order = sorted(kept, key=lambda k: (statistics.fmean(r[2] for r in rows if r[0] == k), k))
    vectoriser = DictVectorizer()
    matrix = vectoriser.fit_transform([dict.fromkeys(features(r[1], part), 1) for r in rows])
    fitted = LogisticRegression(C=1.0, max_iter=3000).fit(matrix, [r[0] for r in rows])
    coef, intercept = fitted.coef_, fitted.intercept_
    if len(fitted.classes_) == 2:
        # Two labels fit one row of weights, for the second; the first scores zero.
        coef, intercept = [0 * coef[0], coef[0]], [0.0, intercept[0]]
    column = {str(label): i for i, label in enumerate(fitted.classes_)}
    weights: dict[str, tuple[float, ...]] = {}
    for j, name in enumerate(vectoriser.get_feature_names_out()):
        values = tuple(round(float(coef[column[label]][j]), 4) for label in order)
        if any(abs(value) >= 1e-3 for value in values):
            weights[str(name)] = values
    biases = tuple(round(float(intercept[column[label]]), 4) for label in order)
    return LineLabeller(tuple(order), biases, weights)


def _one_spelling(
    rows: Sequence[tuple[str, str, float, int]],
) -> list[tuple[str, str, float, int]]:
    """Merge a label's spellings ("RESPIRATORY", "Respiratory") under its commonest one."""
    counts: dict[str, dict[str, int]] = {}
    for label, *_ in rows:
        spellings = counts.setdefault(label.lower(), {})
        spellings[label] = spellings.get(label, 0) + 1
    best = {key: max(sorted(s), key=s.__getitem__) for key, s in counts.items()}
    return [(best[label.lower()], text, position, note) for label, text, position, note in rows]


def problem_headings(note: str) -> list[tuple[str, str]]:
    """(heading, its lines) of each problem in a note's assessment and plan, as written.

    A heading is a short line of its own there, numbered or followed by the problem's
    labelled or bulleted lines, that is a name rather than a statement.
    """
    lines = [raw.strip() for raw in note.splitlines()]
    found: list[tuple[str, str]] = []
    in_plan = False
    for index, line in enumerate(lines):
        heading = _HEADING.match(line)
        if heading is not None:
            in_plan = _names(heading.group(1), _PARTS["plan"])
            continue
        if not in_plan or not line or _LABELLED.match(line):
            if found and in_plan and line:
                found[-1] = (found[-1][0], f"{found[-1][1]} {line}")
            continue
        numbered = _NUMBERED.match(line) is not None and line[0].isdigit()
        text = _NUMBERED.sub("", line).rstrip(".").strip()
        following = next((later for later in lines[index + 1 :] if later), "")
        opens = _LABELLED.match(following) is not None or following.startswith(("\u2022", "*"))
        words = text.lower().replace(",", " ").split()
        if (
            (numbered or opens)
            and text[:1].isupper()
            and 0 < len(words) <= _MAX_HEADING_WORDS
            and ":" not in text
            and not _STATEMENT_WORDS & set(words)
        ):
            found.append((text, ""))
        elif found:
            found[-1] = (found[-1][0], f"{found[-1][1]} {line}")
    return found


def train_problem_titles(notes: Sequence[str], dialogues: Sequence[str]) -> ProblemTitles:
    """Headings from the notes; spoken cues from the dialogues of the visits that used them."""
    spellings: dict[str, dict[str, int]] = {}
    had: list[dict[str, set[str]]] = []
    for note in notes:
        blocks: dict[str, set[str]] = {}
        for text, block in problem_headings(note):
            key = " ".join(words_of(text))
            if key:
                counts = spellings.setdefault(key, {})
                counts[text] = counts.get(text, 0) + 1
                blocks.setdefault(key, set()).update(_grams(block))
        had.append(blocks)
    headings = {k: max(sorted(s), key=s.__getitem__) for k, s in sorted(spellings.items())}
    return ProblemTitles(headings, _learned_cues(headings, had, dialogues))


def _learned_cues(
    headings: dict[str, str], had: Sequence[dict[str, set[str]]], dialogues: Sequence[str]
) -> dict[str, str]:
    """Words said in the visit and written under a heading, and said nearly only with it.

    had holds, per note, each heading's key and the n-grams of the lines written under it.
    """
    if len(dialogues) != len(had):
        return {}
    said: list[set[str]] = [_grams(dialogue) for dialogue in dialogues]
    visits_of: dict[str, int] = {}
    for grams in said:
        for gram in grams:
            visits_of[gram] = visits_of.get(gram, 0) + 1
    common = max(_COMMON_SHARE * len(said), MIN_CUE_VISITS)
    cues: dict[str, tuple[float, int, str]] = {}
    for key in headings:
        # A note with "Diabetes mellitus" has the "diabetes" problem too.
        together: dict[str, int] = {}
        for i, blocks in enumerate(had):
            written = set().union(*(g for k, g in blocks.items() if f" {key} " in f" {k} "))
            for gram in said[i] & written:
                together[gram] = together.get(gram, 0) + 1
        for gram, count in together.items():
            precision = count / visits_of[gram]
            if count >= MIN_CUE_VISITS and precision >= CUE_PRECISION and visits_of[gram] <= common:
                best = cues.get(gram)
                if best is None or (precision, count, headings[key]) > best:
                    cues[gram] = (precision, count, headings[key])
    return {gram: heading for gram, (_, _, heading) in sorted(cues.items())}


def _grams(dialogue: str) -> set[str]:
    """The dialogue's stemmed word n-grams (up to MAX_CUE_WORDS) that are not only stop words."""
    found: set[str] = set()
    for line in dialogue.splitlines():
        words = [w for w in words_of(re.sub(r"^\[\w+\]", "", line)) if w]
        for size in range(1, MAX_CUE_WORDS + 1):
            for start in range(len(words) - size + 1):
                gram = words[start : start + size]
                if _CUE_STOP & set(gram) or len(gram[-1]) < 3 or gram[-1].isdigit():
                    continue
                found.add(" ".join(gram))
    return found


def train_layout(notes: Sequence[str], dialogues: Sequence[str] = ()) -> Layout:
    """Learn the exam and plan labellers, whether plans go by problem, and problem headings."""
    rows: dict[str, list[tuple[str, str, float, int]]] = {part: [] for part in _PARTS}
    for index, note in enumerate(notes):
        for part, lines in labelled_lines(note).items():
            rows[part] += [(label, text, position, index) for label, text, position in lines]
    with_plan = len({row[3] for row in rows["plan"]})
    by_problem = bool(notes) and with_plan / len(notes) >= BY_PROBLEM_SHARE
    exam, plan = train_labeller(rows["exam"], "exam"), train_labeller(rows["plan"], "plan")
    return Layout(exam, plan, by_problem, train_problem_titles(notes, dialogues))
