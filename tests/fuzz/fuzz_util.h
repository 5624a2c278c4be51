/*
 * fuzz_util.h - helpers shared by the fuzz targets (each target is its own
 * program, so everything here is static).
 *
 *   fuzz_root()       make the source tree the working directory (the
 *                     targets name zones/geodnsd.conf and the test data
 *                     from it): kept when zones/geodnsd.conf is there,
 *                     else $GEODNSD_ROOT, else the parent of the directory
 *                     of the executable (build-fuzz/ or build-check/).
 *   fuzz_tmpdir()     a private directory /tmp/geodnsd-fuzz-<pid>-XXXXXX for
 *                     this process, removed at exit; directories left by
 *                     processes that are gone (a crash, or libFuzzer ending
 *                     without exit handlers) are removed when the next one
 *                     starts.
 *   fuzz_write_file() write the input to a file in it.
 *   fuzz_check()      abort with a message when a property does not hold
 *                     (libFuzzer then saves the input as a crash).
 *   fuzz_verbose()    FUZZ_VERBOSE=1 in the environment: the targets print
 *                     what they did with each input (diagnostics, rcodes),
 *                     to check that seeds reach what they are meant to.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#ifndef GD_FUZZ_UTIL_H
#define GD_FUZZ_UTIL_H

#include "common/log.h"

#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

__attribute__((unused, format(printf, 2, 3)))
static void fuzz_check(int ok, const char *fmt, ...)
{
	if (ok)
		return;
	va_list ap;
	va_start(ap, fmt);
	fputs("fuzz check failed: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	abort();
}

__attribute__((unused)) static int fuzz_verbose(void)
{
	static int v = -1;
	if (v < 0) {
		const char *e = getenv("FUZZ_VERBOSE");
		v = e && *e && strcmp(e, "0") != 0;
	}
	return v;
}

__attribute__((unused)) static void fuzz_root(void)
{
	static int done;
	if (done)
		return;
	done = 1;
	/* loaders log at info level; a fuzzer prints only errors */
	log_init(false, LOG_LVL_ERROR);
	if (access("zones/geodnsd.conf", R_OK) == 0)
		return;
	const char *env = getenv("GEODNSD_ROOT");
	if (env && chdir(env) == 0 && access("zones/geodnsd.conf", R_OK) == 0)
		return;
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *dir = dirname(exe);     /* .../build-fuzz */
		char *top = dirname(dir);     /* the source tree */
		if (chdir(top) == 0 && access("zones/geodnsd.conf", R_OK) == 0)
			return;
	}
	fprintf(stderr, "fuzz: cannot find the source tree (zones/geodnsd.conf); "
			"run from it or set GEODNSD_ROOT\n");
	abort();
}

static char fuzz_dir[64];

/* Remove a directory and the files in it (no subdirectories are made). */
__attribute__((unused)) static void fuzz_rmdir(const char *dir)
{
	DIR *d = opendir(dir);
	if (d) {
		struct dirent *e;
		char p[PATH_MAX];
		while ((e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
			unlink(p);
		}
		closedir(d);
	}
	rmdir(dir);
}

__attribute__((unused)) static void fuzz_tmpdir_remove(void)
{
	if (!fuzz_dir[0])
		return;
	fuzz_rmdir(fuzz_dir);
	fuzz_dir[0] = '\0';
}

/* Directories of ours whose process is gone. */
__attribute__((unused)) static void fuzz_tmpdir_sweep(void)
{
	static const char prefix[] = "geodnsd-fuzz-";
	DIR *d = opendir("/tmp");
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, prefix, sizeof(prefix) - 1) != 0)
			continue;
		char *end;
		long pid = strtol(e->d_name + sizeof(prefix) - 1, &end, 10);
		if (pid <= 0 || *end != '-' || pid == (long)getpid())
			continue;
		if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		char p[PATH_MAX];
		struct stat st;
		snprintf(p, sizeof(p), "/tmp/%s", e->d_name);
		if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == getuid())
			fuzz_rmdir(p);
	}
	closedir(d);
}

__attribute__((unused)) static const char *fuzz_tmpdir(void)
{
	if (fuzz_dir[0])
		return fuzz_dir;
	fuzz_tmpdir_sweep();
	snprintf(fuzz_dir, sizeof(fuzz_dir), "/tmp/geodnsd-fuzz-%ld-XXXXXX", (long)getpid());
	if (!mkdtemp(fuzz_dir)) {
		perror("fuzz: mkdtemp");
		abort();
	}
	atexit(fuzz_tmpdir_remove);
	return fuzz_dir;
}

/* Write data to fuzz_tmpdir()/name; the path goes to path (PATH_MAX). */
__attribute__((unused)) static void fuzz_write_file(const char *name, const uint8_t *data,
						    size_t size, char *path)
{
	snprintf(path, PATH_MAX, "%s/%s", fuzz_tmpdir(), name);
	FILE *f = fopen(path, "wb");
	if (!f) {
		perror(path);
		abort();
	}
	if (size && fwrite(data, 1, size, f) != size) {
		perror(path);
		abort();
	}
	if (fclose(f) != 0) {
		perror(path);
		abort();
	}
}

#endif
