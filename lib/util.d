lib/util.o: lib/util.c lib/oms.h
lib/oms.h:
