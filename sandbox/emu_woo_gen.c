/*
 * emu_woo_gen.c - the WooCommerce shop's seed data: the merchant of
 * catalog.c as a WooCommerce store has it.
 *
 * Everything is a function of the seed and the sizes, so two sandboxes
 * started alike dump byte-identical state.  Records are built in memory,
 * not through the JSON apply functions: a million products must take
 * seconds, not minutes.  Ids follow WordPress: categories from term 15
 * ("Uncategorized"), customers from user 2, products from post 10, then the
 * orders (and their refunds) and coupons after the products, as a shop that
 * was stocked before it sold.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "woo.h"

#define NCATS_MAX 32

static const char *const streets[] = {
	"High Street", "Station Road", "Church Lane", "Victoria Road",
	"Green Lane", "Manor Road", "Park Avenue", "Mill Lane",
};
#define NEL(a) ((int)(sizeof(a) / sizeof(a[0])))

static void
add_meta(struct woo *st, struct wc_metas *m, const char *k, const char *v)
{
	m->v = xrealloc(m->v, (size_t)(m->n + 1) * sizeof(*m->v));
	m->v[m->n].id = ++st->next_meta_id;
	m->v[m->n].key = xstrdup(k);
	m->v[m->n].value = json_string(v);
	m->n++;
}

/* one term per catalog category; "Uncategorized" is WordPress' term 15 */
static void
gen_categories(struct woo *st, long *ids)
{
	int k, n = catalog_ncategories();
	struct wc_cat *c;

	for (k = 0; k < n; k++) {
		/* Uncategorized (the catalog's last entry) comes first */
		int ci = k == 0 ? n - 1 : k - 1;

		c = xcalloc(1, sizeof(*c));
		c->name = xstrdup(catalog_category(ci));
		c->menu_order = ci;
		c->id = tab_add(&st->cats, c);
		ids[ci] = c->id;
	}
	/* Hoodies and T-shirts under Clothing, as in WooCommerce's samples */
	for (k = 1; k <= 2 && k < n; k++)
		((struct wc_cat *)tab_get(&st->cats, ids[k]))->parent = ids[0];
}

static struct wc_product *
gen_one(struct woo *st, const struct cat_item *it, int type, int64_t t)
{
	struct wc_product *p = xcalloc(1, sizeof(*p));

	p->type = (unsigned char)type;
	p->status = it->draft && type != WC_VARIATION ? WS_DRAFT : WS_PUBLISH;
	p->name = xstrdup(it->name);
	p->sku = xstrdup(it->sku);
	p->created = t;
	p->modified = t;
	if (type != WC_VARIABLE) {
		p->regular_price = money_cents(it->price_cents);
		if (it->sale_cents > 0)
			p->sale_price = money_cents(it->sale_cents);
	}
	if (type != WC_VARIABLE && it->manage_stock) {
		p->manage_stock = 1;
		p->has_qty = 1;
		p->stock_quantity = it->stock;
		wc_stock_status_sync(p);
	}
	p->id = tab_add(&st->products, p);
	strmap_put(&st->sku_idx, p->sku, p->id);
	return p;
}

static void
size_attr(struct wc_product *p, const char *option)
{
	static const char *const sizes[CATALOG_NVAR] = { "S", "M", "L" };
	struct wc_attr *a;
	int k;

	p->attrs = xcalloc(1, sizeof(*p->attrs));
	p->nattrs = 1;
	a = &p->attrs[0];
	a->name = xstrdup("Size");
	a->visible = 1;
	a->variation = 1;
	if (option != NULL) {
		a->option = xstrdup(option);
		return;
	}
	a->options = xcalloc(CATALOG_NVAR, sizeof(char *));
	for (k = 0; k < CATALOG_NVAR; k++)
		a->options[k] = xstrdup(sizes[k]);
	a->noptions = CATALOG_NVAR;
}

/*
 * Every tenth catalog item is a variable product with S/M/L variations;
 * every fifth is not stock-managed, every twentieth a draft, one in seven
 * on sale (catalog.c).  Unmanaged items: one in thirteen out of stock.
 */
static void
gen_products(struct woo *st, const struct sb_options *o, const long *cats)
{
	struct cat_item it, v;
	struct wc_cat *c;
	long i;
	int k;

	for (i = 0; i < o->products; i++) {
		struct wc_product *p;
		int64_t t = catalog_date(o->seed, i, o->products);

		catalog_item(o->seed, i, &it);
		p = gen_one(st, &it, it.variable ? WC_VARIABLE : WC_SIMPLE, t);
		p->modified = t + (int64_t)(i % 5) * 86400 + (i % 3600);
		if (!p->manage_stock && !it.variable && i % 13 == 0)
			p->stock_status = 1;
		longs_add(&p->cats, cats[it.category]);
		if ((c = tab_get(&st->cats, cats[it.category])) != NULL)
			c->count++;
		if (i % 25 == 24) {
			char ref[32];

			snprintf(ref, sizeof(ref), "SUP-%05ld", (i * 7) % 100000);
			add_meta(st, &p->meta, "_supplier_ref", ref);
		}
		if (!it.variable)
			continue;
		size_attr(p, NULL);
		for (k = 0; k < CATALOG_NVAR; k++) {
			struct wc_product *var;

			catalog_variation(&it, k, &v);
			var = gen_one(st, &v, WC_VARIATION, t);
			var->parent_id = p->id;
			var->menu_order = k + 1;
			size_attr(var, p->attrs[0].options[k]);
			longs_add(&p->vars, var->id);
		}
	}
}

static void
fill_addr(struct wc_addr *a, const struct cat_person *per, long i, int full)
{
	char line[64];

	a->v[0] = xstrdup(per->first);
	a->v[1] = xstrdup(per->last);
	snprintf(line, sizeof(line), "%ld %s", 1 + i % 180,
	    streets[i % NEL(streets)]);
	a->v[3] = xstrdup(line);
	a->v[5] = xstrdup(per->city);
	a->v[7] = xstrdup(per->postcode);
	a->v[8] = xstrdup("GB");
	if (full) {
		a->v[9] = xstrdup(per->email);
		a->v[10] = xstrdup(per->phone);
	}
}

static void
copy_addr(struct wc_addr *dst, const struct wc_addr *src, int full)
{
	int k;

	for (k = 0; k < WC_ADDR_N; k++)
		if (full || (strcmp(wc_addr_keys[k], "email") != 0 &&
		    strcmp(wc_addr_keys[k], "phone") != 0))
			dst->v[k] = xstrdup(src->v[k]);
}

/*
 * Customers: unique e-mails (catalog.c numbers them), the user name
 * WooCommerce derives from the e-mail, one in eight with no shipping
 * address, and a few meta_data rows a real shop's plugins leave.
 */
static void
gen_customers(struct woo *st, const struct sb_options *o)
{
	struct cat_person per;
	long i;

	for (i = 0; i < o->customers; i++) {
		struct wc_customer *c = xcalloc(1, sizeof(*c));
		char *at;

		catalog_person(o->seed, i, &per);
		c->email = xstrdup(per.email);
		c->first_name = xstrdup(per.first);
		c->last_name = xstrdup(per.last);
		c->username = xstrdup(per.email);
		if ((at = strchr(c->username, '@')) != NULL)
			*at = '\0';
		c->role = xstrdup("customer");
		fill_addr(&c->billing, &per, i, 1);
		if (i % 8 != 7)
			fill_addr(&c->shipping, &per, i, 0);
		c->created = catalog_date(o->seed, i, o->customers) - 86400 * 30;
		c->modified = c->created;
		if (i % 4 == 0)
			add_meta(st, &c->meta, "newsletter_opt_in", "yes");
		if (i % 7 == 0)
			add_meta(st, &c->meta, "customer_group", "trade");
		c->id = tab_add(&st->customers, c);
		strmap_put(&st->email_idx, c->email, c->id);
	}
}

/* a product a shopper could have bought: published, a variation if variable */
static struct wc_product *
pick_product(struct woo *st, struct rng *r)
{
	struct wc_product *p;
	int tries;

	for (tries = 0; tries < 20 && st->products.n > 0; tries++) {
		p = st->products.v[rng_below(r, st->products.n)];
		if (p == NULL || p->status != WS_PUBLISH)
			continue;
		if (p->type == WC_VARIATION)
			p = tab_get(&st->products, p->parent_id);
		if (p == NULL || p->status != WS_PUBLISH)
			continue;
		if (p->type == WC_VARIABLE && p->vars.n > 0)
			p = tab_get(&st->products, p->vars.v[rng_below(r,
			    (uint64_t)p->vars.n)]);
		if (p != NULL && wc_product_price(p).set)
			return p;
	}
	return NULL;
}

static void
gen_lines(struct woo *st, struct wc_order *o, struct rng *r, int counts)
{
	int n = 1 + (int)rng_below(r, 3), k;

	o->lines = xcalloc((size_t)n, sizeof(*o->lines));
	for (k = 0; k < n; k++) {
		struct wc_product *p = pick_product(st, r), *parent;
		struct wc_line *l = &o->lines[o->nlines];
		struct money price, qty;

		if (p == NULL)
			break;
		l->id = ++st->next_item_id;
		l->name = xstrdup(p->name);
		l->sku = xstrdup(p->sku);
		l->quantity = 1 + (long)rng_below(r, 3);
		if (p->type == WC_VARIATION) {
			l->product_id = p->parent_id;
			l->variation_id = p->id;
		} else
			l->product_id = p->id;
		price = wc_product_price(p);
		qty = money_cents(l->quantity * 100);
		l->subtotal = money_mul(&price, &qty);
		l->subtotal.units = money_to_scale(&l->subtotal, 2);
		l->subtotal.scale = 2;
		l->total = l->subtotal;
		o->nlines++;
		if (!counts)
			continue;
		p->total_sales += l->quantity;
		if (p->type == WC_VARIATION &&
		    (parent = tab_get(&st->products, p->parent_id)) != NULL)
			parent->total_sales += l->quantity;
	}
}

static const struct { int status, weight; } mix[] = {
	{ WO_COMPLETED, 60 }, { WO_PROCESSING, 20 }, { WO_ON_HOLD, 5 },
	{ WO_PENDING, 5 }, { WO_CANCELLED, 5 }, { WO_REFUNDED, 3 },
	{ WO_FAILED, 2 },
};

static int
pick_status(struct rng *r)
{
	int x = (int)rng_below(r, 100), k;

	for (k = 0; k < NEL(mix); k++) {
		if (x < mix[k].weight)
			return mix[k].status;
		x -= mix[k].weight;
	}
	return WO_COMPLETED;
}

static void
gen_note(struct woo *st, struct wc_order *o, const char *text, int64_t t)
{
	o->notes = xrealloc(o->notes, (size_t)(o->nnotes + 1) *
	    sizeof(*o->notes));
	memset(&o->notes[o->nnotes], 0, sizeof(o->notes[0]));
	o->notes[o->nnotes].id = ++st->next_note_id;
	o->notes[o->nnotes].created = t;
	o->notes[o->nnotes].note = xstrdup(text);
	o->nnotes++;
}

/*
 * Orders: three in four by a registered customer, the rest guests with
 * their own billing e-mail; one to three lines of published products at
 * their current price, flat-rate shipping on two in three.  Paid orders
 * count towards total_sales and mark their customer as paying.
 */
static void
gen_orders(struct woo *st, const struct sb_options *o)
{
	static const char alnum[] = "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	struct cat_person per;
	long i;

	if (st->orders.n == 0)
		st->orders.base = tab_next_id(&st->products);
	for (i = 0; i < o->orders; i++) {
		struct wc_order *ord = xcalloc(1, sizeof(*ord));
		struct wc_customer *c = NULL;
		struct rng r;
		char key[32], tx[32];
		int k, paid;

		rng_seed(&r, o->seed * 0x2545f4914f6cdd1dULL + (uint64_t)i);
		ord->status = pick_status(&r);
		paid = ord->status == WO_COMPLETED ||
		    ord->status == WO_PROCESSING || ord->status == WO_REFUNDED;
		if (i % 4 != 3 && st->customers.n > 0)
			c = st->customers.v[rng_below(&r, st->customers.n)];
		if (c != NULL) {
			ord->customer_id = c->id;
			copy_addr(&ord->billing, &c->billing, 1);
			copy_addr(&ord->shipping, c->shipping.v[0] != NULL ?
			    &c->shipping : &c->billing, 0);
			c->is_paying |= paid;
		} else {
			catalog_person(o->seed, 50000000L + i, &per);
			fill_addr(&ord->billing, &per, i, 1);
			fill_addr(&ord->shipping, &per, i, 0);
		}
		gen_lines(st, ord, &r, paid || ord->status == WO_ON_HOLD);
		if (i % 3 != 0) {
			ord->ships = xcalloc(1, sizeof(*ord->ships));
			ord->ships[0].id = ++st->next_item_id;
			ord->ships[0].method_id = xstrdup("flat_rate");
			ord->ships[0].method_title = xstrdup("Flat rate");
			ord->ships[0].total = money_cents(395);
			ord->nships = 1;
		}
		memcpy(key, "wc_order_", 9);
		for (k = 0; k < 13; k++)
			key[9 + k] = alnum[rng_below(&r, sizeof(alnum) - 1)];
		key[22] = '\0';
		ord->order_key = xstrdup(key);
		ord->created_via = xstrdup("checkout");
		if (ord->status == WO_ON_HOLD) {
			ord->payment_method = xstrdup("bacs");
			ord->payment_method_title = xstrdup("Direct bank "
			    "transfer");
		} else {
			ord->payment_method = xstrdup("stripe");
			ord->payment_method_title = xstrdup("Credit Card "
			    "(Stripe)");
		}
		if (paid) {
			memcpy(tx, "ch_", 3);
			rng_hex(&r, tx + 3, 25);
			ord->transaction_id = xstrdup(tx);
		}
		if (i % 11 == 5)
			ord->customer_note = xstrdup("Please leave it with a "
			    "neighbour if I am out.");
		ord->prices_include_tax = st->prices_include_tax;
		ord->stock_reduced = paid || ord->status == WO_ON_HOLD;
		ord->created = catalog_date(o->seed, i, o->orders) + 9 * 3600 +
		    (int64_t)rng_below(&r, 10 * 3600);
		ord->modified = ord->created;
		if (paid) {
			ord->paid = ord->created + 40;
			gen_note(st, ord, "Order status changed from Pending "
			    "payment to Processing.", ord->paid);
		}
		if (ord->status == WO_COMPLETED) {
			ord->completed = ord->created + 86400;
			ord->modified = ord->completed;
			gen_note(st, ord, "Order status changed from Processing "
			    "to Completed.", ord->completed);
		}
		add_meta(st, &ord->meta, "is_vat_exempt", "no");
		ord->id = tab_add(&st->orders, ord);
		if (ord->status == WO_REFUNDED) {
			/* a refund is a post of its own, right after its order */
			ord->refunds = xcalloc(1, sizeof(*ord->refunds));
			ord->refunds[0].id = tab_reserve(&st->orders);
			ord->refunds[0].created = ord->created + 3 * 86400;
			ord->refunds[0].amount = wc_order_total(ord);
			ord->refunds[0].reason = xstrdup("Returned by the "
			    "customer");
			ord->nrefunds = 1;
			ord->modified = ord->refunds[0].created;
		}
	}
}

static void
gen_coupons(struct woo *st)
{
	static const struct {
		const char *code, *type, *desc;
		int64_t cents;
	} cp[] = {
		{ "summer10", "percent", "10% off everything", 1000 },
		{ "welcome5", "fixed_cart", "5 pounds off a first order", 500 },
		{ "mugs2off", "fixed_product", "2 pounds off each mug", 200 },
	};
	size_t k;

	if (st->coupons.n == 0)
		st->coupons.base = tab_next_id(&st->orders);
	for (k = 0; k < sizeof(cp) / sizeof(cp[0]); k++) {
		struct wc_coupon *c = xcalloc(1, sizeof(*c));

		c->status = WS_PUBLISH;
		c->code = xstrdup(cp[k].code);
		c->discount_type = xstrdup(cp[k].type);
		c->description = xstrdup(cp[k].desc);
		c->amount = money_cents(cp[k].cents);
		c->created = c->modified = 1704067200 + (int64_t)k * 86400;
		c->usage_limit = -1;
		c->usage_limit_per_user = -1;
		c->individual_use = k == 0;
		c->id = tab_add(&st->coupons, c);
	}
}

void
woo_generate(void *ctx, const struct sb_options *o)
{
	struct woo *st = ctx;
	long cats[NCATS_MAX];

	if (catalog_ncategories() > NCATS_MAX)
		abort();
	pthread_rwlock_wrlock(&st->lock);
	gen_categories(st, cats);
	gen_products(st, o, cats);
	gen_customers(st, o);
	gen_orders(st, o);
	gen_coupons(st);
	pthread_rwlock_unlock(&st->lock);
}
