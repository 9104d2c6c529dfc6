/*
 * ddk/ob.h - the object manager (Ob) routines a driver may call, and the
 * object attributes and access rights they take. Part of wdm.h.
 *
 * Kestrel's object manager (kernel/ob) is small so far: reference-counted
 * objects with a type and a delete procedure, and one kernel handle table.
 * It has no namespace yet, so objects have no names. Names, values and
 * signatures are the WDK's (wdm.h; OBJECT_ATTRIBUTES is ntdef.h's there).
 */
#ifndef _KESTREL_DDK_OB_H
#define _KESTREL_DDK_OB_H

/* An object type (thread, later file, device, ...), opaque to drivers. */
typedef struct _OBJECT_TYPE *POBJECT_TYPE;

/* Access rights (winnt.h's values). */
#ifndef DELETE
#define DELETE 0x00010000L
#define READ_CONTROL 0x00020000L
#define WRITE_DAC 0x00040000L
#define WRITE_OWNER 0x00080000L
#define SYNCHRONIZE 0x00100000L
#define STANDARD_RIGHTS_REQUIRED 0x000F0000L
#define STANDARD_RIGHTS_ALL 0x001F0000L
#define SPECIFIC_RIGHTS_ALL 0x0000FFFFL
#define GENERIC_READ 0x80000000L
#define GENERIC_WRITE 0x40000000L
#define GENERIC_EXECUTE 0x20000000L
#define GENERIC_ALL 0x10000000L
#endif

/* What ObReferenceObjectByHandle reports about the handle. */
typedef struct _OBJECT_HANDLE_INFORMATION {
    ULONG HandleAttributes;
    ACCESS_MASK GrantedAccess;
} OBJECT_HANDLE_INFORMATION, *POBJECT_HANDLE_INFORMATION;

/* The attributes of an object to create or open. */
typedef struct _OBJECT_ATTRIBUTES {
    ULONG Length;
    HANDLE RootDirectory;
    PUNICODE_STRING ObjectName;
    ULONG Attributes;               /* OBJ_* */
    PVOID SecurityDescriptor;
    PVOID SecurityQualityOfService;
} OBJECT_ATTRIBUTES, *POBJECT_ATTRIBUTES;
typedef const OBJECT_ATTRIBUTES *PCOBJECT_ATTRIBUTES;

#define OBJ_INHERIT 0x00000002L
#define OBJ_PERMANENT 0x00000010L
#define OBJ_EXCLUSIVE 0x00000020L
#define OBJ_CASE_INSENSITIVE 0x00000040L
#define OBJ_OPENIF 0x00000080L
#define OBJ_OPENLINK 0x00000100L
#define OBJ_KERNEL_HANDLE 0x00000200L
#define OBJ_FORCE_ACCESS_CHECK 0x00000400L
#define OBJ_VALID_ATTRIBUTES 0x000007F2L

#define InitializeObjectAttributes(p, n, a, r, s) \
    do {                                           \
        (p)->Length = sizeof(OBJECT_ATTRIBUTES);   \
        (p)->RootDirectory = (r);                  \
        (p)->Attributes = (a);                     \
        (p)->ObjectName = (n);                     \
        (p)->SecurityDescriptor = (s);             \
        (p)->SecurityQualityOfService = NULL;      \
    } while (0)

/* IRQL <= APC_LEVEL. Returns the object behind Handle with one more
 * reference (drop it with ObDereferenceObject). ObjectType NULL accepts
 * any type. STATUS_INVALID_HANDLE, STATUS_OBJECT_TYPE_MISMATCH, or
 * STATUS_ACCESS_DENIED (UserMode callers only: kernel mode is trusted). */
NTSTATUS NTAPI ObReferenceObjectByHandle(_In_ HANDLE Handle, _In_ ACCESS_MASK DesiredAccess,
                                         _In_opt_ POBJECT_TYPE ObjectType,
                                         _In_ KPROCESSOR_MODE AccessMode, _Out_ PVOID *Object,
                                         _Out_opt_ POBJECT_HANDLE_INFORMATION HandleInformation);
/* IRQL <= DISPATCH_LEVEL. */
NTSTATUS NTAPI ObReferenceObjectByPointer(_In_ PVOID Object, _In_ ACCESS_MASK DesiredAccess,
                                          _In_opt_ POBJECT_TYPE ObjectType,
                                          _In_ KPROCESSOR_MODE AccessMode);
/* IRQL <= DISPATCH_LEVEL. Return the new count; the last dereference calls
 * the type's delete procedure and frees the object. */
LONG_PTR FASTCALL ObfReferenceObject(_In_ PVOID Object);
LONG_PTR FASTCALL ObfDereferenceObject(_In_ PVOID Object);
#define ObReferenceObject(Object) ObfReferenceObject(Object)
#define ObDereferenceObject(Object) ObfDereferenceObject(Object)

/* IRQL PASSIVE_LEVEL. Closes a handle: STATUS_INVALID_HANDLE if it is
 * not one. */
NTSTATUS NTAPI ZwClose(_In_ HANDLE Handle);

/* ---- Event objects behind handles (kernel/ex/evobject.c) ---- */

#define EVENT_QUERY_STATE 0x0001
#define EVENT_MODIFY_STATE 0x0002
#define EVENT_ALL_ACCESS (STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0x3)

/* The event object type: ObReferenceObjectByHandle(..., *ExEventObjectType,
 * ...) gives the PKEVENT. */
extern POBJECT_TYPE *ExEventObjectType;

/* IRQL PASSIVE_LEVEL. An unnamed event and a handle to it (ZwClose it).
 * ObjectAttributes may be NULL and may not name the event. */
NTSTATUS NTAPI ZwCreateEvent(_Out_ PHANDLE EventHandle, _In_ ACCESS_MASK DesiredAccess,
                             _In_opt_ POBJECT_ATTRIBUTES ObjectAttributes,
                             _In_ EVENT_TYPE EventType, _In_ BOOLEAN InitialState);

#endif /* _KESTREL_DDK_OB_H */
