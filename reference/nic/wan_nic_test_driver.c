/* The C half of wan_nic_test: <wan_nic.h> used from C. */
#include "reference/nic/wan_nic_test_driver.h"

ULONG TestDrainEvents(PWAN_NIC Nic, WAN_NIC_EVENT_KIND* Kinds, ULONG MaxKinds) {
  WAN_NIC_EVENT event;
  UCHAR frame[64];
  ULONG count = 0;
  while (WanNicNextEvent(Nic, &event, frame, sizeof frame)) {
    if (count < MaxKinds) Kinds[count] = event.Kind;
    ++count;
  }
  return count;
}

ULONG TestDialEveryChannel(PWAN_NIC Nic, const CHAR* Number) {
  ULONG accepted = 0;
  ULONG channel;
  for (channel = 0; channel < WanNicChannelCount(Nic); ++channel) {
    if (WanNicDial(Nic, channel, Number) == WanNicOpPending) ++accepted;
  }
  return accepted;
}
