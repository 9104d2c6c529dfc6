# kernel/: Ke, Mm, Ex, Rtl, Dbg - the executive proper.
KERNEL_SRCS += \
	kernel/ke/start.asm \
	kernel/main.c \
	kernel/ke/cmdline.c \
	kernel/dbg/dbgprint.c \
	kernel/rtl/format.c
KERNEL_SRCS += kernel/rtl/memory.c kernel/rtl/string.c kernel/rtl/validate.c \
	kernel/rtl/unicode.c kernel/rtl/ansi.c kernel/rtl/integer.c kernel/rtl/convert.c \
	kernel/rtl/strpool.c kernel/rtl/strsafe.c kernel/rtl/guid.c
KERNEL_SRCS += kernel/ke/gdt.c kernel/ke/trap.c kernel/ke/bugcheck.c kernel/ke/context.asm \
	kernel/ke/stackprotect.c kernel/dbg/symbols.c kernel/dbg/backtrace.c kernel/rtl/assert.c
KERNEL_SRCS += kernel/mm/memmap.c kernel/mm/bitmap.c kernel/mm/frames.c kernel/mm/vaspace.c \
	kernel/mm/lock.c kernel/mm/pte.c kernel/mm/paging.c kernel/mm/iospace.c kernel/mm/stack.c \
	kernel/mm/poolpage.c kernel/mm/contig.c
KERNEL_SRCS += kernel/mm/pool.c kernel/mm/poolcheck.c kernel/mm/pooltag.c kernel/mm/expool.c \
	kernel/mm/poolinit.c
KERNEL_SRCS += kernel/ke/irql.c kernel/ke/spinlock.c kernel/ke/interrupt.c
KERNEL_SRCS += kernel/ke/timemath.c kernel/ke/timerq.c kernel/ke/time.c kernel/ke/dpc.c \
	kernel/ke/timer.c kernel/ke/clock.c kernel/ke/wait.c kernel/ke/kientry.asm
KERNEL_SRCS += kernel/ke/readyq.c kernel/ke/sched.c kernel/ke/thread.c kernel/ke/ctxswap.asm \
	kernel/ke/event.c kernel/ke/semaphore.c kernel/ke/mutex.c kernel/ob/object.c kernel/ob/handle.c \
	kernel/ps/thread.c kernel/ps/psinit.c
# Buffers for direct I/O: MDLs and probes (the file-API part of issue 5).
KERNEL_SRCS += kernel/mm/mdl.c kernel/mm/probe.c
# Lookaside lists (ExInitializeNPagedLookasideList & co.): the IRP zones.
KERNEL_SRCS += kernel/ex/lookaside.c
# Event objects behind handles (ZwCreateEvent), for the file API's asynchronous requests.
KERNEL_SRCS += kernel/ex/evobject.c
# The object namespace: directories, names, symbolic links.
KERNEL_SRCS += kernel/ob/namespace.c kernel/ob/symlink.c
# Device queues (KDEVICE_QUEUE), the queue behind StartIo.
KERNEL_SRCS += kernel/ke/devqueue.c kernel/ke/devqlist.c
# Critical regions, fast mutexes, resources, worker threads (issue 4).
KERNEL_SRCS += kernel/ke/region.c kernel/ex/exinit.c kernel/ex/fastmutex.c \
	kernel/ex/resource.c kernel/ex/worker.c
