// Static checks of the reference CoNDIS miniport's registration tables.
#include "reference/drivers/comp/comp.h"

#include <gtest/gtest.h>

namespace ndisconf::drivers {
namespace {

TEST(CompTables, CoCharacteristicsHaveVcHandlers) {
  NDIS_MINIPORT_CO_CHARACTERISTICS c = Comp::MakeMiniportCoCharacteristics();
  EXPECT_EQ(c.Header.Type, NDIS_OBJECT_TYPE_CO_MINIPORT_CHARACTERISTICS);
  EXPECT_EQ(c.Header.Size, 56);
  EXPECT_NE(c.CoCreateVcHandler, nullptr);
  EXPECT_NE(c.CoDeleteVcHandler, nullptr);
  EXPECT_NE(c.CoActivateVcHandler, nullptr);
  EXPECT_NE(c.CoDeactivateVcHandler, nullptr);
  EXPECT_NE(c.CoSendNetBufferListsHandler, nullptr);
  EXPECT_NE(c.CoOidRequestHandler, nullptr);
}

TEST(CompTables, MiniportCharacteristicsComplete) {
  NDIS_MINIPORT_DRIVER_CHARACTERISTICS c = Comp::MakeMiniportCharacteristics();
  EXPECT_EQ(c.Header.Type, NDIS_OBJECT_TYPE_MINIPORT_DRIVER_CHARACTERISTICS);
  EXPECT_NE(c.InitializeHandlerEx, nullptr);
  EXPECT_NE(c.HaltHandlerEx, nullptr);
  EXPECT_NE(c.SetOptionsHandler, nullptr);
}

}  // namespace
}  // namespace ndisconf::drivers
