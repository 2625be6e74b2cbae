#include "core/journal.h"

#include <stdarg.h>

#include "util/timeutil.h"

void
journal(struct store *st, int64_t account_id, const char *account_name, const char *service,
	enum log_type type, const char *fmt, ...)
{
	struct sbuf msg = SBUF_INIT, err = SBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	sbuf_vaddf(&msg, fmt, ap);
	va_end(ap);
	log_line(type, account_name, service, "%s", msg.buf);
	if (st && store_log_add(st, account_id, service, (int)type, msg.buf, time_now_ms(), &err) < 0)
		log_line(LOG_ERROR, account_name, service, "cannot store log entry: %s", err.buf);
	sbuf_release(&msg);
	sbuf_release(&err);
}
