/*
 * metrics.c - the Prometheus text exposition format (the buffer is
 * common/strbuf.c).
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "ops/metrics.h"

#include "common/gd.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

void sb_label_value(struct strbuf *sb, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\')
			sb_add(sb, "\\\\", 2);
		else if (*s == '"')
			sb_add(sb, "\\\"", 2);
		else if (*s == '\n')
			sb_add(sb, "\\n", 2);
		else
			sb_add(sb, s, 1);
	}
}

void metrics_family(struct strbuf *sb, const char *name, const char *type, const char *help)
{
	sb_printf(sb, "# HELP %s ", name);
	/* HELP text escapes only backslash and newline */
	for (const char *p = help; *p; p++) {
		if (*p == '\\')
			sb_add(sb, "\\\\", 2);
		else if (*p == '\n')
			sb_add(sb, "\\n", 2);
		else
			sb_add(sb, p, 1);
	}
	sb_printf(sb, "\n# TYPE %s %s\n", name, type);
}

static void labels_out(struct strbuf *sb, const char *const *labels)
{
	if (!labels || !labels[0])
		return;
	sb_add(sb, "{", 1);
	for (size_t i = 0; labels[i] && labels[i + 1]; i += 2) {
		sb_printf(sb, "%s%s=\"", i ? "," : "", labels[i]);
		sb_label_value(sb, labels[i + 1]);
		sb_add(sb, "\"", 1);
	}
	sb_add(sb, "}", 1);
}

void metrics_sample(struct strbuf *sb, const char *name, const char *const *labels, double value)
{
	sb_printf(sb, "%s", name);
	labels_out(sb, labels);
	sb_printf(sb, " %.17g\n", value);
}

void metrics_sample_u64(struct strbuf *sb, const char *name, const char *const *labels,
			uint64_t value)
{
	sb_printf(sb, "%s", name);
	labels_out(sb, labels);
	sb_printf(sb, " %" PRIu64 "\n", value);
}

void metrics_single(struct strbuf *sb, const char *name, const char *type, const char *help,
		    uint64_t value)
{
	metrics_family(sb, name, type, help);
	metrics_sample_u64(sb, name, NULL, value);
}

/* /proc/self/stat's numeric fields 4..n-1 into out[4..] (out[i] is field
 * i as proc(5) numbers them), read after the command's last ')' (the
 * command may hold spaces and parentheses). */
static int proc_stat_fields(unsigned long long *out, int n)
{
	char buf[1024];
	FILE *f = fopen("/proc/self/stat", "r");
	if (!f)
		return -1;
	size_t len = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[len] = '\0';
	char *p = strrchr(buf, ')');
	if (!p || !(p = strchr(p + 2, ' '))) /* ") " and the state, field 3 */
		return -1;
	for (int field = 4; field < n; field++) {
		out[field] = strtoull(p + 1, &p, 10);
		if (*p != ' ')
			break;
	}
	return 0;
}

static uint64_t boot_time(void)
{
	char line[256];
	uint64_t btime = 0;
	FILE *f = fopen("/proc/stat", "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "btime %" SCNu64, &btime) == 1)
			break;
	if (f)
		fclose(f);
	return btime;
}

void metrics_process(struct strbuf *sb)
{
	/* proc(5): utime 14, stime 15, starttime 22, vsize 23, rss 24 */
	unsigned long long v[25] = {0};
	if (proc_stat_fields(v, 25) < 0)
		return;
	double hz = (double)sysconf(_SC_CLK_TCK);
	double page = (double)sysconf(_SC_PAGESIZE);
	metrics_family(sb, "process_cpu_seconds_total", "counter",
	               "User and system CPU time spent in seconds.");
	metrics_sample(sb, "process_cpu_seconds_total", NULL, (double)(v[14] + v[15]) / hz);
	metrics_family(sb, "process_resident_memory_bytes", "gauge", "Resident memory size in bytes.");
	metrics_sample(sb, "process_resident_memory_bytes", NULL, (double)v[24] * page);
	metrics_family(sb, "process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.");
	metrics_sample(sb, "process_virtual_memory_bytes", NULL, (double)v[23]);
	metrics_family(sb, "process_start_time_seconds", "gauge",
	               "Start time of the process since the Unix epoch in seconds.");
	metrics_sample(sb, "process_start_time_seconds", NULL,
	               (double)boot_time() + (double)v[22] / hz);
	size_t fds = 0;
	DIR *d = opendir("/proc/self/fd");
	for (struct dirent *e; d && (e = readdir(d));)
		fds += e->d_name[0] != '.';
	if (d) {
		closedir(d);
		fds--; /* the one opendir holds */
	}
	metrics_single(sb, "process_open_fds", "gauge", "Number of open file descriptors.", fds);
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0)
		metrics_single(sb, "process_max_fds", "gauge",
		               "Maximum number of open file descriptors.", rl.rlim_cur);
}
