# dnssec.sh - online signing (issue 18) validated by BIND's delv, its
# +vtrace clean (nothing failed, bogus or insecure on the way): two zones
# signed with keys made by geodnsd-keygen (algorithm 13 and 15), a trust
# anchor for each; "fully validated" for a static name, a geo answer, a
# CNAME, a DNAME from one signed zone into the other, a wildcard, the DNSKEY
# RRset, NODATA and a name that does not exist (compact denial, RFC 9824);
# a DO=0 query unsigned; geodnsd -t naming the keys, and a key of another
# zone or a missing key file refused; queries for NSEC (validated) and
# RRSIG (REFUSED); a rollover by hand (dnssec.publish) validated with a
# trust anchor of the new key while the old one signs, and of the old key
# once the new one signs. The daemon on 127.0.0.1, stopped by its pid.
#
# Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
. tests/integration/lib.sh
rm -rf "${TMP:?}/"*
KEYGEN=${KEYGEN:-$(pwd)/build/geodnsd-keygen}
trap 'stop_server' EXIT

"$KEYGEN" -d "$TMP" example.com >"$TMP/com.out" || fail "geodnsd-keygen example.com"
"$KEYGEN" -a 15 -d "$TMP" example.net >"$TMP/net.out" || fail "geodnsd-keygen example.net"
COM=$(sed -n 1p "$TMP/com.out")
NET=$(sed -n 1p "$TMP/net.out")

# config OUT COM-KEY NET-KEY [COM-PUBLISH]: tests/data/dnssec.conf (the two
# signed zones) with these keys, and COM-PUBLISH (JSON: , "publish": [...])
# after example.com's key
config() {
	sed -e "s|\"@COMKEY@\"|\"$2\"${4:-}|" -e "s|@NETKEY@|$3|" tests/data/dnssec.conf >"$1"
}

# anchors OUT KEYGEN-OUTPUT...: trust anchors, each zone's DNSKEY as
# geodnsd-keygen printed it
anchors() {
	out=$1
	shift
	{
		echo "trust-anchors {"
		for f in "$@"; do
			sed -n 2p "$TMP/$f.out" |
				awk '{ printf "  %s static-key %s %s %s \"%s\";\n", $1, $4, $5, $6, $7 }'
		done
		echo "};"
	} >"$out"
}
anchors "$TMP/anchors" com net

config "$TMP/bad.conf" "$NET" "$TMP/nokey"
sed -i "s/@PORT@/5300/; s/@HTTPPORT@/5301/; s|@ROOT@|$ROOT|g" "$TMP/bad.conf"
"$GEODNSD" -t -c "$TMP/bad.conf" >"$TMP/bad.out" 2>&1
rc=$?
check_cmd "geodnsd -t refuses a key of another zone and a missing key" \
	sh -c "echo exit $rc; sed 's|$TMP|TMP|g' '$TMP/bad.out'" <<OUT
exit 1
TMP/bad.conf:7:26: zone example.com: dnssec.key $(echo "$NET" | sed "s|$TMP|TMP|").key is a key of example.net., not of this zone
TMP/nokey.key: cannot read the key file: No such file or directory
geodnsd: 2 errors
OUT

config "$TMP/dnssec.conf.in" "$COM" "$NET"
start_server "$TMP/dnssec.conf.in" || exit 1
COMTAG=$(echo "$COM" | sed 's/.*+0*//')
NETTAG=$(echo "$NET" | sed 's/.*+0*//')
"$GEODNSD" -t -c "$TMP/geodnsd.conf" >"$TMP/t.out" 2>&1
check_cmd "geodnsd -t names the keys" grep -c "signed (key tag \($COMTAG, algorithm 13\|$NETTAG, algorithm 15\)) OK" "$TMP/t.out" <<OUT
2
OUT

# vtrace NAME TYPE [ROOT]: delv's validation trace (+vtrace) holds no
# step that failed, nothing bogus or insecure, no signature it could not
# use; its lines that do into TMP/vtrace.bad
vtrace() {
	delv @127.0.0.1 -p "$PORT" -a "${ANCHORS:-$TMP/anchors}" +root="${3:-example.com}" +vtrace \
		"$1" "$2" 2>&1 | grep -i 'bogus\|insecure\|fail\|no valid\|unable\|error\|indetermin' |
		grep -v '^;; resolution failed: ncache nxrrset$' >"$TMP/vtrace.bad"
	[ ! -s "$TMP/vtrace.bad" ]
}

# validated NAME TYPE EXPECTED [ROOT]: delv's verdict, and its first
# record but RRSIGs (blanks squeezed) starting with EXPECTED; its trace
# clean
validated() {
	delv @127.0.0.1 -p "$PORT" -a "${ANCHORS:-$TMP/anchors}" +root="${4:-example.com}" +nocrypto \
		"$1" "$2" >"$TMP/delv.out" 2>&1
	v=$(sed -n 1p "$TMP/delv.out")
	r=$(grep -v '^;' "$TMP/delv.out" | awk '$4 != "RRSIG"' | sed -n 1p | tr -s '\t ' '  ')
	case "$v|$r" in
	"; fully validated|$3"*)
		if vtrace "$1" "$2" "${4:-}"; then
			pass "validated $1 $2"
		else
			fail "validated $1 $2: +vtrace"
			sed 's/^/  /' "$TMP/vtrace.bad"
		fi
		;;
	*)
		fail "validated $1 $2"
		sed 's/^/  /' "$TMP/delv.out"
		;;
	esac
}

validated static.example.com A "static.example.com. 3600 IN A 192.0.2.80"
# the client 127.0.0.1 is not located: the fallback region
validated www.example.com A "www.example.com. 30 IN A 192.0.2.1"
validated api.example.com A "api.example.com. 20 IN A 198.51.100.20"
validated alias.example.com A "alias.example.com. 3600 IN CNAME static.example.com."
# a DNAME into the other signed zone (algorithm 15): its synthesized CNAME
# unsigned (delv shows the DNAME under the name asked for)
validated www.legacy.example.com A "www.legacy.example.com. 3600 IN DNAME example.net."
# delv keeps the TTL of the wildcard's NSEC proof (300)
validated x.wild.example.com A "x.wild.example.com. 300 IN A 192.0.2.99"
validated example.com DNSKEY "example.com. 3600 IN DNSKEY 257 3 13 [key id = $COMTAG]"
validated example.net DNSKEY "example.net. 3600 IN DNSKEY 257 3 15 [key id = $NETTAG]" example.net
# a query for NSEC: the name's own (compact denial's) NSEC, validated;
# for RRSIG: REFUSED with DO (signatures are made for answers)
validated static.example.com NSEC "static.example.com. 300 IN NSEC \\000.static.example.com. A AAAA RRSIG NSEC"
validated nope.example.com NSEC "nope.example.com. 300 IN NSEC \\000.nope.example.com. RRSIG NSEC TYPE128"
check_cmd "RRSIG query with DO: REFUSED" sh -c \
	"dig @127.0.0.1 -p $PORT +dnssec +norec static.example.com RRSIG | grep -o 'status: [A-Z]*'" <<OUT
status: REFUSED
OUT
# /status: each signed zone's key and the window of the signatures made now
keystatus() {
	curl -s "http://127.0.0.1:$HTTPPORT/status" | python3 -c '
import json, sys, time
now = time.time()
for z in json.load(sys.stdin)["zones"]:
    d = z.get("dnssec")
    if d:
        print(z["zone"], d["key_tag"], d["algorithm"], d["algorithm_name"],
              d["signature_inception"] <= now - 86400 < d["signature_inception"] + 3600,
              d["signature_expiration"] - d["signature_inception"])'
}
check_cmd "/status: the keys, a window from a day back for 8 days" keystatus <<OUT
example.com. $COMTAG 13 ECDSAP256SHA256 True 691200
example.net. $NETTAG 15 ED25519 True 691200
OUT
# CDS and CDNSKEY (RFC 7344): the DS geodnsd-keygen printed (its digest
# compared with dig's: delv +nocrypto leaves it out), the key
validated example.com CDS "example.com. 3600 IN CDS $COMTAG 13 2 [omitted]"
validated example.com CDNSKEY "example.com. 3600 IN CDNSKEY 257 3 13 [key id = $COMTAG]"
check_cmd "CDS: the digest of the DS geodnsd-keygen printed" sh -c \
	"dig @127.0.0.1 -p $PORT +short example.com CDS | tr -d ' ' | tr A-F a-f" <<OUT
$(sed -n 3p "$TMP/com.out" | awk '{ print $4 $5 $6 $7 }')
OUT

# negative answers: delv proves them
negative() {
	delv @127.0.0.1 -p "$PORT" -a "${ANCHORS:-$TMP/anchors}" +root=example.com "$1" "$2" \
		>"$TMP/delv.out" 2>&1
	if grep -q "^; negative response, fully validated" "$TMP/delv.out" &&
	   grep -qF "$3" "$TMP/delv.out" && vtrace "$1" "$2"; then
		pass "validated denial $1 $2"
	else
		fail "validated denial $1 $2"
		sed 's/^/  /' "$TMP/delv.out" "$TMP/vtrace.bad"
	fi
}
negative static.example.com TXT 'NSEC \000.static.example.com. A AAAA RRSIG NSEC'
negative www.example.com TXT 'NSEC \000.www.example.com. A AAAA RRSIG NSEC'
negative nope.example.com A 'NSEC \000.nope.example.com. RRSIG NSEC TYPE128'

# compact denial on the wire (NOERROR, the NXNAME NSEC signed), and the
# same question without DO answered as before: NXDOMAIN, the SOA alone
dq +norec +dnssec +nocrypto nope.example.com A | grep -E 'status|IN.(SOA|NSEC|RRSIG)' |
	sed 's/[0-9]\{14\} [0-9]\{14\} [0-9]*/WINDOW TAG/' >"$TMP/nx.out"
check_cmd "nxdomain as compact denial" cat "$TMP/nx.out" <<'OUT'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
example.com.		300	IN	SOA	ns1.example.com. hostmaster.example.com. 2026112701 7200 900 1209600 300
example.com.		300	IN	RRSIG	SOA 13 2 300 WINDOW TAG example.com. [omitted]
nope.example.com.	300	IN	NSEC	\000.nope.example.com. RRSIG NSEC TYPE128
nope.example.com.	300	IN	RRSIG	NSEC 13 3 300 WINDOW TAG example.com. [omitted]
OUT
check "nxdomain without DO" +norec nope.example.com A <<'OUT'
;; ->>HEADER<<- opcode: QUERY, status: NXDOMAIN
;; flags: qr aa; QUERY: 1, ANSWER: 0, AUTHORITY: 1, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;nope.example.com.		IN	A
;; AUTHORITY SECTION:
example.com.		300	IN	SOA	ns1.example.com. hostmaster.example.com. 2026112701 7200 900 1209600 300
OUT
stop_server || fail "geodnsd exited non-zero"

# A rollover by hand (zones[].dnssec.publish, the manual's DNSSEC chapter):
# a new key published beside the signing key signs the DNSKEY RRset too,
# so a resolver whose trust anchor (or the parent's DS) is the new key
# alone validates the data the old key signs; then the new key signs and
# the old one, still published, keeps an anchor of the old key working.
"$KEYGEN" -d "$TMP" example.com >"$TMP/new.out" || fail "geodnsd-keygen (new key)"
NEW=$(sed -n 1p "$TMP/new.out")
NEWTAG=$(echo "$NEW" | sed 's/.*+0*//')
anchors "$TMP/anchors-new" new net
anchors "$TMP/anchors-old" com net
# the control: the new key not published, an anchor of it validates nothing
config "$TMP/roll.conf.in" "$COM" "$NET"
start_server "$TMP/roll.conf.in" || exit 1
delv @127.0.0.1 -p "$PORT" -a "$TMP/anchors-new" +root=example.com static.example.com A \
	>"$TMP/delv.out" 2>&1
check_cmd "rollover: an anchor of an unpublished key validates nothing" \
	sh -c "grep -c 'fully validated' '$TMP/delv.out'; sed -n 1p '$TMP/delv.out'" <<OUT
0
;; validating example.com/DNSKEY: no valid signature found (DS)
OUT
stop_server || fail "geodnsd exited non-zero (control)"
for phase in publish switch; do
	if [ $phase = publish ]; then
		config "$TMP/roll.conf.in" "$COM" "$NET" ", \"publish\": [\"$NEW\"]"
		SIGNER=$COMTAG OTHER=$NEWTAG ANCHORS=$TMP/anchors-new
	else
		config "$TMP/roll.conf.in" "$NEW" "$NET" ", \"publish\": [\"$COM\"]"
		SIGNER=$NEWTAG OTHER=$COMTAG ANCHORS=$TMP/anchors-old
	fi
	start_server "$TMP/roll.conf.in" || exit 1
	"$GEODNSD" -t -c "$TMP/geodnsd.conf" >"$TMP/t.out" 2>&1
	check_cmd "rollover ($phase): geodnsd -t names both keys" grep -c \
		"signed (key tag $SIGNER, algorithm 13; published key tag $OTHER, algorithm 13) OK" \
		"$TMP/t.out" <<OUT
1
OUT
	validated static.example.com A "static.example.com. 3600 IN A 192.0.2.80"
	validated www.example.com A "www.example.com. 30 IN A 192.0.2.1"
	negative nope.example.com A 'NSEC \000.nope.example.com. RRSIG NSEC TYPE128'
	check_cmd "rollover ($phase): DNSKEY, CDS and CDNSKEY have both keys, each signed by both" \
		sh -c "for t in DNSKEY CDS CDNSKEY; do
			dig @127.0.0.1 -p $PORT +dnssec +noall +answer example.com \$t |
				awk '\$4 == \"RRSIG\" { print \$4, \$5, \$11 } \$4 != \"RRSIG\" { print \$4 }' |
				sort; done" <<OUT
DNSKEY
DNSKEY
RRSIG DNSKEY $(printf '%s\n' "$COMTAG" "$NEWTAG" | sort | sed -n 1p)
RRSIG DNSKEY $(printf '%s\n' "$COMTAG" "$NEWTAG" | sort | sed -n 2p)
CDS
CDS
RRSIG CDS $(printf '%s\n' "$COMTAG" "$NEWTAG" | sort | sed -n 1p)
RRSIG CDS $(printf '%s\n' "$COMTAG" "$NEWTAG" | sort | sed -n 2p)
CDNSKEY
CDNSKEY
RRSIG CDNSKEY $(printf '%s\n' "$COMTAG" "$NEWTAG" | sort | sed -n 1p)
RRSIG CDNSKEY $(printf '%s\n' "$COMTAG" "$NEWTAG" | sort | sed -n 2p)
OUT
	check_cmd "rollover ($phase): the data signed by the signing key alone" \
		sh -c "dig @127.0.0.1 -p $PORT +dnssec +noall +answer static.example.com A |
			awk '\$4 == \"RRSIG\" { print \$11 }'" <<OUT
$SIGNER
OUT
	stop_server || fail "geodnsd exited non-zero ($phase)"
done
