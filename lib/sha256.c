/*
 * sha256.c -- SHA-256 (FIPS 180-4), to recognise a reply imported before
 *
 * Every reply is hashed before it is read, a million records' archive
 * included: on an x86-64 processor with the SHA extensions the blocks go
 * through its SHA-256 instructions (some ten times faster), else through
 * the portable rounds below.  Both give the same digest; the unit test
 * compares them.
 */
#include <pthread.h>
#include <string.h>

#include "oms_int.h"

#if defined(__x86_64__) && defined(__GNUC__)
#define SHA_NI	1
#include <cpuid.h>
#include <immintrin.h>
#endif

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
};

#define ROR(x, n)	(((x) >> (n)) | ((x) << (32 - (n))))

static void
block(struct omsi_sha256 *c, const unsigned char *p)
{
	uint32_t w[64], a, b, d, e, f, g, h, cc, t1, t2;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		    (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (i = 16; i < 64; i++)
		w[i] = w[i - 16] + (ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^
		    (w[i - 15] >> 3)) + w[i - 7] + (ROR(w[i - 2], 17) ^
		    ROR(w[i - 2], 19) ^ (w[i - 2] >> 10));
	a = c->h[0]; b = c->h[1]; cc = c->h[2]; d = c->h[3];
	e = c->h[4]; f = c->h[5]; g = c->h[6]; h = c->h[7];
	for (i = 0; i < 64; i++) {
		t1 = h + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) +
		    ((e & f) ^ (~e & g)) + K[i] + w[i];
		t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) +
		    ((a & b) ^ (a & cc) ^ (b & cc));
		h = g; g = f; f = e; e = d + t1;
		d = cc; cc = b; b = a; a = t1 + t2;
	}
	c->h[0] += a; c->h[1] += b; c->h[2] += cc; c->h[3] += d;
	c->h[4] += e; c->h[5] += f; c->h[6] += g; c->h[7] += h;
}

#ifdef SHA_NI
/*
 * The same rounds by the SHA extensions: the state as two vectors, ABEF
 * and CDGH (A in the high lane), each SHA256RNDS2 doing two rounds and
 * SHA256MSG1/MSG2 the message schedule four words at a time.
 */
__attribute__((__target__("sha,sse4.1,ssse3")))
static void
blocks_ni(struct omsi_sha256 *c, const unsigned char *p, size_t n)
{
	const __m128i swap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL,
	    0x0405060700010203LL);
	__m128i abef, cdgh, abef0, cdgh0, w[4], k;
	uint32_t v[4];
	int g;

	abef = _mm_set_epi32((int)c->h[0], (int)c->h[1], (int)c->h[4],
	    (int)c->h[5]);
	cdgh = _mm_set_epi32((int)c->h[2], (int)c->h[3], (int)c->h[6],
	    (int)c->h[7]);
	for (; n > 0; n--, p += 64) {
		abef0 = abef;
		cdgh0 = cdgh;
#pragma GCC unroll 16
		for (g = 0; g < 16; g++) {
			/* w[g % 4]: words 4g..4g+3, from the oldest four */
			if (g < 4)
				w[g] = _mm_shuffle_epi8(_mm_loadu_si128(
				    (const __m128i *)(const void *)(p + 16 * g)),
				    swap);
			else
				w[g % 4] = _mm_sha256msg2_epu32(_mm_add_epi32(
				    _mm_sha256msg1_epu32(w[g % 4],
				    w[(g + 1) % 4]), _mm_alignr_epi8(
				    w[(g + 3) % 4], w[(g + 2) % 4], 4)),
				    w[(g + 3) % 4]);
			k = _mm_add_epi32(w[g % 4], _mm_loadu_si128(
			    (const __m128i *)(const void *)(K + 4 * g)));
			cdgh = _mm_sha256rnds2_epu32(cdgh, abef, k);
			abef = _mm_sha256rnds2_epu32(abef, cdgh,
			    _mm_shuffle_epi32(k, 0x0e));
		}
		abef = _mm_add_epi32(abef, abef0);
		cdgh = _mm_add_epi32(cdgh, cdgh0);
	}
	_mm_storeu_si128((__m128i *)(void *)v, abef);
	c->h[0] = v[3]; c->h[1] = v[2]; c->h[4] = v[1]; c->h[5] = v[0];
	_mm_storeu_si128((__m128i *)(void *)v, cdgh);
	c->h[2] = v[3]; c->h[3] = v[2]; c->h[6] = v[1]; c->h[7] = v[0];
}

static int has_ni;
static pthread_once_t ni_once = PTHREAD_ONCE_INIT;

/* SHA (CPUID 7: EBX bit 29), SSE4.1 and SSSE3 (1: ECX bits 19, 9) */
static void
ni_probe(void)
{
	unsigned a, b, cx, d;

	if (__get_cpuid(1, &a, &b, &cx, &d) == 0 || !(cx & 1u << 19) ||
	    !(cx & 1u << 9))
		return;
	if (__get_cpuid_count(7, 0, &a, &b, &cx, &d) == 0)
		return;
	has_ni = (b & 1u << 29) != 0;
}
#endif

/* n whole blocks at p */
static void
blocks(struct omsi_sha256 *c, const unsigned char *p, size_t n)
{
#ifdef SHA_NI
	if (c->ni) {
		blocks_ni(c, p, n);
		return;
	}
#endif
	for (; n > 0; n--, p += 64)
		block(c, p);
}

/* The portable rounds only (the unit test checks one against the other). */
void
omsi_sha256_portable(struct omsi_sha256 *c)
{
	c->ni = 0;
}

void
omsi_sha256_init(struct omsi_sha256 *c)
{
	static const uint32_t h0[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19
	};

	memcpy(c->h, h0, sizeof(h0));
	c->len = 0;
	c->n = 0;
	c->ni = 0;
#ifdef SHA_NI
	(void)pthread_once(&ni_once, ni_probe);
	c->ni = has_ni;
#endif
}

void
omsi_sha256_add(struct omsi_sha256 *c, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t k;

	c->len += len;
	if (c->n > 0) {
		k = 64 - c->n < len ? 64 - c->n : len;
		memcpy(c->buf + c->n, p, k);
		c->n += k;
		p += k;
		len -= k;
		if (c->n < 64)
			return;
		blocks(c, c->buf, 1);
		c->n = 0;
	}
	if (len >= 64) {
		blocks(c, p, len / 64);
		p += len - len % 64;
		len %= 64;
	}
	memcpy(c->buf, p, len);
	c->n = len;
}

void
omsi_sha256_hex(struct omsi_sha256 *c, char out[65])
{
	uint64_t bits = c->len * 8;
	unsigned char pad = 0x80, z = 0, lenb[8];
	int i;

	omsi_sha256_add(c, &pad, 1);
	while (c->n != 56)
		omsi_sha256_add(c, &z, 1);
	for (i = 0; i < 8; i++)
		lenb[i] = (unsigned char)(bits >> (56 - 8 * i));
	omsi_sha256_add(c, lenb, 8);
	for (i = 0; i < 8; i++)
		snprintf(out + 8 * i, 9, "%08x", c->h[i]);
}
