#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/render.h"
#include "util/parse.h"

static int
run_inbound(struct cli *cli, int argc, char **argv)
{
	struct inbound_filter f = { 0, NULL, NULL, 100 };
	struct sbuf err = SBUF_INIT;
	struct inbound_event *ev;
	struct account a;
	size_t n;
	int64_t v;
	int rc;
	char ts[40];

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "list") == 0 && i == 1)
			continue;
		if (strcmp(argv[i], "--json") == 0) {
			cli->json = 1;
		} else if (strcmp(argv[i], "--account") == 0 && i + 1 < argc) {
			if ((rc = cli_account(cli, argv[++i], &a)))
				return rc;
			f.account_id = a.id;
		} else if (strcmp(argv[i], "--entity") == 0 && i + 1 < argc) {
			f.entity = argv[++i];
		} else if (strcmp(argv[i], "--id") == 0 && i + 1 < argc) {
			f.remote_id = argv[++i];
		} else if (strcmp(argv[i], "--limit") == 0 && i + 1 < argc) {
			if (parse_int64(argv[++i], 1, 10000, &v) < 0)
				return cli_usage_error(&cmd_inbound, "--limit must be 1 to 10000");
			f.limit = (size_t)v;
		} else {
			return cli_usage_error(&cmd_inbound, "unexpected argument '%s'", argv[i]);
		}
	}
	if (store_inbound_list(cli->st, &f, &ev, &n, &err) < 0) {
		rc = cli_error("%s", err.buf);
		sbuf_release(&err);
		return rc;
	}
	if (cli->json) {
		json_t *arr = json_array();

		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, render_inbound(&ev[i]));
		cli_print_json(arr);
	} else {
		printf("%-24s %-16s %-8s %-14s %-12s %-8s %s\n", "AT", "ACCOUNT", "SOURCE", "ENTITY", "ID", "ITEM",
		       "SUMMARY");
		for (size_t i = 0; i < n; i++)
			printf("%-24s %-16s %-8s %-14s %-12s %-8lld %s\n", cli_time(ev[i].at, ts, sizeof(ts)),
			       ev[i].account, ev[i].source, ev[i].entity, ev[i].remote_id, (long long)ev[i].item_id,
			       ev[i].summary);
	}
	free(ev);
	return 0;
}

const struct cmd cmd_inbound = {
	"inbound", run_inbound, NEEDS_STORE, "list every change event received (cycle or webhook)",
	"usage: tillsync inbound list [--account NAME] [--entity customer|order|...] [--id REMOTE_ID]\n"
	"                             [--limit N] [--json]\n"
	"\n"
	"Tells \"never reached us\" (no event) from \"arrived and was skipped\" (an event\n"
	"whose queue item says why).\n",
};
