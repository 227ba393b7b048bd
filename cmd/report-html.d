cmd/report-html.o: cmd/report-html.c cmd/analyze.h lib/oms.h cmd/html.h
cmd/analyze.h:
lib/oms.h:
cmd/html.h:
