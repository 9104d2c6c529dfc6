/*
 * hal/vector.c - which interrupt vector serves which interrupt line.
 *
 * With the IRQL in CR8, choosing a vector is choosing an IRQL: vector V
 * arrives at IRQL V >> 4 (the map is in hal/halp.h). Device lines get
 * vectors 0x30-0xCF, DIRQL 3-12. A new line goes to the device level with
 * the most free vectors, the higher one on a tie, so the first lines spread
 * one per level from 12 down, as Windows spreads its devices, and no level
 * fills up while others sit empty. A line already served keeps its vector:
 * asking again for a shared line answers the same vector.
 *
 * Message-signaled interrupts (MSI, MSI-X) have no line: a device gets a
 * block of vectors for its messages, and gives it back when it stops. A
 * multiple-message MSI function writes the message number into the low
 * bits of the data it was given (PCI Local Bus 3.0, 6.8.1.6, Message Data
 * and Multiple Message Enable), so the block is a power of two in size and
 * aligned to it; it is kept inside one level, so every message of a device
 * arrives at the same DIRQL.
 *
 * Pure logic, no locking (callers hold their own), host-tested in
 * tests/host/vector.c.
 */
#include "hal/halp.h"

#define HAL_FIRST_DEVICE_LEVEL (HAL_FIRST_DEVICE_VECTOR >> 4)
#define HAL_LAST_DEVICE_LEVEL (HAL_LAST_DEVICE_VECTOR >> 4)

VOID
HalpInitializeVectorMap(PHAL_VECTOR_MAP Map)
{
    ULONG Vector;

    for (Vector = 0; Vector < 256; Vector++) {
        Map->Vectors[Vector] = (HAL_VECTOR_ENTRY){0};
        /* Everything outside the device range is someone else's. */
        if (Vector < HAL_FIRST_DEVICE_VECTOR || Vector > HAL_LAST_DEVICE_VECTOR) {
            Map->Vectors[Vector].InUse = TRUE;
        }
    }
}

ULONG
HalpFindVectorForGsi(const HAL_VECTOR_MAP *Map, ULONG Gsi)
{
    ULONG Vector;

    for (Vector = HAL_FIRST_DEVICE_VECTOR; Vector <= HAL_LAST_DEVICE_VECTOR; Vector++) {
        if (Map->Vectors[Vector].InUse && Map->Vectors[Vector].HasLine &&
            Map->Vectors[Vector].Gsi == Gsi) {
            return Vector;
        }
    }
    return 0;
}

static ULONG
HalpFreeVectorsAtLevel(const HAL_VECTOR_MAP *Map, ULONG Level)
{
    ULONG Index, Free = 0;

    for (Index = 0; Index < 16; Index++) {
        Free += !Map->Vectors[(Level << 4) | Index].InUse;
    }
    return Free;
}

ULONG
HalpAllocateDeviceVector(PHAL_VECTOR_MAP Map, ULONG Gsi, HAL_INTERRUPT_POLARITY Polarity,
                         KINTERRUPT_MODE FirmwareMode)
{
    ULONG Level, BestLevel = 0, BestFree = 0, Index;

    for (Level = HAL_LAST_DEVICE_LEVEL; Level >= HAL_FIRST_DEVICE_LEVEL; Level--) {
        ULONG Free = HalpFreeVectorsAtLevel(Map, Level);

        if (Free > BestFree) {
            BestFree = Free;
            BestLevel = Level;
        }
    }
    if (BestFree == 0) {
        return 0;
    }
    for (Index = 0; Index < 16; Index++) {
        HAL_VECTOR_ENTRY *Entry = &Map->Vectors[(BestLevel << 4) | Index];

        if (!Entry->InUse) {
            Entry->InUse = TRUE;
            Entry->HasLine = TRUE;
            Entry->Gsi = Gsi;
            Entry->Polarity = (UCHAR)Polarity;
            Entry->FirmwareMode = (UCHAR)FirmwareMode;
            return (BestLevel << 4) | Index;
        }
    }
    return 0; /* not reached: BestFree said there was one */
}

/* The first vector of a free, Count-aligned block of Count vectors at
 * Level, or 0. */
static ULONG
HalpFindFreeBlock(const HAL_VECTOR_MAP *Map, ULONG Level, ULONG Count)
{
    ULONG First, Index;

    for (First = Level << 4; First < ((Level + 1) << 4); First += Count) {
        for (Index = 0; Index < Count && !Map->Vectors[First + Index].InUse; Index++) {
        }
        if (Index == Count) {
            return First;
        }
    }
    return 0;
}

ULONG
HalpAllocateMessageVectors(PHAL_VECTOR_MAP Map, ULONG Count)
{
    ULONG Level, BestLevel = 0, BestFree = 0, First, Index;

    if (Count == 0 || Count > 16 || (Count & (Count - 1)) != 0) {
        DbgPrint("HAL: a block of %u message vectors was asked for; MSI blocks are 1, 2, 4, 8 "
                 "or 16 vectors (one level)\n", Count);
        return 0;
    }
    for (Level = HAL_LAST_DEVICE_LEVEL; Level >= HAL_FIRST_DEVICE_LEVEL; Level--) {
        ULONG Free = HalpFreeVectorsAtLevel(Map, Level);

        if (Free > BestFree && HalpFindFreeBlock(Map, Level, Count) != 0) {
            BestFree = Free;
            BestLevel = Level;
        }
    }
    if (BestFree == 0) {
        return 0;
    }
    First = HalpFindFreeBlock(Map, BestLevel, Count);
    for (Index = 0; Index < Count; Index++) {
        Map->Vectors[First + Index] = (HAL_VECTOR_ENTRY){.InUse = TRUE};
    }
    return First;
}

NTSTATUS
HalpFreeMessageVectors(PHAL_VECTOR_MAP Map, ULONG FirstVector, ULONG Count)
{
    ULONG Index;

    if (Count == 0 || FirstVector < HAL_FIRST_DEVICE_VECTOR ||
        FirstVector + Count - 1 > HAL_LAST_DEVICE_VECTOR) {
        DbgPrint("HAL: cannot free message vectors 0x%x-0x%x: not device vectors\n",
                 FirstVector, FirstVector + Count - 1);
        return STATUS_INVALID_PARAMETER;
    }
    for (Index = 0; Index < Count; Index++) {
        const HAL_VECTOR_ENTRY *Entry = &Map->Vectors[FirstVector + Index];

        if (!Entry->InUse || Entry->HasLine) {
            DbgPrint("HAL: cannot free message vector 0x%x: it is %s\n", FirstVector + Index,
                     Entry->InUse ? "a line's" : "not allocated");
            return STATUS_INVALID_PARAMETER;
        }
    }
    for (Index = 0; Index < Count; Index++) {
        Map->Vectors[FirstVector + Index] = (HAL_VECTOR_ENTRY){0};
    }
    return STATUS_SUCCESS;
}
