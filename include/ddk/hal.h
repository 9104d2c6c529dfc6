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

#endif /* _KESTREL_DDK_HAL_H */
