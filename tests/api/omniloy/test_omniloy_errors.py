"""Errors in Omniloy's shape: auth, headers, bad bodies, oversize bodies, tenancy, no PHI leaks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx
import pytest

if TYPE_CHECKING:
    from tests.api.omniloy.conftest import ClientFactory, Omniloy

THREADS = "/v1/lang-graph/threads"
MARKER = "Zyxwvut Quillfeather reports crushing chest pain radiating to the jaw"
JSON = {"content-type": "application/json"}

# (method, path, body) for every workflow route; ids that do not exist are fine for auth checks.
ROUTES: list[tuple[str, str, dict[str, Any] | None]] = [
    ("POST", "/v1/transcriptions/create", {"duration_seconds": 1, "original_transcript": "x"}),
    ("GET", "/v1/transcriptions/some-id", None),
    ("POST", THREADS, {}),
    ("GET", f"{THREADS}/t1", None),
    ("POST", f"{THREADS}/t1/runs", {"input": {"messages": []}, "config": {}}),
    ("GET", f"{THREADS}/t1/runs", None),
    ("GET", f"{THREADS}/t1/runs/r1", None),
    ("GET", f"{THREADS}/t1/runs/r1/join", None),
    ("POST", "/v1/clinical-notes", {}),
    ("GET", "/v1/clinical-notes", None),
    ("GET", "/v1/clinical-notes/n1", None),
    ("PATCH", "/v1/clinical-notes/n1", {"feedback": "x"}),
]
ROUTE_IDS = [f"{m} {p}" for m, p, _ in ROUTES]


async def call(client: httpx.AsyncClient, method: str, path: str, body: Any) -> httpx.Response:
    return await client.request(method, path, json=body)


class TestAuthentication:
    @pytest.mark.parametrize(("method", "path", "body"), ROUTES, ids=ROUTE_IDS)
    async def test_missing_credentials_is_401(
        self,
        api: Omniloy,
        make_client: ClientFactory,
        method: str,
        path: str,
        body: Any,
    ) -> None:
        anonymous = await make_client(api_key=None, x_doctor="dr_house")
        response = await call(anonymous, method, path, body)
        api.assert_error(response, 401)

    @pytest.mark.parametrize(
        "authorization",
        [
            pytest.param("Bearer sk_not_a_real_key", id="unknown-key"),
            pytest.param("Bearer ", id="empty-bearer"),
            pytest.param("Bearer", id="scheme-only"),
            pytest.param("Token {key}", id="token-scheme"),
            pytest.param("Basic {key}", id="basic-scheme"),
            pytest.param("{key}", id="no-scheme"),
            pytest.param("Bearer {key}x", id="key-plus-char"),
            pytest.param("Bearer {key_prefix}", id="key-prefix"),
        ],
    )
    async def test_invalid_credentials_are_401(
        self, api: Omniloy, make_client: ClientFactory, tenant_key: Any, authorization: str
    ) -> None:
        value = authorization.format(key=tenant_key.api_key, key_prefix=tenant_key.api_key[:12])
        client = await make_client(authorization=value, x_doctor="dr_house")
        response = await client.post(
            "/v1/transcriptions/create", json={"duration_seconds": 1, "original_transcript": "x"}
        )
        message = api.assert_error(response, 401)
        assert tenant_key.api_key not in message

    async def test_bearer_scheme_is_case_insensitive(
        self, make_client: ClientFactory, tenant_key: Any
    ) -> None:
        client = await make_client(authorization=f"bearer {tenant_key.api_key}", x_doctor="d")
        assert (await client.get("/v1/clinical-notes")).status_code == 200

    async def test_auth_is_checked_before_the_body(
        self, api: Omniloy, make_client: ClientFactory
    ) -> None:
        anonymous = await make_client(api_key=None, x_doctor="dr_house")
        response = await anonymous.post("/v1/clinical-notes", json={"report_run_id": "bad"})
        api.assert_error(response, 401)

    async def test_auth_is_checked_before_json_decoding(
        self, api: Omniloy, make_client: ClientFactory
    ) -> None:
        anonymous = await make_client(api_key=None, x_doctor="dr_house")
        response = await anonymous.post("/v1/clinical-notes", content=b"{bad", headers=JSON)
        api.assert_error(response, 401)


class TestDoctorHeader:
    @pytest.mark.parametrize(("method", "path", "body"), ROUTES, ids=ROUTE_IDS)
    async def test_missing_x_doctor_is_400(
        self, api: Omniloy, make_client: ClientFactory, method: str, path: str, body: Any
    ) -> None:
        client = await make_client()
        response = await call(client, method, path, body)
        assert "x-doctor" in api.assert_error(response, 400)

    @pytest.mark.parametrize("value", ["", "   "])
    async def test_blank_x_doctor_is_400(
        self, api: Omniloy, make_client: ClientFactory, value: str
    ) -> None:
        client = await make_client(x_doctor=value)
        api.assert_error(await client.post(THREADS, json={}), 400)

    async def test_missing_x_doctor_creates_nothing(
        self, api: Omniloy, make_client: ClientFactory, client: httpx.AsyncClient
    ) -> None:
        no_doctor = await make_client()
        response = await no_doctor.post("/v1/clinical-notes", json={"feedback": "x"})
        api.assert_error(response, 400)
        assert (await client.get("/v1/clinical-notes")).json() == []

    async def test_x_patient_is_optional(self, api: Omniloy) -> None:
        thread = await api.create_thread()
        assert thread["metadata"]["patient"] is None


class TestBadRequests:
    @pytest.mark.parametrize(
        ("method", "path"),
        [
            ("POST", "/v1/transcriptions/create"),
            ("POST", "/v1/clinical-notes"),
            ("PATCH", "/v1/clinical-notes/{note}"),
            ("POST", f"{THREADS}/{{thread}}/runs"),
        ],
    )
    @pytest.mark.parametrize(
        "raw",
        [
            pytest.param(b"{bad", id="broken"),
            pytest.param(b'{"a": 1,}', id="trailing-comma"),
            pytest.param(b"\xff\xfe\x00", id="not-utf8"),
            pytest.param(b"", id="empty"),
        ],
    )
    async def test_malformed_json_is_400(
        self, api: Omniloy, client: httpx.AsyncClient, method: str, path: str, raw: bytes
    ) -> None:
        note = await api.create_note()
        thread = await api.create_thread()
        url = path.format(note=note["id"], thread=thread["thread_id"])
        response = await client.request(method, url, content=raw, headers=JSON)
        api.assert_error(response, 400)

    @pytest.mark.parametrize("raw", [b"[]", b"null", b'"text"', b"42"])
    async def test_non_object_body_is_400(
        self, api: Omniloy, client: httpx.AsyncClient, raw: bytes
    ) -> None:
        response = await client.post("/v1/transcriptions/create", content=raw, headers=JSON)
        api.assert_error(response, 400)

    async def test_malformed_json_on_create_thread_is_400(
        self, api: Omniloy, client: httpx.AsyncClient
    ) -> None:
        response = await client.post(THREADS, content=b"{bad", headers=JSON)
        api.assert_error(response, 400)

    async def test_validation_messages_name_fields(
        self, api: Omniloy, client: httpx.AsyncClient
    ) -> None:
        response = await client.post(
            "/v1/transcriptions/create", json={"duration_seconds": -1, "original_transcript": 1}
        )
        message = api.assert_error(response, 400)
        assert "duration_seconds" in message
        assert "original_transcript" in message

    @pytest.mark.parametrize(
        ("method", "path"),
        [
            ("GET", "/v1/nope"),
            ("GET", "/v1/transcriptions"),
            ("POST", "/v1/lang-graph/assistants"),
            ("GET", "/v1/lang-graph/threads/t1/runs/r1/join/extra"),
            ("GET", "/v1"),
        ],
    )
    async def test_unknown_route_is_404_in_omniloy_shape(
        self, api: Omniloy, client: httpx.AsyncClient, method: str, path: str
    ) -> None:
        api.assert_error(await client.request(method, path), 404)

    async def test_unknown_route_without_credentials_is_still_omniloy_shaped(
        self, api: Omniloy, make_client: ClientFactory
    ) -> None:
        anonymous = await make_client(api_key=None)
        response = await anonymous.get("/v1/nope")
        assert response.status_code in (401, 404)
        api.assert_error(response, response.status_code)

    @pytest.mark.parametrize(
        ("method", "path"),
        [
            ("DELETE", "/v1/clinical-notes/n1"),
            ("PUT", "/v1/clinical-notes/n1"),
            ("PATCH", "/v1/transcriptions/create"),
            ("DELETE", f"{THREADS}/t1"),
        ],
    )
    async def test_wrong_method_is_405_in_omniloy_shape(
        self, api: Omniloy, client: httpx.AsyncClient, method: str, path: str
    ) -> None:
        api.assert_error(await client.request(method, path), 405)


class TestOversizeBodies:
    async def test_body_over_two_megabytes_is_413(
        self, api: Omniloy, client: httpx.AsyncClient
    ) -> None:
        body = {"duration_seconds": 1, "original_transcript": "a" * (2 * 1024 * 1024 + 10)}
        api.assert_error(await client.post("/v1/transcriptions/create", json=body), 413)

    async def test_oversize_note_patch_is_413_and_changes_nothing(
        self, api: Omniloy, client: httpx.AsyncClient
    ) -> None:
        note = await api.create_note(feedback="small")
        response = await client.patch(
            f"/v1/clinical-notes/{note['id']}", json={"feedback": "b" * (2 * 1024 * 1024 + 1)}
        )
        api.assert_error(response, 413)
        assert await api.get_note(note["id"]) == note

    async def test_chunked_body_without_length_is_413(
        self, api: Omniloy, client: httpx.AsyncClient
    ) -> None:
        async def chunks() -> Any:
            for _ in range(3):
                yield b" " * (1024 * 1024)

        response = await client.post("/v1/clinical-notes", content=chunks(), headers=JSON)
        api.assert_error(response, 413)
        assert (await client.get("/v1/clinical-notes")).json() == []

    async def test_oversize_run_is_413(self, api: Omniloy, client: httpx.AsyncClient) -> None:
        thread = await api.create_thread()
        tid = thread["thread_id"]
        body = api.run_body(tid, "x" * (2 * 1024 * 1024 + 1))
        api.assert_error(await client.post(f"{THREADS}/{tid}/runs", json=body), 413)
        assert (await client.get(f"{THREADS}/{tid}/runs")).json() == []


class TestTenantIsolation:
    async def test_foreign_transcription_is_404(
        self, api: Omniloy, other_client: httpx.AsyncClient
    ) -> None:
        mine = await api.create_transcription()
        foreign = await other_client.get(f"/v1/transcriptions/{mine['id']}")
        unknown = await other_client.get("/v1/transcriptions/unknown-id")
        assert api.assert_error(foreign, 404) == api.assert_error(unknown, 404)

    async def test_foreign_thread_is_404(
        self, api: Omniloy, other_client: httpx.AsyncClient
    ) -> None:
        thread = await api.create_thread()
        tid = thread["thread_id"]
        foreign = await other_client.get(f"{THREADS}/{tid}")
        unknown = await other_client.get(f"{THREADS}/unknown-id")
        assert api.assert_error(foreign, 404) == api.assert_error(unknown, 404)
        api.assert_error(await other_client.get(f"{THREADS}/{tid}/runs"), 404)

    async def test_foreign_thread_cannot_get_runs(
        self, api: Omniloy, other_api: Omniloy, client: httpx.AsyncClient
    ) -> None:
        thread = await api.create_thread()
        tid = thread["thread_id"]
        response = await other_api.post_run(tid, api.KNEE)
        api.assert_error(response, 404)
        assert (await client.get(f"{THREADS}/{tid}/runs")).json() == []
        assert (await client.get(f"{THREADS}/{tid}")).json()["values"]["messages"] == []

    async def test_foreign_run_and_join_are_404(
        self, api: Omniloy, other_client: httpx.AsyncClient
    ) -> None:
        _, thread, joined = await api.extract()
        base = f"{THREADS}/{thread['thread_id']}/runs/{joined['run_id']}"
        for url in (base, f"{base}/join?timeout=1"):
            foreign = await other_client.get(url)
            unknown = await other_client.get(url.replace(joined["run_id"], "unknown-id"))
            assert api.assert_error(foreign, 404) == api.assert_error(unknown, 404)

    async def test_foreign_ids_in_run_config_are_404(
        self, api: Omniloy, other_api: Omniloy
    ) -> None:
        transcription = await api.create_transcription()
        note = await api.create_note()
        thread = await other_api.create_thread()
        tid = thread["thread_id"]
        response = await other_api.post_run(tid, "Generate", transcription_id=transcription["id"])
        api.assert_error(response, 404)
        response = await other_api.post_run(tid, api.KNEE, clinical_note_id=note["id"])
        api.assert_error(response, 404)
        # Chat may not read the foreign transcription either.
        response = await other_api.post_run(
            tid, "Any allergies?", chat=True, transcription_id=transcription["id"]
        )
        api.assert_error(response, 404)

    async def test_foreign_transcription_cannot_back_a_note(
        self, api: Omniloy, other_client: httpx.AsyncClient
    ) -> None:
        transcription = await api.create_transcription()
        response = await other_client.post(
            "/v1/clinical-notes", json={"transcription_id": transcription["id"]}
        )
        api.assert_error(response, 404)
        assert (await other_client.get("/v1/clinical-notes")).json() == []

    async def test_foreign_note_get_and_patch_are_404_and_change_nothing(
        self, api: Omniloy, other_client: httpx.AsyncClient
    ) -> None:
        note = await api.create_note(
            template="DAP",
            ai_generated_content={"data": "d", "assessment": "a", "plan": "p"},
            feedback="mine",
            report_run_id=["run-1"],
        )
        url = f"/v1/clinical-notes/{note['id']}"
        foreign = await other_client.get(url)
        unknown = await other_client.get("/v1/clinical-notes/unknown-id")
        assert api.assert_error(foreign, 404) == api.assert_error(unknown, 404)
        response = await other_client.patch(
            url,
            json={
                "template": "SOAP",
                "ai_generated_content": {"hacked": True},
                "feedback": "pwned",
                "report_thread_id": "t",
                "report_run_id": [],
            },
        )
        api.assert_error(response, 404)
        assert await api.get_note(note["id"]) == note

    async def test_listings_never_show_foreign_rows(
        self, api: Omniloy, other_client: httpx.AsyncClient
    ) -> None:
        transcription, _, _ = await api.extract()
        await api.create_note(transcription_id=transcription["id"])
        assert (await other_client.get("/v1/clinical-notes")).json() == []
        listed = await other_client.get(
            "/v1/clinical-notes", params={"transcription_id": transcription["id"]}
        )
        assert listed.json() == []


class TestNoTranscriptInErrors:
    """Error messages name the problem, never the submitted clinical text."""

    async def assert_no_marker(self, api: Omniloy, response: httpx.Response, status: int) -> None:
        message = api.assert_error(response, status)
        assert "Quillfeather" not in message
        assert "chest pain" not in message
        assert "Quillfeather" not in response.text

    async def test_transcription_errors(self, api: Omniloy, client: httpx.AsyncClient) -> None:
        url = "/v1/transcriptions/create"
        cases: list[tuple[dict[str, Any], int]] = [
            ({"duration_seconds": -1, "original_transcript": MARKER}, 400),
            ({"duration_seconds": MARKER, "original_transcript": MARKER}, 400),
            ({"original_transcript": [MARKER]}, 400),
            ({"original_transcript": {"text": MARKER}}, 400),
            ({"duration_seconds": 1, "original_transcript": MARKER, "language_used": MARKER}, 400),
            ({"duration_seconds": 1, "original_transcript": MARKER * 20000}, 413),
        ]
        for payload, status in cases:
            await self.assert_no_marker(api, await client.post(url, json=payload), status)
        await self.assert_no_marker(
            api,
            await client.post(
                url, content=f'{{"original_transcript": "{MARKER}"'.encode(), headers=JSON
            ),
            400,
        )

    async def test_run_errors(self, api: Omniloy, client: httpx.AsyncClient) -> None:
        thread = await api.create_thread()
        tid = thread["thread_id"]
        url = f"{THREADS}/{tid}/runs"
        bad_role = api.run_body(tid, {"role": MARKER, "content": MARKER})
        await self.assert_no_marker(api, await client.post(url, json=bad_role), 400)
        bad_content = api.run_body(tid, {"role": "user", "content": [MARKER]})
        await self.assert_no_marker(api, await client.post(url, json=bad_content), 400)
        mismatch = api.run_body(MARKER, MARKER)
        await self.assert_no_marker(api, await client.post(url, json=mismatch), 400)
        unknown = api.run_body(tid, MARKER, transcription_id=MARKER)
        await self.assert_no_marker(api, await client.post(url, json=unknown), 404)

    async def test_failed_run_error(self, api: Omniloy) -> None:
        thread = await api.create_thread()
        joined = await api.run_and_join(thread["thread_id"], "Quillfeather chest pain")
        assert joined["status"] == "failed"
        assert "Quillfeather" not in joined["error"]["message"]
        assert "chest" not in joined["error"]["message"]

    async def test_note_errors(self, api: Omniloy, client: httpx.AsyncClient) -> None:
        note = await api.create_note()
        url = f"/v1/clinical-notes/{note['id']}"
        for payload in (
            {"report_run_id": MARKER},
            {"report_run_id": [{"text": MARKER}]},
            {"ai_generated_content": MARKER},
            {"feedback": [MARKER]},
            {"template": {"name": MARKER}},
        ):
            await self.assert_no_marker(api, await client.patch(url, json=payload), 400)
