#include "connectors/model.h"

#include <stdlib.h>
#include <string.h>

void
order_release(struct order *o)
{
	free(o->lines);
	o->lines = NULL;
	o->nlines = 0;
}

void
orders_free(struct order *o, size_t n)
{
	for (size_t i = 0; i < n; i++)
		order_release(&o[i]);
	free(o);
}

int
shop_product_list_add(struct shop_product_list *l, const struct shop_product *p)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].id, p->id) == 0)
			return 0;   /* found twice (asked twice, or by two SKUs of a list) */
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;
		struct shop_product *grown = realloc(l->v, cap * sizeof(*grown));

		if (!grown)
			return -1;
		l->v = grown;
		l->cap = cap;
	}
	l->v[l->n++] = *p;
	return 0;
}

void
variable_product_release(struct variable_product *v)
{
	free(v->variations);
	v->variations = NULL;
	v->nvariations = 0;
	free(v->kept);
	v->kept = NULL;
}

void
pos_sale_release(struct pos_sale *s)
{
	free(s->lines);
	s->lines = NULL;
	s->nlines = 0;
}
