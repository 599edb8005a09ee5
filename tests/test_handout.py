"""The counselor's handout in text, Markdown, HTML and PDF, in English and Spanish."""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser

import pytest

from peerfind import files, handout, i18n
from tests.conftest import ROOT

FIXTURE = "tests/fixtures/catalogue.yaml"
AT = "2026-11-27T18:30"


@pytest.fixture(autouse=True)
def in_root(monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("PEERFIND_CATALOGUE", FIXTURE)


class Page(HTMLParser):
    """The parts of an HTML page the tests look at."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []
        self.text: list[str] = []
        self.style = ""
        self._in_style = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes += attrs
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.style += data
        else:
            self.text.append(data)

    @property
    def words(self) -> str:
        return " ".join(" ".join(self.text).split())


def test_text_handout(run, expected):
    result = run("handout", "--at", AT)
    assert result.exit_code == 0
    expected("handout.txt", result.stdout)
    assert max(len(line) for line in result.stdout.splitlines()) <= 80


def test_markdown_handout(run, expected):
    result = run("handout", "--at", AT, "--format", "markdown", "--town", "otherton")
    assert result.exit_code == 0
    expected("handout.md", result.stdout)
    assert max(len(line) for line in result.stdout.splitlines()) <= 80


def test_html_handout_is_self_contained_and_escapes_catalogue_text(run, tmp_path):
    out = tmp_path / "page.html"
    result = run("handout", "--at", AT, "--format", "html", "--include-leads", "-o", str(out))
    assert (result.exit_code, result.stdout) == (0, f"{out}\n")
    html = out.read_text(encoding="utf-8")
    page = Page(html)
    assert "script" not in page.tags and "link" not in page.tags and "img" not in page.tags
    assert not [name for name, _ in page.attributes if name in ("src", "onload")]
    links = [value for name, value in page.attributes if name == "href"]
    assert links and all(re.match(r"(https?://|tel:\+?\d+$)", link) for link in links)
    assert "tel:+15555550100" in links and "https://example.org/women" in links
    assert page.tags.count("svg") == 4  # a QR code per online meeting (3) and per finder (1)
    words = page.words
    for text in ("Example Crisis Line", "call (555) 555-0100", "Example Crisis Centre",
                 "Monday Night Group", "Otherton Hope", "Meeting times change: call or check "
                 "before you go.", "This list was last updated on Sunday 1 November 2026.",
                 "Example Meeting Finder", "https://example.org/find", "What to expect"):
        assert text in words, text
    assert "Circle [bold]red[/bold] <b>x</b> \\e[31m" in words
    assert "<script>alert(1)</script>" in words
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Old Thursday Group" not in words  # closed groups stay out


def test_html_print_css(run, tmp_path):
    out = tmp_path / "page.html"
    run("handout", "--format", "html", "-o", str(out))
    style = Page(out.read_text(encoding="utf-8")).style
    assert "@page { size: Letter;" in style
    assert "break-inside: avoid" in style
    assert 'font: 10.5pt/1.3 "DejaVu Sans"' in style  # the page's own type
    assert "body.compact { font-size: 8.6pt" in style  # --compact, still readable
    assert "@top-left { content: " in style and 'counter(page) " of " counter(pages)' in style
    assert "overflow-wrap: anywhere" in style
    colours = set(re.findall(r"#[0-9a-fA-F]{3,6}\b", style))
    assert colours <= {"#000", "#fff"}


def test_html_default_name_is_in_the_current_folder(run, tmp_path, monkeypatch):
    monkeypatch.setenv("PEERFIND_CATALOGUE", str(ROOT / FIXTURE))
    folder = tmp_path / "work"
    folder.mkdir()
    monkeypatch.chdir(folder)
    result = run("handout", "--format", "html", "--at", AT)
    assert result.stdout == "peerfind-handout-2026-11-27.html\n"
    assert [p.name for p in folder.iterdir()] == ["peerfind-handout-2026-11-27.html"]


def test_spanish_has_no_english_fixed_text(run, tmp_path):
    out = tmp_path / "es.html"
    # Otherton's groups: no catalogue text there that looks like a fixed English string.
    run("handout", "--format", "html", "--lang", "es", "--at", AT, "--include-leads",
        "--town", "otherton",
        "--type", "closed", "-o", str(out))
    words = Page(out.read_text(encoding="utf-8")).words
    english, spanish = i18n.strings("en"), i18n.strings("es")
    leaked = [value for key, value in english.items()
              if value != spanish[key] and re.search(rf"\b{re.escape(value)}\b", words)]
    assert leaked == []
    for text in ("Reuniones cada semana", "Martes", "Sábado", "Qué esperar", "Cerrada",
                 "Impreso el viernes 27 de noviembre de 2026", "Nunca tiene que hablar"):
        assert text in words, text
    assert '<html lang="es">' in out.read_text(encoding="utf-8")


def test_strings_table_is_complete():
    english, spanish = i18n.strings("en"), i18n.strings("es")
    assert english.keys() == spanish.keys()
    assert all(english.values()) and all(spanish.values())
    assert [len(p) for _, p in i18n.guide("en")] == [len(p) for _, p in i18n.guide("es")]
    assert len(i18n.guide("en")) == 6


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "missing/handout.html"], "peerfind: error: cannot write missing/handout.html: the "
         "folder missing does not exist; create it or choose another path\n"),
        (["-o", "tests"], "peerfind: error: cannot write tests: it is a folder; give a file "
         "name such as tests/handout.html\n"),
    ],
)
def test_bad_output_paths(args, message, run):
    result = run("handout", "--format", "html", *args)
    assert (result.exit_code, result.stderr) == (1, message)


def test_pdf_without_a_browser_says_what_to_do(run, tmp_path, monkeypatch):
    monkeypatch.setattr(handout.shutil, "which", lambda name: None)
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "h.pdf"
    out.write_bytes(b"an older handout")
    result = run("handout", "--format", "pdf", "-o", str(out))
    assert result.exit_code == 1
    assert result.stderr == (
        "peerfind: error: --format pdf needs Chromium, and none was found on PATH (looked for "
        "chromium, chromium-browser, google-chrome, google-chrome-stable); install it (Debian "
        "or Ubuntu: apt-get install chromium), or use --format html and print the page from "
        "any browser\n")
    assert out.read_bytes() == b"an older handout"
    assert [p.name for p in folder.iterdir()] == ["h.pdf"]


def test_failed_write_leaves_no_partial_file(tmp_path, monkeypatch):
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "h.html"

    def broken(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "replace", broken)
    with pytest.raises(files.PeerfindError, match="No space left on device"):
        files.write_atomic(target, b"<html>")
    assert list(folder.iterdir()) == []


NEEDS_PDF_TOOLS = pytest.mark.skipif(
    handout.find_browser() is None or shutil.which("pdftotext") is None,
    reason="PDF test skipped: needs Chromium and pdftotext (apt-get install chromium "
           "poppler-utils; .ci/run installs them when it can)",
)


@NEEDS_PDF_TOOLS
def test_pdf_of_the_bundled_catalogue(run, tmp_path, monkeypatch):
    monkeypatch.delenv("PEERFIND_CATALOGUE")
    out = tmp_path / "handout.pdf"
    result = run("handout", "--format", "pdf", "-o", str(out), "--at", AT)
    assert (result.exit_code, result.stdout) == (0, f"{out}\n")
    assert out.read_bytes().startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True,
                          text=True, check=True).stdout
    flat = " ".join(text.split())
    for phrase in ("988 Suicide & Crisis Lifeline", "SAMHSA National Helpline",
                   "NY State HOPEline", "Dutchess County HELPLINE",
                   "Dutchess County Stabilization Center", "call or check before you go",
                   "57 meetings from old, unconfirmed lists were left out"):
        assert phrase in flat, phrase
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True,
                          check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert 1 <= pages <= 2
    assert "612 x 792 pts (letter)" in info


LONG_LINK = "https://example.org/j/5555555555?pwd=" + "aBcDeFgHiJ" * 8  # 118 characters
BUSY = """\
# FICTIONAL catalogue for the handout's layout: a long link, a busy Tuesday.
catalogue: 1
area: Testville County (fictional)
timezone: America/New_York
updated: 2026-11-01
towns:
  - {name: Testville, latitude: 41.70, longitude: -73.92}
resources:
  - {id: finder, name: Example Finder, kind: directory, url: https://example.org/find,
     source: fictional}
groups:
  - id: long-link
    name: Long Link Group
    fellowship: AA
    attendance: online
    online: {url: "%s", phone: (555) 555-0100, meeting_id: "555 555 5555",
             passcode: "ZyXwVuTsRq", notes: Dial in if the link fails.}
    language: spanish
    meetings: [{day: monday, time: "19:00", notes: Bring the Big Book.}]
    notes: Fictional group notes.
    source: fictional
    checked: 2026-11-01
%s""" % (LONG_LINK, "".join(
    f"""  - {{id: busy-{n}, name: Busy Tuesday {n}, fellowship: NA, attendance: in_person,
     venue: Hall {n}, address: {n} Example Street, town: Testville,
     meetings: [{{day: tuesday, time: "{8 + n:02d}:00"}}], source: fictional,
     checked: 2026-11-01}}
""" for n in range(1, 15)))


@pytest.fixture
def busy(tmp_path, monkeypatch):
    path = tmp_path / "busy.yaml"
    path.write_text(BUSY, encoding="utf-8")
    monkeypatch.setenv("PEERFIND_CATALOGUE", str(path))
    return path


def test_text_handout_prints_every_way_to_join_and_what_to_know(run, busy):
    text = run("handout", "--at", AT, "--near", "Testville").stdout
    block = text[text.index("MONDAY"):text.index("TUESDAY")]
    assert block.splitlines() == [
        "MONDAY",
        "  7:00 pm           Long Link Group (AA) [confirmed 1 November 2026]",
        "                    online: https://example.org/j/5555555555?pwd=aBcDeFgHiJaBcDe",
        "                    FgHiJaBcDeFgHiJaBcDeFgHiJaBcDeFgHiJaBcDeFgHiJaBcDeFgHiJaBcDe",
        "                    FgHiJ",
        "                    call (555) 555-0100 · meeting id 555 555 5555 · passcode",
        "                    ZyXwVuTsRq",
        "                    Dial in if the link fails.",
        "                    Bring the Big Book.",
        "                    Fictional group notes.",
        "                    in Spanish",
        "",
    ]
    assert "  9:00 am           Busy Tuesday 1 (NA) [confirmed 1 November 2026]\n" \
           "                    Hall 1\n                    1 Example Street\n" \
           "                    0.0 mi\n" in text
    assert text.count("\nTUESDAY\n") == 1 and "CONTINUED" not in text  # one column: no need


def test_spanish_handout_gives_988s_spanish_option(run, monkeypatch):
    monkeypatch.delenv("PEERFIND_CATALOGUE")
    text = run("handout", "--at", AT, "--lang", "es").stdout
    assert "988 Suicide & Crisis Lifeline (24/7): llame al 988 · texto 988 ·" in text
    assert "para español, oprima el 2" in " ".join(text.split())


def test_default_names_say_what_was_asked_and_never_overwrite(run, busy, tmp_path,
                                                               monkeypatch):
    folder = tmp_path / "work"
    folder.mkdir()
    monkeypatch.chdir(folder)
    names = [run("handout", "--format", "html", "--at", AT, "--town", "testville",
                 "--fellowship", "NA").stdout for _ in range(2)]
    assert names == ["peerfind-handout-testville-na-2026-11-27.html\n",
                     "peerfind-handout-testville-na-2026-11-27-2.html\n"]


def test_an_empty_handout_says_so(run):
    result = run("handout", "--at", AT, "--fellowship", "OA")
    assert result.exit_code == 0
    assert result.stderr == ("peerfind: warning: the handout lists no meetings (only help "
                             "lines and where current lists are kept); try fewer filters\n")


@NEEDS_PDF_TOOLS
def test_pdf_keeps_long_links_whole_and_heads_every_page_and_block(run, busy, tmp_path):
    out = tmp_path / "busy.pdf"
    result = run("handout", "--format", "pdf", "--at", AT, "-o", str(out))
    assert result.exit_code == 0, result.stderr
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout
    pages = text.split("\f")
    joined = "".join(text.split())
    assert LONG_LINK in joined  # wrapped inside its column, never cut off
    assert "passcodeZyXwVuTsRq" in joined and "meetingid5555555555" in joined
    assert "Tuesday, continued" in text
    assert len([p for p in pages if p.strip()]) >= 2
    for number, page in enumerate(pages[1:], 2):
        if page.strip():
            assert "Recovery support meetings · Testville County (fictional) · Printed Friday " \
                   "27 November 2026" in page
            assert f"page {number} of " in page
    assert "page 1 of" not in pages[0]


@NEEDS_PDF_TOOLS
def test_compact_fits_one_page_and_a_long_handout_warns(run, tmp_path):
    out = tmp_path / "one.pdf"
    result = run("handout", "--format", "pdf", "--compact", "--at", AT, "-o", str(out))
    assert (result.exit_code, result.stderr) == (0, "")
    assert handout.page_count(out.read_bytes()) == 1
    long = run("handout", "--format", "pdf", "--at", AT, "--include-leads", "-o",
               str(tmp_path / "long.pdf"), env={"PEERFIND_CATALOGUE": "data/groups.yaml"})
    assert re.fullmatch(r"peerfind: warning: the handout is \d+ pages, more than 2; narrow it "
                        r"\(--town, --fellowship, --day\) or try --compact\n", long.stderr)


def test_compact_keeps_the_guide_short_and_the_finders_of_its_fellowships():
    import datetime as dt

    from peerfind.catalogue import Source, load
    from peerfind.search import RawFilters, parse_filters

    catalogue = load(Source(ROOT / "data" / "groups.yaml", "groups.yaml"), dt.date(2026, 11, 27))
    filters = parse_filters(RawFilters(fellowship=("NA",)), catalogue, dt.date(2026, 11, 27))
    short = handout.build(catalogue, filters, dt.date(2026, 11, 27), compact=True)
    assert [d.name for d in short.directories] == [
        "Narcotics Anonymous meeting search", "NA online and phone meetings (Virtual NA)"]
    assert short.guide == (("", (i18n.strings()["guide.2.1"], i18n.strings()["guide.2.2"],
                                 i18n.strings()["guide.3.2"])),)
    assert all(line.notes == "" for line in short.help + short.more_help)
    full = handout.build(catalogue, filters, dt.date(2026, 11, 27))
    assert len(full.directories) == 9 and len(full.guide) == 6


def test_a_groups_own_notes_are_printed_once():
    import dataclasses
    import datetime as dt

    from peerfind.catalogue import Source, load
    from peerfind.search import RawFilters, parse_filters

    catalogue = load(Source(ROOT / FIXTURE, "catalogue.yaml"), dt.date(2026, 11, 27))
    noted = dataclasses.replace(catalogue.groups[0], notes="Fictional: ring the side bell.")
    catalogue = dataclasses.replace(catalogue, groups=(noted, *catalogue.groups[1:]))
    text = handout.to_text(handout.build(catalogue, parse_filters(RawFilters(), catalogue,
                                                                  dt.date(2026, 11, 27)),
                                         dt.date(2026, 11, 27)))
    assert len(noted.meetings) == 2 and text.count("ring the side bell") == 1


def test_spanish_and_html_handouts_exactly(run, expected, tmp_path):
    """The Spanish text handout and the HTML handout (its QR codes included), whole."""
    spanish = run("handout", "--at", AT, "--lang", "es")
    assert spanish.exit_code == 0
    expected("handout-es.txt", spanish.stdout)
    page = tmp_path / "handout.html"
    result = run("handout", "--at", AT, "--format", "html", "-o", str(page))
    assert result.exit_code == 0, result.stderr
    expected("handout.html", page.read_text(encoding="utf-8"))
