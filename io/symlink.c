/*
 * io/symlink.c - IoCreateSymbolicLink, IoCreateUnprotectedSymbolicLink,
 * IoDeleteSymbolicLink: the names by which clients find a device, e.g.
 * \DosDevices\Sample -> \Device\Sample. The object manager keeps the links
 * (kernel/ob/symlink.c); they are resolved at every lookup.
 */
#include "io/iop.h"

/* PASSIVE_LEVEL. */
NTSTATUS NTAPI
IoCreateSymbolicLink(PUNICODE_STRING SymbolicLinkName, PUNICODE_STRING DeviceName)
{
    NTSTATUS Status = ObCreateSymbolicLink(SymbolicLinkName, DeviceName);

    if (!NT_SUCCESS(Status) && Status != STATUS_OBJECT_NAME_COLLISION) {
        DbgPrint("IoCreateSymbolicLink(%wZ -> %wZ) from %pS: status 0x%08x\n", SymbolicLinkName,
                 DeviceName, __builtin_return_address(0), Status);
    }
    return Status;
}

/* Kestrel has no security descriptors: an unprotected link is a link. */
NTSTATUS NTAPI
IoCreateUnprotectedSymbolicLink(PUNICODE_STRING SymbolicLinkName, PUNICODE_STRING DeviceName)
{
    return IoCreateSymbolicLink(SymbolicLinkName, DeviceName);
}

/* PASSIVE_LEVEL. */
NTSTATUS NTAPI
IoDeleteSymbolicLink(PUNICODE_STRING SymbolicLinkName)
{
    return ObDeleteSymbolicLink(SymbolicLinkName);
}
