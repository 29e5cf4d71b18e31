// Static checks of the reference MCM's registration tables (AF-131, AF-133,
// AF-134, AF-136). End-to-end sequences: //reference/stack.
#include "reference/drivers/mcm/mcm.h"

#include <gtest/gtest.h>

namespace ndisconf::drivers {
namespace {

TEST(McmTables, MiniportCoCreateDeleteVcAreNull) {
  NDIS_MINIPORT_CO_CHARACTERISTICS c = Mcm::MakeMiniportCoCharacteristics();
  EXPECT_EQ(c.Header.Type, NDIS_OBJECT_TYPE_CO_MINIPORT_CHARACTERISTICS);
  EXPECT_EQ(c.Header.Size, 56);
  EXPECT_EQ(c.CoCreateVcHandler, nullptr);  // AF-133
  EXPECT_EQ(c.CoDeleteVcHandler, nullptr);
  EXPECT_NE(c.CoOidRequestHandler, nullptr);
}

TEST(McmTables, CmOidRequestIsNotTheMiniportOne) {
  NDIS_MINIPORT_CO_CHARACTERISTICS mp = Mcm::MakeMiniportCoCharacteristics();
  NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS cm = CmCore::MakeCmHandlers();
  ASSERT_NE(cm.CmOidRequestHandler, nullptr);
  ASSERT_NE(cm.CmOidRequestCompleteHandler, nullptr);
  EXPECT_NE(reinterpret_cast<void*>(cm.CmOidRequestHandler),
            reinterpret_cast<void*>(mp.CoOidRequestHandler));  // AF-134
  EXPECT_NE(cm.CmCreateVcHandler, nullptr);                    // AF-133: via the CM handlers
  EXPECT_NE(cm.CmDeleteVcHandler, nullptr);
}

TEST(McmConfig, DefaultAfIsTapiProxy) {
  Mcm mcm;
  ASSERT_EQ(mcm.config().afs.size(), 1u);
  EXPECT_EQ(mcm.config().afs[0].AddressFamily, CO_ADDRESS_FAMILY_TAPI_PROXY);
}

}  // namespace
}  // namespace ndisconf::drivers
