import csv
import re
from pathlib import Path

import pytest

from scribe.clinical import BUILTIN_TEMPLATES, parse_transcript, write_note
from scribe.evaluation import (
    NoteScore,
    NotesReport,
    RougeScores,
    evaluate_engine,
    format_report,
    load_aci,
    render_note,
    score_notes,
)

VALID = Path(__file__).resolve().parents[3] / "shared" / "data" / "aci-bench" / "valid.csv"
CONTRACT = re.compile(r"^ROUGE-1 \d+\.\d{2} ROUGE-2 \d+\.\d{2} ROUGE-L \d+\.\d{2}$")
DIALOGUE = """[doctor] hi mr. lee . he is a 60 year old male who presents today for back pain .
[patient] my back has hurt for two weeks since i lifted a box .
[doctor] any fever or chills ?
[patient] no .
[doctor] on exam , there is tenderness over the lower lumbar spine .
[doctor] i think you have a lumbar strain . i'm going to prescribe ibuprofen 600 mg .
[patient] okay ."""
NOTE = "CHIEF COMPLAINT\n\nBack pain.\n\nASSESSMENT AND PLAN\n\nLumbar strain. Ibuprofen 600 mg."


def _write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["dataset", "encounter_id", "dialogue", "note"])
        writer.writeheader()
        writer.writerows(rows)
    return path


class TestScoreNotes:
    def test_identical_text_scores_100(self) -> None:
        scores = score_notes(
            ["the knee is swollen\nno fracture"], ["the knee is swollen\nno fracture"]
        )
        assert (scores.rouge1, scores.rouge2, scores.rouge_l) == (100.0, 100.0, 100.0)
        assert scores.count == 1

    def test_disjoint_text_scores_0(self) -> None:
        scores = score_notes(["alpha beta gamma"], ["delta epsilon zeta"])
        assert (scores.rouge1, scores.rouge2, scores.rouge_l) == (0.0, 0.0, 0.0)

    def test_no_stemming(self) -> None:
        # With a stemmer "walks" and "walking" would match; the benchmark scores without one.
        assert score_notes(["she walks"], ["she walking"]).rouge1 == pytest.approx(50.0)

    def test_rouge_lsum_reads_lines_but_rouge1_does_not(self) -> None:
        reference = "a b c d"
        one_line = score_notes(["c d a b"], [reference])
        two_lines = score_notes(["c d\na b"], [reference])
        assert one_line.rouge1 == two_lines.rouge1 == 100.0
        assert one_line.rouge_l == pytest.approx(50.0)
        assert two_lines.rouge_l == pytest.approx(100.0)

    def test_mean_over_notes(self) -> None:
        both = score_notes(["a b c d", "a b"], ["a b c d", "x y"])
        assert both.rouge1 == pytest.approx(50.0)
        assert both.count == 2

    def test_lengths_must_match(self) -> None:
        with pytest.raises(ValueError, match="2 predictions for 1 references"):
            score_notes(["a", "b"], ["a"])

    @pytest.mark.skipif(not VALID.exists(), reason="ACI-Bench data not present")
    def test_transcript_baseline_on_valid(self) -> None:
        # The transcript pasted as the note: the floor every engine must clear.
        encounters = load_aci(VALID)
        scores = score_notes([e.dialogue for e in encounters], [e.note for e in encounters])
        assert scores.count == 20
        assert (round(scores.rouge1, 2), round(scores.rouge2, 2), round(scores.rouge_l, 2)) == (
            34.18,
            13.99,
            31.88,
        )


class TestLoadAndEvaluate:
    def test_load_aci(self, tmp_path: Path) -> None:
        row = {"dataset": "aci", "encounter_id": "D1", "dialogue": DIALOGUE, "note": NOTE}
        (encounter,) = load_aci(_write_csv(tmp_path / "split.csv", [row]))
        assert (encounter.encounter_id, encounter.dialogue, encounter.note) == (
            "D1",
            DIALOGUE,
            NOTE,
        )

    def test_evaluate_engine(self, tmp_path: Path) -> None:
        rows = [
            {"dataset": "aci", "encounter_id": f"D{i}", "dialogue": DIALOGUE, "note": NOTE}
            for i in range(3)
        ]
        report = evaluate_engine(_write_csv(tmp_path / "split.csv", rows), limit=2)
        assert [n.encounter_id for n in report.notes] == ["D0", "D1"]
        assert report.engine.count == 2
        assert 0 < report.engine.rouge1 < 100
        assert report.engine.rouge1 > report.transcript_baseline.rouge1
        assert report.words == 2 * len(DIALOGUE.split())

    def test_too_short_dialogue_scores_zero(self, tmp_path: Path) -> None:
        row = {"dataset": "aci", "encounter_id": "D1", "dialogue": "[doctor] hi .", "note": NOTE}
        report = evaluate_engine(_write_csv(tmp_path / "split.csv", [row]))
        assert report.engine.rouge1 == 0.0


class TestRenderNote:
    def test_headers_in_capitals_on_their_own_lines(self) -> None:
        from scribe.evaluation import ACI_TEMPLATE

        draft = write_note(parse_transcript(DIALOGUE), ACI_TEMPLATE)
        text = render_note(draft)
        assert text.startswith("CHIEF COMPLAINT\n\nBack pain.\n\nHISTORY OF PRESENT ILLNESS\n\n")
        assert "\n\nREVIEW OF SYSTEMS\n\nConstitutional: Denies fever and chills.\n\n" in text
        assert "\n\nASSESSMENT AND PLAN\n\n" in text
        assert "RESULTS" not in text  # empty sections are left out

    def test_other_templates_render_too(self) -> None:
        draft = write_note(parse_transcript(DIALOGUE), BUILTIN_TEMPLATES["SOAP"])
        assert render_note(draft).splitlines()[0] == "SUBJECTIVE"


class TestFormatReport:
    def test_last_line_is_the_contract(self) -> None:
        scores = RougeScores(49.3412, 21.3, 43.7712, 1)
        report = NotesReport(
            data="valid.csv",
            engine=scores,
            transcript_baseline=RougeScores(34.18, 13.99, 31.88, 1),
            notes=(NoteScore("D2N068", scores, 1459),),
            words=1459,
            engine_seconds=0.04,
        )
        lines = format_report(report).splitlines()
        assert CONTRACT.match(lines[-1])
        assert lines[-1] == "ROUGE-1 49.34 ROUGE-2 21.30 ROUGE-L 43.77"
        assert any(line.startswith("D2N068") for line in lines)

    def test_contract_holds_for_an_evaluated_report(self, tmp_path: Path) -> None:
        row = {"dataset": "aci", "encounter_id": "D1", "dialogue": DIALOGUE, "note": NOTE}
        report = evaluate_engine(_write_csv(tmp_path / "split.csv", [row]))
        assert CONTRACT.match(format_report(report).splitlines()[-1])


class TestHygiene:
    def test_counts_second_person_fillers_and_questions_per_sentence(self) -> None:
        from scribe.evaluation.notes import hygiene

        note = "HISTORY\n\nYou have pain. Okay, she reports pain? Kind of sore.\nDenies fever."
        result = hygiene([note])
        assert result.sentences == 4
        assert result.second_person == 25.0
        assert result.fillers == 50.0
        assert result.questions == 25.0

    def test_whole_words_only(self) -> None:
        from scribe.evaluation.notes import hygiene

        result = hygiene(["Youth soccer. Umbrella use. Bookkeeping job."])
        assert (result.second_person, result.fillers) == (0.0, 0.0)


class TestCrossValidation:
    def test_folds_hold_every_visit_once_and_output_writes_notes(self, tmp_path: Path) -> None:
        from scribe.evaluation.notes import AciEncounter, cross_validate

        seen: list[int] = []

        def trainer(training: object) -> object:
            seen.append(len(training))  # type: ignore[arg-type]
            return lambda dialogue: dialogue.upper()

        visits = [AciEncounter(f"D{i}", f"back pain {i}", f"back pain {i}") for i in range(6)]
        result = cross_validate(visits, 3, trainer, output=tmp_path)  # type: ignore[arg-type]
        assert seen == [4, 4, 4]
        assert sum(f.scores.count for f in result.folds) == 6
        assert (tmp_path / "D3.txt").read_text(encoding="utf-8") == "BACK PAIN 3\n"

    def test_too_many_folds_is_an_error(self) -> None:
        from scribe.evaluation.notes import AciEncounter, cross_validate

        with pytest.raises(ValueError, match="folds"):
            cross_validate([AciEncounter("D1", "a", "a")], 2)

    def test_cli_last_line_is_the_contract(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        from scribe.cli import main

        rows = [
            {"dataset": "x", "encounter_id": f"E{i}", "dialogue": DIALOGUE, "note": NOTE}
            for i in range(4)
        ]
        data = _write_csv(tmp_path / "d.csv", rows)
        main(["eval", "notes", "--data", str(data), "--folds", "2", "--output", str(tmp_path)])
        lines = capsys.readouterr().out.strip().splitlines()
        assert CONTRACT.match(lines[-1])
        assert any(line.startswith("hygiene over") for line in lines)
        assert (tmp_path / "E0.txt").exists()
