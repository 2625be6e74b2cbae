/*
 * tsandbox.h: the sandbox child process for the connector tests
 * (test_woocommerce.c, test_wc_catalog.c, test_eposnow_json.c), and the
 * test's own requests to it, to check what a connector did and to switch
 * faults.
 *
 * The sandbox prints one JSON ready line with the addresses and keys of all
 * its emulators; it is started from $SANDBOX. Without $SANDBOX sb.pid stays
 * 0 and the live tests skip (NEED_SANDBOX); the offline mapping tests still
 * run.
 */
#ifndef TILLSYNC_TSANDBOX_H
#define TILLSYNC_TSANDBOX_H

#include <jansson.h>
#include <sys/types.h>

#include "connectors/connector.h"
#include "http/client.h"
#include "util/money.h"

struct sandbox {
	pid_t pid;
	char woo[128];       /* http://127.0.0.1:P */
	char control[128];
	char key[96], secret[96];
	char ro_key[96], ro_secret[96];
	char creds[256];
	/* Epos Now: Basic auth with the API key and secret */
	char epos[128];      /* http://127.0.0.1:P/api/V4 */
	char epos_key[96], epos_secret[96];
	char epos_creds[256];   /* what the Epos Now connector's open reads */
	char *epos_auth;        /* the Authorization header value */
	struct http_client *hc;
};
extern struct sandbox sb;

/* Starts $SANDBOX with args (NULL-terminated, after the program name); 0 also when $SANDBOX is unset. */
int sandbox_start(const char *const *args);
int sandbox_stop(void);

#define NEED_SANDBOX()                                  \
	do {                                            \
		if (sb.pid <= 0)                        \
			skip();                         \
	} while (0)

/* A string member, or "" when absent or not a string. */
const char *jstr(const json_t *obj, const char *key);
/* A test's JSON text, numbers kept as text as json_decimal_loads does. */
json_t *loads(const char *text);
struct money money_of(const char *s);

/* A plain request; the HTTP status. out (may be NULL) gets the JSON answer. */
long http(const char *method, const char *url, const char *body, json_t **out);
/* A request to the shop's API (path below /wp-json/wc/v3) signed as the connector signs it. */
long woo(const char *method, const char *path, const char *body, json_t **out);
/* A request to the Epos Now API (path below base_url) with the API's Basic auth. */
long epos(const char *method, const char *path, const char *body, json_t **out);
/* POST {control}/faults {"target":"woocommerce", <json_knobs>} */
void faults(const char *json_knobs);
void faults_off(void);
/* Requests the emulator counted on one endpoint ("GET /products"). */
long sandbox_requests(const char *endpoint);

/* The WooCommerce connector, opened or failing the test. */
struct connector *open_with(const char *base, const char *creds);
struct connector *open_sandbox(void);

#endif
