"""Sphinx configuration of the documentation site: the Markdown pages of docs/, with the README as the home page.

Build it with ``make docs`` (into build/docs) or ``python -m sphinx -W --keep-going -b html docs build/docs``;
``tests/test_docs.py`` builds it with warnings as errors. The theme's assets are bundled with it: the build
fetches nothing and the pages load nothing from the network.
"""

project = "Clientelism in village public service delivery"
author = "the clientelism-sim authors"
copyright = "the clientelism-sim authors"

extensions = ["myst_parser"]
source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build"]

# Heading anchors as GitHub makes them, so that a link such as ODD.md#4-design-concepts works on both.
myst_heading_anchors = 4

html_theme = "furo"
html_title = "clientelism-sim"
html_show_sourcelink = False
