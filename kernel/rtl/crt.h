/*
 * kernel/rtl/crt.h - the small C runtime the kernel carries.
 *
 * GCC emits calls to memcpy, memmove, memset and memcmp even in freestanding
 * code (structure copies, large initializers), so the kernel must define
 * them. The real code lives under Rtlp names (kernel/rtl/memory.c and
 * kernel/rtl/string.c); the C names are thin aliases defined only in the
 * kernel build. A host unit test links against the host's libc, whose own
 * memcpy would clash, so it calls the Rtlp names and still exercises the very
 * code the kernel runs.
 *
 * Drivers do not see this header: wdm.h declares only the four memory
 * routines its RtlCopyMemory-style macros expand to, as the WDK does.
 */
#ifndef KESTREL_KERNEL_RTL_CRT_H
#define KESTREL_KERNEL_RTL_CRT_H

#include <wdm.h>

/*
 * GCC's loop distribution (-ftree-loop-distribute-patterns, on at -O2)
 * recognizes byte loops and replaces them with calls to memset, memcpy or
 * strlen. Inside the routines that implement those names the call would
 * recurse forever; on the host it would silently test libc instead of us.
 */
#define RTLP_NO_LIBCALL __attribute__((optimize("no-tree-loop-distribute-patterns")))

/* Memory: kernel/rtl/memory.c. Same contracts as the C library's. */
PVOID RtlpMemoryCopy(_Out_writes_bytes_(Length) PVOID Destination,
                     _In_reads_bytes_(Length) const VOID *Source, SIZE_T Length);
PVOID RtlpMemoryMove(_Out_writes_bytes_(Length) PVOID Destination,
                     _In_reads_bytes_(Length) const VOID *Source, SIZE_T Length);
PVOID RtlpMemoryFill(_Out_writes_bytes_(Length) PVOID Destination, INT Fill, SIZE_T Length);
INT RtlpMemoryCompare(_In_reads_bytes_(Length) const VOID *Left,
                      _In_reads_bytes_(Length) const VOID *Right, SIZE_T Length);

/* NUL-terminated strings: kernel/rtl/string.c. */
SIZE_T RtlpCStringLength(_In_z_ PCSTR String);
SIZE_T RtlpCStringLengthBounded(_In_reads_(MaximumLength) PCSTR String, SIZE_T MaximumLength);
INT RtlpCStringCompare(_In_z_ PCSTR Left, _In_z_ PCSTR Right);
INT RtlpCStringCompareBounded(_In_z_ PCSTR Left, _In_z_ PCSTR Right, SIZE_T Count);
PCHAR RtlpCStringFindChar(_In_z_ PCSTR String, INT Character);

#ifndef KESTREL_HOST_TEST
/* The C names, for kernel code and for the calls GCC emits by itself. */
size_t strlen(const char *String);
size_t strnlen(const char *String, size_t MaximumLength);
int strcmp(const char *Left, const char *Right);
int strncmp(const char *Left, const char *Right, size_t Count);
char *strchr(const char *String, int Character);
#endif

#endif /* KESTREL_KERNEL_RTL_CRT_H */
