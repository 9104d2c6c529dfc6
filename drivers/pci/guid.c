/*
 * drivers/pci/guid.c - storage for the wdmguid.h GUIDs the bus driver
 * hands out, as a WDK driver gets it by including initguid.h before
 * wdmguid.h in one file. Weak, like Windows' DECLSPEC_SELECTANY, so that
 * another driver holding the same GUID links to one copy.
 */
#include "pcibus.h"

/* {496B8280-6F25-11D0-BEAF-08002BE2092F} */
__attribute__((weak)) const GUID GUID_BUS_INTERFACE_STANDARD = {
    0x496B8280, 0x6F25, 0x11D0, {0xBE, 0xAF, 0x08, 0x00, 0x2B, 0xE2, 0x09, 0x2F}};

/* {C8EBDFB0-B510-11D0-80E5-00A0C92542E3} */
__attribute__((weak)) const GUID GUID_BUS_TYPE_PCI = {
    0xC8EBDFB0, 0xB510, 0x11D0, {0x80, 0xE5, 0x00, 0xA0, 0xC9, 0x25, 0x42, 0xE3}};
