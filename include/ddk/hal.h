/*
 * ddk/hal.h - port and register access, as wdm.h spells it. Part of wdm.h.
 *
 * On x64 Windows these are inline wrappers over the in/out instructions and
 * volatile memory accesses; so are Kestrel's.
 */
#ifndef _KESTREL_DDK_HAL_H
#define _KESTREL_DDK_HAL_H

FORCEINLINE UCHAR READ_PORT_UCHAR(PUCHAR Port)
{
    UCHAR Value;
    __asm__ __volatile__("inb %w1, %0" : "=a"(Value) : "Nd"((USHORT)(ULONG_PTR)Port));
    return Value;
}

FORCEINLINE USHORT READ_PORT_USHORT(PUSHORT Port)
{
    USHORT Value;
    __asm__ __volatile__("inw %w1, %0" : "=a"(Value) : "Nd"((USHORT)(ULONG_PTR)Port));
    return Value;
}

FORCEINLINE ULONG READ_PORT_ULONG(PULONG Port)
{
    ULONG Value;
    __asm__ __volatile__("inl %w1, %0" : "=a"(Value) : "Nd"((USHORT)(ULONG_PTR)Port));
    return Value;
}

FORCEINLINE VOID WRITE_PORT_UCHAR(PUCHAR Port, UCHAR Value)
{
    __asm__ __volatile__("outb %0, %w1" : : "a"(Value), "Nd"((USHORT)(ULONG_PTR)Port));
}

FORCEINLINE VOID WRITE_PORT_USHORT(PUSHORT Port, USHORT Value)
{
    __asm__ __volatile__("outw %0, %w1" : : "a"(Value), "Nd"((USHORT)(ULONG_PTR)Port));
}

FORCEINLINE VOID WRITE_PORT_ULONG(PULONG Port, ULONG Value)
{
    __asm__ __volatile__("outl %0, %w1" : : "a"(Value), "Nd"((USHORT)(ULONG_PTR)Port));
}

FORCEINLINE UCHAR READ_REGISTER_UCHAR(volatile UCHAR *Register) { return *Register; }
FORCEINLINE USHORT READ_REGISTER_USHORT(volatile USHORT *Register) { return *Register; }
FORCEINLINE ULONG READ_REGISTER_ULONG(volatile ULONG *Register) { return *Register; }
FORCEINLINE ULONG64 READ_REGISTER_ULONG64(volatile ULONG64 *Register) { return *Register; }
FORCEINLINE VOID WRITE_REGISTER_UCHAR(volatile UCHAR *Register, UCHAR Value) { *Register = Value; }
FORCEINLINE VOID WRITE_REGISTER_USHORT(volatile USHORT *Register, USHORT Value) { *Register = Value; }
FORCEINLINE VOID WRITE_REGISTER_ULONG(volatile ULONG *Register, ULONG Value) { *Register = Value; }
FORCEINLINE VOID WRITE_REGISTER_ULONG64(volatile ULONG64 *Register, ULONG64 Value) { *Register = Value; }

/* The buses an interrupt line can belong to (WDK INTERFACE_TYPE). */
typedef enum _INTERFACE_TYPE {
    InterfaceTypeUndefined = -1,
    Internal = 0,
    Isa = 1,
    Eisa,
    MicroChannel,
    TurboChannel,
    PCIBus,
    VMEBus,
    NuBus,
    PCMCIABus,
    CBus,
    MPIBus,
    MPSABus,
    ProcessorInternal,
    InternalPowerBus,
    PNPISABus,
    PNPBus,
    Vmcs,
    ACPIBus,
    MaximumInterfaceType
} INTERFACE_TYPE, *PINTERFACE_TYPE;

/*
 * Translates a bus interrupt into what IoConnectInterrupt takes: returns the
 * vector and sets *Irql (its DIRQL) and *Affinity, or returns 0 when the
 * line does not exist. Obsolete on Windows for PnP drivers, which get
 * translated resources; Kestrel's drivers use it until PnP hands those out.
 *   Isa:             BusInterruptLevel is the ISA IRQ (0-15); the MADT's
 *                    interrupt source overrides say which GSI, polarity and
 *                    trigger it has (default: GSI = IRQ, edge, active high)
 *   PCIBus/Internal: BusInterruptLevel is the GSI (as _PRT says), level
 *                    triggered, active low
 * BusNumber and BusInterruptVector are ignored. IRQL <= DISPATCH_LEVEL.
 */
ULONG NTAPI HalGetInterruptVector(_In_ INTERFACE_TYPE InterfaceType, _In_ ULONG BusNumber,
                                  _In_ ULONG BusInterruptLevel, _In_ ULONG BusInterruptVector,
                                  _Out_ PKIRQL Irql, _Out_ PKAFFINITY Affinity);

/*
 * Kestrel extension, for bus drivers: the memory write a device makes to
 * raise Vector (a translated message interrupt's vector, or that vector
 * plus a message number) on the processors of Affinity. *MessageAddress
 * and *MessageData go into the device's MSI capability or MSI-X table
 * entry as they are. Windows' pci.sys asks its HAL for the same pair
 * through a private interface. STATUS_INVALID_PARAMETER (with a message)
 * for a vector outside the device vectors (0x30-0xCF) or an Affinity that
 * names no processor there is. Any IRQL.
 */
NTSTATUS NTAPI HalComposeMessageInterrupt(_In_ ULONG Vector, _In_ KAFFINITY Affinity,
                                          _Out_ PPHYSICAL_ADDRESS MessageAddress,
                                          _Out_ PULONG MessageData);

#endif /* _KESTREL_DDK_HAL_H */
