/*
 * kernel/rtl/format.c - printf-style formatting for DbgPrint and RtlStringCb*.
 *
 * One engine, RtlpFormatV, writes into a bounded buffer and never past it. It
 * knows the C99 conversions a kernel needs plus the WDK's string spellings
 * (%ws, %S, %wZ, %Z) and %pS for symbolized code addresses. It allocates
 * nothing and takes no lock, so it is safe at any IRQL and inside a bugcheck.
 */
#include "kernel/rtl/rtlp.h"
#include "kernel/dbg/kdp.h"

/* The output cursor: Length counts every character produced, including the
 * ones that did not fit, so that the caller learns the full length. */
typedef struct _FORMAT_OUTPUT {
    PCHAR Buffer;
    SIZE_T Size;
    SIZE_T Length;
} FORMAT_OUTPUT;

typedef struct _FORMAT_SPEC {
    BOOLEAN LeftAlign;
    BOOLEAN ZeroPad;
    BOOLEAN Plus;
    BOOLEAN Space;
    BOOLEAN Alternate;
    INT Width;
    INT Precision; /* -1 when none was given */
} FORMAT_SPEC;

static VOID
RtlpPutChar(FORMAT_OUTPUT *Out, CHAR Character)
{
    if (Out->Size != 0 && Out->Length < Out->Size - 1) {
        Out->Buffer[Out->Length] = Character;
    }
    Out->Length++;
}

static VOID
RtlpPad(FORMAT_OUTPUT *Out, CHAR Character, INT Count)
{
    while (Count-- > 0) {
        RtlpPutChar(Out, Character);
    }
}

/* Emits Length characters fetched by index, padded to the spec's width. The
 * fetch indirection lets one routine print CHAR and WCHAR strings alike. */
static VOID
RtlpPutString(FORMAT_OUTPUT *Out, const FORMAT_SPEC *Spec, const VOID *Text, SIZE_T Length,
              BOOLEAN Wide)
{
    SIZE_T Index;
    INT Padding;

    if (Spec->Precision >= 0 && (SIZE_T)Spec->Precision < Length) {
        Length = (SIZE_T)Spec->Precision;
    }
    Padding = (Spec->Width > (INT)Length) ? Spec->Width - (INT)Length : 0;
    if (!Spec->LeftAlign) {
        RtlpPad(Out, ' ', Padding);
    }
    for (Index = 0; Index < Length; Index++) {
        if (Wide) {
            WCHAR Unit = ((const WCHAR *)Text)[Index];
            /* No code pages in the kernel: non-ASCII becomes '?'. */
            RtlpPutChar(Out, Unit < 0x80 ? (CHAR)Unit : '?');
        } else {
            RtlpPutChar(Out, ((const CHAR *)Text)[Index]);
        }
    }
    if (Spec->LeftAlign) {
        RtlpPad(Out, ' ', Padding);
    }
}

static SIZE_T
RtlpStringLength(PCSTR Text)
{
    SIZE_T Length = 0;

    while (Text[Length] != '\0') {
        Length++;
    }
    return Length;
}

static SIZE_T
RtlpWideStringLength(PCWSTR Text)
{
    SIZE_T Length = 0;

    while (Text[Length] != 0) {
        Length++;
    }
    return Length;
}

/* Prints an unsigned magnitude with an optional sign or prefix, applying
 * precision (minimum digits), width and zero padding as C99 7.19.6.1 says. */
static VOID
RtlpPutNumber(FORMAT_OUTPUT *Out, const FORMAT_SPEC *Spec, ULONGLONG Value, BOOLEAN Negative,
              ULONG Base, BOOLEAN Upper)
{
    static const CHAR LowerDigits[] = "0123456789abcdef";
    static const CHAR UpperDigits[] = "0123456789ABCDEF";
    const CHAR *Digits = Upper ? UpperDigits : LowerDigits;
    CHAR Reversed[24];
    INT DigitCount = 0;
    INT ZeroCount;
    INT Padding;
    CHAR Sign = 0;
    PCSTR Prefix = "";
    INT PrefixLength = 0;

    while (Value != 0) {
        Reversed[DigitCount++] = Digits[Value % Base];
        Value /= Base;
    }
    /* "%.0d" of zero prints nothing; otherwise zero prints one digit. */
    if (DigitCount == 0 && Spec->Precision != 0) {
        Reversed[DigitCount++] = '0';
    }

    if (Negative) {
        Sign = '-';
    } else if (Spec->Plus) {
        Sign = '+';
    } else if (Spec->Space) {
        Sign = ' ';
    }
    ZeroCount = (Spec->Precision > DigitCount) ? Spec->Precision - DigitCount : 0;
    if (Spec->Alternate && Base == 16 && DigitCount > 0 &&
        !(DigitCount == 1 && Reversed[0] == '0')) {
        Prefix = Upper ? "0X" : "0x";
        PrefixLength = 2;
    } else if (Spec->Alternate && Base == 8 && ZeroCount == 0 &&
               (DigitCount == 0 || Reversed[DigitCount - 1] != '0')) {
        /* "#" makes the first octal digit a zero, unless the precision
         * already put one there; "%#.0o" of zero prints "0". */
        Prefix = "0";
        PrefixLength = 1;
    }
    Padding = Spec->Width - (DigitCount + ZeroCount + PrefixLength + (Sign ? 1 : 0));
    if (Padding < 0) {
        Padding = 0;
    }
    /* The 0 flag is ignored with a precision or with left alignment. */
    if (Spec->ZeroPad && !Spec->LeftAlign && Spec->Precision < 0) {
        ZeroCount += Padding;
        Padding = 0;
    }

    if (!Spec->LeftAlign) {
        RtlpPad(Out, ' ', Padding);
    }
    if (Sign) {
        RtlpPutChar(Out, Sign);
    }
    while (*Prefix) {
        RtlpPutChar(Out, *Prefix++);
    }
    RtlpPad(Out, '0', ZeroCount);
    while (DigitCount > 0) {
        RtlpPutChar(Out, Reversed[--DigitCount]);
    }
    if (Spec->LeftAlign) {
        RtlpPad(Out, ' ', Padding);
    }
}

/* %pS: "Function+0x1c", or the bare address when no symbol covers it. */
static VOID
RtlpPutSymbol(FORMAT_OUTPUT *Out, const FORMAT_SPEC *Spec, ULONG_PTR Address)
{
    PCSTR Name;
    ULONG_PTR Offset;
    FORMAT_SPEC HexSpec = {.Alternate = TRUE, .Precision = -1};

    if (!KdpLookupSymbol(Address, &Name, &Offset)) {
        RtlpPutNumber(Out, &HexSpec, Address, FALSE, 16, FALSE);
        return;
    }
    RtlpPutString(Out, Spec, Name, RtlpStringLength(Name), FALSE);
    RtlpPutChar(Out, '+');
    RtlpPutNumber(Out, &HexSpec, Offset, FALSE, 16, FALSE);
}

/* Reads "*" or a decimal number for a width or precision. */
static INT
RtlpParseCount(PCSTR *Cursor, va_list *Args)
{
    INT Value = 0;

    if (**Cursor == '*') {
        (*Cursor)++;
        return va_arg(*Args, INT);
    }
    while (**Cursor >= '0' && **Cursor <= '9') {
        Value = Value * 10 + (**Cursor - '0');
        (*Cursor)++;
    }
    return Value;
}

typedef enum _FORMAT_SIZE {
    SizeInt,
    SizeChar,
    SizeShort,
    SizeLong, /* C's long: 64 bits under GCC, as is every wider modifier */
    SizeLongLong,
    SizeSizeT,
    SizeWide, /* the WDK's "w" prefix: %wc, %ws, %wZ */
} FORMAT_SIZE;

static FORMAT_SIZE
RtlpParseSize(PCSTR *Cursor)
{
    PCSTR Text = *Cursor;

    switch (Text[0]) {
    case 'h':
        *Cursor += (Text[1] == 'h') ? 2 : 1;
        return (Text[1] == 'h') ? SizeChar : SizeShort;
    case 'l':
        *Cursor += (Text[1] == 'l') ? 2 : 1;
        return (Text[1] == 'l') ? SizeLongLong : SizeLong;
    case 'z':
    case 't':
    case 'j':
        *Cursor += 1;
        return SizeSizeT;
    case 'I':
        if (Text[1] == '6' && Text[2] == '4') {
            *Cursor += 3;
            return SizeLongLong;
        }
        if (Text[1] == '3' && Text[2] == '2') {
            *Cursor += 3;
            return SizeInt;
        }
        *Cursor += 1; /* %Ix: pointer-sized, as in the WDK */
        return SizeSizeT;
    case 'w':
        *Cursor += 1;
        return SizeWide;
    default:
        return SizeInt;
    }
}

static ULONGLONG
RtlpFetchUnsigned(FORMAT_SIZE Size, va_list *Args)
{
    switch (Size) {
    case SizeChar:
        return (UCHAR)va_arg(*Args, UINT);
    case SizeShort:
        return (USHORT)va_arg(*Args, UINT);
    case SizeLong:
    case SizeLongLong:
    case SizeSizeT:
        return va_arg(*Args, ULONGLONG);
    default:
        return va_arg(*Args, UINT);
    }
}

static LONGLONG
RtlpFetchSigned(FORMAT_SIZE Size, va_list *Args)
{
    switch (Size) {
    case SizeChar:
        return (signed char)va_arg(*Args, INT);
    case SizeShort:
        return (SHORT)va_arg(*Args, INT);
    case SizeLong:
    case SizeLongLong:
    case SizeSizeT:
        return va_arg(*Args, LONGLONG);
    default:
        return va_arg(*Args, INT);
    }
}

SIZE_T
RtlpFormatV(PCHAR Buffer, SIZE_T Size, PCSTR Format, va_list Arguments)
{
    FORMAT_OUTPUT Out = {Buffer, Size, 0};
    PCSTR Cursor = Format;
    va_list Args;

    va_copy(Args, Arguments);
    while (*Cursor != '\0') {
        FORMAT_SPEC Spec = {.Precision = -1};
        FORMAT_SIZE ArgSize;
        CHAR Conversion;

        if (*Cursor != '%') {
            RtlpPutChar(&Out, *Cursor++);
            continue;
        }
        Cursor++;

        for (;; Cursor++) {
            if (*Cursor == '-') {
                Spec.LeftAlign = TRUE;
            } else if (*Cursor == '0') {
                Spec.ZeroPad = TRUE;
            } else if (*Cursor == '+') {
                Spec.Plus = TRUE;
            } else if (*Cursor == ' ') {
                Spec.Space = TRUE;
            } else if (*Cursor == '#') {
                Spec.Alternate = TRUE;
            } else {
                break;
            }
        }
        Spec.Width = RtlpParseCount(&Cursor, &Args);
        if (Spec.Width < 0) {
            /* A negative * width means left alignment (C99 7.19.6.1p5). */
            Spec.LeftAlign = TRUE;
            Spec.Width = -Spec.Width;
        }
        if (*Cursor == '.') {
            Cursor++;
            Spec.Precision = RtlpParseCount(&Cursor, &Args);
            if (Spec.Precision < 0) {
                Spec.Precision = -1;
            }
        }
        ArgSize = RtlpParseSize(&Cursor);
        Conversion = *Cursor;
        if (Conversion == '\0') {
            break;
        }
        Cursor++;

        switch (Conversion) {
        case 'd':
        case 'i': {
            LONGLONG Value = RtlpFetchSigned(ArgSize, &Args);
            ULONGLONG Magnitude = Value < 0 ? 0 - (ULONGLONG)Value : (ULONGLONG)Value;
            RtlpPutNumber(&Out, &Spec, Magnitude, Value < 0, 10, FALSE);
            break;
        }
        case 'u':
        case 'x':
        case 'X':
        case 'o': {
            ULONG Base = Conversion == 'u' ? 10 : Conversion == 'o' ? 8 : 16;
            /* The "+" and " " flags apply to signed conversions only. */
            Spec.Plus = FALSE;
            Spec.Space = FALSE;
            RtlpPutNumber(&Out, &Spec, RtlpFetchUnsigned(ArgSize, &Args), FALSE, Base,
                          Conversion == 'X');
            break;
        }
        case 'c':
        case 'C': {
            CHAR Character = (CHAR)va_arg(Args, INT);
            RtlpPutString(&Out, &Spec, &Character, 1, FALSE);
            break;
        }
        case 'p':
            if (*Cursor == 'S' || *Cursor == 's') {
                Cursor++;
                RtlpPutSymbol(&Out, &Spec, (ULONG_PTR)va_arg(Args, PVOID));
            } else {
                /* Pointers print as 16 hex digits, as the WDK's %p does. */
                Spec.ZeroPad = TRUE;
                Spec.Width = Spec.Width ? Spec.Width : 16;
                RtlpPutNumber(&Out, &Spec, (ULONG_PTR)va_arg(Args, PVOID), FALSE, 16, TRUE);
            }
            break;
        case 's':
        case 'S': {
            BOOLEAN Wide = (Conversion == 'S') || ArgSize == SizeWide || ArgSize == SizeLong;
            PVOID Text = va_arg(Args, PVOID);
            if (Text == NULL) {
                RtlpPutString(&Out, &Spec, "(null)", 6, FALSE);
            } else if (Wide) {
                RtlpPutString(&Out, &Spec, Text, RtlpWideStringLength(Text), TRUE);
            } else {
                RtlpPutString(&Out, &Spec, Text, RtlpStringLength(Text), FALSE);
            }
            break;
        }
        case 'Z': {
            /* %wZ takes a PUNICODE_STRING, %Z a PANSI_STRING; Length is in bytes. */
            PVOID Counted = va_arg(Args, PVOID);
            if (Counted == NULL) {
                RtlpPutString(&Out, &Spec, "(null)", 6, FALSE);
            } else if (ArgSize == SizeWide) {
                PCUNICODE_STRING String = Counted;
                RtlpPutString(&Out, &Spec, String->Buffer, String->Length / sizeof(WCHAR), TRUE);
            } else {
                PCANSI_STRING String = Counted;
                RtlpPutString(&Out, &Spec, String->Buffer, String->Length, FALSE);
            }
            break;
        }
        case '%':
            RtlpPutChar(&Out, '%');
            break;
        default:
            /* Unknown conversion: print it as written so the bug is visible. */
            RtlpPutChar(&Out, '%');
            RtlpPutChar(&Out, Conversion);
            break;
        }
    }
    va_end(Args);

    if (Size != 0) {
        Buffer[Out.Length < Size ? Out.Length : Size - 1] = '\0';
    }
    return Out.Length;
}

SIZE_T
RtlpFormat(PCHAR Buffer, SIZE_T Size, PCSTR Format, ...)
{
    va_list Args;
    SIZE_T Length;

    va_start(Args, Format);
    Length = RtlpFormatV(Buffer, Size, Format, Args);
    va_end(Args);
    return Length;
}
