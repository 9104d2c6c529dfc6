/*
 * drivers/pci/config.c - a function's configuration space for its driver,
 * the two ways the WDK gives it: IRP_MN_READ_CONFIG / IRP_MN_WRITE_CONFIG
 * (Parameters.ReadWriteConfig: WhichSpace, Buffer, Offset, Length;
 * Information = the bytes moved) and the direct-call interface
 * BUS_INTERFACE_STANDARD (GUID_BUS_INTERFACE_STANDARD, IRP_MN_QUERY_INTERFACE),
 * whose GetBusData/SetBusData may be called at DISPATCH_LEVEL.
 *
 * Both reach the function through HalGetBusDataByOffset/HalSetBusDataByOffset,
 * within the function's own space: 256 bytes, 4096 for a PCI Express
 * function (PCI Express Base 4.0, 7.2.2).
 */
#include "pcibus.h"

static GET_SET_DEVICE_DATA PciInterfaceGetBusData;
static GET_SET_DEVICE_DATA PciInterfaceSetBusData;
static TRANSLATE_BUS_ADDRESS PciInterfaceTranslateBusAddress;
static GET_DMA_ADAPTER PciInterfaceGetDmaAdapter;

/* IRQL <= DISPATCH_LEVEL. */
ULONG
PciPdoConfigAccess(PPCI_PDO_EXTENSION Pdo, BOOLEAN Write, PVOID Buffer, ULONG Offset,
                   ULONG Length)
{
    const PCI_FUNCTION *Function = &Pdo->Function;
    ULONG Limit = Function->PciExpress ? PCI_EXTENDED_CONFIG_LENGTH : PCI_CONFIG_SPACE_LENGTH;
    PCI_SLOT_NUMBER Slot;

    if (Length == 0 || Length > Limit || Offset > Limit - Length) {
        DbgPrint("PCI %02x:%02x.%x: config %s of %u byte(s) at 0x%x is outside its %u bytes\n",
                 PCI_FUNCTION_NAME_ARGS(Function), Write ? "write" : "read", Length, Offset,
                 Limit);
        return 0;
    }
    Slot.u.AsULONG = 0;
    Slot.u.bits.DeviceNumber = Function->Device;
    Slot.u.bits.FunctionNumber = Function->Function;
    if (Write) {
        return HalSetBusDataByOffset(PCIConfiguration, Function->Bus, Slot.u.AsULONG, Buffer,
                                     Offset, Length);
    }
    return HalGetBusDataByOffset(PCIConfiguration, Function->Bus, Slot.u.AsULONG, Buffer, Offset,
                                 Length);
}

/* IRQL <= DISPATCH_LEVEL. */
NTSTATUS
PciPdoReadWriteConfig(PPCI_PDO_EXTENSION Pdo, PIO_STACK_LOCATION IrpSp, BOOLEAN Write,
                      PULONG_PTR Information)
{
    ULONG Bytes;

    *Information = 0;
    if (IrpSp->Parameters.ReadWriteConfig.WhichSpace != PCI_WHICHSPACE_CONFIG) {
        /* PCI_WHICHSPACE_ROM (reading the expansion ROM) is not served. */
        DbgPrint("PCI %02x:%02x.%x: %s_CONFIG for space 0x%x; only PCI_WHICHSPACE_CONFIG is "
                 "served\n", PCI_FUNCTION_NAME_ARGS(&Pdo->Function), Write ? "WRITE" : "READ",
                 IrpSp->Parameters.ReadWriteConfig.WhichSpace);
        return STATUS_INVALID_PARAMETER;
    }
    if (!Pdo->Present) {
        return STATUS_NO_SUCH_DEVICE;
    }
    if (IrpSp->Parameters.ReadWriteConfig.Buffer == NULL) {
        return STATUS_INVALID_PARAMETER;
    }
    Bytes = PciPdoConfigAccess(Pdo, Write, IrpSp->Parameters.ReadWriteConfig.Buffer,
                               IrpSp->Parameters.ReadWriteConfig.Offset,
                               IrpSp->Parameters.ReadWriteConfig.Length);
    *Information = Bytes;
    return Bytes != 0 ? STATUS_SUCCESS : STATUS_INVALID_PARAMETER;
}

/* Any IRQL. The interface keeps the PDO alive while it is held. */
static VOID
PciInterfaceReference(PVOID Context)
{
    PPCI_PDO_EXTENSION Pdo = Context;

    InterlockedIncrement(&Pdo->InterfaceReferences);
    ObReferenceObject(Pdo->Common.Self);
}

static VOID
PciInterfaceDereference(PVOID Context)
{
    PPCI_PDO_EXTENSION Pdo = Context;

    InterlockedDecrement(&Pdo->InterfaceReferences);
    ObDereferenceObject(Pdo->Common.Self);
}

/* IRQL <= DISPATCH_LEVEL. DataType is a PCI_WHICHSPACE_* value. */
static ULONG
PciInterfaceGetBusData(PVOID Context, ULONG DataType, PVOID Buffer, ULONG Offset, ULONG Length)
{
    PPCI_PDO_EXTENSION Pdo = Context;

    if (DataType != PCI_WHICHSPACE_CONFIG) {
        DbgPrint("PCI %02x:%02x.%x: GetBusData for space 0x%x; only PCI_WHICHSPACE_CONFIG\n",
                 PCI_FUNCTION_NAME_ARGS(&Pdo->Function), DataType);
        return 0;
    }
    return PciPdoConfigAccess(Pdo, FALSE, Buffer, Offset, Length);
}

static ULONG
PciInterfaceSetBusData(PVOID Context, ULONG DataType, PVOID Buffer, ULONG Offset, ULONG Length)
{
    PPCI_PDO_EXTENSION Pdo = Context;

    if (DataType != PCI_WHICHSPACE_CONFIG) {
        DbgPrint("PCI %02x:%02x.%x: SetBusData for space 0x%x; only PCI_WHICHSPACE_CONFIG\n",
                 PCI_FUNCTION_NAME_ARGS(&Pdo->Function), DataType);
        return 0;
    }
    return PciPdoConfigAccess(Pdo, TRUE, Buffer, Offset, Length);
}

/* Any IRQL. On x86 a PCI address is the processor's physical address (I/O
 * ports in I/O space, memory in memory space): the translation is the
 * identity and AddressSpace stays as the caller gave it. */
static BOOLEAN
PciInterfaceTranslateBusAddress(PVOID Context, PHYSICAL_ADDRESS BusAddress, ULONG Length,
                                PULONG AddressSpace, PPHYSICAL_ADDRESS TranslatedAddress)
{
    UNREFERENCED_PARAMETER(Context);
    UNREFERENCED_PARAMETER(Length);
    UNREFERENCED_PARAMETER(AddressSpace);
    *TranslatedAddress = BusAddress;
    return TRUE;
}

/* PASSIVE_LEVEL. Kestrel has no DMA adapter objects yet (no
 * IoGetDmaAdapter): NULL, which the WDK documents as "no adapter", so a
 * driver that needs one fails its start cleanly. */
static struct _DMA_ADAPTER *
PciInterfaceGetDmaAdapter(PVOID Context, struct _DEVICE_DESCRIPTION *DeviceDescriptor,
                          PULONG NumberOfMapRegisters)
{
    PPCI_PDO_EXTENSION Pdo = Context;

    UNREFERENCED_PARAMETER(DeviceDescriptor);
    DbgPrint("PCI %02x:%02x.%x: GetDmaAdapter: Kestrel has no DMA adapters yet\n",
             PCI_FUNCTION_NAME_ARGS(&Pdo->Function));
    if (NumberOfMapRegisters != NULL) {
        *NumberOfMapRegisters = 0;
    }
    return NULL;
}

/* PASSIVE_LEVEL. STATUS_NOT_SUPPORTED for an interface that is not ours
 * (the caller leaves the IRP's status as it came). */
NTSTATUS
PciPdoQueryInterface(PPCI_PDO_EXTENSION Pdo, PIO_STACK_LOCATION IrpSp)
{
    PBUS_INTERFACE_STANDARD Interface;

    if (IrpSp->Parameters.QueryInterface.InterfaceType == NULL ||
        !IsEqualGUID(IrpSp->Parameters.QueryInterface.InterfaceType,
                     &GUID_BUS_INTERFACE_STANDARD)) {
        return STATUS_NOT_SUPPORTED;
    }
    if (IrpSp->Parameters.QueryInterface.Size < sizeof(BUS_INTERFACE_STANDARD) ||
        IrpSp->Parameters.QueryInterface.Version != 1 ||
        IrpSp->Parameters.QueryInterface.Interface == NULL) {
        DbgPrint("PCI %02x:%02x.%x: BUS_INTERFACE_STANDARD asked with size %u, version %u; "
                 "version 1 of %u bytes is served\n", PCI_FUNCTION_NAME_ARGS(&Pdo->Function),
                 IrpSp->Parameters.QueryInterface.Size, IrpSp->Parameters.QueryInterface.Version,
                 (ULONG)sizeof(BUS_INTERFACE_STANDARD));
        return STATUS_INVALID_PARAMETER;
    }
    Interface = (PBUS_INTERFACE_STANDARD)IrpSp->Parameters.QueryInterface.Interface;
    Interface->Size = sizeof(*Interface);
    Interface->Version = 1;
    Interface->Context = Pdo;
    Interface->InterfaceReference = PciInterfaceReference;
    Interface->InterfaceDereference = PciInterfaceDereference;
    Interface->TranslateBusAddress = PciInterfaceTranslateBusAddress;
    Interface->GetDmaAdapter = PciInterfaceGetDmaAdapter;
    Interface->SetBusData = PciInterfaceSetBusData;
    Interface->GetBusData = PciInterfaceGetBusData;
    /* Returned referenced; the caller calls InterfaceDereference when done. */
    PciInterfaceReference(Pdo);
    return STATUS_SUCCESS;
}
