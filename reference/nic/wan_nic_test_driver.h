/* reference/nic/wan_nic_test_driver.h: what wan_nic_test asks of the C
 * side, written in C against <wan_nic.h> as a miniport would. */
#ifndef NDISCONF_REFERENCE_NIC_WAN_NIC_TEST_DRIVER_H_
#define NDISCONF_REFERENCE_NIC_WAN_NIC_TEST_DRIVER_H_

#include <wan_nic.h>

NDIS_EXTERN_C_BEGIN

/* Pops every pending event into Kinds (at most MaxKinds are kept) and
 * returns how many there were. */
ULONG TestDrainEvents(PWAN_NIC Nic, WAN_NIC_EVENT_KIND* Kinds, ULONG MaxKinds);

/* Dials Number on every channel and returns how many accepted (pending). */
ULONG TestDialEveryChannel(PWAN_NIC Nic, const CHAR* Number);

NDIS_EXTERN_C_END

#endif /* NDISCONF_REFERENCE_NIC_WAN_NIC_TEST_DRIVER_H_ */
