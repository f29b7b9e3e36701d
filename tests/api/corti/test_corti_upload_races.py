"""An interaction deleted while audio is still streaming into it: a clean 404, nothing else lost.

The upload holds no database connection while its body arrives (issue 14), so a delete can land
in between; the upload's write then refers to a row that is gone.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

from sqlalchemy import select

from scribe.auth.models import Tenant
from scribe.runtime import Runtime
from tests.api.corti.conftest import AUDIO, Corti, assert_error

MONO = (AUDIO / "clip.mono.wav").read_bytes()


async def _blobs_of(runtime: Runtime, tenant_name: str) -> set[Path]:
    async with runtime.sessionmaker() as session:
        tenant_id = await session.scalar(select(Tenant.id).where(Tenant.name == tenant_name))
    assert tenant_id is not None
    folder = runtime.blobs.path(tenant_id)
    return set(folder.rglob("*")) if folder.exists() else set()


class TestDeletedWhileUploading:
    async def test_the_upload_is_a_404_and_keeps_nothing(
        self, corti: Corti, runtime: Runtime
    ) -> None:
        kept = await corti.create_interaction()
        kept_recording = await corti.upload(kept["id"])
        doomed = await corti.create_interaction()
        before = await _blobs_of(runtime, corti.key.tenant_name)
        half_sent = asyncio.Event()
        deleted = asyncio.Event()

        async def body() -> AsyncIterator[bytes]:
            yield MONO[: len(MONO) // 2]
            half_sent.set()
            await deleted.wait()
            yield MONO[len(MONO) // 2 :]

        upload = asyncio.create_task(
            corti.client.post(
                f"/v2/interactions/{doomed['id']}/recordings/",
                content=body(),
                headers={"Content-Type": "audio/wav"},
            )
        )
        await asyncio.wait_for(half_sent.wait(), 10)
        gone = await corti.client.delete(f"/v2/interactions/{doomed['id']}")
        assert gone.status_code == 204, gone.text
        deleted.set()

        assert_error(await upload, 404, "A0007")
        assert await _blobs_of(runtime, corti.key.tenant_name) == before
        listed = await corti.client.get(f"/v2/interactions/{kept['id']}/recordings/")
        assert listed.json()["recordings"] == [kept_recording]
        audio = await corti.client.get(f"/v2/interactions/{kept['id']}/recordings/{kept_recording}")
        assert audio.content == MONO
