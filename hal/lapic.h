/*
 * hal/lapic.h - the local APIC's registers.
 *
 * Intel SDM vol. 3A, chapter 11 "Advanced Programmable Interrupt Controller
 * (APIC)" (chapter 10 in editions before 2022; section numbers below are
 * the new ones, subtract one from the chapter for the old). Offsets are the
 * xAPIC memory-mapped ones (Table 11-1, "Local APIC Register Address Map");
 * in x2APIC mode the same register is MSR 0x800 + (offset >> 4) (11.12.1.2,
 * Table 11-6), except that the ICR is one 64-bit MSR and DFR does not exist.
 * Read and write them with HalpLapicRead/HalpLapicWrite (hal/halp.h), which
 * pick MMIO or MSR by the mode chosen at boot.
 */
#ifndef KESTREL_HAL_LAPIC_H
#define KESTREL_HAL_LAPIC_H

/* Table 11-1. */
#define LAPIC_ID 0x020              /* xAPIC: ID in bits 31:24; x2APIC: 32-bit ID */
#define LAPIC_VERSION 0x030         /* 11.4.8: version 7:0, max LVT entry 23:16 */
#define LAPIC_TPR 0x080             /* 11.8.3.1: task priority; CR8 = TPR[7:4] */
#define LAPIC_APR 0x090
#define LAPIC_PPR 0x0A0             /* processor priority (read only) */
#define LAPIC_EOI 0x0B0             /* 11.8.5: write 0 to signal end of interrupt */
#define LAPIC_RRD 0x0C0
#define LAPIC_LDR 0x0D0             /* logical destination */
#define LAPIC_DFR 0x0E0             /* destination format (xAPIC only) */
#define LAPIC_SVR 0x0F0             /* 11.9: spurious-interrupt vector register */
#define LAPIC_ISR0 0x100            /* in-service, 8 x 32 bits, 0x10 apart */
#define LAPIC_TMR0 0x180            /* trigger mode, 8 x 32 bits */
#define LAPIC_IRR0 0x200            /* interrupt request, 8 x 32 bits */
#define LAPIC_ESR 0x280             /* 11.5.3: error status */
#define LAPIC_LVT_CMCI 0x2F0
#define LAPIC_ICR_LOW 0x300         /* 11.6.1: interrupt command */
#define LAPIC_ICR_HIGH 0x310
#define LAPIC_LVT_TIMER 0x320       /* 11.5.1 / 11.5.4: the timer's LVT entry */
#define LAPIC_LVT_THERMAL 0x330
#define LAPIC_LVT_PERFMON 0x340
#define LAPIC_LVT_LINT0 0x350
#define LAPIC_LVT_LINT1 0x360
#define LAPIC_LVT_ERROR 0x370
#define LAPIC_TIMER_INITIAL 0x380   /* 11.5.4: initial count */
#define LAPIC_TIMER_CURRENT 0x390   /* current count (read only) */
#define LAPIC_TIMER_DIVIDE 0x3E0    /* divide configuration (Figure 11-10) */
#define LAPIC_SELF_IPI 0x3F0        /* x2APIC only (11.12.11) */

/* In x2APIC mode, register Offset is this MSR (11.12.1.2). */
#define LAPIC_X2APIC_MSR_BASE 0x800
#define LAPIC_X2APIC_MSR(Offset) (LAPIC_X2APIC_MSR_BASE + ((Offset) >> 4))

/* IA32_APIC_BASE MSR (11.4.4, Figure 11-5; 11.12.1 for EXTD). */
#define MSR_IA32_APIC_BASE 0x1B
#define APIC_BASE_BSP (1ULL << 8)           /* this is the bootstrap processor */
#define APIC_BASE_EXTD (1ULL << 10)         /* x2APIC mode */
#define APIC_BASE_ENABLE (1ULL << 11)       /* APIC globally enabled */
#define APIC_BASE_ADDRESS_MASK 0x000FFFFFFFFFF000ULL

/* Spurious-interrupt vector register (11.9, Figure 11-23). */
#define LAPIC_SVR_ENABLE (1U << 8)          /* APIC software enable */
#define LAPIC_SVR_FOCUS_DISABLED (1U << 9)

/* Local vector table entries (11.5.1, Figure 11-8). */
#define LAPIC_LVT_VECTOR_MASK 0xFFU
#define LAPIC_LVT_DELIVERY_FIXED (0U << 8)
#define LAPIC_LVT_DELIVERY_SMI (2U << 8)
#define LAPIC_LVT_DELIVERY_NMI (4U << 8)
#define LAPIC_LVT_DELIVERY_EXTINT (7U << 8)
#define LAPIC_LVT_DELIVERY_INIT (5U << 8)
#define LAPIC_LVT_DELIVERY_STATUS (1U << 12) /* send pending */
#define LAPIC_LVT_ACTIVE_LOW (1U << 13)      /* LINT0/1 input pin polarity */
#define LAPIC_LVT_REMOTE_IRR (1U << 14)
#define LAPIC_LVT_LEVEL (1U << 15)           /* LINT0 only: level triggered */
#define LAPIC_LVT_MASKED (1U << 16)
#define LAPIC_LVT_TIMER_ONE_SHOT (0U << 17)  /* timer mode, bits 18:17 */
#define LAPIC_LVT_TIMER_PERIODIC (1U << 17)
#define LAPIC_LVT_TIMER_TSC_DEADLINE (2U << 17)

/* Interrupt command register, low half (11.6.1, Figure 11-12). */
#define LAPIC_ICR_DELIVERY_FIXED (0U << 8)
#define LAPIC_ICR_DELIVERY_NMI (4U << 8)
#define LAPIC_ICR_DELIVERY_INIT (5U << 8)
#define LAPIC_ICR_DELIVERY_STARTUP (6U << 8)
#define LAPIC_ICR_SEND_PENDING (1U << 12)    /* xAPIC only: delivery status */
#define LAPIC_ICR_ASSERT (1U << 14)
#define LAPIC_ICR_LEVEL (1U << 15)
#define LAPIC_ICR_DEST_SELF (1U << 18)       /* destination shorthand 01 */
#define LAPIC_ICR_DEST_ALL (2U << 18)
#define LAPIC_ICR_DEST_ALL_BUT_SELF (3U << 18)

/* Error status register bits (11.5.3, Figure 11-9). */
#define LAPIC_ESR_SEND_CHECKSUM (1U << 0)
#define LAPIC_ESR_RECEIVE_CHECKSUM (1U << 1)
#define LAPIC_ESR_SEND_ACCEPT (1U << 2)
#define LAPIC_ESR_RECEIVE_ACCEPT (1U << 3)
#define LAPIC_ESR_REDIRECTABLE_IPI (1U << 4)
#define LAPIC_ESR_SEND_ILLEGAL_VECTOR (1U << 5)
#define LAPIC_ESR_RECEIVE_ILLEGAL_VECTOR (1U << 6)
#define LAPIC_ESR_ILLEGAL_REGISTER (1U << 7)

/* CPUID.01H:ECX[21]: the processor supports x2APIC mode (11.12.1). */
#define CPUID_1_ECX_X2APIC (1U << 21)
/* CPUID.01H:EDX[9]: an on-chip APIC exists. */
#define CPUID_1_EDX_APIC (1U << 9)

#endif /* KESTREL_HAL_LAPIC_H */
