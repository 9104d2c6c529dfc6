/*
 * initguid.h - makes the DEFINE_GUIDs that follow define their GUIDs
 * (storage) instead of declaring them, as in the WDK. Include it in one
 * file, before the header that declares the GUIDs it should hold.
 */
#define INITGUID
#include <guiddef.h>
