/*
 * feedserver - a small HTTP server for health feed documents, used by the
 * demo (make run) and the integration tests. It serves the files of one
 * directory over HTTP on loopback; editing a file changes what geodnsd sees
 * at its next poll, deleting it gives 404, stopping the server makes the
 * feed unreachable.
 *
 *   feedserver -l 127.0.0.1:9053 -d zones/health [--fresh] [--port-file F]
 *
 * --fresh rewrites the "generated_at" value of every document to the
 * current time, as a live health checker would, so that static demo files
 * never go stale. With port 0 the kernel picks a port; --port-file records
 * it. Stops on SIGTERM or SIGINT.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

static const char *dir = ".";
static bool fresh;

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 4096, n = 0;
	char *b = malloc(cap);
	size_t r;
	while (b && (r = fread(b + n, 1, cap - n, f)) > 0) {
		n += r;
		if (n == cap) {
			char *nb = realloc(b, cap *= 2);
			if (!nb) {
				free(b);
				b = NULL;
			}
			b = nb;
		}
	}
	fclose(f);
	*len = n;
	return b;
}

static void serve(struct evhttp_request *req, void *arg)
{
	(void)arg;
	const char *uri = evhttp_request_get_uri(req);
	struct evbuffer *out = evhttp_request_get_output_buffer(req);
	char path[4096];
	if (evhttp_request_get_command(req) != EVHTTP_REQ_GET || uri[0] != '/' ||
	    strstr(uri, "..") || strchr(uri, '?')) {
		evhttp_send_error(req, 400, "bad request");
		return;
	}
	snprintf(path, sizeof(path), "%s%s", dir, uri);
	size_t len;
	char *body = slurp(path, &len);
	if (!body) {
		evhttp_send_error(req, 404, "not found");
		return;
	}
	char *ga = fresh ? strstr(body, "\"generated_at\"") : NULL;
	char *q1 = ga ? strchr(ga + 14, '"') : NULL;
	char *q2 = q1 ? strchr(q1 + 1, '"') : NULL;
	if (q2) {
		char now[32];
		time_t t = time(NULL);
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", &tm);
		evbuffer_add(out, body, (size_t)(q1 + 1 - body));
		evbuffer_add(out, now, strlen(now));
		evbuffer_add(out, q2, len - (size_t)(q2 - body));
	} else {
		evbuffer_add(out, body, len);
	}
	free(body);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
			  "application/json");
	evhttp_send_reply(req, 200, "OK", NULL);
}

static void on_signal(evutil_socket_t s, short w, void *base)
{
	(void)s;
	(void)w;
	event_base_loopbreak(base);
}

int main(int argc, char **argv)
{
	const char *listen = "127.0.0.1:9053", *port_file = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-l") == 0 && i + 1 < argc)
			listen = argv[++i];
		else if (strcmp(argv[i], "-d") == 0 && i + 1 < argc)
			dir = argv[++i];
		else if (strcmp(argv[i], "--fresh") == 0)
			fresh = true;
		else if (strcmp(argv[i], "--port-file") == 0 && i + 1 < argc)
			port_file = argv[++i];
		else {
			fprintf(stderr, "usage: feedserver -l ADDR:PORT -d DIR [--fresh] "
					"[--port-file FILE]\n");
			return 2;
		}
	}
	char host[256];
	const char *colon = strrchr(listen, ':');
	if (!colon || (size_t)(colon - listen) >= sizeof(host)) {
		fprintf(stderr, "feedserver: bad -l %s\n", listen);
		return 2;
	}
	memcpy(host, listen, (size_t)(colon - listen));
	host[colon - listen] = '\0';
	struct event_base *base = event_base_new();
	struct evhttp *http = evhttp_new(base);
	evhttp_set_gencb(http, serve, NULL);
	struct evhttp_bound_socket *bs =
		evhttp_bind_socket_with_handle(http, host, (unsigned short)atoi(colon + 1));
	if (!bs) {
		fprintf(stderr, "feedserver: cannot listen on %s\n", listen);
		return 1;
	}
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	getsockname(evhttp_bound_socket_get_fd(bs), (struct sockaddr *)&ss, &sl);
	int port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	if (port_file) {
		FILE *f = fopen(port_file, "w");
		if (!f) {
			perror(port_file);
			return 1;
		}
		fprintf(f, "%d\n", port);
		fclose(f);
	}
	fprintf(stderr, "feedserver: serving %s on %s:%d%s\n", dir, host, port,
		fresh ? " (fresh generated_at)" : "");
	struct event *s1 = evsignal_new(base, SIGTERM, on_signal, base);
	struct event *s2 = evsignal_new(base, SIGINT, on_signal, base);
	event_add(s1, NULL);
	event_add(s2, NULL);
	event_base_dispatch(base);
	event_free(s1);
	event_free(s2);
	evhttp_free(http);
	event_base_free(base);
	return 0;
}
