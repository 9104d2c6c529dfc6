# The frame allocator and the virtual windows (kernel/mm/bitmap.c, frames.c, vaspace.c).
HOST_TESTS += mm_frames
mm_frames_SRCS := tests/host/mm_frames.c kernel/mm/bitmap.c kernel/mm/frames.c \
	kernel/mm/vaspace.c kernel/mm/memmap.c
