"""split_by_problem's grouping: deterministic, by the condition, body part or symptom named."""

from __future__ import annotations

from scribe.clinical.problems import ProblemGroup, group_by_problem, problem_of


class TestProblemOf:
    def test_conditions_body_parts_and_symptoms(self) -> None:
        assert problem_of("Her blood sugar has been high.") == "Diabetes"
        assert problem_of("Right knee pain for 2 weeks.") == "Knee pain"
        assert problem_of("She twisted her knee.") == "Knee"
        assert problem_of("Also reports headaches.") == "Headache"
        assert problem_of("Lower back pain since Monday.") == "Back pain"

    def test_nothing_named(self) -> None:
        assert problem_of("She will come back in 2 weeks.") is None
        assert problem_of("It started on Monday.") is None


class TestGroupByProblem:
    def test_follow_up_sentences_stay_with_their_problem(self) -> None:
        groups = group_by_problem(
            [
                "Presents today.",
                "Right knee pain for 2 weeks.",
                "Worse on stairs.",
                "Also reports headaches.",
                "They improve with rest.",
                "She twisted her knee at work.",
            ]
        )
        assert groups == (
            ProblemGroup("Knee pain", (0, 1, 2, 5)),
            ProblemGroup("Headache", (3, 4)),
        )

    def test_no_problem_named(self) -> None:
        assert group_by_problem(["Doing okay.", "Nothing else."]) == ()
