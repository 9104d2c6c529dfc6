/*
 * kernel/ke/cmdline.c - reading options from the kernel command line.
 *
 * The command line is a blank-separated list of words, each either a flag
 * ("harness") or a name=value pair ("ktest=all"). Both boot paths copy it
 * into KeLoaderBlock.CommandLine, NUL-terminated.
 */
#include "kernel/ke/ki.h"

static BOOLEAN
KipIsBlank(CHAR Character)
{
    return Character == ' ' || Character == '\t';
}

/* Finds the word that is Name or starts with "Name="; returns a pointer just
 * past Name, or NULL. */
static PCSTR
KipFindOption(PCSTR Name)
{
    PCSTR Cursor = KeLoaderBlock.CommandLine;
    SIZE_T NameLength = 0;

    while (Name[NameLength] != '\0') {
        NameLength++;
    }
    while (*Cursor != '\0') {
        SIZE_T Index = 0;

        while (KipIsBlank(*Cursor)) {
            Cursor++;
        }
        while (Index < NameLength && Cursor[Index] == Name[Index]) {
            Index++;
        }
        if (Index == NameLength &&
            (Cursor[Index] == '\0' || Cursor[Index] == '=' || KipIsBlank(Cursor[Index]))) {
            return Cursor + Index;
        }
        while (*Cursor != '\0' && !KipIsBlank(*Cursor)) {
            Cursor++;
        }
    }
    return NULL;
}

BOOLEAN
KiCommandLineHasWord(PCSTR Word)
{
    return KipFindOption(Word) != NULL;
}

/* Copies the value of "Name=value" (up to the next blank) into Value. */
BOOLEAN
KiCommandLineValue(PCSTR Name, PCHAR Value, SIZE_T ValueSize)
{
    PCSTR Found = KipFindOption(Name);
    SIZE_T Length = 0;

    if (Found == NULL || *Found != '=' || ValueSize == 0) {
        return FALSE;
    }
    Found++;
    while (Found[Length] != '\0' && !KipIsBlank(Found[Length]) && Length + 1 < ValueSize) {
        Value[Length] = Found[Length];
        Length++;
    }
    Value[Length] = '\0';
    return TRUE;
}

BOOLEAN
KiRunningUnderHarness(VOID)
{
    return KiCommandLineHasWord("harness");
}
