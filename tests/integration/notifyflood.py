# notifyflood.py - NOTIFY messages (RFC 1996, unsigned) for ZONE's SOA over
# UDP to ADDR:PORT, as fast as one process sends them, for SECONDS; prints
# how many were sent. fleet.sh stops a secondary under such a flood: every
# message a worker answers during the stop reads the secondaries' registry.
#
# python3 notifyflood.py ADDR PORT ZONE SECONDS
#
# Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
import socket
import struct
import sys
import time

from tsigclient import wire


def main():
    addr, port, zone, secs = sys.argv[1], int(sys.argv[2]), sys.argv[3], float(sys.argv[4])
    qname = wire(zone)
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setblocking(False)
    sent = 0
    end = time.monotonic() + secs
    while time.monotonic() < end:
        msg = struct.pack("!HHHHHH", sent & 0xFFFF, 4 << 11, 1, 0, 0, 0) + qname + \
            struct.pack("!HH", 6, 1)
        try:
            sock.sendto(msg, (addr, port))
            sent += 1
        except OSError:  # a full buffer, or nobody there any more
            pass
    print(sent)


if __name__ == "__main__":
    main()
