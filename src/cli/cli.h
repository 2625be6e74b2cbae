/* Shared by the tillsync subcommands (cmd-*.c). */
#ifndef TILLSYNC_CLI_H
#define TILLSYNC_CLI_H

#include <jansson.h>
#include <stdint.h>

#include "store/store.h"

struct cli {
	const char *db_path;
	struct store *st;          /* open when the command has NEEDS_STORE */
	int json;                  /* --json: listings print a JSON array */
};

enum cmd_flags {
	NEEDS_STORE = 1 << 0,
};

struct cmd {
	const char *name;
	int (*fn)(struct cli *cli, int argc, char **argv);
	unsigned flags;
	const char *summary;
	const char *usage;         /* full --help text */
};

extern const struct cmd cmd_init, cmd_account, cmd_connection, cmd_queue, cmd_jobs, cmd_logs,
	cmd_status, cmd_run, cmd_cycle, cmd_link, cmd_unlink, cmd_links, cmd_inbound, cmd_user, cmd_token,
	cmd_health, cmd_sync_now, cmd_duplicates;

/* One-line error on stderr, "tillsync: <msg>"; returns the exit code 1 (or 2 for usage). */
int cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int cli_usage_error(const struct cmd *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int cli_help_requested(int argc, char **argv, const struct cmd *c);

/* Look up an account by name; prints the error and returns 1 when unknown. */
int cli_account(struct cli *cli, const char *name, struct account *out);

/* Print a JSON value (array or object) followed by a newline; takes the reference. */
int cli_print_json(json_t *v);
/* ISO-8601 UTC text for JSON/table output; "" for 0. */
const char *cli_time(int64_t ms, char *buf, size_t len);
json_t *cli_json_time(int64_t ms);

#endif
