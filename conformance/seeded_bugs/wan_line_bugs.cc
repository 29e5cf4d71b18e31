// Seeded-bug variants for NDIS WAN status indications, line-up, line-down and
// fragment (spec 5.11-5.14): each replaces one component (the WAN miniport,
// NDISWAN, the protocol above it, or NDIS's WAN host) with a copy that
// breaks exactly one documented rule, and the conformance suite must reject
// it with that rule's ID (BUILD.bazel: one test per variant runs the main job
// with --expect-fail=<rule>).
#include <ndis.h>
#include <ndiswan.h>

#include <cstring>
#include <memory>
#include <optional>

#include "conformance/framework/forwarding_wan_host.h"
#include "conformance/framework/implementation.h"

namespace ndisconf::conformance {
namespace {

using drivers::Ndiswan;
using drivers::NdiswanConfig;
using drivers::WanProto;
using drivers::WanProtoConfig;
using drivers::Wmp;
using drivers::WmpAdapter;
using drivers::WmpConfig;

// WAN-051: NDIS_MAC_FRAGMENT.Errors names one or more WAN_ERROR_* bits. This
// WAN miniport reports every receive error with Errors 0.
class WmpFragmentErrorsZero : public Wmp {
 public:
  using Wmp::Wmp;
  void OnHandleInterrupt(WmpAdapter& a) override {
    if (a.state != WmpAdapter::State::kRunning) return;
    while (std::optional<nic::NicEvent> ev = a.nic->NextEvent()) {
      if (ev->kind == nic::EventKind::kFrameError) {
        drivers::WmpLink* link = nullptr;
        if (drivers::WmpCall* call = a.CallOnChannel(ev->channel.value)) {
          for (drivers::WmpLink* l : call->links)
            if (l->up && link == nullptr) link = l;
        }
        if (link != nullptr) {
          NDIS_MAC_FRAGMENT f;
          NdisZeroMemory(&f, sizeof(f));
          f.NdisLinkContext = link->link_context;
          f.Errors = 0;
          ++link->fragments;
          ++a.counts.fragment;
          Indicate(a, NDIS_STATUS_WAN_FRAGMENT, &f, sizeof(f));
          continue;
        }
      }
      OnNicEvent(a, *ev);
    }
    CompleteBracket(a);
    a.nic_irq_enabled = true;
    a.nic->SetInterruptEnabled(true);
  }
};

const RegisterImplementation kWmpFragmentErrorsZero(Implementation{
    .name = "bug-wmp-fragment-errors-zero",
    .description = "WAN miniport indicates fragments with Errors 0",
    .seeded_rule = "WAN-051",
    .wmp = [](const WmpConfig& c) { return std::make_unique<WmpFragmentErrorsZero>(c); },
});

// WAN-024: NDISWAN writes a unique NdisLinkContext into the caller's
// NDIS_MAC_LINE_UP before NdisMIndicateStatus returns. This NDISWAN accepts
// the link but leaves the miniport's buffer with NULL.
class NdiswanNoLinkContext : public Ndiswan {
 public:
  using Ndiswan::Ndiswan;
  void OnStatus(drivers::WanLowerBinding& b, NDIS_STATUS status, PVOID buffer, UINT size) override {
    const bool initial = status == NDIS_STATUS_WAN_LINE_UP && buffer != nullptr &&
                         size >= sizeof(NDIS_MAC_LINE_UP) &&
                         static_cast<PNDIS_MAC_LINE_UP>(buffer)->NdisLinkContext == nullptr;
    Ndiswan::OnStatus(b, status, buffer, size);
    if (initial) static_cast<PNDIS_MAC_LINE_UP>(buffer)->NdisLinkContext = nullptr;
  }
};

const RegisterImplementation kNdiswanNoLinkContext(Implementation{
    .name = "bug-ndiswan-no-link-context",
    .description = "NDISWAN does not write NdisLinkContext back on an initial line-up",
    .seeded_rule = "WAN-024",
    .ndiswan = [](const NdiswanConfig& c) { return std::make_unique<NdiswanNoLinkContext>(c); },
});

// WAN-037: the two high-order bytes of NDIS_WAN_LINE_UP.LocalAddress are
// NDISWAN's; the protocol writes its context only into the other four. This
// protocol overwrites all six.
class WanProtoClobbersReservedLocalAddress : public WanProto {
 public:
  using WanProto::WanProto;
  void OnStatus(drivers::WpBinding& b, NDIS_STATUS status, PVOID buffer, UINT size) override {
    WanProto::OnStatus(b, status, buffer, size);
    if (status != NDIS_STATUS_WAN_LINE_UP || buffer == nullptr || size < sizeof(NDIS_WAN_LINE_UP))
      return;
    auto* local = static_cast<uint8_t*>(buffer) + offsetof(NDIS_WAN_LINE_UP, LocalAddress);
    local[0] = static_cast<uint8_t>(~local[0]);
    local[1] = static_cast<uint8_t>(~local[1]);
  }
};

const RegisterImplementation kWanProtoClobbersReservedLocalAddress(Implementation{
    .name = "bug-wanproto-clobbers-reserved-local-address",
    .description = "protocol above NDISWAN overwrites LocalAddress[0..1] of NDIS_WAN_LINE_UP",
    .seeded_rule = "WAN-037",
    .wanproto =
        [](const WanProtoConfig& c) {
          return std::make_unique<WanProtoClobbersReservedLocalAddress>(c);
        },
});

// WAN-011: NdisMIndicateStatusComplete makes NDIS call ProtocolStatusComplete
// of the protocols the bracket notified. This NDIS drops the completion.
class NdisSkipsStatusComplete : public ForwardingWanHost {
 public:
  using ForwardingWanHost::ForwardingWanHost;
  VOID NdisMIndicateStatusComplete(NDIS_HANDLE) override {}
};

const RegisterImplementation kNdisSkipsStatusComplete(Implementation{
    .name = "bug-ndis-skips-status-complete",
    .description = "NDIS never calls ProtocolStatusComplete after NdisMIndicateStatusComplete",
    .seeded_rule = "WAN-011",
    .wan_host = [](ndis::Model& m) { return std::make_unique<NdisSkipsStatusComplete>(m); },
});

}  // namespace
}  // namespace ndisconf::conformance
