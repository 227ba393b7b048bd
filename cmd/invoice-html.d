cmd/invoice-html.o: cmd/invoice-html.c cmd/html.h cmd/invoice.h lib/oms.h
cmd/html.h:
cmd/invoice.h:
lib/oms.h:
