/*
 * gd.h - definitions shared by every geodnsd module: the one error enum,
 * byte-order helpers for the wire, and small utilities.
 *
 * Every function that can fail returns a gd_err (GD_OK == 0, failures
 * negative) so callers can test `if (rc < 0)` uniformly, as libknot does.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#ifndef GD_H
#define GD_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* the version is configure.ac's AC_INIT, passed by the Makefile
 * (-DGD_VERSION from config.mk): set in one place */
#ifndef GD_VERSION
#error "GD_VERSION is not defined: build with the Makefile (it comes from configure.ac)"
#endif

typedef enum gd_err {
	GD_OK = 0,
	GD_ENOMEM = -1,   /* allocation failed */
	GD_EFORMAT = -2,  /* malformed input (packet, file, document) */
	GD_ESPACE = -3,   /* output buffer too small */
	GD_ENOTFOUND = -4,
	GD_EIO = -5,      /* read/write/open failed; errno is kept */
	GD_EINVAL = -6,   /* invalid argument or value */
	GD_EEXIST = -7,   /* duplicate */
	GD_EDROP = -8,    /* packet to be dropped without answer */
	GD_ELIMIT = -9,   /* a configured or built-in limit was hit */
} gd_err;

/* The value of a hexadecimal digit (either case), or -1. */
static inline int hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static inline uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static inline uint32_t rd32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	       ((uint32_t)p[2] << 8) | p[3];
}

static inline uint64_t rd64(const uint8_t *p)
{
	return (uint64_t)rd32(p) << 32 | rd32(p + 4);
}

static inline void wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline uint8_t lower_ascii(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c;
}

/* Allocation that aborts the process on failure: used only at load time, where
 * running out of memory cannot be recovered from sensibly. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t m);
/* xcalloc with every page faulted in: for the fixed per-worker buffers and
 * tables, so their memory is resident from the start and RSS does not creep
 * up as traffic reaches pages for the first time. */
void *xcalloc_resident(size_t n, size_t m);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

/* Two optional strings alike: both NULL, or both there and equal. */
static inline bool str_same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* pthread_create with every signal blocked in the new thread: signals are
 * the main thread's (its event loop handles them). Returns its error. */
int thread_start(pthread_t *t, void *(*fn)(void *), void *arg);

/* Open path for reading without blocking (a FIFO in a file's place must not
 * hold the caller up: its open would wait for a writer) and fstat it into
 * *st. The descriptor (the caller closes it); -1 with errno when it cannot
 * be opened; -2 when it is not a regular file (*st says what it is, nothing
 * is left open). */
struct stat;
int open_regular(const char *path, struct stat *st);

/* Read a file that holds a secret (a TSIG secret, a DNSSEC private key)
 * into a NUL-terminated buffer (caller frees *out): a regular file that
 * neither its group nor others may read or write, checked on the
 * descriptor read. GD_OK; GD_EIO with errno when it cannot be opened or
 * read; GD_EFORMAT when it is not a regular file; GD_EINVAL when its mode
 * lets its group or others in (nothing read). */
int read_private_file(const char *path, char **out, size_t *len);

/* Read a bearer token file (what names it in errors: "admin token", "feed
 * token"): the file must exist, not be readable or writable by others and
 * hold one line of at least TOKEN_MIN printable ASCII characters with no
 * space (a trailing newline or spaces are dropped; a NUL or other control
 * byte is an error). The token (caller frees), or NULL with the reason, a
 * sentence without the file's name, in err. */
#define TOKEN_MIN 16
char *token_read(const char *path, const char *what, char *err, size_t errcap);

/* Read a whole file into a NUL-terminated buffer. Caller frees *out. */
int read_file(const char *path, char **out, size_t *len);
/* The same from an open descriptor, read to its end (the caller closes it). */
int read_fd(int fd, char **out, size_t *len);

/* Replace path with len octets of data: written to PATH.tmp, then renamed
 * over it, so a reader sees the old file or the new one whole (no fsync).
 * GD_OK, or GD_EIO with errno (the temporary file removed). */
int write_file_replace(const char *path, const void *data, size_t len);

/* Monotonic time in milliseconds. */
uint64_t now_ms(void);

#endif
