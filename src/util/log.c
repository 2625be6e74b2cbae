#include "util/log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "util/sbuf.h"
#include "util/timeutil.h"

static int log_quiet;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

static const char *const log_names[] = {
	[LOG_INFO] = "info",
	[LOG_ERROR] = "error",
	[LOG_NOTIFICATION] = "notification",
};

const char *
log_type_name(enum log_type t)
{
	if ((unsigned)t >= sizeof(log_names) / sizeof(log_names[0]))
		return "info";
	return log_names[t];
}

int
log_type_parse(const char *s, enum log_type *out)
{
	for (size_t i = 0; i < sizeof(log_names) / sizeof(log_names[0]); i++) {
		if (strcasecmp(s, log_names[i]) == 0) {
			*out = (enum log_type)i;
			return 0;
		}
	}
	return -1;
}

void
log_set_quiet(int quiet)
{
	log_quiet = quiet;
}

/* Quote a value so one event stays one line whatever the text holds. */
static void
add_quoted(struct sbuf *sb, const char *s)
{
	sbuf_addch(sb, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			sbuf_addf(sb, "\\%c", c);
		else if (c == '\n')
			sbuf_addstr(sb, "\\n");
		else if (c < 0x20)
			sbuf_addf(sb, "\\x%02x", c);
		else
			sbuf_addch(sb, (char)c);
	}
	sbuf_addch(sb, '"');
}

void
log_line(enum log_type t, const char *account, const char *service,
	 const char *fmt, ...)
{
	struct sbuf msg = SBUF_INIT, line = SBUF_INIT;
	char ts[TIME_ISO_LEN];
	va_list ap;

	if (log_quiet && t == LOG_INFO)
		return;
	va_start(ap, fmt);
	sbuf_vaddf(&msg, fmt, ap);
	va_end(ap);

	time_format_iso(time_now_ms(), ts, sizeof(ts));
	sbuf_addf(&line, "%s %s", ts, log_type_name(t));
	if (account && *account)
		sbuf_addf(&line, " account=%s", account);
	if (service && *service)
		sbuf_addf(&line, " service=%s", service);
	sbuf_addstr(&line, " msg=");
	add_quoted(&line, msg.buf);
	sbuf_addch(&line, '\n');

	pthread_mutex_lock(&log_lock);
	fwrite(line.buf, 1, line.len, stderr);
	fflush(stderr);
	pthread_mutex_unlock(&log_lock);
	sbuf_release(&msg);
	sbuf_release(&line);
}
