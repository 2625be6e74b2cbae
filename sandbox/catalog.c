/*
 * catalog.c - deterministic product and person data.  See catalog.h.
 */
#include <stdio.h>
#include <string.h>

#include "catalog.h"
#include "wire.h"

static const char *const categories[] = {
	"Clothing", "Hoodies", "T-shirts", "Accessories", "Music", "Posters",
	"Decor", "Kitchen", "Garden", "Toys", "Books", "Uncategorized",
};
static const char *const adjectives[] = {
	"Blue", "Red", "Organic", "Vintage", "Classic", "Deluxe", "Mini",
	"Large", "Green", "Handmade", "Café", "Premium", "Everyday", "Smart",
};
static const char *const nouns[] = {
	"Hoodie", "T-Shirt", "Cap", "Mug", "Poster", "Vinyl", "Scarf", "Belt",
	"Teapot", "Planter", "Puzzle", "Notebook", "Lamp", "Socks", "Apron",
};
static const char *const firsts[] = {
	"Olivia", "Noah", "Amelia", "George", "Isla", "Arthur", "Ava", "Leo",
	"Mia", "Oscar", "Zoë", "Harry", "Freya", "Jack", "Chloé", "Muhammad",
};
static const char *const lasts[] = {
	"Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson",
	"Davies", "Patel", "Wright", "O'Neill", "Evans", "Walker", "Khan",
};
static const char *const cities[] = {
	"London", "Leeds", "Bristol", "Manchester", "York", "Bath", "Cardiff",
};

#define N(a) ((int)(sizeof(a) / sizeof(a[0])))

static void
seeded(struct rng *r, uint64_t seed, uint64_t salt, long i)
{
	rng_seed(r, seed * 0x9e3779b97f4a7c15ULL + salt * 1000003ULL +
	    (uint64_t)i);
}

int
catalog_ncategories(void)
{
	return N(categories);
}

const char *
catalog_category(int i)
{
	return categories[i % N(categories)];
}

void
catalog_item(uint64_t seed, long i, struct cat_item *it)
{
	struct rng r;

	seeded(&r, seed, 1, i);
	memset(it, 0, sizeof(*it));
	snprintf(it->name, sizeof(it->name), "%s %s %06ld",
	    adjectives[rng_below(&r, N(adjectives))],
	    nouns[rng_below(&r, N(nouns))], i + 1);
	snprintf(it->sku, sizeof(it->sku), "TS-%06ld", i + 1);
	snprintf(it->barcode, sizeof(it->barcode), "50%011ld",
	    (long)(1000000 + i % 10000000));
	it->price_cents = 199 + (int64_t)rng_below(&r, 9800);
	it->cost_cents = it->price_cents * 45 / 100;
	if (rng_below(&r, 7) == 0)
		it->sale_cents = it->price_cents * 80 / 100;
	it->stock = (long)rng_below(&r, 101);
	it->category = (int)rng_below(&r, (uint64_t)N(categories) - 1);
	it->variable = i % 10 == 9;
	it->manage_stock = i % 5 != 4;
	it->draft = i % 20 == 19;
}

void
catalog_variation(const struct cat_item *parent, int k, struct cat_item *v)
{
	static const char *const sizes[CATALOG_NVAR] = { "S", "M", "L" };

	*v = *parent;
	v->variable = 0;
	v->manage_stock = 1;
	snprintf(v->name, sizeof(v->name), "%.50s - %s", parent->name,
	    sizes[k]);
	snprintf(v->sku, sizeof(v->sku), "%.24s-%s", parent->sku, sizes[k]);
	snprintf(v->barcode, sizeof(v->barcode), "%.11s%c", parent->barcode,
	    (char)('1' + (k % 9)));
	v->price_cents = parent->price_cents + k * 100;
	v->cost_cents = v->price_cents * 45 / 100;
	v->sale_cents = 0;
	v->stock = (parent->stock + 7 * k) % 40;
}

void
catalog_person(uint64_t seed, long i, struct cat_person *p)
{
	struct rng r;
	const char *f, *l;
	char lf[32], ll[32];
	size_t k, o;

	seeded(&r, seed, 2, i);
	memset(p, 0, sizeof(*p));
	f = firsts[rng_below(&r, N(firsts))];
	l = lasts[rng_below(&r, N(lasts))];
	snprintf(p->first, sizeof(p->first), "%s", f);
	snprintf(p->last, sizeof(p->last), "%s", l);
	/* e-mail local part: ASCII letters only, lower case */
	for (k = 0, o = 0; f[k] != '\0' && o + 1 < sizeof(lf); k++)
		if ((f[k] >= 'A' && f[k] <= 'Z') || (f[k] >= 'a' && f[k] <= 'z'))
			lf[o++] = (char)(f[k] | 0x20);
	lf[o] = '\0';
	for (k = 0, o = 0; l[k] != '\0' && o + 1 < sizeof(ll); k++)
		if ((l[k] >= 'A' && l[k] <= 'Z') || (l[k] >= 'a' && l[k] <= 'z'))
			ll[o++] = (char)(l[k] | 0x20);
	ll[o] = '\0';
	snprintf(p->email, sizeof(p->email), "%.24s.%.24s%ld@example.test",
	    lf, ll, (i + 1) % 100000000L);
	snprintf(p->phone, sizeof(p->phone), "07700 9%05ld", i % 100000);
	snprintf(p->city, sizeof(p->city), "%s",
	    cities[rng_below(&r, N(cities))]);
	snprintf(p->postcode, sizeof(p->postcode), "AB%02u %uCD",
	    (unsigned)rng_below(&r, 90) % 90 + 10,
	    (unsigned)rng_below(&r, 9) % 9 + 1);
	p->points = (long)rng_below(&r, 501);
}

int64_t
catalog_date(uint64_t seed, long i, long n)
{
	const int64_t base = 1704067200;	/* 2024-01-01T00:00:00Z */
	const int64_t span = 300LL * 86400;

	(void)seed;
	if (n <= 0)
		n = 1;
	return base + (int64_t)((double)span * (double)i / (double)n);
}
