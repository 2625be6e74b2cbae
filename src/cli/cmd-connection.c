#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/render.h"
#include "connectors/connector.h"
#include "core/engine.h"
#include "util/timeutil.h"

static const char *
role_of_kind(const char *kind)
{
	const struct connector_ops *ops = connector_find(kind);

	return ops ? ops->role : NULL;
}

static int
read_secret_file(const char *path, char *buf, size_t len)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	size_t n;

	if (!f)
		return cli_error("cannot read secret file '%s': %s", path, strerror(errno));
	n = fread(buf, 1, len - 1, f);
	if (f != stdin)
		fclose(f);
	buf[n] = '\0';
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	if (!n)
		return cli_error("secret file '%s' is empty", path);
	return 0;
}

static int
connection_add(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "account", required_argument, NULL, 'a' },
		{ "kind", required_argument, NULL, 'k' },
		{ "url", required_argument, NULL, 'u' },
		{ "key", required_argument, NULL, 'K' },
		{ "secret", required_argument, NULL, 's' },
		{ "secret-file", required_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 },
	};
	const char *account = NULL, *kind = NULL, *url = NULL, *key = NULL, *secret = NULL, *role;
	char secret_buf[1024];
	struct sbuf err = SBUF_INIT;
	struct account a;
	json_t *cred;
	char *cred_text;
	int c, rc;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'a': account = optarg; break;
		case 'k': kind = optarg; break;
		case 'u': url = optarg; break;
		case 'K': key = optarg; break;
		case 's': secret = optarg; break;
		case 'S':
			if ((rc = read_secret_file(optarg, secret_buf, sizeof(secret_buf))))
				return rc;
			secret = secret_buf;
			break;
		default: return cli_usage_error(&cmd_connection, "bad option");
		}
	}
	if (optind < argc)
		return cli_usage_error(&cmd_connection, "unexpected argument '%s'", argv[optind]);
	if (!kind || !url)
		return cli_usage_error(&cmd_connection, "connection add needs --account, --kind and --url");
	if (!(role = role_of_kind(kind)))
		return cli_usage_error(&cmd_connection, "unknown kind '%s' (this build knows eposnow and "
				       "woocommerce)", kind);
	if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0)
		return cli_error("the URL must start with http:// or https://, got '%s'", url);
	if (!secret)
		secret = getenv("TILLSYNC_SECRET");
	if (!key || !secret)
		return cli_usage_error(&cmd_connection, "credentials needed: --key KEY and the secret with "
				       "--secret-file FILE (or - for stdin) or TILLSYNC_SECRET");
	if ((rc = cli_account(cli, account, &a)))
		return rc;
	cred = json_pack("{s:s, s:s}", "key", key, "secret", secret);
	cred_text = json_dumps(cred, JSON_COMPACT);
	json_decref(cred);
	if (!cred_text)
		return cli_error("out of memory");
	rc = store_connection_set(cli->st, a.id, role, kind, url, cred_text, time_now_ms(), &err);
	memset(cred_text, 0, strlen(cred_text));
	free(cred_text);
	memset(secret_buf, 0, sizeof(secret_buf));
	if (rc < 0) {
		rc = cli_error("%s", err.buf);
	} else {
		printf("%s connection for '%s' saved: %s at %s (credentials stored, not shown)\n", role, a.name,
		       kind, url);
		rc = 0;
	}
	sbuf_release(&err);
	return rc;
}

static int
connection_list(struct cli *cli, int argc, char **argv)
{
	struct sbuf err = SBUF_INIT;
	struct connection *c = NULL;
	struct account a = { 0 };
	size_t n = 0;
	int rc;

	if (argc == 3 && strcmp(argv[1], "--account") == 0) {
		if ((rc = cli_account(cli, argv[2], &a)))
			return rc;
	} else if (argc != 1) {
		return cli_usage_error(&cmd_connection, "usage: connection list [--account NAME]");
	}
	if (store_connection_list(cli->st, a.id, &c, &n, &err) < 0) {
		rc = cli_error("%s", err.buf);
		sbuf_release(&err);
		return rc;
	}
	if (cli->json) {
		json_t *arr = json_array();

		for (size_t i = 0; i < n; i++) {
			struct account owner;

			if (store_account_get(cli->st, c[i].account_id, &owner, &err) != 0)
				snprintf(owner.name, sizeof(owner.name), "?");
			json_array_append_new(arr, render_connection(&c[i], owner.name));
		}
		cli_print_json(arr);
	} else {
		printf("%-20s %-5s %-16s %s\n", "ACCOUNT", "ROLE", "KIND", "URL");
		for (size_t i = 0; i < n; i++) {
			struct account owner;

			if (store_account_get(cli->st, c[i].account_id, &owner, &err) != 0)
				snprintf(owner.name, sizeof(owner.name), "?");
			printf("%-20s %-5s %-16s %s\n", owner.name, c[i].role, c[i].kind, c[i].base_url);
		}
	}
	connections_free(c, n);
	sbuf_release(&err);
	return 0;
}

static int
connection_test(struct cli *cli, int argc, char **argv)
{
	struct connection_check ck[2];
	struct sbuf err = SBUF_INIT;
	struct engine *e = NULL;
	struct account a;
	int rc, failures;

	if (argc != 3 || strcmp(argv[1], "--account") != 0)
		return cli_usage_error(&cmd_connection, "usage: connection test --account NAME");
	if ((rc = cli_account(cli, argv[2], &a)))
		return rc;
	if (engine_new(&e, connector_find, &err) < 0)
		return cli_error("%s", err.buf);
	failures = engine_test_connections(e, cli->st, a.id, ck);
	for (int i = 0; i < 2; i++) {
		if (!ck[i].configured)
			printf("%-4s  not configured: add it with 'tillsync connection add'\n", ck[i].role);
		else if (!ck[i].opened)
			printf("%-4s  cannot open: %s\n", ck[i].role, ck[i].message);
		else
			printf("%-4s  %s: %s\n", ck[i].role, ck[i].display_name, ck[i].ok ? "OK" : ck[i].message);
	}
	engine_free(e);
	sbuf_release(&err);
	return failures ? 1 : 0;
}

static int
run_connection(struct cli *cli, int argc, char **argv)
{
	int k = 0;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			cli->json = 1;
		else
			argv[k++] = argv[i];
	}
	argc = k;
	if (argc < 2)
		return cli_usage_error(&cmd_connection, "connection needs a verb: add, list or test");
	if (strcmp(argv[1], "add") == 0)
		return connection_add(cli, argc - 1, argv + 1);
	if (strcmp(argv[1], "list") == 0)
		return connection_list(cli, argc - 1, argv + 1);
	if (strcmp(argv[1], "test") == 0)
		return connection_test(cli, argc - 1, argv + 1);
	return cli_usage_error(&cmd_connection, "unknown verb '%s'", argv[1]);
}

const struct cmd cmd_connection = {
	"connection", run_connection, NEEDS_STORE, "add and list an account's POS and shop connections",
	"usage: tillsync connection add --account NAME --kind KIND --url URL --key KEY\n"
	"                               (--secret-file FILE | --secret-file - | $TILLSYNC_SECRET)\n"
	"       tillsync connection list [--account NAME] [--json]\n"
	"       tillsync connection test --account NAME\n"
	"\n"
	"KIND is eposnow (the POS) or woocommerce (the shop). Adding a connection of the same role replaces\n"
	"the old one. Credentials are stored in the store (readable by its owner\n"
	"only) and never printed; --secret exists but leaves the secret in your\n"
	"shell history, so prefer --secret-file.\n"
	"\n"
	"'test' reaches each side and says in plain words what is wrong: the site\n"
	"unreachable, maintenance, the REST API disabled, wrong credentials, a key\n"
	"without write permission, or rate limiting. It exits 1 if either side fails.\n",
};
