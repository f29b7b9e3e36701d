"""The Codify service's input checks (the size limits sit above the HTTP JSON body cap)."""

from __future__ import annotations

import base64

import pytest

from scribe.clinical.coding import ProposedCode, code_note
from scribe.coding import service
from scribe.errors import BadRequestError, PayloadTooLargeError


class TestDecodePdf:
    def test_a_pdf_over_the_limit_is_refused(self) -> None:
        data = base64.b64encode(b"%PDF-" + b"0" * 100).decode()
        with pytest.raises(PayloadTooLargeError):
            service.decode_pdf(data, limit=50)

    def test_bytes_that_are_not_a_pdf_are_refused(self) -> None:
        with pytest.raises(BadRequestError):
            service.decode_pdf(base64.b64encode(b"hello").decode(), limit=50)

    def test_a_pdf_is_decoded(self) -> None:
        assert service.decode_pdf(base64.b64encode(b"%PDF-1.7").decode(), limit=50) == b"%PDF-1.7"


class TestCheckNote:
    def test_the_limit_counts_utf8_bytes(self) -> None:
        service.check_note("é" * 25, limit=50)
        with pytest.raises(PayloadTooLargeError):
            service.check_note("é" * 26, limit=50)


def test_a_proposal_cannot_overturn_the_coders_discard() -> None:
    note = "ASSESSMENT AND PLAN\n\nHe denies chest pain.\n\nAsthma, stable."
    embedded = code_note(note)
    assert "R07.89" in {item.code for item in embedded.discarded}
    # The quote is really in the note, but it is a negation: the coder's reason stands.
    proposal = ProposedCode("R07.89", "He denies chest pain.", 90.0)
    merged = service.merge_proposals(embedded, [proposal], note)
    assert "R07.89" not in {item.code for item in merged.final}
    assert any(item.code == "R07.89" for item in merged.discarded)
