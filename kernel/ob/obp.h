/*
 * kernel/ob/obp.h - the object manager's internals (kernel/ob/object.c,
 * handle.c).
 *
 * Every object lives behind an OBJECT_HEADER: the counts that decide when
 * it dies, and its type, which says how. The body the rest of the kernel
 * sees (an ETHREAD, later a FILE_OBJECT or DEVICE_OBJECT) follows it:
 *
 *     pool block:  | OBJECT_HEADER | body ............ |
 *                                    ^ what a PVOID Object points at
 *
 * PointerCount counts references, including one per handle; HandleCount
 * counts handles. When PointerCount reaches 0 the type's DeleteProcedure
 * runs and the block is freed. Objects with static storage (the boot and
 * idle threads) are OBP_FLAG_PERMANENT: never deleted.
 */
#ifndef KESTREL_KERNEL_OB_OBP_H
#define KESTREL_KERNEL_OB_OBP_H

#include <wdm.h>

typedef VOID OB_DELETE_METHOD(_In_ PVOID Object);
/* Called by ZwClose once a handle to Object is gone, with the handles that
 * remain, before the handle's reference is released (the file API sends
 * IRP_MJ_CLEANUP when none remain). PASSIVE_LEVEL. */
typedef VOID OB_CLOSE_METHOD(_In_ PVOID Object, _In_ LONG_PTR HandlesLeft);

typedef struct _OBJECT_TYPE {
    PCSTR Name;                         /* for messages: "Thread" */
    ULONG PoolTag;
    OB_DELETE_METHOD *DeleteProcedure;  /* may be NULL */
    OB_CLOSE_METHOD *CloseProcedure;    /* may be NULL; set after ObpInitializeObjectType */
    volatile LONG TotalNumberOfObjects;
    volatile LONG TotalNumberOfHandles;
} OBJECT_TYPE;

#define OBP_HEADER_SIGNATURE 0x6A624F   /* "Obj" */
#define OBP_FLAG_PERMANENT 0x1

typedef struct _OBJECT_HEADER {
    volatile LONG_PTR PointerCount;
    volatile LONG_PTR HandleCount;
    POBJECT_TYPE Type;
    ULONG Signature;                    /* OBP_HEADER_SIGNATURE: catches non-objects */
    ULONG Flags;
    DECLSPEC_ALIGN(16) UCHAR Body[];
} OBJECT_HEADER, *POBJECT_HEADER;

#define OBJECT_TO_OBJECT_HEADER(Object) CONTAINING_RECORD((Object), OBJECT_HEADER, Body)

/* Fills in a type. Once, at initialization. */
VOID ObpInitializeObjectType(_Out_ POBJECT_TYPE Type, _In_ PCSTR Name, ULONG PoolTag,
                             _In_opt_ OB_DELETE_METHOD *DeleteProcedure);

/* IRQL <= DISPATCH_LEVEL. A zeroed body of BodySize bytes with one
 * reference, or STATUS_INSUFFICIENT_RESOURCES. */
NTSTATUS ObpCreateObject(_In_ POBJECT_TYPE Type, SIZE_T BodySize, _Out_ PVOID *Object);

/* Makes a header in static storage an object of Type that is never
 * deleted. */
VOID ObpInitializePermanentObject(_Out_ POBJECT_HEADER Header, _In_ POBJECT_TYPE Type);

/* IRQL <= DISPATCH_LEVEL. A new handle to Object that takes over one of
 * the caller's references (on success only). */
NTSTATUS ObpCreateHandle(_In_ PVOID Object, ACCESS_MASK GrantedAccess, _Out_ PHANDLE Handle);

/* Stops the machine when Object has no valid header (REFERENCE_BY_POINTER). */
POBJECT_HEADER ObpCheckedHeader(_In_ PVOID Object, _In_ PCSTR Caller);

/* The handle table, at boot. */
VOID ObInitSystem(VOID);

#endif /* KESTREL_KERNEL_OB_OBP_H */
