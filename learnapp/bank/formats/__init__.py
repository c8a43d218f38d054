"""Import/export formats of the question bank: each a parser to the intermediate form and a writer.

`parse(data, fmt)` and `write(questions, fmt)` dispatch by format name; `detect(filename, data)`
guesses the format from the content first (magic bytes) and the file name second.
"""

from __future__ import annotations

from collections.abc import Callable

from learnapp.bank.formats import aiken, gift, gift_writer, moodle_xml, spreadsheet
from learnapp.bank.formats.base import FormatError, ParsedQuestion, ParseResult, Skipped

FORMATS = ("gift", "aiken", "moodle-xml", "xlsx", "csv")
EXPORT_FORMATS = ("gift", "moodle-xml", "xlsx", "csv", "aiken")

PARSERS: dict[str, Callable[[bytes], ParseResult]] = {
    "gift": gift.parse,
    "aiken": aiken.parse,
    "moodle-xml": moodle_xml.parse,
    "xlsx": spreadsheet.parse_xlsx,
    "csv": spreadsheet.parse_csv,
}
WRITERS: dict[str, Callable[[list[ParsedQuestion]], bytes]] = {
    "gift": gift_writer.write,
    "aiken": aiken.write,
    "moodle-xml": moodle_xml.write,
    "xlsx": spreadsheet.write_xlsx,
    "csv": spreadsheet.write_csv,
}
# (file extension, MIME type) of each export.
FILE_TYPES = {
    "gift": ("gift.txt", "text/plain; charset=utf-8"),
    "aiken": ("aiken.txt", "text/plain; charset=utf-8"),
    "moodle-xml": ("xml", "application/xml"),
    "xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "csv": ("csv", "text/csv; charset=utf-8"),
}

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls, which we do not read


def detect(filename: str, data: bytes) -> str | None:
    """The format of an upload, judged by its bytes first; None when it is not one we read."""
    name = (filename or "").lower()
    if data.startswith(ZIP_MAGIC):
        return "xlsx"
    if data.startswith(OLE_MAGIC) or b"\x00" in data[:4096]:
        return None  # binary but not XLSX (old .xls, images, …)
    head = data[:512].lstrip(b"\xef\xbb\xbf").lstrip()
    if head.startswith(b"<?xml") or head.startswith(b"<quiz"):
        return "moodle-xml"
    if name.endswith(".csv"):
        return "csv"
    if name.endswith(".xml"):
        return "moodle-xml"
    if name.endswith(".xlsx"):
        return None  # named .xlsx but not a zip: not a workbook
    if name.endswith((".gift", ".txt")) and b"{" in data:
        return "gift"
    if name.endswith(".txt") or b"ANSWER:" in data.upper():
        return "aiken" if b"ANSWER" in data.upper() or "答案".encode() in data else "gift"
    return "gift" if b"{" in data else None


def content_matches(fmt: str, data: bytes) -> bool:
    """Whether the bytes can be of the stated format (an XLSX must be a zip, text must not be)."""
    if fmt == "xlsx":
        return data.startswith(ZIP_MAGIC)
    return not data.startswith(ZIP_MAGIC) and not data.startswith(OLE_MAGIC) and b"\x00" not in data[:4096]


def parse(data: bytes, fmt: str) -> ParseResult:
    """Parse `data` in format `fmt` (one of FORMATS)."""
    return PARSERS[fmt](data)


def write(questions: list[ParsedQuestion], fmt: str) -> bytes:
    """Write questions in format `fmt` (one of EXPORT_FORMATS)."""
    return WRITERS[fmt](questions)


__all__ = ["FORMATS", "EXPORT_FORMATS", "FILE_TYPES", "FormatError", "ParsedQuestion", "ParseResult", "Skipped",
           "detect", "content_matches", "parse", "write"]
