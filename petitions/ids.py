"""Ids typed by people: the one reader is gridgov.ids; this name stays for the code that
imports it from here."""

from gridgov.ids import MAX_ID, as_id

__all__ = ["MAX_ID", "as_id"]
