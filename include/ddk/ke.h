/*
 * ddk/ke.h - the kernel (Ke) routines a driver may call. Part of wdm.h.
 */
#ifndef _KESTREL_DDK_KE_H
#define _KESTREL_DDK_KE_H

#define PASSIVE_LEVEL 0
#define LOW_LEVEL 0
#define APC_LEVEL 1
#define DISPATCH_LEVEL 2
#define CMCI_LEVEL 5
#define CLOCK_LEVEL 13
#define IPI_LEVEL 14
#define DRS_LEVEL 14
#define POWER_LEVEL 14
#define PROFILE_LEVEL 15
#define HIGH_LEVEL 15

/* Stops the machine with a crash report over the serial console. */
DECLSPEC_NORETURN VOID NTAPI KeBugCheckEx(_In_ ULONG BugCheckCode,
                                          _In_ ULONG_PTR BugCheckParameter1,
                                          _In_ ULONG_PTR BugCheckParameter2,
                                          _In_ ULONG_PTR BugCheckParameter3,
                                          _In_ ULONG_PTR BugCheckParameter4);
DECLSPEC_NORETURN VOID NTAPI KeBugCheck(_In_ ULONG BugCheckCode);

#endif /* _KESTREL_DDK_KE_H */
