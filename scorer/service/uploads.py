"""Streaming multipart uploads into the server's own folder, refused past the size limit without being stored whole.

The client's file name is kept for display only (sanitised); the file on disk gets
a generated name (``<uuid>.<ext>`` with a known video extension, else ``.bin``)
under the uploads folder, so no client input ever becomes a path.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from python_multipart.multipart import MultipartParser, parse_options_header

VIDEO_EXTENSIONS = (".mp4", ".mov", ".m4v", ".mkv", ".webm", ".avi", ".flv", ".ts", ".mts", ".3gp", ".gif", ".mpg",
                    ".mpeg", ".wmv")
MAX_FIELD_BYTES = 64 * 1024   # text fields (niche, product, title, lang)
FILE_FIELD = "file"


class UploadError(Exception):
    """A refused upload: HTTP ``status`` and a one-line ``message``."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class Upload:
    """A received upload: the file on disk (generated name), the client's name for display, and the text fields."""

    path: Path | None = None
    display_name: str = ""
    size: int = 0
    fields: dict[str, str] = field(default_factory=dict)

    def remove(self) -> None:
        if self.path is not None:
            self.path.unlink(missing_ok=True)


def display_name(raw: str) -> str:
    """The client's file name reduced to a safe label: last path part, printable, at most 120 characters."""
    name = re.split(r"[\\/]", raw)[-1]
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"|?*').strip(" .")
    return name[:120] or "upload"


def _extension(name: str) -> str:
    ext = os.path.splitext(name)[1].lower()
    return ext if ext in VIDEO_EXTENSIONS else ".bin"


async def receive(content_type: str | None, content_length: str | None, body: AsyncIterator[bytes], folder: Path,
                  max_bytes: int) -> Upload:
    """Parse a ``multipart/form-data`` body from ``body`` chunks; the ``file`` part is written under ``folder``.

    Raises:
        UploadError: 413 when the declared or received size passes ``max_bytes`` (the partial file is removed
            at once), 415 when the body is not multipart, 400 when it is malformed or has no ``file`` part.
    """
    if content_length is not None:
        try:
            declared = int(content_length)
        except ValueError:
            raise UploadError(400, "bad Content-Length header.") from None
        if declared > max_bytes + MAX_FIELD_BYTES * 8:
            raise UploadError(413, f"upload of {declared / 1e6:.1f} MB is over the limit of {max_bytes / 1e6:g} MB.")
    kind, params = parse_options_header(content_type or "")
    if kind != b"multipart/form-data" or b"boundary" not in params:
        raise UploadError(415, "send the video as multipart/form-data with a 'file' field.")
    folder.mkdir(parents=True, exist_ok=True)
    sink = _FormSink(folder, max_bytes)
    parser = MultipartParser(params[b"boundary"], callbacks=sink.callbacks())  # type: ignore[arg-type]
    try:
        async for chunk in body:
            parser.write(chunk)
        parser.finalize()
    except UploadError:
        sink.abandon()
        raise
    except Exception as exc:  # noqa: BLE001 - a malformed body from the client
        sink.abandon()
        raise UploadError(400, f"malformed multipart body ({type(exc).__name__}).") from None
    if sink.handle is not None:
        sink.abandon()
        raise UploadError(400, "the upload ended before the file did.")
    if sink.upload.path is None:
        raise UploadError(400, "no 'file' field in the form: send the video as the 'file' part.")
    return sink.upload


class _FormSink:
    """python-multipart callbacks: the file part streams to disk, text fields are kept (each bounded)."""

    def __init__(self, folder: Path, max_bytes: int) -> None:
        self.folder, self.max_bytes = folder, max_bytes
        self.upload = Upload()
        self.handle: BinaryIO | None = None
        self._field: bytes = b""
        self._headers: dict[bytes, bytes] = {}
        self._name: bytes = b""
        self._value = bytearray()

    def callbacks(self) -> dict[str, object]:
        return {"on_header_field": self.on_header_field, "on_header_value": self.on_header_value,
                "on_header_end": self.on_header_end, "on_headers_finished": self.on_headers_finished,
                "on_part_data": self.on_part_data, "on_part_end": self.on_part_end}

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._field += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        key = self._field.lower()
        self._headers[key] = self._headers.get(key, b"") + data[start:end]

    def on_header_end(self) -> None:
        self._field = b""

    def on_headers_finished(self) -> None:
        _, disposition = parse_options_header(self._headers.get(b"content-disposition", b""))
        self._name = disposition.get(b"name", b"")
        filename = disposition.get(b"filename")
        if self._name == FILE_FIELD.encode() and filename is not None:
            if self.upload.path is not None:
                raise UploadError(400, "send one 'file' per request.")
            label = display_name(filename.decode("utf-8", "replace"))
            self.upload.display_name = label
            self.upload.path = self.folder / f"{uuid.uuid4().hex}{_extension(label)}"
            self.handle = self.upload.path.open("xb")

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self.handle is not None:
            self.upload.size += end - start
            if self.upload.size > self.max_bytes:
                raise UploadError(413, f"upload is over the limit of {self.max_bytes / 1e6:g} MB.")
            self.handle.write(data[start:end])
            return
        self._value += data[start:end]
        if len(self._value) > MAX_FIELD_BYTES:
            raise UploadError(413, f"form field {self._name.decode('utf-8', 'replace')!r} is too long.")

    def on_part_end(self) -> None:
        if self.handle is not None:
            self.handle.close()
            self.handle = None
        elif self._name:
            self.upload.fields[self._name.decode("utf-8", "replace")] = self._value.decode("utf-8", "replace")
        self._value, self._headers, self._name = bytearray(), {}, b""

    def abandon(self) -> None:
        """Close and remove a partly written file."""
        if self.handle is not None:
            self.handle.close()
            self.handle = None
        self.upload.remove()
