#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/render.h"
#include "util/parse.h"

static int
run_jobs(struct cli *cli, int argc, char **argv)
{
	struct sbuf err = SBUF_INIT;
	struct account a = { 0 };
	struct job *jobs;
	size_t n, limit = 20;
	int64_t v;
	int rc;
	char ts[40], hb[40];

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			cli->json = 1;
		} else if (strcmp(argv[i], "--account") == 0 && i + 1 < argc) {
			if ((rc = cli_account(cli, argv[++i], &a)))
				return rc;
		} else if (strcmp(argv[i], "--limit") == 0 && i + 1 < argc) {
			if (parse_int64(argv[++i], 1, 1000, &v) < 0)
				return cli_usage_error(&cmd_jobs, "--limit must be 1 to 1000");
			limit = (size_t)v;
		} else {
			return cli_usage_error(&cmd_jobs, "unexpected argument '%s'", argv[i]);
		}
	}
	if (store_job_list(cli->st, a.id, limit, &jobs, &n, &err) < 0) {
		rc = cli_error("%s", err.buf);
		sbuf_release(&err);
		return rc;
	}
	if (cli->json) {
		json_t *arr = json_array();

		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, render_job(&jobs[i]));
		cli_print_json(arr);
	} else {
		printf("%-6s %-16s %-12s %-10s %-28s %-20s %s\n", "ID", "ACCOUNT", "KIND", "STATE", "PROGRESS",
		       "HEARTBEAT", "MESSAGE");
		for (size_t i = 0; i < n; i++) {
			char progress[64] = "";

			if (jobs[i].total)
				snprintf(progress, sizeof(progress), "%.12s %lld of %lld", jobs[i].phase,
					 (long long)jobs[i].done, (long long)jobs[i].total);
			printf("%-6lld %-16s %-12s %-10s %-28s %-20s %s\n", (long long)jobs[i].id, jobs[i].account,
			       jobs[i].kind, job_state_name(jobs[i].state), progress,
			       cli_time(jobs[i].heartbeat_at, hb, sizeof(hb)), jobs[i].message);
		}
		(void)ts;
	}
	jobs_free(jobs, n);
	return 0;
}

const struct cmd cmd_jobs = {
	"jobs", run_jobs, NEEDS_STORE, "list long-running jobs with their progress",
	"usage: tillsync jobs [--account NAME] [--limit N] [--json]\n"
	"\n"
	"States: running, succeeded, failed, cancelled, replaced (a stuck job that\n"
	"a new Sync Now took over).\n",
};
