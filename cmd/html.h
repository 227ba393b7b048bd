/*
 * html.h -- what the HTML documents of oms-analyze and oms-invoice share
 */
#ifndef HTML_H
#define HTML_H

#include <stdint.h>
#include <stdio.h>

/* Text into HTML: & < > " ' escaped; NULL writes nothing. */
void	 html_esc(FILE *, const char *);
/* Kopecks as Russian money: "1 234 567,89", no-break spaces, into buf. */
char	*html_rub(int64_t kopecks, char *buf, size_t len);

#endif /* HTML_H */
