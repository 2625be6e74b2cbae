/*
 * Log lines for operators: one structured line per event on stderr,
 *   2026-11-23T10:04:05.120Z error account=corner-shop service=woocommerce msg="..."
 * The stored, queryable copy (per account and service) is written by the
 * journal in src/core; this file only formats. Never pass a secret here.
 */
#ifndef TILLSYNC_LOG_H
#define TILLSYNC_LOG_H

enum log_type {
	LOG_INFO,
	LOG_ERROR,
	LOG_NOTIFICATION,
};

const char *log_type_name(enum log_type t);       /* "info", "error", "notification" */
int log_type_parse(const char *s, enum log_type *out); /* -1 when unknown */

/* Lines of lower importance than this are not printed (stored copies are kept). */
void log_set_quiet(int quiet);
void log_line(enum log_type t, const char *account, const char *service,
	      const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
