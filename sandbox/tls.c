/*
 * tls.c - a throw-away self-signed certificate for --woo-tls, made in memory
 * at start with OpenSSL and handed to libmicrohttpd (GnuTLS) as PEM.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "sandbox.h"

static char *
bio_take(BIO *b)
{
	char *data, *out;
	long n = BIO_get_mem_data(b, &data);

	out = xmalloc((size_t)n + 1);
	memcpy(out, data, (size_t)n);
	out[n] = '\0';
	return out;
}

/*
 * Makes a P-256 key and a certificate for CN=127.0.0.1 (SAN IP:127.0.0.1,
 * DNS:localhost) valid for 30 days.  On success *key and *cert are PEM text
 * the caller frees.  Returns 0, or -1 with a message in err.
 */
int
tls_make_self_signed(char **key, char **cert, struct wbuf *err)
{
	EVP_PKEY *pk = NULL;
	X509 *x = NULL;
	X509_NAME *nm;
	X509_EXTENSION *ext = NULL;
	X509V3_CTX ctx;
	BIO *bk = NULL, *bc = NULL;
	int rc = -1;

	*key = *cert = NULL;
	pk = EVP_EC_gen("P-256");
	if (pk == NULL)
		goto fail;
	x = X509_new();
	if (x == NULL || !X509_set_version(x, 2))
		goto fail;
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), -3600);
	X509_gmtime_adj(X509_getm_notAfter(x), 30L * 86400);
	if (!X509_set_pubkey(x, pk))
		goto fail;
	nm = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(nm, "CN", MBSTRING_ASC,
	    (const unsigned char *)"127.0.0.1", -1, -1, 0);
	X509_NAME_add_entry_by_txt(nm, "O", MBSTRING_ASC,
	    (const unsigned char *)"tillsync-sandbox", -1, -1, 0);
	if (!X509_set_issuer_name(x, nm))
		goto fail;
	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, NID_subject_alt_name,
	    "IP:127.0.0.1,DNS:localhost");
	if (ext == NULL || !X509_add_ext(x, ext, -1))
		goto fail;
	if (!X509_sign(x, pk, EVP_sha256()))
		goto fail;
	bk = BIO_new(BIO_s_mem());
	bc = BIO_new(BIO_s_mem());
	if (bk == NULL || bc == NULL ||
	    !PEM_write_bio_PrivateKey(bk, pk, NULL, NULL, 0, NULL, NULL) ||
	    !PEM_write_bio_X509(bc, x))
		goto fail;
	*key = bio_take(bk);
	*cert = bio_take(bc);
	rc = 0;
	goto out;
fail:
	wbuf_addf(err, "cannot make a self-signed TLS certificate with OpenSSL");
out:
	X509_EXTENSION_free(ext);
	BIO_free(bk);
	BIO_free(bc);
	X509_free(x);
	EVP_PKEY_free(pk);
	return rc;
}
