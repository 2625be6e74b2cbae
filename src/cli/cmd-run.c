#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "cli/cli.h"
#include "connectors/connector.h"
#include "core/engine.h"
#include "core/journal.h"
#include "core/scheduler.h"
#include "queue/worker.h"
#include "server/server.h"
#include "util/parse.h"
#include "util/timeutil.h"

static volatile sig_atomic_t stop_signal;

static void
on_signal(int sig)
{
	stop_signal = sig;
}

/* Nothing to work now: no item pending, running, or due for a retry (items
 * waiting for a later retry do not count). -1 when the store cannot say. */
static int
queues_idle(struct store *st, struct sbuf *err)
{
	int64_t due;

	if (store_queue_due_count(st, time_now_ms(), &due, err) < 0)
		return -1;
	return due == 0;
}

/*
 * --until-idle: every feed's cycle once, and the workers until nothing is
 * pending or running; for scripts, tests and a one-off catch-up. Items left
 * waiting for a later retry stay queued for the next run. The workers start
 * first: a cycle commits what it finds page by page, so a long scan's first
 * pages are being written while it still reads the rest, as in the daemon.
 */
static int
run_until_idle(struct cli *cli, const struct worker_pool_config *cfg, struct scheduler *sched, struct sbuf *err)
{
	struct worker_pool *pool;
	int idle = 0;

	if (worker_pool_start(&pool, cfg, err) < 0)
		return -1;
	scheduler_tick(sched, time_mono_ms());
	while (!stop_signal && (idle = queues_idle(cli->st, err)) == 0)
		time_sleep_ms(50);
	worker_pool_stop(pool);
	return idle < 0 ? -1 : 0;
}

/* A PEM file into memory (certificates and keys are small: 64 KB at most). */
static int
read_pem(const char *path, char **out, struct sbuf *err)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	*out = NULL;
	if (!f)
		return error_set(err, "cannot read %s: %s", path, strerror(errno));
	*out = calloc(1, 65536 + 1);
	n = *out ? fread(*out, 1, 65536 + 1, f) : 0;
	fclose(f);
	if (!*out)
		return error_set(err, "out of memory");
	if (n == 0 || n > 65536 || !strstr(*out, "-----BEGIN ")) {
		free(*out);
		*out = NULL;
		return error_set(err, "%s is not a PEM certificate or key (or is larger than 64 KB)", path);
	}
	return 0;
}

static int
run_daemon(struct cli *cli, int argc, char **argv)
{
	struct worker_pool_config cfg = WORKER_POOL_CONFIG_INIT;
	struct sbuf err = SBUF_INIT;
	struct worker_pool *pool = NULL;
	struct scheduler *sched = NULL;
	struct engine *engine = NULL;
	struct server *server = NULL;
	struct server_config scfg = { "127.0.0.1:8470", NULL, connector_find, 8, NULL, NULL };
	struct worker_stats ws;
	char url[96];
	struct sigaction sa;
	int64_t v;
	int until_idle = 0;
	int rc = 0;
	const char *tls_cert = NULL, *tls_key = NULL;
	char *cert_pem = NULL, *key_pem = NULL;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
			if (parse_int64(argv[++i], 1, 64, &v) < 0)
				return cli_usage_error(&cmd_run, "--threads must be 1 to 64");
			cfg.threads = (int)v;
		} else if (strcmp(argv[i], "--lease") == 0 && i + 1 < argc) {
			if (parse_int64(argv[++i], 1, 3600, &v) < 0)
				return cli_usage_error(&cmd_run, "--lease must be 1 to 3600 seconds");
			cfg.lease_ms = v * 1000;
		} else if (strcmp(argv[i], "--until-idle") == 0) {
			until_idle = 1;
		} else if (strcmp(argv[i], "--listen") == 0 && i + 1 < argc) {
			scfg.listen = argv[++i];
		} else if (strcmp(argv[i], "--tls-cert") == 0 && i + 1 < argc) {
			tls_cert = argv[++i];
		} else if (strcmp(argv[i], "--tls-key") == 0 && i + 1 < argc) {
			tls_key = argv[++i];
		} else if (strcmp(argv[i], "--batch") == 0 && i + 1 < argc) {
			if (parse_int64(argv[++i], 1, 1000, &v) < 0)
				return cli_usage_error(&cmd_run, "--batch must be 1 to 1000");
			cfg.batch = (size_t)v;
		} else {
			return cli_usage_error(&cmd_run, "unexpected argument '%s'", argv[i]);
		}
	}

	if (!tls_cert != !tls_key)
		return cli_usage_error(&cmd_run, "--tls-cert and --tls-key go together");
	if (tls_cert && (read_pem(tls_cert, &cert_pem, &err) < 0 || read_pem(tls_key, &key_pem, &err) < 0)) {
		rc = cli_error("%s", err.buf);
		goto out;
	}
	scfg.tls_cert_pem = cert_pem;
	scfg.tls_key_pem = key_pem;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (engine_new(&engine, connector_find, &err) < 0 || scheduler_new(&sched, cli->st, engine, &err) < 0)
		goto fail;
	engine_worker_config(engine, cli->db_path, &cfg);
	scfg.db_path = cli->db_path;
	if (until_idle) {
		if (run_until_idle(cli, &cfg, sched, &err) < 0)
			goto fail;
		goto out;
	}
	if (server_start(&server, &scfg, url, sizeof(url), &err) < 0)
		goto fail;
	if (worker_pool_start(&pool, &cfg, &err) < 0)
		goto fail;

	printf("tillsync: running with %d workers; state in %s\n"
	       "tillsync: listening on %s (webhooks: %s/hooks/ACCOUNT/shop)\n"
	       "tillsync: stop with Ctrl-C or 'kill -TERM %d'\n", cfg.threads, cli->db_path, url, url, (int)getpid());
	fflush(stdout);
	journal(cli->st, 0, NULL, "daemon", LOG_INFO, "started with %d workers (pid %d)", cfg.threads,
		(int)getpid());

	while (!stop_signal) {
		scheduler_tick(sched, time_mono_ms());
		time_sleep_ms(100);
	}

	server_stop(server);      /* no new deliveries: each one taken is already stored */
	server = NULL;
	worker_pool_stop(pool);   /* finishes the item in hand, releases the rest */
	pool = NULL;
	journal(cli->st, 0, NULL, "daemon", LOG_INFO, "stopped on signal %d", (int)stop_signal);
	printf("tillsync: stopped\n");
	goto out;
fail:
	rc = cli_error("%s", err.buf);
out:
	if (pool) {
		worker_pool_stats(pool, &ws);
		worker_pool_stop(pool);
	}
	server_stop(server);
	scheduler_free(sched);
	engine_free(engine);
	if (key_pem)
		OPENSSL_cleanse(key_pem, strlen(key_pem));
	free(key_pem);
	free(cert_pem);
	sbuf_release(&err);
	return rc;
}

const struct cmd cmd_run = {
	"run", run_daemon, NEEDS_STORE, "run the daemon: scheduler and workers, until stopped",
	"usage: tillsync run [--threads N] [--batch N] [--lease SECONDS] [--listen ADDR:PORT]\n"
	"                    [--tls-cert CERT.pem --tls-key KEY.pem]\n"
	"       tillsync run --until-idle [--threads N] [--batch N] [--lease SECONDS]\n"
	"\n"
	"Every account's feeds (customers, customer types, orders, products,\n"
	"inventory, stock_check) are asked what\n"
	"changed every cycle_interval, and the changes are worked through by the\n"
	"workers. The listener (default 127.0.0.1:8470; port 0 picks a free one)\n"
	"takes webhook deliveries at /hooks/ACCOUNT/shop: each is stored before it\n"
	"is answered. With --tls-cert and --tls-key (PEM files) it speaks HTTPS and\n"
	"session cookies are marked Secure; otherwise keep it on loopback or behind a\n"
	"TLS proxy.\n"
	"Runs in the foreground until SIGTERM or SIGINT. Workers finish the item in\n"
	"hand, give back the items they had claimed but not started, and exit.\n"
	"A worker that dies without that (kill -9, power loss) loses nothing: its\n"
	"items are taken up again when their lease expires (--lease, default 300 s;\n"
	"the workers renew it while they work, so it bounds only the wait after a crash).\n"
	"\n"
	"--until-idle runs every feed's cycle once, works until no item is pending\n"
	"or running, and exits (no listener). Items waiting for a later retry stay\n"
	"queued for the next run.\n",
};
