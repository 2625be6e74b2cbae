/*
 * settings.h: per-account settings, one table (settings.c) holding name,
 * type, bounds, default and help, from which validation, `tillsync account
 * set`, `tillsync account show` and the dashboard form all derive.
 */
#ifndef TILLSYNC_SETTINGS_H
#define TILLSYNC_SETTINGS_H

#include <stddef.h>
#include <stdint.h>

#include "queue/queue.h"
#include "store/store.h"

enum setting_type {
	SETTING_BOOL,
	SETTING_CHOICE,
	SETTING_INT,
	SETTING_DURATION,   /* stored as milliseconds */
	SETTING_STRING,
};

struct setting_def {
	const char *key;
	enum setting_type type;
	const char *def;          /* default, in stored form */
	const char *choices;      /* SETTING_CHOICE: "pos|shop" */
	int64_t min, max;         /* SETTING_INT, SETTING_DURATION (ms) */
	const char *help;
	int secret;               /* never shown: `account show` prints "(set)" */
	int (*check)(const char *value, struct sbuf *err);   /* more than the type says; may be NULL */
};

extern const struct setting_def setting_defs[];
extern const size_t setting_def_count;
const struct setting_def *setting_def_find(const char *key);
const char *setting_type_name(enum setting_type t);

/* Check a value typed by a person and give its stored form (caller frees *stored). */
int setting_normalize(const struct setting_def *d, const char *value, char **stored, struct sbuf *err);

/* Typed reads with the table's default when unset. */
int settings_get_bool(struct store *st, int64_t account_id, const char *key, int *out, struct sbuf *err);
int settings_get_int(struct store *st, int64_t account_id, const char *key, int64_t *out, struct sbuf *err);
/* *out is heap memory the caller frees. */
int settings_get_string(struct store *st, int64_t account_id, const char *key, char **out, struct sbuf *err);
int settings_retry_policy(struct store *st, int64_t account_id, struct retry_policy *out, struct sbuf *err);
/* The account's webhook secret, made (random, 32 bytes hex) and stored on first use. */
int settings_webhook_secret(struct store *st, int64_t account_id, char **out, struct sbuf *err);

#endif
