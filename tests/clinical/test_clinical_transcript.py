from scribe.clinical import Utterance, infer_roles, parse_transcript


class TestParseLabelStyles:
    def test_bracket_labels(self) -> None:
        utterances = parse_transcript("[doctor] how are you ?\n[patient] my knee hurts .")
        assert utterances == [
            Utterance(id="s0", text="how are you ?", speaker="doctor"),
            Utterance(id="s1", text="my knee hurts .", speaker="patient"),
        ]

    def test_colon_labels_of_every_doctor_and_patient_style(self) -> None:
        text = "\n".join(
            [
                "Doctor: a",
                "Dr: b",
                "DR. SMITH: c",
                "Provider: d",
                "Clinician: e",
                "Physician: f",
                "Nurse: g",
                "Patient: h",
                "Pt: i",
            ]
        )
        speakers = [u.speaker for u in parse_transcript(text)]
        assert speakers == ["doctor"] * 7 + ["patient"] * 2

    def test_therapy_labels(self) -> None:
        utterances = parse_transcript("Therapist: How was your week?\nClient: Stressful.")
        assert [u.speaker for u in utterances] == ["doctor", "patient"]

    def test_other_names_are_unspecified(self) -> None:
        utterances = parse_transcript("Doctor: Hello.\nMary Jones: I drove him here.")
        assert utterances[1].speaker == "unspecified"
        assert utterances[1].text == "I drove him here."

    def test_continuation_lines_join_previous_utterance(self) -> None:
        utterances = parse_transcript("Patient: It hurts.\nMostly at night.\nDoctor: Okay.")
        assert [u.text for u in utterances] == ["It hurts. Mostly at night.", "Okay."]
        assert [u.id for u in utterances] == ["s0", "s1"]

    def test_empty_text_gives_no_utterances(self) -> None:
        assert parse_transcript("  \n\t ") == []

    def test_prose_is_split_into_sentences_with_inferred_roles(self) -> None:
        text = (
            "What brings you in today? My knee hurts when I walk. "
            "I am going to prescribe ibuprofen 600 mg."
        )
        utterances = parse_transcript(text)
        assert [u.id for u in utterances] == ["s0", "s1", "s2"]
        assert [u.speaker for u in utterances] == ["doctor", "patient", "doctor"]

    def test_colon_inside_prose_is_not_a_label(self) -> None:
        utterances = parse_transcript("the plan is as follows: rest and ice.")
        assert utterances[0].text == "the plan is as follows: rest and ice."


class TestInferRoles:
    def test_assigns_roles_from_wording(self) -> None:
        utterances = [
            Utterance("s0", "Do you have any chest pain?"),
            Utterance("s1", "My chest hurts when I climb stairs."),
            Utterance("s2", "On exam, your lungs are clear. I'm going to order an EKG."),
        ]
        assert [u.speaker for u in infer_roles(utterances)] == ["doctor", "patient", "doctor"]

    def test_short_reply_to_a_doctor_question_is_the_patient(self) -> None:
        utterances = [Utterance("s0", "Any fever?", "doctor"), Utterance("s1", "No.")]
        assert infer_roles(utterances)[1].speaker == "patient"

    def test_leaves_unspecified_without_evidence_and_keeps_ids_and_times(self) -> None:
        utterances = [Utterance("a1", "The weather is nice.", start_ms=10, end_ms=900)]
        assert infer_roles(utterances) == utterances

    def test_keeps_known_roles(self) -> None:
        utterances = [Utterance("s0", "I have a headache.", "doctor")]
        assert infer_roles(utterances)[0].speaker == "doctor"


class TestInlineLabels:
    def test_second_label_on_one_line_starts_a_new_utterance(self) -> None:
        utterances = parse_transcript("Patient: No. Doctor: Any hallucinations?\nPatient: No.")
        assert [(u.speaker, u.text) for u in utterances] == [
            ("patient", "No."),
            ("doctor", "Any hallucinations?"),
            ("patient", "No."),
        ]
