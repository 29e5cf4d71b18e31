// Unit tests of the scheduler (scheduler.h) and of driver work items
// (NdisAllocateIoWorkItem / NdisQueueIoWorkItem / NdisFreeIoWorkItem).
#include "reference/ndis/scheduler.h"

#include <gtest/gtest.h>

#include "reference/ndis/model.h"
#include "reference/ndis/stub_drivers.h"

namespace ndisconf::ndis {
namespace {

using testing::Recorder;
using testing::StubProtocol;

TEST(ByteChooser, PicksByteModuloReadyCountThenFallsBackToFifo) {
  const uint8_t bytes[] = {5, 3};
  ByteChooser c(bytes);
  std::vector<WorkInfo> ready(3);
  EXPECT_EQ(c.Pick(ready), 2u);                             // 5 % 3
  EXPECT_TRUE(c.RunInline(WorkKind::kDeferredCompletion));  // 3 is odd
  EXPECT_EQ(c.Pick(ready), 0u);                             // exhausted: FIFO
  EXPECT_FALSE(c.RunInline(WorkKind::kDeferredCompletion));
  EXPECT_EQ(c.consumed(), 2u);
}

TEST(WorkKindName, NamesEveryKind) {
  EXPECT_STREQ(WorkKindName(WorkKind::kAfRegisterNotify), "AfRegisterNotify");
  EXPECT_STREQ(WorkKindName(WorkKind::kDeferredCompletion), "DeferredCompletion");
  EXPECT_STREQ(WorkKindName(WorkKind::kUnbind), "Unbind");
  EXPECT_STREQ(WorkKindName(WorkKind::kDriverWorkItem), "DriverWorkItem");
}

struct WorkCtx {
  int runs = 0;
  KIRQL irql = 0xFF;
  NDIS_HANDLE seen = nullptr;
};

VOID Routine(PVOID ctx, NDIS_HANDLE item) {
  auto* w = static_cast<WorkCtx*>(ctx);
  ++w->runs;
  w->irql = NdisGetCurrentIrql();
  w->seen = item;
}

class WorkItemTest : public ::testing::Test {
 protected:
  Model model;
  Recorder rec;
  StubProtocol p{model, "p", StubProtocol::kClient};
  void SetUp() override { p.Load(); }
};

TEST_F(WorkItemTest, QueuedItemRunsOnceAtPassiveAsItsDriver) {
  ScopedActor as(p.actor);
  NDIS_HANDLE item = NdisAllocateIoWorkItem(p.protocol_handle);
  ASSERT_NE(item, nullptr);
  WorkCtx w;
  NDIS_SPIN_LOCK lock;
  NdisAllocateSpinLock(&lock);
  NdisAcquireSpinLock(&lock);  // queued at DISPATCH: still runs at PASSIVE
  NdisQueueIoWorkItem(item, Routine, &w);
  NdisReleaseSpinLock(&lock);
  ASSERT_EQ(model.PendingWork().size(), 1u);
  EXPECT_EQ(model.PendingWork()[0].kind, WorkKind::kDriverWorkItem);
  EXPECT_EQ(model.RunUntilIdle(), 1u);
  EXPECT_EQ(w.runs, 1);
  EXPECT_EQ(w.irql, PASSIVE_LEVEL);
  EXPECT_EQ(w.seen, item);
  const auto calls = rec.Calls(Fn::NdisIoWorkItemRoutine);
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].actor, p.actor);
  EXPECT_EQ(calls[0].irql, PASSIVE_LEVEL);
  NdisFreeIoWorkItem(item);
  EXPECT_TRUE(model.rejections().empty());
}

TEST_F(WorkItemTest, QueueingAlreadyQueuedItemIsRejectedAndRunsOnce) {
  ScopedActor as(p.actor);
  NDIS_HANDLE item = NdisAllocateIoWorkItem(p.protocol_handle);
  WorkCtx w;
  NdisQueueIoWorkItem(item, Routine, &w);
  NdisQueueIoWorkItem(item, Routine, &w);
  ASSERT_EQ(model.rejections().size(), 1u);
  EXPECT_EQ(model.rejections()[0].fn, Fn::NdisQueueIoWorkItem);
  EXPECT_EQ(model.rejections()[0].status, NDIS_STATUS_FAILURE);
  EXPECT_EQ(model.rejections()[0].reason, Reason::kAlreadyQueued);
  model.RunUntilIdle();
  EXPECT_EQ(w.runs, 1);
}

TEST_F(WorkItemTest, FreeingQueuedItemIsRefusedAndItemStillRuns) {
  ScopedActor as(p.actor);
  NDIS_HANDLE item = NdisAllocateIoWorkItem(p.protocol_handle);
  WorkCtx w;
  NdisQueueIoWorkItem(item, Routine, &w);
  NdisFreeIoWorkItem(item);
  ASSERT_EQ(model.rejections().size(), 1u);
  EXPECT_EQ(model.rejections()[0].fn, Fn::NdisFreeIoWorkItem);
  EXPECT_EQ(model.rejections()[0].status, NDIS_STATUS_FAILURE);
  EXPECT_EQ(model.rejections()[0].reason, Reason::kAlreadyQueued);
  model.RunUntilIdle();
  EXPECT_EQ(w.runs, 1);
  NdisFreeIoWorkItem(item);  // now allowed
  EXPECT_EQ(model.rejections().size(), 1u);
}

TEST_F(WorkItemTest, FreedItemHandleIsStaleForQueue) {
  ScopedActor as(p.actor);
  NDIS_HANDLE item = NdisAllocateIoWorkItem(p.protocol_handle);
  NdisFreeIoWorkItem(item);
  WorkCtx w;
  NdisQueueIoWorkItem(item, Routine, &w);
  ASSERT_EQ(model.rejections().size(), 1u);
  EXPECT_EQ(model.rejections()[0].fn, Fn::NdisQueueIoWorkItem);
  EXPECT_EQ(model.rejections()[0].status, NDIS_STATUS_INVALID_PARAMETER);
  EXPECT_EQ(model.rejections()[0].reason, Reason::kStaleHandle);
  EXPECT_EQ(model.rejections()[0].param, "NdisIoWorkItemHandle");
  EXPECT_TRUE(model.PendingWork().empty());
}

TEST_F(WorkItemTest, AllocateWithBogusObjectHandleReturnsNull) {
  ScopedActor as(p.actor);
  int not_a_handle = 0;
  EXPECT_EQ(NdisAllocateIoWorkItem(&not_a_handle), nullptr);
  EXPECT_EQ(model.rejections().size(), 1u);
}

TEST_F(WorkItemTest, ByteChooserPicksWhichReadyItemRunsFirst) {
  const uint8_t bytes[] = {1};
  ByteChooser chooser(bytes);
  Model m2(Settings{}, &chooser);  // a second model takes over the boundary
  StubProtocol q{m2, "q", StubProtocol::kClient};
  q.Load();
  ScopedActor as(q.actor);
  WorkCtx a, b;
  NDIS_HANDLE ia = NdisAllocateIoWorkItem(q.protocol_handle);
  NDIS_HANDLE ib = NdisAllocateIoWorkItem(q.protocol_handle);
  NdisQueueIoWorkItem(ia, Routine, &a);
  NdisQueueIoWorkItem(ib, Routine, &b);
  EXPECT_TRUE(m2.RunOne());
  EXPECT_EQ(a.runs, 0);
  EXPECT_EQ(b.runs, 1);
  EXPECT_TRUE(m2.RunOne());
  EXPECT_EQ(a.runs, 1);
  EXPECT_FALSE(m2.RunOne());
}

TEST(SpinLock, AcquireRaisesToDispatchAndReleaseRestores) {
  Model model;
  NDIS_SPIN_LOCK lock;
  NdisAllocateSpinLock(&lock);
  EXPECT_EQ(NdisGetCurrentIrql(), PASSIVE_LEVEL);
  NdisAcquireSpinLock(&lock);
  EXPECT_EQ(NdisGetCurrentIrql(), DISPATCH_LEVEL);
  NdisReleaseSpinLock(&lock);
  EXPECT_EQ(NdisGetCurrentIrql(), PASSIVE_LEVEL);
  NdisFreeSpinLock(&lock);
  EXPECT_TRUE(model.rejections().empty());
}

TEST(SpinLock, DprAcquireAtPassiveIsRejectedWithoutRaising) {
  Model model;
  NDIS_SPIN_LOCK lock;
  NdisAllocateSpinLock(&lock);
  NdisDprAcquireSpinLock(&lock);
  EXPECT_EQ(NdisGetCurrentIrql(), PASSIVE_LEVEL);
  ASSERT_EQ(model.rejections().size(), 1u);
  EXPECT_EQ(model.rejections()[0].fn, Fn::NdisDprAcquireSpinLock);
  EXPECT_EQ(model.rejections()[0].reason, Reason::kIrqlTooLow);
  NdisDprReleaseSpinLock(&lock);
}

TEST(SpinLock, ReleaseOfUnheldLockIsRejected) {
  Model model;
  NDIS_SPIN_LOCK lock;
  NdisAllocateSpinLock(&lock);
  NdisReleaseSpinLock(&lock);
  ASSERT_EQ(model.rejections().size(), 1u);
  EXPECT_EQ(model.rejections()[0].fn, Fn::NdisReleaseSpinLock);
  EXPECT_EQ(model.rejections()[0].reason, Reason::kLockNotHeld);
}

TEST(Memory, AllocationsAreTrackedAndInjectedFailureReturnsNull) {
  Settings s;
  s.fail_driver_allocation_at = 2;
  Model model(s);
  void* a = NdisAllocateMemoryWithTagPriority(nullptr, 100, 'tset', NormalPoolPriority);
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(model.stats().driver_bytes_live, 100u);
  EXPECT_EQ(NdisAllocateMemoryWithTagPriority(nullptr, 10, 'tset', NormalPoolPriority), nullptr);
  NdisFreeMemoryWithTagPriority(nullptr, a, 'tset');
  EXPECT_EQ(model.stats().driver_bytes_live, 0u);
  NdisFreeMemoryWithTagPriority(nullptr, a, 'tset');  // double free: rejected, not freed
  ASSERT_EQ(model.rejections().size(), 1u);
  EXPECT_EQ(model.rejections()[0].unrecorded, Unrecorded::kNdisFreeMemoryWithTagPriority);
  EXPECT_EQ(model.rejections()[0].status, NDIS_STATUS_INVALID_PARAMETER);
  EXPECT_EQ(model.rejections()[0].reason, Reason::kNotAllocated);
}

TEST(Memory, UnfreedDriverMemoryIsReleasedWithTheModel) {
  Model model;
  ASSERT_NE(NdisAllocateMemoryWithTagPriority(nullptr, 64, 'kael', NormalPoolPriority), nullptr);
  EXPECT_EQ(model.stats().driver_bytes_live, 64u);
  // LeakSanitizer checks that the destructor frees it.
}

}  // namespace
}  // namespace ndisconf::ndis
