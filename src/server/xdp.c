/*
 * xdp.c - the AF_XDP path (server.xdp): for each interface, the XDP
 * program (xdp_dns.bpf.c, carried in the binary) attached through libxdp's
 * dispatcher, so that it runs beside other XDP programs, native mode when
 * the driver has it and generic mode with a warning otherwise; and for
 * each of the interface's receive queues an AF_XDP socket with its own
 * UMEM, served by a thread of its own (a worker like the UDP threads, with
 * the same answer function, caches, RRL and counters).
 *
 * A frame is answered in place: the query is copied aside, the answer
 * written after the frame's headers, the headers turned around
 * (xdp_packet.c), and the frame sent from the TX ring; it returns to the
 * fill ring from the completion ring. Nothing is allocated per query and
 * the only system calls are the wake-ups the rings ask for.
 *
 * Set up before privileges are dropped (server_create), served after the
 * daemon's fork (server_start); any failure undoes what was done and the
 * server does not start. At stop the programs are detached; if geodnsd
 * dies instead, the program's redirect finds no socket and passes the
 * packets to the kernel (XDP_PASS), so the interface keeps answering ICMP
 * port unreachable rather than swallowing DNS (geodnsd(8) has the command
 * that removes the program by hand).
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "server_internal.h"

#include "common/counter.h"
#include "common/gd.h"
#include "common/log.h"
#include "common/netaddr.h"
#include "conf/config.h"
#include "server/snapshot.h"
#include "server/xdp_maps.h"
#include "server/xdp_packet.h"

#include "xdp_dns_obj.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include <xdp/libxdp.h>
#include <xdp/xsk.h>

#define XDP_FRAMES 4096
#define XDP_FRAME_SIZE XSK_UMEM__DEFAULT_FRAME_SIZE
#define XDP_RING XSK_RING_CONS__DEFAULT_NUM_DESCS
#define XDP_BATCH 64
#define XDP_KICK 32 /* frames the kernel sends a kick in copy mode */

struct xdp_iface {
	char name[IF_NAMESIZE];
	int ifindex;
	struct bpf_object *obj;
	struct xdp_program *prog;
	enum xdp_attach_mode mode;
	bool attached;
	int xsks_fd, addrs_fd;
};

struct xdp_queue {
	struct xdp_iface *ifc;
	unsigned queue;
	uint8_t *area;
	struct xsk_umem *umem;
	struct xsk_socket *xsk;
	struct xsk_ring_prod fill, tx;
	struct xsk_ring_cons comp, rx;
	uint64_t free_frames[XDP_FRAMES]; /* frame addresses the kernel does not hold */
	unsigned nfree;
	uint8_t query[UDP_BUF];           /* the query, copied aside */
	uint64_t tx_addr[XDP_BATCH];
	uint32_t tx_len[XDP_BATCH];
};

struct xdp_set {
	struct xdp_iface *ifs;
	size_t nifs;
	struct xdp_queue **queues;
	size_t nqueues;
};

/* libbpf's messages go to the log at debug (a failed call is reported by
 * its caller here, with the cause); libxdp's warnings as warnings (such as
 * no bpffs, so no dispatcher: the program is attached alone). */
static void lib_message(const char *lib, bool warn, const char *fmt, va_list ap)
{
	char buf[512];
	vsnprintf(buf, sizeof(buf), fmt, ap);
	buf[strcspn(buf, "\n")] = '\0';
	if (warn)
		log_warn("event=%s message=\"%s\"", lib, buf);
	else
		log_debug("event=%s message=\"%s\"", lib, buf);
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level != LIBBPF_DEBUG)
		lib_message("libbpf", false, fmt, ap);
	return 0;
}

static int libxdp_print(enum libxdp_print_level level, const char *fmt, va_list ap)
{
	if (level != LIBXDP_DEBUG)
		lib_message("libxdp", level == LIBXDP_WARN, fmt, ap);
	return 0;
}

/* Why an attach or a socket failed, in words an operator acts on. */
static const char *cause(int err)
{
	err = err < 0 ? -err : err;
	if (err == EPERM || err == EACCES)
		return "not permitted: geodnsd needs CAP_NET_ADMIN, CAP_BPF and CAP_NET_RAW "
		       "(or CAP_SYS_ADMIN) for XDP";
	if (err == EOPNOTSUPP || err == EINVAL)
		return "the kernel or the driver does not support XDP or AF_XDP here";
	if (err == EBUSY)
		return "another XDP program holds the interface without libxdp's dispatcher";
	if (err == ENOMEM)
		return "out of locked memory (RLIMIT_MEMLOCK) or kernel memory";
	return strerror(err);
}

/* The interface's addresses that server.listen answers on, into the map
 * (an unspecified listen address: every address of its family). */
static int fill_addrs(struct xdp_iface *ifc, const struct config *cfg)
{
	struct ifaddrs *ifa = NULL;
	if (getifaddrs(&ifa) < 0)
		return -errno;
	int n = 0;
	for (size_t i = 0; i < cfg->nlisten; i++) {
		const struct sockaddr *ls = (const struct sockaddr *)&cfg->listen[i].ss;
		struct xdp_dns_addr key = {.port = htons(netaddr_port(ls))};
		uint8_t fam, one = 1;
		netaddr_from_sockaddr(ls, &fam, key.addr);
		key.family = fam == ADDR_IPV4 ? 4 : 6;
		static const uint8_t zero[16];
		bool here = memcmp(key.addr, zero, 16) == 0; /* unspecified: every one */
		for (struct ifaddrs *a = ifa; a && !here; a = a->ifa_next) {
			uint8_t afam, aaddr[16];
			here = a->ifa_addr && strcmp(a->ifa_name, ifc->name) == 0 &&
			       netaddr_from_sockaddr(a->ifa_addr, &afam, aaddr) && afam == fam &&
			       memcmp(aaddr, key.addr, 16) == 0;
		}
		if (!here)
			continue;
		if (bpf_map_update_elem(ifc->addrs_fd, &key, &one, BPF_ANY) < 0) {
			freeifaddrs(ifa);
			return -errno;
		}
		n++;
	}
	freeifaddrs(ifa);
	return n;
}

/* A program of an earlier geodnsd still on the interface (it was killed
 * before it could detach): removed, so that a restart takes over. */
static void remove_leftover(struct xdp_iface *ifc)
{
	struct xdp_multiprog *mp = xdp_multiprog__get_from_ifindex(ifc->ifindex);
	if (libxdp_get_error(mp) || !mp)
		return;
	bool ours = false;
	for (struct xdp_program *p = xdp_multiprog__next_prog(NULL, mp); p;
	     p = xdp_multiprog__next_prog(p, mp))
		ours |= strcmp(xdp_program__name(p), "geodnsd_xdp") == 0;
	struct xdp_program *main_prog = xdp_multiprog__main_prog(mp);
	if (xdp_multiprog__is_legacy(mp) && main_prog)
		ours |= strcmp(xdp_program__name(main_prog), "geodnsd_xdp") == 0;
	if (ours && xdp_multiprog__is_legacy(mp)) {
		int rc = xdp_multiprog__detach(mp);
		log_warn("event=xdp_leftover interface=%s action=%s", ifc->name,
		         rc == 0 ? "removed" : "remove_failed");
	} else if (ours) {
		for (struct xdp_program *p = xdp_multiprog__next_prog(NULL, mp); p;
		     p = xdp_multiprog__next_prog(p, mp))
			if (strcmp(xdp_program__name(p), "geodnsd_xdp") == 0) {
				int rc = xdp_program__detach(p, ifc->ifindex,
				                             xdp_multiprog__attach_mode(mp), 0);
				log_warn("event=xdp_leftover interface=%s action=%s", ifc->name,
				         rc == 0 ? "removed" : "remove_failed");
				break;
			}
	}
	xdp_multiprog__close(mp);
}

/* Load and attach the program on one interface: native, else generic. */
static int attach(struct xdp_iface *ifc)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .object_name = "geodnsd_xdp");
	ifc->obj = bpf_object__open_mem(xdp_dns_obj, sizeof(xdp_dns_obj), &oo);
	if (!ifc->obj) {
		log_error("event=xdp_failed interface=%s error=\"the XDP program does not open: %s\"",
		          ifc->name, strerror(errno));
		return -1;
	}
	remove_leftover(ifc);
	ifc->prog = xdp_program__from_bpf_obj(ifc->obj, "xdp");
	long err = libxdp_get_error(ifc->prog);
	if (err) {
		ifc->prog = NULL;
		log_error("event=xdp_failed interface=%s error=\"%s\"", ifc->name, cause((int)err));
		return -1;
	}
	int rc = xdp_program__attach(ifc->prog, ifc->ifindex, XDP_MODE_NATIVE, 0);
	ifc->mode = XDP_MODE_NATIVE;
	if (rc < 0 && rc != -EPERM && rc != -EACCES) {
		int native = rc;
		rc = xdp_program__attach(ifc->prog, ifc->ifindex, XDP_MODE_SKB, 0);
		ifc->mode = XDP_MODE_SKB;
		if (rc == 0)
			log_warn("event=xdp_generic interface=%s note=\"native XDP refused (%s); "
			         "generic mode, slower than native\"",
			         ifc->name, cause(native));
	}
	if (rc < 0) {
		log_error("event=xdp_failed interface=%s error=\"attaching the XDP program: %s\"",
		          ifc->name, cause(rc));
		return -1;
	}
	ifc->attached = true;
	struct bpf_object *obj = xdp_program__bpf_obj(ifc->prog);
	struct bpf_map *xsks = bpf_object__find_map_by_name(obj, "xsks");
	struct bpf_map *addrs = bpf_object__find_map_by_name(obj, "addrs");
	ifc->xsks_fd = xsks ? bpf_map__fd(xsks) : -1;
	ifc->addrs_fd = addrs ? bpf_map__fd(addrs) : -1;
	if (ifc->xsks_fd < 0 || ifc->addrs_fd < 0) {
		log_error("event=xdp_failed interface=%s error=\"the program's maps are missing\"",
		          ifc->name);
		return -1;
	}
	return 0;
}

/* One queue's UMEM and AF_XDP socket, registered in the program's map. */
static int open_queue(struct xdp_queue *q)
{
	size_t len = (size_t)XDP_FRAMES * XDP_FRAME_SIZE;
	q->area = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (q->area == MAP_FAILED) {
		q->area = NULL;
		return -errno;
	}
	struct xsk_umem_config uc = {.fill_size = XDP_RING,
	                             .comp_size = XDP_RING,
	                             .frame_size = XDP_FRAME_SIZE,
	                             .frame_headroom = 0};
	int rc = xsk_umem__create(&q->umem, q->area, len, &q->fill, &q->comp, &uc);
	if (rc < 0)
		return rc;
	struct xsk_socket_config sc = {.rx_size = XDP_RING,
	                               .tx_size = XDP_RING,
	                               .libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
	                               .bind_flags = XDP_USE_NEED_WAKEUP | XDP_ZEROCOPY};
	if (q->ifc->mode == XDP_MODE_SKB)
		sc.bind_flags = XDP_USE_NEED_WAKEUP | XDP_COPY;
	rc = xsk_socket__create(&q->xsk, q->ifc->name, q->queue, q->umem, &q->rx, &q->tx, &sc);
	if (rc < 0 && q->ifc->mode == XDP_MODE_NATIVE) {
		/* no zero-copy in this driver (veth, virtio): copy mode */
		sc.bind_flags = XDP_USE_NEED_WAKEUP | XDP_COPY;
		rc = xsk_socket__create(&q->xsk, q->ifc->name, q->queue, q->umem, &q->rx, &q->tx,
		                        &sc);
	}
	if (rc < 0)
		return rc;
	rc = xsk_socket__update_xskmap(q->xsk, q->ifc->xsks_fd);
	if (rc < 0)
		return rc;
	for (unsigned i = 0; i < XDP_FRAMES; i++)
		q->free_frames[q->nfree++] = (uint64_t)i * XDP_FRAME_SIZE;
	return 0;
}

static void close_queue(struct xdp_queue *q)
{
	if (q->xsk)
		xsk_socket__delete(q->xsk);
	if (q->umem)
		xsk_umem__delete(q->umem);
	if (q->area)
		munmap(q->area, (size_t)XDP_FRAMES * XDP_FRAME_SIZE);
	free(q);
}

void xdp_close(struct xdp_set *x)
{
	if (!x)
		return;
	for (size_t i = 0; i < x->nqueues; i++)
		if (x->queues[i])
			close_queue(x->queues[i]);
	for (size_t i = 0; i < x->nifs; i++) {
		struct xdp_iface *ifc = &x->ifs[i];
		if (ifc->attached && xdp_program__detach(ifc->prog, ifc->ifindex, ifc->mode, 0) < 0)
			log_warn("event=xdp_detach_failed interface=%s note=\"remove it with "
			         "xdp-loader unload %s --all\"",
			         ifc->name, ifc->name);
		else if (ifc->attached)
			log_info("event=xdp_detached interface=%s", ifc->name);
		if (ifc->prog)
			xdp_program__close(ifc->prog);
		/* a program made from an object does not own it */
		if (ifc->obj)
			bpf_object__close(ifc->obj);
	}
	free(x->ifs);
	free(x->queues);
	free(x);
}

struct xdp_set *xdp_open(const struct config *cfg, struct worker *workers)
{
	libbpf_set_print(libbpf_print);
	libxdp_set_print(libxdp_print);
	/* UMEMs are locked memory; a root start may lift the cap */
	struct rlimit rl = {RLIM_INFINITY, RLIM_INFINITY};
	setrlimit(RLIMIT_MEMLOCK, &rl);
	struct xdp_set *x = xcalloc(1, sizeof(*x));
	x->ifs = xcalloc(cfg->nxdp, sizeof(struct xdp_iface));
	x->queues = xcalloc(cfg->xdp_queues_total, sizeof(struct xdp_queue *));
	for (size_t i = 0; i < cfg->nxdp; i++) {
		struct xdp_iface *ifc = &x->ifs[x->nifs++];
		snprintf(ifc->name, sizeof(ifc->name), "%s", cfg->xdp[i]);
		ifc->ifindex = (int)if_nametoindex(ifc->name);
		if (!ifc->ifindex) {
			log_error("event=xdp_failed interface=%s error=\"no such interface\"",
			          ifc->name);
			goto fail;
		}
		if (attach(ifc) < 0)
			goto fail;
		int n = fill_addrs(ifc, cfg);
		if (n < 0) {
			log_error("event=xdp_failed interface=%s error=\"%s\"", ifc->name, cause(n));
			goto fail;
		}
		if (n == 0)
			log_warn("event=xdp_no_address interface=%s note=\"no address of "
			         "server.listen is on it: nothing is answered over XDP there\"",
			         ifc->name);
		for (unsigned k = 0; k < cfg->xdp_queues[i]; k++) {
			struct xdp_queue *q = xcalloc(1, sizeof(*q));
			q->ifc = ifc;
			q->queue = k;
			x->queues[x->nqueues] = q;
			workers[x->nqueues++].xq = q;
			int rc = open_queue(q);
			if (rc < 0) {
				log_error("event=xdp_failed interface=%s queue=%u error=\"AF_XDP socket: "
				          "%s\"",
				          ifc->name, k, cause(rc));
				goto fail;
			}
		}
		/* through libxdp's dispatcher (beside other programs), or alone */
		struct xdp_multiprog *mp = xdp_multiprog__get_from_ifindex(ifc->ifindex);
		bool alone = libxdp_get_error(mp) || !mp || xdp_multiprog__is_legacy(mp);
		if (!libxdp_get_error(mp))
			xdp_multiprog__close(mp);
		log_info("event=xdp_attached interface=%s mode=%s dispatcher=%s queues=%u "
		         "addresses=%d",
		         ifc->name, ifc->mode == XDP_MODE_NATIVE ? "native" : "generic",
		         alone ? "no" : "yes", cfg->xdp_queues[i], n);
	}
	return x;
fail:
	for (size_t i = 0; i < x->nqueues; i++)
		workers[i].xq = NULL;
	xdp_close(x);
	return NULL;
}

/* Frames back from the TX ring, and frames for the kernel to fill. */
static void recycle(struct xdp_queue *q)
{
	uint32_t idx;
	unsigned n = xsk_ring_cons__peek(&q->comp, XDP_RING, &idx);
	for (unsigned i = 0; i < n; i++)
		q->free_frames[q->nfree++] = *xsk_ring_cons__comp_addr(&q->comp, idx + i) &
		                             ~(uint64_t)(XDP_FRAME_SIZE - 1);
	if (n)
		xsk_ring_cons__release(&q->comp, n);
	unsigned want = xsk_prod_nb_free(&q->fill, q->nfree);
	if (want > q->nfree)
		want = q->nfree;
	if (want && xsk_ring_prod__reserve(&q->fill, want, &idx) == want) {
		for (unsigned i = 0; i < want; i++)
			*xsk_ring_prod__fill_addr(&q->fill, idx + i) = q->free_frames[--q->nfree];
		xsk_ring_prod__submit(&q->fill, want);
	}
}

/* Answer one received frame in place; true when it is to be sent. */
static bool answer_frame(struct worker *w, struct xdp_queue *q, const struct snapshot *snap,
                         const struct health_snapshot *hs, uint64_t addr, uint32_t *len,
                         const struct timespec *received)
{
	uint8_t *frame = xsk_umem__get_data(q->area, addr);
	size_t room = XDP_FRAME_SIZE - (addr & (XDP_FRAME_SIZE - 1));
	struct xdp_pkt p;
	if (xdp_parse(frame, *len, &p) < 0 || p.payload_len > sizeof(q->query)) {
		CTR_INC(w->aw.counters.xdp_dropped);
		return false;
	}
	memcpy(q->query, frame + p.payload_off, p.payload_len);
	size_t cap = room - p.payload_off;
	if (cap > UDP_BUF)
		cap = UDP_BUF;
	struct answer_request req = {q->query, p.payload_len, false,
	                             (const struct sockaddr *)&p.client, hs};
	qlog_before(w);
	size_t n = answer_query(snap->db, &snap->settings, &req, frame + p.payload_off, cap, &w->aw);
	qlog_after(w, snap, false);
	if (dnstap_take(&w->tap)) {
		struct dnstap_event ev = {.client = (const struct sockaddr *)&p.client,
		                          .server = (const struct sockaddr *)&p.local,
		                          .query = q->query,
		                          .query_len = p.payload_len,
		                          .response = frame + p.payload_off,
		                          .response_len = n,
		                          .query_time = *received};
		clock_gettime(CLOCK_REALTIME, &ev.response_time);
		dnstap_write(&w->tap, &ev);
	}
	if (n == 0) {
		CTR_INC(w->aw.counters.xdp_dropped);
		return false;
	}
	*len = (uint32_t)xdp_reply(frame, &p, n);
	CTR_INC(w->aw.counters.xdp_answered);
	return true;
}

/* One batch from the RX ring: answered into the TX ring. Returns the
 * frames received. */
static unsigned xdp_batch(struct worker *w, struct xdp_queue *q)
{
	uint32_t idx;
	unsigned n = xsk_ring_cons__peek(&q->rx, XDP_BATCH, &idx);
	if (!n)
		return 0;
	struct timespec received = {0, 0};
	if (w->tap.dt)
		clock_gettime(CLOCK_REALTIME, &received);
	unsigned out = 0;
	read_begin();
	const struct snapshot *snap = read_snapshot(w->srv);
	const struct health_snapshot *hs = read_health(w->srv);
	for (unsigned i = 0; i < n; i++) {
		const struct xdp_desc *d = xsk_ring_cons__rx_desc(&q->rx, idx + i);
		uint32_t len = d->len;
		if (answer_frame(w, q, snap, hs, d->addr, &len, &received)) {
			q->tx_addr[out] = d->addr;
			q->tx_len[out++] = len;
		} else {
			q->free_frames[q->nfree++] = d->addr & ~(uint64_t)(XDP_FRAME_SIZE - 1);
		}
	}
	read_end();
	xsk_ring_cons__release(&q->rx, n);
	uint32_t tidx;
	while (out && xsk_ring_prod__reserve(&q->tx, out, &tidx) != out) {
		/* the TX ring is full: let the kernel send, take back what it sent */
		sendto(xsk_socket__fd(q->xsk), NULL, 0, MSG_DONTWAIT, NULL, 0);
		recycle(q);
		if (__atomic_load_n(&w->stopping, __ATOMIC_ACQUIRE))
			return n;
	}
	for (unsigned i = 0; i < out; i++) {
		struct xdp_desc *t = xsk_ring_prod__tx_desc(&q->tx, tidx + i);
		t->addr = q->tx_addr[i];
		t->len = q->tx_len[i];
	}
	if (out)
		xsk_ring_prod__submit(&q->tx, out);
	return n;
}

/* Replies in the TX ring that the kernel has not taken yet. */
static unsigned tx_pending(struct xdp_queue *q)
{
	return XDP_RING - xsk_prod_nb_free(&q->tx, XDP_RING);
}

/* Let the kernel send the TX ring (copy mode: at most XDP_KICK frames);
 * false when it asks for no kick (zero-copy: the driver is sending). */
static bool kick(struct xdp_queue *q)
{
	if (!xsk_ring_prod__needs_wakeup(&q->tx))
		return false;
	sendto(xsk_socket__fd(q->xsk), NULL, 0, MSG_DONTWAIT, NULL, 0);
	return true;
}

/*
 * An XDP worker: batches from the RX ring answered into the TX ring. The
 * replies go out when the RX ring is empty (or XDP_KICK are waiting),
 * one kick for all of them. Under load (frames came while the last
 * replies went out) fewer than half a batch wait server.coalesce_us for
 * more, as on the socket path (coalesce_wait); then every reply out and,
 * with nothing received, sleep in poll().
 */
void *xdp_main(void *arg)
{
	struct worker *w = arg;
	struct xdp_queue *q = w->xq;
	urcu_memb_register_thread();
	coalesce_setup(w);
	struct pollfd pfd = {.fd = xsk_socket__fd(q->xsk), .events = POLLIN};
	bool busy = false, waited = false;
	while (!__atomic_load_n(&w->stopping, __ATOMIC_ACQUIRE)) {
		recycle(q);
		if (xdp_batch(w, q)) {
			if (tx_pending(q) >= XDP_KICK)
				kick(q);
			continue;
		}
		unsigned pending = tx_pending(q);
		if (busy && !waited && w->coalesce_ns && pending && pending < w->coalesce_below) {
			coalesce_wait(w);
			waited = true;
			continue;
		}
		waited = false;
		/* every reply out: a kick sends at most XDP_KICK in copy mode,
		 * and a burst of more would wait for the next frame received */
		for (int k = 0; k < XDP_RING / XDP_KICK && tx_pending(q) && kick(q); k++)
			;
		busy = xsk_cons_nb_avail(&q->rx, 1) > 0;
		if (!busy)
			poll(&pfd, 1, 200); /* idle; the timeout sees a stop */
	}
	urcu_memb_unregister_thread();
	return NULL;
}
