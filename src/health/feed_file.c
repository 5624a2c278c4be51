/*
 * feed_file.c - a poll of a file feed (file:PATH), on the prober's loop.
 *
 * The file is read again only when it changed (mtime, size, inode), and
 * parsed on every poll, since staleness depends on the time. Reading never
 * blocks the loop and never reads more than the document limit; the text
 * goes to health_feed_text and a failure to health_feed_result (feed_list.c).
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "health_internal.h"

#include "common/gd.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *file_kind(mode_t m)
{
	return S_ISFIFO(m)                ? "a FIFO"
	       : S_ISDIR(m)               ? "a directory"
	       : S_ISSOCK(m)              ? "a socket"
	       : S_ISCHR(m) || S_ISBLK(m) ? "a device"
	                                  : "not a regular file";
}

/*
 * A file feed, read without blocking the loop: opened with O_NONBLOCK (a
 * FIFO's open would otherwise wait for a writer, its read for data), then
 * read only when fstat says it is a regular file, and at most
 * FEED_MAX_BYTES + 1 bytes of it.
 */
void health_poll_file(struct feed *f)
{
	char detail[160];
	struct stat st;
	int fd = open_regular(f->path, &st);
	if (fd == -2) {
		snprintf(detail, sizeof(detail), "the feed file is %s", file_kind(st.st_mode));
		health_feed_result(f, NULL, "not_regular_file", detail);
		return;
	}
	if (fd < 0) {
		health_feed_result(f, NULL, "feed_unreachable", strerror(errno));
		return;
	}
	if (st.st_size > FEED_MAX_BYTES) {
		close(fd);
		health_feed_result(f, NULL, "too_large", "file larger than 1 MiB");
		return;
	}
	bool same = f->last_text && st.st_mtim.tv_sec == f->last_stat.st_mtim.tv_sec &&
		    st.st_mtim.tv_nsec == f->last_stat.st_mtim.tv_nsec &&
		    st.st_size == f->last_stat.st_size && st.st_ino == f->last_stat.st_ino;
	if (!same) {
		/* the size may change while it is read: read up to one byte over
		 * the limit to see that */
		char *text = xmalloc(FEED_MAX_BYTES + 2);
		size_t len = 0;
		while (len <= FEED_MAX_BYTES) {
			ssize_t n = read(fd, text + len, FEED_MAX_BYTES + 1 - len);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0) {
				int e = errno;
				free(text);
				close(fd);
				health_feed_result(f, NULL, "feed_unreachable", strerror(e));
				return;
			}
			if (n == 0)
				break;
			len += (size_t)n;
		}
		if (len > FEED_MAX_BYTES) {
			free(text);
			close(fd);
			health_feed_result(f, NULL, "too_large", "file larger than 1 MiB");
			return;
		}
		text[len] = '\0';
		free(f->last_text);
		f->last_text = text;
		f->last_len = len;
		f->last_stat = st;
	}
	close(fd);
	/* unchanged files are parsed again: staleness depends on the time */
	health_feed_text(f, f->last_text, f->last_len);
}
