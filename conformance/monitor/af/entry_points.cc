// Rule family "entry_points" (spec 5.9, AF-130 ... AF-137): the CO
// handler structures a driver registers (complete, right header, from
// SetOptions), the CO protocol characteristics, and handlers NDIS must not
// call (NULL ones, an MCM's miniport VC and activation-complete handlers).
#include "conformance/monitor/monitor_core.h"

namespace ndisconf::monitor {

using af::Driver;

namespace af {
namespace {
constexpr Fn kEntryPointsFns[] = {
    Fn::NdisSetOptionalHandlers,
    Fn::NdisRegisterProtocolDriver,
    Fn::NdisMRegisterMiniportDriver,
};
}  // namespace
constinit const Monitor::State::Family kEntryPoints = {"entry_points", kEntryPointsFns,
                                                       &Monitor::State::EntryPointsCall,
                                                       &Monitor::State::EntryPointsReturn};
}  // namespace af

void Monitor::State::EntryPointsCall(const Event& e, const uint64_t* a, Frame& f) {
  switch (e.fn) {
    case Fn::NdisSetOptionalHandlers: {
      const uint64_t h = a[1];
      const unsigned type = h == kNull ? 0 : static_cast<unsigned>(h >> 24 & 0xff);
      if (type == NDIS_OBJECT_TYPE_CO_CLIENT_OPTIONAL_HANDLERS ||
          type == NDIS_OBJECT_TYPE_CO_CALL_MANAGER_OPTIONAL_HANDLERS ||
          type == NDIS_OBJECT_TYPE_CO_PROTOCOL_CHARACTERISTICS ||
          type == NDIS_OBJECT_TYPE_CO_MINIPORT_CHARACTERISTICS) {
        if (!Innermost(Fn::ProtocolSetOptions, e.actor, true) &&
            !Innermost(Fn::MiniportSetOptions, e.actor, true))
          Report(k131Context, e, 0,
                 "NdisSetOptionalHandlers (type " + Hex(type) +
                     ") called outside the driver's ProtocolSetOptions / MiniportSetOptions");
      }
      break;
    }
    default:
      break;
  }
}

void Monitor::State::EntryPointsReturn(const Event& e, const uint64_t* a, Frame& f) {
  const int32_t st = e.status;
  switch (e.fn) {
    case Fn::NdisRegisterProtocolDriver:
      if (st == kSuccess) D(e.actor).protocol = true;
      break;
    case Fn::NdisMRegisterMiniportDriver:
      if (st == kSuccess) D(e.actor).miniport = true;
      break;
    case Fn::NdisSetOptionalHandlers:
      SetOptionalHandlersReturn(e, f);
      break;
    default:
      break;
  }
}

void Monitor::State::SetOptionalHandlersReturn(const Event& e, const Frame& f) {
  const int32_t st = e.status;
  const uint64_t h = f.arg[1], mask = f.arg[2];
  if (h == kNull) {
    if (st == kSuccess) Report(k136, e, 0, "NdisSetOptionalHandlers accepted a NULL structure");
    return;
  }
  const unsigned type = static_cast<unsigned>(h >> 24 & 0xff);
  const unsigned rev = static_cast<unsigned>(h >> 16 & 0xff);
  const unsigned size = static_cast<unsigned>(h & 0xffff);
  bool size_ok = false;
  Check handler_check = k130;
  uint64_t required = 0;
  const char* what = "";
  switch (type) {
    case NDIS_OBJECT_TYPE_CO_CLIENT_OPTIONAL_HANDLERS:
      size_ok = size == sizeof(NDIS_CO_CLIENT_OPTIONAL_HANDLERS);
      required = (uint64_t{1} << 19) - 1;
      what = "NDIS_CO_CLIENT_OPTIONAL_HANDLERS";
      break;
    case NDIS_OBJECT_TYPE_CO_CALL_MANAGER_OPTIONAL_HANDLERS:
      size_ok = size == sizeof(NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS) ||
                (profile.accept_cm_handler_size_136 &&
                 size == NDIS_SIZEOF_CO_CALL_MANAGER_OPTIONAL_HANDLERS_REVISION_1);
      required = size >= sizeof(NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS) ? (uint64_t{1} << 17) - 1
                                                                        : (uint64_t{1} << 16) - 1;
      handler_check = k131;
      what = "NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS";
      break;
    case NDIS_OBJECT_TYPE_CO_PROTOCOL_CHARACTERISTICS:
      size_ok = size == sizeof(NDIS_PROTOCOL_CO_CHARACTERISTICS);
      required = 2;  // CoAfRegisterNotifyHandler
      handler_check = k023;
      what = "NDIS_PROTOCOL_CO_CHARACTERISTICS";
      break;
    case NDIS_OBJECT_TYPE_CO_MINIPORT_CHARACTERISTICS:
      size_ok = size == sizeof(NDIS_MINIPORT_CO_CHARACTERISTICS);
      what = "NDIS_MINIPORT_CO_CHARACTERISTICS";
      break;
    default:
      return;  // not a CoNDIS structure: outside the AF rules
  }
  const bool header_ok = rev == 1 && size_ok;
  const bool handlers_ok = (mask & required) == required;
  if (st == kSuccess && !header_ok)
    Report(k136, e, 0,
           std::string("NdisSetOptionalHandlers accepted ") + what + " with Revision " +
               std::to_string(rev) + " and Size " + std::to_string(size));
  if (st == kSuccess && header_ok && !handlers_ok)
    Report(handler_check, e, 0,
           std::string("NdisSetOptionalHandlers accepted ") + what +
               " with NULL handler(s): missing mask " + Hex(required & ~mask));
  if (st != kSuccess) return;
  Driver& d = D(e.actor);
  switch (type) {
    case NDIS_OBJECT_TYPE_CO_CLIENT_OPTIONAL_HANDLERS:
      d.client = true;
      d.client_mask = mask;
      break;
    case NDIS_OBJECT_TYPE_CO_CALL_MANAGER_OPTIONAL_HANDLERS:
      d.cm = true;
      d.cm_mask = mask;
      d.cm_size = static_cast<uint16_t>(size);
      break;
    case NDIS_OBJECT_TYPE_CO_PROTOCOL_CHARACTERISTICS:
      d.proto_co = true;
      d.proto_co_mask = mask;
      break;
    case NDIS_OBJECT_TYPE_CO_MINIPORT_CHARACTERISTICS:
      d.mini_co = true;
      if (profile.strict && d.cm && (mask & 3))
        Report(k133, e, 0,
               "a miniport call manager supplies MiniportCoCreateVc/DeleteVc; they should be NULL");
      break;
  }
}

void Monitor::State::CheckHandler(const Event& e, bool cm_struct, int bit) {
  const Driver& d = D(e.actor);
  if (cm_struct) {
    if (d.cm && !(d.cm_mask >> bit & 1))
      Report(k131, e, 0,
             "NDIS called " + Name(e.fn) + " of a call manager whose handler " +
                 std::to_string(bit + 1) +
                 " was NULL or outside Header.Size (OQ-11 when Size is 136)");
  } else if (d.client && !(d.client_mask >> bit & 1)) {
    Report(k130, e, 0, "NDIS called " + Name(e.fn) + " of a client whose handler was NULL");
  }
}

void Monitor::State::CheckNotifyHandler(const Event& e) {
  const Driver& d = D(e.actor);
  if (d.proto_co && !(d.proto_co_mask & 2))
    Report(k023, e, 0,
           "NDIS called ProtocolCoAfRegisterNotify of a protocol whose CoAfRegisterNotifyHandler "
           "is NULL");
}

void Monitor::State::CheckNotCalledOnMcm(const Event& e, uint64_t object) {
  if (!D(e.actor).mcm()) return;
  const bool miniport_vc = e.fn == Fn::MiniportCoCreateVc || e.fn == Fn::MiniportCoDeleteVc;
  Report(miniport_vc ? k133 : k132, e, object,
         "NDIS called " + Name(e.fn) + " of a miniport call manager");
}

void Monitor::State::EntryPointsFinish() {
  for (size_t id = 0; id < drivers.size(); ++id) {
    const Driver& d = drivers[id];
    if (d.protocol && (d.client || (d.cm && !d.miniport)) && !d.proto_co)
      Report(k137, 0, 0,
             "protocol driver (actor " + std::to_string(id) +
                 ") registered CO client/call-manager handlers but no "
                 "NDIS_PROTOCOL_CO_CHARACTERISTICS");
  }
}

}  // namespace ndisconf::monitor
