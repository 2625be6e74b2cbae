#include "connectors/model.h"

#include <stdlib.h>

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
