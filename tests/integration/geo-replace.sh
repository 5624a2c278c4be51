# geo-replace.sh - the GeoIP database changed under the running server.
# Under a bounded query load the file is overwritten in place with another
# database (cp), truncated, then filled with garbage: the server stays up and
# answers exactly as before from the copy it loaded (a mapped file killed it
# with SIGBUS, exit 135). A SIGHUP while the file is truncated or half
# written is refused with the reason logged and the old answers stay; the
# safe replacement (new file, mv over the old, SIGHUP) brings the new
# database's answers; a SIGHUP with the bytes unchanged keeps the same copy.
# As root also in a chroot without /proc, as nobody: reloads happen after
# the privilege drop, and loading the new database must work there too.
#
# Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
. tests/integration/lib.sh

cp tests/tmp/geo/city.mmdb "$TMP/city.mmdb"
tools/mkgeodb -o "$TMP/swap.mmdb" tests/data/geo-swap.csv >/dev/null 2>&1 ||
	{ fail "mkgeodb tests/data/geo-swap.csv"; exit 1; }
start_server tests/data/geo-replace.conf || exit 1

# q SUBNET: status, ECS scope and answer of www.example.com A for SUBNET
q() {
	dq +norec www.example.com A +subnet="$1" | grep -E 'status:|CLIENT-SUBNET|^[^;].*	IN	'
}

# q3: the answers for the three networks whose continent the swap changes
q3() {
	for net in 192.0.2.0/24 198.51.100.0/24 203.0.113.0/24; do
		q $net
	done
}

# from tests/data/geo-test.csv (city.mmdb): New York -> us-east, London /26
# -> eu-west, Singapore -> ap-south (a CNAME)
cat >"$TMP/old.expected" <<'EOF2'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
; CLIENT-SUBNET: 192.0.2.0/24/25
www.example.com.	30	IN	A	192.0.2.10
www.example.com.	30	IN	A	192.0.2.11
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
; CLIENT-SUBNET: 198.51.100.0/24/26
www.example.com.	30	IN	A	198.51.100.10
www.example.com.	30	IN	A	198.51.100.11
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
; CLIENT-SUBNET: 203.0.113.0/24/25
www.example.com.	30	IN	CNAME	lb-ap.example.net.
lb-ap.example.net.	3600	IN	A	203.0.113.10
EOF2
# from tests/data/geo-swap.csv (swap.mmdb): Dublin -> eu-west, Singapore ->
# ap-south, New York -> us-east (2 of 3 by the /24's hash)
cat >"$TMP/new.expected" <<'EOF2'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
; CLIENT-SUBNET: 192.0.2.0/24/24
www.example.com.	30	IN	A	198.51.100.10
www.example.com.	30	IN	A	198.51.100.11
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
; CLIENT-SUBNET: 198.51.100.0/24/24
www.example.com.	30	IN	CNAME	lb-ap.example.net.
lb-ap.example.net.	3600	IN	A	203.0.113.10
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
; CLIENT-SUBNET: 203.0.113.0/24/24
www.example.com.	30	IN	A	192.0.2.10
www.example.com.	30	IN	A	192.0.2.12
EOF2
old_answers() {
	check_cmd "$1: the loaded database's answers (us-east, eu-west, ap-south)" q3 \
		<"$TMP/old.expected"
}
new_answers() {
	check_cmd "$1: the new database's answers (eu-west, ap-south, us-east)" q3 \
		<"$TMP/new.expected"
}

old_answers "loaded"

# bounded load: rounds of 100 geo queries, each a tree walk (answer_cache
# off), from dig in the background while the file is changed; it stops when
# told (load.stop) or after 100 rounds
i=0
while [ $i -lt 100 ]; do
	echo "www.example.com A +subnet=$((i % 3 == 0 ? 192 : i % 3 == 1 ? 198 : 203)).$i.0.0/24"
	i=$((i + 1))
done >"$TMP/batch"
rm -f "$TMP/load.stop" "$TMP/load.out"
(
	r=0
	while [ $r -lt 100 ] && [ ! -e "$TMP/load.stop" ]; do
		dig @127.0.0.1 -p "$PORT" +norec +nocookie +time=1 +tries=1 +noall +comments \
			-f "$TMP/batch" >>"$TMP/load.out" 2>&1
		r=$((r + 1))
		echo $r >"$TMP/load.rounds"
	done
) &
LOAD_PID=$!
wait_load=0 # the first answers are in: the load is running
while ! grep -q 'status:' "$TMP/load.out" 2>/dev/null && [ $wait_load -lt 100 ]; do
	sleep 0.05
	wait_load=$((wait_load + 1))
done

cp "$TMP/swap.mmdb" "$TMP/city.mmdb" # in place: same inode, truncated, rewritten
old_answers "overwritten in place by cp"
: >"$TMP/city.mmdb"
old_answers "truncated to 0 bytes"
yes 'not a MaxMind DB' | head -c 8192 >"$TMP/city.mmdb"
old_answers "overwritten with garbage"

touch "$TMP/load.stop"
n=0 # a round takes well under a second; wait at most 10 s
while kill -0 $LOAD_PID 2>/dev/null && [ $n -lt 100 ]; do
	sleep 0.1
	n=$((n + 1))
done
if kill -0 $LOAD_PID 2>/dev/null; then
	kill $LOAD_PID
	fail "query load finished within 10 s"
fi
wait $LOAD_PID
rounds=$(cat "$TMP/load.rounds")
sent=$((rounds * 100))
noerror=$(grep -c 'status: NOERROR' "$TMP/load.out")
if [ "$rounds" -lt 100 ] && [ "$noerror" -eq "$sent" ]; then
	pass "query load across the changes: $noerror of $sent answered NOERROR"
else
	fail "query load across the changes: $noerror of $sent answered NOERROR ($rounds rounds)"
fi
server_alive "server up after the file was overwritten, truncated and garbled"

reloads=0
hup() {
	reloads=$((reloads + 1))
	kill -HUP "$SERVER_PID"
	wait_log "event=reload result=" "$reloads"
}

# reload_check NAME RESULT N LINE: after a SIGHUP the log has N lines
# "event=reload result=RESULT" and the line LINE (a fixed string)
reload_check() {
	if hup && [ "$(grep -c "event=reload result=$2" "$TMP/server.log")" -eq "$3" ] &&
		grep -qF "$4" "$TMP/server.log"; then
		pass "$1"
	else
		fail "$1"
		tail -5 "$TMP/server.log" | sed 's/^/  /'
	fi
}
refused="$TMP/city.mmdb: cannot open GeoIP database:"

: >"$TMP/city.mmdb"
reload_check "SIGHUP with the file truncated: refused, reason logged" failed 1 \
	"$refused the file is empty (truncated, or still being written?)"
old_answers "SIGHUP with the file truncated"
head -c 1000 "$TMP/swap.mmdb" >"$TMP/city.mmdb"
reload_check "SIGHUP with the file half written: refused, reason logged" failed 2 \
	"$refused The MaxMind DB file contains invalid metadata"
old_answers "SIGHUP with the file half written"

# the safe way: a new file next to the old one, renamed over it, SIGHUP
cp "$TMP/swap.mmdb" "$TMP/city.mmdb.new"
mv "$TMP/city.mmdb.new" "$TMP/city.mmdb"
reload_check "new file + mv + SIGHUP: reloaded, the new database loaded" ok 1 \
	"event=geoip_loaded file=$TMP/city.mmdb layout=maxmind content=new"
new_answers "after the safe replacement"

# the same bytes again: the copy in use, the same answers
reload_check "SIGHUP with the file unchanged: content=unchanged" ok 2 \
	"event=geoip_loaded file=$TMP/city.mmdb layout=maxmind content=unchanged"
new_answers "unchanged reload"

if stop_server; then pass "clean exit"; else fail "clean exit (status $rc)"; fi
sanitizer_clean "no sanitizer report"

# ---- in a chroot without /proc, as nobody (root only) ----
if [ "$(id -u)" -eq 0 ]; then
	CHROOT=$TMP/root
	rm -rf "$CHROOT"
	mkdir -p "$CHROOT/zones"
	cp zones/example.com.zone zones/example.com.include zones/example.com.services.json \
		zones/example.net.zone "$CHROOT/zones/"
	cp tests/tmp/geo/city.mmdb "$CHROOT/city.mmdb"
	# paths relative to the configuration's directory, the chroot's root
	# (its name has no directory: the start directory before the chroot,
	# / inside it), so the same config reads the same files before and
	# after the chroot
	sed -e "s|@PORT@|$PORT|" -e 's|"@TMP@/city.mmdb"|"city.mmdb"|' -e 's|@ROOT@/||g' \
		-e "s|\"workers\": 2,|\"workers\": 2, \"chroot\": \"$CHROOT\", \"user\": \"nobody\", \"group\": \"nogroup\",|" \
		tests/data/geo-replace.conf >"$CHROOT/geodnsd.conf"
	chmod -R a+rX "$CHROOT"
	# the plain build: LeakSanitizer needs /proc at exit
	(cd "$CHROOT" && exec "${PLAIN_GEODNSD:-$GEODNSD}" -f -c geodnsd.conf) >"$TMP/server.log" 2>&1 &
	SERVER_PID=$!
	reloads=0
	if wait_log "event=started" 1 && [ ! -e "$CHROOT/proc" ]; then
		pass "chroot: started as nobody in $CHROOT (no /proc there)"
	else
		fail "chroot: started as nobody in $CHROOT (no /proc there)"
		tail -5 "$TMP/server.log" | sed 's/^/  /'
		exit 1
	fi
	old_answers "chroot, loaded"
	cp "$TMP/swap.mmdb" "$CHROOT/city.mmdb.new"
	mv "$CHROOT/city.mmdb.new" "$CHROOT/city.mmdb"
	reload_check "chroot: new file + mv + SIGHUP reloaded" ok 1 \
		"event=geoip_loaded file=city.mmdb layout=maxmind content=new"
	new_answers "chroot, after the safe replacement"
	if stop_server; then pass "chroot: clean exit"; else fail "chroot: clean exit (status $rc)"; fi
fi
