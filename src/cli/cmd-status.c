#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/render.h"
#include "queue/queue.h"

static int
run_status(struct cli *cli, int argc, char **argv)
{
	struct sbuf err = SBUF_INIT;
	struct queue_count *qc = NULL;
	struct account *acc = NULL;
	struct job *jobs = NULL;
	size_t nqc = 0, nacc = 0, njobs = 0;
	json_t *o, *queues, *running;
	int version = 0, rc = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			cli->json = 1;
		else
			return cli_usage_error(&cmd_status, "unexpected argument '%s'", argv[i]);
	}
	if (store_schema_version(cli->st, &version, &err) < 0 ||
	    store_account_list(cli->st, &acc, &nacc, &err) < 0 ||
	    store_queue_counts(cli->st, 0, &qc, &nqc, &err) < 0 ||
	    store_job_list(cli->st, 0, 20, &jobs, &njobs, &err) < 0) {
		rc = cli_error("%s", err.buf);
		goto out;
	}
	queues = render_queue_counts(qc, nqc);
	running = json_array();
	for (size_t i = 0; i < njobs; i++)
		if (jobs[i].state == JOB_RUNNING)
			json_array_append_new(running, json_pack("{s:I, s:s, s:s, s:s, s:I, s:I}", "id",
				(json_int_t)jobs[i].id, "account", jobs[i].account, "kind", jobs[i].kind,
				"phase", jobs[i].phase, "done", (json_int_t)jobs[i].done, "total",
				(json_int_t)jobs[i].total));
	o = json_pack("{s:s, s:s, s:i, s:i, s:I, s:o, s:o}", "store", cli->db_path, "backend",
		      store_backend_name(cli->st), "schema_version", version, "schema_latest", store_schema_latest(),
		      "accounts", (json_int_t)nacc, "queues", queues, "running_jobs", running);
	if (cli->json) {
		cli_print_json(o);
		goto out;
	}
	printf("store     %s (%s, schema %d)\naccounts  %zu\n\n", cli->db_path, store_backend_name(cli->st),
	       version, nacc);
	printf("%-16s %8s %8s %8s %10s %8s %8s %10s\n", "QUEUE", "pending", "running", "retry", "succeeded",
	       "skipped", "failed", "cancelled");
	for (size_t i = 0; i < queue_def_count; i++) {
		json_t *q = json_object_get(queues, queue_defs[i].name);
		const char *const cols[] = { "pending", "running", "retry", "succeeded", "skipped", "failed",
					     "cancelled" };
		const int widths[] = { 8, 8, 8, 10, 8, 8, 10 };

		printf("%-16s", queue_defs[i].name);
		for (size_t c = 0; c < 7; c++)
			printf(" %*lld", widths[c], (long long)json_integer_value(json_object_get(q, cols[c])));
		printf("\n");
	}
	printf("\nrunning jobs: %zu\n", json_array_size(running));
	json_decref(o);
out:
	free(acc);
	free(qc);
	jobs_free(jobs, njobs);
	sbuf_release(&err);
	return rc;
}

const struct cmd cmd_status = {
	"status", run_status, NEEDS_STORE, "show the store, queue depths and running jobs",
	"usage: tillsync status [--json]\n"
	"\n"
	"Reads the store directly, so it works whether or not the daemon runs.\n",
};
