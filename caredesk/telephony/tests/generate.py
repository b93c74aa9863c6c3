"""Generated Asterisk files of any size, with known numbers of each kind of row."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

START = datetime(2025, 4, 1, 8, 0)  # 85 days of calls, no clock change


@dataclass(frozen=True)
class Expected:
    rows: int
    calls: int
    duplicates: int
    refused: int
    voicemails: int
    measured: int  # calls measured against the phone standards


def write_master_csv(path: Path, rows: int) -> Expected:
    """Every 500th row repeats the one before, every 1000th has a bad date, every
    2000th is a voicemail; the rest are answered (odd rows) or abandoned (even rows)."""
    calls = duplicates = refused = voicemails = 0
    previous = ""
    with path.open("w", encoding="utf-8") as file:
        for n in range(1, rows + 1):
            if n % 500 == 0 and previous:
                file.write(previous)
                duplicates += 1
                continue
            start = START + timedelta(seconds=37 * n)
            stamp = f"{start:%Y-%m-%d %H:%M:%S}"
            wait = n % 17
            answer = f"{start + timedelta(seconds=wait):%Y-%m-%d %H:%M:%S}"
            end = f"{start + timedelta(seconds=wait + 60):%Y-%m-%d %H:%M:%S}"
            if n % 1000 == 1:
                stamp = "2025-02-30 10:00:00"
                refused += 1
            else:
                calls += 1
            if n % 2000 == 7:
                app, disposition = "VoiceMail", "ANSWERED"
                voicemails += 1
            elif n % 2:
                app, disposition = "Queue", "ANSWERED"
            else:
                app, disposition, answer = "Queue", "NO ANSWER", ""
            previous = (
                f'"","0770090{n % 10000:04d}","01928700000","from-external",'
                f'"""Caller {n}, Test"" <0770090{n % 10000:04d}>","SIP/trunk-{n:08x}",'
                f'"SIP/{2000 + n % 20}-{n:08x}","{app}","repairs,t,,,300","{stamp}",'
                f'"{answer}","{end}",{wait + 60},60,"{disposition}","DOCUMENTATION",'
                f'"1740000000.{n}",""\n'
            )
            file.write(previous)
    return Expected(
        rows=rows,
        calls=calls,
        duplicates=duplicates,
        refused=refused,
        voicemails=voicemails,
        measured=calls - voicemails,
    )
