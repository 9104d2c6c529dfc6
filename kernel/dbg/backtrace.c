/*
 * kernel/dbg/backtrace.c - walking the frame-pointer chain, for crash reports.
 *
 * The kernel is built with -fno-omit-frame-pointer, so every C routine
 * starts with "push rbp; mov rbp, rsp": at [RBP] lies the caller's RBP and
 * at [RBP + 8] the return address into the caller. Following that chain
 * gives the return addresses of every active call (System V AMD64 ABI,
 * section 3.2.2, and GCC's frame layout).
 *
 * A backtrace is taken when something has already gone wrong, so the walk
 * trusts nothing it reads. It only dereferences a frame pointer that lies,
 * aligned, inside a stack the kernel knows (the boot stack, each processor's
 * IST stacks and current stack), requires frames to move up the stack, stops
 * at the first return address outside the kernel's .text, and gives up after
 * a fixed depth. It therefore cannot fault, whatever the stack holds.
 *
 * A frame whose return address is HalpTrapReturnAddress was entered from a
 * trap: the KTRAP_FRAME sits just above it, and the walk continues with the
 * interrupted RIP and RBP, on whichever stack they were.
 */
#include "kernel/dbg/kdp.h"
#include "kernel/ke/ki.h"
#include "hal/halp.h"

extern UCHAR __text_start[];
extern UCHAR __text_end[];

typedef struct _KDP_STACK_RANGE {
    ULONG_PTR Bottom; /* lowest usable address */
    ULONG_PTR Top;    /* one past the highest */
} KDP_STACK_RANGE;

static BOOLEAN
KdpInRange(ULONG_PTR Bottom, ULONG_PTR Top, ULONG_PTR Address, SIZE_T Length)
{
    return Bottom != 0 && Address >= Bottom && Address <= Top && Top - Address >= Length;
}

/* Finds the known stack that holds Length bytes at Address. */
static BOOLEAN
KdpFindStack(ULONG_PTR Address, SIZE_T Length, KDP_STACK_RANGE *Range)
{
    ULONG Number;
    ULONG Index;

    Range->Bottom = (ULONG_PTR)KiBootStackGuard + PAGE_SIZE;
    Range->Top = (ULONG_PTR)KiBootStackTop;
    if (KdpInRange(Range->Bottom, Range->Top, Address, Length)) {
        return TRUE;
    }
    for (Number = 0; Number < KI_MAXIMUM_PROCESSORS; Number++) {
        const KPCR *Pcr = &KiProcessorControlRegion[Number];

        for (Index = 0; Index < KI_IST_COUNT; Index++) {
            Range->Bottom = Pcr->IstBottom[Index];
            Range->Top = Pcr->IstTop[Index];
            if (KdpInRange(Range->Bottom, Range->Top, Address, Length)) {
                return TRUE;
            }
        }
        Range->Bottom = Pcr->StackBottom;
        Range->Top = Pcr->StackTop;
        if (KdpInRange(Range->Bottom, Range->Top, Address, Length)) {
            return TRUE;
        }
    }
    return FALSE;
}

static BOOLEAN
KdpIsKernelCode(ULONG_PTR Address)
{
    return Address >= (ULONG_PTR)__text_start && Address < (ULONG_PTR)__text_end;
}

/* Follows the chain from FramePointer, appending return addresses to
 * Frames after the Count already there; returns the new count. */
static ULONG
KdpWalkFrames(ULONG_PTR FramePointer, PULONG_PTR Frames, ULONG Count, ULONG MaximumFrames)
{
    KDP_STACK_RANGE Stack;

    if (!KdpFindStack(FramePointer, 2 * sizeof(ULONG_PTR), &Stack)) {
        return Count;
    }
    while (Count < MaximumFrames) {
        const ULONG_PTR *Frame = (const ULONG_PTR *)FramePointer;
        ULONG_PTR CallerFrame;
        ULONG_PTR ReturnAddress;

        if ((FramePointer & 7) != 0 ||
            !KdpInRange(Stack.Bottom, Stack.Top, FramePointer, 2 * sizeof(ULONG_PTR))) {
            break;
        }
        CallerFrame = Frame[0];
        ReturnAddress = Frame[1];
        if (!KdpIsKernelCode(ReturnAddress)) {
            break;
        }
        Frames[Count++] = ReturnAddress;

        if (ReturnAddress == (ULONG_PTR)HalpTrapReturnAddress) {
            /* HalpTrapCommon called KiDispatchTrap with RSP pointing at the
             * trap frame, so it starts right above this frame's return
             * address. */
            ULONG_PTR TrapAddress = FramePointer + 2 * sizeof(ULONG_PTR);
            const KTRAP_FRAME *TrapFrame = (const KTRAP_FRAME *)TrapAddress;

            if (!KdpInRange(Stack.Bottom, Stack.Top, TrapAddress, sizeof(KTRAP_FRAME)) ||
                Count == MaximumFrames) {
                break;
            }
            Frames[Count++] = TrapFrame->Rip;
            FramePointer = TrapFrame->Rbp;
            if (!KdpFindStack(FramePointer, 2 * sizeof(ULONG_PTR), &Stack)) {
                break;
            }
            continue;
        }
        /* Callers' frames lie higher on the stack; anything else is a loop
         * or garbage. */
        if (CallerFrame <= FramePointer) {
            break;
        }
        FramePointer = CallerFrame;
    }
    return Count;
}

ULONG
KdpCaptureBacktrace(ULONG_PTR ProgramCounter, ULONG_PTR FramePointer, PULONG_PTR Frames,
                    ULONG MaximumFrames)
{
    if (MaximumFrames == 0) {
        return 0;
    }
    Frames[0] = ProgramCounter;
    return KdpWalkFrames(FramePointer, Frames, 1, MaximumFrames);
}

/*
 * A trap can strike where RBP does not yet (or never) describe the
 * interrupted function: on its first instruction, between "push rbp" and
 * "mov rbp, rsp", or anywhere in a leaf that GCC compiled without a frame.
 * RBP then still holds the caller's frame, and walking it alone would skip
 * the caller. In those cases the caller's return address is on top of the
 * interrupted stack, and is added from there.
 */
static const UCHAR KdpStandardPrologue[4] = {0x55, 0x48, 0x89, 0xE5}; /* push rbp; mov rbp, rsp */

ULONG
KdpCaptureTrapBacktrace(const KTRAP_FRAME *TrapFrame, PULONG_PTR Frames, ULONG MaximumFrames)
{
    KDP_STACK_RANGE Stack;
    PCSTR Name;
    ULONG_PTR Offset;
    ULONG Count;

    if (MaximumFrames < 2) {
        return KdpCaptureBacktrace(TrapFrame->Rip, TrapFrame->Rbp, Frames, MaximumFrames);
    }
    Frames[0] = TrapFrame->Rip;
    Count = 1;
    if (KdpIsKernelCode(TrapFrame->Rip) && KdpLookupSymbol(TrapFrame->Rip, &Name, &Offset) &&
        KdpIsKernelCode(TrapFrame->Rip - Offset) &&
        KdpIsKernelCode(TrapFrame->Rip - Offset + sizeof(KdpStandardPrologue) - 1)) {
        const UCHAR *Entry = (const UCHAR *)(TrapFrame->Rip - Offset);
        BOOLEAN Standard = Entry[0] == KdpStandardPrologue[0] &&
                           Entry[1] == KdpStandardPrologue[1] &&
                           Entry[2] == KdpStandardPrologue[2] &&
                           Entry[3] == KdpStandardPrologue[3];
        ULONG_PTR Slot = TrapFrame->Rsp;

        if (Standard && Offset == 1) {
            Slot += sizeof(ULONG_PTR); /* past the pushed RBP */
        }
        if ((!Standard || Offset <= 1) && KdpFindStack(Slot, sizeof(ULONG_PTR), &Stack) &&
            KdpIsKernelCode(*(const ULONG_PTR *)Slot)) {
            Frames[Count++] = *(const ULONG_PTR *)Slot;
        }
    }
    return KdpWalkFrames(TrapFrame->Rbp, Frames, Count, MaximumFrames);
}

/*
 * Every frame after the first holds a return address, which points past the
 * call; when the call was a function's last instruction (a call to a
 * noreturn routine such as KeBugCheckEx) that is already the next function.
 * Looking up the address minus one names the caller correctly. The first
 * frame and an interrupted RIP are exact addresses and are looked up as they
 * are.
 */
static VOID
KdpPrintFrames(const ULONG_PTR *Frames, ULONG Count)
{
    ULONG Index;

    for (Index = 0; Index < Count; Index++) {
        BOOLEAN Exact = Index == 0 || Frames[Index - 1] == (ULONG_PTR)HalpTrapReturnAddress;
        ULONG_PTR Lookup = Exact ? Frames[Index] : Frames[Index] - 1;
        PCSTR Name;
        ULONG_PTR Offset;

        if (KdpLookupSymbol(Lookup, &Name, &Offset)) {
            DbgPrint("  #%-2u %s+0x%llx (0x%016llx)%s\n", Index, Name,
                     (ULONGLONG)(Offset + (Frames[Index] - Lookup)), (ULONGLONG)Frames[Index],
                     Exact && Index != 0 ? " <- trap" : "");
        } else {
            DbgPrint("  #%-2u 0x%016llx (no symbol)\n", Index, (ULONGLONG)Frames[Index]);
        }
    }
    if (Count == KDP_MAXIMUM_BACKTRACE) {
        DbgPrint("  (stopped after %u frames)\n", Count);
    }
}

VOID
KdpPrintBacktrace(ULONG_PTR ProgramCounter, ULONG_PTR FramePointer)
{
    ULONG_PTR Frames[KDP_MAXIMUM_BACKTRACE];

    KdpPrintFrames(Frames, KdpCaptureBacktrace(ProgramCounter, FramePointer, Frames,
                                               KDP_MAXIMUM_BACKTRACE));
}

VOID
KdpPrintTrapBacktrace(const KTRAP_FRAME *TrapFrame)
{
    ULONG_PTR Frames[KDP_MAXIMUM_BACKTRACE];

    KdpPrintFrames(Frames, KdpCaptureTrapBacktrace(TrapFrame, Frames, KDP_MAXIMUM_BACKTRACE));
}
