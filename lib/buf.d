lib/buf.o: lib/buf.c lib/oms.h
lib/oms.h:
