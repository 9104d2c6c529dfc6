/*
 * ntstrsafe.h - the WDK's bounded string routines for char strings.
 *
 * A driver includes this after wdm.h when it wants them. Every routine
 * takes the size of its destination (Cb: in bytes, Cch: in characters,
 * the same thing for char), never writes past it, and always leaves the
 * destination NUL-terminated, even on failure when it has any room.
 *
 * Return codes, as the WDK documents them:
 *   STATUS_SUCCESS            the whole result fit.
 *   STATUS_BUFFER_OVERFLOW    the result was cut to fit (a warning:
 *                             NT_SUCCESS() is false); the destination holds
 *                             the truncated, terminated text.
 *   STATUS_INVALID_PARAMETER  a size of 0 or above NTSTRSAFE_MAX_CCH, a
 *                             string not terminated within its bound, or
 *                             (Kestrel's addition, where the WDK would fault)
 *                             a NULL pointer.
 *
 * In the WDK these are inline functions over the C library; in Kestrel they
 * are kernel routines (kernel/rtl/strsafe.c) built on the kernel's single
 * formatting engine, so %wZ, %ws and friends work as in DbgPrint.
 */
#ifndef _NTSTRSAFE_H_INCLUDED_
#define _NTSTRSAFE_H_INCLUDED_

#include <wdm.h>

#define NTSTRSAFE_MAX_CCH 2147483647
#define NTSTRSAFE_UNICODE_STRING_MAX_CCH (0xffff / sizeof(WCHAR))

typedef char *NTSTRSAFE_PSTR;
typedef const char *NTSTRSAFE_PCSTR;

#define NTSTRSAFEDDI NTSTATUS NTAPI

NTSTRSAFEDDI RtlStringCchPrintfA(_Out_writes_(cchDest) NTSTRSAFE_PSTR pszDest,
                                 _In_ size_t cchDest,
                                 _In_z_ _Printf_format_string_ NTSTRSAFE_PCSTR pszFormat, ...);
NTSTRSAFEDDI RtlStringCchVPrintfA(_Out_writes_(cchDest) NTSTRSAFE_PSTR pszDest,
                                  _In_ size_t cchDest,
                                  _In_z_ _Printf_format_string_ NTSTRSAFE_PCSTR pszFormat,
                                  _In_ va_list argList);
NTSTRSAFEDDI RtlStringCbPrintfA(_Out_writes_bytes_(cbDest) NTSTRSAFE_PSTR pszDest,
                                _In_ size_t cbDest,
                                _In_z_ _Printf_format_string_ NTSTRSAFE_PCSTR pszFormat, ...);
NTSTRSAFEDDI RtlStringCbVPrintfA(_Out_writes_bytes_(cbDest) NTSTRSAFE_PSTR pszDest,
                                 _In_ size_t cbDest,
                                 _In_z_ _Printf_format_string_ NTSTRSAFE_PCSTR pszFormat,
                                 _In_ va_list argList);

NTSTRSAFEDDI RtlStringCchCopyA(_Out_writes_(cchDest) NTSTRSAFE_PSTR pszDest, _In_ size_t cchDest,
                               _In_z_ NTSTRSAFE_PCSTR pszSrc);
NTSTRSAFEDDI RtlStringCbCopyA(_Out_writes_bytes_(cbDest) NTSTRSAFE_PSTR pszDest,
                              _In_ size_t cbDest, _In_z_ NTSTRSAFE_PCSTR pszSrc);

/* Appends to the string already in pszDest, which must be terminated
 * within its size. */
NTSTRSAFEDDI RtlStringCchCatA(_Inout_updates_(cchDest) NTSTRSAFE_PSTR pszDest,
                              _In_ size_t cchDest, _In_z_ NTSTRSAFE_PCSTR pszSrc);
NTSTRSAFEDDI RtlStringCbCatA(_Inout_updates_bytes_(cbDest) NTSTRSAFE_PSTR pszDest,
                             _In_ size_t cbDest, _In_z_ NTSTRSAFE_PCSTR pszSrc);

/* Length without the terminator; fails (and stores 0) when psz has no
 * terminator within cchMax / cbMax. The length pointer may be NULL. */
NTSTRSAFEDDI RtlStringCchLengthA(_In_ NTSTRSAFE_PCSTR psz,
                                 _In_ size_t cchMax, _Out_opt_ size_t *pcchLength);
NTSTRSAFEDDI RtlStringCbLengthA(_In_ NTSTRSAFE_PCSTR psz, _In_ size_t cbMax,
                                _Out_opt_ size_t *pcbLength);

#endif /* _NTSTRSAFE_H_INCLUDED_ */
