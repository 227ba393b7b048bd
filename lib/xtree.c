/*
 * xtree.c -- the records of a source document as trees, through the fast
 * scanner (xtree_int.h)
 *
 * The tree libxml2 2.9 builds (SAX2.c) for a record, as xmlTextReader
 * with OMSI_XML_OPTIONS gives it:
 *
 *   an element per start tag, named from the dictionary, its line that of
 *	its '>' (65535 past 65535: xmlGetLineNo asks its first child);
 *   a text node per run of text between two pieces of markup (start or
 *	end tag, comment, PI), references included; its line that of the
 *	end of the first piece the parser gives (below), past 65535 kept in
 *	psvi; up to 15 bytes in the node itself (COMPACT);
 *   a comment or PI node per comment or PI, at the line of its end.
 *
 * NOBLANKS drops a run (areBlanks() in parser.c) only when it is made of
 * blanks alone, no reference, and in one piece the parser saw followed by
 * '<'; then it is dropped unless the element's first child is text, or
 * the element has no child and an end tag follows ("<A> </A>" keeps it),
 * or an earlier piece of text of the element began with a blank or went
 * through the parser's slow path (non-ASCII bytes): ctxt->space -2.  How
 * the parser cuts text into pieces: at references; an ASCII first part
 * apart from what follows a non-ASCII byte; and, for a part of 300 bytes
 * or more, wherever its buffers end.  This last cut is not known here,
 * nor is where the reader's 512-byte chunks end for "<A> </A>" (a chunk
 * that ends on the '<' makes the parser drop the blank): where they could
 * change the tree, the reader doubts.
 *
 * The scanner gives a reference's characters to the same handler as
 * text, and says which they are (omsi_xscan_inref).
 */
#include <sys/stat.h>

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parserInternals.h>
#include <libxml/tree.h>

#include "feed_int.h"
#include "xscan_int.h"
#include "xtree_int.h"

#define XT_PIECE	300		/* XML_PARSER_BIG_BUFFER_SIZE */
#define XT_TEXT		((size_t)1 << 20)	/* longest text node */
#define XT_COMPACT	(2 * sizeof(void *))	/* kept in the node */

/*
 * The memory of a record's nodes: chunks reused from record to record.
 * Every node built there carries XT_TAG in _private, which nothing else
 * sets (grep: only yar76_check.c uses _private, on copies of its own).
 */
#define XT_CHUNK	((size_t)64 << 10)
#define XT_ALIGN	16
static const char xt_tag;
#define XT_TAG		((void *)(uintptr_t)&xt_tag)

struct chunk {
	struct chunk	*next;
	size_t		 size;		/* bytes after the header */
};

/* the chunk's header fits in XT_ALIGN bytes: its data stays aligned */
typedef char	xt_chunk_fits[sizeof(struct chunk) <= XT_ALIGN ? 1 : -1];

struct arena {
	struct chunk	*head, *cur;
	unsigned char	*p, *end;
};

/* an element open in the record being read */
struct el {
	xmlNodePtr	 node;
	unsigned char	 kids;		/* it has a child */
	unsigned char	 first_text;	/* its first child is text */
	unsigned char	 sp2;		/* ctxt->space -2 */
	unsigned char	 sp2_maybe;	/* ... perhaps */
};

/* the run of text being read */
struct run {
	unsigned char	*s;
	size_t		 len, cap;
	/*
	 * ... or, for the first piece, where the scanner gave it: copied to
	 * s when another piece comes or the scanner releases it (run_hold)
	 */
	const unsigned char *ptr;
	int		 started;
	int		 blank;		/* blanks alone, no reference */
	int		 nref;
	unsigned long	 line0;		/* where it begins */
	int		 in_s0;		/* before its first reference */
	int		 in_a;		/* ... and its first non-ASCII byte */
	int		 a_first;	/* it begins with an ASCII byte */
	unsigned long	 a_nl, s0_nl;	/* newlines in those */
	size_t		 seg;		/* bytes of the current piece */
	int		 seg_inner;	/* a blank past its first byte */
	int		 sp2, sp2_maybe;
	int		 unsure;	/* its line cannot be known */
	/*
	 * quick: the run is one piece of ASCII so far, shorter than
	 * XT_PIECE, and only started, len, ptr, line0 and these are set
	 * (run_expand sets the rest): most runs are such a piece, a value
	 * or blanks between tags (dropped at the next tag).
	 */
	int		 quick;
	int		 q_inner;	/* a blank past its first byte */
	int		 q_other;	/* a byte that is no blank */
	int		 q_sp2;		/* its first byte is a blank */
	unsigned long	 q_nl;		/* its newlines */
};

struct omsi_xtree {
	omsi_xtree_want	 want;
	omsi_xtree_take	 take;
	void		*arg;
	xmlDictPtr	 dict;
	xmlDocPtr	 doc;
	xmlNodePtr	 root;
	struct omsi_xscan *xs;
	const struct omsi_xscan_text *tx;	/* the scanner's line, text */
	int		 depth;		/* elements open */
	int		 inrec;		/* reading a record */
	struct el	*el;
	int		 nel, capel;
	int		 solid;		/* this record of ordinary nodes */
	struct arena	 arena;
	struct run	 run;
	int		 doubt;
	int		 failed;	/* err is set */
	struct oms_err	*err;
};

/* bytes of text: 1 blank, 2 newline, 4 not ASCII, 8 any other */
#define C_BLANK		1
#define C_NL		2
#define C_HIGH		4
#define C_OTHER		8
static const unsigned char cls[256] = {
	8, 8, 8, 8, 8, 8, 8, 8, 8, 1, 3, 8, 8, 8, 8, 8,
	8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8,
	1, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8,
	8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8,
	8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8,
	8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8,
	8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8,
	8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
};

static void
doubt(struct omsi_xtree *t)
{
	t->doubt = 1;
	omsi_xscan_stop(t->xs);
}

static void
nomem(struct omsi_xtree *t)
{
	if (!t->failed)
		oms_err_set(t->err, OMS_ENOMEM, NULL, 0, "out of memory");
	t->failed = 1;
	omsi_xscan_stop(t->xs);
}

static void
set_line(xmlNodePtr n, unsigned long line, int big)
{
	if (line < 65535)
		n->line = (unsigned short)line;
	else {
		n->line = 65535;
		if (big)
			n->psvi = (void *)(uintptr_t)line;
	}
}

#define CHUNK_DATA(c)	((unsigned char *)(c) + XT_ALIGN)

/* n bytes of the arena, aligned: NULL when out of memory */
static inline void *
arena_alloc(struct arena *a, size_t n)
{
	struct chunk *c;
	void *p;
	size_t size;

	n = (n + XT_ALIGN - 1) & ~(size_t)(XT_ALIGN - 1);
	if (a->p == NULL || (size_t)(a->end - a->p) < n) {
		c = a->cur != NULL ? a->cur->next : a->head;
		if (c == NULL || c->size < n) {
			size = n > XT_CHUNK ? n : XT_CHUNK;
			if ((c = malloc(XT_ALIGN + size)) == NULL)
				return (NULL);
			c->size = size;
			if (a->cur == NULL) {
				c->next = a->head;
				a->head = c;
			} else {
				c->next = a->cur->next;
				a->cur->next = c;
			}
		}
		a->cur = c;
		a->p = CHUNK_DATA(c);
		a->end = a->p + c->size;
	}
	p = a->p;
	a->p += n;
	return (p);
}

/* all of the arena free again (its chunks kept) */
static void
arena_reset(struct arena *a)
{
	a->cur = NULL;
	a->p = a->end = NULL;
}

static void
arena_free(struct arena *a)
{
	struct chunk *c, *next;

	for (c = a->head; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	a->head = NULL;
	arena_reset(a);
}

/* a node of the record, zeroed: NULL when out of memory */
static inline xmlNodePtr
node_new(struct omsi_xtree *t, xmlElementType type, const xmlChar *name)
{
	xmlNodePtr n;

	if (t->solid)
		n = xmlMalloc(sizeof(*n));
	else
		n = arena_alloc(&t->arena, sizeof(*n));
	if (n == NULL)
		return (NULL);
	/*
	 * Each member, not memset: gcc makes a memset of the 120 bytes a
	 * "rep stosq", whose start-up cost was some 0.4 s of the main
	 * thread at a million accounts; a store a member is a few cycles.
	 */
	n->_private = t->solid ? NULL : XT_TAG;
	n->type = type;
	n->name = name;
	n->children = n->last = n->parent = n->next = n->prev = NULL;
	n->doc = t->doc;
	n->ns = NULL;
	n->content = NULL;
	n->properties = NULL;
	n->nsDef = NULL;
	n->psvi = NULL;
	n->line = 0;
	n->extra = 0;
	return (n);
}

/*
 * Subtree n, unlinked, given up: its ordinary nodes (and the ordinary
 * attributes of its arena elements) freed as xmlFreeNode frees them; its
 * arena nodes left to the arena.
 */
void
omsi_xtree_drop(xmlNodePtr n)
{
	xmlNodePtr c, next;

	if (n->type != XML_ATTRIBUTE_NODE && n->type != XML_ENTITY_REF_NODE)
		for (c = n->children; c != NULL; c = next) {
			next = c->next;
			/* the arena's text: nothing to free */
			if (c->_private != XT_TAG || c->type != XML_TEXT_NODE)
				omsi_xtree_drop(c);
		}
	if (n->_private != XT_TAG) {
		if (n->type != XML_ATTRIBUTE_NODE &&
		    n->type != XML_ENTITY_REF_NODE)
			n->children = n->last = NULL;
		xmlFreeNode(n);
		return;
	}
	/* only elements and text are built in the arena */
	if (n->type == XML_ELEMENT_NODE) {
		if (n->properties != NULL)
			xmlFreePropList(n->properties);
		if (n->nsDef != NULL)
			xmlFreeNsList(n->nsDef);
	}
}

void
omsi_xtree_set_text(xmlNodePtr el, const char *value)
{
	xmlNodePtr c = el->children, next;
	size_t len;

	/*
	 * The arena's one text child, its text in the node, and a short
	 * value, not empty (xmlNodeSetContent leaves no child then), without
	 * a reference (xmlNodeSetContent would parse one): written over, as
	 * the text node xmlNodeSetContent makes would have it (no line, no
	 * psvi).  The N_ZAP, PR_NOV and IDCASE of every case, where
	 * xmlNodeSetContent's malloc and free took some 900 instructions.
	 */
	if (c != NULL && c->next == NULL && c->_private == XT_TAG &&
	    c->type == XML_TEXT_NODE &&
	    c->content == (xmlChar *)&c->properties &&
	    (len = strlen(value)) > 0 && len < XT_COMPACT &&
	    strchr(value, '&') == NULL) {
		memcpy(c->content, value, len + 1);
		c->line = 0;
		c->psvi = NULL;		/* a line past 65534: none either */
		return;
	}
	for (; c != NULL; c = next) {
		next = c->next;
		c->parent = NULL;
		c->prev = c->next = NULL;
		omsi_xtree_drop(c);
	}
	el->children = el->last = NULL;
	xmlNodeSetContent(el, (const xmlChar *)value);
}

static void
run_reset(struct run *r)
{
	r->len = 0;
	r->started = 0;
	r->nref = 0;
	r->a_nl = r->s0_nl = 0;
	r->seg = 0;
	r->seg_inner = 0;
	r->sp2 = r->sp2_maybe = 0;
	r->unsure = 0;
	r->quick = 0;
	r->ptr = NULL;
}

/* A quick run as run_add leaves it after its first piece. */
static void
run_expand(struct run *r)
{
	r->quick = 0;
	r->blank = !r->q_other;
	r->in_s0 = 1;
	r->a_first = r->in_a = 1;
	r->sp2 = r->q_sp2;
	r->seg_inner = r->q_inner;
	r->s0_nl = r->a_nl = r->q_nl;
	r->seg = r->len;
}

/* n bytes at p as the text of the run: -1 when out of memory */
static int
run_copy(struct omsi_xtree *t, const unsigned char *p, size_t n)
{
	struct run *r = &t->run;
	unsigned char *s;
	size_t cap;

	if (r->len + n + 1 > r->cap) {
		cap = (r->len + n + 1) * 2;
		if ((s = realloc(r->s, cap)) == NULL) {
			nomem(t);
			return (-1);
		}
		r->s = s;
		r->cap = cap;
	}
	memcpy(r->s + r->len, p, n);
	return (0);
}

/* The first piece, kept where the scanner gave it, copied to s. */
static int
run_hold(struct omsi_xtree *t)
{
	struct run *r = &t->run;
	const unsigned char *p = r->ptr;
	size_t n = r->len;

	r->ptr = NULL;
	r->len = 0;
	if (run_copy(t, p, n) == -1)
		return (-1);
	r->len = n;
	return (0);
}

/* The end of a piece the parser gives at once (a reference ends one). */
static void
seg_end(struct run *r)
{
	if (r->seg >= XT_PIECE) {
		/* cut where its buffers end: a piece may begin with a blank */
		if (r->seg_inner)
			r->sp2_maybe = 1;
		/* the first piece's end, and so the line, is not known */
		if (r->in_s0 && r->s0_nl > 0)
			r->unsure = 1;
	}
	r->seg = 0;
	r->seg_inner = 0;
}

static int
run_add(struct omsi_xtree *t, const unsigned char *p, size_t n, int ref)
{
	struct run *r = &t->run;
	const struct omsi_xscan_text *tx;
	unsigned long nl;
	size_t i;
	unsigned acc, rest, c;
	int first = 0;

	if (r->quick)
		run_expand(r);
	if (ref) {
		if (!r->started) {
			r->started = 1;
			r->line0 = t->tx->line;
			r->blank = 0;
			r->in_s0 = r->in_a = r->a_first = 0;
		}
		seg_end(r);
		r->in_s0 = 0;
		r->in_a = 0;
		r->nref++;
		r->blank = 0;
	} else if (n > 0) {
		c = cls[p[0]];
		if (!r->started) {
			r->started = 1;
			r->blank = 1;
			r->in_s0 = 1;
			r->a_first = r->in_a = !(c & C_HIGH);
			first = 1;
		}
		/* what the scanner found in the piece as it read it */
		tx = t->tx;
		nl = tx->nl;
		rest = (tx->inner_blank ? C_BLANK : 0) |
		    (tx->high ? C_HIGH : 0) | (tx->other ? C_OTHER : 0);
		acc = rest | c;
		if (r->seg == 0)
			r->sp2 |= c & C_BLANK;	/* a piece begins with it */
		r->seg_inner |= (r->seg > 0 ? acc : rest) & C_BLANK;
		if (acc & C_HIGH)
			r->sp2 = 1;		/* the parser's slow path */
		if (acc & (C_HIGH | C_OTHER))
			r->blank = 0;
		if (r->in_s0) {
			r->s0_nl += nl;
			if (r->in_a && (acc & C_HIGH)) {
				for (i = 0; !(cls[p[i]] & C_HIGH); i++)
					r->a_nl += p[i] == '\n';
				r->in_a = 0;
			} else if (r->in_a)
				r->a_nl += nl;
		}
		if (first)
			r->line0 = t->tx->line - nl;
		r->seg += n;
	}
	if (r->len + n > XT_TEXT) {
		doubt(t);		/* libxml2 refuses at 10 MB */
		return (-1);
	}
	if (r->ptr != NULL && run_hold(t) == -1)
		return (-1);
	if (r->len == 0 && !ref)
		r->ptr = p;	/* copied when it is released */
	else if (run_copy(t, p, n) == -1)
		return (-1);
	r->len += n;
	return (0);
}

/* n as the last child of the open element e */
static void
append(struct el *e, xmlNodePtr n)
{
	n->parent = e->node;
	if (e->node->children == NULL)
		e->node->children = n;
	else {
		n->prev = e->node->last;
		e->node->last->next = n;
	}
	e->node->last = n;
}

/*
 * The run of text ends at markup (endtag: an end tag): a text node of the
 * open element, or dropped.  -1 on a doubt or out of memory.
 */
static int
run_flush(struct omsi_xtree *t, int endtag)
{
	struct run *r = &t->run;
	struct el *e = &t->el[t->nel - 1];
	xmlNodePtr n;
	unsigned long line;

	if (!r->started)
		return (0);
	if (r->quick) {
		/* as below for a blank run of one piece under XT_PIECE */
		if (!r->q_other && !e->sp2 && !e->first_text) {
			if ((!e->kids && endtag) || e->sp2_maybe)
				goto doubt;
			/* the rest is as run_reset left it */
			r->quick = 0;
			r->started = 0;
			r->len = 0;
			r->ptr = NULL;
			return (0);	/* dropped */
		}
		run_expand(r);
	}
	seg_end(r);
	if (r->blank) {
		/* areBlanks(): the run is the parser's piece, '<' next */
		if (r->len >= XT_PIECE)
			goto doubt;
		if (e->sp2 || e->first_text)
			;
		else if (!e->kids && endtag)
			goto doubt;	/* kept unless a chunk ends on the '<' */
		else if (e->sp2_maybe)
			goto doubt;
		else {
			run_reset(r);
			return (0);	/* dropped */
		}
	}
	if (r->unsure)
		goto doubt;
	line = r->line0 + (r->a_first ? r->a_nl : r->s0_nl);
	if ((n = node_new(t, XML_TEXT_NODE, xmlStringText)) == NULL) {
		nomem(t);
		return (-1);
	}
	if (r->len < XT_COMPACT)
		n->content = (xmlChar *)&n->properties;
	else if (t->solid)
		n->content = xmlMalloc(r->len + 1);
	else
		n->content = arena_alloc(&t->arena, r->len + 1);
	if (n->content == NULL) {
		if (t->solid)
			xmlFree(n);
		nomem(t);
		return (-1);
	}
	memcpy(n->content, r->ptr != NULL ? r->ptr : r->s, r->len);
	n->content[r->len] = '\0';
	set_line(n, line, 1);
	append(e, n);
	if (!e->kids)
		e->first_text = 1;
	e->kids = 1;
	e->sp2 |= r->sp2;
	e->sp2_maybe |= r->sp2_maybe;
	run_reset(r);
	return (0);
doubt:
	run_reset(r);
	doubt(t);
	return (-1);
}

static void
link_child(struct omsi_xtree *t, xmlNodePtr n)
{
	struct el *e = &t->el[t->nel - 1];

	e->kids = 1;
	n->doc = t->doc;
	append(e, n);
}

static void
on_start(void *ctx, const xmlChar *name, const xmlChar *prefix,
    const xmlChar *uri, int nns, const xmlChar **ns, int nattrs,
    int ndefaulted, const xmlChar **attrs)
{
	struct omsi_xtree *t = ctx;
	struct el *e;
	xmlNodePtr n = NULL;
	int depth = t->depth++, want = 1;

	(void)prefix, (void)uri, (void)nns, (void)ns, (void)nattrs;
	(void)ndefaulted, (void)attrs;
	if (t->doubt || t->failed)
		return;
	if (depth == 0) {
		if ((t->root = xmlNewDocNodeEatName(t->doc, NULL,
		    (xmlChar *)name, NULL)) == NULL) {
			nomem(t);
			return;
		}
		set_line(t->root, t->tx->line, 0);
		xmlAddChild((xmlNodePtr)t->doc, t->root);
		return;
	}
	if (depth == 1) {
		if ((want = t->want(t->arg, name)) == 0)
			return;
		t->solid = want == OMSI_XTREE_SOLID;
		arena_reset(&t->arena);
		t->inrec = 1;
		t->nel = 0;
		run_reset(&t->run);
	} else if (!t->inrec)
		return;
	else if (t->run.started && run_flush(t, 0) == -1)
		return;
	if (t->nel == t->capel) {
		int cap = t->capel ? t->capel * 2 : 16;

		if ((e = reallocarray(t->el, (size_t)cap, sizeof(*e))) ==
		    NULL) {
			nomem(t);
			return;
		}
		t->el = e;
		t->capel = cap;
	}
	/* as xmlNewDocNodeEatName: the name is the dictionary's */
	if ((n = node_new(t, XML_ELEMENT_NODE, name)) == NULL) {
		nomem(t);
		return;
	}
	set_line(n, t->tx->line, 0);
	if (depth == 1)
		xmlAddChild(t->root, n);
	else
		link_child(t, n);
	e = &t->el[t->nel++];
	memset(e, 0, sizeof(*e));
	e->node = n;
}

static void
on_end(void *ctx, const xmlChar *name, const xmlChar *prefix,
    const xmlChar *uri)
{
	struct omsi_xtree *t = ctx;
	xmlNodePtr rec;

	(void)name, (void)prefix, (void)uri;
	t->depth--;
	if (t->doubt || t->failed || !t->inrec)
		return;
	if (t->run.started && run_flush(t, 1) == -1)
		return;
	if (--t->nel > 0)
		return;
	t->inrec = 0;
	rec = t->root->last;
	if (t->take(t->arg, rec, t->err) == -1) {
		t->failed = 1;
		omsi_xscan_stop(t->xs);
	}
	xmlUnlinkNode(rec);
	omsi_xtree_drop(rec);
}

static void
on_text(void *ctx, const xmlChar *p, int len)
{
	struct omsi_xtree *t = ctx;
	struct run *r = &t->run;
	const struct omsi_xscan_text *tx = t->tx;

	if (t->doubt || t->failed || !t->inrec)
		return;
	if (!r->started && !tx->inref && len > 0 && len < XT_PIECE &&
	    !tx->high) {
		/* a quick run (struct run) */
		r->ptr = p;
		r->started = 1;
		r->quick = 1;
		r->len = (size_t)len;
		r->q_inner = tx->inner_blank != 0;
		r->q_other = tx->other != 0;
		r->q_sp2 = (cls[p[0]] & C_BLANK) != 0;
		r->q_nl = tx->nl;
		r->line0 = tx->line - tx->nl;
		return;
	}
	(void)run_add(t, p, (size_t)len, tx->inref);
}

/* The scanner may move the text it gave: keep a copy. */
static void
on_release(void *ctx)
{
	struct omsi_xtree *t = ctx;

	if (t->run.ptr != NULL)
		(void)run_hold(t);
}

static void
on_comment(void *ctx, const xmlChar *value)
{
	struct omsi_xtree *t = ctx;
	xmlNodePtr n = NULL;

	if (t->doubt || t->failed || !t->inrec || run_flush(t, 0) == -1)
		return;
	if ((n = xmlNewDocComment(t->doc, value)) == NULL) {
		nomem(t);
		return;
	}
	set_line(n, t->tx->line, 0);
	link_child(t, n);
}

static void
on_pi(void *ctx, const xmlChar *target, const xmlChar *data)
{
	struct omsi_xtree *t = ctx;
	xmlNodePtr n = NULL;

	if (t->doubt || t->failed || !t->inrec || run_flush(t, 0) == -1)
		return;
	if ((n = xmlNewDocPI(t->doc, target, data)) == NULL) {
		nomem(t);
		return;
	}
	set_line(n, t->tx->line, 0);
	link_child(t, n);
}

struct omsi_xtree *
omsi_xtree_new(omsi_xtree_want want, omsi_xtree_take take, void *arg)
{
	struct omsi_xtree *t;
	xmlSAXHandler sax;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return (NULL);
	t->want = want;
	t->take = take;
	t->arg = arg;
	if ((t->dict = xmlDictCreate()) == NULL)
		goto fail;
	if ((t->doc = xmlNewDoc((const xmlChar *)"1.0")) == NULL)
		goto fail;
	t->doc->dict = t->dict;
	xmlDictReference(t->dict);
	memset(&sax, 0, sizeof(sax));
	sax.initialized = XML_SAX2_MAGIC;
	sax.startElementNs = on_start;
	sax.endElementNs = on_end;
	sax.characters = on_text;
	sax.comment = on_comment;
	sax.processingInstruction = on_pi;
	if ((t->xs = omsi_xscan_new(t->dict, &sax, t)) == NULL)
		goto fail;
	t->tx = omsi_xscan_text(t->xs);
	omsi_xscan_on_release(t->xs, on_release);
	return (t);
fail:
	omsi_xtree_free(t);
	return (NULL);
}

void
omsi_xtree_free(struct omsi_xtree *t)
{
	xmlNodePtr rec;

	if (t == NULL)
		return;
	omsi_xscan_free(t->xs);
	if (t->root != NULL && t->root->children != NULL) {
		/* a record left half built */
		rec = t->root->children;
		xmlUnlinkNode(rec);
		omsi_xtree_drop(rec);
	}
	if (t->doc != NULL)
		xmlFreeDoc(t->doc);	/* the root; the dictionary's hold */
	arena_free(&t->arena);
	if (t->dict != NULL)
		xmlDictFree(t->dict);
	free(t->el);
	free(t->run.s);
	free(t);
}

int
omsi_xtree_feed(struct omsi_xtree *t, const unsigned char *p, size_t n,
    int last, struct oms_err *err)
{
	int r;

	if (t->failed)
		return (-1);
	if (t->doubt)
		return (1);
	t->err = err;
	r = omsi_xscan_feed(t->xs, p, n, last);
	if (t->failed)
		return (-1);
	if (r != 0 || t->doubt) {
		t->doubt = 1;
		return (1);
	}
	return (0);
}

static struct archive *
open_entry(const char *path, const char *entry)
{
	struct archive *ar;
	struct archive_entry *ae;

	if ((ar = archive_read_new()) == NULL)
		return (NULL);
	archive_read_support_format_zip(ar);
	if (archive_read_open_filename(ar, path, 65536) == ARCHIVE_OK)
		while (archive_read_next_header(ar, &ae) == ARCHIVE_OK)
			if (strcmp(archive_entry_pathname(ae), entry) == 0)
				return (ar);
	archive_read_free(ar);
	return (NULL);
}

int
omsi_doc_read(const char *path, const char *entry, const char *name,
    omsi_doc_fn fn, void *arg, struct oms_err *err)
{
	struct omsi_feed *f = NULL;
	struct archive *ar = NULL;
	struct oms_err ferr;
	const unsigned char *b;
	const char *dec;
	size_t n;
	int fd = -1, rc = 1, r, more;

	if (entry == NULL) {
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
			return (1);
		f = omsi_feed_file(fd, name, &ferr);
	} else if ((ar = open_entry(path, entry)) != NULL)
		f = omsi_feed_archive(ar, name, &ferr);
	if (f == NULL)
		goto out;
	if ((dec = omsi_feed_decoder(f)) != NULL && strcmp(dec, "UTF-8") != 0)
		goto out;
	b = omsi_feed_head(f, &n);
	more = omsi_feed_run(f);
	r = fn(arg, b, n, !more, err);
	while (r == 0 && more) {
		if ((b = omsi_feed_get(f, &n)) == NULL) {
			*err = *omsi_feed_err(f);
			r = -1;
			break;
		}
		r = fn(arg, b, n, n == 0, err);
		omsi_feed_put(f);
		if (n == 0)
			break;
	}
	if (r == 0 && omsi_feed_bad(f))
		r = 1;
	rc = r;
out:
	if (f != NULL) {
		omsi_feed_stop(f);
		omsi_feed_free(f);
	}
	if (ar != NULL)
		archive_read_free(ar);
	if (fd != -1)
		close(fd);
	return (rc);
}

static int
feed_tree(void *arg, const unsigned char *p, size_t n, int last,
    struct oms_err *err)
{
	return (omsi_xtree_feed(arg, p, n, last, err));
}

int
omsi_xtree_read(struct omsi_xtree *t, const char *path, const char *entry,
    const char *name, struct oms_err *err)
{
	return (omsi_doc_read(path, entry, name, feed_tree, t, err));
}

/*
 * A source document's records through the scanner, in one building pass
 * that hands take the records want asks for.  0 done; 1 when libxml2 is
 * to read the rest (the scanner doubted, or the file could not be read
 * so): the records taken before the doubt stay taken, each as libxml2
 * builds it, and the caller's libxml2 pass goes on after them; -1 on an
 * error.
 */
int
omsi_xtree_copy(const char *path, const char *entry, const char *name,
    omsi_xtree_want want, omsi_xtree_take take, void *arg,
    struct oms_err *err)
{
	struct omsi_xtree *t;
	int r;

	if ((t = omsi_xtree_new(want, take, arg)) == NULL)
		return (oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory"));
	r = omsi_xtree_read(t, path, entry, name, err);
	omsi_xtree_free(t);
	return (r);
}
