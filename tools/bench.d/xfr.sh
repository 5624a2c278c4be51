# shellcheck shell=sh
# tools/bench.d/xfr.sh - the zone transfer figures of tools/bench (--xfr,
# --xfr-only). Sourced by tools/bench after its helpers (port_of,
# tree_pids, tree_ticks, big_zone, big_up, AWK_MED, say, PIDS, W, ROUNDS,
# SECS, XFR_RATE); prints the report section on stdout.
#
# 1. AXFR of the 1,000,000-record zone of --scale from geodnsd, Knot and
#    NSD, each loaded with that zone, on CPU 0 with one thread per kind
#    where configurable (Knot pins its threads itself: they are put back on
#    CPU 0 once it is up), interleaved over ROUNDS rounds, one transfer per
#    server per round. The client is tools/bench.d/axfrcat on CPU 1: it
#    reads the stream and walks the records only as far as their types (to
#    find the closing SOA), about 20 ms of CPU per 1M records, where
#    kdig +noall takes about 0.9 s (it parses and prints every record; it
#    is still timed once per server, writing to /dev/null, for reference).
#    Reported: the wall time (best and median), the time to the first
#    octets (geodnsd sorts the names before it sends: about 0.8 s per 1M),
#    bytes/s at the median, messages, records, the server's and the
#    client's CPU time; then geodnsd's wall time over Knot's and NSD's,
#    round by round.
#
# 2. UDP answers while transfers run. The geodnsd of part 1 also serves
#    bench.test; dnsperf sends the static mix from CPU 1 for SECS seconds,
#    in three states, interleaved over ROUNDS rounds:
#      alone    no transfers
#      shared   10 AXFR loops of the 1M-record zone (axfrcat -t, under
#               SCHED_IDLE (chrt -i 0: the secondaries are elsewhere in a
#               fleet, here they only take CPU that nothing else wants)
#               on CPU 2, or CPU 1 on a two-CPU machine; dnsperf starts 1 s after every loop has its first
#               octets, i.e. after the server's sorts, and the loops are
#               stopped by pid when it ends, then the server is given up to
#               60 s to close their connections), geodnsd's transfer thread
#               on CPU 0 with the DNS worker: the two share one core
#      own      the same loops, the transfer thread moved to CPU 2: what a
#               machine with a core to spare for it gives. On two CPUs it
#               goes to CPU 1; geodnsd runs it under SCHED_IDLE itself, so
#               that it takes what dnsperf leaves; it still costs the
#               client (its TCP sends are processed on CPU 1), so on two
#               CPUs neither state isolates the server: shared loads the
#               server's core, own the client's
#    Each state: one run at full speed (queries/s, lost) and one at a fixed
#    rate with per-query times (dnsperf -v: answered queries/s, lost, p50,
#    p99). The rate is --xfr-rate, else half of what geodnsd answered at
#    full speed alone in the first round. Then each state against alone,
#    round by round (medians of the same-round ratios); the target is at
#    most 10% worse. The transfer thread is found as the thread of geodnsd
#    that used the most CPU during its first transfer of part 1.
#
# Ports: geodnsd port_of xfr, Knot +1, NSD +2.
#
# Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.

XFR_LOOPS=10
# the CPU of the loops, and of the transfer thread in state own: a third
# CPU when there is one, else dnsperf's CPU 1
XFR_CPU=1
[ "$(nproc)" -ge 3 ] && XFR_CPU=2

# xfr_conf SERVER DIR PORT: write SERVER's configuration into DIR and print
# the command that runs it in the foreground
xfr_conf() {
	_x_d=$2
	case $1 in
	geodnsd)
		cat >"$_x_d/geodnsd.conf" <<-EOF
		{
		  "server": { "listen": ["127.0.0.1:$3"], "workers": 1, "log_level": "info",
		              "transfers_out": $((XFR_LOOPS + 2)),
		              "transfers_out_per_client": $((XFR_LOOPS + 2)) },
		  "rrl": { "responses_per_second": 0 },
		  "zones": [
		    { "origin": "bench.test", "file": "$W/bench.test.zone" },
		    { "origin": "big.test", "file": "$_x_d/big.test.zone",
		      "transfer": { "allow": [ { "network": "127.0.0.0/8" } ] } }
		  ]
		}
		EOF
		echo "$top/src/geodnsd -f -c $_x_d/geodnsd.conf" ;;
	knot)
		mkdir -p "$_x_d/knot"
		cat >"$_x_d/knot/knot.conf" <<-EOF
		server:
		    rundir: "$_x_d/knot"
		    listen: 127.0.0.1@$3
		    udp-workers: 1
		    tcp-workers: 1
		    background-workers: 1
		database:
		    storage: "$_x_d/knot"
		acl:
		  - id: xfr
		    address: 127.0.0.0/8
		    action: transfer
		template:
		  - id: default
		    storage: "$_x_d"
		    zonefile-sync: -1
		    journal-content: none
		zone:
		  - domain: big.test
		    file: "$_x_d/big.test.zone"
		    acl: xfr
		log:
		  - target: stderr
		    any: error
		EOF
		echo "$(_bench_bin knotd) -c $_x_d/knot/knot.conf" ;;
	nsd)
		mkdir -p "$_x_d/nsd"
		cat >"$_x_d/nsd/nsd.conf" <<-EOF
		server:
		    ip-address: 127.0.0.1@$3
		    server-count: 1
		    username: ""
		    zonesdir: "$_x_d"
		    database: ""
		    pidfile: "$_x_d/nsd/nsd.pid"
		    xfrdfile: "$_x_d/nsd/xfrd.state"
		    xfrdir: "$_x_d/nsd"
		    zonelistfile: "$_x_d/nsd/zone.list"
		    rrl-ratelimit: 0
		    zonefiles-write: 0
		    verbosity: 0
		remote-control:
		    control-enable: no
		zone:
		    name: big.test
		    zonefile: "$_x_d/big.test.zone"
		    provide-xfr: 127.0.0.0/8 NOKEY
		EOF
		echo "$(_bench_bin nsd) -d -c $_x_d/nsd/nsd.conf" ;;
	esac
}

xfr_port() {
	case $1 in
	geodnsd) echo $(($(port_of xfr) + 0)) ;;
	knot) echo $(($(port_of xfr) + 1)) ;;
	nsd) echo $(($(port_of xfr) + 2)) ;;
	esac
}

_xfr_stop() { # PID: stop a process started here and forget it
	kill -TERM "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	PIDS=$(echo " $PIDS " | sed "s/ $1 / /; s/^ //; s/ $//")
}

_xfr_pin0() { # PID: every thread of the process tree on CPU 0
	for _x_p in $(tree_pids "$1"); do
		taskset -a -p -c 0 "$_x_p" >/dev/null 2>&1
	done
}

# _xfr_drain PORT: wait (up to 60 s) until the server has closed every
# transfer connection of the loops just stopped: it notices a client gone
# only between two pieces of work, and geodnsd sorts the names of each
# transfer first, so a stale transfer could eat into the next state
_xfr_drain() {
	_x_n=0
	while [ -n "$(ss -Htn state established state close-wait "( sport = :$1 )" 2>/dev/null)" ]; do
		_x_n=$((_x_n + 1))
		[ $_x_n -ge 300 ] && { say "xfr: transfers on port $1 still open after 60 s"; return 1; }
		sleep 0.2
	done
	[ $_x_n -gt 0 ] && say "xfr: the server closed the stopped transfers after $((_x_n / 5)) s"
	return 0
}

_xfr_thread_ticks() { # PID: "TID TICKS" per thread
	for _x_f in /proc/"$1"/task/*/stat; do
		_x_t=${_x_f%/stat}
		echo "${_x_t##*/} $(cpu_ticks_file "$_x_f")"
	done
}

# _xfr_one SERVER ROUND: one transfer with axfrcat, a row for xfr.tsv:
# round server ms first_ms bytes messages records server_cpu_ms client_cpu_ms
_xfr_one() {
	_x_mp=$(eval echo "\$XP_$1")
	_x_t0=$(tree_ticks "$_x_mp")
	taskset -c 1 "$W/axfrcat" -p "$(xfr_port "$1")" -z big.test >"$W/xfr/one.out" 2>&1 ||
		{ say "AXFR from $1 failed: $(tr '\n' ' ' <"$W/xfr/one.out")"; return 1; }
	_x_t1=$(tree_ticks "$_x_mp")
	awk -v r="$2" -v s="$1" -v t="$((_x_t1 - _x_t0))" -v hz="$HZ" '
		function v(k,   i) { for (i = 1; i <= NF; i++) if (index($i, k "=") == 1) return substr($i, length(k) + 2) }
		/^axfr / { ms = v("ms"); first = v("first_ms"); b = v("bytes"); m = v("messages"); rec = v("records") }
		/^cpu_ms=/ { c = v("cpu_ms") }
		END { printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\n", r, s, ms, first, b, m, rec, t * 1000 / hz, c }' \
		"$W/xfr/one.out"
}

# _xfr_kdig SERVER: "wall_ms cpu_ms" of one kdig +noall AXFR to /dev/null
_xfr_kdig() {
	taskset -c 1 perl -MTime::HiRes=time -e '
		my $t = time; system(@ARGV) == 0 or exit 1; my @c = times;
		printf "%.0f %.0f\n", (time - $t) * 1000, ($c[2] + $c[3]) * 1000' -- \
		sh -c "exec kdig +noall -p $(xfr_port "$1") @127.0.0.1 big.test AXFR >/dev/null" ||
		echo "? ?"
}

# _xfr_state STATE ROUND: the two dnsperf runs of one state; a row for
# udp.tsv: round state qps lost rate answered_qps lost_at_rate p50 p99
# transfers_done xfr_bytes xfr_errors seconds_of_the_loops warm_seconds
_xfr_state() {
	_x_port=$(xfr_port geodnsd)
	_x_loops=""
	_x_l0=$(date +%s%N)
	_x_warm=0
	if [ "$1" != alone ]; then
		if [ "$1" = own ]; then
			_x_nice=0
			[ "$XFR_CPU" = 1 ] && _x_nice=10
			taskset -p -c "$XFR_CPU" "$XFR_TID" >/dev/null &&
				renice -n "$_x_nice" -p "$XFR_TID" >/dev/null
		else
			taskset -p -c 0 "$XFR_TID" >/dev/null && renice -n 0 -p "$XFR_TID" >/dev/null
		fi || say "could not move the transfer thread $XFR_TID"
		_x_i=1
		while [ $_x_i -le $XFR_LOOPS ]; do
			taskset -c "$XFR_CPU" chrt -i 0 "$W/axfrcat" -p "$_x_port" -z big.test \
				-t $((2 * SECS + 90)) >"$W/xfr/loop$_x_i.out" 2>&1 &
			_x_loops="$_x_loops $!"
			PIDS="$PIDS $!"
			_x_i=$((_x_i + 1))
		done
		# until every loop's first transfer streams (up to 60 s), then 1 s
		_x_i=0
		while [ "$(grep -l first_ms= "$W"/xfr/loop[0-9]*.out 2>/dev/null | wc -l)" -lt $XFR_LOOPS ]; do
			_x_i=$((_x_i + 1))
			[ $_x_i -ge 600 ] && { say "xfr: not every transfer started within 60 s"; break; }
			sleep 0.1
		done
		_x_warm=$(($(date +%s%N) - _x_l0))
		sleep 1
	fi
	taskset -c 1 dnsperf -s 127.0.0.1 -p "$_x_port" -d "$W/q/static.txt" -l "$SECS" -q 500 -t 2 \
		>"$W/xfr/full.out" 2>&1
	if [ -z "$XFR_RATE" ]; then
		XFR_RATE=$(awk '/Queries per second:/ { printf "%d\n", $4 / 2 }' "$W/xfr/full.out")
		say "xfr: fixed-rate runs at $XFR_RATE q/s (half of geodnsd alone at full speed)"
	fi
	taskset -c 1 dnsperf -s 127.0.0.1 -p "$_x_port" -d "$W/q/static.txt" -l "$SECS" -q 500 -t 2 \
		-Q "$XFR_RATE" -v >"$W/xfr/rate.out" 2>&1
	_x_s1=$(date +%s%N)
	for _x_p in $_x_loops; do _xfr_stop "$_x_p"; done
	[ -n "$_x_loops" ] && _xfr_drain "$_x_port"
	awk '/^> / && $2 != "T" { print $NF * 1000 }' "$W/xfr/rate.out" | sort -n >"$W/xfr/lat"
	_x_n=$(wc -l <"$W/xfr/lat")
	_x_p50=$(sed -n "$(((_x_n + 1) / 2))p" "$W/xfr/lat")
	_x_p99=$(sed -n "$(((_x_n * 99 + 99) / 100))p" "$W/xfr/lat")
	# the loops' totals (none when alone)
	_x_tr=$(cat /dev/null "$W"/xfr/loop[0-9]*.out 2>/dev/null | awk '
		function v(k,   i) { for (i = 1; i <= NF; i++) if (index($i, k "=") == 1) return substr($i, length(k) + 2) }
		/^loop / { n += v("transfers"); e += v("errors"); b += v("bytes") }
		END { printf "%d %d %d", n, b, e }')
	for _x_f in "$W"/xfr/loop[0-9]*.out; do
		[ -f "$_x_f" ] && mv "$_x_f" "$W/xfr/r$2-$1-${_x_f##*/}"
	done
	# shellcheck disable=SC2086
	set -- "$2" "$1" $_x_tr
	awk -v r="$1" -v st="$2" -v rate="$XFR_RATE" -v p50="${_x_p50:-0}" -v p99="${_x_p99:-0}" \
		-v done_="$3" -v b="$4" -v e="$5" -v secs="$(((_x_s1 - _x_l0) / 1000000))" \
		-v warm="$((_x_warm / 1000000))" '
		FILENAME ~ /full/ && /Queries per second:/ { q = $4 }
		FILENAME ~ /full/ && /Queries lost:/ { l = $3 }
		FILENAME ~ /rate/ && /Queries per second:/ { rq = $4 }
		FILENAME ~ /rate/ && /Queries lost:/ { rl = $3 }
		END { printf "%s\t%s\t%.0f\t%d\t%d\t%.0f\t%d\t%.3f\t%.3f\t%d\t%d\t%d\t%.1f\t%.1f\n",
			r, st, q, l, rate, rq, rl, p50, p99, done_, b, e, secs / 1000, warm / 1000 }' \
		"$W/xfr/full.out" "$W/xfr/rate.out"
}

xfr_figures() {
	X=$W/xfr
	mkdir -p "$X"
	big_zone "$X/big.test.zone"
	XS=""
	for s in geodnsd knot nsd; do
		case " $SERVERS " in *" $s "*) XS="$XS $s" ;; esac
	done
	[ -n "$XS" ] || { say "xfr: none of geodnsd, knot, nsd in --servers"; return 1; }
	for s in $XS; do
		cmd=$(xfr_conf "$s" "$X" "$(xfr_port "$s")") || return 1
		# shellcheck disable=SC2086
		taskset -c 0 $cmd >"$X/$s.log" 2>&1 &
		eval "XP_$s=$!"
		PIDS="$PIDS $!"
	done
	for s in $XS; do
		# shellcheck disable=SC2046
		set -- $(big_up "$s" "$(eval echo "\$XP_$s")" "$(xfr_port "$s")")
		[ "$1" = "?" ] && { say "xfr: $s did not load the zone (log $X/$s.log)"; return 1; }
		_xfr_pin0 "$(eval echo "\$XP_$s")"
		say "xfr: $s serves the 1M-record zone"
	done

	# ---- 1: AXFR time ----
	: >"$X/xfr.tsv"
	XFR_TID=""
	r=1
	while [ $r -le "$ROUNDS" ]; do
		for s in $XS; do
			[ "$s" = geodnsd ] && [ -z "$XFR_TID" ] && _xfr_thread_ticks "$XP_geodnsd" >"$X/th0"
			_xfr_one "$s" "$r" >>"$X/xfr.tsv" || return 1
			if [ "$s" = geodnsd ] && [ -z "$XFR_TID" ]; then
				_xfr_thread_ticks "$XP_geodnsd" >"$X/th1"
				XFR_TID=$(awk 'NR == FNR { t[$1] = $2; next }
					{ d = $2 - t[$1]; if (d > m) { m = d; id = $1 } } END { print id }' \
					"$X/th0" "$X/th1")
			fi
			say "xfr round $r $s: $(tail -1 "$X/xfr.tsv" | tr '\t' ' ')"
		done
		r=$((r + 1))
	done
	for s in $XS; do
		# shellcheck disable=SC2046
		set -- $(_xfr_kdig "$s")
		eval "KD_$s=\"$1 $2\""
		say "xfr: kdig +noall AXFR from $s: $1 ms wall, $2 ms CPU"
	done
	echo
	echo "AXFR of the 1,000,000-record zone ($(du -m "$X/big.test.zone" | cut -f1) MB file): server on CPU 0, axfrcat on CPU 1,"
	echo "  $ROUNDS interleaved rounds; MB = 10^6 octets; cpu: the server's and the client's CPU seconds"
	printf '%-8s %7s %7s %7s %8s %8s %9s %7s %7s %8s %8s\n' server best_s med_s first_s "MB/s" messages records srv_cpu cli_cpu kdig_s kdig_cpu
	for s in $XS; do
		# shellcheck disable=SC2046
		set -- $(eval echo "\$KD_$s")
		awk -F'\t' -v s="$s" -v kw="$1" -v kc="$2" "$AWK_MED"'
			$2 == s { n++; w[n] = $3; f[n] = $4; b = $5; m = $6; rec = $7; sc[n] = $8; cc[n] = $9 }
			END {
				if (!n) exit
				best = w[1]; for (i = 2; i <= n; i++) if (w[i] < best) best = w[i]
				mw = med(w, n)
				printf "%-8s %7.2f %7.2f %7.2f %8.1f %8d %9d %7.2f %7.2f %8s %8s\n", s, best / 1000,
					mw / 1000, med(f, n) / 1000, b / (mw / 1000) / 1e6, m, rec,
					med(sc, n) / 1000, med(cc, n) / 1000,
					kw == "?" ? "?" : sprintf("%.2f", kw / 1000), kc == "?" ? "?" : sprintf("%.2f", kc / 1000)
			}' "$X/xfr.tsv"
	done
	case " $XS " in
	*" geodnsd "*)
		for s in $XS; do
			[ "$s" = geodnsd ] && continue
			awk -F'\t' -v s="$s" "$AWK_MED"'
				$2 == "geodnsd" { g[$1] = $3 } $2 == s { o[$1] = $3 }
				END { n = 0; for (r in g) if ((r in o) && o[r] > 0) x[++n] = g[r] / o[r]
					if (n) printf "geodnsd AXFR time over %s'\''s, same round (median): %.2f\n", s, med(x, n) }' \
				"$X/xfr.tsv"
		done ;;
	esac

	# ---- 2: UDP answers while transfers run ----
	for s in $XS; do
		[ "$s" = geodnsd ] || _xfr_stop "$(eval echo "\$XP_$s")"
	done
	case " $XS " in *" geodnsd "*) ;; *) return 0 ;; esac
	[ -n "$XFR_TID" ] || { say "xfr: the transfer thread was not found"; return 1; }
	: >"$X/udp.tsv"
	r=1
	while [ $r -le "$ROUNDS" ]; do
		for st in alone shared own; do
			_xfr_state "$st" "$r" >>"$X/udp.tsv"
			say "xfr udp round $r $st: $(tail -1 "$X/udp.tsv" | tr '\t' ' ')"
		done
		r=$((r + 1))
	done
	renice -n 0 -p "$XFR_TID" >/dev/null 2>&1
	limit=$(grep -c 'event=xfr_out.*result=limit' "$X/geodnsd.log")
	echo
	echo "UDP answers (static mix) while $XFR_LOOPS AXFRs of the 1M-record zone loop: geodnsd, one worker on CPU 0,"
	echo "  dnsperf on CPU 1, $ROUNDS interleaved rounds of $SECS s per run; shared: the transfer thread on the"
	if [ "$XFR_CPU" = 1 ]; then
		echo "  worker's core; own: on CPU 1 (SCHED_IDLE; see tools/bench.d/xfr.sh); vs alone: same-round ratios"
	else
		echo "  worker's core; own: on CPU $XFR_CPU, with the AXFR clients; vs alone: same-round ratios"
	fi
	printf '%-7s %9s %17s %6s %8s | %8s %9s %6s %7s %7s %8s | %7s %6s %6s\n' state "q/s" "min..max" lost "vs alone" \
		"at q/s" answered lost p50_ms p99_ms "vs alone" "start_s" "axfrs" "MB/s"
	for st in alone shared own; do
		awk -F'\t' -v st="$st" "$AWK_MED"'
			$2 == "alone" { aq[$1] = $3; ap[$1] = $9 }
			$2 == st { n++; rd[n] = $1; q[n] = $3; l += $4; rate = $5; a[n] = $6; rl += $7
				p50[n] = $8; p99[n] = $9; d += $10; b += $11; e += $12; sec += $13; wm[n] = $14 }
			END {
				if (!n) exit
				mn = q[1]; mx = q[1]; for (i = 1; i <= n; i++) { if (q[i] < mn) mn = q[i]; if (q[i] > mx) mx = q[i] }
				k = 0; kp = 0
				for (i = 1; i <= n; i++) {
					if (aq[rd[i]] > 0) rq[++k] = q[i] / aq[rd[i]]
					if (ap[rd[i]] > 0) rp[++kp] = p99[i] / ap[rd[i]]
				}
				printf "%-7s %9d %8d..%-8d %6d %8s | %8d %9d %6d %7.3f %7.3f %8s | %7s %6s %6s\n", st, med(q, n),
					mn, mx, l, k ? sprintf("%.3f", med(rq, k)) : "-", rate, med(a, n), rl,
					med(p50, n), med(p99, n), kp ? sprintf("%.2f", med(rp, kp)) : "-",
					st == "alone" ? "-" : sprintf("%.1f", med(wm, n)),
					st == "alone" ? "-" : d (e ? "+" e "err" : ""),
					st == "alone" ? "-" : sprintf("%.1f", b / sec / 1e6)
			}' "$X/udp.tsv"
	done
	echo "target: at most 10% worse than alone (q/s ratio >= 0.90, p99 ratio <= 1.10). start_s: from the"
	echo "  start of the $XFR_LOOPS loops until each has its first octets (the server's sorts; dnsperf starts 1 s"
	echo "  later); axfrs: transfers completed in all rounds (one in flight when dnsperf ends is dropped);"
	echo "  MB/s: what the loops read per second, from their start until dnsperf ends; refused at the"
	echo "  transfer cap: $limit"
	_xfr_stop "$XP_geodnsd"
}
