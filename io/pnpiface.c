/*
 * io/pnpiface.c - device interfaces: IoRegisterDeviceInterface,
 * IoSetDeviceInterfaceState, IoGetDeviceInterfaces.
 *
 * A registration is kept by name, the way Windows keeps it in the
 * registry under the interface class: the device's instance path, the
 * class GUID and the reference string, all folded into the symbolic link
 * name
 *
 *     \??\KTPNP#Widget#0#{GUID}\Ref
 *     '-- link object ------' '-- reference string: the rest of the path
 *
 * Enabling creates the link object \??\KTPNP#Widget#0#{GUID} to the PDO's
 * name (\Device\NNNNNNNN). An open of the full name walks through the link
 * to the PDO with "\Ref" left over, which io/create.c hands to the top of
 * the stack as FileObject->FileName. Interfaces of one class on one device
 * that differ only by reference string share that link object, so it is
 * created by the first of them enabled and deleted with the last.
 *
 * Registrations hold no pointer to the device: they outlive it (a device
 * that comes back finds its interfaces registered) and name it by
 * instance path. The list is guarded by the PnP tree lock.
 */
#include "io/pnpp.h"
#include "kernel/rtl/strp.h"

typedef struct _IOP_DEVICE_INTERFACE {
    LIST_ENTRY Link;                    /* in IopDeviceInterfaces */
    GUID ClassGuid;
    UNICODE_STRING SymbolicLinkName;    /* the whole name, reference string too */
    USHORT LinkObjectLength;            /* bytes of it that name the link object */
    UNICODE_STRING InstancePath;        /* the device's */
    BOOLEAN Enabled;
} IOP_DEVICE_INTERFACE, *PIOP_DEVICE_INTERFACE;

static LIST_ENTRY IopDeviceInterfaces = {&IopDeviceInterfaces, &IopDeviceInterfaces};

/* PASSIVE_LEVEL, tree lock held. The registration named Name, or NULL. */
static PIOP_DEVICE_INTERFACE
IopFindInterface(PCUNICODE_STRING Name)
{
    PLIST_ENTRY Entry;

    for (Entry = IopDeviceInterfaces.Flink; Entry != &IopDeviceInterfaces; Entry = Entry->Flink) {
        PIOP_DEVICE_INTERFACE Interface = CONTAINING_RECORD(Entry, IOP_DEVICE_INTERFACE, Link);

        if (RtlEqualUnicodeString(&Interface->SymbolicLinkName, Name, TRUE)) {
            return Interface;
        }
    }
    return NULL;
}

/* The part of an interface's name that names its link object. */
static UNICODE_STRING
IopLinkObjectName(PIOP_DEVICE_INTERFACE Interface)
{
    UNICODE_STRING Name = Interface->SymbolicLinkName;

    Name.Length = Name.MaximumLength = Interface->LinkObjectLength;
    return Name;
}

/* PASSIVE_LEVEL, tree lock held. How many enabled interfaces other than
 * Self use the same link object. */
static ULONG
IopLinkObjectUsers(PIOP_DEVICE_INTERFACE Self)
{
    UNICODE_STRING Mine = IopLinkObjectName(Self), Theirs;
    PLIST_ENTRY Entry;
    ULONG Users = 0;

    for (Entry = IopDeviceInterfaces.Flink; Entry != &IopDeviceInterfaces; Entry = Entry->Flink) {
        PIOP_DEVICE_INTERFACE Other = CONTAINING_RECORD(Entry, IOP_DEVICE_INTERFACE, Link);

        Theirs = IopLinkObjectName(Other);
        if (Other != Self && Other->Enabled && RtlEqualUnicodeString(&Mine, &Theirs, TRUE)) {
            Users++;
        }
    }
    return Users;
}

/* PASSIVE_LEVEL. Builds \??\<instance path, '\' as '#'>#{GUID}[\Ref] in
 * a pool buffer of the string pool, so that the caller's copy can be
 * freed with RtlFreeUnicodeString. */
static NTSTATUS
IopBuildInterfaceName(PCUNICODE_STRING InstancePath, const GUID *Guid,
                      PCUNICODE_STRING Reference, PUNICODE_STRING Name, PUSHORT LinkObjectLength)
{
    static const WCHAR Prefix[] = L"\\??\\";
    UNICODE_STRING GuidText;
    SIZE_T Bytes;
    NTSTATUS Status;
    PWCHAR Out;
    ULONG Index;

    Status = RtlStringFromGUID(Guid, &GuidText);
    if (!NT_SUCCESS(Status)) {
        return Status;
    }
    Bytes = sizeof(Prefix) - sizeof(WCHAR) + InstancePath->Length + sizeof(WCHAR) +
            GuidText.Length;
    *LinkObjectLength = (USHORT)Bytes;
    if (Reference != NULL) {
        Bytes += sizeof(WCHAR) + Reference->Length;
    }
    if (Bytes + sizeof(WCHAR) > UNICODE_STRING_MAX_BYTES) {
        RtlFreeUnicodeString(&GuidText);
        return STATUS_NAME_TOO_LONG;
    }
    Status = RtlpAllocateStringBuffer(Bytes + sizeof(WCHAR), (PVOID *)&Name->Buffer);
    if (!NT_SUCCESS(Status)) {
        RtlFreeUnicodeString(&GuidText);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    Out = Name->Buffer;
    for (Index = 0; Prefix[Index] != UNICODE_NULL; Index++) {
        *Out++ = Prefix[Index];
    }
    for (Index = 0; Index < InstancePath->Length / sizeof(WCHAR); Index++) {
        *Out++ = InstancePath->Buffer[Index] == L'\\' ? L'#' : InstancePath->Buffer[Index];
    }
    *Out++ = L'#';
    RtlCopyMemory(Out, GuidText.Buffer, GuidText.Length);
    Out += GuidText.Length / sizeof(WCHAR);
    if (Reference != NULL) {
        *Out++ = L'\\';
        RtlCopyMemory(Out, Reference->Buffer, Reference->Length);
        Out += Reference->Length / sizeof(WCHAR);
    }
    *Out = UNICODE_NULL;
    Name->Length = (USHORT)Bytes;
    Name->MaximumLength = (USHORT)(Bytes + sizeof(WCHAR));
    RtlFreeUnicodeString(&GuidText);
    return STATUS_SUCCESS;
}

/* A copy of Source from the string pool (RtlFreeUnicodeString frees it). */
static NTSTATUS
IopDuplicateName(PCUNICODE_STRING Source, PUNICODE_STRING Copy)
{
    NTSTATUS Status = RtlpAllocateStringBuffer(Source->Length + sizeof(WCHAR),
                                               (PVOID *)&Copy->Buffer);

    if (!NT_SUCCESS(Status)) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    RtlCopyMemory(Copy->Buffer, Source->Buffer, Source->Length);
    Copy->Buffer[Source->Length / sizeof(WCHAR)] = UNICODE_NULL;
    Copy->Length = Source->Length;
    Copy->MaximumLength = Source->Length + sizeof(WCHAR);
    return STATUS_SUCCESS;
}

/* The WDK: a reference string holds no path separator. */
static BOOLEAN
IopIsValidReferenceString(PCUNICODE_STRING Reference)
{
    ULONG Index;

    if (Reference->Buffer == NULL || (Reference->Length & 1) != 0) {
        return FALSE;
    }
    for (Index = 0; Index < Reference->Length / sizeof(WCHAR); Index++) {
        if (Reference->Buffer[Index] == L'\\' || Reference->Buffer[Index] == L'/' ||
            Reference->Buffer[Index] == UNICODE_NULL) {
            return FALSE;
        }
    }
    return TRUE;
}

/* PASSIVE_LEVEL. */
NTSTATUS NTAPI
IoRegisterDeviceInterface(PDEVICE_OBJECT PhysicalDeviceObject, const GUID *InterfaceClassGuid,
                          PUNICODE_STRING ReferenceString, PUNICODE_STRING SymbolicLinkName)
{
    PIOP_DEVICE_INTERFACE Interface, Existing;
    PDEVICE_NODE Node;
    NTSTATUS Status;

    if (SymbolicLinkName == NULL || InterfaceClassGuid == NULL) {
        DbgPrint("IoRegisterDeviceInterface from %pS: %s is NULL\n",
                 __builtin_return_address(0),
                 SymbolicLinkName == NULL ? "SymbolicLinkName" : "InterfaceClassGuid");
        return STATUS_INVALID_PARAMETER;
    }
    RtlInitEmptyUnicodeString(SymbolicLinkName, NULL, 0);
    Node = PhysicalDeviceObject != NULL && PhysicalDeviceObject->Type == IO_TYPE_DEVICE
               ? IopDeviceExtension(PhysicalDeviceObject)->DeviceNode : NULL;
    if (Node == NULL) {
        DbgPrint("IoRegisterDeviceInterface from %pS: device %p is not a PDO the PnP manager "
                 "knows\n", __builtin_return_address(0), PhysicalDeviceObject);
        return STATUS_INVALID_DEVICE_REQUEST;
    }
    if (ReferenceString != NULL && ReferenceString->Length == 0) {
        ReferenceString = NULL;         /* an empty reference string is none */
    }
    if (ReferenceString != NULL && !IopIsValidReferenceString(ReferenceString)) {
        DbgPrint("IoRegisterDeviceInterface from %pS: the reference string must not contain "
                 "'\\', '/' or NUL\n", __builtin_return_address(0));
        return STATUS_INVALID_DEVICE_REQUEST;
    }
    Interface = ExAllocatePoolZero(NonPagedPoolNx, sizeof(*Interface), IOP_PNP_TAG);
    if (Interface == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    Interface->ClassGuid = *InterfaceClassGuid;
    IopAcquirePnpTreeLock();
    Status = IopBuildInterfaceName(&Node->InstancePath, InterfaceClassGuid, ReferenceString,
                                   &Interface->SymbolicLinkName, &Interface->LinkObjectLength);
    if (NT_SUCCESS(Status)) {
        Status = IopDuplicateName(&Node->InstancePath, &Interface->InstancePath);
    }
    if (NT_SUCCESS(Status)) {
        Existing = IopFindInterface(&Interface->SymbolicLinkName);
        if (Existing == NULL) {
            InsertTailList(&IopDeviceInterfaces, &Interface->Link);
            Existing = Interface;
            Interface = NULL;
        }
        /* The caller gets a copy of its own; the registration keeps one. */
        Status = IopDuplicateName(&Existing->SymbolicLinkName, SymbolicLinkName);
    }
    IopReleasePnpTreeLock();
    if (Interface != NULL) {
        RtlFreeUnicodeString(&Interface->SymbolicLinkName);
        RtlFreeUnicodeString(&Interface->InstancePath);
        ExFreePoolWithTag(Interface, IOP_PNP_TAG);
    }
    return Status;
}

/* PASSIVE_LEVEL, tree lock held. */
static NTSTATUS
IopEnableInterface(PIOP_DEVICE_INTERFACE Interface)
{
    UNICODE_STRING LinkName = IopLinkObjectName(Interface), Target;
    PDEVICE_NODE Node;
    NTSTATUS Status;

    if (Interface->Enabled) {
        return STATUS_OBJECT_NAME_EXISTS;
    }
    for (Node = IopRootDeviceNode; Node != NULL; Node = IopNextDeviceNode(Node)) {
        if (RtlEqualUnicodeString(&Node->InstancePath, &Interface->InstancePath, TRUE)) {
            break;
        }
    }
    if (Node == NULL || Node->State == DeviceNodeRemoved ||
        Node->State == DeviceNodeRemovePendingCloses) {
        DbgPrint("IoSetDeviceInterfaceState: %wZ: the device %wZ is not present\n",
                 &Interface->SymbolicLinkName, &Interface->InstancePath);
        return STATUS_NO_SUCH_DEVICE;
    }
    if (Node->PdoName[0] == UNICODE_NULL) {
        /* A PDO its bus driver named itself: the object manager cannot
         * give the name back yet (no ObQueryNameString). */
        DbgPrint("IoSetDeviceInterfaceState: %wZ: the PDO of %wZ has no name the PnP manager "
                 "knows\n", &Interface->SymbolicLinkName, &Interface->InstancePath);
        return STATUS_INVALID_DEVICE_REQUEST;
    }
    if (IopLinkObjectUsers(Interface) == 0) {
        RtlInitUnicodeString(&Target, Node->PdoName);
        Status = IoCreateSymbolicLink(&LinkName, &Target);
        if (!NT_SUCCESS(Status)) {
            return Status;
        }
    }
    Interface->Enabled = TRUE;
    return STATUS_SUCCESS;
}

/* PASSIVE_LEVEL, tree lock held. */
static NTSTATUS
IopDisableInterface(PIOP_DEVICE_INTERFACE Interface)
{
    UNICODE_STRING LinkName = IopLinkObjectName(Interface);

    if (!Interface->Enabled) {
        return STATUS_OBJECT_NAME_NOT_FOUND;
    }
    Interface->Enabled = FALSE;
    if (IopLinkObjectUsers(Interface) == 0) {
        IoDeleteSymbolicLink(&LinkName);
    }
    return STATUS_SUCCESS;
}

/* PASSIVE_LEVEL. */
NTSTATUS NTAPI
IoSetDeviceInterfaceState(PUNICODE_STRING SymbolicLinkName, BOOLEAN Enable)
{
    PIOP_DEVICE_INTERFACE Interface;
    NTSTATUS Status;

    if (SymbolicLinkName == NULL || SymbolicLinkName->Buffer == NULL) {
        DbgPrint("IoSetDeviceInterfaceState from %pS: no SymbolicLinkName\n",
                 __builtin_return_address(0));
        return STATUS_INVALID_PARAMETER;
    }
    IopAcquirePnpTreeLock();
    Interface = IopFindInterface(SymbolicLinkName);
    if (Interface == NULL) {
        DbgPrint("IoSetDeviceInterfaceState from %pS: %wZ is not a registered device "
                 "interface\n", __builtin_return_address(0), SymbolicLinkName);
        Status = STATUS_OBJECT_NAME_NOT_FOUND;
    } else {
        Status = Enable ? IopEnableInterface(Interface) : IopDisableInterface(Interface);
    }
    IopReleasePnpTreeLock();
    return Status;
}

/* PASSIVE_LEVEL; takes the tree lock, which the caller may hold (io/pnpirp.c,
 * after REMOVE_DEVICE). The
 * WDK: a driver that did not disable its interfaces on removal leaves it
 * to the PnP manager. */
VOID
IopDisableDeviceInterfaces(PDEVICE_NODE Node)
{
    PLIST_ENTRY Entry;

    IopAcquirePnpTreeLock();
    for (Entry = IopDeviceInterfaces.Flink; Entry != &IopDeviceInterfaces; Entry = Entry->Flink) {
        PIOP_DEVICE_INTERFACE Interface = CONTAINING_RECORD(Entry, IOP_DEVICE_INTERFACE, Link);

        if (Interface->Enabled &&
            RtlEqualUnicodeString(&Interface->InstancePath, &Node->InstancePath, TRUE)) {
            IopDisableInterface(Interface);
        }
    }
    IopReleasePnpTreeLock();
}

/* PASSIVE_LEVEL, tree lock held. Whether Interface belongs in the list. */
static BOOLEAN
IopInterfaceMatches(PIOP_DEVICE_INTERFACE Interface, const GUID *Guid, PDEVICE_NODE Node,
                    ULONG Flags)
{
    return IsEqualGUID(&Interface->ClassGuid, Guid) &&
           (Interface->Enabled || (Flags & DEVICE_INTERFACE_INCLUDE_NONACTIVE) != 0) &&
           (Node == NULL ||
            RtlEqualUnicodeString(&Interface->InstancePath, &Node->InstancePath, TRUE));
}

/* PASSIVE_LEVEL. */
NTSTATUS NTAPI
IoGetDeviceInterfaces(const GUID *InterfaceClassGuid, PDEVICE_OBJECT PhysicalDeviceObject,
                      ULONG Flags, PZZWSTR *SymbolicLinkList)
{
    PDEVICE_NODE Node = NULL;
    PLIST_ENTRY Entry;
    SIZE_T Bytes = sizeof(WCHAR);       /* the list's final NUL */
    PWCHAR List, Out;

    if (InterfaceClassGuid == NULL || SymbolicLinkList == NULL) {
        DbgPrint("IoGetDeviceInterfaces from %pS: %s is NULL\n", __builtin_return_address(0),
                 InterfaceClassGuid == NULL ? "InterfaceClassGuid" : "SymbolicLinkList");
        return STATUS_INVALID_PARAMETER;
    }
    *SymbolicLinkList = NULL;
    if ((Flags & ~DEVICE_INTERFACE_INCLUDE_NONACTIVE) != 0) {
        DbgPrint("IoGetDeviceInterfaces from %pS: Flags 0x%x has bits the WDK does not "
                 "define\n", __builtin_return_address(0), Flags);
        return STATUS_INVALID_PARAMETER;
    }
    if (PhysicalDeviceObject != NULL) {
        Node = PhysicalDeviceObject->Type == IO_TYPE_DEVICE
                   ? IopDeviceExtension(PhysicalDeviceObject)->DeviceNode : NULL;
        if (Node == NULL) {
            DbgPrint("IoGetDeviceInterfaces from %pS: device %p is not a PDO the PnP manager "
                     "knows\n", __builtin_return_address(0), PhysicalDeviceObject);
            return STATUS_INVALID_DEVICE_REQUEST;
        }
    }
    IopAcquirePnpTreeLock();
    for (Entry = IopDeviceInterfaces.Flink; Entry != &IopDeviceInterfaces; Entry = Entry->Flink) {
        PIOP_DEVICE_INTERFACE Interface = CONTAINING_RECORD(Entry, IOP_DEVICE_INTERFACE, Link);

        if (IopInterfaceMatches(Interface, InterfaceClassGuid, Node, Flags)) {
            Bytes += Interface->SymbolicLinkName.Length + sizeof(WCHAR);
        }
    }
    /* Two NULs at least: an empty list reads as empty however it is walked. */
    List = ExAllocatePoolZero(PagedPool, Bytes + sizeof(WCHAR), IOP_PNP_TAG);
    if (List == NULL) {
        IopReleasePnpTreeLock();
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    Out = List;
    for (Entry = IopDeviceInterfaces.Flink; Entry != &IopDeviceInterfaces; Entry = Entry->Flink) {
        PIOP_DEVICE_INTERFACE Interface = CONTAINING_RECORD(Entry, IOP_DEVICE_INTERFACE, Link);

        if (IopInterfaceMatches(Interface, InterfaceClassGuid, Node, Flags)) {
            RtlCopyMemory(Out, Interface->SymbolicLinkName.Buffer,
                          Interface->SymbolicLinkName.Length);
            Out += Interface->SymbolicLinkName.Length / sizeof(WCHAR) + 1;  /* past its NUL */
        }
    }
    IopReleasePnpTreeLock();
    *SymbolicLinkList = List;
    return STATUS_SUCCESS;
}
