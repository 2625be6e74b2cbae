/*
 * auth.h: who is asking. Passwords are hashed with argon2id (memory-hard);
 * session and API tokens are 256 random bits shown once and stored only as
 * SHA-256 digests. A merchant user acts on its own account only; a support
 * user on all. Cookie sessions carry a CSRF token that every state-changing
 * request must echo in X-CSRF-Token; API tokens (Authorization: Bearer) do
 * not need it, since a browser never sends them on its own.
 */
#ifndef TILLSYNC_AUTH_H
#define TILLSYNC_AUTH_H

#include <stdint.h>

#include "store/store.h"

#define AUTH_TOKEN_HEX 64
#define AUTH_SESSION_MS (12LL * 60 * 60 * 1000)
#define AUTH_PASSWORD_MIN 10

struct principal {
	int64_t user_id;
	char name[NAME_MAX_LEN + 1];
	int support;
	int64_t account_id;            /* merchant's account */
	int via_token;                 /* API token: no CSRF check */
	char csrf[72];                 /* session's CSRF token */
};

/* *encoded is heap memory the caller frees. */
int auth_hash_password(const char *password, char **encoded, struct sbuf *err);
int auth_password_ok(const char *encoded, const char *password);
/* 64 hex chars of fresh randomness, and the digest stored for it. */
int auth_new_token(char out[AUTH_TOKEN_HEX + 1]);
void auth_token_digest(const char *token, char out[AUTH_TOKEN_HEX + 1]);

/* 0 and a session token + CSRF token; STORE_NOTFOUND for a wrong name or password. */
int auth_login(struct store *st, const char *name, const char *password, char token[AUTH_TOKEN_HEX + 1],
	       char csrf[AUTH_TOKEN_HEX + 1], struct sbuf *err);
int auth_session(struct store *st, const char *token, struct principal *out, struct sbuf *err);
int auth_bearer(struct store *st, const char *token, struct principal *out, struct sbuf *err);
int auth_may_act_on(const struct principal *p, int64_t account_id);

#endif
