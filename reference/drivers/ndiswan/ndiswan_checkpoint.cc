// Part of Ndiswan (reference/drivers/ndiswan/ndiswan.h): Checkpoint and
// Rollback, for a harness that reuses one stack for many runs.
#include "reference/drivers/ndiswan/ndiswan.h"
#include "reference/drivers/ndiswan/ndiswan_impl.h"

namespace ndisconf::drivers {

// Everything of Ndiswan that changes after DriverEntry but the in-flight
// records (requests, sends, work items), which Checkpoint requires to be
// none. The configuration, the slot and the registered name are fixed.
struct Ndiswan::Saved {
  wan::Core core;
  NDIS_HANDLE protocol_handle = nullptr;
  NDIS_HANDLE wrapper_handle = nullptr;
  NDIS_STATUS register_protocol_status = NDIS_STATUS_FAILURE;
  NDIS_STATUS register_miniport_status = NDIS_STATUS_FAILURE;
  NDIS_HANDLE upper_adapter = nullptr;
  int in_lower_status = 0;
  bool upper_bracket_open = false;
  OwnedVector<WanLowerBinding> bindings;
  std::vector<WanRequestRecord> requests;
  History<UpperIndication> forwarded;
  std::vector<UpperIndication> cm_log;
  std::vector<wan::TapiEvent> tapi_log;
  WanConfigManager* config_manager = nullptr;
  TapiEventSink* tapi_sink = nullptr;
  uint64_t get_id_mismatches = 0;
  std::map<uintptr_t, WanLinkSends> link_sends;
  std::map<uintptr_t, std::deque<Send*>> link_queue;
  std::map<uintptr_t, UpperLinkData> upper_data;
  NdiswanLog log;
};

// A member added to Ndiswan is saved and restored above, or said to be
// fixed; this size (libstdc++, x86-64) is the reminder.
#if defined(__GLIBCXX__) && defined(__x86_64__)
static_assert(sizeof(Ndiswan) == 1616,
              "Ndiswan changed: save and restore the new member in Saved, then update the size");
#endif

bool Ndiswan::Checkpoint() {
  if (!in_flight_.empty() || !sends_.empty() || deferrer_.outstanding() != 0) return false;
  if (saved_ == nullptr) saved_ = std::make_shared<Saved>();
  Saved& s = *saved_;
  s.core = core_;
  s.protocol_handle = protocol_handle_;
  s.wrapper_handle = wrapper_handle_;
  s.register_protocol_status = register_protocol_status_;
  s.register_miniport_status = register_miniport_status_;
  s.upper_adapter = upper_adapter_;
  s.in_lower_status = in_lower_status_;
  s.upper_bracket_open = upper_bracket_open_;
  s.bindings = bindings_;
  s.requests = requests_;
  s.forwarded = forwarded_;
  s.cm_log = cm_log_;
  s.tapi_log = tapi_log_;
  s.config_manager = config_manager_;
  s.tapi_sink = tapi_sink_;
  s.get_id_mismatches = get_id_mismatches_;
  s.link_sends = link_sends_;
  s.link_queue = link_queue_;  // no sends: every queue is empty
  s.upper_data = upper_data_;
  s.log = log_;
  return true;
}

bool Ndiswan::Rollback() {
  if (saved_ == nullptr || deferrer_.outstanding() != 0) return false;
  const Saved& s = *saved_;
  in_flight_.clear();
  sends_.clear();
  core_.RestoreFrom(s.core);
  protocol_handle_ = s.protocol_handle;
  wrapper_handle_ = s.wrapper_handle;
  register_protocol_status_ = s.register_protocol_status;
  register_miniport_status_ = s.register_miniport_status;
  upper_adapter_ = s.upper_adapter;
  in_lower_status_ = s.in_lower_status;
  upper_bracket_open_ = s.upper_bracket_open;
  bindings_ = s.bindings;
  requests_ = s.requests;
  forwarded_.RestoreFrom(s.forwarded);
  cm_log_ = s.cm_log;
  tapi_log_ = s.tapi_log;
  config_manager_ = s.config_manager;
  tapi_sink_ = s.tapi_sink;
  get_id_mismatches_ = s.get_id_mismatches;
  link_sends_ = s.link_sends;
  link_queue_ = s.link_queue;
  upper_data_ = s.upper_data;
  log_.RestoreFrom(s.log);
  return true;
}

}  // namespace ndisconf::drivers
