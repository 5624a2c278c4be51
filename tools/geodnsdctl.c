/*
 * geodnsdctl.c - the operator's control tool: sends one command to a
 * running geodnsd over its control socket (control.socket; the socket's
 * file permissions say who may) and prints the answer, the output on
 * standard output and the errors on standard error, and exits with the
 * status the daemon gave (0 success, 1 failure). The protocol is in
 * include/ops/control.h; the tool needs nothing of the daemon's code.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#ifndef GD_VERSION
#define GD_VERSION "unknown"
#endif

#define DEFAULT_SOCKET "/run/geodnsd/control.sock"
#define LINE_MAX_OCTETS 1024 /* CONTROL_LINE_MAX of the daemon */

static const char usage_text[] =
    "Usage: geodnsdctl [-s SOCKET] COMMAND [ARGUMENT...]\n"
    "Control a running geodnsd through its control socket.\n"
    "\n"
    "  -s, --socket SOCKET  the daemon's control.socket (default " DEFAULT_SOCKET ")\n"
    "  -h, --help           show this help\n"
    "  -V, --version        show the version\n"
    "\n"
    "Commands:\n"
    "  status                     version, zones and regions (JSON, as GET /status)\n"
    "  stats                      the counters (Prometheus text, as GET /metrics)\n"
    "  reload [ZONE]              reload everything, or one zone from its files;\n"
    "                             waits for the result, every error on stderr\n"
    "  zone-status [ZONE]         serial, journal, NOTIFY and secondary state\n"
    "  drain REGION               send the region's clients to the next region\n"
    "  undrain REGION             take them back\n"
    "  endpoint ADDR up|down|auto force an endpoint up or down, or back to its feed\n"
    "  explain NAME CLIENT-IP [ECS-PREFIX]\n"
    "                             the answer that client gets for a service name,\n"
    "                             and why\n"
    "\n"
    "Exit status: 0 success, 1 failure (the errors on stderr), 2 usage.\n"
    "See geodnsdctl(8).\n";

/* The response, line by line: "out ", "err " or "status N". Returns the
 * status, or -1 when the connection ended without one. */
static int relay(FILE *in)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int status = -1;
	while (status < 0 && (n = getline(&line, &cap, in)) > 0) {
		if (strncmp(line, "out ", 4) == 0)
			fputs(line + 4, stdout);
		else if (strncmp(line, "err ", 4) == 0)
			fputs(line + 4, stderr);
		else if (strncmp(line, "status ", 7) == 0)
			status = atoi(line + 7) == 0 ? 0 : 1;
	}
	free(line);
	return status;
}

int main(int argc, char **argv)
{
	const char *path = DEFAULT_SOCKET;
	static const struct option longopts[] = {{"socket", required_argument, NULL, 's'},
	                                         {"help", no_argument, NULL, 'h'},
	                                         {"version", no_argument, NULL, 'V'},
	                                         {NULL, 0, NULL, 0}};
	int opt;
	/* "+": options end at the command (an ECS prefix is not an option) */
	while ((opt = getopt_long(argc, argv, "+s:hV", longopts, NULL)) != -1) {
		switch (opt) {
		case 's': path = optarg; break;
		case 'h': fputs(usage_text, stdout); return 0;
		case 'V': printf("geodnsdctl %s\n", GD_VERSION); return 0;
		default: fputs(usage_text, stderr); return 2;
		}
	}
	if (optind == argc) {
		fputs(usage_text, stderr);
		return 2;
	}
	char cmd[LINE_MAX_OCTETS + 1];
	size_t len = 0;
	for (int i = optind; i < argc; i++) {
		size_t l = strlen(argv[i]);
		if (l == 0 || strpbrk(argv[i], " \t\r\n") || len + l + 2 > LINE_MAX_OCTETS) {
			fprintf(stderr, "geodnsdctl: bad argument \"%s\"\n", argv[i]);
			return 2;
		}
		memcpy(cmd + len, argv[i], l);
		len += l;
		cmd[len++] = i + 1 < argc ? ' ' : '\n';
	}
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "geodnsdctl: socket path too long: %s\n", path);
		return 1;
	}
	strcpy(sun.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		fprintf(stderr, "geodnsdctl: cannot connect to %s: %s\n", path, strerror(errno));
		return 1;
	}
	for (size_t off = 0; off < len;) {
		ssize_t w = write(fd, cmd + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			fprintf(stderr, "geodnsdctl: cannot send to %s: %s\n", path,
			        strerror(errno));
			return 1;
		}
		off += (size_t)w;
	}
	FILE *in = fdopen(fd, "r");
	int status = in ? relay(in) : -1;
	if (status < 0)
		fprintf(stderr, "geodnsdctl: %s closed the connection without an answer\n", path);
	if (in)
		fclose(in);
	else
		close(fd);
	fflush(stdout);
	return status < 0 ? 1 : status;
}
