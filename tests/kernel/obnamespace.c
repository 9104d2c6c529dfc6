/*
 * tests/kernel/obnamespace.c - the object namespace: reference counts and
 * deletion, names, lookups, symbolic links (kernel/ob/namespace.c,
 * kernel/ob/symlink.c, io/symlink.c).
 */
#include "tests/kernel/ktest.h"
#include "kernel/ob/namespace.h"

#define KT_OB_TAG 'tOtK'

static OBJECT_TYPE KtObType;
static volatile LONG KtObDeleted;

static VOID
KtObDelete(PVOID Object)
{
    UNREFERENCED_PARAMETER(Object);
    InterlockedIncrement(&KtObDeleted);
}

static PVOID
KtCreateObject(VOID)
{
    PVOID Object = NULL;

    if (KtObType.PoolTag == 0) {
        ObpInitializeObjectType(&KtObType, "KtObject", KT_OB_TAG, KtObDelete);
    }
    if (!NT_SUCCESS(ObpCreateObject(&KtObType, 32, &Object))) {
        return NULL;
    }
    return Object;
}

static NTSTATUS
KtLookup(PCWSTR Path, ULONG Attributes, POBJECT_TYPE Type, PVOID *Object)
{
    UNICODE_STRING Name;

    RtlInitUnicodeString(&Name, Path);
    return ObReferenceObjectByName(&Name, Attributes, Type, Object, NULL);
}

KTEST(ObReferenceCountAndDelete)
{
    PVOID Object = KtCreateObject();
    LONG DeletedBefore = KtObDeleted;

    KT_ASSERT(Object != NULL);
    KT_ASSERT(((ULONG_PTR)Object & 15) == 0);
    KT_ASSERT_EQ(OBJECT_TO_OBJECT_HEADER(Object)->PointerCount, 1);
    KT_ASSERT_EQ(ObReferenceObject(Object), 2);
    KT_ASSERT_STATUS(ObReferenceObjectByPointer(Object, 0, &KtObType, KernelMode),
                     STATUS_SUCCESS);
    KT_ASSERT_STATUS(ObReferenceObjectByPointer(Object, 0, &ObpDirectoryObjectType, KernelMode),
                     STATUS_OBJECT_TYPE_MISMATCH);
    KT_ASSERT_EQ(ObDereferenceObject(Object), 2);
    KT_ASSERT_EQ(ObDereferenceObject(Object), 1);
    KT_ASSERT_EQ(KtObDeleted, DeletedBefore);
    KT_ASSERT_EQ(ObDereferenceObject(Object), 0);
    KT_ASSERT_EQ(KtObDeleted, DeletedBefore + 1);
}

KTEST(ObNamesAndLookups)
{
    UNICODE_STRING Name = RTL_CONSTANT_STRING(L"\\Device\\KtObjectA");
    UNICODE_STRING Deep = RTL_CONSTANT_STRING(L"\\Device\\KtObjectA\\sub\\file.txt");
    UNICODE_STRING Remaining, Expected = RTL_CONSTANT_STRING(L"\\sub\\file.txt");
    PVOID Object = KtCreateObject(), Found;
    LONG DeletedBefore = KtObDeleted;

    KT_ASSERT(Object != NULL);
    KT_ASSERT_STATUS(ObInsertObjectName(Object, &Name), STATUS_SUCCESS);
    KT_ASSERT_EQ(OBJECT_TO_OBJECT_HEADER(Object)->PointerCount, 2);    /* ours + the name's */
    KT_ASSERT_STATUS(ObInsertObjectName(Object, &Name), STATUS_OBJECT_NAME_COLLISION);

    /* Case-insensitive, as NT. */
    KT_ASSERT_STATUS(KtLookup(L"\\DEVICE\\ktobjecta", 0, NULL, &Found), STATUS_SUCCESS);
    KT_ASSERT(Found == Object);
    ObDereferenceObject(Found);
    KT_ASSERT_STATUS(KtLookup(L"\\Device\\KtObjectA", 0, &ObpDirectoryObjectType, &Found),
                     STATUS_OBJECT_TYPE_MISMATCH);
    KT_ASSERT_STATUS(KtLookup(L"\\Device\\KtMissing", 0, NULL, &Found),
                     STATUS_OBJECT_NAME_NOT_FOUND);
    KT_ASSERT_STATUS(KtLookup(L"\\NoSuchDirectory\\X", 0, NULL, &Found),
                     STATUS_OBJECT_PATH_NOT_FOUND);
    KT_ASSERT_STATUS(KtLookup(L"Device\\KtObjectA", 0, NULL, &Found), STATUS_OBJECT_NAME_INVALID);
    KT_ASSERT_STATUS(KtLookup(L"\\Device\\", 0, NULL, &Found), STATUS_OBJECT_NAME_INVALID);
    KT_ASSERT_STATUS(KtLookup(L"\\Device\\\\KtObjectA", 0, NULL, &Found),
                     STATUS_OBJECT_NAME_INVALID);
    KT_ASSERT_STATUS(KtLookup(L"\\Device", 0, &ObpDirectoryObjectType, &Found), STATUS_SUCCESS);
    ObDereferenceObject(Found);

    /* Past a non-directory object: the rest is the object's business. */
    KT_ASSERT_STATUS(ObReferenceObjectByName(&Deep, 0, NULL, &Found, NULL),
                     STATUS_OBJECT_PATH_NOT_FOUND);
    KT_ASSERT_STATUS(ObReferenceObjectByName(&Deep, 0, NULL, &Found, &Remaining), STATUS_SUCCESS);
    KT_ASSERT(Found == Object);
    KT_ASSERT(RtlEqualUnicodeString(&Remaining, &Expected, FALSE));
    ObFreeRemainingName(&Remaining);
    ObDereferenceObject(Found);

    /* Without its name the object is not found, and goes with its last
     * reference. */
    ObMakeTemporaryObject(Object);
    KT_ASSERT_EQ(OBJECT_TO_OBJECT_HEADER(Object)->PointerCount, 1);
    KT_ASSERT_STATUS(KtLookup(L"\\Device\\KtObjectA", 0, NULL, &Found),
                     STATUS_OBJECT_NAME_NOT_FOUND);
    ObDereferenceObject(Object);
    KT_ASSERT_EQ(KtObDeleted, DeletedBefore + 1);
}

KTEST(ObSymbolicLinks)
{
    UNICODE_STRING Name = RTL_CONSTANT_STRING(L"\\Device\\KtLinked");
    UNICODE_STRING Link = RTL_CONSTANT_STRING(L"\\DosDevices\\KtLink");
    UNICODE_STRING Deep = RTL_CONSTANT_STRING(L"\\GLOBAL??\\KtLink\\inside");
    UNICODE_STRING LoopA = RTL_CONSTANT_STRING(L"\\??\\KtLoopA");
    UNICODE_STRING LoopB = RTL_CONSTANT_STRING(L"\\??\\KtLoopB");
    UNICODE_STRING Remaining, Inside = RTL_CONSTANT_STRING(L"\\inside");
    PVOID Object = KtCreateObject(), Found;

    KT_ASSERT(Object != NULL);
    KT_ASSERT_STATUS(ObInsertObjectName(Object, &Name), STATUS_SUCCESS);
    KT_ASSERT_STATUS(IoCreateSymbolicLink(&Link, &Name), STATUS_SUCCESS);
    KT_ASSERT_STATUS(IoCreateSymbolicLink(&Link, &Name), STATUS_OBJECT_NAME_COLLISION);

    /* \DosDevices and \GLOBAL?? are links to \??, where the new link went. */
    KT_ASSERT_STATUS(KtLookup(L"\\??\\KtLink", 0, NULL, &Found), STATUS_SUCCESS);
    KT_ASSERT(Found == Object);
    ObDereferenceObject(Found);
    KT_ASSERT_STATUS(KtLookup(L"\\DosDevices\\KTLINK", 0, &KtObType, &Found), STATUS_SUCCESS);
    KT_ASSERT(Found == Object);
    ObDereferenceObject(Found);
    KT_ASSERT_STATUS(ObReferenceObjectByName(&Deep, 0, NULL, &Found, &Remaining), STATUS_SUCCESS);
    KT_ASSERT(Found == Object);
    KT_ASSERT(RtlEqualUnicodeString(&Remaining, &Inside, FALSE));
    ObFreeRemainingName(&Remaining);
    ObDereferenceObject(Found);
    /* OBJ_OPENLINK opens the link itself. */
    KT_ASSERT_STATUS(KtLookup(L"\\??\\KtLink", OBJ_OPENLINK, &ObpSymbolicLinkObjectType, &Found),
                     STATUS_SUCCESS);
    ObDereferenceObject(Found);

    /* A loop ends with an error, not a hang. */
    KT_ASSERT_STATUS(IoCreateSymbolicLink(&LoopA, &LoopB), STATUS_SUCCESS);
    KT_ASSERT_STATUS(IoCreateSymbolicLink(&LoopB, &LoopA), STATUS_SUCCESS);
    KT_ASSERT_STATUS(KtLookup(L"\\??\\KtLoopA", 0, NULL, &Found),
                     STATUS_REPARSE_POINT_NOT_RESOLVED);
    KT_ASSERT_STATUS(IoDeleteSymbolicLink(&LoopA), STATUS_SUCCESS);
    /* A dangling link: its target is missing. */
    KT_ASSERT_STATUS(KtLookup(L"\\??\\KtLoopB", 0, NULL, &Found), STATUS_OBJECT_NAME_NOT_FOUND);
    KT_ASSERT_STATUS(IoDeleteSymbolicLink(&LoopB), STATUS_SUCCESS);
    KT_ASSERT_STATUS(IoDeleteSymbolicLink(&LoopB), STATUS_OBJECT_NAME_NOT_FOUND);
    /* Deleting a name that is not a link is refused. */
    KT_ASSERT_STATUS(IoDeleteSymbolicLink(&Name), STATUS_OBJECT_TYPE_MISMATCH);

    KT_ASSERT_STATUS(IoDeleteSymbolicLink(&Link), STATUS_SUCCESS);
    KT_ASSERT_STATUS(KtLookup(L"\\DosDevices\\KtLink", 0, NULL, &Found),
                     STATUS_OBJECT_NAME_NOT_FOUND);
    ObMakeTemporaryObject(Object);
    ObDereferenceObject(Object);
}
