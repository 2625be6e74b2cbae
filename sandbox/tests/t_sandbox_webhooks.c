/*
 * t_sandbox_webhooks.c - WooCommerce webhooks end to end: subscriptions
 * made through the REST API deliver to a small libmicrohttpd receiver run
 * here on loopback.  Checked: the unsigned form-encoded ping on creation,
 * the X-WC-Webhook-* headers, the signature (base64 HMAC-SHA256 of the raw
 * body with the secret, computed here with OpenSSL), the payload (the GET
 * shape; {"id":N} for deleted), and the failure counter: the 7th straight
 * failed delivery disables the webhook, PUT status active re-enables it.
 *
 *	usage: t_sandbox_webhooks /path/to/tillsync-sandbox
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "tlib.h"

/* ---------------------------------------------------------------- receiver */

#define MAXHITS 256

struct hit {
	char	 path[128];
	char	*body;
	size_t	 len;
	char	 ctype[128];
	char	 ua[128];
	char	 topic[64];
	char	 resource[32];
	char	 event[32];
	char	 sig[128];
	int	 has_sig;
	char	 id[32];
	char	 did[96];
	char	 source[160];
};

struct upload {
	char	*buf;
	size_t	 len;
};

static pthread_mutex_t	 hmu = PTHREAD_MUTEX_INITIALIZER;
static struct hit	 hits[MAXHITS];
static int		 nhits;
static unsigned		 fail_status = 500;	/* answer on /hook/fail */

static void
copy_hdr(struct MHD_Connection *c, const char *name, char *dst, size_t n,
    int *present)
{
	const char *v = MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);

	snprintf(dst, n, "%s", v != NULL ? v : "");
	if (present != NULL)
		*present = v != NULL;
}

static enum MHD_Result
on_req(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *data, size_t *size,
    void **ctx)
{
	struct upload *u = *ctx;
	struct MHD_Response *r;
	struct hit *h;
	unsigned status = 200;
	enum MHD_Result ok;

	if (u == NULL) {
		u = calloc(1, sizeof(*u));
		if (u == NULL)
			return MHD_NO;
		*ctx = u;
		return MHD_YES;
	}
	if (*size > 0) {
		u->buf = realloc(u->buf, u->len + *size + 1);
		if (u->buf == NULL)
			return MHD_NO;
		memcpy(u->buf + u->len, data, *size);
		u->len += *size;
		u->buf[u->len] = '\0';
		*size = 0;
		return MHD_YES;
	}
	pthread_mutex_lock(&hmu);
	if (strncmp(url, "/hook/fail", 10) == 0)
		status = fail_status;
	if (nhits < MAXHITS) {
		h = &hits[nhits++];
		memset(h, 0, sizeof(*h));
		snprintf(h->path, sizeof(h->path), "%s", url);
		h->body = u->buf != NULL ? u->buf : strdup("");
		h->len = u->len;
		u->buf = NULL;
		copy_hdr(c, "Content-Type", h->ctype, sizeof(h->ctype), NULL);
		copy_hdr(c, "User-Agent", h->ua, sizeof(h->ua), NULL);
		copy_hdr(c, "X-WC-Webhook-Topic", h->topic, sizeof(h->topic),
		    NULL);
		copy_hdr(c, "X-WC-Webhook-Resource", h->resource,
		    sizeof(h->resource), NULL);
		copy_hdr(c, "X-WC-Webhook-Event", h->event, sizeof(h->event),
		    NULL);
		copy_hdr(c, "X-WC-Webhook-Signature", h->sig, sizeof(h->sig),
		    &h->has_sig);
		copy_hdr(c, "X-WC-Webhook-ID", h->id, sizeof(h->id), NULL);
		copy_hdr(c, "X-WC-Webhook-Delivery-ID", h->did, sizeof(h->did),
		    NULL);
		copy_hdr(c, "X-WC-Webhook-Source", h->source,
		    sizeof(h->source), NULL);
	}
	pthread_mutex_unlock(&hmu);
	(void)cls;
	(void)method;
	(void)version;
	r = MHD_create_response_from_buffer(2, (void *)"ok",
	    MHD_RESPMEM_PERSISTENT);
	ok = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ok;
}

static void
on_done(void *cls, struct MHD_Connection *c, void **ctx,
    enum MHD_RequestTerminationCode toe)
{
	struct upload *u = *ctx;

	(void)cls;
	(void)c;
	(void)toe;
	if (u != NULL) {
		free(u->buf);
		free(u);
	}
	*ctx = NULL;
}

static struct MHD_Daemon *
receiver_start(unsigned short *port)
{
	struct MHD_Daemon *d;
	const union MHD_DaemonInfo *info;

	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD |
	    MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL, 0, NULL, NULL,
	    on_req, NULL, MHD_OPTION_NOTIFY_COMPLETED, on_done, NULL,
	    MHD_OPTION_END);
	TL_CHECKM(d != NULL, "cannot start the webhook receiver");
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	TL_CHECK(info != NULL && info->port != 0);
	*port = info->port;
	return d;
}

/* hits whose path starts with prefix */
static int
count_hits(const char *prefix)
{
	int i, n = 0;

	pthread_mutex_lock(&hmu);
	for (i = 0; i < nhits; i++)
		n += strncmp(hits[i].path, prefix, strlen(prefix)) == 0;
	pthread_mutex_unlock(&hmu);
	return n;
}

/* waits up to 5 s for n hits on prefix; returns the n-th (a copy) */
static struct hit
wait_hit(const char *prefix, int n)
{
	double end = tl_now_ms() + 5000;
	struct hit h;
	int i, k;

	for (;;) {
		pthread_mutex_lock(&hmu);
		for (i = 0, k = 0; i < nhits; i++)
			if (strncmp(hits[i].path, prefix, strlen(prefix)) == 0 &&
			    ++k == n) {
				h = hits[i];
				pthread_mutex_unlock(&hmu);
				return h;
			}
		pthread_mutex_unlock(&hmu);
		if (tl_now_ms() > end) {
			fprintf(stderr, "waiting for delivery %d on %s: only %d "
			    "arrived\n", n, prefix, k);
			TL_CHECKM(0, "webhook delivery did not arrive in 5 s");
		}
		tl_sleep_ms(20);
	}
}

static void
receiver_free(void)
{
	int i;

	for (i = 0; i < nhits; i++)
		free(hits[i].body);
	nhits = 0;
}

/* ---------------------------------------------------------------- sandbox */

static struct tl_sandbox	 sb;
static const struct tl_emu	*woo;
static unsigned short		 rport;

static json_t *
call(const char *method, const char *path, const char *body, long want)
{
	struct tl_resp r;
	json_t *j;

	memset(&r, 0, sizeof(r));
	TL_EQ_INT(0, tl_emu_req(&r, woo, method, path, body, 0));
	if (r.status != want)
		fprintf(stderr, "%s %s: %ld %s\n", method, path, r.status, r.body);
	TL_EQ_INT(want, r.status);
	j = TL_JSON(&r);
	tl_resp_free(&r);
	return j;
}

/* POST /webhooks; returns the id */
static long
hook_create(const char *name, const char *topic, const char *path,
    const char *secret)
{
	char body[512];
	json_t *j;
	long id;

	snprintf(body, sizeof(body), "{\"name\":\"%s\",\"topic\":\"%s\","
	    "\"delivery_url\":\"http://127.0.0.1:%u%s\",\"secret\":\"%s\"}",
	    name, topic, rport, path, secret);
	j = call("POST", "/webhooks", body, 201);
	id = tl_jint(j, "id", 0);
	TL_GT_INT(0, id);
	TL_EQ_STR("active", tl_jstr(j, "status"));
	TL_EQ_STR(topic, tl_jstr(j, "topic"));
	/* the secret is write-only */
	TL_CHECK(tl_jget(j, "secret") == NULL);
	json_decref(j);
	return id;
}

/* base64(HMAC-SHA256(secret, body)), computed here */
static void
sign(const char *secret, const struct hit *h, char *out)
{
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	HMAC(EVP_sha256(), secret, (int)strlen(secret),
	    (const unsigned char *)h->body, h->len, mac, &n);
	EVP_EncodeBlock((unsigned char *)out, mac, (int)n);
}

/* a signed delivery: headers, signature and the payload's id */
static json_t *
check_delivery(const struct hit *h, const char *topic, long hook_id,
    const char *secret)
{
	char want[128], idbuf[32], src[300];
	const char *dot = strchr(topic, '.');
	json_t *j;

	TL_EQ_STR(topic, h->topic);
	TL_EQ_INT(0, strncmp(h->resource, topic, (size_t)(dot - topic)));
	TL_EQ_INT((long)(dot - topic), (long)strlen(h->resource));
	TL_EQ_STR(dot + 1, h->event);
	snprintf(idbuf, sizeof(idbuf), "%ld", hook_id);
	TL_EQ_STR(idbuf, h->id);
	TL_CHECK(strlen(h->did) > 0);
	snprintf(src, sizeof(src), "%.*s/", (int)(strlen(woo->base_url) - 14),
	    woo->base_url);
	TL_EQ_STR(src, h->source);
	TL_HAS_STR("application/json", h->ctype);
	TL_EQ_INT(0, strncmp(h->ua, "WooCommerce/", 12));
	TL_HAS_STR("Hookshot", h->ua);
	TL_CHECK(h->has_sig);
	sign(secret, h, want);
	TL_EQ_STR(want, h->sig);
	/* and a wrong secret would not have matched */
	sign("not-the-secret", h, want);
	TL_NE_INT(0, strcmp(want, h->sig));
	j = json_loadb(h->body, h->len, 0, NULL);
	TL_CHECKM(json_is_object(j), h->body);
	return j;
}

/* the ping: form-encoded webhook_id=N, no signature */
static void
check_ping(const char *path, int nth, long hook_id)
{
	struct hit h = wait_hit(path, nth);
	char want[64];

	snprintf(want, sizeof(want), "webhook_id=%ld", hook_id);
	TL_EQ_STR(want, h.body);
	TL_HAS_STR("application/x-www-form-urlencoded", h.ctype);
	TL_EQ_INT(0, h.has_sig);
}

static const char *
hook_status(long id)
{
	static char st[32];
	char p[64];
	json_t *j;

	snprintf(p, sizeof(p), "/webhooks/%ld", id);
	j = call("GET", p, NULL, 200);
	snprintf(st, sizeof(st), "%s", tl_jstr(j, "status") != NULL ?
	    tl_jstr(j, "status") : "(none)");
	json_decref(j);
	return st;
}

/* ---------------------------------------------------------------- tests */

/* the first generated record of a list (oldest id) */
static long
first_id(const char *list)
{
	char p[128];
	json_t *j;
	long id;

	snprintf(p, sizeof(p), "%s?per_page=1&orderby=id&order=asc", list);
	j = call("GET", p, NULL, 200);
	id = tl_jint(j, "0.id", 0);
	TL_GT_INT(0, id);
	json_decref(j);
	return id;
}

static void
test_order_created(void)
{
	static const char secret[] = "s3cret-orders";
	struct tl_resp r;
	struct hit h;
	char body[512], p[64];
	json_t *j, *got;
	long hid, pid, oid;

	j = call("POST", "/products", "{\"name\":\"Hook Mug\",\"sku\":\"T-HM\","
	    "\"regular_price\":\"5.00\",\"manage_stock\":true,"
	    "\"stock_quantity\":4}", 201);
	pid = tl_jint(j, "id", 0);
	json_decref(j);
	hid = hook_create("orders", "order.created", "/hook/orders", secret);
	check_ping("/hook/orders", 1, hid);

	/* a shopper checks out on the storefront */
	snprintf(body, sizeof(body), "{\"billing\":{\"first_name\":\"Web\","
	    "\"email\":\"web.shopper@example.com\"},\"payment_method\":"
	    "\"bacs\",\"line_items\":[{\"product_id\":%ld,\"quantity\":2}]}",
	    pid);
	memset(&r, 0, sizeof(r));
	TL_EQ_INT(201, tl_control(&r, &sb, "POST", "/woocommerce/checkout",
	    body));
	j = TL_JSON(&r);
	oid = tl_jint(j, "id", 0);
	TL_GT_INT(0, oid);
	json_decref(j);
	tl_resp_free(&r);

	h = wait_hit("/hook/orders", 2);
	j = check_delivery(&h, "order.created", hid, secret);
	TL_EQ_INT(oid, tl_jint(j, "id", 0));
	TL_EQ_STR("10.00", tl_jstr(j, "total"));
	TL_EQ_INT(pid, tl_jint(j, "line_items.0.product_id", 0));
	/* the payload is the GET /orders/{id} shape */
	snprintf(p, sizeof(p), "/orders/%ld", oid);
	got = call("GET", p, NULL, 200);
	TL_CHECKM(json_equal(j, got), h.body);
	json_decref(got);
	json_decref(j);
	TL_EQ_INT(2, count_hits("/hook/orders"));
	tl_ok("order.created: ping on creation, checkout delivered, headers, "
	    "HMAC-SHA256 signature, GET shape");
}

static void
test_updates(void)
{
	static const char psec[] = "s3cret-products", csec[] = "s3cret-cust";
	struct hit h;
	char p[64];
	json_t *j;
	long hp, hc, hd, pid, cid, doomed;

	hp = hook_create("products", "product.updated", "/hook/products", psec);
	hc = hook_create("customers", "customer.updated", "/hook/customers",
	    csec);
	hd = hook_create("deleted", "product.deleted", "/hook/deleted",
	    "s3cret-deleted");
	check_ping("/hook/products", 1, hp);
	check_ping("/hook/customers", 1, hc);
	check_ping("/hook/deleted", 1, hd);

	pid = first_id("/products");
	snprintf(p, sizeof(p), "/products/%ld", pid);
	json_decref(call("PUT", p, "{\"regular_price\":\"12.34\"}", 200));
	h = wait_hit("/hook/products", 2);
	j = check_delivery(&h, "product.updated", hp, psec);
	TL_EQ_INT(pid, tl_jint(j, "id", 0));
	TL_EQ_STR("12.34", tl_jstr(j, "regular_price"));
	json_decref(j);

	cid = first_id("/customers");
	snprintf(p, sizeof(p), "/customers/%ld", cid);
	json_decref(call("PUT", p, "{\"meta_data\":[{\"key\":"
	    "\"_loyalty_points\",\"value\":\"77\"}]}", 200));
	h = wait_hit("/hook/customers", 2);
	j = check_delivery(&h, "customer.updated", hc, csec);
	TL_EQ_INT(cid, tl_jint(j, "id", 0));
	TL_CHECK(strstr(h.body, "\"_loyalty_points\"") != NULL);
	json_decref(j);

	/* a deleted record's payload is its id alone */
	j = call("POST", "/products", "{\"name\":\"Doomed\",\"regular_price\":"
	    "\"1.00\"}", 201);
	doomed = tl_jint(j, "id", 0);
	json_decref(j);
	snprintf(p, sizeof(p), "/products/%ld?force=true", doomed);
	json_decref(call("DELETE", p, NULL, 200));
	h = wait_hit("/hook/deleted", 2);
	j = check_delivery(&h, "product.deleted", hd, "s3cret-deleted");
	TL_EQ_INT(1, json_object_size(j));
	TL_EQ_INT(doomed, tl_jint(j, "id", 0));
	json_decref(j);

	/* a paused webhook delivers nothing */
	snprintf(p, sizeof(p), "/webhooks/%ld", hc);
	j = call("PUT", p, "{\"status\":\"paused\"}", 200);
	TL_EQ_STR("paused", tl_jstr(j, "status"));
	json_decref(j);
	snprintf(p, sizeof(p), "/customers/%ld", cid);
	json_decref(call("PUT", p, "{\"first_name\":\"Paused\"}", 200));
	tl_sleep_ms(300);
	TL_EQ_INT(2, count_hits("/hook/customers"));
	tl_ok("product.updated, customer.updated, product.deleted ({\"id\"}), "
	    "paused delivers nothing");
}

/* failed deliveries in the control endpoint's log for one webhook */
static long
log_failures(long hid)
{
	struct tl_resp r;
	json_t *j, *e;
	size_t i;
	long n = 0;

	memset(&r, 0, sizeof(r));
	TL_EQ_INT(200, tl_control(&r, &sb, "GET", "/woocommerce/webhook-log",
	    NULL));
	j = TL_JSON(&r);
	json_array_foreach(j, i, e)
		if (tl_jint(e, "webhook_id", 0) == hid && tl_jbool(e, "ping") == 0
		    && tl_jbool(e, "ok") == 0 && tl_jint(e, "http_status", 0) ==
		    500)
			n++;
	json_decref(j);
	tl_resp_free(&r);
	return n;
}

static void
test_disable(void)
{
	char p[64], body[64];
	json_t *j;
	double end;
	long hid, pid;
	int i;

	hid = hook_create("failing", "product.updated", "/hook/fail",
	    "s3cret-fail");
	check_ping("/hook/fail", 1, hid);	/* answered 500: not counted */
	pid = first_id("/products");
	snprintf(p, sizeof(p), "/products/%ld", pid);
	for (i = 1; i <= 7; i++) {
		if (i == 7)
			TL_EQ_STR("active", hook_status(hid));
		snprintf(body, sizeof(body), "{\"regular_price\":\"2.0%d\"}", i);
		json_decref(call("PUT", p, body, 200));
		(void)wait_hit("/hook/fail", 1 + i);
	}
	/* the 7th straight failure disables it (the outcome lands just after) */
	end = tl_now_ms() + 3000;
	while (strcmp(hook_status(hid), "disabled") != 0 && tl_now_ms() < end)
		tl_sleep_ms(20);
	TL_EQ_STR("disabled", hook_status(hid));
	TL_EQ_INT(7, log_failures(hid));
	json_decref(call("PUT", p, "{\"regular_price\":\"2.08\"}", 200));
	tl_sleep_ms(300);
	TL_EQ_INT(8, count_hits("/hook/fail"));

	/* re-enabled, and the receiver is healthy again */
	pthread_mutex_lock(&hmu);
	fail_status = 200;
	pthread_mutex_unlock(&hmu);
	snprintf(body, sizeof(body), "/webhooks/%ld", hid);
	j = call("PUT", body, "{\"status\":\"active\"}", 200);
	TL_EQ_STR("active", tl_jstr(j, "status"));
	json_decref(j);
	json_decref(call("PUT", p, "{\"regular_price\":\"2.09\"}", 200));
	end = tl_now_ms() + 5000;
	while (tl_now_ms() < end) {
		int k, seen = 0;

		pthread_mutex_lock(&hmu);
		for (k = 0; k < nhits; k++)
			seen |= strncmp(hits[k].path, "/hook/fail", 10) == 0 &&
			    strstr(hits[k].body, "\"2.09\"") != NULL;
		pthread_mutex_unlock(&hmu);
		if (seen)
			break;
		tl_sleep_ms(20);
	}
	TL_CHECKM(tl_now_ms() < end, "no delivery after re-enabling");
	TL_EQ_STR("active", hook_status(hid));
	tl_ok("7 straight failures disable a webhook; PUT status active "
	    "re-enables it");
}

static void
test_manage(void)
{
	char body[256];
	json_t *j;
	long n, hid;

	j = call("GET", "/webhooks?per_page=100", NULL, 200);
	n = (long)json_array_size(j);
	TL_EQ_INT(5, n);
	hid = tl_jint(j, "0.id", 0);
	json_decref(j);
	snprintf(body, sizeof(body), "{\"topic\":\"order.shipped\","
	    "\"delivery_url\":\"http://127.0.0.1:%u/hook/x\"}", rport);
	j = call("POST", "/webhooks", body, 400);
	TL_EQ_STR("woocommerce_rest_shop_webhook_invalid_topic",
	    tl_jstr(j, "code"));
	json_decref(j);
	snprintf(body, sizeof(body), "/webhooks/%ld", hid);
	j = call("DELETE", body, NULL, 501);
	TL_EQ_STR("woocommerce_rest_trash_not_supported", tl_jstr(j, "code"));
	json_decref(j);
	snprintf(body, sizeof(body), "/webhooks/%ld?force=true", hid);
	json_decref(call("DELETE", body, NULL, 200));
	/* prepare_item_for_response() of a missing webhook: 400, not 404 */
	snprintf(body, sizeof(body), "/webhooks/%ld", hid);
	j = call("GET", body, NULL, 400);
	TL_EQ_STR("woocommerce_rest_shop_webhook_invalid_id",
	    tl_jstr(j, "code"));
	json_decref(j);
	tl_ok("webhooks list, invalid topic, delete needs force");
}

int
main(int argc, char **argv)
{
	static const char *const args[] = { "--seed", "4", "--products", "8",
	    "--customers", "3", "--orders", "2", NULL };
	struct MHD_Daemon *d;

	if (argc < 2) {
		fprintf(stderr, "usage: %s tillsync-sandbox\n", argv[0]);
		return 2;
	}
	d = receiver_start(&rport);
	tl_start(&sb, argv[1], args);
	woo = tl_emu(&sb, "woocommerce");
	TL_CHECK(woo != NULL);
	test_order_created();
	test_updates();
	test_disable();
	test_manage();
	TL_EQ_INT(0, tl_stop(&sb));
	tl_sandbox_free(&sb);
	MHD_stop_daemon(d);
	receiver_free();
	return 0;
}
