/*
 * answer.h - the authoritative answer: one query packet in, one response
 * packet out, written into a caller-owned buffer (RFC 1034 section 4.3.2 and
 * the later RFCs listed in the README). No allocation, lock or log.
 */
#ifndef GD_ANSWER_H
#define GD_ANSWER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct zonedb;

/* Settings the answer depends on, fixed for the life of a config. */
struct answer_settings {
	uint16_t udp_payload;      /* our EDNS payload size and UDP limit */
	const uint8_t *nsid;       /* NULL: NSID not answered */
	uint16_t nsid_len;
	bool ecs_enabled;
	uint16_t tcp_idle_timeout; /* seconds, for edns-tcp-keepalive */
};

/* Per-worker counters (summed on read by the stats module). */
struct answer_counters {
	uint64_t queries;
	uint64_t rcode[24];
	uint64_t truncated;
	uint64_t dropped;
};

struct answer_request {
	const uint8_t *pkt;
	size_t len;
	bool tcp;
};

/* Space an answer buffer must have: the largest TCP message. */
#define ANSWER_BUF_SIZE 65535

/*
 * Answer req into out (at least ANSWER_BUF_SIZE bytes for TCP, or
 * settings->udp_payload for UDP). Returns the response length, or 0 when the
 * packet is dropped without a response.
 */
size_t answer_query(const struct zonedb *db, const struct answer_settings *settings,
		    const struct answer_request *req, uint8_t *out, size_t outcap,
		    struct answer_counters *counters);

#endif
