/*
 * services-to-zone - a services file (geodnsd-services(5)) as zone records:
 * one record of the private type TYPE65281 per service, its data the
 * service's JSON object, in the generic form of RFC 3597 (\# LENGTH HEX),
 * ready to append to the zone file. Zone transfers then carry the geo
 * policy with the records, under one serial.
 *
 *   services-to-zone [--ttl SECONDS] ORIGIN SERVICES-FILE
 *
 * The JSON is written compact (jansson, members in the file's order, UTF-8
 * as it is); its meaning is what geodnsd checks when it loads the zone
 * (geodnsd -t), not here. Here only what makes the records impossible is
 * an error: a file that is not a JSON object of objects (duplicate keys
 * included), a service over 16 KiB. Exit 0, 1 on such an error, 2 on a
 * usage error. Installed as geodnsd-services-to-zone, its manual page
 * geodnsd-services-to-zone(1).
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include <errno.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* as geodnsd's SERVICE_JSON_MAX */
#define JSON_MAX 16384
/* octets of data per line of the record */
#define OCTETS_PER_LINE 32

/* the name it was run by: installed as geodnsd-services-to-zone */
static const char *prog = "services-to-zone";

static void usage(FILE *f)
{
	fprintf(f,
	        "usage: %s [--ttl SECONDS] ORIGIN SERVICES-FILE\n"
	        "Print one TYPE65281 record (RFC 3597 form) per service of SERVICES-FILE,\n"
	        "owned by its name in the zone ORIGIN, for appending to the zone file.\n"
	        "  --ttl SECONDS  the records' own TTL (default 3600; the answers' TTL\n"
	        "                 is the service's \"ttl\")\n"
	        "  --help         this text\n"
	        "SERVICES-FILE \"-\" reads standard input. See geodnsd-services-to-zone(1).\n",
	        prog);
}

/* The owner in presentation form: "@" is the origin, a name ending in an
 * unescaped dot is absolute, any other is relative to the origin.
 * Characters the zone file syntax would split on are escaped as \DDD; the
 * name itself is checked by geodnsd when it loads the zone. */
static void print_owner(const char *key, const char *origin)
{
	if (strcmp(key, "@") == 0) {
		fputs(origin, stdout);
		return;
	}
	size_t n = strlen(key);
	bool absolute = false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)key[i];
		if (c == '\\' && i + 1 < n) {
			putchar(c);
			putchar(key[++i]);
			absolute = false;
			continue;
		}
		absolute = c == '.' && i + 1 == n;
		bool special = c <= ' ' || c >= 0x7f || c == ';' || c == '(' || c == ')' ||
		               c == '"' || (i == 0 && c == '$');
		if (special)
			printf("\\%03u", c);
		else
			putchar(c);
	}
	if (!absolute)
		printf(".%s", strcmp(origin, ".") == 0 ? "" : origin);
}

static void print_record(const char *key, const char *origin, unsigned long ttl, const char *json,
                         size_t len)
{
	print_owner(key, origin);
	printf(" %lu IN TYPE65281 \\# %zu (", ttl, len);
	for (size_t i = 0; i < len; i++) {
		if (i % OCTETS_PER_LINE == 0)
			fputs("\n\t", stdout);
		printf("%02x", (unsigned char)json[i]);
	}
	fputs(" )\n", stdout);
}

int main(int argc, char **argv)
{
	if (argc > 0 && argv[0][0]) {
		const char *slash = strrchr(argv[0], '/');
		prog = slash ? slash + 1 : argv[0];
	}
	unsigned long ttl = 3600;
	int i = 1;
	for (; i < argc && argv[i][0] == '-' && argv[i][1] == '-'; i++) {
		if (strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			return 0;
		}
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		if (strcmp(argv[i], "--ttl") == 0 && i + 1 < argc) {
			char *end;
			errno = 0;
			ttl = strtoul(argv[++i], &end, 10);
			if (errno || *end || argv[i][0] < '0' || argv[i][0] > '9' ||
			    ttl > 2147483647ul) {
				fprintf(stderr, "%s: --ttl wants 0 to 2147483647 seconds, not %s\n",
				        prog, argv[i]);
				return 2;
			}
			continue;
		}
		usage(stderr);
		return 2;
	}
	if (argc - i != 2) {
		usage(stderr);
		return 2;
	}
	const char *origin_arg = argv[i], *path = argv[i + 1];
	size_t ol = strlen(origin_arg);
	if (ol == 0 || ol > 1004) {
		fprintf(stderr, "%s: bad origin \"%s\"\n", prog, origin_arg);
		return 2;
	}
	char origin[1024];
	bool dotted = origin_arg[ol - 1] == '.' && (ol < 2 || origin_arg[ol - 2] != '\\');
	snprintf(origin, sizeof(origin), "%s%s", origin_arg, dotted ? "" : ".");

	json_error_t err;
	json_t *root = strcmp(path, "-") == 0 ? json_loadf(stdin, JSON_REJECT_DUPLICATES, &err)
	                                      : json_load_file(path, JSON_REJECT_DUPLICATES, &err);
	if (!root) {
		fprintf(stderr, "%s:%d:%d: JSON: %s\n", path, err.line, err.column, err.text);
		return 1;
	}
	if (!json_is_object(root)) {
		fprintf(stderr, "%s: a services file is a JSON object of service names\n", path);
		json_decref(root);
		return 1;
	}
	/* every service checked before anything is printed: output appended
	 * to a zone file is all of it or nothing */
	int rc = 0;
	const char *key;
	json_t *value;
	json_object_foreach(root, key, value)
	{
		if (!json_is_object(value)) {
			fprintf(stderr, "%s: service %s: not a JSON object\n", path, key);
			rc = 1;
			continue;
		}
		char *json = json_dumps(value, JSON_COMPACT);
		if (!json) {
			fprintf(stderr, "%s: out of memory\n", prog);
			json_decref(root);
			return 1;
		}
		size_t len = strlen(json);
		if (len > JSON_MAX) {
			fprintf(stderr,
			        "%s: service %s: its JSON object is %zu octets, more than %d "
			        "(16 KiB)\n",
			        path, key, len, JSON_MAX);
			rc = 1;
		}
		free(json);
	}
	if (rc) {
		json_decref(root);
		return rc;
	}
	printf("; geo services of %s as TYPE65281 records (%s)\n", path, prog);
	json_object_foreach(root, key, value)
	{
		char *json = json_dumps(value, JSON_COMPACT);
		if (!json) {
			fprintf(stderr, "%s: out of memory\n", prog);
			json_decref(root);
			return 1;
		}
		print_record(key, origin, ttl, json, strlen(json));
		free(json);
	}
	json_decref(root);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "%s: cannot write: %s\n", prog, strerror(errno));
		return 1;
	}
	return 0;
}
