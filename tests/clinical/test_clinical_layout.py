from scribe.clinical.layout import Layout, LineLabeller, shipped_layout
from scribe.clinical.layout_training import (
    labelled_lines,
    problem_headings,
    train_layout,
    train_problem_titles,
)
from scribe.clinical.problem_titles import ProblemTitles
from scribe.clinical.types import NoteSentence

NOTE = """PHYSICAL EXAM

• Respiratory: Lungs are clear to auscultation bilaterally.
• Cardiovascular: Regular rate and rhythm, no murmurs.

ASSESSMENT AND PLAN

Asthma.
• Medical Reasoning: Symptoms are worse with exercise.
• Medical Treatment: Start albuterol inhaler 2 puffs as needed.
• Patient Education and Counseling: Advised to avoid triggers.
"""


def _notes() -> list[str]:
    other = NOTE.replace("Asthma", "Diabetes").replace("albuterol", "metformin")
    return [NOTE, other, NOTE.replace("exercise", "cold air")]


class TestTraining:
    def test_reads_labelled_lines_by_part(self) -> None:
        found = labelled_lines(NOTE)
        assert [label for label, _, _ in found["exam"]] == ["Respiratory", "Cardiovascular"]
        assert found["plan"][0][:2] == ("Medical Reasoning", "Symptoms are worse with exercise.")

    def test_labels_in_their_usual_order_and_deterministic(self) -> None:
        layout = train_layout(_notes())
        assert layout.plan is not None
        assert layout.plan.labels == (
            "Medical Reasoning",
            "Medical Treatment",
            "Patient Education and Counseling",
        )
        assert layout.by_problem
        assert layout.to_json() == train_layout(_notes()).to_json()
        assert Layout.from_json(layout.to_json()) == layout

    def test_too_few_notes_learn_no_labels(self) -> None:
        assert train_layout([NOTE]).plan is None


def _labeller() -> LineLabeller:
    return LineLabeller(
        ("Medical Reasoning", "Medical Treatment"),
        (0.0, 0.0),
        {"prescribe": (-3.0, 3.0), "mg": (-2.0, 2.0), "think": (3.0, -3.0)},
    )


class TestWriting:
    def test_plan_by_problem_keeps_provenance(self) -> None:
        layout = Layout(None, _labeller(), by_problem=True)
        sentences = [
            NoteSentence("For the first problem, her asthma, I think it is mild.", ("u1",)),
            NoteSentence("I will prescribe albuterol 90 mcg.", ("u2", "u3")),
            NoteSentence("Her diabetes is well controlled, I think.", ("u4",)),
            NoteSentence("Continue metformin 500 mg.", ("u5",)),
        ]
        assert layout.problems(sentences) == [
            NoteSentence("Asthma.", ("u1",)),
            NoteSentence("Medical Reasoning: " + sentences[0].text, ("u1",)),
            NoteSentence("Medical Treatment: " + sentences[1].text, ("u2", "u3")),
            NoteSentence("Diabetes.", ("u4",)),
            NoteSentence("Medical Reasoning: " + sentences[2].text, ("u4",)),
            NoteSentence("Medical Treatment: " + sentences[3].text, ("u5",)),
        ]

    def test_back_to_an_earlier_problem(self) -> None:
        layout = Layout(None, _labeller(), by_problem=True)
        sentences = [
            NoteSentence("Her asthma is mild, I think.", ("u1",)),
            NoteSentence("Her diabetes is controlled, I think.", ("u2",)),
            NoteSentence("Back to her asthma, I think it is seasonal.", ("u3",)),
            NoteSentence("I will prescribe albuterol 90 mcg.", ("u4",)),
        ]
        written = layout.problems(sentences)
        assert [s.text.split(":")[0] for s in written] == [
            "Asthma.",
            "Medical Reasoning",
            "Medical Treatment",
            "Diabetes.",
            "Medical Reasoning",
        ]
        assert written[2].segment_ids == ("u4",)
        assert written[1].segment_ids == ("u1", "u3")

    def test_findings_labelled_only_when_sure(self) -> None:
        labels = ("Respiratory", "Cardiovascular", "Skin", "Neck", "Eyes", "Constitutional")
        exam = LineLabeller(labels, (0.0,) * 6, {"lungs": (5.0, 0.0, 0.0, 0.0, 0.0, 0.0)})
        layout = Layout(exam, None, by_problem=False)
        written = layout.findings(
            [NoteSentence("Lungs are clear.", ("a",)), NoteSentence("Looks well.", ("b",))]
        )
        assert [s.text for s in written] == ["Respiratory: Lungs are clear.", "Looks well."]
        assert [s.segment_ids for s in written] == [("a",), ("b",)]

    def test_shipped_layout_is_problem_oriented(self) -> None:
        layout = shipped_layout()
        assert layout is not None
        assert layout.plan is not None
        assert "Medical Treatment" in layout.plan.labels


def _gout_note(extra: str = "") -> str:
    return (
        "ASSESSMENT AND PLAN\n\nHe is a 60-year-old male.\n\nGout.\n"
        "\u2022 Medical Reasoning: Flare of the right toe.\n"
        f"\u2022 Medical Treatment: Continue allopurinol 100 mg daily.{extra}\n\n"
        "All questions were answered.\n"
    )


class TestLearnedProblemHeadings:
    def test_headings_are_named_lines_before_a_problems_lines(self) -> None:
        found = problem_headings(NOTE + _gout_note())
        assert [heading for heading, _ in found] == ["Asthma", "Gout"]
        # A statement standing alone is not a heading, and each heading keeps its lines.
        assert "allopurinol" in found[1][1]

    def test_cues_are_what_is_said_and_written_nearly_only_with_a_heading(self) -> None:
        notes = [_gout_note(), _gout_note(), _gout_note(), NOTE, NOTE]
        said = "[doctor] let's keep the allopurinol going\n[patient] my toe hurts"
        other = "[doctor] use the inhaler\n[patient] my toe hurts"
        titles = train_problem_titles(notes, [said, said, said, other, other])
        assert titles.headings == {"gout": "Gout", "asthma": "Asthma"}
        assert titles.cues == {"allopurinol": "Gout"}
        assert titles == train_problem_titles(notes, [said, said, said, other, other])

    def test_a_plan_is_headed_by_learned_problems_and_round_trips(self) -> None:
        titles = ProblemTitles(
            {"kidney stone": "Kidney stones", "migraine": "Migraines"}, {"imitrex": "Migraines"}
        )
        layout = Layout(None, _labeller(), True, titles)
        sentences = [
            NoteSentence("I think this is another kidney stone.", ("u1",)),
            NoteSentence("I will prescribe Ultram 50 mg.", ("u2",)),
            NoteSentence("Continue the Imitrex, I think.", ("u3",)),
        ]
        written = layout.problems(sentences)
        assert [s.text for s in written if s.text.endswith(("stones.", "Migraines."))] == [
            "Kidney stones.",
            "Migraines.",
        ]
        assert written[3].segment_ids == ("u3",)
        assert Layout.from_json(layout.to_json()) == layout

    def test_the_shipped_headings_are_learned(self) -> None:
        layout = shipped_layout()
        assert layout is not None
        assert "Hypertension" in layout.titles.headings.values()
        assert layout.titles.cues
