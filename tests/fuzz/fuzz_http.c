/*
 * fuzz_http.c - the admin request path: what geodnsd itself does with a
 * request after libevent has parsed it. The input is split at its first
 * newline: the request target (e.g. "/v1/regions/us-east/drain?x=1") and the
 * Authorization header value (up to the next newline; absent when the input
 * has no newline). NUL octets end the strings, as in C.
 *
 * The target goes to http_route_parse() as it is and as the server gets it
 * (the path of evhttp_uri_parse_with_flags(), NONCONFORMANT as evhttp
 * parses request lines), with the server's 256-octet argument buffer and a
 * small one; the header goes to http_token_ok() with the fuzz token and an
 * empty one, compared with a plain reference (a token shorter than
 * HTTP_TOKEN_MIN never matches). The whole input is also a token file for
 * http_read_token(): what it accepts is the file without trailing line ends
 * and spaces, at least HTTP_TOKEN_MIN octets, all printable ASCII.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "ops/http.h"

#include "fuzz_util.h"

#include "common/diag.h"

#include <event2/http.h>
#include <fcntl.h>
#include <unistd.h>

static const char token[] = "fuzz-token-0123456789abcdef";

static void route(const char *path, size_t argcap)
{
	char arg[256];
	memset(arg, 'X', sizeof(arg));
	bool post = true;
	enum http_route r = http_route_parse(path, arg, argcap, &post);
	size_t al = strnlen(arg, argcap);
	fuzz_check(al < argcap, "route argument not NUL terminated");
	static const char *const prefix[] = {
		[ROUTE_DRAIN] = "/v1/regions/", [ROUTE_UNDRAIN] = "/v1/regions/",
		[ROUTE_ENDPOINT] = "/v1/endpoints/"};
	static const char *const suffix[] = {
		[ROUTE_DRAIN] = "/drain", [ROUTE_UNDRAIN] = "/undrain",
		[ROUTE_ENDPOINT] = "/state"};
	switch (r) {
	case ROUTE_NOT_FOUND:
		fuzz_check(!post && al == 0, "not found, post %d, argument \"%s\"", post, arg);
		break;
	case ROUTE_METRICS:
	case ROUTE_STATUS:
	case ROUTE_HEALTHZ:
		fuzz_check(!post && al == 0, "GET route %d with post or argument", r);
		fuzz_check(strcmp(path, r == ROUTE_METRICS ? "/metrics" :
					r == ROUTE_STATUS ? "/status" : "/healthz") == 0,
			   "route %d for \"%s\"", r, path);
		break;
	case ROUTE_RELOAD:
		fuzz_check(post && al == 0 && strcmp(path, "/v1/reload") == 0, "reload route");
		break;
	case ROUTE_DRAIN:
	case ROUTE_UNDRAIN:
	case ROUTE_ENDPOINT: {
		fuzz_check(post, "POST route %d without post", r);
		fuzz_check(al > 0 && !strchr(arg, '/'), "route %d argument \"%s\"", r, arg);
		/* the path is exactly prefix, argument, suffix */
		char want[1024];
		int n = snprintf(want, sizeof(want), "%s%s%s", prefix[r], arg, suffix[r]);
		fuzz_check(n > 0 && (size_t)n < sizeof(want) && strcmp(want, path) == 0,
			   "route %d: \"%s\" is not \"%s\"", r, path, want);
		break;
	}
	default:
		fuzz_check(0, "unknown route %d", r);
	}
}

static void token_check(const char *header, const char *tok)
{
	size_t tl = strlen(tok);
	bool ok = http_token_ok(header, tok, tl);
	bool want = header && tl >= HTTP_TOKEN_MIN && strncmp(header, "Bearer ", 7) == 0 &&
		    strcmp(header + 7, tok) == 0;
	fuzz_check(ok == want, "http_token_ok(\"%s\") = %d", header ? header : "(null)", ok);
}

static void token_file(const uint8_t *data, size_t size)
{
	static char path[64];
	if (!path[0])
		snprintf(path, sizeof(path), "/tmp/geodnsd-fuzz-token-%ld", (long)getpid());
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, data, size) != (ssize_t)size)
		abort();
	close(fd);
	struct diag d = {0};
	char *tok = http_read_token(path, &d);
	size_t n = size;
	while (n && (data[n - 1] == '\n' || data[n - 1] == '\r' || data[n - 1] == ' '))
		n--;
	bool want = n >= HTTP_TOKEN_MIN;
	for (size_t i = 0; i < n && want; i++)
		want = data[i] > ' ' && data[i] < 0x7f;
	fuzz_check(!tok == !want, "token file accepted %d, want %d", tok != NULL, want);
	fuzz_check(!tok || (strlen(tok) == n && memcmp(tok, data, n) == 0), "token \"%s\"", tok);
	fuzz_check(!tok == (d.count > 0), "token refused without a message or accepted with one");
	free(tok);
	diag_free(&d);
	unlink(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t tlen = nl ? (size_t)(nl - data) : size;
	char *target = strndup((const char *)data, tlen);
	char *header = NULL;
	if (nl) {
		const uint8_t *h = nl + 1;
		size_t rest = size - tlen - 1;
		const uint8_t *nl2 = memchr(h, '\n', rest);
		header = strndup((const char *)h, nl2 ? (size_t)(nl2 - h) : rest);
	}
	if (!target || (nl && !header))
		abort();

	route(target, 256);
	route(target, 8);
	struct evhttp_uri *uri = evhttp_uri_parse_with_flags(target, EVHTTP_URI_NONCONFORMANT);
	if (uri) {
		const char *path = evhttp_uri_get_path(uri);
		route(path ? path : "", 256);
		evhttp_uri_free(uri);
	}
	token_check(header, token);
	token_check(header, "");
	token_file(data, size);

	free(target);
	free(header);
	return 0;
}
