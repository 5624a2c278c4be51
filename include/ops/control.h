/*
 * control.h - the control socket: geodnsdctl's door into the daemon, a
 * Unix stream socket (control.socket) whose file permissions (0660, owned
 * by the daemon's user and group) are the authentication, as for knotc
 * and nsd-control. Served by a small thread of its own with its own
 * libevent loop; every action goes through ops/admin.c, the code the
 * HTTP admin API uses.
 *
 * The protocol, one exchange per connection:
 *   request   one line, at most CONTROL_LINE_MAX octets with its "\n":
 *             the command and its arguments separated by spaces or tabs
 *   response  lines "out TEXT" (for the client's standard output) and
 *             "err TEXT" (its standard error), then "status N" (0
 *             success, 1 failure), then the server closes the connection
 * A connection must send its line within CONTROL_DEADLINE seconds.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#ifndef GD_CONTROL_H
#define GD_CONTROL_H

#include <stdint.h>
#include <sys/types.h>

struct admin;
struct diag;
struct strbuf;

#define CONTROL_LINE_MAX 1024
#define CONTROL_DEADLINE 5
/* connections served at once; more wait in the kernel's backlog */
#define CONTROL_MAX_CONNECTIONS 16

struct control;

/*
 * Bind the socket at path now (before privileges are dropped): an old
 * socket left at path is replaced (any other kind of file there is an
 * error), the new one gets mode 0660 and, when uid or gid is not -1, that
 * owner. admin and http_limits (NULL without HTTP) must outlive it. NULL
 * with a diagnostic naming the path.
 */
struct control *control_create(const char *path, const struct admin *admin,
                               const uint64_t *http_limits, uid_t uid, gid_t gid,
                               struct diag *diag);
/* Start serving in the control thread. GD_OK or GD_ENOMEM. */
int control_run(struct control *c);
/* Stop the thread, close the socket and remove its file. NULL is ignored. */
void control_stop(struct control *c);

/*
 * One command line (without its "\n"): the output for the client's
 * standard output into out, the errors into err, each line ending in
 * "\n"; returns the exit status (0 or 1). From a registered RCU reader
 * thread. from names the caller in the audit log.
 */
int control_execute(const struct admin *admin, const uint64_t *http_limits, const char *line,
                    const char *from, struct strbuf *out, struct strbuf *err);

#endif
