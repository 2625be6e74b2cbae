/*
 * catalog_census.c: the catalog batch's use of the SKU census
 * (sku_census.h): whether an unlinked product about to be created needs
 * its SKU looked up in the target first.
 *
 * Only a product on its first try is created on the census' word: a retry
 * may follow a create whose answer was lost, perhaps in another process,
 * and is always looked up. Every create is noted before it is sent, so a
 * second product with the same SKU in this process is looked up as well.
 */
#include <stdlib.h>
#include <string.h>

#include "core/catalog.h"
#include "core/sku_census.h"
#include "util/timeutil.h"

/* The target's products, read into the census; how the reading ended. */
static enum sku_census_result
read_census(struct catalog_batch *b, const char ***skus, size_t *nskus, struct shop_product **all)
{
	struct change_page pg = { 1, 1, 0 };
	struct shop_product *page = NULL, *grown;
	const char **names;
	size_t n = 0, got;
	struct remote_error re;
	enum sku_census_result result = SKU_CENSUS_COMPLETE;

	remote_error_init(&re);
	*all = NULL;
	while (pg.more) {
		if (b->dst->ops->product_skus_page(b->dst, &pg, &page, &got, &re) != REMOTE_OK) {
			result = SKU_CENSUS_FAILED;
			break;
		}
		if (!got)
			break;   /* an empty page ends the list, whatever else the answer says */
		/* the first page says how many there are: no need to read a big shop */
		if (n + got > SKU_CENSUS_MAX_RECORDS ||
		    (pg.page == 1 && pg.more && (size_t)pg.pages * got > SKU_CENSUS_MAX_RECORDS)) {
			result = SKU_CENSUS_TOO_MANY;
			break;
		}
		if (got) {
			if (!(grown = realloc(*all, (n + got) * sizeof(*grown)))) {
				result = SKU_CENSUS_FAILED;
				break;
			}
			memcpy(grown + n, page, got * sizeof(*grown));
			n += got;
			*all = grown;
		}
		free(page);
		page = NULL;
		pg.page++;
	}
	free(page);
	remote_error_release(&re);
	*skus = NULL;
	*nskus = 0;
	if (result != SKU_CENSUS_COMPLETE || !n)
		return result;
	if (!(names = calloc(n, sizeof(*names))))
		return SKU_CENSUS_FAILED;
	for (size_t i = 0; i < n; i++)
		/* a product in the trash does not hold its SKU: the matching passes it by too */
		if (strcmp((*all)[i].status, "trash") != 0)
			names[(*nskus)++] = (*all)[i].sku;
	*skus = names;
	return result;
}

void
catalog_census_prepare(struct catalog_batch *b, size_t creates)
{
	struct sku_census *census;
	const char **skus;
	struct shop_product *all;
	size_t n;
	enum sku_census_result result;

	if (b->stock_only || !b->dst->ops->product_skus_page || !creates)
		return;
	census = engine_sku_census(b->engine);
	/* a few creates are cheaper to look up than a census of up to 20 pages */
	if (creates >= SKU_CENSUS_MIN_CREATES && sku_census_due(census, b->account.id, b->reverse, time_now_ms())) {
		result = read_census(b, &skus, &n, &all);
		sku_census_taken(census, b->account.id, b->reverse, result, skus, n, time_now_ms());
		free(skus);
		free(all);
		return;
	}
	/* a few pages another worker is reading spare this batch its lookup */
	sku_census_wait(census, b->account.id, b->reverse, SKU_CENSUS_WAIT_MS);
}

int
catalog_census_claim(struct catalog_batch *b, int first_try, const char *sku)
{
	if (!first_try || b->stock_only || !b->dst->ops->product_skus_page)
		return 0;
	return sku_census_claim(engine_sku_census(b->engine), b->account.id, b->reverse, sku, time_now_ms());
}

void
catalog_census_note_creates(struct catalog_batch *b, const struct product_write *w, size_t n)
{
	if (b->stock_only || !b->dst->ops->product_skus_page)
		return;
	for (size_t i = 0; i < n; i++)
		if (!w[i].shop_id[0])
			sku_census_note(engine_sku_census(b->engine), b->account.id, b->reverse, w[i].sku);
}
