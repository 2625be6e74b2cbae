/*
 * emu_eposnow.c - the Epos Now V4 REST API emulator.
 *
 * DESIGN
 * Base {site}/api/V4 (the route table matches "V4" and "v4" alike: literal
 * segments compare without case).  Authentication is Basic
 * base64(api_key:api_secret) on every request.  Lists are bare JSON arrays
 * of 200 items per page (?page=N, 1-based), single reads return the
 * object, writes take an object or an array and answer in the same shape.
 * Money is an exact decimal written as a bare JSON number with its own
 * scale, as Json.NET writes a .NET decimal (4.50 stays 4.50).
 *
 * What the facts file (shared/apis/eposnow.md) leaves open is decided here
 * and listed in sandbox/README.md ("Epos Now assumptions"): error bodies
 * follow ASP.NET Web API ({"Message": ...}), 404 for a missing id has an
 * empty body, over-quota answers "API Limit Exceeded", stock lives in one
 * ProductStock record per product and location with one batch.
 *
 * Locking: st->lock is a rwlock over every table; each handler holds it for
 * the whole request, rendering included.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalog.h"
#include "sandbox.h"

#define EP_PAGE		200
#define EP_NLOC		2

struct ep_ctprice {
	long		 type_id;
	struct money	 sale;
	struct money	 eat_out;
};

struct ep_product {
	long		 id;
	char		*name;
	char		*description;
	char		*sku;
	char		*barcode;
	char		*order_code;
	char		*article_code;
	char		*reference_code;
	char		*size;
	struct money	 sale;
	struct money	 eat_out;
	struct money	 cost;
	struct money	 rrp;
	unsigned char	 sale_inc;
	unsigned char	 eat_out_inc;
	unsigned char	 cost_inc;
	unsigned char	 sell_on_till;
	unsigned char	 sell_on_web;
	unsigned char	 archived;
	unsigned char	 variable_price;
	unsigned char	 tax_exemptable;
	unsigned char	 exclude_loyalty;
	int		 product_type;
	long		 category_id;	/* 0: null */
	long		 brand_id;
	long		 supplier_id;
	long		 variant_group_id;
	long		 sale_tax_group_id;
	long		 eat_out_tax_group_id;
	long		 cost_tax_group_id;
	long		 stock[EP_NLOC];
	long		 min_stock[EP_NLOC];
	long		 max_stock[EP_NLOC];
	struct ep_ctprice *ctp;
	int		 nctp;
};

struct ep_category {
	long	 id;
	long	 parent_id;	/* 0: null */
	char	*name;
	char	*description;
	char	*reference_code;
	int	 show_on_till;
	int	 is_wet;
	long	 sort_position;
};

struct ep_customer {
	long		 id;
	char		*title;
	char		*forename;
	char		*surname;
	char		*business_name;
	char		*email;
	char		*contact;
	char		*contact2;
	char		*card_number;
	char		*notes;
	long		 type_id;	/* 0: null */
	struct money	 max_credit;
	struct money	 balance;
	struct money	 points;
	int64_t		 signup;
};

struct ep_ctype {
	long	 id;
	char	*name;
	char	*description;
	struct money discount;
};

struct ep_item {
	long		 id;
	long		 product_id;
	struct money	 quantity;
	struct money	 unit_price;
	struct money	 discount;
	char		*notes;
};

struct ep_tender {
	long		 id;
	long		 type_id;
	struct money	 amount;
	struct money	 change;
};

struct ep_txn {
	long		 id;
	long		 customer_id;	/* 0: null */
	long		 staff_id;
	long		 device_id;
	long		 status_id;
	int		 service_type;
	int64_t		 datetime;	/* UTC seconds */
	struct money	 total;
	struct money	 service_charge;
	struct money	 gratuity;
	struct money	 discount_value;
	char		*reference_code;
	char		*barcode;
	struct ep_item	*items;
	int		 nitems;
	struct ep_tender *tenders;
	int		 ntenders;
};

struct epos {
	struct emu		*emu;
	pthread_rwlock_t	 lock;
	int			 zone;
	char			 key[40];
	char			 secret[40];
	char			*auth;		/* "Basic ..." */
	struct tab		 products;
	struct strmap		 sku_idx;
	struct tab		 cats;
	struct tab		 customers;
	struct strmap		 email_idx;
	struct tab		 ctypes;
	struct tab		 txns;
	long			 next_item_id;
	long			 next_tender_id;
};

static const char *const locations[EP_NLOC] = { "Main Store", "Warehouse" };
static const struct { long id; const char *name; } tender_types[] = {
	{ 1, "Cash" }, { 2, "Card" }, { 3, "Voucher" }, { 7, "Online" },
};

/* ---------------------------------------------------------------- records */

static void
product_free(void *p)
{
	struct ep_product *x = p;

	free(x->name);
	free(x->description);
	free(x->sku);
	free(x->barcode);
	free(x->order_code);
	free(x->article_code);
	free(x->reference_code);
	free(x->size);
	free(x->ctp);
	free(x);
}

static void
category_free(void *p)
{
	struct ep_category *x = p;

	free(x->name);
	free(x->description);
	free(x->reference_code);
	free(x);
}

static void
customer_free(void *p)
{
	struct ep_customer *x = p;

	free(x->title);
	free(x->forename);
	free(x->surname);
	free(x->business_name);
	free(x->email);
	free(x->contact);
	free(x->contact2);
	free(x->card_number);
	free(x->notes);
	free(x);
}

static void
ctype_free(void *p)
{
	struct ep_ctype *x = p;

	free(x->name);
	free(x->description);
	free(x);
}

static void
txn_free(void *p)
{
	struct ep_txn *x = p;
	int i;

	for (i = 0; i < x->nitems; i++)
		free(x->items[i].notes);
	free(x->items);
	free(x->tenders);
	free(x->reference_code);
	free(x->barcode);
	free(x);
}

static void
setstr(char **dst, const char *v)
{
	free(*dst);
	*dst = xstrdup(v);
}

/* ---------------------------------------------------------------- output */

static void
ep_err(struct resp *rs, unsigned status, const char *msg)
{
	struct jw w;

	wbuf_reset(&rs->body);
	rs->status = status;
	if (msg == NULL)
		return;		/* ASP.NET NotFound(): no body */
	jw_init(&w, &rs->body);
	jw_obj(&w);
	jw_kstr(&w, "Message", msg);
	jw_obj_end(&w);
	rs->json_ok = 1;
}

/* 400 with a ModelState in the shape ASP.NET Web API uses */
static void
ep_invalid(struct resp *rs, const char *field, const char *msg)
{
	struct jw w;

	wbuf_reset(&rs->body);
	rs->status = 400;
	jw_init(&w, &rs->body);
	jw_obj(&w);
	jw_kstr(&w, "Message", "The request is invalid.");
	jw_key(&w, "ModelState");
	jw_obj(&w);
	jw_key(&w, field);
	jw_arr(&w);
	jw_str(&w, msg);
	jw_arr_end(&w);
	jw_obj_end(&w);
	jw_obj_end(&w);
	rs->json_ok = 1;
}

static void
jw_kmoney(struct jw *w, const char *k, const struct money *m)
{
	jw_key(w, k);
	jw_money_num(w, m);
}

static void
jw_kid(struct jw *w, const char *k, long v)
{
	jw_key(w, k);
	if (v > 0)
		jw_int(w, v);
	else
		jw_null(w);
}

static void
jw_kdate(struct jw *w, const char *k, int64_t t, int zone)
{
	char b[32];

	date_fmt(t, zone, b, sizeof(b));
	jw_kstr(w, k, b);
}

static void
product_json(struct epos *st, const struct ep_product *p, struct jw *w)
{
	int i;

	(void)st;
	jw_obj(w);
	jw_kint(w, "Id", p->id);
	jw_kstr(w, "Name", p->name);
	jw_key(w, "Description");
	jw_str_or_null(w, p->description);
	jw_kmoney(w, "CostPrice", &p->cost);
	jw_kbool(w, "IsCostPriceIncTax", p->cost_inc);
	jw_kmoney(w, "SalePrice", &p->sale);
	jw_kbool(w, "IsSalePriceIncTax", p->sale_inc);
	jw_kmoney(w, "EatOutPrice", &p->eat_out);
	jw_kbool(w, "IsEatOutPriceIncTax", p->eat_out_inc);
	jw_kid(w, "CategoryId", p->category_id);
	jw_key(w, "Barcode");
	jw_str_or_null(w, p->barcode);
	jw_kid(w, "SalePriceTaxGroupId", p->sale_tax_group_id);
	jw_kid(w, "EatOutPriceTaxGroupId", p->eat_out_tax_group_id);
	jw_kid(w, "CostPriceTaxGroupId", p->cost_tax_group_id);
	jw_kid(w, "BrandId", p->brand_id);
	jw_kid(w, "SupplierId", p->supplier_id);
	jw_knull(w, "PopupNoteId");
	jw_knull(w, "UnitOfSale");
	jw_knull(w, "VolumeOfSale");
	jw_kid(w, "VariantGroupId", p->variant_group_id);
	jw_knull(w, "MultipleChoiceNoteId");
	jw_key(w, "Size");
	jw_str_or_null(w, p->size);
	jw_key(w, "Sku");
	jw_str_or_null(w, p->sku);
	jw_kbool(w, "SellOnWeb", p->sell_on_web);
	jw_kbool(w, "SellOnTill", p->sell_on_till);
	jw_key(w, "OrderCode");
	jw_str_or_null(w, p->order_code);
	jw_knull(w, "ColourId");
	jw_kint(w, "ProductType", p->product_type);
	jw_key(w, "ArticleCode");
	jw_str_or_null(w, p->article_code);
	jw_kbool(w, "IsArchived", p->archived);
	jw_kbool(w, "IsVariablePrice", p->variable_price);
	jw_kbool(w, "IsTaxExemptable", p->tax_exemptable);
	jw_key(w, "ReferenceCode");
	jw_str_or_null(w, p->reference_code);
	jw_kbool(w, "ExcludeFromLoyaltyPointsGain", p->exclude_loyalty);
	jw_kmoney(w, "RrPrice", &p->rrp);
	jw_key(w, "CustomerProductPricingDetails");
	jw_arr(w);
	for (i = 0; i < p->nctp; i++) {
		jw_obj(w);
		jw_kint(w, "PriceId", p->id * 100 + i + 1);
		jw_kint(w, "TypeId", p->ctp[i].type_id);
		{
			struct ep_ctype *t = tab_get(&st->ctypes,
			    p->ctp[i].type_id);

			jw_key(w, "TypeName");
			jw_str_or_null(w, t != NULL ? t->name : NULL);
		}
		jw_kmoney(w, "Price", &p->ctp[i].sale);
		jw_kmoney(w, "EatOutPrice", &p->ctp[i].eat_out);
		jw_kint(w, "ProductId", p->id);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_key(w, "ProductLocationAreaPrices");
	jw_arr(w);
	jw_arr_end(w);
	jw_key(w, "ProductTags");
	jw_arr(w);
	jw_arr_end(w);
	jw_key(w, "ProductUdfs");
	jw_arr(w);
	jw_arr_end(w);
	jw_key(w, "ProductImages");
	jw_arr(w);
	jw_arr_end(w);
	jw_obj_end(w);
}

static void
category_json(const struct ep_category *c, struct jw *w)
{
	jw_obj(w);
	jw_kint(w, "Id", c->id);
	jw_kid(w, "ParentId", c->parent_id);
	jw_kid(w, "RootParentId", c->parent_id);
	jw_kstr(w, "Name", c->name);
	jw_key(w, "Description");
	jw_str_or_null(w, c->description);
	jw_knull(w, "ImageUrl");
	jw_knull(w, "PopupNoteId");
	jw_kbool(w, "IsWet", c->is_wet);
	jw_kbool(w, "ShowOnTill", c->show_on_till);
	jw_key(w, "ReferenceCode");
	jw_str_or_null(w, c->reference_code);
	jw_key(w, "Children");
	jw_arr(w);
	jw_arr_end(w);
	jw_kint(w, "SortPosition", c->sort_position);
	jw_knull(w, "ReportingCategoryId");
	jw_knull(w, "NominalCode");
	jw_obj_end(w);
}

static void
customer_json(struct epos *st, const struct ep_customer *c, struct jw *w)
{
	jw_obj(w);
	jw_kint(w, "Id", c->id);
	jw_key(w, "Title");
	jw_str_or_null(w, c->title);
	jw_key(w, "Forename");
	jw_str_or_null(w, c->forename);
	jw_key(w, "Surname");
	jw_str_or_null(w, c->surname);
	jw_key(w, "BusinessName");
	jw_str_or_null(w, c->business_name);
	jw_knull(w, "DateOfBirth");
	jw_key(w, "ContactNumber");
	jw_str_or_null(w, c->contact);
	jw_key(w, "ContactNumber2");
	jw_str_or_null(w, c->contact2);
	jw_key(w, "EmailAddress");
	jw_str_or_null(w, c->email);
	jw_kid(w, "CustomerTypeId", c->type_id);
	jw_kmoney(w, "MaxCredit", &c->max_credit);
	jw_kmoney(w, "CurrentBalance", &c->balance);
	jw_key(w, "CardNumber");
	jw_str_or_null(w, c->card_number);
	jw_knull(w, "ExpiryDate");
	jw_kdate(w, "SignUpDate", c->signup, st->zone);
	jw_key(w, "Notes");
	jw_str_or_null(w, c->notes);
	jw_kmoney(w, "CurrentPoints", &c->points);
	jw_obj_end(w);
}

static void
ctype_json(const struct ep_ctype *t, struct jw *w)
{
	jw_obj(w);
	jw_kint(w, "Id", t->id);
	jw_kstr(w, "Name", t->name);
	jw_key(w, "Description");
	jw_str_or_null(w, t->description);
	jw_kmoney(w, "DefaultDiscount", &t->discount);
	jw_obj_end(w);
}

static void
txn_json(struct epos *st, const struct ep_txn *t, struct jw *w)
{
	int i;

	jw_obj(w);
	jw_kint(w, "Id", t->id);
	jw_kid(w, "CustomerId", t->customer_id);
	jw_kid(w, "StaffId", t->staff_id);
	jw_knull(w, "TableId");
	jw_kid(w, "DeviceId", t->device_id);
	jw_kdate(w, "DateTime", t->datetime, st->zone);
	jw_kint(w, "StatusId", t->status_id);
	jw_key(w, "Barcode");
	jw_str_or_null(w, t->barcode);
	jw_kint(w, "ServiceType", t->service_type);
	jw_kmoney(w, "TotalAmount", &t->total);
	jw_kmoney(w, "ServiceCharge", &t->service_charge);
	jw_kmoney(w, "Gratuity", &t->gratuity);
	jw_kmoney(w, "DiscountValue", &t->discount_value);
	jw_knull(w, "DiscountReasonId");
	jw_key(w, "ReferenceCode");
	jw_str_or_null(w, t->reference_code);
	jw_key(w, "TransactionItems");
	jw_arr(w);
	for (i = 0; i < t->nitems; i++) {
		const struct ep_item *it = &t->items[i];

		jw_obj(w);
		jw_kint(w, "Id", it->id);
		jw_kint(w, "TransactionId", t->id);
		jw_kint(w, "ProductId", it->product_id);
		jw_kmoney(w, "Quantity", &it->quantity);
		jw_kmoney(w, "UnitPrice", &it->unit_price);
		jw_kmoney(w, "DiscountAmount", &it->discount);
		jw_key(w, "Notes");
		jw_str_or_null(w, it->notes);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_key(w, "Tenders");
	jw_arr(w);
	for (i = 0; i < t->ntenders; i++) {
		const struct ep_tender *td = &t->tenders[i];

		jw_obj(w);
		jw_kint(w, "Id", td->id);
		jw_kint(w, "TransactionId", t->id);
		jw_kint(w, "TenderTypeId", td->type_id);
		jw_kmoney(w, "Amount", &td->amount);
		jw_kmoney(w, "ChangeGiven", &td->change);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_key(w, "Taxes");
	jw_arr(w);
	jw_arr_end(w);
	jw_obj_end(w);
}

static void
stock_json(const struct ep_product *p, int loc, struct jw *w)
{
	long sid = p->id * EP_NLOC + loc;

	jw_obj(w);
	jw_kint(w, "Id", sid);
	jw_kint(w, "ProductId", p->id);
	jw_kint(w, "LocationId", loc + 1);
	jw_kint(w, "MinStock", p->min_stock[loc]);
	jw_kint(w, "MaxStock", p->max_stock[loc]);
	jw_kint(w, "MinimumOrderAmount", 0);
	jw_kint(w, "MultipleOrderAmount", 0);
	jw_key(w, "ProductStockBatches");
	jw_arr(w);
	jw_obj(w);
	jw_kint(w, "Id", sid);
	jw_kint(w, "ProductStockId", sid);
	jw_kstr(w, "CreatedDate", "2024-01-01T00:00:00");
	jw_kint(w, "CurrentStock", p->stock[loc]);
	jw_kint(w, "CurrentVolume", 0);
	jw_key(w, "CostPrice");
	jw_money_num(w, &p->cost);
	jw_knull(w, "SupplierId");
	jw_obj_end(w);
	jw_arr_end(w);
	jw_obj_end(w);
}

/* ---------------------------------------------------------------- input */

/*
 * Field readers: each returns 0 when the field is absent or was applied,
 * -1 with a ModelState answer in rs when its type is wrong.
 */
static int
in_str(json_t *o, const char *k, char **dst, struct resp *rs)
{
	json_t *v = json_object_get(o, k);
	char msg[160];

	if (v == NULL)
		return 0;
	if (json_is_null(v)) {
		setstr(dst, NULL);
		return 0;
	}
	if (!json_is_string(v)) {
		snprintf(msg, sizeof(msg), "Error converting value to type "
		    "'System.String'. Path '%s'.", k);
		ep_invalid(rs, k, msg);
		return -1;
	}
	setstr(dst, json_string_value(v));
	return 0;
}

/* a decimal kept at the scale it was written with (quantities, points) */
static int
in_dec(json_t *o, const char *k, struct money *dst, int nullable,
    struct resp *rs)
{
	json_t *v = json_object_get(o, k);
	char msg[160];

	if (v == NULL)
		return 0;
	if (json_is_null(v) && nullable) {
		memset(dst, 0, sizeof(*dst));
		return 0;
	}
	if ((!json_is_number(v) && !json_is_string(v)) ||
	    money_from_json(v, dst) < 0 || !dst->set) {
		snprintf(msg, sizeof(msg), "Could not convert to decimal. "
		    "Path '%s'.", k);
		ep_invalid(rs, k, msg);
		return -1;
	}
	return 0;
}

/*
 * Money: stored as a SQL decimal with two places at least, so 4.5 reads
 * back as 4.50 and 0 as 0.00 (jansson hands over no trailing zeros, and a
 * dump must load back to the same text); more places are kept.
 */
static int
in_money(json_t *o, const char *k, struct money *dst, int nullable,
    struct resp *rs)
{
	if (in_dec(o, k, dst, nullable, rs) < 0)
		return -1;
	if (dst->set && dst->scale < 2) {
		dst->units = money_to_scale(dst, 2);
		dst->scale = 2;
	}
	return 0;
}

static int
in_long(json_t *o, const char *k, long *dst, struct resp *rs)
{
	json_t *v = json_object_get(o, k);
	char msg[160];

	if (v == NULL)
		return 0;
	if (json_is_null(v)) {
		*dst = 0;
		return 0;
	}
	if (!json_is_integer(v)) {
		snprintf(msg, sizeof(msg), "Could not convert to integer. "
		    "Path '%s'.", k);
		ep_invalid(rs, k, msg);
		return -1;
	}
	*dst = (long)json_integer_value(v);
	return 0;
}

static int
in_bool(json_t *o, const char *k, unsigned char *dst, struct resp *rs)
{
	json_t *v = json_object_get(o, k);
	char msg[160];

	if (v == NULL)
		return 0;
	if (!json_is_boolean(v)) {
		snprintf(msg, sizeof(msg), "Could not convert to boolean. "
		    "Path '%s'.", k);
		ep_invalid(rs, k, msg);
		return -1;
	}
	*dst = json_is_true(v);
	return 0;
}

static void
index_product(struct epos *st, struct ep_product *p, int add)
{
	if (p->sku == NULL || *p->sku == '\0')
		return;
	if (add)
		strmap_put(&st->sku_idx, p->sku, p->id);
	else
		strmap_del(&st->sku_idx, p->sku, p->id);
}

static void
index_customer(struct epos *st, struct ep_customer *c, int add)
{
	if (c->email == NULL || *c->email == '\0')
		return;
	if (add)
		strmap_put(&st->email_idx, c->email, c->id);
	else
		strmap_del(&st->email_idx, c->email, c->id);
}

static int
product_apply(struct epos *st, struct ep_product *p, json_t *o,
    struct resp *rs)
{
	unsigned char b;
	long cat = p->category_id;
	json_t *v;
	int loc;

	if (in_str(o, "Name", &p->name, rs) || in_str(o, "Description",
	    &p->description, rs) || in_str(o, "Sku", &p->sku, rs) ||
	    in_str(o, "Barcode", &p->barcode, rs) || in_str(o, "OrderCode",
	    &p->order_code, rs) || in_str(o, "ArticleCode", &p->article_code,
	    rs) || in_str(o, "ReferenceCode", &p->reference_code, rs) ||
	    in_str(o, "Size", &p->size, rs) ||
	    in_money(o, "SalePrice", &p->sale, 0, rs) ||
	    in_money(o, "EatOutPrice", &p->eat_out, 0, rs) ||
	    in_money(o, "CostPrice", &p->cost, 0, rs) ||
	    in_money(o, "RrPrice", &p->rrp, 1, rs) ||
	    in_bool(o, "IsSalePriceIncTax", &p->sale_inc, rs) ||
	    in_bool(o, "IsEatOutPriceIncTax", &p->eat_out_inc, rs) ||
	    in_bool(o, "IsCostPriceIncTax", &p->cost_inc, rs) ||
	    in_bool(o, "SellOnTill", &p->sell_on_till, rs) ||
	    in_bool(o, "SellOnWeb", &p->sell_on_web, rs) ||
	    in_bool(o, "IsArchived", &p->archived, rs) ||
	    in_bool(o, "IsVariablePrice", &p->variable_price, rs) ||
	    in_bool(o, "IsTaxExemptable", &p->tax_exemptable, rs) ||
	    in_bool(o, "ExcludeFromLoyaltyPointsGain", &p->exclude_loyalty,
	    rs) || in_long(o, "CategoryId", &cat, rs) ||
	    in_long(o, "BrandId", &p->brand_id, rs) ||
	    in_long(o, "SupplierId", &p->supplier_id, rs) ||
	    in_long(o, "VariantGroupId", &p->variant_group_id, rs) ||
	    in_long(o, "SalePriceTaxGroupId", &p->sale_tax_group_id, rs) ||
	    in_long(o, "EatOutPriceTaxGroupId", &p->eat_out_tax_group_id, rs) ||
	    in_long(o, "CostPriceTaxGroupId", &p->cost_tax_group_id, rs))
		return -1;
	if (cat > 0 && tab_get(&st->cats, cat) == NULL) {
		ep_invalid(rs, "CategoryId", "The category does not exist.");
		return -1;
	}
	p->category_id = cat;
	if ((v = json_object_get(o, "ProductType")) != NULL &&
	    json_is_integer(v))
		p->product_type = (int)json_integer_value(v);
	if ((v = json_object_get(o, "CustomerProductPricingDetails")) != NULL &&
	    json_is_array(v)) {
		size_t i;
		json_t *e;

		free(p->ctp);
		p->ctp = NULL;
		p->nctp = 0;
		p->ctp = xcalloc(json_array_size(v) + 1, sizeof(*p->ctp));
		json_array_foreach(v, i, e) {
			struct ep_ctprice *c = &p->ctp[p->nctp];
			json_t *t = json_object_get(e, "CustomerTypeId");

			if (t == NULL)
				t = json_object_get(e, "TypeId");
			if (!json_is_integer(t))
				continue;
			c->type_id = (long)json_integer_value(t);
			if (in_money(e, "SalePrice", &c->sale, 1, rs) ||
			    in_money(e, "Price", &c->sale, 1, rs) ||
			    in_money(e, "EatOutPrice", &c->eat_out, 1, rs))
				return -1;
			p->nctp++;
		}
	}
	/* CurrentStock on a product write: the dump/load shape only */
	if ((v = json_object_get(o, "Stock")) != NULL && json_is_array(v)) {
		for (loc = 0; loc < EP_NLOC && loc < (int)json_array_size(v);
		    loc++) {
			json_t *x = json_array_get(v, (size_t)loc);

			if (json_is_integer(x))
				p->stock[loc] = (long)json_integer_value(x);
		}
	}
	(void)b;
	return 0;
}

static int
customer_apply(struct epos *st, struct ep_customer *c, json_t *o,
    struct resp *rs)
{
	long type = c->type_id;

	if (in_str(o, "Title", &c->title, rs) ||
	    in_str(o, "Forename", &c->forename, rs) ||
	    in_str(o, "Surname", &c->surname, rs) ||
	    in_str(o, "BusinessName", &c->business_name, rs) ||
	    in_str(o, "EmailAddress", &c->email, rs) ||
	    in_str(o, "ContactNumber", &c->contact, rs) ||
	    in_str(o, "ContactNumber2", &c->contact2, rs) ||
	    in_str(o, "CardNumber", &c->card_number, rs) ||
	    in_str(o, "Notes", &c->notes, rs) ||
	    in_money(o, "MaxCredit", &c->max_credit, 0, rs) ||
	    in_money(o, "CurrentBalance", &c->balance, 0, rs) ||
	    in_dec(o, "CurrentPoints", &c->points, 0, rs) ||
	    in_long(o, "CustomerTypeId", &type, rs))
		return -1;
	if (type > 0 && tab_get(&st->ctypes, type) == NULL) {
		ep_invalid(rs, "CustomerTypeId", "The customer type does not "
		    "exist.");
		return -1;
	}
	c->type_id = type;
	return 0;
}

/* ---------------------------------------------------------------- helpers */

static int
ep_auth(struct epos *st, struct req *rq, struct resp *rs)
{
	const char *h = req_header(rq, "Authorization");
	int write = strcmp(rq->method, "GET") != 0 &&
	    strcmp(rq->method, "HEAD") != 0;

	if (h == NULL || fault_key_revoked(st->emu->fault) ||
	    !ct_streq(h, st->auth)) {
		ep_err(rs, 401, "Authorization has been denied for this "
		    "request.");
		return -1;
	}
	if (write && fault_key_read_only(st->emu->fault)) {
		ep_err(rs, 403, "Authorization has been denied for this "
		    "request.");
		return -1;
	}
	return 0;
}

static long
page_param(struct req *rq, long *limit)
{
	long page = 1, lim = EP_PAGE;
	const char *p = req_param(rq, "page"), *l = req_param(rq, "limit");

	if (p != NULL && (parse_long(p, &page) < 0 || page < 1))
		page = 1;
	if (l != NULL && (parse_long(l, &lim) < 0 || lim < 1 ||
	    lim > EP_PAGE))
		lim = EP_PAGE;
	*limit = lim;
	return page;
}

static json_t *
body_json(struct req *rq, struct resp *rs)
{
	json_error_t je;
	json_t *j;

	if (rq->body_len == 0) {
		ep_err(rs, 400, "The request is invalid.");
		return NULL;
	}
	j = json_loadb(rq->body, rq->body_len, 0, &je);
	if (j == NULL) {
		char msg[300];

		snprintf(msg, sizeof(msg), "The request is invalid. %s",
		    je.text);
		ep_err(rs, 400, msg);
	}
	return j;
}

static void
send_json(struct resp *rs, unsigned status, struct wbuf *b)
{
	resp_json(rs, status, b);
}

static int
ieq(const char *a, const char *b)
{
	if (a == NULL)
		a = "";
	return strcasecmp(a, b) == 0;
}

/* ---------------------------------------------------------------- lists */

static int
long_cmp(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return x < y ? -1 : x > y;
}

/* "?{Property}={Value}" exact filters, as the portal's Search page shows */
static int
product_match(struct req *rq, const struct ep_product *p)
{
	size_t i;
	long n;

	for (i = 0; i < rq->query.n; i++) {
		const char *k = rq->query.v[i].key, *v = rq->query.v[i].val;

		if (strcasecmp(k, "Name") == 0 && !ieq(p->name, v))
			return 0;
		if (strcasecmp(k, "Sku") == 0 && !ieq(p->sku, v))
			return 0;
		if (strcasecmp(k, "Barcode") == 0 && !ieq(p->barcode, v))
			return 0;
		if (strcasecmp(k, "CategoryId") == 0 &&
		    (parse_long(v, &n) < 0 || n != p->category_id))
			return 0;
		if (strcasecmp(k, "IsArchived") == 0 &&
		    ieq(v, "true") != p->archived)
			return 0;
	}
	return 1;
}

static void
h_product_list(void *ctx, struct req *rq, struct resp *rs)
{
	struct epos *st = ctx;
	struct wbuf b = WBUF_INIT;
	struct jw w;
	long lim, page = page_param(rq, &lim), skip = (page - 1) * lim, got = 0;
	const char *sku = NULL;
	size_t i;

	if (ep_auth(st, rq, rs) < 0)
		return;
	for (i = 0; i < rq->query.n; i++)
		if (strcasecmp(rq->query.v[i].key, "Sku") == 0)
			sku = rq->query.v[i].val;
	jw_init(&w, &b);
	pthread_rwlock_rdlock(&st->lock);
	jw_arr(&w);
	if (sku != NULL) {
		/* the index holds every product with that SKU (not unique) */
		long ids[256];
		size_t n = strmap_getall(&st->sku_idx, sku, ids, 256);

		qsort(ids, n, sizeof(ids[0]), long_cmp);
		for (i = 0; i < n; i++) {
			struct ep_product *p;

			p = tab_get(&st->products, ids[i]);
			if (p == NULL || !product_match(rq, p))
				continue;
			if (skip > 0) {
				skip--;
				continue;
			}
			if (got < lim) {
				product_json(st, p, &w);
				got++;
			}
		}
	} else {
		for (i = 0; i < st->products.n && got < lim; i++) {
			struct ep_product *p = st->products.v[i];

			if (p == NULL || !product_match(rq, p))
				continue;
			if (skip > 0) {
				skip--;
				continue;
			}
			product_json(st, p, &w);
			got++;
		}
	}
	jw_arr_end(&w);
	pthread_rwlock_unlock(&st->lock);
	rs->items_read = got;
	send_json(rs, 200, &b);
	wbuf_release(&b);
}

static void
h_product_get(void *ctx, struct req *rq, struct resp *rs)
{
	struct epos *st = ctx;
	struct wbuf b = WBUF_INIT;
	struct ep_product *p;
	struct jw w;

	if (ep_auth(st, rq, rs) < 0)
		return;
	pthread_rwlock_rdlock(&st->lock);
	p = tab_get(&st->products, rq->ids[0]);
	if (p != NULL) {
		jw_init(&w, &b);
		product_json(st, p, &w);
		rs->items_read = 1;
		send_json(rs, 200, &b);
	} else
		ep_err(rs, 404, NULL);
	pthread_rwlock_unlock(&st->lock);
	wbuf_release(&b);
}

/*
 * The V4 write pattern: an object or an array of objects in, the same shape
 * out.  fn applies one element and renders it; it returns -1 with rs set.
 */
typedef int (*ep_write_fn)(struct epos *, json_t *, struct jw *,
    struct resp *);

static void
write_many(struct epos *st, struct req *rq, struct resp *rs, ep_write_fn fn)
{
	struct wbuf b = WBUF_INIT;
	struct jw w;
	json_t *j, *e;
	size_t i;
	int arr;

	if (ep_auth(st, rq, rs) < 0)
		return;
	if ((j = body_json(rq, rs)) == NULL)
		return;
	arr = json_is_array(j);
	if (!arr && !json_is_object(j)) {
		ep_err(rs, 400, "The request is invalid.");
		json_decref(j);
		return;
	}
	jw_init(&w, &b);
	pthread_rwlock_wrlock(&st->lock);
	if (arr)
		jw_arr(&w);
	for (i = 0; i < (arr ? json_array_size(j) : 1); i++) {
		e = arr ? json_array_get(j, i) : j;
		if (!json_is_object(e)) {
			ep_err(rs, 400, "The request is invalid.");
			goto out;
		}
		if (fn(st, e, &w, rs) < 0)
			goto out;
		rs->items_written++;
	}
	if (arr)
		jw_arr_end(&w);
	send_json(rs, 200, &b);
out:
	pthread_rwlock_unlock(&st->lock);
	json_decref(j);
	wbuf_release(&b);
}

static long
id_of(json_t *e)
{
	json_t *v = json_object_get(e, "Id");

	return json_is_integer(v) ? (long)json_integer_value(v) : 0;
}

static int
w_product_create(struct epos *st, json_t *e, struct jw *w, struct resp *rs)
{
	struct ep_product *p = xcalloc(1, sizeof(*p));
	static const char *const req[] = { "Name", "SalePrice", "CostPrice",
	    "EatOutPrice" };
	size_t i;

	for (i = 0; i < sizeof(req) / sizeof(req[0]); i++) {
		json_t *v = json_object_get(e, req[i]);

		if (v == NULL || json_is_null(v)) {
			char msg[80];

			snprintf(msg, sizeof(msg), "The %s field is required.",
			    req[i]);
			ep_invalid(rs, req[i], msg);
			product_free(p);
			return -1;
		}
	}
	p->sell_on_till = 1;
	p->sale_inc = p->eat_out_inc = 1;
	p->sale_tax_group_id = p->eat_out_tax_group_id = 1;
	if (product_apply(st, p, e, rs) < 0) {
		product_free(p);
		return -1;
	}
	p->id = tab_add(&st->products, p);
	index_product(st, p, 1);
	product_json(st, p, w);
	return 0;
}

static int
w_product_update(struct epos *st, json_t *e, struct jw *w, struct resp *rs)
{
	struct ep_product *p = tab_get(&st->products, id_of(e));

	if (p == NULL) {
		ep_err(rs, 404, NULL);
		return -1;
	}
	index_product(st, p, 0);
	if (product_apply(st, p, e, rs) < 0) {
		index_product(st, p, 1);
		return -1;
	}
	index_product(st, p, 1);
	product_json(st, p, w);
	return 0;
}

static int
w_product_delete(struct epos *st, json_t *e, struct jw *w, struct resp *rs)
{
	struct ep_product *p = tab_get(&st->products, id_of(e));

	if (p == NULL) {
		ep_err(rs, 404, NULL);
		return -1;
	}
	product_json(st, p, w);
	index_product(st, p, 0);
	product_free(tab_del(&st->products, p->id));
	return 0;
}

static void
h_product_post(void *ctx, struct req *rq, struct resp *rs)
{
	write_many(ctx, rq, rs, w_product_create);
}

static void
h_product_put(void *ctx, struct req *rq, struct resp *rs)
{
	write_many(ctx, rq, rs, w_product_update);
}

static void
h_product_delete(void *ctx, struct req *rq, struct resp *rs)
{
	write_many(ctx, rq, rs, w_product_delete);
}

/* categories */

static void
h_category_list(void *ctx, struct req *rq, struct resp *rs)
{
	struct epos *st = ctx;
	struct wbuf b = WBUF_INIT;
	struct jw w;
	long lim, page = page_param(rq, &lim), skip = (page - 1) * lim, got = 0;
	const char *name = NULL;
	size_t i;

	if (ep_auth(st, rq, rs) < 0)
		return;
	for (i = 0; i < rq->query.n; i++)
		if (strcasecmp(rq->query.v[i].key, "Name") == 0)
			name = rq->query.v[i].val;
	jw_init(&w, &b);
	pthread_rwlock_rdlock(&st->lock);
	jw_arr(&w);
	for (i = 0; i < st->cats.n && got < lim; i++) {
		struct ep_category *c = st->cats.v[i];

		if (c == NULL || (name != NULL && !ieq(c->name, name)))
			continue;
		if (skip > 0) {
			skip--;
			continue;
		}
		category_json(c, &w);
		got++;
	}
	jw_arr_end(&w);
	pthread_rwlock_unlock(&st->lock);
	rs->items_read = got;
	send_json(rs, 200, &b);
	wbuf_release(&b);
}

static void
h_category_get(void *ctx, struct req *rq, struct resp *rs)
{
	struct epos *st = ctx;
	struct wbuf b = WBUF_INIT;
	struct ep_category *c;
	struct jw w;

	if (ep_auth(st, rq, rs) < 0)
		return;
	pthread_rwlock_rdlock(&st->lock);
	c = tab_get(&st->cats, rq->ids[0]);
	if (c != NULL) {
		jw_init(&w, &b);
		category_json(c, &w);
		send_json(rs, 200, &b);
	} else
		ep_err(rs, 404, NULL);
	pthread_rwlock_unlock(&st->lock);
	wbuf_release(&b);
}

static int
category_apply(struct ep_category *c, json_t *e, struct resp *rs)
{
	long parent = c->parent_id;
	unsigned char till = (unsigned char)c->show_on_till;
	unsigned char wet = (unsigned char)c->is_wet;

	if (in_str(e, "Name", &c->name, rs) ||
	    in_str(e, "Description", &c->description, rs) ||
	    in_str(e, "ReferenceCode", &c->reference_code, rs) ||
	    in_long(e, "ParentId", &parent, rs) ||
	    in_long(e, "SortPosition", &c->sort_position, rs) ||
	    in_bool(e, "ShowOnTill", &till, rs) ||
	    in_bool(e, "IsWet", &wet, rs))
		return -1;
	c->parent_id = parent;
	c->show_on_till = till;
	c->is_wet = wet;
	if (str_empty(c->name)) {
		ep_invalid(rs, "Name", "The Name field is required.");
		return -1;
	}
	return 0;
}

static int
w_category_create(struct epos *st, json_t *e, struct jw *w, struct resp *rs)
{
	struct ep_category *c = xcalloc(1, sizeof(*c));

	c->show_on_till = 1;
	if (category_apply(c, e, rs) < 0) {
		category_free(c);
		return -1;
	}
	c->id = tab_add(&st->cats, c);
	category_json(c, w);
	return 0;
}

static int
w_category_update(struct epos *st, json_t *e, struct jw *w, struct resp *rs)
{
	struct ep_category *c = tab_get(&st->cats, id_of(e));

	if (c == NULL) {
		ep_err(rs, 404, NULL);
		return -1;
	}
	if (category_apply(c, e, rs) < 0)
		return -1;
	category_json(c, w);
	return 0;
}

static int
w_category_delete(struct epos *st, json_t *e, struct jw *w, struct resp *rs)
{
	struct ep_category *c = tab_get(&st->cats, id_of(e));

	if (c == NULL) {
		ep_err(rs, 404, NULL);
		return -1;
	}
	category_json(c, w);
	category_free(tab_del(&st->cats, c->id));
	return 0;
}

static void
h_category_post(void *ctx, struct req *rq, struct resp *rs)
{
	write_many(ctx, rq, rs, w_category_create);
}

static void
h_category_put(void *ctx, struct req *rq, struct resp *rs)
{
	write_many(ctx, rq, rs, w_category_update);
}

static void
h_category_delete(void *ctx, struct req *rq, struct resp *rs)
{
	write_many(ctx, rq, rs, w_category_delete);
}

/* stock */

static void
h_stock_list(void *ctx, struct req *rq, struct resp *rs)
{
	struct epos *st = ctx;
	struct wbuf b = WBUF_INIT;
	struct jw w;
	long lim, page = page_param(rq, &lim), skip = (page - 1) * lim, got = 0;
	long pid = 0, lid = 0;
	const char *v;
	size_t i;
	int loc;

	if (ep_auth(st, rq, rs) < 0)
		return;
	for (i = 0; i < rq->query.n; i++) {
		v = rq->query.v[i].val;
		if (strcasecmp(rq->query.v[i].key, "ProductId") == 0)
			parse_long(v, &pid);
		if (strcasecmp(rq->query.v[i].key, "LocationId") == 0)
			parse_long(v, &lid);
	}
	jw_init(&w, &b);
	pthread_rwlock_rdlock(&st->lock);
	jw_arr(&w);
	for (i = 0; i < st->products.n && got < lim; i++) {
		struct ep_product *p = st->products.v[i];

		if (p == NULL || (pid > 0 && p->id != pid))
			continue;
		for (loc = 0; loc < EP_NLOC && got < lim; loc++) {
			if (lid > 0 && lid != loc + 1)
				continue;
			if (skip > 0) {
				skip--;
				continue;
			}
			stock_json(p, loc, &w);
			got++;
		}
	}
	jw_arr_end(&w);
	pthread_rwlock_unlock(&st->lock);
	rs->items_read = got;
	send_json(rs, 200, &b);
	wbuf_release(&b);
}

static void
h_stock_get(void *ctx, struct req *rq, struct resp *rs)
{
	struct epos *st = ctx;
	struct wbuf b = WBUF_INIT;
	struct ep_product *p;
	struct jw w;
	long sid = rq->ids[0];

	if (ep_auth(st, rq, rs) < 0)
		return;
	pthread_rwlock_rdlock(&st->lock);
	p = tab_get(&st->products, sid / EP_NLOC);
	if (p != NULL) {
		jw_init(&w, &b);
		stock_json(p, (int)(sid % EP_NLOC), &w);
		send_json(rs, 200, &b);
	} else
		ep_err(rs, 404, NULL);
	pthread_rwlock_unlock(&st->lock);
	wbuf_release(&b);
}

/* PUT /ProductStock [{Id | ProductId+LocationId, CurrentStock, MinStock,..}] */
static int
w_stock_update(struct epos *st, json_t *e, struct jw *w, struct resp *rs)
{
	long sid = id_of(e), pid = 0, lid = 0, v;
	struct ep_product *p;
	int loc;

	if (sid > 0) {
		pid = sid / EP_NLOC;
		lid = sid % EP_NLOC + 1;
	} else {
		if (in_long(e, "ProductId", &pid, rs) ||
		    in_long(e, "LocationId", &lid, rs))
			return -1;
	}
	p = tab_get(&st->products, pid);
	if (p == NULL || lid < 1 || lid > EP_NLOC) {
		ep_err(rs, 404, NULL);
		return -1;
	}
	loc = (int)lid - 1;
	v = p->stock[loc];
	if (in_long(e, "CurrentStock", &v, rs) ||
	    in_long(e, "MinStock", &p->min_stock[loc], rs) ||
	    in_long(e, "MaxStock", &p->max_stock[loc], rs))
		return -1;
	p->stock[loc] = v;
	stock_json(p, loc, w);
	return 0;
}

static void
h_stock_put(void *ctx, struct req *rq, struct resp *rs)
{
	write_many(ctx, rq, rs, w_stock_update);
}

/* reference data */

static void
h_location_list(void *ctx, struct req *rq, struct resp *rs)
{
	struct epos *st = ctx;
	struct wbuf b = WBUF_INIT;
	struct jw w;
	int i;

	if (ep_auth(st, rq, rs) < 0)
		return;
	jw_init(&w, &b);
	jw_arr(&w);
	for (i = 0; i < EP_NLOC; i++) {
		if (rq->nids > 0 && rq->ids[0] != i + 1)
			continue;
		jw_obj(&w);
		jw_kint(&w, "Id", i + 1);
		jw_kstr(&w, "Name", locations[i]);
		jw_knull(&w, "Description");
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	if (rq->nids > 0) {
		/* a single location: strip the array */
		if (rq->ids[0] < 1 || rq->ids[0] > EP_NLOC) {
			ep_err(rs, 404, NULL);
			wbuf_release(&b);
			return;
		}
		b.buf[b.len - 1] = '\0';
		b.len--;
		memmove(b.buf, b.buf + 1, b.len);
		b.len--;
	}
	send_json(rs, 200, &b);
	wbuf_release(&b);
}

static void
h_tender_list(void *ctx, struct req *rq, struct resp *rs)
{
	struct epos *st = ctx;
	struct wbuf b = WBUF_INIT;
	struct jw w;
	size_t i;

	if (ep_auth(st, rq, rs) < 0)
		return;
	jw_init(&w, &b);
	if (rq->nids == 0)
		jw_arr(&w);
	for (i = 0; i < sizeof(tender_types) / sizeof(tender_types[0]); i++) {
		if (rq->nids > 0 && rq->ids[0] != tender_types[i].id)
			continue;
		jw_obj(&w);
		jw_kint(&w, "Id", tender_types[i].id);
		jw_kstr(&w, "Name", tender_types[i].name);
		jw_knull(&w, "Description");
		jw_kbool(&w, "CanGiveChange", tender_types[i].id == 1);
		jw_obj_end(&w);
	}
	if (rq->nids == 0)
		jw_arr_end(&w);
	if (b.len == 0)
		ep_err(rs, 404, NULL);
	else
		send_json(rs, 200, &b);
	wbuf_release(&b);
}

static void
h_taxgroup_list(void *ctx, struct req *rq, struct resp *rs)
{
	struct epos *st = ctx;
	struct wbuf b = WBUF_INIT;

	if (ep_auth(st, rq, rs) < 0)
		return;
	wbuf_adds(&b, "[{\"Id\":1,\"Name\":\"Standard 20%\",\"TaxRates\":["
	    "{\"TaxGroupId\":1,\"TaxRateId\":1,\"LocationId\":1,\"Priority\":1,"
	    "\"Percentage\":20.00,\"Name\":\"VAT\",\"Description\":\"Standard "
	    "rate\",\"TaxCode\":\"S\"}]},{\"Id\":2,\"Name\":\"Zero\",\"TaxRates\":"
	    "[{\"TaxGroupId\":2,\"TaxRateId\":2,\"LocationId\":1,\"Priority\":1,"
	    "\"Percentage\":0.00,\"Name\":\"Zero\",\"Description\":\"Zero rate\","
	    "\"TaxCode\":\"Z\"}]}]");
	send_json(rs, 200, &b);
	wbuf_release(&b);
}

/* customers */

static int
customer_match(struct req *rq, const struct ep_customer *c)
{
	size_t i;
	long n;

	for (i = 0; i < rq->query.n; i++) {
		const char *k = rq->query.v[i].key, *v = rq->query.v[i].val;

		if (strcasecmp(k, "EmailAddress") == 0 && !ieq(c->email, v))
			return 0;
		if (strcasecmp(k, "Forename") == 0 && !ieq(c->forename, v))
			return 0;
		if (strcasecmp(k, "Surname") == 0 && !ieq(c->surname, v))
			return 0;
		if (strcasecmp(k, "CustomerTypeId") == 0 &&
		    (parse_long(v, &n) < 0 || n != c->type_id))
			return 0;
	}
	return 1;
}

static void
h_customer_list(void *ctx, struct req *rq, struct resp *rs)
{
	struct epos *st = ctx;
	struct wbuf b = WBUF_INIT;
	struct jw w;
	long lim, page = page_param(rq, &lim), skip = (page - 1) * lim, got = 0;
	size_t i;

	if (ep_auth(st, rq, rs) < 0)
		return;
	jw_init(&w, &b);
	pthread_rwlock_rdlock(&st->lock);
	jw_arr(&w);
	for (i = 0; i < st->customers.n && got < lim; i++) {
		struct ep_customer *c = st->customers.v[i];

		if (c == NULL || !customer_match(rq, c))
			continue;
		if (skip > 0) {
			skip--;
			continue;
		}
		customer_json(st, c, &w);
		got++;
	}
	jw_arr_end(&w);
	pthread_rwlock_unlock(&st->lock);
	rs->items_read = got;
	send_json(rs, 200, &b);
	wbuf_release(&b);
}

static void
h_customer_by_email(void *ctx, struct req *rq, struct resp *rs)
{
	struct epos *st = ctx;
	struct wbuf b = WBUF_INIT;
	const char *email = req_param(rq, "email");
	struct jw w;
	long ids[1024];
	size_t i, n;

	if (ep_auth(st, rq, rs) < 0)
		return;
	if (email == NULL)
		email = req_param(rq, "Email");
	if (str_empty(email)) {
		ep_err(rs, 400, "The request is invalid.");
		return;
	}
	jw_init(&w, &b);
	pthread_rwlock_rdlock(&st->lock);
	n = strmap_getall(&st->email_idx, email, ids, 1024);
	qsort(ids, n, sizeof(*ids), long_cmp);
	jw_arr(&w);
	for (i = 0; i < n; i++) {
		struct ep_customer *c = tab_get(&st->customers, ids[i]);

		if (c != NULL)
			customer_json(st, c, &w);
	}
	jw_arr_end(&w);
	pthread_rwlock_unlock(&st->lock);
	rs->items_read = (long)n;
	send_json(rs, 200, &b);
	wbuf_release(&b);
}

static void
h_customer_get(void *ctx, struct req *rq, struct resp *rs)
{
	struct epos *st = ctx;
	struct wbuf b = WBUF_INIT;
	struct ep_customer *c;
	struct jw w;

	if (ep_auth(st, rq, rs) < 0)
		return;
	pthread_rwlock_rdlock(&st->lock);
	c = tab_get(&st->customers, rq->ids[0]);
	if (c != NULL) {
		jw_init(&w, &b);
		customer_json(st, c, &w);
		rs->items_read = 1;
		send_json(rs, 200, &b);
	} else
		ep_err(rs, 404, NULL);
	pthread_rwlock_unlock(&st->lock);
	wbuf_release(&b);
}

static int
w_customer_create(struct epos *st, json_t *e, struct jw *w, struct resp *rs)
{
	struct ep_customer *c = xcalloc(1, sizeof(*c));

	c->points = money_cents(0);
	c->points.scale = 0;
	c->max_credit = money_cents(0);
	c->balance = money_cents(0);
	c->signup = now_utc();
	if (customer_apply(st, c, e, rs) < 0) {
		customer_free(c);
		return -1;
	}
	c->id = tab_add(&st->customers, c);
	index_customer(st, c, 1);
	customer_json(st, c, w);
	return 0;
}

static int
w_customer_update(struct epos *st, json_t *e, struct jw *w, struct resp *rs)
{
	struct ep_customer *c = tab_get(&st->customers, id_of(e));

	if (c == NULL) {
		ep_err(rs, 404, NULL);
		return -1;
	}
	index_customer(st, c, 0);
	if (customer_apply(st, c, e, rs) < 0) {
		index_customer(st, c, 1);
		return -1;
	}
	index_customer(st, c, 1);
	customer_json(st, c, w);
	return 0;
}

static int
w_customer_delete(struct epos *st, json_t *e, struct jw *w, struct resp *rs)
{
	struct ep_customer *c = tab_get(&st->customers, id_of(e));

	if (c == NULL) {
		ep_err(rs, 404, NULL);
		return -1;
	}
	customer_json(st, c, w);
	index_customer(st, c, 0);
	customer_free(tab_del(&st->customers, c->id));
	return 0;
}

static void
h_customer_post(void *ctx, struct req *rq, struct resp *rs)
{
	write_many(ctx, rq, rs, w_customer_create);
}

static void
h_customer_put(void *ctx, struct req *rq, struct resp *rs)
{
	write_many(ctx, rq, rs, w_customer_update);
}

static void
h_customer_delete(void *ctx, struct req *rq, struct resp *rs)
{
	write_many(ctx, rq, rs, w_customer_delete);
}

/* customer types */

static void
h_ctype_list(void *ctx, struct req *rq, struct resp *rs)
{
	struct epos *st = ctx;
	struct wbuf b = WBUF_INIT;
	struct jw w;
	long lim, page = page_param(rq, &lim), skip = (page - 1) * lim, got = 0;
	size_t i;

	if (ep_auth(st, rq, rs) < 0)
		return;
	jw_init(&w, &b);
	pthread_rwlock_rdlock(&st->lock);
	if (rq->nids > 0) {
		struct ep_ctype *t = tab_get(&st->ctypes, rq->ids[0]);

		if (t != NULL) {
			ctype_json(t, &w);
			send_json(rs, 200, &b);
		} else
			ep_err(rs, 404, NULL);
		goto out;
	}
	jw_arr(&w);
	for (i = 0; i < st->ctypes.n && got < lim; i++) {
		struct ep_ctype *t = st->ctypes.v[i];

		if (t == NULL)
			continue;
		if (skip > 0) {
			skip--;
			continue;
		}
		ctype_json(t, &w);
		got++;
	}
	jw_arr_end(&w);
	rs->items_read = got;
	send_json(rs, 200, &b);
out:
	pthread_rwlock_unlock(&st->lock);
	wbuf_release(&b);
}

static int
ctype_apply(struct ep_ctype *t, json_t *e, struct resp *rs)
{
	if (in_str(e, "Name", &t->name, rs) ||
	    in_str(e, "Description", &t->description, rs) ||
	    in_money(e, "DefaultDiscount", &t->discount, 1, rs))
		return -1;
	if (str_empty(t->name)) {
		ep_invalid(rs, "Name", "The Name field is required.");
		return -1;
	}
	return 0;
}

static int
w_ctype_create(struct epos *st, json_t *e, struct jw *w, struct resp *rs)
{
	struct ep_ctype *t = xcalloc(1, sizeof(*t));

	if (ctype_apply(t, e, rs) < 0) {
		ctype_free(t);
		return -1;
	}
	t->id = tab_add(&st->ctypes, t);
	ctype_json(t, w);
	return 0;
}

static int
w_ctype_update(struct epos *st, json_t *e, struct jw *w, struct resp *rs)
{
	struct ep_ctype *t = tab_get(&st->ctypes, id_of(e));

	if (t == NULL) {
		ep_err(rs, 404, NULL);
		return -1;
	}
	if (ctype_apply(t, e, rs) < 0)
		return -1;
	ctype_json(t, w);
	return 0;
}

static int
w_ctype_delete(struct epos *st, json_t *e, struct jw *w, struct resp *rs)
{
	struct ep_ctype *t = tab_get(&st->ctypes, id_of(e));
	size_t i;

	if (t == NULL) {
		ep_err(rs, 404, NULL);
		return -1;
	}
	ctype_json(t, w);
	for (i = 0; i < st->customers.n; i++) {
		struct ep_customer *c = st->customers.v[i];

		if (c != NULL && c->type_id == t->id)
			c->type_id = 0;
	}
	ctype_free(tab_del(&st->ctypes, t->id));
	return 0;
}

static void
h_ctype_post(void *ctx, struct req *rq, struct resp *rs)
{
	write_many(ctx, rq, rs, w_ctype_create);
}

static void
h_ctype_put(void *ctx, struct req *rq, struct resp *rs)
{
	write_many(ctx, rq, rs, w_ctype_update);
}

static void
h_ctype_delete(void *ctx, struct req *rq, struct resp *rs)
{
	write_many(ctx, rq, rs, w_ctype_delete);
}

/* transactions */

/*
 * Builds a transaction from a request body.  TotalAmount is the sum of
 * UnitPrice * Quantity - DiscountAmount over the items (exact decimals),
 * plus service charge and gratuity, minus DiscountValue.  Sales take stock
 * from the first location.  Returns NULL with rs set on a bad body.
 */
static struct ep_txn *
txn_build(struct epos *st, json_t *e, int validate_only, struct resp *rs)
{
	struct ep_txn *t = xcalloc(1, sizeof(*t));
	json_t *items = json_object_get(e, "TransactionItems");
	json_t *tenders = json_object_get(e, "Tenders"), *x;
	struct money sum = money_cents(0), line;
	long st_type = 1;
	size_t i;

	if (in_long(e, "CustomerId", &t->customer_id, rs) ||
	    in_long(e, "StaffId", &t->staff_id, rs) ||
	    in_long(e, "DeviceId", &t->device_id, rs) ||
	    in_long(e, "ServiceType", &st_type, rs) ||
	    in_str(e, "ReferenceCode", &t->reference_code, rs) ||
	    in_str(e, "Barcode", &t->barcode, rs) ||
	    in_money(e, "ServiceCharge", &t->service_charge, 1, rs) ||
	    in_money(e, "Gratuity", &t->gratuity, 1, rs) ||
	    in_money(e, "DiscountValue", &t->discount_value, 1, rs))
		goto bad;
	t->service_type = (int)st_type;
	t->status_id = 1;
	if (t->customer_id > 0 && tab_get(&st->customers, t->customer_id) ==
	    NULL) {
		ep_invalid(rs, "CustomerId", "The customer does not exist.");
		goto bad;
	}
	if (items != NULL && !json_is_array(items)) {
		ep_invalid(rs, "TransactionItems", "Expected an array.");
		goto bad;
	}
	if (tenders != NULL && !json_is_array(tenders)) {
		ep_invalid(rs, "Tenders", "Expected an array.");
		goto bad;
	}
	t->items = xcalloc(json_array_size(items) + 1, sizeof(*t->items));
	json_array_foreach(items, i, x) {
		struct ep_item *it = &t->items[t->nitems];

		if (!json_is_object(x) || in_long(x, "ProductId",
		    &it->product_id, rs) || in_dec(x, "Quantity",
		    &it->quantity, 0, rs) || in_money(x, "UnitPrice",
		    &it->unit_price, 0, rs) || in_money(x, "DiscountAmount",
		    &it->discount, 1, rs) || in_str(x, "Notes", &it->notes, rs))
			goto bad;
		if (!jx_has(x, "ProductId") || tab_get(&st->products,
		    it->product_id) == NULL) {
			ep_invalid(rs, "TransactionItems.ProductId",
			    "The product does not exist.");
			t->nitems++;
			goto bad;
		}
		if (!it->quantity.set) {
			it->quantity = money_cents(1);
			it->quantity.scale = 0;
		}
		if (!it->unit_price.set) {
			struct ep_product *p = tab_get(&st->products,
			    it->product_id);

			it->unit_price = p->sale;
		}
		if (!it->discount.set)
			it->discount = money_cents(0);
		t->nitems++;
		line = money_mul(&it->unit_price, &it->quantity);
		sum = money_add(&sum, &line);
		line = money_neg(&it->discount);
		sum = money_add(&sum, &line);
	}
	t->tenders = xcalloc(json_array_size(tenders) + 1, sizeof(*t->tenders));
	json_array_foreach(tenders, i, x) {
		struct ep_tender *td = &t->tenders[t->ntenders];

		if (!json_is_object(x) || in_long(x, "TenderTypeId",
		    &td->type_id, rs) || in_money(x, "Amount", &td->amount, 0,
		    rs) || in_money(x, "ChangeGiven", &td->change, 1, rs))
			goto bad;
		if (!td->change.set)
			td->change = money_cents(0);
		t->ntenders++;
	}
	if (t->service_charge.set)
		sum = money_add(&sum, &t->service_charge);
	if (t->gratuity.set)
		sum = money_add(&sum, &t->gratuity);
	if (t->discount_value.set) {
		line = money_neg(&t->discount_value);
		sum = money_add(&sum, &line);
	}
	if (sum.scale < 2) {
		sum.units = money_to_scale(&sum, 2);
		sum.scale = 2;
	}
	t->total = sum;
	if (!t->service_charge.set)
		t->service_charge = money_cents(0);
	if (!t->gratuity.set)
		t->gratuity = money_cents(0);
	if (!t->discount_value.set)
		t->discount_value = money_cents(0);
	t->datetime = now_utc();
	if (validate_only)
		return t;
	for (i = 0; i < (size_t)t->nitems; i++) {
		t->items[i].id = ++st->next_item_id;
	}
	for (i = 0; i < (size_t)t->ntenders; i++)
		t->tenders[i].id = ++st->next_tender_id;
	return t;
bad:
	txn_free(t);
	return NULL;
}

static void
txn_take_stock(struct epos *st, struct ep_txn *t, int sign)
{
	int i;

	for (i = 0; i < t->nitems; i++) {
		struct ep_product *p = tab_get(&st->products,
		    t->items[i].product_id);

		if (p != NULL)
			p->stock[0] -= sign * (long)money_to_scale(
			    &t->items[i].quantity, 0);
	}
}

static int
w_txn_create(struct epos *st, json_t *e, struct jw *w, struct resp *rs)
{
	struct ep_txn *t = txn_build(st, e, 0, rs);

	if (t == NULL)
		return -1;
	t->id = tab_add(&st->txns, t);
	txn_take_stock(st, t, 1);
	txn_json(st, t, w);
	return 0;
}

static void
h_txn_post(void *ctx, struct req *rq, struct resp *rs)
{
	write_many(ctx, rq, rs, w_txn_create);
}

static void
h_txn_validate(void *ctx, struct req *rq, struct resp *rs)
{
	struct epos *st = ctx;
	struct ep_txn *t;
	json_t *j;

	if (ep_auth(st, rq, rs) < 0)
		return;
	if ((j = body_json(rq, rs)) == NULL)
		return;
	pthread_rwlock_rdlock(&st->lock);
	t = json_is_object(j) ? txn_build(st, j, 1, rs) : NULL;
	pthread_rwlock_unlock(&st->lock);
	if (t != NULL) {
		wbuf_adds(&rs->body, "true");
		rs->status = 200;
		rs->json_ok = 1;
		txn_free(t);
	} else if (rs->status == 0)
		ep_err(rs, 400, "The request is invalid.");
	json_decref(j);
}

static void
h_txn_get(void *ctx, struct req *rq, struct resp *rs)
{
	struct epos *st = ctx;
	struct wbuf b = WBUF_INIT;
	struct ep_txn *t;
	struct jw w;

	if (ep_auth(st, rq, rs) < 0)
		return;
	pthread_rwlock_rdlock(&st->lock);
	t = tab_get(&st->txns, rq->ids[0]);
	if (t != NULL) {
		jw_init(&w, &b);
		txn_json(st, t, &w);
		rs->items_read = 1;
		send_json(rs, 200, &b);
	} else
		ep_err(rs, 404, NULL);
	pthread_rwlock_unlock(&st->lock);
	wbuf_release(&b);
}

static void
h_txn_delete(void *ctx, struct req *rq, struct resp *rs)
{
	struct epos *st = ctx;
	struct ep_txn *t;

	if (ep_auth(st, rq, rs) < 0)
		return;
	pthread_rwlock_wrlock(&st->lock);
	t = tab_del(&st->txns, rq->ids[0]);
	if (t != NULL) {
		txn_take_stock(st, t, -1);
		txn_free(t);
		wbuf_adds(&rs->body, "true");
		rs->status = 200;
		rs->json_ok = 1;
		rs->items_written = 1;
	} else
		ep_err(rs, 404, NULL);
	pthread_rwlock_unlock(&st->lock);
}

/* parses YYYY-MM-DD (a time part is ignored) into a day number */
static int
day_of(const char *s, int64_t *day)
{
	char buf[32];
	int64_t wall;
	int hz, zm;

	if (s == NULL || strlen(s) < 10)
		return -1;
	snprintf(buf, sizeof(buf), "%.10sT00:00:00", s);
	if (date_parse(buf, &wall, &hz, &zm) < 0)
		return -1;
	*day = wall / 86400;
	return 0;
}

static void
txn_list(struct epos *st, struct req *rq, struct resp *rs, int by_date)
{
	struct wbuf b = WBUF_INIT;
	struct jw w;
	long lim, page = page_param(rq, &lim), skip = (page - 1) * lim, got = 0;
	int64_t from = 0, to = 0;
	size_t i;

	if (ep_auth(st, rq, rs) < 0)
		return;
	if (by_date && (day_of(req_param(rq, "startDate"), &from) < 0 ||
	    day_of(req_param(rq, "endDate"), &to) < 0)) {
		ep_err(rs, 400, "The request is invalid. startDate and endDate "
		    "must be dates (YYYY-MM-DD).");
		return;
	}
	jw_init(&w, &b);
	pthread_rwlock_rdlock(&st->lock);
	jw_arr(&w);
	for (i = 0; i < st->txns.n && got < lim; i++) {
		struct ep_txn *t = st->txns.v[i];

		if (t == NULL)
			continue;
		if (by_date) {
			int64_t d = (t->datetime + (int64_t)st->zone * 60) /
			    86400;

			if (d < from || d > to)
				continue;
		}
		if (skip > 0) {
			skip--;
			continue;
		}
		txn_json(st, t, &w);
		got++;
	}
	jw_arr_end(&w);
	pthread_rwlock_unlock(&st->lock);
	rs->items_read = got;
	send_json(rs, 200, &b);
	wbuf_release(&b);
}

static void
h_txn_list(void *ctx, struct req *rq, struct resp *rs)
{
	txn_list(ctx, rq, rs, 0);
}

static void
h_txn_by_date(void *ctx, struct req *rq, struct resp *rs)
{
	txn_list(ctx, rq, rs, 1);
}

static void
h_txn_latest(void *ctx, struct req *rq, struct resp *rs)
{
	struct epos *st = ctx;
	struct wbuf b = WBUF_INIT;
	struct jw w;
	size_t i;

	if (ep_auth(st, rq, rs) < 0)
		return;
	jw_init(&w, &b);
	pthread_rwlock_rdlock(&st->lock);
	for (i = st->txns.n; i > 0; i--) {
		struct ep_txn *t = st->txns.v[i - 1];

		if (t != NULL) {
			txn_json(st, t, &w);
			break;
		}
	}
	pthread_rwlock_unlock(&st->lock);
	if (b.len == 0)
		ep_err(rs, 404, NULL);
	else
		send_json(rs, 200, &b);
	wbuf_release(&b);
}

/* ---------------------------------------------------------------- table */

#define R(m, p, f) { m, p, f, m " " p }
static const struct route ep_routes[] = {
	R("GET", "/Product", h_product_list),
	R("POST", "/Product", h_product_post),
	R("PUT", "/Product", h_product_put),
	R("DELETE", "/Product", h_product_delete),
	R("GET", "/Product/{id}", h_product_get),
	R("GET", "/Category", h_category_list),
	R("POST", "/Category", h_category_post),
	R("PUT", "/Category", h_category_put),
	R("DELETE", "/Category", h_category_delete),
	R("GET", "/Category/{id}", h_category_get),
	R("GET", "/ProductStock", h_stock_list),
	R("PUT", "/ProductStock", h_stock_put),
	R("GET", "/ProductStock/{id}", h_stock_get),
	R("GET", "/Location", h_location_list),
	R("GET", "/Location/{id}", h_location_list),
	R("GET", "/TenderType", h_tender_list),
	R("GET", "/TenderType/{id}", h_tender_list),
	R("GET", "/TaxGroup", h_taxgroup_list),
	R("GET", "/Customer", h_customer_list),
	R("POST", "/Customer", h_customer_post),
	R("PUT", "/Customer", h_customer_put),
	R("DELETE", "/Customer", h_customer_delete),
	R("GET", "/Customer/GetByEmail", h_customer_by_email),
	R("GET", "/Customer/{id}", h_customer_get),
	R("GET", "/CustomerType", h_ctype_list),
	R("POST", "/CustomerType", h_ctype_post),
	R("PUT", "/CustomerType", h_ctype_put),
	R("DELETE", "/CustomerType", h_ctype_delete),
	R("GET", "/CustomerType/{id}", h_ctype_list),
	R("GET", "/Transaction", h_txn_list),
	R("POST", "/Transaction", h_txn_post),
	R("GET", "/Transaction/GetByDate", h_txn_by_date),
	R("GET", "/Transaction/GetLatest", h_txn_latest),
	R("POST", "/Transaction/Validate", h_txn_validate),
	R("GET", "/Transaction/{id}", h_txn_get),
	R("GET", "/Transaction/{id}/{s}", h_txn_get),
	R("DELETE", "/Transaction/{id}", h_txn_delete),
};
#undef R

/* ---------------------------------------------------------------- ops */

static void *
ep_create(struct emu *e, const struct sb_options *o)
{
	struct epos *st = xcalloc(1, sizeof(*st));
	struct rng r;
	char *tok;
	struct wbuf b = WBUF_INIT;

	st->emu = e;
	st->zone = o->epos_zone_min;
	pthread_rwlock_init(&st->lock, NULL);
	strmap_init(&st->sku_idx, 1);
	strmap_init(&st->email_idx, 1);
	st->products.base = 1;
	st->cats.base = 1;
	st->customers.base = 1;
	st->ctypes.base = 1;
	st->txns.base = 1;
	rng_seed(&r, o->seed ^ 0xe905e905ULL);
	rng_hex(&r, st->key, 33);
	rng_hex(&r, st->secret, 33);
	for (tok = st->key; *tok != '\0'; tok++)
		*tok = (char)toupper((unsigned char)*tok);
	wbuf_addf(&b, "%s:%s", st->key, st->secret);
	tok = b64_encode_take((const unsigned char *)b.buf, b.len);
	wbuf_reset(&b);
	wbuf_addf(&b, "Basic %s", tok);
	free(tok);
	st->auth = wbuf_take(&b);
	return st;
}

static void
ep_clear(struct epos *st)
{
	tab_release(&st->products, product_free);
	tab_release(&st->cats, category_free);
	tab_release(&st->customers, customer_free);
	tab_release(&st->ctypes, ctype_free);
	tab_release(&st->txns, txn_free);
	strmap_release(&st->sku_idx);
	strmap_release(&st->email_idx);
	strmap_init(&st->sku_idx, 1);
	strmap_init(&st->email_idx, 1);
	st->products.base = st->cats.base = st->customers.base = 1;
	st->ctypes.base = st->txns.base = 1;
	st->next_item_id = st->next_tender_id = 0;
}

static void
ep_destroy(void *ctx)
{
	struct epos *st = ctx;

	ep_clear(st);
	strmap_release(&st->sku_idx);
	strmap_release(&st->email_idx);
	pthread_rwlock_destroy(&st->lock);
	free(st->auth);
	free(st);
}

static struct ep_product *
gen_product(const struct cat_item *it, long cat)
{
	struct ep_product *p = xcalloc(1, sizeof(*p));

	p->name = xstrdup(it->name);
	p->sku = xstrdup(it->sku);
	p->barcode = xstrdup(it->barcode);
	p->sale = money_cents(it->price_cents);
	p->eat_out = money_cents(it->price_cents);
	p->cost = money_cents(it->cost_cents);
	p->sale_inc = p->eat_out_inc = 1;
	p->sale_tax_group_id = p->eat_out_tax_group_id = 1;
	p->sell_on_till = 1;
	p->sell_on_web = !it->draft;
	p->category_id = cat;
	p->stock[0] = it->stock;
	p->stock[1] = it->stock / 3;
	p->max_stock[0] = 100;
	return p;
}

/*
 * The same merchant as the WooCommerce generator (catalog.c): variable
 * products become one Epos Now product per size sharing a VariantGroupId.
 * Differences real merchants have: every 50th product has no SKU in the
 * POS, every 10th customer has no e-mail, and every 15th shares the
 * previous customer's e-mail (Epos Now does not keep e-mails unique).
 */
static void
ep_generate(void *ctx, const struct sb_options *o)
{
	static const char *const types[] = { "Standard", "Trade", "Staff",
	    "VIP" };
	struct epos *st = ctx;
	struct cat_item it, v;
	struct cat_person per;
	long i, n;
	int k;

	pthread_rwlock_wrlock(&st->lock);
	for (k = 0; k < catalog_ncategories(); k++) {
		struct ep_category *c = xcalloc(1, sizeof(*c));

		c->name = xstrdup(catalog_category(k));
		c->show_on_till = 1;
		c->sort_position = k;
		c->id = tab_add(&st->cats, c);
	}
	for (k = 0; k < 4; k++) {
		struct ep_ctype *t = xcalloc(1, sizeof(*t));

		t->name = xstrdup(types[k]);
		t->discount = money_cents(k == 1 ? 1000 : 0);
		t->id = tab_add(&st->ctypes, t);
	}
	for (i = 0; i < o->products; i++) {
		catalog_item(o->seed, i, &it);
		if (!it.variable) {
			struct ep_product *p = gen_product(&it, it.category + 1);

			if (i % 50 == 49)
				setstr(&p->sku, NULL);
			p->id = tab_add(&st->products, p);
			index_product(st, p, 1);
			continue;
		}
		for (k = 0; k < CATALOG_NVAR; k++) {
			struct ep_product *p;

			catalog_variation(&it, k, &v);
			p = gen_product(&v, it.category + 1);
			p->variant_group_id = i + 1;
			p->size = xstrdup(k == 0 ? "S" : k == 1 ? "M" : "L");
			p->id = tab_add(&st->products, p);
			index_product(st, p, 1);
		}
	}
	for (i = 0; i < o->customers; i++) {
		struct ep_customer *c = xcalloc(1, sizeof(*c));
		struct ep_customer *prev = i > 0 ? tab_get(&st->customers,
		    tab_next_id(&st->customers) - 1) : NULL;

		catalog_person(o->seed, i, &per);
		c->forename = xstrdup(per.first);
		c->surname = xstrdup(per.last);
		if (i % 15 == 14 && prev != NULL && prev->email != NULL)
			c->email = xstrdup(prev->email);
		else if (i % 10 != 9)
			c->email = xstrdup(per.email);
		c->contact = xstrdup(per.phone);
		c->points = money_cents(per.points);
		c->points.scale = 0;
		c->points.units = per.points;
		c->max_credit = money_cents(0);
		c->balance = money_cents(0);
		c->type_id = i % 7 == 0 ? 2 : 1;
		c->signup = catalog_date(o->seed, i, o->customers);
		c->id = tab_add(&st->customers, c);
		index_customer(st, c, 1);
	}
	n = st->products.n > 0 ? (long)st->products.n : 0;
	for (i = 0; n > 0 && i < o->orders; i++) {
		struct ep_txn *t = xcalloc(1, sizeof(*t));
		struct rng r;
		int ni, j;

		rng_seed(&r, o->seed * 7919 + (uint64_t)i);
		ni = 1 + (int)rng_below(&r, 3);
		t->items = xcalloc((size_t)ni, sizeof(*t->items));
		t->total = money_cents(0);
		for (j = 0; j < ni; j++) {
			struct ep_product *p = NULL;
			struct money line;
			long tries;

			for (tries = 0; p == NULL && tries < 10; tries++)
				p = tab_get(&st->products, 1 + (long)rng_below(
				    &r, (uint64_t)n));
			if (p == NULL)
				continue;
			t->items[t->nitems].id = ++st->next_item_id;
			t->items[t->nitems].product_id = p->id;
			t->items[t->nitems].quantity = money_cents(0);
			t->items[t->nitems].quantity.scale = 0;
			t->items[t->nitems].quantity.units = 1 +
			    (long)rng_below(&r, 3);
			t->items[t->nitems].unit_price = p->sale;
			t->items[t->nitems].discount = money_cents(0);
			line = money_mul(&p->sale,
			    &t->items[t->nitems].quantity);
			t->total = money_add(&t->total, &line);
			t->nitems++;
		}
		t->tenders = xcalloc(1, sizeof(*t->tenders));
		t->tenders[0].id = ++st->next_tender_id;
		t->tenders[0].type_id = 1 + (long)rng_below(&r, 2);
		t->tenders[0].amount = t->total;
		t->tenders[0].change = money_cents(0);
		t->ntenders = 1;
		t->service_charge = t->gratuity = t->discount_value =
		    money_cents(0);
		t->status_id = 1;
		t->device_id = 1;
		t->staff_id = 1;
		t->customer_id = i % 3 == 0 && o->customers > 0 ?
		    1 + (long)rng_below(&r, (uint64_t)o->customers) : 0;
		t->datetime = catalog_date(o->seed, i, o->orders) + 9 * 3600;
		{
			char ref[32];

			snprintf(ref, sizeof(ref), "TILL-%06ld", i + 1);
			t->reference_code = xstrdup(ref);
		}
		t->id = tab_add(&st->txns, t);
	}
	pthread_rwlock_unlock(&st->lock);
}

static void
ep_prepare(void *ctx, struct req *rq)
{
	(void)ctx;
	(void)rq;
}

static void
ep_no_route(void *ctx, struct req *rq, struct resp *rs, int mismatch)
{
	char msg[600];

	(void)ctx;
	if (mismatch) {
		snprintf(msg, sizeof(msg), "The requested resource does not "
		    "support http method '%s'.", rq->method);
		ep_err(rs, 405, msg);
		return;
	}
	snprintf(msg, sizeof(msg), "No HTTP resource was found that matches "
	    "the request URI 'https://api.eposnowhq.com%.400s'.", rq->raw_path);
	ep_err(rs, 404, msg);
}

static void
ep_fault_body(void *ctx, enum fault_kind k, struct resp *rs)
{
	(void)ctx;
	wbuf_reset(&rs->body);
	rs->json_ok = 0;
	switch (k) {
	case FAULT_RATE_LIMIT:
	case FAULT_QUOTA:
		wbuf_adds(&rs->body, "API Limit Exceeded");
		rs->content_type = "text/plain; charset=utf-8";
		break;
	case FAULT_MAINTENANCE:
		wbuf_adds(&rs->body, "<!DOCTYPE html><html><head><title>"
		    "Service Unavailable</title></head><body><h1>Service "
		    "Unavailable</h1><p>Epos Now is undergoing scheduled "
		    "maintenance.</p></body></html>");
		rs->content_type = "text/html";
		break;
	case FAULT_REST_DISABLED:
		wbuf_adds(&rs->body, "{\"Message\":\"No HTTP resource was found "
		    "that matches the request URI.\"}");
		rs->json_ok = 1;
		break;
	case FAULT_SERVER_ERROR:
		if (rs->status == 500) {
			wbuf_adds(&rs->body, "{\"Message\":\"An error has "
			    "occurred.\"}");
		} else {
			wbuf_addf(&rs->body, "<html><head><title>%u Error"
			    "</title></head><body><h1>%u</h1></body></html>",
			    rs->status, rs->status);
			rs->content_type = "text/html";
		}
		break;
	case FAULT_MALFORMED:
		/* an IIS error page served as JSON with a 200 */
		wbuf_adds(&rs->body, "<!DOCTYPE html><html><body><h1>Server "
		    "Error in '/' Application.</h1></body></html>");
		rs->content_type = "application/json; charset=utf-8";
		break;
	case FAULT_NONE:
		break;
	}
}

static int
ep_is_api_path(void *ctx, const struct req *rq)
{
	(void)ctx;
	return strncasecmp(rq->path, "/api", 4) == 0 || rq->route != NULL;
}

static void
ep_ready(void *ctx, struct jw *w)
{
	struct epos *st = ctx;
	char url[96];

	snprintf(url, sizeof(url), "%s/api/V4", st->emu->base);
	jw_obj(w);
	jw_kstr(w, "base_url", url);
	jw_kstr(w, "api_key", st->key);
	jw_kstr(w, "api_secret", st->secret);
	jw_kstr(w, "authorization", st->auth);
	jw_kint(w, "page_size", EP_PAGE);
	jw_obj_end(w);
}

static void
ep_dump(void *ctx, struct jw *w)
{
	struct epos *st = ctx;
	size_t i;

	pthread_rwlock_rdlock(&st->lock);
	jw_obj(w);
	jw_key(w, "categories");
	jw_arr(w);
	for (i = 0; i < st->cats.n; i++)
		if (st->cats.v[i] != NULL)
			category_json(st->cats.v[i], w);
	jw_arr_end(w);
	jw_key(w, "customer_types");
	jw_arr(w);
	for (i = 0; i < st->ctypes.n; i++)
		if (st->ctypes.v[i] != NULL)
			ctype_json(st->ctypes.v[i], w);
	jw_arr_end(w);
	jw_key(w, "products");
	jw_arr(w);
	for (i = 0; i < st->products.n; i++) {
		struct ep_product *p = st->products.v[i];
		int loc;

		if (p == NULL)
			continue;
		product_json(st, p, w);
		/* re-open: add the stock per location (dump shape only) */
		w->out->len--;
		w->out->buf[w->out->len] = '\0';
		w->depth++;
		jw_key(w, "Stock");
		jw_arr(w);
		for (loc = 0; loc < EP_NLOC; loc++)
			jw_int(w, p->stock[loc]);
		jw_arr_end(w);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_key(w, "customers");
	jw_arr(w);
	for (i = 0; i < st->customers.n; i++)
		if (st->customers.v[i] != NULL)
			customer_json(st, st->customers.v[i], w);
	jw_arr_end(w);
	jw_key(w, "transactions");
	jw_arr(w);
	for (i = 0; i < st->txns.n; i++)
		if (st->txns.v[i] != NULL)
			txn_json(st, st->txns.v[i], w);
	jw_arr_end(w);
	jw_obj_end(w);
	pthread_rwlock_unlock(&st->lock);
}

static int
load_fail(struct wbuf *err, const char *what, size_t i, struct resp *rs)
{
	wbuf_addf(err, "eposnow.%s[%zu]: %s", what, i, wbuf_str(&rs->body));
	return -1;
}

/*
 * Fills an empty store from the dump shape (ep_dump).  Ids are kept;
 * read-only fields (SignUpDate, DateTime) are read back too.
 */
static int
load_into(struct epos *st, json_t *j, struct wbuf *err)
{
	struct resp rs;
	json_t *a, *e;
	size_t i;
	int rc = -1;
	int64_t wall;
	int hz, zm;

	memset(&rs, 0, sizeof(rs));
	json_array_foreach(json_object_get(j, "categories"), i, e) {
		struct ep_category *c = xcalloc(1, sizeof(*c));

		c->show_on_till = 1;
		if (category_apply(c, e, &rs) < 0 ||
		    tab_put(&st->cats, id_of(e), c) < 0) {
			category_free(c);
			load_fail(err, "categories", i, &rs);
			goto out;
		}
		c->id = id_of(e);
	}
	json_array_foreach(json_object_get(j, "customer_types"), i, e) {
		struct ep_ctype *t = xcalloc(1, sizeof(*t));

		if (ctype_apply(t, e, &rs) < 0 ||
		    tab_put(&st->ctypes, id_of(e), t) < 0) {
			ctype_free(t);
			load_fail(err, "customer_types", i, &rs);
			goto out;
		}
		t->id = id_of(e);
	}
	json_array_foreach(json_object_get(j, "products"), i, e) {
		struct ep_product *p = xcalloc(1, sizeof(*p));

		if (product_apply(st, p, e, &rs) < 0 ||
		    tab_put(&st->products, id_of(e), p) < 0) {
			product_free(p);
			load_fail(err, "products", i, &rs);
			goto out;
		}
		p->id = id_of(e);
		if (str_empty(p->name))
			setstr(&p->name, "");
		index_product(st, p, 1);
	}
	json_array_foreach(json_object_get(j, "customers"), i, e) {
		struct ep_customer *c = xcalloc(1, sizeof(*c));
		const char *d = jx_str(e, "SignUpDate");

		c->signup = now_utc();
		if (d != NULL && date_parse(d, &wall, &hz, &zm) == 0)
			c->signup = wall - (int64_t)st->zone * 60;
		if (customer_apply(st, c, e, &rs) < 0 ||
		    tab_put(&st->customers, id_of(e), c) < 0) {
			customer_free(c);
			load_fail(err, "customers", i, &rs);
			goto out;
		}
		c->id = id_of(e);
		if (!c->points.set) {
			c->points = money_cents(0);
			c->points.scale = 0;
		}
		if (!c->max_credit.set)
			c->max_credit = money_cents(0);
		if (!c->balance.set)
			c->balance = money_cents(0);
		index_customer(st, c, 1);
	}
	json_array_foreach(json_object_get(j, "transactions"), i, e) {
		struct ep_txn *t = txn_build(st, e, 0, &rs);
		const char *d = jx_str(e, "DateTime");

		if (t == NULL || tab_put(&st->txns, id_of(e), t) < 0) {
			if (t != NULL)
				txn_free(t);
			load_fail(err, "transactions", i, &rs);
			goto out;
		}
		t->id = id_of(e);
		if (d != NULL && date_parse(d, &wall, &hz, &zm) == 0)
			t->datetime = wall - (int64_t)st->zone * 60;
	}
	a = json_object_get(j, "products");
	(void)a;
	rc = 0;
out:
	wbuf_release(&rs.body);
	return rc;
}

#define SWAP(type, f) do {						\
	type t_ = a->f;							\
	a->f = b->f;							\
	b->f = t_;							\
} while (0)

static void
ep_swap(struct epos *a, struct epos *b)
{
	SWAP(struct tab, products);
	SWAP(struct strmap, sku_idx);
	SWAP(struct tab, cats);
	SWAP(struct tab, customers);
	SWAP(struct strmap, email_idx);
	SWAP(struct tab, ctypes);
	SWAP(struct tab, txns);
	SWAP(long, next_item_id);
	SWAP(long, next_tender_id);
}
#undef SWAP

/*
 * Replaces the whole state, or nothing: the data goes into a scratch store
 * first, so a bad record leaves the running one as it was.
 */
static int
ep_load(void *ctx, json_t *j, struct wbuf *err)
{
	struct epos *st = ctx, *tmp = xcalloc(1, sizeof(*tmp));
	int rc;

	tmp->emu = st->emu;
	tmp->zone = st->zone;
	strmap_init(&tmp->sku_idx, 1);
	strmap_init(&tmp->email_idx, 1);
	tmp->products.base = tmp->cats.base = tmp->customers.base = 1;
	tmp->ctypes.base = tmp->txns.base = 1;
	rc = load_into(tmp, j, err);
	if (rc == 0) {
		pthread_rwlock_wrlock(&st->lock);
		ep_swap(st, tmp);
		pthread_rwlock_unlock(&st->lock);
	}
	ep_clear(tmp);		/* the old state, or the half-loaded one */
	strmap_release(&tmp->sku_idx);
	strmap_release(&tmp->email_idx);
	free(tmp);
	return rc;
}

/* ---------------------------------------------------------------- control */

/*
 * "As a person would" at the till or in Back Office:
 *   POST   /eposnow/customers          {Forename, ..., CurrentPoints}
 *   PUT    /eposnow/customers/{id}     {any customer field}
 *   DELETE /eposnow/customers/{id}
 *   POST   /eposnow/customer-types     {Name}
 *   POST   /eposnow/products           {Name, SalePrice, ...}
 *   PUT    /eposnow/products/{id}      {any product field}
 *   PUT    /eposnow/stock              {ProductId, LocationId, CurrentStock}
 *   POST   /eposnow/transactions       {a V4 transaction body}
 */
static int
ep_control(void *ctx, const char *sub, struct req *rq, struct resp *rs)
{
	struct epos *st = ctx;
	struct wbuf b = WBUF_INIT;
	struct jw w;
	json_t *j = NULL;
	long id = 0;
	char what[32] = "";
	const char *m = rq->method;
	int rc = 0;

	if (sscanf(sub, "/%31[a-z-]/%ld", what, &id) < 1)
		return -1;
	if (rq->body_len > 0) {
		json_error_t je;

		j = json_loadb(rq->body, rq->body_len, 0, &je);
		if (!json_is_object(j)) {
			json_decref(j);
			ep_err(rs, 400, "control: body must be a JSON object");
			return 0;
		}
	} else
		j = json_object();
	jw_init(&w, &b);
	rs->status = 0;
	pthread_rwlock_wrlock(&st->lock);
	if (strcmp(what, "customers") == 0 && strcmp(m, "POST") == 0) {
		if (w_customer_create(st, j, &w, rs) == 0)
			rs->status = 201;
	} else if (strcmp(what, "customers") == 0 && id > 0 &&
	    strcmp(m, "PUT") == 0) {
		json_object_set_new(j, "Id", json_integer(id));
		if (w_customer_update(st, j, &w, rs) == 0)
			rs->status = 200;
	} else if (strcmp(what, "customers") == 0 && id > 0 &&
	    strcmp(m, "DELETE") == 0) {
		json_object_set_new(j, "Id", json_integer(id));
		if (w_customer_delete(st, j, &w, rs) == 0)
			rs->status = 200;
	} else if (strcmp(what, "customer-types") == 0 &&
	    strcmp(m, "POST") == 0) {
		if (w_ctype_create(st, j, &w, rs) == 0)
			rs->status = 201;
	} else if (strcmp(what, "products") == 0 && strcmp(m, "POST") == 0) {
		if (w_product_create(st, j, &w, rs) == 0)
			rs->status = 201;
	} else if (strcmp(what, "products") == 0 && id > 0 &&
	    strcmp(m, "PUT") == 0) {
		json_object_set_new(j, "Id", json_integer(id));
		if (w_product_update(st, j, &w, rs) == 0)
			rs->status = 200;
	} else if (strcmp(what, "stock") == 0 && strcmp(m, "PUT") == 0) {
		if (w_stock_update(st, j, &w, rs) == 0)
			rs->status = 200;
	} else if (strcmp(what, "transactions") == 0 &&
	    strcmp(m, "POST") == 0) {
		if (w_txn_create(st, j, &w, rs) == 0)
			rs->status = 201;
	} else
		rc = -1;
	pthread_rwlock_unlock(&st->lock);
	if (rc == 0 && rs->status >= 200 && rs->status < 300)
		resp_json(rs, rs->status, &b);
	else if (rc == 0 && rs->body.len == 0)
		ep_err(rs, rs->status ? rs->status : 404, "no such record");
	json_decref(j);
	wbuf_release(&b);
	return rc;
}

const struct emu_ops emu_eposnow_ops = {
	.name = "eposnow",
	.prefix = "/api/V4",
	.create = ep_create,
	.destroy = ep_destroy,
	.generate = ep_generate,
	.routes = ep_routes,
	.nroutes = sizeof(ep_routes) / sizeof(ep_routes[0]),
	.prepare = ep_prepare,
	.no_route = ep_no_route,
	.fault_body = ep_fault_body,
	.is_api_path = ep_is_api_path,
	.ready = ep_ready,
	.dump = ep_dump,
	.load = ep_load,
	.control = ep_control,
	.set_option = NULL,
};
