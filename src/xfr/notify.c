/*
 * notify.c - NOTIFY out (RFC 1996) on the transfer thread's event loop
 * (see xfr/notify.h for the contract).
 *
 * One notification per zone and target: its serial, its attempt, the ID
 * and request MAC of the attempt in flight and a timer. Each attempt has a
 * new random ID (getrandom) and, with a key, a new TSIG; an answer is taken
 * only for the attempt in flight, from the target's address and port, with
 * its ID, QR, opcode NOTIFY and the question <origin> SOA IN: anything
 * else is ignored and counted. Two unbound UDP sockets (IPv4, IPv6), opened
 * at their first use, carry every notification: the kernel picks a random
 * source port once, and the ID and address tell the answers apart.
 *
 * An answer whose TSIG is missing or does not verify (RFC 8945 5.3: a
 * response to a signed request must be signed by the same key) is counted
 * as a failure but ends nothing: it may be forged, so the attempt waits on
 * for a good answer and the backoff goes on. An authentic answer ends the
 * notification: NOERROR as "ok", any other rcode as final (NOTAUTH,
 * REFUSED, NOTIMP say the target will not take it; retrying the same
 * message would not change that, and the secondary still refreshes on its
 * SOA timers).
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "xfr/notify.h"

#include "common/counter.h"
#include "common/gd.h"
#include "common/hash.h"
#include "common/log.h"
#include "common/netaddr.h"
#include "dns/tsig.h"
#include "dns/wire.h"

#include <assert.h>
#include <errno.h>
#include <event2/event.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/random.h>
#include <unistd.h>

/* The largest NOTIFY: header 12, question 259, the SOA 12 + 530 (two
 * names of 255 and 20 octets), a TSIG of 255 + 10 + 13 + 16 + 64. */
#define NOTIFY_BUF 1536
#define ZONE_BUCKETS 1024 /* zones by name hash, chained */
#define ID_BUCKETS 256    /* attempts in flight by ID, chained */
#define RECV_BATCH 64     /* datagrams read per socket wake-up */
#define ID_POOL 32

struct notify_zone;

struct notify_entry {
	struct notifier *nf;
	struct notify_zone *zone;
	struct notify_entry *next;    /* the zone's targets */
	struct notify_entry *id_next; /* its ID bucket, while linked */
	struct sockaddr_storage addr;
	socklen_t addr_len;
	char addr_str[64];
	uint8_t key[WIRE_NAME_MAX];
	uint8_t key_len; /* 0: unsigned */
	bool notified;   /* serial announced: answered, given up or in flight */
	bool in_flight;
	bool id_linked;
	bool counted; /* the attempt's failure is counted (no timeout then) */
	bool seen;    /* notifier_zone: in the new list */
	uint32_t serial;
	unsigned attempt;
	uint16_t id;
	uint16_t mac_len;
	uint8_t mac[TSIG_MAC_MAX];
	struct event *timer;
};

struct notify_zone {
	struct notify_zone *next; /* hash chain */
	uint8_t origin[WIRE_NAME_MAX];
	uint8_t origin_len;
	char name[4 * WIRE_NAME_MAX + 2]; /* presentation form, for logs */
	uint8_t *soa;                     /* owned rdata */
	uint16_t rdlen;
	uint32_t ttl;
	uint32_t serial;
	struct notify_entry *entries;
	struct notify_status status; /* written and read under nf->lock */
};

struct notifier {
	struct event_base *base;
	const struct tsig_keyring *ring;
	struct notify_params params;
	int fd[2]; /* IPv4, IPv6; -1 until used */
	struct event *ev[2];
	/* the table's links are changed under lock (notifier_zone_status
	 * walks it from another thread) */
	struct notify_zone *zones[ZONE_BUCKETS];
	struct notify_entry *by_id[ID_BUCKETS];
	struct notify_counters ctr; /* CTR_INC by the loop's thread */
	pthread_mutex_t lock;
	uint16_t ids[ID_POOL];
	unsigned nids;
	uint64_t fallback; /* IDs when getrandom fails */
};

const char *notify_result_name(enum notify_result r)
{
	static const char *const names[] = {"none",    "ok",         "rcode",  "badtsig",
	                                    "timeout", "send_error", "gave_up"};
	return (size_t)r < ARRAY_SIZE(names) ? names[r] : "?";
}

size_t notify_message(uint8_t *buf, size_t cap, uint16_t id, const uint8_t *origin,
                      const struct notify_soa *soa)
{
	struct wire_writer w;
	wire_writer_init(&w, buf, cap);
	uint8_t header[DNS_HEADER_LEN] = {0};
	wr16(header, id);
	wr16(header + 2, (uint16_t)(OPCODE_NOTIFY << 11 | DNS_FLAG_AA));
	wr16(header + 4, 1);
	wr16(header + 6, soa ? 1 : 0);
	if (wire_put(&w, header, sizeof(header)) < 0 || wire_put_name(&w, origin, false) < 0 ||
	    wire_put16(&w, TYPE_SOA) < 0 || wire_put16(&w, CLASS_IN) < 0)
		return 0;
	if (soa && (wire_put_name(&w, origin, true) < 0 || wire_put16(&w, TYPE_SOA) < 0 ||
	            wire_put16(&w, CLASS_IN) < 0 || wire_put32(&w, soa->ttl) < 0 ||
	            wire_put_rdata(&w, TYPE_SOA, soa->rdata, soa->rdlen) < 0))
		return 0;
	return w.len;
}

/* The serial of SOA rdata (MNAME, RNAME, then five 32-bit fields); false
 * when it is not that. */
static bool soa_serial(const struct notify_soa *soa, uint32_t *serial)
{
	size_t m = wire_name_len(soa->rdata, soa->rdlen);
	if (m == 0)
		return false;
	size_t r = wire_name_len(soa->rdata + m, soa->rdlen - m);
	if (r == 0 || m + r + 20 != soa->rdlen)
		return false;
	*serial = rd32(soa->rdata + m + r);
	return true;
}

static bool same_addr(const struct sockaddr_storage *a, const struct sockaddr *b)
{
	if (a->ss_family != b->sa_family)
		return false;
	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;
		return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;
	return x->sin6_port == y->sin6_port && x->sin6_scope_id == y->sin6_scope_id &&
	       memcmp(&x->sin6_addr, &y->sin6_addr, 16) == 0;
}

/* A message ID from the kernel's random source, 32 at a time. */
static uint16_t random_id(struct notifier *nf)
{
	if (nf->nids == 0) {
		ssize_t r;
		do
			r = getrandom(nf->ids, sizeof(nf->ids), 0);
		while (r < 0 && errno == EINTR);
		if (r == (ssize_t)sizeof(nf->ids)) {
			nf->nids = ID_POOL;
		} else {
			/* never on Linux >= 3.17 once booted; still not a
			 * counter an off-path attacker could follow */
			nf->fallback = mix64(nf->fallback ^ now_ms());
			return (uint16_t)nf->fallback;
		}
	}
	return nf->ids[--nf->nids];
}

static void id_unlink(struct notify_entry *e)
{
	if (!e->id_linked)
		return;
	struct notify_entry **pp = &e->nf->by_id[e->id % ID_BUCKETS];
	while (*pp != e)
		pp = &(*pp)->id_next;
	*pp = e->id_next;
	e->id_linked = false;
}

/* A new ID for e's next attempt, none of the IDs in flight to its
 * address, and e linked under it. */
static void id_link(struct notify_entry *e)
{
	struct notifier *nf = e->nf;
	for (;;) {
		uint16_t id = random_id(nf);
		struct notify_entry *o = nf->by_id[id % ID_BUCKETS];
		while (o && !(o->id == id && same_addr(&o->addr, (const void *)&e->addr)))
			o = o->id_next;
		if (o)
			continue;
		e->id = id;
		e->id_next = nf->by_id[id % ID_BUCKETS];
		nf->by_id[id % ID_BUCKETS] = e;
		e->id_linked = true;
		return;
	}
}

/* The zone's status after an event of e (under the lock: /status reads
 * it from another thread). */
static void status_set(struct notify_entry *e, enum notify_result result, uint8_t rcode,
                       uint16_t tsig_error)
{
	struct notify_status *s = &e->zone->status;
	pthread_mutex_lock(&e->nf->lock);
	s->result = result;
	s->serial = e->serial;
	s->rcode = rcode;
	s->tsig_error = tsig_error;
	s->attempt = e->attempt;
	s->when = time(NULL);
	memcpy(s->target, e->addr_str, sizeof(s->target));
	pthread_mutex_unlock(&e->nf->lock);
}

static void set_in_flight(struct notify_entry *e, bool on)
{
	if (e->in_flight == on)
		return;
	e->in_flight = on;
	pthread_mutex_lock(&e->nf->lock);
	e->zone->status.pending += on ? 1u : (unsigned)-1;
	pthread_mutex_unlock(&e->nf->lock);
}

/* The notification is over (answered, given up, dropped). */
static void stop(struct notify_entry *e)
{
	evtimer_del(e->timer);
	id_unlink(e);
	set_in_flight(e, false);
}

static const char *key_str(const struct notify_entry *e, char *buf, size_t cap)
{
	if (!e->key_len)
		return "-";
	return wire_name_to_str(e->key, buf, cap);
}

/* The wait after attempt k (from 1): first_wait_ms doubled k - 1 times,
 * at most max_wait_ms. */
static unsigned attempt_wait_ms(const struct notify_params *p, unsigned k)
{
	uint64_t w = p->first_wait_ms;
	for (unsigned i = 1; i < k && w < p->max_wait_ms; i++)
		w *= 2;
	return (unsigned)(w < p->max_wait_ms ? w : p->max_wait_ms);
}

static int socket_for(struct notifier *nf, int family);

/* An attempt failed before or while sending: counted, and the backoff
 * goes on (its timer). */
static void send_failed(struct notify_entry *e, const char *why)
{
	char kb[WIRE_NAME_MAX * 4 + 2];
	CTR_INC(e->nf->ctr.failed);
	e->counted = true;
	status_set(e, NOTIFY_SEND_ERROR, 0, 0);
	log_warn("event=notify_result result=send_error zone=%s target=%s serial=%u attempt=%u "
	         "key=%s error=\"%s\"",
	         e->zone->name, e->addr_str, e->serial, e->attempt, key_str(e, kb, sizeof(kb)),
	         why);
}

/* Send the next attempt of e and arm its timer. */
static void send_attempt(struct notify_entry *e)
{
	struct notifier *nf = e->nf;
	struct notify_zone *z = e->zone;
	char kb[WIRE_NAME_MAX * 4 + 2];
	e->attempt++;
	e->counted = false;
	id_unlink(e);
	id_link(e);
	struct notify_soa soa = {z->soa, z->rdlen, z->ttl};
	uint8_t buf[NOTIFY_BUF];
	size_t len = notify_message(buf, sizeof(buf), e->id, z->origin, &soa);
	assert(len > 0); /* NOTIFY_BUF holds the largest */
	log_debug("event=notify zone=%s target=%s serial=%u attempt=%u id=%u key=%s", z->name,
	          e->addr_str, e->serial, e->attempt, (unsigned)e->id, key_str(e, kb, sizeof(kb)));
	const struct tsig_key *key = e->key_len ? tsig_key_find(nf->ring, e->key) : NULL;
	if (e->key_len && !key) {
		send_failed(e, "the key is not in the keyring");
	} else if (key && (len = tsig_sign_request(buf, len, sizeof(buf), key, (uint64_t)time(NULL),
	                                           TSIG_FUDGE, e->mac, &e->mac_len)) == 0) {
		send_failed(e, "signing failed");
	} else {
		int fd = socket_for(nf, e->addr.ss_family);
		if (fd < 0 || sendto(fd, buf, len, 0, (const struct sockaddr *)&e->addr,
		                     e->addr_len) != (ssize_t)len)
			send_failed(e, strerror(errno));
	}
	unsigned ms = attempt_wait_ms(&nf->params, e->attempt);
	struct timeval tv = {(time_t)(ms / 1000), (suseconds_t)(ms % 1000) * 1000};
	evtimer_add(e->timer, &tv);
}

static void on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct notify_entry *e = arg;
	struct notifier *nf = e->nf;
	char kb[WIRE_NAME_MAX * 4 + 2];
	if (!e->counted) {
		CTR_INC(nf->ctr.timeout);
		status_set(e, NOTIFY_TIMEOUT, 0, 0);
		log_debug("event=notify_result result=timeout zone=%s target=%s serial=%u "
		          "attempt=%u",
		          e->zone->name, e->addr_str, e->serial, e->attempt);
	}
	if (e->attempt < nf->params.attempts) {
		send_attempt(e);
		return;
	}
	stop(e);
	CTR_INC(nf->ctr.gave_up);
	status_set(e, NOTIFY_GAVE_UP, 0, 0);
	log_warn("event=notify_result result=gave_up zone=%s target=%s serial=%u attempts=%u "
	         "key=%s",
	         e->zone->name, e->addr_str, e->serial, e->attempt, key_str(e, kb, sizeof(kb)));
}

/* The attempt in flight that a datagram from `from` with this ID answers,
 * or NULL. */
static struct notify_entry *find_attempt(struct notifier *nf, uint16_t id,
                                         const struct sockaddr *from)
{
	struct notify_entry *e = nf->by_id[id % ID_BUCKETS];
	while (e && !(e->id == id && same_addr(&e->addr, from)))
		e = e->id_next;
	return e;
}

/* The TSIG check of an answer to e (RFC 8945 5.3): 0 when it is signed
 * with e's key over e's request MAC, else the status's tsig_error (the
 * answer's own error when it is an unsigned TSIG error). */
static int answer_tsig(struct notify_entry *e, const uint8_t *pkt, size_t len,
                       const struct wire_message *m, bool *ok)
{
	*ok = false;
	if (!m->tsig)
		return 0;
	if (m->tsig_rr.mac_size == 0 && m->tsig_rr.error != 0)
		return m->tsig_rr.error; /* NOTAUTH with BADKEY, BADSIG: 5.3.2 */
	const struct tsig_key *key = tsig_key_find(e->nf->ring, e->key);
	if (!key)
		return TSIG_ERROR_BADKEY;
	int rc = tsig_verify_response(pkt, len, &m->tsig_rr, key, e->mac, e->mac_len,
	                              (uint64_t)time(NULL));
	*ok = rc == 0;
	return rc;
}

/* How an answer's TSIG failed, for the log. */
static const char *tsig_state(const struct wire_message *m)
{
	if (!m->tsig)
		return "missing";
	return m->tsig_rr.mac_size == 0 && m->tsig_rr.error != 0 ? "unsigned_error" : "bad";
}

static void on_answer(struct notifier *nf, const uint8_t *pkt, size_t len,
                      const struct sockaddr *from)
{
	struct wire_message m;
	struct notify_entry *e = len >= DNS_HEADER_LEN ? find_attempt(nf, rd16(pkt), from) : NULL;
	if (!e || wire_parse_message(pkt, len, &m) < 0 || !(m.flags & DNS_FLAG_QR) ||
	    DNS_OPCODE(m.flags) != OPCODE_NOTIFY || m.qdcount != 1 || m.qtype != TYPE_SOA ||
	    m.qclass != CLASS_IN || !wire_name_equal(m.qname, e->zone->origin)) {
		CTR_INC(nf->ctr.ignored);
		return;
	}
	char kb[WIRE_NAME_MAX * 4 + 2];
	if (e->key_len) {
		bool ok;
		int err = answer_tsig(e, pkt, len, &m, &ok);
		if (!ok) {
			/* maybe forged: counted, and the attempt waits on */
			if (!e->counted)
				CTR_INC(nf->ctr.failed);
			e->counted = true;
			status_set(e, NOTIFY_BADTSIG, 0, (uint16_t)err);
			log_warn("event=notify_result result=badtsig zone=%s target=%s serial=%u "
			         "attempt=%u key=%s tsig=%s tsig_error=%d",
			         e->zone->name, e->addr_str, e->serial, e->attempt,
			         key_str(e, kb, sizeof(kb)), tsig_state(&m), err);
			return;
		}
	}
	unsigned rcode = m.flags & 0xF;
	stop(e);
	if (rcode == RCODE_NOERROR) {
		CTR_INC(nf->ctr.sent);
		status_set(e, NOTIFY_OK, 0, 0);
		log_info("event=notify_result result=ok zone=%s target=%s serial=%u attempt=%u "
		         "key=%s",
		         e->zone->name, e->addr_str, e->serial, e->attempt,
		         key_str(e, kb, sizeof(kb)));
		return;
	}
	if (!e->counted)
		CTR_INC(nf->ctr.failed);
	status_set(e, NOTIFY_RCODE, (uint8_t)rcode, 0);
	log_warn("event=notify_result result=rcode rcode=%s zone=%s target=%s serial=%u "
	         "attempt=%u key=%s",
	         dns_rcode_name(rcode), e->zone->name, e->addr_str, e->serial, e->attempt,
	         key_str(e, kb, sizeof(kb)));
}

static void on_readable(evutil_socket_t fd, short what, void *arg)
{
	struct notifier *nf = arg;
	uint8_t buf[NOTIFY_BUF * 2];
	for (int i = 0; i < RECV_BATCH; i++) {
		struct sockaddr_storage from;
		socklen_t fl = sizeof(from);
		ssize_t n =
		    recvfrom(fd, buf, sizeof(buf), MSG_TRUNC, (struct sockaddr *)&from, &fl);
		if (n < 0)
			return; /* EAGAIN, or an ICMP error for an earlier send */
		if ((size_t)n > sizeof(buf)) {
			CTR_INC(nf->ctr.ignored); /* no NOTIFY answer is that long */
			continue;
		}
		on_answer(nf, buf, (size_t)n, (const struct sockaddr *)&from);
	}
}

/* The unbound socket of the family, opened at its first use. */
static int socket_for(struct notifier *nf, int family)
{
	int i = family == AF_INET6;
	if (nf->fd[i] >= 0)
		return nf->fd[i];
	int fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	struct event *ev = event_new(nf->base, fd, EV_READ | EV_PERSIST, on_readable, nf);
	if (!ev || event_add(ev, NULL) < 0) {
		if (ev)
			event_free(ev);
		close(fd);
		errno = ENOMEM;
		return -1;
	}
	nf->fd[i] = fd;
	nf->ev[i] = ev;
	return fd;
}

struct notifier *notifier_new(struct event_base *base, const struct tsig_keyring *ring,
                              const struct notify_params *params)
{
	struct notify_params p = {NOTIFY_FIRST_WAIT_MS, NOTIFY_MAX_WAIT_MS, NOTIFY_ATTEMPTS};
	if (params)
		p = *params;
	if (p.first_wait_ms == 0 || p.attempts == 0 || p.max_wait_ms < p.first_wait_ms)
		return NULL;
	struct notifier *nf = calloc(1, sizeof(*nf));
	if (!nf)
		return NULL;
	if (pthread_mutex_init(&nf->lock, NULL) != 0) {
		free(nf);
		return NULL;
	}
	nf->base = base;
	nf->ring = ring;
	nf->params = p;
	nf->fd[0] = nf->fd[1] = -1;
	nf->fallback = (uint64_t)(uintptr_t)nf ^ now_ms();
	return nf;
}

void notifier_set_keyring(struct notifier *nf, const struct tsig_keyring *ring)
{
	nf->ring = ring;
}

static size_t zone_bucket(const uint8_t *lower)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	for (size_t i = 0, n = wire_name_len(lower, WIRE_NAME_MAX); i < n; i++)
		h = (h ^ lower[i]) * 1099511628211ull;
	return (size_t)(mix64(h) % ZONE_BUCKETS);
}

/* The zone of the lower-case name, or NULL; *pp its link in the table. */
static struct notify_zone *zone_find(struct notifier *nf, const uint8_t *lower,
                                     struct notify_zone ***pp)
{
	struct notify_zone **p = &nf->zones[zone_bucket(lower)];
	while (*p && !wire_name_equal((*p)->origin, lower))
		p = &(*p)->next;
	if (pp)
		*pp = p;
	return *p;
}

static void entry_free(struct notify_entry *e)
{
	stop(e);
	event_free(e->timer);
	free(e);
}

static struct notify_entry *entry_new(struct notify_zone *z, struct notifier *nf,
                                      const struct notify_target *t)
{
	struct notify_entry *e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->timer = evtimer_new(nf->base, on_timer, e);
	if (!e->timer) {
		free(e);
		return NULL;
	}
	e->nf = nf;
	e->zone = z;
	memcpy(&e->addr, &t->addr, t->addr_len);
	e->addr_len = t->addr_len;
	netaddr_sockaddr_str((const struct sockaddr *)&e->addr, e->addr_str, sizeof(e->addr_str));
	e->next = z->entries;
	z->entries = e;
	return e;
}

/* The targets' checks of notifier_zone, their key names into keys
 * (WIRE_NAME_MAX each, length in key_lens). */
static int check_targets(const struct notifier *nf, const struct notify_target *targets, size_t n,
                         uint8_t *keys, uint8_t *key_lens)
{
	for (size_t i = 0; i < n; i++) {
		const struct notify_target *t = &targets[i];
		sa_family_t f = t->addr.ss_family;
		if (!(f == AF_INET && t->addr_len == sizeof(struct sockaddr_in)) &&
		    !(f == AF_INET6 && t->addr_len == sizeof(struct sockaddr_in6)))
			return GD_EINVAL;
		key_lens[i] = 0;
		if (!t->key)
			continue;
		uint8_t *k = keys + i * WIRE_NAME_MAX;
		key_lens[i] = (uint8_t)tsig_name_from_text(t->key, k);
		if (key_lens[i] == 0)
			return GD_EINVAL;
		if (!tsig_key_find(nf->ring, k))
			return GD_ENOTFOUND;
	}
	return GD_OK;
}

/* The zone's entry for each target (new ones created), its key set; the
 * entries of targets no longer listed freed. Marks in *todo[i] the entries
 * to notify. GD_ENOMEM leaves the new entries unnotified. */
static int match_targets(struct notifier *nf, struct notify_zone *z,
                         const struct notify_target *targets, size_t n, const uint8_t *keys,
                         const uint8_t *key_lens, struct notify_entry **todo)
{
	for (struct notify_entry *e = z->entries; e; e = e->next)
		e->seen = false;
	int rc = GD_OK;
	for (size_t i = 0; i < n && rc == GD_OK; i++) {
		struct notify_entry *e = z->entries;
		while (e && !same_addr(&e->addr, (const struct sockaddr *)&targets[i].addr))
			e = e->next;
		if (!e && !(e = entry_new(z, nf, &targets[i]))) {
			rc = GD_ENOMEM;
			break;
		}
		const uint8_t *k = keys + i * WIRE_NAME_MAX;
		if (e->key_len != key_lens[i] || memcmp(e->key, k, key_lens[i]) != 0) {
			memcpy(e->key, k, key_lens[i]);
			e->key_len = key_lens[i];
			e->notified = false;
		}
		e->seen = true;
		todo[i] = !e->notified || e->serial != z->serial ? e : NULL;
	}
	for (struct notify_entry **pp = &z->entries; *pp;) {
		struct notify_entry *e = *pp;
		if (e->seen || rc < 0) {
			pp = &e->next;
			continue;
		}
		*pp = e->next;
		entry_free(e);
	}
	return rc;
}

static struct notify_zone *zone_get(struct notifier *nf, const uint8_t *lower, size_t len)
{
	struct notify_zone **pp, *z = zone_find(nf, lower, &pp);
	if (z)
		return z;
	z = calloc(1, sizeof(*z));
	if (!z)
		return NULL;
	memcpy(z->origin, lower, len);
	z->origin_len = (uint8_t)len;
	wire_name_to_str(lower, z->name, sizeof(z->name));
	pthread_mutex_lock(&nf->lock);
	*pp = z;
	pthread_mutex_unlock(&nf->lock);
	return z;
}

int notifier_zone(struct notifier *nf, const uint8_t *origin, size_t origin_len,
                  const struct notify_soa *soa, const struct notify_target *targets, size_t n)
{
	uint32_t serial;
	if (origin_len == 0 || origin_len > WIRE_NAME_MAX ||
	    wire_name_len(origin, origin_len) != origin_len || !soa_serial(soa, &serial))
		return GD_EINVAL;
	uint8_t *keys = malloc(n * WIRE_NAME_MAX + 1), *key_lens = malloc(n + 1);
	struct notify_entry **todo = calloc(n + 1, sizeof(*todo));
	uint8_t *rdata = malloc(soa->rdlen);
	uint8_t lower[WIRE_NAME_MAX];
	int rc = GD_ENOMEM;
	struct notify_zone *z = NULL;
	if (!keys || !key_lens || !todo || !rdata)
		goto out;
	rc = check_targets(nf, targets, n, keys, key_lens);
	if (rc < 0)
		goto out;
	wire_name_lower(origin, origin_len, lower);
	rc = GD_ENOMEM;
	if (!(z = zone_get(nf, lower, origin_len)))
		goto out;
	memcpy(rdata, soa->rdata, soa->rdlen);
	free(z->soa);
	z->soa = rdata;
	rdata = NULL;
	z->rdlen = soa->rdlen;
	z->ttl = soa->ttl;
	z->serial = serial;
	rc = match_targets(nf, z, targets, n, keys, key_lens, todo);
	if (rc < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		struct notify_entry *e = todo[i];
		if (!e || (e->notified && e->serial == serial))
			continue; /* a target listed twice */
		stop(e);
		e->serial = serial;
		e->notified = true;
		e->attempt = 0;
		set_in_flight(e, true);
		send_attempt(e);
	}
out:
	free(keys);
	free(key_lens);
	free(todo);
	free(rdata);
	return rc;
}

static void zone_drop(struct notifier *nf, struct notify_zone **pp)
{
	struct notify_zone *z = *pp;
	while (z->entries) {
		struct notify_entry *e = z->entries;
		z->entries = e->next;
		entry_free(e);
	}
	pthread_mutex_lock(&nf->lock);
	*pp = z->next;
	pthread_mutex_unlock(&nf->lock);
	free(z->soa);
	free(z);
}

void notifier_zone_remove(struct notifier *nf, const uint8_t *origin, size_t origin_len)
{
	uint8_t lower[WIRE_NAME_MAX];
	if (origin_len == 0 || origin_len > WIRE_NAME_MAX ||
	    wire_name_len(origin, origin_len) != origin_len)
		return;
	wire_name_lower(origin, origin_len, lower);
	struct notify_zone **pp;
	if (zone_find(nf, lower, &pp))
		zone_drop(nf, pp);
}

void notifier_counters(const struct notifier *nf, struct notify_counters *out)
{
	out->sent = CTR_GET(nf->ctr.sent);
	out->failed = CTR_GET(nf->ctr.failed);
	out->timeout = CTR_GET(nf->ctr.timeout);
	out->gave_up = CTR_GET(nf->ctr.gave_up);
	out->ignored = CTR_GET(nf->ctr.ignored);
}

bool notifier_zone_status(struct notifier *nf, const uint8_t *origin, size_t origin_len,
                          struct notify_status *out)
{
	uint8_t lower[WIRE_NAME_MAX];
	if (origin_len == 0 || origin_len > WIRE_NAME_MAX ||
	    wire_name_len(origin, origin_len) != origin_len)
		return false;
	wire_name_lower(origin, origin_len, lower);
	pthread_mutex_lock(&nf->lock);
	const struct notify_zone *z = zone_find(nf, lower, NULL);
	if (z)
		*out = z->status;
	pthread_mutex_unlock(&nf->lock);
	return z != NULL;
}

void notifier_free(struct notifier *nf)
{
	if (!nf)
		return;
	for (size_t b = 0; b < ZONE_BUCKETS; b++)
		while (nf->zones[b])
			zone_drop(nf, &nf->zones[b]);
	for (int i = 0; i < 2; i++) {
		if (nf->ev[i])
			event_free(nf->ev[i]);
		if (nf->fd[i] >= 0)
			close(nf->fd[i]);
	}
	pthread_mutex_destroy(&nf->lock);
	free(nf);
}
