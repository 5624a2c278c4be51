# checkzone.sh - geodnsd-checkzone: one zone file checked without a server,
# every problem with its file and line, services against a
# configuration's regions, the exit status (0 loads, 1 does not, 2 usage).
#
# Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.

. tests/integration/lib.sh
CHECKZONE=${CHECKZONE:-$(pwd)/build/geodnsd-checkzone}

# the command's output (stdout and stderr), then its exit status
run() { "$CHECKZONE" "$@" 2>&1; echo "exit $?"; }

check_cmd "the demo zone: its summary, exit 0" run example.com zones/example.com.zone <<'EOF'
zone example.com. serial 2026112701: 39 records, 31 names, 0 services, 0 warnings OK
exit 0
EOF
check_cmd "with its services and the demo configuration's regions" \
	run -c zones/geodnsd.conf -s zones/example.com.services.json example.com \
	zones/example.com.zone <<'EOF'
zone example.com. serial 2026112701: 39 records, 33 names, 2 services, 0 warnings OK
exit 0
EOF
nocfg() {
	"$CHECKZONE" -s zones/example.com.services.json example.com zones/example.com.zone \
		>"$TMP/nocfg.out" 2>&1
	echo "exit $?"
	tail -2 "$TMP/nocfg.out"
}
check_cmd "services without a configuration: refused, with the reason" nocfg <<'EOF'
exit 1
geodnsd-checkzone: services name regions; give the configuration that defines them with -c CONFIG
zone example.com: 6 errors
EOF
printf 'x.test. 60 IN SOA a b 1 1 1 1 1\nwww 60 IN CNAME a\nwww 60 IN A 192.0.2.1\nwww 60 IN A 192.0.2.1\n' \
	>"$TMP/bad.zone"
bad() { run x.test "$TMP/bad.zone" | sed "s|$TMP|TMP|"; }
check_cmd "a broken zone: every problem at its line, exit 1" bad <<'EOF'
TMP/bad.zone:4: warning: duplicate record ignored
TMP/bad.zone:1: no NS records at the zone apex x.test.
TMP/bad.zone:3: CNAME and other data at www.x.test.
zone x.test: 2 errors
exit 1
EOF
check_cmd "-q: problems only" run -q example.com zones/example.com.zone <<'EOF'
exit 0
EOF
check_cmd "no arguments: usage on stderr, exit 2" sh -c "'$CHECKZONE' 2>/dev/null; echo \$?" <<'EOF'
2
EOF
missing() { run x.test "$TMP/missing.zone" | sed "s|$TMP|TMP|"; }
check_cmd "a file that does not exist" missing <<'EOF'
TMP/missing.zone: cannot read zone file: No such file or directory
zone x.test: 1 errors
exit 1
EOF
