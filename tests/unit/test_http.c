#include "testutil.h"

#include "http/client.h"
#include "http/oauth1.h"

/* Expected signatures computed independently (Python hmac/hashlib/base64). */
static void
test_oauth1__known_vectors(void **state)
{
	struct sbuf err = SBUF_INIT;
	const char *url = "http://127.0.0.1:8080/wp-json/wc/v3/products?per_page=100&sku=A%20B";
	char *signed_url;

	signed_url = oauth1_sign_url("GET", url, "ck_x", "cs_y", OAUTH1_HMAC_SHA256, "abc", 1700000000, &err);
	assert_non_null(signed_url);
	assert_non_null(strstr(signed_url, "oauth_signature=PYmDLVaBXvp3V4TF4bBEfScdsJ6eYORXlvSWM6uBVZc%3D"));
	assert_non_null(strstr(signed_url, "oauth_signature_method=HMAC-SHA256"));
	assert_true(strncmp(signed_url, url, strlen(url)) == 0);   /* original query kept */
	assert_null(strstr(signed_url, "cs_y"));                   /* the secret never travels */
	free(signed_url);
	signed_url = oauth1_sign_url("GET", url, "ck_x", "cs_y", OAUTH1_HMAC_SHA1, "abc", 1700000000, &err);
	assert_non_null(strstr(signed_url, "oauth_signature=v6ga97opHFKtenSE8aZrultiMsk%3D"));
	free(signed_url);
	sbuf_release(&err);
}

static void
test_http__basic_auth_and_encoding(void **state)
{
	char *a = http_basic_auth("key", "secret"), *e = http_url_encode("a b/c~d&é");

	assert_string_equal(a, "Basic a2V5OnNlY3JldA==");
	assert_string_equal(e, "a%20b%2Fc~d%26%C3%A9");
	free(a);
	free(e);
}

static void
test_http__connect_failure_is_plain(void **state)
{
	struct http_request rq = HTTP_REQUEST_INIT;
	struct http_response rs;
	struct http_client *c;
	struct sbuf err = SBUF_INIT;

	assert_int_equal(http_client_new(&c, &err), 0);
	http_response_init(&rs);
	rq.url = "http://127.0.0.1:9/never?consumer_secret=hidden";   /* discard port: nothing listens */
	assert_int_equal(http_do(c, &rq, &rs, &err), -1);
	assert_int_equal(rs.failure, HTTP_FAIL_CONNECT);
	assert_non_null(strstr(err.buf, "cannot connect"));
	assert_null(strstr(err.buf, "hidden"));   /* query strings never reach messages */
	http_response_release(&rs);
	http_client_free(c);
	sbuf_release(&err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_oauth1__known_vectors),
		cmocka_unit_test(test_http__basic_auth_and_encoding),
		cmocka_unit_test(test_http__connect_failure_is_plain),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
