# tsig.sh - TSIG-signed queries (RFC 8945) before zone transfers exist: no
# key is configured, so every signed query gets NOTAUTH with an unsigned
# TSIG whose error is BADKEY (5.2.1, 5.3.2): the request's key name,
# algorithm, time signed, fudge and original ID, MAC size 0, other len 0,
# last in the additional section after the OPT. Never an answer, never
# from the answer cache; UDP and TCP; AXFR and class CH too (the TSIG is
# checked first). A misplaced or malformed TSIG is FORMERR.
#
# Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
. tests/integration/lib.sh

start_server tests/data/tsig.conf || exit 1
KEY=hmac-sha256:k1.example:c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0

# check_tsig NAME DIG-ARGS...: dq output with the TSIG's time signed and
# original ID replaced by <time> and <id> after checking them: the ID is the
# query's (the header's; an AXFR's output has no header), the time within
# the 300 s fudge of now.
check_tsig() {
	name=$1
	shift
	cat >"$TMP/expected"
	now=$(date +%s)
	dig @127.0.0.1 -p "$PORT" +nocmd +nostats +time=2 +tries=1 +nocookie "$@" >"$TMP/raw" 2>&1
	hid=$(sed -n 's/.*, id: \([0-9]*\)$/\1/p' "$TMP/raw" | head -1)
	sed -e 's/, id: [0-9]*$//' -e '/^;; Got answer:/d' -e '/^$/d' \
	    -e 's/^; COOKIE: [0-9a-f]\{48\} /; COOKIE: <24 octets> /' "$TMP/raw" |
		awk -v now="$now" -v hid="$hid" '
		/\tTSIG\t/ {
			n = index($0, "\tTSIG\t")
			k = split(substr($0, n + 6), f, " ")
			f[2] = (f[2] - now <= 300 && now - f[2] <= 300) ? "<time>" : "BAD-TIME:" f[2]
			f[5] = (f[5] == hid || hid == "") ? "<id>" : "BAD-ID:" f[5] "!=" hid
			line = substr($0, 1, n + 5) f[1]
			for (i = 2; i <= k; i++)
				line = line " " f[i]
			print line
			next
		}
		{ print }' >"$TMP/actual"
	if diff -u "$TMP/expected" "$TMP/actual" >"$TMP/diff"; then
		pass "$name"
	else
		fail "$name"
		echo "  dig $*"
		sed 's/^/  /' "$TMP/diff"
	fi
}
notauth='geodnsd_responses_total{rcode="NOTAUTH"}'

check_tsig "UDP, EDNS: NOTAUTH, OPT then the BADKEY TSIG, no answer" -y "$KEY" www.example.com A <<'EOF2'
;; Couldn't verify signature: tsig indicates error
;; ->>HEADER<<- opcode: QUERY, status: NOTAUTH
;; flags: qr rd; QUERY: 1, ANSWER: 0, AUTHORITY: 0, ADDITIONAL: 2
;; WARNING: recursion requested but not available
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;www.example.com.		IN	A
;; TSIG PSEUDOSECTION:
k1.example.		0	ANY	TSIG	hmac-sha256. <time> 300 0 <id> BADKEY 0
EOF2
check_tsig "UDP without EDNS: the TSIG alone in the additional section" -y "$KEY" +noedns +norec www.example.com A <<'EOF2'
;; Couldn't verify signature: tsig indicates error
;; ->>HEADER<<- opcode: QUERY, status: NOTAUTH
;; flags: qr; QUERY: 1, ANSWER: 0, AUTHORITY: 0, ADDITIONAL: 1
;; QUESTION SECTION:
;www.example.com.		IN	A
;; TSIG PSEUDOSECTION:
k1.example.		0	ANY	TSIG	hmac-sha256. <time> 300 0 <id> BADKEY 0
EOF2
check_tsig "TCP: the same" -y "$KEY" +tcp +norec www.example.com A <<'EOF2'
;; Couldn't verify signature: tsig indicates error
;; ->>HEADER<<- opcode: QUERY, status: NOTAUTH
;; flags: qr; QUERY: 1, ANSWER: 0, AUTHORITY: 0, ADDITIONAL: 2
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;www.example.com.		IN	A
;; TSIG PSEUDOSECTION:
k1.example.		0	ANY	TSIG	hmac-sha256. <time> 300 0 <id> BADKEY 0
EOF2
check_tsig "EDNS options as in any response: NSID, server cookie" -y "$KEY" +norec +nsid +cookie www.example.com A <<'EOF2'
;; Couldn't verify signature: tsig indicates error
;; ->>HEADER<<- opcode: QUERY, status: NOTAUTH
;; flags: qr; QUERY: 1, ANSWER: 0, AUTHORITY: 0, ADDITIONAL: 2
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
; NSID: 74 73 69 67 2d 31 ("tsig-1")
; COOKIE: <24 octets> (good)
;; QUESTION SECTION:
;www.example.com.		IN	A
;; TSIG PSEUDOSECTION:
k1.example.		0	ANY	TSIG	hmac-sha256. <time> 300 0 <id> BADKEY 0
EOF2
check_tsig "AXFR over TCP: NOTAUTH, not REFUSED (the TSIG is checked first)" -y "$KEY" +tcp example.com AXFR <<'EOF2'
;; Couldn't verify signature: tsig indicates error
k1.example.		0	ANY	TSIG	hmac-sha256. <time> 300 0 <id> BADKEY 0
; Transfer failed.
EOF2
check_tsig "class CH: NOTAUTH, not REFUSED" -y "$KEY" +norec example.com CH SOA <<'EOF2'
;; Couldn't verify signature: tsig indicates error
;; ->>HEADER<<- opcode: QUERY, status: NOTAUTH
;; flags: qr; QUERY: 1, ANSWER: 0, AUTHORITY: 0, ADDITIONAL: 2
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;example.com.			CH	SOA
;; TSIG PSEUDOSECTION:
k1.example.		0	ANY	TSIG	hmac-sha256. <time> 300 0 <id> BADKEY 0
EOF2

# the answer cache: the name answered (and kept) unsigned, then signed:
# still NOTAUTH; unsigned again: the answer
unsigned_answer() {
	check "$1" +norec +noedns static.example.com A <<'EOF2'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 0
;; QUESTION SECTION:
;static.example.com.		IN	A
;; ANSWER SECTION:
static.example.com.	3600	IN	A	192.0.2.80
EOF2
}
unsigned_answer "unsigned: answered"
dq +norec +noedns static.example.com A >/dev/null
n0=$(metric "$notauth")
i=0
while [ $i -lt 3 ]; do
	check_tsig "signed after the answer was cached: NOTAUTH ($i)" -y "$KEY" +norec +noedns static.example.com A <<'EOF2'
;; Couldn't verify signature: tsig indicates error
;; ->>HEADER<<- opcode: QUERY, status: NOTAUTH
;; flags: qr; QUERY: 1, ANSWER: 0, AUTHORITY: 0, ADDITIONAL: 1
;; QUESTION SECTION:
;static.example.com.		IN	A
;; TSIG PSEUDOSECTION:
k1.example.		0	ANY	TSIG	hmac-sha256. <time> 300 0 <id> BADKEY 0
EOF2
	i=$((i + 1))
done
check_cmd "3 signed queries: NOTAUTH counted 3 times" sh -c "echo \$(( $(metric "$notauth") - $n0 ))" <<'EOF2'
3
EOF2
unsigned_answer "unsigned again: the answer"

# hand-made packets: www.example.com/A; a TSIG (key k1.example.,
# hmac-sha256., MAC size 0, original ID 1) and an OPT (udp 1232)
hdr() { printf '0001000000010000%04x%04x' "$1" "$2"; }
QN=03777777076578616d706c6503636f6d0000010001
tsig_rr() { printf '026b31076578616d706c650000fa%s000000000%s0b686d61632d73686132353600000000000001012c0000000100000000' "$1" 01d; }
TSIG=$(tsig_rr 00ff)
OPT=00002904d0000000000000
check_tc "raw TSIG, UDP: NOTAUTH, one additional record" -u raw:$(hdr 0 1)$QN$TSIG <<'EOF2'
id=1 opcode=QUERY rcode=NOTAUTH flags=qr qd=1 an=0 ns=0 ar=1 q=www.example.com./IN/A first=-
EOF2
check_tc "raw OPT then TSIG, TCP: NOTAUTH, OPT and TSIG" raw:$(hdr 0 2)$QN$OPT$TSIG <<'EOF2'
id=1 opcode=QUERY rcode=NOTAUTH flags=qr qd=1 an=0 ns=0 ar=2 q=www.example.com./IN/A first=- opt=v0,udp1232,do0
EOF2
check_tc "raw TSIG before the OPT: FORMERR" -u raw:$(hdr 0 2)$QN$TSIG$OPT <<'EOF2'
id=1 opcode=QUERY rcode=FORMERR flags=qr qd=1 an=0 ns=0 ar=1 q=www.example.com./IN/A first=- opt=v0,udp1232,do0
EOF2
check_tc "raw two TSIGs: FORMERR" -u raw:$(hdr 0 2)$QN$TSIG$TSIG <<'EOF2'
id=1 opcode=QUERY rcode=FORMERR flags=qr qd=1 an=0 ns=0 ar=0 q=www.example.com./IN/A first=-
EOF2
check_tc "raw TSIG in the answer section: FORMERR" -u raw:000100000001000100000000$QN$TSIG <<'EOF2'
id=1 opcode=QUERY rcode=FORMERR flags=qr qd=1 an=0 ns=0 ar=0 q=www.example.com./IN/A first=-
EOF2
check_tc "raw TSIG of class IN: FORMERR" -u raw:$(hdr 0 1)$QN$(tsig_rr 0001) <<'EOF2'
id=1 opcode=QUERY rcode=FORMERR flags=qr qd=1 an=0 ns=0 ar=0 q=www.example.com./IN/A first=-
EOF2

if command -v kdig >/dev/null 2>&1; then
	# kdig shows the TSIG error as the status (Knot 3.2: "status: BADKEY")
	# or the header's rcode (NOTAUTH), by version; the header itself is
	# checked octet by octet above. The TSIG record must carry BADKEY.
	check_cmd "kdig: NOTAUTH with BADKEY" sh -c "kdig @127.0.0.1 -p $PORT +time=2 +retry=0 \
		-y $KEY www.example.com A 2>&1 | sed -n \
		-e 's/.*status: \(NOTAUTH\|BADKEY\);.*/status NOTAUTH or BADKEY/p' \
		-e 's/^k1\.example\.[[:space:]]*0[[:space:]]*ANY[[:space:]]*TSIG[[:space:]]*hmac-sha256\. [0-9]* 300 0 [0-9]* BADKEY 0\$/TSIG BADKEY, MAC size 0/p'" <<'EOF2'
status NOTAUTH or BADKEY
TSIG BADKEY, MAC size 0
EOF2
fi

server_alive "server still running"
if stop_server; then pass "clean exit on TERM"; else fail "clean exit on TERM"; fi
sanitizer_clean "no sanitizer report"
