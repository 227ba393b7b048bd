/*
 * test_rules_set.c -- the exact string set of the rule engine (the values
 * a registry-unique rule has seen, the links of the kept cases): no value
 * taken for another when their hashes or tags collide, a GUID packed
 * without losing its case, long values, values kept with their strings
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
#include "oms_int.h"
#include "rules_int.h"

/* every value in one probe chain: each look-up compares many */
static uint32_t
same_hash(const unsigned char *p, size_t n)
{
	(void)p;
	(void)n;
	return (0x5a5a5a5a);
}

static int
add(struct omsi_rset *st, const char *s)
{
	return (omsi_rset_add(st, s, strlen(s)));
}

static void
guid(char *buf, unsigned i, int upper)
{
	snprintf(buf, 37, upper ? "%08X-%04X-4ABC-8DEF-%012X" :
	    "%08x-%04x-4abc-8def-%012x", i * 2654435761u, i & 0xffff, i);
}

static void
many(uint32_t (*hash)(const unsigned char *, size_t), unsigned n)
{
	struct omsi_rset st;
	char b[40];
	unsigned i;

	omsi_rset_init(&st, 0);
	st.hash = hash;
	for (i = 0; i < n; i++) {
		guid(b, i, 0);
		assert_int_equal(add(&st, b), 0);
	}
	/* the same values again are there; their uppercase twins not */
	for (i = 0; i < n; i++) {
		guid(b, i, 0);
		assert_int_equal(add(&st, b), 1);
		guid(b, i, 1);
		assert_int_equal(omsi_rset_get(&st, b, strlen(b), NULL), 0);
	}
	/* a value one digit away is new */
	for (i = 0; i < n; i++) {
		guid(b, i, 0);
		b[35] = b[35] == '0' ? '1' : '0';
		assert_int_equal(omsi_rset_get(&st, b, strlen(b), NULL),
		    0);
	}
	assert_int_equal(omsi_rset_count(&st), n);
	omsi_rset_release(&st);
	assert_int_equal(omsi_rset_count(&st), 0);
	guid(b, 0, 0);
	assert_int_equal(add(&st, b), 0);	/* usable after release */
	omsi_rset_release(&st);
}

/* two different values whose hashes collide are two values */
static void
test_collisions(void **state)
{
	(void)state;
	many(same_hash, 600);
	many(NULL, 100000);
}

/*
 * A GUID is packed in 17 bytes: its case is kept, and strings that only
 * look like one (mixed case, a letter past f, a byte next to the digits
 * or the letters, a dash out of place) are other strings.
 */
static void
test_guid_forms(void **state)
{
	static const char *const v[] = {
		"14f66a8a-b565-4ebc-9138-c1a3b0cd5178",
		"14F66A8A-B565-4EBC-9138-C1A3B0CD5178",
		"14f66a8a-b565-4ebc-9138-C1A3B0CD5178",	/* mixed */
		"14F66A8A-B565-4EBC-9138-C1A3B0CD5178 ",
		"14f66a8a-b565-4ebc-9138-c1a3b0cd517g",
		"14f66a8ab-565-4ebc-9138-c1a3b0cd5178",
		"14f66a8a-b565-4ebc-9138-c1a3b0cd517",
		"00000000-0000-0000-0000-000000000000",
		"00000000-0000-0000-0000-00000000000a",
		"00000000-0000-0000-0000-00000000000A",
		/* the bytes next to the digits, which a slip would take
		   for one: each a string of its own */
		"00000000-0000-0000-0000-00000000000/",
		"00000000-0000-0000-0000-00000000000:",
		"00000000-0000-0000-0000-00000000000@",
		"00000000-0000-0000-0000-00000000000`",
		"00000000-0000-0000-0000-00000000000g",
		"00000000-0000-0000-0000-00000000000G",
		"00000000-0000-0000-0000-00000000000\xea",
		"00000000-0000-0000-0000-00000000000\xca",
		"0000000a-0000-0000-0000-000000000000",
		"0000000:-0000-0000-0000-000000000000",
		"",
		"a",
	};
	struct omsi_rset st;
	size_t i;
	int pass;

	(void)state;
	for (pass = 0; pass < 2; pass++) {
		omsi_rset_init(&st, 0);
		if (pass)
			st.hash = same_hash;
		for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
			assert_int_equal(add(&st, v[i]), 0);
		for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
			assert_int_equal(add(&st, v[i]), 1);
		omsi_rset_release(&st);
	}
}

/* values longer than a length byte, and longer than half a chunk */
static void
test_long_values(void **state)
{
	static const size_t len[] = { 251, 252, 253, 300, 70000, 600000,
	    1200000 };
	struct omsi_rset st;
	char *s;
	size_t i;

	(void)state;
	omsi_rset_init(&st, 0);
	st.hash = same_hash;
	assert_non_null(s = malloc(1200001));
	for (i = 0; i < sizeof(len) / sizeof(len[0]); i++) {
		memset(s, 'x', len[i]);
		assert_int_equal(omsi_rset_add(&st, s, len[i]), 0);
		assert_int_equal(add(&st, "between"), i > 0);
	}
	for (i = 0; i < sizeof(len) / sizeof(len[0]); i++) {
		memset(s, 'x', len[i]);
		assert_int_equal(omsi_rset_add(&st, s, len[i]), 1);
		s[len[i] - 1] = 'y';
		assert_int_equal(omsi_rset_get(&st, s, len[i], NULL), 0);
	}
	free(s);
	omsi_rset_release(&st);
}

/* the value of a key is its own, and put gives the one before */
static void
test_values(void **state)
{
	struct omsi_rset st;
	char b[32];
	uint32_t v, old;
	unsigned i;

	(void)state;
	omsi_rset_init(&st, 1);
	st.hash = same_hash;
	for (i = 0; i < 500; i++) {
		snprintf(b, sizeof(b), "%u\037%010u", i % 3, i);
		assert_int_equal(omsi_rset_put(&st, b, strlen(b), i + 1, &old),
		    0);
		assert_int_equal(old, 0);
	}
	for (i = 0; i < 500; i++) {
		snprintf(b, sizeof(b), "%u\037%010u", i % 3, i);
		assert_int_equal(omsi_rset_get(&st, b, strlen(b), &v), 1);
		assert_int_equal(v, i + 1);
		assert_int_equal(omsi_rset_put(&st, b, strlen(b), 7000 + i,
		    &old), 1);
		assert_int_equal(old, i + 1);
	}
	for (i = 0; i < 500; i++) {
		snprintf(b, sizeof(b), "%u\037%010u", i % 3, i);
		assert_int_equal(omsi_rset_get(&st, b, strlen(b), &v), 1);
		assert_int_equal(v, 7000 + i);
	}
	snprintf(b, sizeof(b), "%u\037%010u", 1, 0);
	assert_int_equal(omsi_rset_get(&st, b, strlen(b), &v), 0);
	omsi_rset_release(&st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_collisions),
		cmocka_unit_test(test_guid_forms),
		cmocka_unit_test(test_long_values),
		cmocka_unit_test(test_values),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
