"""The console with audio and a patient record, in chromium: an uploaded recording transcribed
with speakers and played from a segment, a recording made in the page, and a Clinia summary
streamed to its end."""

from __future__ import annotations

from tests.console.conftest import DATA, Console

KNEE_VISIT = DATA / "audio" / "knee_visit.ogg"
BUNDLE = DATA / "clinia" / "bundle_each_type.json"


class TestAudio:
    def test_upload_shows_speakers_and_plays_from_a_segment(self, console: Console) -> None:
        console.signed_in()
        page = console.page
        page.get_by_role("radio", name="Audio file").check()
        page.locator("#audio-file").set_input_files(KNEE_VISIT)
        page.get_by_role("button", name="Write the note").click()
        page.wait_for_selector("#note-panel:not([hidden]) .note-section, #alert:not([hidden])")
        assert page.locator("#alert").is_hidden(), page.locator("#alert").inner_text()
        speakers = set(page.locator("#transcript .speaker").all_inner_texts())
        assert {"Doctor", "Patient"} <= speakers
        assert page.locator("#player").is_visible()
        plays = page.locator("#transcript .play")
        assert plays.count() == page.locator("#transcript .segment").count() > 2
        later = plays.nth(2)
        start_ms = int(later.locator("xpath=..").get_attribute("data-start") or "0")
        assert start_ms > 0
        later.click()
        position = page.evaluate("document.getElementById('player').currentTime")
        assert abs(position * 1000 - start_ms) < 1000
        assert "knee" in page.locator("#note").inner_text().lower()
        sentences = page.locator("#note .sentence")
        assert sentences.count() > 0  # with evidence, a sentence plays what it rests on
        sentences.first.click()
        cited = page.locator("#transcript .segment.cited")
        assert cited.count() >= 1
        starts = [int(row.get_attribute("data-start") or "0") for row in cited.all()]
        position = page.evaluate("document.getElementById('player').currentTime")
        assert any(abs(position * 1000 - start) < 1000 for start in starts), (position, starts)
        console.screenshot("audio")
        assert console.errors == []

    def test_record_in_the_browser(self, console: Console) -> None:
        # chromium's fake microphone (--use-fake-device-for-media-stream) plays a tone.
        console.signed_in()
        page = console.page
        page.get_by_role("radio", name="Recording").check()
        record = page.get_by_role("button", name="Start recording")
        record.click()
        page.wait_for_selector("#record[aria-pressed=true]")
        page.wait_for_timeout(600)
        page.get_by_role("button", name="Stop recording").click()
        page.wait_for_selector("#record-state:text('Recorded')")
        assert page.locator("#record-preview").is_visible()
        assert page.locator("#record").get_attribute("aria-pressed") == "false"
        assert console.errors == []


class TestSummary:
    def test_summary_streams_section_by_section_to_its_end(self, console: Console) -> None:
        console.signed_in()
        page = console.page
        page.get_by_label("Patient id").fill("patient-console")
        page.locator("#record-file").set_input_files(BUNDLE)
        template = page.get_by_label("Summary template")
        options = template.locator("option")
        assert options.count() >= 1
        template.select_option("clinia-hpi-medications")
        page.get_by_role("button", name="Summarize").click()
        page.wait_for_selector("#summary[data-state=done], #alert:not([hidden])")
        assert page.locator("#alert").is_hidden(), page.locator("#alert").inner_text()
        sections = page.locator("#summary .summary-section")
        assert sections.locator("h3").all_inner_texts() == [
            "History of Present Illness",
            "Medications",
        ]
        assert [s.get_attribute("data-state") for s in sections.all()] == ["done", "done"]
        assert all(text.strip() for text in sections.locator("p").all_inner_texts())
        assert page.locator("#status").inner_text() == "The summary is complete."
        console.screenshot("summary")
        assert console.errors == []

    def test_a_patient_never_ingested_ends_in_a_readable_message(self, console: Console) -> None:
        console.signed_in()
        page = console.page
        page.get_by_label("Patient id").fill("patient-nobody")
        page.get_by_role("button", name="Summarize").click()
        assert console.alert().startswith("The summary failed:")
        assert page.locator("#main").is_visible()
        assert console.unexpected_errors() == []
