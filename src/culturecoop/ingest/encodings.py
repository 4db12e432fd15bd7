"""Text encodings as exports are really saved: a UTF-8 file with a few lines of Windows-1252 inside (rows
pasted from another export, a line typed again in an old editor), and a CSV saved by Excel on a Mac
(« CSV (Macintosh) »: Mac Roman, its lines ending in a carriage return alone).

One line written otherwise must not stop the file, nor turn every accent of the others into « Ã© »:
such a file is read as UTF-8, each byte that is no UTF-8 read as the Windows-1252 letter it stands for
(``culturecoop-cp1252``, a decoding error handler), and the member is told which lines.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from culturecoop.i18n import count, plural

FALLBACK = "culturecoop-cp1252"
_CHUNK = 8 << 20
HEAD_BYTES = 4 << 20  # the head of a file looked at before it is read (``mixed_head``)


_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")  # no letter in Windows-1252: read as Latin-1's


def _as_cp1252(exc: UnicodeError) -> tuple[str, int]:
    """Each byte of a sequence that is no UTF-8 as its Windows-1252 letter (the five bytes that code
    defines no letter for as Latin-1's control characters, which the reader takes out with the others)."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    bad = exc.object[exc.start:exc.end]
    return "".join(bytes([b]).decode("latin-1" if b in _UNDEFINED else "cp1252") for b in bad), exc.end


codecs.register_error(FALLBACK, _as_cp1252)


def utf8_letters(data: bytes) -> tuple[int, int]:
    """(characters of several bytes read as UTF-8, bytes that are no UTF-8) in ``data``."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    return len(text) - len(text.encode("ascii", "ignore")) - bad, bad


# What a broken UTF-8 writer leaves, never Windows-1252 text: an overlong form (a lead byte C0 or C1 and
# its continuation byte; « À » before a no-break space aside) and an encoded surrogate (ED A0–BF and its
# continuation). A file holding one was damaged, not typed in another code: refused as no UTF-8.
_BROKEN_UTF8 = re.compile(rb"[\xc0\xc1][\x80-\x9f\xa1-\xbf]|\xed[\xa0-\xbf][\x80-\xbf]")


def mostly_utf8(data: bytes) -> bool:
    """Whether ``data``, which holds bytes that are no UTF-8, is UTF-8 text with a few lines written
    otherwise: at least as many letters of several bytes read whole as bytes that are no UTF-8, and no
    sequence of a broken UTF-8 writer. A file saved in Windows-1252 or Mac Roman forms hardly one UTF-8
    letter."""
    good, bad = utf8_letters(data)
    return good > 0 and good >= bad and _BROKEN_UTF8.search(data) is None


def mixed_head(path: Path) -> bool:
    """Whether the head of ``path`` is UTF-8 text with a few lines of another code (``mostly_utf8``): a few
    milliseconds, where checking the whole file would cost a fifth of a second per 150 MB on every export;
    a line beyond the head stops the reader, which then reads the file again (``read._reread_mixed``)."""
    with path.open("rb") as f:
        data = f.read(HEAD_BYTES)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(data) - 3 and exc.reason == "unexpected end of data":
            return False  # a letter cut at the end of the head, or of a file cut short (said later)
        return mostly_utf8(data)
    return False


def transcode_mixed(path: Path, out: Path) -> tuple[int, int, bool]:
    """Copy ``path``, UTF-8 but for some bytes, to ``out`` in UTF-8, each such byte read as Windows-1252:
    (the first line holding one, how many lines do, whether the file is mostly UTF-8: ``mostly_utf8``; never
    with a sequence of a broken UTF-8 writer)."""
    lines: set[int] = set()
    good = bad = 0
    broken = False
    number = 1  # the line at the start of the block
    carry = b""
    with path.open("rb") as src, out.open("w", encoding="utf-8", newline="") as dst:
        while True:
            chunk = src.read(_CHUNK)
            block = carry + chunk
            cut = block.rfind(b"\n") + 1 if chunk else len(block)
            body, carry = block[:cut], block[cut:]
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                broken = broken or _BROKEN_UTF8.search(body) is not None
                for found in _NOT_UTF8.finditer(body):
                    if not _is_utf8(found.group(0)):
                        lines.add(number + body.count(b"\n", 0, found.start()))
                        bad += len(found.group(0))
                text = body.decode("utf-8", errors=FALLBACK)
            good += len(text) - len(text.encode("ascii", "ignore"))
            dst.write(text.lstrip("\ufeff") if number == 1 else text)
            number += body.count(b"\n")
            if not chunk:
                break
    good -= bad  # each byte read as Windows-1252 is one letter of the text
    return (min(lines) if lines else 0), len(lines), good > 0 and good >= bad and not broken


# A run of bytes over 0x7F: a UTF-8 letter of several bytes, or bytes written in another code.
_NOT_UTF8 = re.compile(rb"[\x80-\xff]+")


def _is_utf8(run: bytes) -> bool:
    try:
        run.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def mixed_note(name: str, first: int, lines: int) -> str:
    """The sentence telling the member which lines were read as Windows-1252."""
    return plural(lines,
                  "Line {first} of {path} is not written in UTF-8 like the rest of the file: it was read as "
                  "Windows-1252, the code Excel writes in French and English.",
                  "{n} lines of {path} (the first on line {first}) are not written in UTF-8 like the rest of the "
                  "file: they were read as Windows-1252, the code Excel writes in French and English."
                  ).format(n=count(lines), first=first, path=name)


# Mac Roman's lowercase accented letters (é 0x8E, è 0x8F, à 0x88, ç 0x8D, ê 0x90, ô 0x99, ù 0x9D…), but those at the
# bytes Windows-1252 writes its curly quotes, dashes and « œ » with (0x91–0x97, 0x9C: « Let’s », « l’Odéon »): in a
# Windows-1252 file they are punctuation, never evidence of a Mac.
_MAC_LETTERS = bytes([*range(0x87, 0x91), *range(0x98, 0x9C), *range(0x9D, 0xA0)])
# Windows-1252's lowercase accented letters (é 0xE9, è 0xE8, à 0xE0, ç 0xE7…): in Mac Roman, rare signs and capitals.
_WINDOWS_LETTERS = bytes(range(0xE0, 0x100))


def mac_roman_rather(data: bytes) -> bool:
    """Whether ``data`` (no UTF-8) is Mac Roman rather than Windows-1252: its accented lowercase letters are
    written with the bytes Mac Roman gives them (« Qt\\x8e » is « Qté » there, « QtŽ » in Windows-1252), hardly
    ever with Windows-1252's."""
    mac = len(data) - len(data.translate(None, _MAC_LETTERS))  # counted in C: the head may be 4 MB
    windows = len(data) - len(data.translate(None, _WINDOWS_LETTERS))
    return mac >= 3 and mac > 3 * windows
