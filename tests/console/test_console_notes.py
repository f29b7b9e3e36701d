"""The console end to end in chromium: sign in, write a note from a pasted transcript, trace a
sentence to its evidence, edit and save it, and code it."""

from __future__ import annotations

import json
from typing import Any

import httpx

from tests.console.conftest import DATA, AppServer, Console

VISIT = (DATA / "visit_knee.txt").read_text()


def api(server: AppServer, key: str) -> httpx.Client:
    headers = {"Authorization": f"Bearer {key}", "x-doctor": "console"}
    return httpx.Client(base_url=server.base_url, headers=headers, timeout=30)


def write_note(console: Console, template: str = "SOAP") -> dict[str, Any]:
    """Paste the knee visit, write the note, and answer it as the API has it."""
    page = console.page
    page.get_by_label("Transcript (one turn a line").fill(VISIT)
    page.get_by_label("Note template").select_option(template)
    page.get_by_role("button", name="Write the note").click()
    page.wait_for_selector("#note-panel:not([hidden]) .note-section, #alert:not([hidden])")
    assert page.locator("#alert").is_hidden(), page.locator("#alert").inner_text()
    note_id = page.locator("#note").get_attribute("data-note-id")
    with api(console.server, console.key) as client:
        response = client.get(f"/v1/clinical-notes/{note_id}")
    assert response.status_code == 200, response.text
    note: dict[str, Any] = response.json()
    return note


def strip_evidence(route: Any) -> None:
    """Answer a note read as a server without the evidence field would."""
    response = route.fetch()
    body = response.json()
    body.pop("evidence", None)
    route.fulfill(response=response, body=json.dumps(body))


def highlight_checks(console: Console, note: dict[str, Any]) -> None:
    """Select a sentence with the mouse and another with the keyboard: the transcript lights up
    the segments the API cites, and the evidence panel quotes them."""
    page = console.page
    sentences = page.locator("#note .sentence")
    assert sentences.count() >= 1
    first = sentences.first
    first.click()
    assert first.get_attribute("aria-pressed") == "true"
    cited = page.locator("#transcript .segment.cited")
    assert cited.count() >= 1
    chosen = first.inner_text()
    expected = next(
        item
        for items in note["evidence"].values()
        for item in items
        if item["text"] == chosen and item["segments"]
    )
    quotes = page.locator("#evidence blockquote").all_inner_texts()
    assert len(quotes) == len(expected["segments"])
    for quote, segment in zip(quotes, expected["segments"], strict=True):
        assert segment["text"] in quote
    cited_words = {normalised(s["text"]) for s in expected["segments"]}
    for row in cited.locator(".text").all_inner_texts():
        assert any(normalised(row) in words for words in cited_words), row
    console.screenshot("evidence")
    last = sentences.last
    last.focus()
    page.keyboard.press("Enter")
    assert last.get_attribute("aria-pressed") == "true"
    assert first.get_attribute("aria-pressed") == "false"
    assert page.locator("#transcript .segment.cited").count() >= 1


def normalised(text: str) -> str:
    return " ".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


class TestPastedTranscript:
    def test_note_evidence_and_codes(self, console: Console) -> None:
        console.signed_in()
        note = write_note(console)
        page = console.page
        headings = page.locator("#note .note-section h3").all_inner_texts()
        assert headings == ["Subjective", "Objective", "Assessment", "Plan"]
        content = note["ai_generated_content"]
        assert page.locator("#note .note-text").all_inner_texts() == [
            content[key] for key in ("subjective", "objective", "assessment", "plan")
        ]
        speakers = page.locator("#transcript .speaker").all_inner_texts()
        assert speakers[:2] == ["Doctor", "Patient"]
        assert len(speakers) == len([line for line in VISIT.splitlines() if line.strip()])
        assert page.locator("#status").inner_text() == "The SOAP note is ready."
        assert "evidence" in note  # the next test covers a server without it
        highlight_checks(console, note)
        page.get_by_role("button", name="Suggest codes for this note").click()
        page.wait_for_selector("#codes:not([hidden]) tbody tr")
        cells = page.locator("#codes tbody tr").first.locator("td").all_inner_texts()
        code, _, confidence, justification = cells
        assert code[0].isalpha(), code
        assert code[1:3].isdigit(), code
        assert confidence.endswith("%")
        assert justification.strip()
        assert console.errors == []

    def test_a_note_without_evidence_still_reads(self, console: Console) -> None:
        console.page.route("**/v1/clinical-notes/*", strip_evidence)
        console.signed_in()
        write_note(console, "DAP")
        page = console.page
        assert page.locator("#note .note-section h3").all_inner_texts() == [
            "Data",
            "Assessment",
            "Plan",
        ]
        assert page.locator("#note .sentence").count() == 0
        assert "no evidence" in page.locator("#note-hint").inner_text()
        assert "knee" in page.locator("#note").inner_text().lower()
        assert console.errors == []


class TestEditing:
    def test_edit_cancel_and_save(self, console: Console) -> None:
        console.signed_in()
        note = write_note(console)
        page = console.page
        plan_text = page.locator("#note .note-section[data-key=plan] .note-text")
        page.get_by_role("button", name="Edit").click()
        page.get_by_label("Plan", exact=True).fill("Something else entirely.")
        page.get_by_role("button", name="Cancel").click()
        assert plan_text.inner_text() == note["ai_generated_content"]["plan"]

        page.get_by_role("button", name="Edit").click()
        edited = "Naproxen 500 mg twice a day. Physical therapy. Review in two weeks."
        page.get_by_label("Plan", exact=True).fill(edited)
        page.get_by_role("button", name="Save").click()
        page.wait_for_selector("#status:text('The note is saved.')")
        with api(console.server, console.key) as client:
            saved = client.get(f"/v1/clinical-notes/{note['id']}").json()
        content = saved["ai_generated_content"]
        assert content["plan"] == edited
        assert content["subjective"] == note["ai_generated_content"]["subjective"]
        assert plan_text.inner_text() == edited
        assert console.errors == []
