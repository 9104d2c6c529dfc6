# Device vector allocation by IRQL class (hal/vector.c).
HOST_TESTS += vector
vector_SRCS := tests/host/vector.c hal/vector.c
