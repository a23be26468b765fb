"""How an API lesson becomes an engine document and back; the security layer plugs in encryption."""

from __future__ import annotations

from typing import Protocol

from llsearch.model.stored import from_stored, to_stored


class DocumentCodec(Protocol):
    def encode(self, lesson: dict) -> dict:
        """The engine document for an API lesson."""

    def decode(self, doc: dict) -> dict:
        """The API lesson of an engine document."""


class PlainCodec:
    """Derived numbers added on the way in and removed on the way out; nothing hidden."""

    def encode(self, lesson: dict) -> dict:
        return to_stored(lesson)

    def decode(self, doc: dict) -> dict:
        return from_stored(doc)


PLAIN = PlainCodec()
