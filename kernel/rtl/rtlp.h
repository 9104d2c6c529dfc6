/*
 * kernel/rtl/rtlp.h - Rtl routines private to the kernel.
 */
#ifndef KESTREL_KERNEL_RTL_RTLP_H
#define KESTREL_KERNEL_RTL_RTLP_H

#include <wdm.h>

/*
 * Formats like vsnprintf into Buffer (always NUL-terminated when Size > 0)
 * and returns the length the whole result would have had. Conversions:
 * %d %i %u %x %X %o %c %s %p %% with the flags "-0+ #", a width and a
 * precision (either may be *), and the length modifiers hh h l ll z t j I64;
 * %ws and %S print a NUL-terminated WCHAR string, %wZ a PUNICODE_STRING and
 * %Z a PANSI_STRING (the WDK's spellings); %pS prints an address as
 * symbol+0xoffset when the kernel's symbol table knows it.
 */
SIZE_T RtlpFormatV(_Out_writes_(Size) PCHAR Buffer, SIZE_T Size, _In_z_ PCSTR Format,
                   va_list Args);
SIZE_T RtlpFormat(_Out_writes_(Size) PCHAR Buffer, SIZE_T Size, _In_z_ PCSTR Format, ...)
    __attribute__((format(printf, 3, 4)));

#endif /* KESTREL_KERNEL_RTL_RTLP_H */
