// The plug-in machinery (plugin.bzl, plugged_driver.h): two drivers with the
// same global names live in one binary, neither reaches the other's
// globals nor this file's, and every load after the first starts from the
// driver's start-up image.
#include <gtest/gtest.h>

#include <memory>

#include "conformance/plugin/plugged_driver.h"

// The names the isolated objects keep (ndisconf_driver in plugin.bzl).
extern "C" NTSTATUS ndisconf_plugged_counter_a_DriverEntry(PDRIVER_OBJECT, PUNICODE_STRING);
extern "C" unsigned char ndisconf_plugged_counter_a_state_begin[];
extern "C" unsigned char ndisconf_plugged_counter_a_state_end[];
extern "C" NTSTATUS ndisconf_plugged_counter_b_DriverEntry(PDRIVER_OBJECT, PUNICODE_STRING);
extern "C" unsigned char ndisconf_plugged_counter_b_state_begin[];
extern "C" unsigned char ndisconf_plugged_counter_b_state_end[];

// The same names as the drivers' globals, here: a clash would not link.
extern "C" {
int Loads = 1000;
int Step = 1000;
int Bump(void) { return -1; }
NTSTATUS DriverEntry(PDRIVER_OBJECT, PUNICODE_STRING) { return -1; }
}

namespace ndisconf::plugin {
namespace {

const DriverImage kA = {&ndisconf_plugged_counter_a_DriverEntry,
                        ndisconf_plugged_counter_a_state_begin,
                        ndisconf_plugged_counter_a_state_end};
const DriverImage kB = {&ndisconf_plugged_counter_b_DriverEntry,
                        ndisconf_plugged_counter_b_state_begin,
                        ndisconf_plugged_counter_b_state_end};

TEST(Plugin, TheDriversWritableDataLiesBetweenItsBounds) {
  // Loads, Step, Calls and Name: at least 3 ints and 16 chars.
  EXPECT_GE(kA.state_end - kA.state_begin, 28);
  EXPECT_GE(kB.state_end - kB.state_begin, 28);
}

// One ImageState per image for the process, as the generated registration
// keeps it: the first load through it takes the start-up copy.
ImageState& StateA() {
  static ImageState state(kA);
  return state;
}
ImageState& StateB() {
  static ImageState state(kB);
  return state;
}

TEST(Plugin, EachLoadStartsFromTheStartUpImage) {
  // Loads = 0 + 7, Calls = 1: 701, on every load.
  for (int i = 0; i < 3; ++i) {
    PluggedDriver d("counter_a", kA, &StateA());
    EXPECT_EQ(d.DriverEntry(nullptr, nullptr), 701) << "load " << i;
  }
}

TEST(Plugin, AnImageLoadsOnceAtATime) {
  auto first = std::make_unique<PluggedDriver>("b", kB, &StateB());
  PluggedDriver second("b", kB, &StateB());
  EXPECT_EQ(first->DriverEntry(nullptr, nullptr), 701);
  EXPECT_EQ(second.DriverEntry(nullptr, nullptr), NDIS_STATUS_FAILURE);
  first.reset();  // unloaded: the image is free again, from its start-up state
  EXPECT_EQ(second.DriverEntry(nullptr, nullptr), 701);
}

TEST(Plugin, TwoDriversWithTheSameNamesAreSeparate) {
  for (int i = 0; i < 2; ++i) {
    PluggedDriver a("a", kA, &StateA());
    PluggedDriver b("b", kB, &StateB());
    EXPECT_EQ(a.DriverEntry(nullptr, nullptr), 701);
    EXPECT_EQ(b.DriverEntry(nullptr, nullptr), 701);
  }
  // This file's globals of the same names were never touched.
  EXPECT_EQ(Loads, 1000);
  EXPECT_EQ(Step, 1000);
  EXPECT_EQ(Bump(), -1);
  EXPECT_EQ(DriverEntry(nullptr, nullptr), -1);
}

}  // namespace
}  // namespace ndisconf::plugin
