"""A tiny local SMTP server for tests: accepts every message and keeps it. Never a real server."""

from __future__ import annotations

import socketserver
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage


class _Handler(socketserver.StreamRequestHandler):
    def reply(self, line: str) -> None:
        self.wfile.write((line + "\r\n").encode())

    def handle(self) -> None:
        sink: SMTPSink = self.server.sink  # type: ignore[attr-defined]
        self.reply("220 sink ready")
        rcpt: list[str] = []
        while True:
            line = self.rfile.readline()
            if not line:
                return
            command = line.decode("utf-8", "replace").strip()
            verb = command.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250 sink")
            elif verb == "MAIL":
                rcpt = []
                self.reply("250 ok")
            elif verb == "RCPT":
                address = command.split(":", 1)[1].strip().strip("<>")
                if address in sink.refuse:
                    self.reply("550 no such user")
                else:
                    rcpt.append(address)
                    self.reply("250 ok")
            elif verb == "DATA":
                self.reply("354 end with .")
                data = bytearray()
                while True:
                    chunk = self.rfile.readline()
                    if chunk in (b".\r\n", b".\n", b""):
                        break
                    data += chunk[1:] if chunk.startswith(b"..") else chunk
                sink.messages.append(message_from_bytes(bytes(data), policy=policy.default))
                self.reply("250 queued")
            elif verb == "RSET":
                rcpt = []
                self.reply("250 ok")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 ok")


class _Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


class SMTPSink:
    """Start with `with SMTPSink() as sink:`; `sink.port`, `sink.messages`, `sink.refuse` (addresses)."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse: set[str] = set()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.sink = self  # type: ignore[attr-defined]
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> SMTPSink:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
