# shellcheck shell=sh
# tools/bench.d/xfrin.sh - the secondary figures of tools/bench (--xfr-in,
# --xfr-in-only): geodnsd, Knot and NSD each as a secondary of one Knot
# primary. Sourced by tools/bench after its helpers (port_of, tree_pids,
# cpu_ticks_file, big_zone, big_up, big_addr, _bench_bin, AWK_MED, say,
# PIDS, W, ROUNDS, SERVERS, XFR_IN_RECORDS, HZ, top); prints the report
# section on stdout.
#
# The primary: knotd serving big_zone's zone of XFR_IN_RECORDS records
# (default 1,000,000) from its file, with DDNS allowed from 127.0.0.0/8, a
# journal of its changes (so it answers IXFR) and NOTIFY to the three
# secondaries' ports; once it serves the zone every thread of it is put on
# CPU 1 (knotd pins some threads itself), where the pollers, knsupdate and
# the log timestampers also run. Each secondary runs on CPU 0 alone.
#
# Per round and secondary, in turn (geodnsd, knot, nsd; only one runs at a
# time, so the primary's NOTIFYs to the other two ports go nowhere):
#
# 1. Load: the secondary starts with an empty state directory (no copy, no
#    journal, no timers) and transfers the zone by AXFR. Timed from just
#    before its start until it answers the zone's SOA with the primary's
#    serial (tools/bench.d/soawait polls every 50 ms, so the figure is up
#    to 50 ms late); up_s is when it first answered anything (its
#    start-up). CPU: user + system time of its process tree (children that
#    ended and were waited for included) when it serves the serial, and
#    again once it has settled (no CPU used for 0.6 s; Knot writes its zone
#    file after the switch, with its default zonefile-sync 0); peak RSS:
#    VmHWM, of the largest process of the tree and the sum over it (NSD
#    runs xfrd, the main process and a server child, which share pages, so
#    the sum over-counts and the largest under-counts).
#
# 2. IXFR of one change: knsupdate replaces the address of h7 at the
#    primary (Knot bumps the serial), whose NOTIFY brings the secondary to
#    the new serial by IXFR. Timed from just before knsupdate starts until
#    the secondary serves the new serial (polled every 10 ms), and from the
#    primary's NOTIFY (the time its log line "notify, outgoing" for this
#    secondary came out: Knot sends it about a second after the update) to
#    the same moment; the secondary's CPU for it (until served, and
#    settled) and its VmHWM after it (the peak so far, load included). The
#    bytes of the transfer (from the secondary's log) show that it was an
#    IXFR.
#
# For geodnsd also its phases, for the load and for the change: until the
# transfer is received, writing the version as FILE.xfr-tmp, its fsync,
# load and check, the rename and publication (see _xi_watch), the ms= of
# its log line event=xfr_in (from its SOA query to the version published)
# and from that line until the poll saw the serial. An IXFR is applied in
# memory (applied=memory): until it is received, its apply_ms (built,
# checked, published), from the line to the poll, and the save of the
# copy that follows (its event=xfr_in_save line).
#
# Every log line of the primary and the secondaries is stamped with the
# time it was read (a perl reader behind a FIFO on CPU 1), so lines can be
# put on the same clock as the polls. Each server runs with its defaults
# but for one worker or thread per kind, and NSD without RRL; the
# persistence each does by default stays: geodnsd writes and fsyncs the
# whole zone file per version (before it serves a full transfer, which it
# loads from that file; after it serves an IXFR applied in memory); Knot writes its zone file after the switch (zonefile-sync 0) and
# keeps a journal; NSD writes zone files every hour (zonefiles-write 3600
# without a database).
#
# Ports: port_of xfrin is the primary's; geodnsd +1, Knot +2, NSD +3.
#
# Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.

xfrin_port() {
	case $1 in
	primary) echo $(($(port_of xfrin) + 0)) ;;
	geodnsd) echo $(($(port_of xfrin) + 1)) ;;
	knot) echo $(($(port_of xfrin) + 2)) ;;
	nsd) echo $(($(port_of xfrin) + 3)) ;;
	esac
}

# _xi_knot_server: the server, database and log sections of a knotd of
# ours (directory _xi_d, port _xi_p): one thread of each kind
_xi_knot_server() {
	cat <<-EOF
		server:
		    rundir: "$_xi_d"
		    listen: 127.0.0.1@$_xi_p
		    udp-workers: 1
		    tcp-workers: 1
		    background-workers: 1
		database:
		    storage: "$_xi_d"
		log:
		  - target: stderr
		    any: info
	EOF
}

# xfrin_conf SERVER DIR: write SERVER's configuration into DIR and print
# the command that runs it in the foreground
xfrin_conf() {
	_xi_d=$2
	_xi_p=$(xfrin_port "$1")
	_xi_pp=$(xfrin_port primary)
	case $1 in
	primary)
		{
			_xi_knot_server
			cat <<-EOF
		remote:
		  - id: geodnsd
		    address: 127.0.0.1@$(xfrin_port geodnsd)
		  - id: knot
		    address: 127.0.0.1@$(xfrin_port knot)
		  - id: nsd
		    address: 127.0.0.1@$(xfrin_port nsd)
		acl:
		  - id: secondaries
		    address: 127.0.0.0/8
		    action: [transfer, update]
		template:
		  - id: default
		    storage: "$_xi_d"
		    zonefile-sync: -1
		zone:
		  - domain: big.test
		    file: "$X/big.test.zone"
		    acl: secondaries
		    notify: [geodnsd, knot, nsd]
		EOF
		} >"$_xi_d/knot.conf"
		echo "$(_bench_bin knotd) -c $_xi_d/knot.conf" ;;
	geodnsd)
		# debug: its event=notify_in lines
		cat >"$_xi_d/geodnsd.conf" <<-EOF
		{
		  "server": { "listen": ["127.0.0.1:$_xi_p"], "workers": 1, "log_level": "debug" },
		  "zones": [
		    { "origin": "big.test", "file": "$_xi_d/big.test.zone",
		      "primaries": [ { "address": "127.0.0.1:$_xi_pp" } ] }
		  ]
		}
		EOF
		# shellcheck disable=SC2154
		echo "$top/src/geodnsd -f -c $_xi_d/geodnsd.conf" ;;
	knot)
		{
			_xi_knot_server
			cat <<-EOF
		remote:
		  - id: primary
		    address: 127.0.0.1@$_xi_pp
		acl:
		  - id: primary
		    address: 127.0.0.1
		    action: notify
		template:
		  - id: default
		    storage: "$_xi_d"
		zone:
		  - domain: big.test
		    file: "$_xi_d/big.test.zone"
		    master: primary
		    acl: primary
		EOF
		} >"$_xi_d/knot.conf"
		echo "$(_bench_bin knotd) -c $_xi_d/knot.conf" ;;
	nsd)
		cat >"$_xi_d/nsd.conf" <<-EOF
		server:
		    ip-address: 127.0.0.1@$_xi_p
		    do-ip6: no
		    server-count: 1
		    username: ""
		    chroot: ""
		    zonesdir: "$_xi_d"
		    database: ""
		    pidfile: "$_xi_d/nsd.pid"
		    xfrdfile: "$_xi_d/xfrd.state"
		    xfrdir: "$_xi_d"
		    zonelistfile: "$_xi_d/zone.list"
		    rrl-ratelimit: 0
		    verbosity: 2
		remote-control:
		    control-enable: no
		zone:
		    name: big.test
		    zonefile: "big.test.zone"
		    request-xfr: 127.0.0.1@$_xi_pp NOKEY
		    allow-notify: 127.0.0.1 NOKEY
		EOF
		echo "$(_bench_bin nsd) -d -c $_xi_d/nsd.conf" ;;
	esac
}

# _xi_start SERVER DIR CPU: start SERVER on CPU with its log lines stamped
# into DIR/log; sets XI_PID (the server) and XI_STAMP (the stamper)
_xi_start() {
	_xi_cmd=$(xfrin_conf "$1" "$2") || return 1
	rm -f "$2/fifo"
	mkfifo "$2/fifo" || return 1
	# shellcheck disable=SC2016
	taskset -c 1 perl -MTime::HiRes=time -ne '$| = 1; printf "%.3f %s", time, $_' \
		<"$2/fifo" >"$2/log" &
	XI_STAMP=$!
	PIDS="$PIDS $XI_STAMP"
	# shellcheck disable=SC2086
	taskset -c "$3" $_xi_cmd >"$2/fifo" 2>&1 &
	XI_PID=$!
	PIDS="$PIDS $XI_PID"
}

# _xi_stop PID STAMPER: stop a server and every process of its tree (NSD's
# main and server processes are not our children: polled until gone, up
# to 10 s, then killed), then its stamper (it ends with the log's last
# writer)
_xi_stop() {
	_xi_tree=$(tree_pids "$1")
	kill -TERM "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	_xi_n=0
	for _xi_q in $_xi_tree; do
		while kill -0 "$_xi_q" 2>/dev/null && [ $_xi_n -lt 100 ]; do
			sleep 0.1
			_xi_n=$((_xi_n + 1))
		done
		kill -0 "$_xi_q" 2>/dev/null && {
			say "xfr-in: process $_xi_q still there after 10 s: killed"
			kill -KILL "$_xi_q" 2>/dev/null
		}
	done
	PIDS=$(echo " $PIDS " | sed "s/ $1 / /; s/^ //; s/ $//")
	_xi_end "$2" 50
}

# _xi_end PID TENTHS: wait up to TENTHS tenths of a second for a helper
# that ends by itself (a stamper, a watcher), then stop it and forget it
_xi_end() {
	_xi_n=0
	while kill -0 "$1" 2>/dev/null && [ $_xi_n -lt "$2" ]; do
		sleep 0.1
		_xi_n=$((_xi_n + 1))
	done
	kill -TERM "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	PIDS=$(echo " $PIDS " | sed "s/ $1 / /; s/^ //; s/ $//")
}

# _xi_ticks PID: CPU ticks of the tree, the ended children it waited for
# included (NSD's old server processes)
_xi_ticks() {
	for _xi_q in $(tree_pids "$1"); do
		sed 's/^.*) //' "/proc/$_xi_q/stat" 2>/dev/null
	done | awk '{ t += $12 + $13 + $14 + $15 } END { print t + 0 }'
}

# _xi_hwm PID: "largest sum" of VmHWM (KiB) over the tree
_xi_hwm() {
	for _xi_q in $(tree_pids "$1"); do
		awk '/^VmHWM:/ { print $2 }' "/proc/$_xi_q/status" 2>/dev/null
	done | awk '{ s += $1; if ($1 > m) m = $1 } END { printf "%d %d\n", m, s }'
}

# _xi_settle PID: the tree's ticks once they have not moved for 0.6 s
# (up to 60 s)
_xi_settle() {
	_xi_a=$(_xi_ticks "$1")
	_xi_same=0
	_xi_n=0
	while [ $_xi_same -lt 3 ] && [ $_xi_n -lt 300 ]; do
		sleep 0.2
		_xi_b=$(_xi_ticks "$1")
		if [ "$_xi_b" = "$_xi_a" ]; then _xi_same=$((_xi_same + 1)); else _xi_same=0; fi
		_xi_a=$_xi_b
		_xi_n=$((_xi_n + 1))
	done
	echo "$_xi_a"
}

_xi_serial() { # the primary's serial
	dig +short +tries=2 +time=1 -p "$(xfrin_port primary)" @127.0.0.1 big.test SOA 2>/dev/null |
		awk 'NF == 7 { print $3 }'
}

# _xi_wait SERVER SERIAL START_NS MS SECONDS: soawait's line, or nothing
_xi_wait() {
	taskset -c 1 "$top/tools/bench.d/soawait" -p "$(xfrin_port "$1")" -z big.test -s "$2" \
		-T "$3" -i "$4" -w "$5" -P "$XI_PID"
}

_xi_sec() { # NS MS: the time NS (ns) + MS (ms), in seconds
	awk -v t="$1" -v m="$2" 'BEGIN { printf "%.3f\n", t / 1e9 + m / 1000 }'
}

_xi_field() { # KEY LINE: the value of KEY=VALUE in LINE
	echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p" | head -1
}

# _xi_bytes SERVER LOG SERIAL: the octets of the transfer to SERIAL, as the
# secondary logged them
_xi_bytes() {
	case $1 in
	geodnsd) sed -n "s/.*event=xfr_in .* serial=$3 .*bytes=\([0-9]*\) .*result=ok.*/\1/p" "$2" ;;
	knot) sed -n 's/.*IXFR, incoming, .*finished, .* \([0-9]*\) bytes$/\1/p' "$2" ;;
	nsd) sed -n "s/.*received update to serial $3 .* of \([0-9]*\) bytes.*/\1/p" "$2" ;;
	esac | tail -1
}

# geodnsd's phases. It receives a whole transfer, then writes the version
# aside as FILE.xfr-tmp, loads and checks that file and renames it over
# FILE, then publishes it and logs event=xfr_in. A watcher (on CPU 1,
# stat every 5 ms) notes when the file appears, when its size last
# changed and when it is gone: transfer | write | load | publish.
# _xi_watch FILE: start the watcher (XI_WATCH), its line to FILE.watch:
# "appeared last_growth gone" (stamper's clock, 0 for never); it ends
# once the file has gone, or after 600 s
_xi_watch() {
	# shellcheck disable=SC2016
	taskset -c 1 perl -MTime::HiRes=time,sleep -e '
		my ($f, $end) = ($ARGV[0], time + 600);
		my ($c, $g, $z, $gone) = (0, 0, -1, 0);
		while (time < $end) {
			my @st = stat $f;
			my $t = time;
			if (@st) { $c ||= $t; if ($st[7] != $z) { $z = $st[7]; $g = $t } }
			elsif ($c) { $gone = $t; last }
			sleep 0.005;
		}
		printf "%.3f %.3f %.3f\n", $c, $g, $gone;' "$1" >"$1.watch" &
	XI_WATCH=$!
	PIDS="$PIDS $XI_WATCH"
}

# _xi_watched: wait (up to 2 s) for the watcher, which should be done
_xi_watched() { _xi_end "$XI_WATCH" 20; }

# _xi_phases DIR TYPE SERIAL START_S SERVED_S: geodnsd's "ms transfer write
# load publish line_to_served form" (ms) for its TYPE transfer to SERIAL:
# the ms= of its event=xfr_in line, from START_S to the file's appearance,
# its writing, its loading, from its rename to the log line, and from the
# line to the poll that saw the serial (times in seconds, stamper's clock),
# form "file". A version applied in memory (applied=memory; the file is
# written after it is served) gives instead "ms received apply saved -
# line_to_served memory": START_S to the transfer received, its apply_ms
# (built, checked, published), the ms of its event=xfr_in_save line
_xi_phases() {
	awk -v ty="$2" -v s="$3" -v st="$4" -v sv="$5" '
		FNR == NR { c = $1; g = $2; z = $3; next }
		/event=xfr_in / && index($0, " type=" ty " ") && index($0, " serial=" s " ") && /result=ok/ {
			for (i = 1; i <= NF; i++) {
				if ($i ~ /^ms=/) ms = substr($i, 4)
				if ($i ~ /^apply_ms=/) ap = substr($i, 10)
			}
			line = $1
			if (/applied=memory/) { mem = 1; next }
			if (c > 0 && z > 0)
				printf "%s %.0f %.0f %.0f %.0f %.0f file\n", ms, (c - st) * 1000, (g - c) * 1000,
					(z - g) * 1000, ($1 - z) * 1000, (sv - $1) * 1000
			else
				printf "%s ? ? ? ? %.0f file\n", ms, (sv - $1) * 1000
			found = 1
			exit
		}
		mem && /event=xfr_in_save / && index($0, " serial=" s " ") {
			for (i = 1; i <= NF; i++) if ($i ~ /^ms=/) sa = substr($i, 4)
			printf "%s %.0f %s %s - %.0f memory\n", ms, (line - st) * 1000 - ap, ap, sa,
				(sv - line) * 1000
			found = 1
			exit
		}
		END { if (!found) print "? ? ? ? ? ? ?" }' "$1/big.test.zone.xfr-tmp.watch" "$1/log"
}

# _xi_served SERIAL START_NS MS SECONDS: wait until the secondary of this
# round (_xi_s, XI_PID) serves SERIAL; soawait's line in _xi_out, the
# serve_ms in _xi_serve; else everything of the round is stopped
_xi_served() {
	_xi_out=$(_xi_wait "$_xi_s" "$1" "$2" "$3" "$4")
	_xi_serve=$(_xi_field serve_ms "$_xi_out")
	case $_xi_serve in
	'' | '?')
		say "xfr-in: $_xi_s did not serve serial $1 (${_xi_out:-no answer}; log $_xi_dir/log)"
		_xi_abandon
		return 1 ;;
	esac
}

_xi_abandon() { # stop the secondary of this round, its stamper and watcher
	_xi_stop "$XI_PID" "$XI_STAMP"
	[ "$_xi_s" = geodnsd ] && _xi_end "$XI_WATCH" 0
}

# _xi_round SERVER ROUND: one load and one change; a row for load.tsv and
# one for ixfr.tsv
_xi_round() {
	_xi_s=$1
	_xi_r=$2
	_xi_dir=$X/r$_xi_r-$_xi_s
	mkdir -p "$_xi_dir"
	_xi_want=$(_xi_serial)
	[ -n "$_xi_want" ] || { say "xfr-in: the primary does not answer"; return 1; }

	# ---- 1: the load ----
	[ "$_xi_s" = geodnsd ] && _xi_watch "$_xi_dir/big.test.zone.xfr-tmp"
	_xi_t0=$(date +%s%N)
	_xi_start "$_xi_s" "$_xi_dir" 0 || return 1
	_xi_served "$_xi_want" "$_xi_t0" 50 600 || return 1
	_xi_c1=$(_xi_ticks "$XI_PID")
	_xi_h=$(_xi_hwm "$XI_PID")
	_xi_c2=$(_xi_settle "$XI_PID")
	_xi_g="- - - - - - -"
	if [ "$_xi_s" = geodnsd ]; then
		_xi_watched
		_xi_g=$(_xi_phases "$_xi_dir" AXFR "$_xi_want" "$(_xi_sec "$_xi_t0" 0)" \
			"$(_xi_sec "$_xi_t0" "$_xi_serve")")
	fi
	printf '%s\t%s\t%s\t%s\t%d\t%d\t%s\t%s\n' "$_xi_r" "$_xi_s" "$(_xi_field up_ms "$_xi_out")" \
		"$_xi_serve" $((_xi_c1 * 1000 / HZ)) $((_xi_c2 * 1000 / HZ)) "$_xi_h" "$_xi_g" |
		tr ' ' '\t' >>"$X/load.tsv"
	say "xfr-in round $_xi_r $_xi_s: loaded serial $_xi_want in $_xi_serve ms, CPU $((_xi_c1 * 1000 / HZ)) ms ($((_xi_c2 * 1000 / HZ)) settled), VmHWM (largest, sum) $_xi_h KiB"
	for _xi_q in $(tree_pids "$XI_PID"); do
		taskset -a -p -c 0 "$_xi_q" >/dev/null 2>&1
	done

	# ---- 2: one change ----
	_xi_new=$((_xi_want + 1))
	_xi_plines=$(wc -l <"$X/primary/log")
	_xi_c0=$(_xi_ticks "$XI_PID")
	[ "$_xi_s" = geodnsd ] && _xi_watch "$_xi_dir/big.test.zone.xfr-tmp"
	_xi_t1=$(date +%s%N)
	printf 'server 127.0.0.1 %s\nzone big.test.\nupdate delete h7.big.test. A\nupdate add h7.big.test. 3600 A %s\nsend\n' \
		"$(xfrin_port primary)" "$(big_addr $((_xi_new % 65536 + 16711680)))" |
		taskset -c 1 timeout 10 knsupdate -t 5 >"$_xi_dir/knsupdate.out" 2>&1 ||
		{ say "xfr-in: knsupdate failed: $(tr '\n' ' ' <"$_xi_dir/knsupdate.out")"; _xi_abandon; return 1; }
	_xi_t2=$(date +%s%N)
	_xi_served "$_xi_new" "$_xi_t1" 10 120 || return 1
	_xi_c1=$(_xi_ticks "$XI_PID")
	_xi_c2=$(_xi_settle "$XI_PID")
	_xi_h=$(_xi_hwm "$XI_PID")
	# the primary's NOTIFY to this secondary, on the stampers' clock
	_xi_nt=$(tail -n +$((_xi_plines + 1)) "$X/primary/log" |
		awk -v p="127.0.0.1@$(xfrin_port "$_xi_s")," -v s="$_xi_new" \
			'index($0, "notify, outgoing, remote " p) && $NF == s { print $1; exit }')
	# geodnsd: its phases from its event=notify_in line
	_xi_g="- - - - - - -"
	if [ "$_xi_s" = geodnsd ]; then
		_xi_watched
		_xi_ni=$(awk '/event=notify_in .*result=ok/ { n = $1 } END { printf "%.3f\n", n }' "$_xi_dir/log")
		_xi_g=$(_xi_phases "$_xi_dir" IXFR "$_xi_new" "$_xi_ni" "$(_xi_sec "$_xi_t1" "$_xi_serve")")
	fi
	printf '%s\t%s\t%d\t%s\t%s\t%d\t%d\t%s\t%s\t%s\n' "$_xi_r" "$_xi_s" \
		$(((_xi_t2 - _xi_t1) / 1000000)) "$_xi_serve" \
		"$(awk -v nt="${_xi_nt:-}" -v t1="$_xi_t1" -v at="$_xi_serve" \
			'BEGIN { if (nt == "") print "?"; else printf "%.0f\n", t1 / 1e6 + at - nt * 1000 }')" \
		$(((_xi_c1 - _xi_c0) * 1000 / HZ)) $(((_xi_c2 - _xi_c0) * 1000 / HZ)) "$_xi_h" \
		"$(_xi_bytes "$_xi_s" "$_xi_dir/log" "$_xi_new" | grep . || echo '?')" "$_xi_g" | tr ' ' '\t' >>"$X/ixfr.tsv"
	say "xfr-in round $_xi_r $_xi_s: serial $_xi_new $_xi_serve ms after the update: $(tail -1 "$X/ixfr.tsv" | tr '\t' ' ')"
	_xi_stop "$XI_PID" "$XI_STAMP"
	# the copy and the journals go (the logs stay)
	find "$_xi_dir" -type f ! -name log ! -name '*.conf' ! -name '*.out' ! -name '*.watch' -delete 2>/dev/null
	return 0
}

xfrin_figures() {
	X=$W/xfrin
	mkdir -p "$X/primary"
	big_zone "$X/big.test.zone" "$XFR_IN_RECORDS"
	XS=""
	for s in geodnsd knot nsd; do
		case " $SERVERS " in *" $s "*) XS="$XS $s" ;; esac
	done
	[ -n "$XS" ] || { say "xfr-in: none of geodnsd, knot, nsd in --servers"; return 1; }
	_xi_start primary "$X/primary" 1 || return 1
	XI_PRIMARY=$XI_PID
	XI_PSTAMP=$XI_STAMP
	# shellcheck disable=SC2046
	set -- $(big_up primary "$XI_PRIMARY" "$(xfrin_port primary)" "$XFR_IN_RECORDS")
	[ "$1" = "?" ] && { say "xfr-in: the primary did not load the zone (log $X/primary/log)"; return 1; }
	for _xi_q in $(tree_pids "$XI_PRIMARY"); do
		taskset -a -p -c 1 "$_xi_q" >/dev/null 2>&1
	done
	say "xfr-in: the primary serves the $XFR_IN_RECORDS-record zone (loaded in $1 s)"
	: >"$X/load.tsv"
	: >"$X/ixfr.tsv"
	r=1
	while [ $r -le "$ROUNDS" ]; do
		for s in $XS; do
			_xi_round "$s" "$r" || { _xi_stop "$XI_PRIMARY" "$XI_PSTAMP"; return 1; }
		done
		r=$((r + 1))
	done
	_xi_stop "$XI_PRIMARY" "$XI_PSTAMP"
	xfrin_report
}

# _xi_ratios FILE COLUMN WHAT FORMAT: geodnsd's COLUMN of FILE over each
# other server's, round by round, and their median
_xi_ratios() {
	for _xi_o in $XS; do
		[ "$_xi_o" = geodnsd ] && continue
		awk -F'\t' -v s="$_xi_o" -v c="$2" -v what="$3" -v f="$4" -v rounds="$ROUNDS" "$AWK_MED"'
			$2 == "geodnsd" && $c != "?" { g[$1] = $c } $2 == s && $c != "?" { o[$1] = $c }
			END { n = 0; l = ""
				for (r = 1; r <= rounds; r++) if ((r in g) && (r in o) && o[r] > 0) {
					x[++n] = g[r] / o[r]; l = l sprintf(" " f, x[n]) }
				if (n) printf "geodnsd %s over %s'\''s, same round: median " f " (rounds:%s)\n", what, s, med(x, n), l }' "$1"
	done
}

# _xi_phase_report FILE COLUMN FIRST: geodnsd's phases (_xi_phases, from
# COLUMN of FILE on), medians (of the rounds of the form most rounds had)
_xi_phase_report() {
	awk -F'\t' -v c="$2" -v first="$3" "$AWK_MED"'
		$2 == "geodnsd" && $(c + 1) != "?" { f = $(c + 6); n[f]++; for (i = 0; i < 6; i++) v[f, i, n[f]] = $(c + i) }
		function m(f, i,   a, k) { for (k = 1; k <= n[f]; k++) a[k] = v[f, i, k]; return med(a, n[f]) }
		END { f = n["memory"] > n["file"] ? "memory" : "file"
			if (!n[f]) exit
			if (f == "memory") {
				printf "geodnsd, medians in ms: %s %.0f | applied in memory, checked and published %.0f (its ms=%.0f)\n", first, m(f, 1), m(f, 2), m(f, 0)
				printf "  | that line to the poll seeing the serial %.0f | then the copy saved to its file in %.0f\n", m(f, 5), m(f, 3)
				exit
			}
			printf "geodnsd, medians in ms: %s %.0f | write FILE.xfr-tmp %.0f | fsync, load and check it %.0f\n", first, m(f, 1), m(f, 2), m(f, 3)
			printf "  | rename, publish, log event=xfr_in %.0f (its ms=%.0f) | that line to the poll seeing the serial %.0f\n", m(f, 4), m(f, 0), m(f, 5)
			print "  (the file is watched every 5 ms from CPU 1: each phase is good to about 5 ms)" }' "$1"
}

xfrin_report() {
	echo
	echo "Secondary load of the $XFR_IN_RECORDS-record zone by AXFR ($(du -m "$X/big.test.zone" | cut -f1) MB file) from a Knot primary"
	echo "  on CPU 1; the secondary alone on CPU 0, started with no copy; $ROUNDS interleaved rounds (medians)."
	echo "  load_s: start to serving the primary's serial (SOA polled every 50 ms); up_s: to its first answer;"
	echo "  cpu: the secondary's CPU seconds when serving, and once settled; hwm: VmHWM MB, largest process and sum"
	printf '%-8s %7s %15s %6s %7s %9s %8s %8s\n' server load_s "min..max" up_s cpu_s settled_s hwm_MB hwm_sum
	for s in $XS; do
		awk -F'\t' -v s="$s" "$AWK_MED"'
			$2 == s { n++; l[n] = $4; u[n] = $3; c[n] = $5; c2[n] = $6; h[n] = $7; hs[n] = $8 }
			END {
				if (!n) exit
				mn = l[1]; mx = l[1]; for (i = 2; i <= n; i++) { if (l[i] < mn) mn = l[i]; if (l[i] > mx) mx = l[i] }
				printf "%-8s %7.2f %7.2f..%-7.2f %6.2f %7.2f %9.2f %8.1f %8.1f\n", s, med(l, n) / 1000,
					mn / 1000, mx / 1000, med(u, n) / 1000, med(c, n) / 1000, med(c2, n) / 1000,
					med(h, n) / 1024, med(hs, n) / 1024
			}' "$X/load.tsv"
	done
	case " $XS " in
	*" geodnsd "*)
		_xi_ratios "$X/load.tsv" 4 "load time" %.2f
		_xi_phase_report "$X/load.tsv" 9 "its start to the AXFR received"
		;;
	esac
	echo
	echo "IXFR of one change: knsupdate replaces one A record at the primary; its NOTIFY brings the secondary"
	echo "  to the new serial (SOA polled every 10 ms). update_s: from knsupdate's start; notify_ms: from the"
	echo "  primary's NOTIFY log line; cpu_ms: the secondary's CPU until serving, and once settled; hwm_MB: its"
	echo "  VmHWM after the change (largest process); bytes: the transfer, as the secondary logged it"
	printf '%-8s %8s %15s %10s %15s %7s %10s %7s %7s\n' server update_s "min..max" notify_ms "min..max" cpu_ms settled_ms hwm_MB bytes
	for s in $XS; do
		awk -F'\t' -v s="$s" "$AWK_MED"'
			$2 == s { n++; u[n] = $4; c[n] = $6; c2[n] = $7; h[n] = $8; b = $10
				if ($5 != "?") nt[++k] = $5 }
			END {
				if (!n) exit
				mn = u[1]; mx = u[1]; for (i = 2; i <= n; i++) { if (u[i] < mn) mn = u[i]; if (u[i] > mx) mx = u[i] }
				if (k) { nl = nt[1]; nh = nt[1]; for (i = 2; i <= k; i++) { if (nt[i] < nl) nl = nt[i]; if (nt[i] > nh) nh = nt[i] } }
				printf "%-8s %8.2f %7.2f..%-7.2f %10s %15s %7.0f %10.0f %7.1f %7s\n", s, med(u, n) / 1000,
					mn / 1000, mx / 1000, k ? sprintf("%.0f", med(nt, k)) : "?",
					k ? sprintf("%.0f..%.0f", nl, nh) : "?", med(c, n), med(c2, n), med(h, n) / 1024, b
			}' "$X/ixfr.tsv"
	done
	case " $XS " in
	*" geodnsd "*)
		_xi_ratios "$X/ixfr.tsv" 5 notify_ms %.1f
		_xi_phase_report "$X/ixfr.tsv" 11 "its event=notify_in line to the IXFR received"
		;;
	esac
	echo "knsupdate took $(awk -F'\t' "$AWK_MED"'{ n++; a[n] = $3 } END { if (n) printf "%.0f", med(a, n) }' "$X/ixfr.tsv") ms (median);" \
		"the primary sent its NOTIFY $(awk -F'\t' "$AWK_MED"'$5 != "?" { n++; a[n] = $4 - $5 } END { if (n) printf "%.0f", med(a, n); else printf "?" }' "$X/ixfr.tsv") ms after knsupdate started (median)"
}
