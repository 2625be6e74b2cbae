/*
 * store_be.h: what a storage backend provides. Adding a backend:
 *   1. write store_<name>.c with one function per STORE_OP in store_ops.def,
 *      plus open/close/rollback, and export a `const struct store_backend`;
 *   2. pick it in store_open() (store.c) by the path's scheme;
 *   3. run tests/unit/test_store.c against it.
 * A backend keeps its state behind store_be_state() and never prints.
 */
#ifndef TILLSYNC_STORE_BE_H
#define TILLSYNC_STORE_BE_H

#include "store/store.h"

struct store_backend {
	const char *name;
	int (*open)(struct store *st, const char *path, unsigned flags, struct sbuf *err);
	void (*close)(struct store *st);
	void (*tx_rollback)(struct store *st);
#define STORE_OP(name, params, args) int (*name) params;
#include "store/store_ops.def"
#undef STORE_OP
};

void *store_be_state(struct store *st);
void store_be_set_state(struct store *st, void *state);

extern const struct store_backend store_sqlite_backend;

/* Shared by backends: the latest schema version this binary knows. */
#define STORE_SCHEMA_LATEST 5

#endif
