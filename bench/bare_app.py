"""A bare FastAPI app: the baseline. POST /bare has Omniloy's create-route body shape; GET /bare
answers a small JSON object like a one-row read."""

from __future__ import annotations

from fastapi import FastAPI
from pydantic import BaseModel

app = FastAPI()


class Body(BaseModel):
    duration_seconds: float
    original_transcript: str


class Row(BaseModel):
    id: str
    status: str
    length: int


@app.post("/bare", status_code=201)
async def bare(body: Body) -> dict[str, object]:
    return {"message": "ok", "length": len(body.original_transcript)}


@app.get("/bare", response_model=Row)
async def bare_read() -> Row:
    return Row(id="7a1f0c2e-4b7d-4d6a-9f55-1c1b2d3e4f50", status="completed", length=95)
