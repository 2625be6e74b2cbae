/*
 * main.c - tillsync-sandbox: every vendor emulator in one process.
 *
 *   tillsync-sandbox [--seed N] [--products N] [--customers N] [--orders N]
 *                    [--data FILE] [--woo-tls] [--woo-zone +HH:MM]
 *                    [--epos-zone +HH:MM] [--port NAME=P]
 *                    [--fault NAME='{"knob":value,...}'] [--verbose]
 *
 * When every listener is up it prints exactly one line of JSON on stdout
 * (the ready line, see README.md), then runs until SIGTERM or SIGINT.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <jansson.h>

#include "sandbox.h"

static const struct emu_ops *const emu_table[] = {
	&emu_woocommerce_ops,
	&emu_eposnow_ops,
};
#define NEMU (sizeof(emu_table) / sizeof(emu_table[0]))

struct cli {
	struct sb_options	 opt;
	unsigned short		 port[NEMU];
	unsigned short		 control_port;
	const char		*fault_arg[32];
	int			 nfault;
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: tillsync-sandbox [--seed N] [--products N] [--customers N] "
	    "[--orders N]\n"
	    "                        [--data FILE] [--woo-tls] "
	    "[--woo-zone +HH:MM] [--epos-zone +HH:MM]\n"
	    "                        [--port woocommerce|eposnow|control=P] "
	    "[--fault NAME=JSON] [--verbose]\n");
}

static int
parse_zone(const char *s, int *out)
{
	int h = 0, m = 0, sign = 1;

	if (*s == '+' || *s == '-') {
		sign = *s == '-' ? -1 : 1;
		s++;
	}
	if (sscanf(s, "%d:%d", &h, &m) < 1 || h > 14 || m > 59 || m < 0 ||
	    h < 0)
		return -1;
	*out = sign * (h * 60 + m);
	return 0;
}

static int
want_num(const char *flag, const char *v, long max, long *out)
{
	long n;

	if (v == NULL || parse_long(v, &n) < 0 || n < 0 || n > max) {
		fprintf(stderr, "tillsync-sandbox: %s needs a number between 0 "
		    "and %ld\n", flag, max);
		return -1;
	}
	*out = n;
	return 0;
}

static int
parse_args(int argc, char **argv, struct cli *c)
{
	int i;
	long n;

	memset(c, 0, sizeof(*c));
	c->opt.seed = 1;
	c->opt.products = 50;
	c->opt.customers = 20;
	c->opt.orders = 10;
	c->opt.woo_zone_min = 60;
	c->opt.epos_zone_min = 0;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--seed") == 0) {
			if (want_num(a, v, 0x7fffffffffffffffL, &n) < 0)
				return -1;
			c->opt.seed = (uint64_t)n;
			i++;
		} else if (strcmp(a, "--products") == 0) {
			if (want_num(a, v, 10000000, &c->opt.products) < 0)
				return -1;
			i++;
		} else if (strcmp(a, "--customers") == 0) {
			if (want_num(a, v, 10000000, &c->opt.customers) < 0)
				return -1;
			i++;
		} else if (strcmp(a, "--orders") == 0) {
			if (want_num(a, v, 10000000, &c->opt.orders) < 0)
				return -1;
			i++;
		} else if (strcmp(a, "--data") == 0 && v != NULL) {
			c->opt.data_file = v;
			i++;
		} else if (strcmp(a, "--woo-tls") == 0) {
			c->opt.woo_tls = 1;
		} else if ((strcmp(a, "--woo-zone") == 0 ||
		    strcmp(a, "--epos-zone") == 0) && v != NULL) {
			if (parse_zone(v, a[2] == 'w' ? &c->opt.woo_zone_min :
			    &c->opt.epos_zone_min) < 0) {
				fprintf(stderr, "tillsync-sandbox: %s needs a "
				    "zone like +01:00\n", a);
				return -1;
			}
			i++;
		} else if (strcmp(a, "--port") == 0 && v != NULL) {
			const char *eq = strchr(v, '=');
			size_t k;
			int hit = 0;

			if (eq == NULL || parse_long(eq + 1, &n) < 0 || n < 0 ||
			    n > 65535) {
				fprintf(stderr, "tillsync-sandbox: --port needs "
				    "NAME=PORT, e.g. woocommerce=8080\n");
				return -1;
			}
			if (strncmp(v, "control", (size_t)(eq - v)) == 0) {
				c->control_port = (unsigned short)n;
				hit = 1;
			}
			for (k = 0; k < NEMU; k++)
				if (strlen(emu_table[k]->name) ==
				    (size_t)(eq - v) && strncmp(v,
				    emu_table[k]->name, (size_t)(eq - v)) == 0) {
					c->port[k] = (unsigned short)n;
					hit = 1;
				}
			if (!hit) {
				fprintf(stderr, "tillsync-sandbox: --port: no "
				    "emulator named '%.*s'\n", (int)(eq - v), v);
				return -1;
			}
			i++;
		} else if (strcmp(a, "--fault") == 0 && v != NULL) {
			if (c->nfault == 32) {
				fprintf(stderr, "tillsync-sandbox: too many "
				    "--fault options\n");
				return -1;
			}
			c->fault_arg[c->nfault++] = v;
			i++;
		} else if (strcmp(a, "--verbose") == 0) {
			c->opt.verbose = 1;
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			exit(0);
		} else {
			fprintf(stderr, "tillsync-sandbox: unknown or incomplete "
			    "option '%s'\n", a);
			usage(stderr);
			return -1;
		}
	}
	return 0;
}

static int
apply_fault_arg(struct emu **emus, const char *arg)
{
	struct wbuf err = WBUF_INIT;
	const char *eq = strchr(arg, '=');
	json_error_t je;
	json_t *j = NULL;
	size_t k;
	int rc = -1, hit = 0;

	if (eq == NULL) {
		fprintf(stderr, "tillsync-sandbox: --fault needs NAME=JSON, e.g. "
		    "woocommerce='{\"workers\":4}'\n");
		return -1;
	}
	j = json_loads(eq + 1, 0, &je);
	if (j == NULL || !json_is_object(j)) {
		fprintf(stderr, "tillsync-sandbox: --fault %.*s: not a JSON "
		    "object (%s)\n", (int)(eq - arg), arg,
		    j == NULL ? je.text : "wrong type");
		goto out;
	}
	for (k = 0; k < NEMU; k++) {
		if (!(((size_t)(eq - arg) == 3 && strncmp(arg, "all", 3) == 0) ||
		    (strlen(emu_table[k]->name) == (size_t)(eq - arg) &&
		    strncmp(arg, emu_table[k]->name, (size_t)(eq - arg)) == 0)))
			continue;
		hit = 1;
		if (control_apply_faults(emus[k], j, &err) < 0) {
			fprintf(stderr, "tillsync-sandbox: --fault: %s\n",
			    wbuf_str(&err));
			goto out;
		}
	}
	if (!hit) {
		fprintf(stderr, "tillsync-sandbox: --fault: no emulator named "
		    "'%.*s'\n", (int)(eq - arg), arg);
		goto out;
	}
	rc = 0;
out:
	json_decref(j);
	wbuf_release(&err);
	return rc;
}

static int
load_file(struct emu **emus, const char *path)
{
	struct wbuf err = WBUF_INIT;
	json_error_t je;
	json_t *j, *sec;
	size_t k;
	int rc = -1;

	j = json_load_file(path, 0, &je);
	if (j == NULL || !json_is_object(j)) {
		fprintf(stderr, "tillsync-sandbox: cannot load '%s': %s (line "
		    "%d)\n", path, j == NULL ? je.text : "not a JSON object",
		    je.line);
		goto out;
	}
	for (k = 0; k < NEMU; k++) {
		sec = json_object_get(j, emu_table[k]->name);
		if (sec == NULL)
			continue;
		if (emu_table[k]->load(emus[k]->state, sec, &err) < 0) {
			fprintf(stderr, "tillsync-sandbox: cannot load '%s': "
			    "%s\n", path, wbuf_str(&err));
			goto out;
		}
	}
	rc = 0;
out:
	json_decref(j);
	wbuf_release(&err);
	return rc;
}

int
main(int argc, char **argv)
{
	struct emu *emus[NEMU];
	struct MHD_Daemon *control = NULL;
	struct wbuf err = WBUF_INIT, line = WBUF_INIT;
	struct cli c;
	struct jw w;
	sigset_t set;
	size_t k;
	int sig = 0, rc = 1;

	memset(emus, 0, sizeof(emus));
	if (parse_args(argc, argv, &c) < 0)
		return 2;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	curl_global_init(CURL_GLOBAL_DEFAULT);

	for (k = 0; k < NEMU; k++) {
		emus[k] = xcalloc(1, sizeof(*emus[k]));
		emus[k]->ops = emu_table[k];
		emus[k]->fault = fault_new(emu_table[k]->name, c.opt.seed);
		emus[k]->tls = strcmp(emu_table[k]->name, "woocommerce") == 0 &&
		    c.opt.woo_tls;
		emus[k]->state = emu_table[k]->create(emus[k], &c.opt);
		if (c.opt.data_file == NULL)
			emu_table[k]->generate(emus[k]->state, &c.opt);
	}
	if (c.opt.data_file != NULL && load_file(emus, c.opt.data_file) < 0)
		goto out;
	/* a bad --fault is a usage error, like any other bad flag */
	for (int i = 0; i < c.nfault; i++)
		if (apply_fault_arg(emus, c.fault_arg[i]) < 0) {
			rc = 2;
			goto out;
		}
	control_set_emus(emus, NEMU, &c.opt);

	for (k = 0; k < NEMU; k++) {
		if (server_start_emu(emus[k], c.port[k], &err) < 0) {
			fprintf(stderr, "tillsync-sandbox: %s: %s\n",
			    emu_table[k]->name, wbuf_str(&err));
			goto out;
		}
	}
	if (server_start_control(&control, &c.control_port, &err) < 0) {
		fprintf(stderr, "tillsync-sandbox: control: %s\n",
		    wbuf_str(&err));
		goto out;
	}

	jw_init(&w, &line);
	jw_obj(&w);
	for (k = 0; k < NEMU; k++) {
		jw_key(&w, emu_table[k]->name);
		emu_table[k]->ready(emus[k]->state, &w);
	}
	{
		char url[64];

		snprintf(url, sizeof(url), "http://127.0.0.1:%u",
		    c.control_port);
		jw_kstr(&w, "control", url);
	}
	jw_obj_end(&w);
	printf("%s\n", wbuf_str(&line));
	fflush(stdout);

	while (sigwait(&set, &sig) != 0 || (sig != SIGINT && sig != SIGTERM))
		;
	if (c.opt.verbose)
		fprintf(stderr, "tillsync-sandbox: signal %d, stopping\n", sig);
	rc = 0;
out:
	sb_set_stopping();
	server_stop(control);
	for (k = 0; k < NEMU; k++) {
		if (emus[k] == NULL)
			continue;
		if (emus[k]->state != NULL && emu_table[k]->stop != NULL)
			emu_table[k]->stop(emus[k]->state);
		server_stop(emus[k]->daemon);
	}
	for (k = 0; k < NEMU; k++) {
		if (emus[k] == NULL)
			continue;
		if (emus[k]->state != NULL)
			emu_table[k]->destroy(emus[k]->state);
		fault_free(emus[k]->fault);
		free(emus[k]->tls_key);
		free(emus[k]->tls_cert);
		free(emus[k]);
	}
	wbuf_release(&err);
	wbuf_release(&line);
	curl_global_cleanup();
	return rc;
}
