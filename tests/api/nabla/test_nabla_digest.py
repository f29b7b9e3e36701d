"""digest and digest_async: transcript items in, a note of the chosen template out."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from scribe.clinical import catalogue
from scribe.clinical.transcript import parse_transcript
from tests.api.nabla.conftest import BASE, TOO_SHORT, Nabla, assert_error

VISIT = (Path(__file__).parents[2] / "data" / "visit_knee.txt").read_text()
ITEMS = [{"text": u.text, "speaker": u.speaker} for u in parse_transcript(VISIT)]
TEMPLATES = [
    "GENERAL_MEDICINE",
    "GENERAL_MEDICINE_AP_MERGED",
    "CARDIOLOGY",
    "PSYCHIATRY",
    "DIET",
    "PSYCHOLOGY",
    "SOAP",
    "GENERAL_MEDICINE_WCC",
    "SOAP_WCC",
    "GENERAL_MEDICINE_EMERGENCY",
    "SOAP_EMERGENCY",
]


async def digest(nabla: Nabla, **body: Any) -> dict[str, Any]:
    payload = {"language": "en-US", "transcript_items": ITEMS, **body}
    response = await nabla.client.post(f"{BASE}/digest", json=payload)
    assert response.status_code == 200, response.text
    assert list(response.json()) == ["note"]
    note: dict[str, Any] = response.json()["note"]
    return note


def template_keys(key: str) -> list[str]:
    spec = catalogue.find("nabla", key)
    assert spec is not None
    return [section.key for section in spec.sections]


class TestTemplates:
    @pytest.mark.parametrize("template", TEMPLATES)
    async def test_sections_come_from_the_template_in_its_order(
        self, nabla: Nabla, template: str
    ) -> None:
        note = await digest(nabla, note_template=template)
        keys = [section["key"] for section in note["sections"]]
        assert keys
        assert keys == [k for k in template_keys(template) if k in keys]
        for section in note["sections"]:
            assert set(section) == {"key", "title", "text"}
            assert section["text"].strip()

    async def test_default_template_is_general_medicine(self, nabla: Nabla) -> None:
        keys = [s["key"] for s in (await digest(nabla))["sections"]]
        assert set(keys) <= set(template_keys("GENERAL_MEDICINE"))
        assert "HISTORY_OF_PRESENT_ILLNESS" in keys

    async def test_soap(self, nabla: Nabla) -> None:
        keys = [s["key"] for s in (await digest(nabla, note_template="SOAP"))["sections"]]
        assert keys[0] == "SOAP_SUBJECTIVE"
        assert set(keys) <= {"SOAP_SUBJECTIVE", "SOAP_OBJECTIVE", "SOAP_ASSESSMENT", "SOAP_PLAN"}


class TestLanguageAndStyle:
    async def test_french_titles(self, nabla: Nabla) -> None:
        for language in ("fr", "fr-FR"):
            titles = {
                s["key"]: s["title"] for s in (await digest(nabla, language=language))["sections"]
            }
            assert titles["HISTORY_OF_PRESENT_ILLNESS"] == "Histoire de la maladie"

    async def test_english_titles(self, nabla: Nabla) -> None:
        for language in ("en", "en-GB"):
            titles = {
                s["key"]: s["title"] for s in (await digest(nabla, language=language))["sections"]
            }
            assert titles["HISTORY_OF_PRESENT_ILLNESS"] == "History of present illness"

    async def test_bullet_points_differ_from_paragraphs(self, nabla: Nabla) -> None:
        bullets = await digest(nabla, section_style="bullet_points")
        paragraphs = await digest(nabla, section_style="paragraphs")
        auto = await digest(nabla)
        assert auto == paragraphs
        for section in bullets["sections"]:
            assert all(line.startswith("- ") for line in section["text"].splitlines())
        for section in paragraphs["sections"]:
            assert not section["text"].startswith("- ")
            assert "\n" not in section["text"]

    async def test_split_by_problem_makes_subsections(self, nabla: Nabla) -> None:
        split = await digest(nabla, split_by_problem=True)
        plain = await digest(nabla)
        hpi = {s["key"]: s["text"] for s in split["sections"]}["HISTORY_OF_PRESENT_ILLNESS"]
        assert hpi.splitlines()[0].endswith(":")
        assert hpi != {s["key"]: s["text"] for s in plain["sections"]}["HISTORY_OF_PRESENT_ILLNESS"]
        others = [s for s in split["sections"] if s["key"] != "HISTORY_OF_PRESENT_ILLNESS"]
        assert others == [s for s in plain["sections"] if s["key"] != "HISTORY_OF_PRESENT_ILLNESS"]

    async def test_split_by_problem_ignored_in_french(self, nabla: Nabla) -> None:
        split = await digest(nabla, language="fr-FR", split_by_problem=True)
        assert split == await digest(nabla, language="fr-FR")


class TestTooShort:
    async def test_digest_is_422(self, nabla: Nabla) -> None:
        body = {"language": "en-US", "transcript_items": [{"text": "Hi.", "speaker": "doctor"}]}
        response = await nabla.client.post(f"{BASE}/digest", json=body)
        assert assert_error(response, 422) == TOO_SHORT


class TestDigestAsync:
    async def test_callback_carries_the_note(self, nabla: Nabla) -> None:
        hook, url = nabla.hook()
        body = {
            "language": "en-US",
            "transcript_items": ITEMS,
            "callback_url": url,
            "client_request_id": "d-1",
            "note_template": "SOAP",
        }
        response = await nabla.client.post(f"{BASE}/digest_async", json=body)
        assert response.status_code == 200, response.text
        accepted = response.json()
        assert accepted["client_request_id"] == "d-1"
        callback = await nabla.callback(hook)
        assert list(callback) == ["id", "client_request_id", "note"]
        assert callback["id"] == accepted["request_id"]
        assert callback["note"] == await digest(nabla, note_template="SOAP")
        again = await nabla.client.post(f"{BASE}/digest_async", json=body)
        assert again.json() == accepted

    async def test_too_short_is_an_error_callback(self, nabla: Nabla) -> None:
        hook, url = nabla.hook()
        body = {
            "language": "en-US",
            "transcript_items": [{"text": "Hello.", "speaker": "patient"}],
            "callback_url": url,
        }
        response = await nabla.client.post(f"{BASE}/digest_async", json=body)
        callback = await nabla.callback(hook)
        assert callback["error"] == {"code": 422, "message": TOO_SHORT}
        assert callback["id"] == response.json()["request_id"]
