/*
 * xsdfast_int.h -- a fast acceptor in front of libxml2's XSD validation
 *
 * A schema of the kind oms writes (xsd/, the federal formats) compiles
 * into a small model: for each element its content model, a sequence or
 * choice of elements with their bounds, or its simple type with the
 * facets along its derivation.  omsi_xsdfast_accept() says 1 only when
 * libxml2's xmlSchemaValidateOneElement() against the same file would
 * surely accept the record; 0 is "not sure", and the caller validates as
 * before (so the messages of a bad record are libxml2's, as ever).
 */
#ifndef XSDFAST_INT_H
#define XSDFAST_INT_H

#include <libxml/tree.h>

struct omsi_xsdfast;

/*
 * The model of the schema at path.  NULL when the schema uses what the
 * model does not know (an attribute, a group, xs:any, a type derived by
 * extension, a facet or built-in type it does not model...), when the
 * file cannot be read, and on no memory: then every record goes to
 * libxml2.  why, when not NULL, gets a short reason (a static string);
 * line the schema line it concerns, or 0.  Free it with
 * omsi_xsdfast_free.
 */
struct omsi_xsdfast *omsi_xsdfast_open(const char *path, const char **why,
	    long *line);
void	 omsi_xsdfast_free(struct omsi_xsdfast *);	/* NULL is fine */

/*
 * 1 when libxml2 would surely find the element n (a global element of
 * the schema, by name) and its subtree valid; 0 when not sure.  The
 * model keeps its names as the dictionary of n's document has them (and
 * a reference on it) until a document of another comes.
 */
int	 omsi_xsdfast_accept(struct omsi_xsdfast *, xmlNodePtr n);

/*
 * For the tests: 1 or 0, whether v matches XSD pattern pat by the
 * acceptor's own matcher; -1 when pat is not of the simple kind it
 * matches itself (libxml2's engine does then), or on no memory.
 */
int	 omsi_xsdfast_pattern(const char *pat, const char *v);

#endif
