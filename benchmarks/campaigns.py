"""Campaign sender benchmark: 100,000 recipients decrypted and sent to an SMTP server on loopback.

A warehouse of one member with ``--recipients`` patrons (sealed contacts, marketing consent,
linked) and a saved audience of all of them is written directly (building audiences is not what
is measured), then a campaign with the smallest holdout (5 %) is created and sent by the real
command, ``culturecoop campaigns send --rate 0``, in its own process: eligibility, opening each
sealed contact, rendering the message in the person's language with RFC 8058 headers and a
signed unsubscribe link, SMTP, the journal and the recorded sends.

Baseline, in the same run and against the same server: a bare ``smtplib`` loop in its own
process sending the same number of messages of the same size, addresses already in clear and
the message a fixed template (the floor of any sender). The server is aiosmtpd's ``Sink`` in its
own process. Figures: messages per second and peak memory of each process, and the ratio of
wall times (target ≤ 1.5). Medians of ``--repeat`` runs, alternating which goes first.
"""

from __future__ import annotations

import argparse
import json
import os
import smtplib
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from childmem import high_water_mb

TARGET_RATIO = 1.5
MEMBER = "bench-salle"
BODY_FR = ("Bonjour,\n\nLa saison reprend : {event_title}, le {event_date}. Réservez vos places sur {link}.\n\n"
           + "Au programme : jazz, chanson et création québécoise, dans une salle de 300 places.\n" * 6 + "\n{member_name}\n")
BODY_EN = ("Hello,\n\nThe season is back: {event_title}, on {event_date}. Book your seats at {link}.\n\n"
           + "On the bill: jazz, chanson and new work from Québec, in a 300-seat hall.\n" * 6 + "\n{member_name}\n")


def address(i: int) -> str:
    return f"abonne.{i:07d}@exemple.org"


def build(folder: Path, recipients: int) -> tuple[Path, Path, str]:
    """Warehouse, keys and an audience of ``recipients`` people who may all receive e-mail."""
    import pyarrow as pa

    from culturecoop.campaigns.settings import set_settings
    from culturecoop.privacy.keys import init_keys, load_member_keys
    from culturecoop.privacy.vault import seal_contacts
    from culturecoop.warehouse.engine import Warehouse

    keys = folder / "keys"
    init_keys(keys)
    sealed = seal_contacts([address(i) for i in range(recipients)], load_member_keys(keys).campaign_public)
    db = folder / "bench.duckdb"
    ids = [f"{i:032x}" for i in range(recipients)]
    with Warehouse(db, create=True) as w, w.transaction() as con:
        con.execute("INSERT INTO member VALUES (?, 'Salle de banc d’essai', 'theatre', 'Montréal')", [MEMBER])
        con.execute("INSERT INTO event VALUES (?, 'E1', 'Soirée d’ouverture', TIMESTAMP '2027-01-15 20:00', 'Salle', 'H2X', ['jazz'], "
                    "['Trio'], 300, true, 'fr')", [MEMBER])
        patrons = pa.table({"member_id": [MEMBER] * recipients, "member_patron_id": ids,
                            "language": ["en" if i % 3 == 0 else "fr" for i in range(recipients)],
                            "contact_sealed": pa.array(sealed, pa.binary())})
        con.register("bench_patrons", patrons)
        con.execute("INSERT INTO patron (member_id, member_patron_id, language, contact_sealed) "
                    "SELECT member_id, member_patron_id, language, contact_sealed FROM bench_patrons")
        con.execute("INSERT INTO consent SELECT member_id, member_patron_id, 'marketing', true, TIMESTAMP '2026-01-01' FROM bench_patrons")
        con.execute("INSERT INTO identity SELECT member_id, member_patron_id, 'pk' || member_patron_id, 1.0 FROM bench_patrons")
        con.execute("INSERT INTO audience VALUES ('aud_bench', ?, 'everyone', 'segment', '{}', now()::TIMESTAMP, 'bench', ?, NULL)",
                    [MEMBER, recipients])
        con.execute("INSERT INTO audience_member SELECT 'aud_bench', 'pk' || member_patron_id, NULL, true FROM bench_patrons")
        con.unregister("bench_patrons")
    with Warehouse(db) as w:
        # The benchmark sends several campaigns to the same people in a row.
        set_settings(w, "bench", frequency_cap=1000, rate_per_second=0.0)
    return db, keys, "aud_bench"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run_child(args: list[str]) -> tuple[float, float, str]:
    """(wall seconds, peak memory in MB, stdout) of a child process.

    The peak is the child's own VmHWM, sampled while it runs: its rusage would count this
    process's memory too (Linux carries ru_maxrss across fork and exec, and this process holds
    the built cooperative)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        process = subprocess.Popen(args, stdout=out, stderr=err, env={**os.environ, "CULTURECOOP_LANG": "en"})
        peak = 0.0
        while True:
            peak = max(peak, high_water_mb(process.pid))
            waited, status = os.waitpid(process.pid, os.WNOHANG)
            if waited:
                break
            time.sleep(0.05)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if process.returncode:
            raise SystemExit(f"child failed: {err.read().strip()}")
        return seconds, peak, out.read()


def bare_loop(port: int, count: int, size: int) -> None:
    """The baseline: one SMTP session, a fixed message per clear address, nothing else."""
    filler = "x" * max(0, size - 400)
    template = ("From: Salle <campagnes@culturecoop.invalid>\r\nTo: {to}\r\nSubject: La saison reprend\r\n"
                "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + "\r\n".join(
                    filler[i:i + 76] for i in range(0, len(filler), 76)) + "\r\n")
    smtp = smtplib.SMTP("127.0.0.1", port)
    for i in range(count):
        to = address(i)
        smtp.sendmail("campagnes@culturecoop.invalid", [to], template.format(to=to).encode())
    smtp.quit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=105_264, help="audience size (5 %% holdout: 100,000 recipients by default)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--bare", nargs=3, type=int, metavar=("PORT", "COUNT", "SIZE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare:
        bare_loop(*args.bare)
        return
    # Imported here: the bare loop's process stays a bare smtplib loop.
    from culturecoop.campaigns.service import create_campaign, preview
    from culturecoop.warehouse.engine import Warehouse

    with tempfile.TemporaryDirectory(prefix="cc-bench-campaigns-") as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        db, keys, audience = build(folder, args.recipients)
        print(f"warehouse with {args.recipients:,} sealed contacts built in {time.perf_counter() - started:.1f} s")
        port = free_port()
        server = subprocess.Popen([sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}", "-c", "aiosmtpd.handlers.Sink"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            time.sleep(1.0)
            ours: list[tuple[float, float, int]] = []
            bare: list[tuple[float, float, int]] = []
            size = 0
            for run in range(args.repeat):
                with Warehouse(db) as w:
                    created = create_campaign(w, member_id=MEMBER, audience_id=audience, subject_fr="La saison reprend : {event_title}",
                                              subject_en="The season is back: {event_title}", body_fr=BODY_FR, body_en=BODY_EN,
                                              event_id="E1", link="https://billets.example.org/e1", holdout=0.05, seed=run)
                count = int(created["recipients"])
                if not size:
                    with Warehouse(db) as w:
                        size = len(preview(w, MEMBER, created["campaign_id"], "fr")["text"].encode()) * 2 + 900
                order = ("ours", "bare") if run % 2 == 0 else ("bare", "ours")
                for which in order:
                    if which == "ours":
                        seconds, peak, out = run_child([sys.executable, "-m", "culturecoop.cli.main", "campaigns", "send",
                                                        created["campaign_id"], "--db", str(db), "--keys", str(keys),
                                                        "--smtp", f"127.0.0.1:{port}", "--rate", "0", "--json"])
                        sent = int(json.loads(out)["sent"])
                        assert sent == count, (sent, count)
                        ours.append((seconds, peak, sent))
                    else:
                        seconds, peak, _out = run_child([sys.executable, __file__, "--bare", str(port), str(count), str(size)])
                        bare.append((seconds, peak, count))
                print(f"run {run + 1}: culturecoop {ours[-1][2] / ours[-1][0]:,.0f} msg/s ({ours[-1][0]:.1f} s, {ours[-1][1]:.0f} MB), "
                      f"bare smtplib {bare[-1][2] / bare[-1][0]:,.0f} msg/s ({bare[-1][0]:.1f} s, {bare[-1][1]:.0f} MB)")
        finally:
            server.terminate()
            server.wait(timeout=10)
    ours_s = statistics.median(s for s, _p, _n in ours)
    bare_s = statistics.median(s for s, _p, _n in bare)
    ratio = ours_s / bare_s
    print(f"\n{count:,} recipients, message ≈ {size:,} bytes, median of {args.repeat} runs:")
    print(f"  culturecoop campaigns send: {count / ours_s:,.0f} msg/s, {ours_s:.1f} s, peak {max(p for _s, p, _n in ours):.0f} MB "
          "(whole command: start-up, eligibility, decryption, rendering, SMTP, journal, recorded sends)")
    print(f"  bare smtplib loop:          {count / bare_s:,.0f} msg/s, {bare_s:.1f} s, peak {max(p for _s, p, _n in bare):.0f} MB")
    print(f"  ratio {ratio:.2f} (target ≤ {TARGET_RATIO}): {'OK' if ratio <= TARGET_RATIO else 'MISSED'}")


if __name__ == "__main__":
    main()
