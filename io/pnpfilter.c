/*
 * io/pnpfilter.c - IRP_MN_FILTER_RESOURCE_REQUIREMENTS: the function
 * driver's say in what its device is given.
 *
 * The bus reports the requirements (IRP_MN_QUERY_RESOURCE_REQUIREMENTS,
 * asked at enumeration, before any function driver is attached). Once the
 * drivers are added, and before each assignment (the first start, a restart
 * after the requirements changed), the whole stack gets this IRP with
 * IoStatus.Information - and Parameters.FilterResourceRequirements - set to
 * those requirements, NULL when the bus has none. As the WDK has it, the
 * function driver handles it on the way back up: it may leave the list as
 * it came, or free it (ExFreePool) and put a list of its own in
 * Information, with STATUS_SUCCESS; filters and the bus driver leave
 * IoStatus alone, so a stack with nothing to say returns
 * STATUS_NOT_SUPPORTED.
 *
 * Who frees what: the stack gets a copy of the bus's list, never the
 * node's own (a driver may free what it is given, and the bus's list must
 * stay for IoGetDeviceProperty and the next filtering). When the IRP comes
 * back, whatever Information holds belongs to the manager - the copy if
 * nobody replaced it, the driver's list if one did (which freed the copy).
 * On success that list is kept as the node's FilteredRequirements; on any
 * other status it is freed and the bus's list stays. The WDK leaves the
 * manager's side of a failure to the manager: Kestrel takes the driver at
 * its word that the device cannot be configured, and does not start it
 * (io/pnpstate.c treats it as a failed start).
 */
#include "io/pnpp.h"

/* PASSIVE_LEVEL. A paged copy of List, which the stack may free. */
static NTSTATUS
IopCopyRequirements(const IO_RESOURCE_REQUIREMENTS_LIST *List,
                    PIO_RESOURCE_REQUIREMENTS_LIST *Copy)
{
    *Copy = NULL;
    if (List == NULL) {
        return STATUS_SUCCESS;
    }
    *Copy = ExAllocatePoolWithTag(PagedPool, List->ListSize, IOP_PNP_TAG);
    if (*Copy == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    RtlCopyMemory(*Copy, List, List->ListSize);
    return STATUS_SUCCESS;
}

/* PASSIVE_LEVEL, tree lock held. */
NTSTATUS
IopFilterResourceRequirements(PDEVICE_NODE Node)
{
    PIO_RESOURCE_REQUIREMENTS_LIST Copy, Answer;
    IO_STACK_LOCATION Template;
    ULONG_PTR Information;
    NTSTATUS Status;

    /* A previous filtering (before a restart) is forgotten: the driver is
     * asked again about the bus's current list. */
    if (Node->FilteredRequirements != NULL) {
        ExFreePool(Node->FilteredRequirements);
        Node->FilteredRequirements = NULL;
    }
    Node->Flags &= ~DNF_REQUIREMENTS_FILTERED;
    Status = IopCopyRequirements(Node->ResourceRequirements, &Copy);
    if (!NT_SUCCESS(Status)) {
        return Status;
    }
    RtlZeroMemory(&Template, sizeof(Template));
    Template.Parameters.FilterResourceRequirements.IoResourceRequirementList = Copy;
    Status = IopSendPnpIrpWithInformation(
        Node->PhysicalDeviceObject, IRP_MJ_PNP, IRP_MN_FILTER_RESOURCE_REQUIREMENTS,
        &Template.Parameters, sizeof(Template.Parameters.FilterResourceRequirements),
        (ULONG_PTR)Copy, &Information);
    Answer = (PIO_RESOURCE_REQUIREMENTS_LIST)Information;
    if (!NT_SUCCESS(Status)) {
        /* STATUS_NOT_SUPPORTED: nobody filtered, the bus's list stands.
         * Either way what came back is the manager's to free. */
        if (Answer != NULL) {
            ExFreePool(Answer);
        }
        if (Status == STATUS_NOT_SUPPORTED) {
            return STATUS_SUCCESS;
        }
        DbgPrint("PnP: %wZ: its stack failed IRP_MN_FILTER_RESOURCE_REQUIREMENTS (0x%08x); it "
                 "cannot be given resources\n", &Node->InstancePath, Status);
        return Status;
    }
    if (Answer == NULL && Node->ResourceRequirements == NULL) {
        return STATUS_SUCCESS;          /* nothing came, nothing went: as the bus said */
    }
    if (Answer != Copy) {
        DbgPrint("PnP: %wZ: its function driver filtered its resource requirements (%s)\n",
                 &Node->InstancePath, Answer == NULL ? "it needs none" : "a list of its own");
    }
    Node->FilteredRequirements = Answer;
    Node->Flags |= DNF_REQUIREMENTS_FILTERED;
    return STATUS_SUCCESS;
}
