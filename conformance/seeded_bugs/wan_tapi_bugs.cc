// Seeded-bug variants for the WAN TAPI, GET_ID and encoding rules (spec
// 5.15-5.18): each replaces one component of the reference WAN stack (the
// WAN miniport, NDISWAN in its NDISTAPI role, or NDIS's WAN functions) with
// a copy that breaks exactly one rule; the conformance suite must reject it
// with that rule's ID (BUILD.bazel: one test per variant runs the main job
// with --expect-fail=<rule>). None of them may crash a test: each keeps
// every handle it hands out valid and only changes an outcome.
#include <ndis.h>
#include <ndistapi.h>
#include <ndiswan.h>

#include <cstring>
#include <memory>

#include "conformance/framework/forwarding_wan_host.h"
#include "conformance/framework/implementation.h"

namespace ndisconf::conformance {
namespace {

using drivers::Ndiswan;
using drivers::NdiswanConfig;
using drivers::Wmp;
using drivers::WmpAdapter;
using drivers::WmpConfig;

// WAN-086: OID_TAPI_CLOSE_CALL cannot fail for a valid call. This miniport
// fails it (the call is left as it was).
class WmpCloseCallFails : public Wmp {
 public:
  using Wmp::Wmp;
  NDIS_STATUS OnRequest(WmpAdapter& a, bool query, NDIS_OID oid, PVOID buffer, ULONG length,
                        PULONG done, PULONG needed) override {
    if (oid == OID_TAPI_CLOSE_CALL && buffer != nullptr && length >= sizeof(NDIS_TAPI_CLOSE_CALL)) {
      HDRV_CALL hd = 0;
      std::memcpy(&hd, static_cast<uint8_t*>(buffer) + offsetof(NDIS_TAPI_CLOSE_CALL, hdCall),
                  sizeof(hd));
      if (a.FindCall(hd) != nullptr) return NDIS_STATUS_TAPI_RESOURCEUNAVAIL;
    }
    return Wmp::OnRequest(a, query, oid, buffer, length, done, needed);
  }
};

const RegisterImplementation kWmpCloseCallFails(Implementation{
    .name = "bug-wmp-close-call-fails",
    .description = "WAN miniport fails OID_TAPI_CLOSE_CALL on a live call",
    .seeded_rule = "WAN-086",
    .wmp = [](const WmpConfig& c) { return std::make_unique<WmpCloseCallFails>(c); },
});

// WAN-085: OID_TAPI_DROP moves the call to IDLE and indicates it. This
// miniport hangs up and brings the link down, but never says IDLE.
class WmpDropWithoutIdle : public Wmp {
 public:
  using Wmp::Wmp;
  NDIS_STATUS OnRequest(WmpAdapter& a, bool query, NDIS_OID oid, PVOID buffer, ULONG length,
                        PULONG done, PULONG needed) override {
    if (oid == OID_TAPI_DROP && buffer != nullptr && length >= sizeof(NDIS_TAPI_DROP)) {
      HDRV_CALL hd = 0;
      std::memcpy(&hd, static_cast<uint8_t*>(buffer) + offsetof(NDIS_TAPI_DROP, hdCall),
                  sizeof(hd));
      if (drivers::WmpCall* c = a.FindCall(hd);
          c != nullptr && a.state == WmpAdapter::State::kRunning) {
        if (c->channel) (void)a.nic->HangUp(nic::ChannelId{*c->channel});
        c->channel.reset();
        c->nic_connected = false;
        c->connected_held = false;
        for (drivers::WmpLink* l : c->links) LineDown(a, *l);
        c->state = LINECALLSTATE_IDLE;  // the bug: no LINE_CALLSTATE
        CompleteBracket(a);
        return NDIS_STATUS_SUCCESS;
      }
    }
    return Wmp::OnRequest(a, query, oid, buffer, length, done, needed);
  }
};

const RegisterImplementation kWmpDropWithoutIdle(Implementation{
    .name = "bug-wmp-drop-without-idle",
    .description = "WAN miniport drops a call without indicating LINECALLSTATE_IDLE",
    .seeded_rule = "WAN-085",
    .wmp = [](const WmpConfig& c) { return std::make_unique<WmpDropWithoutIdle>(c); },
});

// WAN-080: unsupported TAPI requests complete with
// NDIS_STATUS_TAPI_OPERATIONUNAVAIL. This miniport says NOT_SUPPORTED.
class WmpUnsupportedNotSupported : public Wmp {
 public:
  using Wmp::Wmp;
  NDIS_STATUS OnRequest(WmpAdapter& a, bool query, NDIS_OID oid, PVOID buffer, ULONG length,
                        PULONG done, PULONG needed) override {
    const NDIS_STATUS s = Wmp::OnRequest(a, query, oid, buffer, length, done, needed);
    return s == NDIS_STATUS_TAPI_OPERATIONUNAVAIL ? NDIS_STATUS_NOT_SUPPORTED : s;
  }
};

const RegisterImplementation kWmpUnsupportedNotSupported(Implementation{
    .name = "bug-wmp-unsupported-tapi-not-supported",
    .description = "WAN miniport answers unsupported OID_TAPI_* with NDIS_STATUS_NOT_SUPPORTED",
    .seeded_rule = "WAN-080",
    .wmp = [](const WmpConfig& c) { return std::make_unique<WmpUnsupportedNotSupported>(c); },
});

// WAN-073: GET_ID fails only with its listed codes. This miniport reports
// a stale or unknown hdCall as NDIS_STATUS_TAPI_INVALPARAM.
class WmpGetIdInvalParam : public Wmp {
 public:
  using Wmp::Wmp;
  NDIS_STATUS OnRequest(WmpAdapter& a, bool query, NDIS_OID oid, PVOID buffer, ULONG length,
                        PULONG done, PULONG needed) override {
    const NDIS_STATUS s = Wmp::OnRequest(a, query, oid, buffer, length, done, needed);
    if (oid == OID_TAPI_GET_ID && s == NDIS_STATUS_TAPI_INVALCALLHANDLE)
      return NDIS_STATUS_TAPI_INVALPARAM;
    return s;
  }
};

const RegisterImplementation kWmpGetIdInvalParam(Implementation{
    .name = "bug-wmp-get-id-invalparam",
    .description = "WAN miniport fails OID_TAPI_GET_ID on a bad hdCall with TAPI_INVALPARAM",
    .seeded_rule = "WAN-073",
    .wmp = [](const WmpConfig& c) { return std::make_unique<WmpGetIdInvalParam>(c); },
});

// WAN-062: NDISTAPI writes its htCall into LINE_NEWCALL's ulParam2 before
// NdisMIndicateStatus returns. This NDISWAN decodes a copy, so the
// miniport's buffer comes back with ulParam2 still 0.
class NdiswanNewCallUnwritten : public Ndiswan {
 public:
  using Ndiswan::Ndiswan;
  void OnStatus(drivers::WanLowerBinding& b, NDIS_STATUS general_status, PVOID buffer,
                UINT size) override {
    if (general_status == NDIS_STATUS_TAPI_INDICATION && buffer != nullptr &&
        size >= sizeof(NDIS_TAPI_EVENT)) {
      NDIS_TAPI_EVENT copy;
      std::memcpy(&copy, buffer, sizeof(copy));
      if (copy.ulMsg == LINE_NEWCALL) {
        Ndiswan::OnStatus(b, general_status, &copy, sizeof(copy));
        return;
      }
    }
    Ndiswan::OnStatus(b, general_status, buffer, size);
  }
};

const RegisterImplementation kNdiswanNewCallUnwritten(Implementation{
    .name = "bug-ndiswan-newcall-htcall-unwritten",
    .description = "NDISWAN (NDISTAPI) never writes htCall into LINE_NEWCALL's ulParam2",
    .seeded_rule = "WAN-062",
    .ndiswan = [](const NdiswanConfig& c) { return std::make_unique<NdiswanNewCallUnwritten>(c); },
});

// WAN-103: NdisMIndicateStatus hands the miniport's StatusBuffer through by
// reference and changes nothing NDISWAN did not write. This NDIS
// "normalizes" the padding of every NDIS_TAPI_EVENT on the way back.
class NdisScribblesTapiPadding : public ForwardingWanHost {
 public:
  using ForwardingWanHost::ForwardingWanHost;
  VOID NdisMIndicateStatus(NDIS_HANDLE mh, NDIS_STATUS status, PVOID buffer, UINT size) override {
    inner_.NdisMIndicateStatus(mh, status, buffer, size);
    constexpr size_t kPad = offsetof(NDIS_TAPI_EVENT, ulMsg) + sizeof(ULONG);  // 20..23 on x64
    if (status == NDIS_STATUS_TAPI_INDICATION && buffer != nullptr &&
        size >= sizeof(NDIS_TAPI_EVENT) && kPad + 4 <= offsetof(NDIS_TAPI_EVENT, ulParam1)) {
      std::memset(static_cast<uint8_t*>(buffer) + kPad, 0xFF, 4);
    }
  }
};

const RegisterImplementation kNdisScribblesTapiPadding(Implementation{
    .name = "bug-ndis-status-buffer-scribbled",
    .description = "NDIS changes NDIS_TAPI_EVENT padding bytes across NdisMIndicateStatus",
    .seeded_rule = "WAN-103",
    .wan_host = [](ndis::Model& m) { return std::make_unique<NdisScribblesTapiPadding>(m); },
});

}  // namespace
}  // namespace ndisconf::conformance
