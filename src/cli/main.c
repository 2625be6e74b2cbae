/*
 * tillsync: the command. Global options, then a subcommand from cmd_table.
 * Commands that read or change state name NEEDS_STORE and get an open store;
 * read-only commands work whether or not the daemon runs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "cli/cli.h"
#include "util/sbuf.h"

#define TILLSYNC_VERSION "0.1.0"

static const struct cmd *const cmd_table[] = {
	&cmd_init, &cmd_account, &cmd_connection, &cmd_link, &cmd_unlink, &cmd_links, &cmd_queue, &cmd_inbound,
	&cmd_cycle, &cmd_sync_now, &cmd_duplicates, &cmd_health, &cmd_jobs, &cmd_logs, &cmd_status, &cmd_run, &cmd_user, &cmd_token,
};
#define CMD_COUNT (sizeof(cmd_table) / sizeof(cmd_table[0]))

static void
usage(FILE *out)
{
	fputs("usage: tillsync [--db PATH] [--json] <command> [<args>]\n"
	      "\n"
	      "Keeps a point-of-sale system and a web shop in step.\n"
	      "\n"
	      "Global options:\n"
	      "  --db PATH    the store (default: $TILLSYNC_DB, else ./tillsync.db)\n"
	      "  --json       listings print a JSON array of objects\n"
	      "  --version    print the version\n"
	      "\n"
	      "Commands:\n", out);
	for (size_t i = 0; i < CMD_COUNT; i++)
		fprintf(out, "  %-12s %s\n", cmd_table[i]->name, cmd_table[i]->summary);
	fputs("\nRun 'tillsync <command> --help' for a command's options.\n", out);
}

static const struct cmd *
find_cmd(const char *name)
{
	for (size_t i = 0; i < CMD_COUNT; i++)
		if (strcmp(cmd_table[i]->name, name) == 0)
			return cmd_table[i];
	return NULL;
}

int
main(int argc, char **argv)
{
	struct cli cli = { 0 };
	struct sbuf err = SBUF_INIT;
	const struct cmd *c;
	int i, rc;

#ifdef __GLIBC__
	/*
	 * A catalog batch allocates a few hundred KB and frees it. glibc's
	 * default raises its mmap threshold after such a free, so the next
	 * ones come from per-thread arenas that keep the memory: the daemon's
	 * RSS would follow every worker's busiest moment. A fixed threshold
	 * gives big blocks back; a few arenas are enough for 2-32 threads
	 * that mostly wait on the network.
	 */
	mallopt(M_MMAP_THRESHOLD, 128 * 1024);
	mallopt(M_ARENA_MAX, 4);
#endif
	cli.db_path = getenv("TILLSYNC_DB");
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--db") == 0) {
			if (++i >= argc)
				return cli_error("--db needs a path"), 2;
			cli.db_path = argv[i];
		} else if (strncmp(argv[i], "--db=", 5) == 0) {
			cli.db_path = argv[i] + 5;
		} else if (strcmp(argv[i], "--json") == 0) {
			cli.json = 1;
		} else if (strcmp(argv[i], "--version") == 0) {
			puts("tillsync " TILLSYNC_VERSION);
			return 0;
		} else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return 0;
		} else {
			cli_error("unknown option '%s' (see 'tillsync --help')", argv[i]);
			return 2;
		}
	}
	if (i >= argc) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[i], "help") == 0) {
		if (i + 1 < argc && (c = find_cmd(argv[i + 1]))) {
			fputs(c->usage, stdout);
			return 0;
		}
		usage(stdout);
		return 0;
	}
	if (!(c = find_cmd(argv[i]))) {
		cli_error("'%s' is not a tillsync command (see 'tillsync --help')", argv[i]);
		return 2;
	}
	if (!cli.db_path || !*cli.db_path)
		cli.db_path = "tillsync.db";
	argc -= i;
	argv += i;
	if (cli_help_requested(argc, argv, c))
		return 0;
	if (c->flags & NEEDS_STORE) {
		if (store_open(&cli.st, cli.db_path, 0, &err) < 0) {
			rc = cli_error("%s", err.buf);
			sbuf_release(&err);
			return rc;
		}
	}
	rc = c->fn(&cli, argc, argv);
	store_close(cli.st);
	sbuf_release(&err);
	return rc;
}
