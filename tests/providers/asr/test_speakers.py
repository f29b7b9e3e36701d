"""Roles: by channel when each channel is one speaker, inferred from the dialogue otherwise."""

from __future__ import annotations

from scribe.providers.asr.base import AsrSegment, TranscriptionResult
from scribe.providers.asr.speakers import assign_roles


def _result(*segments: AsrSegment, channels: int = 1) -> TranscriptionResult:
    return TranscriptionResult(segments=segments, duration_ms=10_000, channels=channels)


def test_roles_follow_channels() -> None:
    result = _result(
        AsrSegment(0, 1000, "Okay.", channel=1),
        AsrSegment(1000, 2000, "Okay.", channel=0),
        channels=2,
    )
    assigned = assign_roles(result, ("doctor", "patient"))
    assert [s.speaker for s in assigned.segments] == ["patient", "doctor"]
    assert [s.text for s in assigned.segments] == ["Okay.", "Okay."]


def test_mixed_audio_gets_roles_from_the_dialogue() -> None:
    result = _result(
        AsrSegment(0, 3000, "Hi, how are you? Do you have any pain?"),
        AsrSegment(3000, 5000, "My knee hurts when I climb stairs."),
    )
    assigned = assign_roles(result, None)
    assert [s.speaker for s in assigned.segments] == ["doctor", "patient"]
    assert [(s.start_ms, s.end_ms) for s in assigned.segments] == [(0, 3000), (3000, 5000)]


def test_roles_asked_for_mono_audio_are_inferred() -> None:
    result = _result(AsrSegment(0, 3000, "Did you injure yourself anyplace else?"))
    assert assign_roles(result, ("doctor", "patient")).segments[0].speaker == "doctor"


def test_a_channel_without_a_role_is_inferred() -> None:
    result = _result(
        AsrSegment(0, 3000, "Hi, how are you?", channel=0),
        AsrSegment(3000, 5000, "I have pain in my knee.", channel=2),
        channels=3,
    )
    assigned = assign_roles(result, ("doctor", "unspecified"))
    assert [s.speaker for s in assigned.segments] == ["doctor", "patient"]


def test_roles_a_server_already_gave_are_kept() -> None:
    result = _result(AsrSegment(0, 3000, "How are you?", speaker="patient"))
    assert assign_roles(result, None).segments[0].speaker == "patient"


def test_no_segments() -> None:
    assert assign_roles(_result(), ("doctor", "patient")).segments == ()


class TestTurnTaking:
    """Segments with no cue of their own take a role from the turn before."""

    def test_a_segment_without_cues_continues_the_previous_speaker(self) -> None:
        result = _result(
            AsrSegment(0, 2000, "My knee hurts when I climb stairs."),
            AsrSegment(2000, 3000, "Since yesterday, mostly."),
        )
        assert [s.speaker for s in assign_roles(result, None).segments] == ["patient", "patient"]

    def test_a_question_is_answered_by_the_other_speaker(self) -> None:
        result = _result(
            AsrSegment(0, 2000, "Do you have any pain when you walk?"),
            AsrSegment(2000, 3000, "Sometimes, yes."),
        )
        assert [s.speaker for s in assign_roles(result, None).segments] == ["doctor", "patient"]

    def test_the_clinician_opens_when_nothing_tells(self) -> None:
        result = _result(AsrSegment(0, 1000, "Okay."), AsrSegment(1000, 2000, "Right."))
        assert [s.speaker for s in assign_roles(result, None).segments] == ["doctor", "doctor"]

    def test_no_segment_is_left_unspecified(self) -> None:
        result = _result(
            AsrSegment(0, 1000, "Hello there."),
            AsrSegment(1000, 2000, "Is it worse at night?"),
            AsrSegment(2000, 3000, "A bit."),
            AsrSegment(3000, 4000, "Okay."),
        )
        assert "unspecified" not in {s.speaker for s in assign_roles(result, None).segments}


class TestByVoice:
    """Voice clusters decide who is who; the wording of each whole cluster names it."""

    def test_a_voice_is_named_by_all_it_says(self) -> None:
        result = _result(
            AsrSegment(0, 2000, "Okay."),  # no cue: the voice, named elsewhere, decides
            AsrSegment(2000, 4000, "Do you have any pain in your knee?"),
            AsrSegment(4000, 6000, "Yes, my knee hurts."),
            AsrSegment(6000, 7000, "Okay."),
        )
        assigned = assign_roles(result, None, voices=[1, 1, 0, 0])
        assert [s.speaker for s in assigned.segments] == ["doctor", "doctor", "patient", "patient"]

    def test_no_cues_the_first_voice_is_the_clinician(self) -> None:
        result = _result(AsrSegment(0, 1000, "Hello."), AsrSegment(1000, 2000, "Hello."))
        assigned = assign_roles(result, None, voices=[1, 0])
        assert [s.speaker for s in assigned.segments] == ["doctor", "patient"]

    def test_segments_without_a_voice_come_from_their_wording(self) -> None:
        result = _result(
            AsrSegment(0, 2000, "Do you smoke?"),
            AsrSegment(2000, 2300, "No."),
            AsrSegment(2300, 5000, "My back hurts when I lift things."),
        )
        assigned = assign_roles(result, None, voices=[0, None, 1])
        assert [s.speaker for s in assigned.segments] == ["doctor", "patient", "patient"]

    def test_another_voice_stays_unspecified(self) -> None:
        result = _result(
            AsrSegment(0, 2000, "How long has it hurt?"),
            AsrSegment(2000, 4000, "She has had it for a week."),
            AsrSegment(4000, 6000, "My knee has hurt for a week."),
        )
        assigned = assign_roles(result, None, voices=[0, 2, 1])
        assert [s.speaker for s in assigned.segments] == ["doctor", "unspecified", "patient"]

    def test_one_voice_leaves_the_roles_to_the_wording(self) -> None:
        result = _result(
            AsrSegment(0, 2000, "Do you have any pain?"),
            AsrSegment(2000, 4000, "My knee hurts."),
        )
        assigned = assign_roles(result, None, voices=[0, 0])
        assert [s.speaker for s in assigned.segments] == ["doctor", "patient"]

    def test_channel_roles_win_over_voices(self) -> None:
        result = _result(
            AsrSegment(0, 1000, "Okay.", channel=1),
            AsrSegment(1000, 2000, "Okay.", channel=0),
            channels=2,
        )
        assigned = assign_roles(result, ("doctor", "patient"), voices=[0, 1])
        assert [s.speaker for s in assigned.segments] == ["patient", "doctor"]

    def test_labels_that_do_not_fit_are_ignored(self) -> None:
        result = _result(AsrSegment(0, 3000, "Do you have any pain?"))
        assigned = assign_roles(result, None, voices=[0, 1])
        assert [s.speaker for s in assigned.segments] == ["doctor"]

    def test_roles_a_recogniser_gave_are_kept(self) -> None:
        result = _result(
            AsrSegment(0, 2000, "Do you have any pain?", speaker="patient"),
            AsrSegment(2000, 4000, "My knee hurts."),
        )
        assigned = assign_roles(result, None, voices=[0, 1])
        assert [s.speaker for s in assigned.segments] == ["patient", "patient"]
