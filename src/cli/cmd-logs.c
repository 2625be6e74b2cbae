#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/render.h"
#include "util/log.h"
#include "util/parse.h"

static int
run_logs(struct cli *cli, int argc, char **argv)
{
	struct log_filter f = { 0, -1, NULL, 100 };
	struct sbuf err = SBUF_INIT;
	struct log_entry *e;
	struct account a;
	enum log_type t;
	size_t n;
	int64_t v;
	int rc;
	char ts[40];

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			cli->json = 1;
		} else if (strcmp(argv[i], "--account") == 0 && i + 1 < argc) {
			if ((rc = cli_account(cli, argv[++i], &a)))
				return rc;
			f.account_id = a.id;
		} else if (strcmp(argv[i], "--type") == 0 && i + 1 < argc) {
			if (log_type_parse(argv[++i], &t) < 0)
				return cli_usage_error(&cmd_logs, "--type must be info, error or notification");
			f.type = (int)t;
		} else if (strcmp(argv[i], "--service") == 0 && i + 1 < argc) {
			f.service = argv[++i];
		} else if (strcmp(argv[i], "--limit") == 0 && i + 1 < argc) {
			if (parse_int64(argv[++i], 1, 10000, &v) < 0)
				return cli_usage_error(&cmd_logs, "--limit must be 1 to 10000");
			f.limit = (size_t)v;
		} else {
			return cli_usage_error(&cmd_logs, "unexpected argument '%s'", argv[i]);
		}
	}
	if (store_log_list(cli->st, &f, &e, &n, &err) < 0) {
		rc = cli_error("%s", err.buf);
		sbuf_release(&err);
		return rc;
	}
	if (cli->json) {
		json_t *arr = json_array();

		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, render_log(&e[i]));
		cli_print_json(arr);
	} else {
		for (size_t i = 0; i < n; i++)
			printf("%s %-12s %-16s %-12s %s\n", cli_time(e[i].at, ts, sizeof(ts)),
			       log_type_name((enum log_type)e[i].type), e[i].account[0] ? e[i].account : "-",
			       e[i].service, e[i].message);
	}
	log_entries_free(e, n);
	return 0;
}

const struct cmd cmd_logs = {
	"logs", run_logs, NEEDS_STORE, "show stored logs by account, service and type",
	"usage: tillsync logs [--account NAME] [--type info|error|notification]\n"
	"                     [--service NAME] [--limit N] [--json]\n"
	"\n"
	"Newest first. Notification entries are the messages e-mailed to the merchant.\n",
};
