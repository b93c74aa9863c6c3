"""A letter in Unified English Braille, grade 2 (contracted), as a BRF file for an embosser.

liblouis does the translation: Debian's liblouis20 (the library, bound here with ctypes, so a
worker needs no program of its own) and liblouis-data (the tables). The table is
en-ueb-g2.ctb, the UEB grade 2 table that RNIB maintains: the UK moved to UEB from 2011, and
liblouis' en-GB-g2.ctb is the older Standard English Braille, with contractions UEB dropped.

BRF layout, as most UK and US transcribers send it:
- one character a cell in North American Braille ASCII, the 64 characters 0x20 to 0x5F;
- every line of the letter starts a new braille line, so an address keeps its shape; a line
  longer than `cells_per_line` wraps at a space, and a word longer than a whole line (a web
  address, say) is cut at the margin, with no hyphen added that would change it;
- paragraphs are blocked: one blank line between them, none at the top of a page, no indent;
- lines end CR LF, and every page, the last one too, ends with a form feed (the embosser
  ejects the sheet); there are no page numbers.

The input is the plain text of a letter, any Unicode. liblouis only ever sees clean text:
line breaks are ours, control and invisible characters are dropped, and a character the table
does not know is replaced by its compatibility form (Ⅻ is XII) or its letter without accents
(ą is a), or else dropped. An emoji has no braille and is dropped.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import logging
import re
import threading
import unicodedata
from collections.abc import Callable, Iterable, Iterator

from caredesk.documents.formats import FormatUnavailable

logger = logging.getLogger(__name__)

# Where liblouis is: None finds it (ldconfig's liblouis, else the Debian soname). A test points
# it at a file that does not exist to see the FormatUnavailable path.
LIBLOUIS_PATH: str | None = None
LIBLOUIS_SONAME = "liblouis.so.20"
TABLE = "en-ueb-g2.ctb"

CELLS_PER_LINE = 40  # an A4 embosser page in the UK: 40 cells by 25 lines
LINES_PER_PAGE = 25

# North American Braille ASCII, indexed by dot pattern (dot 1 is bit 0, dot 6 is bit 5). It is
# what liblouis' display table en-us-brf.dis gives; a test holds the two together.
BRAILLE_ASCII = " A1B'K2L@CIF/MSP\"E3H9O6R^DJG>NTQ,*5<-U8V.%[$+X!&;:4\\0Z7(_?W]#Y)="

NOT_INSTALLED = (
    "Braille is not available on this server: liblouis is not installed "
    "(Debian packages liblouis20 and liblouis-data)."
)

_BLANK = "\u2800"  # the empty cell
# A UK postcode: outward code (M1, LS1, SW1A) and inward code (1AA).
_POSTCODE = re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]?) ([0-9][A-Z]{2})\b", re.IGNORECASE)
_BRAILLE_ROW = 0x2800
_TO_BRF = {_BRAILLE_ROW + dots: ascii_char for dots, ascii_char in enumerate(BRAILLE_ASCII)}

# lou_translateString modes: dot patterns out, as Unicode braille, and characters the table
# does not define left out rather than spelt as "\x1f600/" in braille.
_DOTS_IO = 4
_UC_BRL = 64
_NO_UNDEFINED = 128
_MODE = _DOTS_IO | _UC_BRL | _NO_UNDEFINED

_LOG_WARN = 30000  # LOU_LOG_WARN
_LOG_ERROR = 40000  # LOU_LOG_ERROR
_LogCallback = ctypes.CFUNCTYPE(None, ctypes.c_int, ctypes.c_char_p)

# liblouis keeps tables and buffers in global state and is not thread-safe: every call into
# it holds this lock.
_LOCK = threading.Lock()


def braille_available() -> bool:
    """Whether this server can make braille: liblouis and its UEB table both load."""
    try:
        with _LOCK:
            _louis()
    except FormatUnavailable:
        return False
    return True


def braille_lines(text: str) -> list[str]:
    """The text in UEB grade 2, as Unicode braille (blank cell U+2800), one item a line.

    Lines are the text's own lines, not wrapped; an empty item stands between paragraphs.
    For a preview on screen, and what `brf_from_text` lays out.
    """
    with _LOCK:
        louis = _louis()
        return [_translate_line(line, louis) if line else "" for line in _clean_lines(text, louis)]


def brf_from_text(
    text: str, *, cells_per_line: int = CELLS_PER_LINE, lines_per_page: int = LINES_PER_PAGE
) -> bytes:
    """The text in UEB grade 2 as a BRF file, laid out as the module describes.

    Text with nothing to emboss gives b"". Raises FormatUnavailable without liblouis, and
    ValueError for a line or page size under 1.
    """
    if cells_per_line < 1 or lines_per_page < 1:
        raise ValueError(
            f"A braille page needs at least 1 cell a line and 1 line a page, not "
            f"{cells_per_line} cells and {lines_per_page} lines."
        )
    rows: list[str] = []
    for line in braille_lines(text):
        rows.extend(_wrap(line, cells_per_line) if line else [""])
    pages = _paginate(rows, lines_per_page)
    brf = "".join("".join(row + "\r\n" for row in page) + "\f" for page in pages)
    return brf.translate(_TO_BRF).encode("ascii")


def _translate_line(line: str, louis: _Louis) -> str:
    """One clean line in braille, each side of a postcode's space translated on its own.

    liblouis reads the space in "N12 7BT" as UEB's numeric space, inside one number, and
    writes ,N#AB"G,,BT; its own test suite expects ,N#AB #G,,BT and marks the case as
    failing (en-ueb-06-numeric_mode.yaml). Every UK address has a postcode.
    """
    pieces, start = [], 0
    for postcode in _POSTCODE.finditer(line):
        pieces.append(line[start : postcode.end(1)])
        start = postcode.start(2)
    pieces.append(line[start:])
    return _BLANK.join(filter(None, map(louis.translate, pieces)))


def _wrap(line: str, width: int) -> list[str]:
    """A braille line cut into rows of at most `width` cells, between words where it can."""
    rows: list[str] = []
    current = ""
    for word in line.split(_BLANK):
        if not word:
            continue
        if len(word) > width:
            if current:
                rows.append(current)
            pieces = [word[start : start + width] for start in range(0, len(word), width)]
            rows.extend(pieces[:-1])
            current = pieces[-1]
        elif not current:
            current = word
        elif len(current) + 1 + len(word) <= width:
            current += _BLANK + word
        else:
            rows.append(current)
            current = word
    if current:
        rows.append(current)
    return rows


def _paginate(rows: Iterable[str], lines_per_page: int) -> list[list[str]]:
    """Rows on pages; an empty row is a paragraph gap, kept only between rows on one page."""
    pages: list[list[str]] = []
    page: list[str] = []
    gap = False
    for row in rows:
        if not row:
            gap = True
            continue
        gap = gap and bool(page)
        if len(page) + gap + 1 > lines_per_page:
            pages.append(page)
            page = []
        elif gap:
            page.append("")
        page.append(row)
        gap = False
    if page:
        pages.append(page)
    return pages


def _clean_lines(text: str, louis: _Louis) -> Iterator[str]:
    """The text's lines, cleaned for liblouis; one "" between paragraphs, none at either end."""
    pending_gap = False
    started = False
    for raw in unicodedata.normalize("NFC", _without_surrogates(text)).splitlines():
        line = " ".join(
            "".join(_clean_char(char, louis.knows) for char in raw.replace("\t", " ")).split()
        )
        if not line:
            pending_gap = started
            continue
        if pending_gap:
            yield ""
            pending_gap = False
        started = True
        yield line


def _without_surrogates(text: str) -> str:
    """A str may hold lone surrogates (from a bad decode); no library can take them."""
    return "".join(char for char in text if not 0xD800 <= ord(char) <= 0xDFFF)


def _clean_char(char: str, knows: Callable[[str], bool]) -> str:
    """The character as liblouis should see it: itself, a stand-in, a space or nothing."""
    if char == " " or ("a" <= char <= "z") or ("A" <= char <= "Z") or ("0" <= char <= "9"):
        return char
    category = unicodedata.category(char)
    if category == "Zs":
        return " "
    # Controls, invisible formatting (soft hyphen, zero-width space, byte order mark), private
    # use, unassigned, and accents left over after NFC, which have no letter to sit on.
    if category[0] in "CM":
        return ""
    if knows(char):
        return char
    for stand_in in (unicodedata.normalize("NFKC", char), _without_accents(char)):
        if stand_in and stand_in != char and all(c == " " or knows(c) for c in stand_in):
            return stand_in
    return ""


def _without_accents(char: str) -> str:
    return "".join(
        part
        for part in unicodedata.normalize("NFKD", char)
        if not unicodedata.category(part).startswith("M")
    )


class _Louis:
    """liblouis, loaded from one path. Call it only while holding _LOCK."""

    def __init__(self, path: str) -> None:
        lib = ctypes.CDLL(path)
        lib.lou_version.restype = ctypes.c_char_p
        lib.lou_charSize.restype = ctypes.c_int
        lib.lou_checkTable.argtypes = [ctypes.c_char_p]
        lib.lou_checkTable.restype = ctypes.c_int
        char_size = int(lib.lou_charSize())
        # widechar is 16 or 32 bits, chosen when liblouis was built (Debian's is 32).
        self._widechar: type[ctypes.c_uint16] | type[ctypes.c_uint32]
        if char_size == 4:
            self._widechar, self._codec, self.max_codepoint = ctypes.c_uint32, "utf-32-le", 0x10FFFF
        elif char_size == 2:
            self._widechar, self._codec, self.max_codepoint = ctypes.c_uint16, "utf-16-le", 0xFFFF
        else:
            raise OSError(f"liblouis has {char_size}-byte characters; expected 2 or 4.")
        wide_p = ctypes.POINTER(self._widechar)
        int_p = ctypes.POINTER(ctypes.c_int)
        lib.lou_translateString.argtypes = [
            ctypes.c_char_p,  # tableList
            wide_p,  # inbuf
            int_p,  # inlen: in, the input's length; out, how much was translated
            wide_p,  # outbuf
            int_p,  # outlen: in, the buffer's size; out, the output's length
            ctypes.c_void_p,  # typeform
            ctypes.c_void_p,  # spacing
            ctypes.c_int,  # mode
        ]
        lib.lou_translateString.restype = ctypes.c_int
        # liblouis logs to stderr by default; route its warnings and errors to our logging.
        self._log_callback = _LogCallback(_log_from_liblouis)
        lib.lou_registerLogCallback.argtypes = [_LogCallback]
        lib.lou_registerLogCallback(self._log_callback)
        lib.lou_setLogLevel.argtypes = [ctypes.c_int]
        lib.lou_setLogLevel(_LOG_WARN)
        self._lib = lib
        self.version = (lib.lou_version() or b"?").decode("ascii", "replace")
        self._tables_checked: set[str] = set()
        self._known: dict[tuple[str, str], bool] = {}

    def check_table(self, table: str) -> None:
        if table in self._tables_checked:
            return
        if not self._lib.lou_checkTable(table.encode()):
            raise FormatUnavailable(
                f"Braille is not available on this server: liblouis cannot load its braille "
                f"table {table} (Debian package liblouis-data)."
            )
        self._tables_checked.add(table)

    def knows(self, char: str) -> bool:
        """Whether the table gives this character any braille (asked once per character)."""
        if ord(char) > self.max_codepoint:
            return False
        key = (TABLE, char)
        known = self._known.get(key)
        if known is None:
            if len(self._known) >= 10_000:  # a bound for a long-lived worker fed odd text
                self._known.clear()
            known = self._known[key] = bool(self.translate(char))
        return known

    def translate(self, text: str) -> str:
        """Clean text (see _clean_char) as 6-dot Unicode braille, runs of blanks made one."""
        data = text.encode(self._codec)
        count = len(data) // ctypes.sizeof(self._widechar)
        if not count:
            return ""
        inbuf = (self._widechar * count).from_buffer_copy(data)
        capacity = 4 * count + 64
        # A full output buffer is not an error: liblouis stops early and says how much input
        # it used, so try again with more room. UEB rarely needs 4 cells a character.
        for _ in range(8):
            outbuf = (self._widechar * capacity)()
            inlen, outlen = ctypes.c_int(count), ctypes.c_int(capacity)
            ok = self._lib.lou_translateString(
                TABLE.encode(), inbuf, ctypes.byref(inlen), outbuf, ctypes.byref(outlen),
                None, None, _MODE,
            )  # fmt: skip
            if not ok:
                raise FormatUnavailable(
                    f"Braille is not available on this server: liblouis {self.version} could "
                    f"not translate with its table {TABLE}."
                )
            if inlen.value >= count:
                break
            capacity *= 2
        else:
            logger.warning("liblouis left %d of %d characters", count - inlen.value, count)
        return _six_dot_cells(outbuf[: outlen.value])


def _six_dot_cells(codes: Iterable[int]) -> str:
    """liblouis' output as 6-dot cells: dots 7 and 8 have no place on a 6-dot embosser."""
    cells = []
    for code in codes:
        if _BRAILLE_ROW <= code <= _BRAILLE_ROW + 0xFF:
            cells.append(chr(_BRAILLE_ROW | (code & 0x3F)))
        elif chr(code).isspace():
            cells.append(_BLANK)
    return _BLANK.join(filter(None, "".join(cells).split(_BLANK)))


def _log_from_liblouis(level: int, message: bytes | None) -> None:
    text = (message or b"").decode("utf-8", "replace")
    logger.log(logging.ERROR if level >= _LOG_ERROR else logging.WARNING, "liblouis: %s", text)


@functools.cache
def _found_liblouis() -> str:
    return ctypes.util.find_library("louis") or LIBLOUIS_SONAME


_LOADED: dict[str, _Louis] = {}


def _louis() -> _Louis:
    """liblouis with the table checked, loaded on first use. Hold _LOCK."""
    path = LIBLOUIS_PATH if LIBLOUIS_PATH is not None else _found_liblouis()
    louis = _LOADED.get(path)
    if louis is None:
        try:
            louis = _Louis(path)
        except (OSError, AttributeError) as error:  # no such file; not liblouis after all
            logger.info("liblouis did not load from %s: %s", path, error)
            raise FormatUnavailable(NOT_INSTALLED) from error
        _LOADED[path] = louis
    louis.check_table(TABLE)
    return louis
