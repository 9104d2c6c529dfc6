/*
 * drivers/samples/kestrelsample/kestrelsample.h - what clients of the
 * KestrelSample driver need: its names and its control code.
 */
#ifndef KESTREL_SAMPLE_H
#define KESTREL_SAMPLE_H

#define KESTREL_SAMPLE_DEVICE_NAME L"\\Device\\KestrelSample"
#define KESTREL_SAMPLE_DOS_NAME L"\\DosDevices\\KestrelSample"

/* Input: any bytes. Output: the same bytes in reverse order; the output
 * buffer must hold them all (STATUS_BUFFER_TOO_SMALL otherwise). Function
 * codes from 0x800 up are the driver writer's (below are Microsoft's). */
#define IOCTL_KESTREL_SAMPLE_REVERSE \
    CTL_CODE(FILE_DEVICE_UNKNOWN, 0x801, METHOD_BUFFERED, FILE_ANY_ACCESS)

#endif /* KESTREL_SAMPLE_H */
