/*
 * tlib_proc.c - see tlib.h: start the sandbox, read its ready line, stop
 * it; run a program to completion.
 */
#include <sys/prctl.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tlib.h"
#include "tlib_int.h"

#define READY_TIMEOUT_MS	20000
#define STOP_TIMEOUT_MS		10000

/* ---------------------------------------------------------------- processes */

/*
 * fork + exec with stdin from /dev/null, stdout to out_fd and stderr to
 * err_fd (-1: inherited).  The child dies with us (PR_SET_PDEATHSIG) so a
 * crashed test leaves no sandbox listening.
 */
static pid_t
spawn(const char *bin, const char *const *args, int out_fd, int err_fd)
{
	const char *argv[64];
	int n = 0, i, devnull;
	pid_t pid;

	argv[n++] = bin;
	for (i = 0; args != NULL && args[i] != NULL && n < 63; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		perror("tlib: fork");
		exit(1);
	}
	if (pid > 0)
		return pid;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	devnull = open("/dev/null", O_RDONLY);
	if (devnull >= 0)
		dup2(devnull, 0);
	if (out_fd >= 0)
		dup2(out_fd, 1);
	if (err_fd >= 0)
		dup2(err_fd, 2);
	signal(SIGPIPE, SIG_DFL);
	execv(bin, (char *const *)argv);
	_exit(127);
}

static int
cloexec_pipe(int p[2])
{
	if (pipe(p) < 0)
		return -1;
	fcntl(p[0], F_SETFD, FD_CLOEXEC);
	fcntl(p[1], F_SETFD, FD_CLOEXEC);
	return 0;
}

static int
status_code(int st)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return -1;
}

/* waits for pid up to ms; returns the status code, or -2 on timeout */
static int
wait_ms(pid_t pid, long ms)
{
	double end = tl_now_ms() + (double)ms;
	int st;
	pid_t r;

	for (;;) {
		r = waitpid(pid, &st, WNOHANG);
		if (r == pid)
			return status_code(st);
		if (r < 0 && errno != EINTR)
			return -1;
		if (tl_now_ms() >= end)
			return -2;
		tl_sleep_ms(5);
	}
}


static char *
fd_slurp(int fd)
{
	char *buf = NULL, tmp[4096];
	size_t len = 0, cap = 0;
	ssize_t r;
	off_t off = 0;

	while ((r = pread(fd, tmp, sizeof(tmp), off)) > 0) {
		tl_buf_add(&buf, &len, &cap, tmp, (size_t)r);
		off += r;
	}
	if (buf == NULL)
		buf = tl_strdup("");
	return buf;
}

static int
anon_file(void)
{
	const char *t = getenv("TMPDIR");
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/tlib-err.XXXXXX",
	    t != NULL && *t != '\0' ? t : "/tmp");
	fd = mkstemp(path);
	if (fd < 0) {
		perror("tlib: mkstemp");
		exit(1);
	}
	unlink(path);
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	return fd;
}

char *
tl_stderr(const struct tl_sandbox *sb)
{
	return sb->err_fd >= 0 ? fd_slurp(sb->err_fd) : tl_strdup("");
}

static void
copy_str(char *dst, size_t n, const char *s)
{
	snprintf(dst, n, "%s", s != NULL ? s : "");
}

static const char *
first_str(json_t *o, const char *const *keys)
{
	const char *v;
	int i;

	for (i = 0; keys[i] != NULL; i++)
		if ((v = tl_jstr(o, keys[i])) != NULL)
			return v;
	return NULL;
}

/* fills sb->emu[] from the ready line; 0 or -1 */
static int
parse_ready(struct tl_sandbox *sb)
{
	static const char *const kbase[] = { "base_url", "url", "api_url",
	    "base", NULL };
	static const char *const kkey[] = { "consumer_key", "api_key", "key",
	    "ck", NULL };
	static const char *const ksec[] = { "consumer_secret", "api_secret",
	    "secret", "cs", NULL };
	static const char *const krokey[] = { "ro_consumer_key",
	    "read_only_consumer_key", "read_only.consumer_key",
	    "read_only_key.consumer_key", "ro_key", "read_only_key", NULL };
	static const char *const krosec[] = { "ro_consumer_secret",
	    "read_only_consumer_secret", "read_only.consumer_secret",
	    "read_only_key.consumer_secret", "ro_secret", "read_only_secret",
	    NULL };
	json_error_t je;
	const char *k, *c;
	json_t *v;

	sb->ready = json_loads(sb->ready_line, JSON_REJECT_DUPLICATES, &je);
	if (!json_is_object(sb->ready))
		return -1;
	c = tl_jstr(sb->ready, "control");
	if (c == NULL)
		return -1;
	copy_str(sb->control, sizeof(sb->control), c);
	json_object_foreach(sb->ready, k, v) {
		struct tl_emu *e;
		size_t n;

		if (!json_is_object(v) || sb->nemu == TL_MAXEMU)
			continue;
		e = &sb->emu[sb->nemu++];
		memset(e, 0, sizeof(*e));
		copy_str(e->name, sizeof(e->name), k);
		e->ready = v;
		copy_str(e->base_url, sizeof(e->base_url), first_str(v, kbase));
		n = strlen(e->base_url);
		while (n > 0 && e->base_url[n - 1] == '/')
			e->base_url[--n] = '\0';
		copy_str(e->key, sizeof(e->key), first_str(v, kkey));
		copy_str(e->secret, sizeof(e->secret), first_str(v, ksec));
		copy_str(e->ro_key, sizeof(e->ro_key), first_str(v, krokey));
		copy_str(e->ro_secret, sizeof(e->ro_secret),
		    first_str(v, krosec));
		{
			size_t kl = strlen(e->key), sl = strlen(e->secret);

			/* key + ':' + secret always fits (160 + 1 + 160) */
			memcpy(e->userpwd, e->key, kl);
			e->userpwd[kl] = ':';
			memcpy(e->userpwd + kl + 1, e->secret, sl + 1);
		}
		e->tls = strncmp(e->base_url, "https:", 6) == 0;
	}
	return 0;
}

int
tl_try_start(struct tl_sandbox *sb, const char *bin,
    const char *const *args, char **err)
{
	char *line = NULL, tmp[4096], *nl = NULL;
	size_t len = 0, cap = 0;
	double end;
	int p[2], rc;

	tl_reg_init();
	memset(sb, 0, sizeof(*sb));
	sb->out_fd = sb->err_fd = -1;
	if (err != NULL)
		*err = NULL;
	if (cloexec_pipe(p) < 0) {
		perror("tlib: pipe");
		exit(1);
	}
	sb->err_fd = anon_file();
	sb->pid = spawn(bin, args, p[1], sb->err_fd);
	tl_reg_pid(sb->pid, 1);
	close(p[1]);
	sb->out_fd = p[0];
	end = tl_now_ms() + READY_TIMEOUT_MS;
	for (;;) {
		struct pollfd pfd = { sb->out_fd, POLLIN, 0 };
		double left = end - tl_now_ms();
		ssize_t r;

		if (line != NULL && (nl = strchr(line, '\n')) != NULL)
			break;
		if (left <= 0 || poll(&pfd, 1, (int)left) <= 0) {
			if (errno == EINTR && left > 0)
				continue;
			goto fail;
		}
		r = read(sb->out_fd, tmp, sizeof(tmp));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			goto fail;
		tl_buf_add(&line, &len, &cap, tmp, (size_t)r);
	}
	*nl = '\0';
	sb->rest = tl_strdup(nl + 1);
	sb->ready_line = line;
	if (parse_ready(sb) < 0) {
		fprintf(stderr, "tlib: ready line is not the expected JSON: "
		    "%s\n", sb->ready_line);
		line = NULL;
		goto fail;
	}
	return 0;
fail:
	kill(sb->pid, SIGKILL);
	rc = wait_ms(sb->pid, STOP_TIMEOUT_MS);
	tl_reg_pid(sb->pid, 0);
	sb->stopped = 1;
	if (err != NULL)
		*err = tl_stderr(sb);
	else {
		char *e = tl_stderr(sb);

		fprintf(stderr, "tlib: %s gave no ready line (status %d); "
		    "stderr:\n%s\n", bin, rc, e);
		free(e);
	}
	free(line);
	tl_sandbox_free(sb);
	return -1;
}

void
tl_start(struct tl_sandbox *sb, const char *bin, const char *const *args)
{
	if (tl_try_start(sb, bin, args, NULL) < 0)
		tl_fail(__FILE__, __LINE__, "tl_start", "a ready line",
		    "none (see above)");
}

int
tl_stop(struct tl_sandbox *sb)
{
	char tmp[4096];
	size_t len, cap;
	double end;
	int rc = -2;

	if (sb->pid <= 0 || sb->stopped)
		return -1;
	kill(sb->pid, SIGTERM);
	len = sb->rest != NULL ? strlen(sb->rest) : 0;
	cap = len + 1;
	if (sb->rest == NULL)
		sb->rest = tl_strdup("");
	end = tl_now_ms() + STOP_TIMEOUT_MS;
	fcntl(sb->out_fd, F_SETFL, O_NONBLOCK);
	while (tl_now_ms() < end) {
		ssize_t r;

		while ((r = read(sb->out_fd, tmp, sizeof(tmp))) > 0)
			tl_buf_add(&sb->rest, &len, &cap, tmp, (size_t)r);
		rc = wait_ms(sb->pid, 20);
		if (rc != -2)
			break;
	}
	if (rc == -2) {
		fprintf(stderr, "tlib: sandbox %d did not exit within %d ms of "
		    "SIGTERM; killing it\n", (int)sb->pid, STOP_TIMEOUT_MS);
		kill(sb->pid, SIGKILL);
		wait_ms(sb->pid, STOP_TIMEOUT_MS);
		rc = -1;
	} else {
		ssize_t r;

		while ((r = read(sb->out_fd, tmp, sizeof(tmp))) > 0)
			tl_buf_add(&sb->rest, &len, &cap, tmp, (size_t)r);
	}
	tl_reg_pid(sb->pid, 0);
	sb->stopped = 1;
	if (rc != 0 || getenv("TL_VERBOSE") != NULL) {
		char *e = tl_stderr(sb);

		if (*e != '\0')
			fprintf(stderr, "tlib: sandbox stderr (exit %d):\n%s",
			    rc, e);
		free(e);
	}
	return rc;
}

void
tl_sandbox_free(struct tl_sandbox *sb)
{
	if (sb->pid > 0 && !sb->stopped) {
		kill(sb->pid, SIGKILL);
		wait_ms(sb->pid, STOP_TIMEOUT_MS);
		tl_reg_pid(sb->pid, 0);
		sb->stopped = 1;
	}
	if (sb->out_fd >= 0)
		close(sb->out_fd);
	if (sb->err_fd >= 0)
		close(sb->err_fd);
	sb->out_fd = sb->err_fd = -1;
	json_decref(sb->ready);
	sb->ready = NULL;
	free(sb->ready_line);
	sb->ready_line = NULL;
	free(sb->rest);
	sb->rest = NULL;
	sb->nemu = 0;
}

int
tl_run(const char *bin, const char *const *args, long timeout_ms,
    char **out, char **err)
{
	char *b[2] = { NULL, NULL }, tmp[4096];
	size_t len[2] = { 0, 0 }, cap[2] = { 0, 0 };
	int po[2], pe[2], open_n = 2, rc, i;
	double end = tl_now_ms() + (double)timeout_ms;
	pid_t pid;

	tl_reg_init();
	if (cloexec_pipe(po) < 0 || cloexec_pipe(pe) < 0) {
		perror("tlib: pipe");
		exit(1);
	}
	pid = spawn(bin, args, po[1], pe[1]);
	tl_reg_pid(pid, 1);
	close(po[1]);
	close(pe[1]);
	while (open_n > 0) {
		struct pollfd pfd[2] = { { po[0], POLLIN, 0 },
		    { pe[0], POLLIN, 0 } };
		double left = end - tl_now_ms();

		if (left <= 0)
			break;
		if (poll(pfd, 2, (int)left) <= 0)
			continue;
		for (i = 0; i < 2; i++) {
			ssize_t r;

			if (pfd[i].fd < 0 || pfd[i].revents == 0)
				continue;
			r = read(pfd[i].fd, tmp, sizeof(tmp));
			if (r > 0)
				tl_buf_add(&b[i], &len[i], &cap[i], tmp,
				    (size_t)r);
			else if (r == 0 || errno != EINTR) {
				close(i == 0 ? po[0] : pe[0]);
				if (i == 0)
					po[0] = -1;
				else
					pe[0] = -1;
				open_n--;
			}
		}
	}
	rc = wait_ms(pid, open_n > 0 ? 0 : (long)(end - tl_now_ms()) + 1);
	if (rc == -2) {
		kill(pid, SIGKILL);
		wait_ms(pid, STOP_TIMEOUT_MS);
		rc = -1;
	}
	tl_reg_pid(pid, 0);
	if (po[0] >= 0)
		close(po[0]);
	if (pe[0] >= 0)
		close(pe[0]);
	for (i = 0; i < 2; i++)
		if (b[i] == NULL)
			b[i] = tl_strdup("");
	if (out != NULL)
		*out = b[0];
	else
		free(b[0]);
	if (err != NULL)
		*err = b[1];
	else
		free(b[1]);
	return rc;
}

int
tl_attach(struct tl_sandbox *sb, const char *line)
{
	size_t n;

	memset(sb, 0, sizeof(*sb));
	sb->out_fd = sb->err_fd = -1;
	sb->stopped = 1;
	sb->ready_line = tl_strdup(line);
	n = strlen(sb->ready_line);
	while (n > 0 && (sb->ready_line[n - 1] == '\n' ||
	    sb->ready_line[n - 1] == '\r'))
		sb->ready_line[--n] = '\0';
	if (parse_ready(sb) < 0) {
		tl_sandbox_free(sb);
		return -1;
	}
	return 0;
}

const struct tl_emu *
tl_emu(const struct tl_sandbox *sb, const char *name)
{
	int i;

	for (i = 0; i < sb->nemu; i++)
		if (strcmp(sb->emu[i].name, name) == 0)
			return &sb->emu[i];
	return NULL;
}

static _Thread_local char	urlbuf[8][1024];
static _Thread_local int	urlslot;

const char *
tl_url(const struct tl_sandbox *sb, const char *emu, const char *path)
{
	const struct tl_emu *e = tl_emu(sb, emu);
	char *b = urlbuf[urlslot++ % 8];

	snprintf(b, sizeof(urlbuf[0]), "%s%s", e != NULL ? e->base_url : "",
	    path != NULL ? path : "");
	return b;
}

const char *
tl_curl(const struct tl_sandbox *sb, const char *path)
{
	char *b = urlbuf[urlslot++ % 8];

	snprintf(b, sizeof(urlbuf[0]), "%s%s", sb->control,
	    path != NULL ? path : "");
	return b;
}
