# dnssec-unbound.sh - online signing (issue 18) validated by a real
# resolver: unbound with the subnetcache (ECS) and validator modules, stub
# zones pointing at geodnsd for the two signed zones of dnssec.sh
# (example.com with its geo services, algorithm 13; example.net,
# algorithm 15) and trust anchors from geodnsd-keygen. Through unbound: the
# AD flag with a static name, the geo service for three client subnets
# (each its region's answer, one a CNAME into example.net; again from
# unbound's per-subnet cache), NODATA, a name that does not exist (compact
# denial), a wildcard and its NODATA, a DNAME into example.net, ANY's
# HINFO and an NSEC question; then an unbound whose anchor for example.com
# is another key answers SERVFAIL, so the AD flags mean something. unbound
# and geodnsd on 127.0.0.1, stopped by their pids.
#
# Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
. tests/integration/lib.sh
rm -rf "${TMP:?}/"*
KEYGEN=${KEYGEN:-$(pwd)/build/geodnsd-keygen}
UNBOUND_PID=''
stop_all() {
	stop_pid "$UNBOUND_PID"
	UNBOUND_PID=''
	cleanup
}
trap stop_all EXIT
trap 'stop_all; exit 1' INT TERM HUP PIPE
need unbound unbound || exit 1

"$KEYGEN" -d "$TMP" example.com >"$TMP/com.out" || fail "geodnsd-keygen example.com"
"$KEYGEN" -a 15 -d "$TMP" example.net >"$TMP/net.out" || fail "geodnsd-keygen example.net"
# a key geodnsd never sees: the wrong anchor of the negative control
mkdir -p "$TMP/other"
"$KEYGEN" -d "$TMP/other" example.com >"$TMP/other.out" || fail "geodnsd-keygen (other key)"
COM=$(sed -n 1p "$TMP/com.out")
NET=$(sed -n 1p "$TMP/net.out")

# the zones and keys of dnssec.sh
sed -e "s|@COMKEY@|$COM|" -e "s|@NETKEY@|$NET|" tests/data/dnssec.conf >"$TMP/dnssec.conf.in"
start_server "$TMP/dnssec.conf.in" || exit 1

# unbound_conf NAME ANCHOR-FILE...: $TMP/NAME/unbound.conf for unbound on
# 127.0.0.1:$UPORT, both zones stubbed to geodnsd, the DNSKEY lines of the
# keygen outputs given as trust anchors. ECS: send-client-subnet names
# geodnsd's address, so unbound passes a client's ECS on (cut to /24,
# max-client-subnet-ipv4) or, without one, the client's address;
# client-subnet-always-forward would pass a client's ECS to any server.
unbound_conf() {
	name=$1
	shift
	mkdir -p "$TMP/$name"
	{
		cat <<EOF
server:
    interface: 127.0.0.1
    port: $UPORT
    do-ip6: no
    so-reuseport: no
    num-threads: 1
    username: ""
    chroot: ""
    directory: "$TMP/$name"
    pidfile: "$TMP/$name/unbound.pid"
    use-syslog: no
    logfile: ""
    verbosity: 1
    val-log-level: 2
    do-not-query-localhost: no
    module-config: "subnetcache validator iterator"
    send-client-subnet: 127.0.0.1
    client-subnet-always-forward: yes
EOF
		for f in "$@"; do
			printf '    trust-anchor: "%s"\n' "$(sed -n 2p "$f")"
		done
		cat <<EOF
remote-control:
    control-enable: no
stub-zone:
    name: example.com
    stub-addr: 127.0.0.1@$PORT
stub-zone:
    name: example.net
    stub-addr: 127.0.0.1@$PORT
EOF
	} >"$TMP/$name/unbound.conf"
}

# start_unbound NAME ANCHOR-FILE...: unbound in the foreground on a free
# port ($UPORT) until it answers (its own version.server), at most 3 tries
start_unbound() {
	for _su_try in 1 2 3; do
		UPORT=$(free_port)
		unbound_conf "$@"
		unbound -d -c "$TMP/$1/unbound.conf" >"$TMP/$1/unbound.log" 2>&1 &
		UNBOUND_PID=$!
		_su_i=0
		while [ $_su_i -lt 100 ] && kill -0 "$UNBOUND_PID" 2>/dev/null; do
			if [ -n "$(dig @127.0.0.1 -p "$UPORT" +time=1 +tries=1 +short \
				version.server CH TXT 2>/dev/null | grep -v '^;')" ]; then
				return 0
			fi
			sleep 0.05
			_su_i=$((_su_i + 1))
		done
		stop_pid "$UNBOUND_PID"
		UNBOUND_PID=''
		grep -q "could not open ports\|Address already in use" "$TMP/$1/unbound.log" ||
			break
	done
	fail "unbound ($1) did not start"
	tail -n 20 "$TMP/$1/unbound.log" | sed 's/^/  /'
	return 1
}

# resolve ARGS...: dig through unbound (recursion desired, AD asked for,
# DO only when the arguments say +dnssec): the status, the flags, the ECS
# unbound returns, then the records of every section sorted (unbound
# rotates RRsets) without their TTLs (they age in unbound's cache), an
# RRSIG cut to type covered, algorithm, labels, original TTL and signer
resolve() {
	dig @127.0.0.1 -p "$UPORT" +time=3 +tries=1 +nocookie "$@" >"$TMP/dig.out" 2>&1
	sed -n -e 's/, id: [0-9]*$//' -e '/status:\|^;; flags:\|CLIENT-SUBNET/p' "$TMP/dig.out"
	awk '!/^;/ && NF >= 4 { s = $1; for (i = 3; i <= NF; i++) s = s " " $i; print s }' \
		"$TMP/dig.out" |
		sed 's/ IN RRSIG \([^ ]* [^ ]* [^ ]* [^ ]*\) [0-9]* [0-9]* [0-9]* \([^ ]*\) .*/ IN RRSIG \1 \2/' |
		LC_ALL=C sort
}

# asked: the queries geodnsd has answered so far
asked() {
	curl -s "http://127.0.0.1:$HTTPPORT/metrics" |
		awk '/^geodnsd_queries_total\{/ { n += $2 } END { print n + 0 }'
}

start_unbound good "$TMP/com.out" "$TMP/net.out" || exit 1

check_cmd "static name: validated (AD)" resolve static.example.com A <<'OUT'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr rd ra ad; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
static.example.com. IN A 192.0.2.80
OUT

# geo NAME SUBNET: www through unbound for a client in SUBNET: validated,
# the two records on stdin. SCOPE /24: geodnsd answers /25 for the New
# York and Singapore networks (geo.sh), but unbound reports no longer a
# SCOPE than the /24 it sent (RFC 7871 7.3.1: kept at the source prefix).

geo() {
	{
		echo ';; ->>HEADER<<- opcode: QUERY, status: NOERROR'
		echo ';; flags: qr rd ra ad; QUERY: 1, ANSWER: 2, AUTHORITY: 0, ADDITIONAL: 1'
		echo "; CLIENT-SUBNET: $2/24"
		cat
	} | check_cmd "$1" resolve +subnet="$2" www.example.com A
}
# the geo service www for three client subnets (tests/data/geo-test.csv):
# New York -> us-east (2 of its 3 addresses), Dublin -> eu-west, Singapore
# -> ap-south, whose region is a CNAME into the other signed zone
# (example.net, algorithm 15), followed by unbound and validated. Twice:
# the second round comes from unbound's subnet cache, each subnet its own
# answer, still validated.
geo_round() {
	geo "geo $1: New York /24 -> us-east, validated" 192.0.2.0/24 <<'OUT'
www.example.com. IN A 192.0.2.10
www.example.com. IN A 192.0.2.11
OUT
	geo "geo $1: Dublin /24 -> eu-west, validated" 198.51.100.0/24 <<'OUT'
www.example.com. IN A 198.51.100.10
www.example.com. IN A 198.51.100.11
OUT
	geo "geo $1: Singapore /24 -> ap-south, CNAME into example.net, validated" \
		203.0.113.0/24 <<'OUT'
lb-ap.example.net. IN A 203.0.113.10
www.example.com. IN CNAME lb-ap.example.net.
OUT
}
geo_round "(asked)"
before=$(asked)
geo_round "(cached)"
check_cmd "the cached round asked geodnsd nothing" \
	echo "asked before: $([ "$before" -gt 0 ] && echo yes), since: $(($(asked) - before))" <<'OUT'
asked before: yes, since: 0
OUT

check_cmd "NODATA: validated" resolve static.example.com TXT <<'OUT'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr rd ra ad; QUERY: 1, ANSWER: 0, AUTHORITY: 1, ADDITIONAL: 1
example.com. IN SOA ns1.example.com. hostmaster.example.com. 2026112701 7200 900 1209600 300
OUT

# A name that does not exist: geodnsd answers with compact denial (RFC
# 9824 3.2: NOERROR, one NSEC at the name whose bitmap is RRSIG, NSEC and
# NXNAME, TYPE128). unbound 1.17 predates RFC 9824: it neither sends the
# Compact Answers OK flag (so geodnsd keeps NOERROR) nor knows NXNAME, so
# it validates the response as what it is on the wire, a NODATA for the
# type asked (the NSEC at the name lacks A), and answers NOERROR with AD.
# That is the outcome RFC 9824 designs for resolvers that do not know it;
# only a resolver that does may restore NXDOMAIN (RFC 9824 4).
check_cmd "nonexistent name: compact denial validated as NODATA" \
	resolve nope.example.com A <<'OUT'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr rd ra ad; QUERY: 1, ANSWER: 0, AUTHORITY: 1, ADDITIONAL: 1
example.com. IN SOA ns1.example.com. hostmaster.example.com. 2026112701 7200 900 1209600 300
OUT
check_cmd "nonexistent name with DO: the NXNAME NSEC unbound validated" \
	resolve +dnssec nope.example.com A <<'OUT'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr rd ra ad; QUERY: 1, ANSWER: 0, AUTHORITY: 4, ADDITIONAL: 1
example.com. IN RRSIG SOA 13 2 300 example.com.
example.com. IN SOA ns1.example.com. hostmaster.example.com. 2026112701 7200 900 1209600 300
nope.example.com. IN NSEC \000.nope.example.com. RRSIG NSEC TYPE128
nope.example.com. IN RRSIG NSEC 13 3 300 example.com.
OUT

# a wildcard: the answer signed as *.wild's, the next closer name's NSEC
# proving x.wild does not exist (unbound leaves it out of the answer)
check_cmd "wildcard: validated" resolve x.wild.example.com A <<'OUT'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr rd ra ad; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
x.wild.example.com. IN A 192.0.2.99
OUT
# the wildcard's NODATA (its SOA was signed as the wildcard's: bogus)
check_cmd "wildcard NODATA: validated" resolve x.wild.example.com MX <<'OUT'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr rd ra ad; QUERY: 1, ANSWER: 0, AUTHORITY: 1, ADDITIONAL: 1
example.com. IN SOA ns1.example.com. hostmaster.example.com. 2026112701 7200 900 1209600 300
OUT

# a DNAME into example.net: the DNAME validated, the CNAME unbound
# synthesizes from it, the target validated with example.net's key
check_cmd "DNAME into example.net: validated" resolve www.legacy.example.com A <<'OUT'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr rd ra ad; QUERY: 1, ANSWER: 3, AUTHORITY: 0, ADDITIONAL: 1
legacy.example.com. IN DNAME example.net.
www.example.net. IN A 198.51.100.80
www.legacy.example.com. IN CNAME www.example.net.
OUT

# ANY over UDP: RFC 8482's HINFO, signed (it went out unsigned: bogus)
check_cmd "ANY: the RFC 8482 HINFO validated" resolve +dnssec static.example.com ANY <<'OUT'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr rd ra ad; QUERY: 1, ANSWER: 2, AUTHORITY: 0, ADDITIONAL: 1
static.example.com. IN HINFO "RFC8482" ""
static.example.com. IN RRSIG HINFO 13 3 3600 example.com.
OUT
# an NSEC question: the name's NSEC (it got a NODATA whose NSEC listed
# NSEC, a proof that fails), for a name that does not exist its NXNAME one
check_cmd "NSEC question: validated" resolve static.example.com NSEC <<'OUT'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr rd ra ad; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
static.example.com. IN NSEC \000.static.example.com. A AAAA RRSIG NSEC
OUT
check_cmd "NSEC question, no such name: validated" resolve nope.example.com NSEC <<'OUT'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr rd ra ad; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
nope.example.com. IN NSEC \000.nope.example.com. RRSIG NSEC TYPE128
OUT
check_cmd "unbound logged no validation failure" \
	grep -c "validation failure" "$TMP/good/unbound.log" <<'OUT'
0
OUT
stop_pid "$UNBOUND_PID"
UNBOUND_PID=''

# the negative control: an unbound whose anchor for example.com is a key
# geodnsd does not sign with finds no chain of trust there (SERVFAIL, no
# AD), while example.net, anchored right, still validates
start_unbound bad "$TMP/other.out" "$TMP/net.out" || exit 1
check_cmd "wrong anchor: SERVFAIL" resolve static.example.com A <<'OUT'
;; ->>HEADER<<- opcode: QUERY, status: SERVFAIL
;; flags: qr rd ra; QUERY: 1, ANSWER: 0, AUTHORITY: 0, ADDITIONAL: 1
OUT
check_cmd "wrong anchor: geo answer SERVFAIL" \
	resolve +subnet=198.51.100.0/24 www.example.com A <<'OUT'
;; ->>HEADER<<- opcode: QUERY, status: SERVFAIL
;; flags: qr rd ra; QUERY: 1, ANSWER: 0, AUTHORITY: 0, ADDITIONAL: 1
OUT
check_cmd "wrong anchor: unbound says why" \
	sed -n '/validation failure/{s/.*validation failure/validation failure/p;q}' \
	"$TMP/bad/unbound.log" <<'OUT'
validation failure <static.example.com. A IN>: signature missing from 127.0.0.1 for trust anchor example.com. while building chain of trust
OUT
check_cmd "wrong anchor: example.net still validated" resolve www.example.net A <<'OUT'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr rd ra ad; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
www.example.net. IN A 198.51.100.80
OUT
stop_pid "$UNBOUND_PID"
UNBOUND_PID=''
sanitizer_clean "geodnsd: no sanitizer report"
stop_server || fail "geodnsd exited non-zero"
