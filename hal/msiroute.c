/*
 * hal/msiroute.c - vectors and messages for message-signaled interrupts,
 * as hal/irqroute.c is for interrupt lines.
 *
 * A device that signals with messages has no IOAPIC input: the PnP manager
 * asks here for a block of vectors when it translates the device's message
 * resources, and gives the block back when the device stops or goes
 * (io/pnpres.c). The block's bookkeeping is hal/vector.c's (a power of two,
 * aligned, inside one IRQL level); this file adds the lock it needs and
 * says at which DIRQL and on which processors the messages arrive.
 *
 * The bus driver then asks HalComposeMessageInterrupt which address and
 * data the device must write to raise each vector; hal/msi.c composes the
 * pair (Intel SDM vol. 3A 11.11). Kestrel runs on the boot processor only,
 * so every message goes to that processor's local APIC.
 */
#include "hal/halp.h"

/* The processors that take interrupts: only the boot processor so far. */
#define HALP_ACTIVE_PROCESSORS ((KAFFINITY)1)

/* IRQL <= DISPATCH_LEVEL. */
ULONG
HalpAssignMessageVectors(ULONG Count, PKIRQL Irql, PKAFFINITY Affinity)
{
    ULONG First;
    KIRQL OldIrql;

    *Irql = 0;
    *Affinity = 0;
    KeAcquireSpinLock(&HalpVectorMapLock, &OldIrql);
    First = HalpAllocateMessageVectors(&HalpVectorMap, Count);
    KeReleaseSpinLock(&HalpVectorMapLock, OldIrql);
    if (First != 0) {
        *Irql = HAL_VECTOR_TO_IRQL(First);
        *Affinity = HALP_ACTIVE_PROCESSORS;
    }
    return First;
}

/* IRQL <= DISPATCH_LEVEL. */
NTSTATUS
HalpReleaseMessageVectors(ULONG FirstVector, ULONG Count)
{
    NTSTATUS Status;
    KIRQL OldIrql;

    KeAcquireSpinLock(&HalpVectorMapLock, &OldIrql);
    Status = HalpFreeMessageVectors(&HalpVectorMap, FirstVector, Count);
    KeReleaseSpinLock(&HalpVectorMapLock, OldIrql);
    return Status;
}

/* Any IRQL: one byte read of an entry that a lock holder may be changing;
 * a caller that needs a stable answer holds the lock itself. */
BOOLEAN
HalpIsVectorInUse(ULONG Vector)
{
    return Vector < 256 && ((volatile HAL_VECTOR_ENTRY *)&HalpVectorMap.Vectors[Vector])->InUse;
}

/* Any IRQL. */
NTSTATUS NTAPI
HalComposeMessageInterrupt(ULONG Vector, KAFFINITY Affinity, PPHYSICAL_ADDRESS MessageAddress,
                           PULONG MessageData)
{
    HAL_MSI_MESSAGE Message;
    NTSTATUS Status;

    if (MessageAddress == NULL || MessageData == NULL) {
        DbgPrint("HalComposeMessageInterrupt: %s is NULL\n",
                 MessageAddress == NULL ? "MessageAddress" : "MessageData");
        return STATUS_INVALID_PARAMETER;
    }
    MessageAddress->QuadPart = 0;
    *MessageData = 0;
    if (Vector < HAL_FIRST_DEVICE_VECTOR || Vector > HAL_LAST_DEVICE_VECTOR) {
        DbgPrint("HalComposeMessageInterrupt: vector 0x%x is not a device vector (0x%x-0x%x)\n",
                 Vector, HAL_FIRST_DEVICE_VECTOR, HAL_LAST_DEVICE_VECTOR);
        return STATUS_INVALID_PARAMETER;
    }
    if ((Affinity & HALP_ACTIVE_PROCESSORS) == 0) {
        DbgPrint("HalComposeMessageInterrupt: affinity 0x%llx names no active processor "
                 "(active: 0x%llx)\n", (ULONGLONG)Affinity, (ULONGLONG)HALP_ACTIVE_PROCESSORS);
        return STATUS_INVALID_PARAMETER;
    }
    /* The lowest processor of Affinity, which is the boot processor, the
     * one this code runs on: its local APIC ID is the destination. */
    Status = HalpComposeMsiMessage(HalpLapicGetId(), Vector, &Message);
    if (NT_SUCCESS(Status)) {
        MessageAddress->QuadPart = (LONGLONG)Message.Address;
        *MessageData = Message.Data;
    }
    return Status;
}
