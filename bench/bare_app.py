"""A bare FastAPI app with the same body shape as Omniloy's create route: the baseline."""

from __future__ import annotations

from fastapi import FastAPI
from pydantic import BaseModel

app = FastAPI()


class Body(BaseModel):
    duration_seconds: float
    original_transcript: str


@app.post("/bare", status_code=201)
async def bare(body: Body) -> dict[str, object]:
    return {"message": "ok", "length": len(body.original_transcript)}
