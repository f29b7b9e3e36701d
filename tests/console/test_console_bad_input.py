"""Bad input in the console gives a readable message, never a blank page: a wrong key, the
server out of reach, a file that is not audio, one too large, audio the server cannot decode."""

from __future__ import annotations

import json
import os
from typing import Any

from tests.console.conftest import RECORDING_LIMIT, Console


def assert_page_still_there(console: Console) -> None:
    page = console.page
    assert page.locator("#main").is_visible()
    assert page.locator("#sign-in-panel").is_visible() or page.locator("#workspace").is_visible()


def choose_audio(console: Console, name: str, mime: str, content: bytes) -> None:
    page = console.page
    page.get_by_role("radio", name="Audio file").check()
    page.locator("#audio-file").set_input_files({"name": name, "mimeType": mime, "buffer": content})
    page.get_by_role("button", name="Write the note").click()


class TestSignIn:
    def test_a_wrong_key_is_refused_in_words(self, console: Console) -> None:
        console.sign_in("sk_not_a_key")
        assert console.alert() == "The API key was not accepted. Check it and sign in again."
        assert console.page.locator("#sign-in-panel").is_visible()
        assert console.page.evaluate("sessionStorage.length") == 0
        assert_page_still_there(console)
        console.screenshot("wrong-key")
        assert console.unexpected_errors() == []

    def test_the_key_lives_in_session_storage_only(self, console: Console) -> None:
        console.signed_in()
        page = console.page
        assert page.evaluate("sessionStorage.getItem('scribe.apiKey')") == console.key
        assert page.evaluate("localStorage.length") == 0
        assert console.key not in page.url
        page.reload()
        page.wait_for_selector("#workspace:not([hidden])")
        page.get_by_role("button", name="Sign out").click()
        assert page.evaluate("sessionStorage.length") == 0
        assert page.locator("#sign-in-panel").is_visible()
        assert console.errors == []

    def test_an_empty_key(self, console: Console) -> None:
        console.sign_in(" ")
        assert console.alert() == "Enter your API key."


class TestServerDown:
    def test_sign_in_with_the_server_out_of_reach(self, console: Console) -> None:
        console.page.route("**/ai/v1/**", lambda route: route.abort("connectionrefused"))
        console.sign_in()
        assert console.alert().startswith("Cannot reach the scribe server.")
        assert_page_still_there(console)
        assert console.unexpected_errors() == [] or all(
            "ERR_CONNECTION_REFUSED" in e for e in console.unexpected_errors()
        )

    def test_writing_a_note_with_the_server_gone(self, console: Console) -> None:
        console.signed_in()
        console.page.route("**/v1/**", lambda route: route.abort("connectionrefused"))
        console.page.get_by_label("Transcript (one turn a line").fill("[doctor] Hello.")
        console.page.get_by_role("button", name="Write the note").click()
        assert console.alert().startswith("Cannot reach the scribe server.")
        assert_page_still_there(console)
        assert console.page.get_by_role("button", name="Write the note").is_enabled()


class TestFiles:
    def test_a_file_that_is_not_audio(self, console: Console) -> None:
        console.signed_in()
        choose_audio(console, "letter.txt", "text/plain", b"Dear colleague")
        assert console.alert().startswith("letter.txt is not an audio file")
        assert console.unexpected_errors() == []

    def test_a_file_over_the_servers_limit(self, console: Console) -> None:
        console.signed_in()
        choose_audio(console, "long.wav", "audio/wav", b"\0" * (RECORDING_LIMIT + 1))
        assert console.alert() == "long.wav is larger than this server accepts (1 MB)."
        assert console.unexpected_errors() == []

    def test_the_server_refuses_a_large_file_the_page_let_through(self, console: Console) -> None:
        def roomy(route: Any) -> None:
            response = route.fetch()
            limits = {**response.json(), "recording_bytes": 50 * RECORDING_LIMIT}
            route.fulfill(response=response, body=json.dumps(limits))

        console.page.route("**/console/settings.json", roomy)
        console.signed_in()
        choose_audio(console, "long.wav", "audio/wav", b"\0" * (2 * RECORDING_LIMIT))
        message = console.alert()
        # Corti's own words (400 A0016), or a browser that gave up sending once refused.
        assert "larger than" in message or message.startswith("Cannot reach"), message
        assert_page_still_there(console)

    def test_audio_the_server_cannot_decode(self, console: Console) -> None:
        console.signed_in()
        choose_audio(console, "broken.wav", "audio/wav", b"RIFF" + os.urandom(4096))
        message = console.alert()
        assert message
        assert not message.startswith(("Something went wrong", "The server failed")), message
        assert_page_still_there(console)
        assert console.unexpected_errors() == []

    def test_an_empty_transcript(self, console: Console) -> None:
        console.signed_in()
        console.page.get_by_role("button", name="Write the note").click()
        assert console.alert() == "Paste a transcript first."
