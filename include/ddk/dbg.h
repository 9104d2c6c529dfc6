/*
 * ddk/dbg.h - debug output and assertions. Part of wdm.h.
 *
 * DbgPrint writes to the kernel debug port (COM1), polled, so it works at any
 * IRQL and before interrupts exist. KdPrint compiles to nothing unless DBG is
 * set, as in the WDK: note the double parentheses, KdPrint(("x=%d\n", x)).
 */
#ifndef _KESTREL_DDK_DBG_H
#define _KESTREL_DDK_DBG_H

/* No GCC format attribute on these: the WDK's own conversions (%wZ, %ws,
 * %I64x) are not printf's, and driver source that uses them must compile. */
ULONG DbgPrint(_In_z_ PCSTR Format, ...);
ULONG DbgPrintEx(_In_ ULONG ComponentId, _In_ ULONG Level, _In_z_ PCSTR Format, ...);
ULONG vDbgPrintEx(_In_ ULONG ComponentId, _In_ ULONG Level, _In_z_ PCSTR Format, va_list Args);

#define DPFLTR_ERROR_LEVEL 0
#define DPFLTR_WARNING_LEVEL 1
#define DPFLTR_TRACE_LEVEL 2
#define DPFLTR_INFO_LEVEL 3
#define DPFLTR_IHVDRIVER_ID 77
#define DPFLTR_DEFAULT_ID 101

#if DBG
#define KdPrint(_x_) DbgPrint _x_
#define KdPrintEx(_x_) DbgPrintEx _x_
#else
#define KdPrint(_x_)
#define KdPrintEx(_x_)
#endif

/* A failed ASSERT stops the machine (Kestrel has no debugger to break into):
 * the report names the expression, file and line. */
DECLSPEC_NORETURN VOID NTAPI RtlAssert(_In_ PVOID FailedAssertion, _In_ PVOID FileName,
                                       _In_ ULONG LineNumber, _In_opt_ PSTR Message);

#define ASSERT(exp) \
    ((!(exp)) ? (RtlAssert((PVOID)#exp, (PVOID)__FILE__, __LINE__, NULL), FALSE) : TRUE)
#define ASSERTMSG(msg, exp) \
    ((!(exp)) ? (RtlAssert((PVOID)#exp, (PVOID)__FILE__, __LINE__, (PSTR)(msg)), FALSE) : TRUE)
#define NT_ASSERT(exp) ASSERT(exp)

#endif /* _KESTREL_DDK_DBG_H */
