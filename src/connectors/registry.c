/* The built-in connectors. The engine never links this file: the binary
 * hands connector_find to it, so "the engine never names a vendor" holds. */
#include <string.h>

#include "connectors/connector.h"

extern const struct connector_ops woocommerce_connector;
extern const struct connector_ops eposnow_connector;

const struct connector_ops *const connector_table[] = {
	&eposnow_connector,
	&woocommerce_connector,
	NULL,
};

const struct connector_ops *
connector_find(const char *kind)
{
	for (size_t i = 0; kind && connector_table[i]; i++)
		if (strcmp(connector_table[i]->kind, kind) == 0)
			return connector_table[i];
	return NULL;
}
