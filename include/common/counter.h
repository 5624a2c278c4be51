/*
 * counter.h - per-thread counters that another thread reads: each counter
 * has one writer (a worker, the health thread) and is summed by whoever
 * serves /metrics. Relaxed atomic loads and stores, no locked instruction:
 * a reader may see a count a moment old, never a torn one.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#ifndef GD_COUNTER_H
#define GD_COUNTER_H

/* Add to a counter only this thread writes. */
#define CTR_INC(x) __atomic_store_n(&(x), __atomic_load_n(&(x), __ATOMIC_RELAXED) + 1, \
				    __ATOMIC_RELAXED)
#define CTR_ADD(x, n) __atomic_store_n(&(x), __atomic_load_n(&(x), __ATOMIC_RELAXED) + (n), \
				       __ATOMIC_RELAXED)
#define CTR_GET(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)

#endif
