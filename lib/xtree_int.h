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
 * A record is built whole before it is handed over, so the records
 * handed over before a doubt are the ones libxml2 would build: a doubt
 * sends the rest of the document to libxml2, whose reading passes over
 * the records already taken (omsi_xtree_copy).
 */
#ifndef XTREE_INT_H
#define XTREE_INT_H

#include <stddef.h>

#include <libxml/tree.h>

#include "oms_int.h"

struct omsi_xtree;

/*
 * The memory of a record.  Its elements and text nodes (and text not in
 * the node) are built in an arena that is reused for the next record: no
 * malloc or free per node.  Nothing may hand arena memory to xmlFree, so
 * take must not change the record with libxml2's functions that free
 * nodes or content (xmlNodeSetContent, xmlNodeAddContent on text,
 * xmlFreeNode, xmlUnlinkNode then free, xmlTextMerge...).  It may add
 * ordinary nodes (xmlNewDocNode, xmlAddChild...), and set an element's
 * text with omsi_xtree_set_text; those are freed with the record.  What
 * touches a record after it is built, in oms-export (checked on 059c922):
 *
 *   copy_case (ffoms_export.c): N_ZAP, PR_NOV, IDCASE set by set_child,
 *	through omsi_xtree_set_text, or added as new ordinary elements;
 *   omsi_ffoms_fixes (ffoms_check.c): xmlNodeSetContent and
 *	xmlNodeAddContent on the fixed elements, which free their children:
 *	when the ledger has a fix in force, want says OMSI_XTREE_SOLID and
 *	the record is built of ordinary nodes, as libxml2 builds them;
 *   omsi_ffoms_check: the acceptor (xsdfast.c) and the rules (rules.c,
 *	the person "grafted" into the rule index only, not into the tree)
 *	read; xmlSchemaValidateOneElement reads (no XML_SCHEMA_VAL_VC_I_CREATE,
 *	and the records have no attributes for xmlAddID);
 *   omsi_ffoms_write_node (put_node, xmlTextWriter) reads.
 *
 * Nothing keeps a pointer into a record past take.
 */
#define OMSI_XTREE_SOLID 2

/*
 * At each depth-1 element: 1 to build it in the arena (it is then handed
 * to take), OMSI_XTREE_SOLID to build it of ordinary nodes (take may
 * change it as any tree), 0 to pass it by.
 */
typedef int	(*omsi_xtree_want)(void *arg, const xmlChar *name);
/*
 * A record built whole, a child of the root (the tree is freed after):
 * 0, or -1 with err filled to stop the reading.
 */
typedef int	(*omsi_xtree_take)(void *arg, xmlNodePtr rec,
		    struct oms_err *err);

/*
 * A reader of one document: builds what want asks for and hands it to
 * take.  NULL when out of memory.
 */
struct omsi_xtree *omsi_xtree_new(omsi_xtree_want, omsi_xtree_take,
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
 * whole, 1 not so read (cannot be opened, another encoding, a doubt:
 * libxml2 is to read it and say what is wrong), -1 take failed, memory
 * ran out or the file could not be read on (err).
 */
int		 omsi_xtree_read(struct omsi_xtree *, const char *path,
		    const char *entry, const char *name, struct oms_err *);
/*
 * The same reading for any use: the document's UTF-8 bytes (windows-1251
 * turned by the feed) handed to fn a piece at a time, last at the end;
 * fn says 0 to go on, 1 to stop (a doubt), -1 failed (err).  What
 * omsi_xtree_read says, fn's 1 and -1 included.
 */
typedef int	(*omsi_doc_fn)(void *arg, const unsigned char *p, size_t n,
		    int last, struct oms_err *err);
int		 omsi_doc_read(const char *path, const char *entry,
		    const char *name, omsi_doc_fn, void *arg,
		    struct oms_err *);
/*
 * As xmlNodeSetContent(el, value) on an element of a record, whether
 * xtree built it (in the arena or not) or libxml2 did.
 */
void		 omsi_xtree_set_text(xmlNodePtr el, const char *value);
/* Subtree n (unlinked) given up: what is not the arena's is freed. */
void		 omsi_xtree_drop(xmlNodePtr n);
/*
 * A source document's copy, in one pass: 0 done, 1 when libxml2 is to
 * read it (a doubt: the records taken before it stay taken, and the
 * caller's libxml2 reading passes over them), -1 on an error (err).
 * A record want declines is scanned but not built, nor doubted about:
 * the scan of source/ has read the whole file before (a text too long
 * for libxml2 anywhere in it refuses the file there).
 */
int		 omsi_xtree_copy(const char *path, const char *entry,
		    const char *name, omsi_xtree_want, omsi_xtree_take,
		    void *arg, struct oms_err *);

#endif /* XTREE_INT_H */
