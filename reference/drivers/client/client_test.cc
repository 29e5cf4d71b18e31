// Static checks of the reference client's registration tables (AF-130,
// AF-136, AF-137) and its refusal of requests on unusable objects (AF-056).
#include "reference/drivers/client/client.h"

#include <gtest/gtest.h>

namespace ndisconf::drivers {
namespace {

TEST(ClientTables, ClientHandlersHaveEveryMember) {
  NDIS_CO_CLIENT_OPTIONAL_HANDLERS h = Client::MakeClientHandlers();
  EXPECT_EQ(h.Header.Type, NDIS_OBJECT_TYPE_CO_CLIENT_OPTIONAL_HANDLERS);
  EXPECT_EQ(h.Header.Revision, 1);
  EXPECT_EQ(h.Header.Size, 160);
  const auto* p = reinterpret_cast<void* const*>(&h.ClCreateVcHandler);
  for (int i = 0; i < 19; ++i) EXPECT_NE(p[i], nullptr) << "member " << i;
}

TEST(ClientTables, CoCharacteristicsHaveAfRegisterNotify) {
  NDIS_PROTOCOL_CO_CHARACTERISTICS c = Client::MakeCoCharacteristics();
  EXPECT_EQ(c.Header.Size, 40);
  EXPECT_NE(c.CoAfRegisterNotifyHandler, nullptr);  // AF-023
}

// Requests on objects that do not exist fail without calling NDIS (no run
// is active here, so any NDIS call would be visible as a different status).
TEST(ClientUpperEdge, RequestsOnUnknownObjectsFailWithoutNdis) {
  Client cl;
  EXPECT_EQ(cl.CloseAf(0), NDIS_STATUS_FAILURE);
  EXPECT_EQ(cl.RegisterSap(0, {1, {1}}), NDIS_STATUS_FAILURE);
  EXPECT_EQ(cl.CreateVc(0), NDIS_STATUS_FAILURE);
  EXPECT_EQ(cl.MakeCall(0), NDIS_STATUS_FAILURE);
  EXPECT_EQ(cl.CloseCall(0), NDIS_STATUS_FAILURE);
  EXPECT_EQ(cl.DeleteVc(0), NDIS_STATUS_FAILURE);
  EXPECT_EQ(cl.DeregisterSap(0), NDIS_STATUS_FAILURE);
  EXPECT_TRUE(cl.log().entries().empty());
}

}  // namespace
}  // namespace ndisconf::drivers
