// conformance/plugin/plugged_driver.h: a third party's driver, loaded whole.
//
// ndisconf_implementation (conformance/plugin/plugin.bzl) links a team's
// driver sources into one relocatable object in which every global name is
// local except three: the driver's DriverEntry, renamed <prefix>_DriverEntry,
// and the bounds of its writable data, <prefix>_state_begin and
// <prefix>_state_end (driver_state.ld gathers .data and .bss between them).
// So several drivers live in one test binary without a name clash, and each
// sees only the NDIS functions of <ndis.h>.
//
// A PluggedDriver is that object seen as a drivers::Driver: loading it into a
// stack runs its DriverEntry. A real driver's globals start from its image
// each time the system loads it; here one process loads it once per test, so
// every load after the first puts the writable data back as it was before the
// first DriverEntry ran (a copy of the image taken then).
#ifndef NDISCONF_CONFORMANCE_PLUGIN_PLUGGED_DRIVER_H_
#define NDISCONF_CONFORMANCE_PLUGIN_PLUGGED_DRIVER_H_

#include <ndis.h>

#include <memory>
#include <string>
#include <vector>

#include "reference/drivers/common/support.h"

namespace ndisconf::plugin {

// One isolated driver object: its entry point and its writable data.
struct DriverImage {
  PDRIVER_INITIALIZE entry = nullptr;
  unsigned char* state_begin = nullptr;
  unsigned char* state_end = nullptr;
};

// The pristine copy of one image's writable data, shared by every
// PluggedDriver made from that image.
class ImageState {
 public:
  explicit ImageState(const DriverImage& image) : image_(image) {}
  // Before a load: the first call saves the data, later calls restore it.
  // False (nothing touched) while another PluggedDriver of this image is
  // loaded: a system loads a driver image once, and a restore would wipe
  // the loaded one's globals.
  bool PrepareLoad(const void* loader);
  // `loader` is gone: the image may be loaded again.
  void Unloaded(const void* loader);

 private:
  DriverImage image_;
  const void* loaded_by_ = nullptr;
  bool saved_ = false;
  std::vector<unsigned char> pristine_;
};

class PluggedDriver : public drivers::Driver {
 public:
  // `state` outlives the driver (one per image, for the process).
  PluggedDriver(std::string name, const DriverImage& image, ImageState* state)
      : Driver(std::move(name)), image_(image), state_(state) {}
  ~PluggedDriver() override { state_->Unloaded(this); }

  // Runs the driver's DriverEntry from its start-up image. While another
  // PluggedDriver of the same image is loaded, returns NDIS_STATUS_FAILURE
  // without running it (and says so on stderr).
  NDIS_STATUS DriverEntry(PDRIVER_OBJECT driver_object, PUNICODE_STRING registry_path) override;

 private:
  DriverImage image_;
  ImageState* state_;
};

}  // namespace ndisconf::plugin

#endif  // NDISCONF_CONFORMANCE_PLUGIN_PLUGGED_DRIVER_H_
