"""The models are frozen dataclasses whose equality, hash and repr come from one
shared base: they must behave exactly as the dataclass decorator's own would."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from peerfind import models
from peerfind.catalogue import Source, load
from tests.conftest import FIXTURES

CATALOGUE = load(Source(FIXTURES / "catalogue.yaml", "catalogue.yaml"), dt.date(2026, 11, 27))


def every_model(catalogue):
    yield catalogue
    yield from (*catalogue.towns, *catalogue.helplines, *catalogue.resources)
    for group in catalogue.groups:
        yield group
        yield from group.meetings
        yield from (part for part in (group.online, group.contact) if part is not None)


def generated(obj):
    """The same values in a dataclass whose methods the decorator wrote."""
    names = [field.name for field in dataclasses.fields(obj)]
    twin = dataclasses.make_dataclass(type(obj).__name__, names, frozen=True)
    twin.__qualname__ = type(obj).__qualname__
    return twin(*(getattr(obj, name) for name in names))


MODELS = list(every_model(CATALOGUE))


def test_the_fixture_has_every_kind_of_model():
    kinds = {type(obj) for obj in MODELS}
    assert kinds == {models.Catalogue, models.Town, models.Helpline, models.Resource,
                     models.Group, models.Meeting, models.Online, models.Contact}


@pytest.mark.parametrize("obj", MODELS, ids=lambda obj: type(obj).__name__)
def test_models_compare_hash_and_print_as_generated_dataclasses_do(obj):
    assert dataclasses.is_dataclass(obj)
    assert repr(obj) == repr(generated(obj))
    copy = dataclasses.replace(obj)
    assert copy == obj and not copy != obj and hash(copy) == hash(obj)
    first = dataclasses.fields(obj)[0].name
    other = dataclasses.replace(obj, **{first: "something else"})
    assert other != obj and not other == obj
    assert obj != tuple(getattr(obj, f.name) for f in dataclasses.fields(obj))
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(obj, first, "something else")


def test_models_of_different_kinds_are_never_equal():
    assert models.Town("Testville", 41.7, -73.9) != models.Online("Testville", "41.7", "-73.9")
    assert models.Contact("Ann B.") != models.Online("Ann B.")
