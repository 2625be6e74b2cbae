/*
 * cmd-duplicates.c: products sharing a SKU on one side, with the command
 * that merges each group; and that merge.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "connectors/connector.h"
#include "core/duplicates.h"

/* The merge that keeps the linked (or first) product of the group. */
static void
print_group(const char *account, const struct duplicate_group *g)
{
	const struct duplicate_member *keep = &g->members[0];
	int pos = strcmp(g->side, "pos") == 0;

	for (size_t i = 0; i < g->n; i++)
		if (g->members[i].linked_to[0]) {
			keep = &g->members[i];
			break;
		}
	printf("%s SKU %s: %zu products\n", pos ? "POS" : "shop", g->sku, g->n);
	for (size_t i = 0; i < g->n; i++)
		printf("  %-12s %-40.40s %s%s\n", g->members[i].id, g->members[i].name[0] ? g->members[i].name : "-",
		       g->members[i].linked_to[0] ? "linked to " : "unlinked", g->members[i].linked_to);
	if (pos)
		printf("  keep one in the POS and archive the others; to sync the one you keep (e.g. %s) with the\n"
		       "  shop product:\n    tillsync duplicates merge --account %s --pos %s --shop %s\n",
		       keep->id, account, keep->id, keep->linked_to[0] ? keep->linked_to : "SHOP_ID");
	else
		printf("  keep one (e.g. %s), link the POS product to it and set the others to draft:\n"
		       "    tillsync duplicates merge --account %s --pos %s --shop %s\n",
		       keep->id, account, keep->linked_to[0] ? keep->linked_to : "POS_ID", keep->id);
}

static int
run_merge(struct cli *cli, struct engine *e, const struct account *a, const char *pos_id, const char *shop_id)
{
	struct sbuf said = SBUF_INIT, err = SBUF_INIT;
	int rc = 0;

	if (duplicates_merge(e, cli->st, a, pos_id, shop_id, &said, &err) < 0)
		rc = cli_error("%s", err.buf);
	fputs(said.buf, stdout);
	sbuf_release(&said);
	sbuf_release(&err);
	return rc;
}

static int
run_duplicates(struct cli *cli, int argc, char **argv)
{
	struct sbuf err = SBUF_INIT;
	struct duplicate_report r;
	struct engine *e = NULL;
	struct account a;
	const char *account = NULL, *pos_id = NULL, *shop_id = NULL;
	int merge = argc > 1 && strcmp(argv[1], "merge") == 0, rc;

	for (int i = 1 + merge; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			cli->json = 1;
		else if (strcmp(argv[i], "--account") == 0 && i + 1 < argc)
			account = argv[++i];
		else if (merge && strcmp(argv[i], "--pos") == 0 && i + 1 < argc)
			pos_id = argv[++i];
		else if (merge && strcmp(argv[i], "--shop") == 0 && i + 1 < argc)
			shop_id = argv[++i];
		else
			return cli_usage_error(&cmd_duplicates, "unexpected argument '%s'", argv[i]);
	}
	if (merge && (!pos_id || !shop_id))
		return cli_usage_error(&cmd_duplicates, "merge needs --pos ID and --shop ID");
	if ((rc = cli_account(cli, account, &a)))
		return rc;
	if (engine_new(&e, connector_find, &err) < 0) {
		rc = cli_error("%s", err.buf);
		goto out;
	}
	if (merge) {
		rc = run_merge(cli, e, &a, pos_id, shop_id);
		goto out;
	}
	if (duplicates_find(e, cli->st, &a, &r, &err) < 0) {
		rc = cli_error("%s", err.buf);
		goto out;
	}
	if (cli->json) {
		cli_print_json(duplicates_json(&r, a.name));
	} else {
		printf("%zu POS and %zu shop products with a SKU read; %zu SKU%s used more than once\n",
		       r.pos_products, r.shop_products, r.n, r.n == 1 ? " is" : "s are");
		for (size_t i = 0; i < r.n; i++)
			print_group(a.name, &r.groups[i]);
	}
	duplicate_report_release(&r);
out:
	engine_free(e);
	sbuf_release(&err);
	return rc;
}

const struct cmd cmd_duplicates = {
	"duplicates", run_duplicates, NEEDS_STORE, "products sharing a SKU, and merging them",
	"usage: tillsync duplicates --account NAME [--json]\n"
	"       tillsync duplicates merge --account NAME --pos ID --shop ID\n"
	"\n"
	"Reads both catalogs and lists SKUs used by more than one product on one side\n"
	"(compared trimmed and without case), with each product's link and the merge\n"
	"command. 'merge' links the POS product to the shop product to keep (taking\n"
	"the link from another POS product if it had it), sets the shop's other\n"
	"products with that SKU to draft (never deletes) and queues the product.\n",
};
