"""Golden files (pelican style): the demo built now must match what was reviewed and committed.

Text outputs are compared byte for byte. Binary outputs (PDF, MP3, zip) are checked structurally by their
own tests, so their hashes and sizes are masked here. After a deliberate change to the output, refresh with
`make golden`, read the diff of tests/golden/ and commit it with the change.
"""

from __future__ import annotations

import difflib
import json
import os
import re
from pathlib import Path

import jsonschema
import pytest

from ggmulti.manifest import schema

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden" / "demo"
REFRESH = os.environ.get("GGMULTI_REFRESH_GOLDEN") == "1"
RELEASE = "foreign-children-childcare-support-increase-2025"  # published in every demo language
FILES = (
    "manifest.json",
    "index.html",
    "vi/index.html",
    f"en/{RELEASE}.html",  # Latin, source language
    f"vi/{RELEASE}.html",  # Latin with diacritics, from the memory
    f"zh/{RELEASE}.html",  # Han
    f"lo/{RELEASE}.html",  # Lao (no voice: no audio)
    f"hi/{RELEASE}.html",  # Devanagari
    "vi/feed.xml",
    f"vi/{RELEASE}.vtt",
    f"vi/{RELEASE}.transcript.html",  # the transcript as a page, sentence ids = cue ids
)
_BINARY = {"pdf", "audio", "bundle-pdf", "bundle-zip"}


def _mask_binaries(data: bytes) -> bytes:
    manifest = json.loads(data)
    artifacts = [a for r in manifest["releases"] for e in r["editions"].values() for a in e["artifacts"]]
    for artifact in artifacts + manifest["site"]:
        if artifact["kind"] in _BINARY:
            artifact["sha256"], artifact["bytes"] = "<binary>", 0
    return (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def normalised(rel: str, data: bytes) -> bytes:
    if rel == "manifest.json":
        return _mask_binaries(data)
    if rel.endswith("feed.xml"):
        return re.sub(rb'length="\d+"', b'length="<bytes>"', data)  # an MP3's size
    if rel.endswith(".html"):  # sizes of PDFs, MP3s and EPUBs, whose bytes are masked above
        return re.sub(rb'<span class="size">[^<]*</span>', b'<span class="size">&lt;size&gt;</span>', data)
    return data


@pytest.mark.parametrize("rel", FILES)
def test_demo_output_matches_the_golden_file(demo_output: Path, rel: str) -> None:
    got = normalised(rel, (demo_output / rel).read_bytes())
    golden = GOLDEN / rel
    if REFRESH:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_bytes(got)
    assert golden.is_file(), f"{golden} is missing: run `make golden` and review the new file"
    want = golden.read_bytes()
    if got != want:
        diff = difflib.unified_diff(
            want.decode("utf-8").splitlines(),
            got.decode("utf-8").splitlines(),
            "golden",
            "built",
            lineterm="",
        )
        pytest.fail(
            f"{rel} differs from {golden} (run `make golden` if intended):\n" + "\n".join(list(diff)[:60])
        )


def test_golden_set_has_no_stale_files() -> None:
    on_disk = {p.relative_to(GOLDEN).as_posix() for p in GOLDEN.rglob("*") if p.is_file()}
    assert on_disk == set(FILES)


def test_documented_schema_is_the_one_the_code_generates() -> None:
    documented = json.loads((ROOT / "docs" / "manifest.schema.json").read_text(encoding="utf-8"))
    if REFRESH:
        (ROOT / "docs" / "manifest.schema.json").write_text(
            json.dumps(schema(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        documented = schema()
    assert documented == schema(), "docs/manifest.schema.json is stale: run `make golden` and review it"


def test_demo_manifest_follows_the_documented_schema(demo_output: Path) -> None:
    documented = json.loads((ROOT / "docs" / "manifest.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(documented)
    jsonschema.Draft202012Validator(documented).validate(
        json.loads((demo_output / "manifest.json").read_bytes())
    )
