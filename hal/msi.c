/*
 * hal/msi.c - the messages MSI and MSI-X devices write to raise interrupts.
 *
 * A message-signalled interrupt is a 32-bit memory write by the device:
 * the address selects the processor, the data the vector. Intel SDM vol.
 * 3A 11.11 (10.11 before 2022), "Message Signalled Interrupts":
 *
 *   address  0xFEE in bits 31:20, destination APIC ID in 19:12, redirection
 *            hint (bit 3) 0 and destination mode (bit 2) 0: the message goes
 *            to exactly the processor named, physically (Figure 11-24)
 *   data     vector in 7:0, delivery mode 000 (fixed) in 10:8, level bit 14
 *            and trigger mode bit 15 both 0: edge (Figure 11-25)
 *
 * The PCI side (where the device keeps the pair) is PCI Local Bus 3.0,
 * 6.8.1 (MSI capability) and 6.8.2 (MSI-X table: address low, address high,
 * data, vector control with bit 0 = masked). Pure logic, host-tested in
 * tests/host/msi.c; bus drivers get them through HalComposeMessageInterrupt
 * (hal/msiroute.c).
 */
#include "hal/halp.h"

#define MSI_ADDRESS_BASE 0xFEE00000ULL
#define MSI_ADDRESS_DESTINATION_SHIFT 12
#define MSI_DATA_DELIVERY_FIXED (0U << 8)
#define MSI_DATA_TRIGGER_EDGE (0U << 15)
#define MSIX_VECTOR_CONTROL_MASKED 1U

/* Vectors 0-15 are illegal for the local APIC (11.5.2, "illegal vector"),
 * 16-31 are the processor's; 0xFF is the spurious vector. */
#define MSI_FIRST_VECTOR 0x20
#define MSI_LAST_VECTOR 0xFE

/* Any IRQL. STATUS_INVALID_PARAMETER for a destination that does not fit in
 * 8 bits (x2APIC IDs above 255 need interrupt remapping) or a vector the
 * local APIC cannot or must not take. */
NTSTATUS
HalpComposeMsiMessage(ULONG DestinationApicId, ULONG Vector, PHAL_MSI_MESSAGE Message)
{
    if (DestinationApicId > 0xFF) {
        DbgPrint("HAL: MSI to APIC ID %u: only IDs 0-255 fit in a message without interrupt "
                 "remapping\n", DestinationApicId);
        return STATUS_INVALID_PARAMETER;
    }
    if (Vector < MSI_FIRST_VECTOR || Vector > MSI_LAST_VECTOR) {
        DbgPrint("HAL: MSI vector 0x%x is outside 0x%x-0x%x\n", Vector, MSI_FIRST_VECTOR,
                 MSI_LAST_VECTOR);
        return STATUS_INVALID_PARAMETER;
    }
    Message->Address = MSI_ADDRESS_BASE |
                       ((ULONGLONG)DestinationApicId << MSI_ADDRESS_DESTINATION_SHIFT);
    Message->Data = Vector | MSI_DATA_DELIVERY_FIXED | MSI_DATA_TRIGGER_EDGE;
    return STATUS_SUCCESS;
}

/* Any IRQL. The same message as an MSI-X table entry. */
NTSTATUS
HalpComposeMsixEntry(ULONG DestinationApicId, ULONG Vector, BOOLEAN Masked,
                     PHAL_MSIX_TABLE_ENTRY Entry)
{
    HAL_MSI_MESSAGE Message;
    NTSTATUS Status = HalpComposeMsiMessage(DestinationApicId, Vector, &Message);

    if (!NT_SUCCESS(Status)) {
        return Status;
    }
    Entry->MessageAddressLow = (ULONG)Message.Address;
    Entry->MessageAddressHigh = (ULONG)(Message.Address >> 32);
    Entry->MessageData = Message.Data;
    Entry->VectorControl = Masked ? MSIX_VECTOR_CONTROL_MASKED : 0;
    return STATUS_SUCCESS;
}
