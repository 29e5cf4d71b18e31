// Profile keys as text (SetProfileKey, monitor.h): what trace_check's
// --profile-key=value options set.
#include <string>
#include <string_view>

#include "conformance/monitor/monitor.h"

namespace ndisconf::monitor {

bool SetProfileKey(Profile& p, std::string_view key, std::string_view value, std::string* error) {
  auto boolean = [&](bool& field) {
    if (value == "true" || value == "1") {
      field = true;
      return true;
    }
    if (value == "false" || value == "0") {
      field = false;
      return true;
    }
    if (error)
      *error = "profile key '" + std::string(key) + "' takes true or false, not '" +
               std::string(value) + "'";
    return false;
  };
  if (key == "close_with_children") {
    if (value == "cm-decides")
      p.close_with_children = Profile::CloseWithChildren::kCmDecides;
    else if (value == "ndis-checks")
      p.close_with_children = Profile::CloseWithChildren::kNdisChecks;
    else {
      if (error)
        *error =
            "close_with_children takes cm-decides or ndis-checks, not '" + std::string(value) + "'";
      return false;
    }
    return true;
  }
  if (key == "create_vc_order") {
    if (value == "either")
      p.create_vc_order = Profile::VcCallbackOrder::kEither;
    else if (value == "miniport-first")
      p.create_vc_order = Profile::VcCallbackOrder::kMiniportFirst;
    else if (value == "peer-first")
      p.create_vc_order = Profile::VcCallbackOrder::kPeerFirst;
    else {
      if (error)
        *error = "create_vc_order takes either, miniport-first or peer-first, not '" +
                 std::string(value) + "'";
      return false;
    }
    return true;
  }
  if (key == "accept_close_retry") return boolean(p.accept_close_retry);
  if (key == "notify_during_register") return boolean(p.notify_during_register);
  if (key == "accept_cm_handler_size_136") return boolean(p.accept_cm_handler_size_136);
  if (key == "mcm_create_vc_gets_af_handle") return boolean(p.mcm_create_vc_gets_af_handle);
  if (key == "require_open_from_notify") return boolean(p.require_open_from_notify);
  if (key == "strict") return boolean(p.strict);
  if (key == "wan_version_scope") {
    using Scope = Profile::WanVersionScope;
    if (value == "ndis51-legacy") {
      p.wan_version_scope = Scope::kNdis51Legacy;
    } else if (value == "ndis4") {
      p.wan_version_scope = Scope::kNdis4Only;
    } else if (value == "ndis6") {
      p.wan_version_scope = Scope::kNdis6Only;
    } else {
      if (error)
        *error = "wan_version_scope takes ndis51-legacy, ndis4 or ndis6, not '" +
                 std::string(value) + "'";
      return false;
    }
    return true;
  }
  if (key == "wan_strict_quality") return boolean(p.wan_strict_quality);
  if (key == "wan_report_unknown_link_context") return boolean(p.wan_report_unknown_link_context);
  if (key == "wan_line_down_before_close_call") return boolean(p.wan_line_down_before_close_call);
  if (key == "wan_tapi_event_ulong_params") return boolean(p.wan_tapi_event_ulong_params);
  if (key == "wan_links_down_at_finish") return boolean(p.wan_links_down_at_finish);
  if (key == "wan_context_violations_refused") return boolean(p.wan_context_violations_refused);
  if (error) *error = "unknown profile key '" + std::string(key) + "'";
  return false;
}

}  // namespace ndisconf::monitor
