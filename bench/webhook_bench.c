/*
 * webhook_bench: signed WooCommerce-style deliveries per second that the
 * daemon takes in durably (stored before the 200), and their latency.
 *
 *   webhook_bench URL SECRET [deliveries] [concurrency]
 *
 * URL is the hook (http://127.0.0.1:P/hooks/ACCOUNT/shop). Loopback only;
 * bounded by the delivery count and a 120 s limit. Prints one JSON line.
 */
#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct slot {
	CURL *h;
	struct curl_slist *hdrs;
	char body[160];
	double started;
};

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t
discard(char *p, size_t s, size_t n, void *u)
{
	(void)p;
	(void)u;
	return s * n;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void
prepare(struct slot *s, const char *url, const char *secret, long order_id)
{
	unsigned char mac[EVP_MAX_MD_SIZE], b64[2 * EVP_MAX_MD_SIZE];
	unsigned int mac_len = 0;
	char sig[160];

	snprintf(s->body, sizeof(s->body), "{\"id\":%ld,\"status\":\"processing\",\"total\":\"21.99\"}", order_id);
	HMAC(EVP_sha256(), secret, (int)strlen(secret), (const unsigned char *)s->body, strlen(s->body), mac, &mac_len);
	EVP_EncodeBlock(b64, mac, (int)mac_len);
	snprintf(sig, sizeof(sig), "X-WC-Webhook-Signature: %s", (const char *)b64);
	curl_slist_free_all(s->hdrs);
	s->hdrs = curl_slist_append(NULL, "Content-Type: application/json");
	s->hdrs = curl_slist_append(s->hdrs, "X-WC-Webhook-Topic: order.updated");
	s->hdrs = curl_slist_append(s->hdrs, sig);
	curl_easy_setopt(s->h, CURLOPT_URL, url);
	curl_easy_setopt(s->h, CURLOPT_POSTFIELDS, s->body);
	curl_easy_setopt(s->h, CURLOPT_HTTPHEADER, s->hdrs);
	curl_easy_setopt(s->h, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(s->h, CURLOPT_TIMEOUT, 30L);
	s->started = now_s();
}

int
main(int argc, char **argv)
{
	long total, conc, sent = 0, done = 0, failed = 0;
	double *lat, t0, elapsed;
	struct slot *slots;
	CURLM *m;
	int running;

	if (argc < 3) {
		fprintf(stderr, "usage: webhook_bench URL SECRET [deliveries] [concurrency]\n");
		return 2;
	}
	if (strncmp(argv[1], "http://127.", 11) != 0) {
		fprintf(stderr, "webhook_bench: loopback URLs only\n");
		return 2;
	}
	total = argc > 3 ? strtol(argv[3], NULL, 10) : 20000;
	conc = argc > 4 ? strtol(argv[4], NULL, 10) : 32;
	if (total < 1 || conc < 1 || conc > 512)
		return 2;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	m = curl_multi_init();
	slots = calloc((size_t)conc, sizeof(*slots));
	lat = calloc((size_t)total, sizeof(*lat));
	t0 = now_s();
	for (long i = 0; i < conc && sent < total; i++) {
		slots[i].h = curl_easy_init();
		curl_easy_setopt(slots[i].h, CURLOPT_PRIVATE, &slots[i]);
		prepare(&slots[i], argv[1], argv[2], 1 + sent++ % 5000);
		curl_multi_add_handle(m, slots[i].h);
	}
	while (done < total && now_s() - t0 < 120) {
		CURLMsg *msg;
		int left;

		curl_multi_perform(m, &running);
		while ((msg = curl_multi_info_read(m, &left))) {
			struct slot *s;
			long code = 0;

			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&s);
			curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &code);
			if (msg->data.result != CURLE_OK || code != 200)
				failed++;
			lat[done++] = now_s() - s->started;
			curl_multi_remove_handle(m, s->h);
			if (sent < total) {
				prepare(s, argv[1], argv[2], 1 + sent++ % 5000);
				curl_multi_add_handle(m, s->h);
			}
		}
		curl_multi_poll(m, NULL, 0, 100, NULL);
	}
	elapsed = now_s() - t0;
	qsort(lat, (size_t)done, sizeof(*lat), cmp_double);
	printf("{\"deliveries\":%ld,\"failed\":%ld,\"concurrency\":%ld,\"seconds\":%.3f,\"per_second\":%.0f,"
	       "\"p50_ms\":%.2f,\"p99_ms\":%.2f,\"max_ms\":%.2f}\n", done, failed, conc, elapsed, (double)done / elapsed,
	       done ? lat[done / 2] * 1e3 : 0.0, done ? lat[(size_t)((double)done * 0.99)] * 1e3 : 0.0,
	       done ? lat[done - 1] * 1e3 : 0.0);
	for (long i = 0; i < conc; i++) {
		if (slots[i].h) {
			curl_multi_remove_handle(m, slots[i].h);
			curl_easy_cleanup(slots[i].h);
		}
		curl_slist_free_all(slots[i].hdrs);
	}
	curl_multi_cleanup(m);
	free(slots);
	free(lat);
	curl_global_cleanup();
	return failed ? 1 : 0;
}
