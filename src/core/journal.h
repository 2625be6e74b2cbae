/*
 * journal.h: the merchant-visible log. One call stores the entry (per
 * account and service, type Info / Error / Notification) and prints the
 * same event as one structured line on stderr. Never pass a secret.
 */
#ifndef TILLSYNC_JOURNAL_H
#define TILLSYNC_JOURNAL_H

#include <stdint.h>

#include "store/store.h"
#include "util/log.h"

void journal(struct store *st, int64_t account_id, const char *account_name, const char *service,
	     enum log_type type, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

#endif
