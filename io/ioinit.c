/*
 * io/ioinit.c - IoInitSystem: the I/O manager at boot.
 *
 * The object types of devices and drivers come first; then every built-in
 * driver's DriverEntry runs, in the order of the table the build generates
 * from drivers/.../driver.mk (build/drivers.gen.c); then the
 * reinitialization routines the drivers registered.
 *
 * Built-in drivers are linked into the kernel, so each one's DriverEntry
 * would clash with the others'. The build compiles every source of driver
 * <Name> with -DDriverEntry=<Name>DriverEntry: the source still says
 * DriverEntry, as the WDK requires, and the table names <Name>DriverEntry.
 */
#include "io/iop.h"
#include "io/iopirp.h"
#include "io/fileio.h"
#include "io/pnpp.h"

/* PASSIVE_LEVEL. A driver that fails is reported by IopLoadDriver and
 * left out; the others still load. */
VOID
IopInitializeBuiltinDrivers(VOID)
{
    const IOP_BUILTIN_DRIVER *Entry;
    ULONG Loaded = 0, Failed = 0;

    for (Entry = IopBuiltinDrivers; Entry->Name != NULL; Entry++) {
        if (NT_SUCCESS(IopLoadDriver(Entry->Name, Entry->DriverEntry, NULL))) {
            Loaded++;
        } else {
            Failed++;
        }
    }
    IopCallDriverReinitializationRoutines();
    DbgPrint("Io: %u built-in driver(s) loaded", Loaded);
    if (Failed != 0) {
        DbgPrint(", %u failed", Failed);
    }
    DbgPrint("\n");
}

/* PASSIVE_LEVEL, once, after ObInitializeNamespace. */
VOID
IoInitSystem(VOID)
{
    IopInitializeIrpSystem();           /* IRP lookaside lists, verifier switch */
    IopInitializeDeviceObjects();
    IopInitializeDriverObjects();
    IopInitializeFileObjects();
    IopInitializeReinitialization();
    IopInitializeBuiltinDrivers();
    IopInitializePnpManager();          /* the device tree: enumerate, match, start */
}
