// Static checks of the reference CM's registration tables (AF-023, AF-131,
// AF-136, AF-137, OQ-11). End-to-end sequences: //reference/stack.
#include "reference/drivers/cm/cm.h"

#include <gtest/gtest.h>

namespace ndisconf::drivers {
namespace {

TEST(CallManagerTables, CmHandlersHaveEveryMemberAndFullSize) {
  NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS h = CmCore::MakeCmHandlers();
  EXPECT_EQ(h.Header.Type, NDIS_OBJECT_TYPE_CO_CALL_MANAGER_OPTIONAL_HANDLERS);
  EXPECT_EQ(h.Header.Revision, 1);
  EXPECT_EQ(h.Header.Size, 144);  // includes CmNotifyCloseAfCompleteHandler (OQ-11)
  const auto* p = reinterpret_cast<void* const*>(&h.CmCreateVcHandler);
  for (int i = 0; i < 17; ++i) EXPECT_NE(p[i], nullptr) << "member " << i;
}

TEST(CallManagerTables, CoCharacteristicsCarryAfRegisterNotify) {
  NDIS_PROTOCOL_CO_CHARACTERISTICS c = CallManager::MakeCoCharacteristics();
  EXPECT_EQ(c.Header.Type, NDIS_OBJECT_TYPE_CO_PROTOCOL_CHARACTERISTICS);
  EXPECT_EQ(c.Header.Size, 40);
  EXPECT_NE(c.CoAfRegisterNotifyHandler, nullptr);  // AF-023
}

TEST(CallManagerTables, ProtocolCharacteristicsComplete) {
  NDIS_PROTOCOL_DRIVER_CHARACTERISTICS c = CallManager::MakeProtocolCharacteristics();
  EXPECT_EQ(c.Header.Type, NDIS_OBJECT_TYPE_PROTOCOL_DRIVER_CHARACTERISTICS);
  EXPECT_EQ(c.MajorNdisVersion, 6);
  EXPECT_NE(c.SetOptionsHandler, nullptr);
  EXPECT_NE(c.BindAdapterHandlerEx, nullptr);
  EXPECT_NE(c.UnbindAdapterHandlerEx, nullptr);
}

TEST(CallManagerConfig, DefaultsRegisterQ2931AndPendUntilChildrenGone) {
  CallManager cm;
  ASSERT_EQ(cm.config().afs.size(), 1u);
  EXPECT_EQ(cm.config().afs[0].AddressFamily, CO_ADDRESS_FAMILY_Q2931);
  EXPECT_EQ(cm.config().close_with_children, CloseWithChildren::kPendUntilGone);  // AF-052
}

}  // namespace
}  // namespace ndisconf::drivers
