"""A worker process that seals e-mails to the campaign public key (see ``ingest.pseudonymize``).

Protocol: standard input is the public key in hex on the first line, then one e-mail per line
(normalized e-mails hold no whitespace); standard output is the sealed boxes concatenated in
the same order (each is exactly ``len(email) + 48`` bytes, so no framing is needed). It
imports nothing but PyNaCl, so it starts in a fraction of a second.
"""

from __future__ import annotations

import sys

from nacl.public import PublicKey, SealedBox


def main() -> None:
    data = sys.stdin.buffer.read().split(b"\n")
    box = SealedBox(PublicKey(bytes.fromhex(data[0].decode("ascii"))))
    out = sys.stdout.buffer
    out.write(b"".join(box.encrypt(email) for email in data[1:] if email))
    out.flush()


if __name__ == "__main__":
    main()
