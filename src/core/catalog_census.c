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
#include "util/log.h"
#include "util/timeutil.h"

/* The target's products, read into the census; how the reading ended
 * (why, in re, when it failed). Only a listing read to its end counts (the
 * connector says "more" after a full page, whatever the page count says);
 * an empty page before the announced last one means the list moved or was
 * cut, so the census is not trusted. */
static enum sku_census_result
read_census(struct catalog_batch *b, const char ***skus, size_t *nskus, struct shop_product **all,
	    struct remote_error *re)
{
	struct change_page pg = { 1, 1, 0 };
	struct shop_product *page = NULL, *grown;
	const char **names;
	size_t n = 0, got;
	int announced = 0;
	enum sku_census_result result = SKU_CENSUS_COMPLETE;

	*all = NULL;
	for (;; pg.page++) {
		if (b->dst->ops->product_skus_page(b->dst, &pg, &page, &got, re) != REMOTE_OK) {
			result = SKU_CENSUS_FAILED;
			break;
		}
		if (pg.page == 1)
			announced = pg.pages;
		if (!got) {
			if (pg.page <= announced) {
				remote_fail(re, REMOTE_BAD_ANSWER, "page %d of %d came back empty", pg.page, announced);
				result = SKU_CENSUS_FAILED;
			}
			break;
		}
		/* the first page says how many there are: no need to read a big shop */
		if (n + got > SKU_CENSUS_MAX_RECORDS || (size_t)announced * got > SKU_CENSUS_MAX_RECORDS) {
			result = SKU_CENSUS_TOO_MANY;
			break;
		}
		if (!(grown = realloc(*all, (n + got) * sizeof(*grown)))) {
			remote_fail(re, REMOTE_TEMPORARY, "out of memory");
			result = SKU_CENSUS_FAILED;
			break;
		}
		memcpy(grown + n, page, got * sizeof(*grown));
		n += got;
		*all = grown;
		free(page);
		page = NULL;
		if (!pg.more)
			break;
	}
	free(page);
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

/* Product writes to a target that offers a census (its SKUs are unique). */
static int
census_applies(const struct catalog_batch *b)
{
	return !b->stock_only && b->dst->ops->product_skus_page;
}

void
catalog_census_prepare(struct catalog_batch *b, size_t creates)
{
	struct sku_census *census;
	const char **skus;
	struct shop_product *all;
	struct remote_error re;
	size_t n;
	enum sku_census_result result;

	if (!census_applies(b) || !creates || !b->n)
		return;
	census = engine_sku_census(b->engine);
	/* a few creates are cheaper to look up than a census of up to 20 pages */
	if (creates >= SKU_CENSUS_MIN_CREATES && sku_census_due(census, b->account.id, b->reverse, time_mono_ms())) {
		remote_error_init(&re);
		result = read_census(b, &skus, &n, &all, &re);
		sku_census_taken(census, b->account.id, b->reverse, result, skus, n, time_mono_ms());
		if (result == SKU_CENSUS_FAILED)
			flow_log(&b->ci[0].f, LOG_INFO, "SKU census of %s not taken (products are looked up by SKU "
				 "instead): %s", b->names.shop, re.message.buf);
		else if (result == SKU_CENSUS_TOO_MANY)
			flow_log(&b->ci[0].f, LOG_INFO, "%s holds more than %d products: they are looked up by SKU "
				 "a batch at a time", b->names.shop, SKU_CENSUS_MAX_RECORDS);
		remote_error_release(&re);
		free(skus);
		free(all);
		return;
	}
	/* a few pages another worker is reading spare this batch its lookup */
	sku_census_wait(census, b->account.id, b->reverse, SKU_CENSUS_WAIT_MS);
}

/* No attempt of this product, by this item or an earlier one, ever went
 * out: nothing of it can have landed. A store error counts as tried. */
static int
never_tried(struct catalog_batch *b, const struct catalog_item *ci)
{
	int tried = 1;

	if (ci->f.it->attempts > 1)
		return 0;
	if (store_queue_subject_tried(b->st, b->account.id, ci->f.it->subject_type, ci->f.it->subject_id, &tried,
				      &b->err) < 0)
		sbuf_reset(&b->err);   /* the lookup it falls back to is always safe */
	return !tried;
}

int
catalog_census_claim(struct catalog_batch *b, struct catalog_item *const *items, size_t n, const char *sku)
{
	struct sku_census *census;

	if (!census_applies(b))
		return 0;
	census = engine_sku_census(b->engine);
	if (!sku_census_fresh(census, b->account.id, b->reverse, time_mono_ms()))
		return 0;   /* no store reads when there is no census to claim from */
	for (size_t i = 0; i < n; i++)
		if (!never_tried(b, items[i]))
			return 0;
	return sku_census_claim(census, b->account.id, b->reverse, sku, time_mono_ms());
}

void
catalog_census_note(struct catalog_batch *b, const char *sku)
{
	if (census_applies(b))
		sku_census_note(engine_sku_census(b->engine), b->account.id, b->reverse, sku, time_mono_ms());
}

void
catalog_census_note_creates(struct catalog_batch *b, const struct product_write *w, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!w[i].shop_id[0])
			catalog_census_note(b, w[i].sku);
}
