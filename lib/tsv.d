lib/tsv.o: lib/tsv.c lib/oms.h
lib/oms.h:
