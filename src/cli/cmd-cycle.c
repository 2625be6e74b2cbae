#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "connectors/connector.h"
#include "core/cycle.h"

static int
run_cycle(struct cli *cli, int argc, char **argv)
{
	struct sbuf err = SBUF_INIT;
	struct engine *e = NULL;
	struct account a;
	const char *account = NULL, *feed = NULL;
	int rc = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--account") == 0 && i + 1 < argc)
			account = argv[++i];
		else if (strcmp(argv[i], "--feed") == 0 && i + 1 < argc)
			feed = argv[++i];
		else
			return cli_usage_error(&cmd_cycle, "unexpected argument '%s'", argv[i]);
	}
	if (feed) {
		int known = 0;

		for (int f = 0; cycle_feeds[f]; f++)
			known |= strcmp(feed, cycle_feeds[f]) == 0;
		if (!known)
			return cli_usage_error(&cmd_cycle, "unknown feed '%s' (customers, customer_types, orders, products, "
					       "inventory, stock_check)", feed);
	}
	if ((rc = cli_account(cli, account, &a)))
		return rc;
	if (engine_new(&e, connector_find, &err) < 0)
		return cli_error("%s", err.buf);
	for (int f = 0; cycle_feeds[f]; f++) {
		struct cycle_result r;

		if (feed && strcmp(feed, cycle_feeds[f]) != 0)
			continue;
		sbuf_reset(&err);
		if (cycle_run(e, cli->st, &a, cycle_feeds[f], &r, &err) < 0) {
			printf("%-15s failed: %s\n", cycle_feeds[f], err.buf);
			rc = 1;
		} else if (r.skipped) {
			printf("%-15s skipped: no connection for it yet, or switched off in the settings\n", cycle_feeds[f]);
		} else {
			printf("%-15s %zu read, %zu changes queued\n", cycle_feeds[f], r.seen, r.queued);
		}
	}
	engine_free(e);
	sbuf_release(&err);
	return rc;
}

const struct cmd cmd_cycle = {
	"cycle", run_cycle, NEEDS_STORE, "ask the remotes what changed now, and queue it",
	"usage: tillsync cycle --account NAME [--feed FEED]\n"
	"\n"
	"Feeds: customers, customer_types, orders, products, inventory, stock_check.\n"
	"\n"
	"Runs the cycles the daemon runs every cycle_interval, once, now. Each change\n"
	"seen is recorded in the inbound log ('tillsync inbound list') and queued.\n"
	"The first customers cycle records what exists and queues nothing.\n",
};
