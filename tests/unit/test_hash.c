/*
 * test_hash.c -- the string table of the library (omsi_hash): keys found
 * with their values through growth, a key's slot to read and set its
 * value in, one probe for "find or add", a table made big enough up
 * front (omsi_hash_presize) that never moves, and look-ups asked of
 * memory ahead (omsi_hash_put_all through its ring, the tag given to
 * omsi_hash_reserve_tag) that find and add what the others do
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "oms_int.h"

#define NKEYS	5000

/* NKEYS keys, alike in their first bytes, in one block */
static char *
make_keys(char **key)
{
	char *block;
	size_t i;

	assert_non_null(block = malloc(NKEYS * 16));
	for (i = 0; i < NKEYS; i++) {
		key[i] = block + i * 16;
		snprintf(key[i], 16, "acc-%06zu", i * 7919 % 1000003);
	}
	return (block);
}

static void
all_there(const struct omsi_hash *h, char **key, size_t n)
{
	size_t i, v;

	for (i = 0; i < n; i++) {
		v = (size_t)-1;
		assert_int_equal(omsi_hash_get(h, key[i], &v), 1);
		assert_int_equal(v, i);
	}
	assert_int_equal(omsi_hash_get(h, "acc-", NULL), 0);
	assert_int_equal(omsi_hash_get(h, "", NULL), 0);
	assert_int_equal(h->n, n);
}

/* Put, then found; grown past its first size; put again replaces. */
static void
test_put_get(void **state)
{
	struct omsi_hash h;
	char *key[NKEYS], *block = make_keys(key);
	size_t i, v;

	(void)state;
	omsi_hash_init(&h);
	assert_int_equal(omsi_hash_get(&h, key[0], NULL), 0);
	for (i = 0; i < NKEYS; i++)
		assert_int_equal(omsi_hash_put(&h, key[i], i), 0);
	assert_true(h.cap > 1024);
	assert_true(h.n * 4 < h.cap * 3);
	all_there(&h, key, NKEYS);
	assert_int_equal(omsi_hash_put(&h, key[17], 99), 0);
	assert_int_equal(omsi_hash_get(&h, key[17], &v), 1);
	assert_int_equal(v, 99);
	assert_int_equal(h.n, NKEYS);
	omsi_hash_release(&h);
	assert_int_equal(h.cap, 0);
	free(block);
}

/* A key's slot: its value read and set there, as get and put see it. */
static void
test_slot(void **state)
{
	struct omsi_hash h;
	char *key[NKEYS], *block = make_keys(key);
	size_t i, slot, v;

	(void)state;
	omsi_hash_init(&h);
	assert_int_equal(omsi_hash_slot(&h, key[0], &slot), 0);
	for (i = 0; i < NKEYS / 2; i++)
		assert_int_equal(omsi_hash_put(&h, key[i], i), 0);
	for (i = 0; i < NKEYS; i++) {
		if (i >= NKEYS / 2) {
			assert_int_equal(omsi_hash_slot(&h, key[i], &slot), 0);
			continue;
		}
		assert_int_equal(omsi_hash_slot(&h, key[i], &slot), 1);
		assert_true(slot < h.cap);
		assert_ptr_equal(h.keys[slot], key[i]);
		assert_int_equal(h.vals[slot], i);
		h.vals[slot] = i + 1000;
	}
	for (i = 0; i < NKEYS / 2; i++) {
		assert_int_equal(omsi_hash_get(&h, key[i], &v), 1);
		assert_int_equal(v, i + 1000);
	}
	assert_int_equal(h.n, NKEYS / 2);
	omsi_hash_release(&h);
	free(block);
}

/* One probe: 0 and filled, then 1 with the value and the slot. */
static void
test_reserve(void **state)
{
	struct omsi_hash h;
	char *key[NKEYS], *block = make_keys(key);
	size_t i, v, slot;
	uint32_t tag;

	(void)state;
	omsi_hash_init(&h);
	for (i = 0; i < NKEYS; i++) {
		assert_int_equal(omsi_hash_reserve(&h, key[i], &v, &slot,
		    &tag), 0);
		omsi_hash_fill(&h, slot, tag, key[i], i);
	}
	all_there(&h, key, NKEYS);
	for (i = 0; i < NKEYS; i += 97) {
		assert_int_equal(omsi_hash_reserve(&h, key[i], &v, &slot,
		    &tag), 1);
		assert_int_equal(v, i);
		assert_ptr_equal(h.keys[slot], key[i]);
	}
	omsi_hash_release(&h);
	free(block);
}

/*
 * Presized for n keys, a table takes them without moving (its arrays
 * stay where they were); presized for fewer than it can take, it does
 * not change; presized while it holds keys, it keeps them.
 */
static void
test_presize(void **state)
{
	static const size_t sizes[] = { 0, 1, 767, 768, 769, 1535, 1536,
	    NKEYS };
	struct omsi_hash h;
	char *key[NKEYS], *block = make_keys(key);
	const char **keys;
	size_t i, k, cap;

	(void)state;
	for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		omsi_hash_init(&h);
		assert_int_equal(omsi_hash_presize(&h, sizes[k]), 0);
		cap = h.cap;
		keys = h.keys;
		assert_true(cap >= 1024);
		assert_true(sizes[k] * 4 < cap * 3);
		/* the smallest such: half of it would not do */
		assert_true(cap == 1024 || sizes[k] * 4 >= cap / 2 * 3);
		for (i = 0; i < sizes[k]; i++)
			assert_int_equal(omsi_hash_put(&h, key[i], i), 0);
		assert_int_equal(h.cap, cap);
		assert_ptr_equal(h.keys, keys);
		all_there(&h, key, sizes[k]);
		assert_int_equal(omsi_hash_presize(&h, sizes[k] / 2), 0);
		assert_int_equal(h.cap, cap);
		omsi_hash_release(&h);
	}
	/* half in, then room for all */
	omsi_hash_init(&h);
	for (i = 0; i < NKEYS / 2; i++)
		assert_int_equal(omsi_hash_put(&h, key[i], i), 0);
	assert_int_equal(omsi_hash_presize(&h, NKEYS), 0);
	cap = h.cap;
	all_there(&h, key, NKEYS / 2);
	for (; i < NKEYS; i++)
		assert_int_equal(omsi_hash_put(&h, key[i], i), 0);
	assert_int_equal(h.cap, cap);
	all_there(&h, key, NKEYS);
	omsi_hash_release(&h);
	free(block);
}

/*
 * Keys put all at once, as one by one: into a table that grows under the
 * look-ahead (its fetches then name the old arrays), with keys given
 * twice, and into one presized; the tag given is omsi_hash_reserve's.
 */
static void
test_put_all(void **state)
{
	struct omsi_hash h;
	char *key[NKEYS], *block = make_keys(key);
	const char *twice[NKEYS + 40];
	uint32_t slots[NKEYS + 40];
	size_t i, v, slot, cap;
	uint32_t tag;

	(void)state;
	omsi_hash_init(&h);
	assert_int_equal(omsi_hash_put_all(&h, (const char *const *)key,
	    NKEYS, 7, NULL), 0);
	assert_true(h.cap > 1024);	/* grew from nothing */
	assert_int_equal(h.n, NKEYS);
	for (i = 0; i < NKEYS; i++) {
		assert_int_equal(omsi_hash_get(&h, key[i], &v), 1);
		assert_int_equal(v, 7);
	}
	omsi_hash_release(&h);

	/* the same keys again among them: one entry each, the value put */
	for (i = 0; i < NKEYS; i++)
		twice[i] = key[i];
	for (i = 0; i < 40; i++)
		twice[NKEYS + i] = key[i * 3];
	omsi_hash_init(&h);
	assert_int_equal(omsi_hash_presize(&h, NKEYS), 0);
	cap = h.cap;
	memset(slots, 0xff, sizeof(slots));
	assert_int_equal(omsi_hash_put_all(&h, twice, NKEYS + 40, 3, slots),
	    0);
	assert_int_equal(h.cap, cap);
	assert_int_equal(h.n, NKEYS);
	for (i = 0; i < NKEYS; i++) {
		assert_int_equal(omsi_hash_reserve(&h, key[i], &v, &slot,
		    &tag), 1);
		assert_int_equal(omsi_hash_reserve_tag(&h, key[i], tag, &v,
		    &slot), 1);
		assert_int_equal(v, 3);
		assert_ptr_equal(h.keys[slot], key[i]);
		assert_int_equal(h.tags[slot], tag);
		assert_int_equal(slots[i], slot);	/* where it went */
	}
	/* a key given again: the slot of its first */
	for (i = 0; i < 40; i++)
		assert_int_equal(slots[NKEYS + i], slots[i * 3]);
	assert_int_equal(omsi_hash_reserve(&h, "acc-", &v, &slot, &tag), 0);
	assert_int_equal(omsi_hash_reserve_tag(&h, "acc-", tag, &v, &slot), 0);
	/* an empty list, and a table with nothing in it, are let be */
	assert_int_equal(omsi_hash_put_all(&h, twice, 0, 1, NULL), 0);
	assert_int_equal(h.n, NKEYS);
	omsi_hash_release(&h);
	free(block);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_put_get),
		cmocka_unit_test(test_reserve),
		cmocka_unit_test(test_slot),
		cmocka_unit_test(test_presize),
		cmocka_unit_test(test_put_all),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
