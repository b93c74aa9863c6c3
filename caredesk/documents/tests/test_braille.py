"""UEB grade 2 braille through liblouis, laid out as BRF.

Needs Debian's liblouis20 and liblouis-data, as production does: without them these tests fail
rather than skip, so a machine that lost them is noticed.
"""

from __future__ import annotations

import ctypes
import itertools
from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caredesk.documents.formats import FormatUnavailable, braille
from caredesk.documents.formats.braille import braille_available, braille_lines, brf_from_text

# liblouis' own expected translations, from tests/braille-specs/ in github.com/liblouis/liblouis,
# table en-ueb-g2.ctb. The specs write braille in lower-case North American Braille ASCII
# (display text_nabcc.dis): BRF is the same code in upper case, which also turns ` { | } ~
# into @ [ \ ] ^. Each pair: (print, braille as the spec file writes it).
LIBLOUIS_SPECS = [
    # en-ueb-10-07-contractions.yaml (commit e1d4660922569982b8253f48aba5486026dcf7b7)
    ("When will Will meet us?", ",:5 w ,w meet u8"),
    ("Every child from here knows Mr More.", ',e * f "h "ks ,mr ,m4'),
    ("That is quite fair and very just.", ",t is q fair & v j4"),
    ("with a knowledge of and respect for the rules", ") a k ( & respect = ! rules"),
    (
        "Thelma's roof will withstand the force of the wind and/or the rain.",
        ",!lma's ro( w )/& ! =ce ( ! w9d &_/or ! ra94",
    ),
    ("It was enough–more than enough.", ",x 0 5,-m ?an 5|<4"),
    ("Buy meat (enough for 2).", ',buy m1t "<5 = #b">4'),
    # en-ueb-08-capitalization.yaml (commit 0124424e17de9daa654eb83fb6d24baa4d8165fc)
    ("Today, Mr Will Just visited us.", ",td1 ,mr ,w ,j visit$ u4"),
    ("Please KEEP OFF THE GRASS in this area.", ",pl1se ,,,keep (f ! grass,' 9 ? >ea4"),
    ("Unified English Braille (UEB)", ',unifi$ ,5gli% ,brl "<,,ueb">'),
    ("Voyage À Nice", ",voyage ,~*a ,nice"),
    # en-ueb-03-symbols.yaml (commit e1d4660922569982b8253f48aba5486026dcf7b7)
    ("Marks & Spencer", ",m>ks `& ,sp;er"),
    ("€ and £ accepted", "`e & `l a3ept$"),
    ("£3m (3 million pounds)", '`l#cm "<#c million p.ds">'),
    ("Copyright © 2009", ',copy"r ~c #bjji'),
    # en-ueb-06-numeric_mode.yaml (commit 05f3937dca4cde97b61058c203a04ae4a2078e9b)
    ("£8.75", "`l#h4ge"),
    ("W1N 9LF", ",w#a,n #i,,lf"),
    ("7:30 a.m.", "#g3#cj a4m4"),
    ("phone: (61) 3 1234 5678", 'ph"o3 "<#fa"> #c"abcd"efgh'),
    ("He came 4th in the race.", ",he came #dth 9 ! race4"),
    # marked xfail there, as liblouis makes the space a numeric space; we translate each half
    ("N12 7BT", ",n#ab #g,,bt"),
]
NABCC_TO_BRF = str.maketrans("`{|}~abcdefghijklmnopqrstuvwxyz", "@[\\]^ABCDEFGHIJKLMNOPQRSTUVWXYZ")

LETTER = (
    "Mrs A Smith\n12 High Street\nLeeds\nLS1 1AA\n\n"
    "Dear Mrs Smith,\n\n"
    "Thank you for telling us about the damp in your bedroom. An officer will visit on "
    "Tuesday 4 March between 9am and 1pm. Your rent account shows £12.50 in credit.\n\n"
    "Yours sincerely,\n\nJane Doe\nHousing Officer\n"
)


def brf_lines(brf: bytes) -> list[list[bytes]]:
    """The pages of a BRF file as lists of lines, checking its framing on the way."""
    assert brf.endswith(b"\f")
    pages = brf.split(b"\f")[:-1]
    result = []
    for page in pages:
        assert page.endswith(b"\r\n")
        lines = page[:-2].split(b"\r\n")
        assert all(b"\r" not in line and b"\n" not in line for line in lines)
        result.append(lines)
    return result


@pytest.mark.parametrize(("text", "expected"), LIBLOUIS_SPECS)
def test_liblouis_own_expected_translations(text, expected):
    brf = brf_from_text(text, cells_per_line=200)
    assert brf == expected.translate(NABCC_TO_BRF).encode("ascii") + b"\r\n\f"


@pytest.mark.parametrize(
    "text",
    # Not postcodes, where we part from liblouis on purpose (see braille._translate_line).
    [text for text, _ in LIBLOUIS_SPECS if not braille._POSTCODE.search(text)]
    + [LETTER.split("\n\n", 1)[1]],
)
def test_brf_is_what_liblouis_gives_with_its_brf_display_table(text):
    """The one place BRF is ours, BRAILLE_ASCII, against en-us-brf.dis, sentence by sentence."""
    ours = brf_from_text(text, cells_per_line=1000, lines_per_page=1000)
    theirs = [louis_with_display_table(line) for line in text.splitlines()]
    assert ours == "".join(line + "\r\n" for line in theirs).encode() + b"\f"


def test_braille_ascii_is_en_us_brf_dis_for_every_cell():
    cells = "".join(chr(0x2800 + dots) for dots in range(64))
    assert louis_dots_to_chars("en-us-brf.dis", cells) == braille.BRAILLE_ASCII


def test_unicode_braille_lines():
    assert braille_lines("When will Will meet us?\n\n\n\nTake enough.") == [
        "⠠⠱⠢⠀⠺⠀⠠⠺⠀⠍⠑⠑⠞⠀⠥⠦",
        "",
        "⠠⠞⠁⠅⠑⠀⠢⠳⠣⠲",
    ]


def test_a_letter_keeps_its_lines_and_paragraphs():
    (page,) = brf_lines(brf_from_text(LETTER))
    assert page[:5] == [b",MRS ,A ,SMI?", b"#AB ,HI< ,/REET", b",LE$S", b",,LS#A #A,,AA", b""]
    assert page[5] == b",DE> ,MRS ,SMI?1"
    assert page[-3:] == [b"", b",JANE ,DOE", b",H\\S+ ,(FIC]"]
    assert b"" in page[6:-3]
    assert all(len(line) <= 40 for line in page)


def test_long_lines_wrap_between_words():
    text = LIBLOUIS_SPECS[4][0]  # 44 cells in braille
    (page,) = brf_lines(brf_from_text(text))
    assert page == [b",!LMA'S RO( W )/& ! =CE ( ! W9D &_/OR !", b"RA94"]
    (narrow,) = brf_lines(brf_from_text(text, cells_per_line=12))
    assert b" ".join(narrow) == b" ".join(page)
    assert max(map(len, narrow)) <= 12


def test_a_word_longer_than_a_line_is_cut_at_the_margin():
    (line,) = braille_lines("see www.example.org/a/very/long/path/to/the/page/you/want")
    (page,) = brf_lines(brf_from_text("see www.example.org/a/very/long/path/to/the/page/you/want"))
    assert page[0] == b"SEE"
    assert [len(row) for row in page[1:-1]] == [40] * (len(page) - 2)
    assert b"".join(page[1:]).decode() == line.split("⠀")[1].translate(braille._TO_BRF)


def test_pages_hold_lines_per_page_and_no_gap_at_the_top():
    text = "\n".join(f"Line {number}" for number in range(1, 31))
    pages = brf_lines(brf_from_text(text, lines_per_page=25))
    assert [len(page) for page in pages] == [25, 5]
    # Paragraphs of 2 lines on pages of 5: the gap before the third falls at a page's end.
    text = "\n\n".join(f"Flat {n}\nRoom {n}" for n in range(1, 4))
    pages = brf_lines(brf_from_text(text, lines_per_page=5))
    assert pages == [
        [b",FLAT #A", b",ROOM #A", b"", b",FLAT #B", b",ROOM #B"],
        [b",FLAT #C", b",ROOM #C"],
    ]


@pytest.mark.parametrize("text", ["", "   ", "\n\n\t\n", "\x00\x01\u200b", "😀🏠", "\ud800"])
def test_nothing_to_emboss_gives_an_empty_file(text):
    assert brf_from_text(text) == b""


def test_controls_invisibles_and_emoji_are_dropped():
    assert brf_from_text("rent\x00 is\u200b due\u00ad 😀\x1b") == brf_from_text("rent is due")
    assert brf_from_text("rent\u00a0is\tdue\r\nnow") == brf_from_text("rent is due\nnow")


def test_characters_the_table_lacks_fall_back():
    # ę and ż have no UEB sign in liblouis: their letters stand in; ó and ł have signs.
    assert braille_lines("Wałęsa Żółć") == braille_lines("Wałesa Zółć")
    # Others have a compatibility form (NFKC) the table knows.
    assert braille_lines("Ⅻ 𝐁𝐨𝐥𝐝") == braille_lines("XII Bold")


@pytest.mark.parametrize(("cells", "lines"), [(0, 25), (40, 0), (-1, -1)])
def test_page_size_must_be_positive(cells, lines):
    with pytest.raises(ValueError, match="at least 1 cell"):
        brf_from_text("Hello", cells_per_line=cells, lines_per_page=lines)


any_text = st.text(
    alphabet=st.characters(exclude_categories=()),  # surrogates, controls and all
    max_size=300,
)
letter_like_text = st.lists(
    st.sampled_from(
        [
            "rent", "£12.50", "Mrs", "O'Neil", "THE", "www.example.org/a/b/c/d/e/f/g/h",
            "“quoted”", "café", "4th", "and", "the", "\n", "\n\n", " ", "–", "😀", "\x00",
            "supercalifragilisticexpialidocious-and-then-some-more",
        ]
    ),
    max_size=120,
).map(" ".join)  # fmt: skip


@given(
    text=st.one_of(any_text, letter_like_text),
    cells_per_line=st.integers(min_value=1, max_value=60),
    lines_per_page=st.integers(min_value=1, max_value=30),
)
def test_any_text_gives_a_well_formed_brf(text, cells_per_line, lines_per_page):
    brf = brf_from_text(text, cells_per_line=cells_per_line, lines_per_page=lines_per_page)
    assert all(0x20 <= byte <= 0x5F or byte in b"\r\n\f" for byte in brf)
    if not brf:
        return
    for page in brf_lines(brf):
        assert 1 <= len(page) <= lines_per_page
        assert page[0] != b"", "a gap at the top of a page"
        assert page[-1] != b"", "a gap at the bottom of a page"
        assert all(len(line) <= cells_per_line for line in page)
        assert all(line == line.strip() for line in page)
        assert all(a or b for a, b in itertools.pairwise(page)), "two gaps in a row"


def test_without_liblouis_braille_is_unavailable(monkeypatch):
    monkeypatch.setattr(braille, "LIBLOUIS_PATH", "/nonexistent/liblouis.so.20")
    assert braille_available() is False
    with pytest.raises(FormatUnavailable) as raised:
        brf_from_text("Hello")
    assert raised.value.code == "format_unavailable"
    assert raised.value.message == (
        "Braille is not available on this server: liblouis is not installed "
        "(Debian packages liblouis20 and liblouis-data)."
    )


def test_without_the_table_braille_is_unavailable(monkeypatch):
    monkeypatch.setattr(braille, "TABLE", "no-such-table.ctb")
    assert braille_available() is False
    with pytest.raises(FormatUnavailable, match=r"no-such-table\.ctb .*liblouis-data"):
        brf_from_text("Hello")


def test_braille_is_available_here():
    assert braille_available() is True


# liblouis called directly, with the display table, to hold our BRF to its own.


def _liblouis() -> ctypes.CDLL:
    """A handle of our own on the same liblouis, so the module's signatures stay as they are."""
    assert braille_available()
    lib = ctypes.CDLL(braille._found_liblouis())
    lib.lou_translateString.argtypes = [
        ctypes.c_char_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p,
        ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int,
    ]  # fmt: skip
    lib.lou_dotsToChar.argtypes = [
        ctypes.c_char_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int, ctypes.c_int,
    ]  # fmt: skip
    return lib


def louis_with_display_table(text: str) -> str:
    lib = _liblouis()
    data = text.encode("utf-32-le")
    count = len(text)
    inbuf = (ctypes.c_uint32 * count).from_buffer_copy(data)
    outbuf = (ctypes.c_uint32 * (count * 8))()
    inlen, outlen = ctypes.c_int(count), ctypes.c_int(count * 8)
    tables = f"en-us-brf.dis,{braille.TABLE}".encode()
    with braille._LOCK:
        ok = lib.lou_translateString(
            tables, inbuf, ctypes.byref(inlen), outbuf, ctypes.byref(outlen), None, None, 0
        )
    assert ok
    assert inlen.value == count
    return "".join(map(chr, outbuf[: outlen.value])).strip()


def louis_dots_to_chars(table: str, cells: str) -> str:
    lib = _liblouis()
    inbuf = (ctypes.c_uint32 * len(cells))(*map(ord, cells))
    outbuf = (ctypes.c_uint32 * len(cells))()
    with braille._LOCK:
        assert lib.lou_dotsToChar(table.encode(), inbuf, outbuf, len(cells), 0)
    return "".join(map(chr, outbuf))


def test_threads_get_the_same_braille():
    """liblouis is not thread-safe; the module's lock makes it so for a worker's threads."""
    texts = [text for text, _ in LIBLOUIS_SPECS] * 3
    expected = [brf_from_text(text) for text in texts]
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(brf_from_text, texts)) == expected
