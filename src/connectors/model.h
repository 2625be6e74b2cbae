/*
 * model.h: the vendor-neutral records that connectors translate to and from.
 * The engine only ever sees these; vendor JSON stays inside a connector.
 * Money is exact (util/money.h); times are UTC milliseconds (0: unknown).
 */
#ifndef TILLSYNC_MODEL_H
#define TILLSYNC_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "util/money.h"

#define MODEL_ID_LEN 96

struct customer {
	char id[MODEL_ID_LEN];
	char email[256];
	char first_name[128];
	char last_name[128];
	char phone[64];
	char type_id[MODEL_ID_LEN];      /* POS customer type / shop group; "" for none */
	int has_points;                  /* the remote keeps a loyalty balance */
	int64_t points;                  /* whole loyalty points */
	int64_t modified_at;
};

struct customer_type {
	char id[MODEL_ID_LEN];
	char name[128];
};

/* What the engine asks a shop to change on a customer; unset fields stay. */
struct customer_update {
	int set_points;
	int64_t points;
	const char *points_key;          /* where the shop keeps it (setting loyalty_meta_key) */
	int set_type;
	const char *type_name;           /* "" clears it */
};

struct order_line {
	char product_id[MODEL_ID_LEN];   /* in the system the order came from */
	char variation_id[MODEL_ID_LEN]; /* "" when not a variation */
	char sku[128];
	char name[256];
	int64_t quantity;
	struct money unit_price;         /* before tax */
	struct money total;              /* after discounts, before tax */
};

struct order {
	char id[MODEL_ID_LEN];
	char number[64];
	char status[32];                 /* the shop's own word: processing, completed, cancelled, refunded ... */
	char currency[8];
	char customer_id[MODEL_ID_LEN];  /* "" for a guest */
	char email[256];
	char first_name[128];
	char last_name[128];
	char phone[64];
	struct money total;              /* what the customer paid, tax included */
	struct money total_tax;
	struct money refunded;
	int64_t created_at;
	int64_t modified_at;
	struct order_line *lines;
	size_t nlines;
};
void order_release(struct order *o);           /* frees lines; o itself is the caller's */
void orders_free(struct order *o, size_t n);

/* A sale in the POS, as tillsync writes it for a shop order. */
struct pos_sale {
	char id[MODEL_ID_LEN];
	char reference[MODEL_ID_LEN];    /* our reference, carried so a retry finds it */
	char customer_id[MODEL_ID_LEN];
	struct money total;
	int64_t created_at;
	struct order_line *lines;        /* product_id here is the POS product id */
	size_t nlines;
};
void pos_sale_release(struct pos_sale *s);

/* ---- catalog ------------------------------------------------------------ */

#define PRODUCT_TIERS_MAX 8

/* A named price besides the main one: a quality tier (AA, AAA) or a
 * customer-type price in the POS. */
struct price_tier {
	char name[64];
	struct money price;              /* on the same tax basis as the product's price */
};

/* A product as the catalog master keeps it (the POS, or the shop when it
 * is the stock master; read from a shop: sync_to_shop is "published",
 * variant_group is set to its own id for a product with variations, and
 * tax_percent and tiers are not read). */
struct product {
	char id[MODEL_ID_LEN];
	char sku[128];                   /* "" when the POS has none */
	char name[256];
	char description[1024];
	char category_id[MODEL_ID_LEN];  /* "" for none */
	int has_price;                   /* 0: the POS has no sale price for it */
	struct money price;              /* sale price as the POS stores it */
	int price_includes_tax;          /* the POS's own flag for `price` */
	struct money tax_percent;        /* rate of its tax group: 20% is 20.0000; 0 when untaxed */
	char variant_group[MODEL_ID_LEN];/* sizes of one article share it; "" for a simple product */
	char variant_option[64];         /* which size this one is ("M"); "" for a simple product */
	int sync_to_shop;                /* the per-product "sell on the web shop" switch */
	int archived;                    /* soft-deleted in the POS */
	struct price_tier tiers[PRODUCT_TIERS_MAX];
	size_t ntiers;
};

struct category {
	char id[MODEL_ID_LEN];
	char parent_id[MODEL_ID_LEN];    /* "" for a top-level category */
	char name[128];
};

/* Stock of one product as a remote counts it (whole units). */
struct stock_level {
	char product_id[MODEL_ID_LEN];
	char sku[128];                   /* where the remote gives it in the same answer */
	int managed;                     /* the remote tracks stock for it */
	int64_t quantity;
};

/* A product as a shop holds it, as much as matching and reconciling need. */
struct shop_product {
	char id[MODEL_ID_LEN];
	char sku[128];
	char status[16];                 /* publish, draft, pending, private, trash */
};

/* Products a lookup found, each once (a products_by_sku answer being built). */
struct shop_product_list {
	struct shop_product *v;
	size_t n, cap;
};
/* Adds p unless a product with its id is there; -1 when out of memory. */
int shop_product_list_add(struct shop_product_list *l, const struct shop_product *p);

/* Quantity-based price in the shop: from min_quantity units, this price. */
struct quantity_price {
	int64_t min_quantity;
	struct money price;
};

/* What tillsync asks a shop to hold for one product; only the parts named
 * in `fields` are sent. shop_id "" creates it. */
enum product_write_field {
	PW_CATALOG = 1 << 0,             /* sku, name, description, category, price, tiers */
	PW_STATUS = 1 << 1,              /* status */
	PW_STOCK = 1 << 2,               /* stock quantity (and managed) */
	PW_OPTION = 1 << 3,              /* a variation's option (sent on create, or when it changed) */
};
/* A POS variant group is one variable product in the shop, its sizes the
 * variations; the attribute they vary by is named the same everywhere. */
enum product_kind { PRODUCT_SIMPLE = 0, PRODUCT_VARIABLE, PRODUCT_VARIATION };
#define PRODUCT_VARIANT_ATTRIBUTE "Size"
#define PRODUCT_OPTIONS_MAX 32
#define PRODUCT_OPTION_LEN 64
struct product_write {
	unsigned fields;
	enum product_kind kind;
	char shop_id[MODEL_ID_LEN];
	char parent_id[MODEL_ID_LEN];    /* a variation: its variable product's shop id */
	char reference[MODEL_ID_LEN];    /* ours (the POS id, or the group's), kept on the shop record */
	/* a variable product: every option; a variation: its own one */
	char options[PRODUCT_OPTIONS_MAX][PRODUCT_OPTION_LEN];
	size_t noptions;
	const char *kept;                /* a variable product: variable_product.kept from its read */
	char sku[128];
	char name[256];
	char description[1024];
	char category_id[MODEL_ID_LEN];  /* the shop's category id; "" for none */
	struct money regular_price;      /* on the shop's tax basis, at 2 decimals */
	int price_includes_tax;          /* written to a POS: the basis of regular_price (a
					  * POS keeps a flag per price; a shop has one basis) */
	char status[16];                 /* "publish" or "draft" */
	struct quantity_price tiers[PRODUCT_TIERS_MAX];
	size_t ntiers;
	int64_t stock;
};

/* A variable product as the shop holds it: its options and variations. */
struct variable_product {
	char id[MODEL_ID_LEN];
	char sku[128];
	int is_variable;                 /* the shop's record is a variable product */
	char options[PRODUCT_OPTIONS_MAX][PRODUCT_OPTION_LEN];
	size_t noptions;
	struct shop_product *variations;
	size_t nvariations;
	char *kept;                      /* connector-private: what a write of it must keep
					  * (the shop's other attributes); hand it back in
					  * product_write.kept */
};
void variable_product_release(struct variable_product *v);

/* One item's outcome in a batch write. */
struct write_outcome {
	int ok;
	char id[MODEL_ID_LEN];           /* the shop's id when ok */
	char code[64];                   /* the shop's reason code when not ("product_invalid_sku") */
	char message[256];               /* the shop's reason, one line */
	char existing_id[MODEL_ID_LEN];  /* a duplicate SKU: the record that owns it, where said */
	int sku_taken;                   /* refused: another record holds the SKU (existing_id if known) */
	int gone;                        /* refused: the record (or its parent) no longer exists */
};

#endif
