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

#endif
