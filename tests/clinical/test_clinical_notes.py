import pytest

from scribe.clinical import (
    BUILTIN_TEMPLATES,
    NoteDraft,
    TranscriptTooShortError,
    parse_transcript,
    write_note,
)

KNEE_VISIT = """[doctor] hi , how are you ?
[patient] i have had knee pain for two days . it hurts when i walk .
[doctor] any fever or chills ?
[patient] no , no .
[doctor] on exam , i see some swelling and tenderness over the medial knee .
[doctor] your x-ray shows no fracture .
[doctor] i think you have a sprain . i'm going to prescribe ibuprofen 600 mg 3 times a day .
[doctor] come back in two weeks ."""


def _note(text: str = KNEE_VISIT, template: str = "SOAP") -> NoteDraft:
    return write_note(parse_transcript(text), BUILTIN_TEMPLATES[template])


def _sentences(note: NoteDraft, key: str) -> list[str]:
    section = next(s for s in note.sections if s.key == key)
    return [sentence.text for sentence in section.sentences]


class TestSections:
    def test_sections_follow_template_order(self) -> None:
        note = _note()
        assert note.template_key == "SOAP"
        assert [s.key for s in note.sections] == ["subjective", "objective", "assessment", "plan"]
        assert [s.title for s in note.sections] == ["Subjective", "Objective", "Assessment", "Plan"]

    def test_sentences_land_in_their_sections(self) -> None:
        note = _note()
        assert _sentences(note, "subjective") == [
            "Knee pain.",
            "The patient has had knee pain for 2 days.",
            "It hurts when the patient walks.",
            "Constitutional: Denies fever and chills.",
        ]
        assert _sentences(note, "objective") == [
            "On exam, I see some swelling and tenderness over the medial knee.",
            "X-ray shows no fracture.",
        ]
        assert _sentences(note, "assessment") == ["I think the patient has a sprain."]
        assert _sentences(note, "plan") == [
            "Plan to prescribe ibuprofen 600 mg 3 times a day.",
            "Come back in 2 weeks.",
        ]

    def test_unmentioned_topics_stay_empty(self) -> None:
        note = _note(template="HP")
        empty = {s.key for s in note.sections if not s.sentences}
        assert {"medications", "allergies", "family_history", "social_history"} <= empty
        assert all(s.text == "" for s in note.sections if s.key in empty)

    def test_every_sentence_is_in_one_section(self) -> None:
        note = _note(template="DAP")
        texts = [t for s in note.sections for t in _sentences(note, s.key)]
        assert len(texts) == len(set(texts))
        assert "I think the patient has a sprain." in _sentences(note, "assessment")


class TestProvenance:
    def test_each_sentence_keeps_its_utterance_id(self) -> None:
        note = _note()
        objective = note.sections[1]
        assert [s.segment_ids for s in objective.sentences] == [("s4",), ("s5",)]

    def test_question_and_answer_pair_carries_both_ids(self) -> None:
        subjective = _note().sections[0]
        denial = next(
            s for s in subjective.sentences if s.text.endswith("Denies fever and chills.")
        )
        assert denial.segment_ids == ("s2", "s3")
        assert subjective.segment_ids == ("s1", "s2", "s3")


class TestRendering:
    def test_paragraphs_and_bullets(self) -> None:
        utterances = parse_transcript(KNEE_VISIT)
        bullets = write_note(utterances, BUILTIN_TEMPLATES["SOAP"], style="bullet_points")
        paragraphs = write_note(utterances, BUILTIN_TEMPLATES["SOAP"])
        assert bullets.as_mapping()["plan"] == (
            "- Plan to prescribe ibuprofen 600 mg 3 times a day.\n- Come back in 2 weeks."
        )
        assert paragraphs.as_mapping()["plan"] == (
            "Plan to prescribe ibuprofen 600 mg 3 times a day. Come back in 2 weeks."
        )

    def test_deterministic(self) -> None:
        assert _note() == _note()

    def test_no_duplicate_sentences(self) -> None:
        repeated = KNEE_VISIT + "\n[doctor] your x-ray shows no fracture ."
        assert _sentences(_note(repeated), "objective").count("X-ray shows no fracture.") == 1


class TestTooShort:
    @pytest.mark.parametrize(
        "text",
        [
            "",
            "[doctor] hi , how are you ?\n[patient] good , thanks .",
            "[patient] my knee hurts .",
        ],
    )
    def test_raises(self, text: str) -> None:
        with pytest.raises(TranscriptTooShortError):
            _note(text)


class TestLongTranscripts:
    # Speed is measured in bench/extraction.py, never asserted here.
    def test_repeated_dialogue_is_not_repeated_in_the_note(self) -> None:
        text = "\n".join([KNEE_VISIT] * 20)
        note = write_note(parse_transcript(text), BUILTIN_TEMPLATES["SOAP"])
        sentences = [s.text for section in note.sections for s in section.sentences]
        assert sentences
        assert len(sentences) == len(set(sentences))


class TestDialogueHandling:
    def test_commands_to_a_dictation_assistant_are_dropped(self) -> None:
        text = KNEE_VISIT + "\n[doctor] hey dragon ? order an mri of the left knee ."
        plan = _sentences(_note(text), "plan")
        assert not any("MRI" in sentence for sentence in plan)

    def test_swapped_speaker_labels_are_corrected(self) -> None:
        swapped = (
            KNEE_VISIT.replace("[doctor]", "[tmp]")
            .replace("[patient]", "[doctor]")
            .replace("[tmp]", "[patient]")
        )
        assert _note(swapped) == _note()

    def test_answer_inherits_the_topic_of_the_question(self) -> None:
        text = KNEE_VISIT + "\n[doctor] how long has it been going on ?\n[patient] about a week ."
        subjective = _note(text).sections[0]
        answer = next(s for s in subjective.sentences if s.text == "About a week.")
        assert answer.segment_ids == ("s8", "s9")

    def test_unpunctuated_questions_are_not_note_sentences(self) -> None:
        text = KNEE_VISIT + "\n[doctor] and then does the pain go down into your foot"
        texts = [t for s in _note(text).sections for t in _sentences(_note(text), s.key)]
        assert not any("foot" in t for t in texts)


class TestOtherTemplates:
    def test_categories_without_a_section_use_the_nearest_one(self) -> None:
        note = _note(template="BIRP")
        assert "The patient has had knee pain for 2 days." in _sentences(note, "behavior")
        assert "I think the patient has a sprain." in _sentences(note, "response")
        assert "Come back in 2 weeks." in _sentences(note, "plan")

    def test_history_and_physical(self) -> None:
        note = _note(template="HP")
        assert _sentences(note, "review_of_systems") == ["Constitutional: Denies fever and chills."]
        assert _sentences(note, "physical_exam")[1] == "X-ray shows no fracture."
