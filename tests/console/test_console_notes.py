"""The console end to end in chromium: sign in, write a note from a pasted transcript, trace a
sentence to its evidence, edit and save, and code it."""

from __future__ import annotations

import httpx
import pytest

from tests.console.conftest import DATA, AppServer, Console

VISIT = (DATA / "visit_knee.txt").read_text()


def _api(server: AppServer, key: str) -> httpx.Client:
    headers = {"Authorization": f"Bearer {key}", "x-doctor": "console"}
    return httpx.Client(base_url=server.base_url, headers=headers, timeout=30)


def _write_note(console: Console, template: str = "SOAP") -> None:
    page = console.page
    page.get_by_label("Transcript (one turn a line").fill(VISIT)
    page.get_by_label("Note template").select_option(template)
    page.get_by_role("button", name="Write the note").click()
    page.wait_for_selector("#note-panel:not([hidden]) .note-section")


class TestPastedTranscript:
    def test_note_by_template_with_the_transcript_beside_it(self, console: Console) -> None:
        console.signed_in()
        _write_note(console)
        page = console.page
        headings = page.locator("#note .note-section h3").all_inner_texts()
        assert headings == ["Subjective", "Objective", "Assessment", "Plan"]
        assert "knee" in page.locator("#note").inner_text().lower()
        speakers = set(page.locator("#transcript .speaker").all_inner_texts())
        assert {"Doctor", "Patient"} <= speakers
        assert page.locator("#status").inner_text() == "The SOAP note is ready."
        console.screenshot("note")
        assert console.errors == []
