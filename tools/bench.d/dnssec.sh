# shellcheck shell=sh
# tools/bench.d/dnssec.sh - the online signing figures of tools/bench
# (--dnssec, --dnssec-only; issue 18 item 8). Sourced by tools/bench after
# its helpers (port_of, start_server, run_one, latency_one, first_n, input_file,
# tree_ticks, cg_make, cg_unlimit, AWK_MED, LAT_ROUNDS, say, PIDS, CG, W,
# ROUNDS, SECS, QUOTA, HZ, top, DNSSEC_QUERIES, DNSSEC_RATE) and peers.sh
# (bench_verify, the bench data in W); prints the report section on
# stdout.
#
# The servers, each from the bench's own data (zone bench.test and the
# three-region service www) with one worker on CPU 0, in the quota group
# of --quota:
#   dnssec      geodnsd, the zone signed with an algorithm 13 key that
#               geodnsd-keygen makes in W/dnssec (server.signatures_per_second
#               at its default)
#   onlinesign  Knot 3.2 with mod-onlinesign on the same static zone (no
#               www: Knot's geo module is not loaded), the key its own:
#               a policy of algorithm ECDSAP256SHA256 (13, as geodnsd's),
#               generated into its KASP database at its first start
#   dsrate13, dsrate15
#               geodnsd with keys of algorithm 13 and 15 and no signing cap
#               (server.signatures_per_second 0), for the signing rate
#   dscount     geodnsd with 2 workers (two UDP threads, each with its own
#               signature cache) for the signature count
# Every geodnsd here serves /metrics on its DNS port + 5.
#
# 1. Rounds (ROUNDS x SECS s, as the main bench's): the static and geoecs
#    mixes against dnssec with DO=0 and DO=1, and the static mix against
#    onlinesign with both, interleaved; the order of DO=0 and DO=1 flips
#    every round. DO=1 is dnsperf -D on the static mix and the mix's own
#    file with the DO bit (mkqueries' geo-ecs-do.raw) on geoecs; DO=0 on
#    static is dnsperf -e, so the two differ in the DO bit alone (geoecs
#    carries its OPT record either way). Reported: queries/s, lost, the
#    server's CPU and queries/s per core as in the main table, and the mean
#    response size (the RRSIGs show in it); DO=1 over DO=0 and geodnsd over
#    Knot on signed static as medians of same-round ratios (of queries/s,
#    and of queries/s per server core); then p50/p99
#    over LAT_ROUNDS interleaved runs at one rate per mix, without the
#    quota: --dnssec-rate, else 80% of the slowest median of the mix's
#    rows (so every server keeps up with it). PASS when geoecs DO=1 is at
#    least 0.9 of DO=0 (the answer and signature caches at work), and when
#    geodnsd answers signed static queries faster than Knot's
#    mod-onlinesign.
#
# 2. Signatures per second per core, algorithms 13 and 15:
#    - tools/bench.d/signrate (build/signrate) on CPU 0: one thread signing
#      distinct RRsets for SECS s with no cache, the signer's own code;
#      per second of its CPU time. Once a round, medians.
#    - dsrate13 and dsrate15 answering the nxdomain mix with DO=1 (random
#      names: each answer's NSEC is new, one signature per query; the
#      SOA's comes from the cache), SECS s a round each in turn:
#      geodnsd_signatures_total made over the server's CPU seconds, so the
#      query's parsing, answer and I/O count against it too.
#
# 3. Signature count: dscount, no quota, gets DNSSEC_QUERIES DO=1 queries
#    of geoecs, then as many of static (dnsperf -n over the file, or its
#    first DNSSEC_QUERIES when the file is longer; 8 sockets, which
#    SO_REUSEPORT spreads over both threads). Then geodnsd_signatures_total
#    is read from /metrics and compared with D x T: T the threads that
#    answer UDP (workers x listen addresses = 2), D the distinct RRsets
#    that answers of these mixes carry RRSIGs for, measured: every
#    distinct question of the two files (the static names and types, www A
#    with each ECS /24 of geo-ecs-do.raw) asked once with DO=1 after the
#    count was read (dig -f), and every RRset that came with an RRSIG
#    (owner, type, TTL, its records, per response) counted once. The same
#    number derived from the data is printed beside it: one RRset per
#    static question (a positive answer, one RRset) plus one per distinct
#    address set of www's regions. Each thread signs each RRset once in a
#    validity window (the cache keeps a signature until two days of its
#    eight are left), so a count over D x T means signing the cache
#    should have saved.
#
# Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.

DS_COUNT_WORKERS=2

# bench_conf_NAME DIR PORT (start_server's interface): write the
# configuration into W/dnssec/NAME and print the command. geodnsd's is the
# bench's (peers.sh bench_conf_geodnsd, on links to the bench data) with
# the zone's key, /metrics on the DNS port + 5, WORKERS workers and, when
# CAP is not empty, server.signatures_per_second CAP (0: no cap)
_ds_geodnsd() { # NAME PORT KEY WORKERS CAP
	_ds_d=$DS/$1
	mkdir -p "$_ds_d" || return 1
	for _ds_f in geo.mmdb bench.test.zone services.json; do
		ln -sf "$W/$_ds_f" "$_ds_d/$_ds_f" || return 1
	done
	_ds_cmd=$(bench_conf_geodnsd "$_ds_d" "$2") || return 1
	# shellcheck disable=SC2016
	perl -MJSON::PP -e 'my ($f, $port, $key, $workers, $cap) = @ARGV;
		open(my $in, "<", $f) or die "$f: $!\n";
		my $c = decode_json(do { local $/; <$in> });
		close $in;
		$c->{server}{workers} = 0 + $workers;
		$c->{server}{signatures_per_second} = 0 + $cap if $cap ne "";
		$c->{http}{listen} = "127.0.0.1:" . ($port + 5);
		$c->{zones}[0]{dnssec}{key} = $key;
		open(my $out, ">", $f) or die "$f: $!\n";
		print $out JSON::PP->new->pretty->canonical->encode($c) or die "$f: $!\n";
		close $out or die "$f: $!\n"' \
		"$_ds_d/geodnsd/geodnsd.conf" "$2" "$3" "$4" "$5" || return 1
	echo "$_ds_cmd"
}
bench_conf_dnssec() { _ds_geodnsd dnssec "$2" "$DS_KEY13" 1 ""; }
bench_conf_dsrate13() { _ds_geodnsd dsrate13 "$2" "$DS_KEY13" 1 0; }
bench_conf_dsrate15() { _ds_geodnsd dsrate15 "$2" "$DS_KEY15" 1 0; }
bench_conf_dscount() { _ds_geodnsd dscount "$2" "$DS_KEY13" "$DS_COUNT_WORKERS" ""; }

bench_conf_onlinesign() {
	_ds_d=$DS/onlinesign
	mkdir -p "$_ds_d/run" "$_ds_d/storage" || return 1
	cat >"$_ds_d/knot.conf" <<-EOF || return 1
	# knot.conf: the bench zone signed online; everything inside $_ds_d
	server:
	    rundir: "$_ds_d/run"
	    pidfile: "$_ds_d/run/knot.pid"
	    listen: 127.0.0.1@$2
	    udp-workers: 1                 # one UDP and one TCP thread
	    tcp-workers: 1
	    background-workers: 1
	    identity: ""
	    version: ""
	control:
	    listen: "$_ds_d/run/knot.sock"
	database:
	    storage: "$_ds_d/storage"      # the KASP database: its key
	log:
	  - target: stderr
	    any: info
	policy:
	  - id: bench
	    algorithm: ecdsap256sha256     # 13, as geodnsd's key
	    single-type-signing: on        # one combined key, as geodnsd's
	mod-onlinesign:
	  - id: bench
	    policy: bench                  # keys generated at the first start
	zone:
	  - domain: bench.test
	    storage: "$_ds_d"
	    file: "$W/bench.test.zone"
	    journal-content: none
	    zonefile-sync: -1
	    module: mod-onlinesign/bench
	EOF
	echo "$(_bench_bin knotd) -c $_ds_d/knot.conf"
}

# _ds_signed NAME PORT: do DO=1 answers carry RRSIGs (static A, and www A
# for an ECS subnet from geodnsd)? 0, else 1 and why on stderr
_ds_signed() {
	_ds_names="static.bench.test"
	[ "$1" = onlinesign ] || _ds_names="$_ds_names www.bench.test"
	for _ds_n in $_ds_names; do
		_ds_got=$(_bench_dig "$2" +dnssec +subnet=20.1.5.0/24 +noall +answer "$_ds_n" A |
			awk '$4 == "RRSIG" && $5 == "A" { n++ } END { print n + 0 }')
		if [ "$_ds_got" != 1 ]; then
			echo "$1: $_ds_n A with DO=1 came with $_ds_got RRSIGs of A, want 1" >&2
			return 1
		fi
	done
}

_ds_metric() { # PORT NAME: the value of a geodnsd metric (its DNS port)
	curl -s --max-time 5 "http://127.0.0.1:$(($1 + 5))/metrics" |
		awk -v m="$2" '$1 == m { printf "%.0f\n", $2; f = 1 } END { if (!f) print "?" }'
}

_ds_up() { # NAME: start_server, then the signing check; MP_NAME set
	start_server "$1" || return 1
	eval "MP_$1=$SPID"
	_ds_signed "$1" "$(port_of "$1")"
}

_ds_stop() { # PID: stop one of our servers and forget it
	kill -TERM "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	PIDS=$(echo " $PIDS " | sed "s/ $1 / /; s/^ //; s/ $//")
}

# the dnsperf mix and options of MIX with DO
_ds_args() { # MIX DO -> "mix [options]"
	case $1:$2 in
	static:0) echo "static -e" ;;
	static:1) echo "static -D" ;;
	geoecs:0) echo geoecs ;;
	geoecs:1) echo geoecs-do ;;
	nxdomain:1) echo "nxdomain -D" ;;
	esac
}

# ---- 1: DO=0 against DO=1, and against Knot ----
_ds_rows() { # the (mix server) pairs in their order
	echo "static dnssec"
	echo "static onlinesign"
	echo "geoecs dnssec"
}

_ds_rounds() {
	: >"$DS/rounds.tsv"
	_ds_r=1
	while [ $_ds_r -le "$ROUNDS" ]; do
		_ds_order="0 1"
		[ $((_ds_r % 2)) = 0 ] && _ds_order="1 0"
		_ds_rows | while read -r _ds_mix _ds_s; do
			for _ds_do in $_ds_order; do
				# shellcheck disable=SC2046
				_ds_res=$(run_one "$_ds_s" $(_ds_args "$_ds_mix" "$_ds_do") </dev/null)
				_ds_size=$(awk '/Average packet size:/ { print $NF }' "$W/out")
				printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$_ds_r" "$_ds_mix" "$_ds_s" "$_ds_do" \
					"$_ds_res" "${_ds_size:-0}" | tr ' ' '\t' >>"$DS/rounds.tsv"
				say "dnssec round $_ds_r $_ds_mix $_ds_s DO=$_ds_do: $_ds_res, response ${_ds_size:-?} octets"
			done
		done
		_ds_r=$((_ds_r + 1))
	done
}

_ds_rate() { # MIX: the latency runs' rate
	if [ -n "$DNSSEC_RATE" ]; then
		echo "$DNSSEC_RATE"
		return
	fi
	awk -F'\t' -v m="$1" "$AWK_MED"'
		$2 == m { k = $3 SUBSEP $4; if (!(k in n)) keys[++nk] = k; n[k]++; q[k, n[k]] = $5 }
		END { lo = 0
			for (i = 1; i <= nk; i++) { k = keys[i]
				for (j = 1; j <= n[k]; j++) a[j] = q[k, j]
				v = med(a, n[k]); if (lo == 0 || v < lo) lo = v }
			printf "%d\n", lo * 8 / 10 }' "$DS/rounds.tsv"
}

_ds_latency() {
	[ -n "$CG" ] && cg_unlimit "$CG"
	: >"$DS/latency.tsv"
	_ds_lr=1
	while [ $_ds_lr -le "$LAT_ROUNDS" ]; do
		_ds_rows | while read -r _ds_mix _ds_s; do
			_ds_q=$(_ds_rate "$_ds_mix")
			[ "${_ds_q:-0}" -gt 0 ] || continue
			_ds_order="0 1"
			[ $((_ds_lr % 2)) = 0 ] && _ds_order="1 0"
			for _ds_do in $_ds_order; do
				# shellcheck disable=SC2046
				set -- $(_ds_args "$_ds_mix" "$_ds_do")
				_ds_m=$1
				shift
				_ds_res=$(latency_one "$(port_of "$_ds_s")" "$_ds_m" "$_ds_q" "$@" </dev/null)
				printf '%s\t%s\t%s\t%s\t%s\n' "$_ds_mix" "$_ds_s" "$_ds_do" "$_ds_q" "$_ds_res" |
					tr ' ' '\t' >>"$DS/latency.tsv"
				say "dnssec latency round $_ds_lr $_ds_mix $_ds_s DO=$_ds_do at $_ds_q q/s: p50 p99 ms, answers: $_ds_res"
			done
		done
		_ds_lr=$((_ds_lr + 1))
	done
}

# _ds_ratio MIX SERVER DO OVER_SERVER OVER_DO [core]: the median over
# rounds of the same-round ratio of two rows' queries/s, or with "core"
# of their queries/s per server core ("-" without a pair)
_ds_ratio() {
	awk -F'\t' -v m="$1" -v s="$2" -v d="$3" -v os="$4" -v od="$5" -v core="${6:-}" "$AWK_MED"'
		function v() { return core == "" ? $5 : ($7 > 0 ? $5 / $7 : 0) }
		$2 == m && $3 == s && $4 == d { a[$1] = v() }
		$2 == m && $3 == os && $4 == od { b[$1] = v() }
		END { n = 0; for (r in a) if ((r in b) && b[r] > 0) x[++n] = a[r] / b[r]
			if (n) printf "%.3f\n", med(x, n); else print "-" }' "$DS/rounds.tsv"
}

_ds_verdict() { # WHAT VALUE AWK-CONDITION-ON-v (a number; "-" or "?" fail)
	if awk -v v="$2" "BEGIN { exit !(v ~ /^[0-9.]+\$/ && ($3)) }"; then
		echo "PASS $1: $2"
	else
		echo "FAIL $1: $2"
	fi
}

_ds_report_rounds() {
	echo
	echo "DNSSEC online signing: bench.test signed by geodnsd (algorithm 13 key from geodnsd-keygen) and by"
	echo "  Knot $(knotd -V 2>/dev/null | awk '{ print $NF; exit }') mod-onlinesign (its own ECDSAP256SHA256 key); $ROUNDS interleaved rounds of $SECS s, one"
	echo "  worker on CPU 0${QUOTA:+ capped at $QUOTA%}, dnsperf on CPU 1. DO=0 queries carry EDNS too; resp_B: mean response octets"
	printf '%-7s %-10s %2s %9s %17s %6s %6s %10s %8s %6s\n' mix server DO "q/s" "min..max" lost "cpu%" "q/s/core" lat_ms resp_B
	_ds_rows | while read -r _ds_mix _ds_s; do
		for _ds_do in 0 1; do
			awk -F'\t' -v m="$_ds_mix" -v s="$_ds_s" -v d="$_ds_do" "$AWK_MED"'
				$2 == m && $3 == s && $4 == d { n++; q[n] = $5; lost += $6; c[n] = $7; l[n] = $8; b = $10 }
				END {
					if (!n) exit
					mn = q[1]; mx = q[1]; for (i = 1; i <= n; i++) { if (q[i] < mn) mn = q[i]; if (q[i] > mx) mx = q[i] }
					cq = 0; for (i = 1; i <= n; i++) if (c[i] > 0) cq += q[i] / (c[i] / 100); cq /= n
					printf "%-7s %-10s %2d %9d %8d..%-8d %6d %6.1f %10d %8.3f %6d\n", m, s == "dnssec" ? "geodnsd" : "knot-os", d, med(q, n), mn, mx, lost, med(c, n), cq, med(l, n), b
				}' "$DS/rounds.tsv"
		done
	done
	echo "DO=1 over DO=0, same round (median): geodnsd static $(_ds_ratio static dnssec 1 dnssec 0)," \
		"geoecs $(_ds_ratio geoecs dnssec 1 dnssec 0); Knot onlinesign static $(_ds_ratio static onlinesign 1 onlinesign 0)"
	echo "  the same in queries/s per server core (where the client, not the server, sets the pace): geodnsd" \
		"static $(_ds_ratio static dnssec 1 dnssec 0 core), geoecs $(_ds_ratio geoecs dnssec 1 dnssec 0 core);" \
		"Knot static $(_ds_ratio static onlinesign 1 onlinesign 0 core); geodnsd/Knot static DO=1" \
		"$(_ds_ratio static dnssec 1 onlinesign 1 core)"
	if [ -s "$DS/latency.tsv" ]; then
		echo
		echo "latency without the quota, medians of $LAT_ROUNDS interleaved runs at a fixed rate per mix"
		printf '%-7s %-10s %2s %9s %8s %8s %15s\n' mix server DO "at q/s" p50_ms p99_ms "p99 min..max"
		awk -F'\t' "$AWK_MED"'
			function lmed(list,   a) { return med(a, split(list, a, " ")) }
			{ k = $1 SUBSEP $2 SUBSEP $3
			  if (!(k in rate)) { order[++nk] = k; m[k] = $1; s[k] = $2 == "dnssec" ? "geodnsd" : "knot-os"; d[k] = $3 }
			  rate[k] = $4; p50[k] = p50[k] " " $5; p99[k] = p99[k] " " $6
			  if (!(k in lo) || $6 < lo[k]) lo[k] = $6
			  if (!(k in hi) || $6 > hi[k]) hi[k] = $6 }
			END { for (i = 1; i <= nk; i++) { k = order[i]
				printf "%-7s %-10s %2d %9d %8.3f %8.3f %7.3f..%-7.3f\n", m[k], s[k], d[k], rate[k],
					lmed(p50[k]), lmed(p99[k]), lo[k], hi[k] } }' "$DS/latency.tsv"
	fi
	echo
	_ds_verdict "geoecs DO=1 >= 0.9x DO=0 (geodnsd, same-round median)" \
		"$(_ds_ratio geoecs dnssec 1 dnssec 0)" "v >= 0.9"
	_ds_verdict "geodnsd ahead of Knot onlinesign (static DO=1, geodnsd/Knot same-round median)" \
		"$(_ds_ratio static dnssec 1 onlinesign 1)" "v > 1"
}

# ---- 2: signatures per second per core ----
_ds_signrate() {
	: >"$DS/signrate.tsv"
	_ds_r=1
	while [ $_ds_r -le "$ROUNDS" ]; do
		# shellcheck disable=SC2154
		taskset -c 0 "$top/build/signrate" -s "$SECS" "$DS_KEY13" "$DS_KEY15" >"$DS/signrate.out" ||
			return 1
		# "algorithm 13 ECDSAP256SHA256: N signatures in W s (C s CPU): X per
		# second, Y per CPU second" -> round, 13, its name, X, Y
		awk -v r="$_ds_r" '{ ps = "?"; pc = "?"
			for (i = 2; i < NF; i++) { if ($i == "per" && $(i + 1) == "second,") ps = $(i - 1)
				if ($i == "per" && $(i + 1) == "CPU") pc = $(i - 1) }
			printf "%s\t%s\t%s\t%s\t%s\n", r, $2, substr($3, 1, length($3) - 1), ps, pc }' \
			"$DS/signrate.out" >>"$DS/signrate.tsv"
		say "dnssec signrate round $_ds_r: $(tr '\n' ';' <"$DS/signrate.out")"
		for _ds_a in 13 15; do
			_ds_p=$(port_of "dsrate$_ds_a")
			_ds_mp=$(eval echo "\$MP_dsrate$_ds_a")
			_ds_s0=$(_ds_metric "$_ds_p" geodnsd_signatures_total)
			_ds_t0=$(tree_ticks "$_ds_mp")
			taskset -c 1 dnsperf -s 127.0.0.1 -p "$_ds_p" -d "$W/q/nxdomain.txt" -D -l "$SECS" \
				-q 500 -t 2 >"$W/out" 2>&1
			_ds_t1=$(tree_ticks "$_ds_mp")
			_ds_s1=$(_ds_metric "$_ds_p" geodnsd_signatures_total)
			_ds_line=$(awk -v s0="$_ds_s0" -v s1="$_ds_s1" -v t=$((_ds_t1 - _ds_t0)) -v hz="$HZ" -v r="$_ds_r" -v a="$_ds_a" '
				/Queries completed:/ { done = $3 } /Queries per second:/ { q = $4 }
				END { s = s1 - s0; c = t / hz
					printf "%s\t%s\t%d\t%.0f\t%.2f\t%.0f\t%.3f\n", r, a, s, q, c, (c > 0 ? s / c : 0), (done > 0 ? s / done : 0) }' "$W/out")
			echo "$_ds_line" >>"$DS/server-rate.tsv"
			say "dnssec server signing round $_ds_r algorithm $_ds_a: $(echo "$_ds_line" | cut -f3-7 | tr '\t' ' ') (signatures q/s cpu_s sig/cpu_s sig/query)"
		done
		_ds_r=$((_ds_r + 1))
	done
}

_ds_report_signrate() {
	echo
	echo "signatures per second per core ($ROUNDS rounds of $SECS s, medians)"
	printf '%-4s %-16s %14s %12s   %-s\n' alg name "sig/CPU_s" "sig/s" "(signrate: one thread, distinct RRsets, no cache)"
	awk -F'\t' "$AWK_MED"'
		{ k = $2; if (!(k in n)) { order[++nk] = k; nm[k] = $3 } n[k]++; c[k, n[k]] = $5; w[k, n[k]] = $4 }
		END { for (i = 1; i <= nk; i++) { k = order[i]
			for (j = 1; j <= n[k]; j++) { a[j] = c[k, j]; b[j] = w[k, j] }
			printf "%-4s %-16s %14.0f %12.0f\n", k, nm[k], med(a, n[k]), med(b, n[k]) } }' "$DS/signrate.tsv"
	printf '%-4s %-16s %14s %12s %8s %9s   %-s\n' alg "" "sig/CPU_s" "q/s" "sig/q" "cpu_s" "(geodnsd: random names, DO=1, no cap)"
	awk -F'\t' "$AWK_MED"'
		{ k = $2; if (!(k in n)) order[++nk] = k; n[k]++; r[k, n[k]] = $6; q[k, n[k]] = $4; p[k, n[k]] = $7; c[k, n[k]] = $5 }
		function m(x, k,   j, a) { for (j = 1; j <= n[k]; j++) a[j] = x[k, j]; return med(a, n[k]) }
		END { for (i = 1; i <= nk; i++) { k = order[i]
			printf "%-4s %-16s %14.0f %12.0f %8.3f %9.2f\n", k, "", m(r, k), m(q, k), m(p, k), m(c, k) } }' "$DS/server-rate.tsv"
}

# ---- 3: the signature count ----
# _ds_send MIX DO N: N queries (at least) of the mix with DO to dscount;
# prints "sent completed"
_ds_send() {
	_ds_n=$3
	# shellcheck disable=SC2046
	set -- $(_ds_args "$1" "$2")
	_ds_m=$1
	shift
	_ds_file=$W/q/$(input_file "$_ds_m")
	case $_ds_m in
	geoecs-do) _ds_c=$(grep -c . "$W/q/static.txt") ;; # mkqueries: the same count
	*) _ds_c=$(wc -l <"$_ds_file") ;;
	esac
	_ds_runs=$(((_ds_n + _ds_c - 1) / _ds_c))
	if [ "$_ds_n" -lt "$_ds_c" ]; then
		first_n "$_ds_m" "$_ds_n" "$DS/first"
		_ds_file=$DS/first
		_ds_runs=1
	fi
	[ "$_ds_m" = geoecs-do ] && set -- -B "$@"
	taskset -c 1 dnsperf -s 127.0.0.1 -p "$(port_of dscount)" "$@" -d "$_ds_file" \
		-n "$_ds_runs" -c 8 -q 500 -t 2 >"$W/out" 2>&1
	awk '/Queries sent:/ { s = $3 } /Queries completed:/ { c = $3 } END { print s + 0, c + 0 }' "$W/out"
}

# _ds_distinct PORT: the distinct RRsets with an RRSIG in the answers to
# every distinct question of the static and geoecs mixes, DO=1
_ds_distinct() {
	# shellcheck disable=SC2016
	perl -e 'local $/; my $d = <STDIN>; my ($o, %s) = (0);
		while ($o + 2 <= length $d) {
			my $l = unpack "n", substr($d, $o, 2);
			# the ECS option ends the message: its last 3 octets, the /24
			my @a = unpack "C3", substr($d, $o + 2 + $l - 3, 3);
			$s{"$a[0].$a[1].$a[2].0/24"} = 1;
			$o += 2 + $l }
		print "www.bench.test A +subnet=$_\n" for sort keys %s' <"$W/q/geo-ecs-do.raw" >"$DS/questions"
	sort -u "$W/q/static.txt" >>"$DS/questions"
	dig -p "$1" @127.0.0.1 +norec +dnssec +time=2 +tries=2 +noall +question +answer +authority \
		+nocmd -f "$DS/questions" >"$DS/answers"
	# a response starts with its question line (";name. IN TYPE"); in it,
	# the records but RRSIGs grouped by owner and type, those with an
	# RRSIG over them kept, each RRset once
	awk '
		function flush(   k) { for (k in set) if (k in signed) out[k "|" ttl[k] "|" srt(set[k])] = 1
			delete set; delete signed; delete ttl }
		function srt(s,   a, n, i, j, t, o) { n = split(s, a, "\n")
			for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j-1] > a[j]; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t }
			o = ""; for (i = 1; i <= n; i++) o = o a[i] ";"; return o }
		/^;;/ { next } # a comment of dig, a timeout
		/^;/ { flush(); questions++; next }
		NF >= 5 { o = tolower($1); rd = ""; for (i = 5; i <= NF; i++) rd = rd " " $i
			if ($4 == "RRSIG") signed[o " " $5] = 1
			else { k = o " " $4; set[k] = (k in set) ? set[k] "\n" rd : rd; ttl[k] = $2 } }
		END { flush(); n = 0; for (k in out) n++; print n, questions + 0 }' "$DS/answers"
}

# the distinct RRsets derived from the data: each distinct static question
# has one RRset in its answer; www A has one per distinct address set of
# its regions (no max_answers, every region up)
_ds_derived() {
	_ds_st=$(sort -u "$W/q/static.txt" | grep -c .)
	_ds_geo=$(perl -MJSON::PP -e 'local $/; my $j = decode_json(<STDIN>); my %d;
		for my $r (values %{ $j->{www}{regions} }) {
			$d{join ",", sort @{ $r->{A} }} = 1 if $r->{A} }
		print scalar(keys %d), "\n"' <"$W/services.json")
	echo "$((_ds_st + _ds_geo)) $_ds_st $_ds_geo"
}

_ds_count() {
	_ds_up dscount || return 1
	_ds_p=$(port_of dscount)
	# shellcheck disable=SC2046
	set -- $(_ds_send geoecs 1 "$DNSSEC_QUERIES") $(_ds_send static 1 "$DNSSEC_QUERIES")
	_ds_sent=$(($1 + $3))
	_ds_done=$(($2 + $4))
	_ds_sig=$(_ds_metric "$_ds_p" geodnsd_signatures_total)
	_ds_hits=$(_ds_metric "$_ds_p" geodnsd_signature_cache_hits_total)
	_ds_ac=$(_ds_metric "$_ds_p" geodnsd_answer_cache_hits_total)
	say "dnssec count: $_ds_sent sent, $_ds_done answered; signatures $_ds_sig, signature cache hits $_ds_hits, answer cache hits $_ds_ac"
	# shellcheck disable=SC2046
	set -- $(_ds_distinct "$_ds_p") $(_ds_derived)
	_ds_d=$1
	_ds_t=$DS_COUNT_WORKERS # one listen address: one UDP thread a worker
	echo
	echo "signature count: geodnsd with $DS_COUNT_WORKERS workers ($_ds_t UDP threads, each its own signature cache), no quota;"
	echo "  $DNSSEC_QUERIES DO=1 queries of geoecs, then of static (at least; $_ds_sent sent, $_ds_done answered)"
	[ "$DNSSEC_QUERIES" -lt 1000000 ] &&
		echo "  (a smoke run: the target is for 1000000 queries, tools/bench --dnssec-queries 1000000)"
	echo "  geodnsd_signatures_total $_ds_sig, signature_cache_hits_total $_ds_hits, answer_cache_hits_total $_ds_ac"
	echo "  distinct RRsets signed in the answers: $_ds_d measured ($2 distinct questions asked once each), $3 derived" \
		"($4 static questions + $5 address sets of www)"
	[ "$_ds_d" = "$3" ] || echo "  (measured and derived differ: the bound takes the measured)"
	_ds_verdict "signatures_total <= distinct RRsets x threads ($_ds_d x $_ds_t = $((_ds_d * _ds_t)))" \
		"$_ds_sig" "v <= $((_ds_d * _ds_t)) && v > 0"
	_ds_stop "$(eval echo "\$MP_dscount")"
}

dnssec_figures() {
	DS=$W/dnssec
	mkdir -p "$DS" || return 1
	DS_KEY13=$("$top/build/geodnsd-keygen" -d "$DS" bench.test | sed -n 1p)
	DS_KEY15=$("$top/build/geodnsd-keygen" -a 15 -d "$DS" bench.test | sed -n 1p)
	if [ -z "$DS_KEY13" ] || [ -z "$DS_KEY15" ]; then
		say "dnssec: geodnsd-keygen failed"
		return 1
	fi
	if [ -n "$QUOTA" ]; then
		cg_make dnssec "$QUOTA" || return 1
		CG=$CG_LAST
	fi
	for _ds_s in dnssec onlinesign dsrate13 dsrate15; do
		_ds_up "$_ds_s" || return 1
	done
	say "dnssec: servers up (geodnsd key $(basename "$DS_KEY13"), $(basename "$DS_KEY15")); $ROUNDS rounds of $SECS s${QUOTA:+, CPU quota $QUOTA%}"
	_ds_rounds
	: >"$DS/server-rate.tsv"
	_ds_signrate || { say "dnssec: signrate failed"; return 1; }
	_ds_latency
	for _ds_s in dnssec onlinesign dsrate13 dsrate15; do
		_ds_stop "$(eval echo "\$MP_$_ds_s")"
	done
	_ds_report_rounds
	_ds_report_signrate
	_ds_count
}
