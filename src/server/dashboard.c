/*
 * dashboard.c: serves the embedded web/ files (see dashboard.h).
 */
#include "server/dashboard.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

const struct dashboard_asset *
dashboard_find(const char *name)
{
	for (size_t i = 0; name && i < dashboard_asset_count; i++)
		if (strcmp(dashboard_assets[i].path, name) == 0)
			return &dashboard_assets[i];
	return NULL;
}

/* Names are flat: letters, digits, '.', '-', '_'; no leading dot, no "..". */
static int
name_ok(const char *name)
{
	if (!*name || *name == '.' || strlen(name) > 64 || strstr(name, ".."))
		return 0;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '.' ||
		      *p == '-' || *p == '_'))
			return 0;
	return 1;
}

static void
etag_of(const struct dashboard_asset *a, char *out, size_t n)
{
	uint32_t h = 2166136261u;   /* FNV-1a: cheap, and the files are small */

	for (size_t i = 0; i < a->len; i++)
		h = (h ^ a->data[i]) * 16777619u;
	snprintf(out, n, "\"%08x-%zx\"", (unsigned)h, a->len);
}

static void
secure_headers(struct MHD_Response *r)
{
	MHD_add_response_header(r, "Content-Security-Policy", DASHBOARD_CSP);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
}

static enum MHD_Result
send_text(struct MHD_Connection *c, unsigned status, const char *text, const char *allow)
{
	struct MHD_Response *r;
	enum MHD_Result rc;

	r = MHD_create_response_from_buffer(strlen(text), (void *)(uintptr_t)text, MHD_RESPMEM_PERSISTENT);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", "text/plain; charset=utf-8");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	if (allow)
		MHD_add_response_header(r, "Allow", allow);
	secure_headers(r);
	rc = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return rc;
}

static enum MHD_Result
send_asset(struct MHD_Connection *c, const struct dashboard_asset *a)
{
	const char *inm = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-None-Match");
	struct MHD_Response *r;
	enum MHD_Result rc;
	unsigned status = 200;
	char etag[32];

	etag_of(a, etag, sizeof(etag));
	if (inm && strcmp(inm, etag) == 0) {
		status = 304;
		r = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
	} else {
		r = MHD_create_response_from_buffer(a->len, (void *)(uintptr_t)a->data, MHD_RESPMEM_PERSISTENT);
	}
	if (!r)
		return MHD_NO;
	if (status == 200)
		MHD_add_response_header(r, "Content-Type", a->content_type);
	/* revalidate every time: a new binary's files show at once, unchanged ones cost a 304 */
	MHD_add_response_header(r, "Cache-Control", "no-cache");
	MHD_add_response_header(r, "ETag", etag);
	secure_headers(r);
	rc = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return rc;
}

int
dashboard_serve(struct MHD_Connection *c, const char *method, const char *url, enum MHD_Result *rc)
{
	const struct dashboard_asset *a = NULL;
	int read_only = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;

	if (strcmp(url, "/") == 0 || strcmp(url, "/index.html") == 0) {
		a = dashboard_find("index.html");
	} else if (strncmp(url, "/assets/", 8) == 0) {
		if (name_ok(url + 8))
			a = dashboard_find(url + 8);
		if (read_only && (!a || strcmp(a->path, "index.html") == 0)) {
			*rc = send_text(c, 404, "no such dashboard file\n", NULL);
			return 1;
		}
	} else {
		return 0;
	}
	if (!read_only) {
		*rc = send_text(c, 405, "the dashboard is read with GET\n", "GET, HEAD");
		return 1;
	}
	if (!a) {
		*rc = send_text(c, 404, "the dashboard was not built into this binary\n", NULL);
		return 1;
	}
	*rc = send_asset(c, a);
	return 1;
}
