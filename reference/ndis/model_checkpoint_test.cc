// Model::Checkpoint and Model::Rollback (model.h): a rolled-back model is the
// model at its checkpoint, handles and all, and forgets what came since.
#include <gtest/gtest.h>

#include "reference/boundary/boundary.h"
#include "reference/ndis/model.h"
#include "reference/ndis/stub_drivers.h"

namespace ndisconf::ndis {
namespace {

using testing::StubProtocol;

VOID Nothing(PVOID, NDIS_HANDLE) {}

class ModelCheckpoint : public ::testing::Test {
 protected:
  Model model;
  StubProtocol p{model, "p", StubProtocol::kClient};
  void SetUp() override { p.Load(); }
};

TEST_F(ModelCheckpoint, RollbackForgetsWhatCameSinceAndHandsOutTheSameHandles) {
  ScopedActor as(p.actor);
  NDIS_HANDLE kept = NdisAllocateIoWorkItem(p.protocol_handle);
  ASSERT_NE(kept, nullptr);
  ASSERT_TRUE(model.Checkpoint());

  NDIS_HANDLE later = NdisAllocateIoWorkItem(p.protocol_handle);
  ASSERT_NE(later, nullptr);
  NdisFreeIoWorkItem(kept);
  (void)NdisAllocateMemoryWithTagPriority(nullptr, 100, 'tset', NormalPoolPriority);
  NdisFreeIoWorkItem(later);
  NdisFreeIoWorkItem(later);  // a rejection
  ASSERT_EQ(model.rejections().size(), 1u);
  ASSERT_TRUE(model.Rollback());

  EXPECT_TRUE(model.rejections().empty());
  EXPECT_EQ(model.stats().driver_bytes_live, 0u);  // the block went with the rollback
  // `kept` is live again and `later` was never handed out: the next
  // allocation gets the same handle as it did after the checkpoint.
  NdisQueueIoWorkItem(kept, Nothing, nullptr);
  EXPECT_EQ(model.RunUntilIdle(), 1u);
  EXPECT_EQ(NdisAllocateIoWorkItem(p.protocol_handle), later);
  EXPECT_TRUE(model.rejections().empty());
  // A second rollback to the same checkpoint.
  ASSERT_TRUE(model.Rollback());
  EXPECT_EQ(NdisAllocateIoWorkItem(p.protocol_handle), later);
}

TEST_F(ModelCheckpoint, RefusedWhileWorkIsQueuedOrDriverMemoryAllocated) {
  EXPECT_FALSE(model.Rollback());  // no checkpoint yet
  ScopedActor as(p.actor);
  NDIS_HANDLE item = NdisAllocateIoWorkItem(p.protocol_handle);
  NdisQueueIoWorkItem(item, Nothing, nullptr);
  EXPECT_FALSE(model.Checkpoint());
  model.RunUntilIdle();
  void* block = NdisAllocateMemoryWithTagPriority(nullptr, 8, 'tset', NormalPoolPriority);
  EXPECT_FALSE(model.Checkpoint());
  NdisFreeMemoryWithTagPriority(nullptr, block, 'tset');
  EXPECT_TRUE(model.Checkpoint());
}

}  // namespace
}  // namespace ndisconf::ndis
