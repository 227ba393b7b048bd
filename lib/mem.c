/*
 * mem.c -- an arena for many small strings and a string hash table
 */
#include <stdlib.h>
#include <string.h>

#include "oms_int.h"

#define CHUNK_SIZE	((size_t)64 << 10)

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
		size = need > CHUNK_SIZE / 4 ? need : CHUNK_SIZE;
		if ((c = malloc(sizeof(*c) + size)) == NULL)
			return (NULL);
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

uint64_t
omsi_hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;	/* FNV-1a */

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return (h ^ (h >> 29));
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

int
omsi_hash_get(const struct omsi_hash *h, const char *key, size_t *val)
{
	size_t i;
	uint32_t t;

	if (h->cap == 0)
		return (0);
	t = (uint32_t)omsi_hash_str(key);
	for (i = t & (h->cap - 1); h->keys[i] != NULL;
	    i = (i + 1) & (h->cap - 1))
		if (h->tags[i] == t && strcmp(h->keys[i], key) == 0) {
			if (val != NULL)
				*val = h->vals[i];
			return (1);
		}
	return (0);
}

static int
grow(struct omsi_hash *h)
{
	struct omsi_hash n;
	size_t i, j;

	n.cap = h->cap == 0 ? 1024 : h->cap * 2;
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
	for (i = 0; i < h->cap; i++) {
		if (h->keys[i] == NULL)
			continue;
		for (j = h->tags[i] & (n.cap - 1); n.keys[j] != NULL;
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

int
omsi_hash_put(struct omsi_hash *h, const char *key, size_t val)
{
	size_t i;
	uint32_t t;

	if ((h->n + 1) * 4 >= h->cap * 3 && grow(h) == -1)
		return (-1);
	t = (uint32_t)omsi_hash_str(key);
	for (i = t & (h->cap - 1); h->keys[i] != NULL;
	    i = (i + 1) & (h->cap - 1))
		if (h->tags[i] == t && strcmp(h->keys[i], key) == 0) {
			h->vals[i] = val;
			return (0);
		}
	h->keys[i] = key;
	h->vals[i] = val;
	h->tags[i] = t;
	h->n++;
	return (0);
}
