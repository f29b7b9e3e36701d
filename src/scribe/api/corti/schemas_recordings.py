"""Corti recording bodies: the upload answers the new id, the list answers ids only."""

from __future__ import annotations

from pydantic import BaseModel


class RecordingCreated(BaseModel):
    recordingId: str


class RecordingList(BaseModel):
    recordings: list[str]
