/*
 * catalog.h - one merchant's deterministic data, shared by the emulators'
 * generators so that the POS and the shop start out describing the same
 * products and people (with the differences real merchants have).
 *
 * Every record is a pure function of (seed, index): generation needs no
 * state, runs in any order and is repeatable.
 */
#ifndef SANDBOX_CATALOG_H
#define SANDBOX_CATALOG_H

#include <stdint.h>

struct cat_item {
	char	name[64];
	char	sku[32];
	char	barcode[16];
	int64_t	price_cents;	/* tax inclusive, as a UK shop enters it */
	int64_t	cost_cents;
	int64_t	sale_cents;	/* 0: not on sale */
	long	stock;
	int	category;	/* index into catalog_category() */
	int	variable;	/* has size variations S/M/L */
	int	manage_stock;
	int	draft;
};

struct cat_person {
	char	first[24];
	char	last[24];
	char	email[96];
	char	phone[24];
	char	city[32];
	char	postcode[16];
	long	points;
};

#define CATALOG_NVAR 3

void	 catalog_item(uint64_t, long, struct cat_item *);
void	 catalog_variation(const struct cat_item *, int, struct cat_item *);
void	 catalog_person(uint64_t, long, struct cat_person *);
int	 catalog_ncategories(void);
const char *catalog_category(int);
/* 2024-01-01T00:00:00Z + a deterministic spread over 300 days */
int64_t	 catalog_date(uint64_t, long, long);

#endif
