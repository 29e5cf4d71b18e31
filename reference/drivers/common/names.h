// reference/drivers/common/names.h: builds the NDIS_STRING a driver registers its
// name with (UTF-16, as NDIS_STRING is on Windows).
#ifndef NDISCONF_REFERENCE_DRIVERS_COMMON_NAMES_H_
#define NDISCONF_REFERENCE_DRIVERS_COMMON_NAMES_H_

#include <ndis.h>

#include <string>
#include <vector>

namespace ndisconf::drivers {

// Fills `buffer` with `name` widened to UTF-16 (ASCII names only) and
// returns an NDIS_STRING that points into it; `buffer` must outlive it.
inline NDIS_STRING MakeNdisString(const std::string& name, std::vector<WCHAR>& buffer) {
  buffer.assign(name.begin(), name.end());
  buffer.push_back(0);
  NDIS_STRING s;
  s.Length = static_cast<USHORT>((buffer.size() - 1) * sizeof(WCHAR));
  s.MaximumLength = static_cast<USHORT>(buffer.size() * sizeof(WCHAR));
  s.Buffer = buffer.data();
  return s;
}

}  // namespace ndisconf::drivers

#endif  // NDISCONF_REFERENCE_DRIVERS_COMMON_NAMES_H_
