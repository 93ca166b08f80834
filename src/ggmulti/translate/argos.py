"""Argos-package engine: SentencePiece + CTranslate2 driven directly, every segment of a batch in one call.

We do not go through ``argostranslate.translate``: it translates one text per call (about 7x slower
than one ``translate_batch`` over all segments), splits sentences with a splitter that downloads
models, and keeps translators in module globals. Segments arrive here already split
(:mod:`ggmulti.segment`). Engines are owned by the caller; nothing is loaded at import time.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ..errors import EngineUnavailable
from ..languages import traits
from .models import InstalledModel, find_model, installed_models, packages_dir, read_package
from .window import PIECE_BATCH, PIECE_BEAM, split_tokens

if TYPE_CHECKING:
    from .api import Translator
    from .cache import TranslationCache


@dataclass(frozen=True)
class DecodeOptions:
    """CTranslate2 decoding settings; defaults match argostranslate's ``translate()`` (beam 4, lp 0.2).

    Worker layout is ours: on a small CPU one single-threaded model replica per core, each taking
    sub-batches of a few sentences, beats one replica using every core (measured 1.2-1.4x on 2 cores
    in ``make bench``: small matrices parallelise poorly inside one batch). Outputs do not change.
    """

    beam_size: int = 4
    max_batch_size: int = 0  # 0: split each call so every replica gets work, at most AUTO_BATCH per sub-batch
    batch_type: Literal["examples", "tokens"] = "examples"
    compute_type: str = "default"  # as saved (argos does the same); int8, int8_float32, float32, auto, ...
    device: str = "cpu"
    inter_threads: int = 0  # 0: one replica per usable core, up to 4
    intra_threads: int = 0  # 0: the cores left per replica (1 when replicas fill the cores)
    length_penalty: float = 0.2
    max_decoding_length: int = 256

    AUTO_BATCH = 12  # sentences per sub-batch; 8-12 were fastest at 30-240 sentences on the zh->en model

    def threads(self) -> tuple[int, int]:
        """(replicas, threads per replica) for ``ctranslate2.Translator``."""
        cores = max(1, min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1))
        inter = self.inter_threads or cores
        return inter, self.intra_threads or max(1, cores // inter)

    def batch_size(self, n: int) -> int:
        """Sub-batch size for a call of ``n`` inputs: every replica busy, sub-batches small."""
        if self.max_batch_size:
            return self.max_batch_size
        replicas, _ = self.threads()
        return max(1, min(self.AUTO_BATCH, -(-n // replicas)))

    @property
    def signature(self) -> str:
        """What changes the output: part of the engine name, so the cache never mixes settings."""
        o = self
        return f"beam={o.beam_size},lp={o.length_penalty},max={o.max_decoding_length},ct={o.compute_type}"


class ArgosEngine:
    """One installed Argos package (optionally one target of a multilingual package) as a Translator."""

    def __init__(
        self, model: InstalledModel, *, to_code: str | None = None, options: DecodeOptions | None = None
    ) -> None:
        self.model = model
        self.from_code = model.from_code
        self.to_code = to_code or model.to_code
        self.options = options or DecodeOptions()
        self._prefix = model.prefix_for(self.to_code)
        self._sha: str | None = model.sha256
        self._translator: Any = None
        self._sp: Any = None
        self._scores: dict[str, float] = {}  # input text -> mean log-probability of its 1-best, this build

    @classmethod
    def from_path(
        cls, folder: Path, *, to_code: str | None = None, options: DecodeOptions | None = None
    ) -> ArgosEngine:
        return cls(read_package(folder), to_code=to_code, options=options)

    @property
    def engine(self) -> str:
        return f"argos:{self.model.path.name}:{self.from_code}->{self.to_code}[{self.options.signature}]"

    @property
    def model_sha256(self) -> str | None:
        """sha256 of the .argosmodel recorded at install; a content hash for packages installed elsewhere."""
        if self._sha is None:
            self._sha = "tree:" + _tree_sha256(self.model.path)
        return self._sha

    @property
    def target_prefix(self) -> str | None:
        return self._prefix

    def _load(self) -> tuple[Any, Any]:
        """Load the model once per engine (first use), so building engines for every pair stays cheap."""
        if self._translator is None:
            import ctranslate2  # type: ignore[import-untyped]
            import sentencepiece

            opts = self.options
            model_dir = self.model.path / "model"
            inter, intra = opts.threads()
            try:
                self._sp = sentencepiece.SentencePieceProcessor(
                    model_file=str(self.model.path / "sentencepiece.model")
                )
                self._translator = ctranslate2.Translator(
                    str(model_dir),
                    device=opts.device,
                    compute_type=opts.compute_type,
                    inter_threads=inter,
                    intra_threads=intra,
                )
            except (OSError, RuntimeError, ValueError) as exc:
                first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                raise EngineUnavailable(
                    f"{self.model.path}: cannot load translation model ({first})"
                ) from exc
        return self._translator, self._sp

    def tokenize(self, texts: Sequence[str]) -> list[list[str]]:
        _translator, sp = self._load()
        return [list(t) for t in sp.encode(list(texts), out_type=str)]

    def translate_tokens(self, tokens: Sequence[Sequence[str]], n: int) -> list[list[list[str]]]:
        """One ``translate_batch`` call over every input; target prefix tokens are stripped from outputs."""
        return [hyps for hyps, _scores in self.translate_tokens_scored(tokens, n)]

    def translate_tokens_scored(
        self,
        tokens: Sequence[Sequence[str]],
        n: int,
        *,
        beam_size: int | None = None,
        batch: int | None = None,
    ) -> list[tuple[list[list[str]], list[float]]]:
        """Like :meth:`translate_tokens`, with each hypothesis' mean token log-probability (same one call).

        CTranslate2 returns log P / (length + 1) ** length_penalty (the +1 is the end token); this
        undoes the penalty so scores of short and long sentences compare on one scale.
        """
        translator, _sp = self._load()
        opts = self.options
        prefix = [[self._prefix] for _ in tokens] if self._prefix else None
        results = translator.translate_batch(
            [list(t) for t in tokens],
            target_prefix=prefix,
            max_batch_size=batch or opts.batch_size(len(tokens)),
            batch_type=opts.batch_type,
            beam_size=max(beam_size or opts.beam_size, n),
            num_hypotheses=n,
            length_penalty=opts.length_penalty,
            max_decoding_length=opts.max_decoding_length,
            replace_unknowns=True,
            return_scores=True,
        )
        skip = 1 if self._prefix else 0
        lp = opts.length_penalty
        out = []
        for r in results:
            hyps = [list(h[skip:]) if h[:skip] == [self._prefix] else list(h) for h in r.hypotheses]
            steps = [len(h) + 1 for h in r.hypotheses]
            scores = [float(sc) * st ** (lp - 1.0) for sc, st in zip(r.scores, steps, strict=False)]
            out.append((hyps, scores))
        return out

    def detokenize(self, tokens: Sequence[str]) -> str:
        # Argos vocabularies hold multi-word pieces unknown to the SentencePiece model, which
        # decode_pieces leaves with their "▁" markers: turn those into spaces, as argostranslate does.
        _translator, sp = self._load()
        return re.sub(r" {2,}", " ", str(sp.decode_pieces(list(tokens))).replace("\u2581", " ")).strip()

    def hypotheses(self, texts: Sequence[str], n: int) -> list[list[str]]:
        if n < 1:
            raise ValueError("n must be at least 1")
        todo = [i for i, t in enumerate(texts) if t.strip()]
        out: list[list[str]] = [[""] for _ in texts]  # empty in, empty out: no model call for blanks
        if not todo:
            return out
        tokenized = self.tokenize([texts[i] for i in todo])
        tokenize_one = lambda text: self.tokenize([text])[0]  # noqa: E731
        # A segment past the model's window is translated piece by piece (window.py), never cut off.
        pieces = [split_tokens(texts[i], toks, tokenize_one) for i, toks in zip(todo, tokenized, strict=True)]
        whole = [k for k, p in enumerate(pieces) if len(p) == 1]
        split = [k for k, p in enumerate(pieces) if len(p) > 1]
        decoded = self.translate_tokens_scored([pieces[k][0] for k in whole], n) if whole else []
        for k, (hyps, scores) in zip(whole, decoded, strict=True):
            i = todo[k]
            if n == 1 and scores:
                self._scores[texts[i]] = scores[0]
            seen: dict[str, None] = {}
            for h in hyps:
                seen.setdefault(self.detokenize(h), None)
            out[i] = list(seen)
        if split:
            flat = [piece for k in split for piece in pieces[k]]
            # Greedy for the pieces of an over-long segment: its cost grows with its length, and a
            # wider beam would make a 50,000-character paragraph take many minutes (window.py).
            parts = iter(self.translate_tokens_scored(flat, 1, beam_size=PIECE_BEAM, batch=PIECE_BATCH))
            joiner = traits(self.to_code).word_joiner
            for k in split:
                done = [next(parts) for _ in pieces[k]]
                i = todo[k]
                out[i] = [
                    joiner.join(self.detokenize(hyps[0]) for hyps, _ in done)
                ]  # one reading: the 1-best
                self._scores[texts[i]] = min(scores[0] for _, scores in done if scores)
        return out

    def translate(self, texts: Sequence[str]) -> list[str]:
        return [h[0] for h in self.hypotheses(texts, 1)]

    def score(self, text: str) -> float | None:
        """Mean token log-probability of the 1-best translation of ``text`` (as sent), if made here."""
        return self._scores.get(text)

    def close(self) -> None:
        """Free the model now instead of at garbage collection."""
        self._translator = None
        self._sp = None
        self._scores.clear()


class PivotEngine:
    """X -> pivot -> Y from two engines, for when only X->en and en->Y models exist."""

    def __init__(self, first: Translator, second: Translator) -> None:
        self.first = first
        self.second = second

    @property
    def engine(self) -> str:
        return f"pivot({self.first.engine} | {self.second.engine})"

    @property
    def model_sha256(self) -> str | None:
        a, b = self.first.model_sha256, self.second.model_sha256
        if a is None or b is None:
            return None
        return hashlib.sha256(f"{a}+{b}".encode()).hexdigest()

    def translate(self, texts: Sequence[str]) -> list[str]:
        return self.second.translate(self.first.translate(texts))

    def hypotheses(self, texts: Sequence[str], n: int) -> list[list[str]]:
        """n-best of the last leg for the best pivot text, then the best of each alternative pivot text."""
        mids = self.first.hypotheses(texts, n)
        best = self.second.hypotheses([m[0] for m in mids], n)
        alt_index = [(i, j) for i, m in enumerate(mids) for j in range(1, len(m))]
        alts = self.second.translate([mids[i][j] for i, j in alt_index]) if alt_index else []
        merged = [dict.fromkeys(b) for b in best]
        for (i, _j), text in zip(alt_index, alts, strict=True):
            merged[i].setdefault(text, None)
        return [list(m)[:n] for m in merged]


def _tree_sha256(folder: Path) -> str:
    """Content hash of a package folder (paths + bytes), for packages without an install record."""
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".ggmulti")):
        h.update(path.relative_to(folder).as_posix().encode() + b"\0")
        with path.open("rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
    return h.hexdigest()


class Engines:
    """The engines of one build: each package loaded at most once, pivots sharing their legs.

    Owned by the caller (the build or a CLI command); hand ``translator(...)`` results to the stage.
    """

    def __init__(
        self,
        models_dir: Path | None = None,
        *,
        options: DecodeOptions | None = None,
        cache: TranslationCache | None = None,
        pivot: str = "en",
    ) -> None:
        self.models_dir = models_dir or packages_dir()
        self.options = options or DecodeOptions()
        self.cache = cache
        self.pivot = pivot
        self._engines: dict[tuple[str, str], ArgosEngine] = {}

    def _direct(self, from_code: str, to_code: str) -> ArgosEngine | None:
        key = (from_code, to_code)
        if key not in self._engines:
            model = find_model(from_code, to_code, self.models_dir)
            if model is None:
                return None
            self._engines[key] = ArgosEngine(model, to_code=to_code, options=self.options)
        return self._engines[key]

    def translator(self, from_code: str, to_code: str) -> Translator | None:
        """A direct engine, else a pivot through ``pivot``, else None; wrapped in the cache when given."""
        engine: Translator | None = self._direct(from_code, to_code)
        if engine is None and self.pivot not in (from_code, to_code):
            first, second = self._direct(from_code, self.pivot), self._direct(self.pivot, to_code)
            if first is not None and second is not None:
                engine = PivotEngine(first, second)
        if engine is None or self.cache is None:
            return engine
        from .cache import CachedTranslator

        return CachedTranslator(engine, self.cache, from_code, to_code)

    def require(self, from_code: str, to_code: str) -> Translator:
        """Like :meth:`translator` but raises EngineUnavailable naming what is missing."""
        found = self.translator(from_code, to_code)
        if found is None:
            have = ", ".join(p for m in installed_models(self.models_dir) for p in m.pairs) or "none"
            raise EngineUnavailable(
                f"no {from_code}->{to_code} model (direct or via {self.pivot}) in {self.models_dir}; "
                f"installed: {have}"
            )
        return found

    def close(self) -> None:
        for engine in self._engines.values():
            engine.close()
        self._engines.clear()

    def __enter__(self) -> Engines:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
