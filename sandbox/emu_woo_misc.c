/*
 * emu_woo_misc.c - /webhooks[/{id}] and /settings/{group}/{id} of the
 * WooCommerce emulator.
 *
 * Webhooks follow WC_REST_Webhooks_V1/V2_Controller and
 * WC_Webhook_Data_Store: a new webhook is always "active" (create_item()
 * sets the status from a post status that is always "publish") and is
 * pinged at once; an update pings again when the webhook is active and its
 * delivery URL changed; a status set back to "active" does not reset
 * failure_count (nothing in WooCommerce does, only a successful delivery),
 * so a re-activated webhook that fails once more is disabled again.  The
 * secret is write-only: omitted, a random 50-character one is made, as
 * wp_generate_password(50, true, true) does.
 *
 * Settings: the three options the engine reads, in the shape of
 * WC_REST_Setting_Options_Controller; they live in struct woo.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "woo.h"

static const char *const wstatus[] = { "active", "paused", "disabled" };
static const char *const orderbys[] = { "date", "id", "title" };
#define NEL(a) ((int)(sizeof(a) / sizeof(a[0])))

void
wc_webhook_free(void *v)
{
	struct wc_webhook *h = v;

	if (h == NULL)
		return;
	free(h->name);
	free(h->topic);
	free(h->delivery_url);
	free(h->secret);
	free(h->api_version);
	free(h);
}

static void
webhook_render(struct woo *st, void *rec, struct jw *w)
{
	wc_webhook_json(st, rec, w);
}

static void
webhook_row(struct woo *st, long id, struct jw *w)
{
	wc_webhook_json(st, tab_get(&st->webhooks, id), w);
}

/* wc_is_valid_url(): http:// or https://, then FILTER_VALIDATE_URL */
static int
valid_url(const char *u)
{
	const char *h;

	if (strncmp(u, "http://", 7) == 0)
		h = u + 7;
	else if (strncmp(u, "https://", 8) == 0)
		h = u + 8;
	else
		return 0;
	if (*h == '\0' || *h == '/' || *h == ':' || *h == '?' || *h == '#')
		return 0;
	for (; *h != '\0'; h++)
		if ((unsigned char)*h <= ' ' || *h == '"' || *h == '<' ||
		    *h == '>' || *h == '\\' || *h == '^' || *h == '`' ||
		    *h == '{' || *h == '|' || *h == '}')
			return 0;
	return 1;
}

static int
nonempty(json_t *o, const char *k)
{
	const char *s = jx_str(o, k);

	return s != NULL && *s != '\0';
}

/*
 * 0, or -1 with e set; with dry nothing changes.  Only non-empty values
 * count, as update_item() tests each with empty().  A topic valid only in
 * lower case is accepted and then stored as "" (set_topic() checks it as
 * given): WooCommerce's own quirk.
 */
int
wc_webhook_apply(struct woo *st, struct wc_webhook *h, json_t *o, int dry,
    struct wc_error *e)
{
	const char *topic = jx_str(o, "topic"), *url = jx_str(o,
	    "delivery_url");
	int s = h->status, creating = h->id == 0;
	char low[64];
	size_t i;

	if (wc_in_enum(o, "status", wstatus, NEL(wstatus), &s, 0, e) < 0 ||
	    wc_in_str(o, "name", &h->name, 1, e) < 0 ||
	    wc_in_str(o, "secret", &h->secret, 1, e) < 0 ||
	    wc_in_str(o, "topic", &h->topic, 1, e) < 0 ||
	    wc_in_str(o, "delivery_url", &h->delivery_url, 1, e) < 0)
		return -1;
	if (nonempty(o, "topic") || creating) {
		snprintf(low, sizeof(low), "%s", topic != NULL ? topic : "");
		for (i = 0; low[i] != '\0'; i++)
			if (low[i] >= 'A' && low[i] <= 'Z')
				low[i] = (char)(low[i] | 0x20);
		if (*low == '\0' || strlen(topic) >= sizeof(low) ||
		    !woo_topic_valid(low)) {
			wc_error_set(e, 400,
			    "woocommerce_rest_shop_webhook_invalid_topic",
			    creating ? "Webhook topic is required and must be "
			    "valid." : "Webhook topic must be valid.");
			return -1;
		}
	}
	if ((nonempty(o, "delivery_url") || creating) &&
	    (url == NULL || !valid_url(url))) {
		wc_error_set(e, 400,
		    "woocommerce_rest_shop_webhook_invalid_delivery_url",
		    "Webhook delivery URL must be a valid URL starting with "
		    "http:// or https://.");
		return -1;
	}
	if (dry)
		return 0;
	if (nonempty(o, "topic"))
		setstr(&h->topic, woo_topic_valid(topic) ? topic : "");
	if (nonempty(o, "delivery_url"))
		setstr(&h->delivery_url, url);
	if (nonempty(o, "secret"))
		setstr(&h->secret, jx_str(o, "secret"));
	if (nonempty(o, "name"))
		setstr(&h->name, jx_str(o, "name"));
	if (nonempty(o, "status"))
		h->status = s;
	return 0;
}

/* wp_generate_password(50, true, true) from the store's seeded stream */
static char *
make_secret(struct woo *st)
{
	static const char chars[] = "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!@#$%^&*()-_ []{}<>~`+=,.;:/?|";
	char s[51];
	int i;

	for (i = 0; i < 50; i++)
		s[i] = chars[rng_below(&st->rng, sizeof(chars) - 1)];
	s[50] = '\0';
	return xstrdup(s);
}

/* ---------------------------------------------------------------- list */

static int
webhook_match(struct woo *st, struct wc_webhook *h, struct req *rq, int ws,
    const struct longs *inc, const struct longs *exc, const int64_t *d,
    const int *has)
{
	const char *q = req_param(rq, "search");

	(void)st;
	if ((ws > 0 && h->status != ws - 1) ||
	    (inc->n > 0 && wc_ids_pos(inc, h->id) < 0) ||
	    wc_ids_pos(exc, h->id) >= 0)
		return 0;
	/* search_webhooks(): name LIKE '%s%' */
	if (q != NULL && *q != '\0' && !wc_has_nocase(h->name, q))
		return 0;
	/* after/before: date_created_gmt BETWEEN (bounds included) */
	if ((has[0] && h->created < d[0]) || (has[1] && h->created > d[1]))
		return 0;
	return 1;
}

void
h_webhooks_list(void *ctx, struct req *rq, struct resp *rs)
{
	static const char *const fst[] = { "all", "active", "paused",
	    "disabled" };
	static const char *const dn[] = { "after", "before" };
	struct woo *st = ctx;
	struct longs inc = { 0 }, exc = { 0 };
	struct wc_sortkey *keys;
	struct wc_error e;
	struct wc_list l;
	int64_t d[2] = { 0, 0 };
	int has[2], i, ob, ws;
	size_t n = 0, j;

	if (woo_auth(st, rq, rs, P_LIST) < 0 ||
	    wc_list_parse(rq, rs, &l, "date", 1) < 0)
		return;
	for (i = 0; i < 2; i++) {
		/* the data store compares the text with the _gmt column */
		const char *v = req_param(rq, dn[i]);
		int hz, zm;

		has[i] = 0;
		if (v == NULL || *v == '\0')
			continue;
		if (date_parse(v, &d[i], &hz, &zm) < 0) {
			wc_invalid_param(&e, dn[i], "Invalid date.");
			goto bad;
		}
		has[i] = 1;
	}
	if (wc_param_enum(rq, "orderby", orderbys, NEL(orderbys), 0, &ob,
	    &e) < 0 || wc_param_enum(rq, "status", fst, NEL(fst), 0, &ws,
	    &e) < 0 || wc_param_ids(rq, "include", &inc, &e) < 0 ||
	    wc_param_ids(rq, "exclude", &exc, &e) < 0)
		goto bad;
	wc_fields(&(struct jw){ 0 }, rq, 2, &l.fields, &l.nfields);
	pthread_rwlock_rdlock(&st->lock);
	keys = xcalloc(st->webhooks.n + 1, sizeof(*keys));
	for (j = 0; j < st->webhooks.n; j++) {
		struct wc_webhook *h = st->webhooks.v[j];
		struct wc_sortkey *k;

		if (h == NULL || !webhook_match(st, h, rq, ws, &inc, &exc, d,
		    has))
			continue;
		k = &keys[n++];
		k->id = h->id;
		k->n = ob == 0 ? h->created : h->id;
		if (ob == 2)
			k->s = h->name != NULL ? h->name : "";
	}
	wc_list_sort(keys, n, &l);
	wc_list_page(st, rq, rs, &l, keys, n, webhook_row);
	pthread_rwlock_unlock(&st->lock);
	free(keys);
	goto out;
bad:
	wc_error_resp(&e, rs);
out:
	free(inc.v);
	free(exc.v);
	wc_list_release(&l);
}

/* ---------------------------------------------------------------- items */

void
h_webhook_get(void *ctx, struct req *rq, struct resp *rs)
{
	struct woo *st = ctx;
	struct wc_webhook *h;

	if (woo_auth(st, rq, rs, P_VIEW) < 0)
		return;
	pthread_rwlock_rdlock(&st->lock);
	/* get_item() finds no webhook in prepare_item_for_response(): 400 */
	if ((h = tab_get(&st->webhooks, rq->ids[0])) == NULL)
		wc_err(rs, rq->ids[0] == 0 ? 404 : 400,
		    "woocommerce_rest_shop_webhook_invalid_id",
		    rq->ids[0] == 0 ? "Invalid ID." : "ID is invalid.");
	else {
		wc_send_one(st, rq, rs, 200, webhook_render, h);
		rs->items_read = 1;
	}
	pthread_rwlock_unlock(&st->lock);
}

void
h_webhook_post(void *ctx, struct req *rq, struct resp *rs)
{
	struct woo *st = ctx;
	struct wc_webhook *h;
	struct wc_error e;
	json_t *j, *idv;

	if (woo_auth(st, rq, rs, P_CREATE) < 0 || (j = wc_body(rq, rs)) == NULL)
		return;
	idv = json_object_get(j, "id");
	pthread_rwlock_wrlock(&st->lock);
	h = xcalloc(1, sizeof(*h));
	if (json_is_integer(idv) && json_integer_value(idv) != 0) {
		wc_err(rs, 400, "woocommerce_rest_shop_webhook_exists",
		    "Cannot create existing shop_webhook.");
		wc_webhook_free(h);
	} else if (wc_webhook_apply(st, h, j, 1, &e) < 0) {
		wc_error_resp(&e, rs);
		wc_webhook_free(h);
	} else {
		wc_webhook_apply(st, h, j, 0, &e);
		h->status = WH_ACTIVE;
		if (h->name == NULL) {
			/* strftime('%b %d, %Y @ %I:%M %p') in PHP's UTC */
			time_t t = (time_t)now_utc();
			struct tm tm;
			char name[96];

			gmtime_r(&t, &tm);
			strftime(name, sizeof(name), "Webhook created on %b %d, "
			    "%Y @ %I:%M %p", &tm);
			h->name = xstrdup(name);
		}
		if (h->secret == NULL)
			h->secret = make_secret(st);
		h->api_version = xstrdup("wp_api_v3");
		h->created = now_utc();
		h->modified = 0;	/* the column stays empty until an update */
		h->id = tab_add(&st->webhooks, h);
		wc_send_one(st, rq, rs, 201, webhook_render, h);
		wc_location(st, rs, "webhooks", h->id);
		rs->items_written = 1;
		woo_ping(st, h);
	}
	pthread_rwlock_unlock(&st->lock);
	json_decref(j);
}

void
h_webhook_put(void *ctx, struct req *rq, struct resp *rs)
{
	struct woo *st = ctx;
	struct wc_webhook *h;
	struct wc_error e;
	json_t *j;

	if (woo_auth(st, rq, rs, P_EDIT) < 0 || (j = wc_body(rq, rs)) == NULL)
		return;
	pthread_rwlock_wrlock(&st->lock);
	if ((h = tab_get(&st->webhooks, rq->ids[0])) == NULL)
		wc_err(rs, 400, "woocommerce_rest_shop_webhook_invalid_id",
		    "ID is invalid.");
	else if (wc_webhook_apply(st, h, j, 1, &e) < 0)
		wc_error_resp(&e, rs);
	else {
		const char *url = jx_str(j, "delivery_url");
		int moved = nonempty(j, "delivery_url") &&
		    strcmp(url, h->delivery_url) != 0;

		wc_webhook_apply(st, h, j, 0, &e);
		h->modified = now_utc();
		wc_send_one(st, rq, rs, 200, webhook_render, h);
		rs->items_written = 1;
		/* WC_Webhook_Data_Store::update(): a new URL is pinged */
		if (moved && h->status == WH_ACTIVE)
			woo_ping(st, h);
	}
	pthread_rwlock_unlock(&st->lock);
	json_decref(j);
}

void
h_webhook_delete(void *ctx, struct req *rq, struct resp *rs)
{
	struct woo *st = ctx;
	struct wc_webhook *h;

	if (woo_auth(st, rq, rs, P_DELETE) < 0)
		return;
	if (!wc_force(rq)) {
		wc_err(rs, 501, "woocommerce_rest_trash_not_supported",
		    "Webhooks do not support trashing.");
		return;
	}
	pthread_rwlock_wrlock(&st->lock);
	if ((h = tab_get(&st->webhooks, rq->ids[0])) == NULL)
		wc_err(rs, 404, "woocommerce_rest_shop_webhook_invalid_id",
		    "Invalid ID.");
	else {
		wc_send_one(st, rq, rs, 200, webhook_render, h);
		rs->items_written = 1;
		tab_del(&st->webhooks, h->id);
		wc_webhook_free(h);
	}
	pthread_rwlock_unlock(&st->lock);
}

/* ---------------------------------------------------------------- settings */

enum { S_CURRENCY, S_CALC_TAXES, S_PRICES_INCL };

static const char *const currencies[] = {
	"AUD", "Australian dollar ($)", "BRL", "Brazilian real (R$)",
	"CAD", "Canadian dollar ($)", "CHF", "Swiss franc (CHF)",
	"CNY", "Chinese yuan (\xc2\xa5)", "CZK", "Czech koruna (K\xc4\x8d)",
	"DKK", "Danish krone (kr.)", "EUR", "Euro (\xe2\x82\xac)",
	"GBP", "Pound sterling (\xc2\xa3)", "HKD", "Hong Kong dollar ($)",
	"HUF", "Hungarian forint (Ft)", "INR", "Indian rupee (\xe2\x82\xb9)",
	"JPY", "Japanese yen (\xc2\xa5)", "MXN", "Mexican peso ($)",
	"NOK", "Norwegian krone (kr)", "NZD", "New Zealand dollar ($)",
	"PLN", "Polish z\xc5\x82oty (z\xc5\x82)", "SEK", "Swedish krona (kr)",
	"SGD", "Singapore dollar ($)", "USD", "United States (US) dollar ($)",
	"ZAR", "South African rand (R)", NULL
};
static const char *const yesno_incl[] = {
	"yes", "Yes, I will enter prices inclusive of tax",
	"no", "No, I will enter prices exclusive of tax", NULL
};

static const struct setting {
	const char		*group;
	const char		*id;
	const char		*label;
	const char		*desc;
	const char		*tip;
	const char		*type;
	const char		*deflt;
	const char *const	*options;	/* key, label, ..., NULL */
} settings[] = {
	{ "general", "woocommerce_currency", "Currency", "This controls what "
	    "currency prices are listed at in the catalog and which currency "
	    "gateways will take payments in.", NULL, "select", "USD",
	    currencies },
	{ "general", "woocommerce_calc_taxes", "Enable taxes", "Enable tax "
	    "rates and calculations", "Rates will be configurable and taxes "
	    "will be calculated during checkout.", "checkbox", "no", NULL },
	{ "tax", "woocommerce_prices_include_tax", "Prices entered with tax",
	    "", "This option is important as it will affect how you input "
	    "prices. Changing it will not update existing products.", "radio",
	    "no", yesno_incl },
};
static const char *const groups[] = { "general", "products", "tax",
	"shipping", "checkout", "account", "email", "advanced" };

/* the setting /settings/{group}/{id} names, or -1 with the 404 in rs */
static int
setting_find(struct req *rq, struct resp *rs)
{
	const char *p = strstr(rq->path, "settings/"), *id;
	char group[64];
	size_t n;
	int i, known = 0;

	p = p != NULL ? p + 9 : "";
	n = strcspn(p, "/");
	snprintf(group, sizeof(group), "%.*s", (int)(n < 63 ? n : 63), p);
	id = rq->seg;
	for (i = 0; i < NEL(groups); i++)
		known |= strcmp(groups[i], group) == 0;
	if (!known) {
		wc_err(rs, 404, "rest_setting_setting_group_invalid",
		    "Invalid setting group.");
		return -1;
	}
	for (i = 0; i < NEL(settings); i++)
		if (strcmp(settings[i].group, group) == 0 &&
		    strcmp(settings[i].id, id) == 0)
			return i;
	wc_err(rs, 404, "rest_setting_setting_invalid", "Invalid setting.");
	return -1;
}

static const char *
setting_value(struct woo *st, int i)
{
	switch (i) {
	case S_CURRENCY:
		return st->currency != NULL ? st->currency : "USD";
	case S_CALC_TAXES:
		return st->calc_taxes ? "yes" : "no";
	default:
		return st->prices_include_tax ? "yes" : "no";
	}
}

static void
setting_send(struct woo *st, struct req *rq, struct resp *rs, int i)
{
	const struct setting *s = &settings[i];
	struct wbuf b = WBUF_INIT;
	struct jw w;
	char **f;
	int nf, k;

	jw_init(&w, &b);
	w.php = 1;
	wc_fields(&w, rq, 1, &f, &nf);
	jw_obj(&w);
	jw_kstr(&w, "id", s->id);
	jw_kstr(&w, "label", s->label);
	jw_kstr(&w, "description", s->desc);
	jw_kstr(&w, "type", s->type);
	jw_kstr(&w, "default", s->deflt);
	if (s->options != NULL) {
		jw_key(&w, "options");
		jw_obj(&w);
		for (k = 0; s->options[k] != NULL; k += 2)
			jw_kstr(&w, s->options[k], s->options[k + 1]);
		jw_obj_end(&w);
	}
	jw_kstr(&w, "tip", s->tip != NULL ? s->tip : s->desc);
	jw_kstr(&w, "value", setting_value(st, i));
	jw_obj_end(&w);
	wc_send(rs, 200, &b);
	wc_fields_release(f, nf);
	wbuf_release(&b);
}

void
h_setting_get(void *ctx, struct req *rq, struct resp *rs)
{
	struct woo *st = ctx;
	int i;

	if (woo_auth(st, rq, rs, P_VIEW) < 0 || (i = setting_find(rq, rs)) < 0)
		return;
	pthread_rwlock_rdlock(&st->lock);
	setting_send(st, rq, rs, i);
	rs->items_read = 1;
	pthread_rwlock_unlock(&st->lock);
}

/*
 * validate_setting_{select,radio,checkbox}_field(): an option key; a
 * checkbox takes "yes" or "no", and an empty value means its default.
 */
void
h_setting_put(void *ctx, struct req *rq, struct resp *rs)
{
	struct woo *st = ctx;
	const struct setting *s;
	const char *v;
	json_t *j;
	int i, k, ok = 0;

	if (woo_auth(st, rq, rs, P_EDIT) < 0 || (i = setting_find(rq, rs)) < 0 ||
	    (j = wc_body(rq, rs)) == NULL)
		return;
	s = &settings[i];
	v = jx_str(j, "value");
	if (strcmp(s->type, "checkbox") == 0) {
		if (v == NULL || *v == '\0')
			v = s->deflt;
		ok = strcmp(v, "yes") == 0 || strcmp(v, "no") == 0;
	} else
		for (k = 0; v != NULL && s->options[k] != NULL; k += 2)
			ok |= strcmp(s->options[k], v) == 0;
	if (!ok) {
		wc_err(rs, 400, "rest_setting_value_invalid",
		    "An invalid setting value was passed.");
		json_decref(j);
		return;
	}
	pthread_rwlock_wrlock(&st->lock);
	if (i == S_CURRENCY)
		setstr(&st->currency, v);
	else if (i == S_CALC_TAXES)
		st->calc_taxes = strcmp(v, "yes") == 0;
	else
		st->prices_include_tax = strcmp(v, "yes") == 0;
	setting_send(st, rq, rs, i);
	rs->items_written = 1;
	pthread_rwlock_unlock(&st->lock);
	json_decref(j);
}
