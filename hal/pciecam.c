/*
 * hal/pciecam.c - PCI Express Enhanced Configuration Access Mechanism: each
 * function's 4 KiB of configuration space is memory at
 *
 *     Base + (Bus << 20 | Device << 15 | Function << 12 | Offset)
 *
 * (PCI Express Base Specification 4.0, 7.2.2, Table 7-1), where Base is the
 * MCFG allocation's address for bus 0 of its segment (PCI Firmware
 * Specification 3.3, 4.1.2; parsed at boot by hal/acpimcfg.c).
 *
 * A whole segment is up to 256 MiB, most of it buses that do not exist, so
 * each bus's 1 MiB window is mapped uncached (config space has side
 * effects) the first time something touches the bus, and kept.
 */
#include "hal/pcip.h"
#include "hal/acpip.h"

#define PCI_ECAM_BUS_WINDOW (1UL << 20)

/* One pointer per (MCFG allocation, bus): 16 x 256 x 8 bytes. */
static PVOID HalpPciEcamWindows[ACPI_MAX_MCFG_ALLOCATIONS][256];
static BOOLEAN HalpPciEcamMapFailed[ACPI_MAX_MCFG_ALLOCATIONS][256];

static const ACPI_ECAM_RANGE *
HalpPciEcamFindRange(USHORT Segment, UCHAR Bus, PULONG Index)
{
    const ACPI_MCFG_INFO *Mcfg = &HalpAcpiInformation.Mcfg;
    ULONG Entry;

    if (!HalpAcpiInformation.McfgPresent) {
        return NULL;
    }
    for (Entry = 0; Entry < Mcfg->AllocationCount; Entry++) {
        const ACPI_ECAM_RANGE *Range = &Mcfg->Allocations[Entry];

        if (Range->Segment == Segment && Bus >= Range->StartBus && Bus <= Range->EndBus) {
            *Index = Entry;
            return Range;
        }
    }
    return NULL;
}

/* Any IRQL. */
BOOLEAN
HalpPciEcamCovers(USHORT Segment, UCHAR Bus)
{
    ULONG Index;

    return HalpPciEcamFindRange(Segment, Bus, &Index) != NULL;
}

/* IRQL <= DISPATCH_LEVEL (it may map the bus's window). Two processors
 * touching a new bus at once may both map it; the loser unmaps its copy. */
volatile VOID *
HalpPciEcamAddress(USHORT Segment, UCHAR Bus, UCHAR Device, UCHAR Function, ULONG Offset)
{
    const ACPI_ECAM_RANGE *Range;
    PHYSICAL_ADDRESS Physical;
    PVOID Window, Previous;
    ULONG Index;

    Range = HalpPciEcamFindRange(Segment, Bus, &Index);
    if (Range == NULL) {
        return NULL;
    }
    Window = HalpPciEcamWindows[Index][Bus];
    if (Window == NULL) {
        if (HalpPciEcamMapFailed[Index][Bus]) {
            return NULL;
        }
        Physical.QuadPart = (LONGLONG)(Range->BaseAddress + ((ULONGLONG)Bus << 20));
        Window = MmMapIoSpace(Physical, PCI_ECAM_BUS_WINDOW, MmNonCached);
        if (Window == NULL) {
            DbgPrint("PCI: cannot map the ECAM window of segment %u bus %u at 0x%llx\n",
                     Segment, Bus, (ULONGLONG)Physical.QuadPart);
            HalpPciEcamMapFailed[Index][Bus] = TRUE;
            return NULL;
        }
        Previous = InterlockedCompareExchangePointer(&HalpPciEcamWindows[Index][Bus], Window,
                                                     NULL);
        if (Previous != NULL) {
            MmUnmapIoSpace(Window, PCI_ECAM_BUS_WINDOW);
            Window = Previous;
        }
    }
    return (volatile UCHAR *)Window + (((ULONG)Device << 15) | ((ULONG)Function << 12) | Offset);
}
