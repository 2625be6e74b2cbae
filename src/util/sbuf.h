/*
 * sbuf: a growable, always NUL-terminated byte buffer with an optional cap.
 *
 * Invariants (checked by tests/unit/test_sbuf.c):
 *   - buf is never NULL; an empty sbuf points at a shared "" (SBUF_INIT).
 *   - buf[len] == '\0' whenever buf is owned.
 *   - once an append fails (out of memory, or the cap would be passed) the
 *     buffer keeps what it had and `failed` stays set until sbuf_reset(); the
 *     caller checks once at the end, as with sqlite3_str_errcode().
 *
 * The same type carries error messages: a function that can fail takes a
 * `struct sbuf *err`, writes one human line into it on failure, leaves it
 * untouched on success, and returns -1 (or an enum).
 */
#ifndef TILLSYNC_SBUF_H
#define TILLSYNC_SBUF_H

#include <stdarg.h>
#include <stddef.h>

struct sbuf {
	char *buf;     /* never NULL */
	size_t len;    /* bytes in use, excluding the NUL */
	size_t alloc;  /* bytes allocated; 0 while buf is the shared "" */
	size_t cap;    /* largest len allowed; 0 means no cap */
	int failed;    /* sticky: an append was refused */
};

extern char sbuf_empty[];
#define SBUF_INIT { sbuf_empty, 0, 0, 0, 0 }

/* Caps used across the project: one table, so limits are easy to review. */
#define SBUF_CAP_ERROR      (4u * 1024)          /* one error line */
#define SBUF_CAP_REMOTE     (16u * 1024 * 1024)  /* one remote response body */
#define SBUF_CAP_COMMENT    (2u * 1024)          /* a queue item's Comment */

void sbuf_init(struct sbuf *sb, size_t cap);
void sbuf_release(struct sbuf *sb);             /* frees; back to SBUF_INIT state with cap kept */
void sbuf_reset(struct sbuf *sb);               /* len = 0, failed = 0, memory kept */
int sbuf_add(struct sbuf *sb, const void *data, size_t n);
int sbuf_addstr(struct sbuf *sb, const char *s);
int sbuf_addch(struct sbuf *sb, char c);
int sbuf_addf(struct sbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int sbuf_vaddf(struct sbuf *sb, const char *fmt, va_list ap);
/* Hands the buffer to the caller, who frees it; sb is left empty. */
char *sbuf_take(struct sbuf *sb);

/*
 * Error helpers: set the message (replacing any earlier one) and return -1,
 * so `return error_set(err, "cannot open '%s'", path);` reads naturally.
 * err may be NULL when the caller does not want the text.
 */
int error_set(struct sbuf *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Prepend context: "opening store: <old message>". */
int error_prefix(struct sbuf *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
