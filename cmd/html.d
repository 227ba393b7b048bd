cmd/html.o: cmd/html.c cmd/html.h
cmd/html.h:
