// reference/ndis/scheduler.h: the model's only source of "when".
//
// The model has no threads and no clock. Everything that real NDIS would do
// later (a deferred ProtocolCoAfRegisterNotify, a completion deferred to
// PASSIVE_LEVEL, the unbind work item of NdisUnbindAdapter, a driver's
// NdisQueueIoWorkItem, an NDIS 5 miniport's MiniportHandleInterrupt DPC)
// becomes a pending work item. A Chooser, supplied by
// the caller, decides which ready item runs next and whether a deferrable
// delivery runs inline: conformance tests script it; fuzzers derive it from
// their input.
#ifndef NDISCONF_REFERENCE_NDIS_SCHEDULER_H_
#define NDISCONF_REFERENCE_NDIS_SCHEDULER_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace ndisconf::ndis {

enum class WorkKind : uint8_t {
  kAfRegisterNotify,    // ProtocolCoAfRegisterNotify to one client binding (AF-020/021)
  kDeferredCompletion,  // a Cl*Complete / Cm*Complete callback deferred to PASSIVE (AF-037)
  kUnbind,              // ProtocolUnbindAdapterEx queued by NdisUnbindAdapter (AF-126)
  kDriverWorkItem,      // a driver's NdisQueueIoWorkItem routine
  kDpc,                 // MiniportHandleInterrupt queued by MiniportISR; runs at DISPATCH_LEVEL
};

const char* WorkKindName(WorkKind kind);

struct WorkInfo {
  uint64_t id;  // unique within the run, increasing in queue order
  WorkKind kind;
  std::string what;  // e.g. "ProtocolCoAfRegisterNotify(cl#2, af=0x1)"
};

class Chooser {
 public:
  virtual ~Chooser() = default;
  // Picks which of `ready` (non-empty, in queue order) runs next; the
  // result is taken modulo ready.size().
  virtual size_t Pick(const std::vector<WorkInfo>& ready) = 0;
  // For a delivery that may run either inline or later at PASSIVE_LEVEL:
  // true runs it inline.
  virtual bool RunInline(WorkKind kind) = 0;
};

// Oldest first; deferrable deliveries are queued, never inline.
class FifoChooser : public Chooser {
 public:
  size_t Pick(const std::vector<WorkInfo>&) override { return 0; }
  bool RunInline(WorkKind) override { return false; }
};

// Reads its decisions from bytes (a fuzz input, or a scripted test): each
// Pick consumes one byte (index modulo the ready count), each RunInline one
// byte (odd = inline). When the bytes run out it behaves as FifoChooser.
class ByteChooser : public Chooser {
 public:
  explicit ByteChooser(std::span<const uint8_t> bytes) : bytes_(bytes) {}
  size_t Pick(const std::vector<WorkInfo>& ready) override;
  bool RunInline(WorkKind kind) override;
  size_t consumed() const { return pos_; }

 private:
  std::span<const uint8_t> bytes_;
  size_t pos_ = 0;
};

}  // namespace ndisconf::ndis

#endif  // NDISCONF_REFERENCE_NDIS_SCHEDULER_H_
