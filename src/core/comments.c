#include "core/comments.h"

static const char *const comment_texts[COMMENT_COUNT] = {
#define COMMENT(id, text) [COMMENT_##id] = text,
#include "core/comments.def"
#undef COMMENT
};

const char *
comment_text(enum comment_id id)
{
	return (unsigned)id < COMMENT_COUNT ? comment_texts[id] : "";
}
