"""File formats, one pure codec a module (no Django). Readers yield `Record`s and raise
`FormatError` naming the line; writers take `Record`s and yield text chunks, so exports
stream instead of being built in memory."""

from annotator.formats.records import Record

__all__ = ["Record"]
