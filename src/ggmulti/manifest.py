"""manifest.json: the contract other tools read. Stable key order, no timestamps: same input, same bytes."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict
from typing import Any

from . import __version__
from .errors import OutputError
from .model import Artifact, Edition, Release

MANIFEST_NAME = "manifest.json"
FORMAT = 1


def edition_json(
    edition: Edition, title: str | None, title_lang: str | None, inputs: dict[str, Any] | None = None
) -> dict[str, Any]:
    return {
        "status": edition.status.value,
        "reason": edition.reason,
        "notes": list(edition.notes),
        "title": title,
        "title_lang": title_lang,
        "segments": asdict(edition.segments),
        "terms": asdict(edition.terms),
        "artifacts": [asdict(a) for a in edition.artifacts],
        "inputs": inputs,  # hashes of what the files were made from (incremental rebuilds)
    }


def release_json(release: Release, editions: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": release.id,
        "title": release.title,
        "date": release.date,
        "source_lang": release.source_lang,
        "source_url": release.source_url,
        "editions": {lang: editions[lang] for lang in sorted(editions)},
    }


def _sort_key(entry: dict[str, Any]) -> tuple[str, str]:
    # Newest first; undated releases last; ties broken by id so the order never depends on input order.
    date = entry.get("date") or ""
    return ("~" if not date else _invert(date), entry["id"])


def _invert(date: str) -> str:
    return "".join(chr(ord("9") - ord(c) + ord("0")) if c.isdigit() else c for c in date)


def build_manifest(
    releases: Iterable[dict[str, Any]], site: Iterable[Artifact], bundles: dict[str, str] | None = None
) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "generator": f"ggmulti {__version__}",
        "releases": sorted(releases, key=_sort_key),
        "site": sorted((asdict(a) for a in site), key=lambda a: a["path"]),
        "bundles": dict(sorted((bundles or {}).items())),  # language -> hash of what its bundle holds
    }


def dumps(manifest: dict[str, Any]) -> bytes:
    return (json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=False) + "\n").encode("utf-8")


def loads(data: bytes, where: str) -> dict[str, Any]:
    """A previous manifest, checked enough that merging with it cannot lose or corrupt entries."""
    try:
        manifest = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise OutputError(
            f"{where}: existing manifest is not valid JSON ({exc}); move it away to start over"
        ) from None
    if (
        not isinstance(manifest, dict)
        or not isinstance(manifest.get("releases"), list)
        or any(
            not isinstance(r, dict)
            or not isinstance(r.get("id"), str)
            or not isinstance(r.get("editions"), dict)
            for r in manifest["releases"]
        )
    ):
        raise OutputError(f"{where}: existing manifest has an unexpected shape; move it away to start over")
    return manifest
