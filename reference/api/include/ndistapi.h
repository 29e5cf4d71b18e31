/* ndistapi.h: the TAPI OIDs, structures and constants of the NDIS WAN path
 * (see ndisconf/api/tapi.h). */
#ifndef NDISCONF_NDISTAPI_H_
#define NDISCONF_NDISTAPI_H_
#include "ndisconf/api/tapi.h"
#endif /* NDISCONF_NDISTAPI_H_ */
