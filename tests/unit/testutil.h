/* Helpers shared by the unit tests: a fresh store in its own temp dir. */
#ifndef TILLSYNC_TESTUTIL_H
#define TILLSYNC_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "store/store.h"

struct test_store {
	char dir[256];
	char path[300];
	struct store *st;
};

static inline void
test_store_open(struct test_store *ts)
{
	struct sbuf err = SBUF_INIT;
	const char *tmp = getenv("TMPDIR");

	snprintf(ts->dir, sizeof(ts->dir), "%s/tsunit.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(ts->dir));
	snprintf(ts->path, sizeof(ts->path), "%s/t.db", ts->dir);
	if (store_open(&ts->st, ts->path, STORE_CREATE, &err) < 0)
		fail_msg("store_open: %s", err.buf);
	sbuf_release(&err);
}

static inline void
test_store_close(struct test_store *ts)
{
	char cmd[400];

	store_close(ts->st);
	ts->st = NULL;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", ts->dir);
	assert_int_equal(system(cmd), 0);
}

static inline int64_t
test_account(struct store *st, const char *name)
{
	struct sbuf err = SBUF_INIT;
	int64_t id = 0;

	if (store_account_add(st, name, 1000, &id, &err) < 0)
		fail_msg("account_add: %s", err.buf);
	sbuf_release(&err);
	return id;
}

#endif
