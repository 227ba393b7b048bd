/*
 * test_zjoin.c -- zjoin.c: whole deflate streams made pieces of one,
 * joined and read back by zlib's inflate; the three kinds of block, the
 * stream ending on each of the eight bits of a byte, and what is no
 * stream left as it was
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <libdeflate.h>
#include <zlib.h>

#include "oms_int.h"

/* n bytes like a registry's: tags and numbers from a seeded generator */
static unsigned char *
text(size_t n, unsigned seed)
{
	static const char *const w[] = {
		"<ZAP>", "<N_ZAP>", "</N_ZAP>", "<SUMV>", "</SUMV>", "<DS1>",
		"</DS1>", "<PACIENT>", "</PACIENT>", "\n\t", "</ZAP>\n",
		"<USL><CODE_USL>", "</CODE_USL></USL>", "<DATE_1>2026-10-"
	};
	unsigned char *p = malloc(n);
	size_t i = 0, k;
	uint32_t x = seed * 2654435761U + 1;

	assert_non_null(p);
	while (i < n) {
		x = x * 1103515245U + 12345U;
		if ((x >> 16) % 3 == 0) {
			p[i++] = (unsigned char)('0' + (x >> 20) % 10);
			continue;
		}
		k = strlen(w[(x >> 16) % (sizeof(w) / sizeof(w[0]))]);
		if (k > n - i)
			k = n - i;
		memcpy(p + i, w[(x >> 16) % (sizeof(w) / sizeof(w[0]))], k);
		i += k;
	}
	return (p);
}

static unsigned char *
noise(size_t n, unsigned seed)
{
	unsigned char *p = malloc(n);
	uint32_t x = seed;
	size_t i;

	assert_non_null(p);
	for (i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		p[i] = (unsigned char)x;
	}
	return (p);
}

/* A whole stream of in[0..n) by libdeflate at level into a malloc'd *out */
static size_t
whole(int level, const unsigned char *in, size_t n, unsigned char **out)
{
	struct libdeflate_compressor *c = libdeflate_alloc_compressor(level);
	size_t cap, len;

	assert_non_null(c);
	cap = libdeflate_deflate_compress_bound(c, n);
	assert_non_null(*out = calloc(1, cap + OMSI_ZJOIN_SLACK));
	len = libdeflate_deflate_compress(c, in, n, *out, cap);
	assert_true(len > 0);
	libdeflate_free_compressor(c);
	return (len);
}

/*
 * in[0..n) in pieces of the sizes given (0 ends the list; the last
 * piece is the rest), each deflated alone, opened but the last, and
 * joined; zlib's inflate must give in back, and end where the join does.
 */
static void
join_back(int level, const unsigned char *in, size_t n, const size_t *sizes)
{
	unsigned char *all, *one, *back;
	size_t at = 0, tot = 0, k, len, i = 0;
	z_stream zs;

	assert_non_null(all = malloc(n + n / 2 + 4096));
	for (; at < n; at += k) {
		k = sizes[i] != 0 ? sizes[i++] : n - at;
		if (k > n - at)
			k = n - at;
		len = whole(level, in + at, k, &one);
		if (at + k < n) {
			size_t was = len;

			len = omsi_zjoin_open(one, len);
			assert_true(len > was && len <= was + 5);
			/* a sync flush's marker ends it */
			assert_memory_equal(one + len - 4, "\0\0\377\377", 4);
		}
		memcpy(all + tot, one, len);
		tot += len;
		free(one);
	}
	assert_non_null(back = malloc(n + 1));
	memset(&zs, 0, sizeof(zs));
	assert_int_equal(inflateInit2(&zs, -15), Z_OK);
	zs.next_in = all;
	zs.avail_in = (uInt)tot;
	zs.next_out = back;
	zs.avail_out = (uInt)(n + 1);
	assert_int_equal(inflate(&zs, Z_FINISH), Z_STREAM_END);
	assert_int_equal(zs.total_out, n);
	assert_int_equal(zs.avail_in, 0);	/* nothing after the end */
	assert_memory_equal(back, in, n);
	inflateEnd(&zs);
	free(back);
	free(all);
}

/* Text in pieces at each level libdeflate has. */
static void
test_levels(void **state)
{
	static const size_t sizes[] = { 100000, 300000, 7, 65536, 0 };
	unsigned char *t = text(600000, 1);
	int level;

	(void)state;
	for (level = 0; level <= 12; level++)
		join_back(level, t, 600000, sizes);
	free(t);
}

/*
 * Each kind of block, alone in its stream: stored (noise), fixed codes
 * (a few bytes), dynamic codes (text); and mixed in one piece.
 */
static void
test_block_kinds(void **state)
{
	static const size_t three[] = { 3000, 20, 200000, 0 };
	unsigned char *r = noise(3000, 7), *t = text(200000, 2), *p, *mix;
	uint64_t last, end;
	size_t len;

	(void)state;
	len = whole(6, r, 3000, &p);
	assert_int_equal((p[0] >> 1) & 3, 0);		/* stored */
	assert_int_equal(omsi_zjoin_walk(p, len, &last, &end), 0);
	assert_true(end <= (uint64_t)len * 8 && end > (uint64_t)len * 8 - 8);
	free(p);
	len = whole(6, (const unsigned char *)"<ZAP></ZAP><ZAP></ZAP><ZAP></ZAP>",
	    33, &p);
	assert_int_equal((p[0] >> 1) & 3, 1);		/* fixed codes */
	assert_int_equal(omsi_zjoin_walk(p, len, &last, &end), 0);
	assert_int_equal(last, 0);
	free(p);
	len = whole(6, t, 200000, &p);
	assert_int_equal((p[0] >> 1) & 3, 2);		/* dynamic codes */
	assert_int_equal(omsi_zjoin_walk(p, len, &last, &end), 0);
	assert_true(end <= (uint64_t)len * 8 && end > (uint64_t)len * 8 - 8);
	free(p);

	assert_non_null(mix = malloc(3000 + 20 + 200000));
	memcpy(mix, r, 3000);
	memcpy(mix + 3000, t, 20);
	memcpy(mix + 3020, t, 200000);
	join_back(6, mix, 203020, three);
	/* the noise and the text in one piece: several blocks */
	join_back(6, mix, 203020, (const size_t[]){ 0 });
	free(mix);
	free(r);
	free(t);
}

/*
 * Streams ending on every bit of their last byte (the stored block's
 * three bits reach into the next byte from bit 6 on): each joined to a
 * second piece and read back.
 */
static void
test_every_end_bit(void **state)
{
	unsigned char *t = text(4000, 3), *p;
	uint64_t last, end;
	unsigned seen = 0;
	size_t n, len;

	(void)state;
	for (n = 1; n < 4000 && seen != 0xff; n += 13) {
		size_t sizes[] = { n, 0 };

		len = whole(6, t, n, &p);
		assert_int_equal(omsi_zjoin_walk(p, len, &last, &end), 0);
		assert_int_equal((end + 7) / 8, len);
		seen |= 1U << (end & 7);
		free(p);
		join_back(6, t, n < 3900 ? n + 100 : 4000, sizes);
	}
	assert_int_equal(seen, 0xff);
	free(t);
}

/*
 * n bytes where byte k is half as likely as byte k - 1, with runs that
 * repeat: Huffman codes of 11 to 15 bits for the rare bytes, lengths and
 * distances, longer than the walk's one look (FASTBITS), so that its
 * slow path decodes them.
 */
static unsigned char *
skewed(size_t n, unsigned seed)
{
	unsigned char *p = malloc(n);
	uint32_t x = seed * 2654435761U + 1;
	size_t i = 0, k, back;
	unsigned b;

	assert_non_null(p);
	while (i < n) {
		x = x * 1103515245U + 12345U;
		if (i > 64 && (x >> 28) == 0) {
			/* a run from somewhere back, of a skewed length */
			back = 1 + (x >> 8) % (i < 30000 ? i : 30000);
			for (k = 3; k < 200 && (x >> (k % 24)) & 1; k += 7)
				;
			for (; k > 0 && i < n; k--, i++)
				p[i] = p[i - back];
			continue;
		}
		for (b = 0; b < 40 && ((x >> 16) >> (b % 16)) & 1; b++)
			if (b % 16 == 15)
				x = x * 1103515245U + 12345U;
		p[i++] = (unsigned char)('A' + b);
	}
	return (p);
}

/* Codes longer than one look of the walk: the same ends as inflate's. */
static void
test_long_codes(void **state)
{
	static const size_t sizes[] = { 150000, 1, 333333, 0 };
	unsigned char *t = skewed(800000, 5);
	int level;

	(void)state;
	for (level = 1; level <= 12; level += 3)
		join_back(level, t, 800000, sizes);
	free(t);
}

/* What is no whole stream: 0, and the bytes left as they were. */
static void
test_not_a_stream(void **state)
{
	unsigned char *t = text(50000, 4), *p, *copy;
	uint64_t last, end;
	size_t len, cut;

	(void)state;
	len = whole(6, t, 50000, &p);
	assert_non_null(copy = malloc(len));
	memcpy(copy, p, len);
	/* cut short: the walk runs out of bits */
	for (cut = 0; cut < len; cut += len / 7 + 1) {
		memset(p + cut, 0, OMSI_ZJOIN_SLACK);
		assert_int_equal(omsi_zjoin_open(p, cut), 0);
		assert_memory_equal(p, copy, cut);
		memcpy(p, copy, len);
	}
	/* a block of the reserved kind 3 */
	p[0] |= 6;
	assert_int_equal(omsi_zjoin_walk(p, len, &last, &end), -1);
	/* a stored block whose length is not its complement's */
	memset(p, 0, 16);
	p[0] = 1;			/* final, stored */
	p[1] = 4;
	p[2] = 0;
	p[3] = 0xfb;
	p[4] = 0xff;
	assert_int_equal(omsi_zjoin_walk(p, 9, &last, &end), 0);
	assert_int_equal(end, 72);
	p[3] = 0xfa;
	assert_int_equal(omsi_zjoin_walk(p, 9, &last, &end), -1);
	free(copy);
	free(p);
	free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_levels),
		cmocka_unit_test(test_block_kinds),
		cmocka_unit_test(test_every_end_bit),
		cmocka_unit_test(test_long_codes),
		cmocka_unit_test(test_not_a_stream),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
