# xfr-out.sh - zone transfers out (RFC 5936) from the transfer thread:
# AXFR over TCP of exactly the zone's records, SOA first and last; every
# message of a multi-message transfer TSIG-signed and verified by kdig and
# dig (RFC 8945 5.3.1); transfer.allow by network and key (REFUSED
# otherwise), a bad or unknown key NOTAUTH with BADSIG or BADKEY; AXFR over
# UDP refused; IXFR answered in AXFR form (RFC 1995 4) while there is no
# journal; the caps on transfers at once (server.transfers_out and
# transfers_out_per_client: SERVFAIL, counted); queries on a connection
# that transferred still answered; xfr_out_total and the log line.
#
# Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
. tests/integration/lib.sh

# a zone of 200,001 records: about 7 MB, hundreds of messages
awk 'BEGIN {
	print "$ORIGIN big.test."
	print "$TTL 300"
	print "@ SOA ns1 hostmaster 7 3600 600 86400 300"
	print "@ NS ns1"
	print "ns1 A 192.0.2.1"
	for (i = 0; i < 99999; i++) {
		printf "h%d A 10.%d.%d.%d\n", i, int(i / 65536) % 256, int(i / 256) % 256, i % 256
		printf "h%d TXT \"record number %d, with some text\"\n", i, i
	}
}' >"$TMP/big.zone"
# j.test: versions 1 to 5 by reloads (journal.max_versions 2, journal.file);
# inc.test: serial_policy increment
jzone() {
	printf '$ORIGIN j.test.\n$TTL 300\n@ SOA ns1 hostmaster %s 3600 600 86400 300\n@ NS ns1\nns1 A 192.0.2.1\n%s' "$1" "$2" >"$TMP/j.zone"
}
jzone 1 'a A 192.0.2.10
b A 192.0.2.20
'
izone() {
	printf '$ORIGIN inc.test.\n$TTL 300\n@ SOA ns1 hostmaster 5 3600 600 86400 300\n@ NS ns1\nns1 A 192.0.2.1\n%s' "$1" >"$TMP/inc.zone"
}
izone ''
rm -f "$TMP/j.journal"
start_server tests/data/xfr-out.conf || exit 1
K=hmac-sha256:xfr:eGZyLXNlY3JldC14ZnItc2VjcmV0LXhmci1zZWNyZXQ=
KBAD=hmac-sha256:xfr:d3Jvbmctc2VjcmV0LXdyb25nLXNlY3JldC13cm9uZw==
KOTHER=hmac-sha512:other:b3RoZXItc2VjcmV0LW90aGVyLXNlY3JldA==
KUNKNOWN=hmac-sha256:nobody:eGZyLXNlY3JldC14ZnItc2VjcmV0LXhmci1zZWNyZXQ=

kx() { kdig @127.0.0.1 -p "$PORT" +time=5 +retry=0 "$@" 2>&1; }

# the records of a transfer without its TSIG lines and its final SOA, in
# canonical order, against the zone file's
canon() { ldns-read-zone -c -s "$1" 2>&1 | grep -v '^;' | sort; }
kx +noall +answer example.net AXFR -y "$K" >"$TMP/axfr.txt"
grep -v 'TSIG' "$TMP/axfr.txt" | sed '$d' >"$TMP/axfr.zone"
canon "$TMP/axfr.zone" >"$TMP/got"
canon zones/example.net.zone >"$TMP/want"
if [ -s "$TMP/want" ] && diff -u "$TMP/want" "$TMP/got" >"$TMP/diff"; then
	pass "signed AXFR: exactly the zone's records"
else
	fail "signed AXFR: exactly the zone's records"
	sed 's/^/  /' "$TMP/diff"
fi
kx example.net AXFR -y "$K" >"$TMP/axfr-full.txt"
check_cmd "signed AXFR: SOA first and last, one message, signed" \
	sh -c "awk '{ print \$4 }' '$TMP/axfr.txt' | sed -n '1p;\$p'; grep -c 'TSIG.* NOERROR' '$TMP/axfr-full.txt'; grep -o '(1 messages, 7 records)' '$TMP/axfr-full.txt'" <<'EOF'
SOA
SOA
1
(1 messages, 7 records)
EOF

# unsigned from the network allowed without a key: dig's exact output
check "unsigned AXFR from 127.0.0.2" -b 127.0.0.2 example.net AXFR <<'EOF'
example.net.		3600	IN	SOA	ns1.example.com. hostmaster.example.net. 2026112701 7200 900 1209600 600
example.net.		3600	IN	NS	ns1.example.com.
example.net.		3600	IN	NS	ns2.example.com.
lb-ap.example.net.	3600	IN	A	203.0.113.10
lb-ap.example.net.	3600	IN	AAAA	2001:db8:200::10
www.example.net.	3600	IN	A	198.51.100.80
example.net.		3600	IN	SOA	ns1.example.com. hostmaster.example.net. 2026112701 7200 900 1209600 600
EOF

check_refusal() {
	name=$1
	want=$2
	shift 2
	out=$(kx "$@" | grep 'server replied')
	if [ "$out" = ";; ERROR: server replied with error '$want'" ]; then
		pass "$name"
	else
		fail "$name"
		echo "  got: $out"
	fi
}
check_refusal "no key from 127.0.0.1: REFUSED" REFUSED example.net AXFR
check_refusal "another key than the allowed one: REFUSED" REFUSED example.net AXFR -y "$KOTHER"
check_refusal "not in any network: REFUSED" REFUSED -b 127.0.0.3 example.net AXFR
check_refusal "wrong secret: BADSIG" BADSIG example.net AXFR -y "$KBAD"
check_refusal "unknown key: BADKEY" BADKEY example.net AXFR -y "$KUNKNOWN"
check_refusal "not our zone: REFUSED" REFUSED example.org AXFR -y "$K"
check_refusal "below the apex: REFUSED" REFUSED www.example.net AXFR -y "$K"
check_refusal "zone without transfer.allow: REFUSED" REFUSED example.com AXFR
check_refusal "AXFR over UDP: REFUSED" REFUSED +notcp -b 127.0.0.2 example.net AXFR

# IXFR without a journal: the whole zone (AXFR form, RFC 1995 4)
check_cmd "IXFR answered as AXFR" \
	sh -c "kdig @127.0.0.1 -p $PORT +noall +answer -b 127.0.0.2 example.net IXFR=2026010100 | awk '{ print \$4 }' | tr '\n' ' '; echo" <<'EOF'
SOA NS NS A AAAA A SOA 
EOF

# the large zone: every message signed and verified (kdig fails the
# transfer on a MAC it cannot verify), all records there
kx big.test AXFR -y "$K" >"$TMP/big.txt"
check_cmd "large signed AXFR: every message verified by kdig" \
	sh -c "grep -c ';; ERROR\\|fail' '$TMP/big.txt'; grep -c 'TSIG.* NOERROR' '$TMP/big.txt' | awk '{ print (\$1 > 300) ? \"many signed\" : \$1 }'; sed -n 's/.*(\\([0-9]*\\) messages, \\([0-9]*\\) records).*/\\2 records/p' '$TMP/big.txt'" <<'EOF'
0
many signed
200002 records
EOF
dig @127.0.0.1 -p "$PORT" +time=5 +tries=1 big.test AXFR -y "$K" >"$TMP/big-dig.txt" 2>&1
check_cmd "large signed AXFR: dig verifies every message" \
	sh -c "grep -c 'verify\\|failed' '$TMP/big-dig.txt'; grep -o 'XFR size: [0-9]* records' '$TMP/big-dig.txt'" <<'EOF'
0
XFR size: 200002 records
EOF

# EDNS: every message of a transfer to an EDNS request carries an OPT
# (RFC 6891 7; 11 octets: root, type, payload size, no options)
edns_sizes() {
	for e in +edns +noedns; do
		kdig @127.0.0.1 -p "$PORT" -b 127.0.0.2 $e example.net AXFR 2>&1 |
			sed -n 's/^;; Received \([0-9]*\) B (\([0-9]*\) messages.*/\1 octets, \2 message/p'
	done
}
check_cmd "AXFR with EDNS: an OPT in the message" edns_sizes <<'EOF'
251 octets, 1 message
240 octets, 1 message
EOF

# SOA then AXFR on one connection (RFC 7766 6.2.3): the worker answers the
# SOA, the transfer thread takes the connection with that answer unsent
check_cmd "SOA then AXFR pipelined on one connection" \
	sh -c "kdig @127.0.0.1 -p $PORT -b 127.0.0.2 +tcp +keepopen +noall +answer example.net SOA example.net AXFR | awk 'NF { print \$4 }' | tr '\n' ' '; echo" <<'EOF'
SOA SOA NS NS A AAAA A SOA 
EOF

# a connection that transferred goes on answering queries
check_cmd "queries after a transfer on one connection" \
	sh -c "kdig @127.0.0.1 -p $PORT +tcp +keepopen +noall +answer -b 127.0.0.2 example.net AXFR www.example.net A | tail -1" <<'EOF'
www.example.net.    	3600	IN	A	198.51.100.80
EOF

# caps: a client that asks for the big zone and does not read holds its
# transfer; a second one from the same address gets SERVFAIL
# (transfers_out_per_client 1), one from another address is served, and
# with two held the next gets SERVFAIL (transfers_out 2)
stall() {
	rm -f "$TMP/stall.ready"
	python3 - "$PORT" "$1" "$2" "$TMP/stall.ready" >/dev/null 2>&1 <<'PY' &
import socket, struct, sys, time
port, src, secs, ready = int(sys.argv[1]), sys.argv[2], float(sys.argv[3]), sys.argv[4]
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.bind((src, 0))
s.connect(("127.0.0.1", port))
q = bytes.fromhex("abcd00000001000000000000") + b"\x03big\x04test\x00" + bytes.fromhex("00fc0001")
s.sendall(struct.pack("!H", len(q)) + q)
s.recv(1, socket.MSG_PEEK)  # the transfer has begun
open(ready, "w").close()
time.sleep(secs)
s.close()
PY
	STALL_PID=$!
	i=0
	while [ ! -e "$TMP/stall.ready" ] && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
}
stall 127.0.0.1 6
p1=$STALL_PID
check_refusal "per-client cap: SERVFAIL" SERVFAIL big.test AXFR
check_cmd "per-client cap: another client is served" \
	sh -c "kdig @127.0.0.1 -p $PORT +noall +answer -b 127.0.0.2 example.net AXFR | wc -l" <<'EOF'
7
EOF
stall 127.0.0.3 4
p2=$STALL_PID
check_refusal "total cap: SERVFAIL" SERVFAIL -b 127.0.0.4 example.net AXFR
wait "$p1" "$p2"
sleep 0.3
check_cmd "caps released when the clients leave" \
	sh -c "kdig @127.0.0.1 -p $PORT +noall +answer -b 127.0.0.4 example.net AXFR | wc -l" <<'EOF'
7
EOF

# ---- the journal and IXFR (RFC 1995) ----
# reload N (lib.sh): SIGHUP, then wait for the Nth reload's result line
# ixfr ARGS: owner, type, first rdata field, and the SOA's serial
ixfr() { kdig @127.0.0.1 -p "$PORT" +noall +answer "$@" 2>&1 | awk '{ print $1, $4, $5, ($4 == "SOA") ? $7 : "" }'; }
jzone 2 'a A 192.0.2.11
b A 192.0.2.20
c TXT "new"
'
reload 1
check_cmd "IXFR from the previous serial: the difference" ixfr j.test IXFR=1 <<'EOF'
j.test. SOA ns1.j.test. 2
j.test. SOA ns1.j.test. 1
a.j.test. A 192.0.2.10 
j.test. SOA ns1.j.test. 2
a.j.test. A 192.0.2.11 
c.j.test. TXT "new" 
j.test. SOA ns1.j.test. 2
EOF
check_cmd "IXFR from the current serial: our SOA alone" ixfr j.test IXFR=2 <<'EOF'
j.test. SOA ns1.j.test. 2
EOF
check_cmd "IXFR from a newer serial: our SOA alone" ixfr j.test IXFR=9 <<'EOF'
j.test. SOA ns1.j.test. 2
EOF
jzone 3 'a A 192.0.2.11
b A 192.0.2.20
'
reload 2
check_cmd "IXFR across two versions: condensed (c added, then removed)" ixfr j.test IXFR=1 <<'EOF'
j.test. SOA ns1.j.test. 3
j.test. SOA ns1.j.test. 1
a.j.test. A 192.0.2.10 
j.test. SOA ns1.j.test. 3
a.j.test. A 192.0.2.11 
j.test. SOA ns1.j.test. 3
EOF
check_cmd "IXFR over UDP when it fits" ixfr +notcp j.test IXFR=2 <<'EOF'
j.test. SOA ns1.j.test. 3
j.test. SOA ns1.j.test. 2
c.j.test. TXT "new" 
j.test. SOA ns1.j.test. 3
j.test. SOA ns1.j.test. 3
EOF
# an IXFR over UDP from serial 0, built here: dig and kdig show no flags
# for IXFR answers
udp_unkept() {
	python3 - "$PORT" <<'PY'
import socket, struct, sys
name = b"\x01j\x04test\x00"
soa = b"\x00\x00" + struct.pack("!IIIII", 0, 0, 0, 0, 0)
q = struct.pack("!HHHHHH", 0x1234, 0, 1, 0, 1, 0) + name + struct.pack("!HH", 251, 1)
q += b"\xc0\x0c" + struct.pack("!HHIH", 6, 1, 0, len(soa)) + soa
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(3)
s.sendto(q, ("127.0.0.1", int(sys.argv[1])))
r = s.recv(4096)
flags = struct.unpack("!H", r[2:4])[0]
names = [n for n, bit in (("qr", 15), ("aa", 10), ("tc", 9)) if flags >> bit & 1]
an = struct.unpack("!H", r[6:8])[0]
p = 12 + len(name) + 4
p += 2 if r[p] & 0xC0 else len(name)  # the answer's owner
print("flags:", " ".join(names), "rcode", flags & 15, "answers", an,
      "type", struct.unpack("!H", r[p:p + 2])[0])
PY
}
check_cmd "IXFR over UDP from a serial not kept: TC and our SOA alone" udp_unkept <<'EOF'
flags: qr aa tc rcode 0 answers 1 type 6
EOF
jzone 3 'a A 192.0.2.12
b A 192.0.2.20
'
reload 3
check_cmd "a changed zone with the same serial: the reload fails, naming both serials" \
	sh -c "grep -c 'zone j.test.: the zone changed but its serial 3 is not greater than the serial served, 3' '$TMP/server.log'; kdig @127.0.0.1 -p $PORT +short j.test SOA | awk '{ print \$3 }'; kdig @127.0.0.1 -p $PORT +short a.j.test A" <<'EOF'
1
3
192.0.2.11
EOF
jzone 4 'a A 192.0.2.13
'
reload 4
jzone 5 'a A 192.0.2.14
'
reload 5
check_cmd "journal.max_versions 2: 3 is the oldest serial kept, 2 gets the zone (AXFR form)" \
	sh -c "kdig @127.0.0.1 -p $PORT +noall +answer j.test IXFR=3 | wc -l; kdig @127.0.0.1 -p $PORT +noall +answer j.test IXFR=2 | awk '{ print \$4 }' | tr '\n' ' '; echo" <<'EOF'
7
SOA NS A A SOA 
EOF
izone 'x A 192.0.2.5
'
reload 6
check_cmd "serial_policy increment: a change without a new serial gets the served one plus one" \
	sh -c "kdig @127.0.0.1 -p $PORT +short inc.test SOA | awk '{ print \$3 }'; kdig @127.0.0.1 -p $PORT +noall +answer inc.test IXFR=5 | awk '{ print \$4 }' | tr '\n' ' '; echo" <<'EOF'
6
SOA SOA SOA A SOA 
EOF

curl -s "http://127.0.0.1:$HTTPPORT/metrics" | grep '^geodnsd_xfr_out_total' >"$TMP/metrics"
check_cmd "xfr_out_total by type and result" \
	sh -c "grep -v ' 0\$' '$TMP/metrics'" <<'EOF'
geodnsd_xfr_out_total{type="AXFR",result="ok"} 11
geodnsd_xfr_out_total{type="AXFR",result="refused"} 6
geodnsd_xfr_out_total{type="AXFR",result="notauth"} 2
geodnsd_xfr_out_total{type="AXFR",result="limit"} 2
geodnsd_xfr_out_total{type="AXFR",result="aborted"} 2
geodnsd_xfr_out_total{type="IXFR",result="ok"} 8
EOF
check_cmd "log line of a signed transfer" \
	sh -c "grep 'event=xfr_out zone=big.test. client=127.0.0.1 key=xfr. type=AXFR from=- serial=7 form=axfr records=200002 ' '$TMP/server.log' | grep -c 'result=ok'" <<'EOF'
2
EOF

# a restart keeps the journal (journal.file): IXFR from 4 still served
stop_server || fail "geodnsd exit status before the restart"
start_server tests/data/xfr-out.conf || exit 1
check_cmd "the journal file survives a restart" \
	sh -c "kdig @127.0.0.1 -p $PORT +noall +answer j.test IXFR=4 | awk '{ print \$4 }' | tr '\n' ' '; echo" <<'EOF'
SOA SOA A SOA A SOA 
EOF
# edited without a new serial while stopped: the saved journal would lead
# to another version than the one served, so it is emptied
stop_server || fail "geodnsd exit status before the second restart"
jzone 5 'a A 192.0.2.15
'
start_server tests/data/xfr-out.conf || exit 1
check_cmd "a zone edited without a new serial while stopped: its journal emptied" \
	sh -c "grep -c 'event=journal_reset zone=j.test. serial=5' '$TMP/server.log'; kdig @127.0.0.1 -p $PORT +noall +answer j.test IXFR=4 | awk '{ print \$4, \$5 }' | tr '\n' ' '; echo" <<'EOF'
1
SOA ns1.j.test. NS ns1.j.test. A 192.0.2.15 A 192.0.2.1 SOA ns1.j.test. 
EOF

stop_server || fail "geodnsd exit status"
