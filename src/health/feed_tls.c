/*
 * feed_tls.c - TLS for https:// feeds: the verifying SSL_CTX of each
 * distinct regions.*.feed_ca, the SSL of a poll's connection, and what a
 * failed handshake says.
 *
 * The contexts are made at health_create, before a chroot or a change of
 * user hides the CA files (the system's store is its bundle file, read
 * then), one per distinct feed_ca (and one for the system's store), and
 * freed at health_stop. Every https:// poll opens a new connection through
 * libevent's OpenSSL bufferevent under evhttp, so the poll's limits (the
 * whole-poll deadline, the head and body caps, the name lookup on the loop)
 * are those of http:// and the handshake runs within the deadline. The
 * server is verified: TLS 1.2 at least, the chain against the CAs, the
 * URL's host (a name, sent as SNI too, or an IP address literal) against
 * the certificate. A failure fails the poll (reason tls_failed); nothing
 * falls back to plain HTTP.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "health_internal.h"

#include "common/gd.h"
#include "common/log.h"

#include <arpa/inet.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/http.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>

/* A verifying client context: TLS 1.2 or later, the server's chain checked
 * against ca (a PEM file of one or more certificates) or, when ca is NULL,
 * the system's store. NULL, logged, when it cannot be made. */
static SSL_CTX *tls_ctx_new(const char *ca)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	if (!ctx)
		return NULL;
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	int ok = ca ? SSL_CTX_load_verify_locations(ctx, ca, NULL)
	            : SSL_CTX_set_default_verify_paths(ctx);
	if (ok != 1) {
		log_error("event=feed_ca_failed feed_ca=%s error=\"%s\"", ca ? ca : "system",
		          ERR_reason_error_string(ERR_peek_last_error()));
		ERR_clear_error();
		SSL_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

/* The context for ca (NULL: the system's store), made on first use; NULL
 * when it could not be (its polls then fail). */
SSL_CTX *health_tls_ctx(struct health *hp, const char *ca)
{
	for (size_t i = 0; i < hp->ntls; i++)
		if (str_same(hp->tls[i].ca, ca))
			return hp->tls[i].ctx;
	hp->tls = xrealloc(hp->tls, (hp->ntls + 1) * sizeof(*hp->tls));
	struct feed_tls *t = &hp->tls[hp->ntls++];
	t->ca = ca ? xstrdup(ca) : NULL;
	t->ctx = tls_ctx_new(ca);
	return t->ctx;
}

void health_tls_free(struct health *hp)
{
	for (size_t i = 0; i < hp->ntls; i++) {
		SSL_CTX_free(hp->tls[i].ctx);
		free(hp->tls[i].ca);
	}
	free(hp->tls);
	hp->tls = NULL;
	hp->ntls = 0;
}

/*
 * The bufferevent of a new https:// connection of f: a fresh SSL (no
 * session carried from poll to poll), SNI and the expected name set from
 * the URL's host, or the expected address for an IP literal (no SNI, as RFC
 * 6066 says). NULL with f's reason set when it cannot be made. f->ssl is
 * the SSL while the connection lives (freed with it).
 */
struct bufferevent *health_tls_bufferevent(struct feed *f)
{
	f->ssl = NULL;
	if (!f->list->tls) {
		f->http_error = "tls_failed";
		f->http_detail = "no TLS context (feed_ca could not be loaded)";
		return NULL;
	}
	SSL *ssl = SSL_new(f->list->tls);
	if (!ssl) {
		f->http_error = "tls_failed";
		f->http_detail = "cannot create a TLS session";
		return NULL;
	}
	const char *host = f->host; /* an IPv6 literal without brackets */
	unsigned char addr[16];
	bool literal = inet_pton(AF_INET, host, addr) == 1 || inet_pton(AF_INET6, host, addr) == 1;
	int ok = literal
	             ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host)
	             : SSL_set_tlsext_host_name(ssl, host) == 1 && SSL_set1_host(ssl, host) == 1;
	struct bufferevent *bev =
	    ok ? bufferevent_openssl_socket_new(f->hp->base, -1, ssl, BUFFEREVENT_SSL_CONNECTING,
	                                        BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS)
	       : NULL;
	if (!bev) {
		SSL_free(ssl);
		f->http_error = "tls_failed";
		f->http_detail = "cannot set up the TLS connection";
		return NULL;
	}
	/* a server that closes without close_notify after a complete
	 * response: the response stands (evhttp knows its length) */
	bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
	f->ssl = ssl;
	return bev;
}

/* An https:// poll failed without an HTTP response: when TLS was why (the
 * certificate not verified, a failed handshake), that is the reason, with
 * OpenSSL's explanation in f->tls_detail. Returns whether it was. */
bool health_tls_failure(struct feed *f)
{
	if (!f->ssl)
		return false;
	long v = SSL_get_verify_result(f->ssl);
	unsigned long e = ERR_peek_last_error();
	struct bufferevent *bev = f->conn ? evhttp_connection_get_bufferevent(f->conn) : NULL;
	unsigned long be = bev ? bufferevent_get_openssl_error(bev) : 0;
	if (v != X509_V_OK)
		snprintf(f->tls_detail, sizeof(f->tls_detail), "certificate verify failed: %s",
		         X509_verify_cert_error_string(v));
	else if (be || e)
		snprintf(f->tls_detail, sizeof(f->tls_detail), "TLS handshake failed: %s",
		         ERR_reason_error_string(be ? be : e));
	else
		return false;
	ERR_clear_error();
	while (bev && bufferevent_get_openssl_error(bev))
		;
	f->http_error = "tls_failed";
	f->http_detail = f->tls_detail;
	return true;
}
