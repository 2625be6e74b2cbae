#include "server/auth.h"

#include <argon2.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/timeutil.h"

/* OWASP's argon2id floor: 19 MiB, 2 passes, 1 lane. */
#define ARGON_T 2
#define ARGON_M_KIB 19456
#define ARGON_P 1
#define ARGON_HASHLEN 32
#define ARGON_SALTLEN 16

int
auth_hash_password(const char *password, char **encoded, struct sbuf *err)
{
	unsigned char salt[ARGON_SALTLEN];
	size_t len = argon2_encodedlen(ARGON_T, ARGON_M_KIB, ARGON_P, ARGON_SALTLEN, ARGON_HASHLEN, Argon2_id);
	int rc;

	*encoded = NULL;
	if (strlen(password) < AUTH_PASSWORD_MIN)
		return error_set(err, "the password must have at least %d characters", AUTH_PASSWORD_MIN);
	if (RAND_bytes(salt, sizeof(salt)) != 1)
		return error_set(err, "no randomness for a password salt");
	*encoded = malloc(len);
	if (!*encoded)
		return error_set(err, "out of memory");
	rc = argon2id_hash_encoded(ARGON_T, ARGON_M_KIB, ARGON_P, password, strlen(password), salt, sizeof(salt),
				   ARGON_HASHLEN, *encoded, len);
	if (rc != ARGON2_OK) {
		free(*encoded);
		*encoded = NULL;
		return error_set(err, "cannot hash the password: %s", argon2_error_message(rc));
	}
	return 0;
}

int
auth_password_ok(const char *encoded, const char *password)
{
	return encoded && password && argon2id_verify(encoded, password, strlen(password)) == ARGON2_OK;
}

int
auth_new_token(char out[AUTH_TOKEN_HEX + 1])
{
	unsigned char raw[AUTH_TOKEN_HEX / 2];

	if (RAND_bytes(raw, sizeof(raw)) != 1)
		return -1;
	for (size_t i = 0; i < sizeof(raw); i++)
		snprintf(out + 2 * i, 3, "%02x", raw[i]);
	OPENSSL_cleanse(raw, sizeof(raw));
	return 0;
}

void
auth_token_digest(const char *token, char out[AUTH_TOKEN_HEX + 1])
{
	unsigned char md[SHA256_DIGEST_LENGTH];

	SHA256((const unsigned char *)token, strlen(token), md);
	for (int i = 0; i < SHA256_DIGEST_LENGTH; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static void
principal_from(const struct user *u, int via_token, struct principal *p)
{
	memset(p, 0, sizeof(*p));
	p->user_id = u->id;
	snprintf(p->name, sizeof(p->name), "%s", u->name);
	p->support = strcmp(u->role, "support") == 0;
	p->account_id = u->account_id;
	p->via_token = via_token;
}

int
auth_login(struct store *st, const char *name, const char *password, char token[AUTH_TOKEN_HEX + 1],
	   char csrf[AUTH_TOKEN_HEX + 1], struct sbuf *err)
{
	/* a fixed hash to verify against when the user does not exist, so a wrong
	 * name and a wrong password take the same time */
	static const char dummy[] = "$argon2id$v=19$m=19456,t=2,p=1$AAAAAAAAAAAAAAAAAAAAAA$"
				    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
	char digest[AUTH_TOKEN_HEX + 1];
	struct user u;
	int rc, ok;
	int64_t now = time_now_ms();

	rc = store_user_find(st, name, &u, err);
	if (rc < 0)
		return -1;
	ok = auth_password_ok(rc == 0 ? u.password_hash : dummy, password) && rc == 0;
	free(u.password_hash);
	if (!ok)
		return STORE_NOTFOUND;
	if (auth_new_token(token) < 0 || auth_new_token(csrf) < 0)
		return error_set(err, "no randomness for a session");
	auth_token_digest(token, digest);
	return store_session_add(st, digest, u.id, csrf, now, now + AUTH_SESSION_MS, err);
}

int
auth_session(struct store *st, const char *token, struct principal *out, struct sbuf *err)
{
	char digest[AUTH_TOKEN_HEX + 1];
	struct session s;
	int rc;

	if (!token || strlen(token) != AUTH_TOKEN_HEX)
		return STORE_NOTFOUND;
	auth_token_digest(token, digest);
	rc = store_session_get(st, digest, time_now_ms(), &s, err);
	if (rc != 0)
		return rc;
	principal_from(&s.user, 0, out);
	snprintf(out->csrf, sizeof(out->csrf), "%s", s.csrf);
	return 0;
}

int
auth_bearer(struct store *st, const char *token, struct principal *out, struct sbuf *err)
{
	char digest[AUTH_TOKEN_HEX + 1];
	struct user u;
	int rc;

	if (!token || strlen(token) < 16)
		return STORE_NOTFOUND;
	auth_token_digest(token, digest);
	rc = store_token_user(st, digest, &u, err);
	if (rc != 0)
		return rc;
	principal_from(&u, 1, out);
	return 0;
}

int
auth_may_act_on(const struct principal *p, int64_t account_id)
{
	return p->support || (account_id && p->account_id == account_id);
}
