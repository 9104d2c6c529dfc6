/*
 * drivers/serial/driver.c - the 16550 serial port driver: DriverEntry and
 * Unload.
 *
 * An NT function driver for PC16550D-compatible UARTs (National
 * Semiconductor data sheet, June 1995), with the WDK's serial interface
 * (include/ntddser.h). The PnP manager gives it its devices: COM ports the
 * root enumerator finds (*PNP0501) and PCI 16550-compatible serial
 * controllers (PCI\CC_070002), both listed in driver.mk. Where things are:
 *
 *   driver.c    DriverEntry, Unload
 *   pnp.c       AddDevice, IRP_MJ_PNP, IRP_MJ_POWER
 *   start.c     taking the resources of IRP_MN_START_DEVICE, stopping
 *   dispatch.c  create, close, cleanup, read, write
 *   ioctl.c     device control (ntddser.h): the list of requests, line settings
 *   flowctl.c   handshake, flow control, break, immediate character requests
 *   status.c    status, statistics, properties, receive buffer size requests
 *   queue.c     the cancel-safe queues of reads, writes and waits
 *   io.c        moving bytes between the ring, the UART and the IRPs (DPC level)
 *   isr.c       the ISR (acknowledges the UART, queues the DPC) and the DPC
 *   uart.c      the 16550's programming; hw.h its registers
 *   uartisr.c   the 16550 at interrupt time: receive, transmit, line and modem status
 *   uartflow.c  handshake and flow control on the 16550
 *   ring.c      the receive ring; timeout.c SERIAL_TIMEOUTS arithmetic
 */
#include "serial.h"

/* PASSIVE_LEVEL. Every device is gone by now: REMOVE_DEVICE deleted it. */
VOID
SerialUnload(PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
}

/* PASSIVE_LEVEL. No device yet: AddDevice creates one per port PnP finds. */
NTSTATUS
DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->MajorFunction[IRP_MJ_CREATE] = SerialCreate;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = SerialClose;
    DriverObject->MajorFunction[IRP_MJ_CLEANUP] = SerialCleanup;
    DriverObject->MajorFunction[IRP_MJ_READ] = SerialRead;
    DriverObject->MajorFunction[IRP_MJ_WRITE] = SerialWrite;
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = SerialDeviceControl;
    DriverObject->MajorFunction[IRP_MJ_PNP] = SerialPnp;
    DriverObject->MajorFunction[IRP_MJ_POWER] = SerialPower;
    DriverObject->DriverExtension->AddDevice = SerialAddDevice;
    DriverObject->DriverUnload = SerialUnload;
    return STATUS_SUCCESS;
}
