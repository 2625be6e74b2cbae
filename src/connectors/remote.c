#include <stdarg.h>

#include "connectors/connector.h"

void
remote_error_init(struct remote_error *re)
{
	re->status = REMOTE_OK;
	re->http_status = 0;
	re->retry_after_ms = 0;
	re->may_have_landed = 0;
	sbuf_init(&re->message, SBUF_CAP_ERROR);
	sbuf_init(&re->body, 64 * 1024);
}

void
remote_error_reset(struct remote_error *re)
{
	re->status = REMOTE_OK;
	re->http_status = 0;
	re->retry_after_ms = 0;
	re->may_have_landed = 0;
	sbuf_reset(&re->message);
	sbuf_reset(&re->body);
}

void
remote_error_release(struct remote_error *re)
{
	sbuf_release(&re->message);
	sbuf_release(&re->body);
}

enum remote_status
remote_fail(struct remote_error *re, enum remote_status status, const char *fmt, ...)
{
	va_list ap;

	re->status = status;
	sbuf_reset(&re->message);
	va_start(ap, fmt);
	sbuf_vaddf(&re->message, fmt, ap);
	va_end(ap);
	return status;
}

const char *
remote_status_name(enum remote_status s)
{
	switch (s) {
	case REMOTE_OK: return "ok";
	case REMOTE_NOT_FOUND: return "not found";
	case REMOTE_TEMPORARY: return "temporary failure";
	case REMOTE_REFUSED: return "refused";
	case REMOTE_AUTH: return "authentication failed";
	case REMOTE_BAD_ANSWER: return "unreadable answer";
	case REMOTE_UNSUPPORTED: return "not supported";
	}
	return "unknown";
}
