"""A letter read aloud by eSpeak NG, as an MP3 file.

eSpeak NG comes from the PyPI package espeakng-loader, which bundles the library and its voice
data (else Debian's libespeak-ng1 is used, if installed); it is bound here with ctypes and
asked for 16-bit PCM, which lameenc encodes as MP3: mono, at eSpeak's own rate (22050 Hz),
48 kbit/s constant bit rate, plenty for speech and about 360 KB a minute.

eSpeak keeps one engine for the whole process and is not thread-safe: it is set up once, on
first use, and every call into it holds a lock. Encoding runs outside the lock.

Each line of the letter is read as a phrase: a line that does not end in punctuation gets a
comma, or a full stop at the end of a paragraph, so an address is read "12 High Street,
Leeds," and not run together. Text with nothing to read (empty, spaces, control characters)
raises EmptyText rather than giving a silent file.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import importlib
import logging
import re
import threading
import unicodedata
from dataclasses import dataclass
from types import ModuleType

from caredesk.documents.formats import EmptyText, FormatUnavailable

logger = logging.getLogger(__name__)

# Where libespeak-ng and its data are: None takes espeakng-loader's, else the system's. A test
# points the library at a file that does not exist to see the FormatUnavailable path.
ESPEAK_LIBRARY_PATH: str | None = None
ESPEAK_DATA_PATH: str | None = None

WORDS_PER_MINUTE = 150  # a little slower than eSpeak's 175: letters hold dates and sums
MIN_WORDS_PER_MINUTE = 80  # eSpeak's own limits
MAX_WORDS_PER_MINUTE = 450
VOICE = "en-gb"
# A voice file or language as eSpeak names them ("en-gb", "gmw/en-GB-x-rp", "en-gb+f3"): no
# dots, so never a path out of eSpeak's data.
_VOICE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_+/-]{0,63}")
BIT_RATE_KBPS = 48
LAME_QUALITY = 5  # LAME's default: 2 is its best, at twice the time, and no better for speech

NOT_INSTALLED = (
    "Audio is not available on this server: eSpeak NG could not be loaded "
    "(PyPI package espeakng-loader, or Debian package libespeak-ng1)."
)

# speak_lib.h
_AUDIO_OUTPUT_SYNCHRONOUS = 2  # PCM comes back to our callback; Synth returns when done
_INITIALIZE_DONT_EXIT = 0x8000  # without it eSpeak exits the process when data is missing
_BUFFER_MS = 200
_POS_CHARACTER = 1
_CHARS_UTF8 = 1
_ENDPAUSE = 0x1000
_RATE = 1
_EE_OK = 0

_SynthCallback = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
)


class _Voice(ctypes.Structure):
    """espeak_VOICE, to ask for a voice by language ("en-gb") when no voice has that name."""

    _fields_ = [
        ("name", ctypes.c_char_p),
        ("languages", ctypes.c_char_p),
        ("identifier", ctypes.c_char_p),
        ("gender", ctypes.c_ubyte),
        ("age", ctypes.c_ubyte),
        ("variant", ctypes.c_ubyte),
        ("xx1", ctypes.c_ubyte),
        ("score", ctypes.c_int),
        ("spare", ctypes.c_void_p),
    ]


_LOCK = threading.Lock()


def audio_available() -> bool:
    """Whether this server can make audio: eSpeak NG starts and lameenc imports."""
    try:
        _lameenc()
        with _LOCK:
            _engine()
    except FormatUnavailable:
        return False
    return True


def mp3_from_text(
    text: str, *, words_per_minute: int = WORDS_PER_MINUTE, voice: str = VOICE
) -> bytes:
    """The text read aloud, as an MP3 file (mono, 48 kbit/s).

    `voice` is an eSpeak voice or language: "en-gb" (the default), "en-gb-x-rp", "en-gb-scotland",
    "cy". Raises EmptyText if there is nothing to read, FormatUnavailable if eSpeak NG, lameenc
    or the voice is not installed, and ValueError for a rate outside 80 to 450 words a minute
    or a voice name that is not one.
    """
    if not MIN_WORDS_PER_MINUTE <= words_per_minute <= MAX_WORDS_PER_MINUTE:
        raise ValueError(
            f"Speech must be {MIN_WORDS_PER_MINUTE} to {MAX_WORDS_PER_MINUTE} words a minute, "
            f"not {words_per_minute}."
        )
    if not _VOICE_NAME.fullmatch(voice):
        raise ValueError(f"{voice!r} is not an eSpeak voice name such as 'en-gb'.")
    script = speech_script(text)
    if not script:
        raise EmptyText("There is no text to read aloud: the letter is empty.")
    lameenc = _lameenc()
    with _LOCK:
        engine = _engine()
        pcm = engine.speak(script, words_per_minute=words_per_minute, voice=voice)
    if not pcm:  # eSpeak had nothing to say for it ("–", say): a moment of silence, not no file
        pcm = bytes(engine.sample_rate // 4 * 2)
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(BIT_RATE_KBPS)
    encoder.set_in_sample_rate(engine.sample_rate)
    encoder.set_out_sample_rate(engine.sample_rate)
    encoder.set_channels(1)
    encoder.set_quality(LAME_QUALITY)
    encoder.silence()
    return bytes(encoder.encode(pcm)) + bytes(encoder.flush())


def speech_script(text: str) -> str:
    """The text as eSpeak is given it: clean Unicode, a phrase a line, "" if nothing to read."""
    paragraphs: list[list[str]] = [[]]
    for raw in unicodedata.normalize("NFC", text).splitlines():
        line = " ".join("".join(_speakable(char) for char in raw).split())
        if line:
            paragraphs[-1].append(line)
        elif paragraphs[-1]:
            paragraphs.append([])
    phrases = []
    for paragraph in filter(None, paragraphs):
        for number, line in enumerate(paragraph, start=1):
            ends_paragraph = number == len(paragraph)
            if not unicodedata.category(line[-1]).startswith("P") or line[-1] in "([{":
                line += "." if ends_paragraph else ","
            phrases.append(line + ("\n\n" if ends_paragraph else "\n"))
    return "".join(phrases).strip()


def _speakable(char: str) -> str:
    """Whitespace becomes a space; controls, surrogates and invisible characters go."""
    if char.isspace():
        return " "
    if unicodedata.category(char) in {"Cc", "Cf", "Cs", "Co", "Cn"}:
        return ""
    return char


@dataclass
class _Engine:
    """The process's eSpeak NG, set up. Call it only while holding _LOCK."""

    lib: ctypes.CDLL
    sample_rate: int
    callback: object  # the ctypes callback: it must live as long as eSpeak may call it
    chunks: list[bytes]

    def speak(self, script: str, *, words_per_minute: int, voice: str) -> bytes:
        """16-bit mono PCM at sample_rate."""
        self._set_voice(voice)
        self.lib.espeak_SetParameter(_RATE, words_per_minute, 0)
        data = script.encode("utf-8") + b"\0"
        self.chunks.clear()
        status = self.lib.espeak_Synth(
            data, len(data), 0, _POS_CHARACTER, 0, _CHARS_UTF8 | _ENDPAUSE, None, None
        )
        pcm = b"".join(self.chunks)
        self.chunks.clear()
        if status != _EE_OK:
            raise FormatUnavailable(f"eSpeak NG could not read the letter (error {status}).")
        return pcm

    def _set_voice(self, voice: str) -> None:
        # By name first ("en-gb-x-rp" is a voice file); "en-gb" is only a language of the
        # voice file "en", so then ask for the best voice for that language.
        name = voice.encode("ascii")
        if self.lib.espeak_SetVoiceByName(name) == _EE_OK:
            return
        wanted = _Voice(languages=name)
        if self.lib.espeak_SetVoiceByProperties(ctypes.byref(wanted)) == _EE_OK:
            return
        raise FormatUnavailable(
            f"Audio in the voice {voice!r} is not available on this server: "
            f"eSpeak NG has no such voice or language."
        )


_ENGINES: dict[str, _Engine] = {}


def _engine() -> _Engine:
    """eSpeak NG, started on first use. Hold _LOCK."""
    library, data = _espeak_paths()
    engine = _ENGINES.get(library)
    if engine is None:
        engine = _ENGINES[library] = _start(library, data)
    return engine


def _espeak_paths() -> tuple[str, str | None]:
    if ESPEAK_LIBRARY_PATH is not None:
        return ESPEAK_LIBRARY_PATH, ESPEAK_DATA_PATH
    try:
        loader = importlib.import_module("espeakng_loader")
        return str(loader.get_library_path()), str(loader.get_data_path())
    except (ImportError, RuntimeError):  # not installed; installed without its data
        found = ctypes.util.find_library("espeak-ng")
        return found or "libespeak-ng.so.1", ESPEAK_DATA_PATH


def _start(library: str, data: str | None) -> _Engine:
    try:
        lib = ctypes.CDLL(library)
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_Initialize.restype = ctypes.c_int
        lib.espeak_SetSynthCallback.argtypes = [_SynthCallback]
        lib.espeak_SetSynthCallback.restype = None
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetVoiceByName.restype = ctypes.c_int
        lib.espeak_SetVoiceByProperties.argtypes = [ctypes.POINTER(_Voice)]
        lib.espeak_SetVoiceByProperties.restype = ctypes.c_int
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_SetParameter.restype = ctypes.c_int
        lib.espeak_Synth.argtypes = [
            ctypes.c_char_p,  # text
            ctypes.c_size_t,  # size
            ctypes.c_uint,  # position
            ctypes.c_int,  # position_type
            ctypes.c_uint,  # end_position
            ctypes.c_uint,  # flags
            ctypes.c_void_p,  # unique_identifier
            ctypes.c_void_p,  # user_data
        ]
        lib.espeak_Synth.restype = ctypes.c_int
    except (OSError, AttributeError) as error:  # no such file; not eSpeak NG after all
        logger.info("eSpeak NG did not load from %s: %s", library, error)
        raise FormatUnavailable(NOT_INSTALLED) from error
    path = data.encode() if data else None
    sample_rate = lib.espeak_Initialize(
        _AUDIO_OUTPUT_SYNCHRONOUS, _BUFFER_MS, path, _INITIALIZE_DONT_EXIT
    )
    if sample_rate <= 0:
        raise FormatUnavailable(
            "Audio is not available on this server: eSpeak NG started without its voice data "
            f"(looked in {data or 'its default place'})."
        )
    chunks: list[bytes] = []

    def collect(wav: ctypes._Pointer[ctypes.c_short], samples: int, events: int | None) -> int:
        if wav and samples > 0:
            chunks.append(ctypes.string_at(wav, samples * ctypes.sizeof(ctypes.c_short)))
        return 0  # go on

    callback = _SynthCallback(collect)
    lib.espeak_SetSynthCallback(callback)
    return _Engine(lib=lib, sample_rate=sample_rate, callback=callback, chunks=chunks)


def _lameenc() -> ModuleType:
    try:
        return importlib.import_module("lameenc")
    except ImportError as error:
        raise FormatUnavailable(
            "Audio is not available on this server: the MP3 encoder is not installed "
            "(PyPI package lameenc)."
        ) from error
