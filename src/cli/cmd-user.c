#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "server/auth.h"
#include "util/parse.h"
#include "util/timeutil.h"

static int
read_password(const char *file, char *buf, size_t len)
{
	const char *env = getenv("TILLSYNC_PASSWORD");
	FILE *f;
	size_t n;

	if (!file) {
		if (!env)
			return cli_error("give the password with --password-file FILE (or - for stdin) or TILLSYNC_PASSWORD");
		snprintf(buf, len, "%s", env);
		return 0;
	}
	f = strcmp(file, "-") == 0 ? stdin : fopen(file, "r");
	if (!f)
		return cli_error("cannot read password file '%s': %s", file, strerror(errno));
	n = fread(buf, 1, len - 1, f);
	if (f != stdin)
		fclose(f);
	buf[n] = '\0';
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	return 0;
}

static int
user_add(struct cli *cli, int argc, char **argv)
{
	const char *role = NULL, *account = NULL, *file = NULL;
	struct sbuf err = SBUF_INIT;
	struct account a = { 0 };
	char password[256], *hash = NULL;
	int64_t id;
	int rc;

	if (argc < 2 || argv[1][0] == '-')
		return cli_usage_error(&cmd_user, "usage: user add NAME --role merchant --account A | --role support");
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--role") == 0 && i + 1 < argc)
			role = argv[++i];
		else if (strcmp(argv[i], "--account") == 0 && i + 1 < argc)
			account = argv[++i];
		else if (strcmp(argv[i], "--password-file") == 0 && i + 1 < argc)
			file = argv[++i];
		else
			return cli_usage_error(&cmd_user, "unexpected argument '%s'", argv[i]);
	}
	if (!role || (strcmp(role, "merchant") != 0 && strcmp(role, "support") != 0))
		return cli_usage_error(&cmd_user, "--role must be merchant or support");
	if (strcmp(role, "merchant") == 0 && (rc = cli_account(cli, account, &a)))
		return rc;
	if (strcmp(role, "support") == 0 && account)
		return cli_usage_error(&cmd_user, "a support user sees every account; drop --account");
	if ((rc = read_password(file, password, sizeof(password))))
		return rc;
	if (auth_hash_password(password, &hash, &err) < 0 ||
	    store_user_add(cli->st, argv[1], hash, role, a.id, time_now_ms(), &id, &err) < 0)
		rc = cli_error("%s", err.buf);
	else
		printf("user '%s' added (%s%s%s)\n", argv[1], role, a.id ? " of " : "", a.id ? a.name : "");
	memset(password, 0, sizeof(password));
	free(hash);
	sbuf_release(&err);
	return rc;
}

static int
user_list(struct cli *cli)
{
	struct sbuf err = SBUF_INIT;
	struct user *u;
	size_t n;
	char ts[40];

	if (store_user_list(cli->st, &u, &n, &err) < 0) {
		cli_error("%s", err.buf);
		sbuf_release(&err);
		return 1;
	}
	if (cli->json) {
		json_t *arr = json_array();

		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, json_pack("{s:I, s:s, s:s, s:s?, s:o}", "id", (json_int_t)u[i].id,
				"name", u[i].name, "role", u[i].role, "account", u[i].account_id ? u[i].account : NULL,
				"created_at", cli_json_time(u[i].created_at)));
		cli_print_json(arr);
	} else {
		printf("%-24s %-9s %-20s %s\n", "NAME", "ROLE", "ACCOUNT", "CREATED");
		for (size_t i = 0; i < n; i++)
			printf("%-24s %-9s %-20s %s\n", u[i].name, u[i].role, u[i].account_id ? u[i].account : "(all)",
			       cli_time(u[i].created_at, ts, sizeof(ts)));
	}
	users_free(u, n);
	return 0;
}

static int
run_user(struct cli *cli, int argc, char **argv)
{
	struct sbuf err = SBUF_INIT;
	int k = 0, rc;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			cli->json = 1;
		else
			argv[k++] = argv[i];
	}
	argc = k;
	if (argc < 2)
		return cli_usage_error(&cmd_user, "user needs a verb: add, list or remove");
	if (strcmp(argv[1], "add") == 0)
		return user_add(cli, argc - 1, argv + 1);
	if (strcmp(argv[1], "list") == 0)
		return user_list(cli);
	if (strcmp(argv[1], "remove") == 0 && argc == 3) {
		rc = store_user_remove(cli->st, argv[2], &err);
		if (rc == STORE_NOTFOUND)
			rc = cli_error("no user named '%s'", argv[2]);
		else if (rc < 0)
			rc = cli_error("%s", err.buf);
		else
			printf("user '%s' removed (their sessions and tokens with them)\n", argv[2]);
		sbuf_release(&err);
		return rc;
	}
	return cli_usage_error(&cmd_user, "unknown verb '%s'", argv[1]);
}

static int
run_token(struct cli *cli, int argc, char **argv)
{
	struct sbuf err = SBUF_INIT;
	int rc = 0, k = 0;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			cli->json = 1;
		else
			argv[k++] = argv[i];
	}
	argc = k;
	if (argc >= 2 && strcmp(argv[1], "create") == 0) {
		const char *user = NULL, *name = "script";
		char token[AUTH_TOKEN_HEX + 1], digest[AUTH_TOKEN_HEX + 1];
		struct user u;
		int64_t id;

		for (int i = 2; i < argc; i++) {
			if (strcmp(argv[i], "--user") == 0 && i + 1 < argc)
				user = argv[++i];
			else if (strcmp(argv[i], "--name") == 0 && i + 1 < argc)
				name = argv[++i];
			else
				return cli_usage_error(&cmd_token, "unexpected argument '%s'", argv[i]);
		}
		if (!user)
			return cli_usage_error(&cmd_token, "token create needs --user NAME");
		rc = store_user_find(cli->st, user, &u, &err);
		free(u.password_hash);
		if (rc == STORE_NOTFOUND)
			return cli_error("no user named '%s'", user);
		if (rc < 0 || auth_new_token(token) < 0)
			return cli_error("%s", err.len ? err.buf : "no randomness for a token");
		auth_token_digest(token, digest);
		if (store_token_add(cli->st, digest, u.id, name, time_now_ms(), &id, &err) < 0) {
			rc = cli_error("%s", err.buf);
		} else {
			printf("token %lld for '%s' (shown once; use it as 'Authorization: Bearer TOKEN'):\n%s\n",
			       (long long)id, user, token);
			rc = 0;
		}
		memset(token, 0, sizeof(token));
	} else if (argc == 3 && strcmp(argv[1], "revoke") == 0) {
		int64_t id;

		if (parse_int64(argv[2], 1, INT64_MAX, &id) < 0)
			return cli_usage_error(&cmd_token, "usage: token revoke ID");
		rc = store_token_revoke(cli->st, id, time_now_ms(), &err);
		if (rc == STORE_NOTFOUND)
			rc = cli_error("no live token %lld", (long long)id);
		else if (rc < 0)
			rc = cli_error("%s", err.buf);
		else
			printf("token %lld revoked\n", (long long)id);
	} else if (argc == 2 && strcmp(argv[1], "list") == 0) {
		struct api_token *t;
		size_t n;
		char ts[40];

		if (store_token_list(cli->st, &t, &n, &err) < 0) {
			rc = cli_error("%s", err.buf);
		} else {
			if (cli->json) {
				json_t *arr = json_array();

				for (size_t i = 0; i < n; i++)
					json_array_append_new(arr, json_pack("{s:I, s:s, s:s, s:o, s:o}", "id",
						(json_int_t)t[i].id, "user", t[i].user, "name", t[i].name, "created_at",
						cli_json_time(t[i].created_at), "revoked_at", cli_json_time(t[i].revoked_at)));
				cli_print_json(arr);
			} else {
				printf("%-6s %-20s %-20s %-26s %s\n", "ID", "USER", "NAME", "CREATED", "STATE");
				for (size_t i = 0; i < n; i++)
					printf("%-6lld %-20s %-20s %-26s %s\n", (long long)t[i].id, t[i].user, t[i].name,
					       cli_time(t[i].created_at, ts, sizeof(ts)), t[i].revoked_at ? "revoked" : "live");
			}
			free(t);
		}
	} else {
		rc = cli_usage_error(&cmd_token, "token needs a verb: create, revoke or list");
	}
	sbuf_release(&err);
	return rc;
}

const struct cmd cmd_user = {
	"user", run_user, NEEDS_STORE, "add, list and remove dashboard and API users",
	"usage: tillsync user add NAME --role merchant --account ACCOUNT [--password-file FILE|-]\n"
	"       tillsync user add NAME --role support [--password-file FILE|-]\n"
	"       tillsync user list [--json]\n"
	"       tillsync user remove NAME\n"
	"\n"
	"A merchant user sees and acts on its own account only; a support user on\n"
	"all. The password (at least 10 characters) comes from --password-file or\n"
	"TILLSYNC_PASSWORD and is stored as an argon2id hash.\n",
};

const struct cmd cmd_token = {
	"token", run_token, NEEDS_STORE, "create, list and revoke API tokens for scripts",
	"usage: tillsync token create --user NAME [--name LABEL]\n"
	"       tillsync token list [--json]\n"
	"       tillsync token revoke ID\n"
	"\n"
	"A token acts as its user ('Authorization: Bearer TOKEN'). It is shown once;\n"
	"only its SHA-256 digest is stored.\n",
};
