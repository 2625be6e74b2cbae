#include "cli/cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/timeutil.h"

int
cli_error(const char *fmt, ...)
{
	va_list ap;

	fputs("tillsync: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

int
cli_usage_error(const struct cmd *c, const char *fmt, ...)
{
	va_list ap;

	fputs("tillsync: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see 'tillsync %s --help')\n", c->name);
	return 2;
}

int
cli_help_requested(int argc, char **argv, const struct cmd *c)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			fputs(c->usage, stdout);
			return 1;
		}
	}
	return 0;
}

int
cli_account(struct cli *cli, const char *name, struct account *out)
{
	struct sbuf err = SBUF_INIT;
	int rc;

	if (!name || !*name)
		return cli_error("no account given (use --account NAME)");
	rc = store_account_find(cli->st, name, out, &err);
	if (rc == STORE_NOTFOUND)
		rc = cli_error("no account named '%s' (see 'tillsync account list')", name);
	else if (rc < 0)
		rc = cli_error("%s", err.buf);
	sbuf_release(&err);
	return rc;
}

int
cli_print_json(json_t *v)
{
	char *s = json_dumps(v, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);

	json_decref(v);
	if (!s)
		return cli_error("out of memory printing JSON");
	puts(s);
	free(s);
	return 0;
}

const char *
cli_time(int64_t ms, char *buf, size_t len)
{
	if (!ms) {
		buf[0] = '\0';
		return buf;
	}
	time_format_iso(ms, buf, len);
	return buf;
}

json_t *
cli_json_time(int64_t ms)
{
	char buf[TIME_ISO_LEN];

	return ms ? json_string(cli_time(ms, buf, sizeof(buf))) : json_null();
}
