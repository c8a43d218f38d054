"""Video and audio files: the duration that decides their credit, and WebVTT subtitles.

The duration is read from the file's content, never from its name or the uploader's word:
mutagen reads MP4/M4A, MP3, Ogg (Opus, Vorbis) and WAV; WebM (a Matroska file, which mutagen
does not read) is read here from its Segment Info (EBML: the Duration in TimecodeScale units), a
few small reads at the start of the file. No ffmpeg is needed on the server.
"""

from __future__ import annotations

import io
import math
import struct
from pathlib import Path
from typing import BinaryIO

import mutagen
from flask import current_app
from flask_babel import gettext as _

from learnapp.errors import DomainError

# Matroska/WebM element IDs (with their length marker, as written in the file).
_EBML, _SEGMENT, _INFO, _CLUSTER = 0x1A45DFA3, 0x18538067, 0x1549A966, 0x1F43B675
_TIMECODE_SCALE, _DURATION = 0x2AD7B1, 0x4489
_SUBTITLES_SIGNATURE = b"WEBVTT"


def media_max_bytes() -> int:
    """The largest video or audio file accepted (MEDIA_MAX_BYTES, default 2 GB)."""
    return int(current_app.config.get("MEDIA_MAX_BYTES", 2 * 1024 ** 3))


def subtitles_max_bytes() -> int:
    return int(current_app.config.get("MEDIA_SUBTITLES_MAX_BYTES", 1024 * 1024))


def duration_seconds(path: Path, content_type: str) -> int | None:
    """The media's duration in whole seconds (rounded), or None when the file does not tell."""
    try:
        if content_type == "video/webm":
            with path.open("rb") as stream:
                length = _webm_duration(stream)
        else:
            info = mutagen.File(path)
            length = info.info.length if info is not None and info.info is not None else None
    except (OSError, ValueError, struct.error, mutagen.MutagenError):
        return None
    if length is None or not math.isfinite(length) or length <= 0:
        return None
    return max(1, round(length))


def require_duration(path: Path, content_type: str) -> int:
    """duration_seconds, or a refusal naming the problem (a file whose length cannot be read
    cannot be credited by it)."""
    seconds = duration_seconds(path, content_type)
    if seconds is None:
        raise DomainError(_("The length of this video or audio file cannot be read from it; save it again as "
                            "MP4 (H.264), WebM, MP3, M4A or Opus and upload it again."), "file")
    return seconds


def _vint(stream: BinaryIO, keep_marker: bool) -> int | None:
    """An EBML variable-length integer (an element ID keeps its marker bit); None at the end or
    for a size of all ones (unknown)."""
    first = stream.read(1)
    if not first:
        return None
    byte = first[0]
    length = 1
    while length <= 8 and not byte & (0x80 >> (length - 1)):
        length += 1
    if length > 8:
        raise ValueError("not an EBML number")
    rest = stream.read(length - 1)
    if len(rest) != length - 1:
        return None
    value = byte if keep_marker else byte & (0xFF >> length)
    for b in rest:
        value = (value << 8) | b
    if not keep_marker and value == (1 << (7 * length)) - 1:
        return -1  # unknown size (a live stream's segment)
    return value


def _webm_duration(stream: BinaryIO) -> float | None:
    """Seconds of a WebM file, from the Duration in its Segment Info."""
    if _vint(stream, True) != _EBML:
        return None
    header = _vint(stream, False)
    if header is None or header < 0:
        return None
    stream.seek(header, 1)  # the EBML header's fields
    if _vint(stream, True) != _SEGMENT:
        return None
    _vint(stream, False)
    for _element in range(64):  # SeekHead, Void, Tracks ... before the Info
        element, size = _vint(stream, True), _vint(stream, False)
        if element is None or size is None or size < 0 or element == _CLUSTER:
            return None
        if element != _INFO:
            stream.seek(size, 1)
            continue
        info = stream.read(min(size, 64 * 1024))
        return _info_duration(info)
    return None


def _info_duration(info: bytes) -> float | None:
    stream = io.BytesIO(info)
    scale, duration = 1_000_000, None
    while stream.tell() < len(info):
        element, size = _vint(stream, True), _vint(stream, False)
        if element is None or size is None or size < 0:
            break
        data = stream.read(size)
        if element == _TIMECODE_SCALE:
            scale = int.from_bytes(data, "big")
        elif element == _DURATION and size in (4, 8):
            duration = struct.unpack(">f" if size == 4 else ">d", data)[0]
    return None if duration is None else duration * scale / 1e9


def is_subtitles(head: bytes) -> bool:
    """Whether the first bytes are a WebVTT file's (the signature, after an optional BOM)."""
    head = head.removeprefix(b"\xef\xbb\xbf")
    return head.startswith(_SUBTITLES_SIGNATURE) and (len(head) == 6 or head[6:7] in (b" ", b"\t", b"\n", b"\r"))


def check_subtitles(data: bytes) -> None:
    """A WebVTT file as the player needs it: UTF-8 text that starts with WEBVTT; else refused."""
    if len(data) > subtitles_max_bytes():
        raise DomainError(_("The subtitles file is larger than %(kb)d KB.", kb=subtitles_max_bytes() // 1024), "file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise DomainError(_("Subtitles must be a WebVTT file in UTF-8."), "file") from None
    if not is_subtitles(text.encode("utf-8")[:16]) or "\x00" in text:
        raise DomainError(_("Subtitles must be a WebVTT file in UTF-8."), "file")
