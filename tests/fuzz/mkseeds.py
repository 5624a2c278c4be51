#!/usr/bin/env python3
"""mkseeds.py - write the hand-made seed inputs of the fuzz corpora.

Run from the source tree: python3 tests/fuzz/mkseeds.py
Writes tests/fuzz/corpus/<target>/seed-* (existing seed-* files are replaced;
inputs found by fuzzing, named by their SHA-1, are left alone). Only needed
to regenerate the seeds; the corpora are committed.

Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
"""
import glob
import os
import re
import struct

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPUS = os.path.join(ROOT, "tests", "fuzz", "corpus")


def out(target, name, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, "seed-" + name), "wb") as f:
        f.write(data)


def clear(target):
    for p in glob.glob(os.path.join(CORPUS, target, "seed-*")):
        os.remove(p)


def read(path):
    with open(os.path.join(ROOT, path), "rb") as f:
        return f.read()


# ---- DNS packets ----
#
# The ID picks how fuzz_packet delivers the query (see fuzz_packet.c):
# bit 0 TCP, bits 1-2 client kind, 3-5 address, 6-7 health, 8-9 settings,
# 10 query log info, 11-15 address perturbation.

def ident(tcp=0, client=0, addr=0, health=0, settings=0, info=0, perturb=0):
    return (tcp | client << 1 | addr << 3 | health << 6 | settings << 8 | info << 10
            | perturb << 11)


def wname(name):
    if name in ("", "."):
        return b"\0"
    b = b""
    for label in name.rstrip(".").split("."):
        lb = label.encode("latin-1")
        b += bytes([len(lb)]) + lb
    return b + b"\0"


TYPES = {"A": 1, "NS": 2, "CNAME": 5, "SOA": 6, "PTR": 12, "HINFO": 13, "MX": 15,
         "TXT": 16, "AAAA": 28, "SRV": 33, "NAPTR": 35, "DNAME": 39, "OPT": 41, "DS": 43,
         "SSHFP": 44, "TLSA": 52, "HTTPS": 65, "CAA": 257, "TKEY": 249, "TSIG": 250,
         "IXFR": 251, "AXFR": 252, "MAILB": 253, "MAILA": 254, "ANY": 255,
         "TYPE65534": 65534}


def opt(size=1232, do=False, version=0, ext_rcode=0, options=b"", owner=b"\0"):
    ttl = ext_rcode << 24 | version << 16 | (0x8000 if do else 0)
    return owner + struct.pack("!HHIH", 41, size, ttl, len(options)) + options


def option(code, data):
    return struct.pack("!HH", code, len(data)) + data


def ecs(family, source, scope, addr):
    return option(8, struct.pack("!HBB", family, source, scope) + addr)


def tsig(key="k1.example", alg="hmac-sha256", cls=255, ttl=0, mac=bytes(32), orig_id=0,
         error=0, other=b"", rdlen_delta=0, time_signed=0x5F5E1000):
    """A TSIG record (RFC 8945 4.2): time signed 0x5F5E1000, fudge 300."""
    rd = wname(alg) + struct.pack("!HIHH", 0, time_signed, 300, len(mac)) + mac + \
        struct.pack("!HHH", orig_id, error, len(other)) + other
    return wname(key) + struct.pack("!HHIH", 250, cls, ttl, len(rd) + rdlen_delta) + rd


def query(name, qtype="A", id=0, flags=0, edns=None, qclass=1, qd=None, an=0, ns=0,
          ar=None, extra=b""):
    qt = TYPES[qtype] if isinstance(qtype, str) else qtype
    q = wname(name) + struct.pack("!HH", qt, qclass) if name is not None else b""
    add = edns if edns is not None else b""
    if qd is None:
        qd = 1 if name is not None else 0
    if ar is None:
        ar = 1 if edns is not None else 0
    return struct.pack("!HHHHHH", id, flags, qd, an, ns, ar) + q + add + extra


def packets():
    t = "packet"
    clear(t)
    names = ["example.com", "www.example.com", "api.example.com", "static.example.com",
             "chain.example.com", "loop1.example.com", "external.example.com",
             "www.legacy.example.com", "x.legacy.example.com", "www.sub.example.com",
             "ns.sub.example.com", "x.wild.example.com", "exists.wild.example.com",
             "a.ent.example.com", "nothere.example.com", "big.example.com",
             "mail.example.com", "_sip._udp.example.com", "ptr.example.com",
             "naptr.example.com", "ssh.example.com", "svc.example.com",
             "unknown.example.com", "included.example.com", "example.net",
             "www.example.net", "lb-ap.example.net", "huge.edge.test",
             "deleg.edge.test", "www.deleg.edge.test", "dangling.edge.test",
             "tons.edge.test", "towild.edge.test", "tocom.edge.test", "x.wc.edge.test",
             "www.example.org", "."]
    types = ["A", "AAAA", "ANY", "NS", "MX", "TXT", "SOA", "SRV", "CNAME", "DNAME", "DS",
             "HTTPS", "PTR", "NAPTR", "SSHFP", "TLSA", "CAA", "TYPE65534"]
    # every name with a type that fits it, varied transports and clients
    pick = {"www.example.com": ["A", "AAAA", "ANY", "TXT"], "api.example.com": ["A"],
            "example.com": ["SOA", "NS", "MX", "ANY", "TXT", "CAA"],
            "mail.example.com": ["A", "AAAA", "MX"], "_sip._udp.example.com": ["SRV"],
            "ptr.example.com": ["PTR"], "naptr.example.com": ["NAPTR"],
            "ssh.example.com": ["SSHFP"], "svc.example.com": ["HTTPS"],
            "unknown.example.com": ["TYPE65534"], "www.legacy.example.com": ["A"],
            "big.example.com": ["TXT"], "huge.edge.test": ["TXT", "ANY"],
            "deleg.edge.test": ["NS", "A"], "www.sub.example.com": ["A", "DS"]}
    i = 0
    for n in names:
        for ty in pick.get(n, ["A"]):
            i += 1
            tcp = i % 3 == 0
            e = opt(1232) if i % 2 == 0 else None
            qid = ident(tcp=tcp, client=i % 4, addr=i % 8, health=(i // 4) % 4,
                        settings=(i // 3) % 4, info=i % 5 == 0)
            out(t, "%s-%s" % (n.strip(".") or "root", ty),
                query(n, ty, id=qid, edns=e))
    # geo service from every client kind and region, UDP, EDNS
    for c in range(4):
        for a in range(8):
            out(t, "www-client%d-addr%d" % (c, a),
                query("www.example.com", "A", id=ident(client=c, addr=a, health=a % 4),
                      edns=opt(1232)))
    # ECS: good, source 0, IPv6, scope set, malformed
    good = [("v4-24", ecs(1, 24, 0, bytes([198, 51, 100]))),
            ("v4-32", ecs(1, 32, 0, bytes([203, 0, 113, 200]))),
            ("v4-0", ecs(1, 0, 0, b"")),
            ("v6-48", ecs(2, 48, 0, bytes.fromhex("20010db80100"))),
            ("v6-56", ecs(2, 56, 0, bytes.fromhex("20010db8020000"))),
            ("v4-reserved", ecs(1, 8, 0, bytes([10]))),
            ("v4-priv16", ecs(1, 16, 0, bytes([192, 168])))]
    bad = [("scope", ecs(1, 24, 8, bytes([198, 51, 100]))),
           ("hostbits", ecs(1, 20, 0, bytes([198, 51, 100]))),
           ("toolong", ecs(1, 8, 0, bytes([198, 51, 100, 1]))),
           ("tooshort", ecs(1, 24, 0, bytes([198]))),
           ("family3", ecs(3, 8, 0, bytes([1]))),
           ("source33", ecs(1, 33, 0, bytes([1, 2, 3, 4, 5]))),
           ("v6-129", ecs(2, 129, 0, bytes(17))),
           ("short", option(8, b"\x00\x01")),
           ("empty", option(8, b""))]
    for k, (nm, o) in enumerate(good + bad):
        out(t, "ecs-" + nm, query("www.example.com", "A" if k % 2 else "AAAA",
                                  id=ident(tcp=k % 3 == 0, client=k % 3, addr=k % 8,
                                           settings=k % 4),
                                  edns=opt(1232, options=o)))
    # NSID, cookies, keepalive, unknown option, several options
    cookie_c = bytes(range(1, 9))
    opts = [("nsid", option(3, b"")),
            ("nsid-data", option(3, b"abc")),
            ("cookie-client", option(10, cookie_c)),
            ("cookie-server", option(10, cookie_c + bytes(range(16)))),
            ("cookie-bad5", option(10, b"\1\2\3\4\5")),
            ("cookie-bad41", option(10, bytes(41))),
            ("keepalive", option(11, b"")),
            ("keepalive-tcp", option(11, b"")),
            ("keepalive-val", option(11, b"\0\x64")),
            ("unknown-opt", option(65001, b"xyz")),
            ("padding", option(12, bytes(40))),
            ("all", option(3, b"") + ecs(1, 24, 0, bytes([192, 0, 2])) +
             option(10, cookie_c) + option(11, b"")),
            ("dup-nsid", option(3, b"") + option(3, b"")),
            ("truncated-opt", b"\x00\x03\x00\x10ab")]
    for k, (nm, o) in enumerate(opts):
        tcp = nm.endswith("tcp") or k % 2 == 1
        out(t, "opt-" + nm, query("www.example.com", "A", id=ident(tcp=tcp, info=1),
                                  edns=opt(1232, options=o)))
    # server cookies the harness completes (version 1, zero hash, timestamp
    # 0..4 = a time relative to now; reserved[0] bit 7 = previous secret)
    for magic in range(5):
        for prev, res in ((False, b"\0\0\0"), (True, b"\x80\0\0"), (False, b"\0\1\0")):
            if prev and magic not in (0, 2) or res == b"\0\1\0" and magic != 0:
                continue
            sc = b"\1" + res + struct.pack("!I", magic) + bytes(8)
            nm = "cookie-t%d%s%s" % (magic, "-prev" if prev else "",
                                     "-reserved" if res == b"\0\1\0" else "")
            out(t, nm, query("www.example.com", "A", id=ident(tcp=magic == 3, client=magic % 3,
                                                              addr=magic),
                             edns=opt(1232, options=option(10, cookie_c + sc))))
    out(t, "cookie-badvers", query("example.com", "SOA", id=ident(),
                                   edns=opt(1232, version=1,
                                            options=option(10, cookie_c + b"\1\0\0\0" + bytes(12)))))
    out(t, "cookie-noclient", query("example.com", "SOA", id=ident(client=3),
                                    edns=opt(1232, options=option(10, cookie_c))))
    out(t, "cookie-off", query("example.com", "SOA", id=ident(settings=1),
                               edns=opt(1232, options=option(10, b"\1\2\3"))))
    # rate limiting (settings 2: 3/s, slip 2; settings 3: log only)
    for k in range(4):
        out(t, "rrl-%d" % k, query("nothere.example.com" if k % 2 else "static.example.com", "A",
                                   id=ident(settings=2 + k // 2, addr=k), edns=opt(512) if k < 2 else None))
    out(t, "rrl-exempt", query("static.example.com", "A", id=ident(settings=2, addr=2)))
    out(t, "rrl-referral", query("www.sub.example.com", "A", id=ident(settings=2, client=1)))
    out(t, "rrl-cookie", query("static.example.com", "A", id=ident(settings=2),
                               edns=opt(512, options=option(10, cookie_c + b"\1\0\0\0" + bytes(12)))))
    # EDNS header variants
    out(t, "edns-do", query("example.com", "SOA", id=ident(), edns=opt(4096, do=True)))
    out(t, "edns-small", query("huge.edge.test", "TXT", id=ident(), edns=opt(100)))
    out(t, "edns-512", query("deleg.edge.test", "A", id=ident(), edns=opt(512)))
    out(t, "edns-4096-s3", query("huge.edge.test", "TXT", id=ident(settings=3),
                                 edns=opt(4096)))
    out(t, "edns-v1", query("example.com", "A", id=ident(), edns=opt(1232, version=1)))
    out(t, "edns-extrcode", query("example.com", "A", id=ident(), edns=opt(1232, ext_rcode=1)))
    out(t, "edns-two-opt", query("example.com", "A", id=ident(), ar=2,
                                 edns=opt(1232) + opt(1232)))
    out(t, "edns-owner-nonroot", query("example.com", "A", id=ident(),
                                       edns=opt(1232, owner=b"\1a\0")))
    out(t, "edns-owner-ptr", query("example.com", "A", id=ident(),
                                   edns=opt(1232, owner=b"\xc0\x0c")))
    out(t, "edns-rdlen-over", query("example.com", "A", id=ident(),
                                    edns=b"\0" + struct.pack("!HHIH", 41, 1232, 0, 20) + b"ab"))
    out(t, "edns-noedns-big", query("big.example.com", "TXT", id=ident()))
    out(t, "any-udp", query("static.example.com", "ANY", id=ident()))
    out(t, "any-tcp", query("static.example.com", "ANY", id=ident(tcp=1)))
    # opcodes, flags, classes, special types
    out(t, "opcode-notify", query("example.com", "SOA", id=ident(), flags=4 << 11))
    out(t, "opcode-update", query("example.com", "SOA", id=ident(), flags=5 << 11))
    out(t, "opcode-status", query(None, id=ident(), flags=2 << 11))
    out(t, "qr-set", query("example.com", "A", id=ident(), flags=0x8000))
    out(t, "rd-cd-ad", query("example.com", "A", id=ident(), flags=0x0130))
    out(t, "tc-set", query("example.com", "A", id=ident(), flags=0x0200))
    out(t, "rcode-set", query("example.com", "A", id=ident(), flags=0x0005))
    out(t, "class-ch", query("version.bind", "TXT", id=ident(), qclass=3))
    out(t, "class-any", query("example.com", "A", id=ident(), qclass=255))
    for ty in ["AXFR", "IXFR", "OPT", "TKEY", "TSIG", "MAILB", "MAILA"]:
        out(t, "type-" + ty, query("example.com", ty, id=ident(tcp=1)))
    out(t, "type-0", query("example.com", 0, id=ident()))
    # case, escapes, long names
    out(t, "case-mixed", query("StAtIc.ExAmPlE.CoM", "A", id=ident(info=1)))
    out(t, "case-service", query("WWW.Example.COM", "A", id=ident(info=1), edns=opt()))
    out(t, "name-binary", query(None, id=ident(info=1), qd=1,
                                extra=b"\3a\x00\xff\7example\3com\0\0\1\0\1"))
    long_name = ".".join(["a" * 63] * 3) + "." + "b" * 57 + ".example.com"
    out(t, "name-255", query(long_name, "A", id=ident()))
    out(t, "name-256", query(None, id=ident(), qd=1,
                             extra=wname(long_name)[:-1] + b"\1x\0" + b"\0\1\0\1"))
    out(t, "name-labels", query(".".join(["x"] * 120) + ".example.com", "A", id=ident()))
    out(t, "name-label64", query(None, id=ident(), qd=1, extra=b"\x40" + b"a" * 64 + b"\0\0\1\0\1"))
    out(t, "name-reserved80", query(None, id=ident(), qd=1, extra=b"\x80\0\0\1\0\1"))
    # compression pointers in the question
    out(t, "ptr-self", query(None, id=ident(), qd=1, extra=b"\xc0\x0c\0\1\0\1"))
    out(t, "ptr-forward", query(None, id=ident(), qd=1, extra=b"\xc0\x20\0\1\0\1" + b"\0" * 20))
    out(t, "ptr-header", query(None, id=ident(), qd=1, extra=b"\xc0\x02\0\1\0\1"))
    out(t, "ptr-label-then", query(None, id=ident(), qd=1,
                                   extra=b"\3www\xc0\x0c\0\1\0\1"))
    out(t, "ptr-truncated", query(None, id=ident(), qd=1, extra=b"\3www\xc0"))
    # section counts and truncation
    out(t, "qd0", query(None, id=ident()))
    out(t, "qd2", query("example.com", "A", id=ident(), qd=2,
                        extra=wname("example.net") + b"\0\1\0\1"))
    out(t, "an1", query("example.com", "A", id=ident(), an=1,
                        extra=b"\xc0\x0c\0\1\0\1\0\0\0\x3c\0\4\1\2\3\4"))
    out(t, "ns1-soa", query("example.com", "SOA", id=ident(), ns=1,
                            extra=b"\xc0\x0c\0\6\0\1\0\0\0\x3c\0\0"))
    out(t, "ar-missing", query("example.com", "A", id=ident(), ar=1))
    out(t, "trailing", query("example.com", "A", id=ident(), extra=b"garbage"))
    full = query("www.example.com", "A", id=ident(), edns=opt(1232, options=option(3, b"")))
    for cut in (1, 2, 5, 11, 12, 15, 29, 33, len(full) - 3):
        out(t, "cut-%d" % cut, full[:cut])
    out(t, "empty", b"")
    out(t, "tcp-big-any", query("huge.edge.test", "ANY", id=ident(tcp=1), edns=opt(65535)))
    out(t, "tcp-deleg", query("x.deleg.edge.test", "AAAA", id=ident(tcp=1)))
    # TSIG (answered NOTAUTH/BADKEY; misplaced or malformed: FORMERR)
    out(t, "tsig", query("static.example.com", "A", id=ident(), ar=1, extra=tsig()))
    out(t, "tsig-opt-cookie", query("www.example.com", "A", id=ident(client=1, settings=2), ar=2,
                                    edns=opt(1232, options=option(3, b"") + option(10, cookie_c)),
                                    extra=tsig(mac=b"", other=bytes(6))))
    out(t, "tsig-tcp-axfr", query("example.com", "AXFR", id=ident(tcp=1), ar=1, extra=tsig()))
    out(t, "tsig-before-opt", query("example.com", "A", id=ident(), ar=2,
                                    edns=tsig() + opt(1232)))
    out(t, "tsig-two", query("example.com", "A", id=ident(), ar=2, extra=tsig() + tsig()))
    out(t, "tsig-in-answer", query("example.com", "A", id=ident(), an=1, extra=tsig()))
    out(t, "tsig-class-in", query("example.com", "A", id=ident(), ar=1, extra=tsig(cls=1)))
    out(t, "tsig-rdlen-short", query("example.com", "A", id=ident(), ar=1,
                                     extra=tsig(rdlen_delta=-1) + b"\0"))
    rd = b"\xc0\x0c" + struct.pack("!HIHHHHH", 0, 0x5F5E1000, 300, 0, 0, 0, 0)
    out(t, "tsig-alg-ptr", query("example.com", "A", id=ident(), ar=1,
                                 extra=wname("k1.example") + struct.pack("!HHIH", 250, 255, 0, len(rd)) + rd))
    long_key = ".".join(["k" * 63] * 3) + "." + "k" * 6
    out(t, "tsig-long-names", query("huge.edge.test", "TXT", id=ident(), ar=1,
                                    extra=tsig(key=long_key, alg=long_key)))
    # fuzz.key.: the harness signs these (time 0 now, 1 now - 10 s, 2 and 3
    # BADTIME): signed answers, TC with the question, BADTIME
    for ts in range(4):
        out(t, "tsig-signed-%d" % ts,
            query("static.example.com", "A", id=ident(), ar=1,
                  extra=tsig(key="fuzz.key", time_signed=ts)))
    out(t, "tsig-signed-edns-cookie",
        query("www.example.com", "A", id=ident(client=1), ar=2,
              edns=opt(1232, options=option(3, b"") + option(10, cookie_c)),
              extra=tsig(key="fuzz.key", time_signed=0)))
    out(t, "tsig-signed-tc", query("huge.edge.test", "TXT", id=ident(), ar=1,
                                   extra=tsig(key="fuzz.key", time_signed=0)))
    out(t, "tsig-signed-tcp-any", query("huge.edge.test", "ANY", id=ident(tcp=1), ar=1,
                                        extra=tsig(key="fuzz.key", time_signed=1)))
    out(t, "tsig-signed-badvers", query("www.example.com", "A", id=ident(), ar=2,
                                        edns=opt(1232, version=1),
                                        extra=tsig(key="fuzz.key", time_signed=0)))


# ---- zone files ----

def svc_record(owner, text, per_line=0):
    """A geo service as a TYPE65281 record in RFC 3597 form ("\\xff" in text
    is the octet 0xff: invalid UTF-8 on purpose)."""
    data = text.encode("latin-1")
    hexdata = data.hex()
    if per_line:
        step = 2 * per_line
        hexdata = "(\n\t" + "\n\t".join(hexdata[i:i + step]
                                          for i in range(0, len(hexdata), step)) + " )"
    return "%s 600 IN TYPE65281 \\# %d %s\n" % (owner, len(data), hexdata)


def zones():
    t = "zone"
    clear(t)
    demo = read("zones/example.com.zone").decode()
    demo_inc = demo.replace("$INCLUDE example.com.include", "$INCLUDE inc.zone")
    out(t, "demo", demo_inc)
    out(t, "demo-include-file", read("zones/example.com.include"))
    # the demo's included records pasted in, with its own $TTL
    out(t, "demo-inlined", demo.replace("$INCLUDE example.com.include\n", "") +
        read("zones/example.com.include").decode())
    net = read("zones/example.net.zone").decode().replace("example.net.", "example.com.")
    out(t, "net-as-com", net)
    edge = read("tests/data/edge.test.zone").decode().replace("edge.test.", "example.com.")
    out(t, "edge-as-com", edge)
    for p in sorted(glob.glob(os.path.join(ROOT, "tests/data/checkconf/*.zone"))):
        text = open(p, "rb").read().decode()
        m = re.search(r"\$ORIGIN\s+(\S+)", text)
        if m:
            text = text.replace(m.group(1), "example.com.")
        text = re.sub(r"\$INCLUDE\s+\S+", "$INCLUDE inc.zone", text)
        out(t, "checkconf-" + os.path.basename(p)[:-5], text)
    soa = "@ IN SOA ns1 hostmaster 1 7200 900 1209600 300\n@ IN NS ns1\nns1 IN A 192.0.2.1\n"
    small = {
        "minimal": soa,
        "no-origin-ttl": "$TTL 1h\n" + soa + "www 30m IN A 192.0.2.2\n",
        "relative-origin": soa + "$ORIGIN sub\nwww IN A 192.0.2.3\n$ORIGIN example.com.\n",
        "parens-comments": "@ IN SOA ns1.example.com. h.example.com. ( 1 ; s\n 2 ; r\n 3\n 4\n 5 )\n"
                           "@ NS ns1\nns1 A 192.0.2.1\n",
        "quotes-escapes": soa + 't IN TXT "a \\"quoted\\" ; not a comment" "\\065\\066" x\n'
                          'e\\.dot IN A 192.0.2.4\nu\\255x IN A 192.0.2.5\n',
        "wildcards": soa + "* IN A 192.0.2.9\n*.a IN TXT \"w\"\nb.*.c IN A 192.0.2.8\n"
                     "*.d IN CNAME x\n",
        "cname-other": soa + "c IN CNAME x\nc IN A 192.0.2.1\n",
        "dname-below": soa + "d IN DNAME example.net.\nx.d IN A 192.0.2.1\n",
        "deleg-glue": soa + "s IN NS ns.s\ns IN NS ns.other.org.\nns.s IN A 192.0.2.7\n"
                      "x.s IN A 192.0.2.6\ns IN DS 1 13 2 " + "ab" * 32 + "\n",
        "mx-srv": soa + "@ IN MX 10 mail\n@ IN MX 20 mail.example.net.\nmail IN A 192.0.2.25\n"
                  "_x._tcp IN SRV 1 2 3 mail\n_y._tcp IN SRV 0 0 0 .\n",
        "types": soa + "h IN HINFO cpu os\nc IN CAA 0 issue \"ca\"\nn IN NAPTR 1 1 \"u\" \"s\" \"r\" .\n"
                 "s IN SVCB 1 . alpn=h2 port=443\nh2 IN HTTPS 0 svc\nt IN TLSA 3 1 1 " + "00" * 32 +
                 "\nu IN TYPE65000 \\# 3 010203\nz IN TYPE99 \\# 0\nl IN LOC 52 22 23 N 4 53 32 E -2m\n",
        "out-of-zone": soa + "www.example.org. IN A 192.0.2.1\n",
        "no-soa": "@ IN NS ns1\nns1 IN A 192.0.2.1\n",
        "two-soa": soa + "@ IN SOA ns2 h 2 3 4 5 6\n",
        "class-ch": soa + "x CH TXT \"chaos\"\n",
        "ttl-forms": "$TTL 1w2d3h4m5s\n" + soa + "a 0 IN A 192.0.2.1\nb 2147483647 IN A 192.0.2.2\n",
        "bad-directive": soa + "$GENERATE 1-3 h$ A 192.0.2.$\n$ORIGIN\n$TTL x\n",
        "include-origin": soa + "$INCLUDE inc.zone sub.example.com.\n$INCLUDE inc.zone\n",
        "include-rel-origin": soa + "$INCLUDE inc.zone sub\n",
        "include-missing": soa + "$INCLUDE nothere.zone\n",
        "owner-omitted-first": " IN A 192.0.2.1\n" + soa,
        "long-name": soa + ".".join(["a" * 63] * 3) + " IN A 192.0.2.1\n",
        "crlf": soa.replace("\n", "\r\n") + "x IN A 192.0.2.1\r\n",
        "empty": "",
        "ent": soa + "a.b.c.d IN A 192.0.2.1\n",
        "big-rrset": soa + "".join("m IN A 192.0.2.%d\n" % i for i in range(1, 80)),
        "unbalanced-paren": soa + "x IN TXT ( \"a\"\n",
        "service-names": soa + "www IN A 192.0.2.1\napi IN CNAME www\n",
        # services in TYPE65281 records (the target's regions: us-east,
        # eu-west, ap-south)
        "service-records": soa + "static IN A 192.0.2.80\nwww IN TXT \"beside\"\n" +
        svc_record("www", '{"ttl":20,"regions":{"us-east":{"A":["192.0.2.10","192.0.2.11"],'
                   '"AAAA":["2001:db8::10"]},"eu-west":{"A":["198.51.100.10"],"weight":40}},'
                   '"countries":{"US":"eu-west"},"fallback":"eu-west","max_answers":1}') +
        svc_record("cn", '{"regions":{"eu-west":{"cname":"static"},'
                   '"ap-south":{"cname":"lb.example.net."}}}') +
        svc_record("*.wild", '{"regions":{"ap-south":{"AAAA":["2001:db8::99"]}}}') +
        svc_record("@", '{"regions":{"us-east":{"A":["192.0.2.1"]}}}'),
        "service-records-multiline": soa + svc_record(
            "m", '{"regions":{"us-east":{"A":["192.0.2.1"]},"ap-south":{"A":["192.0.2.3"]}}}',
            per_line=16),
        "service-record-errors": soa + "static IN A 192.0.2.80\nsub IN NS ns.example.net.\n" +
        svc_record("bad", '{"regions":') + svc_record("arr", "[1]") +
        svc_record("utf8", '{"\xff":1}') + svc_record("twice", "{}") + svc_record("twice", "{}") +
        svc_record("static", '{"regions":{"us-east":{"A":["192.0.2.1"]}}}') +
        svc_record("x.sub", '{"regions":{"mars":{"A":["192.0.2.1"]}}}'),
    }
    for k, v in small.items():
        out(t, k, v)


# ---- configurations ----

def configs():
    t = "config"
    clear(t)

    def subst(b):
        s = b.decode()
        for k, v in (("@PORT@", "5353"), ("@HTTPPORT@", "8053"), ("@FEEDPORT@", "9053"),
                     ("@TMP@", "/tmp/geodnsd")):
            s = s.replace(k, v)
        return s
    out(t, "geodnsd", read("zones/geodnsd.conf"))
    out(t, "production", read("zones/production.conf"))
    for p in sorted(glob.glob(os.path.join(ROOT, "tests/data/*.conf"))):
        out(t, "data-" + os.path.basename(p)[:-5], subst(open(p, "rb").read()))
    for p in sorted(glob.glob(os.path.join(ROOT, "tests/data/checkconf/*.conf"))):
        out(t, "checkconf-" + os.path.basename(p)[:-5], subst(open(p, "rb").read()))
    z = '"zones": [ { "origin": "example.com", "file": "zones/example.com.zone" } ]'
    small = {
        "minimal": "{ %s }" % z,
        "empty-object": "{}",
        "not-object": "[1, 2]",
        "syntax": '{ "server": { "listen": [ }',
        "unknown-key": '{ "servre": {}, %s }' % z,
        "types": '{ "server": { "workers": "two", "udp_payload": 70000, "nsid": 5 }, %s }' % z,
        "listen-forms": '{ "server": { "listen": ["1.2.3.4", "::1", "[::1]:53", "1.2.3.4:0",'
                        ' "[fe80::1%%lo]:53", "host:53", "1.2.3.4:99999"] }, %s }' % z,
        "ecs": '{ "ecs": { "enabled": true, "trusted": ["192.0.2.0/24", "2001:db8::/32",'
               ' "10.0.0.1/8", "::/0", "1.2.3.4/33"], "hash_ipv4_prefix": 24,'
               ' "hash_ipv6_prefix": 56 }, %s }' % z,
        "rrl": '{ "rrl": { "responses_per_second": 5, "slip": 0, "window": 15,'
               ' "ipv4_prefix": 24, "ipv6_prefix": 56, "exempt": ["::1/128"],'
               ' "log_only": true, "table_size": 1000 }, %s }' % z,
        "regions": '{ "regions": { "a": { "location": [91, 0] }, "b": { "location": [0] },'
                   ' "c": { "location": [0, 0], "feed": "ftp://x", "interval": 0,'
                   ' "on_feed_loss": "keep" } }, %s }' % z,
        "health": '{ "health": { "interval": 5, "timeout": 1, "down_after": 3, "up_after": 2,'
                  ' "max_age": 30, "on_feed_loss": "down", "start_state": "down",'
                  ' "cap_ttl": true, "state_file": "/tmp/s.json" }, %s }' % z,
        "geoip-paths": '{ "geoip": { "database": ["a.mmdb", "b.mmdb"], "paths": {'
                       ' "latitude": ["location", "latitude"], "country": ["cc"] } }, %s }' % z,
        "http": '{ "http": { "listen": "127.0.0.1:8053", "token_file": "/tmp/t" }, %s }' % z,
        "dup-zone": '{ "zones": [ { "origin": "example.com", "file": "a" },'
                    ' { "origin": "Example.COM.", "file": "b" } ] }',
        "dup-key": '{ "server": {}, "server": {}, %s }' % z,
        "nsid-hex": '{ "server": { "nsid": "0x616263" }, %s }' % z,
        "unicode": '{ "server": { "nsid": "\\u00e9\\u0000x" }, %s }' % z,
        "deep": "[" * 300 + "]" * 300,
        "numbers": '{ "server": { "workers": 1e400, "udp_payload": -1,'
                   ' "tcp_idle_timeout": 1.5 }, %s }' % z,
    }
    for k, v in small.items():
        out(t, k, v)


# ---- services files ----

def services():
    t = "services"
    clear(t)
    out(t, "demo", read("zones/example.com.services.json"))
    out(t, "health", read("tests/data/health.services.json"))
    small = {
        "weights": '{ "svc": { "ttl": 60, "regions": { "us-east": { "A": ["192.0.2.1"], "weight": 0 },'
                   ' "eu-west": { "A": ["192.0.2.2"], "AAAA": ["2001:db8::2"], "weight": 30 },'
                   ' "ap-south": { "AAAA": ["2001:db8::3"], "weight": 100 } },'
                   ' "fallback": "ap-south", "max_answers": 1 } }',
        "cname": '{ "c.sub": { "regions": { "us-east": { "cname": "target" },'
                 ' "eu-west": { "cname": "other.example.net." } } } }',
        "apex": '{ "@": { "regions": { "us-east": { "A": ["192.0.2.1"] } } } }',
        "fqdn": '{ "x.example.com.": { "regions": { "eu-west": { "A": ["192.0.2.1"] } } },'
                ' "y.example.org.": { "regions": { "eu-west": { "A": ["192.0.2.1"] } } } }',
        "overrides": '{ "o": { "regions": { "us-east": { "A": ["192.0.2.1"] },'
                     ' "ap-south": { "A": ["192.0.2.3"] } }, "countries": { "US": "ap-south",'
                     ' "cn": "us-east", "USA": "us-east" }, "continents": { "OC": "ap-south",'
                     ' "XX": "us-east", "SA": "eu-west" } } }',
        "many-endpoints": '{ "m": { "max_answers": 3, "regions": { "us-east": { "A": [%s] } } } }'
                          % ", ".join('"192.0.2.%d"' % i for i in range(1, 65)),
        "too-many-endpoints": '{ "m": { "regions": { "us-east": { "A": [%s] } } } }'
                              % ", ".join('"192.0.2.%d"' % i for i in range(1, 66)),
        "bad-values": '{ "b": { "ttl": -1, "max_answers": 65, "regions": { "mars": {},'
                      ' "us-east": { "A": ["2001:db8::1", "192.0.2.300", 5], "AAAA": [] },'
                      ' "eu-west": { "A": ["192.0.2.1"], "cname": "x" },'
                      ' "ap-south": [] }, "fallback": "mars", "extra": 1 } }',
        "dup-address": '{ "d": { "regions": { "us-east": { "A": ["192.0.2.1", "192.0.2.1"] } } } }',
        "no-regions": '{ "n": { "ttl": 5 } }',
        "empty-regions": '{ "n": { "regions": {} } }',
        "not-object": '["x"]',
        "syntax": '{ "x": { "regions": ',
        "bad-name": '{ "a..b": { "regions": { "us-east": { "A": ["192.0.2.1"] } } },'
                    ' "%s": { "regions": { "us-east": { "A": ["192.0.2.1"] } } } }' % ("l" * 64),
        "wildcard-name": '{ "*.w": { "regions": { "us-east": { "A": ["192.0.2.1"] } } } }',
        "empty": "",
    }
    for k, v in small.items():
        out(t, k, v)


# ---- health feeds ----

def feeds():
    t = "feed"
    clear(t)
    for p in sorted(glob.glob(os.path.join(ROOT, "zones/health/*.json"))):
        out(t, "demo-" + os.path.basename(p)[:-5], open(p, "rb").read())
    r = '"regions": { "us-east": { "healthy": true, "weight": 50, "endpoints": {' \
        ' "192.0.2.10": { "healthy": false }, "2001:db8:1::10": { "healthy": true } } },' \
        ' "eu-west": { "healthy": false }, "ap-south": { "healthy": true, "weight": 0 } }'
    small = {
        "full": '{ "generated_at": "2026-11-27T20:00:30Z", %s }' % r,
        "no-time": "{ %s }" % r,
        "fraction": '{ "generated_at": "2026-11-27T19:59:30.123456Z", %s }' % r,
        "offset": '{ "generated_at": "2026-11-27T20:00:00+00:00", %s }' % r,
        "lowercase": '{ "generated_at": "2026-11-27t20:00:00z", %s }' % r,
        "leap-second": '{ "generated_at": "2026-11-27T19:59:60Z", %s }' % r,
        "stale": '{ "generated_at": "2026-11-27T19:00:00Z", %s }' % r,
        "future": '{ "generated_at": "2026-11-27T21:00:00Z", %s }' % r,
        "bad-date": '{ "generated_at": "2026-02-30T20:00:00Z", %s }' % r,
        "bad-time": '{ "generated_at": "2026-11-27 20:00:00", %s }' % r,
        "time-number": '{ "generated_at": 1795809600, %s }' % r,
        "weight-range": '{ "regions": { "us-east": { "healthy": true, "weight": 101 } } }',
        "weight-float": '{ "regions": { "us-east": { "healthy": true, "weight": 50.5 } } }',
        "weight-neg": '{ "regions": { "us-east": { "healthy": true, "weight": -1 } } }',
        "unknown-region": '{ "regions": { "mars": { "healthy": true } } }',
        "healthy-string": '{ "regions": { "us-east": { "healthy": "yes" } } }',
        "bad-address": '{ "regions": { "us-east": { "healthy": true, "endpoints":'
                       ' { "192.0.2.300": { "healthy": true } } } } }',
        "endpoint-bool": '{ "regions": { "us-east": { "healthy": true, "endpoints":'
                         ' { "192.0.2.1": true } } } }',
        "regions-array": '{ "regions": [] }',
        "empty-regions": '{ "regions": {} }',
        "not-object": "[]",
        "not-json": "healthy",
        "truncated": '{ "regions": { "us-east": { "healthy": tr',
        "dup-key": '{ "regions": { "us-east": { "healthy": true }, "us-east": { "healthy": false } } }',
        "nul": '{ "regions": { "us-\\u0000east": { "healthy": true } } }',
        "nul-raw": b'{ "regions": {} }\x00 trailing',
        "empty": "",
    }
    for k, v in small.items():
        out(t, k, v)


# ---- the admin request path: target, newline, Authorization value ----

def http():
    t = "http"
    clear(t)
    tok = "Bearer fuzz-token-0123456789abcdef"
    small = {
        "metrics": "/metrics",
        "status": "/status\n",
        "healthz-query": "/healthz?verbose=1\n" + tok,
        "reload": "/v1/reload\n" + tok,
        "reload-wrong": "/v1/reload\nBearer fuzz-token-0123456789abcdeX",
        "reload-short": "/v1/reload\nBearer fuzz",
        "reload-basic": "/v1/reload\nBasic dXNlcjpwYXNz",
        "drain": "/v1/regions/us-east/drain\n" + tok,
        "undrain": "/v1/regions/eu-west/undrain\n" + tok + "\nX-Other: 1",
        "endpoint-v4": "/v1/endpoints/192.0.2.10/state\n" + tok,
        "endpoint-v6": "/v1/endpoints/2001:db8::10/state\n" + tok,
        "empty-arg": "/v1/regions//drain\n" + tok,
        "slash-arg": "/v1/regions/a/b/drain\n" + tok,
        "suffix-extra": "/v1/regions/us-east/drain/x\n" + tok,
        "absolute-uri": "http://127.0.0.1:8053/v1/regions/us-east/drain?x=1#f\n" + tok,
        "encoded": "/v1/regions/us%2Deast/drain\n" + tok,
        "long-arg": "/v1/regions/" + "r" * 300 + "/drain\n" + tok,
        "arg-8": "/v1/regions/1234567/drain\n" + tok,
        "arg-9": "/v1/regions/12345678/drain\n" + tok,
        "trailing-slash": "/metrics/\n",
        "empty": "",
        "only-header": "\n" + tok,
        "bearer-empty": "/v1/reload\nBearer ",
        "nul": "/v1/reload\x00/x\nBearer \x00fuzz",
        # the whole input is also an admin token file (http_read_token)
        "token-file-nul": "abcd\x00efghijklmnopqrstuvwxyz",
        "token-file-ok": "test-token-0123456789abcdef\r\n",
    }
    for k, v in small.items():
        out(t, k, v)


TSIG_KEYS = {"hmac-sha256": ("sha256.key", b"fuzz-secret-sha256", "sha256"),
             "hmac-sha384": ("sha384.key", b"fuzz-secret-sha384", "sha384"),
             "hmac-sha512": ("sha512.key", b"fuzz-secret-sha512", "sha512"),
             "hmac-sha1": ("sha1.key", b"fuzz-secret-sha1", "sha1")}


def signed(alg, name="www.example.com", id=0x1000, edns=None, macsize=None, key=None,
           other=b"", time_signed=0x5F5E1000, flip=False, body=None):
    """A query (or the message body) signed for real (RFC 8945 4.3.3) with a
    key of fuzz_keys.h."""
    import hashlib
    import hmac
    kname, secret, digest = TSIG_KEYS[alg]
    kname = key or kname
    if body is None:
        body = query(name, id=id, edns=edns)
    id = struct.unpack("!H", body[:2])[0]
    tvars = (wname(kname.lower()) + struct.pack("!HI", 255, 0) + wname(alg) +
             struct.pack("!HIHHH", time_signed >> 32, time_signed & 0xFFFFFFFF, 300, 0,
                         len(other)) + other)
    mac = hmac.new(secret, body + tvars, getattr(hashlib, digest)).digest()
    if macsize is not None:
        mac = mac[:macsize]
    if flip:
        mac = bytes([mac[0] ^ 1]) + mac[1:]
    rd = (wname(alg) + struct.pack("!HIHH", time_signed >> 32, time_signed & 0xFFFFFFFF, 300,
                                   len(mac)) + mac + struct.pack("!HHH", id, 0, len(other)) +
          other)
    rr = wname(kname) + struct.pack("!HHIH", 250, 255, 0, len(rd)) + rd
    arcount = struct.unpack("!H", body[10:12])[0] + 1
    return body[:10] + struct.pack("!H", arcount) + body[12:] + rr


def tsig_seeds():
    t = "tsig"
    clear(t)
    for alg in TSIG_KEYS:
        out(t, "valid-" + alg, signed(alg))
        out(t, "badtime-" + alg, signed(alg, id=0x1001))
    out(t, "valid-edns", signed("hmac-sha256", edns=opt()))
    out(t, "valid-case", signed("hmac-sha384", key="SHA384.Key"))
    out(t, "valid-other", signed("hmac-sha512", other=b"\0\0\x5f\x5e\x10\x00"))
    out(t, "truncated-16", signed("hmac-sha256", macsize=16))
    out(t, "truncated-10-sha1", signed("hmac-sha1", macsize=10))
    out(t, "truncated-15", signed("hmac-sha256", macsize=15))
    out(t, "badsig", signed("hmac-sha256", flip=True))
    out(t, "unknown-key", signed("hmac-sha256", key="other.key"))
    out(t, "no-tsig", query("www.example.com"))


# ---- transfer requests (fuzz_xfr.c: the zone xfr.test., serial 3, a journal
# from 1 and 2; bit 0 of the ID set: no journal) ----

def soa_rdata(serial, mname="ns1.xfr.test", rname="hostmaster.xfr.test"):
    return wname(mname) + wname(rname) + struct.pack("!IIIII", serial, 3600, 600, 86400, 300)


def soa_rr(serial, owner=b"\xc0\x0c", rdata=None):
    rd = soa_rdata(serial) if rdata is None else rdata
    return owner + struct.pack("!HHIH", 6, 1, 300, len(rd)) + rd


def ixfr(serial, name="xfr.test", id=0x2000, edns=None, flags=0):
    """An IXFR request: the client's SOA in the authority section, then the
    OPT record when edns is given."""
    q = query(name, "IXFR", id=id, flags=flags, ns=1, ar=1 if edns is not None else 0)
    return q + soa_rr(serial) + (edns if edns is not None else b"")


def xfr_seeds():
    t = "xfr"
    clear(t)
    out(t, "axfr", query("xfr.test", "AXFR", id=0x2000))
    out(t, "axfr-rd-case", query("XFR.Test", "AXFR", id=0x2002, flags=0x0100))
    out(t, "axfr-edns", query("xfr.test", "AXFR", id=0x2004, edns=opt(4096)))
    out(t, "axfr-edns-v1", query("xfr.test", "AXFR", id=0x2006, edns=opt(4096, version=1)))
    out(t, "axfr-class-ch", query("xfr.test", "AXFR", id=0x2008, qclass=3))
    out(t, "axfr-other-zone", query("example.com", "AXFR", id=0x200a))
    out(t, "axfr-below-apex", query("www.xfr.test", "AXFR", id=0x200c))
    for serial in (1, 2, 3, 9, 0, 0x80000003):
        out(t, "ixfr-%d" % serial, ixfr(serial))
    out(t, "ixfr-1-nojournal", ixfr(1, id=0x2001))
    out(t, "ixfr-2-nojournal", ixfr(2, id=0x2003))
    out(t, "ixfr-1-udp512", ixfr(1, edns=opt(512)))
    out(t, "ixfr-2-udp1232", ixfr(2, edns=opt(1232)))
    out(t, "ixfr-1-udp4096", ixfr(1, edns=opt(4096)))
    out(t, "ixfr-1-rd", ixfr(1, flags=0x0100))
    # the client's SOA missing or malformed
    out(t, "ixfr-no-soa", query("xfr.test", "IXFR", id=0x2000))
    out(t, "ixfr-soa-in-answer", query("xfr.test", "IXFR", id=0x2000, an=1) + soa_rr(1))
    out(t, "ixfr-soa-other-owner", query("xfr.test", "IXFR", id=0x2000, ns=1) +
        soa_rr(1, owner=wname("other.test")))
    out(t, "ixfr-soa-short", query("xfr.test", "IXFR", id=0x2000, ns=1) +
        soa_rr(1, rdata=soa_rdata(1)[:-4]))
    out(t, "ixfr-soa-long", query("xfr.test", "IXFR", id=0x2000, ns=1) +
        soa_rr(1, rdata=soa_rdata(1) + b"\0"))
    out(t, "ixfr-soa-badname", query("xfr.test", "IXFR", id=0x2000, ns=1) +
        soa_rr(1, rdata=b"\x05ns1" + soa_rdata(1)))
    out(t, "ixfr-soa-compressed", query("xfr.test", "IXFR", id=0x2000, ns=1) +
        soa_rr(2, rdata=b"\3ns1\xc0\x0c\nhostmaster\xc0\x0c" + struct.pack("!IIIII", 2, 1, 2, 3, 4)))
    out(t, "ixfr-soa-rdlen-over", query("xfr.test", "IXFR", id=0x2000, ns=1) +
        b"\xc0\x0c" + struct.pack("!HHIH", 6, 1, 300, len(soa_rdata(1)) + 10) + soa_rdata(1))
    out(t, "ixfr-ns-then-soa", query("xfr.test", "IXFR", id=0x2000, ns=2) +
        b"\xc0\x0c" + struct.pack("!HHIH", 2, 1, 300, 2) + b"\xc0\x0c" + soa_rr(2))
    # signed (keys of fuzz_keys.h; Time Signed is the server's time)
    out(t, "axfr-tsig-sha256", signed("hmac-sha256", body=query("xfr.test", "AXFR", id=0x2010)))
    out(t, "ixfr-1-tsig-sha512", signed("hmac-sha512", body=ixfr(1, id=0x2012)))
    out(t, "ixfr-2-tsig-sha1-udp", signed("hmac-sha1", body=ixfr(2, id=0x2014, edns=opt(512))))
    out(t, "ixfr-3-tsig-sha384", signed("hmac-sha384", body=ixfr(3, id=0x2016)))
    out(t, "ixfr-9-tsig-badsig", signed("hmac-sha256", body=ixfr(9, id=0x2018), flip=True))
    out(t, "ixfr-1-tsig-trunc", signed("hmac-sha256", body=ixfr(1, id=0x201a), macsize=16))

# ---- DNSSEC key files (fuzz_dnskey.c: the .key text, NUL, the .private text) ----
#
# ldns-keygen's and BIND's files (test keys of tests/unit/test_dnssec_key.c)
KEY13 = ("example.com.\tIN\tDNSKEY\t257 3 13 rnjYcFXN72kjSkfrWf5pDr5fz1FsvQTAPi5epgxl07oKhsOquRgD"
         "eSsOU6PUXRzIzfg2ixqbcjpIW0IAYl4o6Q== ;{id = 7211 (ksk), size = 256b}\n")
PRIVATE13 = ("Private-key-format: v1.2\nAlgorithm: 13 (ECDSAP256SHA256)\n"
             "PrivateKey: FLiJncFJoG8SutySHXjmEZ2CoSGz6g0mn8ZgPJhuM1w=\n")
KEY15 = ("; This is a zone-signing key, keyid 17324, for example.org.\n"
         "example.org. IN DNSKEY 256 3 15 Whx8wymfoBoQOamDdpzhsd+HvV58W69/QSzjcjzRYsY=\n")
PRIVATE15 = ("Private-key-format: v1.3\nAlgorithm: 15 (ED25519)\n"
             "PrivateKey: 9tiEIstp4sQMNZWqIx3xcjdtQXbX8CZA0CGmG4csoDU=\n"
             "Created: 20261203081052\nPublish: 20261203081052\n")
KEY13_SHORT = ("example.net.\t3600\tIN\tDNSKEY\t257 3 13 82PYbNlnTzSAobnr1pTB6UJoM3UvoGr3oCUjpAT7u4cX"
               "pWdnMAVFoGFrFXs0LX/8m0K8Uqq3WvW3ua+aNu/VNQ==\n")
PRIVATE13_SHORT = ("Private-key-format: v1.2\nAlgorithm: 13 (ECDSAP256SHA256)\n"
                   "PrivateKey: TpwggEtrVtRtzBLcZ1S2MH/e2bzDrwpZ5/Wyfjlt\n")


def dnskey_seeds():
    t = "dnskey"
    clear(t)
    out(t, "ecdsa-ldns", KEY13 + "\0" + PRIVATE13)
    out(t, "ed25519-bind", KEY15 + "\0" + PRIVATE15)
    out(t, "ecdsa-short-scalar", KEY13_SHORT + "\0" + PRIVATE13_SHORT)
    out(t, "mismatch", KEY15 + "\0" + PRIVATE13)
    out(t, "two-records", KEY13 + KEY13 + "\0" + PRIVATE13)
    out(t, "rsa", "example.com. IN DNSKEY 257 3 8 AwEAAbM=\n\0"
        "Private-key-format: v1.2\nAlgorithm: 8 (RSASHA256)\nModulus: AwEAAbM=\n")
    out(t, "bad-base64", KEY13 + "\0" + PRIVATE13.replace("FLiJ", "F!iJ"))
    out(t, "key-only", KEY13)


if __name__ == "__main__":
    dnskey_seeds()
    xfr_seeds()
    tsig_seeds()
    packets()
    zones()
    configs()
    services()
    feeds()
    http()
