# tsig-keys.sh - TSIG (RFC 8945) with configured keys: a query signed with
# one of them is answered as usual and the response signed; dig -y and
# kdig -y verify it, for each algorithm (hmac-sha256, -sha384, -sha512 from
# a secret_file, -sha1), over UDP and TCP, with key names matched without
# case. A wrong secret: NOTAUTH, an unsigned TSIG with BADSIG; a key we do
# not have: BADKEY (tsig.sh has more of that). A signed response never
# comes from the answer cache. A signed response too large for UDP: TC,
# the question only, signed (5.3). BADTIME and truncated MACs through
# tsigclient.py, a client of its own (Python's hmac), which also checks the
# response MACs independently of dig. A reload applies a new secret_file.
#
# Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
. tests/integration/lib.sh

# the secret file: only its owner may read it (the server refuses it else)
rm -f "$TMP/k512.secret"
echo c2VjcmV0LXNoYTUxMi1zZWNyZXQtc2hhNTEy >"$TMP/k512.secret"
chmod 600 "$TMP/k512.secret"
start_server tests/data/tsig-keys.conf || exit 1

K256=hmac-sha256:k256.example:c2VjcmV0LXNoYTI1Ni1zZWNyZXQtc2hhMjU2
K384=hmac-sha384:k384.example:c2VjcmV0LXNoYTM4NC1zZWNyZXQtc2hhMzg0
K512=hmac-sha512:K512.Example:c2VjcmV0LXNoYTUxMi1zZWNyZXQtc2hhNTEy
K1=hmac-sha1:k1.old:c2VjcmV0LXNoYTEtc2VjcmV0LXNoYTE=
LONG=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc.dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd.example
KLONG=hmac-sha512:$LONG:bG9uZy1rZXktbmFtZQ==

# check_signed NAME DIG-ARGS...: dig's output with the TSIG's time signed,
# MAC and original ID replaced by <time>, <mac> and <id> after checking
# them (the time within the fudge of now, the ID the header's). A response
# dig could not verify shows ";; Couldn't verify signature: ..." (dig
# prints that line whenever the TSIG check fails), which no expected
# output below has for a signed answer.
check_signed() {
	name=$1
	shift
	cat >"$TMP/expected"
	now=$(date +%s)
	dig @127.0.0.1 -p "$PORT" +nocmd +nostats +time=2 +tries=1 +nocookie "$@" >"$TMP/raw" 2>&1
	hid=$(sed -n 's/.*, id: \([0-9]*\)$/\1/p' "$TMP/raw" | head -1)
	sed -e 's/, id: [0-9]*$//' -e '/^;; Got answer:/d' -e '/^$/d' "$TMP/raw" |
		awk -v now="$now" -v hid="$hid" '
		$4 == "TSIG" {
			# one space between fields (dig aligns short owners with
			# tabs and splits long MACs); the ID, error and other len
			# last (no other data in these)
			$6 = ($6 - now <= 300 && now - $6 <= 300) ? "<time>" : "BAD-TIME:" $6
			id = $(NF - 2)
			id = (id == hid || hid == "") ? "<id>" : "BAD-ID:" id "!=" hid
			line = $1
			for (j = 2; j <= 8; j++)
				line = line " " $j
			if ($8 > 0)
				line = line " <mac>"
			print line, id, $(NF - 1), $NF
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

# the name answered unsigned first, so that the answer cache holds it: the
# signed queries below must not get it from there
dq +norec +noedns static.example.com A >/dev/null
dq +norec +noedns static.example.com A >/dev/null

check_signed "hmac-sha256, UDP: the answer, signed, verified by dig" -y "$K256" +norec static.example.com A <<'EOF2'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 2
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;static.example.com.		IN	A
;; ANSWER SECTION:
static.example.com.	3600	IN	A	192.0.2.80
;; TSIG PSEUDOSECTION:
k256.example. 0 ANY TSIG hmac-sha256. <time> 300 32 <mac> <id> NOERROR 0
EOF2
check_signed "hmac-sha256 without EDNS: the TSIG alone in the additional section" -y "$K256" +norec +noedns static.example.com A <<'EOF2'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
;; QUESTION SECTION:
;static.example.com.		IN	A
;; ANSWER SECTION:
static.example.com.	3600	IN	A	192.0.2.80
;; TSIG PSEUDOSECTION:
k256.example. 0 ANY TSIG hmac-sha256. <time> 300 32 <mac> <id> NOERROR 0
EOF2
check_signed "hmac-sha384 (key name in another case in the config)" -y "$K384" +norec static.example.com A <<'EOF2'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 2
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;static.example.com.		IN	A
;; ANSWER SECTION:
static.example.com.	3600	IN	A	192.0.2.80
;; TSIG PSEUDOSECTION:
k384.example. 0 ANY TSIG hmac-sha384. <time> 300 48 <mac> <id> NOERROR 0
EOF2
check_signed "hmac-sha512 from a secret_file, key name in capitals in the query (dig writes it in lower case)" -y "$K512" +norec static.example.com A <<'EOF2'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 2
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;static.example.com.		IN	A
;; ANSWER SECTION:
static.example.com.	3600	IN	A	192.0.2.80
;; TSIG PSEUDOSECTION:
k512.example. 0 ANY TSIG hmac-sha512. <time> 300 64 <mac> <id> NOERROR 0
EOF2
check_signed "hmac-sha1, TCP" -y "$K1" +norec +tcp static.example.com A <<'EOF2'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 2
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;static.example.com.		IN	A
;; ANSWER SECTION:
static.example.com.	3600	IN	A	192.0.2.80
;; TSIG PSEUDOSECTION:
k1.old. 0 ANY TSIG hmac-sha1. <time> 300 20 <mac> <id> NOERROR 0
EOF2
check_signed "hmac-sha256, TCP, NXDOMAIN with the SOA" -y "$K256" +norec +tcp nothere.example.com A <<'EOF2'
;; ->>HEADER<<- opcode: QUERY, status: NXDOMAIN
;; flags: qr aa; QUERY: 1, ANSWER: 0, AUTHORITY: 1, ADDITIONAL: 2
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;nothere.example.com.		IN	A
;; AUTHORITY SECTION:
example.com.		300	IN	SOA	ns1.example.com. hostmaster.example.com. 2026112701 7200 900 1209600 300
;; TSIG PSEUDOSECTION:
k256.example. 0 ANY TSIG hmac-sha256. <time> 300 32 <mac> <id> NOERROR 0
EOF2
check_signed "a signed query outside our zones: REFUSED, signed" -y "$K256" +norec +noedns www.example.org A <<'EOF2'
;; ->>HEADER<<- opcode: QUERY, status: REFUSED
;; flags: qr; QUERY: 1, ANSWER: 0, AUTHORITY: 0, ADDITIONAL: 1
;; QUESTION SECTION:
;www.example.org.		IN	A
;; TSIG PSEUDOSECTION:
k256.example. 0 ANY TSIG hmac-sha256. <time> 300 32 <mac> <id> NOERROR 0
EOF2
# 512 octets without EDNS: the long key's TSIG takes 356 of them (its name
# is 253 octets), the question 146 (a 130-octet name under the wildcard),
# so its 16-octet A record does not fit
QLONG=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy.wild.example.com
check_signed "too large for UDP: TC, the question only, signed" -y "$KLONG" +norec +noedns +ignore $QLONG A <<EOF2
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa tc; QUERY: 1, ANSWER: 0, AUTHORITY: 0, ADDITIONAL: 1
;; QUESTION SECTION:
;$QLONG. IN A
;; TSIG PSEUDOSECTION:
$LONG. 0 ANY TSIG hmac-sha512. <time> 300 64 <mac> <id> NOERROR 0
EOF2
check_signed "the same over TCP: the answer, signed" -y "$KLONG" +norec +tcp example.com SOA <<EOF2
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 2
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;example.com.			IN	SOA
;; ANSWER SECTION:
example.com.		3600	IN	SOA	ns1.example.com. hostmaster.example.com. 2026112701 7200 900 1209600 300
;; TSIG PSEUDOSECTION:
$LONG. 0 ANY TSIG hmac-sha512. <time> 300 64 <mac> <id> NOERROR 0
EOF2

check_signed "wrong secret: NOTAUTH, an unsigned TSIG with BADSIG" -y hmac-sha256:k256.example:c2VjcmV0LXdyb25n +norec static.example.com A <<'EOF2'
;; Couldn't verify signature: tsig indicates error
;; ->>HEADER<<- opcode: QUERY, status: NOTAUTH
;; flags: qr; QUERY: 1, ANSWER: 0, AUTHORITY: 0, ADDITIONAL: 2
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;static.example.com.		IN	A
;; TSIG PSEUDOSECTION:
k256.example. 0 ANY TSIG hmac-sha256. <time> 300 0 <id> BADSIG 0
EOF2
check_signed "our key name with another algorithm: BADKEY" -y hmac-sha1:k256.example:c2VjcmV0LXNoYTI1Ni1zZWNyZXQtc2hhMjU2 +norec +noedns static.example.com A <<'EOF2'
;; Couldn't verify signature: tsig indicates error
;; ->>HEADER<<- opcode: QUERY, status: NOTAUTH
;; flags: qr; QUERY: 1, ANSWER: 0, AUTHORITY: 0, ADDITIONAL: 1
;; QUESTION SECTION:
;static.example.com.		IN	A
;; TSIG PSEUDOSECTION:
k256.example. 0 ANY TSIG hmac-sha1. <time> 300 0 <id> BADKEY 0
EOF2
check_signed "unknown key: BADKEY" -y hmac-sha256:nokey.example:c2VjcmV0LXNoYTI1Ni1zZWNyZXQtc2hhMjU2 +norec +noedns static.example.com A <<'EOF2'
;; Couldn't verify signature: tsig indicates error
;; ->>HEADER<<- opcode: QUERY, status: NOTAUTH
;; flags: qr; QUERY: 1, ANSWER: 0, AUTHORITY: 0, ADDITIONAL: 1
;; QUESTION SECTION:
;static.example.com.		IN	A
;; TSIG PSEUDOSECTION:
nokey.example. 0 ANY TSIG hmac-sha256. <time> 300 0 <id> BADKEY 0
EOF2
check "unsigned, after the signed ones: the answer (from the cache as before)" +norec +noedns static.example.com A <<'EOF2'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 0
;; QUESTION SECTION:
;static.example.com.		IN	A
;; ANSWER SECTION:
static.example.com.	3600	IN	A	192.0.2.80
EOF2

# kdig: a failed check prints ";; WARNING: reply verification for ...
# (failed to verify TSIG)" (Knot 3.2) and the TSIG error as the status; the
# status and the TSIG record's fields are kept
kq() {
	kdig @127.0.0.1 -p "$PORT" +time=2 +retry=0 +nocookie "$@" 2>&1 |
		sed 's/127\.0\.0\.1@[0-9]*/SERVER/' | awk '
		/WARNING/ { print; next }
		/status: / { sub(/.*status: /, ""); sub(/;.*/, ""); print "status " $0; next }
		$4 == "TSIG" { print "TSIG", $1, $5, "macsize", $8, $(NF - 1) }'
}
for k in "$K256 32" "$K384 48" "$K512 64" "$K1 20"; do
	set -- $k
	alg=${1%%:*}
	key=$(echo "$1" | cut -d: -f2 | tr A-Z a-z) # kdig writes it in lower case
	check_cmd "kdig -y $alg: NOERROR, signed, verified" kq -y "$1" static.example.com A <<EOF2
status NOERROR
TSIG $key. $alg. macsize $2 NOERROR
EOF2
	check_cmd "kdig -y $alg +tcp: NOERROR, signed, verified" kq +tcp -y "$1" static.example.com A <<EOF2
status NOERROR
TSIG $key. $alg. macsize $2 NOERROR
EOF2
done
check_cmd "kdig with a wrong secret: not validated, BADSIG" kq -y hmac-sha256:k256.example:c2VjcmV0LXdyb25n static.example.com A <<'EOF2'
;; WARNING: reply verification for SERVER(UDP) (failed to verify TSIG)
status BADSIG
TSIG k256.example. hmac-sha256. macsize 0 BADSIG
EOF2

# tsigclient.py: our own client, checks the MACs itself
tc() {
	python3 tests/integration/tsigclient.py "$PORT" "$@"
}
S256=c2VjcmV0LXNoYTI1Ni1zZWNyZXQtc2hhMjU2
check_cmd "tsigclient: signed answer, MAC verified" tc k256.example hmac-sha256 $S256 static.example.com <<'EOF2'
rcode=NOERROR
tc=0 an=1 ar=1
tsig_error=NOERROR macsize=32 other_len=0
time_signed=now
mac=verified
EOF2
check_cmd "tsigclient: 1000 s late: BADTIME, signed, the server's time in Other Data" tc k256.example hmac-sha256 $S256 static.example.com --skew -1000 <<'EOF2'
rcode=NOTAUTH
tc=0 an=0 ar=1
tsig_error=BADTIME macsize=32 other_len=6
time_signed=request
other_time=now
mac=verified
EOF2
check_cmd "tsigclient: 1000 s early: BADTIME" tc k1.old hmac-sha1 c2VjcmV0LXNoYTEtc2VjcmV0LXNoYTE= static.example.com --skew 1000 <<'EOF2'
rcode=NOTAUTH
tc=0 an=0 ar=1
tsig_error=BADTIME macsize=20 other_len=6
time_signed=request
other_time=now
mac=verified
EOF2
check_cmd "tsigclient: a MAC truncated to 16 octets (half of SHA-256): accepted" tc k256.example hmac-sha256 $S256 static.example.com --macsize 16 <<'EOF2'
rcode=NOERROR
tc=0 an=1 ar=1
tsig_error=NOERROR macsize=32 other_len=0
time_signed=now
mac=verified
EOF2
check_cmd "tsigclient: truncated to 15 octets: FORMERR, no TSIG" tc k256.example hmac-sha256 $S256 static.example.com --macsize 15 <<'EOF2'
rcode=FORMERR
tc=0 an=0 ar=0
tsig=none
EOF2

# a reload applies new keys: k512's secret_file rewritten, SIGHUP; the old
# secret is then BADSIG, the new one verifies
echo bmV3LXNlY3JldC1zaGE1MTI= >"$TMP/k512.secret"
kill -HUP "$SERVER_PID"
if wait_log "event=reload result=ok" 1; then pass "reload with a new secret_file"; else fail "reload with a new secret_file"; fi
check_cmd "after the reload: the old secret gets BADSIG" kq -y "$K512" static.example.com A <<'EOF2'
;; WARNING: reply verification for SERVER(UDP) (failed to verify TSIG)
status BADSIG
TSIG k512.example. hmac-sha512. macsize 0 BADSIG
EOF2
check_cmd "after the reload: the new secret verifies" kq -y hmac-sha512:k512.example:bmV3LXNlY3JldC1zaGE1MTI= static.example.com A <<'EOF2'
status NOERROR
TSIG k512.example. hmac-sha512. macsize 64 NOERROR
EOF2

server_alive "server still running"
if stop_server; then pass "clean exit on TERM"; else fail "clean exit on TERM"; fi
sanitizer_clean "no sanitizer report"

# a secret file others may read: refused at start, with the file named
chmod 644 "$TMP/k512.secret"
sed -e "s|@PORT@|0|g" -e "s|@HTTPPORT@|0|g" -e "s|@TMP@|$TMP|g" -e "s|@ROOT@|$ROOT|g" \
	tests/data/tsig-keys.conf >"$TMP/loose.conf"
check_cmd "secret_file readable by others: geodnsd -t refuses it" sh -c "'$GEODNSD' -t -c '$TMP/loose.conf' 2>&1 | sed 's|$TMP|TMP|g'" <<'EOF2'
TMP/loose.conf:8:66: tsig_keys.k512.example.secret_file: "TMP/k512.secret" may be read or written by its group or others: only the daemon may read a TSIG secret (chmod 600 it)
geodnsd: 1 error
EOF2
chmod 600 "$TMP/k512.secret"
