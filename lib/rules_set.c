/*
 * rules_set.c -- an exact set of strings for the rule engine: the values
 * a registry-unique rule has seen, the links of the cases kept for the
 * person rules (each with a 32-bit value)
 *
 * At a million accounts a node, a pointer and a copy of the string per
 * value are some 100 bytes each; here a value is its bytes in a chunk
 * (a GUID in its canonical form packed into 16), a length byte, its
 * value when the set has them, and a 32-bit reference plus a tag byte in
 * an open-addressing table at most three quarters full: about 30 bytes
 * for a GUID.  Values are compared byte for byte on a tag match, so two
 * values whose hashes collide are still two values.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rules_int.h"

/*
 * A reference: chunk << RS_OFFBITS | offset.  Chunks grow from 16 KiB
 * to 1 MiB (a small run touches little); 4096 of them are 4 GiB.
 */
#define RS_OFFBITS	20
#define RS_MAXCHUNK	((size_t)1 << (32 - RS_OFFBITS))
#define RS_CHUNK0	((size_t)16 << 10)
#define RS_OWN		((size_t)1 << (RS_OFFBITS - 1))

/* the first byte of an entry: a length up to RS_LONG, else a kind */
#define RS_LONG		0xfc	/* then four bytes of length */
#define RS_GUIDL	0xfd	/* 16 bytes: 8-4-4-4-12 lowercase hex */
#define RS_GUIDU	0xfe	/* 16 bytes: the same in uppercase */

static size_t
chunk_size(size_t k)
{
	return (k >= 6 ? (size_t)1 << RS_OFFBITS : RS_CHUNK0 << k);
}

/*
 * A byte as a hex digit: its value, with 0x10 for a lowercase letter and
 * 0x20 for an uppercase one; 0xff for a byte that is no hex digit.  A
 * table, not tests: GUIDs mix digits and letters at random, and the
 * tests' branches missed at every other byte (encode was 0.3 s of the 1M
 * bench's main thread).
 */
static const unsigned char hexd[256] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
	0x08, 0x09, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
};

/* where the 32 digits of a GUID are, 8-4-4-4-12 */
static const unsigned char guidpos[32] = {
	0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 14, 15, 16, 17,
	19, 20, 21, 22, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35
};

/*
 * s as an entry's key into out (at most 5 + len bytes): a GUID (8-4-4-4-12
 * hex digits, its letters all lowercase or all uppercase) in 17 bytes,
 * anything else as its length and bytes.  One string has one encoding
 * and an encoding one string, so keys compare as the strings do.
 */
static size_t
encode(const char *s, size_t len, unsigned char *out)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned a, b, acc = 0;
	size_t k;

	if (len == 36 && s[8] == '-' && s[13] == '-' && s[18] == '-' &&
	    s[23] == '-') {
		for (k = 0; k < 16; k++) {
			a = hexd[u[guidpos[2 * k]]];
			b = hexd[u[guidpos[2 * k + 1]]];
			acc |= a | b;
			out[1 + k] = (unsigned char)((a & 0xf) << 4 | (b & 0xf));
		}
		/* every byte a digit, the letters of one case */
		if (!(acc & 0x80) && (acc & 0x30) != 0x30) {
			out[0] = acc & 0x20 ? RS_GUIDU : RS_GUIDL;
			return (17);
		}
	}
	if (len < RS_LONG) {
		out[0] = (unsigned char)len;
		memcpy(out + 1, s, len);
		return (1 + len);
	}
	out[0] = RS_LONG;
	out[1] = (unsigned char)(len >> 24);
	out[2] = (unsigned char)(len >> 16);
	out[3] = (unsigned char)(len >> 8);
	out[4] = (unsigned char)len;
	memcpy(out + 5, s, len);
	return (5 + len);
}

/* The length of the key that starts at p. */
static size_t
key_len(const unsigned char *p)
{
	if (p[0] == RS_GUIDL || p[0] == RS_GUIDU)
		return (17);
	if (p[0] == RS_LONG)
		return (5 + ((size_t)p[1] << 24 | (size_t)p[2] << 16 |
		    (size_t)p[3] << 8 | p[4]));
	return (1 + (size_t)p[0]);
}

uint32_t
omsi_rset_hash(const unsigned char *p, size_t n)
{
	return ((uint32_t)omsi_hash_bytes(p, n));
}

void
omsi_rset_init(struct omsi_rset *st, int withval)
{
	memset(st, 0, sizeof(*st));
	st->withval = withval != 0;
}

void
omsi_rset_release(struct omsi_rset *st)
{
	size_t i;
	int withval = st->withval;
	uint32_t (*hash)(const unsigned char *, size_t) = st->hash;

	for (i = 0; i < st->nchunk; i++)
		free(st->chunk[i]);
	free(st->chunk);
	free(st->slot);
	free(st->tag);
	memset(st, 0, sizeof(*st));
	st->withval = withval;
	st->hash = hash;
}

static unsigned char *
at(const struct omsi_rset *st, uint32_t ref)
{
	return (st->chunk[ref >> RS_OFFBITS] + (ref & ((1u << RS_OFFBITS) -
	    1)));
}

static uint32_t
hash_of(const struct omsi_rset *st, const unsigned char *key, size_t len)
{
	return (st->hash != NULL ? st->hash(key, len) :
	    omsi_rset_hash(key, len));
}

/* the tag byte of hash h: never 0, which marks an empty slot */
#define TAG(h)	((uint8_t)((h) >> 24 | 1))

static int
grow(struct omsi_rset *st)
{
	size_t cap = st->cap == 0 ? 64 : st->cap * 2, i, j;
	uint32_t *slot, h;
	uint8_t *tag;
	const unsigned char *key;

	if (cap > (size_t)UINT32_MAX)
		return (-1);
	slot = calloc(cap, sizeof(*slot));
	tag = calloc(cap, sizeof(*tag));
	if (slot == NULL || tag == NULL) {
		free(slot);
		free(tag);
		return (-1);
	}
	for (i = 0; i < st->cap; i++) {
		if (st->tag[i] == 0)
			continue;
		key = at(st, st->slot[i]) + (st->withval ? 4 : 0);
		h = hash_of(st, key, key_len(key));
		for (j = h & (cap - 1); tag[j] != 0; j = (j + 1) & (cap - 1))
			continue;
		slot[j] = st->slot[i];
		tag[j] = st->tag[i];
	}
	free(st->slot);
	free(st->tag);
	st->slot = slot;
	st->tag = tag;
	st->cap = cap;
	return (0);
}

/*
 * Room for need bytes: a reference to them, or -1.  A value of more
 * than RS_OWN bytes (half the most an offset reaches) has a chunk of its
 * own, its reference's offset 0; the others fill the chunk of cur, a
 * new one at least as big as they are.
 */
static int
room(struct omsi_rset *st, size_t need, uint32_t *ref)
{
	size_t size;
	unsigned char **v;
	int own = need > RS_OWN;

	if (own || st->nchunk == 0 || st->cursize - st->used < need) {
		size = chunk_size(st->nchunk);
		if (own || size < need)
			size = need;
		if (st->nchunk == RS_MAXCHUNK || (v = reallocarray(st->chunk,
		    st->nchunk + 1, sizeof(*v))) == NULL)
			return (-1);
		st->chunk = v;
		if ((v[st->nchunk] = malloc(size)) == NULL)
			return (-1);
		*ref = (uint32_t)(st->nchunk++ << RS_OFFBITS);
		if (own)
			return (0);
		st->cur = st->nchunk - 1;
		st->cursize = size;
		st->used = 0;
	}
	*ref = (uint32_t)(st->cur << RS_OFFBITS | st->used);
	st->used += need;
	return (0);
}

/*
 * Find s (len bytes) or, when add, add it: 1 found, 0 added (or not
 * there), -1 on no memory.  *valp, when not NULL, points to the value of
 * the entry (4 bytes, unaligned) in a set with values.
 */
static int
lookup(struct omsi_rset *st, const char *s, size_t len, int add,
    unsigned char **valp)
{
	unsigned char kbuf[256], *key = kbuf, *e;
	size_t klen, i, vl = st->withval ? 4 : 0;
	uint32_t h, ref;
	uint8_t t;
	int rv = 0;

	if (len > UINT32_MAX - 5 ||
	    (len + 5 > sizeof(kbuf) && (key = malloc(len + 5)) == NULL))
		return (-1);
	klen = encode(s, len, key);
	h = hash_of(st, key, klen);
	t = TAG(h);
	if (st->cap > 0)
		for (i = h & (st->cap - 1); st->tag[i] != 0;
		    i = (i + 1) & (st->cap - 1)) {
			if (st->tag[i] != t)
				continue;
			e = at(st, st->slot[i]);
			/* the lengths first: a shorter entry may end its
			   chunk, and memcmp may read all klen bytes */
			if (key_len(e + vl) == klen &&
			    memcmp(e + vl, key, klen) == 0) {
				if (valp != NULL)
					*valp = e;
				rv = 1;
				goto out;
			}
		}
	if (!add)
		goto out;
	if ((st->n + 1) * 4 > st->cap * 3 && grow(st) == -1)
		goto nomem;
	if (room(st, vl + klen, &ref) == -1)
		goto nomem;
	e = at(st, ref);
	memset(e, 0, vl);
	memcpy(e + vl, key, klen);
	for (i = h & (st->cap - 1); st->tag[i] != 0;
	    i = (i + 1) & (st->cap - 1))
		continue;
	st->slot[i] = ref;
	st->tag[i] = t;
	st->n++;
	if (valp != NULL)
		*valp = e;
	goto out;
nomem:
	rv = -1;
out:
	if (key != kbuf)
		free(key);
	return (rv);
}

int
omsi_rset_add(struct omsi_rset *st, const char *s, size_t len)
{
	return (lookup(st, s, len, 1, NULL));
}

int
omsi_rset_get(const struct omsi_rset *st, const char *s, size_t len,
    uint32_t *val)
{
	unsigned char *e;
	int r;

	/* a look-up that does not add changes nothing */
	r = lookup((struct omsi_rset *)st, s, len, 0, &e);
	if (r == 1 && val != NULL) {
		if (st->withval)
			memcpy(val, e, 4);
		else
			*val = 0;
	}
	return (r);
}

int
omsi_rset_put(struct omsi_rset *st, const char *s, size_t len, uint32_t val,
    uint32_t *old)
{
	unsigned char *e;
	int r;

	if ((r = lookup(st, s, len, 1, &e)) == -1)
		return (-1);
	if (st->withval) {
		if (old != NULL)
			memcpy(old, e, 4);
		memcpy(e, &val, 4);
	} else if (old != NULL)
		*old = 0;
	return (r);
}

void
omsi_rset_ahead(const struct omsi_rset *st, const char *s, size_t len,
    int step)
{
	unsigned char kbuf[256];
	size_t klen, i;

	if (st->cap == 0 || len > sizeof(kbuf) - 5)	/* no len + 5 wrap */
		return;
	klen = encode(s, len, kbuf);
	i = hash_of(st, kbuf, klen) & (st->cap - 1);
	if (step == 0) {
		__builtin_prefetch(&st->tag[i]);
		__builtin_prefetch(&st->slot[i]);
	} else if (st->tag[i] != 0)
		__builtin_prefetch(at(st, st->slot[i]));
}

size_t
omsi_rset_count(const struct omsi_rset *st)
{
	return (st->n);
}
