# xdp.sh - tools/bench --xdp: the AF_XDP path against the kernel's, and
# against Knot's XDP mode, on a veth pair into a network namespace made
# here (and deleted at the end). Sourced by tools/bench (W, SECS, ROUNDS,
# say, tree_ticks, HZ, AWK_MED, PIDS, dnsperf_args and the bench_conf_*
# of peers.sh come from there).
#
# Servers, each with one UDP worker pinned to CPU 0 (no quota: the XDP
# path's gain is CPU, and a quota hides it), on the host's side of the
# pair: geodnsd with server.xdp (gx), geodnsd on kernel sockets (gk), Knot
# with its xdp section (kx), Knot on kernel sockets (kk), gdnsd (gd), and
# geodnsd's two paths without coalescing (server.coalesce_us 0: gx0, gk0).
# dnsperf runs in the namespace on CPU 1 (-c 8 -q 200 -T 1), SECS seconds
# per run, ROUNDS interleaved rounds of the static and geoecs mixes.
# Reported per mix and server: queries/s (median, min..max), the server's
# CPU (its threads', from /proc) and its queries per server core, and the
# CPU of both cores (from /proc/stat: the softirq work veth does on the
# sender's CPU shows there), in microseconds per query. Then the targets,
# as same-round ratios (median over rounds): geodnsd XDP at least Knot XDP
# in queries/s and per server core, and at least 1.2x geodnsd's kernel path
# per server core. A server whose CPU is
# under 90% of its core while dnsperf's is at its core is noted as "client
# bound": then queries/s compare the client, and per-core figures the
# servers.
#
# Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.

# Three veth pairs: an interface holds one XDP program (without libxdp's
# dispatcher, which Knot does not use), so Knot's XDP mode has a pair of
# its own (b), and so has gx0 (c); geodnsd's XDP and every kernel-path
# server share pair a (the program there takes only geodnsd's port).
XDP_NS=gdbench$$
XDP_HIF=gb$$a
XDP_NIF=gn$$a
XDP_H4=10.78.0.1
XDP_N4=10.78.0.2
XDP_HIF_B=gb$$b
XDP_NIF_B=gn$$b
XDP_H4_B=10.78.1.1
XDP_N4_B=10.78.1.2
XDP_HIF_C=gb$$c
XDP_NIF_C=gn$$c
XDP_H4_C=10.78.2.1
XDP_N4_C=10.78.2.2

_xdp_net_down() {
	ip link del "$XDP_HIF" 2>/dev/null
	ip link del "$XDP_HIF_B" 2>/dev/null
	ip link del "$XDP_HIF_C" 2>/dev/null
	ip netns del "$XDP_NS" 2>/dev/null
}

_xdp_pair() { # HOST-IF NS-IF HOST-ADDR NS-ADDR
	ip link add "$1" type veth peer name "$2" &&
		ip link set "$2" netns "$XDP_NS" &&
		ip addr add "$3/24" dev "$1" && ip link set "$1" up &&
		ip -n "$XDP_NS" addr add "$4/24" dev "$2" && ip -n "$XDP_NS" link set "$2" up
}

_xdp_net_up() {
	_xdp_net_down
	ip netns add "$XDP_NS" && ip -n "$XDP_NS" link set lo up &&
		_xdp_pair "$XDP_HIF" "$XDP_NIF" "$XDP_H4" "$XDP_N4" &&
		_xdp_pair "$XDP_HIF_B" "$XDP_NIF_B" "$XDP_H4_B" "$XDP_N4_B" &&
		_xdp_pair "$XDP_HIF_C" "$XDP_NIF_C" "$XDP_H4_C" "$XDP_N4_C"
}

_xdp_addr() { # SERVER: the host address it is reached at
	case $1 in
	kx) echo "$XDP_H4_B" ;;
	gx0) echo "$XDP_H4_C" ;;
	*) echo "$XDP_H4" ;;
	esac
}

# _xdp_conf SERVER DIR PORT: the command line of one of the servers
_xdp_conf() {
	case $1 in
	gx | gk | gx0 | gk0)
		cmd=$(bench_conf_geodnsd "$2/$1" "$3") || return 1
		f=$2/$1/geodnsd/geodnsd.conf
		extra=""
		case $1 in
		gx) extra=", \"xdp\": [\"$XDP_HIF\"]" ;;
		gx0) extra=", \"xdp\": [\"$XDP_HIF_C\"], \"coalesce_us\": 0" ;;
		gk0) extra=", \"coalesce_us\": 0" ;;
		esac
		a=$(_xdp_addr "$1")
		sed -i "s|\"listen\": \[\"127.0.0.1:$3\"\]|\"listen\": [\"127.0.0.1:$3\", \"$a:$3\"]$extra|" "$f"
		grep -q "$a" "$f" || { say "xdp: could not set the listen address in $f"; return 1; }
		echo "$cmd"
		;;
	kx | kk)
		cmd=$(bench_conf_knot "$2/$1" "$3") || return 1
		f=$2/$1/knot/knot.conf
		sed -i "s|^    listen: 127.0.0.1@$3 .*|    listen: [ 127.0.0.1@$3, $(_xdp_addr "$1")@$3 ]|" "$f"
		if [ "$1" = kx ]; then
			printf 'xdp:\n    listen: %s@%s\n    udp: on\n    tcp: off\n    route-check: off\n' \
				"$XDP_HIF_B" "$3" >>"$f"
		fi
		echo "$cmd"
		;;
	gd)
		cmd=$(bench_conf_gdnsd "$2/$1" "$3") || return 1
		f=$(grep -l "listen" "$2/$1"/gdnsd/config 2>/dev/null || true)
		[ -n "$f" ] && sed -i "s|127.0.0.1|$XDP_H4|" "$f"
		echo "$cmd"
		;;
	esac
}

# busy ticks of all CPUs (user+nice+system+irq+softirq)
_xdp_all_ticks() {
	awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 }' /proc/stat
}

# _xdp_one SERVER MIX PORT PID: "qps lost server_cpu_pct all_cpu_pct
# server_us_per_query all_us_per_query", the CPU over the run's wall time
# (dnsperf waits for lost queries after SECS) and per query completed
_xdp_one() {
	t0=$(tree_ticks "$4")
	a0=$(_xdp_all_ticks)
	w0=$(date +%s%N)
	# shellcheck disable=SC2046
	ip netns exec "$XDP_NS" taskset -c 1 dnsperf -s "$(_xdp_addr "$1")" -p "$3" $(dnsperf_args "$2") \
		-l "$SECS" -c 8 -q 200 -T 1 -t 2 >"$XW/out" 2>&1
	w1=$(date +%s%N)
	t1=$(tree_ticks "$4")
	a1=$(_xdp_all_ticks)
	awk -v t=$((t1 - t0)) -v a=$((a1 - a0)) -v hz="$HZ" -v ms=$(((w1 - w0) / 1000000)) '
		/Queries per second:/ { q = $4 }
		/Queries completed:/ { done = $3 }
		/Queries lost:/ { l = $3 }
		END { s = ms / 1000; if (done < 1) done = 1
			printf "%.0f %d %.1f %.1f %.2f %.2f\n", q, l, t * 100 / (hz * s), a * 100 / (hz * s),
				t * 1e6 / hz / done, a * 1e6 / hz / done }' "$XW/out"
}

xdp_figures() {
	XW=$W/xdp
	mkdir -p "$XW"
	command -v ip >/dev/null || { say "xdp: ip (iproute2) is missing"; return 1; }
	_xdp_net_up || { say "xdp: the network namespace and veth pair failed (root?)"; return 1; }
	XSERVERS="gx gk kx kk gd gx0 gk0"
	port=42000
	for s in $XSERVERS; do
		# each its own directory, with the bench data (bench_data) linked in
		mkdir -p "$XW/$s"
		for f in "$W"/*; do [ -f "$f" ] && ln -sf "$f" "$XW/$s/"; done
		eval "XPORT_$s=$port"
		cmd=$(_xdp_conf "$s" "$XW" "$port") || { _xdp_net_down; return 1; }
		# shellcheck disable=SC2086
		taskset -c 0 $cmd >"$XW/$s.log" 2>&1 &
		eval "XPID_$s=$!"
		PIDS="$PIDS $!"
		port=$((port + 10))
	done
	for s in $XSERVERS; do
		p=$(eval echo "\$XPORT_$s")
		i=0
		until ip netns exec "$XDP_NS" dig +tries=1 +time=1 -p "$p" @"$(_xdp_addr "$s")" +short \
			a.bench.test A >/dev/null 2>&1; do
			i=$((i + 1))
			[ $i -lt 50 ] || { say "xdp: $s does not answer over the veth (log $XW/$s.log)"; _xdp_net_down; return 1; }
			sleep 0.2
		done
	done
	grep -h "event=xdp_attached" "$XW/gx.log" | sed 's/^/  /' >&2
	: >"$XW/rounds.tsv"
	r=1
	while [ $r -le "$ROUNDS" ]; do
		for mix in static geoecs; do
			for s in $XSERVERS; do
				set -- $(_xdp_one "$s" "$mix" "$(eval echo "\$XPORT_$s")" "$(eval echo "\$XPID_$s")")
				printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "$mix" "$s" "$1" "$2" "$3" "$4" \
					"$5" "$6" >>"$XW/rounds.tsv"
				say "xdp round $r $mix $s: $1 q/s, $2 lost, server CPU $3%, both CPUs $4%, $5 us/q server, $6 us/q both"
			done
		done
		r=$((r + 1))
	done
	for s in $XSERVERS; do
		kill -TERM "$(eval echo "\$XPID_$s")" 2>/dev/null
		wait "$(eval echo "\$XPID_$s")" 2>/dev/null
	done
	_xdp_net_down
	xdp_report "$XW/rounds.tsv"
}

# xdp_report ROUNDS.TSV: the table and the targets (also on a kept work
# directory: . tools/bench.d/xdp.sh; AWK_MED=...; xdp_report FILE)
xdp_report() {
	echo
	echo "== AF_XDP on a veth pair: dnsperf in a namespace on CPU 1, one server worker on CPU 0"
	echo "   gx geodnsd XDP, gk geodnsd kernel, kx Knot XDP, kk Knot kernel, gd gdnsd,"
	echo "   gx0 and gk0 geodnsd XDP and kernel with server.coalesce_us 0"
	awk -F'\t' "$AWK_MED"'
		{ k = $2 SUBSEP $3; n[k]++; q[k, n[k]] = $4; c[k, n[k]] = $6; us[k, n[k]] = $8
		  ua[k, n[k]] = $9; pc[k, n[k]] = $8 > 0 ? 1e6 / $8 : 0
		  q1[$1, $2, $3] = $4; u1[$1, $2, $3] = $8; if ($1 > nr) nr = $1 }
		function m(arr, k,   i, x) { for (i = 1; i <= n[k]; i++) x[i] = arr[k, i]; return med(x, n[k]) }
		function lo(arr, k,   i, v) { v = arr[k, 1]; for (i = 2; i <= n[k]; i++) if (arr[k, i] < v) v = arr[k, i]; return v }
		function hi(arr, k,   i, v) { v = arr[k, 1]; for (i = 2; i <= n[k]; i++) if (arr[k, i] > v) v = arr[k, i]; return v }
		END {
			split("static geoecs", ms, " "); ns = split("gx gk kx kk gd gx0 gk0", ss, " ")
			for (i = 1; i <= 2; i++) {
				printf "%s\n  %-3s %9s %17s %8s %12s %12s %14s\n", ms[i], "", "q/s", "(min..max)", "srv CPU", "q/s/core", "us/q server", "us/q 2 CPUs"
				for (j = 1; j <= ns; j++) {
					k = ms[i] SUBSEP ss[j]
					if (!n[k]) continue
					Q[k] = m(q, k); P[k] = m(pc, k)
					flag = (hi(q, k) > 1.15 * lo(q, k)) ? " (rounds differ >15%)" : ""
					bound = (m(c, k) < 90) ? " client bound" : ""
					printf "  %-3s %9.0f %8.0f..%-8.0f %7.1f%% %12.0f %12.2f %14.2f%s%s\n", ss[j], Q[k], lo(q, k), hi(q, k), m(c, k), P[k], m(us, k), m(ua, k), bound, flag
				}
			}
			# the targets as same-round ratios (a slow phase of the machine
			# hits every server of a round alike), median over rounds
			print "targets (same-round ratios, median over rounds):"
			for (i = 1; i <= 2; i++) {
				nq = 0; nc = 0; nk = 0
				for (r = 1; r <= nr; r++) {
					x = q1[r, ms[i], "gx"]; y = q1[r, ms[i], "kx"]
					if (x && y) rq[++nq] = x / y
					x = u1[r, ms[i], "gx"]; y = u1[r, ms[i], "kx"]; z = u1[r, ms[i], "gk"]
					if (x && y) rc[++nc] = y / x
					if (x && z) rk[++nk] = z / x
				}
				ra = nq ? med(rq, nq) : 0; rb = nc ? med(rc, nc) : 0; rd = nk ? med(rk, nk) : 0
				printf "  %s: geodnsd XDP / Knot XDP q/s %.2f %s, per core %.2f %s; geodnsd XDP / kernel per core %.2f %s (1.2)\n", ms[i], ra, (ra >= 1 ? "PASS" : "FAIL"), rb, (rb >= 1 ? "PASS" : "FAIL"), rd, (rd >= 1.2 ? "PASS" : "FAIL")
			}
			# coalescing (server.coalesce_us): its gain on each path, and
			# the XDP path over the kernel path without it
			print "coalescing (same-round ratios of CPU per query, median over rounds):"
			for (i = 1; i <= 2; i++) {
				na = 0; nb = 0; nd = 0
				for (r = 1; r <= nr; r++) {
					x = u1[r, ms[i], "gx"]; y = u1[r, ms[i], "gx0"]; z = u1[r, ms[i], "gk"]; v = u1[r, ms[i], "gk0"]
					if (x && y) ca[++na] = y / x
					if (z && v) cb[++nb] = v / z
					if (y && v) cd[++nd] = v / y
				}
				if (!na || !nb || !nd) continue
				printf "  %s: XDP path %.2f, kernel path %.2f per core with it; without it, XDP / kernel %.2f\n", ms[i], med(ca, na), med(cb, nb), med(cd, nd)
			}
		}' "$1"
}
