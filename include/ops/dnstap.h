/*
 * dnstap.h - dnstap copies of the queries answered and their responses
 * (AUTH_QUERY, AUTH_RESPONSE; https://dnstap.info), written by libfstrm's
 * I/O thread to a collector's Unix socket or TCP address. Every serving
 * thread has a queue of its own and never waits: a message that finds its
 * queue full is dropped and counted. fstrm reconnects to the collector by
 * itself (dnstap.reconnect_interval).
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#ifndef GD_DNSTAP_H
#define GD_DNSTAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>

struct config;
struct dnstap;

/* A serving thread's end: its queue, its sampling count and counters. */
struct dnstap_queue {
	struct dnstap *dt;            /* NULL: dnstap is off */
	struct fstrm_iothr_queue *q;
	unsigned sample, count;       /* 1 query in sample is copied */
	uint64_t *sent, *dropped;     /* the thread's counters (CTR_INC) */
};

/* One query answered (or dropped: response_len 0). */
struct dnstap_event {
	bool tcp;
	const struct sockaddr *client;   /* the query's source */
	const struct sockaddr *server;   /* where it arrived, or NULL */
	const uint8_t *query;
	size_t query_len;
	const uint8_t *response;
	size_t response_len;
	struct timespec query_time, response_time;
};

/* cfg's dnstap settings; NULL when it names no collector (dnstap off). */
struct dnstap *dnstap_new(const struct config *cfg);
/* Start the I/O thread with nqueues queues (after a daemon's fork: a
 * thread does not survive it). -1 with the error logged. */
int dnstap_start(struct dnstap *dt, unsigned nqueues);
/* Flush what is queued (as fstrm can), stop the I/O thread, free dt. */
void dnstap_close(struct dnstap *dt);

/* Queue idx's end for one serving thread (dt may be NULL or not started:
 * off). */
void dnstap_queue_init(struct dnstap_queue *q, struct dnstap *dt, unsigned idx, uint64_t *sent,
                       uint64_t *dropped);

/* Is this query copied? Counts 1 in sample; false when off. */
static inline bool dnstap_take(struct dnstap_queue *q)
{
	if (!q->dt || ++q->count < q->sample)
		return false;
	q->count = 0;
	return true;
}

/* Write the event's AUTH_QUERY and AUTH_RESPONSE (as configured). */
void dnstap_write(struct dnstap_queue *q, const struct dnstap_event *ev);

/* The dnstap message of one side of ev, packed into a malloc'd buffer
 * (*len set); for dnstap_write and the tests. */
uint8_t *dnstap_pack(const struct dnstap *dt, const struct dnstap_event *ev, bool response,
                     size_t *len);

#endif
