"""vendors' shapes in core rows become typed core columns

- ``transcript.meta["corti"]`` (participants as sent, diarize) → ``transcript.participants``
  (``[{channel, role}]``) and ``transcript.diarize``;
- ``encounter.patient`` (Corti's ``name``, ``gender``, ``birthDate``, ``pronouns``) →
  ``encounter.patient_name``, ``patient_gender``, ``patient_birth_date`` (a timestamp),
  ``patient_pronouns``;
- ``ingestion_run.result`` (Clinia's ``pageCount``, ``resourceCount``…) → one column per fact.

Columns are added and dropped with plain ``ALTER TABLE`` (SQLite 3.35+), never by copying the
table: on SQLite, dropping ``encounter`` to rebuild it would cascade-delete its children.

Downgrading writes the old shapes back. A transcript that declared no participants and no
diarization gets no ``corti`` section (the absent section was answered the same way).

Revision ID: 0014_vendor_shapes_core_columns
Revises: 0013_summary_sections_core_keys
Create Date: 2026-12-04 14:00:00+00:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

from scribe.db import UTCDateTime

revision: str = "0014_vendor_shapes_core_columns"
down_revision: str | None = "0013_summary_sections_core_keys"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TRANSCRIPTS = sa.table(
    "transcript",
    sa.column("id", sa.String()),
    sa.column("meta", sa.JSON()),
    sa.column("participants", sa.JSON()),
    sa.column("diarize", sa.Boolean()),
)
_ENCOUNTERS = sa.table(
    "encounter",
    sa.column("id", sa.String()),
    sa.column("patient", sa.JSON()),
    sa.column("patient_name", sa.String()),
    sa.column("patient_gender", sa.String()),
    sa.column("patient_birth_date", UTCDateTime()),
    sa.column("patient_pronouns", sa.String()),
)
_RUNS = sa.table(
    "ingestion_run",
    sa.column("id", sa.String()),
    sa.column("kind", sa.String()),
    sa.column("result", sa.JSON()),
    sa.column("page_count", sa.Integer()),
    sa.column("resource_count", sa.Integer()),
    sa.column("item_count", sa.Integer()),
    sa.column("ignored_resource_count", sa.Integer()),
    sa.column("superseded", sa.Boolean()),
    sa.column("text_extracted", sa.Boolean()),
    sa.column("notice", sa.Text()),
)
# Corti's patient key → the encounter's column.
_PATIENT = {
    "name": "patient_name",
    "gender": "patient_gender",
    "birthDate": "patient_birth_date",
    "pronouns": "patient_pronouns",
}
# Clinia's result key → the run's column.
_RESULT = {
    "pageCount": "page_count",
    "resourceCount": "resource_count",
    "itemCount": "item_count",
    "ignoredResourceCount": "ignored_resource_count",
    "superseded": "superseded",
    "textExtracted": "text_extracted",
    "message": "notice",
}
_BUNDLE_KEYS = ("pageCount", "resourceCount", "itemCount", "ignoredResourceCount", "superseded")
_DOCUMENT_KEYS = ("pageCount", "textExtracted")


def upgrade() -> None:
    op.add_column(
        "transcript", sa.Column("participants", sa.JSON(), nullable=False, server_default="[]")
    )
    op.add_column(
        "transcript", sa.Column("diarize", sa.Boolean(), nullable=False, server_default="0")
    )
    _transcripts_up()
    op.add_column("encounter", sa.Column("patient_name", sa.String(512), nullable=True))
    op.add_column("encounter", sa.Column("patient_gender", sa.String(16), nullable=True))
    op.add_column(
        "encounter", sa.Column("patient_birth_date", UTCDateTime(timezone=True), nullable=True)
    )
    op.add_column("encounter", sa.Column("patient_pronouns", sa.String(512), nullable=True))
    _encounters_up()
    op.drop_column("encounter", "patient")
    for name in ("page_count", "resource_count", "item_count", "ignored_resource_count"):
        op.add_column("ingestion_run", sa.Column(name, sa.Integer(), nullable=True))
    op.add_column("ingestion_run", sa.Column("superseded", sa.Boolean(), nullable=True))
    op.add_column("ingestion_run", sa.Column("text_extracted", sa.Boolean(), nullable=True))
    op.add_column("ingestion_run", sa.Column("notice", sa.Text(), nullable=True))
    _runs_up()
    op.drop_column("ingestion_run", "result")


def downgrade() -> None:
    op.add_column("ingestion_run", sa.Column("result", sa.JSON(), nullable=True))
    _runs_down()
    for name in _RESULT.values():
        op.drop_column("ingestion_run", name)
    op.add_column("encounter", sa.Column("patient", sa.JSON(), nullable=False, server_default="{}"))
    _encounters_down()
    for name in _PATIENT.values():
        op.drop_column("encounter", name)
    _transcripts_down()
    op.drop_column("transcript", "diarize")
    op.drop_column("transcript", "participants")


def _transcripts_up() -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.select(_TRANSCRIPTS.c.id, _TRANSCRIPTS.c.meta)).all()
    for row_id, meta in rows:
        if not isinstance(meta, dict) or "corti" not in meta:
            continue
        corti = meta.pop("corti") or {}
        participants = [
            {"channel": int(p["channel"]), "role": str(p["role"])}
            for p in corti.get("participants") or ()
        ]
        connection.execute(
            sa.update(_TRANSCRIPTS)
            .where(_TRANSCRIPTS.c.id == row_id)
            .values(meta=meta, participants=participants, diarize=bool(corti.get("diarize")))
        )


def _transcripts_down() -> None:
    connection = op.get_bind()
    columns = (_TRANSCRIPTS.c.meta, _TRANSCRIPTS.c.participants, _TRANSCRIPTS.c.diarize)
    query = sa.select(_TRANSCRIPTS.c.id, *columns)
    for row_id, meta, participants, diarize in connection.execute(query).all():
        if not participants and not diarize:
            continue
        corti = {"participants": list(participants or ()), "diarize": bool(diarize)}
        connection.execute(
            sa.update(_TRANSCRIPTS)
            .where(_TRANSCRIPTS.c.id == row_id)
            .values(meta={**(meta or {}), "corti": corti})
        )


def _encounters_up() -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.select(_ENCOUNTERS.c.id, _ENCOUNTERS.c.patient)).all()
    for row_id, patient in rows:
        if not patient:
            continue
        values = {column: patient.get(key) for key, column in _PATIENT.items()}
        birth = values["patient_birth_date"]
        values["patient_birth_date"] = _parsed(birth) if isinstance(birth, str) else None
        connection.execute(
            sa.update(_ENCOUNTERS).where(_ENCOUNTERS.c.id == row_id).values(**values)
        )


def _encounters_down() -> None:
    connection = op.get_bind()
    columns = [_ENCOUNTERS.c[name] for name in _PATIENT.values()]
    for row_id, *values in connection.execute(sa.select(_ENCOUNTERS.c.id, *columns)).all():
        patient = {
            key: value for key, value in zip(_PATIENT, values, strict=True) if value is not None
        }
        if "birthDate" in patient:
            patient["birthDate"] = _iso(patient["birthDate"])
        if patient:
            connection.execute(
                sa.update(_ENCOUNTERS).where(_ENCOUNTERS.c.id == row_id).values(patient=patient)
            )


def _runs_up() -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.select(_RUNS.c.id, _RUNS.c.result)).all()
    for row_id, result in rows:
        if not result:
            continue
        values = {column: result[key] for key, column in _RESULT.items() if key in result}
        connection.execute(sa.update(_RUNS).where(_RUNS.c.id == row_id).values(**values))


def _runs_down() -> None:
    connection = op.get_bind()
    columns = [_RUNS.c[name] for name in _RESULT.values()]
    query = sa.select(_RUNS.c.id, _RUNS.c.kind, *columns).where(_RUNS.c.page_count.is_not(None))
    for row_id, kind, *values in connection.execute(query).all():
        stored = dict(zip(_RESULT, values, strict=True))
        connection.execute(
            sa.update(_RUNS).where(_RUNS.c.id == row_id).values(result=_result(kind, stored))
        )


def _result(kind: str, stored: dict[str, Any]) -> dict[str, Any]:
    keys = _BUNDLE_KEYS if kind == "bundle" else _DOCUMENT_KEYS
    result = {key: stored[key] for key in keys}
    if stored["message"] is not None:
        result["message"] = stored["message"]
    return result


def _parsed(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _iso(value: datetime) -> str:
    # As Corti's dialect wrote it: UTC, milliseconds, a Z.
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
