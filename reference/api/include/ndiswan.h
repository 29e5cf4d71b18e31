/* ndiswan.h: NDIS WAN structures and constants (see ndisconf/api/wan.h). */
#ifndef NDISCONF_NDISWAN_H_
#define NDISCONF_NDISWAN_H_
#include "ndisconf/api/wan.h"
#endif /* NDISCONF_NDISWAN_H_ */
