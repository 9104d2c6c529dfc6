/*
 * io/pnprootquery.c - what a root-enumerated PDO says about itself when the
 * PnP manager asks (io/pnproot.c dispatches the IRPs): its IDs, its device
 * text, and its boot configuration and resource requirements, each built
 * as the pool buffer the PnP manager frees.
 *
 * IRP_MN_QUERY_DEVICE_TEXT gets the descriptions Windows' own INFs give
 * these devices ("Communications Port", "PCI Express Root Complex", "PCI
 * Bus"), in English whatever the locale asked (the WDK lets a bus answer
 * with the closest text it has). A root-enumerated device has no place on
 * a bus to describe: no location text.
 */
#include "io/pnproot.h"

/* PASSIVE_LEVEL. A pool copy of a string or multi-sz of Bytes bytes, for
 * QUERY_ID. */
ULONG_PTR
IopRootCopyId(PCWSTR Id, ULONG Bytes)
{
    PWSTR Copy = ExAllocatePoolWithTag(PagedPool, Bytes, IOP_PNP_TAG);

    if (Copy != NULL) {
        RtlCopyMemory(Copy, Id, Bytes);
    }
    return (ULONG_PTR)Copy;
}

/* PASSIVE_LEVEL. A pool copy of an ASCII text, widened, for
 * QUERY_DEVICE_TEXT. */
ULONG_PTR
IopRootCopyText(PCSTR Text)
{
    ULONG Count = 0;
    PWSTR Copy;

    while (Text[Count] != '\0') {
        Count++;
    }
    Copy = ExAllocatePoolWithTag(PagedPool, (Count + 1) * sizeof(WCHAR), IOP_PNP_TAG);
    if (Copy != NULL) {
        IopWiden(Copy, Count + 1, Text);
    }
    return (ULONG_PTR)Copy;
}

/* PASSIVE_LEVEL. The boot configuration, or the same values as fixed
 * requirements. */
ULONG_PTR
IopRootResources(PIOP_ROOT_PDO Ext, BOOLEAN Requirements)
{
    ULONG Count = 1 + (Ext->Irq != 0xFF);
    ULONG Bytes;

    if (Ext->PortBase == 0) {
        return 0;
    }
    if (!Requirements) {
        PCM_RESOURCE_LIST List;
        PCM_PARTIAL_RESOURCE_DESCRIPTOR Desc;

        Bytes = FIELD_OFFSET(CM_RESOURCE_LIST, List[0].PartialResourceList.PartialDescriptors) +
                Count * sizeof(CM_PARTIAL_RESOURCE_DESCRIPTOR);
        List = ExAllocatePoolZero(PagedPool, Bytes, IOP_PNP_TAG);
        if (List == NULL) {
            return 0;
        }
        List->Count = 1;
        List->List[0].InterfaceType = Isa;
        List->List[0].PartialResourceList.Version = 1;
        List->List[0].PartialResourceList.Revision = 1;
        List->List[0].PartialResourceList.Count = Count;
        Desc = List->List[0].PartialResourceList.PartialDescriptors;
        Desc->Type = CmResourceTypePort;
        Desc->ShareDisposition = CmResourceShareDeviceExclusive;
        Desc->Flags = CM_RESOURCE_PORT_IO | CM_RESOURCE_PORT_10_BIT_DECODE;
        Desc->u.Port.Start.QuadPart = Ext->PortBase;
        Desc->u.Port.Length = 8;
        if (Ext->Irq != 0xFF) {
            Desc++;
            Desc->Type = CmResourceTypeInterrupt;
            Desc->ShareDisposition = CmResourceShareDeviceExclusive;
            Desc->Flags = Ext->IrqFlags;
            Desc->u.Interrupt.Level = Ext->Irq;
            Desc->u.Interrupt.Vector = Ext->Irq;
            Desc->u.Interrupt.Affinity = (KAFFINITY)-1;
        }
        return (ULONG_PTR)List;
    } else {
        PIO_RESOURCE_REQUIREMENTS_LIST List;
        PIO_RESOURCE_DESCRIPTOR Desc;

        Bytes = FIELD_OFFSET(IO_RESOURCE_REQUIREMENTS_LIST, List[0].Descriptors) +
                Count * sizeof(IO_RESOURCE_DESCRIPTOR);
        List = ExAllocatePoolZero(PagedPool, Bytes, IOP_PNP_TAG);
        if (List == NULL) {
            return 0;
        }
        List->ListSize = Bytes;
        List->InterfaceType = Isa;
        List->AlternativeLists = 1;
        List->List[0].Version = 1;
        List->List[0].Revision = 1;
        List->List[0].Count = Count;
        Desc = List->List[0].Descriptors;
        Desc->Type = CmResourceTypePort;
        Desc->ShareDisposition = CmResourceShareDeviceExclusive;
        Desc->Flags = CM_RESOURCE_PORT_IO | CM_RESOURCE_PORT_10_BIT_DECODE;
        Desc->u.Port.Length = 8;
        Desc->u.Port.Alignment = 8;
        Desc->u.Port.MinimumAddress.QuadPart = Ext->PortBase;
        Desc->u.Port.MaximumAddress.QuadPart = Ext->PortBase + 7;
        if (Ext->Irq != 0xFF) {
            Desc++;
            Desc->Type = CmResourceTypeInterrupt;
            Desc->ShareDisposition = CmResourceShareDeviceExclusive;
            Desc->Flags = Ext->IrqFlags;
            Desc->u.Interrupt.MinimumVector = Ext->Irq;
            Desc->u.Interrupt.MaximumVector = Ext->Irq;
        }
        return (ULONG_PTR)List;
    }
}
