/* The merchant-facing Comment texts (src/core/comments.def), by identifier. */
#ifndef TILLSYNC_COMMENTS_H
#define TILLSYNC_COMMENTS_H

enum comment_id {
#define COMMENT(id, text) COMMENT_##id,
#include "core/comments.def"
#undef COMMENT
	COMMENT_COUNT
};

const char *comment_text(enum comment_id id);

#endif
