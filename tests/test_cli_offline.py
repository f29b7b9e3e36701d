"""The offline commands (transcribe, note, eval asr) as users run them."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
AUDIO = DATA / "audio"


def scribe(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SCRIBE_DATA_DIR": str(tmp_path), "SCRIBE_LOG_LEVEL": "WARNING"}
    return subprocess.run(
        [sys.executable, "-m", "scribe.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


class TestTranscribe:
    def test_json_segments_with_roles_by_channel(self, tmp_path: Path) -> None:
        done = scribe(
            "transcribe",
            str(AUDIO / "clip.stereo.wav"),
            "--json",
            "--channels",
            "doctor,patient",
            tmp_path=tmp_path,
        )
        assert done.returncode == 0, done.stderr
        segments = json.loads(done.stdout)["segments"]
        assert {tuple(sorted(s)) for s in segments} == {
            ("channel", "end_ms", "speaker", "start_ms", "text")
        }
        assert {(s["channel"], s["speaker"]) for s in segments} == {(0, "doctor"), (1, "patient")}
        assert all(
            isinstance(s["start_ms"], int) and s["end_ms"] >= s["start_ms"] for s in segments
        )

    def test_plain_output_is_one_line_per_segment(self, tmp_path: Path) -> None:
        done = scribe("transcribe", str(AUDIO / "clip.mono.wav"), tmp_path=tmp_path)
        assert done.returncode == 0, done.stderr
        lines = done.stdout.strip().splitlines()
        assert lines
        assert all(re.match(r"^\[\d\d:\d\d\.\d-\d\d:\d\d\.\d\] \w+: ", line) for line in lines)
        assert "thompson" in done.stdout.lower()

    @pytest.mark.parametrize("content", [b"", b"not audio at all " * 20])
    def test_unreadable_audio_is_one_clear_line(self, tmp_path: Path, content: bytes) -> None:
        broken = tmp_path / "broken.wav"
        broken.write_bytes(content)
        done = scribe("transcribe", str(broken), tmp_path=tmp_path)
        assert done.returncode == 2
        assert done.stderr.startswith("scribe: ")
        assert "Traceback" not in done.stderr

    def test_a_missing_file_is_one_clear_line(self, tmp_path: Path) -> None:
        done = scribe("transcribe", str(tmp_path / "nope.wav"), tmp_path=tmp_path)
        assert done.returncode == 2
        assert "nope.wav" in done.stderr
        assert "Traceback" not in done.stderr

    def test_unknown_channel_role_is_a_usage_error(self, tmp_path: Path) -> None:
        done = scribe(
            "transcribe",
            str(AUDIO / "clip.stereo.wav"),
            "--channels",
            "doctor,nurse",
            tmp_path=tmp_path,
        )
        assert done.returncode == 2
        assert "nurse" in done.stderr


class TestNote:
    def test_note_from_a_text_transcript_as_json(self, tmp_path: Path) -> None:
        done = scribe(
            "note", str(DATA / "visit_knee.txt"), "--template", "SOAP", "--json", tmp_path=tmp_path
        )
        assert done.returncode == 0, done.stderr
        note = json.loads(done.stdout)
        assert note["template"] == "SOAP"
        keys = [section["key"] for section in note["sections"]]
        assert keys == ["subjective", "objective", "assessment", "plan"]
        assert all(section["segment_ids"] for section in note["sections"] if section["text"])

    def test_other_families_templates_are_found_by_key(self, tmp_path: Path) -> None:
        done = scribe(
            "note",
            str(DATA / "visit_knee.txt"),
            "--template",
            "GENERAL_MEDICINE",
            "--family",
            "nabla",
            "--json",
            tmp_path=tmp_path,
        )
        assert done.returncode == 0, done.stderr
        keys = [section["key"] for section in json.loads(done.stdout)["sections"]]
        assert keys[:2] == ["CHIEF_COMPLAINT", "HISTORY_OF_PRESENT_ILLNESS"]

    def test_note_from_transcribe_json_output(self, tmp_path: Path) -> None:
        transcript = tmp_path / "visit.json"
        lines = [line for line in (DATA / "visit_knee.txt").read_text().splitlines() if line]
        segments = [
            {
                "speaker": line[1 : line.index("]")],
                "text": line.split("]", 1)[1].strip(),
            }
            for line in lines
        ]
        transcript.write_text(json.dumps({"segments": segments}))
        done = scribe("note", str(transcript), "--template", "SOAP", tmp_path=tmp_path)
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith("SUBJECTIVE\n")
        assert "PLAN\n" in done.stdout

    def test_audio_too_short_for_a_note_says_so(self, tmp_path: Path) -> None:
        done = scribe("note", str(AUDIO / "clip.mono.wav"), tmp_path=tmp_path)
        assert done.returncode == 2
        assert "too short" in done.stderr


class TestEvalAsr:
    def test_every_fixture_format_is_scored_and_the_last_line_sums_up(self, tmp_path: Path) -> None:
        folder = tmp_path / "audio"
        folder.mkdir()
        for name in ("clip.json", "clip.mono.wav", "clip.stereo.wav", "clip.ogg"):
            (folder / name).write_bytes((AUDIO / name).read_bytes())
        done = scribe("eval", "asr", "--data", str(folder), tmp_path=tmp_path)
        assert done.returncode == 0, done.stderr
        lines = done.stdout.strip().splitlines()
        assert lines[0].startswith("normaliser: ")
        assert [line.split(":")[0] for line in lines[1:-1]] == [
            "clip.mono.wav",
            "clip.ogg",
            "clip.stereo.wav",
        ]
        match = re.fullmatch(r"WER (\d+\.\d\d) ROLE-ACCURACY (\d+\.\d\d)", lines[-1])
        assert match is not None
        assert float(match[1]) < 50  # the clip is clear speech: most words are right
        stereo = next(line for line in lines if line.startswith("clip.stereo.wav"))
        assert "roles 100.00%" in stereo
