/*
 * xtree_int.h -- the records of a source document as trees, through the
 * fast scanner
 *
 * oms-export reads each source document with xmlTextReader and expands
 * the depth-1 records it copies (a ZAP, a PERS) into xmlNode subtrees.
 * xtree.c builds the same subtrees from the events of the scanner of
 * xscan.c: the nodes xmlTextReaderExpand gives with OMSI_XML_OPTIONS (the
 * blank text NOBLANKS drops dropped as libxml2's heuristic drops it,
 * short text in the node as COMPACT keeps it, lines as BIG_LINES keeps
 * them), names from the document's dictionary, each record a child of a
 * root element of the document's name.  What it is not sure libxml2
 * would build alike makes it doubt, as the scanner does.
 *
 * A record is built whole before it is handed over, so a doubt after the
 * first record cannot fall back silently: a checking pass (build 0) over
 * the whole document, the same doubts without building anything, comes
 * first; a doubt there sends the document to libxml2.
 */
#ifndef XTREE_INT_H
#define XTREE_INT_H

#include <stddef.h>

#include <libxml/tree.h>

#include "oms_int.h"

struct omsi_xtree;

/* At each depth-1 element: 1 to build it (it is then handed to take). */
typedef int	(*omsi_xtree_want)(void *arg, const xmlChar *name);
/*
 * A record built whole, a child of the root (the tree is freed after):
 * 0, or -1 with err filled to stop the reading.
 */
typedef int	(*omsi_xtree_take)(void *arg, xmlNodePtr rec,
		    struct oms_err *err);

/*
 * A reader of one document: build 1 builds what want asks for and hands
 * it to take; build 0 only checks every record (want, take unused).  NULL
 * when out of memory.
 */
struct omsi_xtree *omsi_xtree_new(int build, omsi_xtree_want, omsi_xtree_take,
		    void *arg);
void		 omsi_xtree_free(struct omsi_xtree *);
/*
 * The next n bytes of the document (UTF-8), last when it ends there: 0
 * while all is well, 1 once the scanner or the tree doubts, -1 once take
 * failed or memory ran out (err).
 */
int		 omsi_xtree_feed(struct omsi_xtree *, const unsigned char *,
		    size_t n, int last, struct oms_err *);
/*
 * Read the source document at path (entry: the ZIP entry, or NULL) whole
 * through the feed (feed.c), when it is windows-1251 or UTF-8: 0 read
 * whole, 1 not so read (cannot be opened, another encoding, a doubt, a
 * read error: libxml2 is to read it and say what is wrong), -1 take
 * failed or memory ran out (err).  With build 1, a read error is -1 too.
 */
int		 omsi_xtree_read(struct omsi_xtree *, const char *path,
		    const char *entry, const char *name, struct oms_err *);
/*
 * The two passes of a source document's copy: 0 done, 1 when libxml2 is
 * to read it (nothing taken), -1 on an error (err; also "changed while it
 * was read" when the second pass doubts).
 */
int		 omsi_xtree_copy(const char *path, const char *entry,
		    const char *name, omsi_xtree_want, omsi_xtree_take,
		    void *arg, struct oms_err *);

#endif /* XTREE_INT_H */
