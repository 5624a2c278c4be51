# checkconf.sh - geodnsd -t: every error of every zone is printed as
# file:line: message, then "geodnsd: N errors", and the exit status is 1;
# warnings alone keep the status 0. The zones and configs are in
# tests/data/checkconf/ (each config also loads a valid zone, good.zone).
#
# Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
. tests/integration/lib.sh

D=tests/data/checkconf

# run_t CONFIG: geodnsd -t, stdout and stderr, then the exit status
run_t() {
	"$GEODNSD" -t -c "$1" 2>&1
	echo "exit status $?"
}
# run_t_sorted CONFIG: the same with the lines sorted (errors found in
# different passes may come in any order; every one must be there)
run_t_sorted() {
	run_t "$1" | LC_ALL=C sort
}

sed -e "s|@PORT@|5399|g" -e "s|@ROOT@|$ROOT|g" tests/data/full.conf >"$TMP/full.conf"
check_cmd "valid test config with edge.test" run_t "$TMP/full.conf" <<EOF
zone example.com. serial 2026112701: 39 records OK
zone example.net. serial 2026112701: 6 records OK
zone edge.test. serial 7: 52 records OK
configuration $TMP/full.conf OK
exit status 0
EOF

check_cmd "CNAME and other data" run_t $D/cname.conf <<'EOF'
tests/data/checkconf/cname.zone:7: CNAME and other data at www.bad.test.
geodnsd: 1 error
exit status 1
EOF

check_cmd "missing SOA" run_t $D/nosoa.conf <<'EOF'
tests/data/checkconf/nosoa.zone:1: no SOA record at the zone apex bad.test.
geodnsd: 1 error
exit status 1
EOF

check_cmd "two SOAs: the second one's line" run_t $D/twosoa.conf <<'EOF'
tests/data/checkconf/twosoa.zone:7: more than one SOA record at the zone apex
geodnsd: 1 error
exit status 1
EOF

check_cmd "missing glue for in-zone NS targets (apex and delegation)" run_t $D/noglue.conf <<'EOF'
tests/data/checkconf/noglue.zone:6: missing glue: NS target ns2.bad.test. in the zone has no A or AAAA
tests/data/checkconf/noglue.zone:9: missing glue: NS target ns.sub.bad.test. in the zone has no A or AAAA
geodnsd: 2 errors
exit status 1
EOF

check_cmd "data outside the origin" run_t $D/outside.conf <<'EOF'
tests/data/checkconf/outside.zone:7: www.example.org. is outside the zone origin bad.test.
geodnsd: 1 error
exit status 1
EOF

check_cmd "syntax errors, each with its line" run_t $D/syntax.conf <<'EOF'
tests/data/checkconf/syntax.zone:7: cannot parse "www	IN A	192.0.2.300": Syntax error, could not parse the RR's rdata
tests/data/checkconf/syntax.zone:8: cannot parse "mail	IN MX	ten mail": Syntax error, could not parse the RR's rdata
geodnsd: 2 errors
exit status 1
EOF

check_cmd "\$INCLUDE of a missing file names the including line" run_t $D/incmiss.conf <<'EOF'
tests/data/checkconf/incmiss.zone:7: cannot read tests/data/checkconf/missing.include: No such file or directory
geodnsd: 1 error
exit status 1
EOF

check_cmd "error in an included file names that file and line" run_t $D/incbad.conf <<'EOF'
tests/data/checkconf/incbad.include:3: cannot parse "bad	IN AAAA	not-an-address": Syntax error, could not parse the RR's rdata
geodnsd: 1 error
exit status 1
EOF

# syntax errors must not hide the other errors of the zone
check_cmd "every error of a zone with several" run_t_sorted $D/many.conf <<'EOF'
exit status 1
geodnsd: 4 errors
tests/data/checkconf/many.zone:10: outside.example.org. is outside the zone origin bad.test.
tests/data/checkconf/many.zone:11: cannot parse "broken	IN A	not-an-address": Syntax error, could not parse the RR's rdata
tests/data/checkconf/many.zone:6: missing glue: NS target ns2.bad.test. in the zone has no A or AAAA
tests/data/checkconf/many.zone:9: CNAME and other data at alias.bad.test.
EOF

check_cmd "errors of several zones and a missing zone file" run_t_sorted $D/twozones.conf <<'EOF'
exit status 1
geodnsd: 5 errors
tests/data/checkconf/cname.zone:7: CNAME and other data at www.bad.test.
tests/data/checkconf/does-not-exist.zone: cannot read zone file: No such file or directory
tests/data/checkconf/syntax.zone:7: cannot parse "www	IN A	192.0.2.300": Syntax error, could not parse the RR's rdata
tests/data/checkconf/syntax.zone:8: cannot parse "mail	IN MX	ten mail": Syntax error, could not parse the RR's rdata
tests/data/checkconf/twozones.conf:5:17: zones[1].origin: zone bad.test is configured twice (also zones[0])
EOF
# ... and the zone configured twice among them
if run_t $D/twozones.conf | grep -q 'bad\.test.* configured twice'; then
	pass "zone configured twice reported next to other errors"
else
	fail "zone configured twice reported next to other errors"
	run_t $D/twozones.conf | sed 's/^/  /'
fi

# a duplicate zone is a configuration error: named by the config's line
# (line 5 holds the second good.test entry)
if run_t $D/dupzone.conf | grep -q "^$D/dupzone.conf:5:.*good\.test.* configured twice"; then
	pass "zone configured twice: config file and line"
else
	fail "zone configured twice: config file and line"
	run_t $D/dupzone.conf | sed 's/^/  /'
fi

check_cmd "JSON syntax error in the config: file:line:column" run_t $D/badjson.conf <<'EOF'
tests/data/checkconf/badjson.conf:6:1: JSON: string or '}' expected near '}'
geodnsd: 1 error
exit status 1
EOF

# warnings only: printed, the check passes (the record count is not judged)
check_cmd "warnings only: exit status 0" sh -c "'$GEODNSD' -t -c $D/warn.conf 2>&1; echo \"exit status \$?\"" <<'EOF'
tests/data/checkconf/warn.zone:8: warning: duplicate record ignored
tests/data/checkconf/warn.zone:9: warning: TTL 300 differs from 3600 of the rest of the RRset; using 3600
zone warn.test. serial 1: 6 records OK
configuration tests/data/checkconf/warn.conf OK
exit status 0
EOF

# the daemon refuses to start on a broken zone
check_cmd "daemon does not start with a broken zone" sh -c "'$GEODNSD' -f -c $D/cname.conf 2>&1; echo \"exit status \$?\"" <<'EOF'
tests/data/checkconf/cname.zone:7: CNAME and other data at www.bad.test.
geodnsd: not started: the configuration or a zone has errors
exit status 1
EOF

# Regression: loading a zone must not move the top of the heap up and down
# for every record (ldns takes and frees ~64 KiB per record parsed; before
# the allocator was set up ahead of the first load, brk() ran three times a
# record and a 1M-record zone took 74 s instead of 3). Counted on the
# optimized build (AddressSanitizer's allocator does not use brk at all).
PLAIN=${PLAIN_GEODNSD:-$GEODNSD}
awk 'BEGIN {
	print "$ORIGIN many.test."
	print "@ 3600 IN SOA ns1 hostmaster 1 3600 900 604800 300"
	print "@ 3600 IN NS ns1"
	print "ns1 3600 IN A 127.0.0.1"
	for (i = 0; i < 50000; i++) printf "h%d 3600 IN A 10.0.%d.%d\n", i, int(i / 256) % 256, i % 256
}' >"$TMP/many.zone"
printf '{ "zones": [ { "origin": "many.test", "file": "%s" } ] }\n' "$TMP/many.zone" >"$TMP/many.conf"
strace -f -c -e trace=brk -o "$TMP/brk.txt" "$PLAIN" -t -c "$TMP/many.conf" >"$TMP/many.out" 2>&1
# strace -c columns: % time, seconds, usecs/call, calls, errors (may be
# empty), syscall
n=$(awk '$NF == "brk" { print $4 }' "$TMP/brk.txt")
if grep -q '50003 records OK' "$TMP/many.out" && [ "${n:-0}" -lt 500 ]; then
	pass "50,000-record zone: ${n:-0} brk calls (the heap is not trimmed per record)"
else
	fail "50,000-record zone: ${n:-?} brk calls (want < 500)"
	cat "$TMP/many.out" "$TMP/brk.txt"
fi

# the command line: --help and --version succeed on stdout, an unknown
# option fails with the usage on stderr
out=$("$PLAIN" --help 2>/dev/null)
rc=$?
if [ $rc -eq 0 ] && echo "$out" | grep -q -- '--config FILE' && echo "$out" | grep -q -- '-t, --check'; then
	pass "--help: usage on stdout, exit 0"
else
	fail "--help: exit $rc, output: $out"
fi
if [ "$("$PLAIN" --version 2>/dev/null | cut -d' ' -f1)" = geodnsd ] &&
	[ "$("$PLAIN" -V)" = "$("$PLAIN" --version)" ]; then
	pass "--version prints the version like -V"
else
	fail "--version"
fi
"$PLAIN" --no-such-option >"$TMP/opt.out" 2>"$TMP/opt.err"
rc=$?
if [ $rc -eq 2 ] && [ ! -s "$TMP/opt.out" ] && grep -q '^Usage: geodnsd' "$TMP/opt.err"; then
	pass "unknown option: exit 2, usage on stderr"
else
	fail "unknown option: exit $rc"
fi
