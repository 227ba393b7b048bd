/*
 * test_buf.c -- the registry writer's buffers: oms_buf's appends across
 * its growth and its max
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "oms.h"

/* a deterministic generator */
static uint32_t
rnd(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return (*s >> 8);
}

/* ---------------------------------------------------------------- oms_buf */

/* b's invariants: room for the NUL, within max, NUL-terminated */
static void
check_buf(const struct oms_buf *b)
{
	assert_non_null(b->s);
	assert_true(b->len < b->cap);
	assert_true(b->len <= b->max);
	assert_true(b->cap <= b->max + 1);
	assert_int_equal(b->s[b->len], '\0');
}

/*
 * Appends of every size through the buffer's growth up to its max: each
 * lands whole, one past the max is refused and leaves the buffer as it
 * was; oms_buf_grow's room is there to be written.
 */
static void
test_buf_appends(void **state)
{
	struct oms_err e = { 0 };
	struct oms_buf b;
	char src[300], *want;
	size_t max, n, k;
	uint32_t seed = 5;
	int round;

	(void)state;
	for (k = 0; k < sizeof(src); k++)
		src[k] = (char)('a' + k % 26);
	for (round = 0; round < 200; round++) {
		max = 1 + rnd(&seed) % 3000;
		want = malloc(max + 1);
		assert_non_null(want);
		oms_buf_init(&b, max);
		n = 0;
		for (;;) {
			unsigned how = rnd(&seed) % 3;

			k = how == 0 ? 1 : rnd(&seed) % (how == 1 ? 8 :
			    sizeof(src));
			if (n + k > max)
				break;
			if (how == 0)
				assert_int_equal(oms_buf_addc(&b, src[n % 26],
				    &e), 0);
			else if (k > 0 && rnd(&seed) % 2 == 0) {
				/* room made, then written in place */
				assert_int_equal(oms_buf_grow(&b, k, &e), 0);
				assert_true(b.cap - b.len > k);
				memcpy(b.s + b.len, src, k);
				b.len += k;
				b.s[b.len] = '\0';
			} else
				assert_int_equal(oms_buf_add(&b, src, k, &e),
				    0);
			memcpy(want + n, how == 0 ? &src[n % 26] : src, k);
			n += k;
			check_buf(&b);
			assert_int_equal(b.len, n);
		}
		assert_int_equal(e.code, 0);
		/* fill it to the max exactly: then nothing more goes in */
		if (n < max)
			assert_int_equal(oms_buf_add(&b, src, max - n, &e), 0);
		memcpy(want + n, src, max - n);
		check_buf(&b);
		assert_int_equal(b.len, max);
		assert_int_equal(oms_buf_addc(&b, 'x', &e), -1);
		assert_int_equal(e.code, OMS_EDATA);
		e.code = 0;
		assert_int_equal(oms_buf_add(&b, src, 1, &e), -1);
		assert_int_equal(oms_buf_grow(&b, 1, &e), -1);
		e.code = 0;
		assert_int_equal(b.len, max);
		assert_memory_equal(b.s, want, max);
		check_buf(&b);
		/* nothing is no more */
		assert_int_equal(oms_buf_add(&b, src, 0, &e), 0);
		assert_int_equal(oms_buf_grow(&b, 0, &e), 0);
		oms_buf_release(&b);
		free(want);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buf_appends),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
