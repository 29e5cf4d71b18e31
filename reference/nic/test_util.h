// Helpers shared by the SoftNic tests (testonly).
#ifndef NDISCONF_REFERENCE_NIC_TEST_UTIL_H_
#define NDISCONF_REFERENCE_NIC_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "reference/nic/soft_nic.h"

namespace ndisconf::nic::testing {

inline constexpr ChannelId kCh0{0};
inline constexpr ChannelId kCh1{1};

// A NIC from `config`; fails the test (and returns nullptr) if rejected.
inline std::unique_ptr<SoftNic> MakeNic(const SoftNicConfig& config = {}) {
  std::string error;
  auto nic = SoftNic::Create(config, &error);
  EXPECT_NE(nic, nullptr) << error;
  return nic;
}

// Pops every latched event.
inline std::vector<NicEvent> Drain(Nic& nic) {
  std::vector<NicEvent> out;
  while (auto e = nic.NextEvent()) out.push_back(std::move(*e));
  return out;
}

// Kinds only, for compact expectations.
inline std::vector<EventKind> Kinds(const std::vector<NicEvent>& events) {
  std::vector<EventKind> out;
  for (const NicEvent& e : events) out.push_back(e.kind);
  return out;
}

inline NicEvent Ev(EventKind kind, uint32_t ch, Ticks tick) {
  NicEvent e;
  e.kind = kind;
  e.channel = ChannelId{ch};
  e.tick = tick;
  return e;
}

// Dials on `ch` with the default peer and advances until connected; the
// connect events are drained.
inline void Connect(SoftNic& nic, ChannelId ch) {
  ASSERT_EQ(nic.Dial(ch, "5551234"), OpStatus::kPending);
  for (int i = 0; i < 1000 && nic.Status(ch)->call_state != CallState::kConnected; ++i) {
    nic.Advance(1);
  }
  ASSERT_EQ(nic.Status(ch)->call_state, CallState::kConnected);
  Drain(nic);
}

inline std::vector<uint8_t> Bytes(size_t n, uint8_t first = 1) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>(first + i);
  return v;
}

}  // namespace ndisconf::nic::testing

#endif  // NDISCONF_REFERENCE_NIC_TEST_UTIL_H_
