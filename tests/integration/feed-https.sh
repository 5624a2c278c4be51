# feed-https.sh - https:// health feeds against the real daemon. A CA and
# server certificates are made at test time under $TMP (no key is kept in
# the repository): "good" (127.0.0.1 and localhost, from the test CA),
# (and ::1), "other" (the same names from another CA) and "wrong" (the test CA, for
# another host name). tests/integration/tlsfeed.py serves the feed
# document over TLS with each and answers 401 without the right bearer
# token; evilfeed -m silent accepts connections and never answers (a TLS
# handshake that never completes). One geodnsd polls them all (the paths
# relative to its configuration's directory):
#   us-east     good server, feed_ca, the right token: follows the feed
#               (weight 0 drains it, 100 brings it back), the token sent
#   ap-south    the same URL with a wrong token: HTTP 401, state kept
#   other-ca    a certificate of another CA: certificate verify failed
#   other-host  a certificate for another name: certificate verify failed
#   system-ca   no feed_ca: the system's store, which lacks the test CA
#   by-name     https://localhost: the name sent (SNI) and checked: ok
#   v6          https://[::1]: the address checked: ok
#   wrong-name  https://localhost, a certificate for another name: failed
#   plain       a plain HTTP server (tools/feedserver) at an https:// URL:
#               the handshake fails, no fallback to HTTP
#   big, heads  a body over 1 MiB, a head of 70 more lines: the limits of
#               HTTP feeds hold over TLS (too_large, headers_too_large)
#   silent      the handshake never completes: cut at the 1 s deadline
# and the regions whose feed fails keep their state (on_feed_loss keep).
# A reload reads the tokens again: a token file others may read fails it,
# a rotated token is sent from the next poll.
#
# Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
. tests/integration/lib.sh

EVILFEED=${EVILFEED:-$(dirname "${FEEDSERVER:-$(pwd)/build/feedserver}")/evilfeed}
TLSFEED="python3 $(pwd)/tests/integration/tlsfeed.py"
FEEDSERVER=${FEEDSERVER:-$(pwd)/build/feedserver}
GPID=
VPID=
PPID_=
OPID=
WPID=
SPID=
# the servers stopped by pid (stop_pid, lib.sh) whatever the end
trap 'for p in $GPID $VPID $PPID_ $OPID $WPID $SPID; do stop_pid "$p"; done; cleanup' \
	EXIT INT TERM

rm -rf "$TMP/pki" "$TMP/doc"
mkdir -p "$TMP/pki" "$TMP/doc"
# ca NAME: a self-signed CA; cert NAME CA SAN: a server certificate from CA
ca() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$TMP/pki/$1.key" -out "$TMP/pki/$1.pem" -subj "/CN=$1" -days 1 \
		2>>"$TMP/pki/openssl.log"
}
cert() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$TMP/pki/$1.key" -out "$TMP/pki/$1.pem" -subj "/CN=$1" -days 1 \
		-CA "$TMP/pki/$2.pem" -CAkey "$TMP/pki/$2.key" -addext "subjectAltName=$3" \
		-addext "basicConstraints=critical,CA:FALSE" 2>>"$TMP/pki/openssl.log"
}
if ! { ca ca && ca ca2 && cert good ca "IP:127.0.0.1,IP:::1,DNS:localhost" &&
	cert other ca2 "IP:127.0.0.1,DNS:localhost" && cert wrong ca "DNS:other.example"; }; then
	fail "test certificates made"
	cat "$TMP/pki/openssl.log"
	exit 1
fi
cp "$TMP/pki/ca.pem" "$TMP/ca.pem"
printf 'right-token-0123456789abcdef\n' >"$TMP/right.token"
printf 'wrong-token-0123456789abcdef\n' >"$TMP/wrong.token"
chmod 600 "$TMP/right.token" "$TMP/wrong.token"

# doc WEIGHT: us-east healthy with WEIGHT (and every region healthy)
doc() {
	cat >"$TMP/doc/doc.json.tmp" <<EOF2
{ "generated_at": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
  "regions": { "us-east": { "healthy": true, "weight": $1 },
               "ap-south": { "healthy": true, "weight": 10 },
               "other-ca": { "healthy": true, "weight": 10 },
               "other-host": { "healthy": true, "weight": 10 },
               "system-ca": { "healthy": true, "weight": 10 },
               "by-name": { "healthy": true, "weight": 10 },
               "v6": { "healthy": true, "weight": 20 },
               "wrong-name": { "healthy": true, "weight": 10 },
               "silent": { "healthy": true, "weight": 10 } } }
EOF2
	mv "$TMP/doc/doc.json.tmp" "$TMP/doc/doc.json"
}
doc 100
# the limits over TLS: a body over 1 MiB, a head of more than 64 lines
python3 -c 'print("{\"regions\": {}, \"pad\": \"" + "x" * (1024 * 1024) + "\"}")' \
	>"$TMP/doc/big.json"
cp "$TMP/doc/doc.json" "$TMP/doc/headers.json"

# tls NAME CERT [ADDR]: a TLS feed server with CERT's certificate and key
tls() {
	start_listener "$1" $TLSFEED --cert "$TMP/pki/$2.pem" --key "$TMP/pki/$2.key" \
		--dir "$TMP/doc" --token-file "$TMP/right.token" --seconds 120 --host "${3:-127.0.0.1}"
}
tls good good
GPID=$LISTENER_PID
GOODPORT=$LISTENER_PORT
tls v6 good ::1
VPID=$LISTENER_PID
V6PORT=$LISTENER_PORT
tls other other
OPID=$LISTENER_PID
OTHERPORT=$LISTENER_PORT
tls wrong wrong
WPID=$LISTENER_PID
WRONGPORT=$LISTENER_PORT
start_listener plain "$FEEDSERVER" -l 127.0.0.1:0 -d "$TMP/doc"
PPID_=$LISTENER_PID
PLAINPORT=$LISTENER_PORT
start_listener silent "$EVILFEED" -m silent -l 127.0.0.1:0 --seconds 120
SPID=$LISTENER_PID
SILENTPORT=$LISTENER_PORT
if [ -z "$GOODPORT" ] || [ -z "$OTHERPORT" ] || [ -z "$WRONGPORT" ] || [ -z "$SILENTPORT" ] ||
	[ -z "$PLAINPORT" ] || [ -z "$V6PORT" ]; then
	fail "feed servers started"
	exit 1
fi
# the good server as curl sees it: the token is required
check_cmd "the test server: 401 without the token, 200 with it" sh -c "
	curl -s -o /dev/null -w '%{http_code}\n' --cacert '$TMP/ca.pem' https://127.0.0.1:$GOODPORT/doc.json
	curl -s -o /dev/null -w '%{http_code}\n' --cacert '$TMP/ca.pem' \
		-H 'Authorization: Bearer right-token-0123456789abcdef' https://127.0.0.1:$GOODPORT/doc.json" \
	</dev/null <<'EOF2'
401
200
EOF2

sed -e "s|@GOODPORT@|$GOODPORT|g" -e "s|@OTHERPORT@|$OTHERPORT|g" \
	-e "s|@WRONGPORT@|$WRONGPORT|g" -e "s|@SILENTPORT@|$SILENTPORT|g" \
	-e "s|@PLAINPORT@|$PLAINPORT|g" -e "s|@V6PORT@|$V6PORT|g" \
	tests/data/feed-https.conf >"$TMP/feed-https.conf.in"
start_server "$TMP/feed-https.conf.in" || exit 1
URL=http://127.0.0.1:$HTTPPORT

NA=192.0.2.0/24
# --- us-east follows its https:// feed
wait_output "us-east polled over https: ok" "ok" 4000 region_st us-east feed_state
doc 0
wait_output "weight 0 over https drains us-east: spill to eu-west" "198.51.100.10 " 4000 \
	svc_ans $NA
doc 100
wait_output "weight 100 again: back to us-east" "192.0.2.10 192.0.2.11 " 4000 svc_ans $NA
grep -q "^GET /doc.json 200 Bearer right-token-0123456789abcdef\$" "$TMP/good.out" &&
	pass "the feed server saw the bearer token" ||
	fail "the feed server saw the bearer token"

# --- the failures: each logged with its reason, the region's state kept
wait_output "ap-south: the wrong token gets 401" "http_status" 4000 region_st ap-south feed_state
grep -q "^GET /doc.json 401 Bearer wrong-token-0123456789abcdef\$" "$TMP/good.out" &&
	pass "the wrong token was sent (and refused)" ||
	fail "the wrong token was sent (and refused)"
wait_output "other-ca: the certificate is not verified" "tls_failed" 4000 \
	region_st other-ca feed_state
wait_output "other-host: the certificate is for another name" "tls_failed" 4000 \
	region_st other-host feed_state
wait_output "system-ca: the system's store lacks the test CA" "tls_failed" 4000 \
	region_st system-ca feed_state
by_name() { echo "$(region_st by-name feed_state) $(region_st by-name feed_weight)"; }
wait_output "by-name: https://localhost (SNI, the name checked): ok" "ok 10" 4000 by_name
v6() { echo "$(region_st v6 feed_state) $(region_st v6 feed_weight)"; }
wait_output "v6: https://[::1] (the IPv6 address checked): ok" "ok 20" 4000 v6
check_cmd "the Host header: the URL's host and port" sh -c "
	grep -h '^HOST' '$TMP/good.out' '$TMP/v6.out' | sort -u | sed 's/[0-9]\{4,5\}\$/PORT/'" \
	</dev/null <<'EOF2'
HOST 127.0.0.1:PORT
HOST [::1]:PORT
HOST localhost:PORT
EOF2
check_cmd "SNI: localhost for the name, none for the IP address" sh -c \
	"grep '^SNI' '$TMP/good.out' | sort -u" </dev/null <<'EOF2'
SNI -
SNI localhost
EOF2
wait_output "wrong-name: a certificate for another name than localhost" "tls_failed" 4000 \
	region_st wrong-name feed_state
wait_output "plain: a plain HTTP server at an https:// URL fails the handshake" "tls_failed" \
	4000 region_st plain feed_state
limits() { echo "$(region_st big feed_state) $(region_st heads feed_state)"; }
wait_output "over TLS too: a body over 1 MiB, a head over 64 lines" \
	"too_large headers_too_large" 4000 limits
wait_output "silent: the handshake never ends: cut at the deadline" "feed_timeout" 4000 \
	region_st silent feed_state
check_cmd "one log line per failure, with its reason" sh -c "
	grep -o 'event=feed_failed feed=[^ ]*${GOODPORT}/doc.json[^ ]* reason=[^ ]* detail=\"[^\"]*\"' '$TMP/server.log' | sed 's/[0-9]\{4,5\}/PORT/' | sort -u
	grep -o 'event=feed_failed feed=[^ ]*${OTHERPORT}/doc.json[^ ]* reason=[^ ]* detail=\"[^\"]*\"' '$TMP/server.log' | sed 's/[0-9]\{4,5\}/PORT/'
	grep -o 'event=feed_failed feed=[^ ]*${WRONGPORT}/doc.json[^ ]* reason=[^ ]* detail=\"[^\"]*\"' '$TMP/server.log' | sed 's/[0-9]\{4,5\}/PORT/'
	grep -o 'event=feed_failed feed=[^ ]*${PLAINPORT}/doc.json[^ ]* reason=[^ ]* detail=\"[^\"]*\"' '$TMP/server.log' | sed 's/[0-9]\{4,5\}/PORT/'
	grep -o 'event=feed_failed feed=[^ ]*${SILENTPORT}/doc.json[^ ]* reason=[^ ]* detail=\"[^\"]*\"' '$TMP/server.log' | sed 's/[0-9]\{4,5\}/PORT/'" \
	</dev/null <<'EOF2'
event=feed_failed feed=https://127.0.0.1:PORT/doc.json reason=http_status detail="HTTP 401"
event=feed_failed feed=https://127.0.0.1:PORT/doc.json?system reason=tls_failed detail="certificate verify failed: unable to get local issuer certificate"
event=feed_failed feed=https://127.0.0.1:PORT/doc.json reason=tls_failed detail="certificate verify failed: unable to get local issuer certificate"
event=feed_failed feed=https://127.0.0.1:PORT/doc.json reason=tls_failed detail="certificate verify failed: IP address mismatch"
event=feed_failed feed=https://localhost:PORT/doc.json?name reason=tls_failed detail="certificate verify failed: hostname mismatch"
event=feed_failed feed=https://127.0.0.1:PORT/doc.json reason=tls_failed detail="TLS handshake failed: wrong version number"
event=feed_failed feed=https://127.0.0.1:PORT/doc.json reason=feed_timeout detail="no complete answer within 1 s"
EOF2
states() {
	for r in ap-south other-ca other-host system-ca wrong-name plain big heads silent; do
		printf '%s %s %s\n' "$r" "$(region_st "$r" state)" "$(region_st "$r" feed_weight)"
	done
}
check_cmd "the failing regions keep their state (up, never fed: weight 100, not the document's 10)" states \
	</dev/null <<'EOF2'
ap-south up 100
other-ca up 100
other-host up 100
system-ca up 100
wrong-name up 100
plain up 100
big up 100
heads up 100
silent up 100
EOF2
grep -q "GET .* 200 " "$TMP/other.out" "$TMP/wrong.out" &&
	fail "no document went over an unverified connection" ||
	pass "no document went over an unverified connection"

# --- the token is read again at a reload: one others may read fails the
# reload (the old token stays), the right one (rotated in) is sent
chmod 644 "$TMP/wrong.token"
reload 1
check_cmd "a reload with a feed token others may read fails, naming it" sh -c "
	grep -c 'event=reload result=failed errors=1' '$TMP/server.log'
	grep -c 'regions.ap-south.feed_token_file: \\\\\"$TMP/wrong.token\\\\\": the feed token file is readable or writable by others' '$TMP/server.log'" \
	</dev/null <<'EOF2'
1
1
EOF2
printf 'right-token-0123456789abcdef\n' >"$TMP/wrong.token"
chmod 600 "$TMP/wrong.token"
reload 2
wait_output "the rotated token, read at the reload, is sent: ap-south ok" "ok 10" 4000 sh -c \
	"curl -s '$URL/status' | python3 -c 'import json, sys; r = json.load(sys.stdin)[\"regions\"][\"ap-south\"]; print(r[\"feed_state\"], r[\"feed_weight\"])'"
server_alive "geodnsd still serving"
stop_within "SIGTERM: exit 0 within 5 s (TLS contexts and connections freed)" 5
sanitizer_clean "no sanitizer report"
