// conformance/framework/several_afs.h: helpers for conformance tests with
// several address families open at once.
//
// With several AFs on one binding, the rules (AF-050, AF-064..067, AF-120,
// AF-121) constrain the ORDER of calls across AFs: every AF's close before
// NdisCloseAdapterEx, each notify-close completed once. These functions
// render the AF-related entries of a reference driver's call log as short
// strings that name each AF by its type ("CloseAf(Q2931)=PENDING"), so a test
// can state the whole expected order in one comparison and a failure prints
// the order that happened. Only contexts the driver itself owns are looked
// up; an entry whose context it does not know renders as "?" (a broken
// implementation fails the comparison, it does not crash the run).
//
// Beside them: a scheduler Chooser that can reverse the order in which
// pended completions run, and a topology with two call managers (one AF
// type each) on one adapter under one client.
#ifndef NDISCONF_CONFORMANCE_FRAMEWORK_SEVERAL_AFS_H_
#define NDISCONF_CONFORMANCE_FRAMEWORK_SEVERAL_AFS_H_

#include <gtest/gtest.h>
#include <ndis.h>

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "reference/drivers/client/client.h"
#include "reference/drivers/cm/cm.h"
#include "reference/drivers/common/cm_core.h"
#include "reference/drivers/common/logged.h"
#include "reference/drivers/comp/comp.h"
#include "reference/ndis/scheduler.h"
#include "reference/stack/stack.h"
#include "spec/status_names.h"

namespace ndisconf::conformance {

// "Q2931", "TAPI", "TAPI_PROXY", or the AF type in hex.
inline std::string AfTypeText(uint64_t type) {
  switch (type) {
    case CO_ADDRESS_FAMILY_Q2931:
      return "Q2931";
    case CO_ADDRESS_FAMILY_TAPI:
      return "TAPI";
    case CO_ADDRESS_FAMILY_TAPI_PROXY:
      return "TAPI_PROXY";
    default:
      break;
  }
  char buf[24];
  std::snprintf(buf, sizeof(buf), "0x%llX", static_cast<unsigned long long>(type));
  return buf;
}

// The client's unbind and AF tear-down, in order. Entries (T = AF type):
//   Unbind, Unbind=<status>               ProtocolUnbindAdapterEx and its return
//   NotifyCloseAf(T), NotifyCloseAf(T)=<status>   ProtocolClNotifyCloseAf, its return
//   CloseCall(T)=<s>, CloseCallComplete(T,<s>)    NdisClCloseCall, its completion
//   DeleteVc(T)=<s>                        NdisCoDeleteVc
//   DeregisterSap(T)=<s>, DeregisterSapComplete(T,<s>)
//   CloseAf(T)=<s>, CloseAfComplete(T,<s>) NdisClCloseAddressFamily, ProtocolClCloseAfComplete
//   NotifyCloseAfComplete(T,<s>)           NdisClNotifyCloseAddressFamilyComplete
//   CloseAdapter=<s>, CloseAdapterComplete NdisCloseAdapterEx, its completion
inline std::vector<std::string> ClientAfSequence(const drivers::Client& client) {
  auto af_of = [&](const void* p) -> const drivers::ClAf* {
    for (const auto& a : client.afs()) {
      if (a.get() == p) return a.get();
    }
    for (const auto& s : client.saps()) {
      if (s.get() == p) return s->af;
    }
    for (const auto& v : client.vcs()) {
      if (v.get() == p) return v->af;
    }
    return nullptr;
  };
  auto type = [&](const void* p) {
    const drivers::ClAf* af = af_of(p);
    return af == nullptr ? std::string("?") : AfTypeText(af->af.AddressFamily);
  };
  namespace logged = drivers::logged;
  using drivers::ClientLog;
  auto st = [](NDIS_STATUS s) { return spec::FormatStatus(s); };
  std::vector<std::string> out;
  for (const ClientLog::Entry& o : client.log().entries()) {
    if (std::holds_alternative<logged::ProtocolUnbindAdapterEx>(o)) {
      out.push_back("Unbind");
    } else if (const auto* e = std::get_if<logged::ProtocolUnbindAdapterExRet>(&o)) {
      out.push_back("Unbind=" + st(e->status));
    } else if (const auto* e = std::get_if<logged::ProtocolClNotifyCloseAf>(&o)) {
      out.push_back("NotifyCloseAf(" + type(e->client_af_context) + ")");
    } else if (const auto* e = std::get_if<logged::ProtocolClNotifyCloseAfRet>(&o)) {
      out.push_back("NotifyCloseAf(" + type(e->client_af_context) + ")=" + st(e->status));
    } else if (const auto* e = std::get_if<logged::OwnNdisClCloseCall>(&o)) {
      out.push_back("CloseCall(" + type(e->client_vc_context) + ")=" + st(e->status));
    } else if (const auto* e = std::get_if<logged::ProtocolClCloseCallComplete>(&o)) {
      out.push_back("CloseCallComplete(" + type(e->client_vc_context) + "," + st(e->status) + ")");
    } else if (const auto* e = std::get_if<logged::OwnNdisCoDeleteVc>(&o)) {
      out.push_back("DeleteVc(" + type(e->client_vc_context) + ")=" + st(e->status));
    } else if (const auto* e = std::get_if<logged::OwnNdisClDeregisterSap>(&o)) {
      out.push_back("DeregisterSap(" + type(e->client_sap_context) + ")=" + st(e->status));
    } else if (const auto* e = std::get_if<logged::ProtocolClDeregisterSapComplete>(&o)) {
      out.push_back("DeregisterSapComplete(" + type(e->client_sap_context) + "," + st(e->status) +
                    ")");
    } else if (const auto* e = std::get_if<logged::OwnNdisClCloseAddressFamily>(&o)) {
      out.push_back("CloseAf(" + type(e->client_af_context) + ")=" + st(e->status));
    } else if (const auto* e = std::get_if<logged::ProtocolClCloseAfComplete>(&o)) {
      out.push_back("CloseAfComplete(" + type(e->client_af_context) + "," + st(e->status) + ")");
    } else if (const auto* e = std::get_if<logged::OwnNdisClNotifyCloseAddressFamilyComplete>(&o)) {
      out.push_back("NotifyCloseAfComplete(" + type(e->client_af_context) + "," + st(e->status) +
                    ")");
    } else if (const auto* e = std::get_if<logged::OwnNdisCloseAdapterEx>(&o)) {
      out.push_back("CloseAdapter=" + st(e->status));
    } else if (std::holds_alternative<logged::ProtocolCloseAdapterCompleteEx>(o)) {
      out.push_back("CloseAdapterComplete");
    }
  }
  return out;
}

// A call manager's (CM or MCM) notify-close shutdown, in order. Entries:
//   Unbind, Unbind=<s>                     ProtocolUnbindAdapterEx (CM)
//   Halt, Halt=done                        MiniportHaltEx (MCM)
//   NotifyCloseAf(T)=<s>                   Ndis(M)CmNotifyCloseAddressFamily's return
//   CmCloseAf(T)=<s>                       ProtocolCmCloseAf's return
//   NotifyCloseAfComplete(T,<s>)           ProtocolCmNotifyCloseAfComplete
//   CloseAdapter=<s>                       NdisCloseAdapterEx (CM)
inline std::vector<std::string> CmAfSequence(const drivers::CmCore& cm) {
  auto type = [&](const void* p) {
    for (const auto& a : cm.afs()) {
      if (a.get() == p || (p != nullptr && a->ndis_af == p)) return AfTypeText(a->af.AddressFamily);
    }
    return std::string("?");
  };
  namespace logged = drivers::logged;
  auto st = [](NDIS_STATUS s) { return spec::FormatStatus(s); };
  std::vector<std::string> out;
  for (const drivers::CmLog::Entry& o : cm.log().entries()) {
    if (std::holds_alternative<logged::ProtocolUnbindAdapterEx>(o)) {
      out.push_back("Unbind");
    } else if (const auto* e = std::get_if<logged::ProtocolUnbindAdapterExRet>(&o)) {
      out.push_back("Unbind=" + st(e->status));
    } else if (std::holds_alternative<logged::MiniportHaltEx>(o)) {
      out.push_back("Halt");
    } else if (std::holds_alternative<logged::MiniportHaltExRet>(o)) {
      out.push_back("Halt=done");
    } else if (const auto* e = std::get_if<logged::OwnNdisCmNotifyCloseAddressFamily>(&o)) {
      out.push_back("NotifyCloseAf(" + type(e->ndis_af_handle) + ")=" + st(e->status));
    } else if (const auto* e = std::get_if<logged::OwnNdisMCmNotifyCloseAddressFamily>(&o)) {
      out.push_back("NotifyCloseAf(" + type(e->ndis_af_handle) + ")=" + st(e->status));
    } else if (const auto* e = std::get_if<logged::ProtocolCmCloseAfRet>(&o)) {
      out.push_back("CmCloseAf(" + type(e->call_mgr_af_context) + ")=" + st(e->status));
    } else if (const auto* e = std::get_if<logged::ProtocolCmNotifyCloseAfComplete>(&o)) {
      out.push_back("NotifyCloseAfComplete(" + type(e->call_mgr_af_context) + "," + st(e->status) +
                    ")");
    } else if (const auto* e = std::get_if<logged::OwnNdisCloseAdapterEx>(&o)) {
      out.push_back("CloseAdapter=" + st(e->status));
    }
  }
  return out;
}

// Runs the oldest ready work item; once `newest_first` is set, the newest.
// With two pended completions queued, newest-first runs the second one
// asked for before the first. Deferrable deliveries are always queued.
class OrderChooser : public ndis::Chooser {
 public:
  bool newest_first = false;
  size_t Pick(const std::vector<ndis::WorkInfo>& ready) override {
    return newest_first ? ready.size() - 1 : 0;
  }
  bool RunInline(ndis::WorkKind) override { return false; }
};

// A call manager configuration that registers only `type` and answers
// ProtocolCmCloseAf per `close`.
inline drivers::CallManagerConfig CmFor(NDIS_AF type, drivers::OpPolicy close) {
  drivers::CallManagerConfig c;
  c.afs = {{type, 1, 0}};
  c.close_af = close;
  return c;
}

// Loads two call managers on one adapter, the first registering Q2931 and
// the second TAPI (see CmFor), then `client` and the miniport whose adapter
// brings them up, and settles: the client opens both AFs on its single
// binding.
inline stack::TwoCmTopology TwoAfsOnOneBinding(stack::Stack& s,
                                               std::unique_ptr<drivers::CallManager> q2931,
                                               std::unique_ptr<drivers::CallManager> tapi,
                                               std::unique_ptr<drivers::Client> client,
                                               std::unique_ptr<drivers::Comp> miniport) {
  stack::TwoCmTopology t;
  t.cm1 = &s.Load(std::move(q2931), &t.cm1_id);
  t.cm2 = &s.Load(std::move(tapi), &t.cm2_id);
  t.client = &s.Load(std::move(client), &t.client_id);
  t.miniport = &s.Load(std::move(miniport), &t.miniport_id);
  t.adapter = s.AddAdapter(t.miniport_id, "comp0", NdisMediumAtm);
  s.Settle();
  return t;
}

// `client` holds exactly one binding, with exactly one open AF per entry of
// `types`, of those types in that order, all on that binding.
inline ::testing::AssertionResult AfsOpenOnOneBinding(const drivers::Client& client,
                                                      const std::vector<NDIS_AF>& types) {
  if (client.bindings().size() != 1) {
    return ::testing::AssertionFailure() << client.bindings().size() << " bindings";
  }
  if (client.afs().size() != types.size()) {
    return ::testing::AssertionFailure() << client.afs().size() << " AFs opened";
  }
  for (size_t i = 0; i < types.size(); ++i) {
    const drivers::ClAf& af = *client.afs()[i];
    if (af.af.AddressFamily != types[i]) {
      return ::testing::AssertionFailure()
             << "AF " << i << " is " << AfTypeText(af.af.AddressFamily) << ", not "
             << AfTypeText(types[i]);
    }
    if (af.state != drivers::ClAfState::kOpen || af.binding != client.bindings()[0].get()) {
      return ::testing::AssertionFailure() << "AF " << i << " is " << ToString(af.state);
    }
  }
  return ::testing::AssertionSuccess();
}

}  // namespace ndisconf::conformance

#endif  // NDISCONF_CONFORMANCE_FRAMEWORK_SEVERAL_AFS_H_
