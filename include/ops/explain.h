/*
 * explain.h - which answer a client gets for a service name, and why
 * (geodnsdctl explain): the client as the answer code sees it, its GeoIP
 * record, the override that applied, the service's regions ranked with
 * their distance, health, weight and the client's place against it, the
 * choice, and the answers themselves with their ECS scope.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#ifndef GD_EXPLAIN_H
#define GD_EXPLAIN_H

struct server;
struct strbuf;

/*
 * Explain the answer to name (presentation form) for client (an IPv4 or
 * IPv6 address) with the current snapshot and health. ecs_prefix NULL:
 * the client sends the query itself (its address decides); else the
 * client's network of that many bits arrives as ECS from a resolver
 * allowed to send it. The answers are computed by answer_query as a
 * worker computes them (no cache, no counters); the explanation by the
 * functions the answer uses (svc_rank, svc_choose_client). 0 with the text
 * in out; -1 with the reason in err. From a registered RCU reader thread.
 */
int explain_answer(struct server *srv, const char *name, const char *client, const char *ecs_prefix,
                   struct strbuf *out, struct strbuf *err);

#endif
