lib/err.o: lib/err.c lib/oms.h
lib/oms.h:
