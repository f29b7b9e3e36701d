import httpx


async def test_create_transcription(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/v1/transcriptions/create", json={"duration_seconds": 12, "original_transcript": "hi"}
    )
    assert response.status_code == 201
