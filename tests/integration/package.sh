# package.sh - the Debian package (make deb, debian/): its files sit where
# the FHS puts them and none under /usr/local, the sample configuration is
# a conffile, the systemd files are there, lintian finds no error, and the
# packaged daemon, extracted with dpkg-deb -x into a directory, checks and
# serves the packaged sample configuration.
#
# The .deb is build-deb/geodnsd_VERSION_ARCH.deb, made by `make deb` (run
# here; it does nothing when the package is newer than every source file).
# The sample's absolute paths (/etc/geodnsd/..., /usr/share/geodnsd/...,
# /var/lib/geodnsd/...) are rewritten to the same paths under the extracted
# root, its listen addresses to a free loopback port, and server.user and
# group to the user running the test (the geodnsd user exists only on a
# system where the package is installed).
#
# Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
. tests/integration/lib.sh

VERSION=$(sed -n 's/^VERSION = //p' config.mk)
ARCH=$(dpkg --print-architecture)
DEB=build-deb/geodnsd_${VERSION}_$ARCH.deb
t0=$(date +%s)
# a make of its own: not the jobs of a make check that runs this script
if env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make deb >"$TMP/make-deb.log" 2>&1 && [ -f "$DEB" ]; then
	pass "make deb: $DEB ($(($(date +%s) - t0)) s)"
else
	fail "make deb did not build $DEB (log $TMP/make-deb.log)"
	tail -20 "$TMP/make-deb.log" | sed 's/^/  /'
	exit 1
fi

# judge_missing PASS-TEXT FAIL-TEXT: PASS when $missing is empty, else FAIL
# with what it lists
judge_missing() {
	if [ -z "$missing" ]; then
		pass "$1"
	else
		fail "$2:$missing"
	fi
}

# ---- the package's metadata and file list ----

got=$(dpkg-deb -f "$DEB" Package Version Architecture)
want="Package: geodnsd
Version: $VERSION
Architecture: $ARCH"
if [ "$got" = "$want" ]; then
	pass "control: geodnsd $VERSION $ARCH"
else
	fail "control fields: got \"$got\", want \"$want\""
fi

depends=$(dpkg-deb -f "$DEB" Depends)
missing=
for lib in libldns3 libevent-2.1-7 libevent-pthreads-2.1-7 libmaxminddb0 libjansson4 liburcu8 libssl3; do
	echo "$depends" | grep -q "\\b$lib\\b" || missing="$missing $lib"
done
judge_missing "Depends (from shlibs) names every library the daemon links" \
	"Depends ($depends) lacks"

dpkg-deb -c "$DEB" | awk '{ print $NF }' | sed 's|^\./|/|' >"$TMP/files"
missing=
for f in /usr/sbin/geodnsd /usr/sbin/geodnsdctl /usr/sbin/geodnsd-checkzone \
	/usr/bin/geodnsd-services-to-zone /usr/bin/geodnsd-keygen \
	/etc/geodnsd/geodnsd.conf /etc/geodnsd/zones/example.com.zone \
	/etc/geodnsd/zones/example.com.include /etc/geodnsd/zones/example.com.services.json \
	/etc/geodnsd/zones/example.net.zone /usr/share/geodnsd/demo-city.mmdb \
	/var/lib/geodnsd/ /lib/systemd/system/geodnsd.service \
	/usr/lib/sysusers.d/geodnsd.conf /usr/lib/tmpfiles.d/geodnsd.conf \
	/usr/share/man/man8/geodnsd.8.gz /usr/share/man/man8/geodnsd-keygen.8.gz \
	/usr/share/man/man8/geodnsd-checkzone.8.gz /usr/share/man/man8/geodnsdctl.8.gz \
	/usr/share/man/man5/geodnsd.conf.5.gz /usr/share/man/man5/geodnsd-services.5.gz \
	/usr/share/man/man5/geodnsd-feed.5.gz /usr/share/man/man1/geodnsd-services-to-zone.1.gz \
	/usr/share/man/man7/geodnsd-inputs.7.gz \
	/usr/share/doc/geodnsd/copyright /usr/share/doc/geodnsd/security.md.gz \
	/usr/share/geodnsd/alerts/geodnsd.rules.yml /usr/share/geodnsd/alerts/geodnsd.rules.test.yml \
	/usr/share/geodnsd/alerts/geodnsd-dashboard.json /usr/share/geodnsd/geodnsd-xdp.conf; do
	grep -qx "$f" "$TMP/files" || missing="$missing $f"
done
judge_missing "the package holds the daemon, tools, sample, unit, sysusers, tmpfiles, man pages and alerts at their FHS paths" \
	"missing from the package"

# every path under one of the FHS places a package may use, none under
# /usr/local, /run or /var/run (created at boot: tmpfiles.d, RuntimeDirectory)
stray=$(grep -v -E '^/(|etc/|etc/geodnsd/.*|lib/|lib/systemd/(|system/.*)|usr/|usr/(bin|sbin)/.*|usr/lib/(|(sysusers|tmpfiles)\.d/.*)|usr/share/(|(doc|man|geodnsd)/.*)|var/|var/lib/|var/lib/geodnsd/)$' \
	"$TMP/files")
if [ -z "$stray" ] && ! grep -q -E '^/(usr/local|run|var/run)(/|$)' "$TMP/files"; then
	pass "no file outside the FHS places, none under /usr/local or /run"
else
	fail "files outside the expected places:"
	echo "$stray" | sed 's/^/  /'
fi

conffiles=$(dpkg-deb -I "$DEB" conffiles)
if echo "$conffiles" | grep -qx /etc/geodnsd/geodnsd.conf &&
	! echo "$conffiles" | grep -qv '^/etc/geodnsd/'; then
	pass "/etc/geodnsd/geodnsd.conf is a conffile (and only /etc/geodnsd files are)"
else
	fail "conffiles: $conffiles"
fi

# ---- lintian: no error (warnings and notes are printed) ----

lintian --info "$DEB" >"$TMP/lintian.log" 2>&1
grep -E '^[WIP]: ' "$TMP/lintian.log" | sed 's/^/  lintian /'
if grep -q '^E: ' "$TMP/lintian.log"; then
	fail "lintian errors:"
	grep '^E: ' "$TMP/lintian.log" | sed 's/^/  /'
else
	pass "lintian: no error"
fi

# ---- the extracted package ----

ROOT=$TMP/root
rm -rf "$ROOT"
dpkg-deb -x "$DEB" "$ROOT"

unit=$ROOT/lib/systemd/system/geodnsd.service
if grep -q '^ExecStart=/usr/sbin/geodnsd ' "$unit" && ! grep -q /usr/local "$unit"; then
	pass "the unit starts /usr/sbin/geodnsd and names nothing under /usr/local"
else
	fail "the unit's paths:"
	grep -n 'Exec\|/usr/local' "$unit" | sed 's/^/  /'
fi
# every geodnsd program the unit runs (ExecStart=, ExecReload=, ...) is in
# the package: geodnsdctl when the unit reloads through it
missing=
for prog in $(sed -n 's/^Exec[A-Za-z]*=[-@+!:]*\([^ ]*\).*/\1/p' "$unit" | sort -u); do
	case $prog in
	/usr/bin/geodnsd* | /usr/sbin/geodnsd*) grep -qx "$prog" "$TMP/files" || missing="$missing $prog" ;;
	esac
done
judge_missing "every geodnsd program the unit runs is packaged: $(sed -n 's/^Exec[A-Za-z]*=[-@+!:]*\([^ ]*\).*/\1/p' "$unit" | sort -u | tr '\n' ' ')" \
	"the unit runs programs the package lacks"

# every program has its man page (section 1 in /usr/bin, 1 or 8 in /usr/sbin;
# geodnsd-keygen is an administrator's tool in section 8 wherever it lives)
missing=
for prog in $(grep -E '^/usr/s?bin/[^/]+$' "$TMP/files"); do
	name=$(basename "$prog")
	grep -qE "^/usr/share/man/man[18]/$name\\.[18]\\.gz\$" "$TMP/files" || missing="$missing $name"
done
judge_missing "every program in /usr/bin and /usr/sbin has its man page" \
	"programs without a man page"

if grep -q '^u geodnsd ' "$ROOT/usr/lib/sysusers.d/geodnsd.conf"; then
	pass "sysusers.d creates the geodnsd user"
else
	fail "sysusers.d has no 'u geodnsd' line"
fi
# each directory made by tmpfiles.d or by the unit (StateDirectory=,
# RuntimeDirectory=)
for d in /var/lib/geodnsd:StateDirectory /run/geodnsd:RuntimeDirectory; do
	dir=${d%%:*}
	key=${d#*:}
	if grep -q "^d $dir " "$ROOT/usr/lib/tmpfiles.d/geodnsd.conf" ||
		grep -q "^$key=geodnsd\$" "$unit"; then
		pass "$dir is created (tmpfiles.d or $key=)"
	else
		fail "$dir: neither tmpfiles.d nor the unit's $key= creates it"
	fi
done

if (cd "$ROOT/usr/share/geodnsd/alerts" && promtool test rules geodnsd.rules.test.yml) \
	>"$TMP/promtool.log" 2>&1; then
	pass "the packaged alert rules pass their packaged tests (promtool test rules)"
else
	fail "promtool test rules on the packaged alerts:"
	sed 's/^/  /' "$TMP/promtool.log"
fi

# the sample as a start_server template: paths into $ROOT, ports @PORT@ and
# @HTTPPORT@, the test's user; the keys rewritten are printed and judged
python3 - "$ROOT" "$ROOT/etc/geodnsd/geodnsd.conf" "$TMP/sample.template" \
	"$(id -un)" "$(id -gn)" >"$TMP/rewritten" <<'EOF'
import json, sys
root, src, dst, user, group = sys.argv[1:]
conf = json.load(open(src))
def walk(node, path):
    items = node.items() if isinstance(node, dict) else enumerate(node)
    for key, value in items:
        where = "%s.%s" % (path, key) if path else str(key)
        if isinstance(value, (dict, list)):
            walk(value, where)
        elif isinstance(value, str) and value.startswith("/"):
            node[key] = root + value
            print(where, value)
walk(conf, "")
conf["server"]["listen"] = [a.rsplit(":", 1)[0] + ":@PORT@" for a in conf["server"]["listen"]]
conf["http"]["listen"] = "127.0.0.1:@HTTPPORT@"
conf["server"]["user"] = user
conf["server"]["group"] = group
json.dump(conf, open(dst, "w"), indent=1)
EOF
check_cmd "the sample's absolute paths (rewritten under the extracted root)" cat "$TMP/rewritten" <<'EOF'
geoip.database /usr/share/geodnsd/demo-city.mmdb
health.state_file /var/lib/geodnsd/health.state
zones.0.file /etc/geodnsd/zones/example.com.zone
zones.0.services /etc/geodnsd/zones/example.com.services.json
zones.1.file /etc/geodnsd/zones/example.net.zone
EOF

GEODNSD=$ROOT/usr/sbin/geodnsd
sed -e 's/@PORT@/53/' -e 's/@HTTPPORT@/8053/' "$TMP/sample.template" >"$TMP/sample-check.conf"
check_cmd "the packaged geodnsd -t accepts the packaged sample" "$GEODNSD" -t -c "$TMP/sample-check.conf" <<EOF
zone example.com. serial 2026112701: 39 records, 2 services OK
zone example.net. serial 2026112701: 6 records OK
configuration $TMP/sample-check.conf OK
EOF

start_server "$TMP/sample.template" || exit 1

check "sample: eu-west answers a European client" +norec www.example.com +subnet=198.51.100.0/24 <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 2, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
; CLIENT-SUBNET: 198.51.100.0/24/24
;; QUESTION SECTION:
;www.example.com.		IN	A
;; ANSWER SECTION:
www.example.com.	30	IN	A	198.51.100.10
www.example.com.	30	IN	A	198.51.100.11
EOF

SERVER=::1
check "sample: static data over IPv6 with the sample's NSID" +norec +nsid static.example.com AAAA <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
; NSID: 67 65 6f 64 6e 73 64 2d 73 61 6d 70 6c 65 ("geodnsd-sample")
;; QUESTION SECTION:
;static.example.com.		IN	AAAA
;; ANSWER SECTION:
static.example.com.	3600	IN	AAAA	2001:db8::80
EOF
SERVER=127.0.0.1

got=$(curl -s --max-time 5 "http://127.0.0.1:$HTTPPORT/metrics" | grep '^geodnsd_build_info')
if echo "$got" | grep -q "version=\"$VERSION\"" && echo "$got" | grep -q ' 1$'; then
	pass "sample: /metrics on the http listener: $got"
else
	fail "sample: /metrics build_info: \"$got\""
fi

if grep -q "event=privileges_dropped uid=$(id -u) gid=$(id -g)\$" "$TMP/server.log"; then
	pass "sample: server.user and group applied after binding"
else
	fail "sample: no privileges_dropped line for uid $(id -u)"
	grep privileges "$TMP/server.log" | sed 's/^/  /'
fi

if stop_server; then
	pass "the packaged daemon stops cleanly on TERM"
else
	fail "the packaged daemon's exit status on TERM was not 0"
fi
echo "package.sh: $(($(date +%s) - t0)) s"
