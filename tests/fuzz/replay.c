/*
 * replay.c - run a fuzz target's LLVMFuzzerTestOneInput() on saved inputs,
 * without libFuzzer: link it with one target (and the sanitizers) and give it
 * files or directories (every regular file in them, in name order, not
 * recursive; names starting with '.' are skipped).
 *
 *   build-check/fuzz-packet tests/fuzz/corpus/packet
 *
 * Each input is passed in a heap block of exactly its size, as libFuzzer
 * does, so a read past its end is caught. Prints "replayed N inputs" and
 * exits 0; a failing input ends the process (sanitizer report or abort)
 * after its name is printed to stderr. REPLAY_VERBOSE=1 prints every name.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Present when linked with a sanitizer runtime. */
void __sanitizer_set_death_callback(void (*callback)(void)) __attribute__((weak));

static const char *current;
static int verbose;

static void say_current(void)
{
	if (!current)
		return;
	/* async-signal-safe: write(2) only */
	static const char pre[] = "replay: failing input: ";
	ssize_t w = write(STDERR_FILENO, pre, sizeof(pre) - 1);
	w = write(STDERR_FILENO, current, strlen(current));
	w = write(STDERR_FILENO, "\n", 1);
	(void)w;
}

static void on_signal(int sig)
{
	say_current();
	signal(sig, SIG_DFL);
	raise(sig);
}

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	size_t cap = 4096, n = 0;
	uint8_t *buf = malloc(cap);
	for (;;) {
		if (!buf) {
			fprintf(stderr, "replay: out of memory\n");
			exit(2);
		}
		size_t r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (r == 0)
			break;
		if (n == cap)
			buf = realloc(buf, cap *= 2);
	}
	int err = ferror(f);
	fclose(f);
	if (err) {
		fprintf(stderr, "replay: %s: read error\n", path);
		free(buf);
		return -1;
	}
	/* exactly n octets, like libFuzzer */
	uint8_t *data = malloc(n ? n : 1);
	if (!data) {
		fprintf(stderr, "replay: out of memory\n");
		exit(2);
	}
	memcpy(data, buf, n);
	free(buf);
	current = path;
	if (verbose)
		fprintf(stderr, "replay: %s (%zu octets)\n", path, n);
	LLVMFuzzerTestOneInput(data, n);
	current = NULL;
	free(data);
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file of dir; returns the number run, -1 on error. */
static long run_dir(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	char **names = NULL;
	size_t nn = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (nn == cap) {
			cap = cap ? cap * 2 : 64;
			names = realloc(names, cap * sizeof(*names));
			if (!names)
				exit(2);
		}
		names[nn++] = strdup(e->d_name);
	}
	closedir(d);
	if (nn)
		qsort(names, nn, sizeof(*names), by_name);
	long count = 0;
	int bad = 0;
	for (size_t i = 0; i < nn; i++) {
		size_t pl = strlen(dir) + strlen(names[i]) + 2;
		char *p = malloc(pl);
		if (!p)
			exit(2);
		snprintf(p, pl, "%s/%s", dir, names[i]);
		struct stat st;
		if (stat(p, &st) == 0 && S_ISREG(st.st_mode)) {
			if (run_file(p) < 0)
				bad = 1;
			else
				count++;
		}
		free(p);
		free(names[i]);
	}
	free(names);
	return bad ? -1 : count;
}

int main(int argc, char **argv)
{
	verbose = getenv("REPLAY_VERBOSE") && strcmp(getenv("REPLAY_VERBOSE"), "0") != 0;
	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return 2;
	}
	/* name the failing input: the sanitizers report through the death
	 * callback (they handle SIGSEGV themselves), abort() through SIGABRT */
	signal(SIGABRT, on_signal);
	if (__sanitizer_set_death_callback) {
		__sanitizer_set_death_callback(say_current);
	} else {
		signal(SIGSEGV, on_signal);
		signal(SIGBUS, on_signal);
		signal(SIGFPE, on_signal);
		signal(SIGILL, on_signal);
	}
	long total = 0;
	int bad = 0;
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) < 0) {
			fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
			bad = 1;
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			long n = run_dir(argv[i]);
			if (n < 0)
				bad = 1;
			else
				total += n;
		} else if (run_file(argv[i]) < 0) {
			bad = 1;
		} else {
			total++;
		}
	}
	printf("replayed %ld inputs\n", total);
	return bad ? 1 : 0;
}
