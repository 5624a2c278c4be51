/*
 * control.c - the control socket's thread and its commands.
 *
 * The thread has its own libevent base: a listener on the Unix socket and
 * a bufferevent per connection, which reads one command line within
 * CONTROL_DEADLINE seconds, runs it (a reload blocks this thread until it
 * is done, which is what a synchronous `geodnsdctl reload` needs; nothing
 * else waits on this thread), writes the response and closes. The peer's
 * uid (SO_PEERCRED) names it in the audit log. The commands are parsed
 * here and carried out by ops/admin.c and ops/explain.c.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "ops/control.h"

#include "common/diag.h"
#include "common/gd.h"
#include "common/log.h"
#include "common/strbuf.h"
#include "ops/admin.h"
#include "ops/explain.h"

#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <urcu/urcu-memb.h>

struct control {
	char *path;
	const struct admin *admin;
	const uint64_t *http_limits;
	struct event_base *base;
	struct evconnlistener *lev;
	pthread_t thread;
	bool started;
	unsigned open; /* connections (control thread only) */
	bool paused;
	struct control_conn *conns; /* the open ones, freed at stop */
};

struct control_conn {
	struct control *c;
	struct control_conn *prev, *next;
	struct bufferevent *bev;
	char from[32];
	bool answered; /* the response is queued: close once it is out */
};

#define MAX_WORDS 6

static const char usage[] =
    "commands: status, stats, reload [ZONE], zone-status [ZONE], drain REGION,\n"
    "undrain REGION, endpoint ADDR up|down|auto, explain NAME CLIENT-IP [ECS-PREFIX]\n";

/* The command's words, or -1 when there are too many. */
static int split_words(char *line, char **w)
{
	int n = 0;
	char *save = NULL;
	for (char *s = strtok_r(line, " \t\r", &save); s; s = strtok_r(NULL, " \t\r", &save)) {
		if (n == MAX_WORDS)
			return -1;
		w[n++] = s;
	}
	return n;
}

/* Does the command take this many arguments (words after it)? */
static bool arity_ok(const char *cmd, int args)
{
	static const struct {
		const char *name;
		int min, max;
	} cmds[] = {{"status", 0, 0}, {"stats", 0, 0},   {"reload", 0, 1},   {"zone-status", 0, 1},
	            {"drain", 1, 1},  {"undrain", 1, 1}, {"endpoint", 2, 2}, {"explain", 2, 3}};
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(cmds[i].name, cmd) == 0)
			return args >= cmds[i].min && args <= cmds[i].max;
	return false;
}

static int run_reload(const struct admin *a, const char *zone, const char *from, struct strbuf *out,
                      struct strbuf *err)
{
	struct strbuf msg;
	sb_init(&msg);
	int rc = admin_reload(a, zone, &msg, from);
	if (rc == 0) {
		if (zone)
			sb_printf(out, "zone %s reloaded\n", zone);
		else
			sb_puts(out, "reloaded\n");
	} else {
		sb_printf(err, "%s%sreload failed: the data served is unchanged\n", msg.buf,
		          msg.len && msg.buf[msg.len - 1] != '\n' ? "\n" : "");
	}
	sb_free(&msg);
	return rc == 0 ? 0 : 1;
}

static int run_endpoint(const struct admin *a, const char *addr, const char *word, const char *from,
                        struct strbuf *out, struct strbuf *err)
{
	int state = admin_endpoint_state(word);
	if (state == -2) {
		sb_printf(err, "endpoint state must be up, down or auto, not %s\n", word);
		return 1;
	}
	int rc = admin_endpoint(a, addr, state, from);
	if (rc == GD_OK) {
		sb_printf(out, "endpoint %s %s\n", addr, word);
		return 0;
	}
	if (rc == GD_EINVAL)
		sb_printf(err, "%s is not an IPv4 or IPv6 address\n", addr);
	else
		sb_printf(err, "%s is not an endpoint of a service\n", addr);
	return 1;
}

int control_execute(const struct admin *a, const uint64_t *http_limits, const char *line,
                    const char *from, struct strbuf *out, struct strbuf *err)
{
	char buf[CONTROL_LINE_MAX + 1];
	snprintf(buf, sizeof(buf), "%s", line);
	char *w[MAX_WORDS];
	int n = split_words(buf, w);
	if (n <= 0) {
		sb_printf(err, "%s\n%s", n ? "too many words" : "no command", usage);
		return 1;
	}
	if (!arity_ok(w[0], n - 1)) {
		sb_printf(err, "bad command: %s (unknown, or wrong arguments)\n%s", w[0], usage);
		return 1;
	}
	const char *cmd = w[0];
	if (strcmp(cmd, "status") == 0) {
		admin_status(a, out);
		return 0;
	}
	if (strcmp(cmd, "stats") == 0) {
		admin_metrics(a, http_limits, out);
		return 0;
	}
	if (strcmp(cmd, "reload") == 0)
		return run_reload(a, n > 1 ? w[1] : NULL, from, out, err);
	if (strcmp(cmd, "zone-status") == 0) {
		if (admin_zone_status(a, n > 1 ? w[1] : NULL, out) == GD_OK)
			return 0;
		sb_printf(err, "zone %s is not served here\n", w[1]);
		return 1;
	}
	if (strcmp(cmd, "drain") == 0 || strcmp(cmd, "undrain") == 0) {
		bool drain = cmd[0] == 'd';
		if (admin_drain(a, w[1], drain, from) == GD_OK) {
			sb_printf(out, "region %s %s\n", w[1], drain ? "drained" : "undrained");
			return 0;
		}
		sb_printf(err, "unknown region %s\n", w[1]);
		return 1;
	}
	if (strcmp(cmd, "endpoint") == 0)
		return run_endpoint(a, w[1], w[2], from, out, err);
	/* explain */
	return explain_answer(a->srv, w[1], w[2], n > 3 ? w[3] : NULL, out, err) == 0 ? 0 : 1;
}

/* text's lines, each as "TAG line\n" (a last line without "\n" too). */
static void put_lines(struct evbuffer *o, const char *tag, const char *text)
{
	while (*text) {
		size_t l = strcspn(text, "\n");
		evbuffer_add_printf(o, "%s %.*s\n", tag, (int)l, text);
		text += l + (text[l] == '\n');
	}
}

static void conn_close(struct control_conn *cc)
{
	struct control *c = cc->c;
	if (cc->prev)
		cc->prev->next = cc->next;
	else
		c->conns = cc->next;
	if (cc->next)
		cc->next->prev = cc->prev;
	bufferevent_free(cc->bev);
	free(cc);
	if (c->open-- == CONTROL_MAX_CONNECTIONS && c->paused) {
		c->paused = false;
		evconnlistener_enable(c->lev);
	}
}

static void conn_reply(struct control_conn *cc, const char *out, const char *err, int status)
{
	struct evbuffer *o = bufferevent_get_output(cc->bev);
	put_lines(o, "out", out);
	put_lines(o, "err", err);
	evbuffer_add_printf(o, "status %d\n", status);
	cc->answered = true;
	bufferevent_disable(cc->bev, EV_READ);
}

static void conn_read(struct bufferevent *bev, void *arg)
{
	struct control_conn *cc = arg;
	if (cc->answered)
		return;
	struct evbuffer *in = bufferevent_get_input(bev);
	size_t n;
	char *line = evbuffer_readln(in, &n, EVBUFFER_EOL_LF);
	if (!line) {
		if (evbuffer_get_length(in) >= CONTROL_LINE_MAX)
			conn_reply(cc, "", "command line too long\n", 1);
		return;
	}
	struct strbuf out, err;
	sb_init(&out);
	sb_init(&err);
	int status =
	    n >= CONTROL_LINE_MAX || memchr(line, '\0', n)
	        ? (sb_puts(&err, "bad command line\n"), 1)
	        : control_execute(cc->c->admin, cc->c->http_limits, line, cc->from, &out, &err);
	free(line);
	conn_reply(cc, out.buf, err.buf, status);
	sb_free(&out);
	sb_free(&err);
}

static void conn_write(struct bufferevent *bev, void *arg)
{
	struct control_conn *cc = arg;
	if (cc->answered && evbuffer_get_length(bufferevent_get_output(bev)) == 0)
		conn_close(cc);
}

static void conn_event(struct bufferevent *bev, short what, void *arg)
{
	struct control_conn *cc = arg;
	(void)bev;
	if (what & BEV_EVENT_TIMEOUT)
		log_debug("event=control_timeout from=%s", cc->from);
	conn_close(cc);
}

static void on_accept(struct evconnlistener *lev, evutil_socket_t fd, struct sockaddr *sa, int len,
                      void *arg)
{
	struct control *c = arg;
	(void)lev;
	(void)sa;
	(void)len;
	struct control_conn *cc = xcalloc(1, sizeof(*cc));
	cc->c = c;
	struct ucred cred;
	socklen_t cl = sizeof(cred);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &cl) == 0)
		snprintf(cc->from, sizeof(cc->from), "control:uid=%u", (unsigned)cred.uid);
	else
		snprintf(cc->from, sizeof(cc->from), "control");
	cc->bev = bufferevent_socket_new(c->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (!cc->bev) {
		close(fd);
		free(cc);
		return;
	}
	bufferevent_setcb(cc->bev, conn_read, conn_write, conn_event, cc);
	bufferevent_setwatermark(cc->bev, EV_READ, 0, CONTROL_LINE_MAX);
	struct timeval deadline = {CONTROL_DEADLINE, 0};
	bufferevent_set_timeouts(cc->bev, &deadline, &deadline);
	bufferevent_enable(cc->bev, EV_READ | EV_WRITE);
	cc->next = c->conns;
	if (c->conns)
		c->conns->prev = cc;
	c->conns = cc;
	if (++c->open == CONTROL_MAX_CONNECTIONS) {
		c->paused = true;
		evconnlistener_disable(c->lev);
	}
}

/* A socket bound at path with mode 0660; -1 with the reason in diag. */
static int bind_socket(const char *path, struct diag *diag)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof(sun.sun_path)) {
		diag_error(diag, path, 0, 0, "control.socket: the path is longer than %zu octets",
		           sizeof(sun.sun_path) - 1);
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	struct stat st;
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			diag_error(diag, path, 0, 0,
			           "control.socket: a file that is not a socket "
			           "is in the way");
			return -1;
		}
		unlink(path); /* left by a daemon that did not stop cleanly */
	}
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		diag_error(diag, path, 0, 0, "control.socket: %s", strerror(errno));
		return -1;
	}
	/* never a moment with wider permissions than 0660 */
	mode_t old = umask(0117);
	int rc = bind(fd, (struct sockaddr *)&sun, sizeof(sun));
	umask(old);
	if (rc < 0 || chmod(path, 0660) < 0 || listen(fd, 16) < 0) {
		diag_error(diag, path, 0, 0, "control.socket: cannot listen: %s", strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

struct control *control_create(const char *path, const struct admin *admin,
                               const uint64_t *http_limits, uid_t uid, gid_t gid, struct diag *diag)
{
	int fd = bind_socket(path, diag);
	if (fd < 0)
		return NULL;
	if ((uid != (uid_t)-1 || gid != (gid_t)-1) && chown(path, uid, gid) < 0) {
		diag_error(diag, path, 0, 0, "control.socket: cannot give it to uid %d gid %d: %s",
		           (int)uid, (int)gid, strerror(errno));
		close(fd);
		unlink(path);
		return NULL;
	}
	struct control *c = xcalloc(1, sizeof(*c));
	c->path = xstrdup(path);
	c->admin = admin;
	c->http_limits = http_limits;
	c->base = event_base_new();
	c->lev = c->base ? evconnlistener_new(c->base, on_accept, c, LEV_OPT_CLOSE_ON_FREE, -1, fd)
	                 : NULL;
	if (!c->lev) {
		diag_error(diag, path, 0, 0, "control.socket: out of memory");
		close(fd);
		control_stop(c);
		return NULL;
	}
	return c;
}

static void *control_main(void *arg)
{
	struct control *c = arg;
	urcu_memb_register_thread();
	event_base_dispatch(c->base);
	urcu_memb_unregister_thread();
	return NULL;
}

int control_run(struct control *c)
{
	if (thread_start(&c->thread, control_main, c) != 0)
		return GD_ENOMEM;
	c->started = true;
	return GD_OK;
}

void control_stop(struct control *c)
{
	if (!c)
		return;
	if (c->started) {
		event_base_loopbreak(c->base);
		pthread_join(c->thread, NULL);
	}
	while (c->conns)
		conn_close(c->conns);
	if (c->lev) {
		evconnlistener_free(c->lev);
		unlink(c->path);
	}
	if (c->base)
		event_base_free(c->base);
	free(c->path);
	free(c);
}
