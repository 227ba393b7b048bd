lib/fs.o: lib/fs.c lib/oms.h
lib/oms.h:
