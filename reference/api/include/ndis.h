/* ndis.h: the NDIS-shaped C API of ndisconf. Driver code written for the
 * Windows WDK includes this header unchanged and runs against whichever
 * NDIS host is active (the reference model by default). */
#ifndef NDISCONF_NDIS_H_
#define NDISCONF_NDIS_H_

#include "ndisconf/api/base.h"
#include "ndisconf/api/condis.h"
#include "ndisconf/api/driver.h"
#include "ndisconf/api/ndis5.h"
#include "ndisconf/api/status.h"
#include "ndisconf/api/wan.h"

#endif /* NDISCONF_NDIS_H_ */
