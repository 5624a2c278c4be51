# catalog.sh - catalog zones (RFC 9432, version 2) consumed by a geodnsd
# secondary (issue 17 item 5): a geodnsd primary serves the catalog
# cat.test and the member zones; the secondary, configured with the
# catalog alone, serves every member within seconds of the catalog's
# change, keeps each member's copy in catalog.directory, stops serving a
# member removed from the catalog and deletes its copy; a catalog of
# another version changes nothing; a restart serves the members from
# their copies at once. Then knotd generates a catalog (catalog-role:
# generate) and adds and removes a member through its configuration: a
# second geodnsd secondary follows it. All on 127.0.0.1, free ports; every wait
# bounded; every process stopped by its pid.
#
# Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
. tests/integration/lib.sh
rm -rf "${TMP:?}/"*
mkdir -p "$TMP/primary" "$TMP/secondary"

PPORT=$(free_port)
SPORT=$(free_port)
trap pair_cleanup EXIT
trap 'pair_cleanup; exit 1' INT TERM HUP PIPE

# member NAME: a member zone's file at the primary
member() {
	cat >"$TMP/primary/$1.zone" <<EOF
\$ORIGIN $1.
\$TTL 300
@	IN SOA	ns hostmaster 1 2 1 600 60
	IN NS	ns
ns	IN A	192.0.2.53
www	IN A	192.0.2.$2
EOF
}
# catalog SERIAL VERSION ID:MEMBER...: the catalog's file at the primary
catalog() {
	_c_serial=$1
	_c_version=$2
	shift 2
	{
		echo "\$ORIGIN cat.test."
		echo "\$TTL 0"
		echo "@	IN SOA	invalid. invalid. $_c_serial 2 1 600 0"
		echo "	IN NS	invalid."
		echo "version	IN TXT	\"$_c_version\""
		for _c_m in "$@"; do
			echo "${_c_m%%:*}.zones	IN PTR	${_c_m#*:}."
		done
	} >"$TMP/primary/cat.test.zone.new"
	mv "$TMP/primary/cat.test.zone.new" "$TMP/primary/cat.test.zone"
}

# serving PORT ZONE...: each zone's www address on the server on PORT, or
# the status when not NOERROR (REFUSED once it is no longer a zone there)
serving() {
	_sv_port=$1
	shift
	for z in "$@"; do
		_sv=$(dig @127.0.0.1 -p "$_sv_port" +time=1 +tries=1 "www.$z" A 2>/dev/null)
		case $_sv in
		*"status: NOERROR"*) echo "$z $(echo "$_sv" | awk '$4 == "A" { print $5 }')" ;;
		*) echo "$z $(echo "$_sv" | sed -n 's/.*status: \([A-Z]*\),.*/\1/p')" ;;
		esac
	done
}
members() { serving "$SPORT" m1.test m2.test m3.test; }
files() {
	(cd "$TMP/secondary/members" 2>/dev/null && ls | sort | tr '\n' ' ')
	echo
}

member m1.test 1
member m2.test 2
member m3.test 3
catalog 1 2 a1:m1.test a2:m2.test
pair_conf tests/data/catalog-primary.conf "$PPORT" "$TMP/primary.conf"
pair_conf tests/data/catalog.conf "$SPORT" "$TMP/secondary.conf"
pair_start primary || exit 1
pair_start secondary || exit 1

wait_output "the catalog's two members served" "m1.test 192.0.2.1
m2.test 192.0.2.2
m3.test REFUSED" 5000 members
check_cmd "their copies in catalog.directory" files <<'EOF'
m1.test.zone m1.test.zone.timers m2.test.zone m2.test.zone.timers 
EOF
check_cmd "logged as added" sh -c "grep -o 'event=catalog_member catalog=cat.test zone=m[0-9].test. id=a[0-9] change=added' '$TMP/secondary.log' | sort" <<'EOF'
event=catalog_member catalog=cat.test zone=m1.test. id=a1 change=added
event=catalog_member catalog=cat.test zone=m2.test. id=a2 change=added
EOF

catalog 2 2 a1:m1.test a2:m2.test a3:m3.test
kill -HUP "$PPID_"
wait_output "a member added to the catalog is served" "m1.test 192.0.2.1
m2.test 192.0.2.2
m3.test 192.0.2.3" 3000 members

catalog 3 2 a2:m2.test a3:m3.test
kill -HUP "$PPID_"
wait_output "a member removed is no longer served" "m1.test REFUSED
m2.test 192.0.2.2
m3.test 192.0.2.3" 3000 members
check_cmd "and its copy is deleted" files <<'EOF'
m2.test.zone m2.test.zone.timers m3.test.zone m3.test.zone.timers 
EOF

catalog 4 1 a1:m1.test
kill -HUP "$PPID_"
wait_output "a catalog of version 1 is rejected whole (the version before kept)" 1 3000 sh -c \
	"grep -c 'event=xfr_in zone=cat.test. .*result=rejected serial=4 error=\"not a catalog: .*action=keeping_serial_3' '$TMP/secondary.log'"
check_cmd "the members stay as they were" members <<'EOF'
m1.test REFUSED
m2.test 192.0.2.2
m3.test 192.0.2.3
EOF
check_cmd "catalog_members metric" sh -c \
	"curl -s http://127.0.0.1:$((SPORT + 1))/metrics | grep '^geodnsd_catalog_members'" <<'EOF'
geodnsd_catalog_members{catalog="cat.test"} 2
EOF

stop_instance "$PPID_"
PPID_=''
stop_instance "$SPID"
SPID=''
pair_start secondary || exit 1
check_cmd "restarted with the primary down: the members answer at once from their copies" \
	members <<'EOF'
m1.test REFUSED
m2.test 192.0.2.2
m3.test 192.0.2.3
EOF

# ---- knotd as the catalog producer (catalog-role: generate) ----

KNOTD=$(command -v knotd 2>/dev/null || echo /usr/sbin/knotd)
if [ ! -x "$KNOTD" ]; then
	fail "knotd not found: install the Debian package knot (tools/install-deps)"
	exit 0
fi
stop_instance "$SPID"
SPID=''
KPORT=$(free_port)
KSPORT=$(free_port)
mkdir -p "$TMP/knot" "$TMP/ksec"
for m in m1 m2; do
	sed "s/192.0.2.[0-9]*$/192.0.2.4${m#m}/" "$TMP/primary/$m.test.zone" >"$TMP/knot/$m.test.zone"
done
# knot_conf MEMBER...: knotd generating catalog kcat.test of the members
knot_conf() {
	{
		cat <<EOF2
server:
    rundir: "$TMP/knot"
    listen: 127.0.0.1@$KPORT
database:
    storage: "$TMP/knot"
log:
  - target: stderr
    any: info
remote:
  - id: ksec
    address: 127.0.0.1@$KSPORT
acl:
  - id: xfr
    address: 127.0.0.1
    action: transfer
template:
  - id: default
    storage: "$TMP/knot"
    file: "%s.zone"
    notify: ksec
    acl: xfr
zone:
  - domain: kcat.test
    catalog-role: generate
EOF2
		for m in "$@"; do
			printf '  - domain: %s\n    catalog-role: member\n    catalog-zone: kcat.test\n' "$m"
		done
	} >"$TMP/knot/knot.conf"
}
knot_conf m1.test
"$KNOTD" -c "$TMP/knot/knot.conf" >"$TMP/knot/out.log" 2>&1 &
KNOT_PID=$!
PAIR_EXTRA_PIDS=$KNOT_PID
sed -e "s|@PORT@|$KSPORT|g" -e "s|@HTTPPORT@|$((KSPORT + 1))|g" -e "s|@TMP@/secondary|$TMP/ksec|g" \
	-e "s|@PRIMPORT@|$KPORT|g" -e 's|"cat.test"|"kcat.test"|' -e 's|/cat.test.zone|/kcat.test.zone|' \
	-e 's|, "key": "xfr"||' tests/data/catalog.conf >"$TMP/ksec.conf"
start_instance ksec
SPID=$INSTANCE_PID
kmembers() { serving "$KSPORT" m1.test m2.test; }
wait_output "knotd's generated catalog: its member served" "m1.test 192.0.2.41
m2.test REFUSED" 8000 kmembers
# knot_reload: SIGHUP knotd until it logs one more configuration reload
# (a signal during its own reload may be lost): 3 tries of 2 s
knot_reload() {
	_kr_n=$(grep -c 'configuration reloaded' "$TMP/knot/out.log")
	for _kr_try in 1 2 3; do
		kill -HUP "$KNOT_PID"
		_kr_i=0
		while [ $_kr_i -lt 40 ]; do
			[ "$(grep -c 'configuration reloaded' "$TMP/knot/out.log")" -gt "$_kr_n" ] &&
				return 0
			sleep 0.05
			_kr_i=$((_kr_i + 1))
		done
	done
	fail "knotd did not reload its configuration"
}
knot_conf m1.test m2.test
knot_reload
wait_output "a member added at knotd is served" "m1.test 192.0.2.41
m2.test 192.0.2.42" 5000 kmembers
knot_conf m2.test
knot_reload
wait_output "a member removed at knotd is no longer served" "m1.test REFUSED
m2.test 192.0.2.42" 5000 kmembers
