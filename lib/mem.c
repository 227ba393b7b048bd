/*
 * mem.c -- an arena for many small strings and a string hash table
 */
#include <sys/mman.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "oms_int.h"

#define CHUNK_SIZE	((size_t)64 << 10)
#define CHUNK_GROW	6		/* up to 64 KiB << 6 = 4 MiB */
#define HUGE_PAGE	((uintptr_t)2 << 20)

/*
 * Ask for huge pages under the 2 MiB-aligned part of [p, p + n): the
 * tables of a million accounts are probed at random, and with 4 KiB pages
 * most probes miss the TLB and the first touch of every page faults.  A
 * hint: where the kernel does not do it (THP "never"), nothing changes.
 */
void
omsi_thp(void *p, size_t n)
{
#ifdef MADV_HUGEPAGE
	uintptr_t a = ((uintptr_t)p + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
	uintptr_t e = ((uintptr_t)p + n) & ~(HUGE_PAGE - 1);

	if (p != NULL && e > a)
		(void)madvise((void *)a, (size_t)(e - a), MADV_HUGEPAGE);
#else
	(void)p;
	(void)n;
#endif
}

struct omsi_chunk {
	struct omsi_chunk	*next;
	size_t			 used;
	size_t			 size;
	char			 data[];
};

void
omsi_arena_init(struct omsi_arena *a)
{
	a->head = NULL;
	a->nchunks = 0;
}

void
omsi_arena_release(struct omsi_arena *a)
{
	struct omsi_chunk *c, *next;

	for (c = a->head; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	a->head = NULL;
	a->nchunks = 0;
}

char *
omsi_arena_strndup(struct omsi_arena *a, const char *s, size_t len)
{
	struct omsi_chunk *c;
	size_t need, size;
	char *p;

	need = len + 1;
	c = a->head;
	if (c == NULL || c->size - c->used < need) {
		/* chunks grow with the arena: a big one lives in a few */
		size = CHUNK_SIZE << (a->nchunks < CHUNK_GROW ? a->nchunks :
		    CHUNK_GROW);
		if (need > size / 4)
			size = need;
		if ((c = malloc(sizeof(*c) + size)) == NULL)
			return (NULL);
		if (size != need)
			a->nchunks++;
		if (size >= HUGE_PAGE)
			omsi_thp(c, sizeof(*c) + size);
		c->used = 0;
		c->size = size;
		if (size == need && a->head != NULL) {
			/* keep the partly used chunk in front */
			c->next = a->head->next;
			a->head->next = c;
		} else {
			c->next = a->head;
			a->head = c;
		}
	}
	p = c->data + c->used;
	memcpy(p, s, len);
	p[len] = '\0';
	c->used += need;
	return (p);
}

char *
omsi_arena_strdup(struct omsi_arena *a, const char *s)
{
	return (omsi_arena_strndup(a, s, strlen(s)));
}

/*
 * Eight bytes a step, each mixed in by a multiply, then the finaliser of
 * MurmurHash3: keys are ids of 36 characters and "registry\taccount"
 * pairs, and a byte a step (FNV) was a sixth of the time of a ledger
 * fold.  The value is the same for the same string within a process,
 * which is all a table asks.
 */
uint64_t
omsi_hash_str(const char *s)
{
	return (omsi_hash_bytes(s, strlen(s)));
}

uint64_t
omsi_hash_bytes(const void *v, size_t n)
{
	const unsigned char *p = v;
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ n, w;

	for (; n >= 8; n -= 8, p += 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	w = 0;
	memcpy(&w, p, n);
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return (h);
}

void
omsi_hash_init(struct omsi_hash *h)
{
	memset(h, 0, sizeof(*h));
}

void
omsi_hash_release(struct omsi_hash *h)
{
	free(h->keys);
	free(h->vals);
	free(h->tags);
	memset(h, 0, sizeof(*h));
}

/* The tag of n bytes: their hash, never 0 (0 marks an empty slot). */
uint32_t
omsi_hash_tag(const void *v, size_t n)
{
	uint32_t t = (uint32_t)omsi_hash_bytes(v, n);

	return (t != 0 ? t : 1);
}

static uint32_t
tag_of(const char *key)
{
	return (omsi_hash_tag(key, strlen(key)));
}

void
omsi_hash_ahead(const struct omsi_hash *h, uint32_t tag, int step)
{
	size_t i;

	if (h->cap == 0)
		return;
	i = tag & (h->cap - 1);
	if (step == 0) {
		__builtin_prefetch(&h->tags[i]);
		__builtin_prefetch(&h->keys[i]);
	} else if (h->tags[i] != 0) {
		/* the key a probe compares first, and the value it gives */
		__builtin_prefetch(h->keys[i]);
		__builtin_prefetch(&h->vals[i]);
	}
}

/*
 * A probe reads the tags only, four bytes a slot, and looks at a key
 * only when its tag matches: a million keys make long probes in memory
 * that is never in cache, and a key compared is a miss more.
 */
int
omsi_hash_slot(const struct omsi_hash *h, const char *key, size_t *slot)
{
	size_t i, mask = h->cap - 1;
	uint32_t t, ti;

	if (h->cap == 0)
		return (0);
	t = tag_of(key);
	for (i = t & mask; (ti = h->tags[i]) != 0; i = (i + 1) & mask)
		if (ti == t && strcmp(h->keys[i], key) == 0) {
			*slot = i;
			return (1);
		}
	return (0);
}

int
omsi_hash_get(const struct omsi_hash *h, const char *key, size_t *val)
{
	size_t slot;

	if (!omsi_hash_slot(h, key, &slot))
		return (0);
	if (val != NULL)
		*val = h->vals[slot];
	return (1);
}

/* The table moved to cap slots (a power of two, more than it holds). */
static int
resize(struct omsi_hash *h, size_t cap)
{
	struct omsi_hash n;
	size_t i, j;

	n.cap = cap;
	n.n = h->n;
	n.keys = calloc(n.cap, sizeof(*n.keys));
	n.vals = calloc(n.cap, sizeof(*n.vals));
	n.tags = calloc(n.cap, sizeof(*n.tags));
	if (n.keys == NULL || n.vals == NULL || n.tags == NULL) {
		free(n.keys);
		free(n.vals);
		free(n.tags);
		return (-1);
	}
	omsi_thp(n.keys, n.cap * sizeof(*n.keys));
	omsi_thp(n.vals, n.cap * sizeof(*n.vals));
	omsi_thp(n.tags, n.cap * sizeof(*n.tags));
	for (i = 0; i < h->cap; i++) {
		if (h->tags[i] == 0)
			continue;
		for (j = h->tags[i] & (n.cap - 1); n.tags[j] != 0;
		    j = (j + 1) & (n.cap - 1))
			;
		n.keys[j] = h->keys[i];
		n.vals[j] = h->vals[i];
		n.tags[j] = h->tags[i];
	}
	free(h->keys);
	free(h->vals);
	free(h->tags);
	*h = n;
	return (0);
}

static int
grow(struct omsi_hash *h)
{
	return (resize(h, h->cap == 0 ? 1024 : h->cap * 2));
}

int
omsi_hash_presize(struct omsi_hash *h, size_t n)
{
	size_t cap = h->cap == 0 ? 1024 : h->cap;

	/* omsi_hash_reserve grows when the n-th key would fill a table to
	   three quarters: one that does not */
	while (cap / 4 * 3 <= n) {
		if (cap > SIZE_MAX / 2)
			return (-1);
		cap *= 2;
	}
	return (cap > h->cap ? resize(h, cap) : 0);
}

int
omsi_hash_put(struct omsi_hash *h, const char *key, size_t val)
{
	size_t old, slot;
	uint32_t tag;
	int r;

	if ((r = omsi_hash_reserve(h, key, &old, &slot, &tag)) == -1)
		return (-1);
	if (r == 1)
		h->vals[slot] = val;
	else
		omsi_hash_fill(h, slot, tag, key, val);
	return (0);
}

int
omsi_hash_reserve(struct omsi_hash *h, const char *key, size_t *val,
    size_t *slot, uint32_t *tag)
{
	*tag = tag_of(key);
	return (omsi_hash_reserve_tag(h, key, *tag, val, slot));
}

int
omsi_hash_reserve_tag(struct omsi_hash *h, const char *key, uint32_t t,
    size_t *val, size_t *slot)
{
	size_t i, mask;
	uint32_t ti;

	if ((h->n + 1) * 4 >= h->cap * 3 && grow(h) == -1)
		return (-1);
	mask = h->cap - 1;
	for (i = t & mask; (ti = h->tags[i]) != 0; i = (i + 1) & mask)
		if (ti == t && strcmp(h->keys[i], key) == 0)
			break;
	*slot = i;
	if (ti == 0)
		return (0);
	*val = h->vals[i];
	return (1);
}

void
omsi_hash_ring_begin(struct omsi_hash_ring *r, const struct omsi_hash *h,
    size_t i0, size_t n, const char *(*key)(const void *, size_t),
    const void *arg)
{
	size_t i;

	r->h = h;
	r->key = key;
	r->arg = arg;
	r->n = n;
	for (i = i0; i < n && i < i0 + OMSI_HASH_AHEAD; i++) {
		r->tag[i % OMSI_HASH_AHEAD] = tag_of(key(arg, i));
		omsi_hash_ahead(h, r->tag[i % OMSI_HASH_AHEAD], 0);
	}
}

uint32_t
omsi_hash_ring_tag(struct omsi_hash_ring *r, size_t i)
{
	uint32_t t = r->tag[i % OMSI_HASH_AHEAD];
	size_t j;

	if ((j = i + OMSI_HASH_AHEAD) < r->n) {
		r->tag[j % OMSI_HASH_AHEAD] = tag_of(r->key(r->arg, j));
		omsi_hash_ahead(r->h, r->tag[j % OMSI_HASH_AHEAD], 0);
	}
	if ((j = i + OMSI_HASH_AHEAD / 2) < r->n)
		omsi_hash_ahead(r->h, r->tag[j % OMSI_HASH_AHEAD], 1);
	return (t);
}

static const char *
key_at(const void *keys, size_t i)
{
	return (((const char *const *)keys)[i]);
}

int
omsi_hash_put_all(struct omsi_hash *h, const char *const *keys, size_t n,
    size_t val, uint32_t *slots)
{
	struct omsi_hash_ring ring;
	size_t i, slot, old;
	uint32_t t;
	int r;

	omsi_hash_ring_begin(&ring, h, 0, n, key_at, keys);
	for (i = 0; i < n; i++) {
		t = omsi_hash_ring_tag(&ring, i);
		if ((r = omsi_hash_reserve_tag(h, keys[i], t, &old, &slot)) ==
		    -1)
			return (-1);
		if (slots != NULL)
			slots[i] = (uint32_t)slot;
		if (r == 1)
			h->vals[slot] = val;
		else
			omsi_hash_fill(h, slot, t, keys[i], val);
	}
	return (0);
}

void
omsi_hash_fill(struct omsi_hash *h, size_t slot, uint32_t tag,
    const char *key, size_t val)
{
	h->keys[slot] = key;
	h->vals[slot] = val;
	h->tags[slot] = tag;
	h->n++;
}
