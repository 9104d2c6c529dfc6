/*
 * drivers/serial/start.c - starting and stopping the hardware with the
 * resources IRP_MN_START_DEVICE hands over.
 *
 * The driver knows no port and no IRQ: it takes the first I/O port (or
 * memory) range of at least eight registers and the first interrupt from
 * the TRANSLATED list, the one that says what the processor sees (an I/O
 * port or physical address, a vector with its DIRQL and affinity). The
 * raw list, what the bus sees, is only printed. So the same driver runs a
 * 16550 on the ISA ports of a PC and one behind a PCI BAR.
 */
#include "serial.h"

typedef struct _SERIAL_RESOURCES {
    PCM_PARTIAL_RESOURCE_DESCRIPTOR Registers;
    PCM_PARTIAL_RESOURCE_DESCRIPTOR Interrupt;
} SERIAL_RESOURCES;

/* PASSIVE_LEVEL. Picks the register range and the interrupt out of a
 * resource list (every full descriptor of it). */
static VOID
SerialFindResources(PCM_RESOURCE_LIST List, SERIAL_RESOURCES *Found)
{
    PCM_FULL_RESOURCE_DESCRIPTOR Full = List->List;
    PCM_PARTIAL_RESOURCE_DESCRIPTOR Partial;
    ULONG FullIndex, Index;

    Found->Registers = NULL;
    Found->Interrupt = NULL;
    for (FullIndex = 0; FullIndex < List->Count; FullIndex++) {
        Partial = Full->PartialResourceList.PartialDescriptors;
        for (Index = 0; Index < Full->PartialResourceList.Count; Index++, Partial++) {
            if ((Partial->Type == CmResourceTypePort || Partial->Type == CmResourceTypeMemory) &&
                Found->Registers == NULL && Partial->u.Generic.Length >= SERIAL_REGISTER_SPAN) {
                Found->Registers = Partial;
            } else if (Partial->Type == CmResourceTypeInterrupt && Found->Interrupt == NULL) {
                Found->Interrupt = Partial;
            }
        }
        /* The next full descriptor follows the last partial one. */
        Full = (PCM_FULL_RESOURCE_DESCRIPTOR)Partial;
    }
}

/* DIRQL, holding the interrupt spin lock. */
BOOLEAN
SerialInitializeSync(PVOID Context)
{
    PSERIAL_DEVICE_EXTENSION Extension = Context;
    UCHAR Lcr = SERIAL_LCR_WORD_8;

    (VOID)SerialLcrFromLineControl(&Extension->LineControl, &Lcr);
    SerialUartInitialize(&Extension->Uart, SerialDivisorForBaud(Extension->BaudRate), Lcr);
    return TRUE;
}

/* DIRQL, holding the interrupt spin lock. */
BOOLEAN
SerialQuiesceSync(PVOID Context)
{
    SerialUartQuiesce(&((PSERIAL_DEVICE_EXTENSION)Context)->Uart);
    return TRUE;
}

/* PASSIVE_LEVEL. Undoes the register mapping. */
static VOID
SerialReleaseRegisters(PSERIAL_DEVICE_EXTENSION Extension)
{
    if (Extension->RegistersMapped) {
        MmUnmapIoSpace(Extension->Uart.Base, Extension->RegisterLength);
        Extension->RegistersMapped = FALSE;
    }
    Extension->Uart.Base = NULL;
}

/* PASSIVE_LEVEL (IRP_MN_START_DEVICE, after the lower drivers started).
 * Register access, the probe, the interrupt, then the UART programmed
 * with its interrupts on: the interrupt is connected before any UART
 * interrupt is enabled, so no edge is lost on an edge-triggered ISA line. */
NTSTATUS
SerialStartHardware(PSERIAL_DEVICE_EXTENSION Extension, PCM_RESOURCE_LIST Raw,
                    PCM_RESOURCE_LIST Translated)
{
    IO_CONNECT_INTERRUPT_PARAMETERS Connect;
    PCM_PARTIAL_RESOURCE_DESCRIPTOR Interrupt;
    SERIAL_RESOURCES Found;
    NTSTATUS Status;

    if (Translated == NULL || Translated->Count == 0) {
        DbgPrint("Serial: START_DEVICE for %wZ came without translated resources\n",
                 &Extension->DeviceName);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    SerialFindResources(Translated, &Found);
    if (Found.Registers == NULL || Found.Interrupt == NULL) {
        DbgPrint("Serial: %wZ needs a register range of %u bytes and an interrupt; the "
                 "translated resources have %s%s\n", &Extension->DeviceName,
                 SERIAL_REGISTER_SPAN, Found.Registers == NULL ? "no register range " : "",
                 Found.Interrupt == NULL ? "no interrupt" : "");
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    if (Raw != NULL && Raw->Count != 0) {
        SERIAL_RESOURCES RawFound;
        SerialFindResources(Raw, &RawFound);
        if (RawFound.Interrupt != NULL) {
            DbgPrint("Serial: %wZ raw interrupt level %u, translated vector 0x%x\n",
                     &Extension->DeviceName, RawFound.Interrupt->u.Interrupt.Level,
                     Found.Interrupt->u.Interrupt.Vector);
        }
    }

    /* Registers: an I/O port range is used as it is; memory is mapped. */
    Extension->RegisterStart = Found.Registers->u.Generic.Start;
    Extension->RegisterLength = Found.Registers->u.Generic.Length;
    if (Found.Registers->Type == CmResourceTypePort &&
        (Found.Registers->Flags & CM_RESOURCE_PORT_IO) != 0) {
        Extension->Uart.Base = (PUCHAR)(ULONG_PTR)Extension->RegisterStart.QuadPart;
        Extension->Uart.MemoryMapped = FALSE;
    } else {
        Extension->Uart.Base = MmMapIoSpace(Extension->RegisterStart, Extension->RegisterLength,
                                            MmNonCached);
        if (Extension->Uart.Base == NULL) {
            return STATUS_INSUFFICIENT_RESOURCES;
        }
        Extension->Uart.MemoryMapped = TRUE;
        Extension->RegistersMapped = TRUE;
    }
    if (!SerialUartProbe(&Extension->Uart)) {
        DbgPrint("Serial: no 16550 answers at 0x%llx for %wZ\n",
                 Extension->RegisterStart.QuadPart, &Extension->DeviceName);
        SerialReleaseRegisters(Extension);
        return STATUS_NO_SUCH_DEVICE;
    }
    SerialUartQuiesce(&Extension->Uart);

    /* The interrupt, as the translated descriptor gives it. */
    Interrupt = Found.Interrupt;
    if (Interrupt->Flags & CM_RESOURCE_INTERRUPT_MESSAGE) {
        Extension->Vector = Interrupt->u.MessageInterrupt.Translated.Vector;
        Extension->Irql = (KIRQL)Interrupt->u.MessageInterrupt.Translated.Level;
        Extension->Affinity = Interrupt->u.MessageInterrupt.Translated.Affinity;
        Extension->InterruptMode = Latched;
    } else {
        Extension->Vector = Interrupt->u.Interrupt.Vector;
        Extension->Irql = (KIRQL)Interrupt->u.Interrupt.Level;
        Extension->Affinity = Interrupt->u.Interrupt.Affinity;
        Extension->InterruptMode =
            (Interrupt->Flags & CM_RESOURCE_INTERRUPT_LATCHED) ? Latched : LevelSensitive;
    }
    Extension->ShareVector = Interrupt->ShareDisposition == CmResourceShareShared;
    RtlZeroMemory(&Connect, sizeof(Connect));
    Connect.Version = CONNECT_FULLY_SPECIFIED;
    Connect.FullySpecified.PhysicalDeviceObject = Extension->PhysicalDeviceObject;
    Connect.FullySpecified.InterruptObject = &Extension->Interrupt;
    Connect.FullySpecified.ServiceRoutine = SerialIsr;
    Connect.FullySpecified.ServiceContext = Extension;
    Connect.FullySpecified.SynchronizeIrql = Extension->Irql;
    Connect.FullySpecified.ShareVector = Extension->ShareVector;
    Connect.FullySpecified.Vector = Extension->Vector;
    Connect.FullySpecified.Irql = Extension->Irql;
    Connect.FullySpecified.InterruptMode = Extension->InterruptMode;
    Connect.FullySpecified.ProcessorEnableMask = Extension->Affinity;
    Status = IoConnectInterruptEx(&Connect);
    if (!NT_SUCCESS(Status)) {
        DbgPrint("Serial: %wZ cannot connect vector 0x%x (IRQL %u): 0x%08x\n",
                 &Extension->DeviceName, Extension->Vector, Extension->Irql, (ULONG)Status);
        Extension->Interrupt = NULL;
        SerialReleaseRegisters(Extension);
        return Status;
    }

    /* A fresh start: no stale input, events or errors. The settings
     * (handshake, special characters) and the counters stay. */
    (VOID)SerialRingInitialize(&Extension->Uart.Rx, Extension->RxStorage, Extension->RxSize);
    Extension->Uart.Rx80Full = FALSE;
    Extension->Uart.Events = 0;
    Extension->Uart.Errors = 0;
    Extension->Uart.Mcr = 0;
    (VOID)KeSynchronizeExecution(Extension->Interrupt, SerialInitializeSync, Extension);
    Extension->DevicePower = PowerDeviceD0;
    DbgPrint("Serial: %wZ (COM%u) started: registers 0x%llx (%s), vector 0x%x, IRQL %u, %s%s\n",
             &Extension->DeviceName, Extension->ComNumber, Extension->RegisterStart.QuadPart,
             Extension->Uart.MemoryMapped ? "memory" : "I/O ports", Extension->Vector,
             Extension->Irql, Extension->InterruptMode == Latched ? "edge" : "level",
             Extension->ShareVector ? ", shared" : "");
    return STATUS_SUCCESS;
}

/* PASSIVE_LEVEL (STOP, SURPRISE_REMOVAL, REMOVE). The UART falls silent
 * before its interrupt is disconnected; the DPC it may have queued is
 * removed. Pending IRPs are the caller's business (SerialFailPendingIrps). */
VOID
SerialStopHardware(PSERIAL_DEVICE_EXTENSION Extension)
{
    IO_DISCONNECT_INTERRUPT_PARAMETERS Disconnect;

    if (Extension->Interrupt != NULL) {
        (VOID)KeSynchronizeExecution(Extension->Interrupt, SerialQuiesceSync, Extension);
        Disconnect.Version = CONNECT_FULLY_SPECIFIED;
        Disconnect.ConnectionContext.InterruptObject = Extension->Interrupt;
        IoDisconnectInterruptEx(&Disconnect);
        Extension->Interrupt = NULL;
    }
    KeCancelTimer(&Extension->ReadTotalTimer);
    KeCancelTimer(&Extension->ReadIntervalTimer);
    KeCancelTimer(&Extension->WriteTotalTimer);
    KeCancelTimer(&Extension->RtsToggleTimer);
    (VOID)KeRemoveQueueDpc(&Extension->IsrDpc);
    (VOID)KeRemoveQueueDpc(&Extension->RtsToggleDpc);
    /* A DPC already running elsewhere finishes before the registers go. */
    KeFlushQueuedDpcs();
    SerialReleaseRegisters(Extension);
}

/* IRQL <= DISPATCH_LEVEL. */
VOID
SerialFailPendingIrps(PSERIAL_DEVICE_EXTENSION Extension, NTSTATUS Status)
{
    SerialFlushQueue(&Extension->ReadQueue, NULL, Status);
    SerialFlushQueue(&Extension->WriteQueue, NULL, Status);
    SerialFlushQueue(&Extension->WaitQueue, NULL, Status);
}
