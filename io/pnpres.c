/*
 * io/pnpres.c - which resources a device is started with.
 *
 * Kestrel does not rebalance: it keeps what the firmware (or the bus)
 * assigned. A device that reports requirements
 * (IRP_MN_QUERY_RESOURCE_REQUIREMENTS) gets the first of its alternative
 * lists that can be had, each value taken from the boot configuration where
 * it fits (io/pnpreslist.c builds the lists); a device without requirements
 * gets its boot configuration (IRP_MN_QUERY_RESOURCES) as it is. The
 * requirements are the function driver's when it filtered them
 * (io/pnpfilter.c); a driver that filtered them down to none gets none.
 *
 * An alternative with message-signaled interrupts is for a function driver
 * that said it handles them (IOP_DRIVER_SERVICE.MessageSignaled, from
 * driver.mk's DRIVER_MSI_SUPPORTED; Windows reads MSISupported from the
 * INF): the PCI bus offers the messages first and the line second, so such
 * a driver gets messages and any other the line. A function whose only
 * alternative has messages starts without an interrupt when its driver
 * does not handle them, as it would on Windows, where the bus would not
 * have offered them. An alternative that cannot be had - a conflict, a
 * line the HAL cannot route, no block of vectors left for the messages -
 * gives way to the next, with a message saying why.
 *
 * Before a list is assigned it is checked against every other device's:
 * overlapping ports or memory, or an interrupt line used twice where
 * either side is exclusive, is a conflict printed with both devices' names.
 * Messages never conflict: each device gets vectors of its own. The
 * message vectors go back to the HAL whenever the device's resources are
 * released: stop, removal, surprise removal, a failed start.
 */
#include "io/pnpp.h"

/* Runs Body for each partial descriptor DescVar of a list, FullVar being
 * the full descriptor (interface, bus) it belongs to. */
#define FOR_EACH_DESCRIPTOR(ListPtr, FullVar, DescVar, Body)                                      \
    do {                                                                                         \
        PCM_FULL_RESOURCE_DESCRIPTOR FullVar = &(ListPtr)->List[0];                              \
        for (ULONG L_ = 0; L_ < (ListPtr)->Count; L_++) {                                        \
            ULONG I_;                                                                            \
            for (I_ = 0; I_ < FullVar->PartialResourceList.Count; I_++) {                        \
                PCM_PARTIAL_RESOURCE_DESCRIPTOR DescVar =                                        \
                    &FullVar->PartialResourceList.PartialDescriptors[I_];                        \
                Body                                                                             \
            }                                                                                    \
            FullVar = (PCM_FULL_RESOURCE_DESCRIPTOR)&FullVar->PartialResourceList                \
                          .PartialDescriptors[I_];                                               \
        }                                                                                        \
    } while (0)

/* Any IRQL. Two descriptors conflict when they overlap and either side
 * is exclusive; message interrupts never do (each gets its own vectors). */
static BOOLEAN
IopDescriptorsConflict(const CM_PARTIAL_RESOURCE_DESCRIPTOR *A, INTERFACE_TYPE AInterface,
                       const CM_PARTIAL_RESOURCE_DESCRIPTOR *B, INTERFACE_TYPE BInterface)
{
    ULONGLONG AStart, BStart;

    if (A->Type != B->Type) {
        return FALSE;
    }
    if (A->ShareDisposition == CmResourceShareShared && B->ShareDisposition == CmResourceShareShared) {
        return FALSE;
    }
    switch (A->Type) {
    case CmResourceTypePort:
    case CmResourceTypeMemory:
        AStart = (ULONGLONG)A->u.Generic.Start.QuadPart;
        BStart = (ULONGLONG)B->u.Generic.Start.QuadPart;
        return A->u.Generic.Length != 0 && B->u.Generic.Length != 0 &&
               AStart < BStart + B->u.Generic.Length && BStart < AStart + A->u.Generic.Length;
    case CmResourceTypeInterrupt:
        return (A->Flags & CM_RESOURCE_INTERRUPT_MESSAGE) == 0 &&
               (B->Flags & CM_RESOURCE_INTERRUPT_MESSAGE) == 0 && AInterface == BInterface &&
               A->u.Interrupt.Level == B->u.Interrupt.Level;
    default:
        return FALSE;
    }
}

/* Any IRQL. One descriptor for a conflict message. */
static VOID
IopPrintDescriptor(const CM_PARTIAL_RESOURCE_DESCRIPTOR *Desc)
{
    if (Desc->Type == CmResourceTypeInterrupt) {
        DbgPrint("interrupt line %u", Desc->u.Interrupt.Level);
    } else {
        DbgPrint("%s 0x%llx-0x%llx", Desc->Type == CmResourceTypePort ? "I/O ports" : "memory",
                 (ULONGLONG)Desc->u.Generic.Start.QuadPart,
                 (ULONGLONG)Desc->u.Generic.Start.QuadPart + Desc->u.Generic.Length - 1);
    }
}

/* PASSIVE_LEVEL, tree lock held. The first node whose assigned list
 * conflicts with Raw. */
static BOOLEAN
IopFindConflict(PDEVICE_NODE Node, PCM_RESOURCE_LIST Raw)
{
    PDEVICE_NODE Other;
    BOOLEAN Found = FALSE;

    for (Other = IopRootDeviceNode; Other != NULL && !Found; Other = IopNextDeviceNode(Other)) {
        PCM_RESOURCE_LIST Theirs = Other->ResourceList;

        if (Other == Node || Theirs == NULL) {
            continue;
        }
        FOR_EACH_DESCRIPTOR(Raw, Mine, Want, {
            FOR_EACH_DESCRIPTOR(Theirs, Held, Have, {
                if (!Found && IopDescriptorsConflict(Want, Mine->InterfaceType, Have,
                                                     Held->InterfaceType)) {
                    DbgPrint("PnP: resource conflict: %wZ wants ", &Node->InstancePath);
                    IopPrintDescriptor(Want);
                    DbgPrint(", already assigned to %wZ (", &Other->InstancePath);
                    IopPrintDescriptor(Have);
                    DbgPrint(")\n");
                    Found = TRUE;
                }
            });
        });
    }
    return Found;
}

/* PASSIVE_LEVEL, tree lock held. Raw (consumed) checked and translated
 * and, when both succeed, assigned to Node. NULL is nothing to assign. */
static NTSTATUS
IopTryResources(PDEVICE_NODE Node, PCM_RESOURCE_LIST Raw)
{
    PCM_RESOURCE_LIST Translated;
    NTSTATUS Status;

    if (Raw == NULL) {
        return STATUS_SUCCESS;
    }
    if (IopFindConflict(Node, Raw)) {
        ExFreePoolWithTag(Raw, IOP_PNP_TAG);
        return STATUS_CONFLICTING_ADDRESSES;
    }
    Status = IopTranslateResources(Raw, &Translated);
    if (!NT_SUCCESS(Status)) {
        ExFreePoolWithTag(Raw, IOP_PNP_TAG);
        return Status;
    }
    Node->ResourceList = Raw;
    Node->ResourceListTranslated = Translated;
    return STATUS_SUCCESS;
}

/* PASSIVE_LEVEL, tree lock held. One alternative of Node's requirements. */
static NTSTATUS
IopTryAlternative(PDEVICE_NODE Node, const IO_RESOURCE_LIST *Alternative,
                  BOOLEAN WithoutMessages)
{
    PCM_RESOURCE_LIST Raw;
    NTSTATUS Status = IopBuildRawResources(Node, Alternative, WithoutMessages, &Raw);

    return NT_SUCCESS(Status) ? IopTryResources(Node, Raw) : Status;
}

/* Any IRQL. The alternative lists of Requirements that lie inside its ListSize (a
 * bus driver's mistake is reported, and the lists after it ignored). */
static ULONG
IopCountAlternatives(PDEVICE_NODE Node, const IO_RESOURCE_REQUIREMENTS_LIST *Requirements)
{
    const UCHAR *End = (const UCHAR *)Requirements + Requirements->ListSize;
    const IO_RESOURCE_LIST *Alternative = Requirements->List;
    ULONG Index;

    for (Index = 0; Index < Requirements->AlternativeLists; Index++) {
        const UCHAR *Descriptors = (const UCHAR *)Alternative->Descriptors;

        if (Descriptors > End ||
            (SIZE_T)(End - Descriptors) / sizeof(IO_RESOURCE_DESCRIPTOR) < Alternative->Count) {
            DbgPrint("PnP: %wZ: alternative %u of its resource requirements runs past the "
                     "list's %u bytes (ListSize); it and the ones after it are ignored\n",
                     &Node->InstancePath, Index + 1, Requirements->ListSize);
            break;
        }
        Alternative = IopNextAlternative(Alternative);
    }
    return Index;
}

/* PASSIVE_LEVEL, tree lock held. */
NTSTATUS
IopAssignResources(PDEVICE_NODE Node)
{
    PIO_RESOURCE_REQUIREMENTS_LIST Requirements = IopRequirementsToAssign(Node);
    BOOLEAN Messages = Node->Service != NULL && Node->Service->MessageSignaled;
    const IO_RESOURCE_LIST *Alternative, *Withheld = NULL;
    NTSTATUS Status = STATUS_SUCCESS, FirstFailure = STATUS_SUCCESS;
    PCM_RESOURCE_LIST Raw;
    ULONG Count, Index, Tried = 0;

    IopReleaseResources(Node);
    if ((Node->Flags & DNF_REQUIREMENTS_FILTERED) != 0 && Requirements == NULL) {
        return STATUS_SUCCESS;          /* its function driver says it needs none */
    }
    Count = Requirements != NULL ? IopCountAlternatives(Node, Requirements) : 0;
    if (Count == 0) {
        Status = IopCopyBootResources(Node, &Raw);
        if (NT_SUCCESS(Status)) {
            Status = IopTryResources(Node, Raw);
        }
        FirstFailure = Status;
    }
    Alternative = Count != 0 ? Requirements->List : NULL;
    for (Index = 0; Index < Count; Index++, Alternative = IopNextAlternative(Alternative)) {
        if (!Messages && IopAlternativeHasMessages(Alternative)) {
            if (Withheld == NULL) {
                Withheld = Alternative;
            }
            continue;
        }
        Tried++;
        Status = IopTryAlternative(Node, Alternative, FALSE);
        if (NT_SUCCESS(Status)) {
            if (Withheld != NULL) {
                DbgPrint("PnP: %wZ: %ws does not handle message-signaled interrupts "
                         "(DRIVER_MSI_SUPPORTED); it gets alternative %u of the bus's %u\n",
                         &Node->InstancePath, Node->Service != NULL ? Node->Service->Name
                                                                    : L"a raw device",
                         Index + 1, Count);
            }
            return STATUS_SUCCESS;
        }
        if (NT_SUCCESS(FirstFailure)) {
            FirstFailure = Status;
        }
        DbgPrint("PnP: %wZ: alternative %u of %u of its resource requirements cannot be had "
                 "(0x%08x)%s\n", &Node->InstancePath, Index + 1, Count, Status,
                 Index + 1 < Count ? "; trying the next" : "");
    }
    if (Withheld != NULL) {
        DbgPrint("PnP: %wZ: %s and %ws does not handle message-signaled interrupts "
                 "(DRIVER_MSI_SUPPORTED); it is tried without an interrupt\n",
                 &Node->InstancePath,
                 Tried == 0 ? "its bus offers only alternatives with message-signaled interrupts"
                            : "no alternative without message-signaled interrupts can be had",
                 Node->Service != NULL ? Node->Service->Name : L"a raw device");
        Status = IopTryAlternative(Node, Withheld, TRUE);
        if (NT_SUCCESS(Status)) {
            return STATUS_SUCCESS;
        }
        if (NT_SUCCESS(FirstFailure)) {
            FirstFailure = Status;
        }
    }
    if (!NT_SUCCESS(FirstFailure)) {
        IopSetNodeProblem(Node, CM_PROB_NORMAL_CONFLICT, FirstFailure);
    }
    return FirstFailure;
}

/* PASSIVE_LEVEL, tree lock held. */
VOID
IopReleaseResources(PDEVICE_NODE Node)
{
    IopReleaseMessageVectors(Node->ResourceList, Node->ResourceListTranslated);
    if (Node->ResourceList != NULL) {
        ExFreePoolWithTag(Node->ResourceList, IOP_PNP_TAG);
        Node->ResourceList = NULL;
    }
    if (Node->ResourceListTranslated != NULL) {
        ExFreePoolWithTag(Node->ResourceListTranslated, IOP_PNP_TAG);
        Node->ResourceListTranslated = NULL;
    }
}
