// The boundary records upcalls itself: a host written here, with no
// recording code at all, calls the handlers it was handed, and every call
// still reaches the event sinks with its Fn, the driver as actor, and the
// slots of the event schema (fn.cc).
#include <gtest/gtest.h>
#include <ndis.h>

#include <memory>
#include <vector>

#include "reference/boundary/boundary.h"

namespace ndisconf {
namespace {

class Sink : public EventSink {
 public:
  void OnEvent(const Event& e) override { events.push_back(e); }
  std::vector<Event> events;
};

uint64_t H(const void* p) { return reinterpret_cast<uintptr_t>(p); }
uint64_t S(NDIS_STATUS s) { return static_cast<uint32_t>(s); }
NDIS_HANDLE Fake(uintptr_t v) { return reinterpret_cast<NDIS_HANDLE>(v); }

// A minimal NDIS: protocol and miniport registration (calling SetOptions),
// optional handlers, binding and work items. It calls drivers through the
// tables it was given and records nothing. Everything else it does not
// implement and reports NDIS_STATUS_NOT_SUPPORTED.
class PlainHost : public NdisHost {
 public:
  static constexpr uintptr_t kAdapter = 0xADA0;

  struct Registered {
    NDIS_HANDLE context = nullptr;
    NDIS_PROTOCOL_DRIVER_CHARACTERISTICS protocol{};
    NDIS_MINIPORT_DRIVER_CHARACTERISTICS miniport{};
    NDIS_CO_CLIENT_OPTIONAL_HANDLERS client{};
    NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS cm{};
  };
  std::vector<Registered> drivers;  // the handle of drivers[i] is i + 1
  int registrations_seen = 0;
  NDIS_IO_WORKITEM_ROUTINE queued_routine = nullptr;
  PVOID queued_context = nullptr;
  NDIS_HANDLE queued_item = nullptr;

  Registered& Driver(NDIS_HANDLE h) { return drivers[reinterpret_cast<uintptr_t>(h) - 1]; }

  // What an NDIS does to bind: call the protocol's handler directly.
  NDIS_STATUS Bind(NDIS_HANDLE driver, NDIS_HANDLE bind_context) {
    NDIS_BIND_PARAMETERS params{};
    params.MediaType = NdisMediumCoWan;
    Registered& d = Driver(driver);
    return d.protocol.BindAdapterHandlerEx(d.context, bind_context, &params);
  }
  void RunWorkItem() { queued_routine(queued_context, queued_item); }

  KIRQL CurrentIrql() override { return PASSIVE_LEVEL; }
  NDIS_HANDLE MiniportHandleOfBind(NDIS_HANDLE) override { return Fake(kAdapter); }

  NDIS_STATUS NdisRegisterProtocolDriver(NDIS_HANDLE ctx, PNDIS_PROTOCOL_DRIVER_CHARACTERISTICS c,
                                         PNDIS_HANDLE out) override {
    ++registrations_seen;
    drivers.push_back(Registered{ctx, *c, {}, {}, {}});
    *out = Fake(drivers.size());
    return c->SetOptionsHandler != nullptr ? c->SetOptionsHandler(*out, ctx) : NDIS_STATUS_SUCCESS;
  }
  NDIS_STATUS NdisMRegisterMiniportDriver(PDRIVER_OBJECT, PUNICODE_STRING, NDIS_HANDLE ctx,
                                          PNDIS_MINIPORT_DRIVER_CHARACTERISTICS c,
                                          PNDIS_HANDLE out) override {
    ++registrations_seen;
    drivers.push_back(Registered{ctx, {}, *c, {}, {}});
    *out = Fake(drivers.size());
    return NDIS_STATUS_SUCCESS;
  }
  NDIS_STATUS NdisSetOptionalHandlers(NDIS_HANDLE h, PNDIS_DRIVER_OPTIONAL_HANDLERS opt) override {
    if (opt->Header.Type == NDIS_OBJECT_TYPE_CO_CLIENT_OPTIONAL_HANDLERS) {
      Driver(h).client = *reinterpret_cast<PNDIS_CO_CLIENT_OPTIONAL_HANDLERS>(opt);
    } else if (opt->Header.Type == NDIS_OBJECT_TYPE_CO_CALL_MANAGER_OPTIONAL_HANDLERS) {
      Driver(h).cm = *reinterpret_cast<PNDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS>(opt);
    }
    return NDIS_STATUS_SUCCESS;
  }
  VOID NdisQueueIoWorkItem(NDIS_HANDLE item, NDIS_IO_WORKITEM_ROUTINE r, PVOID ctx) override {
    queued_item = item;
    queued_routine = r;
    queued_context = ctx;
  }

  // Not implemented by this host.
  VOID NdisDeregisterProtocolDriver(NDIS_HANDLE) override {}
  VOID NdisMDeregisterMiniportDriver(NDIS_HANDLE) override {}
  NDIS_STATUS NdisMSetMiniportAttributes(NDIS_HANDLE, PNDIS_MINIPORT_ADAPTER_ATTRIBUTES) override {
    return NDIS_STATUS_NOT_SUPPORTED;
  }
  NDIS_STATUS NdisOpenAdapterEx(NDIS_HANDLE, NDIS_HANDLE, PNDIS_OPEN_PARAMETERS, NDIS_HANDLE,
                                PNDIS_HANDLE) override {
    return NDIS_STATUS_NOT_SUPPORTED;
  }
  VOID NdisCompleteBindAdapterEx(NDIS_HANDLE, NDIS_STATUS) override {}
  NDIS_STATUS NdisCloseAdapterEx(NDIS_HANDLE) override { return NDIS_STATUS_NOT_SUPPORTED; }
  VOID NdisCompleteUnbindAdapterEx(NDIS_HANDLE) override {}
  NDIS_STATUS NdisUnbindAdapter(NDIS_HANDLE) override { return NDIS_STATUS_NOT_SUPPORTED; }
  NDIS_HANDLE NdisAllocateIoWorkItem(NDIS_HANDLE) override { return nullptr; }
  VOID NdisFreeIoWorkItem(NDIS_HANDLE) override {}
  VOID NdisAllocateSpinLock(PNDIS_SPIN_LOCK) override {}
  VOID NdisFreeSpinLock(PNDIS_SPIN_LOCK) override {}
  VOID NdisAcquireSpinLock(PNDIS_SPIN_LOCK) override {}
  VOID NdisReleaseSpinLock(PNDIS_SPIN_LOCK) override {}
  VOID NdisDprAcquireSpinLock(PNDIS_SPIN_LOCK) override {}
  VOID NdisDprReleaseSpinLock(PNDIS_SPIN_LOCK) override {}
  VOID NdisInitializeEvent(PNDIS_EVENT) override {}
  VOID NdisSetEvent(PNDIS_EVENT) override {}
  VOID NdisResetEvent(PNDIS_EVENT) override {}
  BOOLEAN NdisWaitEvent(PNDIS_EVENT, UINT) override { return FALSE; }
  PVOID NdisAllocateMemoryWithTagPriority(NDIS_HANDLE, UINT, ULONG, EX_POOL_PRIORITY) override {
    return nullptr;
  }
  VOID NdisFreeMemoryWithTagPriority(NDIS_HANDLE, PVOID, ULONG) override {}
  NDIS_STATUS NdisCmRegisterAddressFamilyEx(NDIS_HANDLE, PCO_ADDRESS_FAMILY) override {
    return NDIS_STATUS_NOT_SUPPORTED;
  }
  NDIS_STATUS NdisMCmRegisterAddressFamilyEx(NDIS_HANDLE, PCO_ADDRESS_FAMILY) override {
    return NDIS_STATUS_NOT_SUPPORTED;
  }
  NDIS_STATUS NdisClOpenAddressFamilyEx(NDIS_HANDLE, PCO_ADDRESS_FAMILY, NDIS_HANDLE,
                                        PNDIS_HANDLE) override {
    return NDIS_STATUS_NOT_SUPPORTED;
  }
  VOID NdisCmOpenAddressFamilyComplete(NDIS_STATUS, NDIS_HANDLE, NDIS_HANDLE) override {}
  NDIS_STATUS NdisClCloseAddressFamily(NDIS_HANDLE) override { return NDIS_STATUS_NOT_SUPPORTED; }
  VOID NdisCmCloseAddressFamilyComplete(NDIS_STATUS, NDIS_HANDLE) override {}
  NDIS_STATUS NdisCmNotifyCloseAddressFamily(NDIS_HANDLE) override {
    return NDIS_STATUS_NOT_SUPPORTED;
  }
  VOID NdisClNotifyCloseAddressFamilyComplete(NDIS_HANDLE, NDIS_STATUS) override {}
  NDIS_STATUS NdisClRegisterSap(NDIS_HANDLE, NDIS_HANDLE, PCO_SAP, PNDIS_HANDLE) override {
    return NDIS_STATUS_NOT_SUPPORTED;
  }
  VOID NdisCmRegisterSapComplete(NDIS_STATUS, NDIS_HANDLE, NDIS_HANDLE) override {}
  NDIS_STATUS NdisClDeregisterSap(NDIS_HANDLE) override { return NDIS_STATUS_NOT_SUPPORTED; }
  VOID NdisCmDeregisterSapComplete(NDIS_STATUS, NDIS_HANDLE) override {}
  NDIS_STATUS NdisCoCreateVc(NDIS_HANDLE, NDIS_HANDLE, NDIS_HANDLE, PNDIS_HANDLE) override {
    return NDIS_STATUS_NOT_SUPPORTED;
  }
  NDIS_STATUS NdisCoDeleteVc(NDIS_HANDLE) override { return NDIS_STATUS_NOT_SUPPORTED; }
  NDIS_STATUS NdisMCmCreateVc(NDIS_HANDLE, NDIS_HANDLE, NDIS_HANDLE, PNDIS_HANDLE) override {
    return NDIS_STATUS_NOT_SUPPORTED;
  }
  NDIS_STATUS NdisMCmDeleteVc(NDIS_HANDLE) override { return NDIS_STATUS_NOT_SUPPORTED; }
  NDIS_STATUS NdisClMakeCall(NDIS_HANDLE, PCO_CALL_PARAMETERS, NDIS_HANDLE, PNDIS_HANDLE) override {
    return NDIS_STATUS_NOT_SUPPORTED;
  }
  VOID NdisCmMakeCallComplete(NDIS_STATUS, NDIS_HANDLE, NDIS_HANDLE, NDIS_HANDLE,
                              PCO_CALL_PARAMETERS) override {}
  NDIS_STATUS NdisClCloseCall(NDIS_HANDLE, NDIS_HANDLE, PVOID, UINT) override {
    return NDIS_STATUS_NOT_SUPPORTED;
  }
  VOID NdisCmCloseCallComplete(NDIS_STATUS, NDIS_HANDLE, NDIS_HANDLE) override {}
  NDIS_STATUS NdisCmActivateVc(NDIS_HANDLE, PCO_CALL_PARAMETERS) override {
    return NDIS_STATUS_NOT_SUPPORTED;
  }
  NDIS_STATUS NdisMCmActivateVc(NDIS_HANDLE, PCO_CALL_PARAMETERS) override {
    return NDIS_STATUS_NOT_SUPPORTED;
  }
  NDIS_STATUS NdisCmDeactivateVc(NDIS_HANDLE) override { return NDIS_STATUS_NOT_SUPPORTED; }
  NDIS_STATUS NdisMCmDeactivateVc(NDIS_HANDLE) override { return NDIS_STATUS_NOT_SUPPORTED; }
  VOID NdisMCoActivateVcComplete(NDIS_STATUS, NDIS_HANDLE, PCO_CALL_PARAMETERS) override {}
  VOID NdisMCoDeactivateVcComplete(NDIS_STATUS, NDIS_HANDLE) override {}
  NDIS_STATUS NdisCmDispatchIncomingCall(NDIS_HANDLE, NDIS_HANDLE, PCO_CALL_PARAMETERS) override {
    return NDIS_STATUS_NOT_SUPPORTED;
  }
  VOID NdisClIncomingCallComplete(NDIS_STATUS, NDIS_HANDLE, PCO_CALL_PARAMETERS) override {}
  VOID NdisCmDispatchCallConnected(NDIS_HANDLE) override {}
};

// ---- The driver: handlers that note who the boundary says is running. ----

ActorId g_actor_in_handler = kNoActor;
int g_handler_runs = 0;
NDIS_STATUS g_bind_status = NDIS_STATUS_SUCCESS;
NDIS_STATUS g_set_options_status = NDIS_STATUS_SUCCESS;
NDIS_CO_CLIENT_OPTIONAL_HANDLERS g_client{};

void Ran() {
  g_actor_in_handler = Boundary::Get().CurrentActor();
  ++g_handler_runs;
}

NDIS_STATUS SetOptions(NDIS_HANDLE driver, NDIS_HANDLE) {
  Ran();
  // A downcall made from inside the upcall: nested in its call and return.
  const NDIS_STATUS s =
      NdisSetOptionalHandlers(driver, reinterpret_cast<PNDIS_DRIVER_OPTIONAL_HANDLERS>(&g_client));
  return s != NDIS_STATUS_SUCCESS ? s : g_set_options_status;
}
NDIS_STATUS BindAdapterEx(NDIS_HANDLE, NDIS_HANDLE, PNDIS_BIND_PARAMETERS) {
  Ran();
  return g_bind_status;
}
NDIS_STATUS UnbindAdapterEx(NDIS_HANDLE, NDIS_HANDLE) { return NDIS_STATUS_SUCCESS; }
VOID OpenAdapterCompleteEx(NDIS_HANDLE, NDIS_STATUS) {}
VOID CloseAdapterCompleteEx(NDIS_HANDLE) {}
VOID OidRequestComplete(NDIS_HANDLE, PVOID, NDIS_STATUS) {}
VOID ClOpenAfCompleteEx(NDIS_HANDLE, NDIS_HANDLE, NDIS_STATUS) { Ran(); }
NDIS_STATUS ClCreateVc(NDIS_HANDLE, NDIS_HANDLE, PNDIS_HANDLE out) {
  Ran();
  *out = Fake(0xC0C0);
  return NDIS_STATUS_SUCCESS;
}
NDIS_STATUS MiniportInitializeEx(NDIS_HANDLE, NDIS_HANDLE, PNDIS_MINIPORT_INIT_PARAMETERS) {
  Ran();
  return NDIS_STATUS_SUCCESS;
}
VOID MiniportHaltEx(NDIS_HANDLE, NDIS_HALT_ACTION) { Ran(); }
VOID WorkItem(PVOID context, NDIS_HANDLE) {
  Ran();
  *static_cast<int*>(context) += 1;
}

NDIS_PROTOCOL_DRIVER_CHARACTERISTICS ProtocolChars(bool with_set_options) {
  NDIS_PROTOCOL_DRIVER_CHARACTERISTICS c{};
  c.Header = {NDIS_OBJECT_TYPE_PROTOCOL_DRIVER_CHARACTERISTICS,
              NDIS_PROTOCOL_DRIVER_CHARACTERISTICS_REVISION_1,
              NDIS_SIZEOF_PROTOCOL_DRIVER_CHARACTERISTICS_REVISION_1};
  c.MajorNdisVersion = 6;
  c.SetOptionsHandler = with_set_options ? SetOptions : nullptr;
  c.BindAdapterHandlerEx = BindAdapterEx;
  c.UnbindAdapterHandlerEx = UnbindAdapterEx;
  c.OpenAdapterCompleteHandlerEx = OpenAdapterCompleteEx;
  c.CloseAdapterCompleteHandlerEx = CloseAdapterCompleteEx;
  c.OidRequestCompleteHandler = OidRequestComplete;
  return c;
}

class UpcallTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Boundary& b = Boundary::Get();
    b.BeginRun(&host_);
    b.AddSink(&sink_);
    proto_ = b.DeclareDriver("protocol");
    other_ = b.DeclareDriver("other");
    g_actor_in_handler = kNoActor;
    g_handler_runs = 0;
    g_bind_status = NDIS_STATUS_SUCCESS;
    g_set_options_status = NDIS_STATUS_SUCCESS;
    g_client = {};
    g_client.Header = {NDIS_OBJECT_TYPE_CO_CLIENT_OPTIONAL_HANDLERS,
                       NDIS_CO_CLIENT_OPTIONAL_HANDLERS_REVISION_1,
                       NDIS_SIZEOF_CO_CLIENT_OPTIONAL_HANDLERS_REVISION_1};
    g_client.ClCreateVcHandler = ClCreateVc;
    g_client.ClOpenAfCompleteHandlerEx = ClOpenAfCompleteEx;
  }
  void TearDown() override { Boundary::Get().EndRun(); }

  NDIS_HANDLE RegisterProtocol(ActorId as, bool with_set_options, NDIS_STATUS* status = nullptr) {
    NDIS_PROTOCOL_DRIVER_CHARACTERISTICS c = ProtocolChars(with_set_options);
    NDIS_HANDLE h = Fake(0xBAD);
    ScopedActor driver(as);
    const NDIS_STATUS s = NdisRegisterProtocolDriver(Fake(0xC7C7), &c, &h);
    if (status != nullptr) *status = s;
    return h;
  }

  PlainHost host_;
  Sink sink_;
  ActorId proto_ = kNoActor;
  ActorId other_ = kNoActor;
};

TEST_F(UpcallTest, BindAdapterExCalledByAPlainHostIsRecordedAsTheRegisteringDriver) {
  const NDIS_HANDLE driver = RegisterProtocol(proto_, false);
  sink_.events.clear();

  // The host calls the handler with no driver running and records nothing.
  ASSERT_EQ(Boundary::Get().CurrentActor(), kNoActor);
  g_bind_status = NDIS_STATUS_PENDING;
  EXPECT_EQ(host_.Bind(driver, Fake(0xB1)), NDIS_STATUS_PENDING);

  EXPECT_EQ(g_handler_runs, 1);
  EXPECT_EQ(g_actor_in_handler, proto_);  // the driver's code runs as the driver
  EXPECT_EQ(Boundary::Get().CurrentActor(), kNoActor);
  ASSERT_EQ(sink_.events.size(), 2u);
  const Event& call = sink_.events[0];
  const Event& ret = sink_.events[1];
  EXPECT_EQ(call.fn, Fn::ProtocolBindAdapterEx);
  EXPECT_EQ(call.phase, Phase::kCall);
  EXPECT_EQ(call.actor, proto_);
  ASSERT_EQ(call.arg_count, 4);
  EXPECT_EQ(call.arg[0], H(Fake(0xC7C7)));  // ProtocolDriverContext
  EXPECT_EQ(call.arg[1], H(Fake(0xB1)));    // BindContext
  EXPECT_EQ(call.arg[2], static_cast<uint64_t>(NdisMediumCoWan));
  EXPECT_EQ(call.arg[3], PlainHost::kAdapter);  // from NdisHost::MiniportHandleOfBind
  EXPECT_EQ(ret.fn, Fn::ProtocolBindAdapterEx);
  EXPECT_EQ(ret.phase, Phase::kReturn);
  EXPECT_EQ(ret.actor, proto_);
  EXPECT_EQ(ret.status, NDIS_STATUS_PENDING);
}

TEST_F(UpcallTest, SetOptionsAndTheNestedSetOptionalHandlersAreRecordedInOrder) {
  const NDIS_HANDLE driver = RegisterProtocol(proto_, true);
  ASSERT_EQ(driver, Fake(1));

  const std::vector<std::pair<Fn, Phase>> expected = {
      {Fn::NdisRegisterProtocolDriver, Phase::kCall},
      {Fn::ProtocolSetOptions, Phase::kCall},
      {Fn::NdisSetOptionalHandlers, Phase::kCall},
      {Fn::NdisSetOptionalHandlers, Phase::kReturn},
      {Fn::ProtocolSetOptions, Phase::kReturn},
      {Fn::NdisRegisterProtocolDriver, Phase::kReturn},
  };
  ASSERT_EQ(sink_.events.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(sink_.events[i].fn, expected[i].first) << i;
    EXPECT_EQ(sink_.events[i].phase, expected[i].second) << i;
    EXPECT_EQ(sink_.events[i].actor, proto_) << i;
  }
  EXPECT_EQ(g_actor_in_handler, proto_);
  const Event& set_options = sink_.events[1];
  ASSERT_EQ(set_options.arg_count, 2);
  EXPECT_EQ(set_options.arg[0], H(driver));  // NdisDriverHandle
  EXPECT_EQ(set_options.arg[1], H(Fake(0xC7C7)));
  EXPECT_EQ(sink_.events[4].status, NDIS_STATUS_SUCCESS);
  EXPECT_EQ(sink_.events[5].arg[0], H(driver));
}

TEST_F(UpcallTest, OptionalHandlersAreRecordedAsTheDriverThatRegistered) {
  const NDIS_HANDLE driver = RegisterProtocol(proto_, true);
  sink_.events.clear();

  // Called from another driver's context, the handler still is proto_'s.
  {
    ScopedActor someone_else(other_);
    host_.Driver(driver).client.ClOpenAfCompleteHandlerEx(Fake(0xAF), Fake(0xA1),
                                                          NDIS_STATUS_FAILURE);
  }
  EXPECT_EQ(g_actor_in_handler, proto_);
  NDIS_HANDLE vc_ctx = nullptr;
  EXPECT_EQ(host_.Driver(driver).client.ClCreateVcHandler(Fake(0xAF), Fake(0x7C), &vc_ctx),
            NDIS_STATUS_SUCCESS);
  EXPECT_EQ(vc_ctx, Fake(0xC0C0));

  ASSERT_EQ(sink_.events.size(), 4u);
  const Event& open = sink_.events[0];
  EXPECT_EQ(open.fn, Fn::ProtocolClOpenAfCompleteEx);
  EXPECT_EQ(open.actor, proto_);
  ASSERT_EQ(open.arg_count, 3);
  EXPECT_EQ(open.arg[0], H(Fake(0xAF)));
  EXPECT_EQ(open.arg[1], H(Fake(0xA1)));
  EXPECT_EQ(open.arg[2], S(NDIS_STATUS_FAILURE));
  const Event& create = sink_.events[2];
  EXPECT_EQ(create.fn, Fn::ProtocolCoCreateVc);
  EXPECT_EQ(create.actor, proto_);
  ASSERT_EQ(create.arg_count, 2);
  EXPECT_EQ(create.arg[1], H(Fake(0x7C)));
  const Event& created = sink_.events[3];
  EXPECT_EQ(created.phase, Phase::kReturn);
  EXPECT_EQ(created.status, NDIS_STATUS_SUCCESS);
  ASSERT_EQ(created.arg_count, 1);
  EXPECT_EQ(created.arg[0], H(Fake(0xC0C0)));  // the context the driver wrote
}

TEST_F(UpcallTest, NullHandlersStayNullAndUnrecordedOnesAreTheDriversOwn) {
  const NDIS_HANDLE driver = RegisterProtocol(proto_, true);
  const PlainHost::Registered& d = host_.Driver(driver);
  // Recorded handlers reach the host as the boundary's thunks.
  EXPECT_NE(d.protocol.BindAdapterHandlerEx, nullptr);
  EXPECT_NE(d.protocol.BindAdapterHandlerEx, &BindAdapterEx);
  EXPECT_NE(d.client.ClCreateVcHandler, &ClCreateVc);
  // NULL stays NULL, so a host can tell a missing handler.
  EXPECT_EQ(d.protocol.NetPnPEventHandler, nullptr);
  EXPECT_EQ(d.client.ClDeleteVcHandler, nullptr);
  EXPECT_EQ(d.client.ClIncomingCallHandler, nullptr);
  // No event exists for an OID request completion: handed over unchanged.
  EXPECT_EQ(d.protocol.OidRequestCompleteHandler, &OidRequestComplete);
  // The rest of the table is copied as the driver wrote it.
  EXPECT_EQ(d.protocol.Header.Size, NDIS_SIZEOF_PROTOCOL_DRIVER_CHARACTERISTICS_REVISION_1);
  EXPECT_EQ(d.protocol.MajorNdisVersion, 6);
  EXPECT_EQ(d.client.Header.Type, NDIS_OBJECT_TYPE_CO_CLIENT_OPTIONAL_HANDLERS);
}

TEST_F(UpcallTest, ACopyReadsOnlyTheClaimedSizeButAlwaysTheHeader) {
  // Header.Size 2 covers not even the header: the host still gets the
  // header as the driver wrote it (to report it), and nothing after it.
  NDIS_PROTOCOL_DRIVER_CHARACTERISTICS c = ProtocolChars(false);
  c.Header.Size = 2;
  NDIS_HANDLE h = nullptr;
  ASSERT_EQ(NdisRegisterProtocolDriver(nullptr, &c, &h), NDIS_STATUS_SUCCESS);
  const PlainHost::Registered& d = host_.Driver(h);
  EXPECT_EQ(d.protocol.Header.Type, NDIS_OBJECT_TYPE_PROTOCOL_DRIVER_CHARACTERISTICS);
  EXPECT_EQ(d.protocol.Header.Size, 2);
  EXPECT_EQ(d.protocol.MajorNdisVersion, 0);
  EXPECT_EQ(d.protocol.BindAdapterHandlerEx, nullptr);
}

TEST_F(UpcallTest, TwoDriversWithTheSameHandlersAreToldApart) {
  const NDIS_HANDLE first = RegisterProtocol(proto_, false);
  const NDIS_HANDLE second = RegisterProtocol(other_, false);
  sink_.events.clear();
  EXPECT_EQ(host_.Bind(second, Fake(0xB2)), NDIS_STATUS_SUCCESS);
  EXPECT_EQ(g_actor_in_handler, other_);
  EXPECT_EQ(host_.Bind(first, Fake(0xB1)), NDIS_STATUS_SUCCESS);
  EXPECT_EQ(g_actor_in_handler, proto_);
  ASSERT_EQ(sink_.events.size(), 4u);
  EXPECT_EQ(sink_.events[0].actor, other_);
  EXPECT_EQ(sink_.events[2].actor, proto_);
}

TEST_F(UpcallTest, MiniportInitializeAndHaltAreRecordedWithTheirSlots) {
  NDIS_MINIPORT_DRIVER_CHARACTERISTICS c{};
  c.Header = {NDIS_OBJECT_TYPE_MINIPORT_DRIVER_CHARACTERISTICS,
              NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_1,
              NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_1};
  c.MajorNdisVersion = 6;
  c.InitializeHandlerEx = MiniportInitializeEx;
  c.HaltHandlerEx = MiniportHaltEx;
  NDIS_HANDLE h = nullptr;
  {
    ScopedActor driver(other_);
    ASSERT_EQ(NdisMRegisterMiniportDriver(nullptr, nullptr, Fake(0xD0), &c, &h),
              NDIS_STATUS_SUCCESS);
  }
  sink_.events.clear();
  const PlainHost::Registered& d = host_.Driver(h);
  EXPECT_EQ(d.miniport.InitializeHandlerEx(Fake(0xADA0), d.context, nullptr), NDIS_STATUS_SUCCESS);
  d.miniport.HaltHandlerEx(Fake(0xAC), NdisHaltDeviceDisabled);
  EXPECT_EQ(g_handler_runs, 2);
  ASSERT_EQ(sink_.events.size(), 4u);
  const Event& init = sink_.events[0];
  EXPECT_EQ(init.fn, Fn::MiniportInitializeEx);
  EXPECT_EQ(init.actor, other_);
  ASSERT_EQ(init.arg_count, 2);
  EXPECT_EQ(init.arg[0], H(Fake(0xADA0)));
  EXPECT_EQ(init.arg[1], H(Fake(0xD0)));
  const Event& halt = sink_.events[2];
  EXPECT_EQ(halt.fn, Fn::MiniportHaltEx);
  EXPECT_EQ(halt.actor, other_);
  ASSERT_EQ(halt.arg_count, 2);
  EXPECT_EQ(halt.arg[0], H(Fake(0xAC)));
  EXPECT_EQ(halt.arg[1], static_cast<uint64_t>(NdisHaltDeviceDisabled));
}

TEST_F(UpcallTest, WorkItemRoutineIsRecordedAsTheQueuingDriverWithItsOwnContext) {
  int runs = 0;
  {
    ScopedActor driver(other_);
    NdisQueueIoWorkItem(Fake(0x1E), WorkItem, &runs);
  }
  // The host holds the boundary's routine and record, not the driver's.
  EXPECT_NE(host_.queued_routine, &WorkItem);
  EXPECT_NE(host_.queued_context, &runs);
  sink_.events.clear();
  host_.RunWorkItem();
  EXPECT_EQ(runs, 1);  // the driver's routine got the driver's context
  EXPECT_EQ(g_actor_in_handler, other_);
  ASSERT_EQ(sink_.events.size(), 2u);
  const Event& call = sink_.events[0];
  EXPECT_EQ(call.fn, Fn::NdisIoWorkItemRoutine);
  EXPECT_EQ(call.actor, other_);
  ASSERT_EQ(call.arg_count, 2);
  EXPECT_EQ(call.arg[0], H(&runs));       // WorkItemContext, as the driver gave it
  EXPECT_EQ(call.arg[1], H(Fake(0x1E)));  // NdisIoWorkItemHandle
  EXPECT_EQ(sink_.events[1].phase, Phase::kReturn);
}

TEST_F(UpcallTest, NullWorkItemRoutineReachesTheHostAsNull) {
  int runs = 0;
  host_.queued_routine = WorkItem;
  NdisQueueIoWorkItem(Fake(0x1E), nullptr, &runs);
  EXPECT_EQ(host_.queued_routine, nullptr);
  EXPECT_EQ(host_.queued_context, &runs);
}

TEST_F(UpcallTest, RegistrationPastTheTableLimitReturnsResourcesWithoutReachingTheHost) {
  for (size_t i = 0; i < kMaxHandlerTables; ++i) {
    NDIS_STATUS s = NDIS_STATUS_FAILURE;
    RegisterProtocol(proto_, false, &s);
    ASSERT_EQ(s, NDIS_STATUS_SUCCESS) << i;
  }
  ASSERT_EQ(host_.registrations_seen, static_cast<int>(kMaxHandlerTables));
  sink_.events.clear();

  NDIS_STATUS s = NDIS_STATUS_SUCCESS;
  EXPECT_EQ(RegisterProtocol(proto_, false, &s), nullptr);
  EXPECT_EQ(s, NDIS_STATUS_RESOURCES);
  EXPECT_EQ(host_.registrations_seen, static_cast<int>(kMaxHandlerTables));
  ASSERT_EQ(sink_.events.size(), 2u);
  EXPECT_EQ(sink_.events[1].fn, Fn::NdisRegisterProtocolDriver);
  EXPECT_EQ(sink_.events[1].status, NDIS_STATUS_RESOURCES);
  ASSERT_EQ(sink_.events[1].arg_count, 1);
  EXPECT_EQ(sink_.events[1].arg[0], 0u);  // no handle

  // An optional-handlers structure needs a slot too.
  EXPECT_EQ(
      NdisSetOptionalHandlers(Fake(1), reinterpret_cast<PNDIS_DRIVER_OPTIONAL_HANDLERS>(&g_client)),
      NDIS_STATUS_RESOURCES);
  EXPECT_EQ(host_.Driver(Fake(1)).client.ClCreateVcHandler, nullptr);

  // A new run starts with every slot free.
  Boundary::Get().EndRun();
  Boundary::Get().BeginRun(&host_);
  RegisterProtocol(proto_, false, &s);
  EXPECT_EQ(s, NDIS_STATUS_SUCCESS);
}

TEST_F(UpcallTest, AThunkFromAnEndedRunRunsNothingAndRecordsNothing) {
  const NDIS_HANDLE driver = RegisterProtocol(proto_, false);
  const PROTOCOL_BIND_ADAPTER_EX stale = host_.Driver(driver).protocol.BindAdapterHandlerEx;
  Boundary::Get().EndRun();
  Boundary::Get().BeginRun(&host_);
  Boundary::Get().AddSink(&sink_);
  sink_.events.clear();
  EXPECT_EQ(stale(Fake(0xC7C7), Fake(0xB1), nullptr), NDIS_STATUS_FAILURE);
  EXPECT_EQ(g_handler_runs, 0);
  EXPECT_TRUE(sink_.events.empty());
}

TEST_F(UpcallTest, ARolledBackRunIsCurrentAgainWithItsTablesAfterAnotherRun) {
  const NDIS_HANDLE driver = RegisterProtocol(proto_, false);
  const uint64_t index = Boundary::Get().event_count();
  const std::shared_ptr<const Boundary::SavedRun> saved = Boundary::Get().Checkpoint();
  ASSERT_NE(saved, nullptr);
  const PROTOCOL_BIND_ADAPTER_EX bind = host_.Driver(driver).protocol.BindAdapterHandlerEx;

  // More of the same run, then another run whose tables take the same slots.
  RegisterProtocol(other_, false);
  Boundary::Get().EndRun();
  PlainHost other_host;
  Boundary::Get().BeginRun(&other_host);
  {
    NDIS_PROTOCOL_DRIVER_CHARACTERISTICS c = ProtocolChars(false);
    c.BindAdapterHandlerEx = nullptr;
    NDIS_HANDLE h = nullptr;
    ScopedActor as(Boundary::Get().DeclareDriver("someone else"));
    ASSERT_EQ(NdisRegisterProtocolDriver(Fake(0xE1), &c, &h), NDIS_STATUS_SUCCESS);
  }

  ASSERT_TRUE(Boundary::Get().Rollback(*saved));
  EXPECT_EQ(Boundary::Get().host(), &host_);
  EXPECT_EQ(Boundary::Get().event_count(), index);
  ASSERT_EQ(Boundary::Get().drivers().size(), 2u);
  EXPECT_EQ(Boundary::Get().drivers()[0].name, "protocol");
  // The table the host was handed works again, as the run's driver, into
  // the run's sinks; the slot the later registration took is free again.
  sink_.events.clear();
  EXPECT_EQ(bind(Fake(0xC7C7), Fake(0xB1), nullptr), NDIS_STATUS_SUCCESS);
  EXPECT_EQ(g_actor_in_handler, proto_);
  ASSERT_EQ(sink_.events.size(), 2u);
  EXPECT_EQ(sink_.events[0].index, index);
  EXPECT_EQ(sink_.events[0].actor, proto_);
  NDIS_STATUS s = NDIS_STATUS_FAILURE;
  RegisterProtocol(other_, false, &s);
  EXPECT_EQ(s, NDIS_STATUS_SUCCESS);
}

TEST_F(UpcallTest, NoCheckpointWhileDriverCodeRuns) {
  ScopedActor as(proto_);
  EXPECT_EQ(Boundary::Get().Checkpoint(), nullptr);
}

}  // namespace
}  // namespace ndisconf
