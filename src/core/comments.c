#include "core/comments.h"

#include <string.h>

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

void
comment_format(enum comment_id id, const struct comment_names *names, struct sbuf *out)
{
	static const struct comment_names none = { NULL, NULL, NULL, NULL };
	const char *p = comment_text(id);

	if (!names)
		names = &none;
	while (*p) {
		const char *open = strchr(p, '{'), *close = open ? strchr(open, '}') : NULL;
		const char *value = NULL;
		size_t len;

		if (!open || !close) {
			sbuf_addstr(out, p);
			return;
		}
		sbuf_add(out, p, (size_t)(open - p));
		len = (size_t)(close - open - 1);
		if (len == 3 && strncmp(open + 1, "pos", 3) == 0)
			value = names->pos ? names->pos : "POS";
		else if (len == 11 && strncmp(open + 1, "pos_compact", 11) == 0)
			value = names->pos_compact ? names->pos_compact : "POS";
		else if (len == 9 && strncmp(open + 1, "pos_upper", 9) == 0)
			value = names->pos_upper ? names->pos_upper : "POS";
		else if (len == 4 && strncmp(open + 1, "shop", 4) == 0)
			value = names->shop ? names->shop : "shop";
		if (value)
			sbuf_addstr(out, value);
		else
			sbuf_add(out, open, (size_t)(close - open + 1));
		p = close + 1;
	}
}
