/*
 * geodnsd-checkzone - check one zone file (and its services) without a
 * running server or a whole configuration, as kzonecheck and
 * nsd-checkzone do: the same loader and the same rules as geodnsd, every
 * error and warning with its file and line.
 *
 *   geodnsd-checkzone [-c CONFIG] [-s SERVICES] ORIGIN FILE
 *
 * Services (a services file, or TYPE65281 records in the zone) are
 * checked against the regions of CONFIG; without -c a zone with services
 * is refused with that said, since a region name can only be checked
 * against the regions it must be one of.
 *
 * Exit status: 0 the zone loads, 1 it does not, 2 usage.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "common/diag.h"
#include "common/gd.h"
#include "conf/config.h"
#include "geo/service.h"
#include "geo/shared_networks.h"
#include "zone/zone.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "Usage: geodnsd-checkzone [-c CONFIG] [-s SERVICES] ORIGIN FILE\n"
    "Check a zone file as geodnsd loads it: syntax, the RFC 1034/1035 rules,\n"
    "services (from SERVICES or the zone's TYPE65281 records) against the\n"
    "regions of CONFIG. Every problem is printed with its file and line.\n"
    "\n"
    "  -c, --config FILE     the configuration whose regions services name\n"
    "  -s, --services FILE   the zone's services file\n"
    "  -q, --quiet           print problems only, not the summary line\n"
    "  -h, --help            this text\n"
    "  -V, --version         print the version\n"
    "\n"
    "Exit status: 0 the zone loads, 1 it does not, 2 usage.\n";

static void print_diag(const struct diag *d)
{
	for (size_t i = 0; i < d->count; i++)
		fprintf(stderr, "%s\n", d->msgs[i]);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"config", required_argument, NULL, 'c'}, {"services", required_argument, NULL, 's'},
	    {"quiet", no_argument, NULL, 'q'},        {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},      {NULL, 0, NULL, 0}};
	const char *conf_path = NULL, *services = NULL;
	bool quiet = false;
	int opt;
	while ((opt = getopt_long(argc, argv, "c:s:qhV", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c': conf_path = optarg; break;
		case 's': services = optarg; break;
		case 'q': quiet = true; break;
		case 'h': fputs(usage, stdout); return 0;
		case 'V': printf("geodnsd-checkzone %s\n", GD_VERSION); return 0;
		default: fputs(usage, stderr); return 2;
		}
	}
	if (argc - optind != 2) {
		fputs(usage, stderr);
		return 2;
	}
	const char *origin = argv[optind], *file = argv[optind + 1];
	struct diag d = {0};
	struct config *cfg = NULL;
	if (conf_path) {
		cfg = config_load(conf_path, &d);
		if (!cfg) {
			print_diag(&d);
			fprintf(stderr, "geodnsd-checkzone: configuration %s does not load\n",
			        conf_path);
			diag_free(&d);
			return 1;
		}
	}
	/* the configuration's regions as the server builds them */
	struct region_table rt = {NULL, 0, NULL};
	struct shared_networks *nets = NULL;
	if (cfg) {
		rt.regions = xcalloc(cfg->nregions + 1, sizeof(*rt.regions));
		for (size_t i = 0; i < cfg->nregions; i++)
			rt.regions[rt.n++] = (struct region){cfg->regions[i].name, cfg->regions[i].lat,
			                                     cfg->regions[i].lon};
		/* and the shared networks every service takes its part of */
		if (cfg->geoip_networks)
			rt.networks = nets = shared_networks_load(cfg->geoip_networks, &rt, &d);
	}
	struct zone_config zc = {origin, file, services, &rt};
	struct zone *z = d.errors ? NULL : zone_load(&zc, &d);
	bool no_regions = !cfg && d.errors &&
	                  (services || strstr(d.count ? d.msgs[0] : "", "TYPE65281"));
	print_diag(&d);
	if (no_regions)
		fprintf(stderr, "geodnsd-checkzone: services name regions; give the configuration "
		                "that defines them with -c CONFIG\n");
	int rc = z ? 0 : 1;
	if (z && !quiet)
		printf("zone %s serial %u: %zu records, %zu names, %zu services, %zu warnings OK\n",
		       z->origin_str, z->serial, z->nrecords, z->nnodes,
		       z->services ? z->services->n : 0, d.count);
	else if (!z)
		fprintf(stderr, "zone %s: %zu errors\n", origin, d.errors);
	zone_free(z);
	diag_free(&d);
	shared_networks_free(nets);
	free(rt.regions);
	config_free(cfg);
	return rc;
}
