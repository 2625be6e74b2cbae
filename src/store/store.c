/*
 * store.c: the front layer every storage call passes through. It picks the
 * backend, counts and times every operation (store_op_stats, and a trace line
 * per call when TILLSYNC_TRACE_STORE is set), and keeps callers independent
 * of the backend.
 */
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/store_be.h"

enum store_op_id {
#define STORE_OP(name, params, args) STORE_OP_##name,
#include "store/store_ops.def"
#undef STORE_OP
	STORE_OP_COUNT
};

static const char *const store_op_names[STORE_OP_COUNT] = {
#define STORE_OP(name, params, args) [STORE_OP_##name] = #name,
#include "store/store_ops.def"
#undef STORE_OP
};

struct store {
	const struct store_backend *be;
	void *be_state;
	char *path;
	int trace;
	struct {
		uint64_t calls, errors, total_us;
	} stats[STORE_OP_COUNT];
};

void *
store_be_state(struct store *st)
{
	return st->be_state;
}

void
store_be_set_state(struct store *st, void *state)
{
	st->be_state = state;
}

static uint64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void
store_account_call(struct store *st, enum store_op_id op, uint64_t t0, int rc)
{
	uint64_t us = now_us() - t0;

	st->stats[op].calls++;
	st->stats[op].total_us += us;
	if (rc < 0)
		st->stats[op].errors++;
	if (st->trace)
		fprintf(stderr, "store: %s rc=%d %lluus\n", store_op_names[op], rc,
			(unsigned long long)us);
}

#define STORE_OP(name, params, args)                                  \
	int store_##name params                                       \
	{                                                             \
		uint64_t t0 = now_us();                               \
		int rc = st->be->name args;                           \
		store_account_call(st, STORE_OP_##name, t0, rc);      \
		return rc;                                            \
	}
#include "store/store_ops.def"
#undef STORE_OP

int
store_open(struct store **out, const char *path, unsigned flags, struct sbuf *err)
{
	struct store *st;
	const char *trace = getenv("TILLSYNC_TRACE_STORE");

	*out = NULL;
	if (!path || !*path)
		return error_set(err, "no store path given (use --db PATH or TILLSYNC_DB)");
	if (strncmp(path, "postgres://", 11) == 0 || strncmp(path, "postgresql://", 13) == 0)
		return error_set(err, "the PostgreSQL backend is not built into this binary yet; use a SQLite file path");
	st = calloc(1, sizeof(*st));
	if (!st || !(st->path = strdup(path))) {
		free(st);
		return error_set(err, "out of memory opening the store");
	}
	st->be = &store_sqlite_backend;
	st->trace = trace && *trace && strcmp(trace, "0") != 0;
	if (st->be->open(st, path, flags, err) < 0) {
		free(st->path);
		free(st);
		return -1;
	}
	*out = st;
	return 0;
}

void
store_close(struct store *st)
{
	if (!st)
		return;
	st->be->close(st);
	free(st->path);
	free(st);
}

const char *
store_path(const struct store *st)
{
	return st->path;
}

const char *
store_backend_name(const struct store *st)
{
	return st->be->name;
}

int
store_schema_latest(void)
{
	return STORE_SCHEMA_LATEST;
}

void
store_tx_rollback(struct store *st)
{
	st->be->tx_rollback(st);
}

size_t
store_op_stats(const struct store *st, struct store_op_stat *out, size_t max)
{
	size_t n = 0;

	for (int i = 0; i < STORE_OP_COUNT && n < max; i++) {
		if (!st->stats[i].calls)
			continue;
		out[n].op = store_op_names[i];
		out[n].calls = st->stats[i].calls;
		out[n].errors = st->stats[i].errors;
		out[n].total_us = st->stats[i].total_us;
		n++;
	}
	return n;
}

void
settings_free(struct setting *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(s[i].value);
	free(s);
}

void
connections_free(struct connection *c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		connection_free(&c[i]);
	free(c);
}
