/*
 * dnstap_pb.c - compiles the code protoc-c writes from dnstap.proto
 * (build-gen/dnstap.pb-c.c, made by the Makefile) with the server's
 * modules, in every build (plain, sanitizers, TSan, fuzz).
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "dnstap.pb-c.c"
