#!/usr/bin/env python3
"""Writes the hand-written seeds of the wan_status fuzz target.

    python3 fuzz/wan_status_seeds.py     # from the project root

The record format is documented at the top of fuzz/wan_status_fuzz_test.cc.
Seeds get descriptive names; inputs a fuzzer finds keep their hash names.
"""
import os
import struct

# Tag and selector values: the fixed tables of fuzz/wan_status_input.h
# (WanOpForTag, WanStatusForSel, WanFaultForTag, WanTapiForTag). They never
# change meaning; a value with no entry is skipped by the target.
INDICATE, COMPLETE, FAULT, PUMP, INTERRUPT, TAPI = 0, 1, 2, 3, 4, 5
LINE_UP, LINE_DOWN, FRAGMENT, TAPI_IND, MEDIA_CONNECT, RAW = 0, 1, 2, 3, 4, 5
NULL_BUFFER, LIVE_CONTEXT, UNDER_LOCK = 1, 2, 0x10
LINK_LOSS, SPEED, CRC, PARTIAL, RESET, HANG = 0, 2, 3, 9, 10, 11
DROP, CLOSE_CALL, GET_ID, MAKE_CALL = 0, 1, 2, 3


def indicate(sel, size, flags=0, payload=b"", raw=None):
    """One INDICATE record. The target reads exactly min(size, 64) payload
    bytes, so the payload is zero-padded (or cut) to that length; otherwise
    the target would read the next records as payload."""
    rec = bytes([INDICATE, sel])
    if sel == RAW:
        rec += struct.pack("<I", raw)
    body = payload[: min(size, 64)].ljust(min(size, 64), b"\0")
    return rec + bytes([size & 0xFF, size >> 8, flags]) + body


def batch(*records):
    return b"".join(records) + bytes([COMPLETE, INTERRUPT])


def fragment(errors, size=16, flags=LIVE_CONTEXT):
    return indicate(FRAGMENT, size, flags, bytes(8) + struct.pack("<II", errors, 0))


SEEDS = {
    "empty": b"",
    "fragment_on_live_link": batch(fragment(1), fragment(0x3F)),
    "fragment_error_bits_zero_and_undefined": batch(fragment(0), fragment(0x40), fragment(0xFFFFFFFF)),
    # One batch: each record's live context is taken when it is decoded, so
    # the fragment and the second line-down name the link the first took down.
    "line_down_then_fragment_on_stale_link": batch(
        indicate(LINE_DOWN, 8, LIVE_CONTEXT), fragment(1), indicate(LINE_DOWN, 8, LIVE_CONTEXT)
    ),
    "null_buffer_every_status": batch(*(indicate(s, 40, NULL_BUFFER) for s in range(5))),
    "sizes_zero_to_far_past": batch(*(fragment(1, n) for n in (0, 1, 15, 17, 64, 1024))),
    "size_of_another_status": batch(indicate(LINE_UP, 8, LIVE_CONTEXT), indicate(LINE_DOWN, 40, LIVE_CONTEXT)),
    "line_up_update_and_initial_for_unknown_handle": batch(
        indicate(LINE_UP, 40, LIVE_CONTEXT, struct.pack("<IIH", 1280, 2, 4)),
        indicate(LINE_UP, 40, 0, struct.pack("<IIH6xQQ", 640, 7, 1, 0x1234, 0x5678)),
    ),
    "tapi_events_unknown_message_and_handles": batch(
        indicate(TAPI_IND, 48, 0, struct.pack("<QQQQQQ", 0xDEAD, 0xFFFF, 1, 2, 3, 4)),
        indicate(TAPI_IND, 32, 0, bytes(32)),
    ),
    "unknown_and_other_status_codes": batch(
        indicate(MEDIA_CONNECT, 0), indicate(RAW, 4, 0, b"abcd", raw=0x40010099),
        indicate(RAW, 0, NULL_BUFFER, raw=0xC0000001),
    ),
    "fragment_under_spin_lock": batch(fragment(1, flags=LIVE_CONTEXT | UNDER_LOCK), fragment(2)),
    "nic_faults_tapi_and_time": bytes(
        [FAULT, CRC, 0, FAULT, SPEED, 127, PUMP, 3, FAULT, PARTIAL, 5, FAULT, LINK_LOSS, 0, PUMP, 7,
         TAPI, DROP, TAPI, CLOSE_CALL, TAPI, MAKE_CALL, PUMP, 7, PUMP, 7, TAPI, GET_ID, PUMP, 2,
         FAULT, RESET, 2, PUMP, 4, FAULT, HANG, 1, PUMP, 1]
    ),
    "indications_interleaved_with_faults": indicate(FRAGMENT, 16, LIVE_CONTEXT, bytes(8) + b"\x01")
    + bytes([FAULT, CRC, 0])
    + indicate(LINE_DOWN, 8, LIVE_CONTEXT)
    + bytes([TAPI, DROP, COMPLETE, INTERRUPT, PUMP, 2]),
    "truncated_record": bytes([INDICATE, FRAGMENT, 16]),
}


# Scheduler bytes (ndis::ByteChooser) for the seeds that vary the order of
# NDIS's deferred work; every other seed starts with 0 (FIFO).
SCHEDULES = {
    "nic_faults_tapi_and_time_reordered": (bytes([1, 0, 3, 1, 2, 0, 1, 1, 0, 2, 1, 3, 0, 1]),
                                           "nic_faults_tapi_and_time"),
}


def main():
    out = os.path.join("corpora", "wan_status")
    os.makedirs(out, exist_ok=True)
    seeds = {name: bytes([0]) + data for name, data in SEEDS.items() if name != "empty"}
    seeds["empty"] = b""
    for name, (schedule, base) in SCHEDULES.items():
        seeds[name] = bytes([len(schedule)]) + schedule + SEEDS[base]
    for name, data in seeds.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
