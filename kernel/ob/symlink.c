/*
 * kernel/ob/symlink.c - symbolic-link objects: a name in the namespace that
 * stands for another path. The target is kept as text and resolved at every
 * lookup (kernel/ob/namespace.c), so a link may be created before what it
 * names exists, and follows it if it is replaced.
 */
#include "kernel/ob/namespace.h"

OBJECT_TYPE ObpSymbolicLinkObjectType;

static VOID
ObpDeleteSymbolicLink(PVOID Object)
{
    POBJECT_SYMBOLIC_LINK Link = Object;

    if (Link->LinkTarget.Buffer != NULL) {
        ExFreePoolWithTag(Link->LinkTarget.Buffer, OBP_NAME_TAG);
    }
}

/* PASSIVE_LEVEL, once, at boot. */
VOID
ObpInitializeSymbolicLinkType(VOID)
{
    ObpInitializeObjectType(&ObpSymbolicLinkObjectType, "SymbolicLink", OBP_SYMBOLIC_LINK_TAG,
                            ObpDeleteSymbolicLink);
}

/* PASSIVE_LEVEL. */
NTSTATUS
ObCreateSymbolicLink(PCUNICODE_STRING LinkName, PCUNICODE_STRING Target)
{
    POBJECT_SYMBOLIC_LINK Link;
    NTSTATUS Status;

    if (Target == NULL || Target->Buffer == NULL || Target->Length < sizeof(WCHAR) ||
        (Target->Length & 1) != 0 || Target->Buffer[0] != L'\\') {
        DbgPrint("Ob: symbolic link %wZ: the target must be an absolute path like "
                 "\\Device\\Xxx\n", LinkName);
        return STATUS_OBJECT_NAME_INVALID;
    }
    Status = ObpCreateObject(&ObpSymbolicLinkObjectType, sizeof(OBJECT_SYMBOLIC_LINK),
                             (PVOID *)&Link);
    if (!NT_SUCCESS(Status)) {
        return Status;
    }
    Link->LinkTarget.Buffer = ExAllocatePoolWithTag(NonPagedPoolNx, Target->Length, OBP_NAME_TAG);
    if (Link->LinkTarget.Buffer == NULL) {
        ObfDereferenceObject(Link);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    RtlCopyMemory(Link->LinkTarget.Buffer, Target->Buffer, Target->Length);
    Link->LinkTarget.Length = Link->LinkTarget.MaximumLength = Target->Length;
    Status = ObInsertObjectName(Link, LinkName);
    ObfDereferenceObject(Link);     /* on success the name keeps it until deleted */
    return Status;
}

/* PASSIVE_LEVEL. */
NTSTATUS
ObDeleteSymbolicLink(PCUNICODE_STRING LinkName)
{
    PVOID Link;
    NTSTATUS Status;

    Status = ObReferenceObjectByName(LinkName, OBJ_OPENLINK, &ObpSymbolicLinkObjectType, &Link,
                                     NULL);
    if (!NT_SUCCESS(Status)) {
        return Status;
    }
    ObMakeTemporaryObject(Link);
    ObfDereferenceObject(Link);
    return STATUS_SUCCESS;
}
