/*
 * fuzz_config.c - the configuration: the input is written to a file and
 * loaded by config_load(); a config that loads is also checked for duplicate
 * zones (config_check_zones) as `geodnsd -t` does. Nothing is opened beyond
 * the input: config_load only validates (zones, GeoIP and feeds are read by
 * snapshot_build and the prober).
 *
 * Properties: NULL comes with at least one error; every diagnostic is a
 * non-empty string; a loaded config is within the documented ranges.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "conf/config.h"
#include "common/diag.h"

#include "fuzz_util.h"

#include <sys/socket.h>

static void check_cfg(const struct config *cfg)
{
	fuzz_check(cfg->udp_payload >= 512 && cfg->udp_payload <= 4096, "udp_payload %u",
		   cfg->udp_payload);
	fuzz_check(cfg->tcp_max_message <= 65535, "tcp_max_message %u", cfg->tcp_max_message);
	fuzz_check(!cfg->nsid || cfg->nsid_len <= 128, "nsid of %zu octets", cfg->nsid_len);
	for (size_t i = 0; i < cfg->nlisten; i++)
		fuzz_check(cfg->listen[i].len > 0 &&
			   cfg->listen[i].len <= sizeof(struct sockaddr_storage) &&
			   (cfg->listen[i].ss.ss_family == AF_INET ||
			    cfg->listen[i].ss.ss_family == AF_INET6),
			   "listen address %zu", i);
	for (size_t i = 0; i < cfg->necs_trusted; i++)
		fuzz_check(cfg->ecs_trusted[i].bits <=
				   (cfg->ecs_trusted[i].family == AF_INET ? 32 : 128),
			   "ecs.trusted prefix of %u bits", cfg->ecs_trusted[i].bits);
	for (size_t i = 0; i < cfg->nzones; i++)
		fuzz_check(cfg->zones[i].origin && cfg->zones[i].file, "zone %zu incomplete", i);
	for (size_t i = 0; i < cfg->nregions; i++)
		fuzz_check(cfg->regions[i].name && cfg->regions[i].lat >= -90 &&
			   cfg->regions[i].lat <= 90 && cfg->regions[i].lon >= -180 &&
			   cfg->regions[i].lon <= 180,
			   "region %zu", i);
	fuzz_check(config_workers(cfg) > 0, "no workers");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_root();
	char path[PATH_MAX];
	fuzz_write_file("config.json", data, size, path);
	struct diag d = {0};
	struct config *cfg = config_load(path, &d);
	unlink(path);
	const char *ok_str = cfg ? "loaded" : "rejected";
	fuzz_check(cfg || d.errors > 0, "config_load failed without an error");
	if (cfg) {
		check_cfg(cfg);
		config_check_zones(cfg, &d);
		config_free(cfg);
	}
	for (size_t i = 0; i < d.count; i++)
		fuzz_check(strlen(d.msgs[i]) > 0, "empty diagnostic");
	if (fuzz_verbose()) {
		fprintf(stderr, "config: %s, %zu errors\n", ok_str, d.errors);
		diag_flush_stderr(&d);
	}
	diag_free(&d);
	return 0;
}
