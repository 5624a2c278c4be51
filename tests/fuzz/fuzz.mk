# tests/fuzz/fuzz.mk - the fuzz targets; included by the top Makefile, whose
# variables it uses (SRCS, HDRS, BASE_CFLAGS, LIBS, CHECK_DIR, CHECK_OBJS,
# CHECK_FLAGS, LDFLAGS, CFLAGS).
#
#   make fuzz          build every target with clang and libFuzzer
#                      (-fsanitize=fuzzer,address,undefined) in build-fuzz/
#                      and run each for FUZZ_SECONDS (default 60) on its
#                      corpus tests/fuzz/corpus/<target>/; new inputs go to
#                      the scratch corpus build-fuzz/corpus/<target>/ (never
#                      into git by themselves), crashes to
#                      build-fuzz/artifacts/<target>/. Prints execs per target.
#                      FUZZ_TARGETS="packet zone" runs some only; FUZZ_FLAGS
#                      adds libFuzzer options.
#   make fuzz-replay   build every target with replay.c and the test
#                      sanitizers ($(CC), $(CHECK_FLAGS): ASan+UBSan) as
#                      $(CHECK_DIR)/fuzz-<target> and replay its committed
#                      corpus: one line per target, "PASS fuzz replay <target>:
#                      N inputs" or "FAIL fuzz replay <target>: ...".
#   make fuzz-merge    minimize the scratch corpora into the committed ones
#                      (libFuzzer -merge=1: only inputs adding coverage).
#   make fuzz-coverage line coverage of src/ by the committed corpora
#                      (clang source-based coverage, llvm-profdata and
#                      llvm-cov; report in build-fuzz/cov/report.txt).
#
# Needs clang and libFuzzer's runtime (Debian: clang, libclang-rt-14-dev).
#
# Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.

FUZZ_ALL = packet zone config services feed http tsig xfr xfrin dnskey
FUZZ_TARGETS ?= $(FUZZ_ALL)
FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang
FUZZ_DIR = build-fuzz
FUZZ_SAN = -fsanitize=address,undefined -fno-omit-frame-pointer \
	   -fno-sanitize-recover=undefined
# libFuzzer options for every run (-jobs=1 -workers=1 is the default: one
# process, so a target at a time)
FUZZ_FLAGS ?=
FUZZ_RUN_FLAGS = -timeout=10 -rss_limit_mb=2048 -max_len=8192 -print_final_stats=1 \
		 $(FUZZ_FLAGS)
# Known leaks inside libraries (see the file). Suppressions match function
# names in the allocation stack; the libraries have no frame pointers, so
# whole stacks need the slow unwinder (fast_unwind_on_malloc=0): always in
# replays, and in fuzz runs of the targets that parse with ldns (a cost of
# about half the execs there; FUZZ_SLOW_UNWIND lists them).
FUZZ_LSAN = LSAN_OPTIONS=suppressions=$(CURDIR)/tests/fuzz/lsan.supp:print_suppressions=0
FUZZ_ENV = $(FUZZ_LSAN) ASAN_OPTIONS=fast_unwind_on_malloc=0
FUZZ_SLOW_UNWIND ?= zone xfrin dnskey
FUZZ_OBJS = $(SRCS:src/%.c=$(FUZZ_DIR)/%.o)
FUZZ_HDRS = $(wildcard tests/fuzz/*.h)
FUZZ_BINS = $(FUZZ_ALL:%=$(FUZZ_DIR)/fuzz_%)
FUZZ_REPLAY_BINS = $(FUZZ_ALL:%=$(CHECK_DIR)/fuzz-%)

FUZZ_COV_DIR = $(FUZZ_DIR)/cov
FUZZ_COV_FLAGS = -fprofile-instr-generate -fcoverage-mapping
FUZZ_COV_OBJS = $(SRCS:src/%.c=$(FUZZ_COV_DIR)/%.o)
FUZZ_LLVM_PROFDATA ?= llvm-profdata
FUZZ_LLVM_COV ?= llvm-cov

.PHONY: fuzz fuzz-build fuzz-replay fuzz-replay-build fuzz-merge fuzz-coverage fuzz-clean
# made by a pattern rule only: keep them between builds
.SECONDARY: $(FUZZ_OBJS) $(FUZZ_COV_OBJS)

$(FUZZ_DIR):
	@command -v $(FUZZ_CC) >/dev/null 2>&1 || { echo "fuzz: $(FUZZ_CC) not found" \
	  "(Debian: apt-get install clang libclang-rt-14-dev)"; exit 1; }
	mkdir -p $@

# the server's sources, instrumented for coverage
$(FUZZ_DIR)/%.o: src/%.c config.mk | $(FUZZ_DIR)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(BASE_CFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer-no-link $(DEPFLAGS) $(CFLAGS) -c -o $@ $<

$(FUZZ_DIR)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_OBJS) $(FUZZ_HDRS) $(HDRS) config.mk | $(FUZZ_DIR)
	$(FUZZ_CC) $(BASE_CFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer -Itests/fuzz $(CFLAGS) \
	  $(LDFLAGS) -o $@ $< $(FUZZ_OBJS) $(LIBS)

fuzz-build: $(FUZZ_TARGETS:%=$(FUZZ_DIR)/fuzz_%) zones/demo-city.mmdb

# Each target in turn for FUZZ_SECONDS; the committed corpus is read only
# (the scratch directory comes first, so new inputs are written there).
fuzz: fuzz-build
	@fail=0; for t in $(FUZZ_TARGETS); do \
	  mkdir -p $(FUZZ_DIR)/corpus/$$t $(FUZZ_DIR)/artifacts/$$t; \
	  dict=; [ -f tests/fuzz/$$t.dict ] && dict=-dict=tests/fuzz/$$t.dict; \
	  log=$(FUZZ_DIR)/fuzz_$$t.log; \
	  echo "fuzz $$t: $(FUZZ_SECONDS) s (log $$log)"; \
	  unwind=; case " $(FUZZ_SLOW_UNWIND) " in *" $$t "*) \
	    unwind=ASAN_OPTIONS=fast_unwind_on_malloc=0;; esac; \
	  timer=; [ -x /usr/bin/time ] && timer="/usr/bin/time -f %U+%S -o $$log.cpu"; \
	  if $$timer env $(FUZZ_LSAN) $$unwind $(FUZZ_DIR)/fuzz_$$t $(FUZZ_RUN_FLAGS) $$dict \
	       -max_total_time=$(FUZZ_SECONDS) \
	       -artifact_prefix=$(FUZZ_DIR)/artifacts/$$t/ \
	       $(FUZZ_DIR)/corpus/$$t tests/fuzz/corpus/$$t > $$log 2>&1; then \
	    st=PASS; else st=FAIL; fail=1; fi; \
	  execs=$$(sed -n 's/^stat::number_of_executed_units: *//p' $$log | tail -1); \
	  rss=$$(sed -n 's/^stat::peak_rss_mb: *//p' $$log | tail -1); \
	  last=$$(grep -E '^#[0-9]+' $$log | tail -1); \
	  cov=$$(echo "$$last" | sed -n 's/.*cov: \([0-9]*\).*/\1/p'); \
	  ft=$$(echo "$$last" | sed -n 's/.*ft: \([0-9]*\).*/\1/p'); \
	  eps=$$(echo "$$last" | sed -n 's/.*exec\/s: \([0-9]*\).*/\1/p'); \
	  cpu=$$( [ -f $$log.cpu ] && tail -1 $$log.cpu | awk -F+ '{ print $$1 + $$2 }'); \
	  echo "$$st fuzz $$t: $${execs:-?} execs, $${eps:-?} exec/s, cpu $${cpu:-?} s, cov $${cov:-?} ft $${ft:-?}, rss $${rss:-?} MB"; \
	  if [ $$st = FAIL ]; then \
	    grep -E 'ERROR|SUMMARY|fuzz check failed|Test unit written' $$log | head -5; \
	  fi; \
	done; exit $$fail

# Minimize the scratch corpora into the committed ones: only inputs that add
# coverage are copied (review and commit them deliberately). Edges only
# (-use_counters=0: hit counts do not count), which keeps the corpora small.
fuzz-merge: fuzz-build
	@for t in $(FUZZ_TARGETS); do \
	  [ -d $(FUZZ_DIR)/corpus/$$t ] || continue; \
	  before=$$(ls tests/fuzz/corpus/$$t | wc -l); \
	  $(FUZZ_ENV) $(FUZZ_DIR)/fuzz_$$t -merge=1 -use_counters=0 -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
	    tests/fuzz/corpus/$$t $(FUZZ_DIR)/corpus/$$t > $(FUZZ_DIR)/merge_$$t.log 2>&1 \
	    || { echo "fuzz-merge $$t failed: $(FUZZ_DIR)/merge_$$t.log"; exit 1; }; \
	  after=$$(ls tests/fuzz/corpus/$$t | wc -l); \
	  echo "fuzz-merge $$t: $$before -> $$after inputs"; \
	done

# The replay build: the test objects (already sanitized) and replay.c.
$(CHECK_DIR)/fuzz-%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(CHECK_OBJS) $(FUZZ_HDRS) \
		     $(HDRS) config.mk | $(CHECK_DIR)
	$(CC) $(BASE_CFLAGS) $(CHECK_FLAGS) -Itests/fuzz $(CFLAGS) $(LDFLAGS) -o $@ \
	  $< tests/fuzz/replay.c $(CHECK_OBJS) $(LIBS)

fuzz-replay-build: $(FUZZ_REPLAY_BINS) zones/demo-city.mmdb

fuzz-replay: fuzz-replay-build
	@fail=0; for t in $(FUZZ_ALL); do \
	  log=$(CHECK_DIR)/fuzz-$$t.log; \
	  if $(FUZZ_ENV) $(CHECK_DIR)/fuzz-$$t tests/fuzz/corpus/$$t > $$log 2>&1; then \
	    n=$$(sed -n 's/^replayed \([0-9]*\) inputs$$/\1/p' $$log); \
	    echo "PASS fuzz replay $$t: $$n inputs"; \
	  else \
	    fail=1; \
	    echo "FAIL fuzz replay $$t: $$(grep -m1 -E 'replay: failing input|replay: ' $$log || echo 'see log') (log $$log)"; \
	    grep -E 'ERROR:|SUMMARY:|runtime error|fuzz check failed' $$log | head -5 | sed 's/^/  /'; \
	  fi; \
	done; exit $$fail

# Coverage: every target with replay.c, instrumented for source-based coverage.
$(FUZZ_COV_DIR)/%.o: src/%.c config.mk | $(FUZZ_DIR)
	@mkdir -p $(@D)
	@mkdir -p $(FUZZ_COV_DIR)
	$(FUZZ_CC) $(BASE_CFLAGS) $(FUZZ_COV_FLAGS) $(DEPFLAGS) $(CFLAGS) -c -o $@ $<

$(FUZZ_COV_DIR)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(FUZZ_COV_OBJS) $(FUZZ_HDRS) \
			$(HDRS) config.mk | $(FUZZ_DIR)
	$(FUZZ_CC) $(BASE_CFLAGS) $(FUZZ_COV_FLAGS) -Itests/fuzz $(CFLAGS) $(LDFLAGS) -o $@ \
	  $< tests/fuzz/replay.c $(FUZZ_COV_OBJS) $(LIBS)

fuzz-coverage: $(FUZZ_ALL:%=$(FUZZ_COV_DIR)/fuzz_%) zones/demo-city.mmdb
	@rm -f $(FUZZ_COV_DIR)/*.profraw
	@for t in $(FUZZ_ALL); do \
	  LLVM_PROFILE_FILE=$(FUZZ_COV_DIR)/$$t.profraw $(FUZZ_COV_DIR)/fuzz_$$t \
	    tests/fuzz/corpus/$$t > $(FUZZ_COV_DIR)/$$t.log 2>&1 \
	    || { echo "fuzz-coverage: $$t failed (see $(FUZZ_COV_DIR)/$$t.log)"; exit 1; }; \
	done
	@$(FUZZ_LLVM_PROFDATA) merge -sparse -o $(FUZZ_COV_DIR)/all.profdata $(FUZZ_COV_DIR)/*.profraw
	@$(FUZZ_LLVM_COV) report -instr-profile=$(FUZZ_COV_DIR)/all.profdata \
	  $(FUZZ_COV_DIR)/fuzz_packet $(foreach t,$(filter-out packet,$(FUZZ_ALL)),-object $(FUZZ_COV_DIR)/fuzz_$(t)) \
	  $(SRCS) > $(FUZZ_COV_DIR)/report.txt
	@cat $(FUZZ_COV_DIR)/report.txt

fuzz-clean:
	rm -rf $(FUZZ_DIR) $(FUZZ_REPLAY_BINS)
