"""The documentation: the site builds with warnings as errors, and every relative link of the README and of the
pages in docs/ leads to a file that exists (and, for a link to a heading, to a heading that exists)."""

import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from conftest import under_ci

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
PAGES = [ROOT / "README.md", *sorted(DOCS.glob("*.md")), ROOT / "experiments" / "README.md"]

FENCE = re.compile(r"^(```|~~~).*?^\1[ \t]*$", re.S | re.M)
INLINE_CODE = re.compile(r"`+[^`\n]*`+")
LINK = re.compile(r"\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$", re.M)


def prose(text: str) -> str:
    """The text without fenced code blocks (a `# comment` in a bash block is no heading, `[i](j)` in Python
    no link)."""
    return FENCE.sub("", text)


def links(page: Path) -> list[str]:
    """Every link target of a Markdown page, outside code."""
    return LINK.findall(INLINE_CODE.sub("", prose(page.read_text(encoding="utf-8"))))


def slug(heading: str) -> str:
    """A heading's anchor as GitHub (and myst-parser's heading anchors) make it: lower case, punctuation
    dropped, spaces to hyphens."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)       # a link in a heading counts by its text
    text = unicodedata.normalize("NFC", text).lower().replace("`", "")
    text = "".join(c for c in text if c.isalnum() or c in " -_")
    return text.replace(" ", "-")


def anchors(page: Path) -> set[str]:
    """The anchors of a page's headings (a repeated heading gets -1, -2, ... as on GitHub)."""
    seen: dict[str, int] = {}
    out = set()
    for _, text in HEADING.findall(prose(page.read_text(encoding="utf-8"))):
        base = slug(text)
        n = seen.get(base, 0)
        seen[base] = n + 1
        out.add(base if n == 0 else f"{base}-{n}")
    return out


def test_the_helpers_see_links_and_headings_as_github_does(tmp_path):
    page = tmp_path / "p.md"
    page.write_text("# What `make demo` prints\n\n## 4. Design concepts\n\n## Notes\n\n## Notes\n\n"
                    "See [a](b.md#c) and ![pic](x.png \"title\"), not `[d](e.md)`.\n\n"
                    "```bash\n# not a heading\n[f](g.md)\n```\n", encoding="utf-8")
    assert links(page) == ["b.md#c", "x.png"]
    assert anchors(page) == {"what-make-demo-prints", "4-design-concepts", "notes", "notes-1"}


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_leads_to_a_file_that_exists(page):
    broken = []
    for target in links(page):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I):       # https:, mailto: ...
            continue
        path, _, anchor = target.partition("#")
        file = (page.parent / path).resolve() if path else page
        if not file.exists():
            broken.append(f"{target}: no file {file.relative_to(ROOT) if file.is_relative_to(ROOT) else file}")
        elif anchor and file.suffix == ".md" and anchor not in anchors(file):
            broken.append(f"{target}: no heading with anchor #{anchor} in {file.relative_to(ROOT)}")
    assert not broken, f"{page.relative_to(ROOT)}: " + "; ".join(broken)


def test_the_readme_links_into_the_docs_only_so_that_the_site_can_include_it():
    # docs/index.md includes the README with its docs/ links made relative: any other relative link (a file
    # elsewhere in the repository) would be broken on the site.
    outside = [t for t in links(ROOT / "README.md")
               if not re.match(r"^[a-z][a-z0-9+.-]*:", t, re.I) and not t.startswith(("docs/", "#"))]
    assert not outside, outside


def test_the_site_builds_with_warnings_as_errors(tmp_path):
    try:
        import furo  # noqa: F401
        import myst_parser  # noqa: F401
        import sphinx  # noqa: F401
    except ModuleNotFoundError as exc:
        reason = f"{exc.name} is not installed: pip install -e '.[docs]' (make test installs it)"
        if under_ci():
            pytest.fail(f"CI=true and {reason}", pytrace=False)
        pytest.skip(reason)
    html = tmp_path / "html"
    done = subprocess.run([sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
                           "-d", str(tmp_path / "doctrees"), "docs", str(html)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"sphinx-build failed:\n{done.stdout}\n{done.stderr}"
    assert not [p.stem for p in DOCS.glob("*.md") if not (html / f"{p.stem}.html").exists()]
    home = (html / "index.html").read_text(encoding="utf-8")
    assert 'id="quick-start"' in home and 'href="running.html"' in home     # the README, its links made local
