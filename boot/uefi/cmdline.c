/*
 * boot/uefi/cmdline.c - the kernel command line from LoadOptions or
 * kestrel.cfg (pure; host-tested).
 *
 * Both sources are reduced to the same form: printable ASCII, single line,
 * no leading or trailing blanks, NUL-terminated, shorter than the boot
 * info's CommandLine. Anything else is refused with a status the loader
 * turns into a message, because a silently mangled command line (a test
 * selection cut short, say) is worse than a boot that stops and says why.
 */
#include "boot/uefi/cmdline.h"

/* Runs anywhere; pure. Appends one character, tabs as spaces. */
static int
CmdlinepPut(char *Out, size_t OutSize, size_t *Length, unsigned Character)
{
    if (Character == '\t') {
        Character = ' ';
    }
    if (Character < 0x20 || Character > 0x7E) {
        return 0;
    }
    if (*Length + 1 >= OutSize) {
        return -1;
    }
    Out[(*Length)++] = (char)Character;
    return 1;
}

/* Runs anywhere; pure. Trims blanks at both ends of Out[0, Length) in place
 * and terminates it. */
static CMDLINE_STATUS
CmdlinepFinish(char *Out, size_t Length)
{
    size_t Start = 0;

    while (Length > 0 && Out[Length - 1] == ' ') {
        Length--;
    }
    while (Start < Length && Out[Start] == ' ') {
        Start++;
    }
    for (size_t Index = Start; Index < Length; Index++) {
        Out[Index - Start] = Out[Index];
    }
    Out[Length - Start] = '\0';
    return Length - Start == 0 ? CmdlineEmpty : CmdlineOk;
}

/* Runs anywhere; pure. True when Word[0, Length) ends in ".efi", any case. */
static int
CmdlinepIsEfiProgram(const char *Word, size_t Length)
{
    static const char Suffix[] = ".efi";

    if (Length < 4) {
        return 0;
    }
    for (size_t Index = 0; Index < 4; Index++) {
        char Character = Word[Length - 4 + Index];

        if (Character >= 'A' && Character <= 'Z') {
            Character = (char)(Character - 'A' + 'a');
        }
        if (Character != Suffix[Index]) {
            return 0;
        }
    }
    return 1;
}

/* Runs anywhere; pure. */
CMDLINE_STATUS
CmdlineFromLoadOptions(const void *Options, uint64_t SizeInBytes, char *Out, size_t OutSize)
{
    const unsigned char *Bytes = Options;
    size_t Length = 0, Start = 0, WordEnd;

    if (OutSize == 0) {
        return CmdlineTooLong;
    }
    Out[0] = '\0';
    if (Options == NULL || SizeInBytes < 2) {
        return CmdlineEmpty;
    }
    /* UCS-2 little-endian; an odd trailing byte is not part of a character. */
    for (uint64_t Offset = 0; Offset + 1 < SizeInBytes; Offset += 2) {
        unsigned Character = Bytes[Offset] | (unsigned)Bytes[Offset + 1] << 8;
        int Put;

        if (Character == 0) {
            break;
        }
        Put = CmdlinepPut(Out, OutSize, &Length, Character);
        if (Put == 0) {
            Out[0] = '\0';
            return CmdlineNotText;
        }
        if (Put < 0) {
            Out[0] = '\0';
            return CmdlineTooLong;
        }
    }

    /* Drop "BOOTX64.EFI" or "fs0:\EFI\BOOT\BOOTX64.EFI" at the front. */
    while (Start < Length && Out[Start] == ' ') {
        Start++;
    }
    WordEnd = Start;
    while (WordEnd < Length && Out[WordEnd] != ' ') {
        WordEnd++;
    }
    if (CmdlinepIsEfiProgram(Out + Start, WordEnd - Start)) {
        for (size_t Index = WordEnd; Index < Length; Index++) {
            Out[Index - WordEnd] = Out[Index];
        }
        Length -= WordEnd;
    }
    return CmdlinepFinish(Out, Length);
}

/* Runs anywhere; pure. */
CMDLINE_STATUS
CmdlineFromConfigFile(const char *Text, uint64_t Size, char *Out, size_t OutSize)
{
    size_t Length = 0;

    if (OutSize == 0) {
        return CmdlineTooLong;
    }
    Out[0] = '\0';
    if (Text == NULL) {
        return CmdlineEmpty;
    }
    for (uint64_t Offset = 0; Offset < Size; Offset++) {
        unsigned char Character = (unsigned char)Text[Offset];
        int Put;

        if (Character == '\n' || Character == '\0' ||
            (Character == '\r' && (Offset + 1 == Size || Text[Offset + 1] == '\n'))) {
            break;
        }
        Put = CmdlinepPut(Out, OutSize, &Length, Character);
        if (Put == 0) {
            Out[0] = '\0';
            return CmdlineNotText;
        }
        if (Put < 0) {
            Out[0] = '\0';
            return CmdlineTooLong;
        }
    }
    return CmdlinepFinish(Out, Length);
}
