#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/render.h"
#include "core/settings.h"
#include "util/timeutil.h"

static int
account_add(struct cli *cli, int argc, char **argv)
{
	struct sbuf err = SBUF_INIT;
	int64_t id;
	int rc = 0;

	if (argc != 2)
		return cli_usage_error(&cmd_account, "usage: account add NAME");
	if (store_account_add(cli->st, argv[1], time_now_ms(), &id, &err) < 0)
		rc = cli_error("%s", err.buf);
	else if (cli->json)
		rc = cli_print_json(json_pack("{s:I, s:s}", "id", (json_int_t)id, "name", argv[1]));
	else
		printf("account '%s' added (id %lld)\n", argv[1], (long long)id);
	sbuf_release(&err);
	return rc;
}

static int
account_list(struct cli *cli)
{
	struct sbuf err = SBUF_INIT;
	struct account *a;
	size_t n;
	char ts[40];

	if (store_account_list(cli->st, &a, &n, &err) < 0) {
		cli_error("%s", err.buf);
		sbuf_release(&err);
		return 1;
	}
	if (cli->json) {
		json_t *arr = json_array();

		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, render_account(&a[i]));
		cli_print_json(arr);
	} else {
		printf("%-6s %-32s %s\n", "ID", "NAME", "CREATED");
		for (size_t i = 0; i < n; i++)
			printf("%-6lld %-32s %s\n", (long long)a[i].id, a[i].name,
			       cli_time(a[i].created_at, ts, sizeof(ts)));
	}
	free(a);
	return 0;
}

static int
account_show(struct cli *cli, int argc, char **argv)
{
	struct sbuf err = SBUF_INIT;
	struct connection *conns = NULL;
	struct account a;
	size_t nconn = 0;
	json_t *settings, *obj, *carr;
	int rc;

	if (argc != 2)
		return cli_usage_error(&cmd_account, "usage: account show NAME");
	if ((rc = cli_account(cli, argv[1], &a)))
		return rc;
	if (!(settings = render_settings(cli->st, a.id, &err))) {
		rc = cli_error("%s", err.buf);
		goto out;
	}
	if (store_connection_list(cli->st, a.id, &conns, &nconn, &err) < 0) {
		json_decref(settings);
		rc = cli_error("%s", err.buf);
		goto out;
	}
	carr = json_array();
	for (size_t i = 0; i < nconn; i++)   /* credentials are never shown */
		json_array_append_new(carr, render_connection(&conns[i], a.name));
	obj = render_account(&a);
	json_object_set_new(obj, "settings", settings);
	json_object_set_new(obj, "connections", carr);
	if (cli->json) {
		cli_print_json(obj);
	} else {
		const char *key;
		json_t *v;

		printf("account %s (id %lld)\n\nsettings:\n", a.name, (long long)a.id);
		json_object_foreach(settings, key, v)
			printf("  %-20s %s\n", key, json_string_value(v));
		printf("\nconnections:\n");
		if (!nconn)
			printf("  (none: add them with 'tillsync connection add')\n");
		for (size_t i = 0; i < nconn; i++)
			printf("  %-5s %-12s %s (credentials %s)\n", conns[i].role, conns[i].kind, conns[i].base_url,
			       conns[i].credentials[0] ? "set" : "missing");
		json_decref(obj);
	}
out:
	connections_free(conns, nconn);
	sbuf_release(&err);
	return rc;
}

static int
account_set(struct cli *cli, int argc, char **argv)
{
	struct sbuf err = SBUF_INIT;
	struct account a;
	int rc;

	if (argc < 3)
		return cli_usage_error(&cmd_account, "usage: account set NAME KEY=VALUE...");
	if ((rc = cli_account(cli, argv[1], &a)))
		return rc;
	/* validate everything first, then write all in one transaction */
	if (store_tx_begin(cli->st, &err) < 0)
		goto fail;
	for (int i = 2; i < argc; i++) {
		char *eq = strchr(argv[i], '='), *stored = NULL, key[64];
		const struct setting_def *d;

		if (!eq || eq == argv[i] || (size_t)(eq - argv[i]) >= sizeof(key)) {
			store_tx_rollback(cli->st);
			return cli_usage_error(&cmd_account, "expected KEY=VALUE, got '%s'", argv[i]);
		}
		snprintf(key, sizeof(key), "%.*s", (int)(eq - argv[i]), argv[i]);
		if (!(d = setting_def_find(key))) {
			store_tx_rollback(cli->st);
			return cli_usage_error(&cmd_account, "unknown setting '%s'", key);
		}
		if (setting_normalize(d, eq + 1, &stored, &err) < 0 ||
		    store_setting_set(cli->st, a.id, key, stored, time_now_ms(), &err) < 0) {
			free(stored);
			store_tx_rollback(cli->st);
			goto fail;
		}
		free(stored);
	}
	if (store_tx_commit(cli->st, &err) < 0)
		goto fail;
	printf("account '%s' updated\n", a.name);
	sbuf_release(&err);
	return 0;
fail:
	rc = cli_error("%s", err.buf);
	sbuf_release(&err);
	return rc;
}

static int
run_account(struct cli *cli, int argc, char **argv)
{
	int json_flag = 0, k = 0;

	/* accept --json after the verb as well */
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json_flag = 1;
		else
			argv[k++] = argv[i];
	}
	argc = k;
	cli->json |= json_flag;
	if (argc < 2)
		return cli_usage_error(&cmd_account, "account needs a verb: add, list, show or set");
	if (strcmp(argv[1], "add") == 0)
		return account_add(cli, argc - 1, argv + 1);
	if (strcmp(argv[1], "list") == 0)
		return account_list(cli);
	if (strcmp(argv[1], "show") == 0)
		return account_show(cli, argc - 1, argv + 1);
	if (strcmp(argv[1], "set") == 0)
		return account_set(cli, argc - 1, argv + 1);
	return cli_usage_error(&cmd_account, "unknown verb '%s'", argv[1]);
}

const struct cmd cmd_account = {
	"account", run_account, NEEDS_STORE, "add, list, show and configure merchant accounts",
	"usage: tillsync account add NAME\n"
	"       tillsync account list [--json]\n"
	"       tillsync account show NAME [--json]\n"
	"       tillsync account set NAME KEY=VALUE...\n"
	"\n"
	"Settings (account set):\n"
	"  stock_master=pos|shop       which side owns stock and prices (default pos)\n"
	"  customer_sync=on|off        sync POS customer changes and loyalty points to the shop\n"
	"  loyalty_meta_key=KEY        shop customer meta_data key for the points balance\n"
	"  cycle_interval=DURATION     how often feeds ask for changes (e.g. 5m)\n"
	"  retry_max_attempts=N        tries before an item waits for an operator\n"
	"  retry_base=DURATION         wait after the first failure (doubles each time)\n"
	"  retry_cap=DURATION          longest wait between tries\n"
	"  webhook_url=URL             where the shop can reach tillsync's webhook receiver\n"
	"                              (its deliveries go to URL/hooks/ACCOUNT/shop); '-' for none\n",
};
