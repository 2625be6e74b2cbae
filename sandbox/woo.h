/*
 * woo.h - private to the WooCommerce emulator:
 *
 *   emu_woo.c            ops table, route table, generator, fault bodies
 *   emu_woo_products.c   products, variations, product batch
 *   emu_woo_customers.c  customers, customer batch
 *   emu_woo_cats.c       product categories, category batch
 *   emu_woo_orders.c     the order model: status, stock, build/apply
 *   emu_woo_order_items.c  line_items / shipping_lines; the checkout
 *   emu_woo_order_api.c  /orders handlers, orders batch
 *   emu_woo_refunds.c    /orders/{id}/refunds and /notes
 *   emu_woo_coupons.c    coupons
 *   emu_woo_misc.c       webhooks CRUD, settings
 *   emu_woo_common.c     helpers of the four files above
 *   woo_json.c           the GET shapes and error bodies
 *   woo_input.c          request bodies, lists and pagination headers
 *   woo_store.c          dump, clear and the control-endpoint actions
 *   emu_woo_load.c       load (woo_load)
 *   emu_woo_gen.c        deterministic seed data
 *   woo_auth.c           OAuth 1.0a / Basic, key permissions
 *   woo_hooks.c          webhook deliveries
 *
 * Records live in struct tab: an array of pointers indexed by id - base, so
 * lookup by id is O(1) and a scan in id order needs no sort.  A deleted
 * record leaves a NULL slot.  Products and variations share one table, as
 * they share wp_posts ids in WordPress, and one SKU index (SKUs are unique
 * across both).
 *
 * Locking: st->lock is a rwlock over every table; handlers take it for read
 * or write around the whole request, and render JSON while holding it.  The
 * nonce store has its own mutex so authentication never needs the write lock.
 */
#ifndef SANDBOX_WOO_H
#define SANDBOX_WOO_H

#include <pthread.h>

#include "deliver.h"
#include "sandbox.h"

enum { WC_SIMPLE, WC_VARIABLE, WC_GROUPED, WC_EXTERNAL, WC_VARIATION };
enum { WS_DRAFT, WS_PENDING, WS_PRIVATE, WS_PUBLISH, WS_FUTURE, WS_TRASH };

struct wc_meta {
	long		 id;
	char		*key;
	struct json_t	*value;		/* any JSON value (owned) */
};

struct wc_metas {
	struct wc_meta	*v;
	int		 n;
};

#define WC_ADDR_N 11
struct wc_addr {
	char	*v[WC_ADDR_N];
};

struct wc_attr {
	long	  id;
	char	 *name;
	char	 *option;	/* variation */
	char	**options;	/* parent */
	int	  noptions;
	int	  visible;
	int	  variation;
};

struct longs {
	long	*v;
	int	 n;
	int	 cap;
};

struct wc_product {
	long		 id;
	long		 parent_id;
	unsigned char	 type;
	unsigned char	 status;
	unsigned char	 manage_stock;	/* variation: 2 = "parent" */
	unsigned char	 stock_status;
	unsigned char	 backorders;
	unsigned char	 tax_status;
	unsigned char	 visibility;
	unsigned char	 has_qty;
	long		 stock_quantity;
	long		 total_sales;
	long		 menu_order;
	char		*name;
	char		*slug;		/* NULL: derived from name */
	char		*sku;		/* NULL: "" */
	char		*description;
	char		*short_description;
	char		*tax_class;
	char		*weight;
	struct money	 regular_price;
	struct money	 sale_price;
	int64_t		 created;
	int64_t		 modified;
	struct longs	 cats;
	struct longs	 vars;
	struct wc_attr	*attrs;
	int		 nattrs;
	struct wc_metas	 meta;
};

struct wc_cat {
	long	 id;
	long	 count;		/* products in it, kept up to date */
	long	 parent;
	long	 menu_order;
	char	*name;
	char	*slug;
	char	*description;
	char	*display;
};

struct wc_customer {
	long		 id;
	char		*email;
	char		*first_name;
	char		*last_name;
	char		*username;
	char		*role;
	struct wc_addr	 billing;
	struct wc_addr	 shipping;
	int		 is_paying;
	int64_t		 created;
	int64_t		 modified;
	struct wc_metas	 meta;
};

struct wc_line {
	long		 id;
	char		*name;
	char		*sku;
	char		*tax_class;
	long		 product_id;
	long		 variation_id;
	long		 quantity;
	long		 reduced;	/* stock it holds (_reduced_stock) */
	struct money	 subtotal;
	struct money	 total;
	struct wc_metas	 meta;
};

struct wc_shipline {
	long		 id;
	char		*method_id;
	char		*method_title;
	struct money	 total;
};

struct wc_refund {
	long		 id;
	int64_t		 created;
	struct money	 amount;
	char		*reason;
};

struct wc_note {
	long	 id;
	int64_t	 created;
	char	*note;
	int	 customer_note;
	char	*author;
};

enum { WO_PENDING, WO_PROCESSING, WO_ON_HOLD, WO_COMPLETED, WO_CANCELLED,
	WO_REFUNDED, WO_FAILED, WO_TRASH, WO_CHECKOUT_DRAFT, WO_NSTATUS };

struct wc_order {
	long		 id;
	long		 parent_id;
	long		 customer_id;
	int		 status;
	char		*currency;
	char		*order_key;
	char		*created_via;
	char		*payment_method;
	char		*payment_method_title;
	char		*transaction_id;
	char		*customer_note;
	int64_t		 created;
	int64_t		 modified;
	int64_t		 paid;
	int64_t		 completed;
	struct wc_addr	 billing;
	struct wc_addr	 shipping;
	struct wc_line	*lines;
	int		 nlines;
	struct wc_shipline *ships;
	int		 nships;
	struct wc_refund *refunds;
	int		 nrefunds;
	struct wc_note	*notes;
	int		 nnotes;
	int		 prices_include_tax;
	int		 stock_reduced;
	int		 sales_recorded;	/* total_sales counted */
	struct wc_metas	 meta;
};

struct wc_coupon {
	long		 id;
	int		 status;	/* WS_PUBLISH or WS_TRASH */
	char		*code;
	char		*discount_type;
	char		*description;
	struct money	 amount;
	struct money	 minimum_amount;
	struct money	 maximum_amount;
	int64_t		 created;
	int64_t		 modified;
	int64_t		 expires;	/* 0: never */
	long		 usage_count;
	long		 usage_limit;	/* -1: null */
	long		 usage_limit_per_user;
	int		 individual_use;
	int		 free_shipping;
	int		 exclude_sale_items;
	struct longs	 product_ids;
	struct longs	 excluded_product_ids;
	char		**emails;
	int		 nemails;
	struct wc_metas	 meta;
};

enum { WH_ACTIVE, WH_PAUSED, WH_DISABLED };

struct wc_webhook {
	long	 id;
	int	 status;
	char	*name;
	char	*topic;
	char	*delivery_url;
	char	*secret;
	char	*api_version;
	int	 failure_count;
	int64_t	 created;
	int64_t	 modified;
};

struct nonce_ent {
	int64_t	 ts;
	char	*nonce;
};

struct nonce_store {
	struct nonce_ent *v;
	size_t		  n;
	size_t		  cap;
	struct strmap	  idx;	/* nonce -> 1 */
};

#define WOO_LOGMAX 2000
struct wc_logent {
	long	 webhook_id;
	char	 topic[40];
	char	 delivery_id[40];
	long	 http_status;
	int	 ok;
	int	 ping;
	int64_t	 at;
};

struct woo {
	struct emu		*emu;
	pthread_rwlock_t	 lock;
	int			 zone;		/* site zone, minutes east */
	struct rng		 rng;		/* data and secrets (write lock) */
	uint64_t		 seed;

	char			 ck[48], cs[48], ro_ck[48], ro_cs[48];
	pthread_mutex_t		 nonce_mu;
	struct nonce_store	 nonces[2];

	struct tab		 products;	/* and variations */
	struct strmap		 sku_idx;
	struct tab		 cats;
	struct tab		 customers;
	struct strmap		 email_idx;
	struct tab		 orders;	/* and refunds' ids */
	struct tab		 coupons;
	struct tab		 webhooks;
	long			 next_item_id;
	long			 next_meta_id;
	long			 next_note_id;

	char			*currency;
	int			 prices_include_tax;
	int			 calc_taxes;

	/* webhooks */
	struct deliverer	*dl;
	pthread_mutex_t		 log_mu;
	struct wc_logent	 log[WOO_LOGMAX];
	long			 nlog;		/* total ever; ring of WOO_LOGMAX */
	long			 delivery_seq;
	long			 created_window_s;
	int			 strict_urls;
};

/* woo_json.c: the GET shapes; product/order int = context edit / dp */
void	 wc_err(struct resp *, unsigned, const char *, const char *);
void	 wc_product_json(struct woo *, struct wc_product *, struct jw *, int);
void	 wc_order_json(struct woo *, struct wc_order *, struct jw *, int);
void	 wc_customer_json(struct woo *, struct wc_customer *, struct jw *);
void	 wc_coupon_json(struct woo *, struct wc_coupon *, struct jw *);

/* woo_auth.c */
enum wc_perm { P_LIST, P_VIEW, P_CREATE, P_EDIT, P_DELETE, P_BATCH };
/* 0: authorised; -1: rs holds WooCommerce's error answer */
int	 woo_auth(struct woo *, struct req *, struct resp *, enum wc_perm);
void	 woo_auth_init(struct woo *);
void	 woo_auth_release(struct woo *);

/* woo_hooks.c: call with the write lock held */
void	 woo_fire(struct woo *, const char *, const char *, long);
void	 woo_ping(struct woo *, struct wc_webhook *);
int	 woo_topic_valid(const char *);
void	 woo_hooks_log_json(struct woo *, struct jw *);

/* ------------------------------------------------ shared internals */

/* One WP_Error: status, code, message and extra members of "data". */
struct wc_error {
	unsigned	 status;
	const char	*code;
	char		 msg[256];
	char		 extra[512];	/* raw JSON members, or "" */
};

/* woo_json.c */
void	 wc_error_set(struct wc_error *, unsigned, const char *, const char *,
	    ...) __attribute__((format(printf, 4, 5)));
void	 wc_error_json(const struct wc_error *, struct jw *);
void	 wc_error_resp(const struct wc_error *, struct resp *);
const char *wc_order_status_name(int);
int	 wc_order_status_parse(const char *);	/* -1: unknown */
const char *wc_post_status_name(int);
int	 wc_post_status_parse(const char *);
/* "name" in the site zone and "name_gmt" in UTC; null when t is 0 */
void	 wc_kdates(struct woo *, struct jw *, const char *, int64_t);
void	 wc_kmoney(struct jw *, const char *, const struct money *, int);
void	 wc_meta_json(const struct wc_metas *, struct jw *);
void	 wc_cat_json(struct woo *, struct wc_cat *, struct jw *);
void	 wc_webhook_json(struct woo *, struct wc_webhook *, struct jw *);
void	 wc_refund_json(struct woo *, struct wc_refund *, struct jw *);
void	 wc_note_json(struct woo *, struct wc_note *, struct jw *);
struct money wc_order_total(const struct wc_order *);
struct money wc_order_refunded(const struct wc_order *);
void	 wc_slug(const char *, struct wbuf *);

/* woo_input.c: lists */
struct wc_list {
	long	 page;
	long	 per_page;
	long	 offset;
	int	 desc;
	char	 orderby[24];
	char	**fields;	/* ?_fields=, NULL: all */
	int	 nfields;
};
struct wc_sortkey {
	long		 id;
	int64_t		 n;
	const char	*s;
};
/* 0, or -1 with a 400 rest_invalid_param in rs */
int	 wc_list_parse(struct req *, struct resp *, struct wc_list *,
	    const char *, int);
void	 wc_list_release(struct wc_list *);
void	 wc_list_sort(struct wc_sortkey *, size_t, const struct wc_list *);
/* writes the page of keys through fn; sets the X-WP-* and Link headers */
void	 wc_list_page(struct woo *, struct req *, struct resp *,
	    const struct wc_list *, struct wc_sortkey *, size_t,
	    void (*)(struct woo *, long, struct jw *));
void	 wc_fields(struct jw *, struct req *, int, char ***, int *);
void	 wc_fields_release(char **, int);
int	 wc_force(struct req *);
int	 wc_date_param(struct woo *, struct req *, const char *, int64_t *,
	    struct wc_error *);
int	 wc_param_bool(struct req *, const char *);
void	 wc_send(struct resp *, unsigned, struct wbuf *);

/* woo_input.c: request bodies.  In every wc_in_*: absent keys leave dst
 * alone; dry checks only; 0 or -1 with e set. */
json_t	*wc_body(struct req *, struct resp *);	/* NULL: rs holds 400 */
void	 wc_invalid_param(struct wc_error *, const char *, const char *);
int	 wc_in_str(json_t *, const char *, char **, int, struct wc_error *);
int	 wc_in_money(json_t *, const char *, struct money *, int,
	    struct wc_error *);
int	 wc_in_long(json_t *, const char *, long *, int, struct wc_error *);
int	 wc_in_bool(json_t *, const char *, int *, int, struct wc_error *);
int	 wc_in_enum(json_t *, const char *, const char *const *, int, int *,
	    int, struct wc_error *);
int	 wc_in_meta(struct woo *, json_t *, struct wc_metas *, int,
	    struct wc_error *);
int	 wc_in_addr(json_t *, const char *, struct wc_addr *, int,
	    struct wc_error *);
int	 wc_in_ids(json_t *, const char *, struct longs *, int,
	    struct wc_error *);
void	 wc_meta_release(struct wc_metas *);
void	 wc_addr_release(struct wc_addr *);
void	 longs_add(struct longs *, long);
void	 longs_del(struct longs *, long);
void	 setstr(char **, const char *);
extern const char *const wc_addr_keys[WC_ADDR_N];

/* emu_woo_products.c */
int	 wc_product_apply(struct woo *, struct wc_product *, json_t *, int,
	    struct wc_error *);
struct wc_product *wc_product_create(struct woo *, json_t *, long,
	    struct wc_error *);
void	 wc_product_free(void *);
void	 wc_product_unlink(struct woo *, struct wc_product *);
void	 wc_stock_status_sync(struct wc_product *);
struct money wc_product_price(const struct wc_product *);

/* emu_woo_common.c */
int	 wc_is_email(const char *);		/* WordPress' is_email() */
int	 wc_has_nocase(const char *, const char *);	/* LIKE '%s%' */
/* an id-list query parameter: 1 given, 0 absent, -1 with e set */
int	 wc_param_ids(struct req *, const char *, struct longs *,
	    struct wc_error *);
int	 wc_ids_pos(const struct longs *, long);	/* -1: absent */
int	 wc_param_enum(struct req *, const char *, const char *const *, int,
	    int, int *, struct wc_error *);
void	 wc_missing_param(struct wc_error *, const char *);
void	 wc_meta_prune(struct wc_metas *);	/* drops null-valued rows */
void	 wc_location(struct woo *, struct resp *, const char *, long);
void	 wc_send_one(struct woo *, struct req *, struct resp *, unsigned,
	    void (*)(struct woo *, void *, struct jw *), void *);
int	 wc_batch_limit(json_t *, struct resp *);	/* -1: 413 in rs */
void	 wc_batch_err(struct jw *, long, const struct wc_error *);
long	 wc_batch_id(json_t *);
/* records whose first member is the long id; NULL: error in e */
struct wc_batch_ops {
	const char	*resource;	/* woo_fire() topic, or NULL */
	void		*(*create)(struct woo *, json_t *, struct wc_error *);
	void		*(*update)(struct woo *, long, json_t *,
			    struct wc_error *);
	void		*(*remove)(struct woo *, long, struct wc_error *);
	void		 (*render)(struct woo *, void *, struct jw *);
	void		 (*release)(void *);
};
void	 wc_batch_run(struct woo *, struct req *, struct resp *,
	    const struct wc_batch_ops *);

/* emu_woo_customers.c (wc_cat_*: emu_woo_cats.c) */
struct wc_customer *wc_customer_create(struct woo *, json_t *,
	    struct wc_error *);
int	 wc_customer_apply(struct woo *, struct wc_customer *, json_t *, int,
	    struct wc_error *);
void	 wc_customer_free(void *);
void	 wc_cat_free(void *);
int	 wc_cat_apply(struct woo *, struct wc_cat *, json_t *, int,
	    struct wc_error *);

/*
 * Orders (emu_woo_orders.c, wc_order_checkout in emu_woo_order_items.c,
 * wc_refund_add in emu_woo_refunds.c): every function wants the write
 * lock held and fires
 * product.updated / customer.updated for the stock and paying-customer
 * changes it makes, never order.*: the caller fires those.
 * wc_order_build: a new order from a POST /orders body (int: 1 = made by
 * the storefront checkout, created_via "checkout"), stock taken as its
 * status says; NULL with e set changes nothing.  wc_order_apply: a PUT
 * body (int dry).  wc_order_set_status: 1 if the status moved (dates,
 * stock, notes follow).  wc_refund_add: the new refund's id, or -1.
 * wc_order_checkout: a shopper's order through the storefront; writes the
 * order (GET shape) to the jw when not NULL; returns the order id or -1.
 */
struct wc_order *wc_order_build(struct woo *, json_t *, int,
	    struct wc_error *);
int	 wc_order_apply(struct woo *, struct wc_order *, json_t *, int,
	    struct wc_error *);
int	 wc_order_set_status(struct woo *, struct wc_order *, int);
long	 wc_refund_add(struct woo *, struct wc_order *, json_t *,
	    struct wc_error *);
int	 wc_order_checkout(struct woo *, json_t *, struct jw *,
	    struct wc_error *);
void	 wc_order_free(void *);
/* shared by the order files: _order_items.c, _order_api.c, _refunds.c */
void	 wc_order_note_add(struct woo *, struct wc_order *, const char *, int,
	    const char *);
struct wc_product *wc_line_stock(struct woo *, const struct wc_line *);
long	 wc_stock_move(struct woo *, struct wc_product *, long);
long	 wc_refund_push(struct woo *, struct wc_order *, const struct money *,
	    const char *);
struct money wc_order_remaining(const struct wc_order *);
void	 wc_order_payment_complete(struct woo *, struct wc_order *);
void	 wc_line_release(struct wc_line *);
/* an order made elsewhere (generator, load) with stock_reduced set but not
 * sales_recorded: its stock-holding lines are taken to hold their quantity */
void	 wc_order_adopt(struct woo *, struct wc_order *);
int	 wc_order_items_apply(struct woo *, struct wc_order *, json_t *,
	    const char *, int, struct wc_error *);

/* emu_woo_coupons.c (wc_webhook_*: emu_woo_misc.c) */
void	 wc_coupon_free(void *);
int	 wc_coupon_apply(struct woo *, struct wc_coupon *, json_t *, int,
	    struct wc_error *);
void	 wc_webhook_free(void *);
int	 wc_webhook_apply(struct woo *, struct wc_webhook *, json_t *, int,
	    struct wc_error *);

/* woo_store.c */
void	 woo_dump(void *, struct jw *);
int	 woo_load(void *, json_t *, struct wbuf *);
int	 woo_control(void *, const char *, struct req *, struct resp *);
void	 woo_clear(struct woo *);
void	 woo_renumber(struct woo *);

/* emu_woo_gen.c: the seed data (opts->products, customers, orders) */
void	 woo_generate(void *, const struct sb_options *);

/* route handlers (ctx is the struct woo) */
#define WC_HANDLER(n) void n(void *, struct req *, struct resp *)
WC_HANDLER(h_products_list);	WC_HANDLER(h_product_get);
WC_HANDLER(h_product_post);	WC_HANDLER(h_product_put);
WC_HANDLER(h_product_delete);	WC_HANDLER(h_products_batch);
WC_HANDLER(h_variations_batch);
WC_HANDLER(h_variations_list);	WC_HANDLER(h_variation_get);
WC_HANDLER(h_variation_post);	WC_HANDLER(h_variation_put);
WC_HANDLER(h_variation_delete);
WC_HANDLER(h_cats_list);	WC_HANDLER(h_cat_get);
WC_HANDLER(h_cat_post);		WC_HANDLER(h_cat_put);
WC_HANDLER(h_cat_delete);	WC_HANDLER(h_cats_batch);
WC_HANDLER(h_customers_list);	WC_HANDLER(h_customer_get);
WC_HANDLER(h_customer_post);	WC_HANDLER(h_customer_put);
WC_HANDLER(h_customer_delete);	WC_HANDLER(h_customers_batch);
WC_HANDLER(h_orders_list);	WC_HANDLER(h_order_get);
WC_HANDLER(h_order_post);	WC_HANDLER(h_order_put);
WC_HANDLER(h_order_delete);	WC_HANDLER(h_orders_batch);
WC_HANDLER(h_refunds_list);	WC_HANDLER(h_refund_get);
WC_HANDLER(h_refund_post);	WC_HANDLER(h_refund_delete);
WC_HANDLER(h_notes_list);	WC_HANDLER(h_note_get);
WC_HANDLER(h_note_post);	WC_HANDLER(h_note_delete);
WC_HANDLER(h_coupons_list);	WC_HANDLER(h_coupon_get);
WC_HANDLER(h_coupon_post);	WC_HANDLER(h_coupon_put);
WC_HANDLER(h_coupon_delete);
WC_HANDLER(h_webhooks_list);	WC_HANDLER(h_webhook_get);
WC_HANDLER(h_webhook_post);	WC_HANDLER(h_webhook_put);
WC_HANDLER(h_webhook_delete);
WC_HANDLER(h_setting_get);	WC_HANDLER(h_setting_put);
#undef WC_HANDLER

#endif
