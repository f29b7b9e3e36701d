from scribe.clinical import split_sentences


class TestSplitSentences:
    def test_splits_on_terminal_punctuation(self) -> None:
        assert split_sentences("My knee hurts. It started Monday! Is it bad?") == [
            "My knee hurts.",
            "It started Monday!",
            "Is it bad?",
        ]

    def test_keeps_titles_together(self) -> None:
        text = "Dr. Smith saw Mr. Jones and Ms. Lee today. They are fine."
        assert split_sentences(text) == [
            "Dr. Smith saw Mr. Jones and Ms. Lee today.",
            "They are fine.",
        ]

    def test_keeps_decimals_units_and_latin_abbreviations(self) -> None:
        text = "Take 2.5 mg. twice daily, e.g. with food. Then rest."
        assert split_sentences(text) == ["Take 2.5 mg. twice daily, e.g. with food.", "Then rest."]

    def test_unit_abbreviation_ends_sentence_before_capital(self) -> None:
        assert split_sentences("Take 500 mg. The pain should ease.") == [
            "Take 500 mg.",
            "The pain should ease.",
        ]

    def test_keeps_times(self) -> None:
        assert split_sentences("Come at 10:30 a.m. tomorrow. Bring your list.") == [
            "Come at 10:30 a.m. tomorrow.",
            "Bring your list.",
        ]

    def test_splits_spaced_tokeniser_punctuation(self) -> None:
        assert split_sentences("hi , brian . how are you ?") == ["hi , brian .", "how are you ?"]

    def test_keeps_unterminated_tail_and_drops_empty_text(self) -> None:
        assert split_sentences("It hurts. and then") == ["It hurts.", "and then"]
        assert split_sentences("   ") == []

    def test_cuts_long_unpunctuated_speech_at_discourse_markers(self) -> None:
        first = "the knee has been hurting for about two weeks after I went for a long run outside"
        second = "so I started taking ibuprofen twice a day with food and it helped a little bit"
        third = "okay and now it is swelling up again in the evening when I get home from work"
        assert split_sentences(f"{first} {second} {third}") == [first, second, third]
