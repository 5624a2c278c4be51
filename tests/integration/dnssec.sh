# dnssec.sh - online signing (issue 18) validated by BIND's delv: two zones
# signed with keys made by geodnsd-keygen (algorithm 13 and 15), a trust
# anchor for each; "fully validated" for a static name, a geo answer, a
# CNAME, a DNAME from one signed zone into the other, a wildcard, the DNSKEY
# RRset, NODATA and a name that does not exist (compact denial, RFC 9824);
# a DO=0 query unsigned; geodnsd -t naming the keys, and a key of another
# zone or a missing key file refused. The daemon on 127.0.0.1, stopped by
# its pid.
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

# config TEMPLATE-OUT COM-KEY NET-KEY
config() {
	cat >"$1" <<CONF
{ "server": { "listen": ["127.0.0.1:@PORT@"], "workers": 2 },
  "http": { "listen": "127.0.0.1:@HTTPPORT@" },
  "geoip": { "database": "$ROOT/tests/tmp/geo/city.mmdb" },
  "regions": { "us-east": { "location": [38.9, -77.0] },
               "eu-west": { "location": [53.3, -6.3] },
               "ap-south": { "location": [1.35, 103.8] } },
  "zones": [ { "origin": "example.com", "file": "$ROOT/zones/example.com.zone",
               "services": "$ROOT/zones/example.com.services.json",
               "dnssec": { "key": "$2" } },
             { "origin": "example.net", "file": "$ROOT/zones/example.net.zone",
               "dnssec": { "key": "$3" } } ] }
CONF
}

# the trust anchors: each zone's DNSKEY as geodnsd-keygen printed it
{
	echo "trust-anchors {"
	for f in com net; do
		sed -n 2p "$TMP/$f.out" | awk '{ printf "  %s static-key %s %s %s \"%s\";\n", $1, $4, $5, $6, $7 }'
	done
	echo "};"
} >"$TMP/anchors"

config "$TMP/bad.conf" "$NET" "$TMP/nokey"
sed -i 's/@PORT@/5300/; s/@HTTPPORT@/5301/' "$TMP/bad.conf"
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

# validated NAME TYPE EXPECTED [ROOT]: delv's verdict, and its first
# record but RRSIGs (blanks squeezed) starting with EXPECTED
validated() {
	delv @127.0.0.1 -p "$PORT" -a "$TMP/anchors" +root="${4:-example.com}" +nocrypto \
		"$1" "$2" >"$TMP/delv.out" 2>&1
	v=$(sed -n 1p "$TMP/delv.out")
	r=$(grep -v '^;' "$TMP/delv.out" | grep -v RRSIG | sed -n 1p | tr -s '\t ' '  ')
	case "$v|$r" in
	"; fully validated|$3"*) pass "validated $1 $2" ;;
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
	delv @127.0.0.1 -p "$PORT" -a "$TMP/anchors" +root=example.com "$1" "$2" >"$TMP/delv.out" 2>&1
	if grep -q "^; negative response, fully validated" "$TMP/delv.out" &&
	   grep -qF "$3" "$TMP/delv.out"; then
		pass "validated denial $1 $2"
	else
		fail "validated denial $1 $2"
		sed 's/^/  /' "$TMP/delv.out"
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
