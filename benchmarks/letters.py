"""How long does each format of a letter take to make?

    .venv/bin/python benchmarks/letters.py [--runs 10]

One realistic letter (a repairs letter, about 360 words in the body, with a bulleted list,
signed by an officer) is made in every format, in one process, with no database (Django is
set up only for the PDF's template). In clear print (12 pt, line spacing 1.5) it fills two
pages: the page counts of every format are printed.

Each producer and each baseline is called once first, and that first call is timed on its
own: the first PDF loads WeasyPrint's fonts and styles, the first braille call loads
liblouis and its UEB table, the first audio call starts eSpeak NG. Then, over N runs,
taking turns so that a busy machine slows them all alike, median and slowest of:

- `letter_pdf`, standard (12 pt) and large print (16 pt): a tagged PDF/UA-1 file. Baseline:
  the same letter's HTML (`letter_html`, at the same size) printed by WeasyPrint as a plain
  PDF, without `pdf_variant`, with the same fetcher that fetches nothing. The ratio says
  what tagging (the structure tree, marked content, XMP metadata) costs;
- `brf_from_text` on `letter_text(letter)`: UEB grade 2 as a BRF file. Baseline: one
  liblouis translation of the same text in one call (the module's own `_Louis.translate`),
  with no cleaning, no line by line or postcode translation, no wrapping, pagination or
  Braille ASCII. The ratio says what our cleaning and layout cost;
- `mp3_from_text` on the same text: eSpeak NG speech as a 48 kbit/s MP3. Baselines: eSpeak
  NG's synthesis alone (the module's engine, PCM only) of the same speech script, and
  lameenc encoding alone of that PCM with the module's settings. The ratio against the
  synthesis says what the script and the MP3 encoding cost; audio seconds made per second
  of work are printed too.

Bytes of every output are printed. No budget is set for these: the script only prints.
"""

from __future__ import annotations

import argparse
import datetime
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caredesk.settings")

began_setup = time.perf_counter()
import django  # noqa: E402

django.setup()

from weasyprint import HTML  # type: ignore[import-untyped]  # noqa: E402
from weasyprint.urls import URLFetcher  # type: ignore[import-untyped]  # noqa: E402

from caredesk.documents.formats import audio, braille  # noqa: E402
from caredesk.documents.formats.audio import mp3_from_text, speech_script  # noqa: E402
from caredesk.documents.formats.braille import brf_from_text  # noqa: E402
from caredesk.documents.formats.pdf import letter_html, letter_pdf  # noqa: E402
from caredesk.documents.letters import Letter, Signature, letter_text  # noqa: E402

SETUP_SECONDS = time.perf_counter() - began_setup
LARGE_PRINT_PT = 16

BODY = """\
Thank you for telling us on 10 November about the damp and black mould in your bedroom
and bathroom. I am sorry that you and your children have had to live with it, and I want
to set out clearly what we will do and when.

Our surveyor, Mr Daniel Okafor, will visit your home on Tuesday 2 December between 9am
and 1pm. He will measure the damp in the walls, check the extractor fan in the bathroom,
look at the seals around the bedroom window and find out where the water is coming from.
The visit should take about an hour. Please make sure that:
- someone aged 18 or over is at home for the whole visit
- we can reach the bedroom wall behind the wardrobe and the wall behind the bath
- any pets are kept in another room
- you keep any photos you have taken of the mould, so that he can see how it has changed

If the surveyor finds that the mould is affecting your health, or that we need to take off
plaster, we will arrange for you to stay somewhere else while the work is done. We will pay
for your stay and for moving anything that needs to be moved, and we will agree the dates
with you first.

Within 10 working days of the visit, we will write to you with what the surveyor found,
what work is needed and when it will be done. Until then, it helps to open the bedroom
window for a few minutes each morning, to keep the bathroom door closed when you have a
bath or a shower, and to wipe away any water that gathers on the windows.

If you cannot be in on 2 December, please call me before the visit and we will find
another time that suits you. If the mould gets worse before then, or anyone in your home
becomes unwell, call us straight away on 0300 123 4567 and choose option 2: this line is
open day and night.

You can also ask for this letter in large print, in braille, as a recording or in another
language."""

LETTER = Letter(
    organisation_name="Harbour Homes Trust",
    organisation_address=("1 Quay Street", "Bristol", "BS1 4AA"),
    organisation_phone="0300 123 4567",
    organisation_email="help@harbourhomes.example",
    recipient_name="Ms Aisha Jones",
    recipient_address=("Flat 3, 12 Mill Lane", "Bristol", "BS2 9XY"),
    date=datetime.date(2026, 11, 23),
    reference="HHT-2026-000123",
    subject="Your report of damp and mould in your home",
    salutation="Dear Ms Jones,",
    body=BODY,
    signature=Signature(
        name="Sam Patel",
        post_title="Repairs Officer",
        phone="0300 123 4500",
        email="sam.patel@harbourhomes.example",
    ),
)


@dataclass
class Timed:
    label: str
    run: Callable[[], bytes]
    first: float = 0.0
    size: int = 0
    times: list[float] = field(default_factory=list)

    def call(self) -> float:
        began = time.perf_counter()
        output = self.run()
        seconds = time.perf_counter() - began
        self.size = len(output)
        return seconds


def plain_pdf(font_pt: int) -> bytes:
    """The baseline: the same HTML printed by WeasyPrint, untagged."""
    html = letter_html(LETTER, font_pt=font_pt)
    pdf: bytes = HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=())).write_pdf()
    return pdf


def pdf_pages(font_pt: int) -> int:
    html = letter_html(LETTER, font_pt=font_pt)
    return len(HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=())).render().pages)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    options = parser.parse_args()
    if options.runs < 2:
        parser.error("--runs must be 2 or more")

    text = letter_text(LETTER)
    script = speech_script(text)
    body_words = len(BODY.split())

    def raw_braille() -> bytes:
        with braille._LOCK:
            return braille._louis().translate(text).encode("utf-8")

    def synthesis() -> bytes:
        with audio._LOCK:
            return audio._engine().speak(
                script, words_per_minute=audio.WORDS_PER_MINUTE, voice=audio.VOICE
            )

    # Filled in by a synthesis just before the lameenc baseline's first call.
    pcm, sample_rate = b"", 0

    def encoding() -> bytes:
        lameenc = audio._lameenc()
        encoder = lameenc.Encoder()
        encoder.set_bit_rate(audio.BIT_RATE_KBPS)
        encoder.set_in_sample_rate(sample_rate)
        encoder.set_out_sample_rate(sample_rate)
        encoder.set_channels(1)
        encoder.set_quality(audio.LAME_QUALITY)
        encoder.silence()
        return bytes(encoder.encode(pcm)) + bytes(encoder.flush())

    rows = [
        Timed("letter_pdf, standard 12 pt", lambda: letter_pdf(LETTER)),
        Timed("  baseline: WeasyPrint untagged, 12 pt", lambda: plain_pdf(12)),
        Timed(
            f"letter_pdf, large print {LARGE_PRINT_PT} pt",
            lambda: letter_pdf(LETTER, large_print=True, large_print_pt=LARGE_PRINT_PT),
        ),
        Timed(
            f"  baseline: WeasyPrint untagged, {LARGE_PRINT_PT} pt",
            lambda: plain_pdf(LARGE_PRINT_PT),
        ),
        Timed("brf_from_text", lambda: brf_from_text(text)),
        Timed("  baseline: one liblouis translation", raw_braille),
        Timed("mp3_from_text", lambda: mp3_from_text(text)),
        Timed("  baseline: eSpeak NG synthesis (PCM)", synthesis),
        Timed("  baseline: lameenc encoding of the PCM", encoding),
    ]
    pdf, plain, large, plain_large, brf, louis, mp3, speech, lame = rows

    # The first calls, in this order: the first PDF pays for WeasyPrint's fonts.
    for row in rows:
        if row is lame:
            pcm = synthesis()
            with audio._LOCK:
                sample_rate = audio._engine().sample_rate
        row.first = row.call()
    for _ in range(options.runs):
        for row in rows:
            row.times.append(row.call())

    audio_seconds = len(pcm) / 2 / sample_rate
    brf_pages = brf_from_text(text).count(b"\f")
    standard_pages, large_pages = pdf_pages(12), pdf_pages(LARGE_PRINT_PT)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    def median(row: Timed) -> float:
        return statistics.median(row.times)

    print(
        f"letter formats benchmark, {date.today()}, {options.runs} runs on one letter "
        f"({body_words} words in the body, {len(text):,} characters as plain text)"
    )
    print(
        f"pages: standard PDF {standard_pages}, large print PDF {large_pages}, "
        f"BRF {brf_pages} (40 cells by 25 lines); audio {audio_seconds:.0f} s at "
        f"{audio.WORDS_PER_MINUTE} words a minute"
    )
    print(f"set-up once (django.setup, imports of WeasyPrint and caredesk): {SETUP_SECONDS:.2f} s")
    print(f"{'what':<44}{'first ms':>10}{'median ms':>11}{'slowest ms':>12}{'bytes':>11}")
    for row in rows:
        print(
            f"{row.label:<44}{row.first * 1000:>10.1f}{median(row) * 1000:>11.1f}"
            f"{max(row.times) * 1000:>12.1f}{row.size:>11,}"
        )
    print("(the liblouis baseline's bytes are its Unicode braille as UTF-8, not a BRF)")
    ratios = [
        ("letter_pdf standard / untagged", pdf, plain),
        ("letter_pdf large print / untagged", large, plain_large),
        ("large print / standard letter_pdf", large, pdf),
        ("brf_from_text / one liblouis translation", brf, louis),
        ("mp3_from_text / eSpeak NG synthesis", mp3, speech),
        ("mp3_from_text / lameenc encoding", mp3, lame),
    ]
    for label, ours, theirs in ratios:
        print(f"ratio {label}, median: {median(ours) / median(theirs):.2f}x")
    for label, row in (("mp3_from_text", mp3), ("eSpeak NG synthesis alone", speech)):
        print(
            f"{label}: {audio_seconds / median(row):.0f} audio seconds per second of work (median)"
        )
    print(f"peak RSS: {peak_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
