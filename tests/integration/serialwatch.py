# serialwatch.py - how long until every server of a fleet serves a serial,
# for tests/integration/fleet.sh. Asks each server the zone's SOA over UDP
# every 20 ms (one process, so the poll interval is not a shell's fork and
# exec) until its answer carries SERIAL, at most MAX_MS after T0, and prints
# the milliseconds from T0 (a CLOCK_REALTIME time in nanoseconds, what
# `date +%s%N` printed when the change was made) to each server's first
# answer with it:
#
# python3 serialwatch.py ZONE SERIAL T0_NS MAX_MS ADDR:PORT...
#   ADDR:PORT ms           one line per server, in the order given
#   all ms                 the last of them (the fleet converged)
# or "ADDR:PORT timeout last=S" (S: the last serial it answered, "-" for
# none or an error answer) and exit status 1 when one did not within MAX_MS.
#
# Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
import select
import socket
import struct
import sys
import time

from tsigclient import wire

POLL = 0.020


def skip_name(msg, pos):
    """The offset after the (possibly compressed) name at pos."""
    while True:
        n = msg[pos]
        if n & 0xC0 == 0xC0:
            return pos + 2
        if n == 0:
            return pos + 1
        pos += 1 + n


def soa_serial(msg, qid):
    """The serial of the SOA answer in msg, None for anything else."""
    if len(msg) < 12:
        return None
    rid, flags, qd, an = struct.unpack("!HHHH", msg[:8])
    if rid != qid or not flags & 0x8000 or flags & 0xF != 0 or an < 1:
        return None
    try:
        pos = 12
        for _ in range(qd):
            pos = skip_name(msg, pos) + 4
        pos = skip_name(msg, pos)
        rtype, _, _, rdlen = struct.unpack("!HHIH", msg[pos:pos + 10])
        if rtype != 6:
            return None
        pos += 10
        pos = skip_name(msg, skip_name(msg, pos))
        return struct.unpack("!I", msg[pos:pos + 4])[0]
    except (IndexError, struct.error):
        return None


def main():
    zone, want, t0, max_ms = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    servers = sys.argv[5:]
    qname = wire(zone)
    socks = {}
    for s in servers:
        addr, port = s.rsplit(":", 1)
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.connect((addr, int(port)))
        sock.setblocking(False)
        socks[sock] = s
    done = {}
    last = {s: "-" for s in servers}
    deadline = t0 + max_ms * 1000000
    qid = 0
    while len(done) < len(servers) and time.time_ns() <= deadline:
        round_end = time.monotonic() + POLL
        qid = (qid + 1) & 0xFFFF
        query = struct.pack("!HHHHHH", qid, 0, 1, 0, 0, 0) + qname + struct.pack("!HH", 6, 1)
        for sock, s in socks.items():
            if s not in done:
                try:
                    sock.send(query)
                except OSError:
                    pass
        while True:
            left = round_end - time.monotonic()
            if left <= 0:
                break
            ready, _, _ = select.select([k for k, s in socks.items() if s not in done], [], [],
                                        left)
            for sock in ready:
                try:
                    msg = sock.recv(65535)
                except OSError:
                    continue
                serial = soa_serial(msg, qid)
                s = socks[sock]
                last[s] = "-" if serial is None else str(serial)
                if serial == want and s not in done:
                    done[s] = (time.time_ns() - t0) // 1000000
            if len(done) == len(servers):
                break
    for s in servers:
        print(f"{s} {done[s]}" if s in done else f"{s} timeout last={last[s]}")
    if len(done) < len(servers):
        return 1
    print(f"all {max(done.values())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
