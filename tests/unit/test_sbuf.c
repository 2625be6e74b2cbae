#include "testutil.h"

#include "util/sbuf.h"

static void
check_invariants(const struct sbuf *sb)
{
	assert_non_null(sb->buf);
	assert_int_equal(sb->buf[sb->len], '\0');
	if (sb->cap)
		assert_true(sb->len <= sb->cap);
}

static void
test_sbuf__static_init(void **state)
{
	struct sbuf sb = SBUF_INIT;

	check_invariants(&sb);
	assert_int_equal(sb.len, 0);
	assert_string_equal(sb.buf, "");
	sbuf_release(&sb);
	check_invariants(&sb);
}

static void
test_sbuf__append_and_format(void **state)
{
	struct sbuf sb = SBUF_INIT;

	assert_int_equal(sbuf_addstr(&sb, "Updating product "), 0);
	assert_int_equal(sbuf_addf(&sb, "%d of %d", 825, 12403), 0);
	assert_int_equal(sbuf_addch(&sb, '.'), 0);
	check_invariants(&sb);
	assert_string_equal(sb.buf, "Updating product 825 of 12403.");
	for (int i = 0; i < 1000; i++)
		sbuf_addstr(&sb, "x");
	check_invariants(&sb);
	assert_int_equal(sb.len, 30 + 1000);
	sbuf_release(&sb);
}

static void
test_sbuf__cap_is_sticky(void **state)
{
	struct sbuf sb;

	sbuf_init(&sb, 8);
	assert_int_equal(sbuf_addstr(&sb, "12345"), 0);
	assert_int_equal(sbuf_addstr(&sb, "6789"), -1);   /* would pass the cap */
	check_invariants(&sb);
	assert_string_equal(sb.buf, "12345");          /* kept what it had */
	assert_true(sb.failed);
	assert_int_equal(sbuf_addstr(&sb, "6"), -1);      /* sticky until reset */
	sbuf_reset(&sb);
	assert_false(sb.failed);
	assert_int_equal(sbuf_addstr(&sb, "12345678"), 0);
	check_invariants(&sb);
	sbuf_release(&sb);
}

static void
test_sbuf__take_hands_over(void **state)
{
	struct sbuf sb = SBUF_INIT;
	char *p;

	p = sbuf_take(&sb);        /* empty: still a heap string */
	assert_string_equal(p, "");
	free(p);
	sbuf_addstr(&sb, "abc");
	p = sbuf_take(&sb);
	assert_string_equal(p, "abc");
	check_invariants(&sb);
	assert_int_equal(sb.len, 0);
	free(p);
}

static void
test_sbuf__error_set_and_prefix(void **state)
{
	struct sbuf err = SBUF_INIT;

	assert_int_equal(error_set(&err, "cannot open '%s'", "x.db"), -1);
	assert_string_equal(err.buf, "cannot open 'x.db'");
	error_prefix(&err, "opening store");
	assert_string_equal(err.buf, "opening store: cannot open 'x.db'");
	assert_int_equal(error_set(NULL, "ignored"), -1);
	sbuf_release(&err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sbuf__static_init),
		cmocka_unit_test(test_sbuf__append_and_format),
		cmocka_unit_test(test_sbuf__cap_is_sticky),
		cmocka_unit_test(test_sbuf__take_hands_over),
		cmocka_unit_test(test_sbuf__error_set_and_prefix),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
