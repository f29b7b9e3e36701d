import json
from pathlib import Path

import httpx
from tests.conftest import client_for

KNEE = (Path(__file__).parents[2] / "data" / "visit_knee.txt").read_text()

async def run(client, th, content, chat=False, msgs=None, **conf):
    r = await client.post(f"/v1/lang-graph/threads/{th}/runs", headers={"x-is-chat": "true" if chat else "false"}, json={"input": {"messages": msgs or [{"role": "user", "content": content}]}, "config": {"configurable": {"thread_id": th, **conf}}})
    assert r.status_code == 201, r.text
    rid = r.json()["run_id"]
    r = await client.get(f"/v1/lang-graph/threads/{th}/runs/{rid}/join?timeout=30")
    return r.json()

async def test_explore(client, other_client, backend, app, tenant_key):
    content = {"zeta": "first", "alpha": {"nested": [1, 2, {"k": None}]}, "mid": 3.5, "b": True}
    r = await client.post("/v1/clinical-notes", json={"template": "My Custom", "ai_generated_content": content})
    r = await client.get(f"/v1/clinical-notes/{r.json()['id']}")
    print(backend, "custom GET", r.text)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app, raise_app_exceptions=False), base_url="http://t", headers={"Authorization": f"Bearer {tenant_key.api_key}", "x-doctor": "d"}) as c:
        r = await c.post("/v1/transcriptions/create", json={"duration_seconds": 1e308, "original_transcript": "x"})
        print("inf", r.status_code, r.text)
        async def gen():
            for _ in range(3):
                yield b" " * (1024 * 1024)
        r = await c.post("/v1/transcriptions/create", content=gen(), headers={"content-type": "application/json"})
        print("chunked", r.status_code, r.text)
        r = await c.post("/v1/transcriptions/create", json={"duration_seconds": 1, "original_transcript": "MARK " * 220000})
        print("1mb", r.status_code, r.text)
    if backend != "sqlite":
        return
    tr = (await client.post("/v1/transcriptions/create", json={"duration_seconds": 1, "original_transcript": KNEE})).json()["transcription"]["id"]
    th = (await client.post("/v1/lang-graph/threads")).json()["thread_id"]
    j = await run(client, th, "", msgs=[{"role": "system", "content": "Use the BIRP format."}, {"role": "user", "content": KNEE}])
    print("system", j["status"], j["clinical_note"] and j["clinical_note"]["template"])
    for q in ["Does the patient have a fever?", "What was prescribed?", "When is the follow-up?"]:
        j = await run(client, th, q, chat=True, transcription_id=tr)
        print(q, "->", j["messages"][-1])
    note = (await client.post("/v1/clinical-notes", json={"template": "GIRP", "transcription_id": tr})).json()
    j = await run(client, th, "Generate the note", transcription_id=tr, clinical_note_id=note["id"])
    print("fill default", j["clinical_note"]["template"], j["clinical_note"]["transcription_id"] == tr)
    th = (await client.post("/v1/lang-graph/threads", headers={"x-patient": "pt_9"})).json()
    print(th)
    j = await run(client, th["thread_id"], "Summarize", transcription_id=tr)
    j = await run(client, th["thread_id"], "What is the blood pressure?", chat=True)
    print("follow chat", j["messages"][-1])
