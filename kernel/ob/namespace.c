/*
 * kernel/ob/namespace.c - directories, names and path lookup.
 *
 * The tree, its entries and its lock are described in kernel/ob/namespace.h.
 * A lookup walks one component at a time from the root. When it meets a
 * symbolic link it drops the lock, splices the link's target in front of
 * what is left of the path, and starts again from the root:
 *
 *   \DosDevices\Sample       \DosDevices is a link to \??
 *   \??\Sample               \??\Sample is a link to \Device\Sample
 *   \Device\Sample           a device object: found
 */
#include "kernel/ob/namespace.h"

OBJECT_TYPE ObpDirectoryObjectType;
static POBJECT_DIRECTORY ObpRootDirectory;
static LIST_ENTRY ObpNamedObjects;      /* every OBJECT_DIRECTORY_ENTRY */
static KSPIN_LOCK ObpNamespaceLock;

/* A path is absolute, its length even and not zero. */
static BOOLEAN
ObpIsValidPath(PCUNICODE_STRING Path)
{
    return Path != NULL && Path->Buffer != NULL && Path->Length >= sizeof(WCHAR) &&
           (Path->Length & 1) == 0 && Path->Buffer[0] == L'\\';
}

/* Lock held. The entry of Name in Directory, or NULL. */
static POBJECT_DIRECTORY_ENTRY
ObpFindEntry(POBJECT_DIRECTORY Directory, PCUNICODE_STRING Name)
{
    PLIST_ENTRY Link;

    for (Link = Directory->Entries.Flink; Link != &Directory->Entries; Link = Link->Flink) {
        POBJECT_DIRECTORY_ENTRY Entry = CONTAINING_RECORD(Link, OBJECT_DIRECTORY_ENTRY,
                                                          DirectoryLink);
        if (RtlEqualUnicodeString(&Entry->Name, Name, TRUE)) {
            return Entry;
        }
    }
    return NULL;
}

/* Lock held. The entry naming Object, or NULL. */
static POBJECT_DIRECTORY_ENTRY
ObpFindEntryOfObject(PVOID Object)
{
    PLIST_ENTRY Link;

    for (Link = ObpNamedObjects.Flink; Link != &ObpNamedObjects; Link = Link->Flink) {
        POBJECT_DIRECTORY_ENTRY Entry = CONTAINING_RECORD(Link, OBJECT_DIRECTORY_ENTRY,
                                                          NamedLink);
        if (Entry->Object == Object) {
            return Entry;
        }
    }
    return NULL;
}

/*
 * Lock held. Walks Path from the root. On STATUS_SUCCESS, *Found is the
 * object (referenced) and *Rest the offset, in characters, of what is left
 * (Path's length when nothing is). On STATUS_REPARSE, *Found is a symbolic
 * link (referenced) and *Rest the offset just after its component.
 */
static NTSTATUS
ObpWalk(PCUNICODE_STRING Path, ULONG Attributes, PVOID *Found, USHORT *Rest)
{
    USHORT Count = Path->Length / sizeof(WCHAR);
    POBJECT_DIRECTORY Directory = ObpRootDirectory;
    USHORT Position = 1;    /* past the leading '\' */

    if (Count == 1) {
        ObfReferenceObject(ObpRootDirectory);
        *Found = ObpRootDirectory;
        *Rest = Count;
        return STATUS_SUCCESS;
    }
    for (;;) {
        USHORT End = Position;
        UNICODE_STRING Component;
        POBJECT_DIRECTORY_ENTRY Entry;
        POBJECT_HEADER Header;

        while (End < Count && Path->Buffer[End] != L'\\') {
            End++;
        }
        if (End == Position || End - Position > OBP_MAXIMUM_COMPONENT) {
            return STATUS_OBJECT_NAME_INVALID;      /* "\\", a trailing '\', or too long */
        }
        Component.Buffer = &Path->Buffer[Position];
        Component.Length = Component.MaximumLength = (USHORT)((End - Position) * sizeof(WCHAR));
        Entry = ObpFindEntry(Directory, &Component);
        if (Entry == NULL) {
            return End == Count ? STATUS_OBJECT_NAME_NOT_FOUND : STATUS_OBJECT_PATH_NOT_FOUND;
        }
        Header = OBJECT_TO_OBJECT_HEADER(Entry->Object);
        if (Header->Type == &ObpSymbolicLinkObjectType &&
            (End < Count || (Attributes & OBJ_OPENLINK) == 0)) {
            ObfReferenceObject(Entry->Object);
            *Found = Entry->Object;
            *Rest = End;
            return STATUS_REPARSE;
        }
        if (End == Count || Header->Type != &ObpDirectoryObjectType) {
            ObfReferenceObject(Entry->Object);
            *Found = Entry->Object;
            *Rest = End;
            return STATUS_SUCCESS;
        }
        Directory = Entry->Object;
        Position = End + 1;
    }
}

/* The link's target followed by Path[Rest...]: the path to walk next. */
static NTSTATUS
ObpSpliceLink(POBJECT_SYMBOLIC_LINK Link, PCUNICODE_STRING Path, USHORT Rest,
              PUNICODE_STRING NewPath)
{
    SIZE_T TailBytes = Path->Length - (SIZE_T)Rest * sizeof(WCHAR);
    SIZE_T Bytes = Link->LinkTarget.Length + TailBytes;

    if (Bytes > UNICODE_STRING_MAX_BYTES) {
        return STATUS_NAME_TOO_LONG;
    }
    NewPath->Buffer = ExAllocatePoolWithTag(NonPagedPoolNx, Bytes, OBP_NAME_TAG);
    if (NewPath->Buffer == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    RtlCopyMemory(NewPath->Buffer, Link->LinkTarget.Buffer, Link->LinkTarget.Length);
    RtlCopyMemory((PUCHAR)NewPath->Buffer + Link->LinkTarget.Length, &Path->Buffer[Rest],
                  TailBytes);
    NewPath->Length = NewPath->MaximumLength = (USHORT)Bytes;
    return STATUS_SUCCESS;
}

/* IRQL <= DISPATCH_LEVEL. */
NTSTATUS
ObReferenceObjectByName(PCUNICODE_STRING Path, ULONG Attributes, POBJECT_TYPE ObjectType,
                        PVOID *Object, PUNICODE_STRING RemainingName)
{
    UNICODE_STRING Current = *Path, Owned = {0, 0, NULL};
    ULONG Reparses = 0;
    PVOID Found = NULL;
    USHORT Rest = 0;
    NTSTATUS Status;
    KIRQL OldIrql;

    *Object = NULL;
    if (RemainingName != NULL) {
        RtlInitEmptyUnicodeString(RemainingName, NULL, 0);
    }
    if (!ObpIsValidPath(Path)) {
        return STATUS_OBJECT_NAME_INVALID;
    }
    for (;;) {
        UNICODE_STRING Next;

        KeAcquireSpinLock(&ObpNamespaceLock, &OldIrql);
        Status = ObpWalk(&Current, Attributes, &Found, &Rest);
        KeReleaseSpinLock(&ObpNamespaceLock, OldIrql);
        if (Status != STATUS_REPARSE) {
            break;
        }
        if (++Reparses > OBP_MAXIMUM_REPARSE) {
            DbgPrint("Ob: %wZ: more than %u symbolic links on the way (a loop?)\n", Path,
                     OBP_MAXIMUM_REPARSE);
            ObfDereferenceObject(Found);
            Status = STATUS_REPARSE_POINT_NOT_RESOLVED;
            break;
        }
        /* The link's target cannot change while we hold a reference. */
        Status = ObpSpliceLink(Found, &Current, Rest, &Next);
        ObfDereferenceObject(Found);
        if (Owned.Buffer != NULL) {
            ExFreePoolWithTag(Owned.Buffer, OBP_NAME_TAG);
        }
        Owned = Next;
        if (!NT_SUCCESS(Status)) {
            Owned.Buffer = NULL;
            break;
        }
        Current = Owned;
    }
    if (NT_SUCCESS(Status) && Rest < Current.Length / sizeof(WCHAR)) {
        /* Components are left past a non-directory object. */
        if (RemainingName == NULL) {
            ObfDereferenceObject(Found);
            Status = STATUS_OBJECT_PATH_NOT_FOUND;
        } else {
            USHORT Bytes = (USHORT)(Current.Length - Rest * sizeof(WCHAR));

            RemainingName->Buffer = ExAllocatePoolWithTag(NonPagedPoolNx, Bytes, OBP_NAME_TAG);
            if (RemainingName->Buffer == NULL) {
                ObfDereferenceObject(Found);
                Status = STATUS_INSUFFICIENT_RESOURCES;
            } else {
                RtlCopyMemory(RemainingName->Buffer, &Current.Buffer[Rest], Bytes);
                RemainingName->Length = RemainingName->MaximumLength = Bytes;
            }
        }
    }
    if (NT_SUCCESS(Status) && ObjectType != NULL &&
        OBJECT_TO_OBJECT_HEADER(Found)->Type != ObjectType) {
        ObfDereferenceObject(Found);
        if (RemainingName != NULL) {
            ObFreeRemainingName(RemainingName);
        }
        Status = STATUS_OBJECT_TYPE_MISMATCH;
    }
    if (Owned.Buffer != NULL) {
        ExFreePoolWithTag(Owned.Buffer, OBP_NAME_TAG);
    }
    if (NT_SUCCESS(Status)) {
        *Object = Found;
    }
    return Status;
}

/* IRQL <= DISPATCH_LEVEL. */
VOID
ObFreeRemainingName(PUNICODE_STRING RemainingName)
{
    if (RemainingName->Buffer != NULL) {
        ExFreePoolWithTag(RemainingName->Buffer, OBP_NAME_TAG);
    }
    RtlInitEmptyUnicodeString(RemainingName, NULL, 0);
}

/* IRQL <= DISPATCH_LEVEL. */
NTSTATUS
ObInsertObjectName(PVOID Object, PCUNICODE_STRING Path)
{
    UNICODE_STRING Parent, Component;
    POBJECT_DIRECTORY_ENTRY Entry;
    POBJECT_DIRECTORY Directory;
    USHORT Count, Slash;
    NTSTATUS Status;
    KIRQL OldIrql;

    ObpCheckedHeader(Object, "ObInsertObjectName");
    if (!ObpIsValidPath(Path)) {
        return STATUS_OBJECT_NAME_INVALID;
    }
    Count = Path->Length / sizeof(WCHAR);
    for (Slash = Count - 1; Path->Buffer[Slash] != L'\\'; Slash--) {
    }
    Component.Buffer = &Path->Buffer[Slash + 1];
    Component.Length = Component.MaximumLength = (USHORT)((Count - Slash - 1) * sizeof(WCHAR));
    if (Component.Length == 0 || Component.Length / sizeof(WCHAR) > OBP_MAXIMUM_COMPONENT) {
        return STATUS_OBJECT_NAME_INVALID;
    }
    Parent.Buffer = Path->Buffer;
    Parent.Length = Parent.MaximumLength = (USHORT)(Slash == 0 ? 1 : Slash) * sizeof(WCHAR);
    Status = ObReferenceObjectByName(&Parent, 0, &ObpDirectoryObjectType, (PVOID *)&Directory,
                                     NULL);
    if (Status == STATUS_OBJECT_NAME_NOT_FOUND || Status == STATUS_OBJECT_TYPE_MISMATCH) {
        Status = STATUS_OBJECT_PATH_NOT_FOUND;
    }
    if (!NT_SUCCESS(Status)) {
        return Status;
    }

    Entry = ExAllocatePoolZero(NonPagedPoolNx, sizeof(*Entry) + Component.Length, OBP_NAME_TAG);
    if (Entry == NULL) {
        ObfDereferenceObject(Directory);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    Entry->Name.Buffer = (PWSTR)(Entry + 1);
    Entry->Name.Length = Entry->Name.MaximumLength = Component.Length;
    RtlCopyMemory(Entry->Name.Buffer, Component.Buffer, Component.Length);
    Entry->Directory = Directory;
    Entry->Object = Object;

    KeAcquireSpinLock(&ObpNamespaceLock, &OldIrql);
    if (ObpFindEntry(Directory, &Component) != NULL) {
        Status = STATUS_OBJECT_NAME_COLLISION;
    } else if (ObpFindEntryOfObject(Object) != NULL) {
        Status = STATUS_INVALID_PARAMETER;
    } else {
        ObfReferenceObject(Object);     /* the name's reference */
        InsertTailList(&Directory->Entries, &Entry->DirectoryLink);
        InsertTailList(&ObpNamedObjects, &Entry->NamedLink);
        Status = STATUS_SUCCESS;
    }
    KeReleaseSpinLock(&ObpNamespaceLock, OldIrql);

    if (Status == STATUS_INVALID_PARAMETER) {
        DbgPrint("Ob: ObInsertObjectName(%wZ): the object already has a name\n", Path);
    }
    if (!NT_SUCCESS(Status)) {
        ExFreePoolWithTag(Entry, OBP_NAME_TAG);
    }
    /* Directories are never deleted while they hold names, so the entry's
     * Directory pointer needs no reference of its own. */
    ObfDereferenceObject(Directory);
    return Status;
}

/* IRQL <= DISPATCH_LEVEL. */
VOID NTAPI
ObMakeTemporaryObject(PVOID Object)
{
    POBJECT_DIRECTORY_ENTRY Entry;
    KIRQL OldIrql;

    ObpCheckedHeader(Object, "ObMakeTemporaryObject");
    KeAcquireSpinLock(&ObpNamespaceLock, &OldIrql);
    Entry = ObpFindEntryOfObject(Object);
    if (Entry != NULL) {
        RemoveEntryList(&Entry->DirectoryLink);
        RemoveEntryList(&Entry->NamedLink);
    }
    KeReleaseSpinLock(&ObpNamespaceLock, OldIrql);
    if (Entry != NULL) {
        ExFreePoolWithTag(Entry, OBP_NAME_TAG);
        ObfDereferenceObject(Object);   /* the name's reference */
    }
}

/* IRQL <= DISPATCH_LEVEL; takes the namespace lock. */
BOOLEAN
ObpIsObjectNamed(PVOID Object)
{
    BOOLEAN Named;
    KIRQL OldIrql;

    KeAcquireSpinLock(&ObpNamespaceLock, &OldIrql);
    Named = ObpFindEntryOfObject(Object) != NULL;
    KeReleaseSpinLock(&ObpNamespaceLock, OldIrql);
    return Named;
}

/* A directory is deleted only when it was never named or its name went;
 * one that still holds entries would leave them dangling. */
static VOID
ObpDeleteDirectory(PVOID Object)
{
    POBJECT_DIRECTORY Directory = Object;

    if (!IsListEmpty(&Directory->Entries)) {
        DbgPrint("Ob: a directory was deleted while it still named objects\n");
        KeBugCheckEx(REFERENCE_BY_POINTER, (ULONG_PTR)&ObpDirectoryObjectType,
                     (ULONG_PTR)Object, 0, 0);
    }
}

static NTSTATUS
ObpCreateDirectoryObject(POBJECT_DIRECTORY *Directory)
{
    NTSTATUS Status = ObpCreateObject(&ObpDirectoryObjectType, sizeof(OBJECT_DIRECTORY),
                                      (PVOID *)Directory);

    if (NT_SUCCESS(Status)) {
        InitializeListHead(&(*Directory)->Entries);
    }
    return Status;
}

/* PASSIVE_LEVEL. */
NTSTATUS
ObpCreateDirectory(PCWSTR Path)
{
    POBJECT_DIRECTORY Directory;
    UNICODE_STRING Name;
    NTSTATUS Status;

    RtlInitUnicodeString(&Name, Path);
    Status = ObpCreateDirectoryObject(&Directory);
    if (!NT_SUCCESS(Status)) {
        return Status;
    }
    Status = ObInsertObjectName(Directory, &Name);
    ObfDereferenceObject(Directory);    /* the name keeps it */
    return Status;
}

/* PASSIVE_LEVEL, once. The tree cannot be missing any part: a failure here
 * stops the boot. */
VOID
ObInitializeNamespace(VOID)
{
    static const struct {
        PCWSTR Link;
        PCWSTR Target;
    } Links[] = {
        {L"\\DosDevices", L"\\??"},
        {L"\\GLOBAL??", L"\\??"},
    };
    static const PCWSTR Directories[] = {L"\\Device", L"\\Driver", L"\\??"};
    NTSTATUS Status;
    ULONG Index;

    KeInitializeSpinLock(&ObpNamespaceLock);
    InitializeListHead(&ObpNamedObjects);
    ObpInitializeObjectType(&ObpDirectoryObjectType, "Directory", OBP_DIRECTORY_TAG,
                            ObpDeleteDirectory);
    ObpInitializeSymbolicLinkType();
    Status = ObpCreateDirectoryObject(&ObpRootDirectory);   /* its reference is never released */
    for (Index = 0; NT_SUCCESS(Status) && Index < RTL_NUMBER_OF(Directories); Index++) {
        Status = ObpCreateDirectory(Directories[Index]);
    }
    for (Index = 0; NT_SUCCESS(Status) && Index < RTL_NUMBER_OF(Links); Index++) {
        UNICODE_STRING Link, Target;

        RtlInitUnicodeString(&Link, Links[Index].Link);
        RtlInitUnicodeString(&Target, Links[Index].Target);
        Status = ObCreateSymbolicLink(&Link, &Target);
    }
    if (!NT_SUCCESS(Status)) {
        DbgPrint("Ob: cannot build the object namespace: status 0x%08x\n", Status);
        KeBugCheckEx(PHASE1_INITIALIZATION_FAILED, (ULONG_PTR)Status, 0, 0, 0);
    }
}
