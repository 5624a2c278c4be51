/*
 * tsan.h - ThreadSanitizer annotations for liburcu.
 *
 * liburcu orders its readers and writers with membarrier(2), futexes and
 * plain stores that ThreadSanitizer cannot see, so without help a TSan
 * build reports every publication and every reclamation as a race. These
 * macros state liburcu's two guarantees to TSan, and do nothing in other
 * builds:
 *   publication: what the writer wrote before rcu_assign_pointer is visible
 *     to a reader that got the pointer (RELEASE before assign, ACQUIRE after
 *     rcu_dereference, on the same address);
 *   grace period: a read section that ended comes before
 *     synchronize_rcu returns (RELEASE before read_unlock, ACQUIRE after
 *     synchronize_rcu, on one grace address).
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#ifndef GD_TSAN_H
#define GD_TSAN_H

#if defined(__SANITIZE_THREAD__)
void __tsan_acquire(void *addr);
void __tsan_release(void *addr);
#define TSAN_ACQUIRE(a) __tsan_acquire((void *)(a))
#define TSAN_RELEASE(a) __tsan_release((void *)(a))
#else
#define TSAN_ACQUIRE(a) ((void)0)
#define TSAN_RELEASE(a) ((void)0)
#endif

#endif
