# shellcheck shell=sh
# tools/bench.d/peers.sh - data and configuration for geodnsd and its peers
# (NSD 4.6, Knot DNS 3.2 with mod-geoip, gdnsd 3.8 with plugin_geoip), all
# expressing the same scenario natively. Sourced by tools/bench (POSIX sh).
#
# The scenario:
#   zone bench.test.   SOA, NS ns1, ns1 A 127.0.0.1, static 300 A 192.0.2.1,
#                      mail MX 10 mx, mx A 192.0.2.2, host1..host20 A
#                      192.0.2.101..120, TXT at the apex
#   www.bench.test. A  TTL 30, the closest of three regions to the client
#                      (EDNS Client Subnet, else the source address):
#                        us-east  (38.9, -77.0)  192.0.2.10   (fallback)
#                        eu-west  (53.3, -6.3)   198.51.100.10
#                        ap-south (1.35, 103.8)  203.0.113.10
#   GeoIP              20.X.Y.0/24, X 0..15, Y 0..255 (4096 networks):
#                      X mod 3 = 0 North America, 1 Europe, 2 Asia
#
# How each server expresses www:
#   geodnsd  a services file, regions ranked by great-circle distance
#   gdnsd    plugin_geoip, city-auto-mode (auto_dc_coords): also by distance
#   knot     mod-geoip in geodb mode keyed on continent/code (NA, EU, AS):
#            Knot maps keys to answers, it has no distance mode; clients of
#            other continents and unlocated ones get the zone's own www
#            record (us-east, the fallback of the others)
#   nsd      no geo at all: a static www A 192.0.2.10
#
# Functions (DIR is a work directory, PORT a loopback port):
#   bench_data DIR            DIR/geo.csv, DIR/geo.mmdb (tools/mkgeodb; the
#                             current directory must be the repository top),
#                             DIR/bench.test.zone (without www),
#                             DIR/services.json
#   bench_conf_geodnsd DIR PORT, bench_conf_nsd DIR PORT,
#   bench_conf_knot DIR PORT, bench_conf_gdnsd DIR PORT
#                             write DIR/<server>/ and print one line: the
#                             command that runs the server in the foreground
#                             (absolute paths; run it from the repository top)
#   bench_conf_svc10k DIR PORT [nocache]
#                             geodnsd with the bench zone and also svc.test:
#                             10,000 services s0..s9999, each over 8 of 50
#                             regions (the scale test); prints the command;
#                             nocache: with server.answer_cache false
#   bench_conf_svc10k_nc DIR PORT
#                             the same with nocache
#   bench_verify SERVER PORT  check the answers with dig; 0 when right, else
#                             1 and a one-line reason on stderr
#   bench_wait SERVER PORT [SECONDS]
#                             wait until the server answers the zone's SOA
#                             (default 20 s); 0 when it does
#   bench_ecs_scope PORT SUBNET
#                             print "ADDRESS SCOPE" for www with that ECS
#                             subnet (SCOPE "-" when the reply has no ECS)
#
# Every server listens on 127.0.0.1 only, logs to stderr and keeps all of its
# state (pid files, sockets, databases) inside DIR/<server>/. Nothing here
# needs root, systemd or /run. Helper names start with _bench_; variables
# set by these functions start with _b (POSIX sh has no local variables).
#
# Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.

# The geo answers every geo-capable server must give: subnet, then address.
BENCH_GEO_CASES='20.0.5.0/24 192.0.2.10
20.1.5.0/24 198.51.100.10
20.2.5.0/24 203.0.113.10'

# _bench_abs DIR: print DIR as an absolute path (DIR must exist).
_bench_abs() {
	(cd "$1" && pwd -P)
}

# _bench_top: the repository top (BENCH_TOP, else the current directory).
_bench_top() {
	_bench_abs "${BENCH_TOP:-.}"
}

# _bench_bin NAME: the absolute path of a program (PATH, then the sbin
# directories that a non-root PATH may lack); fails when not found.
_bench_bin() {
	_b_bin=$(command -v "$1" 2>/dev/null)
	case $_b_bin in
	/*) printf '%s\n' "$_b_bin"; return 0 ;;
	esac
	for _b_d in /usr/sbin /usr/local/sbin /sbin; do
		if [ -x "$_b_d/$1" ]; then
			printf '%s\n' "$_b_d/$1"
			return 0
		fi
	done
	echo "peers.sh: $1 not found" >&2
	return 1
}

# _bench_www_static: the static www record that NSD serves and
# that Knot answers for clients mod-geoip does not map.
_bench_www_static() {
	printf 'www\t30\tIN A\t192.0.2.10\n'
}

# --------------------------------------------------------------------------
# Shared data

bench_data() {
	[ -n "$1" ] || { echo "usage: bench_data DIR" >&2; return 2; }
	mkdir -p "$1" || return 1
	_b_dir=$(_bench_abs "$1") || return 1
	_b_top=$(_bench_top) || return 1

	# GeoIP source, MaxMind City layout: 4096 /24s, three continents by
	# X mod 3; within a continent even Y and odd Y are two cities, each
	# moved by up to 0.09 degrees with Y so the records differ.
	LC_ALL=C awk 'BEGIN {
		print "# bench GeoIP source: 20.X.Y.0/24, X mod 3 = 0 NA, 1 EU, 2 AS"
		print "network,continent,country,lat,lon,city"
		for (x = 0; x < 16; x++) {
			for (y = 0; y < 256; y++) {
				d = (y % 10) / 100
				if (x % 3 == 0) {
					ct = "NA"; cc = "US"; lat = 40.7; lon = -74.0; city = "New York"
				} else if (x % 3 == 1) {
					ct = "EU"
					if (y % 2 == 0) { cc = "IE"; lat = 53.35; lon = -6.26; city = "Dublin" }
					else { cc = "DE"; lat = 50.11; lon = 8.68; city = "Frankfurt" }
				} else {
					ct = "AS"
					if (y % 2 == 0) { cc = "SG"; lat = 1.29; lon = 103.85; city = "Singapore" }
					else { cc = "JP"; lat = 35.68; lon = 139.69; city = "Tokyo" }
				}
				printf "20.%d.%d.0/24,%s,%s,%.2f,%.2f,%s\n", x, y, ct, cc, lat + d, lon + d, city
			}
		}
	}' > "$_b_dir/geo.csv" || return 1

	# IPv6 tree with IPv4 under ::/96 (and its ::ffff:0:0/96 alias), as in
	# the real GeoIP2 City databases: every server reads it as it is.
	"$_b_top/tools/mkgeodb" -o "$_b_dir/geo.mmdb" "$_b_dir/geo.csv" 2>/dev/null ||
		{ echo "peers.sh: tools/mkgeodb failed" >&2; return 1; }

	# The static zone. No www here: geodnsd refuses a static A at a service
	# name, gdnsd adds a DYNA, NSD and Knot add the static record.
	{
		cat <<-'EOF'
		; bench.test - the benchmark zone, shared by every server
		$ORIGIN bench.test.
		$TTL 3600
		@	300 IN SOA	ns1.bench.test. hostmaster.bench.test. (
		        1        ; serial
		        7200     ; refresh
		        900      ; retry
		        1209600  ; expire
		        300 )    ; minimum: negative answers (= the SOA TTL:
		                 ; gdnsd clamps the SOA TTL to it)
		 	IN NS	ns1.bench.test.
		 	IN TXT	"geodnsd benchmark zone"
		ns1	IN A	127.0.0.1
		static	300	IN A	192.0.2.1
		mail	IN MX	10 mx.bench.test.
		mx	IN A	192.0.2.2
		EOF
		_b_i=1
		while [ "$_b_i" -le 20 ]; do
			printf 'host%d\tIN A\t192.0.2.%d\n' "$_b_i" $((100 + _b_i))
			_b_i=$((_b_i + 1))
		done
	} > "$_b_dir/bench.test.zone" || return 1

	# geodnsd's services file: www by distance, us-east for the unlocated.
	cat > "$_b_dir/services.json" <<-'EOF' || return 1
	{
	  "www": {
	    "ttl": 30,
	    "regions": {
	      "us-east":  { "A": ["192.0.2.10"] },
	      "eu-west":  { "A": ["198.51.100.10"] },
	      "ap-south": { "A": ["203.0.113.10"] }
	    },
	    "fallback": "us-east"
	  }
	}
	EOF
}

# --------------------------------------------------------------------------
# geodnsd

bench_conf_geodnsd() {
	if [ -z "$1" ] || [ -z "$2" ]; then echo "usage: bench_conf_geodnsd DIR PORT" >&2; return 2; fi
	_b_dir=$(_bench_abs "$1") || return 1
	_b_top=$(_bench_top) || return 1
	[ -x "$_b_top/src/geodnsd" ] ||
		{ echo "peers.sh: $_b_top/src/geodnsd missing (make src/geodnsd)" >&2; return 1; }
	mkdir -p "$_b_dir/geodnsd" || return 1
	# JSON has no comments, so the settings are explained here:
	#   server.listen      loopback IPv4 on the bench port only
	#   server.workers     one worker thread, like the peers' one UDP thread
	#   server.log_level   info: start-up lines only, nothing per query
	#   geoip.database     the bench database (absolute path: geodnsd takes
	#                      paths relative to the directory it starts in)
	#   regions            the three locations; no feeds, so always up
	#   ecs                use the ECS option of any sender (the default)
	#   rrl                off (0, also the default), as for NSD
	#   zones              the shared zone and the services file
	#   no http section: the operations endpoint stays off
	cat > "$_b_dir/geodnsd/geodnsd.conf" <<-EOF || return 1
	{
	  "server": {
	    "listen": ["127.0.0.1:$2"],
	    "workers": 1,
	    "log_level": "info"
	  },
	  "geoip": { "database": "$_b_dir/geo.mmdb" },
	  "regions": {
	    "us-east":  { "location": [38.9, -77.0] },
	    "eu-west":  { "location": [53.3, -6.3] },
	    "ap-south": { "location": [1.35, 103.8] }
	  },
	  "ecs": { "enabled": true, "trusted": ["0.0.0.0/0", "::/0"] },
	  "rrl": { "responses_per_second": 0 },
	  "zones": [
	    { "origin": "bench.test", "file": "$_b_dir/bench.test.zone",
	      "services": "$_b_dir/services.json" }
	  ]
	}
	EOF
	printf '%s -f -c %s\n' "$_b_top/src/geodnsd" "$_b_dir/geodnsd/geodnsd.conf"
}

# --------------------------------------------------------------------------
# NSD: the static zone, www static

bench_conf_svc10k() {
	if [ -z "$1" ] || [ -z "$2" ]; then echo "usage: bench_conf_svc10k DIR PORT [nocache]" >&2; return 2; fi
	_b_cache=true
	[ "${3:-}" = nocache ] && _b_cache=false
	_b_dir=$(_bench_abs "$1") || return 1
	_b_top=$(_bench_top) || return 1
	mkdir -p "$_b_dir/svc10k" || return 1
	_b_s=$_b_dir/svc10k
	# 50 regions: the bench's three (www uses them) and r03..r49 spread
	# over the globe; service sN lists regions (7N + 13k) mod 50, k = 0..7,
	# each with its own address, the first one as the fallback.
	LC_ALL=C awk -v port="$2" -v dir="$_b_dir" -v s="$_b_s" -v cache="$_b_cache" 'BEGIN {
		name[0] = "us-east"; lat[0] = 38.9; lon[0] = -77.0
		name[1] = "eu-west"; lat[1] = 53.3; lon[1] = -6.3
		name[2] = "ap-south"; lat[2] = 1.35; lon[2] = 103.8
		for (i = 3; i < 50; i++) {
			name[i] = sprintf("r%02d", i)
			lat[i] = -45 + (i * 37) % 91
			lon[i] = -175 + (i * 71) % 350
		}
		cf = s "/geodnsd.conf"
		printf "{\n  \"server\": { \"listen\": [\"127.0.0.1:%s\"], \"workers\": 1, \"log_level\": \"info\", \"answer_cache\": %s },\n", port, cache > cf
		printf "  \"geoip\": { \"database\": \"%s/geo.mmdb\" },\n  \"regions\": {\n", dir > cf
		for (i = 0; i < 50; i++)
			printf "    \"%s\": { \"location\": [%.2f, %.2f] }%s\n", name[i], lat[i], lon[i], i < 49 ? "," : "" > cf
		printf "  },\n  \"ecs\": { \"enabled\": true, \"trusted\": [\"0.0.0.0/0\", \"::/0\"] },\n" > cf
		printf "  \"rrl\": { \"responses_per_second\": 0 },\n  \"zones\": [\n" > cf
		printf "    { \"origin\": \"bench.test\", \"file\": \"%s/bench.test.zone\", \"services\": \"%s/services.json\" },\n", dir, dir > cf
		printf "    { \"origin\": \"svc.test\", \"file\": \"%s/svc.test.zone\", \"services\": \"%s/services.json\" }\n  ]\n}\n", s, s > cf
		z = s "/svc.test.zone"
		print "$ORIGIN svc.test.\n$TTL 3600\n@ IN SOA ns1 hostmaster 1 7200 900 1209600 300\n@ IN NS ns1\nns1 IN A 127.0.0.1" > z
		j = s "/services.json"
		print "{" > j
		for (n = 0; n < 10000; n++) {
			printf "  \"s%d\": { \"fallback\": \"%s\", \"regions\": {", n, name[(7 * n) % 50] > j
			for (k = 0; k < 8; k++)
				printf "%s \"%s\": { \"A\": [\"10.%d.%d.%d\"] }", k ? "," : "", name[(7 * n + 13 * k) % 50], k, int(n / 256), n % 256 > j
			printf " } }%s\n", n < 9999 ? "," : "" > j
		}
		print "}" > j
	}' || return 1
	printf '%s -f -c %s\n' "$_b_top/src/geodnsd" "$_b_s/geodnsd.conf"
}

bench_conf_svc10k_nc() {
	bench_conf_svc10k "$1" "$2" nocache
}

bench_conf_nsd() {
	if [ -z "$1" ] || [ -z "$2" ]; then echo "usage: bench_conf_nsd DIR PORT" >&2; return 2; fi
	_b_dir=$(_bench_abs "$1") || return 1
	_b_nsd=$(_bench_bin nsd) || return 1
	_b_d=$_b_dir/nsd
	mkdir -p "$_b_d" || return 1
	{ cat "$_b_dir/bench.test.zone"; _bench_www_static; } > "$_b_d/bench.test.zone" || return 1
	cat > "$_b_d/nsd.conf" <<-EOF || return 1
	# nsd.conf for the benchmark: loopback only, everything inside $_b_d
	server:
	    ip-address: 127.0.0.1          # IPv4 loopback only
	    port: $2
	    do-ip6: no
	    server-count: 1                # one answering process
	    username: ""                   # no privilege drop: run as the caller
	    chroot: ""
	    zonesdir: "$_b_d"              # zone files and the files below
	    database: ""                   # no nsd.db: zones in memory only
	    zonelistfile: "$_b_d/zone.list"
	    pidfile: "$_b_d/nsd.pid"
	    xfrdfile: "$_b_d/xfrd.state"
	    xfrdir: "$_b_d"                # not /tmp
	    cookie-secret-file: "$_b_d/cookiesecrets.txt"  # absent: random secret
	    verbosity: 1
	    hide-version: yes
	    rrl-ratelimit: 0               # NSD limits 200 qps per /24 by default
	    minimal-responses: yes         # answer sizes comparable to the others
	    zonefiles-write: 0             # never write zone files back
	remote-control:
	    control-enable: no
	zone:
	    name: bench.test
	    zonefile: "$_b_d/bench.test.zone"
	EOF
	printf '%s -d -c %s\n' "$_b_nsd" "$_b_d/nsd.conf"
}

# --------------------------------------------------------------------------
# Knot DNS 3.2 with mod-geoip

bench_conf_knot() {
	if [ -z "$1" ] || [ -z "$2" ]; then echo "usage: bench_conf_knot DIR PORT" >&2; return 2; fi
	_b_dir=$(_bench_abs "$1") || return 1
	_b_knotd=$(_bench_bin knotd) || return 1
	_b_d=$_b_dir/knot
	# knotd does not create its storage or run directory.
	mkdir -p "$_b_d/run" "$_b_d/storage" || return 1
	# The zone's own www record is mod-geoip's default: what clients of an
	# unmapped continent, or not located at all, get (us-east).
	{ cat "$_b_dir/bench.test.zone"; _bench_www_static; } > "$_b_d/bench.test.zone" || return 1
	# mod-geoip's response file: per name, one entry per geodb-key value.
	cat > "$_b_d/geo.conf" <<-'EOF' || return 1
	www.bench.test:
	  - geo: "NA"
	    A: 192.0.2.10
	  - geo: "EU"
	    A: 198.51.100.10
	  - geo: "AS"
	    A: 203.0.113.10
	EOF
	cat > "$_b_d/knot.conf" <<-EOF || return 1
	# knot.conf for the benchmark: loopback only, everything inside $_b_d
	server:
	    rundir: "$_b_d/run"            # pid file and control socket
	    pidfile: "$_b_d/run/knot.pid"
	    listen: 127.0.0.1@$2           # IPv4 loopback only
	    udp-workers: 1                 # one UDP and one TCP thread
	    tcp-workers: 1
	    background-workers: 1          # zone loading
	    edns-client-subnet: on         # else mod-geoip ignores ECS
	    identity: ""                   # no CH TXT id.server
	    version: ""                    # no CH TXT version.server
	control:
	    listen: "$_b_d/run/knot.sock"
	database:
	    storage: "$_b_d/storage"       # journal, timers, keys: all in here
	log:
	  - target: stderr
	    any: info
	mod-geoip:
	  - id: bench
	    config-file: "$_b_d/geo.conf"
	    ttl: 30                        # the answer TTL of the others
	    mode: geodb                    # by GeoIP data, not by subnet lists
	    geodb-file: "$_b_dir/geo.mmdb"
	    geodb-key: continent/code      # Knot maps keys, it cannot rank by distance
	zone:
	  - domain: bench.test
	    storage: "$_b_d"
	    file: "$_b_d/bench.test.zone"
	    journal-content: none          # static zone: no journal
	    zonefile-sync: -1              # never write the zone file back
	    module: mod-geoip/bench
	EOF
	printf '%s -c %s\n' "$_b_knotd" "$_b_d/knot.conf"
}

# --------------------------------------------------------------------------
# gdnsd 3.8 with plugin_geoip

bench_conf_gdnsd() {
	if [ -z "$1" ] || [ -z "$2" ]; then echo "usage: bench_conf_gdnsd DIR PORT" >&2; return 2; fi
	_b_dir=$(_bench_abs "$1") || return 1
	_b_gdnsd=$(_bench_bin gdnsd) || return 1
	_b_d=$_b_dir/gdnsd
	# -c names the configuration directory: DIR/gdnsd/config and zones/.
	mkdir -p "$_b_d/zones" "$_b_d/run" "$_b_d/state" || return 1
	# The zone file is named after the zone; www is the plugin's. DYNA's
	# TTL is MAX/MIN: 30/30 is a fixed 30 like the others.
	{ cat "$_b_dir/bench.test.zone"; printf 'www\t30/30\tDYNA\tgeoip!www\n'; } \
		> "$_b_d/zones/bench.test" || return 1
	cat > "$_b_d/config" <<-EOF || return 1
	# gdnsd config for the benchmark: loopback only, everything inside $_b_d
	options => {
	  listen => 127.0.0.1:$2         # IPv4 loopback only
	  udp_threads => 1               # one UDP and one TCP thread
	  tcp_threads => 1
	  edns_client_subnet => true     # locate clients by ECS (the default)
	  zones_rfc1035_threads => 1     # one zone: one loader thread
	  run_dir => "$_b_d/run"         # control socket, lock, cookie key
	  state_dir => "$_b_d/state"     # admin_state (unused)
	}
	plugins => {
	  geoip => {
	    maps => {
	      bench => {
	        geoip2_db => "$_b_dir/geo.mmdb"
	        # the order is the fallback for unlocated clients: us-east first
	        datacenters => [ us-east, eu-west, ap-south ]
	        # city-auto-mode: datacenters ranked by distance to the client
	        auto_dc_coords => {
	          us-east => [ 38.9, -77.0 ]
	          eu-west => [ 53.3, -6.3 ]
	          ap-south => [ 1.35, 103.8 ]
	        }
	      }
	    }
	    resources => {
	      www => {
	        map => bench
	        service_types => up      # no monitoring: every datacenter up
	        dcmap => {
	          us-east => 192.0.2.10
	          eu-west => 198.51.100.10
	          ap-south => 203.0.113.10
	        }
	      }
	    }
	  }
	}
	EOF
	printf '%s -c %s start\n' "$_b_gdnsd" "$_b_d"
}

# --------------------------------------------------------------------------
# Checks

# _bench_dig PORT ARGS...: one query to 127.0.0.1, no recursion, one try.
_bench_dig() {
	_b_port=$1
	shift
	dig @127.0.0.1 -p "$_b_port" +norec +time=2 +tries=1 "$@" 2>/dev/null
}

# _bench_oneline TEXT: TEXT with its lines joined by spaces (for messages).
_bench_oneline() {
	printf '%s' "$1" | tr '\n' ' '
}

# bench_ecs_scope PORT SUBNET: "ADDRESSES SCOPE" of www for an ECS subnet.
bench_ecs_scope() {
	_bench_dig "$1" +subnet="$2" www.bench.test A | awk '
		/CLIENT-SUBNET:/ { n = split($NF, p, "/"); scope = p[n] }
		/^[^;]/ && $4 == "A" { a = a (a == "" ? "" : ",") $5 }
		END { printf "%s %s\n", (a == "" ? "-" : a), (scope == "" ? "-" : scope) }'
}

bench_wait() {
	if [ -z "$1" ] || [ -z "$2" ]; then echo "usage: bench_wait SERVER PORT [SECONDS]" >&2; return 2; fi
	_b_n=$((${3:-20} * 5))
	while [ "$_b_n" -gt 0 ]; do
		if _bench_dig "$2" +time=1 bench.test SOA | grep -q 'status: NOERROR'; then
			return 0
		fi
		sleep 0.2
		_b_n=$((_b_n - 1))
	done
	echo "$1: no answer on 127.0.0.1 port $2" >&2
	return 1
}

bench_verify() {
	if [ -z "$1" ] || [ -z "$2" ]; then echo "usage: bench_verify SERVER PORT" >&2; return 2; fi
	_b_got=$(_bench_dig "$2" +short static.bench.test A)
	if [ "$_b_got" != 192.0.2.1 ]; then
		echo "$1: static.bench.test A gave '$(_bench_oneline "$_b_got")', want 192.0.2.1" >&2
		return 1
	fi
	_b_got=$(_bench_dig "$2" nothere.bench.test A | sed -n 's/.*status: \([A-Z]*\).*/\1/p')
	if [ "$_b_got" != NXDOMAIN ]; then
		echo "$1: nothere.bench.test A gave '$_b_got', want NXDOMAIN" >&2
		return 1
	fi
	case $1 in
	nsd | onlinesign) return 0 ;;   # static only (onlinesign: dnssec.sh)
	esac
	_b_fail=$(echo "$BENCH_GEO_CASES" | while read -r _b_net _b_want; do
		_b_got=$(_bench_dig "$2" +short +subnet="$_b_net" www.bench.test A)
		if [ "$_b_got" != "$_b_want" ]; then
			echo "www.bench.test A +subnet=$_b_net gave '$(_bench_oneline "$_b_got")', want $_b_want"
			break
		fi
	done)
	if [ -n "$_b_fail" ]; then
		echo "$1: $_b_fail" >&2
		return 1
	fi
	if [ "$1" = svc10k ] || [ "$1" = svc10k_nc ]; then
		# s0's closest region to New York is us-east, its first address
		_b_got=$(_bench_dig "$2" +short +subnet=20.0.5.0/24 s0.svc.test A)
		if [ "$_b_got" != 10.0.0.0 ]; then
			echo "$1: s0.svc.test A +subnet=20.0.5.0/24 gave '$(_bench_oneline "$_b_got")', want 10.0.0.0" >&2
			return 1
		fi
	fi
	return 0
}
