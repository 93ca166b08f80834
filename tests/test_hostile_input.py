"""Hostile and bad input: one clear line naming the file, exit 1, no traceback, nothing executed,
nothing written outside --out, and nothing already published lost."""

from __future__ import annotations

import hashlib
import json
import os
import re
import resource
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

import ggmulti
from ggmulti.cli import main

REPO = Path(__file__).resolve().parents[1]
CONFIG = REPO / "ggmulti.toml"
ID_RE = re.compile(r"^[a-z0-9-]+$")

BODY = (
    "Gyeonggi Province opened a new support center for foreign residents in Suwon on Monday. "
    "The center offers free interpretation, legal advice and Korean language classes every weekday."
)

RSS_ITEM = """<item><title>{title}</title><guid>{guid}</guid><pubDate>Wed, 12 Nov 2025 09:00:00 +0900</pubDate>
<description><![CDATA[<p>{body}</p>]]></description></item>"""


def rss(*items: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>t</title>'
        f"<language>en</language>{''.join(items)}</channel></rss>\n"
    )


def item(title: str = "A title", guid: str = "guid-1", body: str = BODY) -> str:
    return RSS_ITEM.format(title=title, guid=guid, body=body)


def md(rid: str | None = None, title: str = "A title", body: str = BODY, extra: str = "") -> str:
    front = (f"id: {rid}\n" if rid else "") + f"title: {title!r}\nlang: en\n{extra}"
    return f"---\n{front}---\n\n{body}\n"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["--config", str(CONFIG), *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def snapshot(folder: Path) -> dict[str, str]:
    """Every file and symlink under ``folder`` with a hash of its bytes (or its link target)."""
    result: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in filenames + [d for d in dirnames if (Path(dirpath) / d).is_symlink()]:
            path = Path(dirpath) / name
            rel = path.relative_to(folder).as_posix()
            if path.is_symlink():
                result[rel] = "-> " + os.readlink(path)
            else:
                result[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return result


def assert_one_line_error(code: int, err: str, path: Path) -> str:
    assert code == 1, err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, lines
    assert path.name in lines[0], lines[0]
    return lines[0]


def assert_inert(html: str, where: object) -> None:
    """No element that runs code from the input: no <script> but JSON-LD data and the package's own
    read-along file, no on* handler, no javascript: URL."""
    soup = BeautifulSoup(html, "html.parser")
    for script in soup.find_all("script"):
        if (
            script.get("src") == "../assets/readalong.js"
        ):  # the read-along script ggmulti ships, no inline code
            assert not (script.string or "").strip() and script.has_attr("defer"), where
            continue
        assert script.get("type") == "application/ld+json", where  # data, never run
        body = script.string or ""
        assert "<" not in body and ">" not in body, (where, body)  # written with \u003c escapes
        json.loads(body)
    for tag in soup.find_all(True):
        for name, value in tag.attrs.items():
            assert not name.lower().startswith("on"), (where, tag.name, name)
            text = " ".join(value) if isinstance(value, list) else str(value)
            assert not text.strip().lower().startswith("javascript:"), (where, tag.name, name)


@pytest.fixture
def work(tmp_path: Path) -> Path:
    (tmp_path / "src").mkdir()
    return tmp_path


# ---------------------------------------------------------------- unreadable or refused sources

XXE = """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>t</title>
<item><title>&xxe;</title><guid>x</guid><description>&xxe;</description></item></channel></rss>
"""

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>t</title><item><title>&lol9;</title><description>&lol9;</description></item>
</channel></rss>
"""

PARAMETER_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd"> %remote;]>
<rss version="2.0"><channel><title>t</title></channel></rss>
"""

EXTERNAL_DTD = """<?xml version="1.0"?>
<!DOCTYPE rss SYSTEM "http://127.0.0.1:9/rss.dtd">
<rss version="2.0"><channel><title>t</title></channel></rss>
"""

BAD_SOURCES: dict[str, tuple[str, bytes, str]] = {
    # name: (file name, bytes, expected words in the message)
    "malformed": ("malformed.xml", rss(item()).replace("</title>", "</titel>", 1).encode(), "malformed XML"),
    "truncated": ("truncated.xml", rss(item(), item(guid="g2")).encode()[:300], "malformed XML"),
    "truncated-atom": (
        "truncated.atom",
        b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><entry><title>x</ti',
        "malformed XML",
    ),
    "xxe": ("xxe.xml", XXE.encode(), "DOCTYPE"),
    "billion-laughs": ("lol.xml", BILLION_LAUGHS.encode(), "DOCTYPE"),
    "parameter-entity": ("pe.rss", PARAMETER_ENTITY.encode(), "DOCTYPE"),
    "external-dtd": ("dtd.xml", EXTERNAL_DTD.encode(), "DOCTYPE"),
    "binary": ("garbage.xml", bytes(range(256)) * 64, "binary"),
    "binary-md": ("garbage.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8, "binary"),
    "empty": ("empty.md", b"", "empty"),
    "whitespace": ("blank.xml", b"  \n\t\n", "empty"),
    "latin-1": (
        "latin1.md",
        ("---\ntitle: Café\n---\n\n" + BODY.replace("a", "\xe9")).encode("latin-1"),
        "UTF-8",
    ),
    "relative-id": ("escape.md", md(rid="../../x").encode(), "lowercase letters"),
    "absolute-id": ("abs.md", md(rid="/etc/passwd").encode(), "lowercase letters"),
    "dotted-id": ("dots.md", md(rid="..").encode(), "lowercase letters"),
    "path-lang": (
        "lang.md",
        md(rid="a").replace("lang: en", "lang: ../../x").encode(),
        "not a language code",
    ),
    "feed-path-lang": (
        "lang.xml",
        rss(item()).replace("<language>en</language>", "<language>../x</language>").encode(),
        "not a language code",
    ),
    "python-tag": (
        "tag.md",
        b'---\ntitle: !!python/object/apply:os.system ["echo pwned"]\n---\n\nBody text.\n',
        "front matter",
    ),
    "feed-no-text": ("notext.xml", rss(item(body="<script>only()</script>")).encode(), "no text"),
}


@pytest.mark.parametrize("case", list(BAD_SOURCES))
@pytest.mark.parametrize("command", ["check", "publish"])
def test_bad_source_is_one_line_exit_1_and_writes_nothing(
    case: str, command: str, work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name, data, expected = BAD_SOURCES[case]
    source = work / "src" / name
    source.write_bytes(data)
    before = snapshot(work)
    out = work / "out"
    argv = [command, str(source)] + (["--out", str(out)] if command == "publish" else [])
    code, stdout, err = run(capsys, *argv)
    line = assert_one_line_error(code, err, source)
    assert expected in line
    assert "root:" not in stdout + err  # /etc/passwd never read into a message
    assert snapshot(work) == before
    assert not out.exists()


def test_source_over_the_size_cap_is_refused(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    big = work / "src" / "big.xml"
    with big.open("wb") as handle:
        handle.write(rss(item()).encode())
        handle.truncate(21 * 1024 * 1024)  # sparse: instant, and no disk space used
    code, _out, err = run(capsys, "publish", str(big), "--out", str(work / "out"))
    line = assert_one_line_error(code, err, big)
    assert "limit" in line
    assert not (work / "out").exists()


def test_yaml_python_tag_is_never_executed(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    marker = work / "pwned"
    source = work / "src" / "evil.md"
    source.write_text(
        f'---\ntitle: !!python/object/apply:os.system ["touch {marker}"]\n'
        f'date: !!python/object/new:pathlib.Path ["{marker}"]\n---\n\n{BODY}\n',
        encoding="utf-8",
    )
    code, _out, err = run(capsys, "check", str(source))
    assert_one_line_error(code, err, source)
    assert not marker.exists()


def test_xinclude_is_not_processed(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = work / "src" / "xi.xml"
    source.write_text(
        rss(
            '<item xmlns:xi="http://www.w3.org/2001/XInclude"><title>XInclude</title><guid>xi</guid>'
            '<description>Before include. <xi:include href="file:///etc/passwd" parse="text"/></description></item>'
        ),
        encoding="utf-8",
    )
    out = work / "out"
    code, _stdout, err = run(capsys, "publish", str(source), "--out", str(out), "--lang", "en", "-q")
    assert code == 0, err
    assert "Before include." in (out / "en" / "xi.html").read_text(encoding="utf-8")
    for path in out.rglob("*"):
        if path.is_file():
            assert b"root:" not in path.read_bytes()


# ---------------------------------------------------------------- neutralised, never escaping --out


def test_feed_guids_that_look_like_paths_are_neutralised(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    guids = ["../../x", "/etc/passwd", "..\\..\\win", "..", "%2e%2e%2fx", "~/.ssh/id_rsa"]
    source = work / "src" / "paths.xml"
    source.write_text(
        rss(*(item(title=f"Release {n}", guid=g) for n, g in enumerate(guids))), encoding="utf-8"
    )
    out = work / "out"
    before = snapshot(work)
    code, _stdout, err = run(capsys, "publish", str(source), "--out", str(out), "--lang", "en", "-q")
    assert code == 0, err
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    ids = [r["id"] for r in manifest["releases"]]
    assert len(ids) == len(guids) == len(set(ids))
    for rid in ids:
        assert ID_RE.match(rid) and ".." not in rid, rid
    # Nothing outside --out changed, and everything written resolves inside it.
    after = snapshot(work)
    assert {k: v for k, v in after.items() if not k.startswith("out/")} == before
    root = out.resolve()
    for path in out.rglob("*"):
        assert path.resolve().is_relative_to(root)
        assert not path.is_symlink()
    for release in manifest["releases"]:
        for artifact in release["editions"]["en"]["artifacts"]:
            assert (out / artifact["path"]).resolve().is_relative_to(root)


def test_jinja_syntax_in_text_is_published_literally(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = work / "src" / "jinja.md"
    source.write_text(
        md(
            rid="jinja-release",
            title="Budget {{ 7*7 }} plan {% if true %}yes{% endif %}",
            body=BODY + "\n\nTotals {{ 7*7 }} and {% for x in range(3) %}loop{% endfor %} and "
            "{{ config.items() }} and {# hidden #} end.",
        ),
        encoding="utf-8",
    )
    out = work / "out"
    code, _stdout, err = run(capsys, "publish", str(source), "--out", str(out), "--lang", "en", "-q")
    assert code == 0, err
    page = (out / "en" / "jinja-release.html").read_text(encoding="utf-8")
    assert "{{ 7*7 }}" in page
    assert "{% for x in range(3) %}loop{% endfor %}" in page
    assert "{{ config.items() }}" in page and "{# hidden #}" in page
    assert "{% if true %}yes{% endif %}" in page
    assert "49" not in page and "looploop" not in page and "<class" not in page
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["releases"][0]["title"] == "Budget {{ 7*7 }} plan {% if true %}yes{% endif %}"
    index = (out / "en" / "index.html").read_text(encoding="utf-8")
    assert "{{ 7*7 }}" in index and "49" not in index


def test_script_in_titles_and_bodies_is_escaped_in_html(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (work / "src" / "title.md").write_text(
        md(rid="script-title", title='<script>alert(1)</script> "Safe" & <b onmouseover=x()>title</b>'),
        encoding="utf-8",
    )
    double_escaped = "&amp;lt;script&amp;gt;alert(2)&amp;lt;/script&amp;gt; " + BODY
    (work / "src" / "feed.xml").write_text(
        rss(
            item(
                title="&lt;img src=x onerror=alert(3)&gt;Feed title", guid="feed-script", body=double_escaped
            )
        ),
        encoding="utf-8",
    )
    out = work / "out"
    code, _stdout, err = run(capsys, "publish", str(work / "src"), "--out", str(out), "--lang", "en", "-q")
    assert code == 0, err
    page = (out / "en" / "script-title.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    for path in out.rglob("*.html"):
        assert_inert(path.read_text(encoding="utf-8"), path)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    feed = next(r for r in manifest["releases"] if r["id"] == "feed-script")
    assert feed["title"] == "Feed title"


# ---------------------------------------------------------------- the output folder


@pytest.fixture
def published(work: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """An output folder with one release already published (all configured languages)."""
    (work / "src" / "first.md").write_text(md(rid="first-release", title="First release"), encoding="utf-8")
    out = work / "out"
    code, _stdout, err = run(capsys, "publish", str(work / "src" / "first.md"), "--out", str(out), "-q")
    assert code == 0, err
    return out


def test_symlinked_folder_in_output_is_refused(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outside = work / "outside"
    outside.mkdir()
    out = work / "out"
    out.mkdir()
    (out / "en").symlink_to(outside, target_is_directory=True)
    source = work / "src" / "a.md"
    source.write_text(md(rid="a-release"), encoding="utf-8")
    code, _stdout, err = run(capsys, "publish", str(source), "--out", str(out), "--lang", "en", "-q")
    assert code == 1
    assert "Traceback" not in err
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "outside the output folder" in errors[0]
    assert list(outside.iterdir()) == []


def test_symlinked_file_in_output_is_refused(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    victim = work / "victim.txt"
    victim.write_text("keep me\n", encoding="utf-8")
    out = work / "out"
    out.mkdir()
    (out / "index.html").symlink_to(victim)
    source = work / "src" / "a.md"
    source.write_text(md(rid="a-release"), encoding="utf-8")
    code, _stdout, err = run(capsys, "publish", str(source), "--out", str(out), "--lang", "en", "-q")
    assert code == 1
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "symbolic link" in errors[0] and "index.html" in errors[0]
    assert victim.read_text(encoding="utf-8") == "keep me\n"
    assert (out / "index.html").is_symlink()


def test_symlinked_manifest_is_not_read_or_replaced(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    victim = work / "victim.json"
    victim.write_text('{"releases": []}\n', encoding="utf-8")
    out = work / "out"
    out.mkdir()
    (out / "manifest.json").symlink_to(victim)
    source = work / "src" / "a.md"
    source.write_text(md(rid="a-release"), encoding="utf-8")
    code, _stdout, err = run(capsys, "publish", str(source), "--out", str(out), "--lang", "en", "-q")
    assert code == 1
    assert "symbolic link" in err and "Traceback" not in err
    assert victim.read_text(encoding="utf-8") == '{"releases": []}\n'


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("bad.xml", rss(item()).replace("</channel>", "")),
        ("wrong-lang.md", md(rid="wrong-lang", extra="").replace("lang: en", "lang: vi")),
        ("escape.md", md(rid="../../first-release")),
        ("dup.md", md(rid="dup") + "\n"),
    ],
)
def test_bad_source_leaves_a_previous_output_untouched(
    name: str, text: str, published: Path, work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(published)
    bad = work / "src" / name
    bad.write_text(text, encoding="utf-8")
    sources = [str(bad)]
    if name == "dup.md":  # two files, one explicit id
        twin = work / "src" / "dup2.md"
        twin.write_text(md(rid="dup"), encoding="utf-8")
        sources.append(str(twin))
    code, _stdout, err = run(capsys, "publish", *sources, "--out", str(published))
    assert code == 1, err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert snapshot(published) == before


def test_corrupt_previous_manifest_is_an_error_and_kept(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = work / "out"
    out.mkdir()
    (out / "manifest.json").write_text("{not json", encoding="utf-8")
    source = work / "src" / "a.md"
    source.write_text(md(rid="a-release"), encoding="utf-8")
    before = snapshot(out)
    code, _stdout, err = run(capsys, "publish", str(source), "--out", str(out), "--lang", "en")
    assert code == 1
    assert "manifest" in err and "Traceback" not in err
    assert len([line for line in err.splitlines() if line.startswith("error:")]) == 1
    assert snapshot(out) == before


def test_publishing_a_new_release_keeps_the_previous_ones(
    published: Path, work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = json.loads((published / "manifest.json").read_text(encoding="utf-8"))
    first_html = (published / "en" / "first-release.html").read_bytes()
    second = work / "src" / "second.md"
    second.write_text(md(rid="second-release", title="Second release"), encoding="utf-8")
    code, _stdout, err = run(capsys, "publish", str(second), "--out", str(published), "--lang", "en", "-q")
    assert code == 0, err
    manifest = json.loads((published / "manifest.json").read_text(encoding="utf-8"))
    by_id = {r["id"]: r for r in manifest["releases"]}
    assert set(by_id) == {"first-release", "second-release"}
    assert by_id["first-release"] == first["releases"][0]  # every edition of it, unchanged
    assert set(by_id["second-release"]["editions"]) == {"en"}
    assert (published / "en" / "first-release.html").read_bytes() == first_html
    for release in manifest["releases"]:
        for edition in release["editions"].values():
            for artifact in edition["artifacts"]:
                data = (published / artifact["path"]).read_bytes()
                assert hashlib.sha256(data).hexdigest() == artifact["sha256"]
    index = (published / "en" / "index.html").read_text(encoding="utf-8")
    assert "first-release.html" in index and "second-release.html" in index


def test_republishing_a_release_in_one_language_keeps_its_other_editions(
    published: Path, work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = json.loads((published / "manifest.json").read_text(encoding="utf-8"))["releases"][0]["editions"]
    code, _stdout, err = run(
        capsys, "publish", str(work / "src" / "first.md"), "--out", str(published), "--lang", "en", "-q"
    )
    assert code == 0, err
    after = json.loads((published / "manifest.json").read_text(encoding="utf-8"))["releases"][0]["editions"]
    assert after == before


# ---------------------------------------------------------------- bounded: no hang, no blow-up
# Each case runs `ggmulti check` in a child process with a timeout and an address-space cap, so a
# regression that hangs (a FIFO) or eats memory (/dev/zero, an alias bomb) fails instead of hanging CI.

SRC = Path(ggmulti.__file__).resolve().parents[1]
MEMORY_CAP = 3 * 1024**3


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def run_bounded(*argv: str, cwd: Path) -> tuple[int, str, str]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(p for p in (str(SRC), os.environ.get("PYTHONPATH")) if p),
    }
    code = "import sys; from ggmulti.cli import main; sys.exit(main(sys.argv[1:]))"
    proc = subprocess.run(
        [sys.executable, "-c", code, "--config", str(CONFIG), *argv],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        cwd=cwd,
        preexec_fn=_cap_memory,
    )
    return proc.returncode, proc.stdout, proc.stderr


def alias_bomb() -> str:
    """Nine levels of nine aliases in a title: ~420 bytes, 9**9 strings once anything walks it."""
    parts = ["&a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        parts.append(f"&{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    return f"---\ntitle: [{', '.join(parts)}]\nlang: en\n---\n\n{BODY}\n"


def atom_xhtml(depth: int) -> str:
    return (
        '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en"><entry><title>Deep</title>'
        '<id>deep</id><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">'
        + "<div>" * depth
        + BODY
        + "</div>" * depth
        + "</div></content></entry></feed>\n"
    )


BOUNDED_CASES: dict[str, tuple[str, Callable[[], str], str]] = {
    # name: (file name, text, expected words in the one line)
    "alias-bomb": ("bomb.md", alias_bomb, "anchors and aliases are not allowed"),
    "anchor-only": (
        "anchor.md",
        lambda: md(rid="a", title="x").replace("title: 'x'", "title: &t x"),
        "anchors",
    ),
    "600k-keys": (
        "keys.md",
        lambda: "---\n" + "".join(f"k{i}: v\n" for i in range(600_000)) + f"---\n\n{BODY}\n",
        "over the 65,536-character limit",
    ),
    "deep-yaml": (
        "deep.md",
        lambda: "---\ntitle: " + "[" * 30_000 + "]" * 30_000 + f"\n---\n\n{BODY}\n",
        "nested deeper",
    ),
    "title-list": (
        "list.md",
        lambda: f"---\ntitle: [a, b]\nlang: en\n---\n\n{BODY}\n",
        "title must be text, not a list",
    ),
    "title-map": (
        "map.md",
        lambda: f"---\ntitle: {{a: b}}\n---\n\n{BODY}\n",
        "title must be text, not a mapping",
    ),
    "lang-list": ("lang.md", lambda: f"---\nlang: [en]\n---\n\n{BODY}\n", "lang must be text"),
    "id-map": ("idmap.md", lambda: f"---\nid: {{x: y}}\n---\n\n{BODY}\n", "id must be text"),
    "id-null": ("idnull.md", lambda: f"---\nid:\n---\n\n{BODY}\n", "lowercase letters"),
    "duplicate-key": ("dup.md", lambda: f"---\ntitle: a\ntitle: b\n---\n\n{BODY}\n", "appears twice"),
    "binary-tag": (
        "bin.md",
        lambda: f"---\ntitle: !!binary aGVsbG8=\n---\n\n{BODY}\n",
        "unsupported YAML tag",
    ),
    "impossible-date": ("feb30.md", lambda: f"---\ndate: 2025-02-30\n---\n\n{BODY}\n", "impossible date"),
    "impossible-time": (
        "time.md",
        lambda: f"---\ndate: 2025-11-12 25:61:00\n---\n\n{BODY}\n",
        "impossible date",
    ),
    "impossible-iso-time": (
        "iso.md",
        lambda: f"---\ndate: '2025-11-12T25:61'\n---\n\n{BODY}\n",
        "impossible date",
    ),
    "impossible-feed-date": (
        "feb30.xml",
        lambda: rss(item()).replace("Wed, 12 Nov 2025 09:00:00 +0900", "2025-02-30T09:00:00Z"),
        "impossible date",
    ),
    "noncharacter-in-yaml": ("ffff.md", lambda: f"---\ntitle: A\uffff\n---\n\n{BODY}\n", "U+FFFF"),
    "control-in-yaml": ("ctl.md", lambda: f"---\ntitle: A\x07\n---\n\n{BODY}\n", "U+0007"),
    "noncharacter-url": (
        "url.md",
        lambda: f"---\nsource_url: 'https://example.org/\ufdd0'\n---\n\n{BODY}\n",
        "source_url must be an http(s) URL",
    ),
    "atom-xhtml-1000-deep": ("deep.atom", lambda: atom_xhtml(1000), "nested deeper than 500"),
    # The standard library's HTML tokenizer took half a minute on 40,000 of these (quadratic).
    "stray-angles": ("angles.xml", lambda: rss(item(body="<a" * 100_000)), "item has no text"),
    "stray-end-tags": ("ends.xml", lambda: rss(item(body="</" * 100_000)), "item has no text"),
    "marked-sections": ("marked.xml", lambda: rss(item(body="<![" * 100_000)), "item has no text"),
}


@pytest.mark.parametrize("case", list(BOUNDED_CASES))
def test_hostile_front_matter_and_markup_are_one_line_in_bounded_time(case: str, work: Path) -> None:
    name, make, expected = BOUNDED_CASES[case]
    source = work / "src" / name
    source.write_text(make(), encoding="utf-8")
    code, _stdout, err = run_bounded("check", str(source), cwd=work)
    line = assert_one_line_error(code, err, source)
    assert expected in line


def test_fifo_source_is_refused_without_blocking(work: Path) -> None:
    fifo = work / "src" / "pipe.md"
    os.mkfifo(fifo)  # nobody ever writes: opening it for reading the ordinary way blocks forever
    code, _stdout, err = run_bounded("check", str(fifo), cwd=work)
    line = assert_one_line_error(code, err, fifo)
    assert "named pipe (FIFO), not a regular file" in line


def test_fifo_inside_a_source_folder_is_refused_without_blocking(work: Path) -> None:
    (work / "src" / "a.md").write_text(md(rid="a-release"), encoding="utf-8")
    fifo = work / "src" / "b.xml"
    os.mkfifo(fifo)
    code, _stdout, err = run_bounded("check", str(work / "src"), cwd=work)
    line = assert_one_line_error(code, err, fifo)
    assert "named pipe" in line


def test_device_source_is_refused_before_reading(work: Path) -> None:
    code, _stdout, err = run_bounded("check", "/dev/zero", cwd=work)
    line = assert_one_line_error(code, err, Path("/dev/zero"))
    assert "character device, not a regular file" in line


SECRET = "SECRET-OUTSIDE-THE-SOURCE-FOLDER"


@pytest.mark.parametrize("command", ["check", "publish"])
def test_symlink_in_a_source_folder_leading_outside_is_refused(
    command: str, work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = work / "secret.md"
    secret.write_text(md(rid="secret", title=SECRET, body=f"{SECRET} {BODY}"), encoding="utf-8")
    (work / "src" / "a.md").write_text(md(rid="a-release"), encoding="utf-8")
    link = work / "src" / "passwd.md"
    link.symlink_to(secret)
    out = work / "out"
    argv = [command, str(work / "src")] + (["--out", str(out)] if command == "publish" else [])
    code, stdout, err = run(capsys, *argv)
    line = assert_one_line_error(code, err, link)
    assert "symbolic link to a file outside" in line
    assert SECRET not in stdout + err
    assert not out.exists()


def test_symlinked_folder_leading_outside_a_source_folder_is_refused(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    elsewhere = work / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "secret.md").write_text(md(rid="secret", title=SECRET), encoding="utf-8")
    (work / "src" / "a.md").write_text(md(rid="a-release"), encoding="utf-8")
    link = work / "src" / "more"
    link.symlink_to(elsewhere, target_is_directory=True)
    code, stdout, err = run(capsys, "check", str(work / "src"))
    line = assert_one_line_error(code, err, link)
    assert "symbolic link to a folder outside" in line
    assert SECRET not in stdout + err


def test_100000_nested_divs_are_read_in_bounded_time(work: Path) -> None:
    source = work / "src" / "divs.md"
    source.write_text(
        f"---\nid: divs\ntitle: Divs\nlang: en\n---\n\n{'<div>' * 100_000}{BODY}{'</div>' * 100_000}\n",
        encoding="utf-8",
    )
    code, stdout, err = run_bounded("check", str(source), cwd=work)
    assert code == 0, err
    assert "Traceback" not in err
    assert "divs\t" in stdout and "1 paragraphs" in stdout
