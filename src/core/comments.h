/* The merchant-facing Comment texts (src/core/comments.def), by identifier. */
#ifndef TILLSYNC_COMMENTS_H
#define TILLSYNC_COMMENTS_H

#include "util/sbuf.h"

enum comment_id {
#define COMMENT(id, text) COMMENT_##id,
#include "core/comments.def"
#undef COMMENT
	COMMENT_COUNT
};

/* The raw template, placeholders included. */
const char *comment_text(enum comment_id id);

/* Names the placeholders stand for; NULL members print as "POS" / "shop". */
struct comment_names {
	const char *pos;           /* "Epos Now" */
	const char *pos_compact;   /* "EposNow" */
	const char *pos_upper;     /* "EPOSNOW" */
	const char *shop;          /* "WooCommerce" */
};

/* Appends the comment with placeholders filled to out. */
void comment_format(enum comment_id id, const struct comment_names *names, struct sbuf *out);

#endif
