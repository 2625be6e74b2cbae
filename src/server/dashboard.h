/*
 * dashboard.h: the merchant/support web dashboard, served from memory.
 *
 * The files in web/ are turned into a C array at build time (web/embed.cmake
 * writes dashboard_assets.c into the build tree; target ts_dashboard_assets),
 * so the binary needs nothing on disk and works offline.
 *
 *	GET /                 -> index.html
 *	GET /assets/<file>    -> that file, with its Content-Type
 *
 * Every answer carries a strict Content-Security-Policy (no inline script or
 * style, nothing from another origin), X-Content-Type-Options: nosniff and
 * X-Frame-Options: DENY. HEAD is answered like GET.
 */
#ifndef TILLSYNC_DASHBOARD_H
#define TILLSYNC_DASHBOARD_H

#include <stddef.h>

#include <microhttpd.h>

struct dashboard_asset {
	const char *path;            /* "index.html", "app.js": the name under web/ */
	const char *content_type;    /* "text/html; charset=utf-8" */
	const unsigned char *data;
	size_t len;
};

/* Defined by the generated dashboard_assets.c. */
extern const struct dashboard_asset dashboard_assets[];
extern const size_t dashboard_asset_count;

#define DASHBOARD_CSP                                                                                   \
	"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "               \
	"frame-ancestors 'none'"

/* The asset named "index.html" or "app.js", or NULL. */
const struct dashboard_asset *dashboard_find(const char *name);

/*
 * 1 when the request was the dashboard's (the answer is queued and *rc is
 * MHD's result), 0 when it is not (nothing was done: route it elsewhere).
 */
int dashboard_serve(struct MHD_Connection *c, const char *method, const char *url, enum MHD_Result *rc);

#endif
