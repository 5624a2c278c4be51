# tsigclient.py - a TSIG client for the tests, independent of geodnsd's code
# and of dig: Python's hmac over the digest input of RFC 8945 4.3.3, built
# here field by field. Sends one signed query over UDP and prints what came
# back, one "key=value" per line, with the response's MAC checked.
#
# python3 tsigclient.py PORT KEYNAME ALG SECRET-B64 QNAME [--skew S] [--macsize N]
#   --skew S    sign with the time now + S (BADTIME when outside the fudge)
#   --macsize N send only the first N octets of the MAC (RFC 8945 5.2.2.1)
#
# Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
import base64
import hashlib
import hmac
import socket
import struct
import sys
import time

HASHES = {"hmac-sha256": hashlib.sha256, "hmac-sha384": hashlib.sha384,
          "hmac-sha512": hashlib.sha512, "hmac-sha1": hashlib.sha1}
RCODES = {0: "NOERROR", 1: "FORMERR", 3: "NXDOMAIN", 9: "NOTAUTH"}
ERRORS = {0: "NOERROR", 16: "BADSIG", 17: "BADKEY", 18: "BADTIME", 22: "BADTRUNC"}


def wire(name):
    out = b""
    for label in name.rstrip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def tsig_vars(key, alg, signed, fudge, error, other):
    return (wire(key.lower()) + struct.pack("!HI", 255, 0) + wire(alg) +
            struct.pack("!HIHHH", signed >> 32, signed & 0xFFFFFFFF, fudge, error,
                        len(other)) + other)


def read_name(msg, pos):
    """The name at pos (no compression in what we read); returns the end."""
    while msg[pos]:
        if msg[pos] & 0xC0:
            return pos + 2
        pos += msg[pos] + 1
    return pos + 1


def main():
    args = sys.argv[1:]
    skew = 0
    macsize = None
    if "--skew" in args:
        i = args.index("--skew")
        skew = int(args[i + 1])
        del args[i:i + 2]
    if "--macsize" in args:
        i = args.index("--macsize")
        macsize = int(args[i + 1])
        del args[i:i + 2]
    port, key, alg, secret, qname = args
    secret = base64.b64decode(secret)
    h = HASHES[alg]
    qid = 0x4242
    header = struct.pack("!HHHHHH", qid, 0, 1, 0, 0, 0)
    question = wire(qname) + struct.pack("!HH", 1, 1)
    signed = int(time.time()) + skew
    fudge = 300
    mac = hmac.new(secret, header + question + tsig_vars(key, alg, signed, fudge, 0, b""),
                   h).digest()
    if macsize is not None:
        mac = mac[:macsize]
    rdata = (wire(alg) + struct.pack("!HIHH", signed >> 32, signed & 0xFFFFFFFF, fudge,
                                     len(mac)) + mac + struct.pack("!HHH", qid, 0, 0))
    tsig_rr = wire(key) + struct.pack("!HHIH", 250, 255, 0, len(rdata)) + rdata
    query = struct.pack("!HHHHHH", qid, 0, 1, 0, 0, 1) + question + tsig_rr
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(2)
    s.sendto(query, ("127.0.0.1", int(port)))
    resp, _ = s.recvfrom(65535)
    now = int(time.time())
    rid, flags, qd, an, ns, ar = struct.unpack("!HHHHHH", resp[:12])
    print("rcode=%s" % RCODES.get(flags & 15, flags & 15))
    print("tc=%d an=%d ar=%d" % ((flags >> 9) & 1, an, ar))
    # the TSIG: the last record; skip to it
    pos = 12
    for _ in range(qd):
        pos = read_name(resp, pos) + 4
    tsig_at = None
    for _ in range(an + ns + ar):
        start = pos
        pos = read_name(resp, pos)
        rtype, _, _, rdlen = struct.unpack("!HHIH", resp[pos:pos + 10])
        if rtype == 250:
            tsig_at = start
            owner_end = pos
        pos += 10 + rdlen
    if tsig_at is None:
        print("tsig=none")
        return
    rd = owner_end + 10
    alg_end = read_name(resp, rd)
    t_hi, t_lo, r_fudge, r_macsize = struct.unpack("!HIHH", resp[alg_end:alg_end + 10])
    r_mac = resp[alg_end + 10:alg_end + 10 + r_macsize]
    p = alg_end + 10 + r_macsize
    orig_id, error, other_len = struct.unpack("!HHH", resp[p:p + 6])
    other = resp[p + 6:p + 6 + other_len]
    r_signed = t_hi << 32 | t_lo
    print("tsig_error=%s macsize=%d other_len=%d" % (ERRORS.get(error, error), r_macsize,
                                                     other_len))
    print("time_signed=%s" % ("now" if abs(r_signed - now) <= 2 else
                              "request" if r_signed == signed else r_signed))
    if other_len == 6:
        server = struct.unpack("!Q", b"\0\0" + other)[0]
        print("other_time=%s" % ("now" if abs(server - now) <= 2 else server))
    if r_macsize:
        # 4.3.1: the request MAC, the response without the TSIG (ARCOUNT
        # less one, the original ID), the TSIG variables
        body = (struct.pack("!H", orig_id) + resp[2:10] + struct.pack("!H", ar - 1) +
                resp[12:tsig_at])
        want = hmac.new(secret, struct.pack("!H", len(mac)) + mac + body +
                        tsig_vars(key, alg, r_signed, r_fudge, error, other), h).digest()
        print("mac=%s" % ("verified" if hmac.compare_digest(want, r_mac) else "WRONG"))


if __name__ == "__main__":
    main()
