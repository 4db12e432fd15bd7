"""The HTTP protocol `serve` and `member serve` run uvicorn with: a request it cannot read is
answered in words."""

from __future__ import annotations

from culturecoop.i18n import gettext_in


def _(message: str) -> str:
    """Mark ``message`` for the catalog (``cli.po``): it is said in both languages, whatever the process's."""
    return message


# What the server answers a request it cannot read (headers over h11's 16 KB, often a browser's cookies
# piled up, or malformed), where uvicorn says a bare "Invalid HTTP request received.": the reader's
# language is unknown (its headers were not read), so both.
UNREADABLE_REQUEST = _("This request could not be read: its headers are too large (often too many cookies for this "
                       "site) or malformed. Delete this site's cookies in your browser, then load the page again.")


def explained_http() -> type:
    """uvicorn's HTTP protocol, its refusal of an unreadable request said in words."""
    import h11
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class ExplainedH11Protocol(H11Protocol):
        refused = False

        def send_400_response(self, msg: str) -> None:
            text = "\n\n".join(dict.fromkeys(gettext_in(UNREADABLE_REQUEST, language) for language in ("fr", "en")))
            body = (text + "\n").encode("utf-8")
            headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode()),
                       (b"connection", b"close")]
            for event in (h11.Response(status_code=400, headers=headers, reason=b"Bad Request"), h11.Data(data=body),
                          h11.EndOfMessage()):
                self.transport.write(self.conn.send(event))
            # Closed with the rest of the request unread, the socket would be reset and the browser would
            # lose the answer: the rest is read and dropped until the browser closes (at most 5 s).
            self.refused = True
            self.transport.write_eof()
            self.loop.call_later(5, self.transport.close)

        def data_received(self, data: bytes) -> None:
            if not self.refused:
                super().data_received(data)

    return ExplainedH11Protocol
