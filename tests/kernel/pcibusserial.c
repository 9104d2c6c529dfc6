/*
 * tests/kernel/pcibusserial.c - the PCI 16550 the harness's pci boots put
 * behind a PCI-to-PCI bridge: it must have been started by \Driver\Serial
 * with its I/O BAR, its line interrupt (the firmware's Interrupt Line,
 * level, shared) must really arrive, and it must come back started when
 * removed in its slot and enumerated again. PciBusSerialCardStarted and
 * PciBusSerialCardInterrupts print the lines the harness requires. Also
 * the helpers that find and use the card (tests/kernel/pcibustest.h).
 */
#include "tests/kernel/pcibustest.h"
#include "drivers/serial/serial.h"

/* PASSIVE_LEVEL. */
PDEVICE_NODE
KtPciSerialCard(VOID)
{
    PDEVICE_NODE Root = KtPciRootNode();

    return Root != NULL ? KtPciFindNode(Root, L"PCI\\CC_070002") : NULL;
}

/* PASSIVE_LEVEL. */
ULONG
KtPciCardPorts(PDEVICE_NODE Card)
{
    PCM_RESOURCE_LIST List = Card->ResourceListTranslated;
    ULONG Index;

    for (Index = 0; List != NULL && Index < List->List[0].PartialResourceList.Count; Index++) {
        PCM_PARTIAL_RESOURCE_DESCRIPTOR Desc =
            &List->List[0].PartialResourceList.PartialDescriptors[Index];

        if (Desc->Type == CmResourceTypePort && Desc->u.Port.Length >= 8) {
            return (ULONG)Desc->u.Port.Start.QuadPart;
        }
    }
    return 0;
}

/* PASSIVE_LEVEL. */
NTSTATUS
KtPciCardWrite(PDEVICE_NODE Card, ULONG Length, PULONG_PTR Written)
{
    static UCHAR Bytes[256];
    PSERIAL_DEVICE_EXTENSION Serial = Card->PhysicalDeviceObject->AttachedDevice->DeviceExtension;
    OBJECT_ATTRIBUTES Attributes;
    IO_STATUS_BLOCK IoStatus = {0};
    LARGE_INTEGER Timeout;
    HANDLE File = NULL, Event = NULL;
    PKEVENT EventObject = NULL;
    NTSTATUS Status;

    *Written = 0;
    Status = ZwCreateEvent(&Event, EVENT_ALL_ACCESS, NULL, NotificationEvent, FALSE);
    if (!NT_SUCCESS(Status)) {
        return Status;
    }
    Status = ObReferenceObjectByHandle(Event, EVENT_MODIFY_STATE, *ExEventObjectType, KernelMode,
                                       (PVOID *)&EventObject, NULL);
    if (!NT_SUCCESS(Status)) {
        ZwClose(Event);
        return Status;
    }
    InitializeObjectAttributes(&Attributes, &Serial->LinkName,
                               OBJ_CASE_INSENSITIVE | OBJ_KERNEL_HANDLE, NULL, NULL);
    Status = ZwCreateFile(&File, GENERIC_READ | GENERIC_WRITE | SYNCHRONIZE, &Attributes,
                          &IoStatus, NULL, 0, 0, FILE_OPEN, 0, NULL, 0);
    if (NT_SUCCESS(Status)) {
        RtlFillMemory(Bytes, sizeof(Bytes), 'K');
        Status = ZwWriteFile(File, Event, NULL, NULL, &IoStatus, Bytes,
                             Length < sizeof(Bytes) ? Length : sizeof(Bytes), NULL, NULL);
        if (Status == STATUS_PENDING) {
            Timeout.QuadPart = -30000000LL;     /* 3 s */
            Status = KeWaitForSingleObject(EventObject, Executive, KernelMode, FALSE, &Timeout);
            Status = Status == STATUS_TIMEOUT ? STATUS_TIMEOUT : IoStatus.Status;
        }
        *Written = IoStatus.Information;
        ZwClose(File);                      /* cancels the write if it still waits */
    }
    ObDereferenceObject(EventObject);
    ZwClose(Event);
    return Status;
}

KTEST(PciBusSerialCardStarted)
{
    PDEVICE_NODE Card = KtPciSerialCard();
    PCM_PARTIAL_RESOURCE_DESCRIPTOR Desc;
    PCM_RESOURCE_LIST List;
    ULONG Bus = 0, Address = 0, Index;
    BOOLEAN HasPorts = FALSE;

    KT_ASSERT(KtPciRootNode() != NULL);
    if (Card == NULL) {
        DbgPrint("PCI: no PCI 16550 on this machine; only the harness's pci boots have one\n");
        return;
    }
    KT_ASSERT_STATUS(KtPciLocate(Card->PhysicalDeviceObject, &Bus, &Address), STATUS_SUCCESS);
    KT_ASSERT_EQ(Card->State, DeviceNodeStarted);
    KT_ASSERT(KtPciDriverIs(Card->PhysicalDeviceObject->AttachedDevice, L"\\Driver\\Serial"));
    List = Card->ResourceListTranslated;
    KT_ASSERT(List != NULL);
    Desc = List->List[0].PartialResourceList.PartialDescriptors;
    for (Index = 0; Index < List->List[0].PartialResourceList.Count; Index++) {
        if (Desc[Index].Type == CmResourceTypePort && Desc[Index].u.Port.Length >= 8) {
            HasPorts = TRUE;
            DbgPrint("PCI: serial card at %02x:%02x.%x started by \\Driver\\Serial with I/O "
                     "0x%llx\n", Bus, Address >> 16, Address & 0xFFFF,
                     (ULONGLONG)Desc[Index].u.Port.Start.QuadPart);
        }
    }
    KT_ASSERT(HasPorts);
}

/* The card's interrupt: the serial driver sends a write longer than the
 * UART's 16-byte FIFO by refilling it from its transmit interrupt, so a
 * write of 256 bytes completes only if the INTx line the PCI driver
 * reported (the firmware's Interrupt Line) really reaches the processor. */
KTEST(PciBusSerialCardInterrupts)
{
    PDEVICE_NODE Card = KtPciSerialCard();
    PSERIAL_DEVICE_EXTENSION Serial;
    ULONG64 Before;
    ULONG_PTR Written;
    NTSTATUS Status;

    KT_ASSERT(KtPciRootNode() != NULL);
    if (Card == NULL) {
        DbgPrint("PCI: no PCI 16550 on this machine; only the harness's pci boots have one\n");
        return;
    }
    /* Present but not started is the failure this test is here to see. */
    KT_ASSERT_EQ(Card->State, DeviceNodeStarted);
    Serial = Card->PhysicalDeviceObject->AttachedDevice->DeviceExtension;
    Before = Serial->Uart.Interrupts;
    Status = KtPciCardWrite(Card, 256, &Written);
    DbgPrint("PCI: serial card %wZ: a %u-byte write ended with 0x%08x after %llu interrupt(s)\n",
             &Serial->LinkName, 256, (ULONG)Status, Serial->Uart.Interrupts - Before);
    KT_ASSERT_STATUS(Status, STATUS_SUCCESS);
    KT_ASSERT_EQ(Written, 256);
    KT_ASSERT(Serial->Uart.Interrupts > Before);
}

/* The PCI 16550 removed while it stays in its slot (Windows' "disable"),
 * then its bus enumerated again: the same PDO and node come back started
 * by \Driver\Serial, and the card moves bytes again. */
KTEST(PciBusSerialCardEnabledAgain)
{
    PDEVICE_NODE Card = KtPciSerialCard();
    PDEVICE_OBJECT CardPdo;
    ULONG_PTR Written;
    NTSTATUS Status;

    KT_ASSERT(KtPciRootNode() != NULL);
    if (Card == NULL) {
        DbgPrint("PCI: no PCI 16550 on this machine; only the harness's pci boots have one\n");
        return;
    }
    /* Present but not started is the failure this test is here to see. */
    KT_ASSERT_EQ(Card->State, DeviceNodeStarted);
    CardPdo = Card->PhysicalDeviceObject;
    IopAcquirePnpTreeLock();
    Status = IopRequestDeviceRemove(Card);
    IopReleasePnpTreeLock();
    KT_ASSERT_STATUS(Status, STATUS_SUCCESS);
    KT_ASSERT_EQ(Card->State, DeviceNodeRemoved);
    KT_ASSERT(CardPdo->AttachedDevice == NULL);
    KT_ASSERT(((PPCI_PDO_EXTENSION)CardPdo->DeviceExtension)->Present);

    IoInvalidateDeviceRelations(Card->Parent->PhysicalDeviceObject, BusRelations);
    IopWaitForPnpIdle();
    KT_ASSERT(KtPciSerialCard() == Card);
    KT_ASSERT(Card->PhysicalDeviceObject == CardPdo);
    KT_ASSERT_EQ(Card->State, DeviceNodeStarted);
    KT_ASSERT(KtPciDriverIs(CardPdo->AttachedDevice, L"\\Driver\\Serial"));
    KT_ASSERT(KtPciCardPorts(Card) != 0);
    KT_ASSERT_STATUS(KtPciCardWrite(Card, 256, &Written), STATUS_SUCCESS);
    KT_ASSERT_EQ(Written, 256);
    DbgPrint("PCI: serial card removed in its slot and enabled again by its bus's enumeration\n");
}
