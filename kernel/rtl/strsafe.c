/*
 * kernel/rtl/strsafe.c - the ntstrsafe.h routines for char strings.
 *
 * Bounded formatting, copying, appending and measuring, with the WDK's
 * return codes (see include/ntstrsafe.h). The Cch routines do the work;
 * for char strings a byte count is a character count, so the Cb routines
 * only forward. Formatting goes through RtlpFormatV, the same engine as
 * DbgPrint. Nothing here allocates or locks: any IRQL, resident buffers.
 */
#include <ntstrsafe.h>
#include "kernel/rtl/crt.h"
#include "kernel/rtl/rtlp.h"

/* Checks a destination; on failure terminates it when that is safe. */
static NTSTATUS
RtlpCheckDestination(NTSTRSAFE_PSTR Destination, size_t Count, PCSTR Routine)
{
    if (Destination == NULL) {
        DbgPrint("%s: the destination is NULL\n", Routine);
        return STATUS_INVALID_PARAMETER;
    }
    if (Count == 0 || Count > NTSTRSAFE_MAX_CCH) {
        DbgPrint("%s: destination size %llu is not between 1 and NTSTRSAFE_MAX_CCH\n", Routine,
                 (ULONGLONG)Count);
        if (Count != 0) {
            Destination[0] = '\0';
        }
        return STATUS_INVALID_PARAMETER;
    }
    return STATUS_SUCCESS;
}

/* Reports a NULL source and leaves an empty destination behind. */
static NTSTATUS
RtlpCheckSource(NTSTRSAFE_PSTR Destination, NTSTRSAFE_PCSTR Source, PCSTR Routine,
                PCSTR Parameter)
{
    if (Source == NULL) {
        DbgPrint("%s: %s is NULL\n", Routine, Parameter);
        Destination[0] = '\0';
        return STATUS_INVALID_PARAMETER;
    }
    return STATUS_SUCCESS;
}

NTSTATUS NTAPI
RtlStringCchVPrintfA(NTSTRSAFE_PSTR pszDest, size_t cchDest, NTSTRSAFE_PCSTR pszFormat,
                     va_list argList)
{
    NTSTATUS Status = RtlpCheckDestination(pszDest, cchDest, "RtlStringCchVPrintfA");

    if (NT_SUCCESS(Status)) {
        Status = RtlpCheckSource(pszDest, pszFormat, "RtlStringCchVPrintfA", "pszFormat");
    }
    if (!NT_SUCCESS(Status)) {
        return Status;
    }
    /* RtlpFormatV returns the length the whole text would have had. */
    if (RtlpFormatV(pszDest, cchDest, pszFormat, argList) >= cchDest) {
        return STATUS_BUFFER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NTSTATUS NTAPI
RtlStringCchPrintfA(NTSTRSAFE_PSTR pszDest, size_t cchDest, NTSTRSAFE_PCSTR pszFormat, ...)
{
    va_list Args;
    NTSTATUS Status;

    va_start(Args, pszFormat);
    Status = RtlStringCchVPrintfA(pszDest, cchDest, pszFormat, Args);
    va_end(Args);
    return Status;
}

NTSTATUS NTAPI
RtlStringCbVPrintfA(NTSTRSAFE_PSTR pszDest, size_t cbDest, NTSTRSAFE_PCSTR pszFormat,
                    va_list argList)
{
    return RtlStringCchVPrintfA(pszDest, cbDest, pszFormat, argList);
}

NTSTATUS NTAPI
RtlStringCbPrintfA(NTSTRSAFE_PSTR pszDest, size_t cbDest, NTSTRSAFE_PCSTR pszFormat, ...)
{
    va_list Args;
    NTSTATUS Status;

    va_start(Args, pszFormat);
    Status = RtlStringCchVPrintfA(pszDest, cbDest, pszFormat, Args);
    va_end(Args);
    return Status;
}

/* Copies Source to Destination[0..Count), cutting it to fit. */
static NTSTATUS
RtlpCopyBounded(NTSTRSAFE_PSTR Destination, size_t Count, NTSTRSAFE_PCSTR Source)
{
    size_t Length = RtlpCStringLengthBounded(Source, Count);
    NTSTATUS Status = STATUS_SUCCESS;

    if (Length == Count) {
        Length = Count - 1;
        Status = STATUS_BUFFER_OVERFLOW;
    }
    RtlpMemoryMove(Destination, Source, Length);
    Destination[Length] = '\0';
    return Status;
}

NTSTATUS NTAPI
RtlStringCchCopyA(NTSTRSAFE_PSTR pszDest, size_t cchDest, NTSTRSAFE_PCSTR pszSrc)
{
    NTSTATUS Status = RtlpCheckDestination(pszDest, cchDest, "RtlStringCchCopyA");

    if (NT_SUCCESS(Status)) {
        Status = RtlpCheckSource(pszDest, pszSrc, "RtlStringCchCopyA", "pszSrc");
    }
    return NT_SUCCESS(Status) ? RtlpCopyBounded(pszDest, cchDest, pszSrc) : Status;
}

NTSTATUS NTAPI
RtlStringCbCopyA(NTSTRSAFE_PSTR pszDest, size_t cbDest, NTSTRSAFE_PCSTR pszSrc)
{
    return RtlStringCchCopyA(pszDest, cbDest, pszSrc);
}

NTSTATUS NTAPI
RtlStringCchCatA(NTSTRSAFE_PSTR pszDest, size_t cchDest, NTSTRSAFE_PCSTR pszSrc)
{
    size_t Existing;

    if (pszDest == NULL || cchDest == 0 || cchDest > NTSTRSAFE_MAX_CCH) {
        return RtlpCheckDestination(pszDest, cchDest, "RtlStringCchCatA");
    }
    /* Appending to a destination that is not terminated within its size
     * would mean guessing where its text ends; the WDK refuses, so do we. */
    Existing = RtlpCStringLengthBounded(pszDest, cchDest);
    if (Existing == cchDest) {
        DbgPrint("RtlStringCchCatA: the destination is not terminated within %llu bytes\n",
                 (ULONGLONG)cchDest);
        return STATUS_INVALID_PARAMETER;
    }
    if (pszSrc == NULL) {
        DbgPrint("RtlStringCchCatA: pszSrc is NULL\n");
        return STATUS_INVALID_PARAMETER;
    }
    return RtlpCopyBounded(pszDest + Existing, cchDest - Existing, pszSrc);
}

NTSTATUS NTAPI
RtlStringCbCatA(NTSTRSAFE_PSTR pszDest, size_t cbDest, NTSTRSAFE_PCSTR pszSrc)
{
    return RtlStringCchCatA(pszDest, cbDest, pszSrc);
}

NTSTATUS NTAPI
RtlStringCchLengthA(NTSTRSAFE_PCSTR psz, size_t cchMax, size_t *pcchLength)
{
    size_t Length = 0;
    NTSTATUS Status = STATUS_INVALID_PARAMETER;

    if (psz == NULL) {
        DbgPrint("RtlStringCchLengthA: psz is NULL\n");
    } else if (cchMax == 0 || cchMax > NTSTRSAFE_MAX_CCH) {
        DbgPrint("RtlStringCchLengthA: bound %llu is not between 1 and NTSTRSAFE_MAX_CCH\n",
                 (ULONGLONG)cchMax);
    } else {
        Length = RtlpCStringLengthBounded(psz, cchMax);
        if (Length < cchMax) {
            Status = STATUS_SUCCESS;
        } else {
            Length = 0; /* not terminated within the bound */
        }
    }
    if (pcchLength != NULL) {
        *pcchLength = Length;
    }
    return Status;
}

NTSTATUS NTAPI
RtlStringCbLengthA(NTSTRSAFE_PCSTR psz, size_t cbMax, size_t *pcbLength)
{
    return RtlStringCchLengthA(psz, cbMax, pcbLength);
}
