"""Text tables (CSV, TSV, GBIF simple CSV): encoding and delimiter sniffed, rows streamed."""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from charset_normalizer import from_bytes

from fieldapp.errors import Invalid
from fieldapp.transfer.readers import Record, Source, bad_file, nul_problem
from fieldapp.transfer.report_lines import Line, text_line

_SAMPLE = 64 * 1024
# A two- or three-byte UTF-8 sequence: text that is partly UTF-8.
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}")
csv.field_size_limit(16 * 1024 * 1024)


class CountingReader(io.RawIOBase):
    """A binary file that counts the bytes read, for the progress bar."""

    def __init__(self, raw: io.BufferedIOBase):
        self.raw = raw
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = self.raw.readinto(buffer)
        self.count += n or 0
        return n


def sniff_encoding(sample: bytes, complete: bool) -> tuple[str, str]:
    """Choose the encoding from the first bytes, with the reason; refuse text that mixes encodings."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", "UTF-8 byte-order mark"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", "UTF-16 byte-order mark"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=complete)
        return "utf-8", "the text is valid UTF-8"
    except UnicodeDecodeError as exc:
        if _UTF8_SEQUENCE.search(sample):
            line = sample[: exc.start].count(b"\n") + 1
            raise bad_file(
                f"The file mixes encodings: it holds UTF-8 text, but line {line} is not UTF-8."
                " Save it again as UTF-8 and import it again; nothing was written."
            ) from None
    try:
        # Spreadsheets in Western Europe save as Windows-1252; prefer it whenever it fits.
        sample.decode("cp1252")
        return "cp1252", "not UTF-8; every byte is valid Windows-1252"
    except UnicodeDecodeError:
        pass
    guess = from_bytes(sample).best()
    encoding = guess.encoding if guess and guess.encoding not in ("ascii", "utf_8") else "latin-1"
    return encoding, "not UTF-8 nor Windows-1252; the closest encoding detected was chosen"


def sniff_delimiter(text: str) -> str:
    lines = text.splitlines()[:50]
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=",;\t|").delimiter
    except csv.Error:
        header = lines[0] if lines else ""
        return max(",;\t|", key=header.count)


def open_csv(path: Path) -> Source:
    """Open a delimited text file, reading its header and sniffing how it is written."""
    size = path.stat().st_size
    with path.open("rb") as probe:
        sample = probe.read(_SAMPLE)
    encoding, why = sniff_encoding(sample, complete=len(sample) == size)
    text = sample.decode(encoding, errors="ignore")
    if not text.strip():
        raise bad_file(Line("empty_file"))
    delimiter = sniff_delimiter(text)
    raw = path.open("rb")
    counting = CountingReader(raw)
    stream = io.TextIOWrapper(io.BufferedReader(counting), encoding=encoding, newline="")
    reader = csv.reader(stream, delimiter=delimiter)
    try:
        header = _header(reader)
    except BaseException:
        raw.close()
        raise
    source = Source(
        format="csv",
        columns=header,
        records=_rows(reader, header, encoding, raw, path),
        progress=lambda: counting.count / max(size, 1),
        close=raw.close,
    )
    source.readings.update({"encoding": f"{encoding} ({why})", "delimiter": repr(delimiter)})
    return source


def _header(reader) -> list[str]:
    try:
        header = next(reader)
    except StopIteration:
        raise bad_file(Line("empty_file")) from None
    except UnicodeDecodeError:
        raise bad_file(Line("header_encoding")) from None
    header = [h.strip() for h in header]
    for number, name in enumerate(header, start=1):
        if "\x00" in name:
            raise bad_file(f"The header's column {number} holds a NUL character; nothing was written.")
    if not any(header):
        raise bad_file(Line("empty_header"))
    return unique_names(header)


def unique_names(names: list[str]) -> list[str]:
    """Name every column, and tell repeated names apart ('depth', 'depth_2')."""
    seen: dict[str, int] = {}
    result = []
    for index, name in enumerate(names):
        name = name or f"column_{index + 1}"
        seen[name] = seen.get(name, 0) + 1
        result.append(name if seen[name] == 1 else f"{name}_{seen[name]}")
    return result


def _first_bad_line(path: Path, encoding: str) -> int:
    """The first line that does not decode (decoding reads ahead, so the reader cannot say)."""
    with path.open("rb") as lines:
        for number, line in enumerate(lines, start=1):
            try:
                line.decode(encoding)
            except UnicodeDecodeError:
                return number
    return 0


def rows_of(reader, what: str) -> Iterator[list[str]]:
    """The rows of a csv reader; a row the csv module cannot read fails the file, naming the row."""
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            row_no = reader.line_num
            message = Line("unreadable_row", row=row_no, what=what, why=text_line(exc))
            raise Invalid(message, [{"path": f"row {row_no}", "message": str(exc)}]) from None
        yield row


def _rows(reader, header: list[str], encoding: str, raw: BinaryIO, path: Path) -> Iterator[Record]:
    width = len(header)
    rows = rows_of(reader, Line("the_file"))
    try:
        while True:
            try:
                row = next(rows)
            except StopIteration:
                return
            except UnicodeDecodeError:
                raise bad_file(
                    f"Line {_first_bad_line(path, encoding)} is not valid {encoding}: the file mixes"
                    " encodings."
                    " Save it again as UTF-8 and import it again; nothing was written."
                ) from None
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            yield _record(reader.line_num, row, header, width)
    finally:
        raw.close()


def _record(line: int, row: list[str], header: list[str], width: int) -> Record:
    if len(row) > width and any(v.strip() for v in row[width:]):
        return Record(
            number=line,
            ref=f"row:{line}",
            values={},
            problem=Line("row_width", values=len(row), columns=width),
        )
    values = {name: (row[i].strip() or None) if i < len(row) else None for i, name in enumerate(header)}
    return Record(number=line, ref=f"row:{line}", values=values, problem=nul_problem(values))
