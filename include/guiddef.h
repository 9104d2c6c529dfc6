/*
 * guiddef.h - GUIDs as the WDK's guiddef.h gives them: DEFINE_GUID,
 * IsEqualGUID, REFGUID. The GUID structure itself is in ntdef.h.
 *
 * DEFINE_GUID(Name, ...) declares Name (extern const GUID). In the one
 * place that should hold the storage, include <initguid.h> first (or after
 * wdm.h, before the header with the driver's own GUIDs): INITGUID makes
 * DEFINE_GUID a definition. Like Windows' DECLSPEC_SELECTANY, the
 * definition is weak, so two files that both define a GUID link to one
 * copy instead of failing. This file may be included more than once, on
 * purpose: initguid.h includes it again to switch DEFINE_GUID over.
 */
#include <ntdef.h>

#ifndef _KESTREL_GUIDDEF_H
#define _KESTREL_GUIDDEF_H

/* In C, a reference to a GUID is a pointer to a constant one. */
#ifndef REFGUID
#define REFGUID const GUID *
#endif

#ifndef IsEqualGUID
/* Field by field: the kernel has no memcmp, and a GUID has no padding. */
FORCEINLINE BOOLEAN
KestrelIsEqualGuid(const GUID *A, const GUID *B)
{
    ULONG Index;

    if (A->Data1 != B->Data1 || A->Data2 != B->Data2 || A->Data3 != B->Data3) {
        return FALSE;
    }
    for (Index = 0; Index < 8; Index++) {
        if (A->Data4[Index] != B->Data4[Index]) {
            return FALSE;
        }
    }
    return TRUE;
}
#define IsEqualGUID(A, B) KestrelIsEqualGuid((A), (B))
#endif
#define InlineIsEqualGUID(A, B) IsEqualGUID((A), (B))

#endif /* _KESTREL_GUIDDEF_H */

#undef DEFINE_GUID
#ifdef INITGUID
#define DEFINE_GUID(Name, L, W1, W2, B1, B2, B3, B4, B5, B6, B7, B8)                      \
    const GUID __attribute__((weak)) Name = {L, W1, W2, {B1, B2, B3, B4, B5, B6, B7, B8}}
#else
#define DEFINE_GUID(Name, L, W1, W2, B1, B2, B3, B4, B5, B6, B7, B8) extern const GUID Name
#endif
