#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/render.h"
#include "util/timeutil.h"

static const char *const entities[] = { "customer", "product", "product_group", "category", "customer_type", "order", NULL };

static int
entity_ok(const char *e)
{
	for (int i = 0; e && entities[i]; i++)
		if (strcmp(entities[i], e) == 0)
			return 1;
	return 0;
}

static int
run_link(struct cli *cli, int argc, char **argv)
{
	const char *account = NULL, *pos = NULL, *shop = NULL;
	struct sbuf err = SBUF_INIT;
	struct account a;
	int rc;

	if (argc < 2 || !entity_ok(argv[1]))
		return cli_usage_error(&cmd_link, "link needs an entity: customer, product, product_group, category, customer_type");
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--account") == 0 && i + 1 < argc)
			account = argv[++i];
		else if (strcmp(argv[i], "--pos") == 0 && i + 1 < argc)
			pos = argv[++i];
		else if (strcmp(argv[i], "--shop") == 0 && i + 1 < argc)
			shop = argv[++i];
		else
			return cli_usage_error(&cmd_link, "unexpected argument '%s'", argv[i]);
	}
	if (!pos || !shop)
		return cli_usage_error(&cmd_link, "link needs --account, --pos ID and --shop ID");
	if ((rc = cli_account(cli, account, &a)))
		return rc;
	if (store_link_set(cli->st, a.id, argv[1], pos, shop, time_now_ms(), &err) < 0) {
		rc = cli_error("%s", err.buf);
		sbuf_release(&err);
		return rc;
	}
	printf("linked %s: POS %s <-> shop %s\n", argv[1], pos, shop);
	return 0;
}

static int
run_unlink(struct cli *cli, int argc, char **argv)
{
	const char *account = NULL, *pos = NULL;
	struct sbuf err = SBUF_INIT;
	struct account a;
	int rc;

	if (argc < 2 || !entity_ok(argv[1]))
		return cli_usage_error(&cmd_unlink, "unlink needs an entity: customer, product, product_group, category, customer_type");
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--account") == 0 && i + 1 < argc)
			account = argv[++i];
		else if (strcmp(argv[i], "--pos") == 0 && i + 1 < argc)
			pos = argv[++i];
		else
			return cli_usage_error(&cmd_unlink, "unexpected argument '%s'", argv[i]);
	}
	if (!pos)
		return cli_usage_error(&cmd_unlink, "unlink needs --account and --pos ID");
	if ((rc = cli_account(cli, account, &a)))
		return rc;
	rc = store_link_delete(cli->st, a.id, argv[1], pos, &err);
	if (rc == STORE_NOTFOUND)
		rc = cli_error("POS %s %s is not linked", argv[1], pos);
	else if (rc < 0)
		rc = cli_error("%s", err.buf);
	else
		printf("unlinked %s: POS %s\n", argv[1], pos);
	sbuf_release(&err);
	return rc;
}

static int
run_links(struct cli *cli, int argc, char **argv)
{
	const char *entity = NULL;
	struct sbuf err = SBUF_INIT;
	struct account a = { 0 };
	struct link *l;
	size_t n;
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
		} else if (strcmp(argv[i], "--entity") == 0 && i + 1 < argc) {
			entity = argv[++i];
			if (!entity_ok(entity))
				return cli_usage_error(&cmd_links, "unknown entity '%s'", entity);
		} else {
			return cli_usage_error(&cmd_links, "unexpected argument '%s'", argv[i]);
		}
	}
	if (store_link_list(cli->st, a.id, entity, &l, &n, &err) < 0) {
		rc = cli_error("%s", err.buf);
		sbuf_release(&err);
		return rc;
	}
	if (cli->json) {
		json_t *arr = json_array();

		for (size_t i = 0; i < n; i++) {
			struct account owner;

			if (store_account_get(cli->st, l[i].account_id, &owner, &err) != 0)
				snprintf(owner.name, sizeof(owner.name), "?");
			json_array_append_new(arr, render_link(&l[i], owner.name));
		}
		cli_print_json(arr);
	} else {
		printf("%-14s %-20s %-20s %s\n", "ENTITY", "POS", "SHOP", "UPDATED");
		for (size_t i = 0; i < n; i++)
			printf("%-14s %-20s %-20s %s\n", l[i].entity, l[i].pos_id, l[i].shop_id,
			       cli_time(l[i].updated_at, ts, sizeof(ts)));
	}
	free(l);
	sbuf_release(&err);
	return 0;
}

const struct cmd cmd_link = {
	"link", run_link, NEEDS_STORE, "link a POS record to a shop record",
	"usage: tillsync link customer --account NAME --pos ID --shop ID\n"
	"\n"
	"Entities: customer, product, product_group (a POS variant group and the shop's\n"
	"variable product), category, customer_type. Linking a POS record\n"
	"that is already linked moves the link. After linking, retry the items that\n"
	"failed with \"Customer is not linked\":\n"
	"  tillsync queue retry --all-failed --queue customers --comment \"Customer is not linked\"\n",
};

const struct cmd cmd_unlink = {
	"unlink", run_unlink, NEEDS_STORE, "remove a link",
	"usage: tillsync unlink customer --account NAME --pos ID\n",
};

const struct cmd cmd_links = {
	"links", run_links, NEEDS_STORE, "list links between POS and shop records",
	"usage: tillsync links list [--account NAME] [--entity E] [--json]\n",
};
