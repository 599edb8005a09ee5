"""The docs describe the schema the validator uses, and their examples are valid."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from peerfind import schema
from peerfind.validate import check
from peerfind.yamlio import compose
from tests.conftest import ROOT

CATALOGUE_DOC = (ROOT / "docs" / "catalogue.md").read_text(encoding="utf-8")


def test_catalogue_doc_example_is_valid():
    example = re.search(r"```yaml\n(.*?)```", CATALOGUE_DOC, re.DOTALL).group(1)
    root, problems = compose(example)
    data, found = check(root, dt.date(2026, 11, 27))
    assert problems + found == []
    assert data["groups"][0]["meetings"][0]["minutes"] == 60


@pytest.mark.parametrize("section", sorted(schema.SECTIONS))
def test_catalogue_doc_names_every_field(section):
    for field in schema.SECTIONS[section]:
        assert f"`{field}`" in CATALOGUE_DOC, f"{section}.{field} is not documented"


def test_catalogue_doc_lists_every_vocabulary_value():
    words = [*schema.FELLOWSHIPS, *schema.ALL_TYPES, *schema.STATUSES, *schema.RESOURCE_KINDS,
             *schema.ATTENDANCE]
    missing = [word for word in words if f"`{word}`" not in CATALOGUE_DOC]
    assert missing == []


def test_every_meeting_guide_code_has_exactly_one_slug():
    from importlib.resources import files

    rows = files("peerfind").joinpath("meeting_guide_types.tsv").read_text("utf-8").splitlines()
    codes = [row.split("\t")[0] for row in rows[1:]]
    assert sorted(schema.ALL_TYPES.values()) == sorted(codes)
