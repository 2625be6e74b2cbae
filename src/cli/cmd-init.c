#include <stdio.h>

#include "cli/cli.h"

static int
run_init(struct cli *cli, int argc, char **argv)
{
	struct sbuf err = SBUF_INIT;
	struct store *st;
	int version = 0;

	if (argc > 1)
		return cli_usage_error(&cmd_init, "init takes no arguments");
	if (store_open(&st, cli->db_path, STORE_CREATE, &err) < 0 ||
	    store_schema_version(st, &version, &err) < 0) {
		cli_error("%s", err.buf);
		sbuf_release(&err);
		return 1;
	}
	printf("store ready: %s (schema version %d, %s)\n", cli->db_path, version, store_backend_name(st));
	store_close(st);
	sbuf_release(&err);
	return 0;
}

const struct cmd cmd_init = {
	"init", run_init, 0, "create the store (or upgrade its schema)",
	"usage: tillsync [--db PATH] init\n"
	"\n"
	"Creates the store file readable by its owner only, or applies pending\n"
	"schema migrations to an existing one. Safe to run again.\n",
};
