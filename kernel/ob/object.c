/*
 * kernel/ob/object.c - object types, object creation and reference counts:
 * ObpInitializeObjectType, ObpCreateObject, ObpInitializePermanentObject,
 * ObpCheckedHeader, ObfReferenceObject, ObfDereferenceObject,
 * ObReferenceObjectByPointer.
 *
 * The layout of an object and the meaning of its counts are drawn in
 * kernel/ob/obp.h.
 */
#include "kernel/ob/obp.h"

/* Once, at initialization. */
VOID
ObpInitializeObjectType(POBJECT_TYPE Type, PCSTR Name, ULONG PoolTag,
                        OB_DELETE_METHOD *DeleteProcedure)
{
    Type->Name = Name;
    Type->PoolTag = PoolTag;
    Type->DeleteProcedure = DeleteProcedure;
    Type->CloseProcedure = NULL;
    Type->TotalNumberOfObjects = 0;
    Type->TotalNumberOfHandles = 0;
}

/* IRQL <= DISPATCH_LEVEL. */
NTSTATUS
ObpCreateObject(POBJECT_TYPE Type, SIZE_T BodySize, PVOID *Object)
{
    POBJECT_HEADER Header;

    *Object = NULL;
    if (BodySize > MAXULONG) {
        DbgPrint("Ob: a %s body of %llu bytes is too large\n", Type->Name, (ULONGLONG)BodySize);
        return STATUS_INVALID_PARAMETER;
    }
    Header = ExAllocatePoolZero(NonPagedPoolNx, sizeof(OBJECT_HEADER) + BodySize, Type->PoolTag);
    if (Header == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    Header->PointerCount = 1;
    Header->HandleCount = 0;
    Header->Type = Type;
    Header->Signature = OBP_HEADER_SIGNATURE;
    Header->Flags = 0;
    InterlockedIncrement(&Type->TotalNumberOfObjects);
    *Object = Header->Body;
    return STATUS_SUCCESS;
}

/* Static storage: the object is never deleted, whatever its counts say. */
VOID
ObpInitializePermanentObject(POBJECT_HEADER Header, POBJECT_TYPE Type)
{
    Header->PointerCount = 1;
    Header->HandleCount = 0;
    Header->Type = Type;
    Header->Signature = OBP_HEADER_SIGNATURE;
    Header->Flags = OBP_FLAG_PERMANENT;
    InterlockedIncrement(&Type->TotalNumberOfObjects);
}

/* Any IRQL. REFERENCE_BY_POINTER's parameters are the WDK's: the type, the
 * object, the pointer count and the handle count (0 when there is no
 * header to read them from). */
POBJECT_HEADER
ObpCheckedHeader(PVOID Object, PCSTR Caller)
{
    POBJECT_HEADER Header;

    if (Object == NULL || ((ULONG_PTR)Object & 15) != 0) {
        DbgPrint("%s: %p is not an object\n", Caller, Object);
        KeBugCheckEx(REFERENCE_BY_POINTER, 0, (ULONG_PTR)Object, 0, 0);
    }
    Header = OBJECT_TO_OBJECT_HEADER(Object);
    if (Header->Signature != OBP_HEADER_SIGNATURE || Header->Type == NULL) {
        DbgPrint("%s: %p is not a live object (header signature 0x%x)\n", Caller, Object,
                 Header->Signature);
        KeBugCheckEx(REFERENCE_BY_POINTER, 0, (ULONG_PTR)Object, 0, 0);
    }
    return Header;
}

/* IRQL <= DISPATCH_LEVEL. Returns the new count. */
LONG_PTR FASTCALL
ObfReferenceObject(PVOID Object)
{
    POBJECT_HEADER Header = ObpCheckedHeader(Object, "ObfReferenceObject");
    LONG_PTR Count = InterlockedIncrement64(&Header->PointerCount);

    if (Count <= 1) {
        DbgPrint("ObfReferenceObject: the %s object %p had no reference left (it is being "
                 "deleted)\n", Header->Type->Name, Object);
        KeBugCheckEx(REFERENCE_BY_POINTER, (ULONG_PTR)Header->Type, (ULONG_PTR)Object,
                     (ULONG_PTR)(Count - 1), (ULONG_PTR)Header->HandleCount);
    }
    return Count;
}

/* IRQL <= DISPATCH_LEVEL. Returns the new count; at 0 the type's delete
 * procedure runs (in this caller) and the memory is freed. */
LONG_PTR FASTCALL
ObfDereferenceObject(PVOID Object)
{
    POBJECT_HEADER Header = ObpCheckedHeader(Object, "ObfDereferenceObject");
    POBJECT_TYPE Type = Header->Type;
    LONG_PTR Count = InterlockedDecrement64(&Header->PointerCount);

    if (Count < 0) {
        DbgPrint("ObfDereferenceObject: the %s object %p from %pS has no reference to "
                 "release (released twice?)\n", Type->Name, Object, __builtin_return_address(0));
        KeBugCheckEx(REFERENCE_BY_POINTER, (ULONG_PTR)Type, (ULONG_PTR)Object, (ULONG_PTR)Count,
                     (ULONG_PTR)Header->HandleCount);
    }
    if (Count == 0 && (Header->Flags & OBP_FLAG_PERMANENT) == 0) {
        if (Type->DeleteProcedure != NULL) {
            Type->DeleteProcedure(Object);
        }
        InterlockedDecrement(&Type->TotalNumberOfObjects);
        Header->Signature = 0;  /* a stale pointer used later is caught by ObpCheckedHeader */
        ExFreePoolWithTag(Header, Type->PoolTag);
    }
    return Count;
}

/* IRQL <= DISPATCH_LEVEL. Kernel mode is trusted: DesiredAccess and
 * AccessMode are not checked. */
NTSTATUS NTAPI
ObReferenceObjectByPointer(PVOID Object, ACCESS_MASK DesiredAccess, POBJECT_TYPE ObjectType,
                           KPROCESSOR_MODE AccessMode)
{
    POBJECT_HEADER Header = ObpCheckedHeader(Object, "ObReferenceObjectByPointer");

    UNREFERENCED_PARAMETER(DesiredAccess);
    UNREFERENCED_PARAMETER(AccessMode);
    if (ObjectType != NULL && Header->Type != ObjectType) {
        return STATUS_OBJECT_TYPE_MISMATCH;
    }
    ObfReferenceObject(Object);
    return STATUS_SUCCESS;
}
