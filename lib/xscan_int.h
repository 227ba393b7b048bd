/*
 * xscan_int.h -- a strict streaming scanner for the XML of the answers
 *
 * libxml2's push parser costs most of an import of a large answer.  The
 * answers use a small part of XML 1.0: an XML declaration, elements
 * without attributes or namespaces, text with the five predefined
 * entities and character references, comments and processing
 * instructions.  This scanner reads that part, already in UTF-8, and
 * calls the SAX2 handlers given as libxml2's push parser (with
 * OMSI_XML_OPTIONS | XML_PARSE_IGNORE_ENC, no decoder, no tree) calls
 * them: element names from the parser's dictionary, the same line at
 * each start and end tag, the same text (split elsewhere).  Whatever it
 * is not sure libxml2 would read to the same events without an error it
 * does not read: it "doubts", and the caller reads the document again
 * with libxml2.
 */
#ifndef XSCAN_INT_H
#define XSCAN_INT_H

#include <stddef.h>

#include <libxml/parser.h>

struct omsi_xscan;

/*
 * A scanner calling sax's startElementNs, endElementNs, characters,
 * comment and processingInstruction (any may be NULL) with ctx; names
 * are interned in dict, which must outlive it.  NULL when out of
 * memory.  Free with omsi_xscan_free (NULL is fine).
 */
struct omsi_xscan *omsi_xscan_new(xmlDictPtr dict, const xmlSAXHandler *sax,
		    void *ctx);
void		 omsi_xscan_free(struct omsi_xscan *);
/*
 * The next n bytes of the document (UTF-8), last when the document ends
 * there (n may be 0).  0 while all is well: after the last piece, the
 * document was read whole and well-formed; -1 once the scanner doubts
 * (it stays so, and calls no handler again).
 */
int		 omsi_xscan_feed(struct omsi_xscan *, const unsigned char *,
		    size_t n, int last);
/*
 * fn(ctx) is called when the bytes given to the characters handler may
 * move or go: before the scanner moves the bytes it keeps of a piece
 * and before omsi_xscan_feed returns.  Until then the handler may keep
 * a pointer to the text given (not to a reference's) instead of a copy.
 */
void		 omsi_xscan_on_release(struct omsi_xscan *, void (*fn)(void *));
/* The line libxml2 would report (xmlSAX2GetLineNumber) in a handler. */
unsigned long	 omsi_xscan_line(const struct omsi_xscan *);
/* From a handler: stop here; the scan doubts (as xmlStopParser). */
void		 omsi_xscan_stop(struct omsi_xscan *);
/*
 * From the characters handler: 1 when the text given is what a
 * reference (&lt;, &#1040; ...) stands for, 0 when it is text as written.
 */
int		 omsi_xscan_inref(const struct omsi_xscan *);
/*
 * From the characters handler, for text as written (not a reference's):
 * what the piece given holds, found as it was read.  The same struct
 * for the scanner's life, kept up to date: line and inref are what
 * omsi_xscan_line and omsi_xscan_inref say, read without a call.
 */
struct omsi_xscan_text {
	unsigned long	 nl;		/* newlines */
	int		 inner_blank;	/* a blank past its first byte */
	int		 other;		/* a byte < 0x80 that is no blank */
	int		 high;		/* a byte >= 0x80 */
	int		 inref;		/* omsi_xscan_inref */
	unsigned long	 line;		/* omsi_xscan_line */
};
const struct omsi_xscan_text *omsi_xscan_text(const struct omsi_xscan *);

#endif /* XSCAN_INT_H */
