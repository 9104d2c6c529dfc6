/*
 * ntddser.h - the serial port interface: the IOCTLs a client sends to a
 * serial port driver and the structures they carry.
 *
 * Names, values and layouts are the WDK's (ntddser.h; the control codes are
 * CTL_CODE(FILE_DEVICE_SERIAL_PORT, n, METHOD_BUFFERED, FILE_ANY_ACCESS),
 * so IOCTL_SERIAL_SET_BAUD_RATE is 0x001B0004). Every request is buffered:
 * the input and output travel in Irp->AssociatedIrp.SystemBuffer.
 */
#ifndef _NTDDSER_
#define _NTDDSER_

#include <wdm.h>

#define SERIAL_IOCTL(Function) \
    CTL_CODE(FILE_DEVICE_SERIAL_PORT, (Function), METHOD_BUFFERED, FILE_ANY_ACCESS)

#define IOCTL_SERIAL_SET_BAUD_RATE SERIAL_IOCTL(1)
#define IOCTL_SERIAL_SET_QUEUE_SIZE SERIAL_IOCTL(2)
#define IOCTL_SERIAL_SET_LINE_CONTROL SERIAL_IOCTL(3)
#define IOCTL_SERIAL_SET_BREAK_ON SERIAL_IOCTL(4)
#define IOCTL_SERIAL_SET_BREAK_OFF SERIAL_IOCTL(5)
#define IOCTL_SERIAL_IMMEDIATE_CHAR SERIAL_IOCTL(6)
#define IOCTL_SERIAL_SET_TIMEOUTS SERIAL_IOCTL(7)
#define IOCTL_SERIAL_GET_TIMEOUTS SERIAL_IOCTL(8)
#define IOCTL_SERIAL_SET_DTR SERIAL_IOCTL(9)
#define IOCTL_SERIAL_CLR_DTR SERIAL_IOCTL(10)
#define IOCTL_SERIAL_RESET_DEVICE SERIAL_IOCTL(11)
#define IOCTL_SERIAL_SET_RTS SERIAL_IOCTL(12)
#define IOCTL_SERIAL_CLR_RTS SERIAL_IOCTL(13)
#define IOCTL_SERIAL_SET_XOFF SERIAL_IOCTL(14)
#define IOCTL_SERIAL_SET_XON SERIAL_IOCTL(15)
#define IOCTL_SERIAL_GET_WAIT_MASK SERIAL_IOCTL(16)
#define IOCTL_SERIAL_SET_WAIT_MASK SERIAL_IOCTL(17)
#define IOCTL_SERIAL_WAIT_ON_MASK SERIAL_IOCTL(18)
#define IOCTL_SERIAL_PURGE SERIAL_IOCTL(19)
#define IOCTL_SERIAL_GET_BAUD_RATE SERIAL_IOCTL(20)
#define IOCTL_SERIAL_GET_LINE_CONTROL SERIAL_IOCTL(21)
#define IOCTL_SERIAL_GET_CHARS SERIAL_IOCTL(22)
#define IOCTL_SERIAL_SET_CHARS SERIAL_IOCTL(23)
#define IOCTL_SERIAL_GET_HANDFLOW SERIAL_IOCTL(24)
#define IOCTL_SERIAL_SET_HANDFLOW SERIAL_IOCTL(25)
#define IOCTL_SERIAL_GET_MODEMSTATUS SERIAL_IOCTL(26)
#define IOCTL_SERIAL_GET_COMMSTATUS SERIAL_IOCTL(27)
#define IOCTL_SERIAL_XOFF_COUNTER SERIAL_IOCTL(28)
#define IOCTL_SERIAL_GET_PROPERTIES SERIAL_IOCTL(29)
#define IOCTL_SERIAL_GET_DTRRTS SERIAL_IOCTL(30)
#define IOCTL_SERIAL_LSRMST_INSERT SERIAL_IOCTL(31)
#define IOCTL_SERIAL_CONFIG_SIZE SERIAL_IOCTL(32)
#define IOCTL_SERIAL_GET_COMMCONFIG SERIAL_IOCTL(33)
#define IOCTL_SERIAL_SET_COMMCONFIG SERIAL_IOCTL(34)
#define IOCTL_SERIAL_GET_STATS SERIAL_IOCTL(35)
#define IOCTL_SERIAL_CLEAR_STATS SERIAL_IOCTL(36)
#define IOCTL_SERIAL_GET_MODEM_CONTROL SERIAL_IOCTL(37)
#define IOCTL_SERIAL_SET_MODEM_CONTROL SERIAL_IOCTL(38)
#define IOCTL_SERIAL_SET_FIFO_CONTROL SERIAL_IOCTL(39)

_Static_assert(IOCTL_SERIAL_SET_BAUD_RATE == 0x001B0004, "IOCTL_SERIAL_SET_BAUD_RATE");
_Static_assert(IOCTL_SERIAL_WAIT_ON_MASK == 0x001B0048, "IOCTL_SERIAL_WAIT_ON_MASK");
_Static_assert(IOCTL_SERIAL_GET_COMMSTATUS == 0x001B006C, "IOCTL_SERIAL_GET_COMMSTATUS");
_Static_assert(IOCTL_SERIAL_GET_PROPERTIES == 0x001B0074, "IOCTL_SERIAL_GET_PROPERTIES");
_Static_assert(IOCTL_SERIAL_SET_QUEUE_SIZE == 0x001B0008, "IOCTL_SERIAL_SET_QUEUE_SIZE");
_Static_assert(IOCTL_SERIAL_IMMEDIATE_CHAR == 0x001B0018, "IOCTL_SERIAL_IMMEDIATE_CHAR");
_Static_assert(IOCTL_SERIAL_SET_HANDFLOW == 0x001B0064, "IOCTL_SERIAL_SET_HANDFLOW");
_Static_assert(IOCTL_SERIAL_CONFIG_SIZE == 0x001B0080, "IOCTL_SERIAL_CONFIG_SIZE");
_Static_assert(IOCTL_SERIAL_GET_COMMCONFIG == 0x001B0084, "IOCTL_SERIAL_GET_COMMCONFIG");

/* IOCTL_SERIAL_SET_BAUD_RATE / GET_BAUD_RATE. */
typedef struct _SERIAL_BAUD_RATE {
    ULONG BaudRate;
} SERIAL_BAUD_RATE, *PSERIAL_BAUD_RATE;

/* IOCTL_SERIAL_SET_LINE_CONTROL / GET_LINE_CONTROL. */
#define STOP_BIT_1 0
#define STOP_BITS_1_5 1
#define STOP_BITS_2 2

#define NO_PARITY 0
#define ODD_PARITY 1
#define EVEN_PARITY 2
#define MARK_PARITY 3
#define SPACE_PARITY 4

typedef struct _SERIAL_LINE_CONTROL {
    UCHAR StopBits;     /* STOP_BIT_1, STOP_BITS_1_5, STOP_BITS_2 */
    UCHAR Parity;       /* NO_PARITY ... SPACE_PARITY */
    UCHAR WordLength;   /* 5 to 8 */
} SERIAL_LINE_CONTROL, *PSERIAL_LINE_CONTROL;

/* IOCTL_SERIAL_SET_TIMEOUTS / GET_TIMEOUTS, in milliseconds. A read waits
 * at most ReadTotalTimeoutMultiplier * length + ReadTotalTimeoutConstant
 * (when either is non-zero) and at most ReadIntervalTimeout between two
 * bytes. ReadIntervalTimeout = MAXULONG with both totals 0 returns at once
 * with what is buffered; with ReadTotalTimeoutMultiplier = MAXULONG and
 * 0 < ReadTotalTimeoutConstant < MAXULONG, a read returns as soon as any
 * byte is there, or after the constant. */
typedef struct _SERIAL_TIMEOUTS {
    ULONG ReadIntervalTimeout;
    ULONG ReadTotalTimeoutMultiplier;
    ULONG ReadTotalTimeoutConstant;
    ULONG WriteTotalTimeoutMultiplier;
    ULONG WriteTotalTimeoutConstant;
} SERIAL_TIMEOUTS, *PSERIAL_TIMEOUTS;

/* IOCTL_SERIAL_SET_QUEUE_SIZE: the receive buffer grows to at least InSize
 * bytes (it never shrinks); OutSize is not used. */
typedef struct _SERIAL_QUEUE_SIZE {
    ULONG InSize;
    ULONG OutSize;
} SERIAL_QUEUE_SIZE, *PSERIAL_QUEUE_SIZE;

/* IOCTL_SERIAL_SET_CHARS / GET_CHARS: the special characters. XonChar and
 * XoffChar must differ. */
typedef struct _SERIAL_CHARS {
    UCHAR EofChar;
    UCHAR ErrorChar;        /* replaces a byte received with an error (SERIAL_ERROR_CHAR) */
    UCHAR BreakChar;        /* stands for a break in the data (SERIAL_BREAK_CHAR) */
    UCHAR EventChar;        /* its arrival is SERIAL_EV_RXFLAG */
    UCHAR XonChar;
    UCHAR XoffChar;
} SERIAL_CHARS, *PSERIAL_CHARS;

/* IOCTL_SERIAL_SET_HANDFLOW / GET_HANDFLOW: handshake and flow control.
 * ControlHandShake: */
#define SERIAL_DTR_MASK ((ULONG)0x03)
#define SERIAL_DTR_CONTROL ((ULONG)0x01)        /* DTR on */
#define SERIAL_DTR_HANDSHAKE ((ULONG)0x02)      /* DTR is input flow control */
#define SERIAL_CTS_HANDSHAKE ((ULONG)0x08)      /* send only while CTS is on */
#define SERIAL_DSR_HANDSHAKE ((ULONG)0x10)      /* send only while DSR is on */
#define SERIAL_DCD_HANDSHAKE ((ULONG)0x20)      /* send only while DCD is on */
#define SERIAL_OUT_HANDSHAKEMASK ((ULONG)0x38)
#define SERIAL_DSR_SENSITIVITY ((ULONG)0x40)    /* drop what arrives while DSR is off */
#define SERIAL_ERROR_ABORT ((ULONG)0x80000000)  /* a line error cancels reads and writes */
#define SERIAL_CONTROL_INVALID ((ULONG)0x7FFFFF84)
/* FlowReplace: */
#define SERIAL_AUTO_TRANSMIT ((ULONG)0x01)      /* XOFF/XON received stop and restart sending */
#define SERIAL_AUTO_RECEIVE ((ULONG)0x02)       /* XOFF/XON sent to stop and restart the peer */
#define SERIAL_ERROR_CHAR ((ULONG)0x04)
#define SERIAL_NULL_STRIPPING ((ULONG)0x08)
#define SERIAL_BREAK_CHAR ((ULONG)0x10)
#define SERIAL_RTS_MASK ((ULONG)0xC0)
#define SERIAL_RTS_CONTROL ((ULONG)0x40)        /* RTS on */
#define SERIAL_RTS_HANDSHAKE ((ULONG)0x80)      /* RTS is input flow control */
#define SERIAL_TRANSMIT_TOGGLE ((ULONG)0xC0)    /* RTS on while there is something to send */
#define SERIAL_XOFF_CONTINUE ((ULONG)0x80000000) /* keep sending after XOFF was sent */
#define SERIAL_FLOW_INVALID ((ULONG)0x7FFFFF20)

/* Input flow control stops the peer when fewer than XoffLimit bytes of the
 * receive buffer are free, and lets it go on when XonLimit bytes or fewer
 * are left in it. Both lie between 0 and the buffer's size. */
typedef struct _SERIAL_HANDFLOW {
    ULONG ControlHandShake;
    ULONG FlowReplace;
    LONG XonLimit;
    LONG XoffLimit;
} SERIAL_HANDFLOW, *PSERIAL_HANDFLOW;

/* IOCTL_SERIAL_GET_STATS: counts since the port was opened or the last
 * IOCTL_SERIAL_CLEAR_STATS. */
typedef struct _SERIALPERF_STATS {
    ULONG ReceivedCount;
    ULONG TransmittedCount;
    ULONG FrameErrorCount;
    ULONG SerialOverrunErrorCount;  /* bytes the UART lost: its FIFO was full */
    ULONG BufferOverrunErrorCount;  /* bytes the driver lost: its buffer was full */
    ULONG ParityErrorCount;
} SERIALPERF_STATS, *PSERIALPERF_STATS;

/* IOCTL_SERIAL_SET_WAIT_MASK / GET_WAIT_MASK / WAIT_ON_MASK events. */
#define SERIAL_EV_RXCHAR 0x0001     /* any byte received */
#define SERIAL_EV_RXFLAG 0x0002     /* the event character received */
#define SERIAL_EV_TXEMPTY 0x0004    /* the last byte of the output was sent */
#define SERIAL_EV_CTS 0x0008
#define SERIAL_EV_DSR 0x0010
#define SERIAL_EV_RLSD 0x0020
#define SERIAL_EV_BREAK 0x0040
#define SERIAL_EV_ERR 0x0080        /* framing, overrun or parity error */
#define SERIAL_EV_RING 0x0100
#define SERIAL_EV_PERR 0x0200
#define SERIAL_EV_RX80FULL 0x0400
#define SERIAL_EV_EVENT1 0x0800
#define SERIAL_EV_EVENT2 0x1000

/* IOCTL_SERIAL_PURGE flags (a ULONG). */
#define SERIAL_PURGE_TXABORT 0x00000001     /* cancel every write */
#define SERIAL_PURGE_RXABORT 0x00000002     /* cancel every read */
#define SERIAL_PURGE_TXCLEAR 0x00000004     /* drop the transmit buffer */
#define SERIAL_PURGE_RXCLEAR 0x00000008     /* drop the receive buffer */

/* IOCTL_SERIAL_GET_COMMSTATUS. */
#define SERIAL_ERROR_BREAK 0x00000001
#define SERIAL_ERROR_FRAMING 0x00000002
#define SERIAL_ERROR_OVERRUN 0x00000004
#define SERIAL_ERROR_QUEUEOVERRUN 0x00000008
#define SERIAL_ERROR_PARITY 0x00000010

#define SERIAL_TX_WAITING_FOR_CTS ((ULONG)0x00000001)
#define SERIAL_TX_WAITING_FOR_DSR ((ULONG)0x00000002)
#define SERIAL_TX_WAITING_FOR_DCD ((ULONG)0x00000004)
#define SERIAL_TX_WAITING_FOR_XON ((ULONG)0x00000008)
#define SERIAL_TX_WAITING_XOFF_SENT ((ULONG)0x00000010)
#define SERIAL_TX_WAITING_ON_BREAK ((ULONG)0x00000020)
#define SERIAL_RX_WAITING_FOR_DSR ((ULONG)0x00000040)

typedef struct _SERIAL_STATUS {
    ULONG Errors;           /* SERIAL_ERROR_* since the last query (cleared by it) */
    ULONG HoldReasons;      /* SERIAL_TX_WAITING_* / SERIAL_RX_WAITING_* */
    ULONG AmountInInQueue;  /* bytes received, not yet read */
    ULONG AmountInOutQueue; /* bytes written, not yet handed to the UART */
    BOOLEAN EofReceived;
    BOOLEAN WaitForImmediate;
} SERIAL_STATUS, *PSERIAL_STATUS;

/* IOCTL_SERIAL_GET_MODEMSTATUS returns the UART's modem status register
 * (a ULONG); IOCTL_SERIAL_GET_DTRRTS returns these bits. */
#define SERIAL_DTR_STATE ((ULONG)0x00000001)
#define SERIAL_RTS_STATE ((ULONG)0x00000002)
#define SERIAL_CTS_STATE ((ULONG)0x00000010)
#define SERIAL_DSR_STATE ((ULONG)0x00000020)
#define SERIAL_RI_STATE ((ULONG)0x00000040)
#define SERIAL_DCD_STATE ((ULONG)0x00000080)

/* IOCTL_SERIAL_GET_PROPERTIES. */
#define SERIAL_SP_SERIALCOMM ((ULONG)0x00000001)    /* ServiceMask */

#define SERIAL_SP_UNSPECIFIED ((ULONG)0x00000000)   /* ProvSubType */
#define SERIAL_SP_RS232 ((ULONG)0x00000001)
#define SERIAL_SP_PARALLEL ((ULONG)0x00000002)
#define SERIAL_SP_RS422 ((ULONG)0x00000003)
#define SERIAL_SP_RS423 ((ULONG)0x00000004)
#define SERIAL_SP_RS449 ((ULONG)0x00000005)
#define SERIAL_SP_MODEM ((ULONG)0x00000006)

#define SERIAL_PCF_DTRDSR ((ULONG)0x0001)           /* ProvCapabilities */
#define SERIAL_PCF_RTSCTS ((ULONG)0x0002)
#define SERIAL_PCF_CD ((ULONG)0x0004)
#define SERIAL_PCF_PARITY_CHECK ((ULONG)0x0008)
#define SERIAL_PCF_XONXOFF ((ULONG)0x0010)
#define SERIAL_PCF_SETXCHAR ((ULONG)0x0020)
#define SERIAL_PCF_TOTALTIMEOUTS ((ULONG)0x0040)
#define SERIAL_PCF_INTTIMEOUTS ((ULONG)0x0080)
#define SERIAL_PCF_SPECIALCHARS ((ULONG)0x0100)
#define SERIAL_PCF_16BITMODE ((ULONG)0x0200)

#define SERIAL_SP_PARITY ((ULONG)0x0001)            /* SettableParams */
#define SERIAL_SP_BAUD ((ULONG)0x0002)
#define SERIAL_SP_DATABITS ((ULONG)0x0004)
#define SERIAL_SP_STOPBITS ((ULONG)0x0008)
#define SERIAL_SP_HANDSHAKING ((ULONG)0x0010)
#define SERIAL_SP_PARITY_CHECK ((ULONG)0x0020)
#define SERIAL_SP_CARRIER_DETECT ((ULONG)0x0040)

#define SERIAL_BAUD_075 ((ULONG)0x00000001)         /* SettableBaud */
#define SERIAL_BAUD_110 ((ULONG)0x00000002)
#define SERIAL_BAUD_134_5 ((ULONG)0x00000004)
#define SERIAL_BAUD_150 ((ULONG)0x00000008)
#define SERIAL_BAUD_300 ((ULONG)0x00000010)
#define SERIAL_BAUD_600 ((ULONG)0x00000020)
#define SERIAL_BAUD_1200 ((ULONG)0x00000040)
#define SERIAL_BAUD_1800 ((ULONG)0x00000080)
#define SERIAL_BAUD_2400 ((ULONG)0x00000100)
#define SERIAL_BAUD_4800 ((ULONG)0x00000200)
#define SERIAL_BAUD_7200 ((ULONG)0x00000400)
#define SERIAL_BAUD_9600 ((ULONG)0x00000800)
#define SERIAL_BAUD_14400 ((ULONG)0x00001000)
#define SERIAL_BAUD_19200 ((ULONG)0x00002000)
#define SERIAL_BAUD_38400 ((ULONG)0x00004000)
#define SERIAL_BAUD_56K ((ULONG)0x00008000)
#define SERIAL_BAUD_128K ((ULONG)0x00010000)
#define SERIAL_BAUD_115200 ((ULONG)0x00020000)
#define SERIAL_BAUD_57600 ((ULONG)0x00040000)
#define SERIAL_BAUD_USER ((ULONG)0x10000000)

#define SERIAL_DATABITS_5 ((USHORT)0x0001)          /* SettableData */
#define SERIAL_DATABITS_6 ((USHORT)0x0002)
#define SERIAL_DATABITS_7 ((USHORT)0x0004)
#define SERIAL_DATABITS_8 ((USHORT)0x0008)
#define SERIAL_DATABITS_16 ((USHORT)0x0010)
#define SERIAL_DATABITS_16X ((USHORT)0x0020)

#define SERIAL_STOPBITS_10 ((USHORT)0x0001)         /* SettableStopParity */
#define SERIAL_STOPBITS_15 ((USHORT)0x0002)
#define SERIAL_STOPBITS_20 ((USHORT)0x0004)
#define SERIAL_PARITY_NONE ((USHORT)0x0100)
#define SERIAL_PARITY_ODD ((USHORT)0x0200)
#define SERIAL_PARITY_EVEN ((USHORT)0x0400)
#define SERIAL_PARITY_MARK ((USHORT)0x0800)
#define SERIAL_PARITY_SPACE ((USHORT)0x1000)

typedef struct _SERIAL_COMMPROP {
    USHORT PacketLength;
    USHORT PacketVersion;
    ULONG ServiceMask;
    ULONG Reserved1;
    ULONG MaxTxQueue;       /* 0: no fixed limit */
    ULONG MaxRxQueue;
    ULONG MaxBaud;          /* a SERIAL_BAUD_* bit */
    ULONG ProvSubType;
    ULONG ProvCapabilities;
    ULONG SettableParams;
    ULONG SettableBaud;
    USHORT SettableData;
    USHORT SettableStopParity;
    ULONG CurrentTxQueue;
    ULONG CurrentRxQueue;
    ULONG ProvSpec1;
    ULONG ProvSpec2;
    WCHAR ProvChar[1];
} SERIAL_COMMPROP, *PSERIAL_COMMPROP;

_Static_assert(sizeof(SERIAL_STATUS) == 20, "SERIAL_STATUS");
_Static_assert(sizeof(SERIAL_CHARS) == 6, "SERIAL_CHARS");
_Static_assert(sizeof(SERIAL_HANDFLOW) == 16, "SERIAL_HANDFLOW");
_Static_assert(sizeof(SERIALPERF_STATS) == 24, "SERIALPERF_STATS");
_Static_assert(sizeof(SERIAL_QUEUE_SIZE) == 8, "SERIAL_QUEUE_SIZE");
_Static_assert(sizeof(SERIAL_COMMPROP) == 64, "SERIAL_COMMPROP");

#endif /* _NTDDSER_ */
