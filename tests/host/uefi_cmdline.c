/*
 * tests/host/uefi_cmdline.c - the UEFI loader's command line sources
 * (boot/uefi/cmdline.c): LoadOptions in UCS-2 and the first line of
 * kestrel.cfg, including what the test harness writes (`printf '%s\n'`).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "boot/uefi/cmdline.h"

#define OUT_SIZE 512

/* UCS-2 little-endian bytes of an ASCII string, in a buffer of exactly
 * the given size (with or without the terminating NUL). */
static unsigned char *
Ucs2(const char *Text, int WithNul, size_t *Size)
{
    size_t Length = strlen(Text) + (WithNul ? 1 : 0);
    unsigned char *Bytes = malloc(Length * 2 + 1);

    assert_non_null(Bytes);
    for (size_t Index = 0; Index < Length; Index++) {
        Bytes[2 * Index] = (unsigned char)Text[Index];
        Bytes[2 * Index + 1] = 0;
    }
    *Size = Length * 2;
    return Bytes;
}

static CMDLINE_STATUS
FromOptions(const char *Text, int WithNul, char *Out)
{
    size_t Size;
    unsigned char *Bytes = Ucs2(Text, WithNul, &Size);
    CMDLINE_STATUS Status = CmdlineFromLoadOptions(Bytes, Size, Out, OUT_SIZE);

    free(Bytes);
    return Status;
}

static CMDLINE_STATUS
FromConfig(const char *Text, char *Out)
{
    size_t Size = strlen(Text);
    char *Copy = malloc(Size + 1);  /* no NUL inside the file's bytes */
    CMDLINE_STATUS Status;

    memcpy(Copy, Text, Size);
    Status = CmdlineFromConfigFile(Copy, Size, Out, OUT_SIZE);
    free(Copy);
    return Status;
}

static void
LoadOptionsAreUsedAsText(void **State)
{
    char Out[OUT_SIZE];

    (void)State;
    assert_int_equal(FromOptions("ktest=all harness", 1, Out), CmdlineOk);
    assert_string_equal(Out, "ktest=all harness");
    assert_int_equal(FromOptions("  debug\t", 0, Out), CmdlineOk);
    assert_string_equal(Out, "debug");
    /* The UEFI Shell passes the program first. */
    assert_int_equal(FromOptions("fs0:\\EFI\\BOOT\\BOOTX64.EFI ktest=a,b", 1, Out), CmdlineOk);
    assert_string_equal(Out, "ktest=a,b");
    assert_int_equal(FromOptions("bootx64.efi", 1, Out), CmdlineEmpty);
    assert_string_equal(Out, "");
}

static void
EmptyOrBinaryLoadOptionsAreNotACommandLine(void **State)
{
    static const unsigned char Binary[] = { 0x01, 0x00, 0x00, 0x00, 0x1A, 0x00, 0x7F, 0x02 };
    static const unsigned char Odd[] = { 'a', 0, 'b' };
    char Out[OUT_SIZE];

    (void)State;
    assert_int_equal(CmdlineFromLoadOptions(NULL, 0, Out, OUT_SIZE), CmdlineEmpty);
    assert_int_equal(FromOptions("", 1, Out), CmdlineEmpty);
    assert_int_equal(FromOptions("   ", 1, Out), CmdlineEmpty);
    assert_int_equal(CmdlineFromLoadOptions(Binary, sizeof(Binary), Out, OUT_SIZE),
                     CmdlineNotText);
    assert_string_equal(Out, "");
    /* An odd trailing byte is ignored, not read as half a character. */
    assert_int_equal(CmdlineFromLoadOptions(Odd, sizeof(Odd), Out, OUT_SIZE), CmdlineOk);
    assert_string_equal(Out, "a");
}

static void
ConfigFileFirstLineIsTheCommandLine(void **State)
{
    char Out[OUT_SIZE];

    (void)State;
    assert_int_equal(FromConfig("ktest=all harness\n", Out), CmdlineOk);
    assert_string_equal(Out, "ktest=all harness");
    assert_int_equal(FromConfig("ktest=all\r\nsecond line\n", Out), CmdlineOk);
    assert_string_equal(Out, "ktest=all");
    assert_int_equal(FromConfig("no newline at all", Out), CmdlineOk);
    assert_string_equal(Out, "no newline at all");
    assert_int_equal(FromConfig("\n", Out), CmdlineEmpty);
    assert_int_equal(FromConfig("", Out), CmdlineEmpty);
    assert_int_equal(FromConfig("   \t \n", Out), CmdlineEmpty);
    assert_int_equal(FromConfig("\xEF\xBB\xBFktest=all\n", Out), CmdlineNotText);
    assert_int_equal(FromConfig("a\x01" "b\n", Out), CmdlineNotText);
    assert_string_equal(Out, "");
}

/* The loader passes the size of the boot info's CommandLine; with a 512-byte
 * buffer, 511 characters fit and 512 do not, and are refused rather than
 * cut short. */
static void
LongCommandLinesAreRefused(void **State)
{
    char Line[600];
    char Out[OUT_SIZE];

    (void)State;
    memset(Line, 'x', 511);
    strcpy(Line + 511, "\n");
    assert_int_equal(FromConfig(Line, Out), CmdlineOk);
    assert_int_equal(strlen(Out), 511);
    memset(Line, 'x', 512);
    strcpy(Line + 512, "\n");
    assert_int_equal(FromConfig(Line, Out), CmdlineTooLong);
    assert_string_equal(Out, "");
    Line[512] = '\0';
    assert_int_equal(FromOptions(Line, 1, Out), CmdlineTooLong);
    assert_int_equal(CmdlineFromConfigFile("abc", 3, Out, 0), CmdlineTooLong);
}

int
main(void)
{
    const struct CMUnitTest Tests[] = {
        cmocka_unit_test(LoadOptionsAreUsedAsText),
        cmocka_unit_test(EmptyOrBinaryLoadOptionsAreNotACommandLine),
        cmocka_unit_test(ConfigFileFirstLineIsTheCommandLine),
        cmocka_unit_test(LongCommandLinesAreRefused),
    };

    return cmocka_run_group_tests(Tests, NULL, NULL);
}
