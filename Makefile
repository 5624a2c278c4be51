# geodnsd top-level Makefile.
#
# On a fresh clone every target first makes config.mk: when autoconf or a
# library that configure needs is missing it runs tools/install-deps (and says
# so), then autoconf -I /usr/share/aclocal and ./configure. Run ./configure yourself for options
# (--enable-sanitizers, --enable-tsan, --prefix).
#
#   make            build src/geodnsd
#   make run        build and run the demo server in the foreground on
#                   127.0.0.1:5353 and [::1]:5353 with zones/geodnsd.conf
#   make check      the whole test suite (unit + integration), built with
#                   ASan+UBSan in build-check/ (CHECK_SANITIZE=0 to use the
#                   plain build)
#   make install    PREFIX=/usr/local SYSCONFDIR=/etc LOCALSTATEDIR=/var DESTDIR=
#                   (sbin/geodnsd, sbin/geodnsdctl, sbin/geodnsd-checkzone,
#                   bin/geodnsd-services-to-zone, bin/geodnsd-keygen,
#                   the man pages, the manual, share/geodnsd, and a sample
#                   SYSCONFDIR/geodnsd/geodnsd.conf with its zones when none is there)
#   make deb        the Debian package (debian/, dpkg-buildpackage) in build-deb/
#   make clean, make distclean

PKGS = ldns libevent libevent_pthreads libevent_openssl libmaxminddb jansson liburcu-memb libcrypto \
       libssl libsystemd libfstrm libprotobuf-c libxdp libbpf check

-include config.mk

PREFIX ?= $(if $(prefix),$(prefix),/usr/local)
# the configuration and state directories stay /etc and /var whatever the
# prefix (configure's sysconfdir; the FHS for PREFIX=/usr, as make deb does)
SYSCONFDIR ?= $(if $(sysconfdir),$(sysconfdir),/etc)
LOCALSTATEDIR ?= /var
DATADIR = $(PREFIX)/share
DESTDIR ?=
CHECK_SANITIZE ?= 1

# every module lives in a folder of src/ named for its concern (doc/design.md
# has the map); include/ mirrors it with each module's interface
# (the XDP program, *.bpf.c, is compiled for the BPF target: GEN_XDP)
SRCS = $(sort $(filter-out %.bpf.c,$(wildcard src/*/*.c)))
MAIN = src/main.c
HDRS = $(wildcard include/*/*.h)
# each object's header dependencies, written by the compiler beside it
# (build*/DIR/NAME.d, included at the end); -MP keeps a removed header from
# breaking the build
DEPFLAGS = -MMD -MP
UNIT_SRCS = $(wildcard tests/unit/*.c)
# code made at build time: protoc-c's dnstap message packing, compiled
# through src/ops/dnstap_pb.c
GEN_DIR = build-gen
GEN_DNSTAP = $(GEN_DIR)/dnstap.pb-c.c $(GEN_DIR)/dnstap.pb-c.h
# the XDP program as bytes in a header (src/server/xdp.c carries it)
GEN_XDP = $(GEN_DIR)/xdp_dns_obj.h
TEST_MMDB = tests/tmp/geo/city.mmdb tests/tmp/geo/city4.mmdb \
	    tests/tmp/geo/flat4.mmdb tests/tmp/geo/flat6.mmdb tests/tmp/geo/asn.mmdb \
	    tests/tmp/geo/asn-dbip.mmdb

WARN = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
       -Wno-unused-parameter
ifeq ($(WERROR),yes)
WARN += -Werror
endif
BASE_CFLAGS = -std=c11 -D_GNU_SOURCE -g -O2 -pthread -Iinclude -I$(GEN_DIR) $(WARN) \
       -DGD_VERSION='"$(VERSION)"' -DSYSCONFDIR='"$(SYSCONFDIR)"' \
       $(CPPFLAGS) $(LDNS_CFLAGS) $(EVENT_CFLAGS) $(MMDB_CFLAGS) $(JANSSON_CFLAGS) \
       $(URCU_CFLAGS) $(CRYPTO_CFLAGS) $(SYSTEMD_CFLAGS) $(DNSTAP_CFLAGS) $(XDP_CFLAGS)
LIBS = $(LDNS_LIBS) $(EVENT_LIBS) $(MMDB_LIBS) $(JANSSON_LIBS) $(URCU_LIBS) $(CRYPTO_LIBS) -lm \
       -pthread $(SYSTEMD_LIBS) $(DNSTAP_LIBS) $(XDP_LIBS)
SAN_FLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer \
       -fno-sanitize-recover=undefined
TSAN_FLAGS = -fsanitize=thread -fno-omit-frame-pointer

MODE_FLAGS =
# The daemon is linked with link-time optimization: the answer path is split
# by stage across src/query/*.c, and LTO inlines across those files as the
# compiler did when they were one (callgrind: instructions per query at or
# below the single-file build; doc/benchmarks.md). Not for the sanitizer and
# fuzz builds. LTO= turns it off.
LTO ?= -flto=auto
ifeq ($(SANITIZE),yes)
MODE_FLAGS += $(SAN_FLAGS)
endif
ifeq ($(TSAN),yes)
MODE_FLAGS += $(TSAN_FLAGS)
endif

# LTO only for a build without sanitizers
RELEASE_LTO = $(if $(strip $(MODE_FLAGS)),,$(LTO))

# The test build: sanitizers unless CHECK_SANITIZE=0 or the main build already
# has them.
ifeq ($(CHECK_SANITIZE)$(SANITIZE)$(TSAN),1nono)
CHECK_DIR = build-check
CHECK_FLAGS = $(SAN_FLAGS)
else
CHECK_DIR = build
CHECK_FLAGS = $(MODE_FLAGS)
endif

OBJS = $(SRCS:src/%.c=build/%.o)
TSAN_OBJS = $(SRCS:src/%.c=build-tsan/%.o)
CHECK_OBJS = $(SRCS:src/%.c=$(CHECK_DIR)/%.o)

.PHONY: all run check install uninstall clean distclean deps soak deb

all: src/geodnsd zones/demo-city.mmdb build/feedserver build/services-to-zone build/geodnsd-keygen \
     build/geodnsd-checkzone build/geodnsdctl

# the feed server of the demo and the health tests
build/feedserver: tools/feedserver.c config.mk | build
	$(CC) $(BASE_CFLAGS) $(CFLAGS) -o $@ $< $(EVENT_LIBS)

# a services file as TYPE65281 zone records (installed: bin/services-to-zone)
build/services-to-zone: tools/services-to-zone.c config.mk | build
	$(CC) $(BASE_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(JANSSON_LIBS)

# a DNSSEC key generated, its DS printed (installed: bin/geodnsd-keygen);
# linked with the few modules it uses (src/dnssec/key.c and what it calls)
KEYGEN_OBJS = build/dnssec/key.o build/dns/tsig.o build/dns/wire.o build/common/util.o \
	      build/common/log.o build/common/hash.o
build/geodnsd-keygen: tools/geodnsd-keygen.c $(KEYGEN_OBJS) config.mk | build
	$(CC) $(BASE_CFLAGS) $(MODE_FLAGS) $(RELEASE_LTO) $(CFLAGS) $(LDFLAGS) -o $@ $< \
	  $(KEYGEN_OBJS) $(LDNS_LIBS) $(CRYPTO_LIBS) -pthread

# tools/bench --dnssec: RRSIGs a second on one thread, no cache
# (tools/bench.d/signrate.c), with the signer's modules and what they call;
# built by make check too, so that a change of the signer's interface
# cannot leave it behind
SIGNRATE_OBJS = build/dnssec/sign.o $(KEYGEN_OBJS)
build/signrate: tools/bench.d/signrate.c $(SIGNRATE_OBJS) config.mk | build
	$(CC) $(BASE_CFLAGS) $(MODE_FLAGS) $(RELEASE_LTO) $(CFLAGS) $(LDFLAGS) -o $@ $< \
	  $(SIGNRATE_OBJS) $(LDNS_LIBS) $(CRYPTO_LIBS) -pthread

# a zone file checked without a server (installed: sbin/geodnsd-checkzone):
# the server's modules, without its main
build/geodnsd-checkzone: tools/geodnsd-checkzone.c $(OBJS) config.mk | build
	$(CC) $(BASE_CFLAGS) $(MODE_FLAGS) $(RELEASE_LTO) $(CFLAGS) $(LDFLAGS) -o $@ $< $(OBJS) \
	  $(LIBS)

# the control tool (installed: sbin/geodnsdctl); it speaks the control
# socket's line protocol and needs none of the daemon's code
build/geodnsdctl: tools/geodnsdctl.c config.mk | build
	$(CC) $(BASE_CFLAGS) $(MODE_FLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $<

# a hostile feed (endless headers, trickle, silence) for the health tests
build/evilfeed: tests/integration/evilfeed.c config.mk | build
	$(CC) $(BASE_CFLAGS) $(CFLAGS) -o $@ $<

# the demo GeoIP database, built from its readable source
zones/demo-city.mmdb: zones/demo-geo.csv tools/mkgeodb
	tools/mkgeodb -o $@ zones/demo-geo.csv

# where pkg-config installs pkg.m4 (PKG_CHECK_MODULES), for autoconf
PKG_M4_DIR ?= /usr/share/aclocal

ifneq ($(CONFIGURED),yes)
# Bootstrap: make config.mk, then GNU make restarts with it included.
config.mk: configure.ac config.mk.in
	@if ! command -v autoconf >/dev/null 2>&1 || ! command -v pkg-config >/dev/null 2>&1 \
	   || ! pkg-config --exists $(PKGS); then \
	  echo "make: build dependencies are missing; running tools/install-deps"; \
	  tools/install-deps; \
	fi
	autoconf -I $(PKG_M4_DIR)
	./configure
else
config.mk: configure.ac config.mk.in
	@echo "make: configure.ac changed; re-running ./configure"
	autoconf -I $(PKG_M4_DIR)
	./config.status --recheck && ./config.status
endif

deps:
	tools/install-deps

$(GEN_DNSTAP) &: src/ops/dnstap.proto config.mk
	@mkdir -p $(GEN_DIR)
	$(PROTOC_C) --proto_path=src/ops --c_out=$(GEN_DIR) dnstap.proto
# the objects that include it, in every build directory
$(foreach d,build build-check build-tsan build-fuzz build-fuzz/cov,$(d)/ops/dnstap.o \
  $(d)/ops/dnstap_pb.o): $(GEN_DNSTAP)

# the XDP program: clang for the BPF target (with BTF, which libxdp's
# dispatcher needs), then its bytes as a C array (od: no xxd needed)
$(GEN_DIR)/xdp_dns.bpf.o: src/server/xdp_dns.bpf.c include/server/xdp_maps.h config.mk
	@mkdir -p $(GEN_DIR)
	$(BPF_CLANG) -O2 -g -target bpf -Wall -Werror -Iinclude \
	  -I/usr/include/$(shell $(CC) -dumpmachine) -c -o $@ $<
$(GEN_XDP): $(GEN_DIR)/xdp_dns.bpf.o
	{ echo '/* made by the Makefile from $< */'; \
	  echo 'static const unsigned char xdp_dns_obj[] = {'; \
	  od -An -v -tx1 $< | sed 's/ \([0-9a-f][0-9a-f]\)/0x\1,/g'; echo '};'; } >$@.tmp
	mv $@.tmp $@
$(foreach d,build build-check build-tsan build-fuzz build-fuzz/cov,$(d)/server/xdp.o): $(GEN_XDP)

build build-check build-tsan:
	mkdir -p $@

# ThreadSanitizer build of the unit tests: make check runs the concurrency
# tests (snapshot publication under readers) with it
build-tsan/%.o: src/%.c config.mk | build-tsan
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(TSAN_FLAGS) $(DEPFLAGS) $(CFLAGS) -c -o $@ $<

build-tsan/geodnsd: $(TSAN_OBJS) build-tsan/main.o
	$(CC) $(BASE_CFLAGS) $(TSAN_FLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

# the unit tests need Check; the daemon does not (configure finds it or not)
NEED_CHECK = @test "$(HAVE_CHECK)" = yes || \
	{ echo "make: the unit tests need Check (libcheck, pkg-config check): run tools/install-deps"; exit 1; }

build-tsan/unit-tests: $(UNIT_SRCS) $(TSAN_OBJS) $(HDRS) tests/unit/unit.h $(TEST_MMDB)
	$(NEED_CHECK)
	$(CC) $(BASE_CFLAGS) $(TSAN_FLAGS) $(CHECK_CFLAGS) -Itests/unit $(LDFLAGS) \
	  -o $@ $(UNIT_SRCS) $(TSAN_OBJS) $(LIBS) $(CHECK_LIBS)

build/%.o: src/%.c config.mk | build
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(MODE_FLAGS) $(RELEASE_LTO) $(DEPFLAGS) $(CFLAGS) -c -o $@ $<

ifneq ($(CHECK_DIR),build)
$(CHECK_DIR)/%.o: src/%.c config.mk | $(CHECK_DIR)
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(CHECK_FLAGS) $(DEPFLAGS) $(CFLAGS) -c -o $@ $<
endif

src/geodnsd: $(OBJS) build/main.o
	$(CC) $(BASE_CFLAGS) $(MODE_FLAGS) $(RELEASE_LTO) $(LDFLAGS) -o $@ $^ $(LIBS)

$(CHECK_DIR)/geodnsd: $(CHECK_OBJS) $(CHECK_DIR)/main.o
	$(CC) $(BASE_CFLAGS) $(CHECK_FLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

$(CHECK_DIR)/unit-tests: $(UNIT_SRCS) $(CHECK_OBJS) $(HDRS) tests/unit/unit.h $(TEST_MMDB)
	$(NEED_CHECK)
	$(CC) $(BASE_CFLAGS) $(CHECK_FLAGS) $(CHECK_CFLAGS) -Itests/unit $(LDFLAGS) \
	  -o $@ $(UNIT_SRCS) $(CHECK_OBJS) $(LIBS) $(CHECK_LIBS)

# test helper programs used by the integration scripts
$(CHECK_DIR)/tcpclient: tests/integration/tcpclient.c config.mk | $(CHECK_DIR)
	$(CC) $(BASE_CFLAGS) $(CHECK_FLAGS) $(CFLAGS) -o $@ $< $(LDNS_LIBS)
$(CHECK_DIR)/httpclient: tests/integration/httpclient.c config.mk | $(CHECK_DIR)
	$(CC) $(BASE_CFLAGS) $(CHECK_FLAGS) $(CFLAGS) -o $@ $<

# GeoIP databases for the tests (TEST_MMDB), in every layout the server reads
tests/tmp/geo/city.mmdb: tests/data/geo-test.csv tools/mkgeodb
	@mkdir -p tests/tmp/geo
	tools/mkgeodb --layout maxmind --ip-version 6 -o $@ tests/data/geo-test.csv
tests/tmp/geo/city4.mmdb: tests/data/geo-test.csv tools/mkgeodb
	@mkdir -p tests/tmp/geo
	grep -v '^2001:' tests/data/geo-test.csv > tests/tmp/geo/v4.csv
	tools/mkgeodb --layout maxmind --ip-version 4 -o $@ tests/tmp/geo/v4.csv
tests/tmp/geo/flat4.mmdb: tests/data/geo-test.csv tools/mkgeodb
	@mkdir -p tests/tmp/geo
	grep -v '^2001:' tests/data/geo-test.csv > tests/tmp/geo/flat-v4.csv
	tools/mkgeodb --layout flat --ip-version 4 -o $@ tests/tmp/geo/flat-v4.csv
tests/tmp/geo/flat6.mmdb: tests/data/geo-test.csv tools/mkgeodb
	@mkdir -p tests/tmp/geo
	grep -E '^(network|2001:)' tests/data/geo-test.csv > tests/tmp/geo/flat-v6.csv
	tools/mkgeodb --layout flat --ip-version 6 --type dbip-city-lite -o $@ tests/tmp/geo/flat-v6.csv
tests/tmp/geo/asn.mmdb: tests/data/geo-asn.csv tools/mkgeodb
	@mkdir -p tests/tmp/geo
	tools/mkgeodb --layout asn --ip-version 6 -o $@ tests/data/geo-asn.csv
tests/tmp/geo/asn-dbip.mmdb: tests/data/geo-asn.csv tools/mkgeodb
	@mkdir -p tests/tmp/geo
	grep -v '^2001:' tests/data/geo-asn.csv > tests/tmp/geo/asn-v4.csv
	tools/mkgeodb --layout asn --ip-version 4 --type DBIP-ASN-Lite -o $@ tests/tmp/geo/asn-v4.csv

# the demo: the feed server in the background (stopped by pid on exit),
# geodnsd in the foreground
run: src/geodnsd zones/demo-city.mmdb build/feedserver
	@build/feedserver -l 127.0.0.1:9053 -d zones/health --fresh & fs=$$!; \
	trap 'kill $$fs 2>/dev/null' EXIT INT TERM; \
	src/geodnsd -f -c zones/geodnsd.conf

check: $(CHECK_DIR)/geodnsd $(CHECK_DIR)/unit-tests $(CHECK_DIR)/tcpclient $(CHECK_DIR)/httpclient \
       zones/demo-city.mmdb \
       build/feedserver build/services-to-zone build/geodnsd-keygen build/evilfeed \
       build/geodnsd-checkzone build/geodnsdctl build/signrate \
       build-tsan/unit-tests build-tsan/geodnsd fuzz-replay-build \
       $(TEST_MMDB) src/geodnsd
	TSAN_UNIT=build-tsan/unit-tests TSAN_GEODNSD=build-tsan/geodnsd SOAK_GEODNSD=src/geodnsd \
	  FUZZ_TARGETS_ALL="$(FUZZ_ALL)" tests/run-all $(CHECK_DIR)

# bounded load while reloading, flapping feeds and draining (tools/soak)
SOAK_SECONDS ?= 600
soak: src/geodnsd build/feedserver zones/demo-city.mmdb
	tools/soak --seconds $(SOAK_SECONDS)

# The sample configuration: zones/sample.conf.in with the installed paths.
# Every file under SYSCONFDIR/geodnsd is installed only when it is not
# there yet, so a make install never overwrites an operator's files (the
# package's are conffiles: dpkg asks).
SAMPLE_ZONES = zones/example.com.zone zones/example.com.include \
	       zones/example.com.services.json zones/example.net.zone
ETC = $(DESTDIR)$(SYSCONFDIR)/geodnsd
SHARE = $(DESTDIR)$(DATADIR)/geodnsd
MANUAL = doc/security.md doc/design.md doc/testing.md doc/benchmarks.md

build/sample.conf: zones/sample.conf.in config.mk | build
	sed -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' -e 's|@DATADIR@|$(DATADIR)|g' \
	  -e 's|@LOCALSTATEDIR@|$(LOCALSTATEDIR)|g' zones/sample.conf.in >$@

install: src/geodnsd build/services-to-zone build/geodnsd-keygen build/geodnsd-checkzone \
	 build/geodnsdctl zones/demo-city.mmdb build/sample.conf
	install -d $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(PREFIX)/bin \
	  $(DESTDIR)$(DATADIR)/man/man8 $(DESTDIR)$(DATADIR)/man/man5 \
	  $(DESTDIR)$(DATADIR)/man/man7 \
	  $(DESTDIR)$(DATADIR)/man/man1 $(SHARE) $(SHARE)/alerts $(ETC)/zones \
	  $(DESTDIR)$(LOCALSTATEDIR)/lib/geodnsd
	install -m 0755 src/geodnsd $(DESTDIR)$(PREFIX)/sbin/geodnsd
	install -m 0755 build/geodnsdctl $(DESTDIR)$(PREFIX)/sbin/geodnsdctl
	install -m 0644 doc/geodnsdctl.8 $(DESTDIR)$(DATADIR)/man/man8/geodnsdctl.8
	install -m 0755 build/services-to-zone $(DESTDIR)$(PREFIX)/bin/geodnsd-services-to-zone
	install -m 0755 build/geodnsd-keygen $(DESTDIR)$(PREFIX)/bin/geodnsd-keygen
	install -m 0755 build/geodnsd-checkzone $(DESTDIR)$(PREFIX)/sbin/geodnsd-checkzone
	install -m 0644 doc/geodnsd-checkzone.8 $(DESTDIR)$(DATADIR)/man/man8/geodnsd-checkzone.8
	install -m 0644 doc/geodnsd-services-to-zone.1 \
	  $(DESTDIR)$(DATADIR)/man/man1/geodnsd-services-to-zone.1
	install -m 0644 doc/geodnsd.8 $(DESTDIR)$(DATADIR)/man/man8/geodnsd.8
	install -m 0644 doc/geodnsd-keygen.8 $(DESTDIR)$(DATADIR)/man/man8/geodnsd-keygen.8
	install -m 0644 doc/geodnsd.conf.5 $(DESTDIR)$(DATADIR)/man/man5/geodnsd.conf.5
	install -m 0644 doc/geodnsd-services.5 $(DESTDIR)$(DATADIR)/man/man5/geodnsd-services.5
	install -m 0644 doc/geodnsd-feed.5 $(DESTDIR)$(DATADIR)/man/man5/geodnsd-feed.5
	install -m 0644 doc/geodnsd-inputs.7 $(DESTDIR)$(DATADIR)/man/man7/geodnsd-inputs.7
	install -d $(DESTDIR)$(DATADIR)/doc/geodnsd
	install -m 0644 $(MANUAL) $(DESTDIR)$(DATADIR)/doc/geodnsd/
	install -m 0644 zones/demo-city.mmdb $(SHARE)/demo-city.mmdb
	install -m 0644 tools/geodnsd-xdp.conf $(SHARE)/geodnsd-xdp.conf
	install -m 0644 tools/alerts/geodnsd.rules.yml tools/alerts/geodnsd.rules.test.yml \
	  tools/alerts/geodnsd-dashboard.json $(SHARE)/alerts/
	@for f in build/sample.conf:geodnsd.conf $(foreach z,$(SAMPLE_ZONES),$(z):zones/$(notdir $(z))); do \
	  src=$${f%%:*}; dst=$(ETC)/$${f#*:}; \
	  if [ -e "$$dst" ]; then echo "install: $$dst exists, left as it is"; \
	  else echo "install -m 0644 $$src $$dst"; install -m 0644 "$$src" "$$dst" || exit 1; fi; \
	done

# what make install wrote, but SYSCONFDIR/geodnsd and LOCALSTATEDIR/lib/geodnsd
# (the operator's configuration and the server's state stay)
uninstall:
	rm -f $(DESTDIR)$(PREFIX)/sbin/geodnsd \
	  $(DESTDIR)$(PREFIX)/sbin/geodnsdctl $(DESTDIR)$(DATADIR)/man/man8/geodnsdctl.8 \
	  $(DESTDIR)$(PREFIX)/bin/geodnsd-services-to-zone \
	  $(DESTDIR)$(PREFIX)/bin/geodnsd-keygen \
	  $(DESTDIR)$(DATADIR)/man/man8/geodnsd-keygen.8 \
	  $(DESTDIR)$(PREFIX)/sbin/geodnsd-checkzone \
	  $(DESTDIR)$(DATADIR)/man/man8/geodnsd-checkzone.8 \
	  $(DESTDIR)$(DATADIR)/man/man1/geodnsd-services-to-zone.1 \
	  $(DESTDIR)$(DATADIR)/man/man8/geodnsd.8 \
	  $(DESTDIR)$(DATADIR)/man/man5/geodnsd.conf.5 \
	  $(DESTDIR)$(DATADIR)/man/man5/geodnsd-services.5 \
	  $(DESTDIR)$(DATADIR)/man/man5/geodnsd-feed.5 \
	  $(DESTDIR)$(DATADIR)/man/man7/geodnsd-inputs.7
	rm -rf $(DESTDIR)$(DATADIR)/doc/geodnsd $(SHARE)

# The Debian package (debian/): the tracked and new files of the source tree
# copied to build-deb/geodnsd-VERSION (so dpkg-buildpackage's clean and build
# never touch this checkout), built there with dpkg-buildpackage -us -uc -b,
# then checked with lintian (errors fail). Rebuilt when a source file changes.
PAREN_OPEN := (
PAREN_CLOSE := )
# "geodnsd (VERSION) unstable; ..." on the changelog's first line
DEB_VERSION = $(subst $(PAREN_OPEN),,$(subst $(PAREN_CLOSE),,$(word 2,$(shell head -n 1 debian/changelog))))
DEB_ARCH = $(shell dpkg --print-architecture 2>/dev/null)
DEB = build-deb/geodnsd_$(DEB_VERSION)_$(DEB_ARCH).deb
DEB_INPUTS = $(filter-out build-deb/%,$(wildcard $(shell git ls-files 2>/dev/null)))
deb: $(DEB)
$(DEB): $(DEB_INPUTS)
	@test "$(DEB_VERSION)" = "$(VERSION)" || \
	  { echo "make deb: debian/changelog is at $(DEB_VERSION), configure.ac at $(VERSION)"; exit 1; }
	@command -v dpkg-buildpackage >/dev/null && command -v dh >/dev/null && \
	  command -v lintian >/dev/null || \
	  { echo "make deb: needs dpkg-dev, debhelper and lintian: run tools/install-deps"; exit 1; }
	rm -rf build-deb && mkdir -p build-deb/geodnsd-$(VERSION)
	if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then \
	  git ls-files -z --cached --others --exclude-standard | \
	    tar --null --ignore-failed-read -T - -cf - | tar -xf - -C build-deb/geodnsd-$(VERSION); \
	else \
	  tar --exclude='./build*' --exclude=./config.mk --exclude=./config.status \
	    --exclude=./tests/tmp --exclude=./src/geodnsd -cf - . | tar -xf - -C build-deb/geodnsd-$(VERSION); \
	fi
	cd build-deb/geodnsd-$(VERSION) && dpkg-buildpackage -us -uc -b
	lintian --fail-on error --info --display-info build-deb/geodnsd_$(DEB_VERSION)_$(DEB_ARCH).changes

clean:
	rm -rf build build-check build-tsan build-fuzz build-deb $(GEN_DIR) src/geodnsd tests/tmp zones/demo-city.mmdb

distclean: clean
	rm -rf config.mk config.status config.log configure autom4te.cache

# fuzz targets: make fuzz, make fuzz-replay (run by make check), make fuzz-merge
include tests/fuzz/fuzz.mk

-include $(wildcard build/*.d build-check/*.d build-tsan/*.d build-fuzz/*.d build-fuzz/cov/*.d \
		    build/*/*.d build-check/*/*.d build-tsan/*/*.d build-fuzz/*/*.d build-fuzz/cov/*/*.d)
